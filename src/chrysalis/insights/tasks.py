"""Background work of the insights app (django.tasks; `chrysalis worker` runs them and schedules
the daily snapshots: `--insights-every`)."""

from datetime import date

from django.tasks import task


@task
def compute_standard_snapshots_task(force: bool = False) -> int:
    """The last 30, 90 and 365 days; skipped for a day already computed unless `force`."""
    from chrysalis.insights.actions import compute_standard_snapshots

    return len(compute_standard_snapshots(force=force))


@task
def compute_snapshot_task(since: str, until: str) -> int:
    """One custom range [since, until) (ISO dates), asked for by an administrator."""
    from chrysalis.insights.actions import compute_snapshot

    return compute_snapshot(date.fromisoformat(since), date.fromisoformat(until)).pk
