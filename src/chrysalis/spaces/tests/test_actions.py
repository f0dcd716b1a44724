"""Membership flows through the actions, and every refusal with 'nothing changed'."""

import pytest

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.notifications.models import Notification
from chrysalis.spaces import actions, queries
from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from chrysalis.spaces.tests.conftest import snapshot
from chrysalis.testsupport.factories import make_person


def refused(exc_type, match, fn, *args, **kwargs):
    before = snapshot()
    with pytest.raises(exc_type, match=match):
        fn(*args, **kwargs)
    assert snapshot() == before


# ---- create / update


def test_create_space_makes_the_creator_owner(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        space = actions.create_space(
            owner, name="  Data   Guild ", description="We talk data.\r\nOften.", visibility="private"
        )
    assert (space.name, space.slug, space.description, space.visibility) == (
        "Data Guild",
        "data-guild",
        "We talk data.\nOften.",
        "private",
    )
    assert list(space.memberships.values_list("user__username", "role")) == [("olivia", "owner")]


def test_slugs_are_unique_and_never_clash_with_the_create_page(owner):
    a = actions.create_space(owner, name="Guild")
    b = actions.create_space(owner, name="Guild")
    new = actions.create_space(owner, name="New")
    assert (a.slug, b.slug) == ("guild", "guild-2")
    assert new.slug == "new-space"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"name": "   "}, "Space name cannot be empty."),
        ({"name": "x" * 121}, "Space name is too long"),
        ({"name": "Ok", "description": "d" * 2001}, "Description is too long"),
        ({"name": "Ok", "visibility": "hidden"}, "Visibility must be one of: open, private, secret."),
    ],
)
def test_create_space_refuses_bad_input(owner, fields, message):
    refused(Invalid, message, actions.create_space, owner, **fields)
    assert Space.objects.count() == 0


def test_inactive_people_cannot_create(owner):
    owner.is_active = False
    refused(Forbidden, "active account", actions.create_space, owner, name="X")


def test_update_space_by_owner(spaces, owner):
    space = actions.update_space(
        owner, spaces["open"], name="Garden", description="New", visibility="private"
    )
    space.refresh_from_db()
    assert (space.name, space.description, space.visibility, space.slug) == (
        "Garden",
        "New",
        "private",
        "open-garden",
    )


def test_update_space_refusals_change_nothing(spaces, owner, alice, bob):
    space = spaces["open"]
    refused(Forbidden, "Only the space's owners", actions.update_space, alice, space, name="Mine")
    refused(Forbidden, "Only the space's owners", actions.update_space, bob, space, name="Mine")
    refused(NotFound, "No such space.", actions.update_space, bob, spaces["secret"], name="Mine")
    # bad input after a valid field: the in-memory object is left as it was, too
    refused(Invalid, "Visibility", actions.update_space, owner, space, name="Renamed", visibility="nope")
    assert space.name == "Open Garden"


# ---- join / leave


