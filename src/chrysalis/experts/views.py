"""Pages: expert search ("Who knows about …"), the "Questions for you" inbox, availability settings."""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from chrysalis.core.errors import ActionError
from chrysalis.experts import actions, queries
from chrysalis.people.models import Department


def search(request):
    q = request.GET.get("q", "").strip()
    tags = [t for t in request.GET.get("tags", "").replace(",", " ").split() if t]
    dept = request.GET.get("department", "")
    location = request.GET.get("location", "").strip()
    outside = request.GET.get("outside") == "1"
    department = int(dept) if dept.isdigit() else None
    results = (
        queries.find_experts(
            request.user,
            q,
            tags=tags,
            department=department,
            location=location,
            outside_my_department=outside,
            limit=20,
        )
        if (q or tags)
        else None
    )
    ctx = {
        "nav": "experts",
        "q": q,
        "tags": " ".join(tags),
        "department": department,
        "location": location,
        "outside": outside,
        "results": results,
        "departments": Department.objects.order_by("name"),
    }
    if request.htmx:
        return render(request, "experts/search.html#results", ctx)
    return render(request, "experts/search.html", ctx)


INBOX_TABS = (("pending", "Waiting"), ("answered", "Answered"), ("declined", "Passed"), ("expired", "No reply"))


def inbox(request):
    """Questions routed to me: the waiting ones, and what became of the others (tabs)."""
    status = request.GET.get("status", "pending")
    ctx = {"nav": "experts", "status": status, "tabs": INBOX_TABS, "page": None, "error": None}
    try:
        ctx["page"] = queries.inbox(request.user, status=status, cursor=request.GET.get("cursor"))
    except ActionError as exc:
        ctx["error"] = exc.message
        return render(request, "experts/inbox.html", ctx, status=exc.status)
    return render(request, "experts/inbox.html", ctx)


def waiting_card(request):
    """The home page's "Questions for you" card (loaded by htmx): the newest questions waiting for the
    viewer's answer; nothing at all when none are."""
    page = queries.inbox(request.user, status="pending", limit=3)
    return render(
        request, "experts/_waiting_card.html", {"page": page, "count": queries.pending_count(request.user)}
    )


@require_POST
def decline(request, pk: int):
    try:
        req = actions.decline_request(request.user, pk, request.POST.get("reason", ""))
    except ActionError as exc:
        if request.htmx:
            return render(
                request,
                "experts/_request.html",
                {"req": queries.get_request(request.user, pk), "error": exc.message},
                status=exc.status,
            )
        messages.error(request, exc.message)
        return redirect("experts:inbox")
    if request.htmx:
        return render(request, "experts/_request.html", {"req": req, "just_declined": True})
    messages.success(request, "Thanks, we will ask someone else.")
    return redirect("experts:inbox")


@require_http_methods(["GET", "POST"])
def settings_page(request):
    prefs = queries.settings_for(request.user)
    error = None
    if request.method == "POST":
        opt_out = request.POST.get("opt_out") == "1"
        raw = request.POST.get("away_until", "").strip()
        try:
            away = None
            if raw:
                try:
                    day = datetime.strptime(raw, "%Y-%m-%d").date()
                except ValueError:
                    from chrysalis.core.errors import Invalid

                    raise Invalid("“Away until” must be a date (YYYY-MM-DD).", field="away_until") from None
                away = timezone.make_aware(datetime.combine(day, time.min))
            prefs = actions.update_settings(request.user, opt_out_of_expertise=opt_out, away_until=away)
            messages.success(request, "Your expertise settings are saved.")
            return redirect("experts:settings")
        except ActionError as exc:
            error = exc.message
    return render(
        request,
        "experts/settings.html",
        {"nav": "experts", "prefs": prefs, "error": error, "weekly_cap": settings.CHRYSALIS_ROUTING_WEEKLY_CAP},
        status=422 if error else 200,
    )


def knows_about(request, username):
    """The "Knows about" card of a profile (loaded by htmx), from evidence the viewer may read."""
    from django.http import Http404

    from chrysalis.core.errors import NotFound
    from chrysalis.people.queries import person_by_username

    try:
        person = person_by_username(username)
    except NotFound:
        raise Http404("No such person.") from None
    return render(request, "experts/_knows_about.html", {"knows": queries.knows_about(request.user, person)})


def ask_hint(request, username):
    """On the ask page, for a person chosen by name (loaded by htmx): why they would not be asked
    now (opted out, away, weekly cap); nothing when they would be."""
    from django.http import Http404

    from chrysalis.core.errors import NotFound
    from chrysalis.people.queries import person_by_username

    try:
        person = person_by_username(username, active_only=True)
    except NotFound:
        raise Http404("No such person.") from None
    return render(request, "experts/_ask_hint.html", {"hint": queries.ask_hint(person)})


def question_routing(request, pk: int):
    """The "Experts asked" card of a question (loaded by htmx): empty for anyone but its asker and
    moderators."""
    requests = queries.question_routing(request.user, pk)
    return render(request, "experts/_question_routing.html", {"requests": requests})


@require_POST
def space_routing(request, slug):
    """Owners and moderators set how many experts a question of their space is routed to."""
    from django.http import Http404

    from chrysalis.spaces.queries import get_known_space

    try:
        space = get_known_space(request.user, slug)
    except ActionError:
        raise Http404("No such space.") from None
    raw = request.POST.get("experts_per_question", "")
    try:
        actions.set_space_routing(request.user, space, experts_per_question=int(raw) if raw.isdigit() else -1)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Question routing saved.")
    return redirect("spaces:settings", space.slug)
