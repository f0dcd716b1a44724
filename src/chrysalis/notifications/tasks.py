"""Background work of notifications (django.tasks; `chrysalis worker` runs them): e-mail about
notifications, and the digests that are due (the worker enqueues that every few minutes)."""

from django.tasks import task


@task
def email_notifications_task(notification_ids: list[int]) -> int:
    """E-mail these notifications to recipients who want them immediately; returns how many went."""
    from chrysalis.notifications.email import send_notification_emails

    return send_notification_emails(notification_ids)


@task
def send_due_digests_task() -> dict:
    """Send every digest that is due now (each period at most once per person)."""
    from chrysalis.notifications.digest import send_digests

    return send_digests().as_dict()
