"""What every page's chrome needs: the unread notification count for the header (one query)."""

from chrysalis.notifications.queries import unread_count


def chrome(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
