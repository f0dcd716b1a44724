"""Keeps the search index in step with content. Actions call these inside
`transaction.on_commit`; `rebuild_index` rebuilds everything in bulk (the CLI and the demo use it).

A document holds plain text: Markdown is indexed from its sanitised HTML with the tags stripped.
Removed posts and comments (and a removed post's comments) and deactivated people are unindexed.
"""

import html
import re
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from chrysalis.search import fts
from chrysalis.search.models import Kind, SearchDocument

KINDS = tuple(Kind.values)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_MARKERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ue000\ue001]"
)  # snippet markers must never come from content
BATCH = 5000


def clean(value: str | None) -> str:
    """Text as indexed: whitespace collapsed, control characters (and our highlight markers) removed."""
    return _SPACE.sub(" ", _MARKERS.sub("", value or "")).strip()


def plain_text(value: str | None) -> str:
    """Plain text of sanitised HTML (rendered Markdown): tags dropped, entities decoded."""
    if not value:
        return ""
    return clean(html.unescape(_TAG.sub(" ", value)))


def _line(value: str | None, limit: int = 300) -> str:
    return clean(value)[:limit]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown search document kind: {kind!r}")


def _upsert(kind: str, object_id: int, **fields) -> None:
    SearchDocument.objects.update_or_create(kind=kind, object_id=object_id, defaults=fields)


def _person_text(p: dict, skills: Iterable[str]) -> tuple[str, str]:
    name = p["display_name"] or f"{p['first_name']} {p['last_name']}".strip() or p["username"]
    parts = [
        p["username"],
        p["title"],
        p["department__name"] or "",
        p["location"],
        " ".join(skills),
        p["bio"],
    ]
    return _line(name), clean(" · ".join(x for x in parts if x))


def index_post(post_id: int) -> None:
    from chrysalis.posts.models import Post

    p = (
        Post.objects.filter(pk=post_id, removed_at__isnull=True)
        .values("title", "body_html", "space_id", "author_id", "created_at")
        .first()
    )
    if p is None:
        unindex(Kind.POST, post_id)
        return
    _upsert(
        Kind.POST,
        post_id,
        space_id=p["space_id"],
        post_id=post_id,
        ref="",
        title=_line(p["title"]),
        body=plain_text(p["body_html"]),
        author_id=p["author_id"],
        created_at=p["created_at"],
    )


def index_comment(comment_id: int) -> None:
    from chrysalis.posts.models import Comment

    c = (
        Comment.objects.filter(pk=comment_id, removed_at__isnull=True, post__removed_at__isnull=True)
        .values("post_id", "post__space_id", "body_html", "author_id", "created_at")
        .first()
    )
    if c is None:
        unindex(Kind.COMMENT, comment_id)
        return
    _upsert(
        Kind.COMMENT,
        comment_id,
        space_id=c["post__space_id"],
        post_id=c["post_id"],
        ref="",
        title="",
        body=plain_text(c["body_html"]),
        author_id=c["author_id"],
        created_at=c["created_at"],
    )


_PERSON_FIELDS = (
    "id",
    "username",
    "display_name",
    "first_name",
    "last_name",
    "title",
    "department__name",
    "location",
    "bio",
    "date_joined",
)


def index_person(user_id: int) -> None:
    from chrysalis.people.models import User

    p = User.objects.filter(pk=user_id, is_active=True).values(*_PERSON_FIELDS).first()
    if p is None:
        unindex(Kind.PERSON, user_id)
        return
    skills = User.skills.through.objects.filter(user_id=user_id).values_list("skill__name", flat=True)
    title, body = _person_text(p, skills)
    _upsert(
        Kind.PERSON,
        user_id,
        space_id=None,
        post_id=None,
        ref=p["username"],
        title=title,
        body=body,
        author_id=user_id,
        created_at=p["date_joined"],
    )


def index_space(space_id: int) -> None:
    from chrysalis.spaces.models import Space

    s = Space.objects.filter(pk=space_id).values("slug", "name", "description", "created_at").first()
    if s is None:
        unindex(Kind.SPACE, space_id)
        return
    _upsert(
        Kind.SPACE,
        space_id,
        space_id=space_id,
        post_id=None,
        ref=s["slug"],
        title=_line(s["name"]),
        body=clean(s["description"]),
        author_id=None,
        created_at=s["created_at"],
    )


