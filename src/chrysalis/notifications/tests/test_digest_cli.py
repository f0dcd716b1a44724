"""`chrysalis digest send [--all]` as a real process (production settings, its own SQLite data
folder) sending through CHRYSALIS_EMAIL_URL to the test's real SMTP server."""

import os
import subprocess
import sys

from chrysalis.notifications.tests.conftest import free_port, links, parts

SETUP = """
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_person
ana = make_person("ana", display_name="Ana Lopez")
bob = make_person("bob", display_name="Bob Stone")
make_person("quiet")
q = qa.ask_question(ana, title="How do we rotate Kafka keys?", body="We need a plan.", tags=["kafka"])
answer = qa.answer_question(bob, q, body="Use the dual-key window.")
qa.vote(ana, answer, 1)
"""

ASKED = """
from django.db import transaction
from chrysalis.experts.actions import ask_by_name
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_person
ana = make_person("ana", display_name="Ana Lopez")
bob = make_person("bob", display_name="Bob Stone")
with transaction.atomic():
    q = qa.ask_question(ana, title="Helm chart upgrade fails", body="Error 42.", tags=["helm"])
    ask_by_name(q, bob)
"""


def run(data_dir, *args, env=None):
    full_env = {**os.environ, "CHRYSALIS_DATA_DIR": str(data_dir), **(env or {})}
    for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        full_env.pop(key, None)  # the command runs as in production, on its own SQLite data folder
    return subprocess.run(
        [sys.executable, "-m", "chrysalis", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_digest_send_sends_what_is_due_and_all_sends_the_last_week_now_and_reports_errors(tmp_path, smtp_server):
    controller, inbox = smtp_server
    inbox.received.clear()
    env = {
        "CHRYSALIS_EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "CHRYSALIS_BASE_URL": "https://chrysalis.example.com/",
        "CHRYSALIS_EMAIL_FROM": "Chrysalis <hello@example.com>",
    }
    assert run(tmp_path, "migrate").returncode == 0
    made = run(tmp_path, "manage", "shell", "-c", SETUP, env=env)
    assert made.returncode == 0, made.stderr
    inbox.received.clear()  # the answer's immediate e-mail is the worker's business, not sent here
    # Nothing written since the last period ended: nothing is due
    due = run(tmp_path, "digest", "send", env=env)
    assert due.returncode == 0, due.stderr
    assert due.stdout.splitlines() == [
        f"E-mail: SMTP 127.0.0.1:{controller.port}",
        "0 digest(s) sent, 3 with nothing new (not sent).",
    ]
    assert inbox.messages == []
    # --all: the last week, now, whatever the day
    every = run(tmp_path, "digest", "send", "--all", env=env)
    assert every.returncode == 0, every.stderr
    assert every.stdout.splitlines()[-1] == "1 digest(s) sent, 2 with nothing new (not sent)."
    [message] = inbox.messages
    assert message["To"] == "Bob Stone <bob@example.com>"
    assert message["From"] == "Chrysalis <hello@example.com>"
    assert message["Subject"] == "Your weekly Chrysalis digest: you helped 1 person"
    assert message["List-Unsubscribe"].startswith("<https://chrysalis.example.com/notifications/unsubscribe/")
    text, html = parts(message)
    assert "1 answer given, 1 person helped, 0 accepted, 0 reactions, 1 up vote" in text
    assert "https://chrysalis.example.com/people/settings/#email" in links(html)
    # A mail server that is down: a clear error and a failing exit status
    down = run(tmp_path, "digest", "send", "--all", env={**env, "CHRYSALIS_EMAIL_URL": f"smtp://127.0.0.1:{free_port()}"})
    assert down.returncode == 1
    assert "error: the mail server refused a digest: ConnectionRefusedError" in down.stderr


def test_a_bad_email_url_is_a_clear_error(tmp_path):
    result = run(tmp_path, "digest", "send", env={"CHRYSALIS_EMAIL_URL": "smpt://mail.example"})
    assert result.returncode != 0
    assert "CHRYSALIS_EMAIL_URL must start with smtp://, smtps:// or console://, not 'smpt'." in result.stderr


def test_the_worker_sends_due_digests_on_a_schedule(tmp_path, smtp_server):
    """A real worker process: its scheduler enqueues the due-digest task and the worker runs it,
    sending through CHRYSALIS_EMAIL_URL."""
    import sqlite3
    import time

    controller, inbox = smtp_server
    env = {"CHRYSALIS_EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    assert run(tmp_path, "migrate").returncode == 0
    made = run(tmp_path, "manage", "shell", "-c", ASKED, env=env)
    assert made.returncode == 0, made.stderr
    inbox.received.clear()
    full_env = {**os.environ, "CHRYSALIS_DATA_DIR": str(tmp_path), **env}
    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CHRYSALIS_TASKS", "CHRYSALIS_TESTING"):
        full_env.pop(key, None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "chrysalis", "worker", "--digest-every", "0.5", "--escalate-every", "0",
         "--retry-every", "0", "--interval", "0.2"],
        env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        done = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not done:
            time.sleep(0.5)
            with sqlite3.connect(tmp_path / "chrysalis.sqlite3") as db:
                done = db.execute(
                    "SELECT return_value FROM django_tasks_database_dbtaskresult "
                    "WHERE task_path LIKE '%send_due_digests_task' AND status = 'SUCCESSFUL'"
                ).fetchall()
        assert done, "the worker did not run the scheduled digests within 30 s"
        # the question waiting for Bob is worth a digest (whatever the period); Ana's is empty
        assert '"sent": 1' in done[0][0] and '"empty": 1' in done[0][0]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not inbox.to("bob@example.com"):
            time.sleep(0.2)
        digests = [m for m in inbox.to("bob@example.com") if m["X-Chrysalis-Kind"] == "digest"]
        assert [m["Subject"] for m in digests] == ["Your weekly Chrysalis digest: 1 question waiting for you"]
        time.sleep(1.5)  # more scheduled runs: the period is not sent twice
        assert len([m for m in inbox.to("bob@example.com") if m["X-Chrysalis-Kind"] == "digest"]) == 1
        # the worker also ran the e-mail task the shell enqueued (asked by name: an immediate e-mail)
        routed = [m for m in inbox.to("bob@example.com") if m["X-Chrysalis-Kind"] == "routed"]
        assert [m["Subject"] for m in routed] == ["Ana Lopez asked you by name to answer: Helm chart upgrade fails"]
    finally:
        worker.terminate()
        worker.wait(timeout=20)