def test_join_open_space_notifies_owner(spaces, owner, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = actions.join_space(bob, spaces["open"])
    assert (membership.user, membership.role) == (bob, Role.MEMBER)
    assert list(Notification.objects.values_list("recipient__username", "verb")) == [("olivia", "new_member")]


def test_join_refusals(spaces, alice, bob):
    refused(Conflict, "already a member", actions.join_space, alice, spaces["open"])
    refused(Forbidden, "This space is private", actions.join_space, bob, spaces["private"])
    refused(NotFound, "^No such space.$", actions.join_space, bob, spaces["secret"])


def test_join_with_invitation_accepts_it(spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    actions.join_space(bob, spaces["secret"])
    assert queries.role_of(bob, spaces["secret"]) == Role.MEMBER
    assert not Invitation.objects.exists()


def test_leave(spaces, alice):
    actions.leave_space(alice, spaces["private"])
    assert not queries.is_member(alice, spaces["private"])


def test_leave_refusals(spaces, owner, bob):
    refused(Conflict, "only owner", actions.leave_space, owner, spaces["open"])
    refused(Conflict, "not a member", actions.leave_space, bob, spaces["open"])
    refused(Conflict, "not a member", actions.leave_space, bob, spaces["private"])
    refused(NotFound, "^No such space.$", actions.leave_space, bob, spaces["secret"])


def test_an_owner_may_leave_when_another_owner_remains(spaces, owner, alice):
    actions.set_role(owner, spaces["open"], alice, Role.OWNER)
    actions.leave_space(owner, spaces["open"])
    assert list(spaces["open"].memberships.values_list("user__username", "role")) == [("alice", "owner")]


# ---- invitations


def test_invite_accept_flow(spaces, owner, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_to_space(owner, spaces["secret"], bob)
    assert list(Notification.objects.values_list("recipient__username", "verb")) == [("bob", "invitation")]
    # the invitee now knows the secret space exists, but cannot read it
    assert queries.get_known_space(bob, spaces["secret"].slug) == spaces["secret"]
    assert not queries.can_read_space(bob, spaces["secret"])
    assert [i.space for i in queries.my_invitations(bob).items] == [spaces["secret"]]
    actions.accept_invitation(bob, spaces["secret"])
    assert queries.role_of(bob, spaces["secret"]) == Role.MEMBER
    assert queries.my_invitations(bob).items == []


def test_decline_invitation_forgets_the_secret_space(spaces, owner, bob):
    actions.invite_to_space(owner, spaces["secret"], bob)
    actions.decline_invitation(bob, spaces["secret"])
    assert not Invitation.objects.exists()
    with pytest.raises(NotFound):
        queries.get_known_space(bob, spaces["secret"].slug)


def test_members_of_open_spaces_invite(spaces, alice, bob):
    actions.invite_to_space(alice, spaces["open"], bob)
    assert Invitation.objects.filter(space=spaces["open"], user=bob, invited_by=alice).exists()


def test_invite_refusals(spaces, owner, alice, bob):
    carol = make_person("carol")
    gone = make_person("gone", is_active=False)
    refused(Forbidden, "Only owners and moderators", actions.invite_to_space, alice, spaces["private"], bob)
    refused(Forbidden, "Only owners and moderators", actions.invite_to_space, alice, spaces["secret"], bob)
    refused(Forbidden, "Only members can invite", actions.invite_to_space, bob, spaces["open"], carol)
    refused(Forbidden, "Only members can invite", actions.invite_to_space, bob, spaces["private"], carol)
    refused(NotFound, "^No such space.$", actions.invite_to_space, bob, spaces["secret"], carol)
    refused(Conflict, "already a member", actions.invite_to_space, owner, spaces["open"], alice)
    refused(Invalid, "deactivated", actions.invite_to_space, owner, spaces["open"], gone)
    actions.invite_to_space(owner, spaces["open"], bob)
    refused(Conflict, "already been invited", actions.invite_to_space, owner, spaces["open"], bob)


def test_accept_and_decline_without_invitation(spaces, bob):
    refused(NotFound, "no invitation", actions.accept_invitation, bob, spaces["private"])
    refused(NotFound, "no invitation", actions.decline_invitation, bob, spaces["open"])
    refused(NotFound, "^No such space.$", actions.accept_invitation, bob, spaces["secret"])
    refused(NotFound, "^No such space.$", actions.decline_invitation, bob, spaces["secret"])


# ---- requests to join


def test_request_approve_flow(spaces, owner, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = actions.request_to_join(bob, spaces["private"], "  I work on the lab  ")
    assert (req.message, req.status) == ("I work on the lab", "pending")
    assert list(Notification.objects.values_list("recipient__username", "verb")) == [
        ("olivia", "join_request")
    ]
    assert [r.user for r in queries.pending_join_requests(owner, spaces["private"]).items] == [bob]
    actions.decide_join_request(owner, req, approve=True)
    req.refresh_from_db()
    assert (req.status, req.decided_by) == ("approved", owner)
    assert queries.role_of(bob, spaces["private"]) == Role.MEMBER


def test_request_decline_then_ask_again(spaces, owner, bob):
    req = actions.request_to_join(bob, spaces["private"])
    actions.decide_join_request(owner, req, approve=False)
    assert not queries.is_member(bob, spaces["private"])
    again = actions.request_to_join(bob, spaces["private"])
    assert again.status == "pending"


def test_request_refusals(spaces, owner, alice, bob):
    refused(Invalid, "Only private spaces", actions.request_to_join, bob, spaces["open"])
    refused(NotFound, "^No such space.$", actions.request_to_join, bob, spaces["secret"])
    refused(Conflict, "already a member", actions.request_to_join, alice, spaces["private"])
    refused(Invalid, "Message is too long", actions.request_to_join, bob, spaces["private"], "m" * 501)
    actions.request_to_join(bob, spaces["private"])
    refused(Conflict, "already asked", actions.request_to_join, bob, spaces["private"])
    carol = make_person("carol")
    actions.invite_to_space(owner, spaces["private"], carol)
    refused(Conflict, "already invited", actions.request_to_join, carol, spaces["private"])


def test_decide_refusals(spaces, owner, alice, bob):
    req = actions.request_to_join(bob, spaces["private"])
    refused(Forbidden, "Only owners and moderators", actions.decide_join_request, alice, req, approve=True)
    refused(Forbidden, "Only owners and moderators", actions.decide_join_request, bob, req, approve=True)
    actions.decide_join_request(owner, req, approve=False)
    refused(Conflict, "already been decided", actions.decide_join_request, owner, req, approve=True)


def test_stale_request_object_cannot_be_decided_twice(spaces, owner, bob):
    req = actions.request_to_join(bob, spaces["private"])
    stale = JoinRequest.objects.get(pk=req.pk)
    actions.decide_join_request(owner, req, approve=False)
    refused(Conflict, "already been decided", actions.decide_join_request, owner, stale, approve=True)


def test_moderators_decide(spaces, owner, alice, bob):
    actions.set_role(owner, spaces["private"], alice, Role.MODERATOR)
    req = actions.request_to_join(bob, spaces["private"])
    actions.decide_join_request(alice, req, approve=True)
    assert queries.is_member(bob, spaces["private"])


# ---- remove / roles


def test_owner_removes_and_moderator_removes_plain_members(spaces, owner, alice, bob):
    space = spaces["open"]
    actions.join_space(bob, space)
    actions.set_role(owner, space, alice, Role.MODERATOR)
    actions.remove_member(alice, space, bob)
    assert not queries.is_member(bob, space)
    actions.remove_member(owner, space, alice)
    assert list(space.memberships.values_list("user__username", flat=True)) == ["olivia"]


def test_remove_refusals(spaces, owner, alice, bob):
    space = spaces["open"]
    carol = make_person("carol")
    actions.join_space(bob, space)
    refused(Forbidden, "Only owners and moderators", actions.remove_member, alice, space, bob)
    refused(Forbidden, "Only owners and moderators", actions.remove_member, carol, space, bob)
    actions.set_role(owner, space, alice, Role.MODERATOR)
    refused(Forbidden, "Moderators can remove members only", actions.remove_member, alice, space, owner)
    refused(NotFound, "is not a member", actions.remove_member, owner, space, carol)
    refused(NotFound, "^No such space.$", actions.remove_member, carol, spaces["secret"], alice)
    # a non-member learns nothing about who is in a private space
    refused(
        Forbidden,
        "Only owners and moderators",
        actions.remove_member,
        carol,
        spaces["private"],
        make_person(),
    )


def test_removing_oneself_is_leaving(spaces, owner, alice):
    actions.remove_member(alice, spaces["open"], alice)
    assert not queries.is_member(alice, spaces["open"])
    refused(Conflict, "only owner", actions.remove_member, owner, spaces["open"], owner)


def test_set_role_refusals(spaces, owner, alice, bob):
    space = spaces["open"]
    refused(Invalid, "Role must be one of", actions.set_role, owner, space, alice, "admin")
    refused(Forbidden, "Only owners can change roles", actions.set_role, alice, space, alice, Role.OWNER)
    refused(NotFound, "is not a member", actions.set_role, owner, space, bob, Role.MODERATOR)
    refused(Conflict, "at least one owner", actions.set_role, owner, space, owner, Role.MEMBER)
    refused(NotFound, "^No such space.$", actions.set_role, bob, spaces["secret"], alice, Role.OWNER)


def test_staff_may_remove_the_owner_only_if_another_owner_remains(spaces, owner, alice):
    staff = make_person("sam", is_staff=True)
    refused(Conflict, "at least one owner", actions.remove_member, staff, spaces["open"], owner)
    actions.set_role(staff, spaces["open"], alice, Role.OWNER)
    actions.remove_member(staff, spaces["open"], owner)
    assert list(Membership.objects.filter(space=spaces["open"]).values_list("user__username", "role")) == [
        ("alice", "owner")
    ]
