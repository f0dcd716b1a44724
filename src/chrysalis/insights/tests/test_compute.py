"""The snapshot's figures on the hand-made organisation (conftest.py), worked out by hand."""

from datetime import timedelta

import pytest

from chrysalis.insights import actions, compute, queries
from chrysalis.insights.models import InsightSnapshot
from chrysalis.qa.actions import ask_question
from chrysalis.testsupport.factories import make_person

pytestmark = pytest.mark.django_db


def figures(org):
    since, until = queries.standard_period("30")
    return compute.compute(compute.Data(until), since, until)


def test_adoption_participation_and_breakdowns(org):
    a = figures(org)["adoption"]
    # 13 accounts. Creators (a post or question): e1, s1, s2, s4, s5, h1. Contributors: e2 (answers),
    # e3 (comment), s3 (reaction). The private space's e4 and e5 count as readers, with h2 and admin.
    assert a["people"] == 13
    assert a["participation"] == {"creators": 6, "contributors": 3, "readers": 4}
    assert sum(w["active"] for w in a["weekly"][-1:]) == 9 and len(a["weekly"]) == 5
    # HR (2) and "No department" (the administrator) are small: merged, 3 people, left out
    assert a["by_department"] == [
        {"name": "Engineering", "people": 5, "active": 3, "creators": 1, "contributors": 2, "active_share": 0.6},
        {"name": "Sales", "people": 5, "active": 5, "creators": 4, "contributors": 1, "active_share": 1.0},
    ]
    # Lisbon: e1..e5, s1, s2 (7, e4 and e5 not active); Berlin s3..s5 (3), Oslo (2), none (admin): merged into 6 people
    assert [(r["name"], r["people"], r["active"]) for r in a["by_location"]] == [
        ("Lisbon", 7, 5), ("Other (small groups)", 6, 4),
    ]
    assert a["by_space"] == []  # no open space


def test_qa_health(org):
    q = figures(org)["qa"]
    assert (q["questions"], q["answered"], q["accepted"]) == (5, 3, 1)
    assert q["answer_rate"] == pytest.approx(0.6) and q["accepted_rate"] == pytest.approx(0.2)
    # first answers 10, 4 and 2 hours after the questions: median 4 hours
    assert q["median_hours_to_first_answer"] == pytest.approx(4.0, abs=0.01)
    # gdpr: two askers only, fewer than 5: merged into a small "Other" that is left out too
    assert q["unanswered_by_topic"] == [] and q["unanswered_small_topics"] == 1
    assert q["routed_questions"] == 0 and q["routed_answer_rate"] is None


def test_unanswered_demand_shows_a_topic_once_five_people_ask(org):
    for i in range(3):
        ask_question(make_person(f"asker{i}"), title=f"GDPR question {i}", body="?", tags=["gdpr"])
    rows = figures(org)["qa"]["unanswered_by_topic"]
    assert rows == [{"name": "gdpr", "questions": 5, "askers": 5}]


def test_silos_ei_matrix_and_broker(org):
    s = figures(org)["silos"]
    # ties: e1-e2 (inside Eng), e2-s1, e3-s1, e2-s5 (across), s3-s4 (inside Sales)
    # organisation: E=3, I=2: 0.2; 12 people in departments (5, 5, 2): random pairs are internal
    # with probability (20 + 20 + 2) / 132, so expected = 1 - 84/132 = 4/11
    assert s["overall"]["ei"] == pytest.approx(0.2)
    assert s["overall"]["expected"] == pytest.approx(4 / 11)
    # Engineering: I=1, E=3: 0.5; at random 1 - 2*4/11 = 3/11. Sales the same. HR has no ties and
    # is too small to be shown (merged with nobody else: left out).
    assert [(r["name"], r["people"], r["internal"], r["external"]) for r in s["departments"]] == [
        ("Engineering", 5, 1, 3), ("Sales", 5, 1, 3),
    ]
    for r in s["departments"]:
        assert r["ei"] == pytest.approx(0.5) and r["expected"] == pytest.approx(3 / 11)
    # interactions from row to column: e1->e2 answer; e3->s1 comment; s1->e2 answer and vote,
    # s5->e2 answer; s3->s4 reaction
    assert s["matrix"] == {"labels": ["Engineering", "Sales"], "values": [[1, 1], [3, 1]]}
    # e2 lies between e1, s1, s5 and e3 (5 pairs); s1 between e3 and the others (3)
    assert [(b["username"], b["betweenness"], b["departments_reached"]) for b in s["brokers"]] == [
        ("e2", 5.0, 1), ("s1", 3.0, 1),
    ]
    assert s["betweenness_method"] == "exact"


def test_truck_factor_and_what_a_leaver_orphans(org):
    r = figures(org)["risk"]
    # kafka: three threads, each held by e2 alone (the accepted answer weighs 3): truck factor 1
    assert [(t["topic"], t["truck_factor"], t["units"], t["holders"]) for t in r["topics"]] == [("kafka", 1, 3, 1)]
    assert [p["username"] for p in r["topics"][0]["key_people"]] == ["e2"]
    assert r["single_person_count"] == 1
    assert r["orphans"] == {str(org["e2"].pk): [["kafka", 1.0]]}


def test_private_content_is_not_counted(org):
    f = figures(org)
    assert org["e5"].pk not in {b["id"] for b in f["silos"]["brokers"]}
    assert f["adoption"]["participation"]["readers"] == 4  # e4 and e5 only posted in private


def test_standard_snapshots_are_computed_once_a_day(org):
    made = actions.compute_standard_snapshots()
    assert sorted(s.range_key for s in made) == ["30", "365", "90"]
    assert actions.compute_standard_snapshots() == []  # the same day: nothing new
    assert InsightSnapshot.objects.count() == 3
    assert len(actions.compute_standard_snapshots(force=True)) == 3
    snap = queries.latest_snapshot(org["admin"], range_key="90")
    assert snap.period_end - snap.period_start == timedelta(days=90)
    assert snap.payload["qa"]["questions"] == 5
