"""Silo and knowledge-risk measures of expertise.graph on a hand-made organisation whose right
answers are worked out below, by hand.

The organisation: Engineering e1, e2, e3; Sales s1, s2; HR h1 (N = 6).
Interactions: e1->e2 answer, e2->e1 comment, e2->e3 comment, e1->s1 reaction, s1->s2 answer,
s2->e3 vote, h1->e3 mention.
Ties (unordered pairs): e1-e2, e2-e3, e1-s1, s1-s2, s2-e3, h1-e3 (6). The tie graph is the cycle
e1-e2-e3-s2-s1-e1 with h1 hanging off e3.
"""

import pytest

from expertise.graph import (
    EI,
    Interactions,
    betweenness,
    ei_gain,
    ei_indexes,
    expected_ties,
    group_matrix,
    introductions,
    neighbour_groups,
    orphaned_by,
    pagerank,
    tie_matrix,
    ties,
    truck_factor,
    truck_factors,
    unit_holders,
)

E1, E2, E3, S1, S2, H1 = 1, 2, 3, 4, 5, 6
GROUPS = {E1: "eng", E2: "eng", E3: "eng", S1: "sales", S2: "sales", H1: "hr"}
ROWS = [
    (E1, E2, "answer", 10.0, None),
    (E2, E1, "comment", 11.0, None),
    (E2, E3, "comment", 12.0, None),
    (E1, S1, "reaction", 13.0, None),
    (S1, S2, "answer", 14.0, None),
    (S2, E3, "vote", 15.0, None),
    (H1, E3, "mention", 16.0, None),
]


@pytest.fixture
def inter():
    return Interactions.from_rows(ROWS)


def test_ties_are_unordered_distinct_pairs(inter):
    assert ties(inter).tolist() == [[1, 2], [1, 4], [2, 3], [3, 5], [3, 6], [4, 5]]
    assert ties(inter, people=[E1, E2, E3]).tolist() == [[1, 2], [2, 3]]


def test_ei_index_per_department_and_overall(inter):
    per, overall = ei_indexes(inter, GROUPS)
    # Engineering: inside e1-e2, e2-e3 (I=2); outside e1-s1, s2-e3, h1-e3 (E=3): (3-2)/5
    # random mixing: a member's tie stays inside with probability (3-1)/(6-1): 1 - 2*2/5 = 0.2
    assert per["eng"] == EI(internal=2, external=3, size=3, ei=pytest.approx(0.2), expected=pytest.approx(0.2))
    # Sales: I=1 (s1-s2), E=2 (e1-s1, s2-e3): 1/3; expected 1 - 2*1/5 = 0.6
    assert per["sales"] == EI(1, 2, 2, pytest.approx(1 / 3), pytest.approx(0.6))
    # HR: only h1-e3 outside: +1; alone in its group, random mixing would give +1 too
    assert per["hr"] == EI(0, 1, 1, 1.0, 1.0)
    # Organisation: E = 3, I = 3: 0. Random pairs are internal with probability
    # (3*2 + 2*1 + 1*0) / (6*5) = 8/30, so expected E-I = 1 - 16/30 = 7/15
    assert overall == EI(3, 3, 6, 0.0, pytest.approx(7 / 15))
    assert overall.ties == 6


def test_ei_of_a_group_without_ties_is_none():
    per, overall = ei_indexes(Interactions.empty(), {1: "a", 2: "b"})
    assert per["a"].ei is None and overall.ei is None
    assert per["a"].expected == pytest.approx(1.0)  # the only other person is in another group


def test_interaction_matrix_counts_source_department_to_target_department(inter):
    keys, m = group_matrix(inter, GROUPS)
    assert keys == ["eng", "hr", "sales"]
    # eng->eng: e1->e2, e2->e1, e2->e3; eng->sales: e1->s1; hr->eng: h1->e3;
    # sales->eng: s2->e3; sales->sales: s1->s2
    assert m.tolist() == [[3, 0, 1], [1, 0, 0], [1, 0, 1]]


def test_tie_matrix_is_symmetric_with_internal_ties_on_the_diagonal(inter):
    keys, m = tie_matrix(inter, GROUPS)
    assert keys == ["eng", "hr", "sales"]
    assert m.tolist() == [[2, 1, 2], [1, 0, 0], [2, 0, 1]]


def test_expected_ties_under_random_mixing():
    # 6 ties over 15 possible pairs: eng-eng has 3 pairs -> 1.2, eng-sales 6 pairs -> 2.4 ...
    exp = expected_ties({"eng": 3, "sales": 2, "hr": 1}, 6)
    assert exp[("eng", "eng")] == pytest.approx(1.2)
    assert exp[("eng", "sales")] == pytest.approx(2.4)
    assert exp[("eng", "hr")] == pytest.approx(1.2)
    assert exp[("hr", "hr")] == 0
    assert sum(exp.values()) == pytest.approx(6)


def test_the_broker_has_the_highest_betweenness(inter):
    b = betweenness(inter)
    # In the 5-cycle each person lies on the one shortest path of one pair at distance 2 (1 each);
    # h1 reaches everyone through e3 (4 pairs), e1 through e2 and s1 through s2 (+1 each).
    assert b.method == "exact"
    assert b.scores == {E1: 1.0, E2: 2.0, E3: 5.0, S1: 1.0, S2: 2.0, H1: 0.0}
    assert neighbour_groups(inter, GROUPS)[E3] == {"sales", "hr"}
    assert E2 not in neighbour_groups(inter, GROUPS)  # e2 ties only inside Engineering


