"""Writes of notifications. Other apps' actions call `notify` after their own write, on commit."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from chrysalis.notifications.models import Notification
from chrysalis.notifications.queries import get_notification


def notify(recipients: Iterable, *, actor, verb: str, post=None, comment=None, space=None) -> None:
    """Queue one notification per recipient (never the actor themself), written when the caller's
    transaction commits. Callers pass only people who may see the target: that is their check."""
    rows = [
        Notification(recipient_id=r.pk, actor_id=actor.pk, verb=verb, post=post, comment=comment, space=space)
        for r in {r.pk: r for r in recipients}.values()
        if r.pk != actor.pk
    ]
    if rows:
        transaction.on_commit(lambda: Notification.objects.bulk_create(rows))


def mark_read(actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (idempotent). Someone else's, a missing one,
    or one whose target the actor can no longer see: NotFound, nothing written."""
    notification = get_notification(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
