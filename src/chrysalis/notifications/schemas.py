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
