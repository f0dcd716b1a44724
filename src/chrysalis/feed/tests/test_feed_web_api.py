"""Feed pages (full and htmx fragment) and the feed API: contents, pagination, privacy, and a fixed
number of queries per page whatever its size."""

import re

import pytest
from django.urls import reverse

from chrysalis.people.actions import follow_person
from chrysalis.posts.actions import add_comment, react
from chrysalis.spaces.actions import _add_member
from chrysalis.testsupport.factories import api_headers, make_department, make_person, make_space

from .conftest import post

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(viewer, bob, owner):
    """vera (in Platform, under Engineering) follows bob and is in the open space "Kitchen";
    bob (Platform) posts 35 times in Kitchen and 35 times to the company, all tagged #infra,
    with comments and reactions. Olga posts in a private and a secret space vera is not in."""
    eng = make_department("Engineering")
    platform = make_department("Platform", parent=eng)
    for person in (viewer, bob):
        person.department = platform
        person.save()
    make_person("carla", department=platform)  # someone to suggest
    kitchen = make_space(owner, name="Kitchen", visibility="open", members=[viewer, bob])
    private = make_space(owner, name="Board", visibility="private", members=[bob])
    secret = make_space(owner, name="Skunk", visibility="secret", members=[bob])
    follow_person(viewer, bob)
    for i in range(35):
        p = post(bob, f"kitchen note {i} #infra", space=kitchen, at=2 * i)
        q = post(bob, f"company note {i} #infra", at=2 * i + 1)
        if i % 5 == 0:
            add_comment(viewer, p, body="nice")
            react(viewer, post=q, kind="like")
    post(owner, "PRIVATE-BODY board minutes #infra", space=private, at=500)
    post(bob, "PRIVATE-BODY bob in board #infra", space=private, at=501)
    post(owner, "SECRET-BODY skunk plans #infra", space=secret, at=502)
    post(bob, "SECRET-BODY bob in skunk #infra", space=secret, at=503)
    return {"eng": eng, "platform": platform, "kitchen": kitchen, "private": private, "secret": secret}


def feed_urls(world, bob) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "company": reverse("company_feed"),
        "department": reverse("department_feed", args=[world["eng"].slug]),
        "tag": reverse("tag_feed", args=["infra"]),
        "person": reverse("person_feed", args=[bob.username]),
        "space": reverse("space_feed", args=[world["kitchen"].slug]),
    }


def api_urls(world, bob) -> dict[str, str]:
    return {
        "home": "/api/v1/feed/home",
        "company": "/api/v1/feed/company",
        "department": f"/api/v1/feed/departments/{world['eng'].slug}",
        "tag": "/api/v1/feed/tags/infra",
        "person": f"/api/v1/feed/people/{bob.username}",
        "space": f"/api/v1/feed/spaces/{world['kitchen'].slug}",
    }


def post_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<article class="post" id="post-(\d+)"', html)]


FEEDS = ["home", "company", "department", "tag", "person", "space"]

# Queries of a full feed page, whatever the page size: session + user, unread badge, the page,
# hydrate_posts (5), the composer's spaces (when shown), the sidebars (people to follow: 3, spaces,
# my spaces, tags, my department), and the space lookup for a space feed.
# (hydrate_posts skips its moderator-role query when no post of the page is in a space: company.)
PAGE_QUERIES = {"home": 14, "company": 13, "department": 15, "tag": 13, "person": 14, "space": 15}
FRAGMENT_QUERIES = {"home": 8, "company": 7, "department": 10, "tag": 8, "person": 9, "space": 10}
API_QUERIES = {"home": 7, "company": 6, "department": 9, "tag": 7, "person": 8, "space": 8}


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_page_query_count_is_fixed_whatever_the_page_size(
    client, viewer, bob, world, feed, django_assert_num_queries
):
    client.force_login(viewer)
    url = feed_urls(world, bob)[feed]
    for size in (5, 30):
        with django_assert_num_queries(PAGE_QUERIES[feed]):
            response = client.get(url, {"limit": size})
        assert response.status_code == 200
        assert len(post_ids(response.content.decode())) == size
    for size in (5, 30):
        with django_assert_num_queries(FRAGMENT_QUERIES[feed]):
            response = client.get(url, {"limit": size}, headers=HTMX)
        assert len(post_ids(response.content.decode())) == size


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_api_query_count_is_fixed_whatever_the_page_size(
    client, viewer, bob, world, feed, django_assert_num_queries
):
    headers = api_headers(viewer)
    url = api_urls(world, bob)[feed]
    client.get(url, headers=headers)  # the token's first use of the minute records last_used_at
    for size in (5, 30):
        with django_assert_num_queries(API_QUERIES[feed]):
            response = client.get(url, {"limit": size}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) == size
        assert body["next_cursor"]


