"""Per-person statistics kept across index changes (`FeatureExtractor.live_stats`) and the pending
segments (`_PendingRuns`): after any sequence of changes they equal a full computation, and rankings
equal those of a freshly built index."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expertise import Evidence, ExpertiseIndex, ExpertRanker, Query
from expertise import ranking as ranking_mod
from expertise.index import _PendingRuns
from expertise.ranking import FeatureExtractor
from expertise.types import KINDS

T0 = datetime(2024, 3, 1, tzinfo=UTC)
PEOPLE = ("ana", "ben", "cho", "dev", "eva", "fay")
TOPICS = ("postgres vacuum planner", "kubernetes helm ingress", "espresso grinder crema", "gdpr retention audit")
VIS = (None, "space:1", "space:2", "space:3")
RESTRICTED = frozenset({None, "space:1"})  # a viewer who may read the company feed and space 1


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def seed_docs() -> list[Evidence]:
    """A small history: questions and answers over a few days, some in space 1."""
    docs = []
    for k in range(12):
        topic = TOPICS[k % len(TOPICS)]
        qid = f"s{k}"
        vis = "space:1" if k % 3 == 0 else None
        docs.append(Evidence(f"q{qid}", PEOPLE[k % 6], "question", at(k * 300), topic, f"<p>{topic}?</p>",
                             (topic.split()[0],), question_id=qid, visibility=vis))
        docs.append(Evidence(f"a{qid}", PEOPLE[(k + 1) % 6], "accepted_answer" if k % 2 else "answer",
                             at(k * 300 + 37), topic, f"<p>{topic} fix</p>", score=k % 4 - 1, question_id=qid,
                             visibility=vis))
    return docs


def full_stats(index: ExpertiseIndex, visible) -> dict:
    """The statistics computed from scratch, as `stats_for` did before they were kept across changes."""
    return FeatureExtractor(index).person_stats(index.slices(None, visible), index.max_created)


def assert_same_stats(kept: dict, fresh: dict) -> None:
    keys = {k for k in fresh if not k.startswith("_")}
    assert {k for k in kept if not k.startswith("_")} == keys
    for k in sorted(keys):
        a, b = np.asarray(kept[k]), np.asarray(fresh[k])
        assert a.shape == b.shape, k
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=k)


def assert_live_equals_full(index: ExpertiseIndex) -> None:
    ex = FeatureExtractor(index)
    for visible in (None, RESTRICTED):
        slices, st_, tref, newest = ex.live_stats(visible)
        assert tref == index.max_created
        assert_same_stats(st_, full_stats(index, visible))
        fresh = index.slices(None, visible)
        assert [(sl.seg, sl.stop) for sl in slices] == [(sl.seg, sl.stop) for sl in fresh]
        for kept, made in zip(slices, fresh, strict=True):
            assert (kept.mask is None and made.mask is None) or (kept.mask == made.mask).all()
        sizes = [(sl.stop if sl.mask is None else int(sl.mask.sum()), float(sl.select(sl.seg.length).sum()))
                 for sl in fresh]
        assert st_["_memo"]["sizes"] == sizes
        created = [c for sl in fresh for c in sl.select(sl.seg.created).tolist()]
        assert newest == (max(created) if created else None)


@contextlib.contextmanager
def small_pending_runs(tail: int = 2, ratio: int = 2):
    """Frozen pending runs after a couple of rows (the default waits for 256)."""
    old = _PendingRuns.TAIL, _PendingRuns.RATIO
    _PendingRuns.TAIL, _PendingRuns.RATIO = tail, ratio
    try:
        yield
    finally:
        _PendingRuns.TAIL, _PendingRuns.RATIO = old


@contextlib.contextmanager
def all_statistics():
    """Also the statistics computed only when the model reads them (hour_na, wday_aff, act_*)."""
    old = ranking_mod.FEATURES
    ranking_mod.FEATURES = (*old, "hour_na", "wday_aff", "act_30d")
    try:
        yield
    finally:
        ranking_mod.FEATURES = old


class LiveForSets(FeatureExtractor):
    """Keeps "now" statistics for visible sets too (as the product's extractor does), with this
    package's reference time."""

    def stats_for(self, t, visible):
        if isinstance(visible, set) and (t is None or t > self.index.max_created):
            slices, st_, tref, _ = self.live_stats(frozenset(visible))
            return slices, st_, tref
        return super().stats_for(t, visible)


class Counting(FeatureExtractor):
    """Counts full computations."""

    full = 0

    def person_stats(self, slices, tref):
        Counting.full += 1
        return super().person_stats(slices, tref)


# ------------------------------------------------------------------------------------------ operations
op = st.one_of(
    # a new document at or after every other one (0 minutes: the same time as the newest)
    st.tuples(st.just("append"), st.sampled_from(PEOPLE + ("new",)), st.sampled_from(KINDS),
              st.sampled_from((0.0, 0.5, 7.0, 1440.0, 20000.0)), st.sampled_from(VIS), st.integers(-2, 5)),
    st.tuples(st.just("past"), st.sampled_from(PEOPLE), st.sampled_from(KINDS), st.floats(1.0, 4000.0),
              st.sampled_from(VIS), st.integers(-2, 5)),
    st.tuples(st.just("remove"), st.integers(0, 10_000)),
    st.tuples(st.just("replace"), st.integers(0, 10_000)),
    st.tuples(st.just("compact"),),  # a merge into the base (drops dead rows: maybe the newest one)
    st.tuples(st.just("check"),),
)


class History:
    """Applies generated operations to an index, keeping what is live."""

    def __init__(self, index: ExpertiseIndex, docs: list[Evidence]):
        self.index = index
        self.live = {d.id: d for d in docs}
        self.now = max(d.created for d in docs)
        self.n = 0
        self.questions = [d.question_id for d in docs if d.kind == "question"]

    def evidence(self, person, kind, created, vis, score) -> Evidence:
        self.n += 1
        if person == "new":
            person = f"new{self.n}"
        topic = TOPICS[self.n % len(TOPICS)]
        qid = None
        if kind == "question":
            qid = f"g{self.n}"
            self.questions.append(qid)
        elif kind in ("answer", "accepted_answer", "decline", "comment"):
            qid = self.questions[self.n % len(self.questions)]
        return Evidence(f"g{self.n}", person, kind, created, topic, f"<p>{topic} {self.n}</p>", (topic.split()[0],),
                        score, qid, vis)

    def apply(self, o) -> None:
        if o[0] == "append":
            _, person, kind, minutes, vis, score = o
            self.now = self.now + timedelta(minutes=minutes)
            self.add(self.evidence(person, kind, self.now, vis, score))
        elif o[0] == "past":
            _, person, kind, minutes, vis, score = o
            self.add(self.evidence(person, kind, self.now - timedelta(minutes=minutes), vis, score))
        elif o[0] in ("remove", "replace") and self.live:
            ids = sorted(self.live)
            d = self.live[ids[o[1] % len(ids)]]
            if o[0] == "remove":
                self.index.remove(d.id)
                del self.live[d.id]
            else:  # the same document again: edited (other words, a vote), accepted, or by someone else
                kind, person = d.kind, d.person
                if o[1] % 3 == 1:
                    kind = {"answer": "accepted_answer", "accepted_answer": "answer"}.get(kind, kind)
                elif o[1] % 3 == 2:
                    person = PEOPLE[(PEOPLE.index(person) + 1) % len(PEOPLE)] if person in PEOPLE else "ana"
                self.add(Evidence(d.id, person, kind, d.created, d.title, d.text + " edited", d.tags, d.score + 1,
                                  d.question_id, d.visibility))
        elif o[0] == "compact":
            self.index.compact()
        elif o[0] == "check":
            assert_live_equals_full(self.index)

    def add(self, d: Evidence) -> None:
        self.index.add(d)
        self.live[d.id] = d


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, max_size=40), merge_min=st.sampled_from((3, 8, 2000)), everything=st.booleans())
def test_kept_statistics_equal_a_full_computation_after_any_changes(ops, merge_min, everything):
    with small_pending_runs(), all_statistics() if everything else contextlib.nullcontext():
        docs = seed_docs()
        index = ExpertiseIndex.build(docs)
        index.MERGE_MIN = merge_min
        index.MERGE_FRACTION = 0.0
        h = History(index, docs)
        assert_live_equals_full(index)  # kept from here on
        for o in ops:
            h.apply(o)
        assert_live_equals_full(index)


