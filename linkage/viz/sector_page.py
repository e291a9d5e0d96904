"""The interactive sector page of an IO table: :func:`sector_html`.

Sectors are circles sized by output and coloured by key-sector class; an arrow from
sector i to sector j shows one of the largest input coefficients ``a_ij`` (what j buys
from i per unit of its output) or, with ``matrix="L"``, of the Leontief inverse ``l_ij``
(what i produces, directly and indirectly, per unit of j's final demand). The page only
draws: the linkages and the largest coefficients (:func:`linkage.analysis.largest_coefficients`,
which reads L from the solver in column blocks) come computed, usually from
:func:`linkage.pipeline.analyze_table`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core.params import check_choice
from .charts import CLASS_COLOURS, CLASS_TEXT
from .layout import layout_positions
from .page import esc, render_graph_page, rounded, write_text
from .scales import categorical, edge_widths, scale_sizes

__all__ = ["sector_html", "sector_page_data"]

_CLASSES = ["key", "backward", "forward", "weak"]


def _labels(index) -> np.ndarray:
    if isinstance(index, pd.MultiIndex):
        return np.array([" / ".join(str(v) for v in t) for t in index], dtype=object)
    return np.array([str(v) for v in index], dtype=object)


_LINKAGE_TOOLTIPS = {
    "bl_total": "Backward linkage BL (total)",
    "fl_total": "Forward linkage FL (total)",
    "bl_direct": "Backward linkage (direct)",
    "fl_direct": "Forward linkage (direct)",
    "output_multiplier": "Output multiplier",
}


def sector_page_data(
    table,
    linkages,
    coefficients,
    *,
    multipliers=None,
    matrix: str = "A",
    max_nodes: int = 1000,
    seed: int = 0,
    units: str | None = None,
) -> dict:
    """The data a sector page draws (see :func:`sector_html`)."""
    check_choice("matrix", matrix, ("A", "L"), "sector_html")
    n = table.n
    lk = linkages.reindex(table.sectors)
    x = np.asarray(table.x, dtype=float)
    keep_nodes, notice = _drawn_sectors(x, max_nodes)
    rows, cols, vals = _links_among(keep_nodes, n, coefficients)
    m = len(keep_nodes)
    labels = _labels(table.sectors)[keep_nodes]
    cls = (
        lk["key_sector"].astype(str).to_numpy()[keep_nodes]
        if "key_sector" in lk
        else np.full(m, "", dtype=object)
    )
    class_code = np.array([_CLASSES.index(c) if c in _CLASSES else 4 for c in cls])
    xs, ys = layout_positions(
        m,
        rows,
        cols,
        1 + vals / max(vals.max(), 1e-12) * 4 if len(vals) else None,
        seed=seed,
        spacing=70.0,
    )
    values, tooltip = _sector_tooltips(table, lk, multipliers, keep_nodes, x, cls)
    what = _edge_meaning(matrix)
    return {
        "kind": "sectors",
        "item": "sector",
        "nodes": {
            "id": labels,
            "label": labels,
            "x": xs,
            "y": ys,
            "size": scale_sizes(x[keep_nodes], 8, 45),
            "color": class_code,
            "shape": np.zeros(m, dtype=np.int64),
            "border": np.zeros(m, dtype=np.int64),
            "values": values,
        },
        "colors": {"title": "key-sector class", "items": _class_legend(class_code)},
        "shapes": [{"shape": "dot", "label": "A sector of the table", "color": None}],
        "borders": [{"label": "", "color": "#444444", "width": 1, "dashes": False}],
        "tooltip": tooltip,
        "filters": _sector_filters(table, keep_nodes, class_code),
        "toggles": [],
        "edges": {
            "from": rows,
            "to": cols,
            "value": rounded(vals, 4),
            "width": edge_widths(vals, 1.0, 8.0),
            "type": np.zeros(len(rows), np.int64),
        },
        "edge_types": _coefficient_edge_types(matrix),
        "units": units if units is not None else (table.units or ""),
        "notice": notice,
        "physics": False,
        "labels": m <= 120,
        "size_note": "Bigger circles produce more (total output).",
        "legend_note": f"Each arrow is a large {what}.",
        "counts": {"node_noun": "sectors", "sectors": n, "links": len(rows)},
        "collapsed": False,
        "matrix": matrix,
        "edge_meaning": what,
    }


def _drawn_sectors(x, max_nodes):
    """Positions of the sectors drawn (the ``max_nodes`` largest by output when there are
    more) and the notice that says so, or None."""
    n = len(x)
    if n <= max_nodes:
        return np.arange(n), None
    keep_nodes = np.sort(np.argsort(-x, kind="stable")[:max_nodes])
    notice = (
        f"This table has {n:,} sectors; the page draws the {max_nodes:,} with the "
        f"largest output and the links among them."
    )
    return keep_nodes, notice


def _links_among(keep_nodes, n, coefficients):
    """The coefficients ``(rows, cols, values)`` between drawn sectors, renumbered."""
    rows, cols, vals = (np.asarray(a) for a in coefficients)
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep_nodes] = np.arange(len(keep_nodes))
    ok = (pos[rows] >= 0) & (pos[cols] >= 0)
    return pos[rows[ok]], pos[cols[ok]], vals[ok]


def _class_legend(class_code) -> list:
    """Legend items of the key-sector classes (code 4: not classified) with their counts."""
    items = [
        {"label": CLASS_TEXT[c], "color": CLASS_COLOURS[c], "count": int((class_code == i).sum())}
        for i, c in enumerate(_CLASSES)
    ]
    items.append(
        {
            "label": "not classified",
            "color": CLASS_COLOURS[""],
            "count": int((class_code == 4).sum()),
        }
    )
    return items


def _sector_tooltips(table, lk, multipliers, keep_nodes, x, cls):
    """Tooltip values and rows: output, class, the linkages there are, every numeric
    multiplier column."""
    values = {
        "output": rounded(x[keep_nodes]),
        "class": np.array([CLASS_TEXT.get(c, "") for c in cls], dtype=object),
    }
    tooltip = [
        {"key": "output", "label": "Output", "format": "money"},
        {"key": "class", "label": "Class", "format": "text"},
    ]
    for col, label in _LINKAGE_TOOLTIPS.items():
        if col in lk:
            values[col] = rounded(lk[col].to_numpy(dtype=float)[keep_nodes], 4)
            tooltip.append({"key": col, "label": label, "format": "index"})
    if multipliers is not None:
        mult = multipliers.reindex(table.sectors)
        for col in mult.columns:
            if pd.api.types.is_numeric_dtype(mult[col]):
                key = f"mult_{col}"
                values[key] = rounded(mult[col].to_numpy(dtype=float)[keep_nodes], 4)
                tooltip.append(
                    {
                        "key": key,
                        "label": f"Multiplier: {str(col).replace('_', ' ')}",
                        "format": "num",
                    }
                )
    return values, tooltip


def _sector_filters(table, keep_nodes, class_code) -> list:
    """The "Show only" choices: key-sector class, and region for a multi-regional table."""
    filters = [
        {
            "key": "class",
            "label": "Key-sector class",
            "options": [CLASS_TEXT[c] for c in _CLASSES] + ["not classified"],
            "codes": class_code,
        }
    ]
    if isinstance(table.sectors, pd.MultiIndex):
        codes, opts = categorical(
            np.array([str(t[0]) for t in table.sectors[keep_nodes]], dtype=object),
            np.ones(len(keep_nodes), dtype=bool),
        )
        filters.append({"key": "region", "label": "Region", "options": opts, "codes": codes})
    return filters


def _edge_meaning(matrix) -> str:
    """What one arrow stands for, in words."""
    if matrix == "A":
        return (
            "input coefficient a(i,j): sector j buys this much from sector i for each unit "
            "of its output"
        )
    return (
        "Leontief coefficient l(i,j): output of sector i needed, directly and indirectly, "
        "per unit of final demand for sector j"
    )


def _coefficient_edge_types(matrix) -> list:
    """The one kind of edge: the largest coefficients of A or L."""
    return [
        {
            "label": f"Largest {'input' if matrix == 'A' else 'Leontief'} coefficients "
            f"(arrow: supplier to buyer)",
            "color": "#34495e",
            "dashes": False,
            "arrows": True,
            "from_label": "Supplier (i)",
            "to_label": "Buyer (j)",
            "value_label": "a(i,j)" if matrix == "A" else "l(i,j)",
            "format": "index",
            "opacity": 0.7,
        }
    ]


def sector_html(
    table,
    linkages,
    coefficients,
    path=None,
    *,
    multipliers=None,
    matrix: str = "A",
    max_nodes: int = 1000,
    seed: int = 0,
    units: str | None = None,
    title: str = "Sectors and how they buy from each other",
):
    """Write an interactive, offline HTML page of the sectors of an IO table.

    Parameters
    ----------
    table : IOTable
    linkages : DataFrame
        :func:`linkage.linkages` of the table (colours by key-sector class, tooltips).
    coefficients : tuple of arrays
        ``(rows, cols, values)`` of the links to draw:
        :func:`linkage.analysis.largest_coefficients` of ``matrix``.
    path : str or Path, optional
        Where to write (UTF-8); the HTML text is returned when omitted.
    multipliers : DataFrame, optional
        :func:`linkage.multipliers`; its columns are added to the tooltips.
    matrix : {"A", "L"}
        Which matrix ``coefficients`` come from (input coefficients or Leontief inverse).
    max_nodes : int
        Above this many sectors draw the ones with the largest output and say so.
    seed, units, title
        Layout seed, money unit, page title.

    Returns
    -------
    Path or str

    Examples
    --------
    >>> from linkage import IOTable, linkages
    >>> from linkage.analysis import largest_coefficients
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agriculture", "manufacturing"])
    >>> page = sector_html(t, linkages(t), largest_coefficients(t, "A", 20))
    >>> "manufacturing" in page and "https://" not in page.split("</style>")[0]
    True
    """
    data = sector_page_data(
        table,
        linkages,
        coefficients,
        multipliers=multipliers,
        matrix=matrix,
        max_nodes=max_nodes,
        seed=seed,
        units=units,
    )
    c = data["counts"]
    subtitle = f"{c['sectors']:,} sectors, {c['links']:,} largest links drawn"
    if table.name:
        subtitle = f"{table.name}: {subtitle}"
    explain = (
        "<h2>How to read this picture</h2><ul>"
        "<li>Each <b>circle</b> is a sector of the input-output table; bigger circles "
        "produce more.</li>"
        "<li>The <b>colour</b> is its key-sector class. <b>Red</b>: a key sector, which both "
        "buys much from other sectors (backward linkage above average) and sells much to "
        "them (forward linkage above average): growth there spreads widely. <b>Orange</b>: "
        "strong backward linkage only. <b>Blue</b>: strong forward linkage only. "
        "<b>Grey</b>: both below average.</li>"
        f"<li>An <b>arrow</b> from one sector to another is a large {esc(data['edge_meaning'])}"
        "; thicker arrows are larger coefficients. Only the largest links are drawn, and "
        "each sector's main supplier.</li>"
        "<li>Hover over a circle to see its linkages and multipliers; BL and FL of 1 are the "
        "average of all sectors.</li></ul>"
    )
    page = render_graph_page(data, title=title, subtitle=subtitle, explain_html=explain)
    if path is None:
        return page
    return write_text(Path(path), page)
