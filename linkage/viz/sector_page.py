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
from .charts import CLASS_COLOURS
from .i18n import check_lang, number, t
from .layout import layout_positions
from .page import esc, isolate, render_graph_page, rounded, write_text
from .picture import graph_svg
from .scales import categorical, edge_widths, scale_sizes

__all__ = ["sector_html", "sector_page", "sector_page_data"]

_CLASSES = ["key", "backward", "forward", "weak"]


def _labels(index) -> np.ndarray:
    if isinstance(index, pd.MultiIndex):
        return np.array([" / ".join(str(v) for v in t) for t in index], dtype=object)
    return np.array([str(v) for v in index], dtype=object)


#: Linkage columns shown in the tooltips (labels ``sp.tt.<column>`` in the catalogue).
_LINKAGE_TOOLTIPS = ("bl_total", "fl_total", "bl_direct", "fl_direct", "output_multiplier")


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
    lang: str = "en",
) -> dict:
    """The data a sector page draws (see :func:`sector_html`), its texts in ``lang``."""
    check_choice("matrix", matrix, ("A", "L"), "sector_html")
    check_lang(lang)
    n = table.n
    lk = linkages.reindex(table.sectors)
    x = np.asarray(table.x, dtype=float)
    keep_nodes, notice = _drawn_sectors(x, max_nodes, lang)
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
    values, tooltip = _sector_tooltips(table, lk, multipliers, keep_nodes, x, cls, lang)
    what = t(f"sp.meaning.{matrix}", lang)
    return {
        "kind": "sectors",
        "item": t("sp.item", lang),
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
        "colors": {"title": t("sp.colour_title", lang), "items": _class_legend(class_code, lang)},
        "shapes": [{"shape": "dot", "label": t("sp.shape", lang), "color": None}],
        "borders": [{"label": "", "color": "#444444", "width": 1, "dashes": False}],
        "tooltip": tooltip,
        "filters": _sector_filters(table, keep_nodes, class_code, lang),
        "toggles": [],
        "edges": {
            "from": rows,
            "to": cols,
            "value": rounded(vals, 4),
            "width": edge_widths(vals, 1.0, 8.0),
            "type": np.zeros(len(rows), np.int64),
        },
        "edge_types": _coefficient_edge_types(matrix, lang),
        "units": units if units is not None else (table.units or ""),
        "notice": notice,
        "physics": False,
        "labels": m <= 120,
        "size_note": t("sp.size_note", lang),
        "legend_note": t("sp.legend_note", lang, what=what),
        "counts": {"node_noun": t("sp.noun", lang), "sectors": n, "links": len(rows)},
        "collapsed": False,
        "matrix": matrix,
        "edge_meaning": what,
    }


def _drawn_sectors(x, max_nodes, lang="en"):
    """Positions of the sectors drawn (the ``max_nodes`` largest by output when there are
    more) and the notice that says so, or None."""
    n = len(x)
    if n <= max_nodes:
        return np.arange(n), None
    keep_nodes = np.sort(np.argsort(-x, kind="stable")[:max_nodes])
    notice = t("sp.notice", lang, n=number(n, lang), k=number(max_nodes, lang))
    return keep_nodes, notice


def _links_among(keep_nodes, n, coefficients):
    """The coefficients ``(rows, cols, values)`` between drawn sectors, renumbered."""
    rows, cols, vals = (np.asarray(a) for a in coefficients)
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep_nodes] = np.arange(len(keep_nodes))
    ok = (pos[rows] >= 0) & (pos[cols] >= 0)
    return pos[rows[ok]], pos[cols[ok]], vals[ok]


def _class_legend(class_code, lang="en") -> list:
    """Legend items of the key-sector classes (code 4: not classified) with their counts."""
    items = [
        {
            "label": t(f"class.{c}", lang),
            "color": CLASS_COLOURS[c],
            "count": int((class_code == i).sum()),
        }
        for i, c in enumerate(_CLASSES)
    ]
    items.append(
        {
            "label": t("class.none", lang),
            "color": CLASS_COLOURS[""],
            "count": int((class_code == 4).sum()),
        }
    )
    return items


