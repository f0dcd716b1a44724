"""A person's impact, the pure part: calendar periods (weeks, months) and series over them, the
breadth of a person's knowledge (Shannon entropy of their topic distribution and the effective
number of topics), "this month vs last month", and percentiles of influence scores.

Plain Python + NumPy; never imports Django. Times are timezone-aware datetimes; periods are
calendar weeks (starting Monday 00:00 UTC) and calendar months (the 1st, 00:00 UTC).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

WEEK, MONTH = "week", "month"
UNITS = (WEEK, MONTH)


def week_start(t: datetime) -> datetime:
    """Monday 00:00 UTC of the week holding `t`."""
    d = t.astimezone(UTC)
    return datetime(d.year, d.month, d.day, tzinfo=UTC) - timedelta(days=d.weekday())


def month_start(t: datetime) -> datetime:
    d = t.astimezone(UTC)
    return datetime(d.year, d.month, 1, tzinfo=UTC)


def add_months(t: datetime, n: int) -> datetime:
    """The first of the month `n` months after the month of `t` (n may be negative)."""
    k = t.year * 12 + (t.month - 1) + n
    return datetime(k // 12, k % 12 + 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periods:
    """`count` consecutive calendar periods, oldest first, the last one holding `now`. Period i is
    [starts[i], starts[i + 1]), the last one ends at `end` (the start of the next period)."""

    unit: str
    starts: tuple[datetime, ...]
    end: datetime

    @classmethod
    def last(cls, unit: str, now: datetime, count: int) -> Periods:
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}")
        if count < 1:
            raise ValueError("count must be at least 1")
        if unit == WEEK:
            first = week_start(now) - timedelta(weeks=count - 1)
            starts = tuple(first + timedelta(weeks=i) for i in range(count))
            end = starts[-1] + timedelta(weeks=1)
        else:
            first = add_months(now, -(count - 1))
            starts = tuple(add_months(first, i) for i in range(count))
            end = add_months(starts[-1], 1)
        return cls(unit, starts, end)

    def __len__(self) -> int:
        return len(self.starts)

    def ends(self) -> list[datetime]:
        """The exclusive end of each period."""
        return [*self.starts[1:], self.end]

    def index(self, t: datetime) -> int | None:
        """Which period holds `t` (None: before the first or at/after the end)."""
        if t < self.starts[0] or t >= self.end:
            return None
        return bisect_right(self.starts, t) - 1

    def labels(self) -> list[str]:
        if self.unit == WEEK:
            return [f"{s.day} {s:%b}" for s in self.starts]
        # short month names; the year on the first month and on every January
        return [f"{s:%b %Y}" if i == 0 or s.month == 1 else f"{s:%b}" for i, s in enumerate(self.starts)]


def count_series(times: Iterable[datetime], periods: Periods) -> list[int]:
    """How many of `times` fall in each period."""
    out = [0] * len(periods)
    for t in times:
        i = periods.index(t)
        if i is not None:
            out[i] += 1
    return out


def distinct_series(pairs: Iterable[tuple[datetime, Hashable]], periods: Periods) -> list[int]:
    """How many distinct keys occur in each period (a key counts once per period, in every period it
    occurs in). None keys are ignored."""
    seen: list[set] = [set() for _ in range(len(periods))]
    for t, key in pairs:
        if key is None:
            continue
        i = periods.index(t)
        if i is not None:
            seen[i].add(key)
    return [len(s) for s in seen]


def median(values: Iterable[float]) -> float | None:
    v = sorted(values)
    if not v:
        return None
    mid = len(v) // 2
    return float(v[mid]) if len(v) % 2 else (v[mid - 1] + v[mid]) / 2.0


def median_series(pairs: Iterable[tuple[datetime, float]], periods: Periods) -> list[float | None]:
    """The median of the values in each period (None where there are none)."""
    buckets: list[list[float]] = [[] for _ in range(len(periods))]
    for t, value in pairs:
        i = periods.index(t)
        if i is not None and value is not None:
            buckets[i].append(value)
    return [median(b) for b in buckets]


# --- knowledge breadth ------------------------------------------------------------------------------


def entropy(counts: Mapping[Hashable, float] | Iterable[float]) -> float:
    """Shannon entropy (natural log, in nats) of a distribution given by counts; 0 for nothing."""
    values = list(counts.values()) if isinstance(counts, Mapping) else list(counts)
    total = float(sum(v for v in values if v > 0))
    if total <= 0:
        return 0.0
    h = 0.0
    for v in values:
        if v > 0:
            p = v / total
            h -= p * math.log(p)
    return h + 0.0  # never -0.0


def effective_topics(counts: Mapping[Hashable, float] | Iterable[float]) -> float:
    """The effective number of topics, exp(entropy): n for n equally used topics, 1 for a single
    topic, 0 for none."""
    values = list(counts.values()) if isinstance(counts, Mapping) else list(counts)
    if not any(v > 0 for v in values):
        return 0.0
    return math.exp(entropy(values))


@dataclass(frozen=True)
class Breadth:
    topics: int  # distinct topics with evidence
    entropy: float  # nats
    effective: float  # exp(entropy)


def breadth(counts: Mapping[Hashable, float]) -> Breadth:
    return Breadth(sum(1 for v in counts.values() if v > 0), entropy(counts), effective_topics(counts))


def breadth_growth(items: Iterable[tuple[datetime, Iterable[Hashable]]], ends: Iterable[datetime]) -> list[Breadth]:
    """The breadth of everything before each end (exclusive): how breadth grows over time. Each item
    is (time, its topics); one item adds 1 to each of its topics."""
    ordered = sorted(((t, tuple(topics)) for t, topics in items), key=lambda x: x[0])
    out: list[Breadth] = []
    counts: Counter = Counter()
    i = 0
    for end in sorted(ends):
        while i < len(ordered) and ordered[i][0] < end:
            counts.update(ordered[i][1])
            i += 1
        out.append(breadth(counts))
    return out


# --- this month vs last month -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    this: float | None
    last: float | None

    @property
    def change(self) -> float | None:
        if self.this is None or self.last is None:
            return None
        return self.this - self.last

    @property
    def change_percent(self) -> float | None:
        """The change relative to last month, in percent (None when last month was 0 or unknown)."""
        if self.change is None or not self.last:
            return None
        return 100.0 * self.change / abs(self.last)

    @property
    def direction(self) -> str:
        c = self.change
        if c is None:
            return "none"
        return "up" if c > 0 else "down" if c < 0 else "same"


def compare_last_two(series: list) -> Comparison:
    """This period (the last one) vs the one before it."""
    if not series:
        return Comparison(None, None)
    return Comparison(series[-1], series[-2] if len(series) > 1 else None)


# --- influence percentiles ---------------------------------------------------------------------------


def percentiles(values: np.ndarray) -> np.ndarray:
    """For each value, the share (0-100) of the other values below it, ties counting as half (the
    same rule as expertise.graph.percentile_of, for all people at once)."""
    v = np.asarray(values, dtype=np.float64)
    n = v.shape[0]
    if n == 0:
        return np.zeros(0)
    if n == 1:
        return np.full(1, 100.0)
    s = np.sort(v)
    below = np.searchsorted(s, v, side="left").astype(np.float64)
    ties = np.searchsorted(s, v, side="right") - below - 1.0
    return 100.0 * (below + ties / 2.0) / (n - 1)
