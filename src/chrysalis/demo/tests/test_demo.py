"""The demo organisation: deterministic, believable, consistent, fast."""

import hashlib
import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import Count, F, Q

from chrysalis.core.errors import Conflict, Invalid
from chrysalis.core.markdown import find_hashtags, find_mentions, render_markdown
from chrysalis.demo.build import DEMO_PASSWORD, build_demo
from chrysalis.notifications.models import Notification
from chrysalis.notifications.queries import visible_notifications
from chrysalis.people.models import Department, Follow, Skill, User
from chrysalis.posts.models import Comment, Mention, Post, Reaction, Tag
from chrysalis.spaces.models import Membership, Space
from chrysalis.testsupport.factories import make_person

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def build(people=50, seed=7, **kw):
    out = io.StringIO()
    counts = build_demo(people=people, seed=seed, progress=False, stdout=out, now=NOW, **kw)
    return counts, out.getvalue()


def fingerprint() -> str:
    h = hashlib.sha256()
    for row in User.objects.order_by("id").values_list(
        "username", "display_name", "title", "department__name", "manager__username", "location", "bio"
    ):
        h.update(repr(row).encode())
    for row in Post.objects.order_by("id").values_list(
        "author__username",
        "space__slug",
        "kind",
        "title",
        "body",
        "created_at",
        "comment_count",
        "reaction_count",
    ):
        h.update(repr(row).encode())
    for row in Comment.objects.order_by("id").values_list("post_id", "author__username", "parent_id", "body"):
        h.update(repr(row).encode())
    for row in Membership.objects.order_by("id").values_list("space__slug", "user__username", "role"):
        h.update(repr(row).encode())
    h.update(
        repr(
            list(Reaction.objects.order_by("id").values_list("user_id", "post_id", "comment_id", "kind"))
        ).encode()
    )
    return h.hexdigest()


def wipe() -> None:
    for model in (
        Notification,
        Mention,
        Reaction,
        Comment,
        Post.tags.through,
        Post,
        Tag,
        Membership,
        Space,
        Follow,
        User.skills.through,
        Skill,
        User,
    ):
        model.objects.all().delete()
    Department.objects.filter(parent__isnull=False).delete()
    Department.objects.all().delete()


def test_same_seed_gives_the_same_organisation_and_another_seed_another():
    build(seed=7)
    first = fingerprint()
    wipe()
    build(seed=7)
    assert fingerprint() == first
    wipe()
    build(seed=8)
    assert fingerprint() != first


def test_counts_invariants_and_sign_in():
    counts, out = build(people=120)
    # people, departments and the administrator
    assert User.objects.count() == 120 == counts["people"]
    names = set(Department.objects.values_list("name", flat=True))
    assert {
        "Engineering",
        "Platform",
        "Frontend",
        "Data",
        "Security",
        "Sales",
        "Legal",
        "Learning & Development",
        "People",
        "Customer Support",
        "Finance",
        "Marketing",
        "IT",
        "Operations",
        "Product",
    } <= names
    assert Department.objects.get(name="Platform").parent.name == "Engineering"
    admin = User.objects.get(username="admin")
    assert (
        admin.is_superuser and admin.is_staff and admin.name == "Ada Admin" and admin.department.name == "IT"
    )
    assert admin.check_password(DEMO_PASSWORD)
    assert "admin" in out and DEMO_PASSWORD in out
    assert len(set(User.objects.values_list("password", flat=True))) == 1  # hashed once
    # managers form one tree under the CEO; managers are in the same department except heads
    people = {u.pk: u for u in User.objects.select_related("department")}
    roots = [u for u in people.values() if u.manager_id is None]
    assert len(roots) == 1 and roots[0].title == "Chief Executive Officer"
    for u in people.values():
        seen, cur = set(), u
        while cur.manager_id is not None:
            assert cur.pk not in seen, "cycle in the manager chain"
            seen.add(cur.pk)
            cur = people[cur.manager_id]
        assert cur.pk == roots[0].pk
    heads = {d.pk for d in Department.objects.all()}
    for u in people.values():
        if u.manager_id and people[u.manager_id].department_id != u.department_id:
            assert u.department_id in heads and u.department.members.order_by("pk").first().pk == u.pk
    # skills, follows, spaces of all three kinds, each with an owner
    assert Skill.objects.exists() and Follow.objects.count() > 120
    assert set(Space.objects.values_list("visibility", flat=True)) == {"open", "private", "secret"}
    assert not Space.objects.exclude(memberships__role="owner").exists()
    assert Space.objects.filter(name="M&A Project Falcon", visibility="secret").exists()
    # posts and questions on topic
    assert Post.objects.exclude(kind="answer").count() == 1200
    assert Post.objects.filter(kind="answer", question__kind="question").count() > 50
    answered = Post.objects.filter(kind="question", answer_count__gt=0)
    assert answered.exists() and answered.filter(accepted_answer__isnull=False).exists()
    assert Post.objects.filter(kind="question").exclude(title="").count() > 100
    assert Comment.objects.filter(parent__isnull=False).exists()


