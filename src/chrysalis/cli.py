"""The `chrysalis` command (also `python -m chrysalis`).

Every command uses the data folder from CHRYSALIS_DATA_DIR (default ./var) and creates or migrates
the database as needed before it runs.
"""

import argparse
import os
import signal
import subprocess
import sys


def _setup(migrate: bool = True, quiet: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chrysalis.config.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


def cmd_migrate(args) -> int:
    _setup(migrate=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_demo(args) -> int:
    _setup()
    from chrysalis.core.errors import ActionError
    from chrysalis.demo.build import build_demo

    try:
        build_demo(people=args.people, seed=args.seed, progress=not args.quiet, stdout=sys.stdout)
    except ActionError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_import_stackexchange(args) -> int:
    from chrysalis.integrations.stackexchange import parse_until

    until = None
    if args.until:
        try:
            until = parse_until(args.until)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    _setup()
    from chrysalis.core.errors import ActionError
    from chrysalis.integrations.stackexchange import DumpError, import_stackexchange

    try:
        import_stackexchange(
            args.site_dir, until=until, space_name=args.space, progress=not args.quiet, stdout=sys.stdout
        )
    except DumpError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ActionError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def cmd_token(args) -> int:
    _setup()
    from chrysalis.core.errors import ActionError
    from chrysalis.people.actions import create_api_token
    from chrysalis.people.models import User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no person with username {args.username!r}", file=sys.stderr)
        return 2
    try:
        _token, secret = create_api_token(user, name=args.name)
    except ActionError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(secret)
    return 0


def cmd_createadmin(args) -> int:
    _setup()
    from django.core.management import call_command

    call_command("createsuperuser", interactive=sys.stdin.isatty(), username=args.username, email=args.email)
    return 0


def cmd_manage(args) -> int:
    _setup(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chrysalis manage", *args.rest])
    return 0


def _schedule(name: str, task_path: str, every: float) -> None:
    """Enqueue the task at `task_path` every `every` seconds from a daemon thread of the worker.
    Every periodic task is idempotent (a second run in the same period does nothing new), so an
    enqueue that happens twice, or one whose run failed and is retried, is harmless."""
    import threading

    from django.db import close_old_connections
    from django.utils.module_loading import import_string

    def loop():
        task = import_string(task_path)
        while True:
            try:
                task.enqueue()
            except Exception as exc:  # a locked or unreachable database: try again next time
                print(f"warning: could not schedule {name}: {exc}", file=sys.stderr)
            finally:
                close_old_connections()
            stop.wait(every)

    stop = threading.Event()
    threading.Thread(target=loop, name=f"{name}-scheduler", daemon=True).start()


# The worker's periodic tasks: (name, task path, the worker option giving its period in seconds).
PERIODIC = [
    # questions still unanswered after CHRYSALIS_ROUTING_ESCALATE_AFTER go to the next experts
    ("routing escalation", "chrysalis.experts.tasks.escalate_unanswered_task", "escalate_every"),
    # failed tasks are tried again with backoff (chrysalis.ops)
    ("task retries", "chrysalis.ops.tasks.retry_failed_tasks_task", "retry_every"),
    # the digests whose period has ended and that were not sent yet (chrysalis.notifications)
    ("digests", "chrysalis.notifications.tasks.send_due_digests_task", "digest_every"),
    # organisation insights for the last 30/90/365 days, once a day (skips a day already computed)
    ("insights snapshots", "chrysalis.insights.tasks.compute_standard_snapshots_task", "insights_every"),
]


def cmd_digest(args) -> int:
    _setup()
    from django.conf import settings

    from chrysalis.notifications.digest import send_digests

    print(f"E-mail: {settings.CHRYSALIS_EMAIL_DESCRIPTION}")
    outcome = send_digests(everyone=args.all)
    print(f"{outcome.sent} digest(s) sent, {outcome.empty} with nothing new (not sent).")
    if outcome.failed:
        print(f"error: the mail server refused a digest: {outcome.error}", file=sys.stderr)
        return 1
    return 0


def cmd_worker(args) -> int:
    _setup()
    from django.core.management import call_command

    for name, task_path, option in PERIODIC:
        if getattr(args, option) > 0:
            _schedule(name, task_path, getattr(args, option))
    call_command("db_worker", queue_name="*", interval=args.interval, verbosity=1)
    return 0


def _print_signin(host: str, port: int) -> None:
    from chrysalis.demo.build import DEMO_PASSWORD
    from chrysalis.people.models import User

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    print(f"\nChrysalis is serving on http://{host}:{port}/")
    if admin is not None and admin.check_password(DEMO_PASSWORD):
        print(f"Sign in as '{admin.username}' with password '{DEMO_PASSWORD}' (every demo person has it).")
    elif admin is None:
        print("No administrator yet: create one with `chrysalis createadmin`.")
    from django.conf import settings

    print(f"E-mail: {settings.CHRYSALIS_EMAIL_DESCRIPTION}")
    sys.stdout.flush()


def cmd_serve(args) -> int:
    _setup()
    from chrysalis.people.models import User

    if args.demo_if_empty and not User.objects.exists():
        from chrysalis.demo.build import build_demo

        print("Empty database: building the demo organisation…")
        build_demo(people=300, seed=1, progress=True, stdout=sys.stdout)
    _print_signin(args.host, args.port)

    worker = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "chrysalis", "worker"], env=os.environ.copy())

    from gunicorn.app.base import BaseApplication

    from chrysalis.config.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", "-" if args.access_log else None)
            self.cfg.set("timeout", 60)

        def load(self):
            return application

    try:
        Server().run()
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def cmd_experts(args) -> int:
    _setup()
    from chrysalis.experts.cli import run

    return run(args)


def cmd_backup(args) -> int:
    _setup(migrate=False)  # the installation as it is (a backup before an upgrade must not migrate)
    from django.db import DatabaseError

    from chrysalis.core.backup import BackupError, backup

    try:
        backup(args.dir, progress=not args.quiet, stdout=sys.stdout)
    except BackupError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.code
    except DatabaseError as exc:
        print(f"error: the database: {exc}".rstrip(), file=sys.stderr)
        return 1
    return 0


def cmd_restore(args) -> int:
    _setup(migrate=False)  # an empty target stays untouched until the checks have passed
    from django.db import DatabaseError

    from chrysalis.core.backup import BackupError, restore

    try:
        restore(args.dir, force=args.force, progress=not args.quiet, stdout=sys.stdout)
    except BackupError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.code
    except DatabaseError as exc:
        print(f"error: the database: {exc}".rstrip(), file=sys.stderr)
        return 1
    return 0


def cmd_people_suggest(args) -> int:
    _setup()
    from chrysalis.connections.cli import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chrysalis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the product (gunicorn) with its task worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=int(os.environ.get("CHRYSALIS_WEB_WORKERS", "2")))
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--no-worker", action="store_true", help="do not start the task worker alongside")
    p.add_argument("--demo-if-empty", action="store_true", help="build the demo organisation if there is nobody")
    p.add_argument("--access-log", action="store_true")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the task worker")
    p.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
    p.add_argument("--escalate-every", type=float, default=300.0,
                   help="seconds between routing escalation runs (0: never)")
    p.add_argument("--retry-every", type=float, default=60.0,
                   help="seconds between runs that retry failed tasks (0: never)")
    p.add_argument("--digest-every", type=float, default=300.0,
                   help="seconds between runs that send the due digests (0: never)")
    p.add_argument("--insights-every", type=float, default=3600.0,
                   help="seconds between checks that today's insight snapshots exist (0: never)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("digest", help="e-mail digests")
    dsub = p.add_subparsers(dest="digest_command", required=True)
    d = dsub.add_parser("send", help="send the digests that are due now (as the worker does)")
    d.add_argument("--all", action="store_true",
                   help="send to everyone whose digest is not off, whatever the day (the last day or week)")
    d.set_defaults(func=cmd_digest)

    p = sub.add_parser("migrate", help="create or migrate the database")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="build a believable demo organisation (deterministic by seed)")
    p.add_argument("--people", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import content from another tool")
    isub = p.add_subparsers(dest="import_command", required=True)
    i = isub.add_parser(
        "stackexchange",
        help="import a Stack Exchange dump folder (Posts.xml; Users, Comments, Votes, Tags.xml if there)",
    )
    i.add_argument("site_dir", metavar="SITE_DIR")
    i.add_argument("--until", metavar="ISO_DATETIME", help="import only what was created before it (UTC)")
    i.add_argument("--space", metavar="NAME", help="import into this space (created open if missing)")
    i.add_argument("--quiet", action="store_true", help="no progress bars")
    i.set_defaults(func=cmd_import_stackexchange)

    from chrysalis.experts.cli import add_parser as add_experts_parser

    add_experts_parser(sub)
    sub.choices["experts"].set_defaults(func=cmd_experts)

    from chrysalis.connections.cli import add_parser as add_people_suggest_parser

    add_people_suggest_parser(sub).set_defaults(func=cmd_people_suggest)

    p = sub.add_parser("backup", help="back up the database, uploads and expertise index into DIR")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup made by `chrysalis backup` (into an empty target)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--force", action="store_true", help="replace a target that already has content")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("token", help="personal access tokens for the API")
    tsub = p.add_subparsers(dest="token_command", required=True)
    t = tsub.add_parser("create", help="create a token for USERNAME and print it (shown once)")
    t.add_argument("username")
    t.add_argument("--name", default="command line")
    t.set_defaults(func=cmd_token)

    p = sub.add_parser("createadmin", help="create an administrator")
    p.add_argument("--username", default=None)
    p.add_argument("--email", default=None)
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))
