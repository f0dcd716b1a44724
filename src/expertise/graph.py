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


# ---------------------------------------------------------------------------------------------
# Silo measures. A *tie* is an unordered pair of people with at least one interaction between
# them, in either direction (Krackhardt and Stern count ties, not interactions). Groups are given
# as a mapping person id -> group key (a department); people outside the mapping are left out.


def ties(inter: Interactions, people=None) -> np.ndarray:
    """The distinct undirected ties as an (n, 2) array of person ids, lower id first, sorted."""
    if len(inter) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    lo, hi = np.minimum(inter.source, inter.target), np.maximum(inter.source, inter.target)
    if people is not None:
        ids = np.unique(np.fromiter((int(p) for p in people), dtype=np.int64))
        keep = np.isin(lo, ids) & np.isin(hi, ids)
        lo, hi = lo[keep], hi[keep]
    span = int(hi.max()) + 1 if len(hi) else 1
    codes = np.unique(lo * span + hi)  # one sort of plain integers, not of rows
    return np.column_stack([codes // span, codes % span]).astype(np.int64)


def _lookup(groups: dict) -> tuple[list, np.ndarray, np.ndarray]:
    keys = sorted(set(groups.values()), key=str)
    code = {k: i for i, k in enumerate(keys)}
    ids = np.fromiter((int(p) for p in groups), dtype=np.int64, count=len(groups))
    codes = np.fromiter((code[g] for g in groups.values()), dtype=np.int64, count=len(groups))
    order = np.argsort(ids)
    return keys, ids[order], codes[order]


def _codes_of(people: np.ndarray, ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if len(ids) == 0:
        return np.full(len(people), -1, dtype=np.int64)
    i = np.minimum(np.searchsorted(ids, people), len(ids) - 1)
    return np.where(ids[i] == people, codes[i], -1)


def _group_codes(pairs: np.ndarray, groups: dict) -> tuple[list, np.ndarray, np.ndarray]:
    """Group keys (sorted) and each tie end's group index (-1: not in `groups`)."""
    keys, ids, codes = _lookup(groups)
    return keys, _codes_of(pairs[:, 0], ids, codes), _codes_of(pairs[:, 1], ids, codes)


def _grouped_ties(inter: Interactions, groups: dict, pairs: np.ndarray | None):
    """The ties with both ends in `groups` and their ends' group codes. `pairs`: `ties(inter)`
    when the caller already has it (it is the costly part on a big organisation)."""
    pairs = ties(inter) if pairs is None else pairs
    keys, a, b = _group_codes(pairs, groups)
    keep = (a >= 0) & (b >= 0)
    return keys, pairs[keep], a[keep], b[keep]


@dataclass(frozen=True)
class EI:
    """Krackhardt and Stern's E-I index of one group (or of the whole organisation):
    (external - internal) / (external + internal) over ties, from -1 (all ties inside: a silo) to
    +1 (all ties outside). `expected` is its value if the same people tied at random, whatever
    their group (random mixing at the same group sizes): a member of a group of n among N people
    ties inside with probability (n-1)/(N-1), so E-I = 1 - 2(n-1)/(N-1); for the organisation,
    a random pair is internal with probability sum n(n-1) / N(N-1)."""

    internal: int
    external: int
    size: int  # people in the group
    ei: float | None  # None without ties
    expected: float | None  # None when there is no one else to tie with

    @property
    def ties(self) -> int:
        return self.internal + self.external


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return (external - internal) / total if total else None


def ei_indexes(inter: Interactions, groups: dict, *, pairs: np.ndarray | None = None) -> tuple[dict, EI]:
    """The E-I index of every group and of the organisation (over all ties whose two ends are in
    `groups`). A group's external ties are those with one end inside it and the other in another
    group; the organisation's external ties are all ties between two different groups."""
    keys, pairs, a, b = _grouped_ties(inter, groups, pairs)
    k = len(keys)
    internal = np.bincount(a[a == b], minlength=k) if k else np.zeros(0, dtype=np.int64)
    cross = a != b
    external = (
        np.bincount(a[cross], minlength=k) + np.bincount(b[cross], minlength=k) if k else np.zeros(0, dtype=np.int64)
    )
    sizes: dict = {}
    for g in groups.values():
        sizes[g] = sizes.get(g, 0) + 1
    n_all = len(groups)
    per = {}
    for i, g in enumerate(keys):
        n = sizes[g]
        expected = 1 - 2 * (n - 1) / (n_all - 1) if n_all > 1 else None
        per[g] = EI(int(internal[i]), int(external[i]), n, _ei(int(external[i]), int(internal[i])), expected)
    p_internal = sum(n * (n - 1) for n in sizes.values()) / (n_all * (n_all - 1)) if n_all > 1 else None
    e_all, i_all = int(np.sum(cross)), int(np.sum(~cross))
    overall = EI(i_all, e_all, n_all, _ei(e_all, i_all), None if p_internal is None else 1 - 2 * p_internal)
    return per, overall


def ei_gain(external: int, internal: int) -> float:
    """How much one more external tie raises an E-I index of (external, internal) ties:
    (E+1-I)/(E+I+1) - (E-I)/(E+I) = 2I / ((E+I)(E+I+1)); 1 when there are no ties yet."""
    total = external + internal
    if total == 0:
        return 1.0
    return 2 * internal / (total * (total + 1))


def group_matrix(inter: Interactions, groups: dict) -> tuple[list, np.ndarray]:
    """The group-by-group interaction matrix: cell [i][j] counts the interactions from a member of
    group i (the source: who asked, commented, reacted...) to a member of group j. Rows and
    columns follow the sorted group keys; interactions with anyone outside `groups` are left out."""
    pairs = np.column_stack([inter.source, inter.target]) if len(inter) else np.zeros((0, 2), dtype=np.int64)
    keys, a, b = _group_codes(pairs, groups)
    k = len(keys)
    ok = (a >= 0) & (b >= 0)
    m = np.zeros((k, k), dtype=np.int64)
    if k:
        np.add.at(m, (a[ok], b[ok]), 1)
    return keys, m


def tie_matrix(inter: Interactions, groups: dict, *, pairs: np.ndarray | None = None) -> tuple[list, np.ndarray]:
    """Symmetric matrix of ties between groups (diagonal: ties inside a group)."""
    keys, pairs, a, b = _grouped_ties(inter, groups, pairs)
    k = len(keys)
    m = np.zeros((k, k), dtype=np.int64)
    if k and len(pairs):
        np.add.at(m, (a, b), 1)
        m = m + m.T - np.diag(np.diag(m))
    return keys, m


def expected_ties(sizes: dict, total_ties: int) -> dict:
    """Ties expected between each pair of groups (g, h), g <= h by key order, if `total_ties`
    ties fell at random on pairs of people: total * (pairs between g and h) / (all pairs)."""
    n = sum(sizes.values())
    all_pairs = n * (n - 1) / 2
    keys = sorted(sizes, key=str)
    out = {}
    for i, g in enumerate(keys):
        for h in keys[i:]:
            pairs = sizes[g] * (sizes[g] - 1) / 2 if g == h else sizes[g] * sizes[h]
            out[(g, h)] = total_ties * pairs / all_pairs if all_pairs else 0.0
    return out


@dataclass(frozen=True)
class Betweenness:
    scores: dict  # person id -> betweenness (undirected, unweighted ties), scaled to the full graph
    method: str  # "exact" or "sampled from k sources"


def betweenness(inter: Interactions, people=None, *, exact_up_to: int = 5000, samples: int | None = None,
                seed: int = 0, budget: float = 1e9) -> Betweenness:
    """Betweenness of each person on the undirected, unweighted tie graph: how many shortest paths
    between other people run through them (pairs counted once). Exact up to `exact_up_to` people;
    beyond, estimated from `samples` random source people (igraph's `sources=`), scaled by
    n / samples (Brandes and Pich's source-sampling estimator), and the method says so. Without
    `samples`, as many sources as keep sources x edges within `budget` (one breadth-first search
    per source walks every edge), between 32 and 400."""
    pg = people_graph(inter, people, directed=False)
    n = len(pg.ids)
    if n == 0:
        return Betweenness({}, "exact")
    g = pg.graph
    if n <= exact_up_to:
        scores = g.betweenness(directed=False)
        method = "exact"
    else:
        rng = np.random.default_rng(seed)
        if samples is None:
            samples = int(min(400, max(32, budget / max(g.ecount(), 1))))
        sources = sorted(int(x) for x in rng.choice(n, size=min(samples, n), replace=False))
        raw = g.betweenness(directed=False, sources=sources)
        # igraph halves undirected counts whatever the sources, so the paths from k of the n
        # people are k/n of the total: scale by n/k
        scores = [v * n / len(sources) for v in raw]
        method = f"sampled from {len(sources)} of {n} people"
    return Betweenness({int(pid): float(s) for pid, s in zip(pg.ids, scores, strict=True)}, method)


def neighbour_groups(inter: Interactions, groups: dict, *, pairs: np.ndarray | None = None) -> dict:
    """For each person, the set of other groups their ties reach."""
    keys, pairs, a, b = _grouped_ties(inter, groups, pairs)
    cross = a != b
    people = np.concatenate([pairs[cross, 0], pairs[cross, 1]])
    other = np.concatenate([b[cross], a[cross]])
    k = max(len(keys), 1)
    seen = np.unique(people * k + other)
    out: dict = {}
    for person, g in zip((seen // k).tolist(), (seen % k).tolist(), strict=True):
        out.setdefault(person, set()).add(keys[g])
    return out


# ---------------------------------------------------------------------------------------------
# Knowledge risk: truck factors of topics, after Avelino, Passos, Hora and Valente, "A novel
# approach for estimating truck factors" (ICPC 2016), adapted from files to topics.
#
# Avelino et al.: the authors of a file are the developers whose degree of authorship is at least
# 0.75 of the file's top author's; the truck factor of a system is the fewest developers whose
# removal (greedy: always the one who authors the most files) leaves more than 50% of its files
# without an author.
#
# Adapted: a topic is the system, and its *units* are the threads carrying evidence on it (a
# question with its answers, or a knowledge article). A person's weight on a unit is their
# evidence there (answer 1, accepted answer 3, article author 3, summed). The unit's *holders* are
# the people whose weight is at least HOLDER_SHARE (0.75) of the unit's top weight. The topic's
# truck factor is the fewest people whose leaving leaves more than COVERAGE (50%) of its units
# with no holder, found by the same greedy removal (ties broken by the lower person id).

HOLDER_SHARE = 0.75
COVERAGE = 0.5


def unit_holders(weights: dict) -> set:
    """The holders of one unit given {person: weight}: weight >= HOLDER_SHARE x the top weight."""
    positive = {p: w for p, w in weights.items() if w > 0}
    if not positive:
        return set()
    top = max(positive.values())
    return {p for p, w in positive.items() if w >= HOLDER_SHARE * top - 1e-12}


def topic_units(evidence) -> dict:
    """{topic: {unit: set of holders}} from rows (topic, unit id, person id, weight)."""
    weights: dict = {}
    for topic, unit, person, w in evidence:
        per = weights.setdefault(topic, {}).setdefault(unit, {})
        per[person] = per.get(person, 0.0) + float(w)
    out: dict = {}
    for topic, units in weights.items():
        held = {u: unit_holders(ws) for u, ws in units.items()}
        held = {u: h for u, h in held.items() if h}
        if held:
            out[topic] = held
    return out


@dataclass(frozen=True)
class TruckFactor:
    topic: str
    truck_factor: int
    removed: tuple  # the people removed, in greedy order (the topic's key people)
    units: int
    holders: int  # distinct people holding at least one unit


def truck_factor(units: dict) -> tuple[int, tuple]:
    """Greedy truck factor of one topic's {unit: holders}: remove the person holding the most
    units (a count that other removals do not change, so one sort gives the greedy order) until
    more than COVERAGE of the units have no holder left."""
    n = len(units)
    if n == 0:
        return 0, ()
    held: dict = {}
    for u, h in units.items():
        for p in h:
            held.setdefault(p, []).append(u)
    left = {u: len(h) for u, h in units.items()}
    orphaned = sum(1 for v in left.values() if v == 0)
    removed: list = []
    for person in sorted(held, key=lambda p: (-len(held[p]), p)):
        if orphaned > COVERAGE * n:
            break
        removed.append(person)
        for u in held[person]:
            left[u] -= 1
            if left[u] == 0:
                orphaned += 1
    return len(removed), tuple(removed)


def truck_factors(evidence) -> list[TruckFactor]:
    """Every topic's truck factor, lowest (riskiest) first, then more units first, then by name."""
    out = []
    for topic, units in topic_units(evidence).items():
        tf, removed = truck_factor(units)
        holders = set().union(*units.values())
        out.append(TruckFactor(topic, tf, removed, len(units), len(holders)))
    out.sort(key=lambda t: (t.truck_factor, -t.units, str(t.topic)))
    return out


def orphaned_by(evidence) -> dict:
    """{person: [(topic, share), ...]}: the topics that person's leaving alone would orphan (more
    than COVERAGE of the topic's units left with no holder), with the share of units orphaned;
    most orphaned first. At most one person can orphan a topic alone."""
    out: dict = {}
    for topic, units in topic_units(evidence).items():
        sole: dict = {}
        for h in units.values():
            if len(h) == 1:
                (p,) = h
                sole[p] = sole.get(p, 0) + 1
        for p, k in sole.items():
            if k > COVERAGE * len(units):
                out.setdefault(p, []).append((topic, k / len(units)))
    for p in out:
        out[p].sort(key=lambda x: (-x[1], str(x[0])))
    return out


# ---------------------------------------------------------------------------------------------
# Introductions that would most reduce the silo index.


@dataclass(frozen=True)
class Introduction:
    expert: int  # knows the topic
    asker: int  # in the other group, with unanswered demand on the topic
    topic: str
    expert_group: object
    asker_group: object
    fit: float  # expert's evidence weight on the topic x the asker's unanswered questions on it
    gain: float  # rise of the two groups' E-I indexes from one more external tie


def introductions(groups: dict, per_group: dict, expertise: dict, demand: dict, existing: set, *,
                  weak_pairs=None, limit: int = 10) -> list[Introduction]:
    """Suggested introductions across groups: for each pair of groups (restricted to `weak_pairs`,
    a set of frozensets of two groups, when given) and each topic that someone in one group asked
    about without an answer (`demand`: {person: {topic: unanswered questions}}), the person of the
    other group with the most evidence on it (`expertise`: {person: {topic: weight}}) paired with
    the asker with the most such questions. Pairs already tied (`existing`: set of (lo, hi)) are
    skipped. Ranked by gain x fit, where gain = ei_gain of both groups (`per_group`: {group: EI}):
    the introductions that most raise the E-I of the most inward-looking groups, with the best fit.
    Each person appears at most once."""
    best_expert: dict = {}  # (group, topic) -> (weight, person)
    for p, topics in expertise.items():
        g = groups.get(p)
        if g is None:
            continue
        for t, w in topics.items():
            cur = best_expert.get((g, t))
            if w > 0 and (cur is None or (w, -p) > (cur[0], -cur[1])):
                best_expert[(g, t)] = (w, p)
    best_asker: dict = {}
    for p, topics in demand.items():
        g = groups.get(p)
        if g is None:
            continue
        for t, n in topics.items():
            cur = best_asker.get((g, t))
            if n > 0 and (cur is None or (n, -p) > (cur[0], -cur[1])):
                best_asker[(g, t)] = (n, p)
    experts_by_topic: dict = {}
    for (g, t), (w, p) in best_expert.items():
        experts_by_topic.setdefault(t, []).append((g, w, p))
    cands = []
    for (ga, t), (n, asker) in best_asker.items():
        for ge, w, expert in experts_by_topic.get(t, ()):
            if ge == ga or (weak_pairs is not None and frozenset((ge, ga)) not in weak_pairs):
                continue
            if (min(expert, asker), max(expert, asker)) in existing:
                continue
            ea, eb = per_group.get(ge), per_group.get(ga)
            gain = (ei_gain(ea.external, ea.internal) if ea else 1.0) + (
                ei_gain(eb.external, eb.internal) if eb else 1.0
            )
            cands.append(Introduction(expert, asker, t, ge, ga, float(w * n), float(gain)))
    cands.sort(key=lambda c: (-c.gain * c.fit, -c.fit, str(c.topic), c.expert, c.asker))
    out, used = [], set()
    for c in cands:
        if c.expert in used or c.asker in used:
            continue
        out.append(c)
        used.update((c.expert, c.asker))
        if len(out) >= limit:
            break
    return out
