"""Reads of spaces, and THE one door that decides who may see a space and its content.

Every read of content anywhere (feeds, post pages, search, notifications, API, export, expertise
evidence...) filters with `content_visible_q(viewer)` or asks `can_read_space(viewer, space)`.
Nothing else in the code base decides visibility.

The rule:
- content with no space (the company feed) is readable by every active signed-in person;
- an open space's content is readable by every active signed-in person;
- a private space is listed to everyone, its content readable by members only;
- a secret space is known only to its members (and to people holding an invitation to it,
  who see its name and description only); its content is readable by members only.

Who is in a space (its member list) counts as content: readable where the content is.
Inactive (deactivated) and anonymous viewers can read and know nothing.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf

from chrysalis.core.errors import Forbidden, Invalid, NotFound
from chrysalis.core.pagination import Page, clamp_size, paginate
from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Role, Space, Visibility

NO_SUCH_SPACE = "No such space."


def _active(viewer) -> bool:
    return bool(viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active)


def member_space_ids(viewer) -> QuerySet:
    """Subquery of the ids of the spaces the viewer is a member of."""
    return Membership.objects.filter(user_id=viewer.pk).values("space_id")


def readable_spaces_q(viewer, prefix: str = "") -> Q:
    """Q over Space (or over a relation to Space via `prefix`, e.g. "space__") for spaces whose
    content the viewer may read."""
    if not _active(viewer):
        return Q(pk__in=[])
    return Q(**{f"{prefix}visibility": Visibility.OPEN}) | Q(**{f"{prefix}pk__in": member_space_ids(viewer)})


def content_visible_q(viewer, space_field: str = "space") -> Q:
    """Q over any model with a nullable FK to Space named `space_field` (Post, SearchDocument...):
    the rows whose content the viewer may read."""
    if not _active(viewer):
        return Q(pk__in=[])
    return (
        Q(**{f"{space_field}__isnull": True})
        | Q(**{f"{space_field}__visibility": Visibility.OPEN})
        | Q(**{f"{space_field}_id__in": member_space_ids(viewer)})
    )


def public_content_q(space_field: str = "space") -> Q:
    """Q over any model with a nullable FK to Space: the rows every active signed-in person may
    read (the company feed and open spaces). Organisation-wide aggregates (insights, influence)
    count only these, so private and secret activity never shows in them."""
    return Q(**{f"{space_field}__isnull": True}) | Q(**{f"{space_field}__visibility": Visibility.OPEN})


def known_spaces_q(viewer) -> Q:
    """Q over Space: spaces whose existence the viewer may know (listed ones, members', invited)."""
    if not _active(viewer):
        return Q(pk__in=[])
    return (
        ~Q(visibility=Visibility.SECRET)
        | Q(pk__in=member_space_ids(viewer))
        | Q(pk__in=Invitation.objects.filter(user_id=viewer.pk).values("space_id"))
    )


def role_of(viewer, space: Space) -> str | None:
    if not _active(viewer):
        return None
    return Membership.objects.filter(space=space, user_id=viewer.pk).values_list("role", flat=True).first()


def is_member(viewer, space: Space) -> bool:
    return role_of(viewer, space) is not None


# The rule itself, given the viewer's role in the space (None: not a member). Every check below
# and `access()` use these, so the rule is written once.
def _reads(viewer, space: Space | None, role: str | None) -> bool:
    if not _active(viewer):
        return False
    return space is None or space.visibility == Visibility.OPEN or role is not None


def _posts(viewer, space: Space | None, role: str | None) -> bool:
    if not _active(viewer):
        return False
    return space is None or role is not None


def _moderates(viewer, space: Space | None, role: str | None) -> bool:
    if not _active(viewer):
        return False
    if viewer.is_staff:
        return True
    return space is not None and role in (Role.OWNER, Role.MODERATOR)


def can_read_space(viewer, space: Space | None) -> bool:
    """May the viewer read content in `space` (None: the company feed)?"""
    if not _active(viewer):
        return False
    if space is None or space.visibility == Visibility.OPEN:
        return True
    return _reads(viewer, space, role_of(viewer, space))


def can_post_in(viewer, space: Space | None) -> bool:
    """Company feed: everyone; a space: its members."""
    if not _active(viewer):
        return False
    if space is None:
        return True
    return _posts(viewer, space, role_of(viewer, space))


def can_moderate(viewer, space: Space | None) -> bool:
    """Owners and moderators of a space; staff for the company feed and every space."""
    if not _active(viewer):
        return False
    if viewer.is_staff:
        return True
    return space is not None and _moderates(viewer, space, role_of(viewer, space))


def known_spaces(viewer) -> QuerySet:
    return Space.objects.filter(known_spaces_q(viewer))


def get_known_space(viewer, slug: str) -> Space:
    """The space by slug if the viewer may know it exists; otherwise NotFound (a secret space is
    indistinguishable from a missing one)."""
    space = known_spaces(viewer).filter(slug=slug).first()
    if space is None:
        raise NotFound(NO_SUCH_SPACE)
    return space


def annotate_membership(qs: QuerySet, viewer) -> QuerySet:
    """Adds `viewer_is_member` to a Space queryset in the same query."""
    return qs.annotate(
        viewer_is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user_id=viewer.pk))
    )


