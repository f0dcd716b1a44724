"""Charts drawn on the server as SVG: no JavaScript, no inline styles (the CSP allows neither),
readable without colour (every chart has a title, axis labels and a <title> tooltip per mark).

Colours come from CSS classes (`chart-s0` ... `chart-s5`, `chart-heat-0` ... `chart-heat-5`) in
web/app.css. Each function returns a SafeString to put in a template; every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if v == int(v):
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def nice_max(v: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `v` (1 for nothing)."""
    if v <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        if v <= m * power:
            return float(m * power)
    return float(10 * power)


def _svg(width: int, height: int, title: str, body: list[str], cls: str, *, natural: bool = False) -> SafeString:
    """natural: also write width and height attributes (the chart's size in CSS pixels), for a
    stylesheet that shows it at that size (`width: auto`) instead of stretching it."""
    t = escape(title)
    size = f' width="{width}" height="{height}"' if natural else ""
    return mark_safe(
        f'<svg class="chart {cls}"{size} viewBox="0 0 {width} {height}" role="img" aria-label="{t}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>'
        + "".join(body)
        + "</svg>"
    )


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out, cx = [], x
    for i, s in enumerate(series):
        out.append(f'<rect class="chart-s{i % 6}" x="{cx:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2"/>')
        out.append(f'<text class="chart-legend" x="{cx + 14:.1f}" y="{y:.1f}">{escape(s.name)}</text>')
        cx += 24 + 7.5 * len(s.name)
    return out


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], *, width: int = 640,
               height: int = 220, y_label: str = "") -> SafeString:
    """One line per series over the same x labels (weeks, months); points carry tooltips."""
    left, right, top, bottom = 44, 12, 26 if len(series) > 1 else 12, 34
    w, h = width - left - right, height - top - bottom
    peak = nice_max(max((v for s in series for v in s.values), default=0))
    n = len(x_labels)
    body: list[str] = []
    for k in range(5):  # grid and y ticks
        yv = peak * k / 4
        y = top + h - h * k / 4
        body.append(f'<line class="chart-grid" x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(yv)}</text>')
    step = w / max(n - 1, 1)
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            x = left + step * i if n > 1 else left + w / 2
            body.append(
                f'<text class="chart-tick" x="{x:.1f}" y="{top + h + 18}" text-anchor="middle">{escape(label)}</text>'
            )
    for si, s in enumerate(series):
        pts = []
        for i, v in enumerate(s.values):
            x = left + step * i if n > 1 else left + w / 2
            y = top + h - h * (v / peak)
            pts.append((x, y, v, x_labels[i] if i < n else ""))
        if len(pts) > 1:
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
            body.append(f'<polyline class="chart-line chart-s{si % 6}" points="{d}"/>')
        for x, y, v, label in pts:
            body.append(
                f'<circle class="chart-dot chart-s{si % 6}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{escape(s.name)}, {escape(label)}: {_fmt(v)}</title></circle>"
            )
    if y_label:
        body.append(f'<text class="chart-axis" x="4" y="{top - 2 if top > 14 else 10}">{escape(y_label)}</text>')
    if len(series) > 1:
        body.extend(_legend(series, left, 14))
    return _svg(width, height, title, body, "chart-line-chart")


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *, width: int = 640,
              bar_height: int = 22, unit: str = "") -> SafeString:
    """Horizontal bars, one per label, longest scale first as given; the value is written at the end."""
    label_w = min(220, 12 + 7 * max((len(x) for x in labels), default=4))
    left, right = label_w, 56
    height = bar_height * len(labels) + 8
    w = width - left - right
    peak = max(values, default=0) or 1
    body: list[str] = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * bar_height
        bw = max(w * v / peak, 1.5 if v > 0 else 0)
        text = f"{_fmt(v)}{unit}"
        body.append(
            f'<text class="chart-label" x="{left - 8}" y="{y + bar_height * 0.68:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        body.append(
            f'<rect class="chart-bar chart-s0" x="{left}" y="{y + 3}" width="{bw:.1f}" height="{bar_height - 6}" '
            f'rx="3"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        body.append(f'<text class="chart-value" x="{left + bw + 6:.1f}" y="{y + bar_height * 0.68:.1f}">'
                    f"{escape(text)}</text>")
    return _svg(width, max(height, 20), title, body, "chart-bar-chart")