@pytest.mark.parametrize("feed", FEEDS)
def test_no_feed_ever_shows_private_or_secret_posts_to_a_non_member(client, viewer, bob, world, feed):
    client.force_login(viewer)
    headers = api_headers(viewer)
    seen = []
    for url, api in ((feed_urls(world, bob)[feed], False), (api_urls(world, bob)[feed], True)):
        cursor = None
        while True:
            params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            if api:
                data = client.get(url, params, headers=headers).json()
                text = repr(data)
                cursor = data["next_cursor"]
            else:
                response = client.get(url, params, headers=HTMX)
                text = response.content.decode()
                found = re.search(r'hx-get="[^"]*cursor=([^"&]+)', text)
                cursor = found.group(1) if found else None
            assert "PRIVATE-BODY" not in text and "SECRET-BODY" not in text
            assert "Board" not in text and "Skunk" not in text
            seen.append(text)
            if not cursor:
                break
    assert any("note" in t for t in seen)


def test_a_member_sees_the_private_posts_in_the_home_feed(client, bob, world):
    client.force_login(bob)
    html = client.get(reverse("home"), {"limit": 10}).content.decode()
    assert "PRIVATE-BODY bob in board" in html and "SECRET-BODY bob in skunk" in html


def test_private_and_secret_space_feeds_are_not_found_for_non_members(client, viewer, world):
    client.force_login(viewer)
    headers = api_headers(viewer)
    for key in ("private", "secret"):
        slug = world[key].slug
        response = client.get(reverse("space_feed", args=[slug]))
        assert response.status_code == 404
        assert "PRIVATE-BODY" not in response.content.decode()
        assert client.get(reverse("space_feed", args=[slug]), headers=HTMX).status_code == 404
        api = client.get(f"/api/v1/feed/spaces/{slug}", headers=headers)
        assert api.status_code == 404
        assert api.json() == {"detail": "No such space."}
    # a secret space answers exactly like a missing one
    missing = client.get("/api/v1/feed/spaces/no-such-space", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"detail": "No such space."}


def test_full_page_has_the_layout_and_the_fragment_only_the_items(client, viewer, bob, world):
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert "<html" in page and 'id="feed-items"' in page and 'id="composer"' in page
    assert "People you should know" in page and "Spaces you might join" in page
    assert 'aria-current="page">Home</a>' in page
    fragment = client.get(reverse("home"), headers=HTMX).content.decode()
    assert "<html" not in fragment and "People you should know" not in fragment
    assert fragment.count('<li class="feed-item">') == 20
    more = re.search(
        r'<a class="btn" href="([^"]+)" hx-get="([^"]+)" hx-target="closest li" '
        r'hx-swap="outerHTML"\s+hx-select="#feed-items > li"',
        fragment,
    )
    assert more and more.group(1) == more.group(2) and "cursor=" in more.group(1)


