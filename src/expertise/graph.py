"""The interaction graph between people: who answered, commented on, replied to, mentioned,
reacted to or voted on whose content. Pure Python + NumPy + igraph; never imports Django.

An interaction is an *attention* edge: `source` gave attention to (or relied on) `target`.
- answer:   the asker -> the answerer (the asker relied on the answerer's knowledge)
- comment:  the commenter -> the post's author
- reply:    the replier -> the parent comment's author
- mention:  the writer -> the person mentioned
- reaction: the reactor -> the author of the post or comment
- vote:     the voter -> the author of the question or answer

Self-interactions are never edges. Influence (PageRank) follows attention: a person whom many
people rely on, and whom influential people rely on, ranks high. Ties between people (for silo
measures: the E-I index, the department matrix, brokers) ignore direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph
import numpy as np

KINDS = ("answer", "comment", "reply", "mention", "reaction", "vote")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
# How much one interaction of each kind weighs in the influence graph. An answer is real help; a
# reaction or a vote is a light signal. Fixed, documented, not fitted.
KIND_WEIGHT = np.array([3.0, 1.0, 1.0, 1.0, 0.5, 0.5])


@dataclass(frozen=True)
class Interactions:
    """Parallel arrays, one row an interaction. `space` is -1 for the company feed; `at` is seconds
    since the epoch (UTC)."""

    source: np.ndarray  # int64 person ids
    target: np.ndarray  # int64 person ids
    kind: np.ndarray  # int8 codes into KINDS
    at: np.ndarray  # float64 epoch seconds
    space: np.ndarray  # int64 space ids, -1 = none

    @classmethod
    def from_rows(cls, rows) -> Interactions:
        """From an iterable of (source, target, kind name, epoch seconds, space id or None);
        self-interactions are dropped."""
        src, dst, kind, at, space = [], [], [], [], []
        for s, t, k, when, sp in rows:
            if s is None or t is None or s == t:
                continue
            src.append(s)
            dst.append(t)
            kind.append(KIND_CODE[k])
            at.append(when)
            space.append(-1 if sp is None else sp)
        return cls(
            np.asarray(src, dtype=np.int64),
            np.asarray(dst, dtype=np.int64),
            np.asarray(kind, dtype=np.int8),
            np.asarray(at, dtype=np.float64),
            np.asarray(space, dtype=np.int64),
        )

    @classmethod
    def empty(cls) -> Interactions:
        return cls.from_rows(())

    def __len__(self) -> int:
        return int(self.source.shape[0])

    def select(self, mask: np.ndarray) -> Interactions:
        return Interactions(self.source[mask], self.target[mask], self.kind[mask], self.at[mask], self.space[mask])

    def between(self, since: float | None = None, until: float | None = None) -> Interactions:
        """Interactions with since <= at < until (either end open when None)."""
        mask = np.ones(len(self), dtype=bool)
        if since is not None:
            mask &= self.at >= since
        if until is not None:
            mask &= self.at < until
        return self.select(mask)

    def people(self) -> np.ndarray:
        """Sorted ids of everyone with at least one interaction."""
        return np.union1d(self.source, self.target)


@dataclass(frozen=True)
class PeopleGraph:
    """An igraph graph over people; vertex i is person `ids[i]`."""

    graph: igraph.Graph
    ids: np.ndarray

    def index(self, person_id: int) -> int | None:
        i = int(np.searchsorted(self.ids, person_id))
        return i if i < len(self.ids) and self.ids[i] == person_id else None


def people_graph(inter: Interactions, people=None, *, directed: bool = True) -> PeopleGraph:
    """Weighted graph (edge attribute "weight": the summed KIND_WEIGHT of the interactions between
    the two people). `people`: the vertex ids (default: everyone in `inter`); interactions with
    anyone else are left out. Undirected graphs merge both directions."""
    ids = np.unique(np.asarray(people, dtype=np.int64)) if people is not None else inter.people()
    s = np.searchsorted(ids, inter.source)
    t = np.searchsorted(ids, inter.target)
    s_ok = (s < len(ids)) & (ids[np.minimum(s, max(len(ids) - 1, 0))] == inter.source) if len(ids) else s < 0
    t_ok = (t < len(ids)) & (ids[np.minimum(t, max(len(ids) - 1, 0))] == inter.target) if len(ids) else t < 0
    keep = s_ok & t_ok
    s, t, w = s[keep], t[keep], KIND_WEIGHT[inter.kind[keep]]
    if not directed:
        s, t = np.minimum(s, t), np.maximum(s, t)
    # merge parallel edges by summing weights
    pairs = s.astype(np.int64) * max(len(ids), 1) + t
    uniq, inverse = np.unique(pairs, return_inverse=True)
    weights = np.bincount(inverse, weights=w, minlength=len(uniq)) if len(uniq) else np.zeros(0)
    n = max(len(ids), 1)
    edges = np.column_stack([uniq // n, uniq % n]) if len(uniq) else np.zeros((0, 2), dtype=np.int64)
    g = igraph.Graph(n=len(ids), edges=edges.tolist(), directed=directed)
    g.es["weight"] = weights.tolist()
    return PeopleGraph(g, ids)


def pagerank(inter: Interactions, people=None, damping: float = 0.85) -> dict[int, float]:
    """PageRank of each person on the weighted attention graph (sums to 1 over `people`)."""
    pg = people_graph(inter, people, directed=True)
    if len(pg.ids) == 0:
        return {}
    scores = pg.graph.pagerank(weights="weight" if pg.graph.ecount() else None, damping=damping, directed=True)
    return {int(pid): float(sc) for pid, sc in zip(pg.ids, scores, strict=True)}


def percentile_of(scores: dict[int, float], person_id: int) -> float | None:
    """The share (0-100) of people in `scores` whose score is below this person's, counting ties
    as half; None when the person is not in `scores`."""
    if person_id not in scores:
        return None
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    mine = scores[person_id]
    below = float(np.sum(values < mine))
    ties = float(np.sum(values == mine)) - 1.0
    others = len(values) - 1
    if others <= 0:
        return 100.0
    return 100.0 * (below + ties / 2.0) / others
