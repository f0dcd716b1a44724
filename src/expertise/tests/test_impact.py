"""The pure part of a person's impact: calendar periods, series, breadth (entropy and the effective
number of topics), this month vs last month, and influence percentiles."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from expertise.graph import percentile_of
from expertise.impact import (
    MONTH,
    WEEK,
    Periods,
    add_months,
    breadth,
    breadth_growth,
    compare_last_two,
    count_series,
    distinct_series,
    effective_topics,
    entropy,
    median,
    median_series,
    month_start,
    percentiles,
    week_start,
)


def d(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_week_and_month_starts():
    # 2026-12-07 is a Monday
    assert week_start(d(2026, 12, 7, 0, 0)) == d(2026, 12, 7)
    assert week_start(d(2026, 12, 13, 23, 59)) == d(2026, 12, 7)
    assert week_start(d(2026, 12, 14)) == d(2026, 12, 14)
    assert month_start(d(2026, 12, 31, 23)) == d(2026, 12, 1)
    assert add_months(d(2026, 12, 15), 1) == d(2027, 1, 1)
    assert add_months(d(2026, 1, 15), -1) == d(2025, 12, 1)
    assert add_months(d(2026, 3, 31), -13) == d(2025, 2, 1)


def test_periods_months_and_weeks():
    now = d(2026, 12, 7, 12)
    months = Periods.last(MONTH, now, 3)
    assert months.starts == (d(2026, 10, 1), d(2026, 11, 1), d(2026, 12, 1))
    assert months.end == d(2027, 1, 1)
    assert months.labels() == ["Oct 2026", "Nov", "Dec"]
    assert Periods.last(MONTH, now, 13).labels()[:3] == ["Dec 2025", "Jan 2026", "Feb"]
    assert months.index(d(2026, 9, 30, 23, 59)) is None
    assert months.index(d(2026, 10, 1)) == 0
    assert months.index(d(2026, 11, 30, 23, 59)) == 1
    assert months.index(d(2026, 12, 31, 23)) == 2
    assert months.index(d(2027, 1, 1)) is None
    assert months.ends() == [d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1)]

    weeks = Periods.last(WEEK, now, 2)
    assert weeks.starts == (d(2026, 11, 30), d(2026, 12, 7))
    assert weeks.labels() == ["30 Nov", "7 Dec"]
    assert weeks.end == d(2026, 12, 14)
    with pytest.raises(ValueError):
        Periods.last("day", now, 2)
    with pytest.raises(ValueError):
        Periods.last(MONTH, now, 0)


def test_series():
    p = Periods.last(MONTH, d(2026, 12, 7), 3)
    times = [d(2026, 9, 1), d(2026, 10, 2), d(2026, 10, 30), d(2026, 12, 1), d(2027, 1, 2)]
    assert count_series(times, p) == [2, 0, 1]
    pairs = [(d(2026, 10, 2), "ana"), (d(2026, 10, 3), "ana"), (d(2026, 10, 4), "bob"),
             (d(2026, 11, 4), "ana"), (d(2026, 12, 4), None)]
    assert distinct_series(pairs, p) == [2, 1, 0]
    assert median([]) is None
    assert median([3]) == 3
    assert median([4, 1, 3]) == 3
    assert median([4, 1, 3, 10]) == 3.5
    assert median_series([(d(2026, 10, 2), 60), (d(2026, 10, 9), 180), (d(2026, 12, 1), 30)], p) == [120, None, 30]


def test_entropy_and_effective_number_of_topics():
    assert entropy({}) == 0.0
    assert effective_topics({}) == 0.0
    assert entropy({"a": 5}) == 0.0
    assert effective_topics({"a": 5}) == 1.0
    # two topics used equally: H = ln 2, two effective topics
    assert entropy({"a": 3, "b": 3}) == pytest.approx(math.log(2))
    assert effective_topics({"a": 3, "b": 3}) == pytest.approx(2.0)
    # counts 2, 1, 1: p = 1/2, 1/4, 1/4; H = 1/2 ln 2 + 2 * 1/4 ln 4 = 1.5 ln 2
    assert entropy([2, 1, 1]) == pytest.approx(1.5 * math.log(2))
    assert effective_topics([2, 1, 1]) == pytest.approx(2 ** 1.5)
    assert entropy({"a": 2, "b": 0}) == 0.0  # zero counts are no topic
    b = breadth({"a": 2, "b": 1, "c": 1, "d": 0})
    assert (b.topics, b.entropy, b.effective) == (3, pytest.approx(1.5 * math.log(2)), pytest.approx(2 ** 1.5))


def test_breadth_grows_month_by_month():
    items = [
        (d(2026, 10, 5), ["python"]),
        (d(2026, 10, 9), ["python", "sql"]),
        (d(2026, 11, 20), ["sql"]),
        (d(2026, 12, 2), ["kafka"]),
    ]
    ends = [d(2026, 10, 1), d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1)]
    growth = breadth_growth(items, ends)
    assert [g.topics for g in growth] == [0, 2, 2, 3]
    assert growth[0].effective == 0.0
    # end of October: python 2, sql 1 -> p = 2/3, 1/3
    h_oct = -(2 / 3) * math.log(2 / 3) - (1 / 3) * math.log(1 / 3)
    assert growth[1].entropy == pytest.approx(h_oct)
    # end of November: python 2, sql 2 -> ln 2
    assert growth[2].effective == pytest.approx(2.0)
    # end of December: 2, 2, 1 of 5
    h_dec = -2 * (2 / 5) * math.log(2 / 5) - (1 / 5) * math.log(1 / 5)
    assert growth[3].entropy == pytest.approx(h_dec)
    assert growth[3].effective == pytest.approx(math.exp(h_dec))


def test_this_month_vs_last_month():
    c = compare_last_two([1, 4, 6])
    assert (c.this, c.last, c.change, c.change_percent, c.direction) == (6, 4, 2, 50.0, "up")
    c = compare_last_two([3, 0])
    assert (c.change, c.change_percent, c.direction) == (-3, -100.0, "down")
    c = compare_last_two([0, 5])
    assert (c.change, c.change_percent, c.direction) == (5, None, "up")
    assert compare_last_two([2, 2]).direction == "same"
    assert compare_last_two([None, 70.0]).direction == "none"
    assert compare_last_two([]).this is None


def test_percentiles_follow_the_rule_of_percentile_of():
    rng = np.random.default_rng(7)
    for _ in range(20):
        values = rng.choice([0.1, 0.2, 0.3, 0.5], size=int(rng.integers(1, 9)))
        scores = {i: float(v) for i, v in enumerate(values)}
        got = percentiles(values)
        for i in scores:
            assert got[i] == pytest.approx(percentile_of(scores, i))
    assert percentiles(np.array([])).shape == (0,)
    assert list(percentiles(np.array([0.4]))) == [100.0]
    assert list(percentiles(np.array([0.1, 0.2, 0.2, 0.9]))) == pytest.approx([0.0, 50.0, 50.0, 100.0])


def test_periods_cover_a_year_boundary_in_weeks():
    p = Periods.last(WEEK, d(2027, 1, 2), 3)  # a Saturday
    assert p.starts == (d(2026, 12, 14), d(2026, 12, 21), d(2026, 12, 28))
    assert p.index(d(2027, 1, 3, 23, 59)) == 2
    assert p.index(d(2026, 12, 28) - timedelta(seconds=1)) == 1
