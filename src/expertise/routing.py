"""Choosing whom to ask: top-k of a ranking, minus the people who must not be asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from expertise.types import ExpertHit


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    k: int = 3  # experts asked per round (configurable per space)
    weekly_cap: int | None = 5  # routed questions per person per week; None = no cap


@dataclass(frozen=True, slots=True)
class Skipped:
    person: str
    reason: str  # asker | opted_out | away | cannot_see | weekly_cap | already_asked | declined


def choose_recipients(
    ranked: Iterable[ExpertHit],
    *,
    policy: RoutingPolicy = RoutingPolicy(),
    asker: str | None = None,
    opted_out: set[str] = frozenset(),  # type: ignore[assignment]
    away: set[str] = frozenset(),  # type: ignore[assignment]
    can_see: Callable[[str], bool] | set[str] | None = None,
    load: Mapping[str, int] | None = None,  # questions routed to each person in the last 7 days
    already_asked: set[str] = frozenset(),  # type: ignore[assignment]
    declined: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[ExpertHit], list[Skipped]]:
    """The first `policy.k` eligible people of a ranking, best first, and who was skipped and why.

    Escalation is the same call with everyone asked so far in `already_asked`: it returns the next k.
    """
    chosen: list[ExpertHit] = []
    skipped: list[Skipped] = []
    load = load or {}
    for hit in ranked:
        if len(chosen) >= policy.k:
            break
        p = hit.person
        reason = None
        if asker is not None and p == asker:
            reason = "asker"
        elif p in opted_out:
            reason = "opted_out"
        elif p in already_asked:
            reason = "already_asked"
        elif p in declined:
            reason = "declined"
        elif p in away:
            reason = "away"
        elif can_see is not None and not (p in can_see if isinstance(can_see, set) else can_see(p)):
            reason = "cannot_see"
        elif policy.weekly_cap is not None and load.get(p, 0) >= policy.weekly_cap:
            reason = "weekly_cap"
        if reason:
            skipped.append(Skipped(p, reason))
        else:
            chosen.append(hit)
    return chosen, skipped


def escalate(ranked: Iterable[ExpertHit], asked_before: set[str], **kwargs) -> tuple[list[ExpertHit], list[Skipped]]:
    """The next experts for a question still unanswered: the ranking minus everyone asked before."""
    already = set(kwargs.pop("already_asked", set())) | set(asked_before)
    return choose_recipients(ranked, already_asked=already, **kwargs)
