"""The `chrysalis` command, run as a real process against a fresh data folder."""

import os
import subprocess
import sys


def run(data_dir, *args, stdin=None, env=None):
    full_env = {**os.environ, "CHRYSALIS_DATA_DIR": str(data_dir), **(env or {})}
    for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        full_env.pop(key, None)  # the command runs as in production, on its own SQLite data folder
    return subprocess.run(
        [sys.executable, "-m", "chrysalis", *args], capture_output=True, text=True, env=full_env,
        input=stdin, timeout=120,
    )


def test_migrate_creates_the_database_in_the_data_folder(tmp_path):
    result = run(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "chrysalis.sqlite3").exists()
    assert (tmp_path / "secret.key").exists()


def test_token_create_prints_a_working_secret(tmp_path):
    made = run(tmp_path, "createadmin", "--username", "root", "--email", "root@example.com",
               env={"DJANGO_SUPERUSER_PASSWORD": "a-long-password-1"})
    assert made.returncode == 0, made.stderr
    result = run(tmp_path, "token", "create", "root", "--name", "ci")
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert secret.startswith("chr_") and len(secret) > 30
    check = run(tmp_path, "manage", "shell", "-c",
                f"from chrysalis.people.queries import user_for_token; print(user_for_token({secret!r}).username)")
    assert check.stdout.strip().splitlines()[-1] == "root"


def test_token_create_for_unknown_user_is_a_clear_error(tmp_path):
    result = run(tmp_path, "token", "create", "nobody")
    assert result.returncode == 2
    assert "no person with username 'nobody'" in result.stderr


def test_help_lists_every_command(tmp_path):
    result = run(tmp_path, "--help")
    for name in ("serve", "worker", "migrate", "demo", "token", "createadmin", "manage"):
        assert name in result.stdout


def test_worker_runs_the_routing_escalation_on_a_schedule(tmp_path):
    """A real worker process: its scheduler enqueues the escalation task and the worker runs it."""
    import sqlite3
    import time

    assert run(tmp_path, "migrate").returncode == 0
    env = {**os.environ, "CHRYSALIS_DATA_DIR": str(tmp_path)}
    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CHRYSALIS_TASKS"):
        env.pop(key, None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "chrysalis", "worker", "--escalate-every", "0.5", "--interval", "0.2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        done = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not done:
            time.sleep(0.5)
            with sqlite3.connect(tmp_path / "chrysalis.sqlite3") as db:
                done = db.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult "
                    "WHERE task_path LIKE '%escalate_unanswered_task' AND status = 'SUCCESSFUL'"
                ).fetchall()
        assert done, "the worker did not run the scheduled escalation within 30 s"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
