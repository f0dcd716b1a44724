from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from expertise import Evidence, ExpertiseIndex, ExpertRanker, Query
from expertise.profiles import build_profile
from expertise.routing import RoutingPolicy, choose_recipients, escalate
from expertise.types import ExpertHit

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def corpus() -> list[Evidence]:
    docs = []
    n = 0
    for i, (topic, words, expert) in enumerate([
        ("postgres", "postgres index vacuum query planner slow", "alice"),
        ("kubernetes", "kubernetes pod deployment helm cluster", "bob"),
        ("coffee", "espresso grinder roast beans crema", "carol"),
    ]):
        for k in range(6):
            n += 1
            qid = f"{i}-{k}"
            docs.append(Evidence(f"q{qid}", "dave", "question", day(n), f"{topic} question {k}",
                                 f"<p>How do I tune {words}?</p>", (topic,), question_id=qid))
            kind = "accepted_answer" if k % 2 else "answer"
            docs.append(Evidence(f"a{qid}", expert, kind, day(n + 0.5), f"{topic} question {k}",
                                 f"<p>Use {words} settings.</p>", (topic,), question_id=qid))
    return docs


def test_ranker_finds_the_topic_expert_with_explanation():
    index = ExpertiseIndex.build(corpus())
    hits = ExpertRanker(index).rank(Query("slow postgres query planner", "", ("postgres",), "dave"), limit=3)
    assert hits[0].person == "alice"
    assert "postgres" in hits[0].matched_topics
    assert hits[0].evidence and all(e.id.startswith("a0-") for e in hits[0].evidence)
    assert hits[0].answers == 6 and hits[0].accepted == 3
    assert "postgres" in hits[0].why
    assert all(h.person != "dave" for h in hits)  # never the asker


def test_time_cut_off_ignores_later_evidence():
    docs = corpus()
    late = [Evidence(f"late{k}", "erin", "answer", day(100 + k), "postgres vacuum",
                     "postgres vacuum query planner slow index", ("postgres",)) for k in range(20)]
    index = ExpertiseIndex.build(docs + late)
    q = Query("slow postgres query planner", "", ("postgres",), "dave", created=day(50))
    hits = ExpertRanker(index).rank(q, limit=10)
    assert "erin" not in {h.person for h in hits}
    assert all(e.created < day(50) for h in hits for e in h.evidence)
    # and the features are exactly those of an index that never saw the later evidence
    base = ExpertRanker(ExpertiseIndex.build(docs)).rank(q, limit=10)
    assert [(h.person, h.features) for h in hits] == [(h.person, h.features) for h in base]


def test_decay_prefers_recent_activity():
    docs = [Evidence(f"a{k}", "old", "answer", day(k), "t", "widgets gears", ("w",)) for k in range(5)]
    docs += [Evidence(f"b{k}", "new", "answer", day(300 + k), "t", "widgets gears", ("w",)) for k in range(5)]
    index = ExpertiseIndex.build(docs)
    old = build_profile(index, "old", half_life_days=30)
    new = build_profile(index, "new", half_life_days=30)
    assert new.topics[0].strength > 100 * old.topics[0].strength
    assert new.topics[0].confidence == old.topics[0].confidence > 0.8
    hits = ExpertRanker(index).rank(Query("widgets gears", created=day(400)))
    assert hits[0].person == "new"


def test_profile_interest_and_declared_skills():
    index = ExpertiseIndex.build(corpus())
    alice = build_profile(index, "alice", declared=["postgres", "rust"])
    assert alice.topics[0].topic == "postgres" and alice.topics[0].confirmed
    rust = next(t for t in alice.topics if t.topic == "rust")
    assert rust.declared and not rust.confirmed
    dave = build_profile(index, "dave")
    assert dave.topics == () and {t.topic for t in dave.interests} == {"postgres", "kubernetes", "coffee"}
    assert dave.questions == 18 and dave.answers == 0


def hit(p: str) -> ExpertHit:
    return ExpertHit(person=p, score=1.0)


def test_routing_exclusions_and_escalation():
    ranked = [hit(p) for p in ["asker", "opt", "away", "blind", "busy", "a", "b", "c", "d", "e"]]
    chosen, skipped = choose_recipients(
        ranked, policy=RoutingPolicy(k=3, weekly_cap=2), asker="asker", opted_out={"opt"}, away={"away"},
        can_see=lambda p: p != "blind", load={"busy": 2, "a": 1})
    assert [h.person for h in chosen] == ["a", "b", "c"]
    assert {(s.person, s.reason) for s in skipped} == {("asker", "asker"), ("opt", "opted_out"),
                                                       ("away", "away"), ("blind", "cannot_see"),
                                                       ("busy", "weekly_cap")}
    nxt, _ = escalate(ranked, {"a", "b", "c"}, policy=RoutingPolicy(k=3, weekly_cap=2), asker="asker",
                      opted_out={"opt"}, away={"away"}, can_see={"a", "b", "c", "d", "e"}, load={"busy": 2})
    assert [h.person for h in nxt] == ["d", "e"]


