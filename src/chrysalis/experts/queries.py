"""Reads of the expertise app: expert search, "knows about" topics, the routing inbox.

Privacy: for a viewer, the engine only ever sees evidence whose visibility key is in
`visible_keys(viewer)` (the company feed, open spaces, the viewer's spaces: computed through the
access door, spaces.queries.readable_spaces_q). Every evidence item shown is re-read through
posts.queries.visible_posts / visible_comments, so nothing unreadable is ever linked or titled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chrysalis.core.pagination import Page, paginate
from chrysalis.experts import engine
from chrysalis.experts.models import ExpertSettings, RoutingRequest
from chrysalis.posts.queries import visible_comments, visible_posts
from chrysalis.spaces.models import Space, Visibility
from chrysalis.spaces.queries import content_visible_q, readable_spaces_q
from expertise import Query
from expertise.index import from_epoch
from expertise.profiles import build_profile, key_phrases
from expertise.text import tag_token, tokens

MAX_QUERY_CHARS = 500
KIND_LABEL = {
    "answer": "Answer",
    "accepted_answer": "Accepted answer",
    "article": "Article",
    "post": "Post",
    "comment": "Comment",
    "question": "Question",
}


# ------------------------------------------------------------------------------------------ access


def visible_keys(viewer) -> set[str | None]:
    """Visibility keys of the content the viewer may read (empty for nobody)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return set()
    ids = Space.objects.filter(readable_spaces_q(viewer)).values_list("pk", flat=True)
    return {None} | {engine.space_key(i) for i in ids}


def public_keys() -> set[str | None]:
    """Keys every signed-in person may read: the company feed and open spaces."""
    ids = Space.objects.filter(visibility=Visibility.OPEN).values_list("pk", flat=True)
    return {None} | {engine.space_key(i) for i in ids}


def question_keys(question) -> set[str | None]:
    """Keys every possible reader of `question` may read: public content plus the question's own
    space (its readers are its members). Routing ranks with these, so being asked never depends on
    content that the asker or a recipient could not read."""
    keys = public_keys()
    if question.space_id is not None:
        keys.add(engine.space_key(question.space_id))
    return keys


def hidden_people() -> set[str]:
    """Person keys never suggested: deactivated people and those who opted out."""
    User = get_user_model()
    ids = set(User.objects.filter(is_active=False).values_list("pk", flat=True))
    ids |= set(ExpertSettings.objects.filter(opt_out_of_expertise=True).values_list("user_id", flat=True))
    return {engine.person_key(i) for i in ids}


def settings_for(user) -> ExpertSettings:
    found = ExpertSettings.objects.filter(user_id=user.pk).first()
    return found or ExpertSettings(user=user)


