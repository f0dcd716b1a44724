"""The expert ranker: per-person features for a query, combined by weights learned from history.

Features (all computed from evidence created strictly before the query time, and only from evidence
the viewer may see):
  content   BM25 document model (CombSUM / max / CombMNZ over the top documents, plus a recency-weighted
            CombSUM) and BM25 profile model over each person's expertise documents (an answer's
            document includes its question)
  tags      time-decayed counts of answers on questions sharing the query's tags (accepted count
            double) and the share of the person's answers they make up
  authority accepted answers, acceptance rate, upvotes received
  activity  log of exponentially decayed activity at several half-lives (shift invariant, so a query
            long after the last evidence ranks like one just after it), questions asked (interest)
  prior     overall answer volume; articles
  social    answers to this asker's questions before, and the asker's answers to theirs
  site clock decayed counts of the person's items among the site's last 10/30/100/300 expertise items,
            items since their last one, tenure (age of their first item), distinct active days, and
            BM25 document / tag matches decayed on the same clock
  hours     how often the person writes at the UTC hour the question is asked (smoothed towards the site)
`FEATURES` (the model's inputs) is a subset of `ALL_FEATURES` (everything computed).

The weights come from a conditional-logit (softmax over the candidates of a question) model fitted
on the organisation's own questions: for each question in the later part of the history, features of
every candidate are computed from evidence before that question (or before an earlier snapshot time,
as a frozen index would see it), and the people who answered it are the positives. The weights are
shrunk towards `DEFAULT_WEIGHTS`, a prior pooled over several sites, and are that prior alone when the
history is too short.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy.optimize import minimize

from expertise.index import (
    ACC,
    ANS,
    ART,
    DAY,
    DEC,
    EXPW,
    POST,
    Appended,
    ExpertiseIndex,
    Q,
    Slice,
    Updated,
    from_epoch,
    to_epoch,
)
from expertise.text import document_terms, everyday
from expertise.types import EvidenceRef, ExpertHit, Query

# Every feature the extractor can compute (names of `FeatureExtractor.features` columns) ...
ALL_FEATURES = (
    "doc_sum", "doc_max", "doc_mnz", "doc_recent", "profile",
    "tag_count", "tag_decayed", "tag_share",
    "accepted", "accept_rate", "votes",
    "act_3d", "act_30d", "act_180d", "act_720d", "asked_30d",
    "answers", "articles", "asker_helped", "asker_helper",
    "na_10", "na_30", "na_100", "na_300", "since_last", "tag_na", "doc_na",
    "nag_10", "nag_30", "nag_100", "nag_300", "first_age", "active_days",
    "hour_aff", "hour_na", "wday_aff", "declined",
)
# ... and the subset the model uses. Activity is measured on the site's own clock (decayed counts over the
# last N expertise items of the site, items since the person's last one, tenure, active days), which
# carries over between slow and busy sites and between a live index and a frozen one queried later;
# content is BM25 (documents, profile, tags), plus the person's usual hours of day.
FEATURES = (
    "na_10", "na_30", "na_100", "na_300", "since_last", "first_age", "active_days",
    "doc_sum", "doc_max", "doc_mnz", "profile", "tag_count", "tag_share", "doc_na", "tag_na", "hour_aff",
    "declined",
)
# Prior weights (standardised features): a conditional-logit fit pooled over several public Q&A sites'
# histories. Used alone when the history is too short to learn from, else as the shrinkage target.
DEFAULT_WEIGHTS = {
    "na_10": -0.03, "na_30": 0.2, "na_100": 0.21, "na_300": 0.23, "since_last": 0.31, "first_age": -0.16,
    "active_days": 0.24, "doc_sum": 0.13, "doc_max": 0.12, "doc_mnz": -0.11, "profile": 0.32,
    "tag_count": 0.06, "tag_share": 0.05, "doc_na": 0.18, "tag_na": 0.0, "hour_aff": 0.11,
    # "not my area": the BM25 match of the query to questions the person declined (0 for everyone on a site
    # without routing, so it is learned only where declines exist; the prior already pushes them down)
    "declined": -0.5,
}
ANSWER_HORIZONS = (10.0, 30.0, 100.0, 300.0)  # decay scales counted in site expertise items, not days
TAG_NA, DOC_NA = 100.0, 100.0
HALF_LIVES = (3.0, 30.0, 180.0, 720.0)
K1, B = 1.2, 0.75
TOP_DOCS = 200
MAX_QUERY_TERMS = 64
MIN_QUERY_TERMS = 2  # kept even when every word of the query is common
COMMON_WINDOW = 20_000  # ... and then read over this many of their most recent documents
MAX_DF_FRACTION, MIN_DF_CAP = 0.02, 2000
FLOOR = -30.0  # log-activity floor, relative to the most active candidate
CUT_BUDGET, MIN_CUTS = 2e8, 64  # training: distinct cut-offs <= max(MIN_CUTS, CUT_BUDGET / indexed rows)


@dataclass
class RankerModel:
    weights: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    trained_on: int = 0  # number of training questions
    l2: float = 0.0
    features: tuple[str, ...] = FEATURES

    @classmethod
    def default(cls) -> RankerModel:
        w = np.array([DEFAULT_WEIGHTS.get(f, 0.0) for f in FEATURES])
        return cls(w, np.zeros(len(FEATURES)), np.ones(len(FEATURES)))

    def score(self, X: np.ndarray) -> np.ndarray:
        return ((X - self.mean) / self.std) @ self.weights

    def to_dict(self) -> dict:
        return {"features": list(self.features), "weights": self.weights.tolist(), "mean": self.mean.tolist(),
                "std": self.std.tolist(), "trained_on": self.trained_on, "l2": self.l2}

    @classmethod
    def from_dict(cls, d: dict) -> RankerModel:
        if tuple(d["features"]) != FEATURES:
            return cls.default()
        return cls(np.array(d["weights"]), np.array(d["mean"]), np.array(d["std"]), d["trained_on"], d["l2"])


@dataclass
class QueryFeatures:
    people: np.ndarray  # candidate person indices
    X: np.ndarray  # candidates x features
    doc_hits: list[tuple[int, int, int, float]] = field(default_factory=list)  # (person, seg, row, score)
    qterms: list[int] = field(default_factory=list)
    qtags: list[int] = field(default_factory=list)
    idf: dict[int, float] = field(default_factory=dict)
    answers: np.ndarray | None = None  # log1p answer counts of the candidates, for tie-breaking
    coverage: np.ndarray | None = None  # share of the query's terms (idf-weighted) in their expertise text


def _unique_inverse(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(r, return_inverse=True)` for a concatenation of sorted runs (a stable sort merges them
    cheaply)."""
    perm = np.argsort(r, kind="stable")
    rs = r[perm]
    first = np.ones(len(rs), dtype=bool)
    first[1:] = rs[1:] != rs[:-1]
    inv = np.empty(len(rs), dtype=np.intp)
    inv[perm] = np.cumsum(first) - 1
    return rs[first], inv


