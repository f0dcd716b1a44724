"""Backup and restore of a Chrysalis installation (`chrysalis backup DIR`, `chrysalis restore DIR`).

A backup folder holds:
- the database: `database.sqlite3`, an online copy made with SQLite's backup API (consistent while
  the server and the worker keep writing), or `database.dump`, `pg_dump -Fc` of the PostgreSQL
  database, taken from an exported snapshot so that the manifest's counts are exactly the dump's;
- `uploads/`: the attachments (the data folder's uploads);
- `expertise/`: the expertise index files (index, learned model, journal position), copied before
  the database, so the database is never older than the index; a restore catches the index up with
  the database's journal (or rebuilds it when its files are missing, unreadable or too old);
- `secret.key` when the data folder has one (sessions and signed links stay valid after a restore);
- `manifest.json`, written last (a folder without it is an unfinished backup): format version,
  time, Chrysalis version, database kind, the row count of every table, the uploads' file count
  and bytes.

A restore refuses a target that already has content (rows in any table other than Django's own
bookkeeping, or uploaded files) unless forced, before writing anything. It then restores the
database, the files, migrates (a backup of an older version), and checks every table's count
against the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

FORMAT = "chrysalis-backup"
FORMAT_VERSION = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
PAGES_PER_STEP = 4096
# tables that a freshly migrated, empty database already fills (not "content")
FIRST = {"people_user": 0, "posts_post": 1, "posts_comment": 2, "spaces_space": 3}  # named first in messages
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


class BackupError(Exception):
    """A refused or failed backup/restore; `code` is the command's exit code (2: refused, 1: failed)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.message, self.code = message, code


# ------------------------------------------------------------------------------------------ helpers
def _bar(progress: bool, total: int | None, desc: str, unit: str = "it"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc.ljust(12), unit=unit, disable=not progress, file=sys.stderr,
                dynamic_ncols=True, mininterval=0.5)


def _vendor() -> str:
    from django.db import connection

    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def _tables() -> list[str]:
    """Every table of the installed models (many-to-many tables included), sorted."""
    from django.apps import apps

    names = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    }
    return sorted(names)


def _labels() -> dict[str, str]:
    """Table name -> what its rows are, for messages ("posts", "people")."""
    from django.apps import apps

    labels = {m._meta.db_table: str(m._meta.verbose_name_plural) for m in apps.get_models(include_auto_created=True)}
    return {**labels, "people_user": "people"}


def _count(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for t in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(t)}")
        counts[t] = int(cursor.fetchone()[0])
    return counts


def _live_counts() -> dict[str, int]:
    """Row counts of the current database's tables (tables not there yet count as empty)."""
    from django.db import connection

    present = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        counts = _count(cur, [t for t in _tables() if t in present], connection.ops.quote_name)
    return counts


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _copy_tree(src: Path, dst: Path, progress: bool, desc: str) -> tuple[int, int]:
    files = _files(src)
    size = 0
    with _bar(progress, len(files), desc, "file") as bar:
        for f in files:
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)  # new mtimes: a running engine sees restored index files as changed
            size += f.stat().st_size
            bar.update(1)
    return len(files), size


def _pg_args() -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump / pg_restore, from Django's settings."""
    from django.db import connection

    s = connection.settings_dict
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args + ["--dbname", str(s["NAME"])], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client)"
        )
    return path


def _run_tool(cmd: list[str], env: dict, progress: bool, desc: str, total: int | None) -> None:
    """Run pg_dump / pg_restore with --verbose, one progress step per line it reports."""
    with _bar(progress, total, desc, "object") as bar:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        errors = []
        assert proc.stderr is not None
        for line in proc.stderr:
            bar.update(1)
            if "error" in line.lower():
                errors.append(line.strip())
        rc = proc.wait()
    if rc != 0:
        detail = "; ".join(errors[-3:]) or f"exit code {rc}"
        raise BackupError(f"{Path(cmd[0]).name} failed: {detail}")


