from datetime import date, datetime

from ninja import Schema

from chrysalis.impact.queries import Impact


class FigureOut(Schema):
    key: str
    label: str
    help: str
    unit: str  # "" (a count), "h" (hours), "%" (a percentile)
    total: float | None  # all time (breadth and influence: now; response time: the median)
    this_month: float | None
    last_month: float | None
    change: float | None  # this month minus last month
    weekly: list[float | None]  # one per week in `weeks` (empty for influence: monthly only)
    monthly: list[float | None]  # one per month in `months`


class ShareOut(Schema):
    name: str
    count: int


class BreadthOut(Schema):
    topics: int
    entropy: float  # Shannon entropy of the topic distribution, in nats
    effective_topics: float  # exp(entropy)


class ImpactOut(Schema):
    username: str
    name: str
    is_owner: bool
    computed_from: str
    influence_computed_from: str
    generated_at: datetime
    weeks: list[date]  # first day (Monday) of each week, oldest first
    months: list[date]  # first day of each month, oldest first
    figures: list[FigureOut]
    breadth: BreadthOut
    topics: list[ShareOut]
    departments: list[ShareOut]  # distinct people reached per department
    locations: list[ShareOut]


def impact_out(imp: Impact) -> dict:
    return {
        "username": imp.person.username,
        "name": imp.person.name,
        "is_owner": imp.is_owner,
        "computed_from": (
            "everything the person may read" if imp.is_owner else "only content the caller may read"
        ),
        "influence_computed_from": imp.influence_from,
        "generated_at": imp.now,
        "weeks": [s.date() for s in imp.weeks.starts],
        "months": [s.date() for s in imp.months.starts],
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "help": f.help,
                "unit": f.unit,
                "total": f.total,
                "this_month": f.month.this,
                "last_month": f.month.last,
                "change": f.month.change,
                "weekly": f.weekly,
                "monthly": f.monthly,
            }
            for f in imp.figures.values()
        ],
        "breadth": {
            "topics": imp.breadth.topics,
            "entropy": round(imp.breadth.entropy, 6),
            "effective_topics": round(imp.breadth.effective, 6),
        },
        "topics": [{"name": s.name, "count": s.count} for s in imp.topics],
        "departments": [{"name": s.name, "count": s.count} for s in imp.departments],
        "locations": [{"name": s.name, "count": s.count} for s in imp.locations],
    }
