"""Notification pages: the inbox (all / unread, load more), open-and-mark-read, mark all read, the
header badge polled by htmx, the e-mail settings section (a partial on the settings page) and the
one-click unsubscribe (no sign-in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chrysalis.core.errors import ActionError, NotFound
from chrysalis.notifications import actions, queries
from chrysalis.notifications.forms import EmailSettingsForm
from chrysalis.notifications.models import EMAIL_KINDS, Notification

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


def _email_settings_context(request, form=None, saved=False, error=""):
    current = queries.email_settings_of(request.user)
    form = form or EmailSettingsForm(initial={name: getattr(current, name) for name in (*EMAIL_KINDS, "digest")})
    kinds = [(form[name], label) for name, label in EMAIL_KINDS.items()]
    return {
        "form": form,
        "kinds": kinds,
        "saved": saved,
        "error": error,
        "me": request.user,
        "may_email": queries.may_email(request.user),
    }


@require_http_methods(["GET", "POST"])
def email_settings(request):
    """The "E-mail" section of the settings page (htmx partial), or a page of its own without htmx."""
    template = "notifications/email_settings.html" + ("#section" if request.htmx else "")
    if request.method == "GET":
        return render(request, template, _email_settings_context(request))
    form = EmailSettingsForm(request.POST)
    if not form.is_valid():
        error = "Choose one of the offered options for each kind of e-mail."
        return render(request, template, _email_settings_context(request, form=form, error=error), status=422)
    try:
        actions.update_email_settings(request.user, request.user, **form.cleaned_data)
    except ActionError as exc:
        return render(request, template, _email_settings_context(request, form=form, error=exc.message), status=422)
    if request.htmx:
        return render(request, template, _email_settings_context(request, saved=True))
    messages.success(request, "Your e-mail settings are saved.")
    return redirect(reverse("people:settings") + "#email")


UNSUBSCRIBED = {  # what an unsubscribe link stops, for "Stop getting …?" and "You will no longer get …."
    actions.DIGEST_SCOPE: "the digest e-mail",
    **{kind: f"an e-mail when {label[0].lower()}{label[1:]}" for kind, label in EMAIL_KINDS.items()},
}


@login_not_required
@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without cookies or tokens
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a page to confirm; POST: the one-click unsubscribe (the signed token is the credential)."""
    try:
        if request.method == "POST":
            _person, scope = actions.unsubscribe(token)
            done = True
        else:
            _user_id, scope = actions.read_unsubscribe_token(token)
            done = False
    except NotFound as exc:
        return render(request, "notifications/unsubscribe.html", {"invalid": exc.message}, status=404)
    context = {"done": done, "what": UNSUBSCRIBED[scope], "token": token}
    return render(request, "notifications/unsubscribe.html", context)