def test_incremental_add_equals_bulk_build():
    docs = corpus()
    bulk = ExpertiseIndex.build(docs)
    inc = ExpertiseIndex()
    inc.MERGE_MIN = 5  # force several merges along the way
    for d in sorted(docs, key=lambda d: d.created):
        inc.add(d)
    q = Query("kubernetes helm deployment", "", ("kubernetes",), "dave")
    a = ExpertRanker(bulk).rank(q, limit=5)
    b = ExpertRanker(inc).rank(q, limit=5)
    assert [(h.person, h.score, h.features) for h in a] == [(h.person, h.score, h.features) for h in b]
    inc.compact()
    assert inc.base.ids == bulk.base.ids
    assert (inc.base.terms != bulk.base.terms).nnz == 0


def test_streamed_bulk_build_reorders_and_replaces_like_add():
    docs = corpus()
    streamed = docs[:10] + docs[12:] + docs[10:12]  # two late arrivals, questions still before answers
    streamed.append(Evidence("a0-1", "erin", "answer", day(1.5), "", "vacuum freeze", question_id="0-1"))
    index = ExpertiseIndex.build(iter(streamed), ordered=True)
    inc = ExpertiseIndex()
    for d in streamed:
        inc.add(d)
    inc.compact()
    assert index.base.ids == inc.base.ids and index.terms_list == inc.terms_list
    assert (index.base.terms != inc.base.terms).nnz == 0 and list(index.base.person) == list(inc.base.person)
    assert np.all(np.diff(index.base.created) >= 0) and index.n_docs == len(docs)
    assert index.people[index.base.person[index.where["a0-1"][1]]] == "erin"  # the later row replaced it


def test_pending_documents_are_searchable_before_merge():
    index = ExpertiseIndex.build(corpus())
    index.add(Evidence("x1", "zoe", "answer", day(60), "rust borrow checker", "lifetimes borrow rust", ("rust",)))
    assert index.pending
    hits = ExpertRanker(index).rank(Query("rust lifetimes", "", ("rust",)), limit=1)
    assert hits[0].person == "zoe"
    index.remove("x1")
    assert all(h.person != "zoe" for h in ExpertRanker(index).rank(Query("rust lifetimes"), limit=5))


def test_save_load_round_trip(tmp_path):
    index = ExpertiseIndex.build(corpus())
    path = tmp_path / "experts.npz"
    index.save(path)
    loaded = ExpertiseIndex.load(path)
    q = Query("espresso grinder", "", ("coffee",), "dave")
    assert [(h.person, h.features) for h in ExpertRanker(index).rank(q)] == \
        [(h.person, h.features) for h in ExpertRanker(loaded).rank(q)]
    loaded.add(Evidence("n1", "carol", "answer", day(99), "coffee", "crema", ("coffee",)))
    assert loaded.n_docs == index.n_docs + 1


def test_private_evidence_only_for_viewers_who_may_see_it():
    docs = corpus() + [Evidence(f"s{k}", "mallory", "answer", day(40 + k), "secret quantum", "quantum qubit",
                                ("quantum",), visibility="space:7") for k in range(5)]
    index = ExpertiseIndex.build(docs)
    q = Query("quantum qubit", "", ("quantum",))
    outsider = ExpertRanker(index).rank(q, limit=20, visible={None})
    assert "mallory" not in {h.person for h in outsider}
    member = ExpertRanker(index).rank(q, limit=1, visible={None, "space:7"})
    assert member[0].person == "mallory"


def test_learned_weights_fall_back_to_defaults_with_little_history():
    index = ExpertiseIndex.build(corpus())
    model = ExpertRanker(index).fit()
    assert model.trained_on < 30 and np.allclose(model.weights, model.default().weights)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown evidence kind"):
        Evidence("x", "p", "tweet", T0)


