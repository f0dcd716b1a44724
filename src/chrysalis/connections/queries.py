"""Connections: people you should know, spaces worth joining, questions you could answer.

Every fact behind a suggestion or its reason is read through the access door for the viewer
(`posts.queries.visible_posts/visible_comments`, `spaces.queries.content_visible_q`, and
`edges_touching(viewer, ...)`, the same interactions as `insights.interactions` read only around
the people concerned, filtered the same way), so nothing from a space
the viewer cannot read shapes what they are shown, and reasons name only tags of content they may
read and departments (which are not content). No space name appears in a person's reason.

"As of": every function takes `as_of` (None = now). Nothing created at or after it is used: posts,
comments, reactions, votes, follows, tag follows, memberships, routing requests, dismissals and
people themselves (`date_joined`). The command line's `--batch` runs each line as of its own time.

The viewer's **needs** are the tags of: questions they asked (weight 3), questions people of their
department asked (2), questions routed to them that they did not answer (2), tags they follow (1),
questions they commented on or reacted to (1); minus every tag of a question they answered.

**People you should know** are ranked by
    score = dept_factor * sum over need tags t of need(t) * log2(1 + answers(person, t))
            + SOCIAL_WEIGHT * log2(1 + people of the viewer's circle who talk to them)
where dept_factor is 0.5 inside the viewer's department, 1.5 in a department that the viewer's
department rarely talks to, and 1 otherwise. "Rarely": in the last SOCIAL_DAYS, that department's
share of the viewer's department's cross-department interactions is under RARE_RATIO of its share
of the people outside the viewer's department (a department of 2 people among 10 others "should"
get 20%; under 10% is rare). Never suggested: the viewer, people they follow, people they talk
to weekly (at least WEEKLY_MIN interactions either way in the last WEEKLY_DAYS), their manager and
reports, deactivated or opted-out people, people they dismissed (until the dismissal ends).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from chrysalis.connections.models import Dismissal
from chrysalis.experts.models import ExpertSettings, RoutingRequest
from chrysalis.people.models import Follow
from chrysalis.posts.models import Post, Reaction, TagFollow, Vote
from chrysalis.posts.queries import visible_comments, visible_posts
from chrysalis.spaces.models import Membership, Space, Visibility
from chrysalis.spaces.queries import content_visible_q

NEED_WEIGHT = {"ask": 3.0, "team": 2.0, "routed": 2.0, "follow": 1.0, "engaged": 1.0}
SAME_DEPT_FACTOR = 0.5
BRIDGE_FACTOR = 1.5
RARE_RATIO = 0.5  # of the share of interactions a department would get for its size
SOCIAL_WEIGHT = 0.5
SOCIAL_DAYS = 90
WEEKLY_DAYS = 28
WEEKLY_MIN = 4
DISMISS_DAYS = 30
CACHE_SECONDS = 120
MAX_LIMIT = 50


def _active_viewer(viewer) -> bool:
    return bool(viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active)


def _at(as_of: datetime | None) -> datetime:
    return as_of or timezone.now()


def _before(field_name: str, as_of: datetime | None) -> Q:
    return Q(**{f"{field_name}__lt": as_of}) if as_of is not None else Q()


def _posts(viewer, as_of):
    return visible_posts(viewer).filter(_before("created_at", as_of))


def _tags_of(posts_qs) -> Counter:
    """Counter of tag names over the posts of a queryset (one query)."""
    through = Post.tags.through
    return Counter(
        dict(
            through.objects.filter(post__in=posts_qs.values("pk"))
            .values_list("tag__name")
            .annotate(n=Count("pk"))
            .values_list("tag__name", "n")
        )
    )


def dismissed_ids(viewer, kind: str, as_of: datetime | None = None) -> set[int]:
    now = _at(as_of)
    return set(
        Dismissal.objects.filter(user_id=viewer.pk, kind=kind, until__gt=now)
        .filter(_before("created_at", as_of))
        .values_list("target_id", flat=True)
    )


# ------------------------------------------------------------------------------------------ needs


@dataclass
class Need:
    tag: str
    weight: float
    sources: set[str] = field(default_factory=set)


def answered_tags(viewer, as_of: datetime | None = None) -> Counter:
    """Tags of the questions the viewer answered (readable ones), with how many answers (two queries)."""
    questions = _posts(viewer, as_of).filter(kind=Post.Kind.QUESTION)
    answers = _posts(viewer, as_of).filter(kind=Post.Kind.ANSWER, author_id=viewer.pk, question__in=questions)
    per_question = Counter(answers.values_list("question_id", flat=True))
    out: Counter = Counter()
    if per_question:
        rows = Post.tags.through.objects.filter(post__in=answers.values("question_id")).values_list(
            "post_id", "tag__name"
        )
        for qid, tag in rows:
            out[tag] += per_question[qid]
    return out


def need_topics(viewer, as_of: datetime | None = None) -> dict[str, Need]:
    """The tags the viewer needs others for (see the module docstring), strongest first."""
    if not _active_viewer(viewer):
        return {}
    questions = _posts(viewer, as_of).filter(kind=Post.Kind.QUESTION)
    sources: dict[str, Counter] = {
        "ask": _tags_of(questions.filter(author_id=viewer.pk)),
        "team": _tags_of(questions.filter(author__department_id=viewer.department_id).exclude(author_id=viewer.pk))
        if viewer.department_id
        else Counter(),
        "routed": _tags_of(
            questions.filter(
                pk__in=RoutingRequest.objects.filter(expert_id=viewer.pk, **_kw("asked_at", as_of))
                .exclude(status=RoutingRequest.Status.ANSWERED)
                .values("question_id")
            )
        ),
        "follow": Counter(
            TagFollow.objects.filter(user_id=viewer.pk)
            .filter(_before("created_at", as_of))
            .values_list("tag__name", flat=True)
        ),
        "engaged": _tags_of(
            questions.exclude(author_id=viewer.pk).filter(
                Q(
                    pk__in=visible_comments(viewer)
                    .filter(author_id=viewer.pk)
                    .filter(_before("created_at", as_of))
                    .values("post_id")
                )
                | Q(
                    pk__in=Reaction.objects.filter(user_id=viewer.pk, post__isnull=False)
                    .filter(_before("created_at", as_of))
                    .values("post_id")
                )
                | Q(
                    pk__in=Vote.objects.filter(user_id=viewer.pk).filter(_before("created_at", as_of)).values("post_id")
                )
            )
        ),
    }
    answered = answered_tags(viewer, as_of)
    needs: dict[str, Need] = {}
    for source, counts in sources.items():
        for tag, n in counts.items():
            if tag in answered or n <= 0:
                continue
            need = needs.setdefault(tag, Need(tag, 0.0))
            need.weight += NEED_WEIGHT[source] * math.log2(1 + n)
            need.sources.add(source)
    return dict(sorted(needs.items(), key=lambda kv: (-kv[1].weight, kv[0])))


def _kw(field_name: str, as_of):
    return {f"{field_name}__lt": as_of} if as_of is not None else {}


# ------------------------------------------------------------------------------------------ ties


@dataclass(frozen=True)
class Edge:
    """One interaction between two people (see expertise.graph: answer, comment, reply, mention,
    reaction, vote), undirected here, with both people's departments."""

    a: int
    dept_a: int | None
    b: int
    dept_b: int | None
    at: datetime


