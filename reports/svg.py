"""Inline SVG maps and charts that work offline and need no JavaScript library.

Each region is drawn once, in a hidden ``<defs>`` block (:func:`shapes`), and every map of the
report refers to it with ``<use>``, so 31 regions x 10 maps cost one set of outlines. Every
region of a map is a link to its section (click) with a ``<title>`` naming the region and its
value (hover). Colours come from one :class:`Scale` per quantity, shared over the years.
Coordinates are RD New (EPSG:28992) in kilometres, y pointing down.
"""

from __future__ import annotations

import html
import math

import numpy as np

__all__ = ["Scale", "SCALES", "scale_for", "shapes", "choropleth", "line_chart", "year_ticks"]

# ColorBrewer (Brewer, colorbrewer2.org) RdBu (reversed) and OrRd / Purples, 7 classes.
DIVERGING = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
SEQUENTIAL = ("#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000")
PURPLES = ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486")
_NO_DATA = "#dddddd"


def _hex(c):
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))


class Scale:
    """A continuous colour scale from ``vmin`` to ``vmax`` (diverging: symmetric around 0).

    Without limits the scale spans ``values``; with limits (:data:`SCALES`) values beyond
    them take the end colour and the legend marks its end '≤' or '≥'.
    """

    def __init__(self, values=(), colours=SEQUENTIAL, diverging: bool = False,
                 vmin=None, vmax=None):
        v = np.asarray([x for x in np.ravel(values) if x is not None and np.isfinite(x)],
                       dtype=float)
        if diverging:
            lim = vmax if vmax is not None else (float(np.abs(v).max()) if len(v) else 1.0)
            lim = lim or 1.0
            self.vmin, self.vmax = -lim, lim
        else:
            self.vmin = float(v.min()) if vmin is None and len(v) else (vmin or 0.0)
            self.vmax = float(v.max()) if vmax is None and len(v) else (vmax or 1.0)
            if self.vmax <= self.vmin:
                self.vmax = self.vmin + 1.0
        self.under = bool(len(v) and v.min() < self.vmin)
        self.over = bool(len(v) and v.max() > self.vmax)
        self.colours = [_hex(c) for c in (DIVERGING if diverging else colours)]

    def __call__(self, value) -> str:
        if value is None or not np.isfinite(value):
            return _NO_DATA
        x = min(max((value - self.vmin) / (self.vmax - self.vmin), 0.0), 1.0)
        pos = x * (len(self.colours) - 1)
        i = min(int(pos), len(self.colours) - 2)
        f = pos - i
        a, b = self.colours[i], self.colours[i + 1]
        return "#" + "".join(f"{round(a[k] + f * (b[k] - a[k])):02x}" for k in range(3))

    def legend(self, title: str, fmt, width: int = 260) -> str:
        """A horizontal colour bar with its title and three ticks (min, middle, max)."""
        gid = f"g{abs(hash((self.vmin, self.vmax, tuple(self.colours)))) % 10**8}"
        stops = "".join(
            f'<stop offset="{i / (len(self.colours) - 1):.3f}" '
            f'stop-color="#{"".join(f"{c:02x}" for c in col)}"/>'
            for i, col in enumerate(self.colours))
        mid = (self.vmin + self.vmax) / 2
        ticks = "".join(
            f'<text x="{x}" y="34" text-anchor="{a}">{html.escape(pre + fmt(v))}</text>'
            for x, v, a, pre in ((0, self.vmin, "start", "≤ " if self.under else ""),
                                 (width / 2, mid, "middle", ""),
                                 (width, self.vmax, "end", "≥ " if self.over else "")))
        return (f'<svg class="legend" viewBox="0 0 {width} 40" width="{width}" height="40" '
                f'role="img" aria-label="{html.escape(title)}">'
                f'<defs><linearGradient id="{gid}">{stops}</linearGradient></defs>'
                f'<text x="0" y="10">{html.escape(title)}</text>'
                f'<rect x="0" y="14" width="{width}" height="10" fill="url(#{gid})"/>'
                f'{ticks}</svg>')


#: One colour scale per quantity, the same in every report (all regions or one, any scenario
#: or year), so that a colour means the same number everywhere. Limits cover the values of
#: the shipped scenarios to 2040 (trend 2040: regional shortages up to about 4,900 places and
#: 144 per 1,000 aged 85+, need growth 33-78%, gemeente 85+ growth 7-254%, intensity
#: factors 0.91-1.16); values beyond take the end colour (the legend says '≥').
SCALES = {
    "gap": {"diverging": True, "vmax": 6000.0},
    "gap_per_1000": {"diverging": True, "vmax": 150.0},
    "p_short": {"colours": PURPLES, "vmin": 0.0, "vmax": 100.0},
    "growth": {"vmin": 0.0, "vmax": 100.0},
    "plans_share": {"vmin": 0.0, "vmax": 100.0},
    "intensity": {"vmin": 0.8, "vmax": 1.2},
    "gemeente_85plus_growth": {"vmin": 0.0, "vmax": 200.0},
}


