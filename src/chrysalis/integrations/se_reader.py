"""Streaming reader for Stack Exchange data dump files (Posts, Users, Comments, Votes, Tags).

Pure Python (no Django): yields plain dataclasses, one per <row>, and reports every row it skips
with a reason. Handles the quirks of real dumps: a byte-order mark, CRLF line endings, tags as
`<a><b>` or `|a|b|`, posts whose owner was deleted, rows missing required attributes. Malformed XML
raises DumpError naming the file and the line.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class DumpError(Exception):
    """The dump cannot be read (missing file, malformed XML): the message names file and line."""


@dataclass(frozen=True)
class Skip:
    file: str
    row_id: str
    reason: str


@dataclass(frozen=True)
class SEUser:
    id: str
    display_name: str
    about_html: str
    location: str
    created: datetime


@dataclass(frozen=True)
class SEPost:
    id: str
    type: str  # "question" | "answer"
    created: datetime
    owner: str | None  # dump user id; None when the owner was deleted
    title: str
    body_html: str
    tags: tuple[str, ...]
    parent_id: str | None  # answers: the question's id
    accepted_answer_id: str | None  # questions


@dataclass(frozen=True)
class SEComment:
    id: str
    post_id: str
    created: datetime
    user: str | None
    text: str


@dataclass(frozen=True)
class SEVote:
    id: str
    post_id: str
    kind: str  # "up" | "down"
    created: datetime


@dataclass(frozen=True)
class SETag:
    name: str
    excerpt_post_id: str | None
    wiki_post_id: str | None


_TAGS_ANGLE = re.compile(r"<([^<>]+)>")


def parse_tags(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    raw = html.unescape(raw).strip()
    if raw.startswith("|"):
        names = [t for t in raw.split("|") if t]
    else:
        names = _TAGS_ANGLE.findall(raw)
    out: dict[str, None] = {}
    for name in names:
        name = name.strip().lower()
        if name:
            out.setdefault(name, None)
    return tuple(out)


def parse_date(raw: str) -> datetime:
    """Dump dates are UTC without a zone: 2014-01-21T20:21:18.797."""
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, attributes) of each <row> element, streaming; DumpError on malformed XML."""
    try:
        parser = ET.XMLPullParser(events=("end",))
        line = 1
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                parser.feed(chunk)
                for _event, elem in parser.read_events():
                    if elem.tag == "row":
                        yield line, dict(elem.attrib)
                        elem.clear()
                line += chunk.count(b"\n")
            parser.close()
            for _event, elem in parser.read_events():
                if elem.tag == "row":
                    yield line, dict(elem.attrib)
    except ET.ParseError as exc:
        err_line, col = exc.position
        raise DumpError(f"{path.name}: malformed XML at line {err_line}, column {col}: {exc}") from None
    except OSError as exc:
        raise DumpError(f"{path.name}: cannot read: {exc.strerror}") from None


def _owner(raw: str | None) -> str | None:
    return raw if raw and raw != "-1" else None


def read_users(path: Path, skips: list[Skip]) -> Iterator[SEUser]:
    for _line, a in _rows(path):
        try:
            yield SEUser(
                id=a["Id"],
                display_name=html.unescape(a.get("DisplayName", "")).strip(),
                about_html=a.get("AboutMe", ""),
                location=html.unescape(a.get("Location", "")).strip(),
                created=parse_date(a["CreationDate"]),
            )
        except (KeyError, ValueError) as exc:
            skips.append(Skip(path.name, a.get("Id", "?"), f"malformed row ({_why(exc)})"))


def read_posts(path: Path, skips: list[Skip], others: set[str] | None = None) -> Iterator[SEPost]:
    """Questions and answers. The ids of the other posts (tag wikis, excerpts, nominations...)
    are added to `others` when given, so that callers can tell "not Q&A" from "missing"."""
    for _line, a in _rows(path):
        kind = {"1": "question", "2": "answer"}.get(a.get("PostTypeId", ""))
        if kind is None:
            if others is not None and a.get("Id"):
                others.add(a["Id"])
            continue  # wiki excerpts, tag wikis, moderator nominations...: not Q&A content
        try:
            post = SEPost(
                id=a["Id"],
                type=kind,
                created=parse_date(a["CreationDate"]),
                owner=_owner(a.get("OwnerUserId")),
                title=html.unescape(a.get("Title", "")).strip(),
                body_html=a.get("Body", ""),
                tags=parse_tags(a.get("Tags")),
                parent_id=a.get("ParentId") if kind == "answer" else None,
                accepted_answer_id=a.get("AcceptedAnswerId") if kind == "question" else None,
            )
        except (KeyError, ValueError) as exc:
            skips.append(Skip(path.name, a.get("Id", "?"), f"malformed row ({_why(exc)})"))
            continue
        if kind == "answer" and not post.parent_id:
            skips.append(Skip(path.name, post.id, "malformed row (answer without ParentId)"))
            continue
        yield post


@dataclass(frozen=True)
class SEExcerpt:
    id: str
    created: datetime
    body_html: str


def read_excerpts(path: Path, ids: set[str]) -> dict[str, SEExcerpt]:
    """The tag-wiki excerpt posts (PostTypeId 4) whose ids are given: Tags.xml names them as the
    tags' descriptions. Rows without a usable CreationDate are left out."""
    out: dict[str, SEExcerpt] = {}
    for _line, a in _rows(path):
        if a.get("PostTypeId") == "4" and a.get("Id") in ids:
            try:
                out[a["Id"]] = SEExcerpt(a["Id"], parse_date(a["CreationDate"]), a.get("Body", ""))
            except (KeyError, ValueError):
                continue
    return out


def read_comments(path: Path, skips: list[Skip]) -> Iterator[SEComment]:
    for _line, a in _rows(path):
        try:
            yield SEComment(
                id=a["Id"],
                post_id=a["PostId"],
                created=parse_date(a["CreationDate"]),
                user=_owner(a.get("UserId")),
                text=html.unescape(a.get("Text", "")),
            )
        except (KeyError, ValueError) as exc:
            skips.append(Skip(path.name, a.get("Id", "?"), f"malformed row ({_why(exc)})"))


VOTE_KINDS = {"2": "up", "3": "down"}


def read_votes(path: Path, skips: list[Skip]) -> Iterator[SEVote]:
    """Up and down votes only (accepted-answer marks come from Posts.xml; favourites, close and
    spam flags are not votes on quality)."""
    for _line, a in _rows(path):
        kind = VOTE_KINDS.get(a.get("VoteTypeId", ""))
        if kind is None:
            continue
        try:
            yield SEVote(id=a["Id"], post_id=a["PostId"], kind=kind, created=parse_date(a["CreationDate"]))
        except (KeyError, ValueError) as exc:
            skips.append(Skip(path.name, a.get("Id", "?"), f"malformed row ({_why(exc)})"))


def read_tags(path: Path, skips: list[Skip]) -> Iterator[SETag]:
    for _line, a in _rows(path):
        name = (a.get("TagName") or "").strip().lower()
        if not name:
            skips.append(Skip(path.name, a.get("Id", "?"), "malformed row (no TagName)"))
            continue
        yield SETag(name=name, excerpt_post_id=a.get("ExcerptPostId"), wiki_post_id=a.get("WikiPostId"))


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]}"
    return str(exc)
