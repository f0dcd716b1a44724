"""Full-text search with the viewer's access applied inside the query.

`search(viewer, q, kind=None, offset=0, limit=20)` ranks documents (SQLite: FTS5 bm25 with the
title weighted above the body; PostgreSQL: ts_rank_cd over a weighted tsvector, with
websearch_to_tsquery) and returns highlighted snippets. The access rule is part of the same SQL
as the match, so nothing the viewer may not read is ever ranked, counted or snippeted:
- posts and comments: `content_visible_q(viewer)` on the document's space (the one access door),
  and the post must not be removed;
- spaces: only spaces the viewer may know exist (`known_spaces`), secret ones are unknown to
  non-members;
- people: active people.

Very common words: when more than RANK_WINDOW documents match (before access is applied), the
ranking and the counts cover the RANK_WINDOW most recent matches only (documents are numbered in
the order they were indexed), and the counts are marked as lower bounds ("1,234+"). A search for
"the" on a million documents so costs what a search for a rarer word does, and its results are the
best matches among recent content, which is what people looking at a busy network want.

User input is never passed to the FTS syntax as is: it is reduced to words (letters and digits)
that are quoted one by one, the last one used as a prefix, so quotes, operators, parentheses,
stars or NEAR cannot cause an error.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chrysalis.core.errors import Invalid
from chrysalis.search.models import Kind, SearchDocument
from chrysalis.spaces.queries import content_visible_q, known_spaces

KINDS = tuple(Kind.values)
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
MAX_OFFSET = 1000
MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 64
MIN_PREFIX_CHARS = 2
RANK_WINDOW = 10_000  # matches ranked (and counted) at most: the most recent ones
_WORD = re.compile(r"[^\W_]+")
START, STOP = "\ue000", "\ue001"  # private-use markers; stripped from indexed text
SQLITE_WEIGHTS = (10.0, 1.0)  # bm25 column weights: title, body
PG_CONFIG = "english"


@dataclass
class Hit:
    doc: SearchDocument
    kind: str
    url: str
    title_html: SafeString
    snippet_html: SafeString
    rank: float


@dataclass
class SearchResults:
    q: str
    kind: str | None
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    next_offset: int | None = None
    more: bool = False  # more documents match than were ranked: counts are lower bounds

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def matched(self) -> int:
        """Number of hits in the current tab."""
        return self.counts[self.kind] if self.kind else self.total

    @property
    def prev_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None


def terms_of(q: str | None) -> list[str]:
    """The words of a query: letters and digits only, bounded in number and length."""
    return [t[:MAX_TERM_CHARS] for t in _WORD.findall((q or "")[:MAX_QUERY_CHARS])][:MAX_TERMS]


def _use_prefix(terms: list[str]) -> bool:
    return len(terms[-1]) >= MIN_PREFIX_CHARS


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term quoted (AND), the last one also as a prefix."""
    parts = [f'"{t}"' for t in terms]  # terms hold no quotes: letters and digits only
    if _use_prefix(terms):
        parts[-1] += "*"
    return " ".join(parts)


def _pg_tsquery(terms: list[str]) -> tuple[str, list]:
    """A tsquery expression and its parameters: websearch_to_tsquery over the quoted terms, the last
    term matching as a word or as a prefix."""
    quoted = " ".join(f'"{t}"' for t in terms)
    if not _use_prefix(terms):
        return "websearch_to_tsquery(%s::regconfig, %s)", [PG_CONFIG, quoted]
    head = " ".join(f'"{t}"' for t in terms[:-1])
    last = terms[-1].lower()
    sql = (
        "(websearch_to_tsquery(%s::regconfig, %s) && (websearch_to_tsquery(%s::regconfig, %s) "
        "|| to_tsquery('simple', %s)))"
    )
    return sql, [PG_CONFIG, head, PG_CONFIG, f'"{last}"', f"{last}:*"]