def _sector_tooltips(table, lk, multipliers, keep_nodes, x, cls, lang="en"):
    """Tooltip values and rows: output, class, the linkages there are, every numeric
    multiplier column."""
    values = {
        "output": rounded(x[keep_nodes]),
        "class": np.array(
            [t(f"class.{c}", lang) if c in _CLASSES else "" for c in cls], dtype=object
        ),
    }
    tooltip = [
        {"key": "output", "label": t("sp.tt.output", lang), "format": "money"},
        {"key": "class", "label": t("sp.tt.class", lang), "format": "text"},
    ]
    for col in _LINKAGE_TOOLTIPS:
        if col in lk:
            values[col] = rounded(lk[col].to_numpy(dtype=float)[keep_nodes], 4)
            tooltip.append({"key": col, "label": t(f"sp.tt.{col}", lang), "format": "index"})
    if multipliers is not None:
        mult = multipliers.reindex(table.sectors)
        for col in mult.columns:
            if pd.api.types.is_numeric_dtype(mult[col]):
                key = f"mult_{col}"
                values[key] = rounded(mult[col].to_numpy(dtype=float)[keep_nodes], 4)
                tooltip.append(
                    {
                        "key": key,
                        "label": t("sp.tt.multiplier", lang, name=_column_name(col, lang)),
                        "format": "num",
                    }
                )
    return values, tooltip


def _column_name(col, lang) -> str:
    """A multiplier column in words (``income_type_i`` -> ``income type i``)."""
    try:
        return t(f"column.{col}", lang)
    except KeyError:
        return str(col).replace("_", " ")


def _sector_filters(table, keep_nodes, class_code, lang="en") -> list:
    """The "Show only" choices: key-sector class, and region for a multi-regional table."""
    filters = [
        {
            "key": "class",
            "label": t("sp.filter.class", lang),
            "options": [t(f"class.{c}", lang) for c in _CLASSES] + [t("class.none", lang)],
            "codes": class_code,
        }
    ]
    if isinstance(table.sectors, pd.MultiIndex):
        codes, opts = categorical(
            np.array([str(t[0]) for t in table.sectors[keep_nodes]], dtype=object),
            np.ones(len(keep_nodes), dtype=bool),
        )
        filters.append(
            {"key": "region", "label": t("sp.filter.region", lang), "options": opts, "codes": codes}
        )
    return filters


def _coefficient_edge_types(matrix, lang="en") -> list:
    """The one kind of edge: the largest coefficients of A or L."""
    return [
        {
            "label": t(f"sp.edges.{matrix}", lang),
            "color": "#34495e",
            "dashes": False,
            "arrows": True,
            "from_label": t("sp.edges.from", lang),
            "to_label": t("sp.edges.to", lang),
            "value_label": "a(i,j)" if matrix == "A" else "l(i,j)",
            "format": "index",
            "opacity": 0.7,
        }
    ]


def sector_page(
    data: dict,
    *,
    table_name: str | None = None,
    title: str | None = None,
    lang: str = "en",
    picture: bool = True,
) -> str:
    """The HTML of a sector page from its data (:func:`sector_page_data`).

    ``picture`` adds the static drawing that replaces the interactive one in print (the
    report leaves it off its frames and prints its own).
    """
    c = data["counts"]
    subtitle = t(
        "sp.subtitle", lang, sectors=number(c["sectors"], lang), links=number(c["links"], lang)
    )
    if table_name:
        subtitle = f"{isolate(table_name)}: {subtitle}"
    explain = t("sp.explain", lang, what=esc(data["edge_meaning"]))
    return render_graph_page(
        data,
        title=title if title is not None else t("sp.title", lang),
        subtitle=subtitle,
        explain_html=explain,
        lang=lang,
        picture=graph_svg(data, lang=lang) if picture else "",
    )


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
    title: str | None = None,
    lang: str = "en",
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
        Layout seed, money unit, page title (default: "Sectors and how they buy from each
        other" in ``lang``).
    lang : {"en", "id"}
        Language of the page (texts, numbers, ``<html lang>``).

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
        lang=lang,
    )
    page = sector_page(data, table_name=table.name, title=title, lang=lang)
    if path is None:
        return page
    return write_text(Path(path), page)
