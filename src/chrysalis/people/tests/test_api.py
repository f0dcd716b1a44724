"""The people, departments and tokens API, through personal access tokens."""

import pytest

from chrysalis.people import actions
from chrysalis.people.models import ApiToken, Follow, User
from chrysalis.testsupport.factories import make_department, make_person

pytestmark = pytest.mark.django_db


def test_without_a_token_every_route_is_401(client, alice):
    for method, url in [
        ("get", "/people"),
        ("get", "/people/me"),
        ("patch", "/people/me"),
        ("get", "/people/alice"),
        ("post", "/people/alice/follow"),
        ("get", "/departments"),
        ("get", "/me/tokens"),
        ("post", "/me/tokens"),
    ]:
        r = getattr(client, method)("/api/v1" + url, content_type="application/json")
        assert r.status_code == 401, url
        assert r.json() == {"detail": "Authentication required: send 'Authorization: Bearer <token>'."}


def test_a_bearer_token_works_and_a_revoked_one_is_401(client, alice):
    token, secret = actions.create_api_token(alice, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    r = client.get("/api/v1/people/me", headers=headers)
    assert (r.status_code, r.json()["username"]) == (200, "alice")
    assert ApiToken.objects.get().last_used_at is not None
    actions.revoke_api_token(alice, token.pk)
    assert client.get("/api/v1/people/me", headers=headers).status_code == 401
    assert client.get("/api/v1/people/me", headers={"Authorization": "Bearer chr_made_up"}).status_code == 401


def test_a_deactivated_persons_token_is_401(client, alice):
    _, secret = actions.create_api_token(alice, name="script")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_list_people_with_filters_and_cursor(api, alice):
    eng = make_department("Engineering")
    plat = make_department("Platform", parent=eng)
    bob = make_person("bob", display_name="Bob Stone", title="SRE", department=plat, location="Berlin")
    actions.set_skills(bob, ["Kubernetes"])
    make_person("carl", display_name="Carl Jones")
    r = api.get("/people")
    assert r.status_code == 200
    assert [p["username"] for p in r.json()["items"]] == ["alice", "bob", "carl"]
    assert r.json()["items"][1] == {
        "username": "bob",
        "name": "Bob Stone",
        "title": "SRE",
        "location": "Berlin",
        "department": {"slug": plat.slug, "name": "Platform"},
        "avatar_url": None,
        "profile_url": "/people/bob/",
    }
    assert [p["username"] for p in api.get(f"/people?department={eng.slug}").json()["items"]] == ["bob"]
    assert [p["username"] for p in api.get("/people?skill=Kubernetes&location=berlin").json()["items"]] == [
        "bob"
    ]
    assert [p["username"] for p in api.get("/people?q=jones").json()["items"]] == ["carl"]
    page1 = api.get("/people?limit=2").json()
    page2 = api.get(f"/people?limit=2&cursor={page1['next_cursor']}").json()
    assert [p["username"] for p in page1["items"] + page2["items"]] == ["alice", "bob", "carl"]
    assert page2["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("limit=0", 422, "Page size must be between 1 and 100."),
        ("limit=abc", 422, "Invalid input."),
        ("cursor=nonsense", 422, "The page cursor is not valid; start again from the first page."),
        ("department=nowhere", 404, "No such department."),
    ],
)
def test_bad_list_parameters(api, query, status, detail):
    r = api.get(f"/people?{query}")
    assert (r.status_code, r.json()["detail"]) == (status, detail)


def test_get_a_person_and_404_for_nobody(api, alice):
    boss = make_person("boss", display_name="Big Boss")
    bob = make_person("bob", display_name="Bob Stone", manager=boss, bio="<b>hi</b>")
    actions.set_skills(bob, ["Go"])
    actions.follow_person(alice, bob)
    body = api.get("/people/bob").json()
    assert (body["name"], body["bio"], body["manager"]["username"], body["skills"]) == (
        "Bob Stone",
        "<b>hi</b>",
        "boss",
        ["Go"],
    )
    assert (body["followers_count"], body["following_count"], body["followed_by_me"]) == (1, 0, True)
    assert "email" not in body
    r = api.get("/people/nobody")
    assert (r.status_code, r.json()) == (404, {"detail": "No such person."})


def test_patch_me_changes_only_the_fields_sent(api, alice):
    eng = make_department("Engineering")
    make_person("boss")
    r = api.patch(
        "/people/me",
        {
            "title": "CTO",
            "department": eng.slug,
            "manager": "boss",
            "skills": ["Rust", "SQL"],
            "email_notifications": False,
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert (
        body["title"],
        body["department"]["slug"],
        body["manager"]["username"],
        body["skills"],
        body["email_notifications"],
        body["name"],
    ) == ("CTO", eng.slug, "boss", ["Rust", "SQL"], False, "Alice Martin")
    r = api.patch("/people/me", {"department": None})
    assert r.json()["department"] is None and r.json()["title"] == "CTO"


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"is_staff": True}, "Invalid input."),
        ({"title": "ok", "password": "x"}, "Invalid input."),
        ({"bio": "x" * 4001}, "Bio is too long (4001 characters; at most 4000)."),
        ({"display_name": ""}, "Name cannot be empty."),
        ({"manager": "alice"}, "A person cannot be their own manager."),
        ({"manager": "ghost"}, "There is nobody with the username 'ghost'."),
        ({"department": "nowhere"}, "There is no department 'nowhere'."),
        ({"skills": "not a list"}, "Invalid input."),
        ({"skills": ["s" * 81]}, "A skill is too long (81 characters; at most 80)."),
        ({"email_notifications": [1]}, "Invalid input."),
    ],
)
def test_patch_me_refuses_bad_input_and_changes_nothing(api, alice, payload, detail):
    r = api.patch("/people/me", payload)
    assert (r.status_code, r.json()["detail"]) == (422, detail)
    alice.refresh_from_db()
    assert (alice.title, alice.bio, alice.display_name, alice.manager, alice.is_staff) == (
        "Staff Engineer",
        "",
        "Alice Martin",
        None,
        False,
    )


