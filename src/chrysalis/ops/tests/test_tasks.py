"""Failed tasks: they block no other task, are tried again with backoff up to MAX_ATTEMPTS runs,
show on the administrators' page and in /healthz, and can be retried by hand (staff only)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chrysalis.core.errors import Conflict, Forbidden
from chrysalis.ops import actions, queries
from chrysalis.ops.models import TaskRetry
from chrysalis.testsupport.factories import PASSWORD, make_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("db_tasks"),
]
RUNS: list[str] = []


@task
def flaky(label: str, failures: int) -> str:
    """Fails its first `failures` runs."""
    RUNS.append(label)
    if RUNS.count(label) <= failures:
        raise RuntimeError(f"{label} broke on run {RUNS.count(label)}")
    return label


@pytest.fixture
def db_tasks():
    RUNS.clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def work() -> None:
    """A real worker loop over everything that is due, until the queue is empty."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def test_a_failure_blocks_no_other_task_and_is_retried_with_backoff():
    bad = flaky.enqueue("bad", 2)
    good = flaky.enqueue("good", 0)
    work()
    assert DBTaskResult.objects.get(pk=good.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=bad.id).status == TaskResultStatus.FAILED
    health = queries.queue_health()
    assert (health.failed_24h, health.ready, health.scheduled) == (1, 0, 0)

    now = timezone.now()
    assert actions.retry_failed(now) == 1
    assert actions.retry_failed(now) == 0  # each failed run is retried once
    second = TaskRetry.objects.get(failed_id=bad.id)
    assert second.attempt == 2
    row = DBTaskResult.objects.get(pk=second.retry_id)
    assert row.run_after == now + timedelta(minutes=1)  # the first backoff
    assert row.args_kwargs == {"args": ["bad", 2], "kwargs": {}}
    assert queries.queue_health(now).scheduled == 1

    DBTaskResult.objects.filter(pk=second.retry_id).update(run_after=now)  # time passes
    work()
    assert DBTaskResult.objects.get(pk=second.retry_id).status == TaskResultStatus.FAILED
    assert actions.retry_failed(now) == 1
    third = TaskRetry.objects.get(failed_id=second.retry_id)
    assert third.attempt == 3
    assert DBTaskResult.objects.get(pk=third.retry_id).run_after == now + timedelta(minutes=5)
    DBTaskResult.objects.filter(pk=third.retry_id).update(run_after=now)
    work()
    assert DBTaskResult.objects.get(pk=third.retry_id).status == TaskResultStatus.SUCCESSFUL
    assert RUNS == ["bad", "good", "bad", "bad"]


def test_no_more_than_max_attempts_then_only_by_hand(client):
    first = flaky.enqueue("doomed", 99)
    failed_id = first.id
    for _ in range(queries.MAX_ATTEMPTS - 1):
        work()
        assert actions.retry_failed() == 1
        failed_id = TaskRetry.objects.get(failed_id=failed_id).retry_id
        DBTaskResult.objects.filter(pk=failed_id).update(run_after=timezone.now())
    work()
    assert queries.attempt_of(failed_id) == queries.MAX_ATTEMPTS
    assert actions.retry_failed() == 0  # out of runs
    assert RUNS == ["doomed"] * queries.MAX_ATTEMPTS

    member = make_person("member")
    admin = make_person("admin", is_staff=True)
    with pytest.raises(Forbidden):
        actions.retry_task(member, failed_id)
    assert not TaskRetry.objects.filter(failed_id=failed_id).exists()

    client.login(username="member", password=PASSWORD)
    assert client.get("/ops/tasks/").status_code == 403
    assert client.post("/ops/tasks/retry/", {"task_id": str(failed_id)}).status_code == 403
    assert not TaskRetry.objects.filter(failed_id=failed_id).exists()

    client.login(username="admin", password=PASSWORD)
    page = client.get("/ops/tasks/").content.decode()
    assert "flaky" in page and "RuntimeError: doomed broke on run 3" in page
    assert f"{queries.MAX_ATTEMPTS} of {queries.MAX_ATTEMPTS} · no more retries" in page
    assert client.post("/ops/tasks/retry/", {"task_id": "not-a-uuid"}).status_code == 302
    assert client.post("/ops/tasks/retry/", {"task_id": str(failed_id)}).status_code == 302
    retry = TaskRetry.objects.get(failed_id=failed_id)
    assert (retry.attempt, retry.by_id) == (queries.MAX_ATTEMPTS + 1, admin.pk)
    with pytest.raises(Conflict):
        actions.retry_task(admin, failed_id)
    assert TaskRetry.objects.filter(failed_id=failed_id).count() == 1


def test_healthz_reports_the_queue(client):
    flaky.enqueue("waiting", 0)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["tasks"]["ready"] == 1 and body["tasks"]["failed_24h"] == 0
    assert body["tasks"]["lag_seconds"] >= 0
