"""The spaces JSON API."""

import pytest

from chrysalis.spaces import actions, queries
from chrysalis.spaces.models import Invitation, JoinRequest, Space
from chrysalis.spaces.tests.conftest import snapshot
from chrysalis.testsupport.factories import make_space


def test_list_spaces_with_filters(api_as, spaces, bob):
    api = api_as(bob)
    response = api.get("/spaces")
    assert response.status_code == 200
    body = response.json()
    assert [s["slug"] for s in body["items"]] == ["open-garden", "private-lab"]
    assert body["next_cursor"] is None
    open_garden = body["items"][0]
    assert {
        k: open_garden[k] for k in ("name", "visibility", "member_count", "role", "invited", "requested")
    } == {
        "name": "Open Garden",
        "visibility": "open",
        "member_count": 2,
        "role": None,
        "invited": False,
        "requested": False,
    }
    assert [s["slug"] for s in api.get("/spaces?filter=private").json()["items"]] == ["private-lab"]
    assert api.get("/spaces?filter=mine").json()["items"] == []
    assert [s["slug"] for s in api.get("/spaces?q=gard").json()["items"]] == ["open-garden"]


def test_list_spaces_bad_filter_and_cursor(api_as, spaces, bob):
    api = api_as(bob)
    response = api.get("/spaces?filter=everything")
    assert response.status_code == 422 and "Filter must be one of" in response.json()["detail"]
    response = api.get("/spaces?cursor=garbage")
    assert response.status_code == 422 and "cursor" in response.json()["detail"]
    assert api.get("/spaces?limit=0").status_code == 422


