"""GET /search?q=&kind=&limit=&cursor=: ranked hits the caller may see, with per-kind counts."""

from ninja import Router

from chrysalis.core.errors import Invalid
from chrysalis.search import queries
from chrysalis.search.schemas import SearchOut

router = Router(tags=["search"])
ERRORS = {401: dict, 422: dict}  # {"detail": "..."}


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise Invalid("The page cursor is not valid; start again from the first page.", field="cursor")
    return int(cursor)


@router.get(
    "/search", response={200: SearchOut, **ERRORS}, summary="Search posts, comments, people and spaces"
)
def search(
    request, q: str = "", kind: str | None = None, limit: int | None = None, cursor: str | None = None
):
    """Full-text search. Words are matched in any order (the last one also as a prefix); quotes
    and operators are treated as plain text. `kind` is one of post, comment, person, space."""
    results = queries.search(request.auth, q, kind, offset=_offset(cursor), limit=limit)
    return {
        "q": results.q,
        "kind": results.kind,
        "counts": results.counts,
        "more": results.more,
        "items": [
            {
                "kind": h.kind,
                "id": h.doc.object_id,
                "title": str(h.title_html),
                "snippet": str(h.snippet_html),
                "url": h.url,
                "author": h.doc.author.username if h.doc.author else None,
                "space": h.doc.space.slug if h.doc.space else None,
                "post_id": h.doc.post_id if h.kind == "comment" else None,
                "created_at": h.doc.created_at,
            }
            for h in results.hits
        ],
        "next_cursor": str(results.next_offset) if results.next_offset is not None else None,
    }