def test_malformed_json_is_a_clear_4xx(client, api):
    r = client.patch(
        "/api/v1/people/me", data="{not json", content_type="application/json", headers=api.headers
    )
    assert r.status_code in (400, 422) and "detail" in r.json()


def test_a_manager_cycle_through_the_api_is_422(api, alice):
    bob = make_person("bob", display_name="Bob")
    make_person("carl", display_name="Carl", manager=bob)
    actions.update_profile(bob, bob, manager=alice)
    r = api.patch("/people/me", {"manager": "carl"})
    assert (r.status_code, r.json()) == (
        422,
        {
            "detail": "Carl reports (directly or indirectly) to Alice Martin, "
            "so they cannot also be their manager.",
            "field": "manager",
        },
    )


def test_orgchart(api, alice):
    ceo = make_person("ceo")
    cto = make_person("cto", manager=ceo)
    actions.update_profile(alice, alice, manager=cto)
    make_person("rep", manager=alice)
    body = api.get("/people/alice/orgchart").json()
    assert (
        [p["username"] for p in body["chain"]],
        body["person"]["username"],
        [p["username"] for p in body["reports"]],
    ) == (["ceo", "cto"], "alice", ["rep"])
    assert api.get("/people/nobody/orgchart").status_code == 404


def test_follow_unfollow_and_the_lists(api, alice):
    bob = make_person("bob")
    carl = make_person("carl")
    r = api.post("/people/bob/follow")
    assert (r.status_code, r.json()) == (201, {"following": True, "followers_count": 1})
    r = api.post("/people/bob/follow")
    assert (r.status_code, r.json()) == (409, {"detail": "You already follow Bob."})
    r = api.post("/people/alice/follow")
    assert (r.status_code, r.json()["detail"]) == (422, "You cannot follow yourself.")
    assert api.post("/people/nobody/follow").status_code == 404
    actions.follow_person(carl, bob)
    assert [p["username"] for p in api.get("/people/bob/followers").json()["items"]] == ["carl", "alice"]
    assert [p["username"] for p in api.get("/people/alice/following").json()["items"]] == ["bob"]
    r = api.delete("/people/bob/follow")
    assert (r.status_code, r.content) == (204, b"")
    r = api.delete("/people/bob/follow")
    assert (r.status_code, r.json()) == (409, {"detail": "You do not follow Bob."})
    assert list(Follow.objects.values_list("follower__username", flat=True)) == ["carl"]


def test_departments_tree_and_detail(api, alice):
    eng = make_department("Engineering")
    plat = make_department("Platform", parent=eng)
    actions.update_profile(alice, alice, department=plat)
    make_person("bob", department=eng)
    tree = api.get("/departments").json()
    assert tree == [
        {
            "slug": eng.slug,
            "name": "Engineering",
            "description": "",
            "member_count": 1,
            "children": [
                {"slug": plat.slug, "name": "Platform", "description": "", "member_count": 1, "children": []}
            ],
        }
    ]
    body = api.get(f"/departments/{eng.slug}").json()
    assert (body["member_count"], body["direct_member_count"], body["parent"], body["children"]) == (
        2,
        1,
        None,
        [{"slug": plat.slug, "name": "Platform"}],
    )
    assert api.get(f"/departments/{plat.slug}").json()["parent"] == {"slug": eng.slug, "name": "Engineering"}
    assert api.get("/departments/nope").status_code == 404


def test_tokens_api(api, alice, client):
    r = api.post("/me/tokens", {"name": "CI"})
    assert r.status_code == 201
    new = r.json()
    assert new["secret"].startswith("chr_") and new["hint"] == new["secret"][-4:]
    listed = api.get("/me/tokens").json()
    assert sorted(t["name"] for t in listed) == ["CI", "tests"]
    assert all("secret" not in t for t in listed)
    assert (
        client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {new['secret']}"}).status_code
        == 200
    )
    r = api.post("/me/tokens", {"name": "x", "scope": "all"})
    assert r.status_code == 422
    assert api.post("/me/tokens", {"name": " "}).json()["detail"] == "Token name cannot be empty."
    bobs, _ = actions.create_api_token(make_person("bob"), name="bob's")
    assert api.delete(f"/me/tokens/{bobs.pk}").status_code == 404
    assert api.delete(f"/me/tokens/{new['id']}").status_code == 204
    assert (
        client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {new['secret']}"}).status_code
        == 401
    )
    assert ApiToken.objects.filter(pk=bobs.pk).exists()


def _list_queries(api, django_assert_num_queries, n):
    for i in range(n):
        p = make_person(f"q{n}_{i}", department=make_department(f"D{n}{i}"))
        actions.set_skills(p, [f"s{i}"])
    api.get("/people/me")  # the token was used just now: no last-used write below
    with django_assert_num_queries(3) as ctx:
        r = api.get("/people?limit=50")
    assert len(r.json()["items"]) == n + 1
    return len(ctx.captured_queries)


def test_the_people_list_costs_the_same_queries_for_5_and_25_people(api, django_assert_num_queries):
    # token lookup, the page (with departments), their skills
    assert _list_queries(api, django_assert_num_queries, 5) == 3
    User.objects.exclude(username="alice").delete()
    assert _list_queries(api, django_assert_num_queries, 25) == 3
