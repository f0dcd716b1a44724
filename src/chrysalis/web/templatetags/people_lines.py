"""Template helpers for showing who is who next to content (the shared byline partials)."""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Crossing:
    """An answer or comment that crossed a department line: written by someone of `source` for
    someone of `target` (different departments; a sub-department counts as a department of its own)."""

    source: object
    target: object


def crossing(author, other) -> Crossing | None:
    """`author` (of an answer or comment) and `other` (of the question or post it is on) are in
    different departments: both have one and the ids differ. Reads the selected departments only
    (select_related "author__department"): no query."""
    a = getattr(author, "department_id", None)
    b = getattr(other, "department_id", None)
    if a is None or b is None or a == b:
        return None
    return Crossing(author.department, other.department)


@register.filter
def crossed(author, other) -> Crossing | None:
    """`{% with cross=answer.author|crossed:question.author %}` → a Crossing or None."""
    return crossing(author, other)
