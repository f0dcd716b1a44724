"""Two machines: two servers and two workers, each with its own data folder, sharing one
PostgreSQL database, one Redis and one S3-compatible upload store (moto's server on loopback).
A question and an answer posted through one server are found by search and expert search on the
other, an attachment uploaded through one is served by the other, and every task runs exactly once.

Runs in the PostgreSQL pass of the suite (DATABASE_URL set to PostgreSQL): it makes a database of
its own there and drops it afterwards.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

PG = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not PG.startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)")
REDIS = "redis://127.0.0.1:6379/9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database():
    import psycopg

    name = f"chrysalis_scale_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(PG)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    import boto3

    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket="uploads")
    yield f"s3://uploads/chrysalis?endpoint={endpoint}&region=us-east-1"
    server.stop()


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    yield client
    client.flushdb()


def chrysalis(*args, env, **kw):
    return subprocess.run([sys.executable, "-m", "chrysalis", *args], env=env, capture_output=True, text=True,
                          timeout=180, **kw)


def wait_for(check, timeout=60, every=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"not true within {timeout} s: {check.__doc__ or check}")


def test_two_servers_and_two_workers_work_together(tmp_path, database, s3, redis_db):
    base = {k: v for k, v in os.environ.items()
            if k not in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DJANGO_SETTINGS_MODULE", "CHRYSALIS_DATA_DIR")}
    base.update(DATABASE_URL=database, CHRYSALIS_REDIS_URL=REDIS, CHRYSALIS_UPLOADS_URL=s3,
                AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", CHRYSALIS_SECRET_KEY="shared-secret-" * 4)
    machines = []
    for name in ("a", "b"):
        data = tmp_path / name
        data.mkdir()
        machines.append({**base, "CHRYSALIS_DATA_DIR": str(data)})
    env_a, env_b = machines

    assert chrysalis("migrate", env=env_a).returncode == 0
    for user in ("asker", "expert"):
        made = chrysalis("createadmin", "--username", user, "--email", f"{user}@example.com",
                         env={**env_a, "DJANGO_SUPERUSER_PASSWORD": "a-long-password-1"})
        assert made.returncode == 0, made.stderr
    tokens = {u: chrysalis("token", "create", u, env=env_a).stdout.strip() for u in ("asker", "expert")}

    procs, ports = [], []
    try:
        for env in machines:
            port = free_port()
            ports.append(port)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "chrysalis", "serve", "--port", str(port), "--workers", "1", "--no-worker"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "chrysalis", "worker", "--interval", "0.2", "--escalate-every", "0",
                 "--retry-every", "0", "--digest-every", "0"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        a, b = (f"http://127.0.0.1:{p}/api/v1" for p in ports)

        def up():
            """both servers answer"""
            try:
                return all(requests.get(f"{u}/people/me", timeout=10).status_code == 401 for u in (a, b))
            except requests.RequestException:
                return False

        wait_for(up, timeout=120)
        auth = {u: {"Authorization": f"Bearer {t}"} for u, t in tokens.items()}

        # an earlier answer gives the expert evidence; then a new question and answer through server A
        q1 = requests.post(f"{a}/questions", headers=auth["asker"], timeout=10, json={
            "title": "How do we rotate zookeeper certificates?", "body": "Our zookeeper ensemble needs new certs.",
            "tags": ["zookeeper"]}).json()
        r = requests.post(f"{a}/questions/{q1['id']}/answers", headers=auth["expert"], timeout=10,
                          json={"body": "Rotate the zookeeper keystore one node at a time, then restart the quorum."})
        assert r.status_code == 201, r.text
        post = requests.post(f"{a}/posts", headers=auth["expert"], timeout=10,
                             json={"body": "Zookeeper quorum runbook with the certificate rotation steps."}).json()
        up_file = requests.post(f"{a}/posts/{post['id']}/attachments", headers=auth["expert"], timeout=10,
                                files={"files": ("runbook.txt", b"step 1: zookeeper keystore\n", "text/plain")})
        assert up_file.status_code == 201, up_file.text

        def searchable_on_b():
            """search on server B finds the answer's words"""
            found = requests.get(f"{b}/search", params={"q": "keystore quorum"}, headers=auth["asker"],
                                 timeout=10).json()
            return found["items"]

        assert wait_for(searchable_on_b)

        def expert_on_b():
            """expert search on server B names the expert"""
            found = requests.get(f"{b}/experts", params={"q": "zookeeper keystore rotation"},
                                 headers=auth["asker"], timeout=10)
            assert found.status_code == 200, found.text
            return [e["person"]["username"] for e in found.json()]

        assert wait_for(expert_on_b)[0] == "expert"

        # signed in on A, the same session works on B (sessions are in the database, one secret key);
        # the attachment uploaded through A is served by B from the shared store
        browser = requests.Session()
        signin = f"http://127.0.0.1:{ports[0]}/signin/"
        browser.get(signin, timeout=10)
        signed = browser.post(signin, timeout=10, allow_redirects=False, headers={"Referer": signin}, data={
            "username": "asker", "password": "a-long-password-1",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        assert signed.status_code == 302, signed.text
        url = up_file.json()[0]["url"]
        served = browser.get(f"http://127.0.0.1:{ports[1]}{url}", timeout=10, allow_redirects=False)
        assert served.status_code == 200 and served.content == b"step 1: zookeeper keystore\n"

        # every task ran exactly once, by one of the two workers, and none is left waiting
        import psycopg

        def settled():
            """every task finished"""
            with psycopg.connect(database) as conn:
                return not conn.execute(
                    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
                ).fetchall()

        wait_for(settled)
        with psycopg.connect(database) as conn:
            rows = conn.execute(
                "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
            ).fetchall()
            routed = conn.execute(
                "SELECT question_id, expert_id, count(*) FROM experts_routingrequest GROUP BY 1, 2"
            ).fetchall()
        assert rows and all(status == "SUCCESSFUL" and len(workers) == 1 for _, status, workers in rows), rows
        assert any(p.endswith("index_post_task") for p, _, _ in rows)
        assert all(n == 1 for _, _, n in routed)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
