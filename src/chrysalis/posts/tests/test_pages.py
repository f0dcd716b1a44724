import re

import pytest

from chrysalis.notifications.models import Notification
from chrysalis.posts import actions
from chrysalis.posts.models import Comment, Post, Reaction

from .conftest import Upload, png_bytes

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def main(response) -> str:
    """The page's <main> element (the rest carries per-request nonces and tokens)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_composer_with_htmx_returns_the_card_and_a_fresh_composer(client, ana):
    client.force_login(ana)
    r = client.post(
        "/posts/new/",
        {"body": "Hello **team** #launch", "title": "", "tags": "news", "space": ""},
        headers=HX,
    )
    assert r.status_code == 200
    html = r.content.decode()
    post = Post.objects.get()
    assert html.strip().startswith('<li class="feed-item">')
    assert f'id="post-{post.pk}"' in html and "<strong>team</strong>" in html
    assert 'id="composer"' in html and 'hx-swap-oob="true"' in html
    assert "Hello **team**" not in html  # the fresh composer is empty
    assert sorted(post.tags.values_list("name", flat=True)) == ["launch", "news"]


def test_composer_error_with_htmx_rerenders_itself(client, ana):
    client.force_login(ana)
    r = client.post("/posts/new/", {"body": "hi @nobody", "space": ""}, headers=HX)
    assert r.status_code == 200
    assert r["HX-Retarget"] == "#composer" and r["HX-Reswap"] == "outerHTML"
    html = r.content.decode()
    assert "No one is called @nobody" in html and "hi @nobody</textarea>" in html
    assert Post.objects.count() == 0


def test_composer_without_js_redirects_or_shows_the_error(client, ana):
    client.force_login(ana)
    r = client.post("/posts/new/", {"body": "plain post", "space": ""})
    post = Post.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/posts/{post.pk}/"
    r = client.post("/posts/new/", {"body": "", "space": ""})
    assert r.status_code == 422 and "The post cannot be empty." in r.content.decode()
    assert Post.objects.count() == 1


def test_composer_posting_to_a_space_you_are_not_in(client, bob, open_space, private_space, secret_space):
    client.force_login(bob)
    r = client.post("/posts/new/", {"body": "hi", "space": open_space.slug})
    assert r.status_code == 403 and "Only members of Engineering can post there" in r.content.decode()
    r = client.post("/posts/new/", {"body": "hi", "space": private_space.slug})
    assert r.status_code == 403
    r = client.post("/posts/new/", {"body": "hi", "space": secret_space.slug})
    assert r.status_code == 404 and "Skunkworks" not in r.content.decode()
    assert Post.objects.count() == 0


def test_composer_offers_my_spaces_and_locks_a_given_space(client, ana, bob, open_space, private_space):
    client.force_login(ana)
    html = client.get("/posts/new/").content.decode()
    assert '<option value="">Company feed</option>' in html
    assert f'value="{open_space.slug}"' in html and f'value="{private_space.slug}"' in html
    assert 'hx-encoding="multipart/form-data"' in html and 'hx-target="#feed-items"' in html
    html = client.get(f"/posts/new/?space={open_space.slug}").content.decode()
    assert f'<input type="hidden" name="space" value="{open_space.slug}">' in html and "disabled" in html
    client.force_login(bob)
    assert f'value="{open_space.slug}"' not in client.get("/posts/new/").content.decode()


def test_composer_uploads_files(client, ana):
    client.force_login(ana)
    png = Upload("pic.png", png_bytes())
    r = client.post("/posts/new/", {"body": "look", "space": "", "files": [png]}, headers=HX)
    att = Post.objects.get().attachments.get()
    assert f'src="/posts/files/{att.pk}/"' in r.content.decode()


def test_post_page_shows_thread_and_forms(client, ana, bob):
    post = actions.create_post(ana, body="Question body", title="How do we deploy?")
    top = actions.add_comment(bob, post, body="With the CLI")
    actions.add_comment(ana, post, body="Thanks!", parent=top)
    actions.edit_post(ana, post, body="Question body, edited")
    client.force_login(bob)
    r = client.get(f"/posts/{post.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "How do we deploy?" in html and ">edited<" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)
    assert "With the CLI" in html and "Thanks!" in html
    assert f'name="parent" value="{top.pk}"' in html
    assert 'aria-pressed="false"' in html
    assert f"/posts/{post.pk}/edit/" not in html  # bob is not the author
    client.force_login(ana)
    assert f"/posts/{post.pk}/edit/" in client.get(f"/posts/{post.pk}/").content.decode()


def test_private_and_secret_posts_are_404_like_missing_ones(client, ana, bob, private_space, secret_space):
    client.force_login(bob)
    missing = client.get("/posts/999999/")
    assert missing.status_code == 404
    for space in (private_space, secret_space):
        post = actions.create_post(ana, body="the hidden text", space=space)
        r = client.get(f"/posts/{post.pk}/")
        assert r.status_code == 404 and "the hidden text" not in r.content.decode()
        assert main(r) == main(missing)
        assert client.post(f"/posts/{post.pk}/comments/", {"body": "hi"}).status_code == 404
        assert client.post(f"/posts/{post.pk}/react/", {"kind": "like"}).status_code == 404
    assert Comment.objects.count() == 0 and Reaction.objects.count() == 0


def test_react_toggles_with_htmx_and_swaps_only_the_bar(client, ana, bob, on_commit):
    post = actions.create_post(ana, body="p")
    client.force_login(bob)
    with on_commit():
        r = client.post(f"/posts/{post.pk}/react/", {"kind": "like"}, headers=HX)
    html = r.content.decode()
    assert html.strip().startswith(f'<div class="reactions" id="reactions-post-{post.pk}"')
    assert 'aria-pressed="true"' in html and "<article" not in html
    assert Post.objects.get(pk=post.pk).reaction_count == 1
    r = client.post(f"/posts/{post.pk}/react/", {"kind": "like"}, headers=HX)
    assert 'aria-pressed="true"' not in r.content.decode()
    assert Post.objects.get(pk=post.pk).reaction_count == 0
    r = client.post(f"/posts/{post.pk}/react/", {"kind": "like"})
    assert r.status_code == 302 and Reaction.objects.count() == 1
    assert client.post(f"/posts/{post.pk}/react/", {"kind": "love"}).status_code == 422
    assert Notification.objects.filter(verb="reaction").count() == 1


def test_comment_with_and_without_htmx(client, ana, bob):
    post = actions.create_post(ana, body="p")
    client.force_login(bob)
    r = client.post(f"/posts/{post.pk}/comments/", {"body": "first!"}, headers=HX)
    html = r.content.decode()
    assert r.status_code == 200 and html.strip().startswith(
        '<section class="card comments-card" id="comments"'
    )
    assert "first!" in html and "1 comment" in html
    # the post card's count is refreshed out of band
    assert (
        f'<a class="comment-count" id="comment-count-{post.pk}" href="/posts/{post.pk}/#comments" '
        'hx-swap-oob="true">1 comment</a>'
    ) in html
    assert f'id="comment-count-{post.pk}"' in client.get(f"/posts/{post.pk}/").content.decode()
    top = Comment.objects.get()
    r = client.post(f"/posts/{post.pk}/comments/", {"body": "reply", "parent": str(top.pk)})
    reply = Comment.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/posts/{post.pk}/#comment-{reply.pk}"
    assert reply.parent_id == top.pk
    r = client.post(f"/posts/{post.pk}/comments/", {"body": "  "}, headers=HX)
    assert "The comment cannot be empty." in r.content.decode()
    r = client.post(f"/posts/{post.pk}/comments/", {"body": "  "})
    assert r.status_code == 422 and "The comment cannot be empty." in r.content.decode()
    assert Comment.objects.count() == 2


def test_edit_and_delete_pages_permissions(client, ana, bob):
    post = actions.create_post(ana, body="original")
    client.force_login(bob)
    assert client.get(f"/posts/{post.pk}/edit/").status_code == 403
    assert client.post(f"/posts/{post.pk}/edit/", {"body": "hacked"}).status_code == 403
    assert client.post(f"/posts/{post.pk}/delete/").status_code == 403
    assert client.post(f"/posts/{post.pk}/remove/").status_code == 403
    post.refresh_from_db()
    assert post.body == "original" and post.removed_at is None
    client.force_login(ana)
    r = client.post(f"/posts/{post.pk}/edit/", {"body": "", "title": "", "tags": ""})
    assert r.status_code == 422 and "cannot be empty" in r.content.decode()
    r = client.post(f"/posts/{post.pk}/edit/", {"body": "better", "title": "", "tags": "x"})
    assert r.status_code == 302
    post.refresh_from_db()
    assert post.body == "better" and post.edited_at is not None
    assert client.post(f"/posts/{post.pk}/delete/").status_code == 302
    assert client.get(f"/posts/{post.pk}/").status_code == 404


def test_comment_edit_and_delete_pages(client, ana, bob):
    post = actions.create_post(ana, body="p")
    c = actions.add_comment(bob, post, body="my words")
    client.force_login(ana)
    assert client.get(f"/posts/comments/{c.pk}/edit/").status_code == 403
    assert client.post(f"/posts/comments/{c.pk}/delete/").status_code == 403
    client.force_login(bob)
    assert client.post(f"/posts/comments/{c.pk}/edit/", {"body": "new words"}).status_code == 302
    assert Comment.objects.get().body == "new words"
    assert client.post(f"/posts/comments/{c.pk}/delete/").status_code == 302
    assert Comment.objects.get().removed_at is not None
