"""Property-based privacy for the profile's evidence and for asking by name, over the random small
organisations of test_privacy: the "What shows it" evidence a viewer sees on a profile never comes from,
links to or depends on a space they cannot read; a person asked by name is asked only when they may
read the question, and the reason given to the asker names only the asker's own space."""

import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chrysalis.experts import engine, queries
from chrysalis.experts.models import RoutingRequest
from chrysalis.experts.tests.test_privacy import PROPERTY, build, org, rolled_back
from chrysalis.posts.models import Post
from chrysalis.qa import actions as qa
from chrysalis.spaces.models import Space
from chrysalis.spaces.queries import can_read_space


def evidence_seen(viewer, people):
    engine.rebuild()
    out = []
    for p in people:
        k = queries.knows_about(viewer, p)
        out.append(
            None if k is None else [(e.item.title, e.item.url, e.item.kind, tuple(e.topics)) for e in k.evidence]
        )
    return out


@pytest.mark.django_db(transaction=False)
@hsettings(PROPERTY, max_examples=15)  # two index rebuilds per example
@given(data=org)
def test_profile_evidence_ignores_unreadable_content(data):
    with rolled_back():
        people = build(data)
        viewer = people[data["viewer"]]
        before = evidence_seen(viewer, people)
        hidden = [
            p
            for p in Post.objects.filter(space__isnull=False).select_related("space")
            if not can_read_space(viewer, p.space)
        ]
        hidden_ids = {p.pk for p in hidden}
        urls = {url for items in before if items for _, url, _, _ in items}
        for url in urls:  # /qa/<question>/#answer-<answer>, /qa/<question>/ or /posts/<post>/
            ids = {int(x) for x in re.findall(r"\d+", url)}
            assert not ids & hidden_ids, url
        Post.objects.filter(pk__in=hidden_ids).delete()
        assert evidence_seen(viewer, people) == before


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org, asker=st.integers(0, 3), named=st.integers(0, 3), where=st.one_of(st.none(), st.integers(0, 2)))
def test_a_person_asked_by_name_can_read_the_question(data, asker, named, where):
    with rolled_back():
        people = build(data)
        spaces = list(Space.objects.order_by("pk"))
        space = spaces[where] if where is not None and where < len(spaces) else None
        if space is not None and not can_read_space(people[asker], space):
            return  # only members ask in a space (ask_question refuses others)
        if space is not None:
            from chrysalis.spaces.queries import can_post_in

            if not can_post_in(people[asker], space):
                return
        if people[named] == people[asker]:
            return  # refused before anything is written (tested elsewhere)
        q = qa.ask_question(
            people[asker], title="Who can help?", body="b", tags=["help"], space=space, ask=people[named]
        )
        readable = space is None or can_read_space(people[named], space)
        asked = RoutingRequest.objects.filter(question=q, expert=people[named], by_name=True).exists()
        assert asked == readable and q.named_ask.asked == readable
        if not readable:
            assert (
                q.named_ask.reason
                == f"{people[named].name} cannot read questions in {space.name}, so Chrysalis did not ask them."
            )
            other = {s.name for s in spaces if s != space}
            assert not any(name in q.named_ask.reason for name in other)
