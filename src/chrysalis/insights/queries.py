"""Reads of organisation insights, and who may see them.

Who: staff (`is_staff`) and community managers: people holding the `insights.view_insights`
permission, which the "Community managers" group carries (`chrysalis manage insights_manager
USERNAME` adds someone; `--remove` takes them out). Everyone else gets Forbidden with the reason.

The figures themselves are organisation-wide and computed from public content only
(insights.compute), so every allowed viewer sees the same snapshot.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from chrysalis.core.errors import Forbidden, Invalid, NotFound
from chrysalis.insights.models import InsightRequest, InsightSnapshot, Introduction

COMMUNITY_MANAGERS = "Community managers"
PERMISSION = "insights.view_insights"
RANGES = {"30": 30, "90": 90, "365": 365}
DEFAULT_RANGE = "90"
NOT_ALLOWED = "Organisation insights are for administrators and community managers."
MAX_DAYS = 3 * 366


def can_see_insights(viewer) -> bool:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    return bool(viewer.is_staff or viewer.has_perm(PERMISSION))


def can_compute(viewer) -> bool:
    """Computing on demand and sending introductions: administrators (staff)."""
    return bool(can_see_insights(viewer) and viewer.is_staff)


def require_insights(viewer) -> None:
    if not can_see_insights(viewer):
        raise Forbidden(NOT_ALLOWED)


def today() -> date:
    return timezone.now().date()


def standard_period(key: str, on: date | None = None) -> tuple[date, date]:
    """The last N days up to and including `on` (today): [on - N + 1, on + 1)."""
    end = (on or today()) + timedelta(days=1)
    return end - timedelta(days=RANGES[key]), end


def check_period(start: date | None, end: date | None) -> tuple[date, date]:
    """A custom range [start, end] (end inclusive, as people write it) as [start, end + 1)."""
    if start is None or end is None:
        raise Invalid("Give both a start and an end date.", field="start" if start is None else "end")
    if end < start:
        raise Invalid("The end date is before the start date.", field="end")
    if end > today():
        raise Invalid("The end date is in the future.", field="end")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"A range can be at most {MAX_DAYS} days long.", field="start")
    return start, end + timedelta(days=1)


def latest_snapshot(viewer, *, range_key: str = DEFAULT_RANGE, start: date | None = None,
                    end: date | None = None) -> InsightSnapshot | None:
    """The newest snapshot for a standard range (the latest computed, whatever its end day) or for
    exactly the custom [start, end] (end inclusive); None when none is computed yet."""
    require_insights(viewer)
    if range_key == "custom":
        since, until = check_period(start, end)
        qs = InsightSnapshot.objects.filter(period_start=since, period_end=until)
    elif range_key in RANGES:
        qs = InsightSnapshot.objects.filter(range_key=range_key)
    else:
        raise Invalid(f"The range must be one of: {', '.join(RANGES)}, custom.", field="range")
    return qs.order_by("-computed_at", "-pk").first()


def pending_request(viewer, start: date, end: date) -> InsightRequest | None:
    require_insights(viewer)
    return InsightRequest.objects.filter(period_start=start, period_end=end, done_at__isnull=True).first()


def orphaned_topics(viewer, snapshot: InsightSnapshot, person) -> list[dict]:
    """What would be orphaned if `person` left: [{topic, share}], from the snapshot."""
    require_insights(viewer)
    rows = snapshot.payload.get("risk", {}).get("orphans", {}).get(str(person.pk), [])
    return [{"topic": t, "share": s} for t, s in rows]


def introductions_sent(viewer, limit: int = 20) -> list[Introduction]:
    require_insights(viewer)
    return list(
        Introduction.objects.select_related("person_a", "person_b", "introduced_by").order_by("-created_at")[:limit]
    )


def introduced_pairs(viewer) -> set[tuple[int, int, str]]:
    require_insights(viewer)
    return set(Introduction.objects.values_list("person_a_id", "person_b_id", "topic"))


# --- tables (the page's tables and their CSV downloads) -------------------------------------------


def _pct(v):
    return "" if v is None else round(100 * v, 1)


def _num(v, digits=3):
    return "" if v is None else round(v, digits)


def _person(p):
    return f"{p['name']} ({p['username']})" if p.get("username") else p["name"]


def table(payload: dict, name: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one of TABLES from a snapshot's payload."""
    a, qa, s, r = (payload.get(k, {}) for k in ("adoption", "qa", "silos", "risk"))
    if name == "weekly":
        return ["week starting", "active people"], [[w["week"], w["active"]] for w in a.get("weekly", [])]
    if name == "participation":
        p = a.get("participation", {})
        total = sum(p.values()) or 1
        return ["group", "people", "share %"], [
            [label, p.get(k, 0), round(100 * p.get(k, 0) / total, 1)]
            for k, label in (("creators", "Creators"), ("contributors", "Contributors"), ("readers", "Readers"))
        ]
    if name in ("departments", "locations"):
        rows = a.get("by_department" if name == "departments" else "by_location", [])
        return [name[:-1], "people", "active", "creators", "contributors", "active %"], [
            [x["name"], x["people"], x["active"], x["creators"], x["contributors"], _pct(x["active_share"])]
            for x in rows
        ]
    if name == "spaces":
        return ["open space", "people", "active", "posts", "active %"], [
            [x["name"], x["people"], x["active"], x["posts"], _pct(x["active_share"])] for x in a.get("by_space", [])
        ]
    if name == "unanswered":
        return ["topic", "unanswered questions", "askers"], [
            [x["name"], x["questions"], x["askers"]] for x in qa.get("unanswered_by_topic", [])
        ]
    if name == "ei":
        return ["department", "people", "internal ties", "external ties", "E-I index", "E-I at random"], [
            [x["name"], x["people"], x["internal"], x["external"], _num(x["ei"]), _num(x["expected"])]
            for x in s.get("departments", [])
        ]
    if name == "matrix":
        m = s.get("matrix", {"labels": [], "values": []})
        return ["from \\ to", *m["labels"]], [[lab, *row] for lab, row in zip(m["labels"], m["values"], strict=True)]
    if name == "weak_pairs":
        return ["department", "department", "ties", "ties at random", "ratio"], [
            [x["a"], x["b"], x["ties"], _num(x["expected"], 2), _num(x["ratio"], 2)] for x in s.get("weak_pairs", [])
        ]
    if name == "brokers":
        return ["person", "department", "betweenness", "departments reached"], [
            [_person(x), x["department"], _num(x["betweenness"], 1), x["departments_reached"]]
            for x in s.get("brokers", [])
        ]
    if name == "introductions":
        return ["knows", "department", "asked", "department", "topic", "evidence", "unanswered questions"], [
            [_person(x["expert"]), x["expert"]["department"], _person(x["asker"]), x["asker"]["department"],
             x["topic"], x["evidence"], x["unanswered"]]
            for x in s.get("introductions", [])
        ]
    if name in ("truck_factors", "single_person"):
        rows = r.get("topics" if name == "truck_factors" else "single_person", [])
        return ["topic", "truck factor", "threads", "people holding evidence", "key people"], [
            [x["topic"], x["truck_factor"], x["units"], x["holders"], "; ".join(_person(p) for p in x["key_people"])]
            for x in rows
        ]
    raise NotFound(f"No table named “{name[:40]}”.")


TABLES = ("weekly", "participation", "departments", "locations", "spaces", "unanswered", "ei", "matrix",
          "weak_pairs", "brokers", "introductions", "truck_factors", "single_person")