def test_content_is_consistent_with_access_counters_mentions_and_markup():
    build(people=80)
    # members only in private and secret spaces: authors, commenters, reactors
    members = set(Membership.objects.values_list("space_id", "user_id"))
    closed = Post.objects.filter(space__visibility__in=["private", "secret"])
    assert closed.filter(space__visibility="secret").exists()
    for post in closed.prefetch_related("comments", "reactions"):
        assert (post.space_id, post.author_id) in members
        assert all((post.space_id, c.author_id) in members for c in post.comments.all())
        assert all((post.space_id, r.user_id) in members for r in post.reactions.all())
    for c in Comment.objects.filter(post__space__visibility__in=["private", "secret"]).prefetch_related(
        "reactions"
    ):
        assert all((c.post.space_id, r.user_id) in members for r in c.reactions.all())
    # denormalised counters
    counted = Post.objects.annotate(c=Count("comments", distinct=True), r=Count("reactions", distinct=True))
    assert not counted.filter(~Q(comment_count=F("c")) | ~Q(reaction_count=F("r"))).exists()
    assert counted.filter(c__gt=0).exists() and counted.filter(r__gt=0).exists()
    # every mention is a real person who can read the post, recorded in Mention; tags match #tags
    usernames = set(User.objects.values_list("username", flat=True))
    recorded = {}
    for m in Mention.objects.values_list("post_id", "comment_id", "user__username"):
        recorded.setdefault((m[0], m[1]), set()).add(m[2])
    for post in Post.objects.prefetch_related("tags"):
        found = set(find_mentions(post.body))
        assert found <= usernames
        assert found == recorded.get((post.pk, None), set())
        assert sorted(t.name for t in post.tags.all()) == sorted(find_hashtags(post.title + "\n" + post.body))
        assert post.body_html == render_markdown(post.body)
        if post.space_id and post.space.visibility != "open":
            assert all(
                (post.space_id, uid) in members
                for uid in User.objects.filter(username__in=found).values_list("pk", flat=True)
            )
    for c in Comment.objects.all():
        found = set(find_mentions(c.body))
        assert found <= usernames and found == recorded.get((c.post_id, c.pk), set())
        assert c.body_html == render_markdown(c.body)
    # notifications are about things their recipients may see
    for user in User.objects.filter(pk__in=Notification.objects.values("recipient_id")):
        assert visible_notifications(user).count() == Notification.objects.filter(recipient=user).count()


def test_refuses_a_database_that_already_has_people():
    make_person("someone")
    with pytest.raises(Conflict, match="already has 1 people"):
        build()
    assert not Department.objects.exists() and User.objects.count() == 1


def test_refuses_too_few_people():
    with pytest.raises(Invalid):
        build(people=5)
    assert not User.objects.exists()


def test_fifty_people_build_reports_its_counts():
    counts, _ = build(people=50)
    assert counts["people"] == 50
    assert counts["posts"] == Post.objects.count() and Post.objects.exclude(kind="answer").count() == 500


def test_answers_are_consistent_with_their_questions_and_votes():
    from chrysalis.posts.models import Vote

    build(people=60)
    for q in Post.objects.filter(kind="question").prefetch_related("answers"):
        answers = list(q.answers.all())
        assert q.answer_count == len(answers)
        assert all(a.space_id == q.space_id and a.created_at > q.created_at for a in answers)
        if q.accepted_answer_id:
            assert q.accepted_answer_id in {a.pk for a in answers}
    for a in Post.objects.filter(kind="answer").annotate(v=Count("votes")):
        assert a.score == a.v and not Vote.objects.filter(post=a, user=a.author).exists()


def test_routing_history_is_consistent_with_questions_answers_and_access():
    from chrysalis.experts.models import RoutingRequest
    from chrysalis.spaces.queries import can_read_space

    counts, _ = build(people=120)
    reqs = list(RoutingRequest.objects.select_related("question", "question__space", "expert"))
    assert reqs and counts["routing requests"] == len(reqs)
    statuses = {r.status for r in reqs}
    assert {"answered", "declined", "expired"} <= statuses
    for r in reqs:
        q = r.question
        assert q.kind == "question" and r.expert_id != q.author_id
        assert q.space is None or can_read_space(r.expert, q.space)
        assert r.asked_at >= q.created_at
        # why they were asked: tags of the question (names) they answer questions on
        assert set(r.topics) <= set(q.tags.values_list("name", flat=True))
        answers = Post.objects.filter(kind="answer", author=r.expert)
        assert set(r.topics) <= set(answers.values_list("question__tags__name", flat=True))
        if r.status == "answered":
            assert Post.objects.filter(question=q, author=r.expert, created_at=r.answered_at).exists()
            assert r.response_seconds == int((r.answered_at - r.asked_at).total_seconds())
        if r.status == "declined":
            assert r.declined_reason in ("not my area", "busy") and r.declined_at >= r.asked_at
        if r.status == "pending":
            assert (NOW - q.created_at).total_seconds() < 20 * 3600
            assert Notification.objects.filter(recipient=r.expert, verb="routed", post=q).exists()
    assert sum(bool(r.topics) for r in reqs) >= len(reqs) // 2
    per_question = Counter(r.question_id for r in reqs)
    assert max(per_question.values()) <= 3
    week = [r for r in reqs if (NOW - r.asked_at).days < 7]
    assert max(Counter(r.expert_id for r in week).values()) <= 4  # below the weekly cap
