"""Space pages: the list (with the viewer's invitations), create, a space's page (header actions by
htmx, composer, embedded feed), members (roles, remove, invite), requests to join, settings.

Views parse input, call one action or query, render. A secret space the viewer may not know is a
404 on every URL here, exactly as a missing slug. htmx requests get fragments; everything works
without JavaScript through plain form posts and redirects.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, reswap, retarget

from chrysalis.core.errors import ActionError, Forbidden, Invalid, NotFound
from chrysalis.experts.queries import experts_per_question
from chrysalis.spaces import actions, queries
from chrysalis.spaces.models import Role, Visibility

COMPOSER_TEMPLATE = "posts/_composer.html"


def _composer_available() -> bool:
    try:
        select_template([COMPOSER_TEMPLATE])
    except TemplateDoesNotExist:
        return False
    return True


def _space(request, slug: str):
    """The space, annotated for the viewer; Http404 when missing or secret to the viewer."""
    try:
        return queries.get_space_detail(request.user, slug)
    except NotFound:
        raise Http404(queries.NO_SUCH_SPACE) from None


def _not_found_if_unknown(exc: ActionError) -> None:
    if isinstance(exc, NotFound) and exc.message == queries.NO_SUCH_SPACE:
        raise Http404(queries.NO_SUCH_SPACE)


def _flash_error(request, exc: ActionError, target: str = "#space-flash"):
    """htmx: the message alone, swapped into the page's flash region."""
    response = render(request, "spaces/_flash.html", {"error": exc.message})
    return reswap(retarget(response, target), "innerHTML")


VISIBILITY_HELP = [
    (Visibility.OPEN, "Open", "Anyone in the company can find it, read it and join it. Members post."),
    (
        Visibility.PRIVATE,
        "Private",
        "Listed, so people can find it and ask to join, but only members read and post. "
        "Owners and moderators approve requests and invite.",
    ),
    (
        Visibility.SECRET,
        "Secret",
        "Unlisted: only members (and people invited) know it exists. Owners and moderators invite.",
    ),
]


# --------------------------------------------------------------------------------------------
# The list and creation


@require_GET
def space_list(request):
    current = request.GET.get("filter", "all")
    if current not in queries.LIST_FILTERS:
        current = "all"
    q = request.GET.get("q", "").strip()[:120]
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.space_list(request.user, filter=current, q=q, cursor=cursor)
    except ActionError:  # a malformed cursor: start again from the first page
        page, cursor = queries.space_list(request.user, filter=current, q=q), None
    context = {
        "page": page,
        "filter": current,
        "q": q,
        "nav": "spaces",
        "cursor": cursor,
        "filters": [("all", "All"), ("mine", "My spaces"), ("open", "Open"), ("private", "Private")],
    }
    if request.htmx and cursor:
        return render(request, "spaces/list.html#more", context)
    if request.htmx and request.htmx.target == "space-results":
        return render(request, "spaces/list.html#results", context)
    context["invitations"] = queries.my_invitations(request.user, limit=50).items
    return render(request, "spaces/list.html", context)


@require_http_methods(["GET", "POST"])
def space_create(request):
    values = {"name": "", "description": "", "visibility": Visibility.OPEN}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            space = actions.create_space(
                request.user,
                name=values["name"],
                description=values["description"],
                visibility=values["visibility"],
            )
        except ActionError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, f"Space “{space.name}” created. Invite people from its Members page.")
            return redirect("spaces:detail", space.slug)
    return render(
        request,
        "spaces/create.html",
        {
            "values": values,
            "errors": errors,
            "visibilities": VISIBILITY_HELP,
            "nav": "spaces",
        },
        status=422 if errors else 200,
    )


# --------------------------------------------------------------------------------------------
# A space's page and its header actions


def _detail_context(request, space, **extra):
    acc = queries.access(request.user, space)
    return {
        "space": space,
        "acc": acc,
        "nav": "spaces",
        "tab": "posts",
        "show_composer": acc.can_post and _composer_available(),
        **extra,
    }


@require_GET
def space_detail(request, slug: str):
    space = _space(request, slug)
    context = _detail_context(request, space)
    if context["acc"].can_moderate:
        context["pending_requests"] = queries.pending_request_count(space)
    return render(request, "spaces/detail.html", context)


