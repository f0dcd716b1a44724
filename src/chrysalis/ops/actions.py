"""Writes of the ops app: trying failed tasks again.

Every Chrysalis task is idempotent, so running a failed one again is safe. The worker's sweep
(`retry_failed`) enqueues each failed run again after a backoff, up to MAX_ATTEMPTS runs of the same
work; administrators can retry one by hand from the task page. A failure never blocks other tasks:
the worker moves on, and the failed run waits here for its retry.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from chrysalis.core.errors import Conflict
from chrysalis.ops.models import TaskRetry
from chrysalis.ops.queries import BACKOFF, MAX_ATTEMPTS, attempt_of, get_failed, retryable


def _enqueue_again(row: DBTaskResult, *, attempt: int, run_after: datetime | None, by=None) -> TaskRetry | None:
    """Enqueue the same task with the same arguments and record the link; None when another
    process retried this run first."""
    task = import_string(row.task_path)
    if run_after is not None:
        task = task.using(run_after=run_after)
    args = row.args_kwargs.get("args", [])
    kwargs = row.args_kwargs.get("kwargs", {})
    try:
        with transaction.atomic():
            result = task.enqueue(*args, **kwargs)
            return TaskRetry.objects.create(failed_id=row.id, retry_id=result.id, attempt=attempt, by=by)
    except IntegrityError:
        return None


def retry_failed(now: datetime | None = None, limit: int = 200) -> int:
    """Enqueue again the failed runs of retryable tasks that have runs left; returns how many."""
    now = now or timezone.now()
    done = TaskRetry.objects.values("failed_id")
    rows = (
        DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
        .exclude(id__in=done)
        .order_by("finished_at")[:limit]
    )
    count = 0
    for row in rows:
        if not retryable(row.task_path):
            continue
        attempt = attempt_of(row.id) + 1
        if attempt > MAX_ATTEMPTS:
            continue
        wait = BACKOFF[min(attempt - 2, len(BACKOFF) - 1)]
        if _enqueue_again(row, attempt=attempt, run_after=now + wait) is not None:
            count += 1
    return count


def retry_task(actor, result_id) -> TaskRetry:
    """An administrator runs one failed task again now (even past MAX_ATTEMPTS)."""
    row = get_failed(actor, result_id)
    retry = _enqueue_again(row, attempt=attempt_of(row.id) + 1, run_after=None, by=actor)
    if retry is None:
        raise Conflict("This task was retried already.")
    return retry
