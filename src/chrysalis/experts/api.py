"""Expertise API: expert search, a person's expertise, my routing requests, declines, my availability
settings."""

from ninja import Query, Router

from chrysalis.core.errors import Invalid, NotFound
from chrysalis.experts import actions, queries
from chrysalis.experts.schemas import (
    DeclineIn,
    ExpertiseOut,
    ExpertiseSettingsIn,
    ExpertiseSettingsOut,
    ExpertOut,
    RoutingOut,
    RoutingPage,
    expert_out,
    expertise_out,
    routing_out,
)

router = Router(tags=["experts"])


@router.get("/experts", response=list[ExpertOut], summary="Who knows about … (expert search)")
def experts(
    request,
    q: Query[str] = "",
    tags: Query[str] = "",
    department: Query[int | None] = None,
    location: Query[str] = "",
    outside: Query[bool] = False,
    limit: Query[int] = 10,
):
    if not 1 <= limit <= 50:
        raise Invalid("limit must be between 1 and 50.", field="limit")
    tag_list = [t for t in tags.replace(",", " ").split() if t]
    if not q.strip() and not tag_list:
        raise Invalid("Say what you are looking for: q or tags.", field="q")
    found = queries.find_experts(
        request.auth,
        q,
        tags=tag_list,
        department=department,
        location=location,
        outside_my_department=outside,
        limit=limit,
    )
    return [expert_out(r) for r in found]


@router.get(
    "/people/{username}/expertise",
    response={200: ExpertiseOut, 401: dict, 404: dict},
    summary="What a person knows about",
)
def person_expertise(request, username: str):
    """Topics, key terms and declared skills, from the evidence the caller may read. 404 when the
    person does not exist or opted out of expert search (unless it is the caller)."""
    from chrysalis.people.queries import person_by_username

    person = person_by_username(username)
    k = queries.knows_about(request.auth, person)
    if k is None:
        raise NotFound("No such person, or they do not appear in expert search.")
    return expertise_out(person.username, k)


@router.get("/me/routing", response=RoutingPage, summary="Questions routed to me")
def my_routing(
    request, status: Query[str] = "pending", cursor: Query[str | None] = None, limit: Query[int | None] = None
):
    page = queries.inbox(request.auth, status=status, cursor=cursor, limit=limit)
    return {"items": [routing_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/routing/{request_id}/decline", response=RoutingOut, summary="Decline a routed question")
def decline(request, request_id: int, payload: DeclineIn):
    req = actions.decline_request(request.auth, request_id, payload.reason)
    return routing_out(req)


@router.get("/me/expertise-settings", response=ExpertiseSettingsOut, summary="My expertise settings")
def get_settings(request):
    s = queries.settings_for(request.auth)
    return {"opt_out_of_expertise": s.opt_out_of_expertise, "away_until": s.away_until}


@router.patch("/me/expertise-settings", response=ExpertiseSettingsOut, summary="Change my expertise settings")
def patch_settings(request, payload: ExpertiseSettingsIn):
    fields = payload.model_dump(exclude_unset=True)
    s = actions.update_settings(
        request.auth,
        opt_out_of_expertise=fields.get("opt_out_of_expertise"),
        away_until=fields.get("away_until", ...),
    )
    return {"opt_out_of_expertise": s.opt_out_of_expertise, "away_until": s.away_until}
