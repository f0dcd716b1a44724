"""Property-based privacy of e-mail: over random small organisations (people, open/private/secret
spaces, memberships, questions, answers, votes, mentions, follows of people and tags, questions
asked by name) where some members leave their spaces after the content was written, nothing of a
space reaches by e-mail (immediate notification or digest) a person who cannot read it at sending
time: no text, no title, no space name; and the digest's data do not change when every post the
recipient cannot read is deleted."""

from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrysalis.experts.actions import ask_by_name
from chrysalis.notifications import tasks
from chrysalis.notifications.digest import build_digest, digest_message
from chrysalis.notifications.email import send_notification_emails
from chrysalis.notifications.tests.conftest import parts
from chrysalis.people.actions import follow_person
from chrysalis.posts import actions as posts
from chrysalis.posts.models import Post
from chrysalis.qa import actions as qa
from chrysalis.spaces.actions import _add_member, leave_space
from chrysalis.spaces.models import Membership
from chrysalis.spaces.queries import can_read_space
from chrysalis.testsupport.factories import make_person, make_space

WORDS = ["kubernetes", "postgres", "budget", "gdpr"]
person = st.integers(0, 3)
place = st.sampled_from([None, 0, 1, 2])  # mostly in a space

org = st.fixed_dictionaries(
    {
        "spaces": st.lists(
            st.tuples(st.sampled_from(["open", "private", "secret"]), st.sets(person, max_size=4)),
            min_size=1,
            max_size=3,
        ),
        # (asker, answerer, space, word, voter or None, asked by name or None)
        "threads": st.lists(
            st.tuples(person, person, place, st.sampled_from(WORDS), st.one_of(st.none(), person),
                      st.one_of(st.none(), person)),
            min_size=1,
            max_size=5,
        ),
        "mentions": st.lists(st.tuples(person, person, place), max_size=3),  # (author, mentioned, space)
        "follows": st.lists(st.tuples(person, person), max_size=4),
        "tag_follows": st.lists(st.tuples(person, st.sampled_from(WORDS)), max_size=3),
        "leaves": st.lists(st.tuples(person, st.integers(0, 2)), max_size=4),  # after everything
        "viewer": person,
        "digest_kinds": st.booleans(),  # the viewer's kinds all in the digest instead of immediately
    }
)

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
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


def marker(n: int) -> str:
    return f"zqmark{n}x"


def _member(space, user):
    if space is not None and not Membership.objects.filter(space=space, user=user).exists():
        _add_member(space, user)


def build(data):
    """The organisation, with every e-mail task kept aside (the test sends at 'sending time')."""
    people = [make_person() for _ in range(4)]
    spaces = []
    for i, (vis, members) in enumerate(data["spaces"]):
        owner = people[min(members) if members else 0]
        others = [people[m] for m in members if people[m] != owner]
        spaces.append(make_space(owner, name=f"Room{i}Quokka", visibility=vis, members=others))
    n = 0
    for asker, answerer, si, word, voter, by_name in data["threads"]:
        space = spaces[si] if si is not None and si < len(spaces) else None
        a, b = people[asker], people[answerer]
        for u in (a, b):
            _member(space, u)
        n += 1
        q = qa.ask_question(a, title=f"{word} question {marker(n)}", body=f"Body {marker(n)}", tags=[word], space=space)
        if by_name is not None:
            with transaction.atomic():
                ask_by_name(q, people[by_name])
        if a != b:
            n += 1
            ans = qa.answer_question(b, q, body=f"Answer {marker(n)} about {word}")
            if voter is not None and people[voter] != b and (space is None or can_read_space(people[voter], space)):
                qa.vote(people[voter], ans, 1)
            if space is None or can_read_space(a, space):
                qa.accept_answer(a, ans)
    for author, who, si in data["mentions"]:
        space = spaces[si] if si is not None and si < len(spaces) else None
        _member(space, people[author])
        n += 1
        posts.create_post(people[author], body=f"Hey @{people[who].username} {marker(n)}", space=space)
    for a, b in data["follows"]:
        if a != b:
            try:
                follow_person(people[a], people[b])
            except Exception:  # already following: fine
                pass
    for p, word in data["tag_follows"]:
        try:
            qa.follow_tag(people[p], word)
        except Exception:  # unknown tag (no question used it) or already followed
            pass
    return people, spaces


def hidden_texts(viewer, spaces) -> list[str]:
    """Markers of posts, and names of secret spaces, that the viewer may not read now."""
    texts = []
    for p in Post.objects.filter(space__isnull=False).select_related("space"):
        if not can_read_space(viewer, p.space):
            texts += [m for m in (p.title.split() + p.body.split()) if m.startswith("zqmark")]
    texts += [s.name for s in spaces if not can_read_space(viewer, s)]
    return texts


@pytest.mark.django_db(transaction=False)
@PROPERTY
@given(data=org)
def test_no_email_carries_what_the_recipient_cannot_read_at_sending_time(data, monkeypatch, on_commit):
    queued: list[list[int]] = []

    class Later:
        enqueue = staticmethod(queued.append)

    monkeypatch.setattr(tasks, "email_notifications_task", Later)
    with rolled_back():
        mail.outbox = []
        with on_commit():  # the notifications are written on commit (and their e-mail tasks queued)
            people, spaces = build(data)
        viewer = people[data["viewer"]]
        if data["digest_kinds"]:
            from chrysalis.notifications.actions import update_email_settings

            update_email_settings(viewer, viewer, routed="digest", mention="digest", answer="digest")
        # people leave spaces after the content was written, before the worker sends
        for p, si in data["leaves"]:
            if si < len(spaces) and Membership.objects.filter(space=spaces[si], user=people[p]).exists():
                try:
                    leave_space(people[p], spaces[si])
                except Exception:  # the last owner cannot leave: fine
                    pass
        send_notification_emails(sorted({i for batch in queued for i in batch}))
        now = timezone.now()
        start, end = now.replace(year=now.year - 1), now.replace(year=now.year + 1)
        sent = [(m.to[0], m.message()) for m in mail.outbox]
        for p in people:
            d = build_digest(p, "weekly", start, end)
            if not d.empty:
                sent.append((p.email, digest_message(d).message()))
        by_address = {p.email: p for p in people}
        for address, message in sent:
            recipient = by_address[address.split("<")[-1].rstrip(">")]
            text, html = parts(message)
            for leak in hidden_texts(recipient, spaces):
                assert leak not in message["Subject"] and leak not in text and leak not in html
        digest = build_digest(viewer, "weekly", start, end)
        # the digest is the same without anything the viewer cannot read
        before = digest.sections
        Post.objects.filter(pk__in=[p.pk for p in Post.objects.filter(space__isnull=False).select_related("space")
                                    if not can_read_space(viewer, p.space)]).delete()
        after = build_digest(viewer, "weekly", digest.start, digest.end).sections
        assert before == after
