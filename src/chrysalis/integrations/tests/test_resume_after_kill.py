"""The Stack Exchange import resumes after a SIGKILL: a real `chrysalis import stackexchange`
process is killed three times part-way (while it writes people; while it writes answers, comments
or votes; while it recomputes aggregates or indexes for search), and after each kill the database
holds no half object. Run again, it finishes with exactly what an uninterrupted import of the same
dump gives, with no duplicate. On SQLite (the default) and on PostgreSQL when a server is there."""

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from chrysalis.integrations.tests.dumps import REPO, SHARED, rows

SITE = SHARED / "beer"  # people, questions, answers, comments and votes; about 20 s to import here
PG_SERVER = os.environ.get("CHRYSALIS_TEST_PG", "postgres://postgres@127.0.0.1:5432")
TABLES = ("people_user", "posts_post", "posts_comment", "posts_vote", "posts_revision", "search_searchdocument")
SNAPSHOT = """
import pickle
from chrysalis.integrations.tests.dumps import snapshot
from chrysalis.search.models import SearchDocument
from django.db.models import Count
snap = snapshot()
for v in snap["votes"].values():
    v.pop("user")  # a database id: compared through the external ids instead
snap["search"] = dict(SearchDocument.objects.values_list("kind").annotate(n=Count("id")).order_by())
with open(OUT, "wb") as f:
    pickle.dump(snap, f)
"""