def edges_touching(viewer, people, since: datetime, until: datetime) -> list[Edge]:
    """The interactions on content the viewer may read, between `since` and `until`, with at least one
    end among `people` (a User queryset, used as a subquery). The same kinds and rules as
    insights.interactions, but read only around the people concerned: the home card must not read
    the whole organisation's graph."""
    from chrysalis.posts.models import Comment, Mention

    def win(f: str) -> Q:
        return Q(**{f"{f}__gte": since, f"{f}__lt": until})

    ids = people.values("pk")
    readers = content_visible_q
    live_comment = Q(removed_at__isnull=True, post__removed_at__isnull=True)
    queries = [
        Post.objects.filter(kind=Post.Kind.ANSWER, removed_at__isnull=True, question__removed_at__isnull=True)
        .filter(readers(viewer), win("created_at"))
        .filter(Q(author_id__in=ids) | Q(question__author_id__in=ids))
        .values_list(
            "question__author_id", "question__author__department_id", "author_id", "author__department_id", "created_at"
        ),
        Comment.objects.filter(live_comment, parent__isnull=True)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(author_id__in=ids) | Q(post__author_id__in=ids))
        .values_list(
            "author_id", "author__department_id", "post__author_id", "post__author__department_id", "created_at"
        ),
        Comment.objects.filter(live_comment, parent__isnull=False)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(author_id__in=ids) | Q(parent__author_id__in=ids))
        .values_list(
            "author_id", "author__department_id", "parent__author_id", "parent__author__department_id", "created_at"
        ),
        Mention.objects.filter(post__removed_at__isnull=True, comment__isnull=True)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(post__author_id__in=ids) | Q(user_id__in=ids))
        .values_list("post__author_id", "post__author__department_id", "user_id", "user__department_id", "created_at"),
        Mention.objects.filter(post__removed_at__isnull=True, comment__removed_at__isnull=True, comment__isnull=False)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(comment__author_id__in=ids) | Q(user_id__in=ids))
        .values_list(
            "comment__author_id", "comment__author__department_id", "user_id", "user__department_id", "created_at"
        ),
        Reaction.objects.filter(post__isnull=False, post__removed_at__isnull=True)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(user_id__in=ids) | Q(post__author_id__in=ids))
        .values_list("user_id", "user__department_id", "post__author_id", "post__author__department_id", "created_at"),
        Reaction.objects.filter(
            comment__isnull=False, comment__removed_at__isnull=True, comment__post__removed_at__isnull=True
        )
        .filter(readers(viewer, "comment__post__space"), win("created_at"))
        .filter(Q(user_id__in=ids) | Q(comment__author_id__in=ids))
        .values_list(
            "user_id", "user__department_id", "comment__author_id", "comment__author__department_id", "created_at"
        ),
        Vote.objects.filter(user__isnull=False, post__removed_at__isnull=True)
        .filter(readers(viewer, "post__space"), win("created_at"))
        .filter(Q(user_id__in=ids) | Q(post__author_id__in=ids))
        .values_list("user_id", "user__department_id", "post__author_id", "post__author__department_id", "created_at"),
    ]
    out = []
    for qs in queries:
        for a, da, b, db, at in qs.iterator(chunk_size=5000):
            if a is not None and b is not None and a != b:
                out.append(Edge(a, da, b, db, at))
    return out


