"""Mia's impact on the hand-made organisation (tests/org.py), every figure worked out by hand, as
Mia sees it, as a member of her private space sees it, and as someone outside it sees it."""

import math

import pytest

from chrysalis.impact.queries import person_impact
from chrysalis.impact.tests.org import NOW, build
from expertise.impact import MONTH, Periods

pytestmark = pytest.mark.django_db

MONTHS = Periods.last(MONTH, NOW, 12)
JAN, MAY, JUNE = 6, 10, 11  # indexes into the monthly series (July 2025 ... June 2026)


def monthly(**at) -> list:
    """A monthly series of zeros with the given values, e.g. monthly(MAY=2)."""
    out = [0] * 12
    for name, value in at.items():
        out[{"JAN": JAN, "MAY": MAY, "JUNE": JUNE}[name]] = value
    return out


@pytest.fixture
def org(db):
    return build()


def entropy(*counts):
    n = sum(counts)
    return -sum(c / n * math.log(c / n) for c in counts)


def test_mias_own_impact(org):
    imp = person_impact(org.mia, org.mia, now=NOW)
    f = imp.figures
    assert imp.is_owner
    assert imp.month_labels == ["Jul 2025", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan 2026", "Feb", "Mar", "Apr",
                                "May", "Jun"]

    # people helped: eve (Jan), ana and bob (May), ana and zed (June; zed in the private Board)
    assert f["people_helped"].total == 4
    assert f["people_helped"].monthly == monthly(JAN=1, MAY=2, JUNE=2)
    assert (f["people_helped"].month.this, f["people_helped"].month.last, f["people_helped"].month.change) == (2, 2, 0)
    assert f["answers"].total == 5 and f["answers"].monthly == monthly(JAN=1, MAY=2, JUNE=2)
    assert f["accepted_answers"].total == 1 and f["accepted_answers"].monthly == monthly(MAY=1)

    # reached: askers, plus cy (comment), bob and dan (reactions); eve has no department or location
    assert f["departments_reached"].total == 3  # Sales, Legal, Engineering
    assert f["departments_reached"].monthly == monthly(MAY=1, JUNE=3)
    assert f["locations_reached"].total == 4  # Lisbon, Berlin, Paris, Oslo
    assert f["locations_reached"].monthly == monthly(MAY=2, JUNE=4)
    assert [(s.name, s.count) for s in imp.departments] == [("Legal", 2), ("Sales", 2), ("Engineering", 1)]
    assert [(s.name, s.count) for s in imp.locations] == [("Berlin", 2), ("Lisbon", 1), ("Oslo", 1), ("Paris", 1)]

    assert f["reactions_received"].total == 2 and f["reactions_received"].monthly == monthly(MAY=1, JUNE=1)
    assert f["votes_received"].total == 2 and f["votes_received"].monthly == monthly(MAY=1, JUNE=1)
    assert f["articles"].total == 1 and f["articles"].monthly == monthly(JUNE=1)
    # readers: bob and cy read the article; ana read mia's answer; mia's own read is not counted
    assert f["article_readers"].total == 2 and f["article_readers"].monthly == monthly(JUNE=2)
    assert f["readers"].total == 3 and f["readers"].monthly == monthly(JUNE=3)

    # routed: q2 in May (24 h), q3 (26 h) and q4 (1 h) in June
    assert f["routed"].total == 3 and f["routed"].monthly == monthly(MAY=1, JUNE=2)
    assert f["routed_answered"].total == 3 and f["routed_answered"].monthly == monthly(MAY=1, JUNE=2)
    assert f["response_hours"].total == 24.0  # the median of 24, 26 and 1
    assert f["response_hours"].monthly[MAY] == 24.0 and f["response_hours"].monthly[JUNE] == 13.5
    assert f["response_hours"].monthly[:MAY] == [None] * MAY
    assert f["response_hours"].month.change == -10.5

    # breadth: budget (Jan answer); kafka (a1, a2, article); python (a2, a3); sql (post); gdpr (a4)
    assert [(s.name, s.count) for s in imp.topics] == [("kafka", 3), ("python", 2), ("budget", 1), ("gdpr", 1),
                                                        ("sql", 1)]
    h_now = entropy(3, 2, 1, 1, 1)
    assert imp.breadth.topics == 5
    assert imp.breadth.entropy == pytest.approx(h_now)
    assert f["effective_topics"].total == round(math.exp(h_now), 2) == 4.46
    assert f["topic_entropy"].total == round(h_now, 3)
    # growth: nothing until January, one topic (budget) until May, then by the end of May budget 1,
    # kafka 2, python 1: H = 1.5 ln 2, 2^1.5 = 2.83 effective topics
    assert f["topics"].monthly == [0] * JAN + [1] * 4 + [3, 5]
    assert f["effective_topics"].monthly == [0.0] * JAN + [1.0] * 4 + [round(2 ** 1.5, 2), 4.46]
    assert f["effective_topics"].month.last == 2.83 and f["effective_topics"].month.change == pytest.approx(1.63)

    # influence: public interactions only; from January on, everybody's attention goes to mia
    assert f["influence"].monthly == [None] * JAN + [100.0] * 6
    assert f["influence"].total == 100.0 and f["influence"].weekly == []