@dataclass
class Install:
    """One installation: a data folder, and its own SQLite file or PostgreSQL database."""

    data_dir: Path
    database_url: str | None = None

    def env(self) -> dict:
        env = dict(os.environ, CHRYSALIS_DATA_DIR=str(self.data_dir), PYTHONPATH=str(REPO / "src"))
        for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(key, None)  # as in production
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args, timeout=300):
        return subprocess.run([sys.executable, "-m", "chrysalis", *args], env=self.env(), capture_output=True,
                              text=True, timeout=timeout, cwd=REPO)

    def start(self, *args):
        return subprocess.Popen([sys.executable, "-m", "chrysalis", *args], env=self.env(), cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def query(self, sql: str) -> list[tuple]:
        """Read the database from outside the importer's process, as another client would."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return conn.execute(sql).fetchall()
        db = self.data_dir / "chrysalis.sqlite3"
        with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchall()

    def counts(self) -> dict[str, int]:
        return dict(zip(TABLES, self.query("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in TABLES))[0],
                        strict=True))


def import_killed_when(install: Install, ready) -> dict:
    """Start the import, SIGKILL it as soon as `ready(counts)` holds; the counts at the kill."""
    proc = install.start("import", "stackexchange", str(SITE), "--quiet")
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the import finished before it could be killed"
            try:
                now = install.counts()
            except Exception:  # busy for a moment (SQLite), or the tables are being created
                continue
            if ready(now):
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                return now
            time.sleep(0.02)
        pytest.fail("the import did not reach the kill point in time")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def half_objects(install: Install) -> dict[str, int]:
    """Rows that only make sense with others that are missing (each must be 0)."""
    tagged = {"se:post:" + a["Id"] for a in rows(SITE / "Posts.xml") if a.get("PostTypeId") == "1" and a.get("Tags")}

    def one(sql: str) -> int:
        return int(install.query(sql)[0][0])

    untagged = {
        r[0]
        for r in install.query(
            "SELECT external_id FROM posts_post p WHERE kind = 'question' AND NOT EXISTS "
            "(SELECT 1 FROM posts_post_tags t WHERE t.post_id = p.id)"
        )
    }
    return {
        "question or answer without its revision": one(
            "SELECT COUNT(*) FROM posts_post p WHERE kind IN ('question', 'answer') AND NOT EXISTS "
            "(SELECT 1 FROM posts_revision r WHERE r.post_id = p.id AND r.number = 1)"
        ),
        "answer without its question": one(
            "SELECT COUNT(*) FROM posts_post a WHERE kind = 'answer' AND NOT EXISTS "
            "(SELECT 1 FROM posts_post q WHERE q.id = a.question_id AND q.kind = 'question')"
        ),
        "question without its tags": len(untagged & tagged),
        "post without its author": one(
            "SELECT COUNT(*) FROM posts_post p WHERE NOT EXISTS "
            "(SELECT 1 FROM people_user u WHERE u.id = p.author_id)"
        ),
        "comment without its post": one(
            "SELECT COUNT(*) FROM posts_comment c WHERE NOT EXISTS "
            "(SELECT 1 FROM posts_post p WHERE p.id = c.post_id)"
        ),
        "vote without its post": one(
            "SELECT COUNT(*) FROM posts_vote v WHERE NOT EXISTS (SELECT 1 FROM posts_post p WHERE p.id = v.post_id)"
        ),
        "duplicate": sum(
            one(f"SELECT COUNT(*) - COUNT(DISTINCT external_id) FROM {t} WHERE external_id LIKE 'se:%'")
            for t in ("people_user", "posts_post", "posts_comment", "posts_vote")
        ),
        "duplicate revision": one(
            "SELECT COUNT(*) FROM (SELECT post_id, number FROM posts_revision GROUP BY post_id, number "
            "HAVING COUNT(*) > 1) d"
        ),
    }


def snapshot(install: Install) -> dict:
    out = install.data_dir / "snapshot.pickle"
    result = install.run("manage", "shell", "-c", SNAPSHOT.replace("OUT", repr(str(out))))
    assert result.returncode == 0, result.stderr
    with open(out, "rb") as f:
        return pickle.load(f)


@pytest.fixture(params=["sqlite", "postgresql"])
def installs(request, tmp_path):
    """Two fresh, migrated installations of the same kind: one to kill, one left alone."""
    if request.param == "sqlite":
        pair = [Install(tmp_path / "killed"), Install(tmp_path / "clean")]
        created = []
    else:
        psycopg = pytest.importorskip("psycopg")
        try:
            admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
        except psycopg.OperationalError:
            pytest.skip("no PostgreSQL server at " + PG_SERVER)
        created = [f"h6_resume_{uuid.uuid4().hex[:10]}_{role}" for role in ("killed", "clean")]
        for name in created:
            admin.execute(f'CREATE DATABASE "{name}"')
        pair = [Install(tmp_path / name, f"{PG_SERVER}/{name}") for name in created]
    try:
        for install in pair:
            result = install.run("migrate")
            assert result.returncode == 0, result.stderr
        yield pair
    finally:
        if created:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


@pytest.mark.skipif(not (SITE / "Posts.xml").exists(), reason=f"no Stack Exchange dump at {SITE}")
def test_import_killed_three_times_resumes_to_exactly_the_uninterrupted_result(installs):
    killed, clean = installs
    uninterrupted = clean.run("import", "stackexchange", str(SITE), "--quiet")
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    final = clean.counts()
    n_questions = sum(1 for a in rows(SITE / "Posts.xml") if a.get("PostTypeId") == "1")

    # 1. killed while the people are written (some batches committed, not all)
    at = import_killed_when(killed, lambda c: 0 < c["people_user"] < final["people_user"])
    assert 0 < at["people_user"] < final["people_user"] and at["posts_post"] == 0
    assert not any(half_objects(killed).values()), half_objects(killed)

    # 2. run again, killed once the questions are in: while answers, comments or votes are written
    import_killed_when(killed, lambda c: c["posts_post"] > n_questions)
    after = killed.counts()
    assert n_questions < after["posts_post"] and after["posts_vote"] < final["posts_vote"]
    assert not any(half_objects(killed).values()), half_objects(killed)

    # 3. run again, killed after the last vote: while aggregates are recomputed or search is indexed
    import_killed_when(killed, lambda c: c["posts_vote"] == final["posts_vote"])
    assert not any(half_objects(killed).values()), half_objects(killed)

    # 4. run again: it resumes (what is there is reported as already there) and finishes
    resumed = killed.run("import", "stackexchange", str(SITE), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    lines = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in resumed.stdout.splitlines()[2:8]}
    assert lines["questions"][:2] == [0, n_questions]  # (imported, already there)
    assert lines["votes"][0] == 0 and lines["votes"][1] == final["posts_vote"]
    assert killed.counts() == final
    assert not any(half_objects(killed).values())
    assert snapshot(killed) == snapshot(clean)  # every row, aggregate, revision, tag and search document

    # and a further run changes nothing
    again = killed.run("import", "stackexchange", str(SITE), "--quiet")
    assert again.returncode == 0 and "search index: unchanged (nothing new)" in again.stdout
    assert killed.counts() == final
