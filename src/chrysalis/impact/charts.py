"""What the impact page draws: the summary tiles ("this month vs last month") and the SVG charts
(chrysalis.web.charts), from a queries.Impact. Presentation only: no reads."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from chrysalis.impact.queries import Figure, Impact
from chrysalis.web import charts as svg
from chrysalis.web.charts import Series
from expertise.impact import WEEK

TILES = (
    "people_helped",
    "answers",
    "accepted_answers",
    "departments_reached",
    "locations_reached",
    "reactions_received",
    "comments_received",
    "votes_received",
    "articles",
    "article_readers",
    "readers",
    "routed_answered",
    "response_hours",
    "effective_topics",
    "influence",
)


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.0f}"
    if isinstance(value, float) and value != int(value):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return f"{text} h" if unit == "h" else text


def _signed(change, unit: str) -> str:
    if change is None:
        return ""
    if change == 0:
        return "±0"
    size = f"{abs(change):.1f}".rstrip("0").rstrip(".") if unit == "%" else fmt(abs(change), unit)
    return ("+" if change > 0 else "−") + size


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    help: str
    value: str
    this_month: str
    last_month: str
    change: str
    direction: str  # up, down, same, none
    caption: str  # what "value" is: all time, now, median


def tiles(imp: Impact) -> list[Tile]:
    out = []
    for key in TILES:
        f = imp.figures.get(key)
        if f is None:
            continue
        m = f.month
        caption = {"effective_topics": "topics, now", "influence": "percentile, now",
                   "response_hours": "median, all time"}.get(key, "all time")
        out.append(
            Tile(key, f.label, f.help, fmt(f.total, f.unit), fmt(m.this, f.unit), fmt(m.last, f.unit),
                 _signed(m.change, f.unit), m.direction, caption)
        )
    return out


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    intro: str
    svgs: list[SafeString]


WIDTH = 520  # about the charts' width on a desktop card: text at its natural size


def line_chart(title, labels, series):
    return svg.line_chart(title, labels, series, width=WIDTH)


def column_chart(title, labels, series):
    return svg.column_chart(title, labels, series, width=WIDTH)


def bar_chart(title, labels, values):
    return svg.bar_chart(title, labels, values, width=WIDTH)


def _zero(values) -> list[float]:
    return [0.0 if v is None else float(v) for v in values]


def _series(imp: Impact, by: str, *keys: str) -> list[Series]:
    figs: list[Figure] = [imp.figures[k] for k in keys if k in imp.figures]
    return [Series(f.label, _zero(f.weekly if by == WEEK else f.monthly)) for f in figs]


def charts(imp: Impact, by: str) -> list[Chart]:
    labels = imp.week_labels if by == WEEK else imp.month_labels
    per = "week" if by == WEEK else "month"
    out = [
        Chart("helping", "Helping people",
              f"People whose questions you answered, answers and accepted answers, by {per}.",
              [line_chart(f"People helped, answers and accepted answers by {per}", labels,
                          _series(imp, by, "people_helped", "answers", "accepted_answers"))]),
    ]
    reach = [line_chart(f"Departments and locations reached by {per}", labels,
                        _series(imp, by, "departments_reached", "locations_reached"))]
    if imp.departments:
        reach.append(bar_chart("People reached per department", [s.name for s in imp.departments],
                               [s.count for s in imp.departments]))
    if imp.locations:
        reach.append(bar_chart("People reached per location", [s.name for s in imp.locations],
                               [s.count for s in imp.locations]))
    out.append(Chart("reach", "Reach", "Departments and locations of the people you helped and of those who "
                     "commented on or reacted to your work; the bars count distinct people, all time.", reach))
    out.append(Chart("recognition", "Recognition",
                     f"Reactions to your posts and comments, comments on your work, and up votes, by {per}.",
                     [line_chart(f"Reactions, comments and up votes received by {per}", labels,
                                 _series(imp, by, "reactions_received", "comments_received", "votes_received"))]))
    articles = [column_chart(f"Articles written by {per}", labels, _series(imp, by, "articles"))]
    if imp.is_owner:
        articles.append(
            line_chart(f"Distinct readers by {per}", labels, _series(imp, by, "article_readers", "readers"))
        )
    out.append(Chart("articles", "Articles and readers",
                     "Knowledge articles you wrote" + (", and how many distinct people read your work (only you "
                                                       "see readers; never who they are)." if imp.is_owner else "."),
                     articles))
    out.append(Chart("routing", "Questions routed to you",
                     f"Questions Chrysalis asked you to answer, those you answered, and your median response time "
                     f"in hours, by {per} (no column: nothing answered that {per}).",
                     [line_chart(f"Routed questions and answers by {per}", labels,
                                 _series(imp, by, "routed", "routed_answered")),
                      column_chart(f"Median response time (hours) by {per}", labels,
                                   _series(imp, by, "response_hours"))]))
    breadth = [line_chart(f"Knowledge breadth by {per}: effective number of topics and topics so far", labels,
                          _series(imp, by, "effective_topics", "topics"))]
    if imp.topics:
        breadth.append(bar_chart("Your topics: items of evidence per topic", [s.name for s in imp.topics],
                                 [s.count for s in imp.topics]))
    out.append(Chart("breadth", "Knowledge breadth",
                     "The effective number of topics is exp(H), H the Shannon entropy of how your posts, answers "
                     "and articles spread over their topics (tags): 1 for one topic, n for n topics covered "
                     f"equally. Each point counts everything up to the end of the {per}.", breadth))
    out.append(Chart("influence", "Influence",
                     f"Your influence percentile in the organisation at the end of each month. {imp.influence_from}. "
                     "No column: no public interaction yet.",
                     [column_chart("Influence percentile by month", imp.month_labels,
                                   _series(imp, "month", "influence"))]))
    return out
