"""The impact page: /people/<username>/impact/. Thin: parse the one option, call one query, render."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chrysalis.core.errors import NotFound
from chrysalis.impact import charts, queries
from chrysalis.impact.forms import ImpactForm


@require_GET
def impact(request, username: str):
    form = ImpactForm(request.GET)
    if not form.is_valid():
        message = " ".join(e for errs in form.errors.values() for e in errs)
        return render(request, "web/error.html", {"status": 400, "message": message}, status=400)
    try:
        imp = queries.impact_for(request.user, username)
    except NotFound as e:
        raise Http404(e.message) from None
    by = form.cleaned_data["by"]
    ctx = {
        "nav": "" if imp.is_owner else "people",
        "imp": imp,
        "person": imp.person,
        "by": by,
        "tiles": charts.tiles(imp),
        "charts": charts.charts(imp, by),
    }
    return render(request, "impact/impact.html", ctx)