def test_list_spaces_pages_by_cursor(api_as, owner):
    for i in range(5):
        make_space(owner, f"Space {i}")
    api = api_as(owner)
    first = api.get("/spaces?limit=2").json()
    second = api.get(f"/spaces?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"/spaces?limit=2&cursor={second['next_cursor']}").json()
    names = [s["name"] for page in (first, second, third) for s in page["items"]]
    assert names == [f"Space {i}" for i in range(5)] and third["next_cursor"] is None


@pytest.mark.parametrize("count", [3, 12])
def test_list_spaces_query_count_is_fixed(client, api_as, owner, alice, django_assert_num_queries, count):
    for i in range(count):
        space = make_space(owner, f"S{i}", ["open", "private", "secret"][i % 3])
        actions.invite_to_space(owner, space, alice)
        if i % 2:
            actions.accept_invitation(alice, space)
    api = api_as(alice)
    api.get("/spaces")  # warm up (token "last used" stamp)
    with django_assert_num_queries(api_queries(api) + 1):
        response = api.get("/spaces")
    assert len(response.json()["items"]) == count


def api_queries(api) -> int:
    """Queries that authentication itself costs: a token lookup, or session + user."""
    return 1 if api.headers else 2


def test_create_space(api_as, owner):
    response = api_as(owner).post(
        "/spaces", {"name": "Guild", "description": "About", "visibility": "secret"}
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("slug", "name", "visibility", "member_count", "role")} == {
        "slug": "guild",
        "name": "Guild",
        "visibility": "secret",
        "member_count": 1,
        "role": "owner",
    }


@pytest.mark.parametrize(
    "payload,status,detail",
    [
        ({"name": ""}, 422, "Space name cannot be empty."),
        ({"name": "X", "visibility": "public"}, 422, "Visibility must be one of: open, private, secret."),
        ({"name": "X", "colour": "red"}, 422, "Invalid input."),
        ({}, 422, "Invalid input."),
    ],
)
def test_create_space_bad_input(api_as, owner, payload, status, detail):
    response = api_as(owner).post("/spaces", payload)
    assert response.status_code == status and response.json()["detail"] == detail
    assert Space.objects.count() == 0


def test_create_space_malformed_json(api_as, owner):
    response = api_as(owner).post("/spaces", raw="{not json")
    assert response.status_code in (400, 422) and "detail" in response.json()
    assert Space.objects.count() == 0


def test_get_and_patch_space(api_as, spaces, owner, alice):
    slug = spaces["private"].slug
    assert api_as(alice).get(f"/spaces/{slug}").json()["role"] == "member"
    api = api_as(owner)
    response = api.patch(f"/spaces/{slug}", {"description": "Now described"})
    assert response.status_code == 200 and response.json()["description"] == "Now described"
    assert response.json()["name"] == "Private Lab"
    before = snapshot()
    assert api.patch(f"/spaces/{slug}", {"slug": "x"}).status_code == 422
    assert api.patch(f"/spaces/{slug}", {"visibility": "wide"}).status_code == 422
    assert api_as(alice).patch(f"/spaces/{slug}", {"name": "Mine"}).status_code == 403
    assert snapshot() == before


def test_members_endpoints(api_as, spaces, owner, alice, bob):
    slug = spaces["open"].slug
    members = api_as(bob).get(f"/spaces/{slug}/members").json()
    assert [(m["user"]["username"], m["role"]) for m in members["items"]] == [
        ("olivia", "owner"),
        ("alice", "member"),
    ]
    response = api_as(bob).get(f"/spaces/{spaces['private'].slug}/members")
    assert response.status_code == 403 and response.json() == {
        "detail": "Only members can see who belongs to this space."
    }
    api = api_as(owner)
    response = api.patch(f"/spaces/{slug}/members/alice", {"role": "moderator"})
    assert response.status_code == 200 and response.json()["role"] == "moderator"
    assert api.patch(f"/spaces/{slug}/members/alice", {"role": "boss"}).status_code == 422
    assert api.patch(f"/spaces/{slug}/members/alice", {"role": "member", "x": 1}).status_code == 422
    assert api.patch(f"/spaces/{slug}/members/nobody", {"role": "member"}).status_code == 404
    response = api.delete(f"/spaces/{slug}/members/alice")
    assert response.status_code == 204 and not queries.is_member(alice, spaces["open"])
    response = api.delete(f"/spaces/{slug}/members/olivia")
    assert response.status_code == 409 and "only owner" in response.json()["detail"]


def test_invite_endpoint(api_as, spaces, owner, alice, bob):
    slug = spaces["secret"].slug
    api = api_as(owner)
    response = api.post(f"/spaces/{slug}/members", {"username": "bob"})
    assert response.status_code == 201
    assert (response.json()["user"]["username"], response.json()["space"]["slug"]) == ("bob", slug)
    before = snapshot()
    for payload, status, detail in [
        ({"username": "bob"}, 409, "Bob Outsider has already been invited."),
        ({"username": "alice"}, 409, "Alice Member is already a member."),
        ({"username": "ghost"}, 422, "No person with the username “ghost”."),
        ({"username": ""}, 422, "Give the username of the person to invite."),
        ({"user": "bob"}, 422, "Invalid input."),
    ]:
        response = api.post(f"/spaces/{slug}/members", payload)
        assert (response.status_code, response.json()["detail"]) == (status, detail)
    response = api_as(alice).post(f"/spaces/{slug}/members", {"username": "carol"})
    assert response.status_code in (403, 422)
    assert snapshot() == before


def test_join_and_leave(api_as, spaces, bob):
    api = api_as(bob)
    response = api.post(f"/spaces/{spaces['open'].slug}/join")
    assert response.status_code == 201 and response.json()["role"] == "member"
    assert api.post(f"/spaces/{spaces['open'].slug}/join").status_code == 409
    before = snapshot()
    response = api.post(f"/spaces/{spaces['private'].slug}/join")
    assert response.status_code == 403 and "ask to join" in response.json()["detail"]
    assert api.post(f"/spaces/{spaces['private'].slug}/leave").status_code == 409
    assert snapshot() == before
    assert api.post(f"/spaces/{spaces['open'].slug}/leave").status_code == 204
    assert not queries.is_member(bob, spaces["open"])


def test_requests_flow(api_as, client, spaces, owner, alice, bob):
    slug = spaces["private"].slug
    response = api_as(bob).post(f"/spaces/{slug}/requests", {"message": "hello"})
    assert response.status_code == 201
    req_id = response.json()["id"]
    assert response.json()["status"] == "pending" and response.json()["message"] == "hello"
    assert api_as(bob).post(f"/spaces/{slug}/requests", {}).status_code == 409
    assert api_as(bob).get(f"/spaces/{slug}/requests").status_code == 403
    assert api_as(alice).post(f"/spaces/{slug}/requests/{req_id}/approve").status_code == 403
    api = api_as(owner)
    listed = api.get(f"/spaces/{slug}/requests").json()["items"]
    assert [(r["id"], r["user"]["username"]) for r in listed] == [(req_id, "bob")]
    response = api.post(f"/spaces/{slug}/requests/{req_id}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert queries.is_member(bob, spaces["private"])
    assert api.post(f"/spaces/{slug}/requests/{req_id}/decline").status_code == 409
    assert api.post(f"/spaces/{slug}/requests/999999/decline").status_code == 404


def test_request_refusals(api_as, spaces, bob):
    before = snapshot()
    api = api_as(bob)
    response = api.post(f"/spaces/{spaces['open'].slug}/requests", {"message": ""})
    assert response.status_code == 422 and "Only private spaces" in response.json()["detail"]
    assert api.post(f"/spaces/{spaces['private'].slug}/requests", {"message": "m" * 501}).status_code == 422
    assert api.post(f"/spaces/{spaces['private'].slug}/requests", {"msg": "hi"}).status_code == 422
    assert snapshot() == before
    assert JoinRequest.objects.count() == 0


def test_invitations_endpoints(api_as, spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    api = api_as(bob)
    body = api.get("/me/invitations").json()
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert (item["space"]["slug"], item["space"]["member_count"], item["space"]["invited"]) == (
        spaces["secret"].slug,
        None,
        True,
    )
    assert item["invited_by"]["username"] == "olivia"
    # the invitee knows the space but not its members
    assert api.get(f"/spaces/{spaces['secret'].slug}").json()["member_count"] is None
    assert api.get(f"/spaces/{spaces['secret'].slug}/members").status_code == 403
    response = api.post(f"/spaces/{spaces['secret'].slug}/invitation/accept")
    assert response.status_code == 201 and response.json()["role"] == "member"
    assert api.get("/me/invitations").json()["items"] == []
    assert api.post(f"/spaces/{spaces['private'].slug}/invitation/accept").status_code == 404
    actions.invite_to_space(owner, spaces["private"], bob)
    assert api.post(f"/spaces/{spaces['private'].slug}/invitation/decline").status_code == 204
    assert not Invitation.objects.exists()


SECRET_ROUTES = [
    ("get", "/spaces/{slug}", None),
    ("patch", "/spaces/{slug}", {"name": "x"}),
    ("get", "/spaces/{slug}/members", None),
    ("post", "/spaces/{slug}/members", {"username": "bob"}),
    ("delete", "/spaces/{slug}/members/alice", None),
    ("patch", "/spaces/{slug}/members/alice", {"role": "owner"}),
    ("post", "/spaces/{slug}/join", None),
    ("post", "/spaces/{slug}/leave", None),
    ("post", "/spaces/{slug}/requests", {"message": ""}),
    ("get", "/spaces/{slug}/requests", None),
    ("post", "/spaces/{slug}/requests/1/approve", None),
    ("post", "/spaces/{slug}/requests/1/decline", None),
    ("post", "/spaces/{slug}/invitation/accept", None),
    ("post", "/spaces/{slug}/invitation/decline", None),
]


@pytest.mark.parametrize("method,path,body", SECRET_ROUTES)
def test_secret_space_is_a_missing_one_in_the_api(api_as, spaces, bob, method, path, body):
    actions.request_to_join(bob, spaces["private"])
    api = api_as(bob)
    before = snapshot()
    call = getattr(api, method)
    args = (body,) if body is not None else ()
    secret = call(path.format(slug=spaces["secret"].slug), *args)
    missing = call(path.format(slug="no-such-space"), *args)
    assert (
        (secret.status_code, secret.json())
        == (missing.status_code, missing.json())
        == (404, {"detail": "No such space."})
    )
    assert snapshot() == before


def test_secret_space_never_listed_to_outsiders(api_as, spaces, bob):
    for filter in ("all", "mine", "open", "private"):
        slugs = [s["slug"] for s in api_as(bob).get(f"/spaces?filter={filter}").json()["items"]]
        assert spaces["secret"].slug not in slugs


def test_unauthenticated_api_is_401(client, spaces):
    response = client.get("/api/v1/spaces")
    assert response.status_code == 401


def test_deactivated_member_is_refused(api_as, spaces, alice):
    api = api_as(alice)
    alice.is_active = False
    alice.save()
    before = snapshot()
    assert api.get(f"/spaces/{spaces['secret'].slug}").status_code == 401
    assert api.post(f"/spaces/{spaces['secret'].slug}/leave").status_code == 401
    assert snapshot() == before
