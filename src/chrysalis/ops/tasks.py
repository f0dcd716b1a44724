"""Tasks of the ops app."""

from django.tasks import task


@task
def retry_failed_tasks_task() -> int:
    """Enqueue failed runs again with backoff (idempotent: each failed run is retried once, its
    retry recorded under a unique key)."""
    from chrysalis.ops.actions import retry_failed

    return retry_failed()
