"""An incremental in-memory expertise index.

Documents (`Evidence`) live in a *base* segment (NumPy arrays plus a SciPy CSC term matrix, rows
sorted by creation time) and *pending* documents, recent additions merged into the base once they
grow to a few percent of it. Sorting the base by time makes any "as of t" view a prefix of the rows,
so every statistic a query uses (term frequencies, document frequencies, average lengths, per-person
counts) can be computed from evidence created strictly before t.

The pending documents are queried as a few segments of decreasing size (`_PendingRuns`): the newest
ones form a small tail segment rebuilt after a change, older ones frozen segments that are rebuilt
only when merged with a younger one of comparable size. So a query after a change rebuilds a few
hundred rows, not every pending document (up to 5% of the base: ~110,000 rows on a 2.2M-document
index, about half a second to rebuild).

Every change bumps `version`. Two kinds of change are also logged (`changes_since`): appending a
document created at or after every indexed one (the live case: a post that just arrived), and
replacing a document in place (an edit, a vote, an acceptance: same person, time, visibility and
expertise weight). Per-person statistics kept by the ranker are brought up to date from the logged
rows alone instead of being recomputed over every row; any other change (a removal, a change of
author or time, an out-of-order time) is a barrier that makes them recompute.

Bulk build is `ExpertiseIndex.build(docs)`: documents go into flat typed arrays (a few bytes per term
occurrence, no Python object per term) and become the base segment in one step, with no intermediate
merges, so a large organisation builds in one pass with little more memory than the final index.
Incremental update is `index.add(doc)`. Both end in the same state (the tests check it).
`save(path)` / `load(path)` round-trip through one .npz file.
"""

from __future__ import annotations

import bisect
import io
import json
import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from expertise.text import document_terms, tag_token
from expertise.types import EXPERTISE_WEIGHT, KINDS, Evidence

DAY = 86400.0
KIND_ID = {k: i for i, k in enumerate(KINDS)}
Q, ANS, ACC, ART, COM, POST, DEC = (KIND_ID[k] for k in KINDS)
EXPW = np.array([EXPERTISE_WEIGHT[k] for k in KINDS], dtype=np.float64)


def to_epoch(d: datetime) -> float:
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.timestamp()


def from_epoch(x: float) -> datetime:
    return datetime.fromtimestamp(x, tz=UTC)