def readers_among(space: Space | None, user_ids) -> set[int]:
    """Of these user ids, those who may read content in `space` (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    active = get_user_model().objects.filter(pk__in=ids, is_active=True)
    if space is None or space.visibility == Visibility.OPEN:
        return set(active.values_list("pk", flat=True))
    return set(active.filter(memberships__space=space).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# What the viewer may do in one space, computed once from one role lookup.


_UNSET = object()


@dataclass(frozen=True)
class SpaceAccess:
    role: str | None
    can_read: bool
    can_post: bool
    can_moderate: bool
    is_owner: bool
    can_invite: bool
    can_see_members: bool
    invited: bool
    requested: bool

    @property
    def is_member(self) -> bool:
        return self.role is not None


def access(viewer, space: Space) -> SpaceAccess:
    """The viewer's standing in `space`. Uses the annotations of `annotate_viewer` when present
    (no query), otherwise asks the database."""
    annotated = getattr(space, "_annotated_for", _UNSET) == getattr(viewer, "pk", None)
    if annotated:
        role, invited, requested = space.viewer_role, space.viewer_invited, space.viewer_requested
    elif _active(viewer):
        role = role_of(viewer, space)
        invited = Invitation.objects.filter(space=space, user_id=viewer.pk).exists()
        requested = JoinRequest.objects.filter(
            space=space, user_id=viewer.pk, status=JoinRequest.Status.PENDING
        ).exists()
    else:
        role, invited, requested = None, False, False
    if not _active(viewer):
        role, invited, requested = None, False, False
    reads = _reads(viewer, space, role)
    moderates = _moderates(viewer, space, role)
    is_owner = role == Role.OWNER or (moderates and viewer.is_staff)
    can_invite = (role is not None and space.visibility == Visibility.OPEN) or moderates
    return SpaceAccess(
        role=role,
        can_read=reads,
        can_post=_posts(viewer, space, role),
        can_moderate=moderates,
        is_owner=is_owner,
        can_invite=can_invite,
        can_see_members=reads,
        invited=invited,
        requested=requested,
    )


def _member_count_subquery():
    return Coalesce(
        Subquery(
            Membership.objects.filter(space=OuterRef("pk"))
            .order_by()
            .values("space")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def annotate_viewer(qs: QuerySet, viewer) -> QuerySet:
    """Adds member_count, viewer_role, viewer_is_member, viewer_invited, viewer_requested to a
    Space queryset, all in the same query (no N+1)."""
    uid = viewer.pk if _active(viewer) else None
    return qs.annotate(
        member_count=_member_count_subquery(),
        viewer_role=Subquery(Membership.objects.filter(space=OuterRef("pk"), user_id=uid).values("role")[:1]),
        viewer_invited=Exists(Invitation.objects.filter(space=OuterRef("pk"), user_id=uid)),
        viewer_requested=Exists(
            JoinRequest.objects.filter(space=OuterRef("pk"), user_id=uid, status=JoinRequest.Status.PENDING)
        ),
    )


def _mark(spaces, viewer):
    for s in spaces:
        s._annotated_for = getattr(viewer, "pk", None)
        s.viewer_is_member = s.viewer_role is not None
    return spaces


# ---------------------------------------------------------------------------------------------
# Keyset pagination on an ascending tuple of fields (names, roles), with an opaque cursor.


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != n or not all(isinstance(v, str | int) for v in values):
        raise Invalid("The page cursor is not valid; start again from the first page.", field="cursor")
    return values


def _keyset(qs: QuerySet, fields: list[str], cursor: str | None, limit: int | None) -> Page:
    """One page of `qs` ordered ascending by the annotated `fields` (the last one unique)."""
    size = clamp_size(limit)
    if cursor:
        values = _decode(cursor, len(fields))
        after = Q(pk__in=[])
        for i, field in enumerate(fields):
            step = Q(**{f"{field}__gt": values[i]})
            for j in range(i):
                step &= Q(**{fields[j]: values[j]})
            after |= step
        qs = qs.filter(after)
    items = list(qs.order_by(*fields)[: size + 1])
    more = len(items) > size
    items = items[:size]
    nxt = _encode([getattr(items[-1], f) for f in fields]) if more and items else None
    return Page(items=items, next_cursor=nxt)


# ---------------------------------------------------------------------------------------------
# Lists and details.

LIST_FILTERS = ("all", "mine", "open", "private")


def space_list(
    viewer, filter: str = "all", q: str = "", cursor: str | None = None, limit: int | None = None
) -> Page:
    """The spaces the viewer may know, alphabetically, each annotated as in `annotate_viewer`.
    filter: all | mine (member of) | open | private (members-only: private, and secret ones the
    viewer knows). q: part of the name. One query per page."""
    if filter not in LIST_FILTERS:
        raise Invalid(f"Filter must be one of: {', '.join(LIST_FILTERS)}.", field="filter")
    qs = known_spaces(viewer)
    if filter == "mine":
        qs = qs.filter(pk__in=member_space_ids(viewer))
    elif filter == "open":
        qs = qs.filter(visibility=Visibility.OPEN)
    elif filter == "private":
        qs = qs.exclude(visibility=Visibility.OPEN)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q[:120])
    qs = annotate_viewer(qs, viewer).annotate(sort_name=Lower("name"))
    page = _keyset(qs, ["sort_name", "id"], cursor, limit)
    _mark(page.items, viewer)
    return page


def get_space_detail(viewer, slug: str) -> Space:
    """A known space by slug, annotated as in `annotate_viewer` (one query); NotFound otherwise."""
    space = annotate_viewer(known_spaces(viewer).filter(slug=slug), viewer).first()
    if space is None:
        raise NotFound(NO_SUCH_SPACE)
    _mark([space], viewer)
    return space


def _require_members_visible(viewer, space: Space) -> None:
    if not known_spaces(viewer).filter(pk=space.pk).exists():
        raise NotFound(NO_SUCH_SPACE)
    if not can_read_space(viewer, space):
        raise Forbidden("Only members can see who belongs to this space.")


ROLE_RANK = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def space_members(viewer, space: Space, cursor: str | None = None, limit: int | None = None) -> Page:
    """Members of the space (owners, then moderators, then members; by name), each Membership
    with its user selected. Open spaces: anyone; others: members only (Forbidden), secret: NotFound."""
    _require_members_visible(viewer, space)
    qs = (
        Membership.objects.filter(space=space)
        .select_related("user", "user__department")
        .annotate(
            role_rank=ROLE_RANK,
            sort_name=Lower(Coalesce(NullIf("user__display_name", Value("")), "user__username")),
        )
    )
    return _keyset(qs, ["role_rank", "sort_name", "id"], cursor, limit)


def pending_join_requests(viewer, space: Space, cursor: str | None = None, limit: int | None = None) -> Page:
    """Pending requests to join, newest first; owners and moderators only."""
    if not known_spaces(viewer).filter(pk=space.pk).exists():
        raise NotFound(NO_SUCH_SPACE)
    if not can_moderate(viewer, space):
        raise Forbidden("Only owners and moderators see requests to join.")
    qs = JoinRequest.objects.filter(space=space, status=JoinRequest.Status.PENDING).select_related(
        "user", "user__department"
    )
    return paginate(qs, cursor, limit)


def pending_request_count(space: Space) -> int:
    return JoinRequest.objects.filter(space=space, status=JoinRequest.Status.PENDING).count()


def get_join_request(viewer, space: Space, request_id: int) -> JoinRequest:
    """A request to join this space, for its owners and moderators; NotFound for others."""
    if not can_moderate(viewer, space):
        raise Forbidden("Only owners and moderators decide on requests to join.")
    found = JoinRequest.objects.select_related("user", "space").filter(space=space, pk=request_id).first()
    if found is None:
        raise NotFound("No such request to join.")
    return found


def my_invitations(viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """The viewer's pending invitations, newest first, with the space (annotated with its member
    count) and the inviter in the same query."""
    if not _active(viewer):
        return Page(items=[], next_cursor=None)
    qs = (
        Invitation.objects.filter(user_id=viewer.pk)
        .select_related("space", "invited_by")
        .annotate(
            space_member_count=Coalesce(
                Subquery(
                    Membership.objects.filter(space=OuterRef("space_id"))
                    .order_by()
                    .values("space")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
    )
    return paginate(qs, cursor, limit)


def space_invitations(viewer, space: Space) -> list[Invitation]:
    """Invitations still pending in a space, for those who may invite (oldest first, max 200)."""
    if not access(viewer, space).can_invite:
        return []
    return list(
        Invitation.objects.filter(space=space)
        .select_related("user", "invited_by")
        .order_by("created_at")[:200]
    )


def person_by_username(username: str):
    """An active person by username; NotFound otherwise."""
    person = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    if person is None:
        raise NotFound(f"No person with the username “{(username or '').strip()[:150]}”.")
    return person


def invite_candidates(viewer, space: Space, q: str, limit: int = 8) -> list:
    """Active people matching `q` (username or name) who are neither members nor invited yet."""
    q = (q or "").strip()
    if not q or not access(viewer, space).can_invite:
        return []
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__istartswith=q) | Q(display_name__icontains=q) | Q(last_name__istartswith=q))
        .exclude(pk__in=Membership.objects.filter(space=space).values("user_id"))
        .exclude(pk__in=Invitation.objects.filter(space=space).values("user_id"))
        .order_by("display_name", "username")[:limit]
    )