def test_appends_update_the_statistics_without_a_full_computation():
    """Answers, questions and declines (no expertise weight), new people and a new visibility key, ties
    in time, merges into the base: all appends, caught up without reading every row."""
    with small_pending_runs(), all_statistics():
        docs = seed_docs()
        index = ExpertiseIndex.build(docs)
        index.MERGE_MIN = 5
        index.MERGE_FRACTION = 0.0
        h = History(index, docs)
        ex = Counting(index)
        Counting.full = 0
        for visible in (None, RESTRICTED):
            ex.live_stats(visible)
        assert Counting.full == 2
        kinds = ("answer", "question", "decline", "accepted_answer", "comment", "post", "article", "question")
        for i in range(40):
            vis = VIS[i % 4]
            h.apply(("append", PEOPLE[i % 5] if i % 7 else "new", kinds[i % len(kinds)], 0.0 if i % 6 == 0 else 3.0,
                     vis, i % 3))
            if i % 3 == 0:
                for visible in (None, RESTRICTED):
                    ex.live_stats(visible)
        assert Counting.full == 2  # never recomputed
        assert_live_equals_full(index)
        # a removal is not an append: recomputed (and still right)
        index.remove("g3")
        ex.live_stats(None)
        assert Counting.full == 3
        assert_live_equals_full(index)


