"""Server-rendered SVG charts (no JavaScript): geometry computed here, drawn by templates.

Values are percentages (0–100) or counts; None is drawn as a gap. Every chart also has its
figures in a table next to it, which is what screen readers and exports use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from onestop.core.formatting import decimal_text, percent_text

WIDTH = 640
HEIGHT = 220
LEFT = 56  # room for the y-axis labels ("100 %") at the chart's font size
BOTTOM = 28
TOP = 12


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    value: str
    raw: str = "0"  # the value with a decimal point, for <meter value=…>


@dataclass
class BarChart:
    """Drawn by scorecard/_bars.html as one labelled row per item (an HTML <meter>), so long
    unit names wrap instead of overlapping and the chart reads on a 360 px phone."""

    title: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    top: str = "100"
    percent: bool = True


def _ticks(top: float, percent: bool) -> list[tuple[float, str]]:
    out = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * i / 4
        out.append((y, f"{value:.0f}{' %' if percent else ''}"))
    return out


def bar_chart(title: str, items: list[tuple[str, Decimal | None]], *, percent: bool = True
              ) -> BarChart:
    top = 100.0 if percent else float(max([v or 0 for _l, v in items] + [1]))
    n = max(1, len(items))
    slot = (WIDTH - LEFT) / n
    span = HEIGHT - BOTTOM - TOP
    bars = []
    for i, (label, value) in enumerate(items):
        v = float(value or 0)
        h = span * min(v, top) / top
        shown = "–" if value is None else (percent_text(value) if percent
                                            else decimal_text(value))
        bars.append(Bar(x=LEFT + i * slot + slot * 0.15, y=HEIGHT - BOTTOM - h, w=slot * 0.7,
                        h=h, label=label, value=shown, raw=f"{min(v, top):.2f}"))
    return BarChart(title=title, bars=bars, ticks=_ticks(top, percent), top=f"{top:.2f}",
                    percent=percent)


@dataclass
class Series:
    name: str
    css: str
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class LineChart:
    title: str
    series: list[Series]
    labels: list[tuple[float, str]]
    ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT


def line_chart(title: str, labels: list[str],
               series: list[tuple[str, str, list[Decimal | None]]]) -> LineChart:
    n = max(1, len(labels) - 1)
    span_x = WIDTH - LEFT - 20
    span_y = HEIGHT - BOTTOM - TOP

    def x(i: int) -> float:
        return LEFT + 10 + span_x * i / n if len(labels) > 1 else LEFT + span_x / 2

    out = []
    for name, css, values in series:
        pts = []
        dots = []
        for i, value in enumerate(values):
            if value is None:
                continue
            y = HEIGHT - BOTTOM - span_y * min(float(value), 100.0) / 100.0
            pts.append(f"{x(i):.1f},{y:.1f}")
            dots.append((round(x(i), 1), round(y, 1), f"{labels[i]}: {percent_text(value)}"))
        out.append(Series(name=name, css=css, points=" ".join(pts), dots=dots))
    return LineChart(title=title, series=out,
                     labels=[(round(x(i), 1), label) for i, label in enumerate(labels)],
                     ticks=_ticks(100.0, True))
