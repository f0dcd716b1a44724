"""Connections API: people you should know, spaces worth joining, questions you could answer, and
"not now" (a dismissal)."""

from ninja import Query, Router, Status

from chrysalis.connections import actions, queries
from chrysalis.connections.schemas import (
    DismissalOut,
    DismissIn,
    SuggestedPersonOut,
    SuggestedQuestionOut,
    SuggestedSpaceOut,
    person_out,
    question_out,
    space_out,
)
from chrysalis.core.errors import Invalid

router = Router(tags=["connections"])


def _limit(limit: int) -> int:
    if not 1 <= limit <= queries.MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {queries.MAX_LIMIT}.", field="limit")
    return limit


@router.get("/suggestions/people", response=list[SuggestedPersonOut], summary="People you should know")
def people(request, limit: Query[int] = 10):
    """Ranked people, each with the reason in words; outside the caller's department first."""
    return [person_out(s) for s in queries.people_you_should_know(request.auth, limit=_limit(limit))]


@router.get("/suggestions/spaces", response=list[SuggestedSpaceOut], summary="Spaces worth joining")
def spaces(request, limit: Query[int] = 5):
    return [space_out(s) for s in queries.spaces_worth_joining(request.auth, limit=_limit(limit))]


@router.get("/suggestions/questions", response=list[SuggestedQuestionOut], summary="Questions you could answer")
def questions(request, limit: Query[int] = 5):
    """Open questions nobody has answered, on what the caller answers, not already routed to them."""
    return [question_out(s) for s in queries.questions_you_could_answer(request.auth, limit=_limit(limit))]


@router.post(
    "/suggestions/dismissals",
    response={201: DismissalOut},
    summary="Not now: hide a suggested person, space or question for a while",
)
def dismiss(request, payload: DismissIn):
    made = actions.dismiss_suggestion(
        request.auth, payload.kind, payload.target, reason=payload.reason, days=payload.days
    )
    return Status(
        201, {"kind": made.kind, "target": payload.target.strip(), "reason": made.reason, "until": made.until}
    )
