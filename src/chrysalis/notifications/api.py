"""Notifications API: the viewer's own inbox, unread count, mark read."""

from ninja import Query, Router

from chrysalis.notifications import actions, queries
from chrysalis.notifications.schemas import (
    EmailSettingsIn,
    EmailSettingsOut,
    NotificationOut,
    NotificationPage,
    ReadAllOut,
    UnreadCountOut,
    email_settings_out,
    notification_out,
)

router = Router(tags=["notifications"])


@router.get("/notifications", response=NotificationPage, summary="My notifications, newest first")
def list_notifications(
    request, cursor: Query[str | None] = None, limit: Query[int | None] = None, unread: Query[bool] = False
):
    page = queries.inbox(request.auth, cursor=cursor, limit=limit, unread_only=unread)
    return {"items": [notification_out(n) for n in page.items], "next_cursor": page.next_cursor}


@router.get("/notifications/unread-count", response=UnreadCountOut, summary="How many unread notifications")
def unread_count(request):
    return {"count": queries.unread_count(request.auth)}


@router.post("/notifications/read-all", response=ReadAllOut, summary="Mark all my notifications read")
def read_all(request):
    return {"updated": actions.mark_all_read(request.auth)}


@router.get("/notifications/email-settings", response=EmailSettingsOut, summary="How e-mail reaches me")
def get_email_settings(request):
    return email_settings_out(queries.email_settings_of(request.auth), request.auth)


@router.patch("/notifications/email-settings", response=EmailSettingsOut, summary="Change how e-mail reaches me")
def patch_email_settings(request, payload: EmailSettingsIn):
    values = payload.dict(exclude_none=True)
    return email_settings_out(actions.update_email_settings(request.auth, request.auth, **values), request.auth)


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one read")
def read_one(request, notification_id: int):
    return notification_out(actions.mark_read(request.auth, notification_id))
