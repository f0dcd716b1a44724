"""Expertise profiles: topics per person with a time-decayed strength, a confidence and evidence.

Answering (accepted answers count double, upvotes add), articles and posts count as expertise; asking
counts as interest only. Declared skills are reported as declared and confirmed when evidence supports
them. Only evidence created before `now` and visible under `visible` is used.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import numpy as np

from expertise.index import ACC, ANS, ART, COM, DAY, DEC, EXPW, POST, ExpertiseIndex, Q, from_epoch, to_epoch
from expertise.text import TOKEN, document_terms, everyday, prose, tag_token, tokens
from expertise.types import KINDS, Profile, TopicStrength

KEY_TERM_MIN_ITEMS = 2  # a key term appears in at least this many of the person's expertise items
KEY_TERM_LIFT = 3.0  # ... and in a share of them at least this many times its share of all documents
KEY_TERM_CANDIDATES = 150  # their most frequent words, checked for significance


def build_profile(index: ExpertiseIndex, person: str, *, now: datetime | None = None,
                  half_life_days: float = 180.0, declared: Iterable[str] = (),
                  visible: Callable[[str | None], bool] | set[str | None] | None = None,
                  top: int = 10, min_strength_to_confirm: float = 1.0, terms_per_topic: bool = True) -> Profile:
    """Topics are tags; `key_terms` are the words that distinguish what the person wrote in their
    expertise items (significance against the visible documents, see `_key_terms`). A declared skill
    is confirmed by a matching tag or by its words in
    their expertise text. `terms_per_topic=False` makes every word a topic (no distinctiveness)."""
    p = index.person_id.get(person)
    declared = [d.strip().lower() for d in declared if d.strip()]
    if p is None:
        return Profile(person, tuple(TopicStrength(d, 0.0, 0.0, 0, (), True, False) for d in declared))
    t = to_epoch(now) if now else None
    tau = half_life_days * DAY / math.log(2)
    ref = t if t is not None else index.max_created
    expert: dict[str, list] = defaultdict(lambda: [0.0, 0, []])
    interest: dict[str, list] = defaultdict(lambda: [0.0, 0, []])
    words: dict[int, list] = defaultdict(lambda: [0.0, 0, []])  # term id -> expertise from the text
    counts = dict.fromkeys(("answers", "accepted", "articles", "questions"), 0)
    last = -math.inf
    n_text = 0  # expertise items with words of their own
    slices = index.slices(t, visible)
    for sl in slices:
        seg = sl.seg
        rows = np.flatnonzero(seg.person[: sl.stop] == p)
        if sl.mask is not None:
            rows = rows[sl.mask[rows]]
        for r in rows.tolist():
            k = int(seg.kind[r])
            if k == DEC:  # "not my area": neither expertise nor interest nor activity
                continue
            decay = math.exp(-(ref - float(seg.created[r])) / tau)
            if k in (ANS, ACC):
                counts["answers"] += 1
            counts["accepted"] += k == ACC
            counts["articles"] += k in (ART, POST)
            counts["questions"] += k == Q
            w = EXPW[k] * (2.0 if k == ACC else 1.0) * (1.0 + math.log1p(max(0.0, float(seg.score[r]))))
            target = interest if k == Q else expert
            if k == Q:
                w = 1.0
            else:
                last = max(last, float(seg.created[r]))
            if w <= 0:
                continue
            terms, _tf = seg.row_terms(r)
            own = set(_own_terms(index, seg, r).tolist()) if k != Q and terms_per_topic else ()
            n_text += bool(own)
            for j in terms.tolist():
                name = index.terms_list[j]
                if name.startswith("tag:"):
                    topic = name[4:]
                elif terms_per_topic:
                    if j in own:  # words they wrote themselves (not the question's they answered)
                        e = words[j]
                        e[0] += w * decay
                        e[1] += 1
                        e[2].append((w * decay, seg.ids[r]))
                    continue
                else:
                    topic = name
                e = target[topic]
                e[0] += w * decay
                e[1] += 1
                e[2].append((w * decay, seg.ids[r]))

    def strength(n: int, value: float, ev: list, topic: str) -> TopicStrength:
        return TopicStrength(topic, round(value, 4), round(1 - math.exp(-n / 3.0), 3), n,
                             tuple(i for _, i in sorted(ev, key=lambda x: -x[0])[:3]), topic in declared,
                             topic in declared and value >= min_strength_to_confirm)

    def topics(d: dict[str, list]) -> tuple[TopicStrength, ...]:
        best = sorted(d.items(), key=lambda kv: -kv[1][0])[:top]
        return tuple(strength(n, v, ev, topic) for topic, (v, n, ev) in best)

    for topic in expert:  # a word that is also one of their tags is already shown as a topic
        words.pop(index.vocab.get(topic, -1), None)
    key_terms = _key_terms(index, slices, words, top, n_text)
    by_word = {index.terms_list[j]: words[j] for j in words}
    ts = list(topics(expert))
    listed = {x.topic for x in ts}
    for d in declared:  # declared skills are always shown; confirmed when evidence supports them
        if d in listed:
            continue
        v, n, ev = expert.get(d, (0.0, 0, []))
        if not n:  # not a tag they have: their expertise text, every word of the skill ("machine learning")
            found = [by_word.get(w) for w in tokens(d.replace("-", " "))]
            if found and all(found):
                v, n = min(f[0] for f in found), min(f[1] for f in found)
                ev = [x for f in found for x in f[2]]
        ts.append(strength(n, v, ev, d))
    return Profile(person, tuple(ts), topics(interest), counts["answers"], counts["accepted"],
                   counts["articles"], counts["questions"], from_epoch(last) if math.isfinite(last) else None,
                   key_terms)


def _own_terms(index: ExpertiseIndex, seg, r: int) -> np.ndarray:
    """Term ids of row `r` written by its author: an answer's (or comment's) document also holds the
    question it replies to, whose term frequencies are taken off again."""
    terms, tf = seg.row_terms(r)
    qn = int(seg.parent_q[r])
    if qn < 0 and int(seg.kind[r]) == COM:  # a comment on a post: its document repeats the post's title
        title = Counter(document_terms(seg.titles[r], ""))
        taken = np.array([title.get(index.terms_list[j], 0) for j in terms.tolist()], dtype=np.float64)
        return terms[tf - taken > 0]
    if qn < 0 or int(seg.kind[r]) == Q:
        return terms
    found = index._doc_terms(index.question_doc_of(qn) or "")
    if found is None:
        return terms
    qterms, qtf = found
    if not len(qterms):
        return terms
    pos = np.minimum(np.searchsorted(qterms, terms), len(qterms) - 1)
    left = tf - np.where(qterms[pos] == terms, qtf[pos], 0)
    return terms[left > 0]


def _key_terms(index: ExpertiseIndex, slices, words: dict[int, list], top: int,
               n_items: int) -> tuple[TopicStrength, ...]:
    """The person's most distinctive words, by significance (Elasticsearch's JLH score): how much more
    often a word is in their items than in everyone else's, (fg - bg) x fg / bg, with fg the share
    of their expertise items that have the word and bg its share of the other documents; everyday
    words (`expertise.text.everyday`) are never key terms. Document
    frequencies are counted over the visible documents only, so nothing depends on content the viewer
    cannot read. Common words score low however often the person writes them."""
    cands = sorted((j for j, e in words.items() if e[1] >= KEY_TERM_MIN_ITEMS), key=lambda j: -words[j][1])
    cands = cands[:KEY_TERM_CANDIDATES]
    if not cands or not n_items:
        return ()
    ndocs = sum(sl.stop if sl.mask is None else int(sl.mask.sum()) for sl in slices)
    scored = []
    for j in cands:
        df = 0
        for sl in slices:
            csc = sl.seg.csc
            if j < csc.shape[1]:
                df += len(sl.rows_in(csc.indices[csc.indptr[j]:csc.indptr[j + 1]]))
        v, n, ev = words[j]
        if everyday(index.terms_list[j]) or index.terms_list[j].isdigit():
            continue
        # fg: share of their items with the word; bg: share of everyone else's documents with it
        fg, bg = n / n_items, max(df - n, 0.5) / max(ndocs - n_items, 1)
        if df and fg >= KEY_TERM_LIFT * bg:
            scored.append(((fg - bg) * fg / bg, j, v, n, ev))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return tuple(TopicStrength(index.terms_list[j], round(v, 4), round(1 - math.exp(-n / 3.0), 3), n,
                               tuple(i for _, i in sorted(ev, key=lambda x: -x[0])[:3]))
                 for _, j, v, n, ev in scored[:top])


PHRASE_MIN_ITEMS = 2  # a phrase is shown when it is in at least this many of the person's items
_CLAUSE = re.compile(r"[,;:!?()\[\]\"]+|\.(?:\s|$)|\n")


def key_phrases(texts: Iterable[str], key_terms: Sequence[str], limit: int | None = None) -> list[str]:
    """Key terms in context: each key term is replaced by the two-word phrase it most often forms in the
    person's own writing (`texts`, HTML or Markdown), when that phrase recurs (in PHRASE_MIN_ITEMS items
    or more) and its other word is no everyday word ("cache" and "stampede" become "cache stampede",
    "pool" becomes "connection pool"). Words of a phrase already shown are not repeated."""
    if not key_terms:
        return []
    keys = set(key_terms)
    seen_in: Counter[tuple[str, str]] = Counter()
    for text in texts:
        pairs = set()
        for clause in _CLAUSE.split(prose(text).lower()):  # a phrase never spans punctuation
            words = TOKEN.findall(clause)
            pairs.update((a, b) for a, b in zip(words, words[1:], strict=False)
                         if (a in keys or b in keys) and a != b and _phrase_word(a) and _phrase_word(b))
        seen_in.update(pairs)
    # per key term its best phrase: one whose other word is distinctive too ("connection pool" before
    # "pool settings"), then the most frequent
    best: dict[str, tuple[bool, int, tuple[str, str]]] = {}
    for pair, n in seen_in.items():
        if n < PHRASE_MIN_ITEMS:
            continue
        both = pair[0] in keys and pair[1] in keys
        for w in pair:
            if w in keys and (w not in best or (both, n, pair) > best[w]):
                best[w] = (both, n, pair)
    out: list[str] = []
    shown: set[str] = set()
    for term in key_terms:
        if term in shown:
            continue
        pair = best.get(term, (False, 0, None))[2]
        if pair is not None and not (set(pair) & shown):
            out.append(" ".join(pair))
            shown.update(pair)
        else:
            out.append(term)
            shown.add(term)
    return out[:limit] if limit else out


def _phrase_word(w: str) -> bool:
    return len(w) > 1 and not everyday(w) and not w.isdigit()


__all__ = ["build_profile", "key_phrases", "KINDS", "tag_token", "tokens"]
