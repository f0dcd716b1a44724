"""Compute the organisation's insight figures for a date range into a JSON payload (a snapshot).

Privacy: every figure comes from **public content only** (the company feed and open spaces):
interactions through `insights.interactions.interactions(None)`, posts through `public_content_q()`.
Private and secret activity never shows. Breakdown rows (departments, locations, spaces, topics of
unanswered demand) for groups of fewer than MIN_GROUP people are merged into one "Other (small
groups)" row, which is itself left out when it is smaller than MIN_GROUP.

Definitions (the page repeats them):
- creators: people who wrote a post, question or knowledge article in the range;
- contributors: people who did not, but answered, commented, replied, mentioned, reacted or voted;
- readers: every other active account (reading is not tracked, so this is "everyone else");
- active people in a week: creators and contributors acting that week;
- Q&A: questions asked in the range; answered / first answer / accepted as of the range's end;
- silos: ties and the E-I index over departments (expertise.graph), people without a department
  are left out; brokers by betweenness on the tie graph of the range;
- knowledge risk: evidence up to the range's end (answers 1, accepted answers 3, articles 3), on
  question and article tags (expertise.graph.truck_factors).
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.contrib.auth import get_user_model

from chrysalis.experts.models import RoutingRequest
from chrysalis.insights.interactions import interactions
from chrysalis.people.models import Department
from chrysalis.posts.models import Post
from chrysalis.spaces.models import Membership, Space, Visibility
from chrysalis.spaces.queries import public_content_q
from expertise import graph
from expertise.graph import KIND_CODE, Interactions

MIN_GROUP = 5
OTHER = "Other (small groups)"
VERSION = 1
TOP = 25  # rows kept in the long tables
KEY_PEOPLE = 10  # key people named per topic (the first of the greedy removal)
ANSWER, ACCEPTED, ARTICLE = 1.0, 3.0, 3.0
KIND_CODES = {k: i for i, k in enumerate(Post.Kind.values)}
KIND_ANSWER = KIND_CODES[Post.Kind.ANSWER]


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _median(values) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class _Pairs:
    """`(lo, hi) in pairs` over a sorted array of ties, without a Python set of millions of tuples."""

    def __init__(self, pairs: np.ndarray):
        self.span = int(pairs[:, 1].max()) + 1 if len(pairs) else 1
        self.codes = np.sort(pairs[:, 0] * self.span + pairs[:, 1])

    def __contains__(self, pair) -> bool:
        lo, hi = pair
        if hi >= self.span or not len(self.codes):
            return False
        c = lo * self.span + hi
        i = int(np.searchsorted(self.codes, c))
        return i < len(self.codes) and int(self.codes[i]) == c


class Data:
    """Everything read from the database once, for any number of ranges ending by `until`."""

    def __init__(self, until: date):
        User = get_user_model()
        end = _midnight(until)
        self._risk = None
        self._existing = None
        self._expertise = None
        self._arrays = None
        self.people = {
            pk: (dept, loc or "", username, display or username)
            for pk, dept, loc, username, display in User.objects.filter(is_active=True).values_list(
                "pk", "department_id", "location", "username", "display_name"
            )
        }
        self.departments = dict(Department.objects.values_list("pk", "name"))
        self.inter = interactions(None, until=end)
        live = Post.objects.filter(public_content_q(), removed_at__isnull=True, created_at__lt=end)
        rows = live.values_list(
            "pk", "author_id", "kind", "created_at", "space_id", "question_id", "accepted_answer_id"
        )
        self.posts = [(pk, a, k, c.timestamp(), s, q, acc) for pk, a, k, c, s, q, acc in rows.iterator(chunk_size=5000)]
        self.post_kind = {p[0]: p[2] for p in self.posts}
        tag_rows = Post.tags.through.objects.filter(
            post__in=live.filter(kind__in=[Post.Kind.QUESTION, Post.Kind.ARTICLE])
        ).values_list("post_id", "tag__name")
        self.tags: dict[int, list[str]] = defaultdict(list)
        for pid, name in tag_rows.iterator(chunk_size=5000):
            self.tags[pid].append(name)
        self.routing = list(
            RoutingRequest.objects.filter(question__in=live.filter(kind=Post.Kind.QUESTION)).values_list(
                "question_id", "status", "response_seconds", "asked_at"
            )
        )
        open_spaces = Space.objects.filter(visibility=Visibility.OPEN)
        self.spaces = {pk: name for pk, name in open_spaces.values_list("pk", "name")}
        self.space_members: dict[int, set[int]] = defaultdict(set)
        for sid, uid in Membership.objects.filter(space__in=open_spaces).values_list("space_id", "user_id").iterator(
            chunk_size=5000
        ):
            self.space_members[sid].add(uid)

    def post_arrays(self) -> dict:
        """The posts as NumPy arrays (space -1: the company feed)."""
        if self._arrays is None:
            n = len(self.posts)
            self._arrays = {
                "author": np.fromiter((p[1] for p in self.posts), dtype=np.int64, count=n),
                "kind": np.fromiter((KIND_CODES[p[2]] for p in self.posts), dtype=np.int8, count=n),
                "at": np.fromiter((p[3] for p in self.posts), dtype=np.float64, count=n),
                "space": np.fromiter((-1 if p[4] is None else p[4] for p in self.posts), dtype=np.int64, count=n),
            }
        return self._arrays

    def risk(self):
        """(evidence, risk figures): all evidence up to the end, the same for every range."""
        if self._risk is None:
            evidence = _evidence(self)
            self._risk = (evidence, _risk(self, evidence))
        return self._risk

    def expertise(self) -> dict:
        """{person: {topic: evidence weight}} up to the end."""
        if self._expertise is None:
            out: dict = defaultdict(lambda: defaultdict(float))
            for tag, _u, p, w in self.risk()[0]:
                out[p][tag] += w
            self._expertise = out
        return self._expertise

    def existing(self) -> _Pairs:
        """Every tie up to the end (introductions skip people who already interacted)."""
        if self._existing is None:
            self._existing = _Pairs(graph.ties(self.inter))
        return self._existing

    def person(self, pk: int) -> dict:
        dept, _loc, username, name = self.people.get(pk, (None, "", "", "Former member"))
        return {"id": pk, "username": username, "name": name, "department": self.departments.get(dept, "")}


def _breakdown(groups: dict, *, creators: set, contributors: set) -> list[dict]:
    """Rows {name, people, active, creators, contributors} per group of at least MIN_GROUP people
    (largest first), then one OTHER row for the small ones when they add up to MIN_GROUP."""
    rows, small = [], set()
    for name, members in groups.items():
        if len(members) < MIN_GROUP:
            small |= members
            continue
        rows.append((name, members))
    rows.sort(key=lambda r: (-len(r[1]), str(r[0])))
    if len(small) >= MIN_GROUP:
        rows.append((OTHER, small))
    out = []
    for name, members in rows:
        cr, co = len(members & creators), len(members & contributors)
        row = {"name": name, "people": len(members), "active": cr + co, "creators": cr, "contributors": co,
               "active_share": (cr + co) / len(members)}
        out.append(row)
    return out


def _adoption(d: Data, start: float, end: float, inter: Interactions) -> dict:
    P = d.post_arrays()
    in_range = (P["at"] >= start) & (P["at"] < end)
    authors, kinds, p_at, p_space = P["author"][in_range], P["kind"][in_range], P["at"][in_range], P["space"][in_range]
    creators = set(np.unique(authors[kinds != KIND_ANSWER]).tolist())
    i_actor = np.where(inter.kind == KIND_CODE["answer"], inter.target, inter.source)
    actor = np.concatenate([authors, i_actor])
    at = np.concatenate([p_at, inter.at])
    space = np.concatenate([p_space, inter.space])
    people = set(d.people)
    known = np.isin(actor, np.fromiter(people, dtype=np.int64, count=len(people)))
    actor, at, space = actor[known], at[known], space[known]
    creators &= people
    contributors = set(np.unique(actor).tolist()) - creators
    readers = people - creators - contributors
    weeks = max(1, int(np.ceil((end - start) / (7 * 86400))))
    week = np.minimum(weeks - 1, ((at - start) // (7 * 86400)).astype(np.int64))
    span = int(actor.max()) + 1 if len(actor) else 1
    seen = np.unique(week * span + actor)
    per_week = np.bincount(seen // span, minlength=weeks) if len(seen) else np.zeros(weeks, dtype=np.int64)
    in_space = space >= 0
    pairs = np.unique(space[in_space] * span + actor[in_space])
    space_actors: dict[int, set[int]] = defaultdict(set)
    for sp, a in zip((pairs // span).tolist(), (pairs % span).tolist(), strict=True):
        space_actors[sp].add(a)
    ps, pn = np.unique(p_space[p_space >= 0], return_counts=True)
    space_posts = dict(zip(ps.tolist(), pn.tolist(), strict=True))
    by_dept: dict = defaultdict(set)
    by_loc: dict = defaultdict(set)
    for pk, (dept, loc, _u, _n) in d.people.items():
        by_dept[d.departments.get(dept, "No department")].add(pk)
        by_loc[loc or "No location given"].add(pk)
    by_space, small_people, small_active, small_posts = [], set(), set(), 0
    for sid, name in d.spaces.items():
        group = (d.space_members.get(sid, set()) | space_actors.get(sid, set())) & people
        act = space_actors.get(sid, set()) & people
        if len(group) < MIN_GROUP:
            small_people |= group
            small_active |= act
            small_posts += space_posts.get(sid, 0)
            continue
        by_space.append({"name": name, "people": len(group), "active": len(act),
                         "posts": space_posts.get(sid, 0), "active_share": len(act) / len(group)})
    by_space.sort(key=lambda r: (-r["people"], r["name"]))
    if len(small_people) >= MIN_GROUP:
        by_space.append({"name": OTHER, "people": len(small_people), "active": len(small_active),
                         "posts": small_posts, "active_share": len(small_active) / len(small_people)})
    first = datetime.fromtimestamp(start, UTC).date()
    return {
        "people": len(people),
        "participation": {"readers": len(readers), "contributors": len(contributors), "creators": len(creators)},
        "weekly": [
            {"week": (first + timedelta(days=7 * i)).isoformat(), "active": int(n)} for i, n in enumerate(per_week)
        ],
        "by_department": _breakdown(by_dept, creators=creators, contributors=contributors),
        "by_location": _breakdown(by_loc, creators=creators, contributors=contributors),
        "by_space": by_space,
    }


def _qa(d: Data, start: float, end: float) -> tuple[dict, dict]:
    questions = {pk: (author, at, acc) for pk, author, kind, at, _s, _q, acc in d.posts
                 if kind == Post.Kind.QUESTION and start <= at < end}
    first_answer: dict[int, float] = {}
    for _pk, _author, kind, at, _s, q, _acc in d.posts:
        if kind == Post.Kind.ANSWER and q in questions:
            first_answer[q] = min(first_answer.get(q, at), at)
    asked = len(questions)
    waits = [(first_answer[q] - questions[q][1]) / 3600 for q in first_answer]
    accepted = sum(1 for _a, _at, acc in questions.values() if acc is not None)
    routed_q = {q for q, _st, _sec, _at in d.routing if q in questions}
    responses = [sec / 3600 for q, st, sec, _at in d.routing
                 if q in questions and st == RoutingRequest.Status.ANSWERED and sec is not None]
    demand_q: dict[str, int] = defaultdict(int)
    demand_people: dict[str, set[int]] = defaultdict(set)
    by_person: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for q, (author, _at, _acc) in questions.items():
        if q in first_answer:
            continue
        for tag in d.tags.get(q, ()):
            demand_q[tag] += 1
            demand_people[tag].add(author)
            by_person[author][tag] += 1
    rows, small_q, small_people = [], 0, set()
    for tag, n in demand_q.items():
        if len(demand_people[tag]) < MIN_GROUP:
            small_q += n
            small_people |= demand_people[tag]
        else:
            rows.append({"name": tag, "questions": n, "askers": len(demand_people[tag])})
    rows.sort(key=lambda r: (-r["questions"], r["name"]))
    if len(small_people) >= MIN_GROUP:
        rows.append({"name": OTHER, "questions": small_q, "askers": len(small_people)})
    qa = {
        "questions": asked,
        "answered": len(first_answer),
        "answer_rate": _rate(len(first_answer), asked),
        "median_hours_to_first_answer": _median(waits),
        "accepted": accepted,
        "accepted_rate": _rate(accepted, asked),
        "routed_questions": len(routed_q),
        "routed_answered": sum(1 for q in routed_q if q in first_answer),
        "routed_answer_rate": _rate(sum(1 for q in routed_q if q in first_answer), len(routed_q)),
        "routed_median_hours_to_response": _median(responses),
        "unanswered_by_topic": rows,
        "unanswered_small_topics": len(demand_q) - sum(1 for r in rows if r["name"] != OTHER),
    }
    return qa, {p: dict(t) for p, t in by_person.items()}


def _evidence(d: Data) -> list[tuple[str, str, int, float]]:
    out = []
    accepted = {acc for _pk, _a, kind, _at, _s, _q, acc in d.posts if kind == Post.Kind.QUESTION and acc}
    for pk, author, kind, _at, _s, q, _acc in d.posts:
        if kind == Post.Kind.ANSWER and q in d.tags:
            w = ACCEPTED if pk in accepted else ANSWER
            out.extend((tag, f"q{q}", author, w) for tag in d.tags[q])
        elif kind == Post.Kind.ARTICLE:
            out.extend((tag, f"a{pk}", author, ARTICLE) for tag in d.tags.get(pk, ()))
    return out


def _risk(d: Data, evidence) -> dict:
    tfs = graph.truck_factors(evidence)
    orphans = graph.orphaned_by(evidence)
    topics = [
        {"topic": t.topic, "truck_factor": t.truck_factor, "units": t.units, "holders": t.holders,
         "key_people": [d.person(p) for p in t.removed[:KEY_PEOPLE]]}
        for t in tfs
    ]
    return {
        "topics": topics[: TOP * 4],
        "topic_count": len(topics),
        "single_person": [t for t in topics if t["truck_factor"] == 1][: TOP * 4],
        "single_person_count": sum(1 for t in topics if t["truck_factor"] == 1),
        "orphans": {str(p): [[t, round(s, 4)] for t, s in v] for p, v in orphans.items() if p in d.people},
        "method": f"holders: at least {graph.HOLDER_SHARE:.0%} of a thread's top evidence; orphaned: more "
                  f"than {graph.COVERAGE:.0%} of the topic's threads with no holder",
    }


def _silos(d: Data, inter: Interactions, demand: dict, all_ties: _Pairs) -> dict:
    real = {pk: v[0] for pk, v in d.people.items() if v[0] is not None}
    sizes: dict = defaultdict(int)
    for g in real.values():
        sizes[g] += 1
    shown = {g for g, n in sizes.items() if n >= MIN_GROUP}
    small = sum(n for g, n in sizes.items() if g not in shown)
    merged = {p: (d.departments[g] if g in shown else OTHER) for p, g in real.items()}
    pairs = graph.ties(inter)
    per_real, overall = graph.ei_indexes(inter, real, pairs=pairs)
    per, _ = graph.ei_indexes(inter, merged, pairs=pairs)
    visible = [k for k in per if k != OTHER or small >= MIN_GROUP]
    ei_rows = sorted(
        ({"name": k, "people": e.size, "internal": e.internal, "external": e.external, "ei": e.ei,
          "expected": e.expected} for k, e in per.items() if k in visible),
        key=lambda r: (r["ei"] if r["ei"] is not None else 2.0, r["name"]),
    )
    keys, m = graph.group_matrix(inter, merged)
    idx = [i for i, k in enumerate(keys) if k in visible]
    tkeys, tm = graph.tie_matrix(inter, merged, pairs=pairs)
    msizes = {k: per[k].size for k in per}
    expected = graph.expected_ties(msizes, int(overall.ties))
    weak = []
    for i, g in enumerate(tkeys):
        for j in range(i + 1, len(tkeys)):
            h = tkeys[j]
            if OTHER in (g, h) or g not in visible or h not in visible:
                continue
            exp = expected.get((g, h), expected.get((h, g), 0.0))
            weak.append({"a": g, "b": h, "ties": int(tm[i][j]), "expected": exp,
                         "ratio": (tm[i][j] / exp) if exp else None})
    weak.sort(key=lambda r: (r["ratio"] if r["ratio"] is not None else 9e9, r["a"], r["b"]))
    bt = graph.betweenness(inter, np.intersect1d(inter.people(), np.fromiter(real, dtype=np.int64)))
    reach = graph.neighbour_groups(inter, real, pairs=pairs)
    brokers = sorted((p for p, s in bt.scores.items() if s > 0), key=lambda p: (-bt.scores[p], p))[:TOP]
    total_pairs = len(real) * (len(real) - 1) / 2
    expertise = d.expertise()
    weak_set = {frozenset((r["a"], r["b"])) for r in weak if r["ratio"] is not None and r["ratio"] < 1}
    dept_of = {p: d.departments[g] for p, g in real.items() if g in shown}
    per_named = {d.departments[g]: e for g, e in per_real.items() if g in shown}
    existing = all_ties
    intros = graph.introductions(dept_of, per_named, expertise, demand, existing, weak_pairs=weak_set, limit=10)
    pair_row = {frozenset((r["a"], r["b"])): r for r in weak}
    intro_rows = []
    for i in intros:
        r = pair_row.get(frozenset((i.expert_group, i.asker_group)))
        intro_rows.append({
            "expert": d.person(i.expert), "asker": d.person(i.asker), "topic": i.topic,
            "evidence": round(expertise[i.expert][i.topic], 2), "unanswered": demand[i.asker][i.topic],
            "pair_ties": r["ties"] if r else None, "pair_expected": r["expected"] if r else None,
            "gain": i.gain, "fit": i.fit,
        })
    return {
        "overall": {"ei": overall.ei, "expected": overall.expected, "internal": overall.internal,
                    "external": overall.external, "people": overall.size},
        "departments": ei_rows,
        "matrix": {"labels": [keys[i] for i in idx], "values": [[int(m[i][j]) for j in idx] for i in idx]},
        "weak_pairs": weak[:TOP],
        "brokers": [
            {**d.person(p), "betweenness": bt.scores[p],
             "normalised": bt.scores[p] / total_pairs if total_pairs else 0.0,
             "departments_reached": len(reach.get(p, ()))}
            for p in brokers
        ],
        "betweenness_method": bt.method,
        "small_departments_people": small,
        "introductions": intro_rows,
    }


def compute(d: Data, since: date, until: date) -> dict:
    """The payload of a snapshot for [since, until)."""
    t = time.perf_counter()
    start, end = _midnight(since).timestamp(), _midnight(until).timestamp()
    inter = d.inter.between(start, end)
    adoption = _adoption(d, start, end, inter)
    qa, demand = _qa(d, start, end)
    risk = d.risk()[1]
    silos = _silos(d, inter, demand, d.existing())
    return {
        "version": VERSION,
        "period": {"start": since.isoformat(), "end": until.isoformat()},
        "min_group": MIN_GROUP,
        "adoption": adoption,
        "qa": qa,
        "silos": silos,
        "risk": risk,
        "seconds": time.perf_counter() - t,
    }