@dataclass
class Segment:
    """Column store of documents; `terms` is docs x terms (CSR) and `csc` the same by term."""

    ids: list[str]
    titles: list[str]
    person: np.ndarray  # int32
    kind: np.ndarray  # int8
    created: np.ndarray  # float64 epoch seconds
    score: np.ndarray  # float32
    vis: np.ndarray  # int32, 0 = public
    parent_asker: np.ndarray  # int32, asker of the answered question or -1
    alive: np.ndarray  # bool
    parent_q: np.ndarray  # int32, question number (of itself for a question, of its question for an answer)
    length: np.ndarray  # float32
    terms: sp.csr_matrix
    csc: sp.csc_matrix
    sorted_by_time: bool

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls) -> Segment:
        return cls.from_rows([], 0)

    @classmethod
    def from_rows(cls, rows: list[tuple], n_terms: int, sort: bool = False) -> Segment:
        # row = (id, title, person, kind, created, score, vis, parent_asker, alive, term_ids, tfs, parent_q)
        if sort:
            rows = sorted(rows, key=lambda r: r[4])
        n = len(rows)
        indptr = np.zeros(n + 1, dtype=np.int64)
        lens = [len(r[9]) for r in rows]
        if n:
            indptr[1:] = np.cumsum(lens)
        idx = np.concatenate([np.asarray(r[9], dtype=np.int32) for r in rows]) if n else np.zeros(0, np.int32)
        tf = np.concatenate([np.asarray(r[10], dtype=np.float32) for r in rows]) if n else np.zeros(0, np.float32)
        terms = sp.csr_matrix((tf, idx, indptr), shape=(n, n_terms))
        return cls._make([r[0] for r in rows], [r[1] for r in rows],
                         np.array([r[2] for r in rows], dtype=np.int32),
                         np.array([r[3] for r in rows], dtype=np.int8),
                         np.array([r[4] for r in rows], dtype=np.float64),
                         np.array([r[5] for r in rows], dtype=np.float32),
                         np.array([r[6] for r in rows], dtype=np.int32),
                         np.array([r[7] for r in rows], dtype=np.int32),
                         np.array([r[8] for r in rows], dtype=bool),
                         np.array([r[11] for r in rows], dtype=np.int32), terms, sort)

    @classmethod
    def _make(cls, ids, titles, person, kind, created, score, vis, parent_asker, alive, parent_q, terms,
              sorted_by_time):
        terms = terms.tocsr()
        length = np.asarray(terms.sum(axis=1)).ravel().astype(np.float32)
        csc = terms.tocsc()
        csc.sort_indices()
        return cls(ids, titles, person, kind, created, score, vis, parent_asker, alive, parent_q, length, terms,
                   csc, sorted_by_time)

    def row_terms(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.terms.indptr[i], self.terms.indptr[i + 1]
        return self.terms.indices[a:b], self.terms.data[a:b]


@dataclass
class Slice:
    """The rows of one segment visible to a query: a time prefix and/or a mask."""

    seg: Segment
    stop: int  # rows [0, stop) when the segment is time sorted, else seg.n
    mask: np.ndarray | None  # bool over rows [0, stop), None = all

    def rows_in(self, rows: np.ndarray) -> np.ndarray:
        rows = rows[: np.searchsorted(rows, self.stop)] if self.stop < self.seg.n else rows
        if self.mask is not None and len(rows):
            rows = rows[self.mask[rows]]
        return rows

    def select(self, arr: np.ndarray) -> np.ndarray:
        arr = arr[: self.stop]
        return arr if self.mask is None else arr[self.mask]


class Appended(NamedTuple):
    """What the per-person statistics read of an appended document (as its segment stores it)."""

    person: int
    kind: int
    created: float
    score: float  # float32 value, as in `Segment.score`
    vis: int
    length: float  # float32 value, as in `Segment.length`


class Updated(NamedTuple):
    """A document replaced in place (an edit, a vote, an acceptance): same person, creation time,
    visibility and expertise weight, so only per-person counts change, never the site clock."""

    old: Appended
    new: Appended


class _PendingRuns:
    """The pending rows as segments: frozen runs of decreasing size, then a small tail.

    Rebuilding one segment of every pending row after each change (as queries need a CSC matrix)
    costs time proportional to all pending rows. Instead the newest rows (fewer than `TAIL` after
    freezing) form the tail, rebuilt when it changed; a tail that reached `TAIL` rows is frozen into a
    run, and a run is merged with the run before it (one rebuild of both) while it is at least
    1/`RATIO` of its size. Runs then shrink geometrically: O(log(pending / TAIL)) segments (~6 at 110k
    pending rows), and each row is rebuilt O(log) times in all. Rows keep their pending order, so the
    segments concatenated are the rows of `ExpertiseIndex.pending` in order."""

    TAIL = 256
    RATIO = 4

    def __init__(self) -> None:
        self.runs: list[Segment] = []
        self.starts: list[int] = []  # pending row of each run's first row
        self.frozen = 0  # pending rows [0, frozen) are in runs
        self.tail: Segment | None = None  # rows [frozen, len(pending)), None = to rebuild

    def segments(self, pending: list[tuple], n_terms: int) -> list[Segment]:
        if len(pending) - self.frozen >= self.TAIL:
            self._freeze(pending, n_terms)
        segs = list(self.runs)
        if self.frozen < len(pending):
            if self.tail is None:
                self.tail = Segment.from_rows(pending[self.frozen:], n_terms)
            segs.append(self.tail)
        return segs

    def _freeze(self, pending: list[tuple], n_terms: int) -> None:
        self.starts.append(self.frozen)
        self.runs.append(Segment.from_rows(pending[self.frozen:], n_terms))
        self.frozen = len(pending)
        self.tail = None
        while len(self.runs) >= 2 and self.runs[-1].n * self.RATIO >= self.runs[-2].n:
            self.runs.pop()
            self.starts.pop()
            self.runs[-1] = Segment.from_rows(pending[self.starts[-1]:self.frozen], n_terms)

    def appended(self) -> None:
        self.tail = None

    def killed(self, row: int) -> None:
        """Pending row `row` was removed: marked dead in place in its run (as in the base), or the tail
        is rebuilt."""
        if row >= self.frozen:
            self.tail = None
            return
        i = bisect.bisect_right(self.starts, row) - 1
        self.runs[i].alive[row - self.starts[i]] = False


def _stats_row(r: tuple) -> Appended:
    """What the statistics read of a stored row (as its segment will hold it: float32 score, length)."""
    length = float(np.asarray(r[10], dtype=np.float32).sum(dtype=np.float32))
    return Appended(r[2], r[3], r[4], float(np.float32(r[5])), r[6], length)


class ExpertiseIndex:
    MERGE_MIN = 2000  # pending documents merged into the base above max(MERGE_MIN, MERGE_FRACTION*base)
    MERGE_FRACTION = 0.05
    APPEND_LOG = 100_000  # logged changes remembered for statistics to catch up with

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms_list: list[str] = []
        self.people: list[str] = []
        self.person_id: dict[str, int] = {}
        self.vis_keys: list[str | None] = [None]
        self.vis_id: dict[str | None, int] = {None: 0}
        self.base = Segment.empty()
        self.pending: list[tuple] = []
        self._runs = _PendingRuns()
        self._pending_max = -math.inf  # newest creation time among the pending rows (dead ones too)
        self._pending_times: Counter[float] = Counter()  # live pending rows per creation time
        self.where: dict[str, tuple[int, int]] = {}  # doc id -> (0 base | 1 pending, row)
        self.question_asker: dict[str, int] = {}
        self.question_doc: dict[str, str] = {}
        self.question_num: dict[str, int] = {}
        self.version = 0
        self._cache: dict = {}  # derived data of the current version (cleared on every change)
        # Logged changes since the last barrier: (version, Appended | Updated) for versions
        # (_changes_from, version]. Any other change (but a merge that keeps every statistic) moves the barrier.
        self._changes: list[tuple[int, Appended | Updated]] = []
        self._changes_from = 0
        # Kept across changes by their users, which check `version` and catch up (see ranking.py):
        self.live_stats: dict = {}
        # Held while the index changes and while statistics are computed or caught up, so that they
        # read the rows of exactly one version (queries of other threads may run during a change).
        self.lock = threading.RLock()

    # ----------------------------------------------------------------- building
    @classmethod
    def build(cls, docs: Iterable[Evidence], ordered: bool = False) -> ExpertiseIndex:
        """Bulk build: documents in any order (sorted first, questions before their answers), or
        `ordered=True`: streamed as given (never listed) where every question comes before the
        documents that attach to it; the rows are put in time order at the end."""
        index = cls()
        if not ordered:
            docs = sorted(docs, key=lambda d: (to_epoch(d.created), d.kind != "question"))
        loader = _BulkLoader(index)
        for d in docs:
            loader.add(d)
        loader.finish()
        return index

    def add(self, doc: Evidence) -> None:
        """Add or replace one document; visible to the next query."""
        with self.lock:
            self._stage(doc)
            if len(self.pending) > max(self.MERGE_MIN, self.MERGE_FRACTION * self.base.n):
                self._merge()

    def add_many(self, docs: Iterable[Evidence]) -> None:
        for d in docs:
            self.add(d)

    def remove(self, doc_id: str) -> None:
        with self.lock:
            if doc_id not in self.where:
                return
            self._kill(doc_id)
            self._touch()

    def _touch(self, appended: tuple | None = None, keeps_stats: bool = False,
               updated: Updated | None = None) -> None:
        """A change: a new version. `appended` = the row just appended when it is a plain append;
        `updated` = a document replaced in place; `keeps_stats` = a change no per-person statistic sees
        (a merge that keeps every row)."""
        self.version += 1
        self._cache.clear()
        if appended is not None or updated is not None:
            self._changes.append((self.version, updated if updated is not None else _stats_row(appended)))
            if len(self._changes) > self.APPEND_LOG:  # keep the newest half; older statistics recompute
                drop = len(self._changes) // 2
                self._changes_from = self._changes[drop - 1][0]
                del self._changes[:drop]
        elif not keeps_stats:
            self._changes.clear()
            self._changes_from = self.version

    def changes_since(self, version: int) -> list[Appended | Updated] | None:
        """The rows appended (`Appended`) and the documents replaced in place (`Updated`) after
        `version`, oldest first, if every change since then was one of those (or kept every row: a
        merge); else None. Statistics of `version` plus these changes are the statistics of the current
        version (hold `lock` to read both at one version)."""
        with self.lock:
            if version < self._changes_from or version > self.version:
                return None
            i = bisect.bisect_right(self._changes, version, key=lambda e: e[0])
            return [r for _, r in self._changes[i:]]

    def _intern(self, term: str) -> int:
        i = self.vocab.get(term)
        if i is None:
            i = self.vocab[term] = len(self.terms_list)
            self.terms_list.append(term)
        return i

    def person_index(self, person: str) -> int:
        i = self.person_id.get(person)
        if i is None:
            i = self.person_id[person] = len(self.people)
            self.people.append(person)
        return i

    def question_doc_of(self, qnum: int) -> str | None:
        """The document id of question number `qnum`. The inverse map is kept until a question is added
        (a question keeps its number and document id when it is re-indexed), not rebuilt on every change."""
        size = (len(self.question_num), len(self.question_doc))
        cached = getattr(self, "_question_docs", None)
        if cached is None or cached[0] != size:
            cached = self._question_docs = (size, {n: self.question_doc.get(q) for q, n in self.question_num.items()})
        return cached[1].get(qnum)

    def _doc_terms(self, doc_id: str) -> tuple[np.ndarray, np.ndarray] | None:
        loc = self.where.get(doc_id)
        if loc is None:
            return None
        if loc[0] == 0:
            return self.base.row_terms(loc[1])
        if loc[0] == 2:  # being bulk loaded
            return self._bulk.row_terms(loc[1])
        r = self.pending[loc[1]]
        return np.asarray(r[9]), np.asarray(r[10])

    def _row(self, d: Evidence) -> tuple:
        """The stored row of a document: (id, title, person, kind, created, score, vis, parent_asker,
        alive, term ids (sorted int32 array), term frequencies (float32 array), question number)."""
        parent = -1
        qterms = None
        if d.kind != "question" and d.question_id:
            qkey = "q:" + d.question_id
            parent = self.question_asker.get(qkey, -1)
            qterms = self._doc_terms(self.question_doc.get(qkey, ""))
        # an answer's document is its own text plus its question's (title, body, tags) when known
        own = document_terms("", d.text) if qterms is not None else document_terms(d.title, d.text, d.tags)
        counts = Counter(own)
        get = self.vocab.get
        ids = []
        for t in counts:
            j = get(t)
            ids.append(self._intern(t) if j is None else j)
        keys = np.array(ids, dtype=np.int32)
        tfs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if qterms is not None and len(qterms[0]):
            keys = np.concatenate([keys, np.asarray(qterms[0], dtype=np.int32)])
            tfs = np.concatenate([tfs, np.asarray(qterms[1], dtype=np.float32)])
            keys, inv = np.unique(keys, return_inverse=True)
            tfs = np.bincount(inv, weights=tfs, minlength=len(keys)).astype(np.float32)
            keys = keys.astype(np.int32)
        else:
            order = np.argsort(keys, kind="stable")
            keys, tfs = keys[order], tfs[order]
        # a question is known by its question_id when given (else its id); answers point at it
        qkey = "q:" + ((d.question_id or d.id) if d.kind == "question" else (d.question_id or ""))
        qnum = -1
        if qkey != "q:":
            qnum = self.question_num.setdefault(qkey, len(self.question_num))
        if d.kind == "question":
            self.question_doc[qkey] = d.id
            self.question_asker[qkey] = self.person_index(d.person)
        vis = self.vis_id.get(d.visibility)
        if vis is None:
            vis = self.vis_id[d.visibility] = len(self.vis_keys)
            self.vis_keys.append(d.visibility)
        return (d.id, d.title[:200], self.person_index(d.person), KIND_ID[d.kind], to_epoch(d.created),
                float(d.score), vis, parent, True, keys, tfs, qnum)

    def _stage(self, d: Evidence) -> None:
        old = self._live_row(d.id)
        replaced = d.id in self.where
        if replaced:
            self._kill(d.id)
        newest = self.max_created
        row = self._row(d)
        self.where[d.id] = (1, len(self.pending))
        self.pending.append(row)
        self._pending_times[row[4]] += 1
        self._runs.appended()
        self._pending_max = max(self._pending_max, row[4])
        if not replaced:
            # a plain append: a new document, created at or after every row (dead ones too: the statistics'
            # reference time is the newest creation time), so it is the newest item on the site clock
            self._touch(appended=row if row[4] >= newest else None)
            return
        # a replacement in place (an edit, a vote, an acceptance) keeps the site clock as it was when the
        # person, time, visibility and expertise weight stay and no other row has its time (the time
        # order among equal times would change); anything else makes the statistics recompute
        new = _stats_row(row)
        same = (old is not None and (old.person, old.created, old.vis) == (new.person, new.created, new.vis)
                and EXPW[old.kind] == EXPW[new.kind] and self._live_rows_at(new.created) == 1)
        self._touch(updated=Updated(old, new) if same else None)

    def _live_row(self, doc_id: str) -> Appended | None:
        """What the statistics read of a live document, or None (unknown or dead)."""
        loc = self.where.get(doc_id)
        if loc is None:
            return None
        if loc[0] == 0:
            b, i = self.base, loc[1]
            if not b.alive[i]:
                return None
            return Appended(int(b.person[i]), int(b.kind[i]), float(b.created[i]), float(b.score[i]), int(b.vis[i]),
                            float(b.length[i]))
        r = self.pending[loc[1]]
        return _stats_row(r) if r[8] else None

    def _live_rows_at(self, created: float) -> int:
        """How many live rows were created at exactly `created` (dead rows take no place in any order)."""
        b = self.base
        if b.sorted_by_time:
            lo, hi = np.searchsorted(b.created, created), np.searchsorted(b.created, created, side="right")
            n = int(b.alive[lo:hi].sum())
        else:
            n = int(((b.created == created) & b.alive).sum())
        return n + self._pending_times.get(created, 0)

    def _kill(self, doc_id: str) -> None:
        """Mark a document dead (no new version: the caller makes one)."""
        loc = self.where.pop(doc_id)
        if loc[0] == 0:
            self.base.alive[loc[1]] = False
        else:
            r = self.pending[loc[1]]
            self.pending[loc[1]] = (*r[:8], False, *r[9:])
            self._pending_times[r[4]] -= 1
            self._runs.killed(loc[1])

    def _merge(self) -> None:
        """Fold the pending documents into the time-sorted base segment."""
        with self.lock:
            self._merge_pending()

    def _merge_pending(self) -> None:
        n_terms = len(self.terms_list)
        b = self.base
        if not self.pending:
            if b.terms.shape[1] != n_terms:
                b.terms.resize((b.n, n_terms))
                b.csc = b.terms.tocsc()
                b.csc.sort_indices()
            return
        if not b.n:
            self.base = Segment.from_rows([r for r in self.pending if r[8]], n_terms, sort=True)
        else:
            # vectorised merge: stack base and pending, drop dead rows, sort by time
            pend = Segment.from_rows(self.pending, n_terms)
            base_terms = b.terms.copy()
            base_terms.resize((b.n, n_terms))
            terms = sp.vstack([base_terms, pend.terms], format="csr")
            fields = ("person", "kind", "created", "score", "vis", "parent_asker", "alive", "parent_q")
            cat = {k: np.concatenate([getattr(b, k), getattr(pend, k)]) for k in fields}
            ids = b.ids + pend.ids
            titles = b.titles + pend.titles
            keep = np.flatnonzero(cat["alive"])
            order = keep[np.argsort(cat["created"][keep], kind="stable")]
            self.base = Segment._make([ids[i] for i in order], [titles[i] for i in order],
                                      *(cat[k][order] for k in fields), terms[order], True)
        self.pending = []
        self._runs = _PendingRuns()
        self._pending_max = -math.inf
        self._pending_times = Counter()
        self.where = {d: (0, i) for i, d in enumerate(self.base.ids)}
        # The merged base holds the same live rows in the same time order (a stable sort of base then
        # pending rows, as the statistics order them), so per-person statistics are unchanged (their
        # reference time, the newest creation time, is read again: dropped dead rows may change it).
        self._touch(keeps_stats=True)

    def compact(self) -> None:
        self._merge()

    # ----------------------------------------------------------------- views
    def segments(self) -> list[Segment]:
        """The base, then the pending rows in order (as a few segments, see `_PendingRuns`)."""
        with self.lock:  # two threads must not freeze the same runs
            if not self.pending:
                return [self.base]
            return [self.base, *self._runs.segments(self.pending, len(self.terms_list))]

    @property
    def n_docs(self) -> int:
        return sum(int(s.alive.sum()) for s in self.segments())

    @property
    def max_created(self) -> float:
        """The newest creation time of any row, dead ones included (kept up to date: no scan)."""
        b = self.base
        m = -math.inf
        if b.n:
            m = float(b.created[-1]) if b.sorted_by_time else float(b.created.max())
        return max(m, self._pending_max)

    def slices(self, before: float | None = None,
               visible: Callable[[str | None], bool] | set[str | None] | None = None,
               keep: list[Slice] | None = None) -> list[Slice]:
        """Rows created strictly before `before` (None = all), alive, and visible. `keep`: slices of all
        rows made earlier for the same `visible`, when the caller knows that no row of theirs changed
        since (only documents were appended): those of segments still in use are reused as they are
        (a visibility mask over the base costs ~10 ms on a 2.2M-document index)."""
        allowed = None
        if visible is not None:
            ok = [(k in visible) if isinstance(visible, set | frozenset) else bool(visible(k)) for k in self.vis_keys]
            allowed = np.array(ok, dtype=bool)
        reuse = {id(sl.seg): sl for sl in keep} if keep and before is None else {}
        out = []
        for s in self.segments():
            old = reuse.get(id(s))
            if old is not None and old.seg is s and old.stop == s.n:
                out.append(old)
                continue
            if s.sorted_by_time:
                stop = s.n if before is None else int(np.searchsorted(s.created, before, side="left"))
                mask = None
            else:
                stop = s.n
                mask = None if before is None else s.created < before
            alive = s.alive[:stop]
            if not alive.all():
                mask = alive if mask is None else (mask & alive)
            if allowed is not None:
                m = allowed[s.vis[:stop]]
                if not m.all():
                    mask = m if mask is None else (mask & m)
            out.append(Slice(s, stop, mask))
        return out

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        return sorted({self.vocab[t] for t in terms if t in self.vocab})

    def tag_ids(self, tags: Iterable[str]) -> list[int]:
        return self.term_ids(tag_token(t) for t in tags)

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | Path) -> None:
        self._merge()
        b = self.base
        meta = {"format": 1, "terms": self.terms_list, "people": self.people, "vis": self.vis_keys,
                "ids": b.ids, "titles": b.titles, "question_asker": self.question_asker,
                "question_doc": self.question_doc, "question_num": self.question_num}
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                            person=b.person, kind=b.kind, created=b.created, score=b.score, vis=b.vis,
                            parent_asker=b.parent_asker, alive=b.alive, parent_q=b.parent_q, indptr=b.terms.indptr,
                            indices=b.terms.indices, data=b.terms.data)
        tmp = Path(str(path) + ".tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> ExpertiseIndex:
        z = np.load(path, allow_pickle=False)
        meta = json.loads(z["meta"].tobytes().decode())
        index = cls()
        index.terms_list = meta["terms"]
        index.vocab = {t: i for i, t in enumerate(index.terms_list)}
        index.people = meta["people"]
        index.person_id = {p: i for i, p in enumerate(index.people)}
        index.vis_keys = meta["vis"]
        index.vis_id = {k: i for i, k in enumerate(index.vis_keys)}
        index.question_asker = meta["question_asker"]
        index.question_doc = meta["question_doc"]
        index.question_num = meta["question_num"]
        n = len(meta["ids"])
        terms = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, len(index.terms_list)))
        index.base = Segment._make(meta["ids"], meta["titles"], z["person"], z["kind"], z["created"],
                                   z["score"], z["vis"], z["parent_asker"], z["alive"], z["parent_q"], terms,
                                   True)
        index.where = {d: (0, i) for i, d in enumerate(index.base.ids)}
        return index


