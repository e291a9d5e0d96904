"""A static picture of a graph page: :func:`graph_svg`, shown in print instead of the canvas.

The interactive pages draw on a ``<canvas>`` with vis-network, which prints as an empty or
cut box. The picture is drawn here as SVG from the same page data (the positions computed
by :mod:`linkage.viz.layout`, the sizes, colours, shapes, borders and link widths the page
uses) with a legend under it, when the file is written; the print stylesheet shows it and
hides the canvas. Names are escaped; nothing here computes results.
"""

from __future__ import annotations

import numpy as np

from .i18n import number, t
from .page import esc, isolate

__all__ = ["graph_svg"]

#: Width of the drawing in SVG units (the picture scales to the printed page).
_WIDTH = 800.0
_PAD = 12.0
_FONT = 9.0
#: At most this many names in a picture (the largest nodes).
_MAX_NAMES = 50


def _polygon(shape: str, x: float, y: float, r: float) -> str:
    """The SVG element of one node shape centred on (x, y) with radius r."""
    if shape == "diamond":
        pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    elif shape == "triangle":
        pts = [(x, y - r), (x + r, y + 0.8 * r), (x - r, y + 0.8 * r)]
    elif shape == "triangleDown":
        pts = [(x - r, y - 0.8 * r), (x + r, y - 0.8 * r), (x, y + r)]
    elif shape in ("square", "box"):
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
    else:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    return '<polygon points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"'


def _scale(data):
    """Drawing coordinates of the nodes, their radii and the drawing's height (room at the
    sides for the names when they are drawn)."""
    nodes = data["nodes"]
    x = np.asarray(nodes["x"], dtype=float)
    y = np.asarray(nodes["y"], dtype=float)
    size = np.asarray(nodes["size"], dtype=float)
    if not len(x):
        return x, y, size, 2 * _PAD
    margin = float(size.max()) if len(size) else 0.0
    span_x = max(float(x.max() - x.min()) + 2 * margin, 1.0)
    span_y = max(float(y.max() - y.min()) + 2 * margin, 1.0)
    pad_x = 60.0 if data.get("labels") else _PAD
    s = (_WIDTH - 2 * pad_x) / max(span_x, span_y / 1.3)
    px = pad_x + (x - x.min() + margin) * s
    py = _PAD + (y - y.min() + margin) * s
    return px, py, np.maximum(size * s, 1.5), span_y * s + 2 * _PAD


def _node_fill(data, i) -> str:
    shape = data["shapes"][data["nodes"]["shape"][i]]
    if shape.get("color"):
        return shape["color"]
    items = data["colors"]["items"]
    code = data["nodes"]["color"][i]
    return items[code]["color"] if 0 <= code < len(items) else "#999999"


def _edges_svg(data, px, py, r, max_edges) -> list:
    """The links, widest last (on top); at most ``max_edges`` of the widest. An arrow
    stops at the edge of its buyer's shape."""
    e = data["edges"]
    width = np.asarray(e["width"], dtype=float)
    order = np.argsort(width, kind="stable")[-max_edges:] if len(width) else []
    out, types = [], data["edge_types"]
    for k in order:
        tp = types[e["type"][k]]
        a, b = e["from"][k], e["to"][k]
        dx, dy = px[b] - px[a], py[b] - py[a]
        cut = r[b] / max(float(np.hypot(dx, dy)), 1e-9) if tp.get("arrows") else 0.0
        x2, y2 = px[b] - dx * min(cut, 1.0), py[b] - dy * min(cut, 1.0)
        dash = ' stroke-dasharray="4,3"' if tp.get("dashes") else ""
        arrow = f' marker-end="url(#arrow{e["type"][k]})"' if tp.get("arrows") else ""
        out.append(
            f'<line x1="{px[a]:.1f}" y1="{py[a]:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{tp["color"]}" stroke-opacity="{tp.get("opacity", 0.8)}" '
            f'stroke-width="{max(width[k] * 0.4, 0.3):.2f}"{dash}{arrow}/>'
        )
    return out