def _sqlite_copy(src_path: Path, dst_path: Path, progress: bool, desc: str) -> None:
    """SQLite's online backup, a few thousand pages per step (for the progress bar). The source
    connection holds one read transaction for the whole copy, so every step reads the same
    snapshot: the copy is one consistent state, and writers (the server, the worker: WAL mode) are
    never blocked and never make the backup start over."""
    src = sqlite3.connect(f"{src_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None)
    dst = sqlite3.connect(dst_path, timeout=30)
    try:
        src.execute("BEGIN")
        src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the read transaction starts here
        with _bar(progress, None, desc, "page") as bar:

            def step(_status, remaining, total):
                bar.total = total
                bar.n = total - remaining
                bar.refresh()

            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
        src.execute("COMMIT")
    finally:
        dst.close()
        src.close()


# ------------------------------------------------------------------------------------------ backup
def backup(dest, *, progress: bool = True, stdout: TextIO | None = None) -> dict:
    """Back up the database, uploads and expertise index into the folder `dest` (new or empty).
    A backup that fails part-way leaves the folder empty again."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} is not an empty folder: back up into a new or empty folder", code=2)
    kind = _vendor()
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"backing up a {kind} database is not supported")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        return _backup(dest, kind, progress, stdout)
    except BaseException:
        for p in dest.iterdir():
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()
        raise


def _backup(dest: Path, kind: str, progress: bool, stdout: TextIO | None) -> dict:
    from django.conf import settings
    from django.db import connection, transaction

    from chrysalis import __version__
    from chrysalis.experts import engine

    data_dir = Path(settings.DATA_DIR)

    # 1. the expertise index, before the database (the database copied next is never older). Its
    #    journal position first and the index last: a rebuild saving meanwhile can only make the
    #    copy replay journal rows it already includes, which is harmless.
    index_path, model_path, base_path = engine.paths()
    first, last = {base_path.name: 0, model_path.name: 1}, {index_path.name: 3}
    files = [f for f in engine.data_dir().iterdir() if f.is_file() and f.suffix not in (".tmp", ".lock")]
    copied = []
    (dest / "expertise").mkdir()
    for f in sorted(files, key=lambda f: (first.get(f.name, last.get(f.name, 2)), f.name)):
        try:
            shutil.copyfile(f, dest / "expertise" / f.name)
        except FileNotFoundError:  # replaced while we looked
            continue
        copied.append(f.name)

    # 2. the database, with the counts of exactly what was copied
    if kind == "sqlite":
        db_path = Path(connection.settings_dict["NAME"])
        connection.close()
        _sqlite_copy(db_path, dest / SQLITE_FILE, progress, "database")
        copy = sqlite3.connect(dest / SQLITE_FILE)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the database copy failed its integrity check: {check}")
            present = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = _count(copy.cursor(), [t for t in _tables() if t in present], connection.ops.quote_name)
        finally:
            copy.close()
        db_file = SQLITE_FILE
    else:
        pg_dump = _tool("pg_dump")
        args, env = _pg_args()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = _live_counts()
            cmd = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--verbose",
                   f"--snapshot={snapshot}", "--file", str(dest / PG_FILE), *args]
            _run_tool(cmd, env, progress, "database", None)
        db_file = PG_FILE

    # 3. uploads and the secret key. After the database: a file uploaded meanwhile is only an
    #    unused extra, while every attachment row of the copy finds its file.
    n_files, n_bytes = _copy_tree(Path(settings.MEDIA_ROOT), dest / "uploads", progress, "uploads")
    key = data_dir / "secret.key"
    if key.exists():
        shutil.copyfile(key, dest / "secret.key")
        (dest / "secret.key").chmod(0o600)

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "chrysalis": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "database_file": db_file,
        "counts": counts,
        "uploads": {"files": n_files, "bytes": n_bytes},
        "expertise": copied,
        "secret_key": key.exists(),
    }
    tmp = dest / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    tmp.replace(dest / "manifest.json")
    if stdout is not None:
        print(
            f"Backed up to {dest}: {kind} database ({_summary(counts)}), {n_files} uploaded files "
            f"({n_bytes:,} bytes), expertise index ({len(copied)} files).",
            file=stdout,
        )
    return manifest


def _summary(counts: dict[str, int]) -> str:
    labels = [("people_user", "people"), ("spaces_space", "spaces"), ("posts_post", "posts"),
              ("posts_comment", "comments")]
    return ", ".join(f"{counts.get(t, 0):,} {label}" for t, label in labels)


# ------------------------------------------------------------------------------------------ restore
def read_manifest(src: Path) -> dict:
    path = src / "manifest.json"
    if not src.is_dir():
        raise BackupError(f"{src}: no such folder", code=2)
    if not path.is_file():
        raise BackupError(f"{src} is not a complete Chrysalis backup (no manifest.json)", code=2)
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not readable: {exc}", code=2) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Chrysalis backup manifest", code=2)
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"{src} was made by a newer Chrysalis (backup format {manifest['format_version']})", code=2)
    if not (src / manifest.get("database_file", "")).is_file():
        raise BackupError(f"{src} is incomplete: {manifest.get('database_file')} is missing", code=2)
    return manifest


def target_content() -> dict[str, int]:
    """What the target already holds: non-empty tables (other than bookkeeping) and uploaded files."""
    from django.conf import settings

    found = {t: n for t, n in _live_counts().items() if n and t not in BOOKKEEPING}
    uploads = len(_files(Path(settings.MEDIA_ROOT)))
    if uploads:
        found["uploaded files"] = uploads
    return found


def restore(src, *, force: bool = False, progress: bool = True, stdout: TextIO | None = None) -> dict:
    """Restore the backup folder `src` into the configured database and data folder."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    src = Path(src)
    manifest = read_manifest(src)
    kind = _vendor()
    if manifest["database"] != kind:
        raise BackupError(
            f"{src} is a backup of a {manifest['database']} database, but this installation uses {kind}: "
            "restore it into the same kind of database",
            code=2,
        )
    existing = target_content()
    if existing and not force:
        labels = _labels()
        shown = ", ".join(
            f"{n:,} {labels.get(t, t)}"
            for t, n in sorted(existing.items(), key=lambda kv: (kv[0] not in FIRST, FIRST.get(kv[0], 0), -kv[1]))[:4]
        )
        raise BackupError(
            f"The target is not empty: it already has {shown}. Nothing was changed. Restore into an empty "
            "database and data folder, or pass --force to replace everything in it.",
            code=2,
        )

    # 1. the database
    if kind == "sqlite":
        db_path = Path(connection.settings_dict["NAME"])
        connection.close()
        _sqlite_copy(src / SQLITE_FILE, db_path, progress, "database")
    else:
        pg_restore = _tool("pg_restore")
        args, env = _pg_args()
        listing = subprocess.run([pg_restore, "--list", str(src / PG_FILE)], capture_output=True, text=True)
        if listing.returncode != 0:
            raise BackupError(f"{src / PG_FILE} is not a readable pg_dump archive: {listing.stderr.strip()}")
        entries = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
        _drop_all_tables()
        cmd = [pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
               "--exit-on-error", "--verbose", *args, str(src / PG_FILE)]
        _run_tool(cmd, env, progress, "database", entries)
        connection.close()

    # 2. files: uploads, expertise index, secret key (what was there is replaced)
    data_dir = Path(settings.DATA_DIR)
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    n_files, n_bytes = _copy_tree(src / "uploads", media, progress, "uploads")
    from chrysalis.experts import engine

    exp_dir = engine.data_dir()
    for f in exp_dir.iterdir():
        if f.is_file():
            f.unlink()
    for name in manifest.get("expertise", []):
        if (src / "expertise" / name).is_file():
            shutil.copyfile(src / "expertise" / name, exp_dir / name)
    if (src / "secret.key").is_file() and not os.environ.get("CHRYSALIS_SECRET_KEY"):
        shutil.copyfile(src / "secret.key", data_dir / "secret.key")
        (data_dir / "secret.key").chmod(0o600)

    # 3. migrate (a backup of an older version) and check what came back
    call_command("migrate", interactive=False, verbosity=0)
    counts = _live_counts()
    wrong = {
        t: (n, counts.get(t))
        for t, n in manifest["counts"].items()
        if counts.get(t) != n and t not in BOOKKEEPING  # migrate may add content types and permissions
    }
    if wrong:
        shown = ", ".join(f"{t}: {got} instead of {n}" for t, (n, got) in list(wrong.items())[:5])
        raise BackupError(f"the restored database does not match the backup's manifest: {shown}")
    if n_files != manifest.get("uploads", {}).get("files", 0):
        listed = manifest.get("uploads", {}).get("files", 0)
        raise BackupError(f"restored {n_files} uploaded files, the backup's manifest lists {listed}")
    index = _check_index(progress)
    if stdout is not None:
        print(
            f"Restored {src} (made {manifest['created_at']}): {kind} database ({_summary(counts)}), "
            f"{n_files} uploaded files ({n_bytes:,} bytes), expertise index {index}.",
            file=stdout,
        )
    return {"counts": counts, "uploads": n_files, "index": index}


def _drop_all_tables() -> None:
    """PostgreSQL: drop every table of the current schema (a forced restore replaces everything)."""
    from django.db import connection, transaction

    tables = connection.introspection.table_names()
    if not tables:
        return
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS " + ", ".join(qn(t) for t in tables) + " CASCADE")


def _check_index(progress: bool) -> str:
    """Load the restored expertise index and catch it up with the database; rebuild it when it is
    missing or unreadable. Returns how it went."""
    from chrysalis.experts import engine

    index_path, model_path, _base = engine.paths()
    engine.reset()
    reason = "the backup has none" if not (index_path.exists() and model_path.exists()) else None
    if reason is None:
        try:
            eng = engine.ensure_fresh(engine.get_engine())
            return f"restored ({eng.index.n_docs:,} documents)"
        except Exception as exc:  # a damaged file: the database is the source of truth
            reason = f"the backup's could not be used: {exc}"
    print(f"Rebuilding the expertise index ({reason})…", file=sys.stderr)
    stats = engine.rebuild(progress=progress)
    return f"rebuilt ({stats['documents']:,} documents)"
