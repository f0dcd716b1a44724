"""The JSON API at /api/v1/: django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: a personal access token (`Authorization: Bearer chr_...`) or the web session
(with its CSRF token for writes). Errors are JSON `{"detail": "..."}`:
401 not signed in, 403 not allowed, 404 missing or not visible, 409 conflict, 422 invalid input.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from chrysalis.core.errors import ActionError
from chrysalis.people.actions import record_token_use
from chrysalis.people.queries import token_for_secret


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = token_for_secret(token)
        if found is None:
            return None
        record_token_use(found)
        request.user = found.user
        return found.user


class Session(APIKeyCookie):
    """The page's session cookie; ninja enforces CSRF on unsafe methods for cookie auth."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Chrysalis API",
    version="1",
    description=__doc__,
    auth=[BearerToken(), Session(csrf=True)],
    urls_namespace="api",
)


@api.exception_handler(ActionError)
def _action_error(request, exc: ActionError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Authentication required: send 'Authorization: Bearer <token>'."}, status=401
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return api.create_response(request, {"detail": "Invalid input.", "errors": exc.errors}, status=422)


def _mount() -> None:
    from chrysalis.experts.api import router as experts_router
    from chrysalis.feed.api import router as feed_router
    from chrysalis.notifications.api import router as notifications_router
    from chrysalis.people.api import router as people_router
    from chrysalis.posts.api import router as posts_router
    from chrysalis.qa.api import router as qa_router
    from chrysalis.search.api import router as search_router
    from chrysalis.spaces.api import router as spaces_router

    api.add_router("/", people_router)
    api.add_router("/", spaces_router)
    api.add_router("/", posts_router)
    api.add_router("/", feed_router)
    api.add_router("/", notifications_router)
    api.add_router("/", search_router)
    api.add_router("/", qa_router)
    api.add_router("/", experts_router)
    from chrysalis.connections.api import router as connections_router

    api.add_router("/", connections_router)
    from chrysalis.impact.api import router as impact_router

    api.add_router("/", impact_router)
    from chrysalis.insights.api import router as insights_router

    api.add_router("/", insights_router)


_mount()
