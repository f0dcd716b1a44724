"""Keyset (cursor) pagination on (created_at, id), newest first.

The cursor is opaque to clients: base64 of "<iso timestamp>|<id>" of the last item of a page.
A page costs one query whatever its size; a malformed cursor is a clear 422 (Invalid).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from chrysalis.core.errors import Invalid

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(created_at: datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return datetime.fromisoformat(stamp), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("The page cursor is not valid; start again from the first page.", field="cursor") from None


def clamp_size(size: int | None) -> int:
    if size is None:
        return DEFAULT_PAGE_SIZE
    if size < 1 or size > MAX_PAGE_SIZE:
        raise Invalid(f"Page size must be between 1 and {MAX_PAGE_SIZE}.", field="limit")
    return size


def paginate(qs: QuerySet, cursor: str | None, size: int | None = None, field: str = "created_at") -> Page:
    """One page of `qs` ordered newest first by (field, id)."""
    size = clamp_size(size)
    if cursor:
        stamp, pk = decode_cursor(cursor)
        qs = qs.filter(Q(**{f"{field}__lt": stamp}) | Q(**{field: stamp, "id__lt": pk}))
    items = list(qs.order_by(f"-{field}", "-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    nxt = encode_cursor(getattr(items[-1], field), items[-1].pk) if more and items else None
    return Page(items=items, next_cursor=nxt)
