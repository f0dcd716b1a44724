"""Expertise profiles: topics per person with a time-decayed strength, a confidence and evidence.

Answering (accepted answers count double, upvotes add), articles and posts count as expertise; asking
counts as interest only. Declared skills are reported as declared and confirmed when evidence supports
them. Only evidence created before `now` and visible under `visible` is used.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np

from expertise.index import ACC, ANS, ART, DAY, DEC, EXPW, POST, ExpertiseIndex, Q, from_epoch, to_epoch
from expertise.text import tag_token, tokens
from expertise.types import KINDS, Profile, TopicStrength


def build_profile(index: ExpertiseIndex, person: str, *, now: datetime | None = None,
                  half_life_days: float = 180.0, declared: Iterable[str] = (),
                  visible: Callable[[str | None], bool] | set[str | None] | None = None,
                  top: int = 10, min_strength_to_confirm: float = 1.0, terms_per_topic: bool = True) -> Profile:
    p = index.person_id.get(person)
    declared = [d.strip().lower() for d in declared if d.strip()]
    if p is None:
        return Profile(person, tuple(TopicStrength(d, 0.0, 0.0, 0, (), True, False) for d in declared))
    t = to_epoch(now) if now else None
    tau = half_life_days * DAY / math.log(2)
    ref = t if t is not None else index.max_created
    expert: dict[str, list] = defaultdict(lambda: [0.0, 0, []])
    interest: dict[str, list] = defaultdict(lambda: [0.0, 0, []])
    counts = dict.fromkeys(("answers", "accepted", "articles", "questions"), 0)
    last = -math.inf
    for sl in index.slices(t, visible):
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
            for j in terms.tolist():
                name = index.terms_list[j]
                if name.startswith("tag:"):
                    topic = name[4:]
                elif terms_per_topic:
                    continue
                else:
                    topic = name
                e = target[topic]
                e[0] += w * decay
                e[1] += 1
                e[2].append((w * decay, seg.ids[r]))

    def topics(d: dict[str, list]) -> tuple[TopicStrength, ...]:
        out = []
        for topic, (strength, n, ev) in sorted(d.items(), key=lambda kv: -kv[1][0])[:top]:
            ev_ids = tuple(i for _, i in sorted(ev, key=lambda x: -x[0])[:3])
            out.append(TopicStrength(topic, round(strength, 4), round(1 - math.exp(-n / 3.0), 3), n, ev_ids,
                                     topic in declared, topic in declared and strength >= min_strength_to_confirm))
        return tuple(out)

    ts = list(topics(expert))
    listed = {x.topic for x in ts}
    for d in declared:  # declared skills are always shown; confirmed only when evidence supports them
        if d in listed:
            continue
        strength, n, ev = expert.get(d, (0.0, 0, []))
        if not n:  # a declared skill that is a word rather than a tag: look for it in the text
            n = 0
        ts.append(TopicStrength(d, round(strength, 4), round(1 - math.exp(-n / 3.0), 3), n,
                                tuple(i for _, i in sorted(ev, key=lambda x: -x[0])[:3]), True,
                                strength >= min_strength_to_confirm))
    return Profile(person, tuple(ts), topics(interest), counts["answers"], counts["accepted"],
                   counts["articles"], counts["questions"], from_epoch(last) if math.isfinite(last) else None)


__all__ = ["build_profile", "KINDS", "tag_token", "tokens"]