def _nodes_svg(data, px, py, r) -> list:
    nodes = data["nodes"]
    out = []
    for i in np.argsort(-r, kind="stable"):  # small nodes over large ones
        shape = data["shapes"][nodes["shape"][i]]
        b = data["borders"][nodes["border"][i]] if data["borders"] else {}
        dash = ' stroke-dasharray="3,2"' if b.get("dashes") else ""
        out.append(
            _polygon(shape["shape"], px[i], py[i], r[i])
            + f' fill="{_node_fill(data, i)}" stroke="{b.get("color", "#444444")}" '
            f'stroke-width="{min(b.get("width", 1), 3) * 0.6:.1f}"{dash}/>'
        )
    if data.get("labels"):
        font = _FONT if len(px) <= 60 else _FONT - 2
        # paper cannot show a name on hover: the largest shapes are named, the rest would
        # only cover each other
        for i in np.sort(np.argsort(-r, kind="stable")[:_MAX_NAMES]):
            out.append(
                f'<text x="{px[i]:.1f}" y="{py[i] + r[i] + font:.1f}" text-anchor="middle" '
                f'font-size="{font}" paint-order="stroke" stroke="#ffffff" '
                f'stroke-width="2">{esc(nodes["label"][i])}</text>'
            )
    return out


def _legend_svg(data, top: float, lang: str) -> tuple[list, float]:
    """Legend rows under the drawing (colours, shapes, links); returns them and the height."""
    rows = []
    items = data["colors"]["items"]
    used_shapes = sorted(set(np.asarray(data["nodes"]["shape"]).tolist()))
    for j in used_shapes:
        sh = data["shapes"][j]
        rows.append((sh["shape"], sh.get("color") or "#bbbbbb", sh["label"], False))
    for c in items[:16]:
        count = c.get("count")
        label = isolate(c["label"]) + (f" ({number(count, lang)})" if count is not None else "")
        rows.append(("dot", c["color"], label, False))
    used_types = sorted(set(np.asarray(data["edges"]["type"]).tolist()))
    for j in used_types:
        tp = data["edge_types"][j]
        rows.append(("line", tp["color"], tp["label"], bool(tp.get("dashes"))))
    out, col_w, line_h = [], (_WIDTH - 2 * _PAD) / 2, _FONT + 5
    for k, (shape, colour, label, dashes) in enumerate(rows):
        x = _PAD + (k % 2) * col_w
        y = top + (k // 2) * line_h + line_h / 2
        if shape == "line":
            dash = ' stroke-dasharray="4,3"' if dashes else ""
            out.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 14:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        else:
            out.append(_polygon(shape, x + 7, y, 4.5) + f' fill="{colour}" stroke="#444444"/>')
        out.append(
            f'<text x="{x + 20:.1f}" y="{y + _FONT / 3:.1f}" font-size="{_FONT}">'
            f"{esc(label)}</text>"
        )
    more = len(items) - 16 + (data["colors"].get("more") or 0)
    height = ((len(rows) + 1) // 2) * line_h
    if more > 0:
        text = esc(t("js.more_groups", lang, n=number(more, lang)))
        out.append(
            f'<text x="{_PAD}" y="{top + height + _FONT:.1f}" font-size="{_FONT}">{text}</text>'
        )
        height += line_h
    return out, height + _PAD


def graph_svg(data: dict, *, lang: str = "en", max_edges: int = 4000) -> str:
    """The page data of a sector or network page drawn as one ``<svg>`` element.

    Names are written when the page writes them, for the 50 largest nodes at most.

    Parameters
    ----------
    data : dict
        From :func:`linkage.viz.sector_page_data` or :func:`linkage.viz.network_page_data`.
    lang : {"en", "id"}
        Language of the legend's counts and notes (the labels come in ``data``).
    max_edges : int
        Draw at most this many links (the widest), so the picture stays printable.

    Examples
    --------
    >>> from linkage import IOTable, linkages
    >>> from linkage.analysis import largest_coefficients
    >>> from linkage.viz import sector_page_data
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["<b>farm</b>", "manufacturing"])
    >>> svg = graph_svg(sector_page_data(t, linkages(t), largest_coefficients(t, "A", 4)))
    >>> svg.startswith("<svg"), svg.count("<circle") >= 2, "&lt;b&gt;farm" in svg
    (True, True, True)
    """
    px, py, r, height = _scale(data)
    body = _edges_svg(data, px, py, r, max_edges) + _nodes_svg(data, px, py, r)
    legend, legend_h = _legend_svg(data, height, lang)
    markers = "".join(
        f'<marker id="arrow{j}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" '
        f'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{tp["color"]}"/></marker>'
        for j, tp in enumerate(data["edge_types"])
    )
    total_h = height + legend_h
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph-picture" role="img" '
        f'viewBox="0 0 {_WIDTH:.0f} {total_h:.0f}" width="100%" '
        f'font-family="sans-serif"><defs>{markers}</defs>'
        + "".join(body)
        + "".join(legend)
        + "</svg>"
    )
