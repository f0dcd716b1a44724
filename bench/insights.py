"""Organisation insights at scale on the big demo organisation (a benchmark that prints figures, not a test).

    .venv/bin/python bench/insights.py [--data DIR] [--people N] [--requests N]

If the data folder has no organisation yet it first builds one with `chrysalis demo --people N`
(default: var/bench-100k, 100 000 people). Then, in one process:
- the snapshot computation as the daily task runs it (`compute_standard_snapshots`: the database
  read once, then the last 30, 90 and 365 days), its time in total and per range;
- page latency through the Django test client (the real URL routing, middleware, templates and
  charts) for an administrator: the four insights pages for each standard range, a CSV download
  and the JSON API, warm, p50 and p95;
- peak memory, the process's maximum resident set size (after both).
"""

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="var/bench-100k")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40, help="requests per kind of page")
    ap.add_argument("--no-compute", action="store_true", help="reuse the snapshots already computed")
    args = ap.parse_args()
    data = Path(args.data).resolve()
    db = data / "chrysalis.sqlite3"
    os.environ["CHRYSALIS_DATA_DIR"] = str(data)
    os.environ.pop("CHRYSALIS_TASKS", None)
    people = 0
    if db.exists():
        try:
            people = sqlite3.connect(db).execute("select count(*) from people_user").fetchone()[0]
        except sqlite3.Error:
            people = 0
    if not people:
        t = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/chrysalis"), "demo", "--people", str(args.people)], check=True)
        print(f"demo built in {time.perf_counter() - t:.0f} s")
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chrysalis.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.test import Client

    from chrysalis.insights import actions
    from chrysalis.insights.models import InsightSnapshot
    from chrysalis.people.models import User
    from chrysalis.posts.models import Post

    print(f"organisation: {User.objects.count():,} people, {Post.objects.count():,} posts")
    if not args.no_compute or not InsightSnapshot.objects.exists():
        t = time.perf_counter()
        snaps = actions.compute_standard_snapshots(force=True)
        total = time.perf_counter() - t
        load = snaps[0].payload.get("load_seconds", 0.0)
        per = ", ".join(f"{s.range_key} days {s.seconds - load:.1f} s" for s in snaps)
        print(f"snapshot computation (daily task, 3 ranges): {total:.1f} s; database read {load:.1f} s; {per}")
        s90 = next(s for s in snaps if s.range_key == "90").payload
        print(f"  90 days: {s90['qa']['questions']:,} questions, {s90['silos']['overall']['external']:,} "
              f"external and {s90['silos']['overall']['internal']:,} internal ties, betweenness "
              f"{s90['silos']['betweenness_method']}, {s90['risk']['topic_count']} topics")
    peak_compute = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    admin = User.objects.filter(username="bench-insights-admin").first() or User.objects.create_user(
        username="bench-insights-admin", password=None, is_staff=True
    )
    client = Client()
    client.force_login(admin)
    paths = [f"{p}?range={r}" for p in ("/insights/", "/insights/qa/", "/insights/silos/", "/insights/risk/")
             for r in ("30", "90", "365")]
    paths += ["/insights/risk/?range=90&person=" + (Post.objects.filter(kind="answer").values_list(
        "author__username", flat=True).first() or "nobody")]
    extra = ["/insights/ei.csv?range=90", "/api/v1/insights?range=90"]
    for p in paths + extra:  # warm: templates, URL resolver, first query plans
        r = client.get(p)
        assert r.status_code == 200, (p, r.status_code)
    pages, others = [], []
    for _ in range(max(1, args.requests // len(paths))):
        for p in paths:
            t = time.perf_counter()
            client.get(p)
            pages.append(time.perf_counter() - t)
    for _ in range(args.requests):
        for p in extra:
            t = time.perf_counter()
            client.get(p)
            others.append(time.perf_counter() - t)
    print(f"insights pages ({len(pages)} requests over {len(paths)} pages, warm, test client): "
          f"p50 {pct(pages, 0.5):.1f} ms, p95 {pct(pages, 0.95):.1f} ms, max {max(pages) * 1000:.1f} ms")
    print(f"CSV download and JSON API ({len(others)} requests): p50 {pct(others, 0.5):.1f} ms, "
          f"p95 {pct(others, 0.95):.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_compute:.0f} MB after the computation, {peak:.0f} MB at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