def _stable_time_order(times: np.ndarray, runs: list[int]) -> np.ndarray:
    """`np.argsort(times, kind="stable")`, without a full sort in the usual cases: `times` already in
    order, or a time-sorted run (the base segment) followed by a short one (the pending documents),
    which are merged. `runs` are the lengths of the concatenated parts."""
    if len(times) < 2 or not np.any(times[1:] < times[:-1]):
        return np.arange(len(times))
    if len(runs) == 2 and runs[0]:
        na = runs[0]
        a, b = times[:na], times[na:]
        if not np.any(a[1:] < a[:-1]):
            ob = np.argsort(b, kind="stable")
            bs = b[ob]
            order = np.empty(len(times), dtype=np.intp)
            order[np.arange(na) + np.searchsorted(bs, a, side="left")] = np.arange(na)  # a first on ties
            order[np.searchsorted(a, bs, side="right") + np.arange(len(bs))] = na + ob
            return order
    return np.argsort(times, kind="stable")


def _distinct_days(person: np.ndarray, days: np.ndarray, n: int) -> np.ndarray:
    """Per person, the number of distinct days with an item (a bitmap of people x days when it is
    small enough, else a sort)."""
    if not len(days):
        return np.zeros(n)
    d0 = float(days.min())
    nd = int(days.max() - d0) + 1
    if n * nd <= 64_000_000:
        seen = np.zeros(n * nd, dtype=bool)
        seen[person.astype(np.int64) * nd + (days - d0).astype(np.int64)] = True
        return seen.reshape(n, nd).sum(axis=1).astype(np.float64)
    _, first = np.unique(person.astype(np.float64) * 1e6 + days, return_index=True)
    return np.bincount(person[first], minlength=n).astype(np.float64)


def _group_max(keys: np.ndarray, vals: np.ndarray, n: int, fill: float) -> np.ndarray:
    out = np.full(n, fill)
    if len(keys):
        np.maximum.at(out, keys, vals)
    return out


# ------------------------------------------------------------------------ statistics kept across changes
# Per-person statistics (`FeatureExtractor.person_stats`) by key, with the value a person without any item
# has; the site-clock and activity statistics are what an append shifts for everyone.
_COUNT_STATS = ("answers", "accepted", "articles", "questions", "expertise", "plen", "votes")
_PERSON_FILL = {**dict.fromkeys((*_COUNT_STATS, *(f"na_{int(h)}" for h in ANSWER_HORIZONS), "first_age",
                                 "active_days", "weekend", "n_items"), 0.0),
                "last": -np.inf, "since_last": np.inf,
                **dict.fromkeys((*(f"act_{int(hl)}d" for hl in HALF_LIVES), "asked_30d"), -np.inf)}
_PERSON_HOURS = ("hours", "hours_na")  # people x 24
_SITE_STATS = ("exp_times", "hours_site")


def _stats_keys() -> set[str]:
    """The keys `person_stats` returns with the current `FEATURES` (some are computed only when read)."""
    keys = {*_COUNT_STATS, *(f"na_{int(h)}" for h in ANSWER_HORIZONS), "last", "since_last", "first_age",
            "active_days", "hours", *_SITE_STATS}
    if "hour_na" in FEATURES:
        keys.add("hours_na")
    if "wday_aff" in FEATURES:
        keys |= {"weekend", "n_items"}
    if any(f in FEATURES for f in ACT_FEATURES):
        keys |= {*(f"act_{int(hl)}d" for hl in HALF_LIVES), "asked_30d"}
    return keys


@dataclass
class _LiveStats:
    """`person_stats` over every live row visible under one visible set, "now", at `version`.

    Kept on the index across changes (`ExpertiseIndex.live_stats`) and caught up with the rows appended
    and replaced in place since (`_extend_stats`, `_update_counts`). Each version gets a new statistics
    dict: a query still reading the previous one keeps consistent arrays, except `hours`, whose cells are
    incremented in place (a person x hour table; copying it on every append would cost more than
    everything else)."""

    version: int
    st: dict
    tref: float  # the reference time of `st` (the activity decays are relative to it)
    newest: float | None  # the newest creation time among the visible live rows (None: nothing visible)
    exp_buf: np.ndarray  # st["exp_times"] is a prefix view: appends write past every published view
    sizes: dict = field(default_factory=dict)  # id(segment) -> (segment, documents, total length) visible
    slices: list = field(default_factory=list)  # the visible rows of each segment at `version`