def test_load_more_walks_the_whole_feed_without_gaps(client, viewer, bob, world):
    client.force_login(viewer)
    url, seen = reverse("company_feed") + "?limit=8", []
    while url:
        html = client.get(url.replace("&amp;", "&"), headers=HTMX).content.decode()
        seen += post_ids(html)
        found = re.search(r'hx-get="([^"]+)"', html)
        url = found.group(1) if found else None
    assert len(seen) == 35 and len(set(seen)) == 35
    assert seen == sorted(seen, reverse=True)  # created in time order, so newest first is by id here
    assert "You are all caught up." in html


def test_the_api_pages_with_cursors(client, viewer, bob, world):
    headers = api_headers(viewer)
    first = client.get("/api/v1/feed/company", {"limit": 20}, headers=headers).json()
    second = client.get(
        "/api/v1/feed/company", {"limit": 20, "cursor": first["next_cursor"]}, headers=headers
    ).json()
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert len(ids) == 35 and len(set(ids)) == 35 and second["next_cursor"] is None
    item = first["items"][0]
    assert item["body"] == "company note 34 #infra" and item["author"]["username"] == "bob"
    assert item["space"] is None and item["tags"] == ["infra"]


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"cursor": "bm90IGEgY3Vyc29y"}])
def test_a_bad_cursor_is_a_clear_4xx_not_a_500(client, viewer, params):
    client.force_login(viewer)
    response = client.get(reverse("home"), params)
    assert response.status_code == 422
    assert "cursor is not valid" in response.content.decode()
    assert client.get(reverse("home"), params, headers=HTMX).status_code == 422
    api = client.get("/api/v1/feed/home", params, headers=api_headers(viewer))
    assert api.status_code == 422
    assert api.json() == {
        "detail": "The page cursor is not valid; start again from the first page.",
        "field": "cursor",
    }


@pytest.mark.parametrize("limit", ["0", "500", "ten"])
def test_a_bad_page_size_is_a_clear_4xx(client, viewer, limit):
    client.force_login(viewer)
    response = client.get(reverse("company_feed"), {"limit": limit})
    assert response.status_code == 422
    api = client.get("/api/v1/feed/company", {"limit": limit}, headers=api_headers(viewer))
    assert api.status_code == 422 and "detail" in api.json()


def test_the_api_needs_authentication(client):
    response = client.get("/api/v1/feed/home")
    assert response.status_code == 401


def test_unknown_person_department_are_404(client, viewer):
    client.force_login(viewer)
    headers = api_headers(viewer)
    assert client.get(reverse("person_feed", args=["nobody"])).status_code == 404
    assert client.get(reverse("department_feed", args=["nowhere"])).status_code == 404
    assert client.get("/api/v1/feed/people/nobody", headers=headers).json() == {"detail": "No such person."}
    assert client.get("/api/v1/feed/departments/nowhere", headers=headers).status_code == 404


def test_empty_feed_has_a_friendly_message(client, viewer):
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert "Nothing here yet." in html and "Load more" not in html


def test_pages_need_a_signed_in_person(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_new_people_see_department_link_and_suggestions(client, viewer, bob, world):
    make_person("newbie", department=world["platform"])
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert reverse("department_feed", args=[world["platform"].slug]) in html
    # people you should know come from the connections app's card (htmx)
    assert f'hx-get="{reverse("connections:people_card")}"' in html
    assert reverse("tag_feed", args=["infra"]) in html


def test_member_of_kitchen_sees_composer_locked_to_the_space(client, viewer, world):
    client.force_login(viewer)
    html = client.get(reverse("space_feed", args=[world["kitchen"].slug])).content.decode()
    assert f'name="space" value="{world["kitchen"].slug}"' in html


def test_non_member_of_open_space_reads_but_gets_no_composer(client, cy, world):
    _ = _add_member  # membership is what gives the composer
    client.force_login(cy)
    html = client.get(reverse("space_feed", args=[world["kitchen"].slug])).content.decode()
    assert "kitchen note 34" in html and 'id="composer"' not in html
