"""The search page: /search/?q=&kind=&page=. htmx requests (live results as you type) get only
the results partial."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from chrysalis.core.errors import ActionError, Invalid
from chrysalis.search import queries
from chrysalis.search.models import Kind


def _page_number(request) -> int:
    raw = request.GET.get("page") or "1"
    try:
        number = int(raw)
    except ValueError:
        raise Invalid("The page number must be a whole number.", field="page") from None
    if number < 1:
        raise Invalid("The page number must be 1 or more.", field="page")
    return number


def _url(**params) -> str:
    return f"{reverse('search')}?{urlencode({k: v for k, v in params.items() if v})}"


def _navigation(q: str, results: queries.SearchResults, number: int) -> dict:
    """Tabs with their counts, and previous/next page links."""
    tabs = [
        {"kind": "", "label": "All", "count": results.total, "url": _url(q=q), "current": not results.kind}
    ] + [
        {
            "kind": value,
            "label": label,
            "count": results.counts[value],
            "url": _url(q=q, kind=value),
            "current": results.kind == value,
        }
        for value, label in Kind.choices
    ]
    kind = results.kind or ""
    return {
        "tabs": tabs,
        "prev_url": _url(q=q, kind=kind, page=number - 1 if number > 2 else None) if number > 1 else None,
        "next_url": _url(q=q, kind=kind, page=number + 1) if results.next_offset is not None else None,
    }


def search_page(request):
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    context = {"nav": "search", "q": q, "kind": kind}
    status = 200
    try:
        number = _page_number(request)
        results = queries.search(request.user, q, kind, offset=(number - 1) * queries.DEFAULT_LIMIT)
        context |= {"results": results, "page_number": number, **_navigation(q, results, number)}
    except ActionError as exc:
        context["error"] = exc.message
        status = exc.status
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context, status=status)
