"""A new post reaches expert search without recomputing the per-person statistics over every document,
and the search then answers exactly as a fresh engine does."""

from datetime import timedelta

import numpy as np
import pytest

from chrysalis.experts import engine, queries
from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.testsupport.factories import make_space
from expertise import Query
from expertise.ranking import FeatureExtractor

TEXTS = ("kubernetes pod restarts", "kubernetes node pool", "postgres vacuum", "cluster budget")


def searches(viewers) -> dict:
    """Expert search (the page's query) and the engine's ranking with features, per viewer and text."""
    eng = engine.get_engine()
    out = {}
    for v in viewers:
        vis = eng.normalise_visible(queries.visible_keys(v))
        for text in TEXTS:
            found = queries.find_experts(v, text)
            hits = eng.ranker.rank(Query(text), limit=10, visible=vis)
            out[(v.username, text)] = (
                [(r.person.username, r.score, r.answers, r.last_active) for r in found],
                [(h.person, h.score, h.features) for h in hits],
            )
    return out


def kept_stats(viewers) -> dict:
    """The engine's "now" statistics and reference time per viewer."""
    eng = engine.get_engine()
    out = {}
    for v in viewers:
        _, st, tref = eng.ranker.extractor.stats_for(None, eng.normalise_visible(queries.visible_keys(v)))
        out[v.username] = ({k: x for k, x in st.items() if not k.startswith("_")}, tref)
    return out


def assert_same_stats(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for who in a:
        (sa, ta), (sb, tb) = a[who], b[who]
        assert ta == tb and sa.keys() == sb.keys(), who
        for k in sa:
            np.testing.assert_allclose(sa[k], sb[k], rtol=1e-9, atol=1e-12, err_msg=f"{who} {k}")


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        (found_a, hits_a), (found_b, hits_b) = a[key], b[key]
        assert [x[0] for x in found_a] == [x[0] for x in found_b], key
        assert [x[2:] for x in found_a] == [x[2:] for x in found_b], key
        assert [x[1] for x in found_a] == pytest.approx([x[1] for x in found_b], abs=2e-4), key
        assert [h[0] for h in hits_a] == [h[0] for h in hits_b], key
        for ha, hb in zip(hits_a, hits_b, strict=True):
            assert ha[1] == pytest.approx(hb[1], abs=2e-4), key
            assert ha[2] == pytest.approx(hb[2], abs=2e-4), key


@pytest.mark.django_db
def test_a_new_answer_then_a_search_equals_a_fresh_engine(kube, monkeypatch):
    p = kube
    board = make_space(p["dan"], name="Board", visibility="private", members=[p["bob"]])
    budget = ask(p["dan"], "Kubernetes cluster budget", ["kubernetes"], space=board)
    answer(p["bob"], budget, "The kubernetes cluster budget covers the node pool.")
    engine.rebuild()
    # the asker cannot read the board (their own visible set); bob can read everything
    viewers = (p["asker"], p["bob"], p["carol"])
    searches(viewers)  # the statistics of each visible set are now kept
    full = []
    original = FeatureExtractor.person_stats
    monkeypatch.setattr(FeatureExtractor, "person_stats", lambda self, *a: full.append(1) or original(self, *a))

    q = ask(p["erin"], "Kubernetes node pool autoscaling", ["kubernetes"])
    a = answer(p["carol"], q, "The kubernetes cluster autoscaler scales the node pool.")
    hidden = answer(p["bob"], budget, "Node pool costs are in the board budget sheet.")
    # the newest item is one the asker cannot read: their "now" stays just after the newest they can
    type(hidden).objects.filter(pk=hidden.pk).update(created_at=hidden.created_at + timedelta(hours=1))
    eng = engine.get_engine()
    ops = [("post", q.pk), ("post", a.pk), ("post", hidden.pk)]
    for op, pk in ops:  # as the journal replay does
        eng.apply(op, pk)
    live = searches(viewers)
    live_stats = kept_stats(viewers)
    assert engine.get_engine() is eng
    assert full == []  # brought up to date from the new rows, not recomputed over every document
    assert any(engine.person_key(p["carol"].pk) in [h[0] for h in hits] for _, hits in live.values())

    # another process: the saved index and the journal, every statistic computed afresh
    for op, pk in ops:
        engine.append_journal(op, pk)
    engine.reset()
    assert_same(live, searches(viewers))
    assert full  # (the fresh engine did compute them)
    assert_same_stats(live_stats, kept_stats(viewers))
    assert live_stats["asker"][1] < live_stats["bob"][1]  # (the asker's "now" is earlier)
    # and a full rebuild from the database
    engine.rebuild()
    assert_same(live, searches(viewers))
    # "now" for everything is the newest item, even a removed one (as before statistics were kept)
    eng = engine.get_engine()
    searches(viewers)
    eng.apply("unpost", hidden.pk)
    eng.apply("post", q.pk)  # (an edit: not an append)
    everything = eng.normalise_visible(queries.visible_keys(p["bob"]))
    assert everything is None and eng.ranker.extractor.stats_for(None, None)[2] == eng.index.max_created
    mine = eng.normalise_visible(queries.visible_keys(p["asker"]))
    newest_mine = a.created_at.timestamp()
    assert eng.index.max_created > newest_mine + 1
    assert eng.ranker.extractor.stats_for(None, mine)[2] == newest_mine == engine.latest_visible(eng.index, mine)


@pytest.mark.django_db
def test_a_vote_an_acceptance_and_an_edit_then_a_search_equals_a_fresh_engine(kube, monkeypatch):
    from chrysalis.posts.models import Post
    from chrysalis.qa import actions as qa

    p = kube
    engine.rebuild()
    viewers = (p["asker"], p["bob"])
    searches(viewers)
    full = []
    original = FeatureExtractor.person_stats
    monkeypatch.setattr(FeatureExtractor, "person_stats", lambda self, *a: full.append(1) or original(self, *a))
    ans = Post.objects.get(kind="answer", author=p["alice"], body__startswith="Check the liveness")
    qa.vote(p["bob"], ans, 1)
    qa.accept_answer(p["dan"], ans)
    qa.edit_qa_post(p["alice"], ans, body=ans.body + " Then read the events of the namespace.")
    eng = engine.get_engine()
    for op, pk in (("post", ans.pk),) * 3:  # one re-index per change, as the journal replays them
        eng.apply(op, pk)
    live, live_stats = searches(viewers), kept_stats(viewers)
    assert full == []  # counts changed in place: no pass over every document
    alice = eng.index.person_id[engine.person_key(p["alice"].pk)]
    assert live_stats["bob"][0]["accepted"][alice] == 1 and live_stats["bob"][0]["votes"][alice] >= 1
    engine.rebuild()
    assert_same(live, searches(viewers))
    assert_same_stats(live_stats, kept_stats(viewers))
