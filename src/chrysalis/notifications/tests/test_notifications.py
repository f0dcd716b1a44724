"""Notifications: inbox page, badge, mark read, visibility of targets, API."""

import pytest
from django.urls import reverse

from chrysalis.core.errors import NotFound
from chrysalis.core.markdown import render_markdown
from chrysalis.notifications import actions, queries
from chrysalis.notifications.models import Notification
from chrysalis.posts.models import Comment, Post
from chrysalis.spaces.actions import leave_space
from chrysalis.testsupport.factories import make_person, make_space

pytestmark = pytest.mark.django_db

V = Notification.Verb


def make_post(author, body="Hello team", space=None, title=""):
    return Post.objects.create(
        author=author, body=body, body_html=render_markdown(body), space=space, title=title
    )


def send(capture, recipients, **kwargs):
    with capture(execute=True):
        actions.notify(recipients, **kwargs)


@pytest.fixture
def ana():
    return make_person("ana", display_name="Ana Lopez")


@pytest.fixture
def bob():
    return make_person("bob", display_name="Bob Stone")


def test_inbox_page_lists_a_mention_with_actor_target_and_unread_mark(
    client, ana, bob, django_capture_on_commit_callbacks
):
    # Given Ana mentioned Bob in a post titled "Postgres upgrade"
    post = make_post(ana, "Hey @bob can you check", title="Postgres upgrade")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.MENTION, post=post)
    client.force_login(bob)
    # When Bob opens his notifications
    response = client.get(reverse("notifications:list"))
    # Then he sees who, what and where, marked unread, linking through the open view
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana Lopez" in html and "mentioned you" in html and "Postgres upgrade" in html
    assert "notif-unread" in html
    n = Notification.objects.get()
    assert reverse("notifications:open", args=[n.pk]) in html
    assert 'id="unread-badge"' in html and ">1</span>" in html


def test_inbox_is_empty_with_a_friendly_message(client, bob):
    client.force_login(bob)
    html = client.get(reverse("notifications:list") + "?filter=unread").content.decode()
    assert "all caught up" in html


def test_unread_filter_hides_read_ones(client, ana, bob, django_capture_on_commit_callbacks):
    p1, p2 = make_post(ana, "first", title="First"), make_post(ana, "second", title="Second")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.REACTION, post=p1)
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.REACTION, post=p2)
    first = Notification.objects.get(post=p1)
    actions.mark_read(bob, first.pk)
    client.force_login(bob)
    html = client.get(reverse("notifications:list") + "?filter=unread").content.decode()
    assert "Second" in html and "First" not in html
    assert [n.post_id for n in queries.inbox(bob, unread_only=True).items] == [p2.pk]


def test_open_marks_read_and_redirects(client, ana, bob, django_capture_on_commit_callbacks):
    post = make_post(ana, "hello")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.COMMENT, post=post)
    n = Notification.objects.get()
    client.force_login(bob)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None
    assert queries.unread_count(bob) == 0


def test_opening_someone_elses_notification_is_404_and_changes_nothing(
    client, ana, bob, django_capture_on_commit_callbacks
):
    post = make_post(ana, "hello")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.COMMENT, post=post)
    n = Notification.objects.get()
    client.force_login(ana)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    with pytest.raises(NotFound):
        actions.mark_read(ana, n.pk)
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_only_touches_my_own(ana, bob, django_capture_on_commit_callbacks):
    carol = make_person("carol")
    post = make_post(carol, "hello")
    send(django_capture_on_commit_callbacks, [ana, bob], actor=carol, verb=V.MENTION, post=post)
    assert actions.mark_all_read(bob) == 1
    assert Notification.objects.get(recipient=ana).read_at is None
    assert Notification.objects.get(recipient=bob).read_at is not None


def test_mark_all_read_with_htmx_returns_the_panel_and_clears_the_badge(
    client, ana, bob, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.FOLLOW)
    client.force_login(bob)
    response = client.post(
        reverse("notifications:read_all"), {"filter": "all"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="notif-panel"' in html
    assert 'id="unread-badge-slot" hx-swap-oob="innerHTML"' in html
    assert "notif-unread" not in html
    # without JS: a plain post redirects back to the list
    assert client.post(reverse("notifications:read_all")).status_code == 302


def test_notification_hidden_once_the_private_space_is_left(
    client, ana, bob, django_capture_on_commit_callbacks
):
    # Given Bob was mentioned in a private space's post, then left the space
    space = make_space(ana, name="Leadership Team", visibility="private", members=[bob])
    post = make_post(ana, "Secret plans @bob", space=space, title="Reorg plans")
    Notification.objects.all().delete()  # the join notification is not the point here
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.MENTION, post=post)
    n = Notification.objects.get()
    assert queries.unread_count(bob) == 1
    leave_space(bob, space)
    # Then the notification is neither shown, counted, openable nor listed by the API
    client.force_login(bob)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Reorg plans" not in html and "Secret plans" not in html
    assert queries.unread_count(bob) == 0
    assert queries.inbox(bob).items == []
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    body = client.get("/api/v1/notifications").json()
    assert body == {"items": [], "next_cursor": None}
    assert client.post(f"/api/v1/notifications/{n.pk}/read").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_notification_about_a_removed_comment_or_secret_space_is_hidden(
    ana, bob, django_capture_on_commit_callbacks
):
    secret = make_space(ana, name="M&A Project Falcon", visibility="secret")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.NEW_MEMBER, space=secret)
    post = make_post(ana, "open post")
    comment = Comment.objects.create(post=post, author=ana, body="nice", body_html="<p>nice</p>")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.REPLY, post=post, comment=comment)
    assert [n.verb for n in queries.inbox(bob).items] == ["reply"]
    Comment.objects.filter(pk=comment.pk).update(removed_at=post.created_at)
    assert queries.inbox(bob).items == []