def test_weekly_series(org):
    imp = person_impact(org.mia, org.mia, now=NOW)
    # weeks start on Monday: ... 25 May, 1 June, 8 June (the week of 15 June is the last)
    assert imp.week_labels[-4:] == ["25 May", "1 Jun", "8 Jun", "15 Jun"]
    f = imp.figures
    assert f["answers"].weekly[-8:] == [0, 0, 1, 1, 0, 1, 1, 0]  # weeks of 11 May, 18 May, 1 June, 8 June
    assert f["people_helped"].weekly[-4:] == [0, 1, 1, 0]
    assert f["readers"].weekly[-4:] == [0, 0, 3, 0]  # every first read in the week of 8 June


def test_a_member_of_the_private_space_sees_the_private_answer(org):
    imp = person_impact(org.zed, org.mia, now=NOW)
    assert not imp.is_owner
    assert imp.figures["people_helped"].total == 4
    assert imp.figures["votes_received"].total == 2
    assert "readers" not in imp.figures and "article_readers" not in imp.figures  # only mia sees readers


def test_someone_outside_the_private_space_sees_nothing_of_it(org):
    imp = person_impact(org.bob, org.mia, now=NOW)
    f = imp.figures
    assert f["people_helped"].total == 3 and f["people_helped"].monthly == monthly(JAN=1, MAY=2, JUNE=1)
    assert f["answers"].total == 4
    assert f["votes_received"].total == 1 and f["votes_received"].monthly == monthly(MAY=1)
    assert f["departments_reached"].total == 3
    assert f["locations_reached"].total == 3  # no Oslo: zed was reached only in the Board
    assert [s.name for s in imp.locations] == ["Berlin", "Lisbon", "Paris"]
    assert f["routed"].total == 2 and f["routed_answered"].total == 2
    assert f["response_hours"].total == 25.0 and f["response_hours"].monthly[JUNE] == 26.0
    assert [(s.name, s.count) for s in imp.topics] == [("kafka", 3), ("python", 2), ("budget", 1), ("sql", 1)]
    assert imp.breadth.entropy == pytest.approx(entropy(3, 2, 1, 1))
    assert "readers" not in f and "article_readers" not in f
    # influence is the same for everybody
    assert f["influence"].monthly == person_impact(org.mia, org.mia, now=NOW).figures["influence"].monthly


def test_removed_content_and_removed_questions_count_for_nobody(org):
    from chrysalis.posts.actions import delete_post

    delete_post(org.ana, org.q3)  # ana removes her June question: mia's answer to it no longer counts
    imp = person_impact(org.mia, org.mia, now=NOW)
    assert imp.figures["answers"].monthly == monthly(JAN=1, MAY=2, JUNE=1)
    assert imp.figures["people_helped"].monthly == monthly(JAN=1, MAY=2, JUNE=1)  # zed only
    assert imp.figures["readers"].total == 2  # ana's read of that answer no longer counts
    assert imp.figures["routed"].total == 2


def test_a_person_with_no_activity(org):
    imp = person_impact(org.cy, org.eve, now=NOW)
    f = imp.figures
    assert f["answers"].total == 0 and f["people_helped"].total == 0
    assert f["response_hours"].total is None and f["effective_topics"].total == 0.0
    # eve asked in January (a public interaction), so she has an influence percentile from then on:
    # nobody gives her attention, so she ties with the 5 others nobody gives attention to (mia is
    # above): (0 below + 5 ties / 2) / 6 others = 41.7
    assert f["influence"].monthly == [None] * JAN + [41.7] * 6


def test_departments_with_the_same_name_are_two_departments(db):
    from chrysalis.qa.actions import answer_question, ask_question
    from chrysalis.testsupport.factories import make_department, make_person

    emea, apac = make_department("Sales"), make_department("Sales")  # Sales EMEA and Sales APAC, say
    mia = make_person("mia")
    for dept in (emea, apac, apac):
        q = ask_question(make_person(department=dept), title="Discount rules?", body="?", tags=["pricing"])
        answer_question(mia, q, body="Up to 10%.")
    imp = person_impact(mia, mia)
    assert imp.figures["departments_reached"].total == 2
    assert [(s.name, s.count) for s in imp.departments] == [("Sales", 2), ("Sales", 1)]
