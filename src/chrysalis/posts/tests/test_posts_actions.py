import pytest

from chrysalis.core.errors import Forbidden, Invalid, NotFound
from chrysalis.notifications.models import Notification
from chrysalis.posts import actions
from chrysalis.posts.models import LinkResource, Mention, Post, Tag
from chrysalis.testsupport.factories import make_person

pytestmark = pytest.mark.django_db
V = Notification.Verb


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script> hi", "<script"),
        ('<img src="x.png" onerror="alert(1)"> hi', "onerror"),
        ("[click](javascript:alert(1))", 'href="javascript:'),
        ('<a href="javascript:alert(1)">x</a>', 'href="javascript:'),
        ('<iframe src="https://evil.example"></iframe> hi', "<iframe"),
        ('<p style="color:red" onclick="x()">hi</p>', "onclick"),
        ('<p style="color:red">hi</p>', "style="),
        ('<a href="https://x.example" onmouseover="x()">x</a>', "onmouseover"),
        ("<style>body{display:none}</style> hi", "<style"),
        ('<object data="x.swf"></object> hi', "<object"),
    ],
)
def test_post_markdown_is_sanitised(ana, source, forbidden):
    post = actions.create_post(ana, body=source)
    assert forbidden not in post.body_html.lower()
    assert post.body == source  # the source is kept as written


def test_links_get_rel_nofollow_and_become_resources(ana):
    post = actions.create_post(
        ana, body="See https://www.example.com/guide and [docs](https://docs.python.org/3/)."
    )
    assert 'rel="noopener noreferrer nofollow ugc"' in post.body_html
    links = list(LinkResource.objects.filter(post=post).order_by("pk").values_list("url", "domain"))
    assert links == [
        ("https://www.example.com/guide", "example.com"),
        ("https://docs.python.org/3/", "docs.python.org"),
    ]


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_post_is_refused(ana, body):
    with pytest.raises(Invalid, match="cannot be empty"):
        actions.create_post(ana, body=body)
    assert Post.objects.count() == 0


def test_oversized_post_is_refused(ana, settings):
    with pytest.raises(Invalid, match="too long"):
        actions.create_post(ana, body="x" * (settings.CHRYSALIS_MAX_POST_CHARS + 1))
    assert Post.objects.count() == 0


def test_tags_from_argument_and_hashtags_are_normalised(ana):
    post = actions.create_post(
        ana, body="Shipping #Release-2 today, #python", tags=["Onboarding", "#Ops", "ops"]
    )
    assert sorted(post.tags.values_list("name", flat=True)) == ["onboarding", "ops", "python", "release-2"]
    actions.create_post(ana, body="Again #python")
    assert Tag.objects.filter(name="python").count() == 1


def test_invalid_and_too_many_tags_are_refused(ana):
    with pytest.raises(Invalid, match="not a valid tag"):
        actions.create_post(ana, body="hi", tags=["c++"])
    with pytest.raises(Invalid, match="at most 10 tags"):
        actions.create_post(ana, body="hi", tags=[f"t{i}" for i in range(11)])
    assert Post.objects.count() == 0 and Tag.objects.count() == 0


def test_unknown_mention_is_refused_with_its_name(ana, bob):
    with pytest.raises(Invalid, match="No one is called @ghost"):
        actions.create_post(ana, body="Hey @bob and @ghost")
    assert Post.objects.count() == 0 and Mention.objects.count() == 0


def test_mentions_notify_only_people_who_can_read(ana, bob, cy, private_space, on_commit):
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, bob)
    with on_commit():
        post = actions.create_post(ana, body="@bob @cy please review", space=private_space)
    notified = list(Notification.objects.filter(verb=V.MENTION).values_list("recipient__username", "post_id"))
    assert notified == [("bob", post.pk)]
    assert set(Mention.objects.filter(post=post).values_list("user__username", flat=True)) == {"bob", "cy"}


