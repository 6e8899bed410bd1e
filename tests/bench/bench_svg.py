# gst-p2pcdn swarm benchmark: line charts as hand-written SVG.
# SPDX-License-Identifier: LGPL-2.1-or-later

from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
W, H = 820, 230                 # one panel
L, R, T, B = 60, 150, 28, 36    # margins: legend on the right


def _ticks(lo, hi, n=5):
    span = hi - lo or 1.0
    raw = span / n
    step = min((m * 10 ** e for e in range(-3, 6) for m in (1, 2, 5)
                if m * 10 ** e >= raw), default=raw)
    t = (lo // step) * step
    out = []
    while t <= hi + 1e-9:
        if t >= lo - 1e-9:
            out.append(round(t, 6))
        t += step
    return out


def panel(y0, title, series, ylabel, xmax, ymin=None, ymax=None,
          marks=(), hlines=()):
    """One chart at height @y0 of the page. @series: [(label, [(x, y)])];
    @marks: [(x, label)] vertical lines; @hlines: [(y, label)]."""
    pts = [p for _, s in series for p in s]
    lo = ymin if ymin is not None else min([y for _, y in pts] + [0])
    hi = ymax if ymax is not None else \
        1.1 * max([y for _, y in pts] + [lo + 1])
    hi = max(hi, lo + 1e-6)
    pw, ph = W - L - R, H - T - B

    def sx(x):
        return L + pw * x / (xmax or 1)

    def sy(y):
        return T + ph * (1 - (min(max(y, lo), hi) - lo) / (hi - lo))

    out = ['<g transform="translate(0,%d)">' % y0,
           '<text x="%d" y="18" font-size="14" font-weight="bold">%s</text>'
           % (L, escape(title)),
           '<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
           'stroke="#999"/>' % (L, T, pw, ph)]
    for t in _ticks(0, xmax):
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>'
                   '<text x="%.1f" y="%d" font-size="10" text-anchor="middle">'
                   '%g</text>' % (sx(t), T, sx(t), T + ph, sx(t), T + ph + 13,
                                  t))
    for t in _ticks(lo, hi):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>'
                   '<text x="%d" y="%.1f" font-size="10" text-anchor="end">'
                   '%g</text>' % (L, sy(t), L + pw, sy(t), L - 4, sy(t) + 3,
                                  t))
    out.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">'
               'seconds since the origin started</text>'
               % (L + pw / 2, H - 4))
    out.append('<text x="12" y="%d" font-size="11" transform="rotate(-90 12 '
               '%d)" text-anchor="middle">%s</text>'
               % (T + ph / 2, T + ph / 2, escape(ylabel)))
    for x, label in marks:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" '
                   'stroke-dasharray="4,3"/><text x="%.1f" y="%d" '
                   'font-size="9">%s</text>'
                   % (sx(x), T, sx(x), T + ph, sx(x) + 2, T + 10,
                      escape(label)))
    for y, label in hlines:
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555" '
                   'stroke-dasharray="2,2"/><text x="%d" y="%.1f" '
                   'font-size="9">%s</text>'
                   % (L, sy(y), L + pw, sy(y), L + 4, sy(y) - 3,
                      escape(label)))
    for k, (label, s) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        if s:
            out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" '
                       'points="%s"/>' % (color, " ".join(
                           "%.1f,%.1f" % (sx(x), sy(y)) for x, y in s)))
        ly = T + 12 + 14 * k
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                   'stroke-width="2"/><text x="%d" y="%d" font-size="10">%s'
                   '</text>' % (W - R + 10, ly - 3, W - R + 28, ly - 3, color,
                                W - R + 32, ly, escape(label)))
    out.append("</g>")
    return "\n".join(out)


def page(title, panels):
    """@panels: list of keyword dicts for panel() (without y0)."""
    height = 30 + H * len(panels)
    body = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'font-family="sans-serif">' % (W, height),
            '<rect width="100%" height="100%" fill="white"/>',
            '<text x="10" y="20" font-size="16">%s</text>' % escape(title)]
    for i, p in enumerate(panels):
        body.append(panel(30 + H * i, **p))
    body.append("</svg>\n")
    return "\n".join(body)
