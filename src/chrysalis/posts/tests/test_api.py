import json

import pytest

from chrysalis.notifications.models import Notification
from chrysalis.posts import actions
from chrysalis.posts.models import Attachment, Comment, Post, Reaction
from chrysalis.testsupport.factories import api_headers

from .conftest import Upload, png_bytes

pytestmark = pytest.mark.django_db


def post_json(client, url, data, headers, method="post"):
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", headers=headers
    )


def test_create_and_read_a_post(client, ana, open_space, on_commit):
    h = api_headers(ana)
    with on_commit():
        r = post_json(
            client,
            "/api/v1/posts",
            {
                "body": "Hi https://example.com #news",
                "title": "Hello",
                "space": open_space.slug,
                "tags": ["Team"],
            },
            h,
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["author"]["username"] == "ana" and body["space"]["slug"] == open_space.slug
    assert body["tags"] == ["news", "team"] and body["links"] == [
        {"url": "https://example.com", "domain": "example.com"}
    ]
    assert body["title"] == "Hello" and "<p>" in body["body_html"]
    assert body["comment_count"] == 0 and body["edited_at"] is None
    r = client.get(f"/api/v1/posts/{body['id']}", headers=h)
    assert r.status_code == 200 and r.json()["id"] == body["id"]


@pytest.mark.parametrize(
    "payload, status, detail",
    [
        ({"body": ""}, 422, "The post cannot be empty."),
        ({"body": "x" * 20001}, 422, "too long"),
        ({"body": "hi @nobody"}, 422, "No one is called @nobody"),
        ({"body": "hi", "colour": "red"}, 422, "Invalid input."),
        ({"body": "hi", "tags": ["bad tag!"]}, 422, "not a valid tag"),
    ],
)
def test_bad_posts_are_refused(client, ana, payload, status, detail):
    r = post_json(client, "/api/v1/posts", payload, api_headers(ana))
    assert r.status_code == status and detail in r.json()["detail"]
    assert Post.objects.count() == 0


def test_malformed_json_is_422(client, ana):
    r = client.post(
        "/api/v1/posts", data="{not json", content_type="application/json", headers=api_headers(ana)
    )
    assert r.status_code in (400, 422) and "detail" in r.json()
    assert Post.objects.count() == 0


def test_posting_to_a_space_you_are_not_in(client, bob, open_space, private_space, secret_space):
    h = api_headers(bob)
    assert post_json(client, "/api/v1/posts", {"body": "x", "space": open_space.slug}, h).status_code == 403
    r = post_json(client, "/api/v1/posts", {"body": "x", "space": private_space.slug}, h)
    assert r.status_code == 403 and "Only members" in r.json()["detail"]
    r = post_json(client, "/api/v1/posts", {"body": "x", "space": secret_space.slug}, h)
    assert r.status_code == 404 and r.json() == {"detail": "No such space."}
    assert post_json(client, "/api/v1/posts", {"body": "x", "space": "nope"}, h).json() == {
        "detail": "No such space."
    }
    assert Post.objects.count() == 0


def test_private_and_secret_posts_are_404_by_id(client, ana, bob, private_space, secret_space):
    h = api_headers(bob)
    missing = client.get("/api/v1/posts/999999", headers=h)
    missing_comment = post_json(client, "/api/v1/comments/999999", {"body": "x"}, h, method="patch")
    assert missing.status_code == 404 and missing_comment.status_code == 404
    for space in (private_space, secret_space):
        post = actions.create_post(ana, body="hidden", space=space)
        c = actions.add_comment(ana, post, body="hidden c")
        for r in (
            client.get(f"/api/v1/posts/{post.pk}", headers=h),
            client.get(f"/api/v1/posts/{post.pk}/comments", headers=h),
            post_json(client, f"/api/v1/posts/{post.pk}/comments", {"body": "x"}, h),
            post_json(client, f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"}, h),
            post_json(client, f"/api/v1/posts/{post.pk}", {"body": "x"}, h, method="patch"),
            client.delete(f"/api/v1/posts/{post.pk}", headers=h),
        ):
            assert r.status_code == 404 and r.json() == missing.json()
        r = post_json(client, f"/api/v1/comments/{c.pk}", {"body": "x"}, h, method="patch")
        assert r.status_code == 404 and r.json() == missing_comment.json()
        r = post_json(client, f"/api/v1/comments/{c.pk}/reactions", {"kind": "like"}, h)
        assert r.status_code == 404 and r.json() == missing_comment.json()
    assert Comment.objects.count() == 2 and Reaction.objects.count() == 0


def test_edit_and_delete_permissions(client, ana, bob):
    post = actions.create_post(ana, body="mine")
    hb, ha = api_headers(bob), api_headers(ana)
    assert post_json(client, f"/api/v1/posts/{post.pk}", {"body": "x"}, hb, method="patch").status_code == 403
    assert client.delete(f"/api/v1/posts/{post.pk}", headers=hb).status_code == 403
    assert post_json(client, f"/api/v1/posts/{post.pk}", {"bogus": 1}, ha, method="patch").status_code == 422
    r = post_json(client, f"/api/v1/posts/{post.pk}", {"body": "changed"}, ha, method="patch")
    assert r.status_code == 200 and r.json()["body"] == "changed" and r.json()["edited_at"]
    assert client.delete(f"/api/v1/posts/{post.pk}", headers=ha).status_code == 204
    assert client.get(f"/api/v1/posts/{post.pk}", headers=ha).status_code == 404


def test_comments_and_reactions(client, ana, bob, on_commit):
    post = actions.create_post(ana, body="p")
    h = api_headers(bob)
    with on_commit():
        r = post_json(client, f"/api/v1/posts/{post.pk}/comments", {"body": "top"}, h)
    assert r.status_code == 201
    top = r.json()["id"]
    r = post_json(client, f"/api/v1/posts/{post.pk}/comments", {"body": "reply", "parent": top}, h)
    assert r.status_code == 201 and r.json()["parent_id"] == top
    r = client.get(f"/api/v1/posts/{post.pk}/comments", headers=h)
    assert [(c["body"], [x["body"] for x in c["replies"]]) for c in r.json()] == [("top", ["reply"])]
    assert post_json(client, f"/api/v1/posts/{post.pk}/comments", {"body": ""}, h).status_code == 422

    r = post_json(client, f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"}, h)
    assert r.status_code == 201 and r.json()["reaction_count"] == 1
    assert r.json()["reactions"] == [
        {"kind": "like", "emoji": "👍", "label": "Like", "count": 1, "mine": True}
    ]
    r = post_json(client, f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"}, h)
    assert r.status_code == 409 and "already reacted" in r.json()["detail"]
    assert post_json(client, f"/api/v1/posts/{post.pk}/reactions", {"kind": "love"}, h).status_code == 422
    r = post_json(client, f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"}, h, method="delete")
    assert r.status_code == 200 and r.json()["reaction_count"] == 0
    r = post_json(client, f"/api/v1/comments/{top}/reactions", {"kind": "insightful"}, h)
    assert r.status_code == 201 and r.json()["reactions"][0]["count"] == 1
    assert Notification.objects.filter(recipient=ana, verb="comment").count() == 1

    r = post_json(client, f"/api/v1/comments/{top}", {"body": "edited"}, api_headers(ana), method="patch")
    assert r.status_code == 403
    r = post_json(client, f"/api/v1/comments/{top}", {"body": "edited"}, h, method="patch")
    assert r.status_code == 200 and r.json()["body"] == "edited"
    assert client.delete(f"/api/v1/comments/{top}", headers=h).status_code == 204


def test_attachment_upload(client, ana, bob):
    post = actions.create_post(ana, body="p")
    h = api_headers(ana)
    r = client.post(
        f"/api/v1/posts/{post.pk}/attachments", {"files": [Upload("pic.png", png_bytes())]}, headers=h
    )
    assert r.status_code == 201, r.content
    [att] = r.json()
    assert (
        att["content_type"] == "image/png" and att["is_image"] and att["url"] == f"/posts/files/{att['id']}/"
    )
    r = client.post(
        f"/api/v1/posts/{post.pk}/attachments", {"files": [Upload("x.png", b"<svg/>")]}, headers=h
    )
    assert r.status_code == 422 and "does not contain" in r.json()["detail"]
    r = client.post(
        f"/api/v1/posts/{post.pk}/attachments", {"files": [Upload("a.txt", b"hi")]}, headers=api_headers(bob)
    )
    assert r.status_code == 403
    assert Attachment.objects.count() == 1


def test_tags_list_counts_only_readable_posts(client, ana, bob, private_space):
    actions.create_post(ana, body="#public one")
    actions.create_post(ana, body="#public #board", space=private_space)
    r = client.get("/api/v1/tags", headers=api_headers(bob))
    assert r.json() == [{"name": "public", "post_count": 1}]
    r = client.get("/api/v1/tags?q=bo", headers=api_headers(ana))
    assert r.json() == [{"name": "board", "post_count": 1}]


def test_api_needs_authentication(client):
    assert client.get("/api/v1/tags").status_code == 401