def test_activity_and_time_of_day_features_use_only_evidence_before_the_query():
    from expertise.ranking import FEATURES
    docs = corpus()
    q = Query("slow postgres query planner", "", ("postgres",), "dave", created=day(50))
    # later evidence, including an item at exactly the query time, must change nothing
    late = [Evidence("at", "alice", "answer", day(50), "postgres", "postgres planner", ("postgres",)),
            Evidence("after", "bob", "answer", day(50.01), "postgres", "postgres planner", ("postgres",))]
    late += [Evidence(f"late{k}", "carol", "answer", day(60 + k), "postgres", "postgres vacuum", ("postgres",))
             for k in range(10)]
    with_late = {h.person: h.features for h in ExpertRanker(ExpertiseIndex.build(docs + late)).rank(q, limit=10)}
    without = {h.person: h.features for h in ExpertRanker(ExpertiseIndex.build(docs)).rank(q, limit=10)}
    assert with_late == without
    for name in ("na_10", "na_100", "since_last", "first_age", "active_days", "hour_aff"):
        assert name in FEATURES
    # the site clock: alice answered the most recent postgres questions; carol answered last overall
    f = with_late
    assert f["carol"]["since_last"] == 0.0 and f["alice"]["since_last"] < 0.0
    assert f["carol"]["na_10"] > f["alice"]["na_10"]


def test_frozen_evidence_with_a_later_question_time():
    from expertise.index import to_epoch
    from expertise.ranking import query_terms
    index = ExpertiseIndex.build(corpus() + [
        Evidence("x", "erin", "answer", day(30), "postgres", "postgres planner", ("postgres",))])
    ranker = ExpertRanker(index)
    qt, tg = query_terms(index, Query("postgres planner", "", ("postgres",)))
    cut = to_epoch(day(25))
    a = ranker.extractor.features(qt, tg, -1, cut)
    b = ranker.extractor.features(qt, tg, -1, cut, query_time=to_epoch(day(40)))
    assert index.person_id["erin"] not in set(a.people.tolist()) | set(b.people.tolist())
    assert a.people.tolist() == b.people.tolist()
    # only the hour-of-day features may depend on the question time; evidence is the same
    from expertise.ranking import FEATURES
    keep = [i for i, f in enumerate(FEATURES) if f not in ("hour_aff",)]
    assert np.allclose(a.X[:, keep], b.X[:, keep])


def test_hour_of_day_affinity_prefers_people_awake_at_that_hour():
    docs = []
    for k in range(20):
        docs.append(Evidence(f"m{k}", "morning", "answer", day(k) + timedelta(hours=8), "t", "widgets", ("w",)))
        docs.append(Evidence(f"e{k}", "evening", "answer", day(k) + timedelta(hours=20), "t", "widgets", ("w",)))
    index = ExpertiseIndex.build(docs)
    am = {h.person: h.features["hour_aff"] for h in
          ExpertRanker(index).rank(Query("widgets", created=day(30) + timedelta(hours=7)))}
    pm = {h.person: h.features["hour_aff"] for h in
          ExpertRanker(index).rank(Query("widgets", created=day(30) + timedelta(hours=19)))}
    assert am["morning"] > am["evening"] and pm["evening"] > pm["morning"]


def routed_history(decline_vis: str | None = None) -> list[Evidence]:
    """Bob and Erin both answer Kubernetes questions (helm and ingress); from day 60 Erin says "not my
    area" to every helm question routed to her and only Bob answers them."""
    docs = []
    for k in range(160):
        helm = k % 2 == 0
        words = "helm chart values template release" if helm else "ingress controller tls certificate route"
        qid = f"k{k}"
        docs.append(Evidence(f"q{qid}", f"asker{k % 7}", "question", day(k), f"kubernetes {words.split()[0]} {k}",
                             f"<p>{words}</p>", ("kubernetes",), question_id=qid))
        answerers = ["bob"] if helm and k >= 60 else (["bob", "erin"] if k % 4 < 2 else ["erin", "bob"])
        for i, who in enumerate(answerers[:1] if k % 3 else answerers):
            docs.append(Evidence(f"a{qid}-{who}", who, "answer", day(k + 0.2 + i * 0.1), "", f"<p>{words} fix</p>",
                                 question_id=qid))
        if helm and k >= 60:
            docs.append(Evidence(f"d{qid}", "erin", "decline", day(k + 0.1), question_id=qid,
                                 visibility=decline_vis))
        docs.append(Evidence(f"c{qid}", "carol", "answer", day(k + 0.3), "", "<p>espresso crema</p>",
                             question_id=f"x{k}"))
    return docs


