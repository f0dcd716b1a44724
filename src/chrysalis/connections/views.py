"""Pages: people you should know (with spaces worth joining and questions you could answer), the
home page's cards (htmx partials), and "not now"."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chrysalis.connections import actions, queries
from chrysalis.connections.forms import DismissForm
from chrysalis.core.errors import ActionError


def page(request):
    return render(request, "connections/page.html", {"nav": "people", **queries.suggestions_page(request.user)})


def people_card(request):
    return render(request, "connections/_people_card.html", {"people": queries.cached_people(request.user, 3)})


def questions_card(request):
    return render(request, "connections/_questions_card.html", {"questions": queries.cached_questions(request.user, 3)})


def _back(request, form) -> str:
    target = form.cleaned_data.get("next") if form.is_valid() else ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "connections:page"


@require_POST
def dismiss(request):
    form = DismissForm(request.POST)
    if not form.is_valid():
        message = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        if request.htmx:
            return render(request, "connections/_dismissed.html", {"error": message}, status=422)
        messages.error(request, f"Could not hide that suggestion ({message}).")
        return redirect(_back(request, form))
    data = form.cleaned_data
    try:
        made = actions.dismiss_suggestion(request.user, data["kind"], data["target"], reason=data["reason"])
    except ActionError as exc:
        if request.htmx:
            return render(request, "connections/_dismissed.html", {"error": exc.message}, status=exc.status)
        messages.error(request, exc.message)
        return redirect(_back(request, form))
    if request.htmx:
        return render(request, "connections/_dismissed.html", {"dismissal": made})
    messages.success(request, f"Hidden until {made.until:%-d %B %Y}.")
    return redirect(_back(request, form))
