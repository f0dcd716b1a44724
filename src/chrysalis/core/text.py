"""Small text helpers shared by actions: clean user-entered single-line text, unique slugs."""

import re

from django.utils.text import slugify

from chrysalis.core.errors import Invalid

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_line(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Strip, collapse whitespace, refuse control characters and over-long values."""
    text = re.sub(r"\s+", " ", _CONTROL.sub("", value or "")).strip()
    if required and not text:
        raise Invalid(f"{label} cannot be empty.", field=field)
    if len(text) > max_length:
        raise Invalid(f"{label} is too long ({len(text)} characters; at most {max_length}).", field=field)
    return text


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Multi-line text (Markdown sources, bios): control characters removed, ends stripped."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if required and not text:
        raise Invalid(f"{label} cannot be empty.", field=field)
    if len(text) > max_length:
        raise Invalid(f"{label} is too long ({len(text)} characters; at most {max_length}).", field=field)
    return text


def unique_slug(model, text: str, max_length: int = 100) -> str:
    base = (slugify(text) or "item")[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
