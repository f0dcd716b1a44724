"""Property-based privacy: over random small organisations (people, open/private/secret spaces,
memberships, questions and answers, "not my area" declines of routed questions), what a viewer gets
from expert search, evidence, "knows about" and routing never depends on content of spaces they
cannot read: removing that content changes nothing, and no evidence item from it ever appears."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrysalis.experts import actions, engine, queries
from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.models import Post
from chrysalis.qa import actions as qa
from chrysalis.spaces.queries import can_read_space
from chrysalis.testsupport.factories import make_person, make_space

WORDS = ["kubernetes", "postgres", "budget", "gdpr", "python", "contract"]

org = st.fixed_dictionaries(
    {
        "spaces": st.lists(
            st.tuples(st.sampled_from(["open", "private", "secret"]), st.sets(st.integers(0, 3), max_size=4)),
            min_size=1,
            max_size=3,
        ),
        # (asker, answerer, space index or None, word)
        "threads": st.lists(
            st.tuples(
                st.integers(0, 3),
                st.integers(0, 3),
                st.one_of(st.none(), st.integers(0, 2)),
                st.sampled_from(WORDS),
            ),
            min_size=1,
            max_size=8,
        ),
        # (thread index, person index): that person declined that question as "not my area"
        "declines": st.lists(st.tuples(st.integers(0, 7), st.integers(0, 3)), max_size=4),
        "viewer": st.integers(0, 3),
        "word": st.sampled_from(WORDS),
    }
)


class Rollback(Exception):
    pass


PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    """Everything written inside is undone: hypothesis builds many organisations in one test."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def build(data):
    people = [make_person() for _ in range(4)]
    spaces = []
    for vis, members in data["spaces"]:
        owner = people[min(members) if members else 0]
        spaces.append(
            make_space(
                owner,
                name=f"S{len(spaces)}",
                visibility=vis,
                members=[people[m] for m in members if people[m] != owner],
            )
        )
    questions = []
    for asker, answerer, si, word in data["threads"]:
        space = spaces[si] if si is not None and si < len(spaces) else None
        a, b = people[asker], people[answerer]
        if space is not None:  # authors must be members: add them through the factory helper
            from chrysalis.spaces.actions import _add_member
            from chrysalis.spaces.models import Membership

            for u in (a, b):
                if not Membership.objects.filter(space=space, user=u).exists():
                    _add_member(space, u)
        q = qa.ask_question(
            a, title=f"How to handle {word} here", body=f"{word} question", tags=[word], space=space
        )
        if a != b:
            qa.answer_question(b, q, body=f"My {word} answer with {word} details")
        questions.append(q)
    for ti, pj in data["declines"]:  # as decline_request leaves them (the engine reads them on rebuild)
        if ti >= len(questions) or people[pj] == questions[ti].author:
            continue
        if questions[ti].space is None or can_read_space(people[pj], questions[ti].space):
            RoutingRequest.objects.get_or_create(
                question=questions[ti],
                expert=people[pj],
                defaults={"status": "declined", "declined_reason": "not my area", "declined_at": timezone.now()},
            )
    return people


def snapshot(viewer, people, word):
    engine.rebuild()
    found = queries.find_experts(viewer, word, limit=10)
    search = [
        (
            r.person.pk,
            r.topics,
            [(e.title, e.url) for e in r.evidence],
            r.answers,
            r.accepted,
            round(r.score, 6),
        )
        for r in found
    ]
    knows = []
    for p in people:
        k = queries.knows_about(viewer, p)
        knows.append(
            None
            if k is None
            else ([(t.name, t.evidence_count, t.confirmed) for t in k.topics], k.answers, k.key_terms)
        )
    return search, knows


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_expert_search_and_profiles_ignore_unreadable_content(data):
    with rolled_back():
        people = build(data)
        viewer = people[data["viewer"]]
        before = snapshot(viewer, people, data["word"])
        hidden = [
            p
            for p in Post.objects.filter(space__isnull=False).select_related("space")
            if not can_read_space(viewer, p.space)
        ]
        # no evidence item from an unreadable space ever appears
        urls = {u for _, _, ev, _, _, _ in before[0] for _, u in ev}
        for p in hidden:
            assert not any(u.split("#")[0].rstrip("/").endswith(f"/{p.pk}") for u in urls)
        Post.objects.filter(pk__in=[p.pk for p in hidden]).delete()
        after = snapshot(viewer, people, data["word"])
        assert before == after


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_routing_recipients_read_the_question_and_ignore_private_content(data):
    with rolled_back():
        people = build(data)
        asker = people[data["viewer"]]
        si = data["threads"][0][2]
        space = None
        if si is not None and si < len(data["spaces"]):
            from chrysalis.spaces.models import Space

            space = Space.objects.get(name=f"S{si}")
            if not can_read_space(asker, space) or not asker.memberships.filter(space=space).exists():
                space = None
        q = qa.ask_question(
            asker, title=f"{data['word']} trouble", body="?", tags=[data["word"]], space=space
        )
        engine.rebuild()
        made = actions.route_question(q)
        chosen = sorted(r.expert_id for r in made)
        assert asker.pk not in chosen
        assert all(can_read_space(r.expert, q.space) for r in made)
        # content the question's readers may not all read plays no part
        keys = queries.question_keys(q)
        hidden = [
            p.pk
            for p in Post.objects.filter(space__isnull=False).exclude(pk=q.pk)
            if engine.space_key(p.space_id) not in keys
        ]
        RoutingRequest.objects.filter(question=q).delete()
        Post.objects.filter(pk__in=hidden).delete()
        engine.rebuild()
        assert sorted(r.expert_id for r in actions.route_question(q)) == chosen
