"""Writes of the insights app: snapshots (computed by the task), requests to compute one, and
introductions sent between people."""

from __future__ import annotations

import time
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.insights import compute, queries
from chrysalis.insights.models import InsightRequest, InsightSnapshot, Introduction


def _store(range_key: str, since: date, until: date, payload: dict, seconds: float) -> InsightSnapshot:
    with transaction.atomic():
        snap = InsightSnapshot.objects.create(
            range_key=range_key, period_start=since, period_end=until, payload=payload, seconds=seconds
        )
        InsightRequest.objects.filter(period_start=since, period_end=until, done_at__isnull=True).update(
            done_at=timezone.now()
        )
    return snap


def compute_snapshot(since: date, until: date, *, range_key: str = "custom", data=None) -> InsightSnapshot:
    """Compute and store the figures of [since, until) (the task calls this)."""
    t = time.perf_counter()
    data = data or compute.Data(until)
    payload = compute.compute(data, since, until)
    return _store(range_key, since, until, payload, time.perf_counter() - t)


def compute_standard_snapshots(*, on: date | None = None, force: bool = False) -> list[InsightSnapshot]:
    """The last 30, 90 and 365 days up to `on` (today), read from the database once. Idempotent:
    a range already computed for that day is skipped unless `force`."""
    periods = {key: queries.standard_period(key, on) for key in queries.RANGES}
    todo = {
        key: p for key, p in periods.items()
        if force or not InsightSnapshot.objects.filter(range_key=key, period_start=p[0], period_end=p[1]).exists()
    }
    if not todo:
        return []
    t = time.perf_counter()
    data = compute.Data(max(p[1] for p in todo.values()))
    load = time.perf_counter() - t
    out = []
    for key, (since, until) in todo.items():
        t = time.perf_counter()
        payload = compute.compute(data, since, until)
        payload["load_seconds"] = load
        out.append(_store(key, since, until, payload, time.perf_counter() - t + load))
    return out


def request_snapshot(actor, *, start: date | None = None, end: date | None = None) -> InsightRequest | None:
    """An administrator asks for figures now: the standard ranges (no dates) or [start, end] (end
    inclusive). Enqueues the task on commit; returns the request of a custom range."""
    if not queries.can_compute(actor):
        raise Forbidden("Only administrators can compute insights on demand.")
    from chrysalis.insights import tasks

    if start is None and end is None:
        transaction.on_commit(lambda: tasks.compute_standard_snapshots_task.enqueue(True))
        return None
    since, until = queries.check_period(start, end)
    with transaction.atomic():
        req = InsightRequest.objects.filter(period_start=since, period_end=until, done_at__isnull=True).first()
        if req is None:
            req = InsightRequest.objects.create(requested_by=actor, period_start=since, period_end=until)
            transaction.on_commit(
                lambda: tasks.compute_snapshot_task.enqueue(since.isoformat(), until.isoformat())
            )
    return req


def send_introduction(actor, *, expert: str, asker: str, topic: str, reason: str = "") -> Introduction:
    """Introduce two people (by username) about a topic: both get an in-app notification, and the
    introduction is recorded. Administrators only; each pair once per topic."""
    from chrysalis.notifications.actions import notify

    if not queries.can_compute(actor):
        raise Forbidden("Only administrators can send introductions.")
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(username__in=[expert, asker], is_active=True)}
    for name in (expert, asker):
        if name not in people:
            raise NotFound(f"No person with the username “{(name or '')[:150]}”.")
    a, b = people[expert], people[asker]
    if a.pk == b.pk:
        raise Invalid("Choose two different people.", field="asker")
    topic = (topic or "").strip().lower()
    if not topic or len(topic) > 50:
        raise Invalid("Name the topic (at most 50 characters).", field="topic")
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise Invalid("The reason can be at most 500 characters.", field="reason")
    lo, hi = (a, b) if a.pk < b.pk else (b, a)
    already = f"{a.name} and {b.name} were already introduced about #{topic}."
    if Introduction.objects.filter(person_a=lo, person_b=hi, topic=topic).exists():
        raise Conflict(already)
    try:
        with transaction.atomic():
            intro = Introduction.objects.create(
                introduced_by=actor, person_a=lo, person_b=hi, topic=topic,
                reason=reason or f"{a.name} knows about #{topic}; {b.name} asked about it.",
            )
            notify([a, b], actor=actor, verb="introduction")
    except IntegrityError:
        raise Conflict(already) from None
    return intro


def set_community_manager(person, on: bool = True) -> None:
    """Add `person` to (or take them out of) the "Community managers" group, which carries the
    insights.view_insights permission (created here when missing). Run by the operator's
    command `chrysalis manage insights_manager`, so there is no actor to check."""
    from django.contrib.auth.models import Group, Permission

    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=queries.COMMUNITY_MANAGERS)
        group.permissions.add(Permission.objects.get(codename="view_insights", content_type__app_label="insights"))
        if on:
            group.user_set.add(person)
        else:
            group.user_set.remove(person)
