"""Charts drawn on the server as accessible SVG (no JavaScript needed)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ["#0b5cad", "#a4161a", "#1b6e2f", "#6a3d9a", "#b15928", "#005f73", "#7a5195"]


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *,
              unit: str = "", max_value: float | None = None) -> Markup:
    """A horizontal bar chart with a title, a description and a value on every bar."""
    n = len(labels)
    row, width, label_w = 28, 640, 180
    height = max(row * n + 20, 40)
    top = max([*values, max_value or 0, 1])
    desc = "; ".join(f"{lab}: {val:g}{unit}" for lab, val in zip(labels, values, strict=True))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="c-{id(labels)}-t c-{id(labels)}-d">',
        f'<title id="c-{id(labels)}-t">{escape(title)}</title>',
        f'<desc id="c-{id(labels)}-d">{escape(desc)}</desc>',
    ]
    for i, (lab, val) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        w = (width - label_w - 60) * (val / top) if top else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
                     f'fill="#1d1d1f">{escape(lab)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="18" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="13" '
                     f'fill="#1d1d1f">{val:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, x_labels: Sequence[str],
               series: dict[str, Sequence[float | None]], *, y_min: float = 1,
               y_max: float = 5) -> Markup:
    """A line chart of several series over the same points (gaps where None)."""
    width, height, left, bottom, top_pad = 640, 260, 40, 40, 20
    plot_w, plot_h = width - left - 150, height - bottom - top_pad
    n = max(len(x_labels), 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * (i / (n - 1) if n > 1 else 0.5))
        y = top_pad + plot_h * (1 - (v - y_min) / (y_max - y_min))
        return x, y

    desc = "; ".join(
        f"{name}: " + ", ".join(f"{x} {v:g}" if v is not None else f"{x} –"
                                for x, v in zip(x_labels, vals, strict=True))
        for name, vals in series.items()
    )
    cid = f"l-{id(series)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{cid}-t {cid}-d">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>',
    ]
    for tick in range(int(y_min), int(y_max) + 1):
        _x, y = xy(0, tick)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#c9ccd1"/><text x="{left - 8}" y="{y + 4:.1f}" font-size="12" '
                     f'text-anchor="end" fill="#1d1d1f">{tick}</text>')
    for i, lab in enumerate(x_labels):
        x, _y = xy(i, y_min)
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" font-size="12" text-anchor="middle" '
                     f'fill="#1d1d1f">{escape(lab)}</text>')
    for k, (name, vals) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [xy(i, v) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="3"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        ly = top_pad + 18 * k
        parts.append(f'<rect x="{left + plot_w + 16}" y="{ly}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{left + plot_w + 34}" y="{ly + 11}" '
                     f'font-size="12" fill="#1d1d1f">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
