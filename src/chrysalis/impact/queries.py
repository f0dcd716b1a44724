"""A person's impact: the benefit of their work to others, and how it grows.

Access (decided exactly like this):
- every figure except influence is computed only from content the *viewer* may read
  (`content_visible_q(viewer)`): the person themself sees everything they may read, including their
  private and secret spaces; anybody else sees only what they may read, so activity in a space they
  cannot read changes no figure they see, not even a count;
- influence is PageRank on the organisation's *public* interaction graph (`interactions(None)`: the
  company feed and open spaces), the same number for every viewer; it is computed once a day for
  the whole organisation and cached;
- readers (distinct people who read the person's posts and articles) are shown to the person only,
  and only as numbers, never who.

Series are by calendar week (Monday, UTC) and calendar month (UTC); "this month vs last month"
compares the current month so far with the whole previous month. A page costs a fixed number of
queries whatever the person's activity (7, plus the daily influence computation on a cache miss).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.models import Comment, Post, PostRead, Reaction, Vote
from chrysalis.spaces.queries import content_visible_q
from expertise.graph import pagerank
from expertise.impact import (
    MONTH,
    WEEK,
    Breadth,
    Comparison,
    Periods,
    breadth,
    breadth_growth,
    compare_last_two,
    count_series,
    distinct_series,
    median,
    median_series,
    percentiles,
)

WEEKS = 12
MONTHS = 12
TOP_TOPICS = 12
TOP_REACH = 10
INFLUENCE_CACHE_SECONDS = 24 * 3600
INFLUENCE_FROM = (
    "PageRank on the organisation's public interaction graph: answers, comments, replies, mentions, "
    "reactions and votes in the company feed and open spaces (never private or secret spaces), "
    "computed once a day; the same figure for everyone who looks"
)

ANSWER, ARTICLE, POST = Post.Kind.ANSWER, Post.Kind.ARTICLE, Post.Kind.POST


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    help: str
    total: float | None
    weekly: list
    monthly: list
    unit: str = ""

    @property
    def month(self) -> Comparison:
        """This month (so far) vs last month."""
        return compare_last_two(self.monthly)


@dataclass(frozen=True)
class Share:
    name: str
    count: int


@dataclass(frozen=True)
class Impact:
    person: object
    is_owner: bool
    now: datetime
    weeks: Periods
    months: Periods
    figures: dict[str, Figure]
    breadth: Breadth
    topics: list[Share]  # the person's topics, most evidence first
    departments: list[Share]  # departments reached: distinct people reached in each
    locations: list[Share]
    influence_from: str = INFLUENCE_FROM
    week_labels: list[str] = field(default_factory=list)
    month_labels: list[str] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        return self.figures.get(key)


def _figure(key, label, help, total, weekly, monthly, unit="") -> Figure:
    return Figure(key, label, help, total, list(weekly), list(monthly), unit)


def _count(times, weeks, months, key, label, help) -> Figure:
    times = list(times)
    return _figure(key, label, help, len(times), count_series(times, weeks), count_series(times, months))


def _distinct(pairs, weeks, months, key, label, help) -> Figure:
    pairs = [(t, k) for t, k in pairs if k not in (None, "")]
    return _figure(
        key, label, help, len({k for _, k in pairs}), distinct_series(pairs, weeks), distinct_series(pairs, months)
    )


def _hours(v):
    return None if v is None else round(v / 3600.0, 2)


# --- the reads ---------------------------------------------------------------------------------------


def _live(prefix: str = "") -> Q:
    """A live post (via `prefix`, e.g. "post__"): not removed, and for an answer, its question
    not removed either."""
    return Q(**{f"{prefix}removed_at__isnull": True}) & (
        Q(**{f"{prefix}question__isnull": True}) | Q(**{f"{prefix}question__removed_at__isnull": True})
    )


def _work(viewer, person):
    """The person's posts, answers and articles the viewer may read (live; answers to live questions)."""
    return (
        Post.objects.filter(_live(), author_id=person.pk, kind__in=[POST, ANSWER, ARTICLE])
        .filter(content_visible_q(viewer))
    )


