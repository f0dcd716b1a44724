"""The spaces pages through the test client, with and without htmx."""

import re

import pytest

from chrysalis.spaces import actions, queries
from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from chrysalis.spaces.tests.conftest import snapshot
from chrysalis.testsupport.factories import make_person, make_space

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.content.decode()


def normalised(response) -> str:
    """The page without what differs between any two requests (CSRF tokens, CSP nonces)."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'nonce="[^"]+"', "", body)


# ---- the list


def test_list_shows_known_spaces_with_the_right_buttons(client, spaces, owner, bob):
    # Given bob, outsider, invited to nothing
    client.force_login(bob)
    page = text(client.get("/spaces/"))
    assert "Open Garden" in page and "Private Lab" in page
    assert "Secret Project" not in page and spaces["secret"].slug not in page
    assert f'action="/spaces/{spaces["open"].slug}/join/"' in page
    assert f'action="/spaces/{spaces["private"].slug}/request/"' in page
    assert "2 members" in page
    assert "Your invitations" not in page


def test_list_shows_invitations_and_the_secret_space_to_the_invitee(client, spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    client.force_login(bob)
    page = text(client.get("/spaces/"))
    assert "Your invitations" in page and "Invited by Olivia Owner" in page
    assert f"/spaces/{spaces['secret'].slug}/invitation/accept/" in page
    assert "Secret Project" in page


@pytest.mark.parametrize(
    "filter,names",
    [
        ("all", ["Open Garden", "Private Lab", "Secret Project", "Zeta Open"]),
        ("mine", ["Open Garden", "Private Lab", "Secret Project"]),
        ("open", ["Open Garden", "Zeta Open"]),
        ("private", ["Private Lab", "Secret Project"]),
    ],
)
def test_list_filters(client, spaces, owner, alice, filter, names):
    make_space(owner, "Zeta Open", "open")
    client.force_login(alice)
    response = client.get("/spaces/", {"filter": filter})
    assert [s.name for s in response.context["page"].items] == names


def test_list_search_by_name_returns_the_results_fragment_to_htmx(client, spaces, alice):
    client.force_login(alice)
    response = client.get("/spaces/", {"q": "lab"}, headers={**HX, "HX-Target": "space-results"})
    assert response.status_code == 200
    page = text(response)
    assert page.startswith('\n<div id="space-results">') or page.lstrip().startswith(
        '<div id="space-results">'
    )
    assert "Private Lab" in page and "Open Garden" not in page and "<html" not in page


def test_list_pages_with_a_cursor(client, owner):
    for i in range(25):
        make_space(owner, f"Space {i:02d}")
    client.force_login(owner)
    first = client.get("/spaces/")
    assert len(first.context["page"].items) == 20
    cursor = first.context["page"].next_cursor
    more = client.get("/spaces/", {"cursor": cursor}, headers=HX)
    body = text(more)
    assert "Space 20" in body and "Space 24" in body and "Space 19" not in body and "<html" not in body
    assert 'hx-swap-oob="beforeend:#space-items"' in body
    # a broken cursor starts again from the first page
    assert client.get("/spaces/", {"cursor": "!!!"}).status_code == 200


@pytest.mark.parametrize("count", [3, 12])
def test_list_page_query_count_is_fixed(client, owner, alice, django_assert_num_queries, count):
    # Given spaces of every kind: alice is a member of half and invited to the other half
    for i in range(count):
        space = make_space(owner, f"S{i}", ["open", "private", "secret"][i % 3])
        actions.invite_to_space(owner, space, alice)
        if i % 2:
            actions.accept_invitation(alice, space)
    client.force_login(alice)
    # session, user, unread badge, the list page, the invitations
    with django_assert_num_queries(5):
        response = client.get("/spaces/")
    assert len(response.context["page"].items) == count
    assert len(response.context["invitations"]) == (count + 1) // 2
    assert text(response).count("Invited by Olivia Owner") == (count + 1) // 2


# ---- create


def test_create_space_page(client, owner):
    client.force_login(owner)
    page = text(client.get("/spaces/new/"))
    assert 'type="radio"' in page and "only members (and people invited) know it exists" in page
    response = client.post("/spaces/new/", {"name": "Guild", "description": "Hi", "visibility": "private"})
    space = Space.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/spaces/{space.slug}/"
    assert (space.name, space.visibility, queries.role_of(owner, space)) == ("Guild", "private", Role.OWNER)


def test_create_space_errors_keep_the_input_and_write_nothing(client, owner):
    client.force_login(owner)
    response = client.post("/spaces/new/", {"name": " ", "description": "<b>kept</b>", "visibility": "open"})
    assert response.status_code == 422
    page = text(response)
    assert "Space name cannot be empty." in page and "&lt;b&gt;kept&lt;/b&gt;" in page
    response = client.post("/spaces/new/", {"name": "Ok", "visibility": "everyone"})
    assert "Visibility must be one of" in text(response)
    assert Space.objects.count() == 0


# ---- a space's page


def test_member_sees_feed_and_leave(client, spaces, alice):
    client.force_login(alice)
    page = text(client.get(f"/spaces/{spaces['private'].slug}/"))
    assert 'id="feed"' in page and "Leave" in page and "Your role: <strong>Member</strong>" in page


def test_private_space_shows_only_name_description_and_request_to_outsiders(client, spaces, owner, bob):
    space = spaces["private"]
    actions.update_space(owner, space, description="Lab notes")
    client.force_login(bob)
    page = text(client.get(f"/spaces/{space.slug}/"))
    assert "Private Lab" in page and "Lab notes" in page and "Request to join" in page
    assert 'id="feed"' not in page and "composer" not in page
    assert f"/spaces/{space.slug}/members/" not in page


def test_secret_space_invitee_sees_name_and_description_only(client, spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    client.force_login(bob)
    page = text(client.get(f"/spaces/{spaces['secret'].slug}/"))
    assert "Accept invitation" in page and 'id="feed"' not in page
    assert "2 members" not in page
    assert client.get(f"/spaces/{spaces['secret'].slug}/members/").status_code == 403


def test_join_by_htmx_swaps_the_header_actions(client, spaces, bob):
    client.force_login(bob)
    response = client.post(f"/spaces/{spaces['open'].slug}/join/", headers=HX)
    page = text(response)
    assert response.status_code == 200 and page.startswith('<div id="space-actions"')
    assert "You joined Open Garden." in page and "Leave" in page
    assert 'id="space-composer" hx-swap-oob="true"' in page
    assert '<span id="space-member-count" hx-swap-oob="true">3 members</span>' in page
    assert "Join this space to post in it." not in page
    assert queries.is_member(bob, spaces["open"])


def test_join_without_js_redirects_with_a_message(client, spaces, bob):
    client.force_login(bob)
    response = client.post(f"/spaces/{spaces['open'].slug}/join/", follow=True)
    assert response.redirect_chain == [(f"/spaces/{spaces['open'].slug}/", 302)]
    assert "You joined Open Garden." in text(response)


def test_join_from_a_card(client, spaces, bob):
    client.force_login(bob)
    page = text(client.post(f"/spaces/{spaces['open'].slug}/join/", {"ctx": "card"}, headers=HX))
    assert page.startswith('\n    <div class="space-card-actions"') or 'class="space-card-actions"' in page
    assert "Joined" in page


def test_refused_join_shows_the_reason_and_changes_nothing(client, spaces, alice, bob):
    client.force_login(bob)
    before = snapshot()
    response = client.post(f"/spaces/{spaces['private'].slug}/join/", headers=HX)
    assert "This space is private: ask to join" in text(response)
    response = client.post(f"/spaces/{spaces['private'].slug}/join/", follow=True)
    assert "This space is private: ask to join" in text(response)
    assert snapshot() == before


def test_sole_owner_leaving_is_refused_in_the_header(client, spaces, owner):
    client.force_login(owner)
    before = snapshot()
    page = text(client.post(f"/spaces/{spaces['open'].slug}/leave/", headers=HX))
    assert "You are the only owner" in page
    assert snapshot() == before


def test_leaving_a_secret_space_goes_back_to_the_list(client, spaces, alice):
    client.force_login(alice)
    response = client.post(f"/spaces/{spaces['secret'].slug}/leave/", headers=HX)
    assert response["HX-Redirect"] == "/spaces/"
    assert not queries.is_member(alice, spaces["secret"])


def test_leaving_a_private_space_reloads_the_page(client, spaces, alice):
    client.force_login(alice)
    response = client.post(f"/spaces/{spaces['private'].slug}/leave/", headers=HX)
    assert response["HX-Refresh"] == "true"


def test_request_to_join_from_the_page(client, spaces, bob):
    client.force_login(bob)
    page = text(client.post(f"/spaces/{spaces['private'].slug}/request/", {"message": "Please"}, headers=HX))
    assert "Request sent" in page
    assert list(JoinRequest.objects.values_list("user__username", "message", "status")) == [
        ("bob", "Please", "pending")
    ]
    assert "Request sent: waiting" in text(client.get(f"/spaces/{spaces['private'].slug}/"))


def test_accept_invitation_from_the_list(client, spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    client.force_login(bob)
    page = text(
        client.post(f"/spaces/{spaces['secret'].slug}/invitation/accept/", {"ctx": "invite"}, headers=HX)
    )
    assert "Welcome to Secret Project!" in page and "invitation-done" in page
    assert queries.is_member(bob, spaces["secret"])


def test_decline_secret_invitation_from_the_list_removes_the_row(client, spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    client.force_login(bob)
    response = client.post(
        f"/spaces/{spaces['secret'].slug}/invitation/decline/", {"ctx": "invite"}, headers=HX
    )
    assert response.status_code == 200 and text(response) == ""
    assert not Invitation.objects.exists()


def test_composer_is_included_only_if_its_template_exists(client, spaces, alice, monkeypatch):
    from chrysalis.spaces import views

    monkeypatch.setattr(views, "_composer_available", lambda: False)
    client.force_login(alice)
    response = client.get(f"/spaces/{spaces['open'].slug}/")
    assert response.status_code == 200 and response.context["show_composer"] is False


# ---- members


def test_members_page_lists_roles_and_owner_controls(client, spaces, owner, alice):
    client.force_login(owner)
    response = client.get(f"/spaces/{spaces['open'].slug}/members/")
    page = text(response)
    assert [m.user.username for m in response.context["page"].items] == ["olivia", "alice"]
    assert 'Remove<span class="visually-hidden"> Alice Member' in page
    assert 'name="role"' in page and "Invite someone" in page


def test_plain_members_see_the_list_without_controls(client, spaces, alice):
    client.force_login(alice)
    page = text(client.get(f"/spaces/{spaces['private'].slug}/members/"))
    assert "Olivia Owner" in page and 'name="role"' not in page and "Remove" not in page
    assert "Invite someone" not in page  # private: only owners and moderators invite


def test_outsiders_cannot_see_who_is_in_a_private_space(client, spaces, bob):
    client.force_login(bob)
    response = client.get(f"/spaces/{spaces['private'].slug}/members/")
    assert response.status_code == 403 and "Alice" not in text(response)


def test_open_space_members_are_public(client, spaces, bob):
    client.force_login(bob)
    assert "Alice Member" in text(client.get(f"/spaces/{spaces['open'].slug}/members/"))


def test_owner_changes_a_role_by_htmx(client, spaces, owner, alice):
    client.force_login(owner)
    page = text(
        client.post(f"/spaces/{spaces['open'].slug}/members/alice/role/", {"role": "moderator"}, headers=HX)
    )
    assert page.strip().startswith('<li class="member-row"') and "Alice Member is now moderator." in page
    assert queries.role_of(alice, spaces["open"]) == Role.MODERATOR


def test_role_change_refused_shows_a_message_and_changes_nothing(client, spaces, owner, alice):
    client.force_login(alice)
    before = snapshot()
    response = client.post(
        f"/spaces/{spaces['open'].slug}/members/olivia/role/", {"role": "member"}, headers=HX
    )
    assert "Only owners can change roles." in text(response) and response["HX-Retarget"] == "#space-flash"
    client.force_login(owner)
    response = client.post(
        f"/spaces/{spaces['open'].slug}/members/olivia/role/", {"role": "member"}, follow=True
    )
    assert "A space needs at least one owner." in text(response)
    assert snapshot() == before


def test_moderator_removes_a_member(client, spaces, owner, alice, bob):
    actions.join_space(bob, spaces["open"])
    actions.set_role(owner, spaces["open"], alice, Role.MODERATOR)
    client.force_login(alice)
    response = client.post(f"/spaces/{spaces['open'].slug}/members/bob/remove/", headers=HX)
    assert response.status_code == 200 and text(response) == ""
    assert not queries.is_member(bob, spaces["open"])


def test_remove_without_js(client, spaces, owner, alice):
    client.force_login(owner)
    response = client.post(f"/spaces/{spaces['open'].slug}/members/alice/remove/", follow=True)
    assert "Alice Member was removed from Open Garden." in text(response)
    assert client.post(f"/spaces/{spaces['open'].slug}/members/nobody/remove/").status_code == 404


def test_invite_by_username(client, spaces, owner, bob):
    client.force_login(owner)
    page = text(
        client.post(f"/spaces/{spaces['secret'].slug}/members/invite/", {"username": "@bob"}, headers=HX)
    )
    assert "Bob Outsider is invited to Secret Project." in page and "Invited, not yet answered" in page
    assert Invitation.objects.filter(user=bob, space=spaces["secret"]).exists()


@pytest.mark.parametrize(
    "username,message",
    [
        ("", "Type the username of the person to invite."),
        ("nobody", "No person with the username “nobody”."),
        ("alice", "Alice Member is already a member."),
    ],
)
def test_invite_refusals_on_the_page(client, spaces, owner, username, message):
    client.force_login(owner)
    before = snapshot()
    page = text(
        client.post(f"/spaces/{spaces['open'].slug}/members/invite/", {"username": username}, headers=HX)
    )
    assert message in page
    response = client.post(
        f"/spaces/{spaces['open'].slug}/members/invite/", {"username": username}, follow=True
    )
    assert message in text(response)
    assert snapshot() == before


def test_invite_suggestions_exclude_members_and_invitees(client, spaces, owner, bob):
    make_person("bobby", display_name="Bobby Tables")
    make_person("bea", display_name="Bea Gone", is_active=False)
    client.force_login(owner)
    page = text(client.get(f"/spaces/{spaces['open'].slug}/members/suggest/", {"username": "b"}, headers=HX))
    assert re.findall(r'value="([^"]+)"', page) == ["bob", "bobby"]
    actions.invite_to_space(owner, spaces["open"], bob)
    page = text(client.get(f"/spaces/{spaces['open'].slug}/members/suggest/", {"username": "b"}, headers=HX))
    assert re.findall(r'value="([^"]+)"', page) == ["bobby"]


def test_invite_suggestions_are_empty_for_people_who_cannot_invite(client, spaces, alice):
    client.force_login(alice)
    page = text(client.get(f"/spaces/{spaces['private'].slug}/members/suggest/", {"username": "o"}))
    assert page.strip() == ""


# ---- requests to join, settings


def test_requests_page_and_approve(client, spaces, owner, bob):
    req = actions.request_to_join(bob, spaces["private"], "Let me in")
    client.force_login(owner)
    page = text(client.get(f"/spaces/{spaces['private'].slug}/requests/"))
    assert "Bob Outsider" in page and "Let me in" in page
    response = client.post(f"/spaces/{spaces['private'].slug}/requests/{req.pk}/approve/", headers=HX)
    assert "Bob Outsider is now a member." in text(response)
    assert queries.is_member(bob, spaces["private"])
    response = client.post(f"/spaces/{spaces['private'].slug}/requests/{req.pk}/decline/", follow=True)
    assert "This request has already been decided." in text(response)


def test_requests_page_is_for_moderators(client, spaces, alice, bob):
    req = actions.request_to_join(bob, spaces["private"])
    client.force_login(alice)
    before = snapshot()
    assert client.get(f"/spaces/{spaces['private'].slug}/requests/").status_code == 403
    assert client.post(f"/spaces/{spaces['private'].slug}/requests/{req.pk}/approve/").status_code == 403
    assert snapshot() == before


def test_settings_page(client, spaces, owner, alice):
    client.force_login(owner)
    space = spaces["open"]
    assert 'value="Open Garden"' in text(client.get(f"/spaces/{space.slug}/settings/"))
    response = client.post(
        f"/spaces/{space.slug}/settings/", {"name": "Garden", "description": "Green", "visibility": "private"}
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.name, space.description, space.visibility) == ("Garden", "Green", "private")
    response = client.post(
        f"/spaces/{space.slug}/settings/", {"name": "", "description": "", "visibility": "open"}
    )
    assert response.status_code == 422 and "Space name cannot be empty." in text(response)
    space.refresh_from_db()
    assert space.name == "Garden"
    client.force_login(alice)
    assert client.get(f"/spaces/{space.slug}/settings/").status_code == 403


# ---- a secret space is a missing one


SECRET_URLS = [
    ("get", "{slug}/"),
    ("get", "{slug}/members/"),
    ("get", "{slug}/requests/"),
    ("get", "{slug}/settings/"),
    ("get", "{slug}/members/suggest/?username=a"),
    ("post", "{slug}/join/"),
    ("post", "{slug}/leave/"),
    ("post", "{slug}/request/"),
    ("post", "{slug}/invitation/accept/"),
    ("post", "{slug}/invitation/decline/"),
    ("post", "{slug}/members/invite/"),
    ("post", "{slug}/members/alice/remove/"),
    ("post", "{slug}/members/alice/role/"),
    ("post", "{slug}/requests/1/approve/"),
    ("post", "{slug}/requests/1/decline/"),
    ("post", "{slug}/settings/"),
]


@pytest.mark.parametrize("method,url", SECRET_URLS)
@pytest.mark.parametrize("htmx", [False, True])
def test_secret_space_is_indistinguishable_from_a_missing_one(client, spaces, bob, method, url, htmx):
    actions.request_to_join(bob, spaces["private"])  # a request id 1 exists somewhere
    client.force_login(bob)
    headers = HX if htmx else {}
    before = snapshot()
    secret = getattr(client, method)("/spaces/" + url.format(slug=spaces["secret"].slug), headers=headers)
    missing = getattr(client, method)("/spaces/" + url.format(slug="no-such-space"), headers=headers)
    assert secret.status_code == missing.status_code == 404
    assert normalised(secret) == normalised(missing)
    assert "Secret Project" not in text(secret)
    assert snapshot() == before


def test_members_and_owners_reach_their_secret_space(client, spaces, alice):
    client.force_login(alice)
    assert client.get(f"/spaces/{spaces['secret'].slug}/").status_code == 200
    assert client.get(f"/spaces/{spaces['secret'].slug}/members/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, spaces):
    response = client.get(f"/spaces/{spaces['open'].slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/")
    assert Membership.objects.count() == 6
