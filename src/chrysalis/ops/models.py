"""The retry chain of failed tasks (the tasks themselves are django-tasks-db's DBTaskResult rows)."""

from django.db import models
from django.utils import timezone


class TaskRetry(models.Model):
    """A failed task run (`failed_id`) that was enqueued again as `retry_id`; `attempt` counts the
    runs so far of the same work (the first retry is attempt 2)."""

    failed_id = models.UUIDField(unique=True)
    retry_id = models.UUIDField(unique=True)
    attempt = models.PositiveSmallIntegerField()
    by = models.ForeignKey("people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.failed_id} retried as {self.retry_id} (attempt {self.attempt})"