class _BulkLoader:
    """Columns of a bulk build in flat typed arrays; `finish()` turns them into the base segment.

    A question must come before the documents attached to it; otherwise any order (`finish` sorts
    the rows by time, stably). A document id seen again replaces the earlier row, as `add` does."""

    def __init__(self, index: ExpertiseIndex):
        if index.base.n or index.pending:
            raise ValueError("bulk loading needs an empty index")
        self.index = index
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.person, self.vis, self.parent_asker, self.parent_q = array("i"), array("i"), array("i"), array("i")
        self.kind, self.alive = array("b"), array("b")
        self.created, self.score = array("d"), array("f")
        self.indptr, self.indices, self.data = array("q", [0]), array("i"), array("f")
        index._bulk = self

    def row_terms(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.indptr[i], self.indptr[i + 1]  # copies: a view would pin the growing arrays
        return np.frombuffer(self.indices[a:b], dtype=np.int32), np.frombuffer(self.data[a:b], dtype=np.float32)

    def add(self, d: Evidence) -> None:
        index = self.index
        old = index.where.get(d.id)
        if old is not None:
            self.alive[old[1]] = 0
        r = index._row(d)
        index.where[d.id] = (2, len(self.ids))
        self.ids.append(r[0])
        self.titles.append(r[1])
        self.person.append(r[2])
        self.kind.append(r[3])
        self.created.append(r[4])
        self.score.append(r[5])
        self.vis.append(r[6])
        self.parent_asker.append(r[7])
        self.alive.append(1)
        self.indices.frombytes(r[9].tobytes())
        self.data.frombytes(r[10].tobytes())
        self.indptr.append(len(self.indices))
        self.parent_q.append(r[11])

    def finish(self) -> None:
        index = self.index
        n, n_terms = len(self.ids), len(index.terms_list)
        col = {name: np.frombuffer(getattr(self, name), dtype=dt) for name, dt in (
            ("person", np.int32), ("kind", np.int8), ("created", np.float64), ("score", np.float32),
            ("vis", np.int32), ("parent_asker", np.int32), ("alive", np.int8), ("parent_q", np.int32))}
        flat = []
        for name, dt in (("data", np.float32), ("indices", np.int32), ("indptr", np.int64)):
            flat.append(np.frombuffer(getattr(self, name), dtype=dt).copy())  # one at a time: low peak
            setattr(self, name, None)
        terms = sp.csr_matrix(tuple(flat), shape=(n, n_terms))
        del flat
        keep = np.flatnonzero(col["alive"])
        order = keep[np.argsort(col["created"][keep], kind="stable")]
        ids, titles = self.ids, self.titles
        if len(order) != n or (n and np.any(order != np.arange(n))):  # not already in order: reorder
            ids, titles = [ids[i] for i in order], [titles[i] for i in order]
            terms = terms[order]
            col = {k: v[order] for k, v in col.items()}
        else:
            col = {k: v.copy() for k, v in col.items()}  # own the memory (the arrays are released below)
        alive = np.ones(len(ids), dtype=bool)
        index.base = Segment._make(ids, titles, col["person"], col["kind"], col["created"], col["score"], col["vis"],
                                   col["parent_asker"], alive, col["parent_q"], terms, True)
        index.where = {d: (0, i) for i, d in enumerate(ids)}
        del index._bulk
        index._touch()