def _ties(edges: list[Edge]) -> dict[int, set[int]]:
    """Undirected ties: person -> the people they interacted with (either way)."""
    ties: dict[int, set[int]] = defaultdict(set)
    for e in edges:
        ties[e.a].add(e.b)
        ties[e.b].add(e.a)
    return ties


def _department_shares(edges: list[Edge], dept: int | None) -> dict[int, float]:
    """For the viewer's department: the share of its cross-department interactions that each other
    department has (departments never interacted with are absent: share 0)."""
    if dept is None:
        return {}
    counts: Counter = Counter()
    for e in edges:
        if e.dept_a is None or e.dept_b is None or e.dept_a == e.dept_b:
            continue
        if e.dept_a == dept:
            counts[e.dept_b] += 1
        elif e.dept_b == dept:
            counts[e.dept_a] += 1
    total = sum(counts.values())
    return {d: n / total for d, n in counts.items()} if total else {}


# ------------------------------------------------------------------------------------------ people


@dataclass
class PersonSuggestion:
    person: object
    score: float
    why: str
    reasons: list[str]
    topics: list[str]  # the need tags they answer questions on, strongest first
    circle: int  # people of the viewer's circle who talk to them
    bridge: bool  # in a department the viewer's department rarely talks to


def _first_name(person) -> str:
    return person.name.split()[0] if person.display_name else person.name


