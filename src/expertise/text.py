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


# Everyday English that says nothing about what someone knows (on top of the tokenizer's stop words).
COMMON_WORDS = frozenset("""
able above across actually add added after again against ago ahead almost along already alright although
always am amazing among another answer answered anyone anything anyway appreciate around ask asked asking
available away awesome back bad basically because become before behind below best better between big bit
both bring brought build call called came case cause caused causes change changed changes check checked
clear close come comes coming could couple course currently day days definitely did different do doing
done down during each early easier easy either else end enough especially even ever every everyone
everything exactly example excellent expect fact far fast feel few final finally find fine first fix
fixed follow following found free friday full further gave getting give given glad go goes going gone
good got great guess happen happened happens happy hard hello help helped helpful helps hey hi high hope
however idea ideas important instead issue issues it's keep kind know knows last later least less let
like likely line little long look looking looks lot lots made main make makes making many maybe mean
means meanwhile minute minutes monday month months most much name need needed needs never new next nice
note nothing now number often ok okay old once ones open other others over part people perhaps place
plan please point pretty probably problem problems question questions quick quickly quite rather read
ready real really reason recently right run running said same saw say says see seems seen set several
share short show side similar simple since small someone something sometimes soon sorry start started
still stuff sure take taken team tell thank thanks thing things think thought through thursday time
times today together told tomorrow took top total tried true try trying tuesday turn two under
understand until update updated usually want wanted way ways wednesday week weekend weeks well went
while whole within without wonder work worked working works worth write wrong yeah year years yes yet
yesterday boring love loved yours mine move moved quiet apart backed depends depend decided
happy fun cool hours hour morning afternoon evening tonight per via agreed agree agrees etc
notes highlights organise organize zero
""".split())


def everyday(word: str) -> bool:
    """A word that says nothing about what someone knows: a stop word or an everyday word."""
    return word in STOP or word in COMMON_WORDS


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
