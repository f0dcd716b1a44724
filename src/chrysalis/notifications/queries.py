"""Reads of notifications.

A notification is shown only while its target is still readable by its recipient: the post (and
the comment) must be visible through the one access door (`content_visible_q`), and a space must
still be known to them (`known_spaces_q`). Someone who left a private space no longer sees, nor
counts, the notifications about its posts.
"""

from django.db.models import Q, QuerySet

from chrysalis.core.errors import NotFound
from chrysalis.core.pagination import Page, paginate
from chrysalis.notifications.models import Notification
from chrysalis.spaces.models import Space
from chrysalis.spaces.queries import content_visible_q, known_spaces_q


def _still_visible_q(viewer) -> Q:
    post_ok = Q(post__isnull=True) | (
        Q(post__removed_at__isnull=True) & content_visible_q(viewer, space_field="post__space")
    )
    comment_ok = Q(comment__isnull=True) | (
        Q(comment__removed_at__isnull=True, comment__post__removed_at__isnull=True)
        & content_visible_q(viewer, space_field="comment__post__space")
    )
    space_ok = Q(space__isnull=True) | Q(
        space_id__in=Space.objects.filter(known_spaces_q(viewer)).values("pk")
    )
    return post_ok & comment_ok & space_ok


def visible_notifications(viewer) -> QuerySet[Notification]:
    """The viewer's own notifications whose target they may still read; unordered, nothing joined."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(_still_visible_q(viewer), recipient_id=viewer.pk)


def unread_count(user) -> int:
    """Unread notifications the person may still see (what the header badge shows; one query)."""
    return visible_notifications(user).filter(read_at__isnull=True).count()


def inbox(viewer, cursor: str | None = None, limit: int | None = None, unread_only: bool = False) -> Page:
    """One page of the viewer's notifications, newest first, with actor, post, comment and space
    selected in the same single query."""
    qs = visible_notifications(viewer).select_related(
        "actor", "actor__department", "post", "post__space", "comment", "space"
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return paginate(qs, cursor, limit)


def get_notification(viewer, notification_id: int) -> Notification:
    """One of the viewer's own visible notifications; NotFound otherwise (someone else's included)."""
    found = (
        visible_notifications(viewer)
        .select_related("actor", "post", "comment", "space")
        .filter(pk=notification_id)
        .first()
    )
    if found is None:
        raise NotFound("No such notification.")
    return found


def email_settings_of(person):
    """The person's e-mail settings; the defaults (unsaved) when they never changed them."""
    from chrysalis.notifications.models import EmailSettings

    return EmailSettings.objects.filter(user_id=person.pk).first() or EmailSettings(user_id=person.pk)


def may_email(person) -> bool:
    """Whether any e-mail may go to the person at all: active, with an address, and the master
    switch (`User.email_notifications`, on the profile form) on."""
    return bool(person.is_active and person.email and person.email_notifications)
