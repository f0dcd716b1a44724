"""Tokenising HTML bodies for lexical matching."""

from __future__ import annotations

import html
import re

TOKEN = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"<pre[^>]*>.*?</pre>", re.S | re.I)
_URL = re.compile(r"https?://\S+")
STOP = frozenset(
    "a an and are as at be but by can do does did for from has have had how i if in is it its me my no "
    "not of on or so that the their them there these they this to was were we what when where which "
    "who whom why will with would you your any all also just than then into out up about more some "
    "such very one get got use using used been being should could may might must our us he she his "
    "her him here only other same own too s t don doesn didn isn aren wasn ve ll re m d".split()
)


def strip_html(text: str, keep_code: bool = True) -> str:
    text = text or ""
    if not keep_code:
        text = _CODE.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _URL.sub(" ", html.unescape(text))


_MENTION = re.compile(r"(?<![\w.])@[\w.\-]+")  # "@mio.tanaka": who is addressed, not what it is about


def prose(text: str, keep_code: bool = True) -> str:
    """The words of an HTML or plain text: no markup, links or @mentions."""
    return _MENTION.sub(" ", strip_html(text, keep_code))


def tokens(text: str, keep_code: bool = True) -> list[str]:
    """Lower-cased word tokens of an HTML or plain text, without stop words or @mentions."""
    text = prose(text, keep_code).lower()
    return [t for t in TOKEN.findall(text) if t not in STOP and len(t) < 40]


def tag_token(tag: str) -> str:
    """Tags share the term space with words, prefixed so they never collide with them."""
    return "tag:" + tag.strip().lower()


def document_terms(title: str, text: str, tags: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Terms of a document: title twice (titles are dense), body once, tags as `tag:` terms."""
    t = tokens(title)
    return t + t + tokens(text) + [tag_token(x) for x in tags]
