"""The administrators' task page: the queue's health, failed tasks and their retries."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chrysalis.core.errors import ActionError, Forbidden, NotFound
from chrysalis.ops import actions, queries
from chrysalis.ops.forms import RetryForm


def tasks_page(request):
    try:
        failures = queries.recent_failures(request.user)
    except Forbidden as exc:
        return render(request, "web/error.html", {"status": 403, "message": exc.message}, status=403)
    return render(
        request,
        "ops/tasks.html",
        {"health": queries.queue_health(), "failures": failures, "max_attempts": queries.MAX_ATTEMPTS},
    )


@require_POST
def retry(request):
    form = RetryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a failed task to retry.")
        return redirect("ops:tasks")
    try:
        actions.retry_task(request.user, form.cleaned_data["task_id"])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "web/error.html", {"status": 403, "message": exc.message}, status=403)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("ops:tasks")
    messages.success(request, "Enqueued again.")
    return redirect("ops:tasks")
