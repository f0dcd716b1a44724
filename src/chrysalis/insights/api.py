"""Insights API: the snapshot's figures, one table, what a leaver would orphan; computing on
demand and sending introductions (administrators). Staff and community managers only (403)."""

from datetime import date

from ninja import Query, Router, Schema, Status

from chrysalis.core.errors import NotFound
from chrysalis.insights import actions, queries

router = Router(tags=["insights"])


class SnapshotOut(Schema):
    range: str
    period_start: date
    period_end: date  # exclusive
    computed_at: str
    figures: dict


class TableOut(Schema):
    name: str
    header: list[str]
    rows: list[list]


class OrphanedOut(Schema):
    username: str
    topics: list[dict]


class ComputeIn(Schema):
    start: date | None = None
    end: date | None = None  # inclusive


class IntroductionIn(Schema):
    expert: str
    asker: str
    topic: str
    reason: str = ""


class IntroductionOut(Schema):
    id: int
    person_a: str
    person_b: str
    topic: str
    reason: str
    created_at: str


def _snapshot(request, range, start, end):
    snap = queries.latest_snapshot(request.auth, range_key=range, start=start, end=end)
    if snap is None:
        raise NotFound("No figures computed for this range yet.")
    return snap


@router.get("/insights", response={200: SnapshotOut, 401: dict, 403: dict, 404: dict, 422: dict},
            summary="Organisation insights (the latest snapshot for a range)")
def insights(request, range: Query[str] = queries.DEFAULT_RANGE, start: Query[date | None] = None,
             end: Query[date | None] = None):
    """Adoption, Q&A health, silos and knowledge risk for the last 30, 90 or 365 days
    (`range`), or a custom `start`..`end` (inclusive, `range=custom`) once computed."""
    snap = _snapshot(request, range, start, end)
    return SnapshotOut(range=snap.range_key, period_start=snap.period_start, period_end=snap.period_end,
                       computed_at=snap.computed_at.isoformat(), figures=snap.payload)


@router.get("/insights/tables/{name}", response={200: TableOut, 401: dict, 403: dict, 404: dict, 422: dict},
            summary="One insights table (as on the page and in its CSV)")
def insights_table(request, name: str, range: Query[str] = queries.DEFAULT_RANGE,
                   start: Query[date | None] = None, end: Query[date | None] = None):
    snap = _snapshot(request, range, start, end)
    header, rows = queries.table(snap.payload, name)
    return TableOut(name=name, header=header, rows=rows)


@router.get("/insights/orphaned/{username}", response={200: OrphanedOut, 401: dict, 403: dict, 404: dict},
            summary="Topics a person's leaving would orphan")
def insights_orphaned(request, username: str, range: Query[str] = queries.DEFAULT_RANGE):
    from chrysalis.spaces.queries import person_by_username

    snap = _snapshot(request, range, None, None)
    person = person_by_username(username)
    return OrphanedOut(username=person.username, topics=queries.orphaned_topics(request.auth, snap, person))


@router.post("/insights/snapshots", response={202: dict, 401: dict, 403: dict, 422: dict},
             summary="Compute insights now (administrators)")
def insights_compute(request, body: ComputeIn):
    actions.request_snapshot(request.auth, start=body.start, end=body.end)
    return Status(202, {"detail": "The figures are being computed."})


@router.post("/insights/introductions", response={201: IntroductionOut, 401: dict, 403: dict, 404: dict,
                                                  409: dict, 422: dict},
             summary="Send a suggested introduction (administrators)")
def insights_introduce(request, body: IntroductionIn):
    intro = actions.send_introduction(request.auth, expert=body.expert, asker=body.asker, topic=body.topic,
                                      reason=body.reason)
    out = IntroductionOut(id=intro.pk, person_a=intro.person_a.username, person_b=intro.person_b.username,
                          topic=intro.topic, reason=intro.reason, created_at=intro.created_at.isoformat())
    return Status(201, out)
