"""Charts drawn on the server as inline SVG: they work without JavaScript and
in the version for the visually impaired. Only presentation attributes (fill,
stroke…), never style attributes — the CSP forbids inline styles. Every chart
is shown next to a table with the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

LIGHT_FILL = {"green": "#1b7a3a", "amber": "#b36b00", "red": "#b3261e", "none": "#6b7280"}
FACT_FILL = "#1f4e99"
TARGET_STROKE = "#b3261e"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    light: str = "none"
    target: Decimal | None = None


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}" if value != value.to_integral_value() else f"{value:.0f}"
    return text.replace(".", ",")


def bar_chart(
    chart_id: str, title: str, bars: list[Bar], *, unit: str = "", reference: Decimal | None = None
) -> SafeString:
    """Horizontal bars, one per label; a vertical line marks ``reference``
    (e.g. 100 % of target) and a tick per bar marks its own target."""
    row_h, label_w, chart_w, pad = 26, 260, 420, 10
    height = pad * 2 + row_h * max(1, len(bars))
    values = [b.value for b in bars if b.value is not None] + [b.target for b in bars if b.target is not None]
    if reference is not None:
        values.append(reference)
    top = max([Decimal(1)] + [Decimal(v) for v in values]) * Decimal("1.1")

    def x(v: Decimal) -> int:
        return label_w + int(Decimal(v) / top * chart_w)

    parts = []
    for n, bar in enumerate(bars):
        y = pad + n * row_h
        label = bar.label if len(bar.label) <= 38 else bar.label[:37] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="#222">{}</text>',
                label_w - 6,
                y + 17,
                label,
            )
        )
        if bar.value is not None:
            fill = LIGHT_FILL.get(bar.light, FACT_FILL) if reference is not None else FACT_FILL
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="12" fill="#222">{}{}</text>',
                    label_w,
                    y + 4,
                    max(1, x(bar.value) - label_w),
                    row_h - 8,
                    fill,
                    x(bar.value) + 4,
                    y + 17,
                    _fmt(bar.value),
                    unit,
                )
            )
        if bar.target is not None:
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3"></line>',
                    x(bar.target),
                    x(bar.target),
                    y + 1,
                    y + row_h - 1,
                    TARGET_STROKE,
                )
            )
    if reference is not None:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#222" stroke-dasharray="4 3"></line>',
                x(reference),
                x(reference),
                pad - 4,
                height - pad + 4,
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-title"><title id="{}-title">{}</title>{}</svg>',
        label_w + chart_w + 80,
        height,
        label_w + chart_w + 80,
        height,
        chart_id,
        chart_id,
        title,
        mark_safe("".join(parts)),  # noqa: S308 — every part is built by format_html
    )