def test_declines_are_learned_by_fit_and_lower_similar_questions_only():
    from expertise.ranking import FEATURES

    index = ExpertiseIndex.build(routed_history())
    ranker = ExpertRanker(index)
    examples = ranker.training_examples()
    col = FEATURES.index("declined")
    assert any((X[:, col] > 0).any() for X, _ in examples)  # decliners are among the training candidates
    model = ranker.fit()
    assert model.trained_on >= 30
    assert model.weights[col] < 0 and model.std[col] != 1.0  # learned from the declines, not the prior
    helm = Query("kubernetes helm chart values", "", ("kubernetes",), "dave", created=day(200))
    hits = {h.person: h for h in ExpertRanker(index, model).rank(helm, limit=5)}
    assert hits["erin"].features["declined"] > 0 and hits["bob"].features["declined"] == 0
    assert hits["bob"].score > hits["erin"].score
    ingress = Query("kubernetes ingress controller tls", "", ("kubernetes",), "dave", created=day(200))
    other = {h.person: h for h in ExpertRanker(index, model).rank(ingress, limit=5)}
    # the match is to what was declined: the shared "kubernetes" counts a little, helm terms a lot
    assert 0 < other["erin"].features["declined"] < hits["erin"].features["declined"] / 2
    assert "decline" not in {e.kind for h in hits.values() for e in h.evidence}  # never shown as evidence


def test_a_decline_in_a_private_space_counts_only_for_its_readers():
    index = ExpertiseIndex.build(routed_history(decline_vis="space:3"))
    helm = Query("kubernetes helm chart values", "", ("kubernetes",), "dave", created=day(200))
    outsider = {h.person: h for h in ExpertRanker(index).rank(helm, limit=5, visible={None})}
    member = {h.person: h for h in ExpertRanker(index).rank(helm, limit=5, visible={None, "space:3"})}
    assert outsider["erin"].features["declined"] == 0 and member["erin"].features["declined"] > 0
    profile = build_profile(index, "erin", visible={None, "space:3"})
    assert profile.questions == 0 and all(t.evidence_count for t in profile.topics)


def test_profile_key_terms_are_distinctive_words_and_confirm_declared_skills():
    docs = corpus()
    docs += [Evidence(f"x{k}", "alice", "answer", day(30 + k), "", "autovacuum thresholds and pgbouncer pools",
                      question_id=f"0-{k % 6}") for k in range(3)]
    docs += [Evidence(f"y{k}", f"p{k}", "post", day(40 + k), f"update {k}", "weekly update notes", ())
             for k in range(40)]
    docs += [Evidence(f"z{k}", "alice", "post", day(50 + k), f"update {k}", "weekly update notes", ())
             for k in range(2)]  # common words (in most documents) are not key terms
    index = ExpertiseIndex.build(docs)
    alice = build_profile(index, "alice", declared=["pgbouncer", "autovacuum-thresholds", "rust"])
    words = [t.topic for t in alice.key_terms]
    assert {"autovacuum", "pgbouncer", "thresholds"} <= set(words)
    assert all(not w.startswith("tag:") for w in words) and "update" not in words
    assert all(t.evidence_count >= 2 and t.evidence for t in alice.key_terms)
    declared = {t.topic: t for t in alice.topics if t.declared}
    assert declared["pgbouncer"].confirmed and declared["autovacuum-thresholds"].confirmed
    assert not declared["rust"].confirmed and declared["rust"].evidence_count == 0
    # key terms only from what the viewer may see: the same words in a private space do not count
    hidden = docs + [Evidence(f"s{k}", "bob", "answer", day(60 + k), "", "kubelet cgroup", ("kubernetes",),
                              visibility="space:9") for k in range(3)]
    idx2 = ExpertiseIndex.build(hidden)
    assert "kubelet" in [t.topic for t in build_profile(idx2, "bob").key_terms]
    assert "kubelet" not in [t.topic for t in build_profile(idx2, "bob", visible={None}).key_terms]


def test_a_query_of_only_common_words_still_matches_on_its_rarest_ones(monkeypatch):
    import expertise.ranking as ranking

    index = ExpertiseIndex.build(corpus())
    monkeypatch.setattr(ranking, "MIN_DF_CAP", 1)
    monkeypatch.setattr(ranking, "MAX_DF_FRACTION", 0.01)  # every word counts as common
    hits = ExpertRanker(index).rank(Query("postgres vacuum planner"), limit=3)
    assert hits[0].person == "alice" and hits[0].features["doc_max"] > 0
    assert "postgres" in hits[0].matched_topics or "vacuum" in hits[0].matched_topics