def scale_for(quantity: str, values=()) -> Scale:
    """The fixed :class:`Scale` of ``quantity`` (a key of :data:`SCALES`); ``values`` only
    mark whether the legend's ends are exceeded."""
    if quantity not in SCALES:
        raise ValueError(f"`quantity` was {quantity!r} but is expected to be in "
                         f"{list(SCALES)}")
    return Scale(values, **SCALES[quantity])


def _ring(coords) -> str:
    pts = [f"{x / 1000:.1f} {-y / 1000:.1f}" for x, y in coords]
    return "M" + "L".join(pts) + "Z"


def _path(geom) -> str:
    polys = getattr(geom, "geoms", [geom])
    return "".join(_ring(p.exterior.coords) + "".join(_ring(r.coords) for r in p.interiors)
                   for p in polys)


def _viewbox(geo) -> str:
    x0, y0, x1, y1 = geo.total_bounds / 1000
    pad = 3
    return f"{x0 - pad:.0f} {-y1 - pad:.0f} {x1 - x0 + 2 * pad:.0f} {y1 - y0 + 2 * pad:.0f}"


def shapes(geo, key: str, prefix: str, tolerance: float) -> str:
    """Hidden ``<svg>`` with one ``<path id="{prefix}{code}">`` per row of ``geo``
    (RD New [m]), simplified to ``tolerance`` [m]."""
    simple = geo.geometry.simplify(tolerance, preserve_topology=True)
    paths = "".join(f'<path id="{prefix}{code}" d="{_path(g)}"/>'
                    for code, g in zip(geo[key], simple, strict=True))
    return (f'<svg class="defs" width="0" height="0" aria-hidden="true" '
            f'style="position:absolute"><defs>{paths}</defs></svg>')


def label_points(geo, key: str) -> dict:
    """``{code: (x, y)}``: a point inside each shape of ``geo`` (RD New [m]) for its label,
    in the map's coordinates [km, y down] (shapely's ``representative_point``)."""
    points = geo.geometry.representative_point()
    return {code: (p.x / 1000, -p.y / 1000) for code, p in zip(geo[key], points, strict=True)}


def choropleth(geo, key: str, prefix: str, values: dict, scale: Scale, titles: dict,
               hrefs: dict | None = None, caption: str = "", labels: dict | None = None,
               points: dict | None = None) -> str:
    """A map of the rows of ``geo`` (drawn by :func:`shapes` with the same ``prefix``)
    coloured by ``values[code]``; ``titles[code]`` shows on hover, ``hrefs[code]`` on click.

    ``labels[code]`` (a region number) is printed on the shape, at ``points[code]``
    (:func:`label_points`), so that a printed map can be read with its key.
    """
    items = []
    for code in geo[key]:
        fill = scale(values.get(code, float("nan")))
        use = (f'<use href="#{prefix}{code}" fill="{fill}" stroke="#fff" '
               f'stroke-width="0.6"/>')
        title = f"<title>{html.escape(titles.get(code, code))}</title>"
        if hrefs and code in hrefs:
            items.append(f'<a href="{hrefs[code]}" data-code="{code}">{title}{use}</a>')
        else:
            items.append(f"<g>{title}{use}</g>")
    if labels:
        points = points or label_points(geo, key)
        x0, y0, x1, y1 = geo.total_bounds / 1000
        size = max(x1 - x0, y1 - y0) / 32  # [km]: about 9 px on a 280 px wide map
        texts = "".join(f'<text x="{points[c][0]:.1f}" y="{points[c][1]:.1f}">'
                        f'{html.escape(str(labels[c]))}</text>'
                        for c in geo[key] if c in labels and c in points)
        items.append(f'<g class="labels" font-size="{size:.1f}" '
                     f'stroke-width="{size / 5:.2f}" aria-hidden="true">{texts}</g>')
    return (f'<svg class="map" viewBox="{_viewbox(geo)}" role="img" '
            f'aria-label="{html.escape(caption)}">{"".join(items)}</svg>')