def people_you_should_know(viewer, *, as_of: datetime | None = None, limit: int = 10) -> list[PersonSuggestion]:
    """Ranked people for the viewer, each with a reason in words (see the module docstring)."""
    if not _active_viewer(viewer):
        return []
    User = get_user_model()
    now = _at(as_of)
    needs = need_topics(viewer, as_of)

    # Who answers the viewer's need tags (readable answers to readable questions), per tag.
    questions = _posts(viewer, as_of).filter(kind=Post.Kind.QUESTION)
    expertise: dict[int, Counter] = defaultdict(Counter)
    if needs:
        rows = (
            _posts(viewer, as_of)
            .filter(kind=Post.Kind.ANSWER, question__in=questions, question__tags__name__in=list(needs))
            .values_list("author_id", "question__tags__name")
            .annotate(n=Count("pk", distinct=True))
        )
        for author, tag, n in rows:
            expertise[author][tag] = n

    # The social graph the viewer may see, around the viewer's circle: "people you work with"
    # (department, manager, reports) when they have any, else the people they talk to.
    me = viewer.pk
    since = now - timedelta(days=SOCIAL_DAYS)
    work_q = Q(pk=viewer.manager_id or 0) | Q(manager_id=me)
    if viewer.department_id:
        work_q |= Q(department_id=viewer.department_id)
    work_people = User.objects.filter(work_q, is_active=True).filter(_before("date_joined", as_of)).exclude(pk=me)
    work = set(work_people.values_list("pk", flat=True))
    if work:
        circle_kind, circle = "work", work
        edges = edges_touching(viewer, User.objects.filter(Q(pk=me) | work_q), since, now)
        ties = _ties(edges)
    else:
        circle_kind = "talk"
        mine = edges_touching(viewer, User.objects.filter(pk=me), since, now)
        circle = set(_ties(mine).get(me, set()))
        edges = edges_touching(viewer, User.objects.filter(pk__in=sorted(circle | {me})), since, now)
        ties = _ties(edges)
    recent = now - timedelta(days=WEEKLY_DAYS)
    talks: Counter = Counter()
    for e in edges:
        if e.at >= recent and me in (e.a, e.b):
            talks[e.b if e.a == me else e.a] += 1
    weekly = {other for other, n in talks.items() if n >= WEEKLY_MIN}
    by_circle: Counter = Counter()
    for member in circle:
        for other in ties.get(member, ()):
            if other != me and other not in circle:
                by_circle[other] += 1

    candidate_ids = set(expertise) | {p for p, n in by_circle.items() if n >= 2}
    excluded = {me, viewer.manager_id} | weekly
    excluded |= set(
        Follow.objects.filter(follower_id=me).filter(_before("created_at", as_of)).values_list("followee_id", flat=True)
    )
    excluded |= set(User.objects.filter(manager_id=me).values_list("pk", flat=True))
    excluded |= set(ExpertSettings.objects.filter(opt_out_of_expertise=True).values_list("user_id", flat=True))
    excluded |= dismissed_ids(viewer, Dismissal.Kind.PERSON, as_of)
    candidate_ids -= excluded
    people = {
        p.pk: p
        for p in User.objects.filter(pk__in=candidate_ids, is_active=True)
        .filter(_before("date_joined", as_of))
        .select_related("department")
    }

    shares = _department_shares(edges, viewer.department_id)
    sizes: dict[int, int] = {}
    if viewer.department_id:
        sizes = dict(
            User.objects.filter(is_active=True, department__isnull=False)
            .filter(_before("date_joined", as_of))
            .exclude(department_id=viewer.department_id)
            .values_list("department_id")
            .annotate(n=Count("pk"))
        )
    others = sum(sizes.values()) or 1

    def rarely(dept: int) -> bool:
        expected = sizes.get(dept, 0) / others
        return shares.get(dept, 0.0) < RARE_RATIO * expected

    dept_answers: Counter = Counter()  # need tags somebody of the viewer's department answers
    if viewer.department_id and needs:
        dept_answers = Counter(
            dict(
                _posts(viewer, as_of)
                .filter(
                    kind=Post.Kind.ANSWER,
                    question__in=questions,
                    question__tags__name__in=list(needs),
                    author__department_id=viewer.department_id,
                )
                .values_list("question__tags__name")
                .annotate(n=Count("pk", distinct=True))
            )
        )

    out = []
    for pk, person in people.items():
        per_tag = {t: needs[t].weight * math.log2(1 + n) for t, n in expertise.get(pk, {}).items() if t in needs}
        topic_score = sum(per_tag.values())
        n_circle = by_circle.get(pk, 0)
        if topic_score <= 0 and n_circle < 2:
            continue
        dept = person.department_id
        bridge = bool(viewer.department_id and dept and dept != viewer.department_id and rarely(dept))
        if viewer.department_id and dept == viewer.department_id:
            factor = SAME_DEPT_FACTOR
        elif bridge:
            factor = BRIDGE_FACTOR
        else:
            factor = 1.0
        score = factor * topic_score + SOCIAL_WEIGHT * math.log2(1 + n_circle)
        topics = sorted(per_tag, key=lambda t: (-per_tag[t], t))
        reasons = []
        if topics:
            reasons.append(_topic_reason(topics[:2], needs, viewer, dept_answers))
        if n_circle >= 2 or (n_circle and not topics):
            who = "people you work with" if circle_kind == "work" else "people you talk to"
            also = "" if circle_kind == "work" else " also"
            reasons.append(f"{n_circle} {who}{also} talk to {_first_name(person)}")
        if bridge:
            reasons.append(f"works in {person.department.name}, a department yours rarely talks to")
        why = "; ".join(reasons)
        out.append(PersonSuggestion(person, score, why[:1].upper() + why[1:], reasons, topics, n_circle, bridge))
    out.sort(key=lambda s: (-s.score, s.person.pk))
    return out[: max(0, min(limit, MAX_LIMIT))]