def unindex(kind: str, object_id: int) -> None:
    """Remove a document; unindexing a post also removes its comments."""
    _check_kind(kind)
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    if kind == Kind.POST:
        SearchDocument.objects.filter(kind=Kind.COMMENT, post_id=object_id).delete()


# --- Bulk rebuild ---------------------------------------------------------------------------

_INSERT = (
    "INSERT INTO search_searchdocument "
    "(kind, object_id, space_id, post_id, ref, title, body, author_id, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _chunks(qs, fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """Rows of `qs` in primary-key order, a batch at a time (keyset, bounded memory)."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values_list(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _bar(progress: bool, total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", disable=not progress, leave=True)


def _insert(cur, rows: list[tuple]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    cur.executemany(_INSERT, [(*r[:8], adapt(r[8])) for r in rows])


def rebuild_index(progress: bool = False) -> dict:
    """Rebuild the whole index from the content tables. Returns the number of documents per kind.

    Bulk: the SQLite sync triggers (or the PostgreSQL GIN index) are dropped while the table is
    refilled, then the full-text index is built once. One transaction: searches keep seeing the
    old index until it commits."""
    from chrysalis.people.models import User
    from chrysalis.posts.models import Comment, Post
    from chrysalis.spaces.models import Space

    counts = {k: 0 for k in KINDS}
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cur:
        if vendor == "sqlite":
            for sql in fts.SQLITE_DROP_TRIGGERS:
                cur.execute(sql)
            cur.execute("DELETE FROM search_searchdocument")
        elif vendor == "postgresql":
            cur.execute(fts.PG_DROP_INDEX)
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred checks
            cur.execute("TRUNCATE search_searchdocument")
        else:
            SearchDocument.objects.all().delete()

        posts = Post.objects.filter(removed_at__isnull=True)
        with _bar(progress, posts.count(), "posts") as bar:
            for rows in _chunks(posts, ("id", "space_id", "author_id", "title", "body_html", "created_at")):
                _insert(
                    cur, [("post", i, s, i, "", _line(t), plain_text(b), a, c) for i, s, a, t, b, c in rows]
                )
                counts[Kind.POST] += len(rows)
                bar.update(len(rows))

        comments = Comment.objects.filter(removed_at__isnull=True, post__removed_at__isnull=True)
        with _bar(progress, comments.count(), "comments") as bar:
            for rows in _chunks(
                comments, ("id", "post_id", "post__space_id", "author_id", "body_html", "created_at")
            ):
                _insert(cur, [("comment", i, s, p, "", "", plain_text(b), a, c) for i, p, s, a, b, c in rows])
                counts[Kind.COMMENT] += len(rows)
                bar.update(len(rows))

        people = User.objects.filter(is_active=True)
        through = User.skills.through.objects
        with _bar(progress, people.count(), "people") as bar:
            for rows in _chunks(people, _PERSON_FIELDS):
                ids = [r[0] for r in rows]
                skills: dict[int, list[str]] = {}
                for uid, name in through.filter(user_id__in=ids).values_list("user_id", "skill__name"):
                    skills.setdefault(uid, []).append(name)
                batch = []
                for r in rows:
                    p = dict(zip(_PERSON_FIELDS, r, strict=True))
                    title, body = _person_text(p, skills.get(p["id"], []))
                    batch.append(
                        ("person", p["id"], None, None, p["username"], title, body, p["id"], p["date_joined"])
                    )
                _insert(cur, batch)
                counts[Kind.PERSON] += len(rows)
                bar.update(len(rows))

        with _bar(progress, Space.objects.count(), "spaces") as bar:
            for rows in _chunks(Space.objects.all(), ("id", "slug", "name", "description", "created_at")):
                _insert(
                    cur, [("space", i, i, None, s, _line(n), clean(d), None, c) for i, s, n, d, c in rows]
                )
                counts[Kind.SPACE] += len(rows)
                bar.update(len(rows))

        if vendor == "sqlite":
            cur.execute(fts.SQLITE_REBUILD)
            for sql in fts.SQLITE_TRIGGERS:
                cur.execute(sql)
        elif vendor == "postgresql":
            cur.execute(fts.PG_INDEX)
    return counts