def _after_change(request, slug: str, could_read: bool, success: str, *, ctx: str = ""):
    """The response after join/leave/request/accept/decline: a fragment for htmx, a redirect
    otherwise. If the viewer's access to content changed, htmx reloads the whole page; if the space
    became unknown to them (they left a secret one), they go back to the list."""
    try:
        space = queries.get_space_detail(request.user, slug)
    except NotFound:
        if request.htmx and ctx not in ("card", "invite"):
            return HttpResponseClientRedirect(reverse("spaces:list"))
        if request.htmx:
            return HttpResponse("")
        messages.success(request, success)
        return redirect("spaces:list")
    if request.htmx:
        if ctx == "card":
            return render(request, "spaces/_card.html#actions", {"space": space, "just_done": success})
        if ctx == "invite":
            return render(request, "spaces/list.html#invitation-done", {"space": space, "done": success})
        context = _detail_context(request, space, done=success)
        if context["acc"].can_read != could_read:
            return HttpResponseClientRefresh()
        return render(request, "spaces/detail.html#actions-swap", context)
    messages.success(request, success)
    if ctx in ("card", "invite"):
        return redirect("spaces:list")
    return redirect("spaces:detail", space.slug)


def _refused(request, slug: str, exc: ActionError, *, ctx: str = ""):
    _not_found_if_unknown(exc)
    if request.htmx:
        if ctx == "card":
            space = _space(request, slug)
            return render(request, "spaces/_card.html#actions", {"space": space, "error": exc.message})
        if ctx == "invite":
            return _flash_error(request, exc, "#invitations-flash")
        space = _space(request, slug)
        return render(
            request, "spaces/detail.html#actions-swap", _detail_context(request, space, error=exc.message)
        )
    messages.error(request, exc.message)
    if ctx in ("card", "invite"):
        return redirect("spaces:list")
    return redirect("spaces:detail", slug)


def _membership_change(request, slug: str, do, success: str):
    space = _space(request, slug)
    ctx = request.POST.get("ctx", "")
    could_read = queries.access(request.user, space).can_read
    try:
        do(space)
    except ActionError as exc:
        return _refused(request, slug, exc, ctx=ctx)
    return _after_change(request, slug, could_read, success.format(name=space.name), ctx=ctx)


@require_POST
def space_join(request, slug: str):
    return _membership_change(
        request, slug, lambda s: actions.join_space(request.user, s), "You joined {name}."
    )


@require_POST
def space_leave(request, slug: str):
    return _membership_change(
        request, slug, lambda s: actions.leave_space(request.user, s), "You left {name}."
    )


@require_POST
def space_request(request, slug: str):
    message = request.POST.get("message", "")
    return _membership_change(
        request,
        slug,
        lambda s: actions.request_to_join(request.user, s, message),
        "Request sent: the owners and moderators of {name} will decide.",
    )


@require_POST
def invitation_accept(request, slug: str):
    return _membership_change(
        request, slug, lambda s: actions.accept_invitation(request.user, s), "Welcome to {name}!"
    )


@require_POST
def invitation_decline(request, slug: str):
    return _membership_change(
        request,
        slug,
        lambda s: actions.decline_invitation(request.user, s),
        "Invitation to {name} declined.",
    )


# --------------------------------------------------------------------------------------------
# Members, invitations, roles


def _person_any(username: str):
    """A person by username (deactivated ones too: they may still need removing)."""
    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise Http404("No such person.")
    return person


@require_GET
def space_members(request, slug: str):
    space = _space(request, slug)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.space_members(request.user, space, cursor=cursor)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except ActionError:
        page, cursor = queries.space_members(request.user, space), None
    acc = queries.access(request.user, space)
    context = {
        "space": space,
        "acc": acc,
        "page": page,
        "nav": "spaces",
        "tab": "members",
        "roles": Role.choices,
        "cursor": cursor,
    }
    if request.htmx and cursor:
        return render(request, "spaces/members.html#more", context)
    context["invitations"] = queries.space_invitations(request.user, space)
    if acc.can_moderate:
        context["pending_requests"] = queries.pending_request_count(space)
    return render(request, "spaces/members.html", context)


@require_POST
def space_invite(request, slug: str):
    space = _space(request, slug)
    username = request.POST.get("username", "").strip().lstrip("@")
    try:
        if not username:
            raise Invalid("Type the username of the person to invite.", field="username")
        person = queries.person_by_username(username)
        actions.invite_to_space(request.user, space, person)
    except ActionError as exc:
        _not_found_if_unknown(exc)
        if request.htmx:
            return render(
                request,
                "spaces/members.html#invite",
                {
                    "space": space,
                    "acc": queries.access(request.user, space),
                    "error": exc.message,
                    "username": username,
                    "invitations": queries.space_invitations(request.user, space),
                },
            )
        messages.error(request, exc.message)
        return redirect("spaces:members", space.slug)
    done = f"{person.name} is invited to {space.name}."
    if request.htmx:
        return render(
            request,
            "spaces/members.html#invite",
            {
                "space": space,
                "acc": queries.access(request.user, space),
                "done": done,
                "invitations": queries.space_invitations(request.user, space),
            },
        )
    messages.success(request, done)
    return redirect("spaces:members", space.slug)


