"""Template filters of the expertise pages."""

from django import template

register = template.Library()


@register.filter
def duration_words(seconds) -> str:
    """A response time in words: "under a minute", "12 minutes", "3 hours", "2 days"."""
    try:
        s = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if s >= size:
            n = round(s / size) if unit != "minute" else s // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "under a minute"