def test_an_invisible_append_keeps_what_queries_derived_for_that_viewer():
    index = ExpertiseIndex.build(seed_docs())
    ex = FeatureExtractor(index)
    _, before, tref, newest = ex.live_stats(RESTRICTED)
    before["_memo"]["static-score"] = "derived"
    # in a space this viewer cannot read, at the time of the newest item (the reference time is unchanged)
    index.add(Evidence("hidden", "ana", "answer", at(11 * 300 + 37), "x", "secret plans", visibility="space:2"))
    _, after, tref2, newest2 = ex.live_stats(RESTRICTED)
    assert after is not before and (tref2, newest2) == (tref, newest)
    assert after["_memo"]["static-score"] == "derived"
    # a visible one changes the statistics: derived values are dropped
    index.add(Evidence("shown", "ana", "answer", at(11 * 300 + 37), "x", "open plans"))
    _, again, _, newest3 = ex.live_stats(RESTRICTED)
    assert "static-score" not in again["_memo"] and newest3 == newest
    assert_live_equals_full(index)


def test_edits_votes_and_acceptances_update_the_statistics_without_a_full_computation():
    """A document replaced in place (same person, time, visibility and expertise weight) changes counts
    only: caught up, for everyone and for a viewer, with the masks of the killed row made again."""
    docs = seed_docs()
    index = ExpertiseIndex.build(docs)
    ex = Counting(index)
    Counting.full = 0
    for visible in (None, RESTRICTED):
        ex.live_stats(visible)
    a = next(d for d in docs if d.kind == "answer" and d.visibility == "space:1")
    index.add(Evidence(a.id, a.person, "accepted_answer", a.created, a.title, a.text + " longer now", a.tags,
                       a.score + 3, a.question_id, a.visibility))  # accepted, edited and voted up
    q = next(d for d in docs if d.kind == "question")
    index.add(Evidence(q.id, q.person, "question", q.created, q.title, "clarified", q.tags, q.score - 1,
                       q.question_id, q.visibility))
    for visible in (None, RESTRICTED):
        ex.live_stats(visible)
    assert Counting.full == 2  # never recomputed
    assert_live_equals_full(index)
    _, st_, _, _ = ex.live_stats(None)
    p = index.person_id[a.person]
    assert st_["accepted"][p] == full_stats(index, None)["accepted"][p] >= 1
    # a new answer after the edits is still an append
    index.add(Evidence("later", "ben", "answer", at(20000), "x", "postgres vacuum"))
    ex.live_stats(None)
    assert Counting.full == 2
    assert_live_equals_full(index)


def test_out_of_order_and_edits_fall_back_to_a_full_computation():
    docs = seed_docs()
    index = ExpertiseIndex.build(docs)
    ex = Counting(index)
    Counting.full = 0
    ex.live_stats(None)
    index.add(Evidence("old", "ben", "answer", at(5), "late import", "postgres vacuum"))  # before the newest
    ex.live_stats(None)
    assert docs[-1].person != "ben"  # a replacement by someone else moves an item on the site clock
    index.add(Evidence(docs[-1].id, "ben", "answer", docs[-1].created, "edit", "postgres vacuum"))
    ex.live_stats(None)
    assert Counting.full == 3
    assert_live_equals_full(index)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(PEOPLE + ("new",)), st.sampled_from(KINDS),
                                st.floats(0.5, 3000.0), st.sampled_from(VIS), st.booleans()), min_size=1, max_size=30))
