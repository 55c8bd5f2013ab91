"""Inline SVG charts drawn on the server: no script, readable in print, described for
screen readers (each sits beside a table holding the same numbers)."""

import itertools
from html import escape

from markupsafe import Markup

# Colours with at least 4.5:1 against white; series also differ by dash or marker shape.
# One palette across the statistics: colours that mean something (done, not yet, a problem)
# are kept for series that mean that; plain measures take the neutral ones.
DONE, PENDING, PROBLEM = "#00703c", "#6f777b", "#b35900"
MEANINGS = {"done": DONE, "pending": PENDING, "problem": PROBLEM}
SERIES_COLOURS = ["#1d70b8", "#6f2c91", "#0b0c0c", "#912b88", "#00625e", "#5a3b00"]
DASHES = ["", "6 4", "2 3", "10 3 2 3", "1 2", "4 2"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
_ids = itertools.count(1)


def _fmt(value):
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _axis(value, fixed=None):
    """(top, step) of a value axis: round steps (1, 2, 5 times a power of ten), at most
    five of them; `fixed` forces the top (100 for percentages)."""
    if fixed:
        return fixed, fixed / 4
    value = max(value, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if value / step <= 5:
                top = step * -(-value // step)
                return top, step
        magnitude *= 10


def _ticks(top, step):
    count = int(round(top / step))
    return [step * i for i in range(count + 1)]


def text_width(text, size=14):
    """Rough width of a label: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in str(text))


def colours_for(names, meanings=None):
    """A colour per series: its meaning's colour if it has one, else the next neutral one."""
    meanings = meanings or {}
    neutral = iter(itertools.cycle(SERIES_COLOURS))
    return [MEANINGS[meanings[n]] if meanings.get(n) in MEANINGS else next(neutral)
            for n in names]


def _open(title, desc, width, height):
    uid = f"chart{next(_ids)}"
    # Drawn at its own size (shrinks on narrow screens, never grows): text stays legible.
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Noto Sans CJK TC, Noto Sans TC, sans-serif" font-size="15" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    )


def _legend(series, y, width, colours):
    parts, x = [], 0
    for name, colour in zip(series, colours, strict=True):
        label = escape(str(name))
        step = 22 + text_width(name, 15)
        if x + step > width and x:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{colour}"/>'
                     f'<text x="{x + 19}" y="{y}" fill="{TEXT}">{label}</text>')
        x += step + 10
    return "".join(parts), y


def bar_chart(title, desc, labels, series, width=400, label_width=None, percent=False,
              meanings=None):
    """Horizontal grouped bars: one group per label, one bar per series ({name: values});
    `meanings` ({name: "done" | "pending" | "problem"}) gives those series their colour."""
    names = list(series)
    colours = colours_for(names, meanings)
    if label_width is None:
        widest = max((text_width(label, 15) for label in labels), default=40)
        label_width = int(min(widest + 12, width * 0.5))
    bar, gap = 20, 10
    group = bar * len(names) + gap
    top = 8
    legend, legend_y = ("", 0)
    if len(names) > 1:
        legend, legend_y = _legend(names, 18, width, colours)
        top = legend_y + 14
    height = top + group * len(labels) + 26
    plot = width - label_width - 60
    top_value, step = _axis(max((v or 0 for vals in series.values() for v in vals), default=0),
                            100 if percent else None)
    out = [_open(title, desc, width, height), legend]
    for value in _ticks(top_value, step):
        x = label_width + plot * value / top_value
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" '
                   f'stroke="{GRID}" stroke-width="1"/>'
                   f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="{TEXT}" '
                   f'font-size="13">{_fmt(value)}</text>')
    for row, label in enumerate(labels):
        y0 = top + row * group
        out.append(f'<text x="{label_width - 6}" y="{y0 + group / 2 + 1:.1f}" '
                   f'text-anchor="end" dominant-baseline="middle" fill="{TEXT}">'
                   f'{escape(str(label))}</text>')
        for i, name in enumerate(names):
            value = series[name][row] or 0
            length = plot * value / top_value
            y = y0 + i * bar
            out.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" '
                       f'fill="{colours[i]}"/>'
                       f'<text x="{label_width + length + 4:.1f}" y="{y + bar / 2:.1f}" '
                       f'dominant-baseline="middle" font-size="14" fill="{TEXT}">'
                       f'{_fmt(series[name][row])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(title, desc, labels, series, width=400, height=360, meanings=None):
    """One line per series over the labels (months); each line has its own dash."""
    names = list(series)
    colours = colours_for(names, meanings)
    legend, legend_y = _legend(names, 18, width, colours)
    top, left, bottom, right = legend_y + 18, 52, 40, 14
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, step = _axis(max((v or 0 for vals in series.values() for v in vals), default=0))
    out = [_open(title, desc, width, height), legend]
    for value in _ticks(top_value, step):
        y = top + plot_h - plot_h * value / top_value
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                   f'stroke="{GRID}"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                   f'font-size="13" fill="{TEXT}">{_fmt(value)}</text>')
    count = max(len(labels) - 1, 1)
    every = max(1, -(-len(labels) // 4))  # at most four or five month labels

    def x_of(i):
        return left + plot_w * i / count

    for i, label in enumerate(labels):
        last = len(labels) - 1
        # Every `every`-th label, and always the last, never two side by side.
        if i == last or (i % every == 0 and last - i >= every):
            anchor = "start" if i == 0 else ("end" if i == len(labels) - 1 else "middle")
            out.append(f'<text x="{x_of(i):.1f}" y="{height - bottom + 18}" '
                       f'text-anchor="{anchor}" font-size="13" fill="{TEXT}">'
                       f'{escape(str(label))}</text>')
    for s, name in enumerate(names):
        colour = colours[s]
        points = [f"{x_of(i):.1f},{top + plot_h - plot_h * (v or 0) / top_value:.1f}"
                  for i, v in enumerate(series[name])]
        dash = f' stroke-dasharray="{DASHES[s % len(DASHES)]}"' if DASHES[s % len(DASHES)] else ""
        out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                   f'stroke-width="2.5"{dash}/>')
        for point in points:
            x, y = point.split(",")
            out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
    out.append("</svg>")
    return Markup("".join(out))