@pytest.mark.parametrize("count", [5, 25])
def test_inbox_page_query_count_is_fixed(
    client, ana, bob, count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    space = make_space(ana, name="Python Guild", members=[bob])
    Notification.objects.all().delete()
    for i in range(count):
        post = make_post(ana, f"post {i}", space=space if i % 2 else None)
        comment = Comment.objects.create(post=post, author=ana, body="c", body_html="<p>c</p>")
        send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.COMMENT, post=post, comment=comment)
    client.force_login(bob)
    # session + user + inbox page + unread badge count
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('class="notif ') == min(count, 20)
    with django_assert_num_queries(3):  # session + user + page
        client.get("/api/v1/notifications?limit=100")


def test_load_more_with_htmx_returns_items_and_a_new_more_button(
    client, ana, bob, django_capture_on_commit_callbacks
):
    for i in range(25):
        send(
            django_capture_on_commit_callbacks,
            [bob],
            actor=ana,
            verb=V.REACTION,
            post=make_post(ana, f"p{i}"),
        )
    client.force_login(bob)
    first = queries.inbox(bob)
    url = reverse("notifications:list") + f"?cursor={first.next_cursor}"
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert html.count('class="notif ') == 5
    assert 'id="notif-more" hx-swap-oob="true"' in html and "Load more" not in html
    # a malformed cursor falls back to the first page
    assert client.get(reverse("notifications:list") + "?cursor=zz!").status_code == 200


def test_badge_partial_with_htmx(client, ana, bob, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.FOLLOW)
    send(
        django_capture_on_commit_callbacks,
        [bob],
        actor=ana,
        verb=V.INVITATION,
        space=make_space(ana, name="Remote Life"),
    )
    client.force_login(bob)
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html == '<span class="badge" id="unread-badge" aria-label="2 unread">2</span>'
    actions.mark_all_read(bob)
    assert (
        client.get(reverse("notifications:badge"), headers={"HX-Request": "true"}).content.decode().strip()
        == ""
    )
    # the home page chrome carries the polling slot
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'hx-get="/notifications/badge/" hx-trigger="every 30s"' in page


def test_badge_for_a_signed_out_poller_stops_polling(client):
    assert client.get(reverse("notifications:badge"), headers={"HX-Request": "true"}).status_code == 286


def test_api_lists_counts_and_marks_read(client, ana, bob, django_capture_on_commit_callbacks):
    post = make_post(ana, "Can someone review?", title="Review please")
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.MENTION, post=post)
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.FOLLOW)
    client.force_login(bob)
    assert client.get("/api/v1/notifications/unread-count").json() == {"count": 2}
    body = client.get("/api/v1/notifications?limit=1").json()
    assert len(body["items"]) == 1 and body["next_cursor"]
    assert body["items"][0]["verb"] == "follow"
    assert body["items"][0]["actor"] == {"username": "ana", "name": "Ana Lopez"}
    mention = Notification.objects.get(verb=V.MENTION)
    read = client.post(f"/api/v1/notifications/{mention.pk}/read")
    assert read.status_code == 200
    assert read.json()["read"] is True and read.json()["post_title"] == "Review please"
    assert [i["verb"] for i in client.get("/api/v1/notifications?unread=true").json()["items"]] == ["follow"]
    assert client.post("/api/v1/notifications/read-all").json() == {"updated": 1}
    assert client.get("/api/v1/notifications/unread-count").json() == {"count": 0}


def test_api_refusals(client, ana, bob, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks, [bob], actor=ana, verb=V.FOLLOW)
    n = Notification.objects.get()
    assert client.get("/api/v1/notifications").status_code == 401
    client.force_login(ana)
    response = client.post(f"/api/v1/notifications/{n.pk}/read")
    assert response.status_code == 404 and response.json() == {"detail": "No such notification."}
    n.refresh_from_db()
    assert n.read_at is None
    assert client.get("/api/v1/notifications?cursor=zz!").status_code == 422
    assert client.get("/api/v1/notifications?limit=0").status_code == 422
