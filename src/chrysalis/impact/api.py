"""Impact API: a person's impact figures, as the caller may see them (the same as the page)."""

from ninja import Router

from chrysalis.impact import queries
from chrysalis.impact.schemas import ImpactOut, impact_out

router = Router(tags=["impact"])


@router.get(
    "/people/{username}/impact",
    response={200: ImpactOut, 401: dict, 404: dict},
    summary="A person's impact: people helped, reach, recognition, readers, breadth, influence",
)
def person_impact(request, username: str):
    """Every figure with its weekly and monthly series and this month vs last month. Figures come only
    from content the caller may read (the person themself: everything they may read); readers only
    for the person themself; influence from public content, the same for everyone. 404: no such person."""
    return impact_out(queries.impact_for(request.auth, username))