def test_sampled_betweenness_says_so_and_keeps_the_broker_first(inter):
    b = betweenness(inter, exact_up_to=3, samples=6)  # every source "sampled": the exact values
    assert b.method == "sampled from 6 of 6 people"
    assert b.scores[E3] == pytest.approx(5.0) and max(b.scores, key=b.scores.get) == E3


def test_ei_gain_of_one_more_external_tie():
    # Engineering (E=3, I=2): (4-2)/6 - (3-2)/5 = 1/3 - 1/5 = 2/15 = 2*2/(5*6)
    assert ei_gain(3, 2) == pytest.approx(2 / 15)
    assert ei_gain(1, 0) == 0.0  # already all external
    assert ei_gain(0, 0) == 1.0


def test_holders_are_within_three_quarters_of_the_top_weight():
    assert unit_holders({1: 3.0, 2: 2.25, 3: 2.0}) == {1, 2}
    assert unit_holders({1: 0.0}) == set()


# Truck factors. Topic "kafka": q1 answered by a (accepted: 3) and b (1) -> holders {a};
# q2 answered by a and b (1 each) -> {a, b}; q3 by b -> {b}; an article by c (3) -> {c}.
# Greedy: a and b hold 2 units each, a has the lower id: removing a orphans q1 (1 of 4, not more
# than half); then b holds the most: removing b orphans q2 and q3 (3 of 4): truck factor 2.
# Topic "gdpr": q4 accepted answer by c -> {c}; q5 by c -> {c}; q6 by a and c -> {a, c}: removing c
# orphans q4, q5, q6: truck factor 1, and c alone would orphan 2 of its 3 units.
A, B, C = 1, 2, 3
EVIDENCE = [
    ("kafka", "q1", A, 3.0), ("kafka", "q1", B, 1.0),
    ("kafka", "q2", A, 1.0), ("kafka", "q2", B, 1.0),
    ("kafka", "q3", B, 1.0),
    ("kafka", "art1", C, 3.0),
    ("gdpr", "q4", C, 3.0),
    ("gdpr", "q5", C, 1.0),
    ("gdpr", "q6", A, 1.0), ("gdpr", "q6", C, 1.0),
]


def test_truck_factors_by_greedy_removal():
    found = {t.topic: t for t in truck_factors(EVIDENCE)}
    assert (found["kafka"].truck_factor, found["kafka"].removed) == (2, (A, B))
    assert (found["kafka"].units, found["kafka"].holders) == (4, 3)
    assert (found["gdpr"].truck_factor, found["gdpr"].removed) == (1, (C,))
    assert [t.topic for t in truck_factors(EVIDENCE)] == ["gdpr", "kafka"]  # riskiest first


def test_exactly_half_orphaned_is_not_enough():
    assert truck_factor({"u1": {A}, "u2": {B}}) == (2, (A, B))
    assert truck_factor({}) == (0, ())


def test_orphaned_topics_of_a_leaver():
    assert orphaned_by(EVIDENCE) == {C: [("gdpr", pytest.approx(2 / 3))]}


def test_introductions_raise_the_most_inward_groups_with_the_best_fit(inter):
    per, _ = ei_indexes(inter, GROUPS)
    expertise = {S1: {"kafka": 4.0}, E1: {"kafka": 1.0}}
    demand = {H1: {"kafka": 2}, E2: {"kafka": 1}}
    # gains: Sales (E=2, I=1): 2/(3*4) = 1/6; HR (E=1, I=0): 0; Engineering: 2/15
    # (s1, h1): (1/6 + 0) * 4*2 = 1.333; (s1, e2): (1/6 + 2/15) * 4*1 = 1.2; (e1, h1): 2/15 * 2 = 0.267
    got = introductions(GROUPS, per, expertise, demand, set())
    assert [(i.expert, i.asker, i.topic) for i in got] == [(S1, H1, "kafka")]  # each person once
    assert got[0].gain == pytest.approx(1 / 6) and got[0].fit == 8.0
    got = introductions(GROUPS, per, expertise, demand, {(S1, H1)})
    assert [(i.expert, i.asker) for i in got] == [(S1, E2), (E1, H1)]
    assert got[0].gain == pytest.approx(0.3)
    weak = {frozenset(("eng", "hr"))}
    assert [(i.expert, i.asker) for i in introductions(GROUPS, per, expertise, demand, set(), weak_pairs=weak)] == [
        (E1, H1)
    ]


def test_pagerank_unchanged(inter):
    pr = pagerank(inter)
    assert sum(pr.values()) == pytest.approx(1.0)
    assert max(pr, key=pr.get) == E3


def test_ties_given_once_give_the_same_measures(inter):
    pairs = ties(inter)
    assert ei_indexes(inter, GROUPS, pairs=pairs) == ei_indexes(inter, GROUPS)
    assert tie_matrix(inter, GROUPS, pairs=pairs)[1].tolist() == tie_matrix(inter, GROUPS)[1].tolist()
    assert neighbour_groups(inter, GROUPS, pairs=pairs) == neighbour_groups(inter, GROUPS)


def test_sampled_sources_follow_the_edge_budget(inter):
    # 6 edges: a budget of 12 edge walks allows 2 sources, raised to the floor of 32 (all 6 people)
    assert betweenness(inter, exact_up_to=3, budget=12).method == "sampled from 6 of 6 people"
