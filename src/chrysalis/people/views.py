"""Pages of people: the directory, profiles, the org chart, settings, avatars.

Each view parses input, calls one action or query, and renders: the full page normally, a
partial for htmx requests. Every form also works as a plain POST followed by a redirect."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chrysalis.core.errors import ActionError, NotFound
from chrysalis.people import actions, queries

TPL = "people/"


def _directory_filters(request) -> dict:
    g = request.GET
    return {
        "q": g.get("q", "").strip()[:200],
        "department": g.get("department", "").strip(),
        "location": g.get("location", "").strip(),
        "skill": g.get("skill", "").strip(),
    }


@require_GET
def directory(request):
    filters = _directory_filters(request)
    cursor = request.GET.get("cursor") or None
    error = None
    try:
        page = queries.directory(
            request.user,
            department=filters["department"] or None,
            cursor=cursor,
            **{k: v for k, v in filters.items() if k != "department"},
        )
    except ActionError as exc:
        page, error = queries.Page(items=[], next_cursor=None), exc.message
    query = {k: v for k, v in filters.items() if v}
    ctx = {
        "nav": "people",
        "page": page,
        "filters": filters,
        "query": query,
        "error": error,
        "cursor": cursor,
    }
    if request.htmx and cursor:
        return render(request, TPL + "directory.html#more", ctx)
    if request.htmx:
        return render(request, TPL + "directory.html#results", ctx)
    ctx.update(
        departments=queries.flatten_tree(queries.department_tree()),
        locations=queries.locations(),
        skills=queries.skills_in_use(),
    )
    return render(request, TPL + "directory.html", ctx)


@require_GET
def suggest(request):
    """<option>s of people for the manager picker's datalist (htmx)."""
    q = request.GET.get("q") or request.GET.get("manager") or ""
    return render(
        request, TPL + "settings.html#suggestions", {"suggestions": queries.suggest_people(request.user, q)}
    )


def _profile_or_404(request, username):
    try:
        return queries.profile(request.user, username)
    except NotFound:
        raise Http404("No such person.") from None


@require_GET
def profile(request, username):
    prof = _profile_or_404(request, username)
    ctx = {"nav": "people" if not prof.is_self else "", "profile": prof, "person": prof.person}
    if request.htmx:
        return render(request, TPL + "profile.html#main", ctx)
    return render(request, TPL + "profile.html", ctx)


def _person_or_404(username):
    try:
        return queries.person_by_username(username)
    except NotFound:
        raise Http404("No such person.") from None


@require_POST
def follow(request, username):
    """Follow (or, with action=unfollow, stop following). htmx swaps the button in place."""
    person = _person_or_404(username)
    error = None
    try:
        if request.POST.get("action") == "unfollow":
            actions.unfollow_person(request.user, person)
        else:
            actions.follow_person(request.user, person)
    except ActionError as exc:
        error = exc.message
    if request.htmx:
        # htmx swaps 2xx answers only: a refusal comes back as the button with its message.
        prof = queries.profile(request.user, username)
        return render(
            request,
            TPL + "profile.html#follow",
            {"profile": prof, "person": prof.person, "follow_error": error, "oob": True},
        )
    if error:
        messages.error(request, error)
    return redirect("people:profile", username=username)


@require_GET
def orgchart(request, username):
    person = _person_or_404(username)
    chart = queries.org_chart(person)
    ctx = {"nav": "people", "chart": chart, "person": person}
    if request.htmx:
        return render(request, TPL + "orgchart.html#main", ctx)
    return render(request, TPL + "orgchart.html", ctx)


@require_GET
def reports(request, username):
    """The direct reports of one person, as a nested list for the org chart (htmx); without JS
    the org chart of that person shows the same."""
    person = _person_or_404(username)
    if not request.htmx:
        return redirect("people:orgchart", username=username)
    return render(request, TPL + "orgchart.html#reports", {"reports": queries.reports_of(person)})


# --- settings ----------------------------------------------------------------------------------


def _settings_context(request, **extra) -> dict:
    user = request.user
    prof = queries.profile(user, user.username)
    ctx = {
        "nav": "",
        "me": prof.person,
        "departments": queries.flatten_tree(queries.department_tree()),
        "skills_text": ", ".join(s.name for s in prof.person.skills.all()),
        "tokens": queries.tokens_of(user),
        "form": None,
        "errors": {},
    }
    ctx.update(extra)
    form = ctx["form"]
    ctx["current_department"] = (
        form["department"] if form else (prof.person.department.slug if prof.person.department else "")
    )
    return ctx


def settings_page(request):
    if request.method == "POST":
        return _save_profile(request)
    ctx = _settings_context(request)
    if request.htmx:
        return render(request, TPL + "settings.html#main", ctx)
    return render(request, TPL + "settings.html", ctx)


def _save_profile(request):
    p = request.POST
    form = {
        "display_name": p.get("display_name", ""),
        "title": p.get("title", ""),
        "location": p.get("location", ""),
        "bio": p.get("bio", ""),
        "department": p.get("department", ""),
        "manager": p.get("manager", ""),
        "skills": p.get("skills", ""),
    }
    try:
        actions.update_profile(
            request.user, request.user, email_notifications=p.get("email_notifications") == "on", **form
        )
    except ActionError as exc:
        ctx = _settings_context(
            request, form=form, errors={exc.field or "form": exc.message}, form_error=exc.message
        )
        ctx["skills_text"] = form["skills"]
        request.user.refresh_from_db()
        return render(request, TPL + "settings.html", ctx, status=422)
    messages.success(request, "Your profile is saved.")
    return redirect("people:settings")


@require_POST
def avatar_upload(request):
    try:
        if request.POST.get("action") == "remove":
            actions.remove_avatar(request.user, request.user)
            messages.success(request, "Your photo is removed.")
        else:
            actions.set_avatar(request.user, request.user, request.FILES.get("avatar"))
            messages.success(request, "Your photo is updated.")
    except ActionError as exc:
        ctx = _settings_context(request, avatar_error=exc.message)
        return render(request, TPL + "settings.html", ctx, status=422)
    return redirect(reverse("people:settings") + "#photo")


@require_POST
def token_create(request):
    new_token = secret = error = None
    try:
        new_token, secret = actions.create_api_token(request.user, name=request.POST.get("name", ""))
    except ActionError as exc:
        error = exc.message
    ctx = _settings_context(request, new_token=new_token, secret=secret, token_error=error)
    if request.htmx:
        return render(request, TPL + "settings.html#tokens", ctx)
    # The secret is shown once: render it now rather than redirect.
    return render(request, TPL + "settings.html", ctx, status=422 if error else 200)


@require_POST
def token_revoke(request, token_id):
    try:
        actions.revoke_api_token(request.user, token_id)
    except NotFound:
        raise Http404("No such token.") from None
    if request.htmx:
        return render(request, TPL + "settings.html#tokens", _settings_context(request))
    messages.success(request, "The token is revoked.")
    return redirect(reverse("people:settings") + "#tokens")


@require_GET
def avatar(request, username):
    person = _person_or_404(username)
    if not person.avatar:
        raise Http404("No photo.")
    try:
        handle = person.avatar.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
