"""E-mail through Django's mail framework (`MAILERS`, from CHRYSALIS_EMAIL_URL): absolute links,
the one-click unsubscribe headers (RFC 8058) and the e-mail about one notification.

Everything sent is re-read at sending time for the recipient: the notification through
`queries.visible_notifications` (the access door), the person's settings and activity. Sending runs
in tasks (`tasks.py`), never inside a request.
"""

import logging
import re
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from chrysalis.notifications import actions, queries
from chrysalis.notifications.models import EMAIL_KINDS, KIND_OF_VERB, Delivery, Notification

log = logging.getLogger(__name__)

SENTENCES = {
    Notification.Verb.ROUTED: "asked you to answer",
    Notification.Verb.ASKED_BY_NAME: "asked you by name to answer",
    Notification.Verb.MENTION: "mentioned you in",
    Notification.Verb.ANSWER: "answered your question",
    Notification.Verb.ACCEPTED: "accepted your answer to",
}
_SPACES = re.compile(r"\s+")


def absolute(path: str) -> str:
    return settings.CHRYSALIS_BASE_URL + path


def settings_url() -> str:
    return absolute(reverse("people:settings") + "#email")


def unsubscribe_url(recipient, scope: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[actions.unsubscribe_token(recipient, scope)]))


def post_url(post, comment=None) -> str:
    url = reverse("posts:detail", args=[post.pk])
    return absolute(f"{url}#comment-{comment.pk}" if comment is not None else url)


def excerpt(html: str, chars: int = 300) -> str:
    """Plain text of sanitised HTML (a post or comment body), cut at a word."""
    return Truncator(_SPACES.sub(" ", strip_tags(html)).strip()).chars(chars)


def title_of(post) -> str:
    """What a post is called in e-mail: its title, its question's title (answers), or its start."""
    if post.title:
        return post.title
    if post.question_id and post.question is not None and post.question.removed_at is None:
        return post.question.title
    return excerpt(post.body_html, 80)


def build_message(recipient, *, subject: str, template: str, context: dict, scope: str) -> EmailMultiAlternatives:
    """A multipart (plain text + HTML) message to one person from `notifications/email/<template>`,
    with List-Unsubscribe (one click, for `scope`) and a link to the settings."""
    unsubscribe = unsubscribe_url(recipient, scope)
    ctx = {
        **context,
        "recipient": recipient,
        "unsubscribe_url": unsubscribe,
        "settings_url": settings_url(),
        "home_url": absolute("/"),
    }
    text = render_to_string(f"notifications/email/{template}.txt", ctx)
    html = render_to_string(f"notifications/email/{template}.html", ctx)
    message = EmailMultiAlternatives(
        subject=_SPACES.sub(" ", subject).strip(),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((recipient.name, recipient.email))],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Chrysalis-Kind": scope,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_message(n: Notification) -> EmailMultiAlternatives:
    """The e-mail about one notification (selected with actor, post, post__question, comment, space)."""
    post = n.post
    title = title_of(post) if post is not None else ""
    sentence = SENTENCES.get(n.verb, n.get_verb_display())
    body_html = n.comment.body_html if n.comment is not None else (post.body_html if post is not None else "")
    context = {
        "n": n,
        "actor": n.actor.name,
        "sentence": sentence,
        "title": title,
        "space": post.space.name if post is not None and post.space_id else "",
        "excerpt": excerpt(body_html, 600),
        "url": post_url(post, n.comment) if post is not None else absolute(reverse("notifications:list")),
        "kind": KIND_OF_VERB[n.verb],
        "inbox_url": absolute(reverse("experts:inbox")) if KIND_OF_VERB[n.verb] == "routed" else "",
        "kind_label": EMAIL_KINDS[KIND_OF_VERB[n.verb]],
    }
    subject = f"{n.actor.name} {sentence}: {title}" if title else f"{n.actor.name} {sentence}"
    scope = KIND_OF_VERB[n.verb]
    return build_message(n.recipient, subject=subject, template="notification", context=context, scope=scope)


def _sendable(notification_id: int) -> Notification | None:
    """The notification, re-read now for its recipient, if an immediate e-mail about it is due:
    not e-mailed yet, the recipient may get e-mail and wants this kind now, and may still read it."""
    n = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).select_related("recipient").first()
    if n is None or n.verb not in KIND_OF_VERB or not queries.may_email(n.recipient):
        return None
    if queries.email_settings_of(n.recipient).delivery(n.verb) != Delivery.IMMEDIATELY:
        return None
    visible = (
        queries.visible_notifications(n.recipient)
        .filter(pk=n.pk)
        .select_related("actor", "post", "post__space", "post__question", "comment", "space")
        .first()
    )
    if visible is not None:
        visible.recipient = n.recipient
    return visible


def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the immediate e-mails due for these notifications through one connection; returns how
    many were sent. Each is claimed before it is sent, so a retried task sends nothing twice; when
    the mail server fails, the unsent ones are released and the error is raised."""
    claimed = []
    for pk in notification_ids:
        n = _sendable(pk)
        if n is not None and actions.claim_notification_email(n.pk):
            claimed.append(n)
    if not claimed:
        return 0
    sent = 0
    try:
        with mailers.default as connection:
            for n in claimed:
                connection.send_messages([notification_message(n)])
                sent += 1
    except Exception:
        for n in claimed[sent:]:
            actions.release_notification_email(n.pk)
        log.exception("could not send %d notification e-mail(s)", len(claimed) - sent)
        raise
    return sent
