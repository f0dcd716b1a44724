import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chrysalis.experts.cli import BadInput, read_batch

ROOT = Path(__file__).resolve().parents[4]


def test_malformed_line_names_the_line(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"id": 1, "title": "ok", "body": "", "tags": []}\n\n{"id": 2, "title": "x", "tags": "nope"}\n'
    )
    with pytest.raises(BadInput, match=r"line 3: 'tags' must be a list of strings"):
        read_batch(str(f))
    f.write_text('{"id": 1, "title": "ok"}\nnot json\n')
    with pytest.raises(BadInput, match="line 2: not valid JSON"):
        read_batch(str(f))
    f.write_text('{"id": 1, "title": "ok", "created": "yesterday"}\n')
    with pytest.raises(BadInput, match="line 1: 'created' is not an ISO 8601"):
        read_batch(str(f))


def _env(tmp_path):
    env = dict(os.environ, CHRYSALIS_DATA_DIR=str(tmp_path / "data"))
    for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)  # the command runs as in production, on its own SQLite data folder
    return env


def _run(args, env, **kw):
    return subprocess.run(
        [sys.executable, "-m", "chrysalis", *args], env=env, capture_output=True, text=True, cwd=ROOT, **kw
    )


SETUP = """
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_person
a, b, c = make_person("asker"), make_person("alice"), make_person("bob")
b.external_id = "se:2"; b.save()
q = qa.ask_question(a, title="Kubernetes pods restart", body="help", tags=["kubernetes"])
qa.answer_question(b, q, body="Check the kubernetes liveness probe.")
q2 = qa.ask_question(a, title="Postgres vacuum", body="help", tags=["postgres"])
qa.answer_question(c, q2, body="Tune postgres autovacuum.")
"""


def test_cli_batch_and_real_worker(tmp_path):
    env = _env(tmp_path)
    assert _run(["migrate"], env).returncode == 0
    r = _run(["manage", "shell", "-c", SETUP], env)
    assert r.returncode == 0, r.stderr
    qf = tmp_path / "q.jsonl"
    qf.write_text(
        json.dumps(
            {
                "id": "q1",
                "title": "kubernetes probe",
                "body": "<p>pods</p>",
                "tags": ["kubernetes"],
                "asker": "se:999",
                "created": "2999-01-01T00:00:00",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": 7,
                "title": "kubernetes",
                "body": "",
                "tags": [],
                "asker": None,
                "created": "2000-01-01T00:00:00",
            }
        )
        + "\n"
    )
    r = _run(["experts", "--batch", str(qf), "--limit", "5"], env)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0]["id"] == "q1" and lines[0]["experts"][0]["external_id"] == "se:2"
    assert lines[0]["experts"][0]["why"] and "score" in lines[0]["experts"][0]
    assert lines[1] == {"id": 7, "experts": []}  # nothing existed in 2000
    qf.write_text(qf.read_text() + "{broken\n")
    r = _run(["experts", "--batch", str(qf)], env)
    assert r.returncode == 2 and "line 3" in r.stderr and r.stdout == ""

    # a real worker indexes a new answer; the CLI sees it within 5 seconds
    worker = subprocess.Popen(
        [sys.executable, "-m", "chrysalis", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        add = """
from django.db import transaction
from chrysalis.qa import actions as qa
from chrysalis.people.models import User
from chrysalis.experts.tasks import index_post_task
from chrysalis.testsupport.factories import make_person
e = make_person("erin")
q = qa.ask_question(User.objects.get(username="asker"), title="Terraform lock", body="x", tags=["terraform"])
a = qa.answer_question(e, q, body="terraform force-unlock the terraform state lock")
index_post_task.enqueue(q.pk); index_post_task.enqueue(a.pk)
"""
        time.sleep(2)  # the worker is up
        r = _run(["manage", "shell", "-c", add], env)
        assert r.returncode == 0, r.stderr
        start = time.monotonic()
        found = False
        while time.monotonic() - start < 5 and not found:
            r = _run(["experts", "terraform", "state", "lock", "--json"], env)
            found = r.returncode == 0 and any(
                e["username"] == "erin" for e in json.loads(r.stdout)["experts"]
            )
        assert found, r.stdout + r.stderr
    finally:
        worker.terminate()
        worker.wait(timeout=10)
