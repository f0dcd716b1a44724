"""Property-based privacy of impact pages: over random small organisations (people, open/private/
secret spaces, memberships, questions and answers, comments, reactions, votes, reads, routed
questions), what a viewer gets from a person's impact page and API never depends on activity in
spaces the viewer cannot read: removing all of it changes nothing, not even a count."""

import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis import target as seek

from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import add_comment, react, record_reads
from chrysalis.posts.models import Comment, Post, Reaction, Vote
from chrysalis.qa import actions as qa
from chrysalis.spaces.queries import can_read_space
from chrysalis.testsupport.factories import make_department, make_person, make_space

WORDS = ["kubernetes", "postgres", "budget", "gdpr"]
person = st.integers(0, 3)
thread = st.integers(0, 5)

org = st.fixed_dictionaries(
    {
        "spaces": st.lists(
            st.tuples(st.sampled_from(["private", "secret", "open"]), st.sets(person, max_size=4)),
            min_size=1,
            max_size=3,
        ),
        # (asker, answerer, space index or None, word)
        "threads": st.lists(
            st.tuples(person, person, st.one_of(st.integers(0, 2), st.none()), st.sampled_from(WORDS)),
            min_size=1,
            max_size=6,
        ),
        # (who, thread index, what): on the thread's answer (or its question when it has none)
        "acts": st.lists(
            st.tuples(person, thread, st.sampled_from(["comment", "route", "react", "react-comment", "vote", "read"])),
            min_size=1,
            max_size=8,
        ),
        "viewer": person,
        "subject": st.integers(0, 5),
    }
)


class Rollback(Exception):
    pass


PROPERTY = settings(
    max_examples=25,
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
    from chrysalis.spaces.actions import _add_member
    from chrysalis.spaces.models import Membership

    depts = [make_department(name) for name in ("North", "South", "East")]
    people = [make_person(department=depts[i] if i < 3 else None, location=["Oslo", "Rome", "", "Kyiv"][i])
              for i in range(4)]
    viewer = people[data["viewer"]]

    def who(k: int):
        """Person k counted from the one after the viewer: small numbers (hypothesis's favourites)
        are other people, 3 is the viewer, so that the viewer is often outside a space."""
        return people[(data["viewer"] + 1 + k) % 4]

    spaces = []
    for vis, members in data["spaces"]:
        owner = who(len(spaces))
        others = [who(m) for m in members if who(m) != owner]
        spaces.append(make_space(owner, name=f"S{len(spaces)}", visibility=vis, members=others))
    targets = []  # per thread: the question and its answer (the post others act on)
    answerers = []
    for asker, answerer, si, word in data["threads"]:
        space = spaces[si % len(spaces)] if si is not None else None
        a, b = who(asker), who(answerer if answerer != asker else asker + 1)
        answerers.append(b)
        if space is not None:  # authors must be members
            for u in (a, b):
                if not Membership.objects.filter(space=space, user=u).exists():
                    _add_member(space, u)
        q = qa.ask_question(a, title=f"How to handle {word}", body=f"{word}?", tags=[word], space=space)
        target = qa.answer_question(b, q, body=f"Use {word} #{word}-tips")
        targets.append((q, target))
    for k, ti, what in data["acts"]:
        q, target = targets[ti % len(targets)]
        p = who(k) if who(k) != target.author else who(k + 1)
        if target.space is not None and not Membership.objects.filter(space=target.space, user=p).exists():
            _add_member(target.space, p)  # only members act in a space
        if what == "comment":
            add_comment(p, target, body="Thanks!")
        elif what == "react" and not target.reactions.filter(user=p).exists():
            react(p, post=target, kind="like")
        elif what == "react-comment":  # the author adds a comment to their post; p reacts to it
            react(p, comment=add_comment(target.author, target, body="More detail."), kind="like")
        elif what == "vote" and not target.votes.filter(user=p).exists():
            qa.vote(p, target, 1)
        elif what == "read":
            record_reads(p, [target])
        elif what == "route" and target.kind == "answer":
            now = timezone.now()
            RoutingRequest.objects.get_or_create(
                question=q, expert=target.author,
                defaults={"status": "answered", "asked_at": now, "answered_at": now, "response_seconds": 60 * k},
            )
    return viewer, answerers


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')


def snapshot(client, viewer, subject):
    cache.clear()  # influence is recomputed from the database every time
    client.force_login(viewer)
    api = client.get(f"/api/v1/people/{subject.username}/impact").json()
    api.pop("generated_at")
    pages = []
    for by in ("month", "week"):
        html = client.get(f"/people/{subject.username}/impact/?by={by}").content.decode()
        pages.append(TOKEN.sub("", html.split("<main", 1)[1]))
    return api, pages


def check(client, viewer, subject):
    """The viewer's view of the subject's impact is the same without everything they cannot read."""
    before = snapshot(client, viewer, subject)
    hidden = [p.pk for p in Post.objects.filter(space__isnull=False).select_related("space")
              if not can_read_space(viewer, p.space)]
    # seek organisations with much hidden activity around the subject's work
    mine = Post.objects.filter(pk__in=hidden, author=subject)
    seek(float(mine.count() + Comment.objects.filter(post__in=mine).count()
               + Reaction.objects.filter(Q(post__in=mine) | Q(comment__post__in=mine)).count()
               + Vote.objects.filter(post__in=mine).count()
               + RoutingRequest.objects.filter(question__in=hidden, expert=subject).count()))
    # and no word of hidden content appears (its topics are tags)
    hidden_words = {w for w in WORDS if not Post.objects.filter(tags__name=w).exclude(pk__in=hidden).exists()
                    and Post.objects.filter(tags__name=w).exists()}
    Post.objects.filter(pk__in=hidden).delete()  # with their answers, comments, reactions, votes, reads, routing
    after = snapshot(client, viewer, subject)
    assert before == after
    for w in hidden_words:
        assert w not in str(before[0]["topics"])


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_impact_never_shows_activity_in_spaces_the_viewer_cannot_read(client, data):
    with rolled_back():
        viewer, answerers = build(data)
        check(client, viewer, answerers[data["subject"] % len(answerers)])  # someone with work to measure


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_someone_in_no_space_sees_no_private_or_secret_activity(client, data):
    with rolled_back():
        _viewer, answerers = build(data)
        check(client, make_person("outsider"), answerers[data["subject"] % len(answerers)])
