from datetime import datetime

from ninja import Schema


class ActorOut(Schema):
    username: str
    name: str


class NotificationOut(Schema):
    id: int
    verb: str
    text: str
    actor: ActorOut
    post_id: int | None = None
    post_title: str | None = None
    comment_id: int | None = None
    space_slug: str | None = None
    space_name: str | None = None
    created_at: datetime
    read: bool
    read_at: datetime | None = None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class UnreadCountOut(Schema):
    count: int


class ReadAllOut(Schema):
    updated: int


def notification_out(n) -> dict:
    post_title = None
    if n.post_id:
        post_title = n.post.title or (n.post.body[:80] + ("…" if len(n.post.body) > 80 else ""))
    target = post_title or (n.space.name if n.space_id else "")
    return {
        "id": n.pk,
        "verb": n.verb,
        "text": f"{n.actor.name} {n.get_verb_display()}" + (f": {target}" if target else ""),
        "actor": {"username": n.actor.username, "name": n.actor.name},
        "post_id": n.post_id,
        "post_title": post_title,
        "comment_id": n.comment_id,
        "space_slug": n.space.slug if n.space_id else None,
        "space_name": n.space.name if n.space_id else None,
        "created_at": n.created_at,
        "read": n.read_at is not None,
        "read_at": n.read_at,
    }


class EmailSettingsOut(Schema):
    """How e-mail reaches me: each kind immediately / digest / off, the digest daily / weekly / off.
    `email_on` is the master switch (the profile's email_notifications): off, no e-mail at all."""

    routed: str
    mention: str
    answer: str
    accepted: str
    digest: str
    email_on: bool


class EmailSettingsIn(Schema):
    """Only the fields given change."""

    routed: str | None = None
    mention: str | None = None
    answer: str | None = None
    accepted: str | None = None
    digest: str | None = None


def email_settings_out(row, person) -> dict:
    return {
        "routed": row.routed,
        "mention": row.mention,
        "answer": row.answer,
        "accepted": row.accepted,
        "digest": row.digest,
        "email_on": bool(person.email_notifications),
    }