def test_fast_time_order_and_distinct_days_equal_the_plain_computations():
    from expertise.ranking import _distinct_days, _stable_time_order

    rng = np.random.default_rng(3)
    for n_base, n_pend in ((0, 0), (1, 0), (50, 0), (200, 7), (0, 9), (300, 40)):
        base = np.sort(rng.integers(0, 60, n_base)).astype(np.float64)  # many ties
        pend = rng.integers(0, 70, n_pend).astype(np.float64)
        t = np.concatenate([base, pend])
        assert np.array_equal(_stable_time_order(t, [n_base, n_pend]), np.argsort(t, kind="stable"))
        shuffled = rng.permutation(t)
        assert np.array_equal(_stable_time_order(shuffled, [len(t)]), np.argsort(shuffled, kind="stable"))
        people = rng.integers(0, 9, len(t))
        days = np.floor(t / 3)
        expected = np.zeros(9)
        for p, _day in set(zip(people.tolist(), days.tolist(), strict=True)):
            expected[p] += 1
        assert np.array_equal(_distinct_days(people, days, 9), expected)


def test_coverage_is_the_idf_weighted_share_of_the_query_in_their_expertise_text():
    docs = [Evidence("q1", "dave", "question", day(1), "React rendering", "<p>Slow list?</p>", ("react",),
                     question_id="1"),
            Evidence("a1", "ines", "answer", day(2), "React rendering", "<p>Profile the react performance of "
                     "the list.</p>", ("react",), question_id="1"),
            Evidence("p1", "dmitri", "post", day(3), "Performance review timeline",
                     "<p>Performance reviews start in April.</p>"),
            Evidence("p2", "zoe", "post", day(4), "Espresso", "<p>Grinder settings.</p>")]
    hits = {h.person: h for h in ExpertRanker(ExpertiseIndex.build(docs)).rank(Query("react performance"),
                                                                               limit=10)}
    assert hits["ines"].coverage == 1.0
    assert 0.0 < hits["dmitri"].coverage < 1.0  # "performance" only
    assert hits["zoe"].coverage == 0.0
    # the asker's question text is interest, not expertise: it covers nothing
    assert "dave" not in hits or hits["dave"].coverage == 0.0


def test_key_phrases_put_key_terms_in_the_context_they_recur_in():
    from expertise.profiles import key_phrases

    texts = ["We saw a cache stampede after the deploy.", "<p>Another <b>cache stampede</b>; the connection pool "
             "was too small.</p>", "Connection pool settings: raise the pool size.", "Cache warm-up notes."]
    assert key_phrases(texts, ["cache", "stampede", "pool", "guild"]) == ["cache stampede", "connection pool", "guild"]
    # a pair seen once is no phrase; an everyday word never joins one ("the pool", "raise the")
    assert key_phrases(texts[:1] + texts[3:], ["cache", "pool"]) == ["cache", "pool"]
    assert key_phrases(["the pool is big", "the pool again"], ["pool"]) == ["pool"]
    assert key_phrases(texts, []) == [] and key_phrases(texts, ["cache", "pool"], limit=1) == ["cache stampede"]


def test_key_terms_are_the_persons_own_words_not_a_commented_posts_title_or_mentions():
    docs = []
    for i in range(3):
        docs.append(Evidence(f"p{i}", "zoe", "post", day(i), "Cache stampede postmortem", "<p>What happened.</p>"))
        docs.append(Evidence(f"c{i}", "chi", "comment", day(i + 0.5), "Cache stampede postmortem",
                             f"<p>Thanks @mio.tanaka, the kubelet logs helped {i}.</p>"))
    for i in range(20):  # everyone else's writing, the background
        docs.append(Evidence(f"o{i}", f"u{i}", "post", day(10 + i), f"Lunch menu {i}", "<p>Soup and bread.</p>"))
    index = ExpertiseIndex.build(docs)
    terms = [t.topic for t in build_profile(index, "chi").key_terms]
    assert "kubelet" in terms and "logs" in terms
    assert not {"cache", "stampede", "postmortem", "mio.tanaka"} & set(terms)


def test_a_tag_and_the_same_word_are_one_matched_topic():
    docs = [Evidence("q1", "dave", "question", day(1), "Pod restarts", "<p>Why?</p>", ("kubernetes",), question_id="1"),
            Evidence("a1", "li", "answer", day(2), "Pod restarts", "<p>Kubernetes liveness probe.</p>",
                     ("kubernetes",), question_id="1")]
    hit = ExpertRanker(ExpertiseIndex.build(docs)).rank(Query("kubernetes pod", tags=("kubernetes",)), limit=3)[0]
    assert hit.person == "li" and hit.matched_topics.count("kubernetes") == 1
