"""A grouped bar chart as inline SVG: cases per month, this year against last year.

No script, no external resource: the chart prints as it shows. Bars of last year are light grey,
this year's dark blue with their counts above them, so the chart reads in black and white too.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 680, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 30
THIS_COLOUR, LAST_COLOUR, GRID = "#1f4e9c", "#c4c4c4", "#e2e2e2"


def nice_step(top: int, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5 × 10^k) giving at most ``ticks`` intervals up to ``top``."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m * ticks >= top:
                return step * m
        step *= 10


def _layout(this: list[int | None], last: list[int | None]):
    """The chart's geometry, shared by the SVG and the PNG: the tick step, the axis top, the width
    of a month's slot and of a bar, and the y coordinate of a count."""
    values = [v for v in this + last if v is not None]
    step = nice_step(max(values + [1]))
    top = max(step, -(-max(values + [1]) // step) * step)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / 12

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    return step, top, slot, slot * 0.36, y


def trend_svg(this: list[int | None], last: list[int | None], labels: list[str], legend: tuple[str, str],
              title: str) -> str:
    """The SVG element for twelve months; None marks a month not counted (not yet reached)."""
    step, top, slot, bar, y = _layout(this, last)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="100%" role="img" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>"]
    tick = 0
    while tick <= top:
        out.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                   f'stroke="{GRID if tick else "#888"}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="#555">{tick}</text>')
        tick += step
    for i in range(12):
        x0 = LEFT + slot * i + (slot - 2 * bar) / 2
        for j, (series, colour) in enumerate(((last, LAST_COLOUR), (this, THIS_COLOUR))):
            v = series[i] if i < len(series) else None
            if v is None:
                continue
            x = x0 + j * bar
            out.append(f'<rect class="{"this" if j else "last"}" x="{x:.1f}" y="{y(v):.1f}" width="{bar:.1f}" '
                       f'height="{max(y(0) - y(v), 0):.1f}" fill="{colour}"><title>{escape(labels[i])}: {v}</title></rect>')
            if j:
                out.append(f'<text x="{x + bar / 2:.1f}" y="{y(v) - 3:.1f}" text-anchor="middle" font-size="11" '
                           f'fill="{THIS_COLOUR}">{v}</text>')
        out.append(f'<text x="{LEFT + slot * i + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                   f'font-size="12" fill="#333">{escape(labels[i])}</text>')
    lx = WIDTH - RIGHT - 190
    for k, (name, colour) in enumerate(((legend[0], THIS_COLOUR), (legend[1], LAST_COLOUR))):
        out.append(f'<rect x="{lx + k * 95}" y="8" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + k * 95 + 17}" y="18.5" font-size="13" fill="#222">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def trend_png(this: list[int | None], last: list[int | None], scale: int = 2) -> bytes:
    """The same chart as ``trend_svg`` as a PNG image (for a Word document, which takes no SVG):
    the bars and grid lines only, drawn by a small pure-Python PNG writer; the month labels, the
    legend and the counts go in the caption and the table beside it."""
    import struct
    import zlib

    width, height = WIDTH * scale, HEIGHT * scale
    white = (255, 255, 255)
    pixels = [bytearray(bytes(white) * width) for _ in range(height)]

    def fill(x0: float, y0: float, x1: float, y1: float, colour: str) -> None:
        rgb = bytes(_rgb(colour))
        xa, xb = max(int(x0 * scale), 0), min(int(x1 * scale), width)
        for yy in range(max(int(y0 * scale), 0), min(int(y1 * scale), height)):
            pixels[yy][xa * 3:xb * 3] = rgb * (xb - xa)

    step, top, slot, bar, y = _layout(this, last)

    tick = 0
    while tick <= top:
        fill(LEFT, y(tick) - 0.5, WIDTH - RIGHT, y(tick) + 0.5, GRID if tick else "#888888")
        tick += step
    for i in range(12):
        x0 = LEFT + slot * i + (slot - 2 * bar) / 2
        for j, (series, colour) in enumerate(((last, LAST_COLOUR), (this, THIS_COLOUR))):
            v = series[i] if i < len(series) else None
            if v:
                fill(x0 + j * bar, y(v), x0 + (j + 1) * bar - 1, y(0), colour)
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# The indicators' lines: distinct in colour and in dash, so that they read in black and white too.
RATE_STYLES = (("#1f4e9c", ""), ("#b03a2e", "6 3"), ("#1e8449", "2 3"), ("#7d3c98", "8 3 2 3"),
               ("#b9770e", "4 4"), ("#555555", "1 2"))


def rates_svg(series: list[tuple[str, list[float | None]]], labels: list[str], title: str) -> str:
    """A line chart of rates (0–100%) over the months of ``labels``; a month without a value (no
    denominator) breaks its line, never drawn as 0%."""
    n = max(len(labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + slot * i + slot / 2

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 18 * ((len(series) + 2) // 3)}" '
           f'width="100%" role="img" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                   f'stroke="{GRID if tick else "#888"}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="#555">{tick:.0%}</text>')
    for i, label in enumerate(labels):
        out.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="12" '
                   f'fill="#333">{escape(label)}</text>')
    for k, (name, values) in enumerate(series):
        colour, dash = RATE_STYLES[k % len(RATE_STYLES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append((x(i), y(v)))
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                       f'<title>{escape(name)} {escape(labels[i] if i < len(labels) else "")}: {v:.1%}</title></circle>')
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.8"'
                           + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        lx, ly = LEFT + (k % 3) * 210, HEIGHT + 4 + 18 * (k // 3)
        out.append(f'<line x1="{lx}" y1="{ly:.1f}" x2="{lx + 22}" y2="{ly:.1f}" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        out.append(f'<text x="{lx + 27}" y="{ly + 4:.1f}" font-size="12" fill="#222">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