@require_GET
def invite_suggestions(request, slug: str):
    space = _space(request, slug)
    people = queries.invite_candidates(request.user, space, request.GET.get("username", "").lstrip("@"))
    return render(request, "spaces/members.html#suggestions", {"people": people})


@require_POST
def member_remove(request, slug: str, username: str):
    space = _space(request, slug)
    person = _person_any(username)
    could_read = queries.access(request.user, space).can_read
    try:
        actions.remove_member(request.user, space, person)
    except ActionError as exc:
        _not_found_if_unknown(exc)
        if request.htmx:
            return _flash_error(request, exc)
        messages.error(request, exc.message)
        return redirect("spaces:members", space.slug)
    if person.pk == request.user.pk:  # removing oneself is leaving
        return _after_change(request, slug, could_read, f"You left {space.name}.")
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"{person.name} was removed from {space.name}.")
    return redirect("spaces:members", space.slug)


@require_POST
def member_role(request, slug: str, username: str):
    space = _space(request, slug)
    person = _person_any(username)
    try:
        membership = actions.set_role(request.user, space, person, request.POST.get("role", ""))
    except ActionError as exc:
        _not_found_if_unknown(exc)
        if request.htmx:
            return _flash_error(request, exc)
        messages.error(request, exc.message)
        return redirect("spaces:members", space.slug)
    if request.htmx:
        return render(
            request,
            "spaces/members.html#member",
            {
                "space": space,
                "acc": queries.access(request.user, space),
                "m": membership,
                "roles": Role.choices,
                "done": f"{person.name} is now {membership.get_role_display().lower()}.",
            },
        )
    messages.success(request, f"{person.name} is now {membership.get_role_display().lower()}.")
    return redirect("spaces:members", space.slug)


# --------------------------------------------------------------------------------------------
# Requests to join, settings


@require_GET
def space_requests(request, slug: str):
    space = _space(request, slug)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.pending_join_requests(request.user, space, cursor=cursor)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except ActionError:
        page, cursor = queries.pending_join_requests(request.user, space), None
    context = {
        "space": space,
        "acc": queries.access(request.user, space),
        "page": page,
        "nav": "spaces",
        "tab": "requests",
        "cursor": cursor,
        "pending_requests": queries.pending_request_count(space),
    }
    if request.htmx and cursor:
        return render(request, "spaces/requests.html#more", context)
    return render(request, "spaces/requests.html", context)


def _decide(request, slug: str, pk: int, approve: bool):
    space = _space(request, slug)
    try:
        join_request = queries.get_join_request(request.user, space, pk)
        actions.decide_join_request(request.user, join_request, approve=approve)
    except ActionError as exc:
        _not_found_if_unknown(exc)
        if isinstance(exc, Forbidden) and not request.htmx:
            raise PermissionDenied(exc.message) from None
        if request.htmx:
            return _flash_error(request, exc)
        messages.error(request, exc.message)
        return redirect("spaces:requests", space.slug)
    who = join_request.user.name
    done = f"{who} is now a member." if approve else f"{who}'s request was declined."
    if request.htmx:
        return render(request, "spaces/requests.html#decided", {"r": join_request, "done": done})
    messages.success(request, done)
    return redirect("spaces:requests", space.slug)


@require_POST
def request_approve(request, slug: str, pk: int):
    return _decide(request, slug, pk, True)


@require_POST
def request_decline(request, slug: str, pk: int):
    return _decide(request, slug, pk, False)


@require_http_methods(["GET", "POST"])
def space_settings(request, slug: str):
    space = _space(request, slug)
    acc = queries.access(request.user, space)
    if not acc.is_owner:
        raise PermissionDenied("Only the space's owners can change its settings.")
    values = {"name": space.name, "description": space.description, "visibility": space.visibility}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            actions.update_space(request.user, space, **values)
        except ActionError as exc:
            _not_found_if_unknown(exc)
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, "Settings saved.")
            return redirect("spaces:detail", space.slug)
    return render(
        request,
        "spaces/settings.html",
        {
            "space": space,
            "acc": acc,
            "values": values,
            "errors": errors,
            "visibilities": VISIBILITY_HELP,
            "nav": "spaces",
            "tab": "settings",
            "routing_k": experts_per_question(space),
        },
        status=422 if errors else 200,
    )