def _read_all(viewer, person, *, is_owner: bool) -> dict:
    pid = person.pk
    work = _work(viewer, person)
    items = list(
        work.values_list(
            "pk",
            "kind",
            "created_at",
            "question_id",
            "question__author_id",
            "question__author__department_id",
            "question__author__department__name",
            "question__author__location",
            "question__accepted_answer_id",
        )
    )
    # topics: the tags of the person's posts and articles; for an answer, its own and its question's
    tag_rows = list(
        Post.tags.through.objects.filter(
            Q(post_id__in=work.values("pk")) | Q(post_id__in=work.filter(kind=ANSWER).values("question_id"))
        ).values_list("post_id", "tag__name")
    )
    comments = list(
        Comment.objects.filter(_live("post__"), removed_at__isnull=True)
        .filter(content_visible_q(viewer, "post__space"))
        .filter(Q(post__author_id=pid, parent__isnull=True) | Q(parent__author_id=pid))
        .exclude(author_id=pid)
        .values_list("created_at", "author_id", "author__department_id", "author__department__name",
                     "author__location")
    )
    reactions = list(
        Reaction.objects.filter(
            Q(post__author_id=pid) & _live("post__") & content_visible_q(viewer, "post__space")
            | Q(comment__author_id=pid, comment__removed_at__isnull=True) & _live("comment__post__")
            & content_visible_q(viewer, "comment__post__space")
        )
        .exclude(user_id=pid)
        .values_list("created_at", "user_id", "user__department_id", "user__department__name", "user__location")
    )
    votes = list(
        Vote.objects.filter(_live("post__"), post__author_id=pid, value=1)
        .filter(content_visible_q(viewer, "post__space"))
        .exclude(user_id=pid)
        .values_list("created_at", flat=True)
    )
    routed = list(
        RoutingRequest.objects.filter(expert_id=pid, question__removed_at__isnull=True)
        .filter(content_visible_q(viewer, "question__space"))
        .values_list("status", "asked_at", "answered_at", "response_seconds")
    )
    reads = []
    if is_owner:
        reads = list(
            PostRead.objects.filter(_live("post__"), post__author_id=pid)
            .filter(content_visible_q(viewer, "post__space"))
            .exclude(user_id=pid)
            .values_list("first_read_at", "user_id", "post__kind")
        )
    return {
        "items": items,
        "tags": tag_rows,
        "comments": comments,
        "reactions": reactions,
        "votes": votes,
        "routed": routed,
        "reads": reads,
    }


# --- influence (organisation-wide, public content only, cached per day) ------------------------------


def organisation_influence(months: Periods) -> dict:
    """{"ids": sorted person ids, "pct": array (people x months)}: each active person's influence
    percentile (PageRank on public interactions up to each month's end; NaN for someone with no
    public interaction by then), computed once per day and kept in the cache."""
    key = f"impact:influence:v1:{months.starts[-1].date().isoformat()}:{len(months)}:{timezone.now().date()}"
    found = cache.get(key)
    if found is not None:
        return found
    from chrysalis.insights.interactions import interactions

    inter = interactions(None)
    ids = np.array(
        sorted(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)), dtype=np.int64
    )
    pct = np.full((len(ids), len(months)), np.nan)
    for j, end in enumerate(months.ends()):
        upto = inter.between(until=end.timestamp())
        if len(ids) == 0 or len(upto) == 0:
            continue
        scores = pagerank(upto, people=ids)
        values = np.array([scores[int(i)] for i in ids], dtype=np.float64)
        col = percentiles(values)
        col[~np.isin(ids, upto.people())] = np.nan
        pct[:, j] = col
    found = {"ids": ids, "pct": pct}
    cache.set(key, found, INFLUENCE_CACHE_SECONDS)
    return found


def influence_series(person_id: int, months: Periods) -> list[float | None]:
    org = organisation_influence(months)
    ids = org["ids"]
    i = int(np.searchsorted(ids, person_id))
    if i >= len(ids) or ids[i] != person_id:
        return [None] * len(months)
    return [None if np.isnan(v) else round(float(v), 1) for v in org["pct"][i]]


# --- the figures ---------------------------------------------------------------------------------