def _with_room(values: np.ndarray, extra: int = 0) -> np.ndarray:
    """A buffer holding `values` with room to append (an eighth more, at least 1024)."""
    buf = np.empty(len(values) + extra + len(values) // 8 + 1024)
    buf[: len(values)] = values
    return buf


def _extend_stats(st: dict, rows: list[Appended], n: int, tref_old: float, tref_new: float,
                  exp_buf: np.ndarray) -> tuple[dict, np.ndarray] | None:
    """The statistics `st` (for reference time `tref_old`) after appending `rows` (oldest first, each
    created at or after every row counted in `st`) for `n` people and reference time `tref_new`: the
    same values as `person_stats` over all the rows, up to float rounding. None when a full computation
    is needed (statistics this function does not know, or no finite reference time).

    Ages on the site clock grow by k (the expertise items appended) for everyone: the decayed counts
    na_h are multiplied by exp(-k/h), since_last and (for people with items) first_age grow by k; then
    the new items count with their own ages k-1..0. A new item adds an active day unless it falls on its
    person's last active day (items come in time order). Activity decays in days (act_*) only shift by
    the change of reference time. O(people + rows); new arrays except `hours` (see `_LiveStats`)."""
    if set(st) - {"_memo"} != _stats_keys() or not (math.isfinite(tref_old) and math.isfinite(tref_new)):
        return None
    out = {k: v for k, v in st.items() if k != "_memo"}
    n0 = len(st["answers"])
    if n > n0:  # people first seen in the appended rows
        for k, fill in _PERSON_FILL.items():
            if k in out:
                out[k] = np.concatenate([out[k], np.full(n - n0, fill)])
        for k in _PERSON_HOURS:
            if k in out:
                out[k] = np.vstack([out[k], np.zeros((n - n0, 24))])
    for hl in HALF_LIVES:  # activity decays in days: relative to the reference time
        key = f"act_{int(hl)}d"
        if key in out and tref_new != tref_old:
            out[key] = out[key] - (tref_new - tref_old) / (hl * DAY / math.log(2))
    if "asked_30d" in out and tref_new != tref_old:
        out["asked_30d"] = out["asked_30d"] - (tref_new - tref_old) / (30 * DAY / math.log(2))
    if not rows:
        return out, exp_buf
    P = np.array([r.person for r in rows], dtype=np.int64)
    K = np.array([r.kind for r in rows], dtype=np.int8)
    C = np.array([r.created for r in rows], dtype=np.float64)
    S = np.array([r.score for r in rows], dtype=np.float32)
    L = np.array([r.length for r in rows], dtype=np.float32)
    E = EXPW[K]
    # counts, as person_stats computes them
    for key, w in _count_weights(K, S, L).items():
        if np.any(w):
            out[key] = out[key] + np.bincount(P, weights=w, minlength=n)
    q = K == Q
    if "asked_30d" in out and q.any():
        tau = 30 * DAY / math.log(2)
        out["asked_30d"] = _log_add(out["asked_30d"], np.bincount(P[q], weights=np.exp((C[q] - tref_new) / tau),
                                                                minlength=n))
    ex = E > 0
    if not ex.any():  # questions and declines: counted above, never on the site clock
        return out, exp_buf
    PX, CX, WX = P[ex], C[ex], E[ex]
    k = len(PX)
    age = (k - 1 - np.arange(k)).astype(np.float64)
    # a new active day unless the item falls on the person's last active day (before these rows)
    days = np.floor(CX / DAY)
    fresh = days != np.floor(out["last"][PX] / DAY)
    if fresh.any():
        _, first = np.unique(PX[fresh].astype(np.float64) * 1e6 + days[fresh], return_index=True)
        out["active_days"] = out["active_days"] + np.bincount(PX[fresh][first], minlength=n)
    out["last"] = np.maximum(out["last"], _group_max(PX, CX, n, -np.inf))
    for h in ANSWER_HORIZONS:
        key = f"na_{int(h)}"
        out[key] = out[key] * math.exp(-k / h) + np.bincount(PX, weights=WX * np.exp(-age / h), minlength=n)
    had = np.isfinite(out["since_last"])
    out["since_last"] = np.minimum(out["since_last"] + k, -_group_max(PX, -age, n, -np.inf))
    out["first_age"] = np.where(had, out["first_age"] + k, _group_max(PX, age, n, 0.0))
    m = len(st["exp_times"])
    if m + k > len(exp_buf):
        exp_buf = _with_room(st["exp_times"], k)
    exp_buf[m: m + k] = CX
    out["exp_times"] = exp_buf[: m + k]
    hour = ((CX % DAY) // 3600).astype(np.int64)
    np.add.at(out["hours"], (PX, hour), 1.0)  # in place (see _LiveStats)
    out["hours_site"] = out["hours_site"] + np.bincount(hour, minlength=24)
    if "hours_na" in out:
        out["hours_na"] = out["hours_na"] * math.exp(-k / 100.0)
        np.add.at(out["hours_na"], (PX, hour), WX * np.exp(-age / 100.0))
    if "weekend" in out:
        wday = ((CX // DAY + 3) % 7 >= 5).astype(np.int64)
        out["weekend"] = out["weekend"] + np.bincount(PX, weights=wday.astype(float), minlength=n)
        out["n_items"] = out["n_items"] + np.bincount(PX, minlength=n)
    for hl in HALF_LIVES:
        key = f"act_{int(hl)}d"
        if key in out:
            tau = hl * DAY / math.log(2)
            out[key] = _log_add(out[key], np.bincount(PX, weights=WX * np.exp((CX - tref_new) / tau), minlength=n))
    return out, exp_buf


def _count_weights(K: np.ndarray, S: np.ndarray, L: np.ndarray) -> dict[str, np.ndarray]:
    """Per item, what it adds to each per-person count (as `person_stats` counts them)."""
    E = EXPW[K]
    return {"answers": (K == ANS) | (K == ACC), "accepted": K == ACC, "articles": (K == ART) | (K == POST),
            "questions": K == Q, "expertise": E >= 0.5, "plen": L * E, "votes": np.maximum(S, 0) * (E > 0)}


def _update_counts(st: dict, updates: list[Updated], n: int) -> None:
    """Documents replaced in place (same person, time, visibility and expertise weight: the site clock is
    unchanged): their old counts out, their new ones in. New arrays (queries may hold the old ones)."""
    P = np.array([u.new.person for u in updates], dtype=np.int64)
    for side, sign in (("old", -1.0), ("new", 1.0)):
        rows = [getattr(u, side) for u in updates]
        w = _count_weights(np.array([r.kind for r in rows], dtype=np.int8),
                           np.array([r.score for r in rows], dtype=np.float32),
                           np.array([r.length for r in rows], dtype=np.float32))
        for key, v in w.items():
            if np.any(v):
                st[key] = st[key] + sign * np.bincount(P, weights=v, minlength=n)


def _log_add(logs: np.ndarray, add: np.ndarray) -> np.ndarray:
    """log(exp(logs) + add) per person (add >= 0; -inf = nothing)."""
    pos = add > 0
    out = logs.copy()
    out[pos] = np.logaddexp(logs[pos], np.log(add[pos]))
    return out


class FeatureExtractor:
    def __init__(self, index: ExpertiseIndex):
        self.index = index

    # ---------------------------------------------------------------- per-person aggregates
    def person_stats(self, slices, tref: float) -> dict[str, np.ndarray]:
        n = len(self.index.people)
        st = {k: np.zeros(n) for k in ("answers", "accepted", "articles", "questions", "expertise", "plen",
                                         "votes")}
        last = np.full(n, -np.inf)
        qlast = np.full(n, -np.inf)
        parts = []
        for sl in slices:
            P = sl.select(sl.seg.person)
            K = sl.select(sl.seg.kind)
            C = sl.select(sl.seg.created)
            E = EXPW[K]
            parts.append((P, K, C, E))
            st["answers"] += np.bincount(P, weights=((K == ANS) | (K == ACC)), minlength=n)
            st["accepted"] += np.bincount(P, weights=(K == ACC), minlength=n)
            st["articles"] += np.bincount(P, weights=((K == ART) | (K == POST)), minlength=n)
            st["questions"] += np.bincount(P, weights=(K == Q), minlength=n)
            st["expertise"] += np.bincount(P, weights=(E >= 0.5), minlength=n)
            st["plen"] += np.bincount(P, weights=sl.select(sl.seg.length) * E, minlength=n)
            st["votes"] += np.bincount(P, weights=np.maximum(sl.select(sl.seg.score), 0) * (E > 0), minlength=n)
            ex = E > 0
            last = np.maximum(last, _group_max(P[ex], C[ex], n, -np.inf))
            qlast = np.maximum(qlast, _group_max(P[K == Q], C[K == Q], n, -np.inf))
        st["last"] = last
        # Activity measured on the site's own clock: the age of an item is the number of expertise items
        # written after it (and before the reference time), so a slow and a busy site look alike.
        PE = np.concatenate([P[E > 0] for P, _K, _C, E in parts]) if parts else np.zeros(0, np.int32)
        CE = np.concatenate([C[E > 0] for _P, _K, C, E in parts]) if parts else np.zeros(0)
        WE = np.concatenate([E[E > 0] for _P, _K, _C, E in parts]) if parts else np.zeros(0)
        # the base is time sorted; the pending rows after it (in one or several segments) are merged in
        runs = [int((E > 0).sum()) for _P, _K, _C, E in parts]
        order = _stable_time_order(CE, runs[:1] + [sum(runs[1:])] if len(runs) > 2 else runs)
        st["exp_times"] = CE[order]
        age = (len(order) - 1 - np.arange(len(order))).astype(np.float64)
        PE, WE = PE[order], WE[order]
        for h in ANSWER_HORIZONS:
            st[f"na_{int(h)}"] = np.bincount(PE, weights=WE * np.exp(-age / h), minlength=n)
        st["since_last"] = -_group_max(PE, -age, n, -np.inf)  # site items since the person's last one
        st["first_age"] = _group_max(PE, age, n, 0.0)
        days = np.floor(CE[order] / DAY)
        st["active_days"] = _distinct_days(PE, days, n)
        # when in the day (UTC) and week people write: availability for a question asked at a given hour
        hour = ((CE[order] % DAY) // 3600).astype(np.int64)
        st["hours"] = np.bincount(PE * 24 + hour, minlength=n * 24).reshape(n, 24).astype(np.float64)
        st["hours_site"] = st["hours"].sum(axis=0)
        # statistics only some features read are computed when the model reads them (FEATURES)
        if "hour_na" in FEATURES:
            st["hours_na"] = np.bincount(PE * 24 + hour, weights=WE * np.exp(-age / 100.0),
                                         minlength=n * 24).reshape(n, 24)
        if "wday_aff" in FEATURES:
            wday = ((CE[order] // DAY + 3) % 7 >= 5).astype(np.int64)  # 1 = Saturday or Sunday
            st["weekend"] = np.bincount(PE, weights=wday.astype(float), minlength=n)
            st["n_items"] = np.bincount(PE, minlength=n).astype(np.float64)
        if not any(f in FEATURES for f in ACT_FEATURES):
            return st
        for hl in HALF_LIVES:
            tau = hl * DAY / math.log(2)
            m = np.where(np.isfinite(last), (last - tref) / tau, 0.0)
            s = np.zeros(n)
            for P, _K, C, E in parts:
                ex = E > 0
                s += np.bincount(P[ex], weights=E[ex] * np.exp((C[ex] - tref) / tau - m[P[ex]]), minlength=n)
            st[f"act_{int(hl)}d"] = np.where(s > 0, m + np.log(np.maximum(s, 1e-300)), -np.inf)
        tau = 30 * DAY / math.log(2)
        m = np.where(np.isfinite(qlast), (qlast - tref) / tau, 0.0)
        s = np.zeros(n)
        for P, K, C, _E in parts:
            q = K == Q
            s += np.bincount(P[q], weights=np.exp((C[q] - tref) / tau - m[P[q]]), minlength=n)
        st["asked_30d"] = np.where(s > 0, m + np.log(np.maximum(s, 1e-300)), -np.inf)
        return st

    def stats_for(self, t: float | None, visible) -> tuple[list, dict[str, np.ndarray], float]:
        """(slices, per-person statistics, reference time) for evidence before `t` (None = all) visible
        under `visible`. "Now" for everyone is kept across index changes (`live_stats`)."""
        index = self.index
        latest = index.max_created
        now = t is None or t > latest
        if now and visible is None:
            slices, st, tref, _ = self.live_stats(None)
            return slices, st, tref
        slices = index.slices(None if now else t, visible)
        # the last "as of t" statistics are kept too: training asks for the same cut-off many times in a row
        at = ("stats-at", index.version, len(index.people), t) if not now and visible is None else None
        last = getattr(self, "_last_at", None)
        if at is not None and last is not None and last[0] == at:
            return slices, last[1], last[2]
        tref = latest if now else max((float(sl.select(sl.seg.created).max()) for sl in slices
                                       if sl.stop and (sl.mask is None or sl.mask.any())), default=t or 0.0)
        st = self.person_stats(slices, tref)
        if at is not None:
            self._last_at = (at, st, tref)
        return slices, st, tref

    def _live_clock(self, visible: frozenset | None) -> str:
        """The name of the reference time `_live_tref` gives the "now" statistics of `visible` (they are
        kept per visible set and clock)."""
        return "newest"

    def _live_tref(self, visible: frozenset | None, newest: float | None) -> float:
        """The reference time of the "now" statistics: the newest indexed item (as `stats_for`)."""
        return self.index.max_created

    def live_stats(self, visible: frozenset | None) -> tuple[list[Slice], dict, float, float | None]:
        """(slices, statistics, reference time, newest visible creation time or None) over every live row
        visible under `visible` (None = everything), at the current version of the index.

        Recomputing them reads every row (~0.5 s on a 2.2M-document index) and the index changes with
        every post, so they are kept on the index across changes: when every change since the kept
        version was logged (`ExpertiseIndex.changes_since`: appends, and replacements in place), they are
        brought up to date from the logged rows (`_extend_stats`, `_update_counts`: O(people)); after
        anything else (a removal, a change of author or time, an out-of-order time) they are recomputed."""
        index = self.index
        key = (self._live_clock(visible), visible)
        with index.lock:  # one version throughout; and one thread catches up, the others reuse it
            e = index.live_stats.get(key)
            if e is not None and e.version == index.version and len(e.st["answers"]) == len(index.people):
                return e.slices, e.st, e.tref, e.newest  # (the visibility masks cost ~10 ms: kept too)
            rows = index.changes_since(e.version) if e is not None else None
            # after appends only, the slices of unchanged segments (the base, frozen pending runs) still hold;
            # a replacement killed a row in place: the masks (and sizes) are made again
            killed = rows is not None and any(isinstance(r, Updated) for r in rows)
            slices = index.slices(None, visible, keep=e.slices if rows is not None and not killed else None)
            e = (self._caught_up(e, rows, visible) if rows is not None else None) or self._recomputed(slices, visible)
            if killed:
                e.sizes = {}
            e.slices = slices
            index.live_stats[key] = e
            # document counts and lengths per slice (read by `features`): kept per unchanged segment
            sizes = {}
            for sl in slices:
                got = e.sizes.get(id(sl.seg))
                if got is None or got[0] is not sl.seg:
                    got = (sl.seg, sl.stop if sl.mask is None else int(sl.mask.sum()),
                           float(sl.select(sl.seg.length).sum()))
                sizes[id(sl.seg)] = got
            e.sizes = sizes
            e.st.setdefault("_memo", {})["sizes"] = [sizes[id(sl.seg)][1:] for sl in slices]
            return slices, e.st, e.tref, e.newest

    def _recomputed(self, slices: list[Slice], visible: frozenset | None) -> _LiveStats:
        """The statistics computed over every row of `slices` (all the live rows visible)."""
        created = [sl.select(sl.seg.created) for sl in slices]
        newest = max((float(c.max()) for c in created if len(c)), default=None)
        tref = self._live_tref(visible, newest)
        st = self.person_stats(slices, tref)
        buf = _with_room(st["exp_times"])
        st["exp_times"] = buf[: len(st["exp_times"])]
        return _LiveStats(self.index.version, st, tref, newest, buf)

    def _caught_up(self, e: _LiveStats, changes: list[Appended | Updated],
                   visible: frozenset | None) -> _LiveStats | None:
        """`e` brought to the current version from the rows appended and the documents replaced in place
        since, or None (recompute)."""
        index = self.index
        if visible is not None:
            changes = [r for r in changes if index.vis_keys[(r.new if isinstance(r, Updated) else r).vis] in visible]
        updates = [r for r in changes if isinstance(r, Updated)]
        rows = [r for r in changes if not isinstance(r, Updated)]
        newest = e.newest  # appended rows come in time order: the last visible one is the newest
        if rows:
            newest = max(rows[-1].created, newest if newest is not None else -math.inf)
        tref = self._live_tref(visible, newest)
        got = _extend_stats(e.st, rows, len(index.people), e.tref, tref, e.exp_buf)
        if got is None:
            return None
        st, buf = got
        if updates:
            _update_counts(st, updates, len(index.people))
        memo = e.st.get("_memo", {})
        if not changes and tref == e.tref and len(st["answers"]) == len(e.st["answers"]):
            # nothing this view sees changed: what queries derived from the statistics still holds
            st["_memo"] = {k: v for k, v in memo.items() if k != "sizes"}
        return _LiveStats(index.version, st, tref, newest, buf, e.sizes)

    @staticmethod
    def _time_of_day(st, c: np.ndarray, qtime: float) -> dict[str, np.ndarray]:
        k = _hour_kernel(qtime)
        H = st["hours"][c]
        tot = H.sum(axis=1)
        site = st["hours_site"]
        site_share = (site @ k + 1.0) / (site.sum() + 24.0)
        share = (H @ k + 5.0 * site_share) / (tot + 5.0)
        out = {"hour_aff": np.log(share / site_share)}
        if "hours_na" in st:
            out["hour_na"] = np.log1p(st["hours_na"][c] @ k)
        if "weekend" in st:
            weekend = (qtime // DAY + 3) % 7 >= 5
            site_we = (st["weekend"].sum() + 1.0) / (st["n_items"].sum() + 2.0)
            we = (st["weekend"][c] + 5.0 * site_we) / (st["n_items"][c] + 5.0)
            out["wday_aff"] = np.log(we / site_we if weekend else (1 - we) / (1 - site_we))
        return out

    # ---------------------------------------------------------------- query features
    def features(self, qterms: list[int], qtags: list[int], asker: int, t: float | None,
                 visible=None, candidates: np.ndarray | None = None, explain: bool = False,
                 query_time: float | None = None, prune: tuple | None = None) -> QueryFeatures:
        """Features from evidence created before `t` (None = all) for a question asked at `query_time`
        (default `t`): when the evidence stops well before the question, the gap in between is known.
        `prune` = (model, k, excluded mask or None): only the candidates that can reach the model's top k
        (not excluded) are returned, with the same features and therefore the same scores."""
        index = self.index
        n = len(index.people)
        slices, st, tref = self.stats_for(t, visible)
        qtime = query_time if query_time is not None else (t if t is not None else tref)
        et = st["exp_times"]
        if len(et) > 1:  # the gap between the evidence and the question, in typical intervals between items
            k = min(len(et) - 1, 100)
            interval = max((et[-1] - et[-1 - k]) / k, 60.0)
            gap_items = max(0.0, qtime - float(et[-1])) / interval
        else:
            gap_items = 0.0
        # document frequencies as of t, then keep the most specific query terms
        df: dict[int, int] = {}
        cols: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        ndocs = 0
        total_len = 0.0
        memo = st.setdefault("_memo", {})
        sizes = memo.get("sizes")  # (documents, total length) per slice: fixed for these statistics
        if sizes is None or len(sizes) != len(slices):
            sizes = memo["sizes"] = [(sl.stop if sl.mask is None else int(sl.mask.sum()),
                                      float(sl.select(sl.seg.length).sum())) for sl in slices]
        for si, sl in enumerate(slices):
            seg = sl.seg
            ndocs += sizes[si][0]
            total_len += sizes[si][1]
            ip, ix, dt = seg.csc.indptr, seg.csc.indices, seg.csc.data
            for j in qterms:
                if j >= seg.csc.shape[1]:
                    continue
                r, f = ix[ip[j]:ip[j + 1]], dt[ip[j]:ip[j + 1]]
                if sl.stop < seg.n:
                    k = int(np.searchsorted(r, sl.stop))
                    r, f = r[:k], f[:k]
                if sl.mask is not None and len(r):
                    keep = sl.mask[r]
                    r, f = r[keep], f[keep]
                if len(r):
                    cols[(si, j)] = (r, f)
                    df[j] = df.get(j, 0) + len(r)
        avgdl = total_len / max(1, ndocs)
        idf = {j: math.log(1 + (ndocs - c + 0.5) / (c + 0.5)) for j, c in df.items()}
        tagset = set(qtags)
        # very common terms carry little weight and cost the most: skip them on big indexes
        common = max(MAX_DF_FRACTION * ndocs, MIN_DF_CAP)
        words = [j for j in idf if j not in tagset and df[j] <= common]
        if not words:  # every word is common ("kubernetes" in a big engineering org): keep the rarest few,
            # read over their most recent COMMON_WINDOW documents only (the lists are long)
            words = sorted((j for j in idf if j not in tagset), key=lambda j: (df[j], j))[:MIN_QUERY_TERMS]
            for key in [k for k in cols if k[1] in words]:
                r, f = cols[key]
                cols[key] = (r[-COMMON_WINDOW:], f[-COMMON_WINDOW:])
        kept = set(sorted(words, key=lambda j: -idf[j])[:MAX_QUERY_TERMS]) | (tagset & set(idf))
        # document model and profile model
        ptf: dict[int, np.ndarray] = {}
        hit_p, hit_s, hit_c, hit_seg, hit_row = [], [], [], [], []
        tag_count = np.zeros(n)
        tag_dec = np.zeros(n)
        tag_na = np.zeros(n)
        exp_times = st["exp_times"]
        tau_tag = 365 * DAY / math.log(2)
        declined = np.zeros(n)  # best BM25 match of the query to a question the person declined
        for si, sl in enumerate(slices):
            seg = sl.seg
            contrib_r, contrib_w = [], []
            decl_r, decl_w = [], []
            for j in kept:
                rf = cols.get((si, j))
                if rf is None:
                    continue
                r, f = rf
                E = EXPW[seg.kind[r]]
                sat = f * (K1 + 1) / (f + K1 * (1 - B + B * seg.length[r] / avgdl))
                contrib_r.append(r)
                contrib_w.append(idf[j] * sat * E)
                d = seg.kind[r] == DEC
                if d.any():
                    decl_r.append(r[d])
                    decl_w.append(idf[j] * sat[d])
                P = seg.person[r]
                ptf[j] = ptf.get(j, 0) + np.bincount(P, weights=f * E, minlength=n)
                if j in tagset:
                    w = E * (1.0 + (seg.kind[r] == ACC))
                    tag_count += np.bincount(P, weights=w, minlength=n)
                    tag_dec += np.bincount(P, weights=w * np.exp((seg.created[r] - tref) / tau_tag), minlength=n)
                    age = len(exp_times) - np.searchsorted(exp_times, seg.created[r], side="right")
                    tag_na += np.bincount(P, weights=w * np.exp(-age / TAG_NA), minlength=n)
            if decl_r:
                u, inv = _unique_inverse(np.concatenate(decl_r))
                declined = np.maximum(declined, _group_max(seg.person[u], np.bincount(inv, np.concatenate(decl_w)),
                                                           n, 0.0))
            if contrib_r:
                r = np.concatenate(contrib_r)
                w = np.concatenate(contrib_w)
                u, inv = _unique_inverse(r)
                s = np.bincount(inv, weights=w)
                nz = s > 0
                u, s = u[nz], s[nz]
                hit_p.append(seg.person[u])
                hit_s.append(s)
                hit_c.append(seg.created[u])
                hit_seg.append(np.full(len(u), si))
                hit_row.append(u)
        doc_sum = np.zeros(n)
        doc_max = np.zeros(n)
        doc_mnz = np.zeros(n)
        doc_recent = np.zeros(n)
        doc_na = np.zeros(n)
        doc_hits = []
        if hit_p:
            P = np.concatenate(hit_p)
            S = np.concatenate(hit_s)
            C = np.concatenate(hit_c)
            doc_max = _group_max(P, S, n, 0.0)
            top = np.argpartition(-S, TOP_DOCS)[:TOP_DOCS] if len(S) > TOP_DOCS else np.arange(len(S))
            doc_sum = np.bincount(P[top], weights=S[top], minlength=n)
            doc_mnz = np.bincount(P[top], minlength=n).astype(float)
            doc_recent = np.bincount(P[top], weights=S[top] * np.exp((C[top] - tref) / tau_tag), minlength=n)
            age = len(exp_times) - np.searchsorted(exp_times, C[top], side="right")
            doc_na = np.bincount(P[top], weights=S[top] * np.exp(-age / DOC_NA), minlength=n)
            if explain:
                segs, rows = np.concatenate(hit_seg), np.concatenate(hit_row)
                doc_hits = [(int(P[i]), int(segs[i]), int(rows[i]), float(S[i])) for i in top]
        # profile model (one document per person: their expertise text)
        profile = np.zeros(n)
        coverage = query_coverage(ptf, idf, kept, n)
        have = st["plen"] > 0
        nprof = int(have.sum())
        avg_plen = float(st["plen"][have].mean()) if nprof else 1.0
        norm = K1 * (1 - B + B * st["plen"] / avg_plen)
        for j in kept:
            v = ptf.get(j)
            if v is None:
                continue
            nzp = np.flatnonzero(v)
            pidf = math.log(1 + (nprof - len(nzp) + 0.5) / (len(nzp) + 0.5))
            profile[nzp] += pidf * v[nzp] * (K1 + 1) / (v[nzp] + norm[nzp])
        # social: this asker's questions answered by the candidate and vice versa (only when the model
        # uses it: it scans every visible row)
        helped = np.zeros(n)
        helper = np.zeros(n)
        if asker >= 0 and any(f in SOCIAL_FEATURES for f in FEATURES):
            for sl in slices:
                seg = sl.seg
                pa = sl.select(seg.parent_asker)
                P = sl.select(seg.person)
                E = EXPW[sl.select(seg.kind)]
                m = (pa == asker) & (E > 0)
                helped += np.bincount(P[m], minlength=n)
                m = (P == asker) & (pa >= 0) & (E > 0)
                helper += np.bincount(pa[m], minlength=n)
        if candidates is None:
            candidates = np.flatnonzero(st["expertise"] > 0)
            if asker >= 0:
                candidates = candidates[candidates != asker]
        c = candidates
        content = {"doc_sum": doc_sum, "doc_max": doc_max, "doc_mnz": doc_mnz, "doc_recent": doc_recent,
                   "profile": profile, "tag_count": tag_count, "tag_dec": tag_dec, "tag_na": tag_na,
                   "doc_na": doc_na, "helped": helped, "helper": helper, "declined": declined}
        if not len(c):
            return QueryFeatures(c, np.zeros((0, len(FEATURES))), doc_hits, list(kept), qtags, idf)
        ctx = _Columns(st, c, content, qtime, gap_items)
        if prune is not None:
            c = self._prune(ctx, prune, asker)
            ctx = _Columns(st, c, content, qtime, gap_items, ctx.top_act)
        X = np.column_stack([ctx.get(f) for f in FEATURES])
        return QueryFeatures(c, X, doc_hits, list(kept), qtags, idf, ctx.get("answers"), coverage[c])

    def _prune(self, ctx: _Columns, prune: tuple, asker: int) -> np.ndarray:
        """The candidates that can reach the top `k` under `model` (ties and rounding included), found
        cheaply: the query-independent part of the score is kept per statistics (visible set and time),
        and the query-dependent part is computed only for the people with matching evidence (for
        everyone else those features are all zero). The caller scores the few survivors exactly."""
        model, k, excluded = prune
        c, st = ctx.c, ctx.st
        dyn = np.zeros(len(ctx.content["doc_sum"]), dtype=bool)
        for name, v in ctx.content.items():
            if name in ("helped", "helper") and not any(f in SOCIAL_FEATURES for f in model.features):
                continue
            dyn |= v != 0
        static = [i for i, f in enumerate(model.features) if f not in CONTENT_FEATURES]
        names = tuple(model.features[i] for i in static)
        cacheable = not any(f.startswith(("act_", "asked_")) for f in names)  # relative to the candidates
        key = ("static-score", ctx.qtime, ctx.gap_items, names, model.weights.tobytes(), model.mean.tobytes(),
               model.std.tobytes())
        memo = st.setdefault("_memo", {}) if cacheable else {}
        S_all = memo.get(key)
        if S_all is None:
            everyone = np.flatnonzero(st["expertise"] > 0) if cacheable else c
            full = _Columns(st, everyone, ctx.content, ctx.qtime, ctx.gap_items, ctx.top_act)
            Xs = np.column_stack([full.get(f) for f in names]) if names else np.zeros((len(everyone), 0))
            S_all = np.full(len(st["expertise"]), np.nan)
            S_all[everyone] = ((Xs - model.mean[static]) / model.std[static]) @ model.weights[static]
            if cacheable:
                for old in [x for x in memo if isinstance(x, tuple) and x[0] == "static-score"]:
                    del memo[old]
                memo[key] = S_all
        # the query-dependent part, for the people who have it (for everyone else it is that of zeros)
        dynamic = [i for i, f in enumerate(model.features) if f in CONTENT_FEATURES]
        wd, md, sd = model.weights[dynamic], model.mean[dynamic], model.std[dynamic]
        approx = S_all[c] + float(((0.0 - md) / sd) @ wd)
        hit = np.flatnonzero(dyn[c])
        if len(hit) and dynamic:
            sub = _Columns(st, c[hit], ctx.content, ctx.qtime, ctx.gap_items, ctx.top_act)
            Xd = np.column_stack([sub.get(model.features[i]) for i in dynamic])
            approx[hit] = S_all[c[hit]] + ((Xd - md) / sd) @ wd
        if excluded is not None:
            approx = np.where(excluded[c], -np.inf, approx)
        if len(c) <= k:
            return c
        kth = -np.partition(-approx, k - 1)[k - 1]
        if not np.isfinite(kth):
            return c[np.isfinite(approx)] if np.isfinite(approx).any() else c[:k]
        # ties and rounding (the score is summed in another order here) kept: decided exactly later
        return c[approx >= kth - 1e-9 * (1.0 + abs(kth))]


SOCIAL_FEATURES = ("asker_helped", "asker_helper")
# features that depend on the query's terms, tags or asker (zero for people without matching evidence)
CONTENT_FEATURES = ("doc_sum", "doc_max", "doc_mnz", "doc_recent", "profile", "tag_count", "tag_decayed",
                    "tag_share", "tag_na", "doc_na", "declined", *SOCIAL_FEATURES)
ACT_FEATURES = ("act_3d", "act_30d", "act_180d", "act_720d", "asked_30d")


class _Columns:
    """Feature columns for candidates `c`, computed on demand (only what the model reads)."""

    def __init__(self, st, c: np.ndarray, content: dict, qtime: float, gap_items: float,
                 top_act: dict | None = None):
        self.st, self.c, self.content, self.qtime, self.gap_items = st, c, content, qtime, gap_items
        self.top_act = {} if top_act is None else top_act  # per activity feature: max over all candidates
        self._cols: dict[str, np.ndarray] = {}

    def get(self, name: str) -> np.ndarray:
        col = self._cols.get(name)
        if col is None:
            col = self._cols[name] = self._compute(name)
        return col

    def _compute(self, f: str) -> np.ndarray:
        st, c, ct = self.st, self.c, self.content
        if f in ("doc_sum", "doc_max", "doc_mnz", "doc_recent", "profile", "tag_count", "tag_na", "doc_na",
                 "declined"):
            return np.log1p(ct[f][c])
        if f == "tag_decayed":
            return np.log1p(ct["tag_dec"][c])
        if f == "tag_share":
            return ct["tag_count"][c] / (st["expertise"][c] + 1.0)
        if f == "accepted":
            return np.log1p(st["accepted"][c])
        if f == "accept_rate":
            return (st["accepted"][c] + 0.5) / (st["answers"][c] + 2.0)
        if f == "votes":
            return np.log1p(st["votes"][c])
        if f in ACT_FEATURES:
            a = st[f][c]
            if f not in self.top_act:
                self.top_act[f] = a.max() if len(a) and np.isfinite(a).any() else 0.0
            return np.maximum(np.where(np.isfinite(a), a - self.top_act[f], FLOOR), FLOOR)
        if f == "answers":
            return np.log1p(st["answers"][c])
        if f == "articles":
            return np.log1p(st["articles"][c])
        if f == "asker_helped":
            return np.log1p(ct["helped"][c])
        if f == "asker_helper":
            return np.log1p(ct["helper"][c])
        if f.startswith("na_"):
            return np.log1p(st[f][c])
        if f == "since_last":
            since = st["since_last"][c]
            return -np.log1p(np.where(np.isfinite(since), since, 1e6))
        if f.startswith("nag_"):
            h = float(f[4:])
            return np.log1p(math.exp(-self.gap_items / h) * st[f"na_{int(h)}"][c])
        if f == "first_age":
            return np.log1p(st["first_age"][c])
        if f == "active_days":
            return np.log1p(st["active_days"][c])
        if f in ("hour_aff", "hour_na", "wday_aff"):
            tod = FeatureExtractor._time_of_day(self.st, c, self.qtime)
            for k, v in tod.items():
                self._cols.setdefault(k, v)
            return tod[f]
        raise KeyError(f)


def query_coverage(ptf: dict[int, np.ndarray], idf: dict[int, float], kept, n: int) -> np.ndarray:
    """Per person, the share of the query that their expertise text covers: the idf-weighted fraction of
    the query's terms (words and tags, those anybody wrote) found in their answers, articles and posts.
    "react performance" is covered fully by someone who wrote about both, half by someone who wrote
    about performance reviews only. Rare words weigh more, as in BM25."""
    total = sum(idf[j] for j in kept)
    cov = np.zeros(n)
    if total <= 0:
        return cov
    for j in kept:
        v = ptf.get(j)
        if v is not None:
            cov += idf[j] * (v > 0)
    return cov / total


def _hour_kernel(qtime: float) -> np.ndarray:
    """Weights over the 24 UTC hours for answers to a question asked at `qtime`: peaked an hour after."""
    h = (qtime % DAY) / 3600.0 + 1.0
    d = (np.arange(24) + 0.5 - h) % 24
    d = np.minimum(d, 24 - d)
    return np.exp(-0.5 * (d / 2.5) ** 2)


def query_terms(index: ExpertiseIndex, q: Query) -> tuple[list[int], list[int]]:
    terms = index.term_ids(document_terms(q.title, q.body, q.tags))
    return terms, index.tag_ids(q.tags)


class ExpertRanker:
    """Ranks people for a query with a learned model over `FeatureExtractor` features."""

    def __init__(self, index: ExpertiseIndex, model: RankerModel | None = None):
        self.index = index
        self.extractor = FeatureExtractor(index)
        self.model = model or RankerModel.default()

    # ---------------------------------------------------------------- ranking
    def rank(self, q: Query, limit: int = 10, visible=None, explain: bool = True,
             exclude: set[str] | None = None) -> list[ExpertHit]:
        index = self.index
        t = to_epoch(q.created) if q.created else None
        qterms, qtags = query_terms(index, q)
        asker = index.person_id.get(q.asker, -1) if q.asker else -1
        excluded = None
        if exclude:
            excluded = np.zeros(len(index.people), dtype=bool)
            ids = [index.person_id[x] for x in exclude if x in index.person_id]
            excluded[ids] = True
        prune = (self.model, max(1, limit), excluded) if self.model.features == FEATURES else None
        qf = self.extractor.features(qterms, qtags, asker, t, visible, explain=explain, prune=prune)
        if not len(qf.people):
            return []
        scores = self.model.score(qf.X)
        if excluded is not None:
            scores = np.where(excluded[qf.people], -np.inf, scores)
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        # ties: answer volume, then id, so the ranking is total and stable
        order = sorted(top.tolist(), key=lambda i: (-scores[i], -qf.answers[i],
                                                     index.people[qf.people[i]]))
        order = [i for i in order if np.isfinite(scores[i])]
        _, st, _ = self.extractor.stats_for(t, visible)
        by_person: dict[int, list] = {}
        for h in qf.doc_hits:
            by_person.setdefault(h[0], []).append(h)
        return [self._hit(qf, i, float(scores[i]), st, explain, by_person) for i in order]

    def _hit(self, qf: QueryFeatures, i: int, score: float, st, explain: bool,
             by_person: dict[int, list] | None = None) -> ExpertHit:
        index = self.index
        p = int(qf.people[i])
        last = st["last"][p]
        topics: list[str] = []
        evidence: list[EvidenceRef] = []
        if explain:
            mine = by_person.get(p, ()) if by_person is not None else [h for h in qf.doc_hits if h[0] == p]
            mine = sorted(mine, key=lambda h: -h[3])[:5]
            segs = index.segments()
            seen: dict[int, float] = {}
            for _, si, row, s in mine:
                seg = segs[si]
                evidence.append(EvidenceRef(seg.ids[row], _kind_name(seg.kind[row]), seg.titles[row],
                                            from_epoch(float(seg.created[row])), round(s, 3)))
                terms, _tf = seg.row_terms(row)
                for j in set(terms.tolist()) & set(qf.qterms):
                    seen[j] = seen.get(j, 0.0) + qf.idf.get(j, 0.0)
            for j in qf.qtags:
                if j in seen or ("tag_count" in FEATURES and qf.X[i, FEATURES.index("tag_count")] > 0):
                    seen[j] = seen.get(j, 0.0) + 100.0  # tags first
            names = [index.terms_list[j] for j in sorted(seen, key=lambda j: -seen[j])]
            # a tag and the same word in the text are one topic; everyday words are no topic
            topics = list(dict.fromkeys(x[4:] if x.startswith("tag:") else x for x in names
                                        if x.startswith("tag:") or not everyday(x)))[:6]
        return ExpertHit(
            person=index.people[p], score=round(score, 4), matched_topics=tuple(topics),
            evidence=tuple(evidence), answers=int(st["answers"][p]), accepted=int(st["accepted"][p]),
            articles=int(st["articles"][p]), last_active=from_epoch(float(last)) if np.isfinite(last) else None,
            coverage=round(float(qf.coverage[i]), 4) if qf.coverage is not None else 0.0,
            features={f: round(float(v), 4) for f, v in zip(FEATURES, qf.X[i], strict=True)})

    # ---------------------------------------------------------------- learning
    def training_examples(self, max_questions: int = 1500, snapshots=(0.5, 0.6, 0.7, 0.8),
                          horizon: float = 0.2, live: float = 0.2, max_candidates: int = 300, seed: int = 0,
                          progress: Callable[[int, int], None] | None = None):
        """(X, positives mask) per historical question, features as of just before the question.
        `progress(done, total)` is called with 0 first, then with 1 per training question."""
        index = self.index
        index.compact()
        seg = index.base
        alive = seg.alive
        isq = (seg.kind == Q) & alive
        q_rows = np.flatnonzero(isq)
        if not len(q_rows):
            return []
        answerers: dict[int, set[int]] = {}
        ans_rows = np.flatnonzero(((seg.kind == ANS) | (seg.kind == ACC)) & alive & (seg.parent_q >= 0))
        for r in ans_rows:
            answerers.setdefault(int(seg.parent_q[r]), set()).add(int(seg.person[r]))
        # people who said "not my area" to a question: known negatives, always kept among its candidates
        decliners: dict[int, set[int]] = {}
        for r in np.flatnonzero((seg.kind == DEC) & alive & (seg.parent_q >= 0)):
            decliners.setdefault(int(seg.parent_q[r]), set()).add(int(seg.person[r]))
        rng = np.random.default_rng(seed)
        # Snapshots: like a frozen index queried later, features for a question come from the evidence
        # before a snapshot time that precedes it (gap 0 up to a horizon), as in the time-split protocol.
        pairs: list[tuple[int, float]] = []
        snapshot_cuts: set[float] = set()
        answered = [r for r in q_rows if int(seg.parent_q[r]) in answerers]
        if len(answered) < 10:
            return []
        nq = len(answered)
        span = max(1, int(nq * horizon))
        for qf_ in snapshots:
            lo = int(nq * qf_)
            if lo >= nq:
                continue
            cut = float(seg.created[answered[lo]])
            snapshot_cuts.add(cut)
            for r in answered[lo: lo + span]:
                pairs.append((int(r), cut))
        if live:  # and as a live index would see them: everything up to the question
            pairs += [(int(r), float(seg.created[r])) for r in answered[int(nq * live):]]
        if len(pairs) > max_questions:
            pick = rng.choice(len(pairs), size=max_questions, replace=False)
            pairs = [pairs[i] for i in sorted(pick)]
        # Every distinct cut-off costs one pass over the evidence (the per-person statistics). On a large
        # index the live questions share the cut-off of their time bucket (evidence up to the bucket's
        # start; the question's own time still sets the gap), keeping the build linear in its size.
        cuts = np.unique([c for _, c in pairs])
        budget = max(MIN_CUTS, int(CUT_BUDGET / max(1, seg.n)))
        if len(cuts) > budget:
            bounds = np.unique(np.concatenate([cuts[np.linspace(0, len(cuts) - 1, budget).astype(int)],
                                               [c for c in cuts if c in snapshot_cuts]]))
            pairs = [(r, float(bounds[np.searchsorted(bounds, c, side="right") - 1])) for r, c in pairs]
        pairs.sort(key=lambda x: (x[1], x[0]))
        out = []
        if progress is not None:
            progress(0, len(pairs))
        for r, cut in pairs:
            if progress is not None:
                progress(1, len(pairs))
            asker = int(seg.person[r])
            terms, _ = seg.row_terms(r)
            qterms = terms.tolist()
            qtags = [j for j in qterms if index.terms_list[j].startswith("tag:")]
            qf = self.extractor.features(qterms, qtags, asker, cut, query_time=float(seg.created[r]))
            pos = np.isin(qf.people, list(answerers[int(seg.parent_q[r])] - {asker}))
            if not pos.any() or pos.all():
                continue
            X = qf.X
            if len(X) > max_candidates:  # keep positives, the strongest by a default score, and a sample
                s = RankerModel.default().score(X)
                keep = set(np.flatnonzero(pos).tolist())
                keep |= set(np.argsort(-s)[: max_candidates // 2].tolist())
                keep |= set(np.flatnonzero(np.isin(qf.people, list(decliners.get(int(seg.parent_q[r]), ())))).tolist())
                keep |= set(rng.choice(len(X), size=max_candidates // 2, replace=False).tolist())
                idx = np.array(sorted(keep))
                X, pos = X[idx], pos[idx]
            out.append((X, pos))
        return out

    def fit(self, examples=None, l2: float | None = 0.1, min_questions: int = 30,
            progress: Callable[[int, int], None] | None = None) -> RankerModel:
        """l2=None picks the regularisation by a time split of the history (`choose_l2`)."""
        # conditional-logit weights, shrunk towards the defaults; the defaults alone when history is short
        examples = self.training_examples(progress=progress) if examples is None else examples
        if len(examples) < min_questions:
            self.model = RankerModel.default()
            self.model.trained_on = len(examples)
            return self.model
        if l2 is None:
            l2 = choose_l2(examples)
        self.model = fit_conditional_logit(examples, l2)
        return self.model


def fit_conditional_logit(examples, l2: float) -> RankerModel:
    allX = np.vstack([X for X, _ in examples])
    mean = allX.mean(axis=0)
    std = allX.std(axis=0)
    std[std < 1e-9] = 1.0
    Xs = [((X - mean) / std, pos) for X, pos in examples]
    w0 = RankerModel.default().weights
    nq = len(Xs)

    def loss(w):
        total = 0.0
        grad = np.zeros_like(w)
        for X, pos in Xs:
            s = X @ w
            mx = s.max()
            e = np.exp(s - mx)
            z = e.sum()
            zp = e[pos].sum()
            total -= math.log(zp / z)
            grad -= (e[pos] / zp) @ X[pos] - (e / z) @ X
        d = w - w0
        return total / nq + l2 * d @ d, grad / nq + 2 * l2 * d

    res = minimize(loss, w0.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return RankerModel(res.x, mean, std, nq, l2)


def choose_l2(examples, grid=(0.001, 0.01, 0.1, 1.0)) -> float:
    """Pick the regularisation by a time split of the training questions (earlier fit, later MRR)."""
    cut = int(len(examples) * 0.7)
    train, valid = examples[:cut], examples[cut:]
    if len(train) < 20 or len(valid) < 10:
        return 0.1
    best, best_mrr = 0.1, -1.0
    for l2 in grid:
        m = fit_conditional_logit(train, l2)
        rr = 0.0
        for X, pos in valid:
            s = m.score(X)
            rank = int((s > s[pos].max()).sum())
            rr += 1.0 / (rank + 1)
        if rr / len(valid) > best_mrr + 1e-9:
            best, best_mrr = l2, rr / len(valid)
    return best


def _kind_name(k: int) -> str:
    from expertise.types import KINDS
    return KINDS[int(k)]


def rank_people(index: ExpertiseIndex, model: RankerModel, q: Query, limit: int = 10,
                visible: Callable | set | None = None) -> list[ExpertHit]:
    return ExpertRanker(index, model).rank(q, limit, visible)


def parse_time(s: str) -> datetime:
    return datetime.fromisoformat(s)
