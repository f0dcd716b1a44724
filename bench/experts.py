"""Expertise engine at scale on the big demo organisation (a benchmark that prints figures, not a test).

    .venv/bin/python bench/experts.py [--data DIR] [--people N] [--queries N]

If the data folder has no organisation yet it first builds one with `chrysalis demo --people N`.
Then, in one process: a full rebuild of the expertise index (evidence from every post and comment,
learned model), the index size on disk, and warm expert-query latency over realistic queries
(question titles of the demo and common topics) for a handful of real viewers, through
`experts.queries.find_experts` (ranking + privacy + hydration, what the page and API call) and the
engine alone. Peak memory is the process's maximum resident set size.
"""

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERMS = [
    "kubernetes",
    "postgres upgrade",
    "contract renewal",
    "gdpr retention",
    "onboarding checklist",
    "api rate limit",
    "phishing",
    "budget forecast",
    "python packaging",
    "customer story",
    "laptop setup",
    "incident review",
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="var/bench-100k")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--viewers", type=int, default=5)
    ap.add_argument("--no-rebuild", action="store_true", help="reuse the index on disk")
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
    from chrysalis.experts import engine, queries
    from chrysalis.people.models import User
    from chrysalis.posts.models import Post

    if not args.no_rebuild:
        t = time.perf_counter()
        stats = engine.rebuild(progress=True)
        rebuild_s = time.perf_counter() - t
        print(f"full rebuild: {rebuild_s:.1f} s ({stats})")
    t = time.perf_counter()
    eng = engine.get_engine()
    print(
        f"index load: {time.perf_counter() - t:.1f} s, {eng.index.n_docs:,} documents, "
        f"{len(eng.index.people):,} people, "
        f"{len(eng.index.terms_list):,} terms, model trained on {eng.model.trained_on} questions"
    )
    size = sum(p.stat().st_size for p in engine.data_dir().iterdir() if p.is_file())
    print(f"index size on disk: {size / 1e6:.1f} MB")

    rng = random.Random(1)
    ids = list(Post.objects.filter(kind="question").order_by("-pk").values_list("pk", flat=True)[:20000])
    titles = list(
        Post.objects.filter(pk__in=rng.sample(ids, min(len(ids), args.queries))).values_list(
            "title", flat=True
        )
    )
    texts = [t for t in titles if t] + TERMS
    rng.shuffle(texts)
    texts = texts[: args.queries]
    top = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:5000])
    viewers = list(User.objects.filter(pk__in=rng.sample(top, args.viewers)))
    for v in viewers:  # warm: each viewer's visible set, statistics and caches
        queries.find_experts(v, "warm up", limit=10)
    lat_full, lat_engine, empty = [], [], 0
    for i, text in enumerate(texts):
        v = viewers[i % len(viewers)]
        t = time.perf_counter()
        res = queries.find_experts(v, text, limit=10)
        lat_full.append(time.perf_counter() - t)
        empty += not res
        vis = eng.normalise_visible(queries.visible_keys(v))
        from expertise import Query

        t = time.perf_counter()
        eng.ranker.rank(Query(text), limit=10, visible=vis)
        lat_engine.append(time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"expert search (find_experts, {len(texts)} queries, {len(viewers)} viewers, warm): "
        f"p50 {pct(lat_full, 0.5):.1f} ms, p95 {pct(lat_full, 0.95):.1f} ms, max {max(lat_full) * 1000:.1f} ms; "
        f"{empty} with no result"
    )
    print(f"engine ranking alone: p50 {pct(lat_engine, 0.5):.1f} ms, p95 {pct(lat_engine, 0.95):.1f} ms")
    print(f"peak memory (max RSS): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
