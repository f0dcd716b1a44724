"""The personal digest: daily or weekly (default), or off.

A digest is a list of sections. A section is one function `(recipient, start, end) -> data` in
SECTIONS (falsy data: the section is left out) plus one block in each of
`notifications/email/digest.html` and `digest.txt`. Every section reads through the access door
for the recipient at sending time, so nothing the recipient may not read now is in it. A digest
with nothing to say is not sent (the period is recorded as empty).

Periods end at CHRYSALIS_DIGEST_HOUR (UTC): daily ones every day, weekly ones on Mondays. A
period's digest is due once it has ended and is sent at most once per person (DigestDelivery).
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from chrysalis.notifications import actions, queries
from chrysalis.notifications.email import SENTENCES, absolute, build_message, excerpt, post_url, title_of
from chrysalis.notifications.models import KIND_OF_VERB, Delivery, DigestDelivery, Frequency, Notification

log = logging.getLogger(__name__)

PERIOD = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
WAITING_LIMIT = 5
LEARNED_LIMIT = 5
FOR_YOU_LIMIT = 10


# --- periods -------------------------------------------------------------------------------------


def latest_period(frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the most recent period of this frequency that has ended by `now`."""
    end = now.astimezone(UTC).replace(hour=settings.CHRYSALIS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if frequency == Frequency.WEEKLY:
        end -= timedelta(days=end.weekday())  # Monday
    if end > now:
        end -= PERIOD[frequency]
    return end - PERIOD[frequency], end


# --- sections ------------------------------------------------------------------------------------


def _ago(when: datetime, now: datetime) -> str:
    return "just now" if now - when < timedelta(minutes=1) else f"{timesince(when, now, depth=1)} ago"


def waiting_for_you(recipient, start, end) -> list[dict]:
    """Questions routed to the recipient (or asked of them by name) that still wait for them,
    whatever the period; none when they turned e-mail about routed questions off."""
    from chrysalis.experts.queries import inbox

    if queries.email_settings_of(recipient).routed == Delivery.OFF:
        return []

    now = timezone.now()
    return [
        {
            "title": r.question.title,
            "url": post_url(r.question),
            "asker": r.question.author.name,
            "space": r.question.space.name if r.question.space_id else "",
            "topics": list(r.topics or [])[:4],
            "asked_ago": _ago(r.asked_at, now),
        }
        for r in inbox(recipient, "pending", limit=WAITING_LIMIT).items
    ]


def for_you(recipient, start, end) -> list[dict]:
    """Notifications of the period whose kind the recipient chose to get in the digest (routed
    questions are in "waiting for you" while they wait)."""
    chosen = queries.email_settings_of(recipient)
    verbs = [
        verb
        for verb, kind in KIND_OF_VERB.items()
        if kind != Notification.Verb.ROUTED and chosen.delivery(verb) == Delivery.DIGEST
    ]
    if not verbs:
        return []
    rows = (
        queries.visible_notifications(recipient)
        .filter(verb__in=verbs, created_at__gte=start, created_at__lt=end)
        .select_related("actor", "post", "post__space", "post__question", "comment")
        .order_by("-created_at", "-pk")[:FOR_YOU_LIMIT]
    )
    return [
        {
            "actor": n.actor.name,
            "sentence": SENTENCES.get(n.verb, n.get_verb_display()),
            "title": title_of(n.post) if n.post is not None else "",
            "url": post_url(n.post, n.comment) if n.post is not None else absolute(reverse("notifications:list")),
            "at": n.created_at,
        }
        for n in rows
    ]


def network_learned(recipient, start, end) -> list[dict]:
    """The period's best answers and articles by people the recipient follows or on tags they
    follow (an answer counts its question's tags), best score first."""
    from chrysalis.people.models import Follow
    from chrysalis.posts.models import Post, TagFollow
    from chrysalis.posts.queries import visible_posts

    followees = set(Follow.objects.filter(follower_id=recipient.pk).values_list("followee_id", flat=True))
    tag_ids = set(TagFollow.objects.filter(user_id=recipient.pk).values_list("tag_id", flat=True))
    if not followees and not tag_ids:
        return []
    matching = (
        visible_posts(recipient)
        .filter(kind__in=[Post.Kind.ANSWER, Post.Kind.ARTICLE], created_at__gte=start, created_at__lt=end)
        .exclude(author_id=recipient.pk)
        .filter(Q(kind=Post.Kind.ARTICLE) | Q(question__removed_at__isnull=True))
        .filter(
            Q(author_id__in=followees)
            | Q(kind=Post.Kind.ARTICLE, tags__in=tag_ids)
            | Q(kind=Post.Kind.ANSWER, question__tags__in=tag_ids)
        )
        .values("pk")
    )
    posts = list(
        visible_posts(recipient)
        .filter(pk__in=matching)
        .select_related("author", "space", "question")
        .order_by("-score", "-created_at", "-pk")[:LEARNED_LIMIT]
    )
    topic_of = {p.pk: (p.pk if p.kind == Post.Kind.ARTICLE else p.question_id) for p in posts}
    tags: dict[int, list[str]] = {}
    through = Post.tags.through.objects.filter(post_id__in=set(topic_of.values()), tag_id__in=tag_ids)
    for post_id, name in through.order_by("tag__name").values_list("post_id", "tag__name"):
        tags.setdefault(post_id, []).append(name)
    items = []
    for p in posts:
        reasons = tags.get(topic_of[p.pk], [])
        items.append(
            {
                "kind": "article" if p.kind == Post.Kind.ARTICLE else "answer",
                "title": title_of(p),
                "author": p.author.name,
                "space": p.space.name if p.space_id else "",
                "excerpt": excerpt(p.body_html, 220),
                "url": post_url(p),
                "score": p.score,
                "accepted": p.kind == Post.Kind.ANSWER and p.question.accepted_answer_id == p.pk,
                "followed_author": p.author_id in followees,
                "tags": reasons,
            }
        )
    return items


def contributions(recipient, start, end) -> dict | None:
    """What the recipient's work did in the period: answers given, people helped (distinct askers),
    accepted answers, reactions and up votes received; None when all are zero."""
    from chrysalis.posts.models import Post, Reaction, Vote
    from chrysalis.posts.queries import visible_comments, visible_posts
    from chrysalis.spaces.queries import content_visible_q

    mine = visible_posts(recipient).filter(author_id=recipient.pk)
    answers = mine.filter(kind=Post.Kind.ANSWER, created_at__gte=start, created_at__lt=end).filter(
        content_visible_q(recipient, space_field="question__space"), question__removed_at__isnull=True
    )
    given = answers.count()
    helped = (
        answers.exclude(question__author_id=recipient.pk).values("question__author_id").distinct().count()
        if given
        else 0
    )
    accepted = (
        queries.visible_notifications(recipient)
        .filter(verb=Notification.Verb.ACCEPTED, created_at__gte=start, created_at__lt=end)
        .filter(post__author_id=recipient.pk)
        .filter(Exists(Post.objects.filter(accepted_answer_id=OuterRef("post_id"), removed_at__isnull=True)))
        .values("post_id")
        .distinct()
        .count()
    )
    my_comments = visible_comments(recipient).filter(author_id=recipient.pk)
    received = Reaction.objects.filter(created_at__gte=start, created_at__lt=end).exclude(user_id=recipient.pk)
    # two counts, not one OR: each walks the reactions of the person's own posts / comments by index
    reactions = received.filter(post__in=mine).count() + received.filter(comment__in=my_comments).count()
    votes = (
        Vote.objects.filter(post__in=mine, value__gt=0, created_at__gte=start, created_at__lt=end)
        .exclude(user_id=recipient.pk)
        .count()
    )
    if not (given or accepted or reactions or votes):
        return None
    return {"answers": given, "helped": helped, "accepted": accepted, "reactions": reactions, "votes": votes}


# name → section function, in the order the digest shows them
SECTIONS = {
    "waiting": waiting_for_you,
    "for_you": for_you,
    "learned": network_learned,
    "contributions": contributions,
}


@dataclass
class Digest:
    recipient: object
    frequency: str
    start: datetime
    end: datetime
    sections: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())

    @property
    def period_word(self) -> str:
        return "today" if self.frequency == Frequency.DAILY else "this week"

    def subject(self) -> str:
        s = self.sections
        parts = []
        if s.get("waiting"):
            n = len(s["waiting"])
            parts.append(f"{n} question{'s' if n != 1 else ''} waiting for you")
        if s.get("for_you"):
            n = len(s["for_you"])
            parts.append(f"{n} update{'s' if n != 1 else ''} for you")
        if s.get("learned"):
            parts.append("what your network learned")
        if s.get("contributions") and s["contributions"]["helped"]:
            n = s["contributions"]["helped"]
            parts.append(f"you helped {n} {'people' if n != 1 else 'person'}")
        elif s.get("contributions"):
            parts.append("your contributions")
        label = "daily" if self.frequency == Frequency.DAILY else "weekly"
        return f"Your {label} Chrysalis digest: {', '.join(parts)}"


