"""Property-based privacy of insights: over random small organisations (two departments, open,
private and secret spaces with random members, questions, answers, comments, reactions and votes
in them and on the company feed), no insight figure depends on content of a private or secret
space: removing all of it changes nothing in the snapshot, for any viewer (the snapshot is the
same for every viewer allowed to see insights)."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrysalis.insights import compute, queries
from chrysalis.posts.actions import add_comment, react
from chrysalis.posts.models import Post
from chrysalis.qa.actions import accept_answer, answer_question, ask_question, vote
from chrysalis.spaces.actions import _add_member
from chrysalis.spaces.models import Membership
from chrysalis.testsupport.factories import make_department, make_person, make_space

TAGS = ["kafka", "gdpr", "budget"]
PEOPLE = 10

org = st.fixed_dictionaries(
    {
        "spaces": st.lists(
            st.tuples(st.sampled_from(["open", "private", "secret"]), st.sets(st.integers(0, PEOPLE - 1), max_size=6)),
            min_size=1, max_size=3,
        ),
        # (asker, answerer, space index or None, tag, accepted, commenter, reactor)
        "threads": st.lists(
            st.tuples(
                st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1), st.one_of(st.none(), st.integers(0, 2)),
                st.sampled_from(TAGS), st.booleans(), st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1),
            ),
            min_size=1, max_size=8,
        ),
    }
)


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def _member(space, person):
    if space is not None and not Membership.objects.filter(space=space, user=person).exists():
        _add_member(space, person)


def build(data):
    eng, sales = make_department("Engineering"), make_department("Sales")
    people = [make_person(department=eng if i < 5 else sales) for i in range(PEOPLE)]
    spaces = []
    for vis, members in data["spaces"]:
        owner = people[min(members) if members else 0]
        spaces.append(make_space(owner, name=f"S{len(spaces)}", visibility=vis,
                                 members=[people[m] for m in members if people[m] != owner]))
    for asker, answerer, si, tag, accepted, commenter, reactor in data["threads"]:
        space = spaces[si] if si is not None and si < len(spaces) else None
        a, b, c, r = (people[i] for i in (asker, answerer, commenter, reactor))
        for u in (a, b, c, r):
            _member(space, u)
        q = ask_question(a, title=f"About {tag} {len(Post.objects.all())}", body="?", tags=[tag], space=space)
        add_comment(c, q, body="Same here")
        react(r, post=q, kind="like")
        if a != b:
            ans = answer_question(b, q, body=f"{tag} answer")
            if accepted:
                accept_answer(a, ans)
            if r != b:
                vote(r, ans, 1)


def figures():
    since, until = queries.standard_period("90")
    payload = compute.compute(compute.Data(until), since, until)
    payload.pop("seconds")
    return payload


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=org)
def test_no_insight_figure_depends_on_private_or_secret_content(data):
    with rolled_back():
        build(data)
        before = figures()
        hidden = Post.objects.filter(space__isnull=False).exclude(space__visibility="open")
        had_hidden = hidden.exists()
        hidden.delete()
        assert figures() == before
        if had_hidden:  # and the private and secret spaces' members change nothing either
            Membership.objects.exclude(space__visibility="open").delete()
            assert figures() == before
