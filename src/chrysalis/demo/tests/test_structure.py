"""The demo organisation has the structure the insights pages measure: silos and mixing departments,
brokers, topics only one person answers, people who grow. Figures are computed from the built
organisation: interactions as the insights app reads them (public content only), answers from posts."""

import io
from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from django.db import transaction

from chrysalis.demo.build import CAST, DEMO_PASSWORD, build_demo
from chrysalis.insights.interactions import interactions
from chrysalis.people.models import User
from chrysalis.posts.models import Post
from expertise.graph import people_graph

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
BROKERS = ["priya.raman", "jonas.eklund", "amara.osei"]
NICHE = {"mainframe": "walter.brandt", "hsm": "ines.abara", "edi": "kenji.mori"}
GROWERS = ["lena.vogt", "sofia.marchetti"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Build one 200-person organisation, read every figure the tests need, then roll it back."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(people=200, seed=1, progress=False, stdout=io.StringIO(), now=NOW)
        dept = dict(User.objects.values_list("pk", "department__name"))
        ids = dict(User.objects.values_list("username", "pk"))
        inter = interactions(None)
        inside, total = Counter(), Counter()
        for s, t in zip(inter.source.tolist(), inter.target.tolist(), strict=True):
            for d in {dept[s], dept[t]}:
                total[d] += 1
                inside[d] += dept[s] == dept[t]
        graph = people_graph(inter, directed=False)
        betweenness = np.asarray(graph.graph.betweenness())
        order = list(np.argsort(-betweenness, kind="stable"))
        answers = list(
            Post.objects.filter(kind="answer").values_list(
                "author__username", "question__author__department__name", "question_id", "created_at"
            )
        )
        tags_of = {}
        for pid, name in Post.tags.through.objects.values_list("post_id", "tag__name"):
            tags_of.setdefault(pid, set()).add(name)
        questions = {
            tag: list(Post.objects.filter(kind="question", tags__name=tag).values_list("pk", "answer_count"))
            for tag in [*NICHE, "sales"]
        }
        cast = {
            u.username: (u.display_name, u.title, u.department.name, u.check_password(DEMO_PASSWORD))
            for u in User.objects.filter(username__in=[r.username for r in CAST]).select_related("department")
        }
        facts = {
            "share": {d: inside[d] / total[d] for d in total},
            "rank": {u: order.index(graph.index(ids[u])) + 1 for u in BROKERS},
            "answers": answers,
            "tags_of": tags_of,
            "questions": questions,
            "cast": cast,
        }
        transaction.set_rollback(True)
    return facts


def test_silo_departments_keep_to_themselves_and_mixers_do_not(demo):
    share = demo["share"]  # the share of a department's interactions that stay inside it
    for silo in ("Customer Support", "Finance", "Legal"):
        assert share[silo] >= 0.9, (silo, share[silo])  # E-I index <= -0.8
    for mixer in ("Product", "IT", "Operations", "Learning & Development"):
        assert share[mixer] <= 0.2, (mixer, share[mixer])  # E-I index >= +0.6
    others = [share[d] for d in ("Platform", "Frontend", "Marketing", "Sales EMEA")]
    assert all(0.2 < s < 0.5 for s in others), others  # and the rest in between


def test_brokers_answer_across_departments_and_bridge_the_network(demo):
    for broker in BROKERS:
        depts = {d for who, d, _q, _at in demo["answers"] if who == broker}
        assert len(depts) >= 5, (broker, depts)
        assert demo["rank"][broker] <= 10, (broker, demo["rank"][broker])  # betweenness, of 200 people
    # each broker is the bridge into one silo: they answer some of its questions
    silo_of = {"priya.raman": "Customer Support", "amara.osei": "Legal"}
    for broker, silo in silo_of.items():
        assert any(who == broker and d == silo for who, d, _q, _at in demo["answers"]), broker


def test_single_expert_topics_have_exactly_one_answerer_and_common_topics_many(demo):
    for tag, expert in NICHE.items():
        questions = demo["questions"][tag]
        assert len(questions) >= 3 and all(n == 1 for _pk, n in questions), (tag, questions)
        answerers = {who for who, _d, q, _at in demo["answers"] if tag in demo["tags_of"].get(q, ())}
        assert answerers == {expert}
    sales = {who for who, _d, q, _at in demo["answers"] if "sales" in demo["tags_of"].get(q, ())}
    assert len(sales) >= 10


def test_growers_answer_more_every_few_months(demo):
    for grower in GROWERS:
        per_month = Counter(
            min(5, (NOW - at).days // 30) for who, _d, _q, at in demo["answers"] if who == grower
        )
        oldest_two, newest_two = per_month[5] + per_month[4], per_month[1] + per_month[0]
        assert newest_two >= 6 and newest_two >= 3 * max(oldest_two, 1), (grower, per_month)


def test_the_cast_has_fixed_names_titles_and_departments(demo):
    assert demo["cast"]["priya.raman"] == ("Priya Raman", "Staff Site Reliability Engineer", "Platform", True)
    assert demo["cast"]["walter.brandt"] == ("Walter Brandt", "Principal Systems Administrator", "IT", True)
    assert set(demo["cast"]) == {r.username for r in CAST}
