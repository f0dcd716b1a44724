from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


@login_not_required
def healthz(request):
    """The database answers; the task queue's counts and lag (tasks waiting, the oldest one's wait in
    seconds, failures in the last 24 hours), for monitoring."""
    from chrysalis.ops.queries import queue_health

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok", "tasks": queue_health().as_dict()})


def not_found(request, exception=None):
    message = "This page does not exist, or you cannot see it."
    return render(request, "web/error.html", {"status": 404, "message": message}, status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "You are not allowed to do that."
    return render(request, "web/error.html", {"status": 403, "message": message}, status=403)