def line_chart(years, lines: list[dict], bands: list[dict], fmt, unit: str = "",
               width: int = 640, height: int = 300) -> str:
    """A line chart with shaded bands. ``lines``: ``{"y": [...], "label", "colour",
    "step": bool}``; ``bands``: ``{"lo", "hi", "label", "colour", "opacity"}``. Every point
    has a ``<title>`` with its year and value; a line has no point where its value is None
    or NaN (a year it does not cover)."""
    years = [int(y) for y in years]
    allv = [v for s in lines for v in s["y"]] + [v for b in bands for v in (*b["lo"], *b["hi"])]
    allv = [v for v in allv if v is not None and math.isfinite(v)]
    lo, hi = min(allv + [0.0]), max(allv + [1.0])
    lo = 0.0 if lo >= 0 else lo
    top = _nice(hi)
    left, right, tp, bottom = 64, 12, 12, 60
    w, h = width - left - right, height - tp - bottom
    x0, x1 = years[0], years[-1] if years[-1] > years[0] else years[0] + 1

    def X(y):
        return left + (y - x0) / (x1 - x0) * w

    def Y(v):
        return tp + h - (v - lo) / (top - lo) * h

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img">']
    for k in range(5):  # y grid and ticks
        v = lo + (top - lo) * k / 4
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{Y(v) + 4:.1f}" '
                   f'text-anchor="end">{html.escape(fmt(v))}</text>')
    for y in year_ticks(years):
        out.append(f'<text x="{X(y):.1f}" y="{tp + h + 16}" text-anchor="middle">{y}</text>')
    for b in bands:
        pts = [f"{X(y):.1f},{Y(v):.1f}" for y, v in zip(years, b["hi"], strict=True)]
        pts += [f"{X(y):.1f},{Y(v):.1f}" for y, v in zip(years[::-1], b["lo"][::-1],
                                                           strict=True)]
        out.append(f'<polygon points="{" ".join(pts)}" fill="{b["colour"]}" '
                   f'fill-opacity="{b.get("opacity", 0.25)}"><title>'
                   f'{html.escape(b["label"])}</title></polygon>')
    for s in lines:
        kept = [(y, v) for y, v in zip(years, s["y"], strict=True)
                if v is not None and math.isfinite(v)]
        if len(kept) < len(years):  # a line over some years only: those points
            s = {**s, "y": [v for _, v in kept], "years": [y for y, _ in kept]}
        if s.get("step"):
            pts = []
            for i, (y, v) in enumerate(zip(s.get("years", years), s["y"], strict=True)):
                if i:
                    pts.append(f"{X(y):.1f},{Y(s['y'][i - 1]):.1f}")
                pts.append(f"{X(y):.1f},{Y(v):.1f}")
        else:
            pts = [f"{X(y):.1f},{Y(v):.1f}" for y, v in zip(s.get("years", years), s["y"],
                                                           strict=True)]
        out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{s["colour"]}" '
                   f'stroke-width="2.5"/>')
        for y, v in zip(s.get("years", years), s["y"], strict=True):
            out.append(f'<circle cx="{X(y):.1f}" cy="{Y(v):.1f}" r="3" fill="{s["colour"]}">'
                       f'<title>{html.escape(s["label"])} {y}: {html.escape(fmt(v))} '
                       f'{html.escape(unit)}</title></circle>')
    lx, ly = left, height - 30
    for item in [*lines, *bands]:  # legend under the axis, two rows where needed
        colour, room = item["colour"], 24 + 6 * len(item["label"])
        if lx + room > width and lx > left:
            lx, ly = left, ly + 16
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="12" height="8" fill="{colour}" '
                   f'fill-opacity="{item.get("opacity", 1)}"/><text x="{lx + 16}" '
                   f'y="{ly}">{html.escape(item["label"])}</text>')
        lx += room
    out.append("</svg>")
    return "".join(out)


def year_ticks(years) -> list[int]:
    """Years to label on a time axis: the first, the last, and the round years between
    (every 5th year over 15 years or more, every 2nd over 6 or more), leaving out a round year
    too close to the first or the last to be read apart."""
    years = sorted(int(y) for y in years)
    if len(years) <= 2:
        return years
    first, last = years[0], years[-1]
    step = 5 if last - first >= 15 else 2 if last - first >= 6 else 1
    near = max(1, step // 2)  # [years]
    ticks = [y for y in years if y % step == 0 and y - first >= near and last - y >= near]
    return [first, *ticks, last]


def _nice(v: float) -> float:
    """The smallest 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6 or 8 x 10^k at or above ``v`` (each
    divides into four round ticks)."""
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        if m * e >= v:
            return m * e
    return 10 * e
