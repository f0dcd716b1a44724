from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict


class PersonRef(Schema):
    username: str
    name: str


class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    visibility: str
    member_count: int | None = None  # hidden from invitees of a secret space
    role: str | None = None  # the viewer's role, null when not a member
    invited: bool = False  # the viewer holds an invitation
    requested: bool = False  # the viewer's request to join is pending
    created_at: datetime


class SpacePage(Schema):
    items: list[SpaceOut]
    next_cursor: str | None


class SpaceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    visibility: str = "open"


class SpacePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str | None = None
    visibility: str | None = None


class MemberOut(Schema):
    user: PersonRef
    role: str
    joined_at: datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class InviteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str


class RoleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    role: str


class JoinRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    message: str = ""


class JoinRequestOut(Schema):
    id: int
    space: str  # slug
    user: PersonRef
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None = None


class JoinRequestPage(Schema):
    items: list[JoinRequestOut]
    next_cursor: str | None


class InvitationOut(Schema):
    space: SpaceOut
    user: PersonRef
    invited_by: PersonRef
    created_at: datetime


class InvitationPage(Schema):
    items: list[InvitationOut]
    next_cursor: str | None


def person_ref(user) -> dict:
    return {"username": user.username, "name": user.name}


def space_out(space) -> dict:
    """A space as the viewer sees it; `space` is annotated by spaces.queries.annotate_viewer, or
    `role`/`invited`/`requested`/`member_count` are given as attributes."""
    role = getattr(space, "viewer_role", None)
    count = getattr(space, "member_count", None)
    if space.visibility == "secret" and role is None:
        count = None
    return {
        "id": space.pk,
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "member_count": count,
        "role": role,
        "invited": bool(getattr(space, "viewer_invited", False)),
        "requested": bool(getattr(space, "viewer_requested", False)),
        "created_at": space.created_at,
    }


def member_out(m) -> dict:
    return {"user": person_ref(m.user), "role": m.role, "joined_at": m.created_at}


def join_request_out(r) -> dict:
    return {
        "id": r.pk,
        "space": r.space.slug,
        "user": person_ref(r.user),
        "message": r.message,
        "status": r.status,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
    }