def test_rankings_after_appends_equal_those_of_a_freshly_built_index(steps):
    with small_pending_runs(tail=3, ratio=2):
        docs = seed_docs()
        index = ExpertiseIndex.build(docs)
        h = History(index, docs)
        ranker = ExpertRanker(index)
        ranker.extractor = LiveForSets(index)
        queries = [Query(t, "", (t.split()[0],), "ana") for t in TOPICS] + [Query("helm planner crema")]
        for j, (person, kind, minutes, vis, ask) in enumerate(steps):
            h.apply(("append", person, kind, minutes, vis, j % 4))
            if ask:  # warm the kept statistics in between
                ranker.rank(queries[j % len(queries)], visible=set(RESTRICTED) if j % 2 else None)
        fresh = ExpertRanker(ExpertiseIndex.build(list(h.live.values())))
        for q in queries:
            for visible in (None, set(RESTRICTED)):
                a = ranker.rank(q, limit=6, visible=visible)
                b = fresh.rank(q, limit=6, visible=visible)
                assert [x.person for x in a] == [x.person for x in b]
                for x, y in zip(a, b, strict=True):
                    assert x.score == pytest.approx(y.score, abs=2e-4)
                    assert x.features == pytest.approx(y.features, abs=2e-4)
                    assert (x.answers, x.accepted, x.articles, x.last_active) == \
                        (y.answers, y.accepted, y.articles, y.last_active)


def test_pending_runs_are_the_pending_rows_in_order():
    with small_pending_runs(tail=4, ratio=2):
        docs = seed_docs()
        index = ExpertiseIndex.build(docs[:4])
        index.MERGE_MIN = 10_000
        seen_counts = set()
        for i, d in enumerate(docs[4:] * 3):
            index.add(Evidence(f"{d.id}-{i}", d.person, d.kind, d.created + timedelta(days=i), d.title, d.text,
                               d.tags, d.score, d.question_id, d.visibility))
            if i == 17:
                index.remove(f"{docs[4].id}-0")  # in a frozen run
                index.remove(f"{docs[5].id}-17")  # in the tail
            segs = index.segments()
            seen_counts.add(len(segs))
            pending = segs[1:]
            assert sum(s.n for s in pending) == len(index.pending)
            assert [x for s in pending for x in s.ids] == [r[0] for r in index.pending]
            assert [bool(x) for s in pending for x in s.alive] == [r[8] for r in index.pending]
            runs = [s.n for s in index._runs.runs]
            assert all(a > 2 * b for a, b in zip(runs[:-1], runs[1:], strict=False))  # shrinking runs
        assert max(seen_counts) > 3  # several runs were in use
    single = ExpertiseIndex.build(docs[:4])  # one pending segment
    single.MERGE_MIN = 10_000
    for i, d in enumerate(docs[4:] * 3):
        single.add(Evidence(f"{d.id}-{i}", d.person, d.kind, d.created + timedelta(days=i), d.title, d.text,
                            d.tags, d.score, d.question_id, d.visibility))
    single.remove(f"{docs[4].id}-0")
    single.remove(f"{docs[5].id}-17")
    assert len(single.segments()) == 2
    q = Query("postgres vacuum helm", "", ("postgres",))
    assert [(h.person, h.features) for h in ExpertRanker(index).rank(q)] == \
        [(h.person, h.features) for h in ExpertRanker(single).rank(q)] != []


def test_statistics_older_than_the_append_log_are_recomputed():
    docs = seed_docs()
    index = ExpertiseIndex.build(docs)
    index.APPEND_LOG = 4
    h = History(index, docs)
    ex = Counting(index)
    Counting.full = 0
    ex.live_stats(None)
    h.apply(("append", "ana", "answer", 1.0, None, 0))
    assert index.changes_since(0) is None  # before the build (a barrier)
    assert [r.person for r in index.changes_since(index.version - 1)] == [index.person_id["ana"]]
    for _ in range(9):
        h.apply(("append", "ben", "answer", 1.0, None, 0))
    assert index.changes_since(index.version - 10) is None  # forgotten
    assert len(index.changes_since(index.version - 2)) == 2
    ex.live_stats(None)
    assert Counting.full == 2
    assert_live_equals_full(index)


def test_an_edit_of_an_item_sharing_its_time_with_another_is_recomputed():
    """Items at the same time keep their order on the site clock by position; a replaced one moves after
    the other, so the ages change and the statistics are recomputed (and right)."""
    docs = seed_docs()
    t = at(20000)
    docs += [Evidence("tie1", "ben", "answer", t, "x", "postgres vacuum"),
             Evidence("tie2", "cho", "answer", t, "y", "kubernetes helm")]
    index = ExpertiseIndex.build(docs)
    ex = Counting(index)
    Counting.full = 0
    ex.live_stats(None)
    index.add(Evidence("tie1", "ben", "answer", t, "x", "postgres vacuum, edited"))
    ex.live_stats(None)
    assert Counting.full == 2
    assert_live_equals_full(index)
