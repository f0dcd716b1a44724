"""Writes of the expertise app: routing questions to experts, declines, answers, escalation, and
each person's availability settings.

Routing rules (route_question / escalate_unanswered):
- ranking: the question's title, body and tags, ranked with the evidence that EVERY possible reader of
  the question may read (public content plus the question's own space: `queries.question_keys`), so
  being asked never depends on content the asker or a recipient could not read;
- only people with evidence matching the question (`queries.matching`): an active person who
  never wrote about the topic is not asked;
- never the asker; only people who may read the question (spaces.queries.readers_among); not opted
  out; not away; not above the weekly cap (settings.CHRYSALIS_ROUTING_WEEKLY_CAP requests in the last
  7 days); never twice for one question (someone who declined is not asked again);
- k experts per round: the question's space's SpaceRoutingSettings.experts_per_question, default 3;
- escalation: a question with no answer CHRYSALIS_ROUTING_ESCALATE_AFTER after its last round (or
  whose whole round declined) goes to the next k experts (round + 1), at most
  CHRYSALIS_ROUTING_MAX_ROUNDS rounds; the pending requests of the earlier round expire.
Decline feedback: "not my area" is recorded on the request and, through a task, becomes "decline"
evidence in the expertise index (engine.py): the ranker's `declined` feature (the query's match to
questions the person declined) has a weight learned by `fit()` with the others (decliners are kept as
known negatives in its training questions), so similar questions rank them lower in search and
routing; the person is never asked that question again. "busy" only excludes them from this question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.experts import hooks, queries
from chrysalis.experts.models import ExpertSettings, RoutingRequest, SpaceRoutingSettings
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.spaces.queries import can_moderate, readers_among
from expertise.routing import RoutingPolicy, choose_recipients
from expertise.types import ExpertHit

DEFAULT_K = 3


def _question(question_or_id):
    from chrysalis.posts.models import Post

    pk = getattr(question_or_id, "pk", question_or_id)
    return (
        Post.objects.select_related("author", "space")
        .filter(pk=pk, kind=Post.Kind.QUESTION, removed_at__isnull=True)
        .first()
    )


def _unanswered(question) -> bool:
    return question.closed_at is None and not question.answers.filter(removed_at__isnull=True).exists()


def route_question(question_or_id, *, round: int = 1, now: datetime | None = None) -> list[RoutingRequest]:
    """Ask the top eligible experts to answer a question; records one RoutingRequest each and
    notifies them. Returns the new requests (none when nobody is eligible)."""
    question = _question(question_or_id)
    if question is None or question.closed_at is not None:
        return []
    now = now or timezone.now()
    from chrysalis.experts.queries import experts_per_question

    k = experts_per_question(question.space)
    if k <= 0:
        return []
    asked = dict(RoutingRequest.objects.filter(question=question).values_list("expert_id", "status"))
    hits = queries.rank_people(
        question.title,
        question.body_html,
        [t.name for t in question.tags.all()],
        visible=queries.question_keys(question),
        asker=question.author,
        limit=k + len(asked) + 40,
        explain=True,  # the matched topics say each expert why they were asked
    )
    hits = queries.matching(hits)  # only people whose work matches the question
    ids = [int(h.person) for h in hits]
    readers = readers_among(question.space, ids)
    prefs = {s.user_id: s for s in ExpertSettings.objects.filter(user_id__in=ids)}
    chosen, _skipped = choose_recipients(
        hits,
        policy=RoutingPolicy(k=k, weekly_cap=settings.CHRYSALIS_ROUTING_WEEKLY_CAP),
        asker=str(question.author_id),
        opted_out={str(i) for i, s in prefs.items() if s.opt_out_of_expertise},
        away={str(i) for i, s in prefs.items() if s.away_until and s.away_until > now},
        can_see={str(i) for i in readers},
        load={str(i): n for i, n in queries.weekly_load(ids).items()},
        already_asked={str(i) for i, st in asked.items() if st != RoutingRequest.Status.DECLINED},
        declined={str(i) for i, st in asked.items() if st == RoutingRequest.Status.DECLINED},
    )
    if not chosen:
        return []
    from chrysalis.people.models import User

    experts = User.objects.in_bulk([int(h.person) for h in chosen])
    rows = [
        RoutingRequest(
            question=question,
            expert=experts[int(h.person)],
            asked_at=now,
            round=round,
            score=h.score,
            topics=list(h.matched_topics[:WHY_TOPICS]),
        )
        for h in chosen
        if int(h.person) in experts
    ]
    with transaction.atomic():
        try:
            RoutingRequest.objects.bulk_create(rows)
        except IntegrityError:  # a concurrent routing of the same question won: keep theirs
            return []
        notify([r.expert for r in rows], actor=question.author, verb=Notification.Verb.ROUTED, post=question)
    return rows


WHY_TOPICS = 4  # matched topics kept on a routing request ("you know about ...")


@dataclass(frozen=True)
class NamedAsk:
    """What became of asking one person by name: the request made, or why none was (`reason`, in words
    for the asker; `code` as expertise.routing.Skipped.reason)."""

    person: object
    request: RoutingRequest | None = None
    code: str = ""
    reason: str = ""

    @property
    def asked(self) -> bool:
        return self.request is not None


def ask_by_name(question, person, *, now: datetime | None = None) -> NamedAsk:
    """The asker chose `person` by name: ask them too, under the rules of routing (they may read the
    question, have not opted out, are not away, are under the weekly cap; never the asker; once per
    question), but whatever their evidence. Call inside the asking transaction, after the question is
    written; the usual routing to others (the `question_asked` task, on commit) then skips them.
    The person is notified on commit that the asker asked them by name. Returns what happened, with
    the reason in words when they were not asked (nothing is written for them then)."""
    now = now or timezone.now()
    key = str(person.pk)
    prefs = ExpertSettings.objects.filter(user_id=person.pk).first()
    asked = dict(
        RoutingRequest.objects.filter(question=question, expert_id=person.pk).values_list("expert_id", "status")
    )
    _chosen, skipped = choose_recipients(
        [ExpertHit(key, 0.0)],
        policy=RoutingPolicy(k=1, weekly_cap=settings.CHRYSALIS_ROUTING_WEEKLY_CAP),
        asker=str(question.author_id),
        opted_out={key} if (prefs and prefs.opt_out_of_expertise) or not person.is_active else set(),
        away={key} if prefs and prefs.away_until and prefs.away_until > now else set(),
        can_see={str(i) for i in readers_among(question.space, [person.pk])},
        load={str(i): n for i, n in queries.weekly_load([person.pk]).items()},
        already_asked={key} if asked and RoutingRequest.Status.DECLINED not in asked.values() else set(),
        declined={key} if RoutingRequest.Status.DECLINED in asked.values() else set(),
    )
    if skipped:
        code = skipped[0].reason
        return NamedAsk(person, None, code, queries.why_not_asked(person, code, question.space, prefs))
    with transaction.atomic():
        try:
            with transaction.atomic():
                req = RoutingRequest.objects.create(
                    question=question, expert=person, asked_at=now, round=1, score=0.0, by_name=True
                )
        except IntegrityError:  # asked meanwhile
            return NamedAsk(
                person, None, "already_asked", queries.why_not_asked(person, "already_asked", question.space, prefs)
            )
        notify([person], actor=question.author, verb=Notification.Verb.ASKED_BY_NAME, post=question)
    return NamedAsk(person, req)


def _respond(req: RoutingRequest, now: datetime) -> int:
    return max(0, int((now - req.asked_at).total_seconds()))


def decline_request(actor, request_id: int, reason: str) -> RoutingRequest:
    """The expert declines a pending request: "not my area" (feeds the ranking) or "busy"."""
    reason = (reason or "").strip().lower()
    if reason not in RoutingRequest.Reason.values:
        raise Invalid('Reason must be "not my area" or "busy".', field="reason")
    req = queries.get_request(actor, request_id)
    if req.status != RoutingRequest.Status.PENDING:
        raise Conflict(f"This request is already {req.get_status_display().lower()}.")
    now = timezone.now()
    with transaction.atomic():
        updated = RoutingRequest.objects.filter(pk=req.pk, status=RoutingRequest.Status.PENDING).update(
            status=RoutingRequest.Status.DECLINED,
            declined_at=now,
            declined_reason=reason,
            response_seconds=_respond(req, now),
        )
        if not updated:
            raise Conflict("This request was already answered or declined.")
        if reason == RoutingRequest.Reason.NOT_MY_AREA:
            hooks.declined(req.pk)
        still_pending = RoutingRequest.objects.filter(
            question_id=req.question_id, status=RoutingRequest.Status.PENDING
        ).exists()
        if not still_pending:  # everyone asked declined: go to the next experts right away
            qid, rnd = req.question_id, req.round
            transaction.on_commit(lambda: _escalate_one(qid, rnd + 1))
    req.refresh_from_db()
    return req


def on_answer(answer) -> RoutingRequest | None:
    """Record that a routed expert answered (call on commit after an answer is written)."""
    if answer is None or answer.question_id is None:
        return None
    req = RoutingRequest.objects.filter(question_id=answer.question_id, expert_id=answer.author_id).first()
    if req is None or req.status == RoutingRequest.Status.ANSWERED:
        return req
    now = answer.created_at or timezone.now()
    RoutingRequest.objects.filter(pk=req.pk).update(
        status=RoutingRequest.Status.ANSWERED, answered_at=now, response_seconds=_respond(req, now)
    )
    req.refresh_from_db()
    return req


def _escalate_one(question_id: int, next_round: int, now: datetime | None = None) -> list[RoutingRequest]:
    if next_round > settings.CHRYSALIS_ROUTING_MAX_ROUNDS:
        return []
    from chrysalis.posts.models import Post

    with transaction.atomic():
        # one escalation of a question at a time, across workers and machines: the question's row
        # is locked, and a round someone else already started is not started again
        if not Post.objects.select_for_update().filter(pk=question_id).exists():
            return []
        if (RoutingRequest.objects.filter(question_id=question_id).aggregate(r=Max("round"))["r"] or 0) >= next_round:
            return []
        question = _question(question_id)
        if question is None or not _unanswered(question):
            return []
        # a person the asker chose by name stays asked: only the experts routing chose pass it on
        RoutingRequest.objects.filter(
            question_id=question_id, status=RoutingRequest.Status.PENDING, by_name=False
        ).update(status=RoutingRequest.Status.EXPIRED)
        return route_question(question, round=next_round, now=now)


def escalate_unanswered(now: datetime | None = None) -> int:
    """Questions still unanswered `CHRYSALIS_ROUTING_ESCALATE_AFTER` after their last round go to the
    next experts. Returns how many new requests were made. Idempotent and safe to run in several
    workers at once (each question's next round is started once)."""
    now = now or timezone.now()
    cutoff = now - settings.CHRYSALIS_ROUTING_ESCALATE_AFTER
    rounds = (
        RoutingRequest.objects.values("question_id")
        .annotate(last=Max("asked_at"), rnd=Max("round"))
        .filter(last__lte=cutoff, rnd__lt=settings.CHRYSALIS_ROUTING_MAX_ROUNDS)
    )
    made = 0
    for row in rounds:
        made += len(_escalate_one(row["question_id"], row["rnd"] + 1, now=now))
    return made


def update_settings(
    actor,
    *,
    opt_out_of_expertise: bool | None = None,
    away_until=...,
) -> ExpertSettings:
    """Change the actor's own availability: opt out of expert search and routing; away until a time
    (None: back now). A time in the past is refused."""
    if away_until is not ... and away_until is not None:
        if timezone.is_naive(away_until):
            away_until = timezone.make_aware(away_until)
        if away_until <= timezone.now():
            raise Invalid("“Away until” must be in the future.", field="away_until")
    with transaction.atomic():
        prefs, _ = ExpertSettings.objects.select_for_update().get_or_create(user_id=actor.pk)
        if opt_out_of_expertise is not None:
            prefs.opt_out_of_expertise = bool(opt_out_of_expertise)
        if away_until is not ...:
            prefs.away_until = away_until
        prefs.save()
    return prefs


def set_space_routing(actor, space, *, experts_per_question: int) -> SpaceRoutingSettings:
    """Owners and moderators choose how many experts a question of their space is routed to (0-10)."""
    if not can_moderate(actor, space):
        raise Forbidden("Only owners and moderators change routing for this space.")
    if not isinstance(experts_per_question, int) or not 0 <= experts_per_question <= 10:
        raise Invalid("Experts per question must be between 0 and 10.", field="experts_per_question")
    found, _ = SpaceRoutingSettings.objects.update_or_create(
        space=space, defaults={"experts_per_question": experts_per_question}
    )
    return found


__all__ = [
    "route_question",
    "ask_by_name",
    "decline_request",
    "on_answer",
    "escalate_unanswered",
    "update_settings",
    "set_space_routing",
    "NotFound",
]