def rank_people(
    title: str,
    body: str = "",
    tags=(),
    *,
    visible: set | None,
    asker=None,
    created=None,
    limit: int = 10,
    exclude: set[str] | None = None,
    explain: bool = True,
):
    """Engine hits (best first) without deactivated or opted-out people (checked for the hits only: two
    small queries). Decline feedback is inside the engine's model (its `declined` feature)."""
    eng = engine.get_engine()
    norm = eng.normalise_visible(visible)
    hits = eng.ranker.rank(
        Query(title, body, tuple(tags), engine.person_key(asker.pk) if asker else None, created),
        limit=2 * limit + 10,
        visible=norm,
        explain=explain,
        exclude=exclude or None,
    )
    ids = [int(h.person) for h in hits]
    ok = set(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    ok -= set(
        ExpertSettings.objects.filter(user_id__in=ids, opt_out_of_expertise=True).values_list("user_id", flat=True)
    )
    hits = [h for h in hits if int(h.person) in ok]
    return hits[:limit]


# ------------------------------------------------------------------------------------------ expert search


@dataclass
class EvidenceItem:
    title: str
    url: str
    kind: str
    kind_label: str
    created: datetime


@dataclass
class ExpertResult:
    person: object
    score: float
    topics: list[str]
    evidence: list[EvidenceItem]
    answers: int
    accepted: int
    articles: int
    last_active: datetime | None
    why: str = ""
    features: dict = field(default_factory=dict)


def _post_url(pk: int, kind: str, question_id: int | None) -> str:
    if kind == "question":
        return reverse("qa:question", args=[pk])
    if kind == "answer" and question_id:
        return reverse("qa:question", args=[question_id]) + f"#answer-{pk}"
    if kind == "article":
        return reverse("qa:article", args=[pk])
    return reverse("posts:detail", args=[pk])


def evidence_items(viewer, refs) -> dict[str, EvidenceItem]:
    """The evidence refs ("p<pk>", "c<pk>") the viewer may read, as linkable items (two queries)."""
    post_ids = [int(r.id[1:]) for r in refs if r.id.startswith("p")]
    comment_ids = [int(r.id[1:]) for r in refs if r.id.startswith("c")]
    out: dict[str, EvidenceItem] = {}
    kinds = {r.id: r.kind for r in refs}
    # an untitled post is named by its opening words, as the index read them (shown only when readable)
    opening = {r.id: r.title for r in refs}
    if post_ids:
        for pk, kind, title, qid, qtitle, created in (
            visible_posts(viewer)
            .filter(pk__in=post_ids)
            .values_list("pk", "kind", "title", "question_id", "question__title", "created_at")
        ):
            label = title or qtitle or opening.get(f"p{pk}") or "Post"
            out[f"p{pk}"] = EvidenceItem(
                label,
                _post_url(pk, kind, qid),
                kinds[f"p{pk}"],
                KIND_LABEL.get(kinds[f"p{pk}"], "Post"),
                created,
            )
    if comment_ids:
        rows = (
            visible_comments(viewer)
            .filter(pk__in=comment_ids)
            .values_list("pk", "post_id", "post__kind", "post__title", "post__question_id", "created_at")
        )
        for pk, post_id, pkind, ptitle, pq, created in rows:
            out[f"c{pk}"] = EvidenceItem(
                ptitle or opening.get(f"c{pk}") or "A conversation",
                _post_url(post_id, pkind, pq),
                "comment",
                "Comment",
                created,
            )
    return out


MATCH_FEATURES = ("doc_sum", "doc_max", "profile", "tag_count")  # evidence that matches the query


MIN_RELATIVE_MATCH = 0.2  # of the best match among the candidates


def topic_match(hit) -> float:
    """How much of the person's evidence matches the query (BM25 document and profile scores and tag
    counts, log-scaled)."""
    return sum(max(float(hit.features.get(f, 0.0)), 0.0) for f in MATCH_FEATURES)


def matching(hits: list) -> list:
    """The hits whose evidence really matches the query: some match, and at least MIN_RELATIVE_MATCH of
    the best one (sharing only an everyday word with a question is not knowing about it). Someone with
    no such evidence is neither listed in expert search nor asked to answer, however active."""
    best = max((topic_match(h) for h in hits), default=0.0)
    return [h for h in hits if topic_match(h) > 0 and topic_match(h) >= MIN_RELATIVE_MATCH * best]


SHORT_QUERY_TERMS = 3  # a query of at most this many words and tags is a keyword query: all of them meant
FULL_COVERAGE = 0.999  # every query term found (up to rounding)


def expert_search_order(hits: list, short_query: bool = False) -> list:
    """Order for "who knows about X": the learned score predicts who will answer next, which leans on
    recent activity; a person searching for expertise wants people whose work matches the topic. So
    only people with matching evidence are listed, ordered by reciprocal-rank fusion of the learned
    rank and the content-match rank (someone with no evidence on the topic has nothing to explain why
    they would know; a decline of a similar question is a negative signal, never a match). The content
    match is weighed by how much of the query the person's work covers, and for a short keyword query
    ("react performance") the people whose work covers every word come first, as in a search engine:
    someone who wrote only about performance reviews is listed after the React performance people."""
    matched = matching(hits)
    learned_rank = {id(h): i for i, h in enumerate(matched)}
    by_content = sorted(matched, key=lambda h: -topic_match(h) * h.coverage)
    content_rank = {id(h): i for i, h in enumerate(by_content)}

    def key(h):
        fused = 1 / (20 + learned_rank[id(h)]) + 1 / (20 + content_rank[id(h)])
        partial = short_query and h.coverage < FULL_COVERAGE
        return (partial, -fused, content_rank[id(h)])  # ties go to the stronger topic match

    return sorted(matched, key=key)


def is_short_query(text: str, tags=()) -> bool:
    return len(set(tokens(text)) | {tag_token(t) for t in tags}) <= SHORT_QUERY_TERMS


def find_experts(
    viewer,
    text: str,
    tags=(),
    department=None,
    location: str = "",
    outside_my_department: bool = False,
    limit: int = 10,
) -> list[ExpertResult]:
    """People who know about `text` (and `tags`), best first, with the evidence the viewer may see.
    Filters: department (a Department or its id), location (case-insensitive, exact), outside the
    viewer's own department. Opted-out and deactivated people never appear; nor does the viewer."""
    text = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    tags = tuple(t.strip().lower() for t in tags if t and t.strip())
    visible = visible_keys(viewer)
    if not visible or not (text or tags):
        return []
    dept_id = getattr(department, "pk", department)
    location = (location or "").strip()
    own_dept = getattr(viewer, "department_id", None) if outside_my_department else None
    filtered = bool(dept_id or location or own_dept)
    short = is_short_query(text, tags)
    # a wider pool when filters drop people, or when the few who cover every keyword may rank lower
    wide = filtered or short
    hits = rank_people(
        text, "", tags, visible=visible, asker=viewer, limit=limit * 20 + 50 if wide else max(limit * 5, 50)
    )
    people = get_user_model().objects.filter(pk__in=[int(h.person) for h in hits], is_active=True)
    if dept_id:
        people = people.filter(department_id=dept_id)
    if location:
        people = people.filter(location__iexact=location)
    if own_dept:
        people = people.exclude(department_id=own_dept)
    by_pk = {p.pk: p for p in people.select_related("department")}
    # the filters first: "matching" is relative to the best match among the people asked for
    hits = expert_search_order([h for h in hits if int(h.person) in by_pk], short)[:limit]
    items = evidence_items(viewer, [r for h in hits for r in h.evidence])
    results = []
    for h in hits:
        ev = [items[r.id] for r in h.evidence if r.id in items][:3]
        results.append(
            ExpertResult(
                by_pk[int(h.person)],
                h.score,
                list(h.matched_topics),
                ev,
                h.answers,
                h.accepted,
                h.articles,
                h.last_active,
                h.why,
                h.features,
            )
        )
    return results


# ------------------------------------------------------------------------------------------ profiles


@dataclass
class Topic:
    name: str
    strength: float
    evidence_count: int
    declared: bool
    confirmed: bool
    level: int  # 1..5, for display


@dataclass
class KnowsAbout:
    topics: list[Topic]
    declared: list[Topic]  # declared skills without evidence yet
    answers: int
    accepted: int
    articles: int
    last_active: datetime | None
    hidden: bool = False  # opted out (shown to the person themself only)
    key_terms: list[str] = field(default_factory=list)  # distinctive words (or phrases) of their own writing
    evidence: list[ProfileEvidence] = field(default_factory=list)  # their strongest items on their top topics


@dataclass
class ProfileEvidence:
    """One item of a person's work that shows what they know (readable by the viewer), and which of
    their top topics it supports."""

    item: EvidenceItem
    topics: list[str]


PROFILE_EVIDENCE = 5  # items listed under "knows about"
PROFILE_EVIDENCE_TOPICS = 4  # the strongest topics whose evidence is listed


def profile_evidence(viewer, person, topics) -> list[ProfileEvidence]:
    """The strongest evidence of `person`'s top topics (engine ids, strongest first per topic), re-read
    through the access door: only posts and comments the viewer may read, by the person, are listed
    (two queries at most)."""
    order: list[str] = []
    supports: dict[str, list[str]] = {}
    for t in topics[:PROFILE_EVIDENCE_TOPICS]:
        for ev in t.evidence:
            if ev not in supports:
                order.append(ev)
                supports[ev] = []
            if t.topic not in supports[ev]:
                supports[ev].append(t.topic)
    post_ids = [int(i[1:]) for i in order if i.startswith("p") and i[1:].isdigit()]
    comment_ids = [int(i[1:]) for i in order if i.startswith("c") and i[1:].isdigit()]
    items: dict[str, EvidenceItem] = {}
    if post_ids:
        rows = (
            visible_posts(viewer)
            .filter(pk__in=post_ids, author_id=person.pk)
            .values_list(
                "pk", "kind", "title", "question_id", "question__title", "question__accepted_answer_id", "created_at"
            )
        )
        for pk, kind, title, qid, qtitle, qaccepted, created in rows:
            ekind = "accepted_answer" if kind == "answer" and qaccepted == pk else kind
            label = title or qtitle or "Post"
            url = _post_url(pk, kind, qid)
            items[f"p{pk}"] = EvidenceItem(label, url, ekind, KIND_LABEL.get(ekind, "Post"), created)
    if comment_ids:
        rows = (
            visible_comments(viewer)
            .filter(pk__in=comment_ids, author_id=person.pk)
            .values_list("pk", "post_id", "post__kind", "post__title", "post__question_id", "created_at")
        )
        for pk, post_id, pkind, ptitle, pq, created in rows:
            url = _post_url(post_id, pkind, pq)
            items[f"c{pk}"] = EvidenceItem(ptitle or "A conversation", url, "comment", "Comment", created)
    return [ProfileEvidence(items[i], supports[i]) for i in order if i in items][:PROFILE_EVIDENCE]


def knows_about(viewer, person, top: int = 8) -> KnowsAbout | None:
    """The topics `person` knows about, from evidence the viewer may read only, with their declared
    skills (confirmed when that evidence supports them). None when nobody may see it: the viewer
    cannot read anything, or the person opted out and is not the viewer."""
    visible = visible_keys(viewer)
    if not visible:
        return None
    opted_out = settings_for(person).opt_out_of_expertise
    if opted_out and viewer.pk != person.pk:
        return None
    skills = list(person.skills.values_list("name", "slug"))
    eng = engine.get_engine()
    # "now" = just after the newest item the viewer may see, so decayed strengths (and "confirmed")
    # cannot depend on newer content they cannot read
    latest = engine.latest_visible(eng.index, visible)
    now = from_epoch(latest + 1e-3) if latest is not None else None
    prof = build_profile(
        eng.index,
        engine.person_key(person.pk),
        declared=[s for _, s in skills],
        visible=visible,
        top=top,
        now=now,
    )
    names = {slug: name for name, slug in skills}
    top_strength = max((t.strength for t in prof.topics), default=0.0) or 1.0
    topics, declared = [], []
    for t in prof.topics:
        item = Topic(
            names.get(t.topic, t.topic),
            t.strength,
            t.evidence_count,
            t.declared,
            t.confirmed,
            max(1, min(5, math.ceil(5 * t.strength / top_strength))) if t.strength else 0,
        )
        (topics if t.evidence_count else declared).append(item)
    shown = {t.name for t in topics}
    evidence = profile_evidence(viewer, person, [t for t in prof.topics if t.evidence_count])
    for e in evidence:  # the topic names as shown (a declared skill's name, not its slug)
        e.topics = [names.get(t, t) for t in e.topics if names.get(t, t) in shown]
    return KnowsAbout(
        topics,
        declared,
        prof.answers,
        prof.accepted,
        prof.articles,
        prof.last_active,
        opted_out,
        # in the phrases they recur in (their writing is read only when there are key terms to place)
        key_phrases(own_writing(viewer, person), [t.topic for t in prof.key_terms]) if prof.key_terms else [],
        evidence,
    )


OWN_WRITING_ITEMS = 300  # the most recent answers, articles and posts (and as many comments) read for key phrases


def own_writing(viewer, person) -> list[str]:
    """The texts of `person`'s most recent answers, articles, posts and comments that `viewer` may read
    (the writing their key terms come from)."""
    from chrysalis.posts.models import Post

    kinds = (Post.Kind.ANSWER, Post.Kind.ARTICLE, Post.Kind.POST)
    rows = (
        visible_posts(viewer)
        .filter(author=person, kind__in=kinds)
        .order_by("-created_at")
        .values_list("title", "body")[:OWN_WRITING_ITEMS]
    )
    comments = (
        visible_comments(viewer).filter(author=person).order_by("-created_at").values_list("body", flat=True)
    )
    return [f"{title}. {body}" if title else body for title, body in rows] + list(comments[:OWN_WRITING_ITEMS])


# ------------------------------------------------------------------------------------------ routing inbox


INBOX_STATUSES = ("pending", "answered", "declined", "expired", "all")


def inbox(viewer, status: str = "pending", cursor: str | None = None, limit: int | None = None) -> Page:
    """The viewer's routing requests (newest first) whose question they may still read."""
    if status not in INBOX_STATUSES:
        from chrysalis.core.errors import Invalid

        raise Invalid("status must be pending, answered, declined, expired or all.", field="status")
    qs = (
        RoutingRequest.objects.filter(expert_id=viewer.pk, question__removed_at__isnull=True)
        .filter(content_visible_q(viewer, space_field="question__space"))
        .select_related("question", "question__author", "question__author__department", "question__space")
    )
    if status != "all":
        qs = qs.filter(status=status)
    return paginate(qs, cursor, limit, field="asked_at")


def get_request(viewer, request_id: int) -> RoutingRequest:
    from chrysalis.core.errors import NotFound

    found = (
        RoutingRequest.objects.filter(pk=request_id, expert_id=viewer.pk, question__removed_at__isnull=True)
        .filter(content_visible_q(viewer, space_field="question__space"))
        .select_related("question", "question__author", "question__author__department", "question__space")
        .first()
    )
    if found is None:
        raise NotFound("No such request.")
    return found


def question_routing(viewer, question_id: int) -> list[RoutingRequest] | None:
    """Who was asked to answer a question, in order, with how it went: for the asker and the
    question's moderators only (None for anyone else, or when the viewer may not read it)."""
    from chrysalis.core.errors import NotFound
    from chrysalis.posts.queries import get_visible_post
    from chrysalis.spaces.queries import can_moderate

    try:
        question = get_visible_post(viewer, question_id)
    except NotFound:
        return None
    allowed = question.author_id == viewer.pk or can_moderate(viewer, question.space)
    if question.kind != "question" or not allowed:
        return None
    return list(
        RoutingRequest.objects.filter(question_id=question.pk)
        .select_related("expert", "expert__department", "question")
        .order_by("round", "-score", "pk")
    )


def _day(when) -> str:
    local = timezone.localtime(when)
    return f"{local.day} {local.strftime('%B %Y')}"


def why_not_asked(person, code: str, space, prefs: ExpertSettings | None) -> str:
    """Why a person the asker chose by name was not asked, in words for the asker (`code` as
    expertise.routing.Skipped.reason). Only facts the asker may know: the person's own availability,
    and whether they can read the asker's space (the asker is a member of it)."""
    name = person.name
    if code == "asker":
        return "You cannot ask yourself."
    if code == "opted_out":
        return f"{name} has chosen not to be asked questions, so Chrysalis did not ask them."
    if code == "away":
        until = f" until {_day(prefs.away_until)}" if prefs is not None and prefs.away_until else ""
        return f"{name} is away{until}, so Chrysalis did not ask them."
    if code == "cannot_see":
        where = space.name if space is not None else "the company feed"
        return f"{name} cannot read questions in {where}, so Chrysalis did not ask them."
    if code == "weekly_cap":
        cap = settings.CHRYSALIS_ROUTING_WEEKLY_CAP
        return (
            f"{name} has already been asked {cap} question{'s' if cap != 1 else ''} this week, the most "
            "Chrysalis asks of anyone, so Chrysalis did not ask them."
        )
    if code in ("already_asked", "declined"):
        return f"{name} was already asked this question."
    return f"Chrysalis did not ask {name}."


def ask_hint(person, now: datetime | None = None) -> str:
    """Before a question is posted: why `person`, chosen by name, would not be asked now (opted out,
    away, at the weekly cap), in words; "" when nothing stands in the way (whether they can read it
    depends on where it is asked, checked when it is posted)."""
    now = now or timezone.now()
    prefs = ExpertSettings.objects.filter(user_id=person.pk).first()
    if prefs is not None and prefs.opt_out_of_expertise:
        return f"{person.name} has chosen not to be asked questions: Chrysalis will ask others who know instead."
    if prefs is not None and prefs.away_until and prefs.away_until > now:
        return f"{person.name} is away until {_day(prefs.away_until)}: Chrysalis will ask others who know instead."
    cap = settings.CHRYSALIS_ROUTING_WEEKLY_CAP
    if cap is not None and weekly_load([person.pk]).get(person.pk, 0) >= cap:
        return (
            f"{person.name} has already been asked {cap} question{'s' if cap != 1 else ''} this week, the most "
            "Chrysalis asks of anyone: Chrysalis will ask others who know instead."
        )
    return ""


def pending_count(viewer) -> int:
    return (
        RoutingRequest.objects.filter(
            expert_id=viewer.pk, status=RoutingRequest.Status.PENDING, question__removed_at__isnull=True
        )
        .filter(content_visible_q(viewer, space_field="question__space"))
        .count()
    )


def weekly_load(user_ids) -> dict[int, int]:
    from django.db.models import Count

    since = timezone.now() - timezone.timedelta(days=7)
    rows = (
        RoutingRequest.objects.filter(expert_id__in=list(user_ids), asked_at__gte=since)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    return dict(rows)


# ------------------------------------------------------------------------------------------ CLI


class CliContext:
    """Ranking state for the command line: built once, then one `rank` per question."""

    def __init__(self, viewer=None):
        eng = engine.ensure_fresh()
        User = get_user_model()
        self.viewer = viewer
        self.visible = visible_keys(viewer) if viewer is not None else public_keys()
        self.exclude = hidden_people()
        self.people = {
            pk: (ext, username, name or username)
            for pk, ext, username, name in User.objects.values_list(
                "pk", "external_id", "username", "display_name"
            )
        }
        self.by_ext = {ext: pk for pk, (ext, _, _) in self.people.items() if ext}
        self.by_username = {u: pk for pk, (_, u, _) in self.people.items()}
        self.eng = eng
        self.norm = eng.normalise_visible(self.visible)

    def rank(self, title, body, tags, asker, created, limit) -> list[dict]:
        asker_pk = self.by_ext.get(asker) or self.by_username.get(asker) if asker else None
        if self.viewer is not None and asker_pk is None:
            asker_pk = self.viewer.pk
        hits = self.eng.ranker.rank(
            Query(title, body, tuple(tags), engine.person_key(asker_pk) if asker_pk else None, created),
            limit=limit,
            visible=self.norm,
            explain=True,
            exclude=self.exclude,
        )
        out = []
        for h in hits:
            ext, username, name = self.people.get(int(h.person), (None, h.person, h.person))
            out.append(
                {
                    "external_id": ext,
                    "username": username,
                    "name": name,
                    "score": round(h.score, 4),
                    "why": h.why,
                }
            )
        return out


def cli_context(username: str | None = None) -> CliContext:
    from chrysalis.experts.cli import BadInput

    viewer = None
    if username:
        viewer = get_user_model().objects.filter(username=username, is_active=True).first()
        if viewer is None:
            raise BadInput(f"no active person with username {username!r}")
    return CliContext(viewer)


__all__ = ["find_experts", "knows_about", "inbox", "visible_keys", "Q"]


def experts_per_question(space) -> int:
    """How many experts a new question in `space` is routed to (None: the company feed)."""
    from chrysalis.experts.actions import DEFAULT_K
    from chrysalis.experts.models import SpaceRoutingSettings

    if space is None:
        return DEFAULT_K
    found = (
        SpaceRoutingSettings.objects.filter(space_id=space.pk).values_list("experts_per_question", flat=True).first()
    )
    return DEFAULT_K if found is None else found
