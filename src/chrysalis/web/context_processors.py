"""What every page's chrome needs: the unread notification count for the header."""

from functools import cache

from chrysalis.notifications.queries import unread_count


def chrome(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A cached callable: templates evaluate it only when the header is rendered (htmx fragments
    # that never show it cost no query), and at most once per request.
    return {"unread_notifications": cache(lambda: unread_count(user))}
