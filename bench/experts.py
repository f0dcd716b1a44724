"""Expertise engine at scale on the big demo organisation (a benchmark that prints figures, not a test).

    .venv/bin/python bench/experts.py [--data DIR] [--people N] [--queries N]

If the data folder has no organisation yet it first builds one with `chrysalis demo --people N`.
Then, in one process: a full rebuild of the expertise index (evidence from every post and comment,
learned model), the index size on disk, and warm expert-query latency over realistic queries
(question titles of the demo and common topics) for a handful of real viewers, through
`experts.queries.find_experts` (ranking + privacy + hydration, what the page and API call) and the
engine alone. Then the first expert search right after a new answer (`--rounds` times: one answer
added to the engine's index, as the journal replay does, then one search), with few pending documents
and again after `--pending` more documents were staged (the pending segment a busy organisation has
between two merges into the base); and the first search after a vote (an answer re-indexed in place).
Peak memory is the process's maximum resident set size.
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
    ap.add_argument("--rounds", type=int, default=20, help="new answers, each followed by one search")
    ap.add_argument("--pending", type=int, default=50_000, help="documents staged before the last rounds")
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
    after_new_answer(eng, queries, viewers, texts, ids, args.rounds, "few pending documents")
    after_a_vote(eng, queries, viewers, texts, args.rounds)
    if args.pending:
        stage_pending(eng, queries, viewers, ids, args.pending)
        after_new_answer(eng, queries, viewers, texts, ids, args.rounds,
                         f"{len(eng.index.pending):,} pending documents")
    print(f"peak memory (max RSS): {peak:.0f} MB")
    return 0


_added = 0
_clock: list[float] = []  # creation time of the last answer added here


def new_answer(eng, question_ids, rng, text: str):
    """An answer to a known question by a known person, created a minute after everything indexed (the
    live case: a post that just arrived), visible to the whole company."""
    from expertise import Evidence
    from expertise.index import from_epoch

    global _added
    _added += 1
    index = eng.index
    if not _clock:
        _clock.append(index.max_created)
    _clock[0] += 60.0
    return Evidence(
        id=f"bench-{_added}",
        person=index.people[rng.randrange(len(index.people))],
        kind="answer",
        created=from_epoch(_clock[0]),
        title=text,
        text=f"<p>{text}: what worked for us, step by step.</p>",
        question_id=str(rng.choice(question_ids)),
    )


def after_new_answer(eng, queries, viewers, texts, question_ids, rounds: int, label: str) -> None:
    """The first search after the index changed: `rounds` times, one new answer then one search (through
    find_experts, then again with another new answer through the engine alone)."""
    from expertise import Query

    rng = random.Random(2)
    lat_full, lat_engine = [], []
    for i in range(rounds):
        v = viewers[i % len(viewers)]
        text = texts[i % len(texts)]
        eng.index.add(new_answer(eng, question_ids, rng, text))
        t = time.perf_counter()
        queries.find_experts(v, text, limit=10)
        lat_full.append(time.perf_counter() - t)
        vis = eng.normalise_visible(queries.visible_keys(v))
        eng.index.add(new_answer(eng, question_ids, rng, text))
        t = time.perf_counter()
        eng.ranker.rank(Query(text), limit=10, visible=vis)
        lat_engine.append(time.perf_counter() - t)
    print(
        f"first search after a new answer ({label}, {rounds} rounds): find_experts p50 "
        f"{pct(lat_full, 0.5):.1f} ms, p95 {pct(lat_full, 0.95):.1f} ms; engine alone p50 "
        f"{pct(lat_engine, 0.5):.1f} ms, p95 {pct(lat_engine, 0.95):.1f} ms"
    )


def after_a_vote(eng, queries, viewers, texts, rounds: int) -> None:
    """The first search after an answer was voted up (re-indexed in place with a higher score, as a vote
    re-indexes it), `rounds` times with random answers of the base."""
    import numpy as np

    from expertise import Evidence
    from expertise.index import ACC, ANS, KINDS, from_epoch

    index = eng.index
    rng = random.Random(4)
    b = index.base
    answers = np.flatnonzero(((b.kind == ANS) | (b.kind == ACC)) & b.alive)
    lat = []
    for i in range(rounds):
        r = int(answers[rng.randrange(len(answers))])
        index.add(Evidence(id=b.ids[r], person=index.people[int(b.person[r])], kind=KINDS[int(b.kind[r])],
                           created=from_epoch(float(b.created[r])), title=b.titles[r], text=b.titles[r],
                           score=int(b.score[r]) + 1, visibility=index.vis_keys[int(b.vis[r])]))
        t = time.perf_counter()
        queries.find_experts(viewers[i % len(viewers)], texts[i % len(texts)], limit=10)
        lat.append(time.perf_counter() - t)
    print(f"first search after a vote ({rounds} rounds): find_experts p50 {pct(lat, 0.5):.1f} ms, "
          f"p95 {pct(lat, 0.95):.1f} ms")


def stage_pending(eng, queries, viewers, question_ids, n: int) -> None:
    """`n` more new answers in the index's pending segment, leaving it as large as a busy organisation's
    between two merges into the base, then one (untimed) search per viewer, as the steady state has had."""
    index = eng.index
    room = int(max(index.MERGE_MIN, index.MERGE_FRACTION * index.base.n)) - len(index.pending) - 100
    n = max(0, min(n, room))  # stay below the merge threshold: measure the pending segment, not a merge
    rng = random.Random(3)
    t = time.perf_counter()
    for i in range(n):
        index.add(new_answer(eng, question_ids, rng, TERMS[i % len(TERMS)]))
    for v in viewers:
        queries.find_experts(v, "warm up", limit=10)
    print(f"staged {n:,} more answers (and searched once per viewer) in {time.perf_counter() - t:.1f} s")

if __name__ == "__main__":
    sys.exit(main())
