"""Pages of organisation insights: adoption, Q&A health, silos, knowledge risk; CSV downloads;
computing on demand; sending an introduction. Staff and community managers only (403 page with
the reason for others)."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chrysalis.core.errors import ActionError, Forbidden
from chrysalis.insights import actions, queries
from chrysalis.insights.forms import ComputeForm, IntroductionForm, PersonForm, RangeForm
from chrysalis.web import charts

PAGES = (("adoption", "Adoption"), ("qa", "Q&A health"), ("silos", "Silos"), ("risk", "Knowledge risk"))


def _refuse(request, exc: ActionError):
    return render(request, "web/error.html", {"status": exc.status, "message": exc.message}, status=exc.status)


def _form_error(form) -> str:
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        return f"{label}{errors[0]}"
    return "The input is not valid."


def _snapshot(request):
    """(context, status) for the page's range filter and its snapshot."""
    form = RangeForm(request.GET)
    ctx = {"nav": "insights", "form": form, "snap": None, "payload": None, "error": None,
           "can_compute": queries.can_compute(request.user), "pending": None, "ranges": queries.RANGES}
    if not form.is_valid():
        ctx["error"] = _form_error(form)
        return ctx, 422
    d = form.cleaned_data
    ctx["range"] = d["range"]
    params = {"range": d["range"]}
    if d["range"] == "custom":
        params.update(start=d["start"].isoformat() if d["start"] else "", end=d["end"].isoformat() if d["end"] else "")
    ctx["qs"] = urlencode(params)
    try:
        snap = queries.latest_snapshot(request.user, range_key=d["range"], start=d["start"], end=d["end"])
        if d["range"] == "custom":
            since, until = queries.check_period(d["start"], d["end"])
            ctx["pending"] = queries.pending_request(request.user, since, until)
    except ActionError as exc:
        ctx["error"] = exc.message
        return ctx, exc.status
    ctx["snap"] = snap
    ctx["payload"] = snap.payload if snap else None
    return ctx, 200


def _page(request, page: str, build=None):
    if not queries.can_see_insights(request.user):
        return _refuse(request, Forbidden(queries.NOT_ALLOWED))
    ctx, status = _snapshot(request)
    ctx["page"] = page
    ctx["pages"] = PAGES
    ctx["tables"] = {}
    if ctx["payload"] and build:
        build(request, ctx)
    if ctx["payload"]:
        for name in TABLES_OF[page]:
            ctx["tables"][name] = queries.table(ctx["payload"], name)
    return render(request, f"insights/{page}.html", ctx, status=status)


TABLES_OF = {
    "adoption": ("weekly", "participation", "departments", "locations", "spaces"),
    "qa": ("unanswered",),
    "silos": ("ei", "matrix", "weak_pairs", "brokers", "introductions"),
    "risk": ("single_person", "truck_factors"),
}


def _adoption_charts(request, ctx):
    a = ctx["payload"]["adoption"]
    weeks = a["weekly"]
    ctx["weekly_chart"] = charts.line_chart(
        "Active people per week", [w["week"][5:] for w in weeks],
        [charts.Series("Active people", [w["active"] for w in weeks])],
    )
    p = a["participation"]
    ctx["participation_chart"] = charts.bar_chart(
        "Participation: creators, contributors, readers", ["Creators", "Contributors", "Readers"],
        [p["creators"], p["contributors"], p["readers"]],
    )
    total = sum(p.values()) or 1
    ctx["shares"] = {k: round(100 * v / total, 1) for k, v in p.items()}
    depts = a["by_department"][:12]
    if depts:
        ctx["department_chart"] = charts.column_chart(
            "People by department: creators, contributors, readers", [d["name"][:12] for d in depts],
            [charts.Series("Creators", [d["creators"] for d in depts]),
             charts.Series("Contributors", [d["contributors"] for d in depts]),
             charts.Series("Readers", [d["people"] - d["active"] for d in depts])],
        )


def _qa_charts(request, ctx):
    rows = ctx["payload"]["qa"]["unanswered_by_topic"][:12]
    if rows:
        ctx["unanswered_chart"] = charts.bar_chart(
            "Unanswered questions by topic", [("#" + r["name"]) if r["name"] != "Other (small groups)" else r["name"]
                                              for r in rows], [r["questions"] for r in rows],
        )


def _compact(v: float) -> str:
    """12,345 -> 12k, 1,234 -> 1.2k: short enough for a heat-map cell."""
    if abs(v) >= 10_000:
        return f"{v / 1000:.0f}k"
    if abs(v) >= 1000:
        return f"{v / 1000:.1f}k"
    return f"{v:g}"


