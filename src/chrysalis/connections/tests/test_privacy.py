"""Property-based privacy, in the style of experts/tests/test_privacy.py: over random small
organisations (departments, open/private/secret spaces, memberships, questions, answers, comments,
reactions, routed questions, followed tags), what a viewer is suggested (people, spaces, questions)
and every reason given never depends on content of spaces they cannot read: removing that content
changes nothing, no unreadable space or question is ever suggested, and no secret space the viewer
is not in is ever named."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrysalis.connections import queries
from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import add_comment, react
from chrysalis.posts.models import Post
from chrysalis.qa import actions as qa
from chrysalis.spaces.models import Space
from chrysalis.spaces.queries import can_read_space
from chrysalis.testsupport.factories import make_department, make_person, make_space

WORDS = ["kubernetes", "pricing", "gdpr"]
N = 5

org = st.fixed_dictionaries(
    {
        "departments": st.lists(st.one_of(st.none(), st.integers(0, 1)), min_size=N, max_size=N),
        "spaces": st.lists(
            st.tuples(st.sampled_from(["open", "private", "secret"]), st.sets(st.integers(0, N - 1), max_size=N)),
            min_size=1,
            max_size=3,
        ),
        # (asker, answerer or None, space index or None, word)
        "threads": st.lists(
            st.tuples(
                st.integers(0, N - 1),
                st.one_of(st.none(), st.integers(0, N - 1)),
                st.one_of(st.none(), st.integers(0, 2)),
                st.sampled_from(WORDS),
            ),
            min_size=2,
            max_size=10,
        ),
        # (thread index, person index, "comment" | "react" | "route")
        "touches": st.lists(
            st.tuples(st.integers(0, 9), st.integers(0, N - 1), st.sampled_from(["comment", "react", "route"])),
            max_size=6,
        ),
        # (person index, word): that person follows the tag
        "follows": st.lists(st.tuples(st.integers(0, N - 1), st.sampled_from(WORDS)), max_size=3),
    }
)


class Rollback(Exception):
    pass


PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def build(data):
    from chrysalis.spaces.actions import _add_member
    from chrysalis.spaces.models import Membership

    depts = [make_department("D0"), make_department("D1")]
    people = [
        make_person(department=None if d is None else depts[d], display_name=f"Person {i}")
        for i, d in enumerate(data["departments"])
    ]
    spaces = []
    for vis, members in data["spaces"]:
        owner = people[min(members) if members else 0]
        spaces.append(
            make_space(
                owner,
                name=f"Hush-{len(spaces)}-{vis}",
                visibility=vis,
                members=[people[m] for m in members if people[m] != owner],
            )
        )

    def join(space, user):
        if space is not None and not Membership.objects.filter(space=space, user=user).exists():
            _add_member(space, user)

    questions = []
    for asker, answerer, si, word in data["threads"]:
        space = spaces[si] if si is not None and si < len(spaces) else None
        a = people[asker]
        join(space, a)
        q = qa.ask_question(a, title=f"How to handle {word}", body="?", tags=[word], space=space)
        if answerer is not None and people[answerer] != a:
            join(space, people[answerer])
            qa.answer_question(people[answerer], q, body=f"My {word} answer")
        questions.append(q)
    for ti, pj, how in data["touches"]:
        if ti >= len(questions):
            continue
        q, who = questions[ti], people[pj]
        if q.space is not None and not can_read_space(who, q.space):
            continue
        if how == "comment":
            add_comment(who, q, body="me too")
        elif how == "react":
            react(who, post=q, kind="like")
        elif who != q.author:
            RoutingRequest.objects.get_or_create(question=q, expert=who)
    from chrysalis.posts.models import Tag, TagFollow

    for pi, word in data["follows"]:
        tag = Tag.objects.filter(name=word).first()
        if tag is not None:
            TagFollow.objects.get_or_create(user=people[pi], tag=tag)
    return people


def snapshot(viewer):
    people = [
        (s.person.pk, s.why, s.topics, round(s.score, 6)) for s in queries.people_you_should_know(viewer, limit=20)
    ]
    spaces = [(s.space.pk, s.why, round(s.score, 6)) for s in queries.spaces_worth_joining(viewer, limit=20)]
    questions = [
        (s.question.pk, s.why, round(s.score, 6)) for s in queries.questions_you_could_answer(viewer, limit=20)
    ]
    return people, spaces, questions


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_suggestions_and_reasons_ignore_unreadable_content(data):
    """Checked for every person of the organisation as the viewer."""
    with rolled_back():
        people = build(data)
        for viewer in people:
            with rolled_back():
                check_viewer(viewer)


def check_viewer(viewer):
    before = snapshot(viewer)
    unreadable = [s for s in Space.objects.all() if not can_read_space(viewer, s)]
    hidden_posts = set(Post.objects.filter(space__in=unreadable).values_list("pk", flat=True))
    people_s, spaces_s, questions_s = before
    assert not {pk for pk, _, _ in questions_s} & hidden_posts
    assert not {pk for pk, _, _ in spaces_s} & {s.pk for s in unreadable}
    whys = [w for _, w, _, _ in people_s] + [w for _, w, _ in spaces_s] + [w for _, w, _ in questions_s]
    for space in unreadable:
        assert not any(space.name in w for w in whys)
    Post.objects.filter(pk__in=hidden_posts).delete()
    assert snapshot(viewer) == before