TOPIC_REASONS = {
    "unanswered": "knows {t}, which your questions are about and nobody in your department answers",
    "ask": "answers questions about {t}, which your questions are about",
    "team": "answers the questions about {t} that your team asks",
    "routed": "answers questions about {t}, which you are asked about but do not answer",
    "follow": "answers questions about {t}, {a} you follow",
    "engaged": "answers questions about {t}, which you take part in",
}


def _reason_kind(tag: str, need: Need, viewer, dept_answers: Counter) -> str:
    if "ask" in need.sources:
        return "unanswered" if viewer.department_id and not dept_answers.get(tag) else "ask"
    for kind in ("team", "routed", "follow"):
        if kind in need.sources:
            return kind
    return "engaged"


def _topic_reason(tags: list[str], needs: dict[str, Need], viewer, dept_answers: Counter) -> str:
    """The reason of the strongest topic, naming the second too when the same words fit it
    ("answers questions about brewing and taste, which your questions are about")."""
    kinds = [_reason_kind(t, needs[t], viewer, dept_answers) for t in tags]
    named = [t for t, k in zip(tags, kinds, strict=True) if k == kinds[0]]
    return TOPIC_REASONS[kinds[0]].format(t=" and ".join(named), a="topics" if len(named) > 1 else "a topic")


def _cache_key(viewer, what: str) -> str:
    return f"connections:{what}:{viewer.pk}"


def cached_people(viewer, limit: int = 3) -> list[PersonSuggestion]:
    """The home card's people (computed at most every CACHE_SECONDS per viewer; a dismissal clears it)."""
    key = _cache_key(viewer, "people")
    found = cache.get(key)
    if found is None:
        found = people_you_should_know(viewer, limit=10)
        cache.set(key, found, CACHE_SECONDS)
    return found[:limit]