def _silo_charts(request, ctx):
    s = ctx["payload"]["silos"]
    m = s["matrix"]
    if m["labels"]:
        ctx["matrix_chart"] = charts.heatmap(
            "Interactions from department (row) to department (column)", m["labels"], m["labels"], m["values"],
            cell=46 if len(m["labels"]) <= 8 else 40, fmt=_compact,
        )
    rows = [r for r in s["departments"] if r["ei"] is not None]
    if rows:
        ctx["ei_chart"] = charts.bar_chart(
            "Share of each department's ties that reach other departments", [r["name"] for r in rows],
            [round(100 * (r["ei"] + 1) / 2, 1) for r in rows], unit="%",
        )
    brokers = s["brokers"][:10]
    if brokers:
        ctx["broker_chart"] = charts.bar_chart(
            "Brokers: betweenness on the interaction graph", [b["name"] for b in brokers],
            [round(b["betweenness"], 1) for b in brokers],
        )
    sent = queries.introduced_pairs(request.user)
    for i in s["introductions"]:
        a, b = i["expert"]["id"], i["asker"]["id"]
        i["sent"] = (min(a, b), max(a, b), i["topic"]) in sent
    ctx["sent_introductions"] = queries.introductions_sent(request.user, limit=10)


def _risk_charts(request, ctx):
    r = ctx["payload"]["risk"]
    buckets = {"1": 0, "2": 0, "3": 0, "4": 0, "5+": 0}
    for t in r["topics"]:
        buckets["5+" if t["truck_factor"] >= 5 else str(t["truck_factor"])] += 1
    if r["topics"]:
        ctx["tf_chart"] = charts.column_chart(
            "Topics by truck factor", [f"TF {k}" for k in buckets], [charts.Series("Topics", list(buckets.values()))]
        )
    form = PersonForm(request.GET)
    ctx["person_form"] = form
    name = form.cleaned_data["person"].strip() if form.is_valid() else ""
    ctx["person_query"] = name
    if name:
        from chrysalis.spaces.queries import person_by_username

        try:
            person = person_by_username(name)
        except ActionError as exc:
            ctx["person_error"] = exc.message
        else:
            ctx["leaver"] = person
            ctx["orphaned"] = queries.orphaned_topics(request.user, ctx["snap"], person)
            ctx["held"] = [t for t in r["topics"] if any(p["id"] == person.pk for p in t["key_people"])]


def adoption(request):
    return _page(request, "adoption", _adoption_charts)


def qa(request):
    return _page(request, "qa", _qa_charts)


def silos(request):
    return _page(request, "silos", _silo_charts)


def risk(request):
    return _page(request, "risk", _risk_charts)


def csv_table(request, name: str):
    """One table of the snapshot as CSV (the same range filter as the pages)."""
    if not queries.can_see_insights(request.user):
        return _refuse(request, Forbidden(queries.NOT_ALLOWED))
    ctx, status = _snapshot(request)
    if ctx["error"]:
        return HttpResponse(ctx["error"] + "\n", status=status, content_type="text/plain; charset=utf-8")
    if ctx["snap"] is None:
        return HttpResponse("No figures computed for this range yet.\n", status=404,
                            content_type="text/plain; charset=utf-8")
    try:
        header, rows = queries.table(ctx["payload"], name)
    except ActionError as exc:
        return HttpResponse(exc.message + "\n", status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    p = ctx["snap"]
    response["Content-Disposition"] = f'attachment; filename="insights-{name}-{p.period_start}-{p.period_end}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([[_cell(c) for c in row] for row in rows])
    return response


def _cell(value):
    """A text cell that a spreadsheet would read as a formula (a name such as "=SUM(...)") is
    written with a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _back(request, fallback: str) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/insights/") else fallback


@require_POST
def compute_now(request):
    form = ComputeForm(request.POST)
    back = _back(request, "/insights/")
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(back)
    try:
        actions.request_snapshot(request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    except ActionError as exc:
        if exc.status == 403:
            return _refuse(request, exc)
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, "The figures are being computed; reload the page in a minute.")
    return redirect(back)


@require_POST
def introduce(request):
    form = IntroductionForm(request.POST)
    back = _back(request, "/insights/silos/")
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(back)
    try:
        intro = actions.send_introduction(request.user, **form.cleaned_data)
    except ActionError as exc:
        if exc.status == 403:
            return _refuse(request, exc)
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"Introduction sent to {intro.person_a.name} and {intro.person_b.name}.")
    return redirect(back)
