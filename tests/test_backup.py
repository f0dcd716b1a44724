"""`chrysalis backup DIR` / `chrysalis restore DIR`, run as real processes: a small organisation with
an uploaded attachment is backed up and restored into a fresh data folder (SQLite) or a fresh
database (PostgreSQL), and the two are compared table by table, row by row for a few, and byte for
byte for the attachment. A restore into a target that has content is refused and changes nothing."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from chrysalis.core.backup import BackupError, read_manifest

ATTACHMENT = ("Runbook for the billing batch.\n" * 200 + "end\n").encode()
SEED = f"""
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from chrysalis.demo.build import build_demo
from chrysalis.people.models import User
from chrysalis.posts.actions import create_post
build_demo(people=60, seed=3, progress=False, stdout=io.StringIO())
walter = User.objects.get(username="walter.brandt")
create_post(walter, body="The mainframe billing batch runbook, attached. #mainframe",
            files=[SimpleUploadedFile("runbook.txt", {ATTACHMENT!r}, content_type="text/plain")])
"""
# what the restored installation must answer: people, posts, the attachment's bytes, full-text
# search and expert search
PROBE = """
import hashlib, json
from chrysalis.experts.engine import get_engine
from chrysalis.people.models import User
from chrysalis.posts.models import Attachment, Post
from chrysalis.search.queries import search
admin = User.objects.get(username="admin")
att = Attachment.objects.get()
print(json.dumps({
    "people": list(User.objects.order_by("pk").values_list("username", "display_name", "title", "department__name")),
    "posts": [list(r) for r in Post.objects.order_by("pk")
              .values_list("pk", "author__username", "kind", "title", "body")[:50]],
    "attachment": [att.original_name, att.size, hashlib.sha256(att.file.read()).hexdigest()],
    "search": [h.url for h in search(admin, "runbook").hits],
    "index_docs": get_engine().index.n_docs,
}))
"""


def run(data_dir, *args, env=None, timeout=180):
    full_env = {**os.environ, "CHRYSALIS_DATA_DIR": str(data_dir), **(env or {})}
    for key in ("CHRYSALIS_TASKS", "CHRYSALIS_TESTING", "DJANGO_SETTINGS_MODULE"):
        full_env.pop(key, None)
    if not (env or {}).get("DATABASE_URL"):
        full_env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "chrysalis", *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def probe(data_dir, env=None) -> dict:
    out = ok(run(data_dir, "manage", "shell", "-c", PROBE, env=env)).stdout
    return json.loads(out.strip().splitlines()[-1])


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_round_trip_into_a_fresh_data_folder_and_refusal_of_a_non_empty_target(tmp_path):
    source, backup_dir, target = tmp_path / "source", tmp_path / "backup", tmp_path / "target"
    ok(run(source, "migrate"))
    ok(run(source, "manage", "shell", "-c", SEED))
    ok(run(source, "experts", "--rebuild"))
    before = probe(source)

    made = ok(run(backup_dir.parent / "unused", "backup", str(backup_dir), env={"CHRYSALIS_DATA_DIR": str(source)}))
    assert "Backed up to" in made.stdout and "1 uploaded files" in made.stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"] == "sqlite" and manifest["counts"]["people_user"] == 60
    assert manifest["uploads"]["files"] == 1 and manifest["uploads"]["bytes"] == len(ATTACHMENT)
    assert {"index.npz", "model.json"} <= set(manifest["expertise"])
    assert sorted(p.name for p in backup_dir.iterdir()) == [
        "database.sqlite3", "expertise", "manifest.json", "secret.key", "uploads",
    ]

    restored = ok(run(target, "restore", str(backup_dir)))
    assert "Restored" in restored.stdout and "expertise index restored" in restored.stdout
    assert sqlite_counts(target / "chrysalis.sqlite3") == sqlite_counts(source / "chrysalis.sqlite3")
    after = probe(target)
    assert after == before
    assert after["attachment"] == ["runbook.txt", len(ATTACHMENT), hashlib.sha256(ATTACHMENT).hexdigest()]
    assert after["search"] and after["index_docs"] > 0
    experts = ok(run(target, "experts", "the mainframe billing batch failed", "--json"))
    assert "walter.brandt" in experts.stdout
    assert (target / "secret.key").read_text() == (source / "secret.key").read_text()

    # a second restore into the now non-empty target is refused, and changes nothing
    db_digest, counts = digest(target / "chrysalis.sqlite3"), sqlite_counts(target / "chrysalis.sqlite3")
    refused = run(target, "restore", str(backup_dir), "--quiet")
    assert refused.returncode == 2
    assert "The target is not empty" in refused.stderr and "--force" in refused.stderr
    assert f"it already has 60 people, {counts['posts_post']} posts" in refused.stderr
    assert digest(target / "chrysalis.sqlite3") == db_digest
    assert sqlite_counts(target / "chrysalis.sqlite3") == counts

    # with --force, new content in the target is replaced by the backup's; a damaged index file in
    # the backup is rebuilt from the database
    ok(run(target, "createadmin", "--username", "extra", "--email", "x@example.com",
           env={"DJANGO_SUPERUSER_PASSWORD": "a-long-password-1"}))
    (target / "uploads" / "stray.txt").write_text("not in the backup")
    (backup_dir / "expertise" / "index.npz").write_bytes(b"damaged")
    forced = ok(run(target, "restore", str(backup_dir), "--force", "--quiet"))
    assert "expertise index rebuilt" in forced.stdout and "could not be used" in forced.stderr
    assert sqlite_counts(target / "chrysalis.sqlite3") == sqlite_counts(source / "chrysalis.sqlite3")
    assert not (target / "uploads" / "stray.txt").exists()
    assert probe(target) == before


def test_backup_into_a_non_empty_folder_and_restore_of_a_non_backup_are_refused(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    refused = run(tmp_path / "data", "backup", str(tmp_path / "full"))
    assert refused.returncode == 2 and "is not an empty folder" in refused.stderr
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["something"]
    refused = run(tmp_path / "data", "restore", str(tmp_path / "full"))
    assert refused.returncode == 2 and "no manifest.json" in refused.stderr


def test_sqlite_copy_is_one_consistent_state_while_a_writer_keeps_writing(tmp_path, monkeypatch):
    """The online copy, in many small steps, while another connection inserts rows as fast as it
    can: the writer is never blocked, and the copy holds exactly the rows up to one moment."""
    import threading
    import time

    from chrysalis.core import backup

    db = tmp_path / "live.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB)")
        conn.executemany("INSERT INTO t (blob) VALUES (?)", [(b"x" * 4000,) for _ in range(3000)])
    stop, written = threading.Event(), []

    def writer():
        conn = sqlite3.connect(db, timeout=30)
        while not stop.is_set():
            conn.execute("INSERT INTO t (blob) VALUES (?)", (b"y" * 4000,))
            conn.commit()
            written.append(1)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.001)
        monkeypatch.setattr(backup, "PAGES_PER_STEP", 16)  # about 200 steps
        before = len(written)
        backup._sqlite_copy(db, tmp_path / "copy.sqlite3", False, "database")
        during = len(written) - before
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        n, highest = copy.execute("SELECT COUNT(*), MAX(id) FROM t").fetchone()
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert n == highest and 3000 < n < 3000 + len(written) + 1
    assert during > 0  # the writer went on while the copy was made


def test_read_manifest_refuses_unfinished_foreign_and_newer_backups(tmp_path):
    with pytest.raises(BackupError, match="no such folder"):
        read_manifest(tmp_path / "missing")
    with pytest.raises(BackupError, match="no manifest.json"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BackupError, match="not readable"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(BackupError, match="not a Chrysalis backup manifest"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "chrysalis-backup", "format_version": 99}))
    with pytest.raises(BackupError, match="newer Chrysalis"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": "chrysalis-backup", "format_version": 1, "database_file": "database.sqlite3"})
    )
    with pytest.raises(BackupError, match="database.sqlite3 is missing") as refused:
        read_manifest(tmp_path)
    assert refused.value.code == 2


# ------------------------------------------------------------------------------------------ PostgreSQL
PG_SERVER = os.environ.get("CHRYSALIS_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def _pg():
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server at " + PG_SERVER)
    return conn


def pg_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def pg_databases():
    """Two new, uniquely named databases (source and target), dropped afterwards."""
    admin = _pg()
    names = [f"h6_backup_{uuid.uuid4().hex[:10]}_{role}" for role in ("source", "target")]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{PG_SERVER}/{name}" for name in names]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_postgresql_round_trip_into_a_fresh_database(tmp_path, pg_databases):
    source_url, target_url = pg_databases
    source, backup_dir, target = tmp_path / "source", tmp_path / "backup", tmp_path / "target"
    src_env, dst_env = {"DATABASE_URL": source_url}, {"DATABASE_URL": target_url}
    ok(run(source, "migrate", env=src_env))
    ok(run(source, "manage", "shell", "-c", SEED, env=src_env))
    before = probe(source, env=src_env)

    ok(run(source, "backup", str(backup_dir), "--quiet", env=src_env))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"] == "postgresql" and (backup_dir / "database.dump").stat().st_size > 0
    assert manifest["counts"]["people_user"] == 60

    ok(run(target, "restore", str(backup_dir), "--quiet", env=dst_env))
    assert pg_counts(target_url) == pg_counts(source_url)
    assert probe(target, env=dst_env) == before

    # refused when the target has content; nothing changes
    counts = pg_counts(target_url)
    refused = run(target, "restore", str(backup_dir), "--quiet", env=dst_env)
    assert refused.returncode == 2 and "The target is not empty" in refused.stderr
    assert pg_counts(target_url) == counts
    # forced: replaced, sequences included (a new row gets a fresh id)
    ok(run(target, "restore", str(backup_dir), "--force", "--quiet", env=dst_env))
    assert pg_counts(target_url) == pg_counts(source_url)
    ok(run(target, "createadmin", "--username", "extra", "--email", "x@example.com",
           env={**dst_env, "DJANGO_SUPERUSER_PASSWORD": "a-long-password-1"}))
    assert pg_counts(target_url)["people_user"] == 61
