"""Feed pages. Each returns the full page, or only `feed/_items.html` (the items and the
"Load more" control) when htmx asks. The cursor comes from ?cursor=, the page size from ?limit=."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from chrysalis.core.errors import ActionError, Invalid
from chrysalis.feed import queries
from chrysalis.people.models import Department, User
from chrysalis.spaces.queries import can_post_in, get_known_space


def _limit(request) -> int | None:
    raw = request.GET.get("limit")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise Invalid("Page size must be a whole number.", field="limit") from None


def _error(request, exc: ActionError):
    return render(
        request, "web/error.html", {"status": exc.status, "message": exc.message}, status=exc.status
    )


def _next_url(request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = {"cursor": cursor}
    if request.GET.get("limit"):
        params["limit"] = request.GET["limit"]
    return f"{request.path}?{urlencode(params)}"


def _sidebars(viewer) -> dict:
    return {
        "suggested_spaces": queries.spaces_to_join(viewer),
        "my_spaces": queries.my_spaces(viewer),
        "popular_tags": queries.popular_tags(viewer),
    }


def _feed(request, fetch, context: dict):
    """Render one feed endpoint: `fetch(cursor, limit)` returns the page."""
    try:
        page = fetch(request.GET.get("cursor") or None, _limit(request))
    except ActionError as exc:
        return _error(request, exc)
    context |= {
        "page": page,
        "next_url": _next_url(request, page.next_cursor),
        "is_later_page": bool(request.GET.get("cursor")),
    }
    if request.htmx:
        return render(request, "feed/_items.html", context)
    context |= _sidebars(request.user)
    return render(request, "feed/feed_page.html", context)


def home(request):
    return _feed(
        request,
        lambda c, n: queries.home_feed(request.user, c, n),
        {
            "nav": "home",
            "feed_nav": "home",
            "heading": "Home",
            "lead": True,  # what is waiting for me and what I could answer lead the page (on phones too)
            "composer": True,
            "composer_space": None,
            "empty_message": (
                "Nothing here yet. Follow people and join spaces to fill your feed, or write the first post."
            ),
        },
    )


def company(request):
    return _feed(
        request,
        lambda c, n: queries.company_feed(request.user, c, n),
        {
            "nav": "home",
            "feed_nav": "company",
            "heading": "Company",
            "subheading": "Posts to everyone in the company.",
            "composer": True,
            "composer_space": None,
            "empty_message": "No company posts yet.",
        },
    )


def department(request, slug: str):
    dept = get_object_or_404(Department.objects.select_related("parent"), slug=slug)
    return _feed(
        request,
        lambda c, n: queries.department_feed(request.user, dept, c, n),
        {
            "nav": "home",
            "feed_nav": "department" if request.user.department_id == dept.pk else "",
            "heading": dept.name,
            "subheading": "Posts by people in this department and its teams.",
            "department": dept,
            "empty_message": "Nobody in this department has posted yet.",
        },
    )


def tag(request, name: str):
    tag_name = queries.normalise_tag(name)
    return _feed(
        request,
        lambda c, n: queries.tag_feed(request.user, tag_name, c, n),
        {
            "nav": "home",
            "feed_nav": f"tag:{tag_name}",
            "heading": f"#{tag_name}",
            "subheading": "Posts tagged with this topic.",
            "tag_name": tag_name,
            "empty_message": "No posts with this tag yet.",
        },
    )


def person(request, username: str):
    who = get_object_or_404(User.objects.select_related("department"), username=username)
    return _feed(
        request,
        lambda c, n: queries.person_feed(request.user, who, c, n),
        {
            "nav": "people",
            "heading": f"Posts by {who.name}",
            "person": who,
            "profile_url": reverse("people:profile", args=[who.username]),
            "empty_message": f"{who.name} has not posted anything you can see yet.",
        },
    )


def space(request, slug: str):
    try:
        sp = get_known_space(request.user, slug)
    except ActionError as exc:
        return _error(request, exc)
    return _feed(
        request,
        lambda c, n: queries.space_feed(request.user, sp, c, n),
        {
            "nav": "spaces",
            "feed_nav": f"space:{sp.slug}",
            "heading": sp.name,
            "space": sp,
            "subheading": sp.description,
            "composer": can_post_in(request.user, sp),
            "composer_space": sp,
            "empty_message": "No posts in this space yet.",
        },
    )
