"""Notification pages: the inbox (all / unread, load more), open-and-mark-read, mark all read, and
the header badge polled by htmx."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from chrysalis.core.errors import ActionError, NotFound
from chrysalis.notifications import actions, queries
from chrysalis.notifications.models import Notification

FILTERS = ("all", "unread")


def _filter(request) -> str:
    value = request.GET.get("filter", "all")
    return value if value in FILTERS else "all"


@require_GET
def notification_list(request):
    current = _filter(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.inbox(request.user, cursor=cursor, unread_only=current == "unread")
    except ActionError:  # a malformed cursor: start again from the first page
        page = queries.inbox(request.user, unread_only=current == "unread")
        cursor = None
    context = {"page": page, "filter": current, "nav": "notifications"}
    if request.htmx and cursor:
        return render(request, "notifications/list.html#more", context)
    if request.htmx and request.htmx.target == "notif-panel":
        return render(request, "notifications/list.html#panel", context)
    return render(request, "notifications/list.html", context)


def target_url(notification: Notification) -> str:
    """Where a notification leads: its post (and comment), its space, or the actor's profile."""
    try:
        if notification.post_id:
            url = reverse("posts:detail", args=[notification.post_id])
            return f"{url}#comment-{notification.comment_id}" if notification.comment_id else url
        if notification.space_id:
            name = (
                "spaces:members" if notification.verb == Notification.Verb.JOIN_REQUEST else "spaces:detail"
            )
            return reverse(name, args=[notification.space.slug])
        return reverse("people:profile", args=[notification.actor.username])
    except NoReverseMatch:
        return reverse("notifications:list")


@require_GET
def notification_open(request, pk: int):
    """Marks the notification read, then goes to what it is about."""
    try:
        notification = actions.mark_read(request.user, pk)
    except NotFound:
        context = {"status": 404, "message": "No such notification."}
        return render(request, "web/error.html", context, status=404)
    return redirect(target_url(notification))


@require_POST
def notification_read_all(request):
    actions.mark_all_read(request.user)
    if request.htmx:
        current = _filter(request) if request.GET.get("filter") else request.POST.get("filter", "all")
        current = current if current in FILTERS else "all"
        page = queries.inbox(request.user, unread_only=current == "unread")
        context = {"page": page, "filter": current, "unread_notifications": 0}
        return render(request, "notifications/read_all.html", context)
    return redirect("notifications:list")


@login_not_required
@require_GET
def notification_badge(request):
    """The header badge alone (the context processor supplies `unread_notifications`). Signed-out
    pollers get 286, which tells htmx to stop polling."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    return render(request, "notifications/_badge.html#badge")
