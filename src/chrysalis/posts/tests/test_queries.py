import pytest

from chrysalis.posts import actions
from chrysalis.posts.queries import get_visible_attachment, get_visible_comment, hydrate_posts, visible_posts
from chrysalis.spaces.actions import _add_member, set_role
from chrysalis.testsupport.factories import make_person, make_space

from .conftest import Upload

pytestmark = pytest.mark.django_db


def make_posts(n, author, spaces):
    reactor = make_person()
    for i in range(n):
        post = actions.create_post(
            author,
            body=f"post {i} #t{i % 3} https://example.com/{i}",
            space=spaces[i % len(spaces)],
            files=[Upload(f"{i}.txt", b"x")],
        )
        actions.react(reactor, post=post, kind="like")
        actions.react(author, post=post, kind="celebrate")


@pytest.mark.parametrize("n", [3, 15])
def test_hydrate_posts_uses_a_fixed_number_of_queries(n, ana, bob, django_assert_num_queries):
    spaces = [None, make_space(ana, "A"), make_space(ana, "B")]
    for s in spaces[1:]:
        _add_member(s, bob)
    set_role(ana, spaces[1], bob, "moderator")
    make_posts(n, ana, spaces)
    qs = visible_posts(bob).select_related("author", "author__department", "space").order_by("-id")
    with django_assert_num_queries(6):  # the posts + tags, attachments, links, reactions, roles
        posts = hydrate_posts(bob, qs)
        for p in posts:
            assert len(p.tag_list) == 1 and len(p.attachment_list) == 1 and len(p.link_list) == 1
            assert [(k, c, m) for k, _e, _l, c, m in p.reaction_summary] == [
                ("like", 1, False),
                ("celebrate", 1, False),
            ]
            assert len(p.reaction_options) == 5
            assert p.viewer_can_edit is False
            assert p.viewer_can_moderate is (p.space is not None and p.space.name == "A")
            _ = (p.author.name, p.author.department, p.space and p.space.slug)
    assert len(posts) == n


def test_hydrate_marks_mine(ana):
    post = actions.create_post(ana, body="p")
    actions.react(ana, post=post, kind="support")
    [p] = hydrate_posts(ana, [post])
    assert p.viewer_can_edit is True
    assert [(k, m) for k, _e, _l, _c, m in p.reaction_options if m] == [("support", True)]


def test_private_and_secret_content_is_not_visible(ana, bob, private_space, secret_space):
    for space in (private_space, secret_space):
        post = actions.create_post(ana, body="hidden", space=space, files=[Upload("a.txt", b"x")])
        comment = actions.add_comment(ana, post, body="hidden comment")
        assert not visible_posts(bob).filter(pk=post.pk).exists()
        with pytest.raises(Exception, match="No such comment"):
            get_visible_comment(bob, comment.pk)
        with pytest.raises(Exception, match="No such file"):
            get_visible_attachment(bob, post.attachments.get().pk)
        assert get_visible_comment(ana, comment.pk) == comment
