"""Markdown to safe HTML, and the facts mined from it (mentions, links, tags).

markdown-it-py renders CommonMark (+ tables, strikethrough, autolinks); nh3 (Ammonia) sanitises the
result: no script, no event handlers, no style, only http(s)/mailto links, rel="noopener noreferrer
nofollow ugc" on every link.
"""

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.\-]{2,150})(?<![.\-])")
HASHTAG_RE = re.compile(r"(?<![\w#&/])#([A-Za-z][A-Za-z0-9_\-]{1,48})")
LINK_RE = re.compile(r"https?://[^\s<>\"')\]]+")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"linkify": True, "typographer": False}).enable(
        ["table", "strikethrough", "linkify"]
    )


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source -> sanitised HTML safe to insert in a page, @mentions linked to profiles."""
    return link_mentions(sanitize_html(_md().render(text or "")))


def render_plain_paragraphs(paragraphs: list[str]) -> str:
    """HTML for text known to hold no markup (bulk generators): what render_markdown would give."""
    from html import escape

    return link_mentions("".join(f"<p>{escape(p, quote=False)}</p>\n" for p in paragraphs if p))


_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_NO_LINK_INSIDE = {"a", "code", "pre"}


def link_mentions(html: str) -> str:
    """Turn @username in the text of sanitised HTML into a link to that person's profile (not inside
    links or code). Actions refuse mentions of people who do not exist, so every name is real."""
    if "@" not in html:
        return html
    from django.urls import reverse

    depth = 0
    out = []
    for part in _TAG_SPLIT.split(html):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(" ", 1)[0].split(">", 1)[0].lower()
            if name in _NO_LINK_INSIDE and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            out.append(part)
        elif depth <= 0 and "@" in part:
            out.append(MENTION_RE.sub(
                lambda m: f'<a class="mention" href="{reverse("people:profile", args=[m.group(1)])}">@{m.group(1)}</a>',
                part,
            ))
        else:
            out.append(part)
    return "".join(out)


def find_mentions(text: str) -> list[str]:
    """Usernames written as @name, in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for m in MENTION_RE.finditer(_without_code(text or "")):
        seen.setdefault(m.group(1).lower(), None)
    return list(seen)


def find_links(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for m in LINK_RE.finditer(_without_code(text or "")):
        seen.setdefault(m.group(0).rstrip(".,;:!?"), None)
    return list(seen)


def find_hashtags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for m in HASHTAG_RE.finditer(_without_code(text or "")):
        seen.setdefault(m.group(1).lower(), None)
    return list(seen)


_CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _without_code(text: str) -> str:
    return _CODE_RE.sub(" ", text)


def plain_text(html: str) -> str:
    """Text content of sanitised HTML (for search and snippets)."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
