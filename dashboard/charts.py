"""Bar charts drawn on the server as inline SVG.

The dashboard must work without internet access and, later, under a strict
Content-Security-Policy: no chart library, no CDN, no script. An SVG with a
`viewBox` scales with its card, and each bar carries a `<title>` so hovering
shows the exact numbers. Every text goes through `markupsafe` escaping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
HEIGHT = 220
LEFT = 40  # room for the y-axis labels
BOTTOM = 26  # room for the x-axis labels
TOP = 10
RIGHT = 8
GRID_COLOUR = "#e9ecef"
TEXT_COLOUR = "#6c757d"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Bucket:
    label: str  # under the bar (may be empty to thin out the axis)
    title: str  # the tooltip's first line
    values: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.values.values())


def axis(maximum: int, ticks: int = 4) -> tuple[int, int]:
    """(top, step): whole-number steps of 1, 2 or 5 times a power of ten, at most `ticks`+1."""
    rough = max(maximum, 1) / ticks
    power = 10 ** max(math.floor(math.log10(rough)), 0)
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return max(step * math.ceil(maximum / step), step), step


def _y(value: float, top: int) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot - plot * value / top


def _grid(top: int, step: int, width: int) -> list[Markup]:
    parts = []
    for value in range(0, top + 1, step):
        y = _y(value, top)
        parts.append(
            Markup(
                '<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{:.1f}" text-anchor="end" font-size="11" fill="{}">{:,}</text>'
            ).format(LEFT, width - RIGHT, y, y, GRID_COLOUR, LEFT - 6, y + 4, TEXT_COLOUR, value)
        )
    return parts


def stacked_bars(
    buckets: Sequence[Bucket],
    series: Sequence[Series],
    *,
    label: str,
    unit: str,
    width: int = WIDTH,
) -> Markup:
    """One stacked bar per bucket; series drawn bottom-up in the given order.

    `width` is the drawing's own width: a chart meant for a narrow card gets a
    narrower drawing, so its text is not scaled down more than its neighbour's.
    """
    top, step = axis(max((b.total for b in buckets), default=0))
    slot = (width - LEFT - RIGHT) / max(len(buckets), 1)
    bar = max(slot * 0.72, 1.0)
    parts = _grid(top, step, width)
    for index, bucket in enumerate(buckets):
        x = LEFT + index * slot + (slot - bar) / 2
        lines = [bucket.title]
        lines += [f"{bucket.values[s.key]:,} {s.label}" for s in series if bucket.values.get(s.key)]
        if not bucket.total:
            lines.append(f"no {unit}")
        title = escape("\n".join(lines))
        running = 0
        rects = []
        for s in series:
            value = bucket.values.get(s.key, 0)
            if not value:
                continue
            y_top, y_bottom = _y(running + value, top), _y(running, top)
            rects.append(
                Markup(
                    '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>'
                ).format(x, y_top, bar, max(y_bottom - y_top, 0.5), s.colour)
            )
            running += value
        # A transparent full-height target so the tooltip works on empty and short bars.
        rects.append(
            Markup(
                '<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="transparent"/>'
            ).format(LEFT + index * slot, TOP, slot, HEIGHT - TOP - BOTTOM)
        )
        parts.append(
            Markup('<g class="ch-bar" data-total="{}"><title>{}</title>{}</g>').format(
                bucket.total, title, Markup("").join(rects)
            )
        )
        if bucket.label:
            parts.append(
                Markup(
                    '<text x="{:.1f}" y="{}" text-anchor="middle" font-size="11" '
                    'fill="{}">{}</text>'
                ).format(LEFT + index * slot + slot / 2, HEIGHT - 8, TEXT_COLOUR, bucket.label)
            )
    baseline = _y(0, top)
    parts.append(
        Markup('<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#adb5bd"/>').format(
            LEFT, width - RIGHT, baseline, baseline
        )
    )
    return Markup(
        '<svg class="ch-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{}</svg>'
    ).format(width, HEIGHT, label, Markup("").join(parts))


def legend(series: Sequence[Series], totals: Mapping[str, int] | None = None) -> Markup:
    """The colour key under a chart (HTML, so it wraps on narrow screens)."""
    items = []
    for s in series:
        count = (
            ""
            if totals is None
            else Markup(' <span class="text-muted">{:,}</span>').format(totals.get(s.key, 0))
        )
        items.append(
            Markup(
                '<span class="ch-legend-item"><svg class="ch-swatch" viewBox="0 0 10 10" '
                'aria-hidden="true"><rect width="10" height="10" rx="2" fill="{}"/></svg>'
                "{}{}</span>"
            ).format(s.colour, s.label, count)
        )
    return Markup('<div class="ch-legend">{}</div>').format(Markup("").join(items))
