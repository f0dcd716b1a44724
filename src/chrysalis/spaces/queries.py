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
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from chrysalis.core.errors import NotFound
from chrysalis.spaces.models import Invitation, Membership, Role, Space, Visibility


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


def can_read_space(viewer, space: Space | None) -> bool:
    """May the viewer read content in `space` (None: the company feed)?"""
    if not _active(viewer):
        return False
    if space is None or space.visibility == Visibility.OPEN:
        return True
    return is_member(viewer, space)


def can_post_in(viewer, space: Space | None) -> bool:
    """Company feed: everyone; a space: its members."""
    if not _active(viewer):
        return False
    return space is None or is_member(viewer, space)


def can_moderate(viewer, space: Space | None) -> bool:
    """Owners and moderators of a space; staff for the company feed and every space."""
    if not _active(viewer):
        return False
    if viewer.is_staff:
        return True
    return space is not None and role_of(viewer, space) in (Role.OWNER, Role.MODERATOR)


def known_spaces(viewer) -> QuerySet:
    return Space.objects.filter(known_spaces_q(viewer))


def get_known_space(viewer, slug: str) -> Space:
    """The space by slug if the viewer may know it exists; otherwise NotFound (a secret space is
    indistinguishable from a missing one)."""
    space = known_spaces(viewer).filter(slug=slug).first()
    if space is None:
        raise NotFound("No such space.")
    return space


def annotate_membership(qs: QuerySet, viewer) -> QuerySet:
    """Adds `viewer_is_member` to a Space queryset in the same query."""
    return qs.annotate(
        viewer_is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user_id=viewer.pk))
    )


def readers_among(space: Space | None, user_ids) -> set[int]:
    """Of these user ids, those who may read content in `space` (one query)."""
    from django.contrib.auth import get_user_model

    ids = set(user_ids)
    if not ids:
        return set()
    active = get_user_model().objects.filter(pk__in=ids, is_active=True)
    if space is None or space.visibility == Visibility.OPEN:
        return set(active.values_list("pk", flat=True))
    return set(active.filter(memberships__space=space).values_list("pk", flat=True))
