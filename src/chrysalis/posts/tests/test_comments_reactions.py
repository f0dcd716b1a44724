import pytest

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.notifications.models import Notification
from chrysalis.posts import actions
from chrysalis.posts.models import Comment, Post, Reaction
from chrysalis.posts.queries import comments_for

pytestmark = pytest.mark.django_db
V = Notification.Verb


def notes():
    return sorted(Notification.objects.values_list("recipient__username", "verb"))


def test_comment_and_reply_notify_author_and_parent(ana, bob, cy, on_commit):
    post = actions.create_post(ana, body="question")
    with on_commit():
        top = actions.add_comment(bob, post, body="answer")
    with on_commit():
        reply = actions.add_comment(cy, post, body="thanks", parent=top)
    assert reply.parent == top
    assert notes() == [("ana", V.COMMENT), ("ana", V.COMMENT), ("bob", V.REPLY)]
    assert Post.objects.get(pk=post.pk).comment_count == 2


def test_reply_to_a_reply_attaches_to_the_top_level(ana, bob):
    post = actions.create_post(ana, body="p")
    top = actions.add_comment(bob, post, body="top")
    reply = actions.add_comment(ana, post, body="r1", parent=top)
    deeper = actions.add_comment(bob, post, body="r2", parent=reply)
    assert deeper.parent_id == top.pk
    thread = comments_for(ana, post)
    assert [c.pk for c in thread] == [top.pk]
    assert [r.pk for r in thread[0].reply_list] == [reply.pk, deeper.pk]


def test_reply_parent_must_be_on_the_same_post(ana, bob):
    p1 = actions.create_post(ana, body="one")
    p2 = actions.create_post(ana, body="two")
    other = actions.add_comment(bob, p1, body="c")
    with pytest.raises(Invalid, match="same post"):
        actions.add_comment(bob, p2, body="x", parent=other)
    assert Comment.objects.count() == 1 and Post.objects.get(pk=p2.pk).comment_count == 0


@pytest.mark.parametrize("body, message", [("  ", "cannot be empty"), ("x" * 5001, "too long")])
def test_empty_and_oversized_comments_are_refused(ana, body, message):
    post = actions.create_post(ana, body="p")
    with pytest.raises(Invalid, match=message):
        actions.add_comment(ana, post, body=body)
    assert Comment.objects.count() == 0


def test_comment_needs_read_access(ana, bob, private_space, secret_space):
    for space in (private_space, secret_space):
        post = actions.create_post(ana, body="inside", space=space)
        with pytest.raises(NotFound):
            actions.add_comment(bob, post, body="let me in")
    assert Comment.objects.count() == 0


def test_comment_mentions_notify_readers_once(ana, bob, cy, private_space, on_commit):
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, bob)
    post = actions.create_post(ana, body="p", space=private_space)
    with on_commit():
        actions.add_comment(
            bob, post, body="@ana @cy look"
        )  # ana: mention (not also comment); cy: not a reader
    assert notes() == [("ana", V.MENTION)]


def test_comment_edit_delete_and_moderation(ana, bob, cy, open_space):
    from chrysalis.spaces.actions import _add_member

    _add_member(open_space, bob)
    post = actions.create_post(bob, body="p", space=open_space)
    c = actions.add_comment(cy, post, body="first")
    with pytest.raises(Forbidden):
        actions.edit_comment(bob, c, body="changed")
    actions.edit_comment(cy, c, body="**second**")
    c.refresh_from_db()
    assert c.edited_at is not None and "<strong>second</strong>" in c.body_html
    with pytest.raises(Forbidden):
        actions.delete_comment(bob, c)
    with pytest.raises(Forbidden):
        actions.remove_comment(bob, c)  # bob authored the post but is not a moderator
    actions.remove_comment(ana, c)  # ana owns the space
    c.refresh_from_db()
    assert c.removed_by == ana
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert comments_for(bob, post) == []


def test_removed_top_level_comment_keeps_its_replies_without_its_text(ana, bob):
    post = actions.create_post(ana, body="p")
    top = actions.add_comment(bob, post, body="secret words")
    actions.add_comment(ana, post, body="reply", parent=top)
    actions.delete_comment(bob, top)
    thread = comments_for(ana, post)
    assert len(thread) == 1 and thread[0].removed_at is not None
    assert thread[0].body == "" and thread[0].body_html == ""
    with pytest.raises(Invalid, match="removed"):
        actions.add_comment(ana, post, body="more", parent=top)


def test_reactions_count_and_conflict(ana, bob, cy, on_commit):
    post = actions.create_post(ana, body="p")
    with on_commit():
        actions.react(bob, post=post, kind="like")
        actions.react(bob, post=post, kind="celebrate")
        actions.react(cy, post=post, kind="like")
    with pytest.raises(Conflict, match="already reacted"):
        actions.react(bob, post=post, kind="like")
    assert Post.objects.get(pk=post.pk).reaction_count == 3
    assert notes() == [("ana", V.REACTION), ("ana", V.REACTION)]  # once per person
    actions.unreact(bob, post=post, kind="like")
    assert Post.objects.get(pk=post.pk).reaction_count == 2
    with pytest.raises(Conflict):
        actions.unreact(bob, post=post, kind="like")
    assert Post.objects.get(pk=post.pk).reaction_count == 2


def test_invalid_reaction_kind_and_unreadable_target(ana, bob, private_space):
    post = actions.create_post(ana, body="p")
    with pytest.raises(Invalid, match="Unknown reaction"):
        actions.react(bob, post=post, kind="love")
    hidden = actions.create_post(ana, body="p", space=private_space)
    with pytest.raises(NotFound):
        actions.react(bob, post=hidden, kind="like")
    with pytest.raises(Invalid):
        actions.react(bob, kind="like")
    assert Reaction.objects.count() == 0


def test_comment_reactions(ana, bob):
    post = actions.create_post(ana, body="p")
    c = actions.add_comment(bob, post, body="c")
    actions.react(ana, comment=c, kind="insightful")
    with pytest.raises(Conflict):
        actions.react(ana, comment=c, kind="insightful")
    [hydrated] = comments_for(ana, post)
    assert [(k, n, mine) for k, _e, _l, n, mine in hydrated.reaction_summary] == [("insightful", 1, True)]
    assert Post.objects.get(pk=post.pk).reaction_count == 0
