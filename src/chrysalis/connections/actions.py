"""Writes of the connections app: "not now" on a suggestion."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chrysalis.connections.models import Dismissal
from chrysalis.connections.queries import DISMISS_DAYS, forget_cached
from chrysalis.core.errors import Forbidden, Invalid, NotFound

MAX_REASON = 300


def _target_id(actor, kind: str, target) -> int:
    """The id of the suggestion's target, if the actor may know it exists (NotFound otherwise: a
    secret space answers exactly like a missing one)."""
    ref = str(target if target is not None else "").strip()
    if not ref:
        raise Invalid("Say what to hide: a username, a space or a question.", field="target")
    if kind == Dismissal.Kind.PERSON:
        found = get_user_model().objects.filter(username=ref, is_active=True).values_list("pk", flat=True).first()
        if found is None:
            raise NotFound("No such person.")
        if found == actor.pk:
            raise Invalid("You are never suggested to yourself.", field="target")
        return found
    if kind == Dismissal.Kind.SPACE:
        from chrysalis.spaces.queries import get_known_space

        return get_known_space(actor, ref).pk
    from chrysalis.posts.queries import get_visible_post

    if not ref.isdigit():
        raise NotFound("No such question.")
    try:
        post = get_visible_post(actor, int(ref))
    except NotFound:
        raise NotFound("No such question.") from None
    if post.kind != "question":
        raise NotFound("No such question.")
    return post.pk


def dismiss_suggestion(actor, kind: str, target, *, reason: str = "", days: int = DISMISS_DAYS) -> Dismissal:
    """Hide a suggested person (username), space (slug) or question (id) from `actor` for `days` days,
    keeping the reason that was shown. Dismissing again starts a new period (both are kept)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("Sign in first.")
    if kind not in Dismissal.Kind.values:
        raise Invalid("kind must be person, space or question.", field="kind")
    if not isinstance(reason, str):
        raise Invalid("reason must be text.", field="reason")
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise Invalid(f"reason is at most {MAX_REASON} characters.", field="reason")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise Invalid("days must be between 1 and 365.", field="days")
    target_id = _target_id(actor, kind, target)
    now = timezone.now()
    with transaction.atomic():
        made = Dismissal.objects.create(
            user=actor, kind=kind, target_id=target_id, reason=reason, created_at=now, until=now + timedelta(days=days)
        )
        transaction.on_commit(lambda: forget_cached(actor.pk))
    return made