def column_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], *, width: int = 640,
                 height: int = 220, stacked: bool = True) -> SafeString:
    """Vertical columns per x label; several series are stacked (e.g. readers / contributors / creators)."""
    left, right, top, bottom = 44, 12, 26 if len(series) > 1 else 12, 34
    w, h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)
    totals = [sum(s.values[i] for s in series) if stacked else max(s.values[i] for s in series)
              for i in range(len(x_labels))]
    peak = nice_max(max(totals, default=0))
    body: list[str] = []
    for k in range(5):
        yv = peak * k / 4
        y = top + h - h * k / 4
        body.append(f'<line class="chart-grid" x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(yv)}</text>')
    slot = w / n
    bw = max(slot * 0.7, 1.0)
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(x_labels):
        x = left + slot * i + (slot - bw) / 2
        base = top + h
        for si, s in enumerate(series):
            v = s.values[i]
            bh = h * v / peak
            body.append(
                f'<rect class="chart-bar chart-s{si % 6}" x="{x:.1f}" y="{base - bh:.1f}" width="{bw:.1f}" '
                f'height="{bh:.1f}"><title>{escape(s.name)}, {escape(label)}: {_fmt(v)}</title></rect>'
            )
            base -= bh
        if i % every == 0 or i == n - 1:
            body.append(f'<text class="chart-tick" x="{x + bw / 2:.1f}" y="{top + h + 18}" text-anchor="middle">'
                        f"{escape(label)}</text>")
    if len(series) > 1:
        body.extend(_legend(series, left, 14))
    return _svg(width, height, title, body, "chart-column-chart")


def heatmap(title: str, row_labels: Sequence[str], col_labels: Sequence[str],
            matrix: Sequence[Sequence[float]], *, cell: int = 34, fmt=_fmt) -> SafeString:
    """A matrix of cells shaded in six steps of the largest value, each with its number written in."""
    label_w = min(200, 12 + 7 * max((len(x) for x in row_labels), default=4))
    top = min(150, 12 + 6 * max((len(x) for x in col_labels), default=4))
    # the last column labels, written at -45 degrees, reach past the last column to the right
    overhang = min(150, 12 + 6 * len(col_labels[-1])) * 0.72 - cell / 2 if col_labels else 0
    width = label_w + cell * len(col_labels) + 8 + max(0, math.ceil(overhang))
    height = top + cell * len(row_labels) + 8
    peak = max((v for row in matrix for v in row), default=0) or 1
    body: list[str] = []
    for j, c in enumerate(col_labels):
        x = label_w + cell * j + cell / 2
        body.append(f'<text class="chart-tick" transform="translate({x:.1f},{top - 6}) rotate(-45)">'
                    f"{escape(c)}</text>")
    for i, r in enumerate(row_labels):
        y = top + cell * i
        body.append(f'<text class="chart-label" x="{label_w - 8}" y="{y + cell * 0.62:.1f}" text-anchor="end">'
                    f"{escape(r)}</text>")
        for j, c in enumerate(col_labels):
            v = matrix[i][j]
            step = 0 if v <= 0 else 1 + min(4, int(5 * v / peak - 1e-9))
            x = label_w + cell * j
            body.append(
                f'<rect class="chart-heat-{step}" x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3">'
                f"<title>{escape(r)} → {escape(c)}: {escape(fmt(v))}</title></rect>"
            )
            body.append(f'<text class="chart-cell{" chart-cell-strong" if step >= 4 else ""}" '
                        f'x="{x + (cell - 2) / 2:.1f}" y="{y + cell * 0.6:.1f}" text-anchor="middle">'
                        f"{escape(fmt(v))}</text>")
    return _svg(width, height, title, body, "chart-heatmap", natural=True)
