#!/usr/bin/env python3
"""Offline evaluation of the expertise ranker with the routing judge's exact protocol.

Imports `load_site`, `split`, `baselines` and `metrics` from the judge
(../shared/bench/routing.py, or $ROUTING_JUDGE), builds the index from the training period only
(questions and answers created before the cut-off, accepted flags only for answers before it, and,
as the CLI import indexes them, scores summed from the votes before it and comments before it on
questions that had no answer by then), learns the weights from that history, ranks every test
question in-process and prints the judge's table plus the system row, per-site ratios and macro
averages.

Usage: bench/expertise_eval.py [SITE_DIR ...] [--json]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from expertise import Evidence, ExpertiseIndex, ExpertRanker, Query  # noqa: E402

JUDGE = Path(os.environ.get("ROUTING_JUDGE", ROOT.parent / "shared" / "bench" / "routing.py"))
DATA = JUDGE.parents[1] / "data" / "stackexchange"


def load_judge():
    spec = importlib.util.spec_from_file_location("routing_judge", JUDGE)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["routing_judge"] = mod
    spec.loader.exec_module(mod)
    return mod


def ts(s: str) -> datetime:
    return datetime.fromisoformat(s[:26])


def _rows(path: Path):
    import xml.etree.ElementTree as ET
    if not path.exists():
        return
    for _, row in ET.iterparse(path):
        if row.tag == "row":
            yield dict(row.attrib)
        row.clear()


def training_evidence(sp, site: Path | None = None) -> list[Evidence]:
    """What `chrysalis import stackexchange --until T` puts in the index: questions, answers (accepted only
    when accepted before T), vote scores before T, and comments before T on questions without answers
    before T (see chrysalis.experts.engine.comment_rows)."""
    docs = []
    by_id = {q.id: q for q in sp.train_questions}
    score: dict[str, int] = {}
    if site is not None:
        for v in _rows(site / "Votes.xml"):
            if v.get("CreationDate", "9999") < sp.cutoff and v.get("VoteTypeId") in ("2", "3"):
                pid = v.get("PostId", "")
                score[pid] = score.get(pid, 0) + (1 if v["VoteTypeId"] == "2" else -1)
    answered = set()
    for q in sp.train_questions:
        if q.asker:
            docs.append(Evidence(id=f"q{q.id}", person=q.asker, kind="question", created=ts(q.created),
                                 title=q.title, text=q.body, tags=tuple(q.tags), score=score.get(q.id, 0),
                                 question_id=q.id))
    for a in sp.train_answers:
        q = by_id.get(a.question)
        if q is None:
            continue
        answered.add(q.id)
        if not a.author:
            continue
        kind = "accepted_answer" if q.accepted_answer == a.id else "answer"
        docs.append(Evidence(id=f"a{a.id}", person=a.author, kind=kind, created=ts(a.created), title=q.title,
                             text=a.body, tags=tuple(q.tags), score=score.get(a.id, 0), question_id=q.id))
    if site is not None:
        for c in _rows(site / "Comments.xml"):
            q = by_id.get(c.get("PostId", ""))
            user = c.get("UserId")
            if q is None or q.id in answered or not user or user == "-1":
                continue
            if c.get("CreationDate", "9999") >= sp.cutoff:
                continue
            docs.append(Evidence(id=f"c{c['Id']}", person=f"se:{user}", kind="comment",
                                 created=ts(c["CreationDate"]), title=q.title, text=c.get("Text", ""),
                                 tags=tuple(q.tags), question_id=q.id))
    return docs


def evaluate_site(judge, site: Path, limit: int = 100) -> dict:
    sp = judge.split(judge.load_site(site))
    rows = {name: judge.metrics({q.id: r(q) for q, _, _ in sp.tests}, sp)
            for name, r in judge.baselines(sp).items()}
    t0 = time.perf_counter()
    index = ExpertiseIndex.build(training_evidence(sp, site))
    t1 = time.perf_counter()
    ranker = ExpertRanker(index)
    ranker.fit()
    t2 = time.perf_counter()
    rankings, lat = {}, []
    for q, _, _ in sp.tests:
        s = time.perf_counter()
        hits = ranker.rank(Query(q.title, q.body, tuple(q.tags), q.asker, ts(q.created)), limit=limit,
                           explain=False)
        lat.append(time.perf_counter() - s)
        rankings[q.id] = [h.person for h in hits]
    lat.sort()
    rows["system"] = judge.metrics(rankings, sp)
    best_name = max((k for k in rows if k != "system"), key=lambda k: rows[k]["mrr"])
    return {"cutoff": sp.cutoff, "tests": len(sp.tests), "candidates": len(sp.candidates), "rows": rows,
            "best_baseline": best_name, "best_baseline_mrr": rows[best_name]["mrr"],
            "docs": index.n_docs, "build_s": t1 - t0, "fit_s": t2 - t1,
            "trained_on": ranker.model.trained_on, "l2": ranker.model.l2,
            "weights": dict(zip(ranker.model.features, [round(w, 3) for w in ranker.model.weights], strict=True)),
            "p50_ms": 1000 * lat[len(lat) // 2] if lat else 0, "p95_ms": 1000 * lat[int(len(lat) * 0.95)] if lat else 0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sites", nargs="*", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--weights", action="store_true", help="print the learned weights per site")
    args = ap.parse_args()
    judge = load_judge()
    sites = args.sites or sorted(p for p in DATA.iterdir() if (p / "Posts.xml").exists())
    report = {site.name: evaluate_site(judge, site) for site in sites}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    for site, r in report.items():
        print(f"\n{site}: {r['tests']} test questions, {r['candidates']} candidates, cut-off {r['cutoff']}")
        print(f"  {'ranker':14} {'MRR':>6} {'P@1':>6} {'Hit@5':>6} {'Hit@10':>6} {'nDCG10':>6} {'MRRacc':>6}")
        for name, m in r["rows"].items():
            print(f"  {name:14} {m['mrr']:6.3f} {m['p@1']:6.3f} {m['hit@5']:6.3f} {m['hit@10']:6.3f} "
                  f"{m['ndcg@10']:6.3f} {m['mrr_accepted']:6.3f}")
        print(f"  system / best baseline MRR = {r['rows']['system']['mrr'] / r['best_baseline_mrr']:.3f}"
              f" (best: {r['best_baseline']})")
        print(f"  {r['docs']} docs, build {r['build_s']:.2f}s, fit {r['fit_s']:.2f}s on {r['trained_on']} "
              f"questions (l2={r['l2']}), query p50 {r['p50_ms']:.1f} ms p95 {r['p95_ms']:.1f} ms")
        if args.weights:
            print("  weights:", r["weights"])
    names = list(next(iter(report.values()))["rows"])
    macro = {n: sum(r["rows"][n]["mrr"] for r in report.values()) / len(report) for n in names}
    best = max((n for n in names if n != "system"), key=lambda n: macro[n])
    print("\nmacro-average MRR: " + "  ".join(f"{n} {v:.3f}" for n, v in macro.items()))
    print(f"system / best single baseline ({best}) macro MRR = {macro['system'] / macro[best]:.3f} (target >= 1.25)")
    worst = min(report, key=lambda s: report[s]["rows"]["system"]["mrr"] / report[s]["best_baseline_mrr"])
    w = report[worst]
    print(f"worst site vs its best baseline: {worst} {w['rows']['system']['mrr'] / w['best_baseline_mrr']:.3f}"
          " (target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