def build_digest(recipient, frequency: str, start: datetime, end: datetime) -> Digest:
    return Digest(
        recipient, frequency, start, end, {name: fn(recipient, start, end) for name, fn in SECTIONS.items()}
    )


def digest_message(digest: Digest):
    context = {"digest": digest, "s": digest.sections, "inbox_url": absolute(reverse("experts:inbox"))}
    return build_message(
        digest.recipient, subject=digest.subject(), template="digest", context=context, scope=actions.DIGEST_SCOPE
    )


# --- sending -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        return {"sent": self.sent, "empty": self.empty, "failed": self.failed, "error": self.error}


def recipients(frequency: str, *, end: datetime | None = None):
    """People who get this frequency of digest by e-mail (active, with an address, the master switch
    on), without the ones already recorded for the period ending at `end` when given."""
    from chrysalis.people.models import User

    people = (
        User.objects.filter(is_active=True, email_notifications=True)
        .exclude(email="")
        .annotate(digest_frequency=Coalesce("email_settings__digest", Value(Frequency.WEEKLY.value)))
        .filter(digest_frequency=frequency)
    )
    if end is not None:
        done = DigestDelivery.objects.filter(frequency=frequency, period_end=end).values("recipient_id")
        people = people.exclude(pk__in=done)
    return people.order_by("pk")


