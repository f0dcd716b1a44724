"""Spaces API: list/create/read/update spaces, members and roles, invitations, requests to join.

A secret space the caller may not know answers 404 `{"detail": "No such space."}` on every route,
exactly like a missing slug. 403: known but not allowed; 409: conflicts with the current state;
422: bad input or unknown fields.
"""

from django.contrib.auth import get_user_model
from ninja import Query, Router

from chrysalis.core.errors import Invalid, NotFound
from chrysalis.spaces import actions, queries
from chrysalis.spaces.schemas import (
    InvitationOut,
    InvitationPage,
    InviteIn,
    JoinRequestIn,
    JoinRequestOut,
    JoinRequestPage,
    MemberOut,
    MemberPage,
    RoleIn,
    SpaceIn,
    SpaceOut,
    SpacePage,
    SpacePatch,
    join_request_out,
    member_out,
    person_ref,
    space_out,
)

router = Router(tags=["spaces"])


def _space(request, slug: str):
    return queries.get_space_detail(request.auth, slug)


def _fresh(request, slug: str) -> dict:
    return space_out(queries.get_space_detail(request.auth, slug))


def _invitation_out(inv, space) -> dict:
    return {
        "space": space_out(space),
        "user": person_ref(inv.user),
        "invited_by": person_ref(inv.invited_by),
        "created_at": inv.created_at,
    }


@router.get("/spaces", response=SpacePage, summary="Spaces I may know (filter: all, mine, open, private)")
def list_spaces(
    request,
    filter: Query[str] = "all",
    q: Query[str] = "",
    cursor: Query[str | None] = None,
    limit: Query[int | None] = None,
):
    page = queries.space_list(request.auth, filter=filter, q=q, cursor=cursor, limit=limit)
    return {"items": [space_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.post("/spaces", response={201: SpaceOut}, summary="Create a space (I become its owner)")
def create_space(request, payload: SpaceIn):
    space = actions.create_space(
        request.auth, name=payload.name, description=payload.description, visibility=payload.visibility
    )
    return _fresh(request, space.slug)


@router.get("/spaces/{slug}", response=SpaceOut, summary="One space")
def get_space(request, slug: str):
    return space_out(_space(request, slug))


@router.patch("/spaces/{slug}", response=SpaceOut, summary="Change name, description, visibility (owners)")
def update_space(request, slug: str, payload: SpacePatch):
    space = _space(request, slug)
    actions.update_space(request.auth, space, **payload.model_dump(exclude_unset=True))
    return _fresh(request, slug)


@router.get("/spaces/{slug}/members", response=MemberPage, summary="Members, owners first")
def list_members(request, slug: str, cursor: Query[str | None] = None, limit: Query[int | None] = None):
    page = queries.space_members(request.auth, _space(request, slug), cursor=cursor, limit=limit)
    return {"items": [member_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post("/spaces/{slug}/members", response={201: InvitationOut}, summary="Invite someone by username")
def invite(request, slug: str, payload: InviteIn):
    space = _space(request, slug)
    username = payload.username.strip().lstrip("@")
    if not username:
        raise Invalid("Give the username of the person to invite.", field="username")
    try:
        person = queries.person_by_username(username)
    except NotFound as exc:  # an unknown username in the body is bad input, not a missing route
        raise Invalid(exc.message, field="username") from None
    invitation = actions.invite_to_space(request.auth, space, person)
    return _invitation_out(invitation, space)


def _member(username: str):
    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise NotFound(f"No person with the username “{username[:150]}”.")
    return person


@router.delete(
    "/spaces/{slug}/members/{username}", response={204: None}, summary="Remove a member (or leave)"
)
def remove_member(request, slug: str, username: str):
    space = _space(request, slug)
    actions.remove_member(request.auth, space, _member(username))
    return None


@router.patch(
    "/spaces/{slug}/members/{username}", response=MemberOut, summary="Change a member's role (owners)"
)
def set_role(request, slug: str, username: str, payload: RoleIn):
    space = _space(request, slug)
    membership = actions.set_role(request.auth, space, _member(username), payload.role)
    return member_out(membership)


@router.post("/spaces/{slug}/join", response={201: MemberOut}, summary="Join an open space")
def join(request, slug: str):
    return member_out(actions.join_space(request.auth, _space(request, slug)))


@router.post("/spaces/{slug}/leave", response={204: None}, summary="Leave a space")
def leave(request, slug: str):
    actions.leave_space(request.auth, _space(request, slug))
    return None


@router.post("/spaces/{slug}/requests", response={201: JoinRequestOut}, summary="Ask to join a private space")
def request_to_join(request, slug: str, payload: JoinRequestIn | None = None):
    message = payload.message if payload else ""
    return join_request_out(actions.request_to_join(request.auth, _space(request, slug), message))


@router.get(
    "/spaces/{slug}/requests", response=JoinRequestPage, summary="Pending requests (owners, moderators)"
)
def list_requests(request, slug: str, cursor: Query[str | None] = None, limit: Query[int | None] = None):
    page = queries.pending_join_requests(request.auth, _space(request, slug), cursor=cursor, limit=limit)
    return {"items": [join_request_out(r) for r in page.items], "next_cursor": page.next_cursor}


def _decide(request, slug: str, request_id: int, approve: bool) -> dict:
    space = _space(request, slug)
    join_request = queries.get_join_request(request.auth, space, request_id)
    return join_request_out(actions.decide_join_request(request.auth, join_request, approve=approve))


@router.post(
    "/spaces/{slug}/requests/{request_id}/approve", response=JoinRequestOut, summary="Approve a request"
)
def approve_request(request, slug: str, request_id: int):
    return _decide(request, slug, request_id, True)


@router.post(
    "/spaces/{slug}/requests/{request_id}/decline", response=JoinRequestOut, summary="Decline a request"
)
def decline_request(request, slug: str, request_id: int):
    return _decide(request, slug, request_id, False)


@router.get("/me/invitations", response=InvitationPage, summary="My pending invitations")
def my_invitations(request, cursor: Query[str | None] = None, limit: Query[int | None] = None):
    page = queries.my_invitations(request.auth, cursor=cursor, limit=limit)
    items = []
    for inv in page.items:
        inv.space.member_count = inv.space_member_count
        inv.space.viewer_invited = True
        items.append(_invitation_out(inv, inv.space))
    return {"items": items, "next_cursor": page.next_cursor}


@router.post("/spaces/{slug}/invitation/accept", response={201: MemberOut}, summary="Accept my invitation")
def accept_invitation(request, slug: str):
    return member_out(actions.accept_invitation(request.auth, _space(request, slug)))


@router.post("/spaces/{slug}/invitation/decline", response={204: None}, summary="Decline my invitation")
def decline_invitation(request, slug: str):
    actions.decline_invitation(request.auth, _space(request, slug))
    return None