def test_mentioning_yourself_does_not_notify(ana, on_commit):
    with on_commit():
        actions.create_post(ana, body="note to @ana")
    assert Notification.objects.count() == 0


def test_posting_in_a_space_needs_membership(bob, open_space, private_space, secret_space):
    with pytest.raises(Forbidden, match="Only members of Engineering"):
        actions.create_post(bob, body="hi", space=open_space)
    with pytest.raises(Forbidden):
        actions.create_post(bob, body="hi", space=private_space)
    with pytest.raises(NotFound, match="No such space"):
        actions.create_post(bob, body="hi", space=secret_space)
    assert Post.objects.count() == 0


def test_member_posts_in_space(ana, secret_space):
    post = actions.create_post(ana, body="inside", space=secret_space)
    assert post.space == secret_space


def test_question_needs_a_title(ana):
    with pytest.raises(Invalid, match="needs a title"):
        actions.create_post(ana, body="how?", kind="question")
    with pytest.raises(Invalid, match="at least one tag"):
        actions.create_post(ana, body="how do we deploy?", kind="question", title="Deploying")
    q = actions.create_post(ana, body="how do we deploy?", kind="question", title="Deploying", tags=["deploy"])
    assert q.kind == "question"
    assert q.revisions.get().number == 1


def test_edit_post_rerenders_and_notifies_only_new_mentions(ana, bob, cy, on_commit):
    with on_commit():
        post = actions.create_post(ana, body="hello @bob #alpha", tags=["keep"])
    with on_commit():
        actions.edit_post(ana, post, body="hello @bob and @cy **now** #beta")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert "<strong>now</strong>" in post.body_html
    assert sorted(post.tags.values_list("name", flat=True)) == ["beta", "keep"]
    mentions = sorted(
        Notification.objects.filter(verb=V.MENTION).values_list("recipient__username", flat=True)
    )
    assert mentions == ["bob", "cy"]  # bob once (from the creation), cy once (new)


def test_only_author_edits_and_deletes(ana, bob):
    post = actions.create_post(ana, body="mine")
    with pytest.raises(Forbidden):
        actions.edit_post(bob, post, body="yours")
    with pytest.raises(Forbidden):
        actions.delete_post(bob, post)
    post.refresh_from_db()
    assert post.body == "mine" and post.removed_at is None
    actions.delete_post(ana, post)
    post.refresh_from_db()
    assert post.removed_at is not None and post.removed_by == ana


def test_moderator_removes_post_members_cannot(ana, bob, cy, open_space):
    from chrysalis.spaces.actions import _add_member, set_role

    _add_member(open_space, bob)
    _add_member(open_space, cy)
    post = actions.create_post(bob, body="off topic", space=open_space)
    with pytest.raises(Forbidden):
        actions.remove_post(cy, post)
    set_role(ana, open_space, cy, "moderator")
    actions.remove_post(cy, post)
    post.refresh_from_db()
    assert post.removed_by == cy


def test_company_feed_posts_are_removed_by_staff_only(ana, bob):
    post = actions.create_post(ana, body="company news")
    with pytest.raises(Forbidden):
        actions.remove_post(bob, post)
    staff = make_person("admin", is_staff=True)
    actions.remove_post(staff, post)
    assert Post.objects.get(pk=post.pk).removed_at is not None


def test_search_index_is_called_on_commit(ana, monkeypatch, on_commit):
    calls = []
    from chrysalis.search import indexing

    monkeypatch.setattr(indexing, "index_post", lambda pk: calls.append(("post", pk)))
    monkeypatch.setattr(indexing, "unindex", lambda kind, pk: calls.append(("unindex", kind, pk)))
    with on_commit():
        post = actions.create_post(ana, body="indexed")
    with on_commit():
        actions.delete_post(ana, post)
    assert calls == [("post", post.pk), ("unindex", "post", post.pk)]