def send_digests(*, now: datetime | None = None, everyone: bool = False) -> Outcome:
    """Send the digests due at `now`: for each frequency, the latest ended period of each person
    not yet recorded. `everyone`: a digest of the last day or week, ending now, to every person
    whose digest is not off, whatever the day. Stops at the first mail-server error (what was not
    sent is released for the next run) and reports it in the outcome."""
    from chrysalis.people.models import User

    now = now or timezone.now()
    outcome = Outcome()
    connection, opened = mailers.default, False  # opened at the first message: nothing due, no connection
    try:
        for frequency in (Frequency.DAILY, Frequency.WEEKLY):
            if everyone:
                start, end = now - PERIOD[frequency], now
                ids = list(recipients(frequency).values_list("pk", flat=True))
            else:
                start, end = latest_period(frequency, now)
                ids = list(recipients(frequency, end=end).values_list("pk", flat=True))
            for i in range(0, len(ids), 500):
                for person in User.objects.filter(pk__in=ids[i : i + 500]).order_by("pk"):
                    delivery = actions.claim_digest(person, frequency, start, end)
                    if delivery is None:  # another run has it
                        continue
                    digest = build_digest(person, frequency, start, end)
                    if digest.empty:
                        actions.finish_digest(delivery, sent=False)
                        outcome.empty += 1
                        continue
                    try:
                        message = digest_message(digest)
                        if not opened:
                            connection.open()
                            opened = True
                        connection.send_messages([message])
                    except Exception as exc:
                        actions.release_digest(delivery)
                        outcome.failed += 1
                        outcome.error = f"{type(exc).__name__}: {exc}"
                        log.exception("could not send the digest of person %s", person.pk)
                        return outcome
                    actions.finish_digest(delivery, sent=True)
                    outcome.sent += 1
    finally:
        if opened:
            connection.close()
    return outcome