def _window_start(terms: list[str]) -> int | None:
    """The smallest document id of the RANK_WINDOW most recent matches, or None when fewer match.
    One index walk, newest first, that stops after RANK_WINDOW matches."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            tsq, params = _pg_tsquery(terms)
            cur.execute(
                f"SELECT id FROM search_searchdocument WHERE search_vector @@ {tsq} "
                "ORDER BY id DESC LIMIT 1 OFFSET %s",
                [*params, RANK_WINDOW],
            )
        else:
            cur.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                [fts5_match(terms), RANK_WINDOW],
            )
        row = cur.fetchone()
    return None if row is None else row[0] + 1


def access_q(viewer) -> Q:
    """Q over SearchDocument: the documents the viewer may see (the access door's rules)."""
    if not (viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active):
        return Q(pk__in=[])
    content = Q(kind__in=[Kind.POST, Kind.COMMENT], post__removed_at__isnull=True) & content_visible_q(viewer)
    people = Q(kind=Kind.PERSON, author__is_active=True)
    spaces = Q(kind=Kind.SPACE, space_id__in=known_spaces(viewer).values("pk"))
    return content | people | spaces


def _matching(viewer, terms: list[str], start: int | None = None) -> tuple[QuerySet, str, list]:
    """Documents the viewer may see that match the terms (with an id of at least `start`), and the
    SQL + params of the rank."""
    qs = SearchDocument.objects.filter(access_q(viewer))
    if connection.vendor == "postgresql":
        tsq, params = _pg_tsquery(terms)
        qs = qs.extra(where=[f"search_searchdocument.search_vector @@ {tsq}"], params=params)
        if start is not None:
            qs = qs.filter(pk__gte=start)
        return qs, f"-ts_rank_cd(search_searchdocument.search_vector, {tsq}, 1)", params
    where, params = ["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"], [fts5_match(terms)]
    if start is not None:  # on the FTS table itself, so that FTS5 walks only the window
        where.append("search_fts.rowid >= %s")
        params.append(start)
    qs = qs.extra(tables=["search_fts"], where=where, params=params)
    return qs, "bm25(search_fts, %s, %s)", list(SQLITE_WEIGHTS)


def _marked(text: str | None) -> SafeString:
    """HTML-escape a snippet and turn the engine's markers into <mark> tags (and nothing else)."""
    out = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(out)  # noqa: S308 - escaped above; only our own <mark> tags are added


def _snippets(docs: list[SearchDocument], terms: list[str]) -> dict[int, tuple[str, str]]:
    """Highlighted title and body snippet of each document of the page (one query)."""
    ids = [d.pk for d in docs]
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            tsq, params = _pg_tsquery(terms)
            whole = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
            frag = (
                f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, MaxFragments=2, '
                f'FragmentDelimiter=" … "'
            )
            cur.execute(
                "SELECT d.id, ts_headline(%s::regconfig, d.title, q.q, %s), "
                "ts_headline(%s::regconfig, d.body, q.q, %s) "
                f"FROM search_searchdocument d, (SELECT {tsq} AS q) q WHERE d.id IN ({placeholders})",
                [PG_CONFIG, whole, PG_CONFIG, frag, *params, *ids],
            )
        else:
            # the rowid range lets FTS5 walk only that stretch of the matches (it cannot use IN)
            cur.execute(
                "SELECT rowid, highlight(search_fts, 0, %s, %s), snippet(search_fts, 1, %s, %s, '…', 24) "
                "FROM search_fts WHERE search_fts MATCH %s AND rowid BETWEEN %s AND %s "
                f"AND rowid IN ({placeholders})",
                [START, STOP, START, STOP, fts5_match(terms), min(ids), max(ids), *ids],
            )
        return {row[0]: (row[1], row[2]) for row in cur.fetchall()}


def hit_url(doc: SearchDocument) -> str:
    if doc.kind == Kind.POST:
        return reverse("posts:detail", args=[doc.object_id])
    if doc.kind == Kind.COMMENT:
        return reverse("posts:detail", args=[doc.post_id]) + f"#comment-{doc.object_id}"
    if doc.kind == Kind.PERSON:
        return reverse("people:profile", args=[doc.ref])
    return reverse("spaces:detail", args=[doc.ref])


def check_kind(kind: str | None) -> str | None:
    if kind in (None, "", "all"):
        return None
    if kind not in KINDS:
        raise Invalid(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.", field="kind")
    return kind


def search(
    viewer, q: str | None, kind: str | None = None, offset: int = 0, limit: int | None = None
) -> SearchResults:
    """Ranked hits the viewer may see, with per-kind counts (for tabs) that respect access too.
    Three queries when something matches (counts, page, snippets); none for an empty query."""
    kind = check_kind(kind)
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Page size must be between 1 and {MAX_LIMIT}.", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise Invalid(f"Results can be paged up to {MAX_OFFSET}; refine the search instead.", field="cursor")
    results = SearchResults(q=(q or "").strip()[:MAX_QUERY_CHARS], kind=kind, offset=offset, limit=limit)
    terms = terms_of(q)
    if not terms:
        return results
    start = _window_start(terms)  # a very common word: rank and count the most recent matches only
    results.more = start is not None
    matching, rank_sql, rank_params = _matching(viewer, terms, start)
    for row in matching.values("kind").annotate(n=Count("id")).order_by():
        results.counts[row["kind"]] = row["n"]
    if results.matched <= offset:
        return results
    page_qs = matching.filter(kind=kind) if kind else matching
    docs = list(
        page_qs.select_related(  # bylines (title, department) and the cross-department mark, in the same query
            "author__department", "space", "post__author__department", "post__question__author__department"
        )
        .extra(select={"rank": rank_sql}, select_params=rank_params)
        .order_by("rank", "-created_at", "-id")[offset : offset + limit + 1]
    )
    if len(docs) > limit:
        docs, results.next_offset = docs[:limit], offset + limit
    marked = _snippets(docs, terms)
    for d in docs:
        title, body = marked.get(d.pk, (d.title, d.body[:200]))
        results.hits.append(
            Hit(
                doc=d,
                kind=d.kind,
                url=hit_url(d),
                title_html=_marked(title),
                snippet_html=_marked(body),
                rank=float(d.rank),
            )
        )
    return results
