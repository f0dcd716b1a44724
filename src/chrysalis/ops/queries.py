"""Reads of the task queue's health, for /healthz and the administrators' page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from chrysalis.core.errors import Forbidden, NotFound
from chrysalis.ops.models import TaskRetry

MAX_ATTEMPTS = 3  # runs of the same work, the first included
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5))  # before the 2nd and the 3rd run


@dataclass(frozen=True)
class Failure:
    id: str
    task: str  # short name
    task_path: str
    failed_at: datetime | None
    error: str  # exception class and the last line of its traceback
    attempt: int
    retried: bool  # a retry of it was enqueued
    will_retry: bool  # the sweep will enqueue one


@dataclass(frozen=True)
class QueueHealth:
    ready: int  # waiting to run (run_after passed)
    scheduled: int  # waiting for a later run_after (retries with backoff)
    running: int
    failed_24h: int
    lag_seconds: float  # how long the oldest ready task has waited (0: none waiting)
    last_finished_at: datetime | None

    def as_dict(self) -> dict:
        return {
            "ready": self.ready,
            "scheduled": self.scheduled,
            "running": self.running,
            "failed_24h": self.failed_24h,
            "lag_seconds": round(self.lag_seconds, 1),
            "last_finished_at": self.last_finished_at.isoformat() if self.last_finished_at else None,
        }


def queue_health(now: datetime | None = None) -> QueueHealth:
    now = now or timezone.now()
    tasks = DBTaskResult.objects
    waiting = tasks.filter(status=TaskResultStatus.READY)
    no_date = get_date_max()  # how django-tasks-db stores "run as soon as possible"
    ready = waiting.filter(Q(run_after=no_date) | Q(run_after__lte=now))
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    last = (
        tasks.filter(finished_at__isnull=False).order_by("-finished_at").values_list("finished_at", flat=True).first()
    )
    return QueueHealth(
        ready=ready.count(),
        scheduled=waiting.filter(run_after__gt=now).exclude(run_after=no_date).count(),
        running=tasks.filter(status=TaskResultStatus.RUNNING).count(),
        failed_24h=tasks.filter(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)).count(),
        lag_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        last_finished_at=last,
    )


def attempt_of(result_id) -> int:
    """Which run of its work this task result is (1: the first)."""
    found = TaskRetry.objects.filter(retry_id=result_id).values_list("attempt", flat=True).first()
    return found or 1


def _error(row: DBTaskResult) -> str:
    last = (row.traceback or "").strip().splitlines()[-1:] or [""]
    name = (row.exception_class_path or "").rsplit(".", 1)[-1]
    return last[0] if last[0].startswith(name) else f"{name}: {last[0]}".strip(": ")


def recent_failures(viewer, limit: int = 50) -> list[Failure]:
    """Failed task runs, newest first, for staff only."""
    require_staff(viewer)
    rows = list(DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")[:limit])
    ids = [r.id for r in rows]
    attempts = dict(TaskRetry.objects.filter(retry_id__in=ids).values_list("retry_id", "attempt"))
    retried = set(TaskRetry.objects.filter(failed_id__in=ids).values_list("failed_id", flat=True))
    out = []
    for r in rows:
        attempt = attempts.get(r.id, 1)
        out.append(
            Failure(
                id=str(r.id),
                task=r.task_path.rsplit(".", 1)[-1],
                task_path=r.task_path,
                failed_at=r.finished_at,
                error=_error(r),
                attempt=attempt,
                retried=r.id in retried,
                will_retry=r.id not in retried and attempt < MAX_ATTEMPTS and retryable(r.task_path),
            )
        )
    return out


def retryable(task_path: str) -> bool:
    """Chrysalis's own tasks are all idempotent (each says how in its docstring), so all retry."""
    return task_path.startswith("chrysalis.")


def require_staff(viewer) -> None:
    if not (viewer is not None and viewer.is_authenticated and viewer.is_active and viewer.is_staff):
        raise Forbidden("Only administrators can see the task queue.")


def get_failed(viewer, result_id) -> DBTaskResult:
    require_staff(viewer)
    row = DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.FAILED).first()
    if row is None:
        raise NotFound("No such failed task.")
    return row