def forget_cached(user_id: int) -> None:
    for what in ("people", "questions"):
        cache.delete(f"connections:{what}:{user_id}")


# ------------------------------------------------------------------------------------------ spaces


@dataclass
class SpaceSuggestion:
    space: Space
    score: float
    why: str
    topics: list[str]
    people: int  # members the viewer follows, works with or talks to


def spaces_worth_joining(viewer, *, as_of: datetime | None = None, limit: int = 5) -> list[SpaceSuggestion]:
    """Open spaces the viewer is not in whose posts are about the viewer's needs or expertise, or
    where people they follow, work with or talk to are members."""
    if not _active_viewer(viewer):
        return []
    now = _at(as_of)
    needs = need_topics(viewer, as_of)
    known = answered_tags(viewer, as_of)
    weights = {t: n.weight for t, n in needs.items()} | {t: math.log2(1 + n) for t, n in known.items()}
    mine = Membership.objects.filter(user_id=viewer.pk).filter(_before("created_at", as_of)).values("space_id")
    spaces = (
        Space.objects.filter(visibility=Visibility.OPEN)
        .filter(_before("created_at", as_of))
        .exclude(pk__in=mine)
        .exclude(pk__in=dismissed_ids(viewer, Dismissal.Kind.SPACE, as_of))
    )
    through = Post.tags.through
    per_space: dict[int, Counter] = defaultdict(Counter)
    if weights:
        rows = (
            through.objects.filter(
                post__in=_posts(viewer, as_of).filter(space__in=spaces).values("pk"), tag__name__in=list(weights)
            )
            .values_list("post__space_id", "tag__name")
            .annotate(n=Count("pk"))
        )
        for space_id, tag, n in rows:
            per_space[space_id][tag] = n
    User = get_user_model()
    me = viewer.pk
    mine = edges_touching(viewer, User.objects.filter(pk=me), now - timedelta(days=SOCIAL_DAYS), now)
    talk = _ties(mine).get(me, set())
    follows = set(
        Follow.objects.filter(follower_id=me).filter(_before("created_at", as_of)).values_list("followee_id", flat=True)
    )
    work = (
        set(User.objects.filter(department_id=viewer.department_id).exclude(pk=me).values_list("pk", flat=True))
        if viewer.department_id
        else set()
    )
    circle = (talk | follows | work) - {me}
    members = Counter(
        dict(
            Membership.objects.filter(space__in=spaces, user_id__in=circle, user__is_active=True)
            .filter(_before("created_at", as_of))
            .values_list("space_id")
            .annotate(n=Count("pk"))
        )
    )
    ids = set(per_space) | set(members)
    out = []
    for space in Space.objects.filter(pk__in=ids):
        per_tag = {t: weights[t] * math.log2(1 + n) for t, n in per_space.get(space.pk, {}).items()}
        n_people = members.get(space.pk, 0)
        score = sum(per_tag.values()) + SOCIAL_WEIGHT * math.log2(1 + n_people)
        topics = sorted(per_tag, key=lambda t: (-per_tag[t], t))
        reasons = []
        if topics:
            t, n = topics[0], per_space[space.pk][topics[0]]
            what = "your questions are about" if t in needs else "you answer questions about"
            if t in needs and "ask" not in needs[t].sources:
                what = "you need" if "team" not in needs[t].sources else "your team asks about"
            reasons.append(f"{n} post{'s' if n != 1 else ''} about {t}, which {what}")
        if n_people:
            reasons.append(
                f"{n_people} {'person' if n_people == 1 else 'people'} you follow, work with or talk to "
                f"{'is a member' if n_people == 1 else 'are members'}"
            )
        why = "; ".join(reasons)
        out.append(SpaceSuggestion(space, score, why[:1].upper() + why[1:], topics, n_people))
    out.sort(key=lambda s: (-s.score, s.space.name, s.space.pk))
    return out[: max(0, min(limit, MAX_LIMIT))]


