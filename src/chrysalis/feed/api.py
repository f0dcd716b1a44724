"""The feeds over JSON: GET /feed/home, /feed/company, /feed/spaces/{slug}, /feed/people/{username},
/feed/departments/{slug}, /feed/tags/{name}; each takes ?cursor= and ?limit= and answers
{"items": [...], "next_cursor": "..." | null}."""

from ninja import Router

from chrysalis.core.errors import NotFound
from chrysalis.core.pagination import Page
from chrysalis.feed import queries
from chrysalis.feed.schemas import FeedPage
from chrysalis.people.models import Department, User
from chrysalis.posts.schemas import PostOut
from chrysalis.spaces.queries import get_known_space

router = Router(tags=["feed"])
ERRORS = {401: dict, 404: dict, 422: dict}  # {"detail": "..."}


def _out(page: Page) -> dict:
    return {"items": [PostOut.from_post(p) for p in page.items], "next_cursor": page.next_cursor}


@router.get("/feed/home", response={200: FeedPage, **ERRORS}, summary="Home feed")
def home_feed(request, cursor: str | None = None, limit: int | None = None):
    """Company posts, posts in your spaces and by people you follow, and your own; newest first."""
    return _out(queries.home_feed(request.auth, cursor, limit))


@router.get("/feed/company", response={200: FeedPage, **ERRORS}, summary="Company feed")
def company_feed(request, cursor: str | None = None, limit: int | None = None):
    return _out(queries.company_feed(request.auth, cursor, limit))


@router.get("/feed/spaces/{slug}", response={200: FeedPage, **ERRORS}, summary="A space's feed")
def space_feed(request, slug: str, cursor: str | None = None, limit: int | None = None):
    return _out(queries.space_feed(request.auth, get_known_space(request.auth, slug), cursor, limit))


@router.get("/feed/people/{username}", response={200: FeedPage, **ERRORS}, summary="A person's posts")
def person_feed(request, username: str, cursor: str | None = None, limit: int | None = None):
    person = User.objects.filter(username=username).first()
    if person is None:
        raise NotFound("No such person.")
    return _out(queries.person_feed(request.auth, person, cursor, limit))


@router.get("/feed/departments/{slug}", response={200: FeedPage, **ERRORS}, summary="A department's feed")
def department_feed(request, slug: str, cursor: str | None = None, limit: int | None = None):
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        raise NotFound("No such department.")
    return _out(queries.department_feed(request.auth, department, cursor, limit))


@router.get("/feed/tags/{name}", response={200: FeedPage, **ERRORS}, summary="Posts with a tag")
def tag_feed(request, name: str, cursor: str | None = None, limit: int | None = None):
    return _out(queries.tag_feed(request.auth, name, cursor, limit))
