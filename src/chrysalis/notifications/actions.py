"""Writes of notifications and of e-mail state. Other apps' actions call `notify` after their own
write, on commit; e-mail about a notification is sent by a task (never inside a request)."""

from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from chrysalis.core.errors import Forbidden, Invalid, NotFound
from chrysalis.notifications.models import (
    EMAIL_KINDS,
    KIND_OF_VERB,
    Delivery,
    DigestDelivery,
    EmailSettings,
    Frequency,
    Notification,
)
from chrysalis.notifications.queries import get_notification

UNSUBSCRIBE_SALT = "chrysalis.notifications.unsubscribe"
DIGEST_SCOPE = "digest"


def notify(recipients: Iterable, *, actor, verb: str, post=None, comment=None, space=None) -> None:
    """Queue one notification per recipient (never the actor themself), written when the caller's
    transaction commits. Callers pass only people who may see the target: that is their check."""
    rows = [
        Notification(recipient_id=r.pk, actor_id=actor.pk, verb=verb, post=post, comment=comment, space=space)
        for r in {r.pk: r for r in recipients}.values()
        if r.pk != actor.pk
    ]
    if rows:
        transaction.on_commit(lambda: _write_and_email(rows))


def _write_and_email(rows: list[Notification]) -> None:
    Notification.objects.bulk_create(rows)
    ids = [n.pk for n in rows if n.verb in KIND_OF_VERB and n.pk is not None]
    if ids:  # the task decides at sending time who wants it now (settings, access, activity)
        from chrysalis.notifications.tasks import email_notifications_task

        email_notifications_task.enqueue(ids)


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


# --- e-mail settings -----------------------------------------------------------------------------

SETTING_FIELDS = (*EMAIL_KINDS, "digest")


def update_email_settings(actor, person, **values) -> EmailSettings:
    """Set how `person` gets e-mail: each kind of EMAIL_KINDS immediately / digest / off, and the
    digest daily / weekly / off. Only the person themself; unknown fields or values: Invalid,
    nothing written. Fields not given keep their value."""
    if actor is None or not actor.is_active or actor.pk != person.pk:
        raise Forbidden("You can change only your own e-mail settings.")
    for field, value in values.items():
        if field not in SETTING_FIELDS:
            raise Invalid(f"Unknown e-mail setting {field!r}.", field=field)
        allowed = Frequency.values if field == "digest" else Delivery.values
        if value not in allowed:
            label = "The digest" if field == "digest" else EMAIL_KINDS[field]
            raise Invalid(f"{label}: choose one of {', '.join(allowed)}.", field=field)
    with transaction.atomic():
        row, _ = EmailSettings.objects.select_for_update().get_or_create(user_id=person.pk)
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_at = timezone.now()
        row.save()
    return row


def unsubscribe_token(user, scope: str) -> str:
    """A signed token for the one-click unsubscribe link: `scope` is a kind of EMAIL_KINDS or
    "digest". It needs no sign-in and does not expire (old e-mails keep working)."""
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, scope) of a token made by `unsubscribe_token`; NotFound for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, scope = int(data["u"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This unsubscribe link is not valid.") from None
    if scope not in SETTING_FIELDS:
        raise NotFound("This unsubscribe link is not valid.")
    return user_id, scope


def unsubscribe(token: str) -> tuple[object, str]:
    """Turn off what the token names (one kind, or the digest) for its person; idempotent.
    Returns (person, scope). A bad token or a person who is gone: NotFound, nothing written."""
    from chrysalis.people.models import User

    user_id, scope = read_unsubscribe_token(token)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound("This unsubscribe link is not valid.")
    with transaction.atomic():
        row, _ = EmailSettings.objects.select_for_update().get_or_create(user_id=person.pk)
        if getattr(row, scope) != Delivery.OFF:
            setattr(row, scope, Delivery.OFF)  # Delivery.OFF == Frequency.OFF == "off"
            row.updated_at = timezone.now()
            row.save()
    return person, scope


# --- e-mail delivery records (used by the sending code in email.py and digest.py) ------------------


def claim_notification_email(notification_id: int) -> bool:
    """Mark a notification e-mailed before sending it; False if it already was (a retried task)."""
    return bool(
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    )


def release_notification_email(notification_id: int) -> None:
    """The mail server refused it: let a later run try again."""
    Notification.objects.filter(pk=notification_id).update(emailed_at=None)


def claim_digest(recipient, frequency: str, start, end) -> DigestDelivery | None:
    """Record that this person's digest for this period is being sent; None if it already was."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(
                recipient_id=recipient.pk, frequency=frequency, period_start=start, period_end=end
            )
    except IntegrityError:
        return None


def finish_digest(delivery: DigestDelivery, *, sent: bool) -> None:
    delivery.status = DigestDelivery.Status.SENT if sent else DigestDelivery.Status.EMPTY
    delivery.sent_at = timezone.now() if sent else None
    DigestDelivery.objects.filter(pk=delivery.pk).update(status=delivery.status, sent_at=delivery.sent_at)


def release_digest(delivery: DigestDelivery) -> None:
    """The mail server refused it: forget the claim so that a later run tries again."""
    DigestDelivery.objects.filter(pk=delivery.pk, status=DigestDelivery.Status.SENDING).delete()