# ------------------------------------------------------------------------------------------ questions


@dataclass
class QuestionSuggestion:
    question: Post
    score: float
    why: str
    topics: list[str]


QUESTION_WINDOW = 500  # the newest matching open questions considered


def questions_you_could_answer(viewer, *, as_of: datetime | None = None, limit: int = 5) -> list[QuestionSuggestion]:
    """Open, unanswered questions the viewer may read, on the tags they answer questions about or
    declare as skills, not asked by them, not routed to them already, not dismissed."""
    if not _active_viewer(viewer):
        return []
    known = answered_tags(viewer, as_of)
    skills = set(viewer.skills.values_list("slug", flat=True))
    weights = {t: 1 + math.log2(1 + n) for t, n in known.items()}
    for s in skills:
        weights.setdefault(s, 1.0)
    if not weights:
        return []
    live_answers = Post.objects.filter(
        kind=Post.Kind.ANSWER, question_id=OuterRef("pk"), removed_at__isnull=True
    ).filter(_before("created_at", as_of))
    routed = RoutingRequest.objects.filter(expert_id=viewer.pk).filter(_before("asked_at", as_of)).values("question_id")
    candidates = (
        _posts(viewer, as_of)
        .filter(kind=Post.Kind.QUESTION, closed_at__isnull=True)
        .filter(pk__in=Post.tags.through.objects.filter(tag__name__in=list(weights)).values("post_id"))
        .exclude(author_id=viewer.pk)
        .exclude(pk__in=routed)
        .exclude(pk__in=dismissed_ids(viewer, Dismissal.Kind.QUESTION, as_of))
        .exclude(Exists(live_answers))
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:QUESTION_WINDOW]
    )
    ids = list(candidates)
    tags_of: dict[int, list[str]] = defaultdict(list)
    for pk, tag in Post.tags.through.objects.filter(post_id__in=ids, tag__name__in=list(weights)).values_list(
        "post_id", "tag__name"
    ):
        tags_of[pk].append(tag)
    posts = Post.objects.filter(pk__in=ids).select_related("author", "space").in_bulk()
    out = []
    for pk in ids:
        tags = sorted(tags_of.get(pk, []), key=lambda t: (-weights[t], t))
        if not tags or pk not in posts:
            continue
        t = tags[0]
        if t in known:
            n = known[t]
            why = f"About {t}: you answered {n} question{'s' if n != 1 else ''} on it; nobody has answered this one yet"
        else:
            why = f"About {t}, which you list as a skill; nobody has answered it yet"
        out.append(QuestionSuggestion(posts[pk], sum(weights[x] for x in tags), why, tags))
    out.sort(key=lambda s: (-s.score, -s.question.created_at.timestamp(), -s.question.pk))
    return out[: max(0, min(limit, MAX_LIMIT))]


def cached_questions(viewer, limit: int = 3) -> list[QuestionSuggestion]:
    key = _cache_key(viewer, "questions")
    found = cache.get(key)
    if found is None:
        found = questions_you_could_answer(viewer, limit=10)
        cache.set(key, found, CACHE_SECONDS)
    return found[:limit]


def suggestions_page(viewer) -> dict:
    """Everything the suggestions page shows: people, spaces worth joining, questions to answer."""
    return {
        "people": people_you_should_know(viewer, limit=20),
        "spaces": spaces_worth_joining(viewer, limit=8),
        "questions": questions_you_could_answer(viewer, limit=10),
    }


# ------------------------------------------------------------------------------------------ CLI


def person_for(ref: str, as_of: datetime | None = None):
    """The active person named by a username or an external id ("se:123"), or None."""
    User = get_user_model()
    qs = User.objects.filter(is_active=True).filter(_before("date_joined", as_of))
    return qs.filter(Q(external_id=ref) | Q(username=ref)).order_by("pk").first()