def person_impact(viewer, person, *, now: datetime | None = None) -> Impact:
    """Every figure of `person`'s impact as `viewer` may see it (see the module's access rule)."""
    now = now or timezone.now()
    is_owner = getattr(viewer, "pk", None) == person.pk
    weeks = Periods.last(WEEK, now, WEEKS)
    months = Periods.last(MONTH, now, MONTHS)
    data = _read_all(viewer, person, is_owner=is_owner)
    pid = person.pk
    items = data["items"]
    answers = [r for r in items if r[1] == ANSWER]
    articles = [r for r in items if r[1] == ARTICLE]
    # (time, person id, department (id, name) or None, location) of everyone the person reached
    def one(t, who, dept_id, dept_name, loc):
        return t, who, (dept_id, dept_name) if dept_id is not None else None, loc

    helped = [one(*r[2:3], *r[4:8]) for r in answers if r[4] is not None and r[4] != pid]
    reached = helped + [one(*r) for r in data["comments"]] + [one(*r) for r in data["reactions"]]

    figures: list[Figure] = [
        _distinct(
            [(t, who) for t, who, _d, _l in helped], weeks, months, "people_helped", "People helped",
            "Distinct people whose questions you answered",
        ),
        _count([r[2] for r in answers], weeks, months, "answers", "Answers", "Answers you wrote"),
        _count(
            [r[2] for r in answers if r[8] == r[0]], weeks, months, "accepted_answers", "Accepted answers",
            "Your answers the asker accepted (by when you wrote them)",
        ),
        _distinct(
            [(t, d) for t, _w, d, _l in reached], weeks, months, "departments_reached", "Departments reached",
            "Departments of the people you helped, and of those who commented or reacted",
        ),
        _distinct(
            [(t, loc) for t, _w, _d, loc in reached], weeks, months, "locations_reached", "Locations reached",
            "Locations of the people you helped, and of those who commented or reacted",
        ),
        _count(
            [r[0] for r in data["reactions"]], weeks, months, "reactions_received", "Reactions received",
            "Reactions of others to your posts and comments",
        ),
        _count(
            [r[0] for r in data["comments"]], weeks, months, "comments_received", "Comments received",
            "Comments of others on your posts, and replies to your comments",
        ),
        _count(data["votes"], weeks, months, "votes_received", "Up votes received",
               "Up votes on your questions and answers"),
        _count([r[2] for r in articles], weeks, months, "articles", "Articles written", "Knowledge articles you wrote"),
    ]
    if is_owner:
        reads = data["reads"]
        figures += [
            _distinct(
                [(t, u) for t, u, kind in reads if kind == ARTICLE], weeks, months, "article_readers",
                "Article readers", "Distinct people who read your articles (first reads; only you see this)",
            ),
            _distinct(
                [(t, u) for t, u, _k in reads], weeks, months, "readers", "Readers",
                "Distinct people who read your posts, questions, answers or articles (only you see this)",
            ),
        ]

    routed = data["routed"]
    answered = [(at, secs) for status, _asked, at, secs in routed if status == RoutingRequest.Status.ANSWERED and at]
    figures += [
        _count([r[1] for r in routed], weeks, months, "routed", "Questions routed to you",
               "Questions Chrysalis asked you to answer"),
        _count([at for at, _s in answered], weeks, months, "routed_answered", "Routed questions answered",
               "Questions routed to you that you answered"),
        _figure(
            "response_hours", "Median response time", "How fast you answered the questions routed to you",
            _hours(median(s for _a, s in answered if s is not None)),
            [_hours(v) for v in median_series([(a, s) for a, s in answered if s is not None], weeks)],
            [_hours(v) for v in median_series([(a, s) for a, s in answered if s is not None], months)],
            unit="h",
        ),
    ]

    # knowledge breadth: topics of the person's work, cumulative at the end of each period
    tags_of: dict[int, set[str]] = {}
    for post_id, name in data["tags"]:
        tags_of.setdefault(post_id, set()).add(name)
    evidence = [(r[2], tags_of.get(r[0], set()) | (tags_of.get(r[3], set()) if r[1] == ANSWER else set()))
                for r in items]
    counts = Counter(t for _at, topics in evidence for t in topics)
    week_growth = breadth_growth(evidence, [min(e, now) for e in weeks.ends()])
    month_growth = breadth_growth(evidence, [min(e, now) for e in months.ends()])
    now_breadth = breadth(counts)
    figures += [
        _figure("topics", "Topics", "Distinct topics (tags) of your posts, answers and articles",
                now_breadth.topics, [b.topics for b in week_growth], [b.topics for b in month_growth]),
        _figure(
            "effective_topics", "Knowledge breadth",
            "Effective number of topics, exp(entropy): 1 for one topic, n for n topics covered equally",
            round(now_breadth.effective, 2), [round(b.effective, 2) for b in week_growth],
            [round(b.effective, 2) for b in month_growth],
        ),
        _figure("topic_entropy", "Topic entropy", "Shannon entropy (nats) of your topic distribution",
                round(now_breadth.entropy, 3), [round(b.entropy, 3) for b in week_growth],
                [round(b.entropy, 3) for b in month_growth]),
    ]

    monthly_influence = influence_series(pid, months)
    figures.append(
        _figure("influence", "Influence percentile",
                "PageRank on public interactions (company feed and open spaces); the same for everyone",
                monthly_influence[-1], [], monthly_influence, unit="%")
    )

    dept_people: dict[tuple, set] = {}
    loc_people: dict[str, set] = {}
    for _t, who, dept, loc in reached:
        if dept:
            dept_people.setdefault(dept, set()).add(who)
        if loc:
            loc_people.setdefault(loc, set()).add(who)

    def shares(groups, name=lambda key: key):
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), name(kv[0]), str(kv[0])))
        return [Share(name(key), len(people)) for key, people in ordered][:TOP_REACH]

    return Impact(
        person=person,
        is_owner=is_owner,
        now=now,
        weeks=weeks,
        months=months,
        figures={f.key: f for f in figures},
        breadth=now_breadth,
        topics=[Share(n, c) for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:TOP_TOPICS],
        departments=shares(dept_people, name=lambda key: key[1]),
        locations=shares(loc_people),
        week_labels=weeks.labels(),
        month_labels=months.labels(),
    )


def impact_for(viewer, username: str, *, now: datetime | None = None) -> Impact:
    """The impact of the person with this username (NotFound when there is none)."""
    from chrysalis.people.queries import person_by_username

    return person_impact(viewer, person_by_username(username), now=now)
