"""Writes of notifications. Other apps' actions call `notify` after their own write, on commit."""

from collections.abc import Iterable

from django.db import transaction

from chrysalis.notifications.models import Notification


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
