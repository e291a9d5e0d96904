"""The data of the full network page: one node per firm and per outside party.

:func:`full_network_data` builds, in named steps, what :func:`linkage.viz.network_html`
draws when the network is small enough to show firm by firm: node sizes, colours and their
legend, tooltip figures, filters, the trade and cooperation links (the largest ones when
there are too many) and precomputed positions. :class:`Links` and :data:`EDGE_TYPES` are
shared with the collapsed page (:mod:`linkage.viz.network_collapsed`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .i18n import number, t
from .layout import layout_positions
from .network_nodes import (
    borders,
    float_column,
    node_labels,
    party_kind,
    party_kinds,
    sentra_activity,
    shapes,
    text_column,
)
from .page import rounded
from .scales import categorical, edge_widths, group_colours, scale_sizes

__all__ = ["EDGE_TYPES", "edge_types", "category_texts", "Links", "full_network_data"]


def edge_types(lang: str = "en") -> list:
    """The kinds of link: sales between surveyed firms, sales with outside parties,
    cooperation ties, labelled in ``lang``."""
    sale = {"from_label": t("np.edge.seller", lang), "to_label": t("np.edge.buyer", lang)}
    sale.update(value_label=t("np.edge.value", lang), format="money", dashes=False, arrows=True)
    return [
        dict(sale, label=t("np.edge.firms", lang), color="#34495e", opacity=0.75),
        dict(sale, label=t("np.edge.outside", lang), color="#b0b0b0", opacity=0.7),
        {
            "label": t("np.edge.coop", lang),
            "color": "#2e9e5b",
            "dashes": True,
            "arrows": False,
            "from_label": t("np.edge.between", lang),
            "to_label": t("np.edge.and", lang),
            "value_label": t("np.edge.kind", lang),
            "format": "text",
            "opacity": 0.9,
        },
    ]


#: The kinds of link in English (as before the catalogues).
EDGE_TYPES = edge_types("en")

#: Tooltip rows: key and format (labels ``np.tt.<key>`` in the catalogue).
_TOOLTIP = (
    ("kind", "text"),
    ("id", "text"),
    ("sector", "text"),
    ("sentra", "text"),
    ("activity", "text"),
    ("community", "text"),
    ("size_class", "text"),
    ("workers", "int"),
    ("output", "money"),
    ("sales", "money"),
    ("purchases", "money"),
    ("local_input_share", "share"),
    ("intermediary_sales_share", "share"),
    ("bl", "index"),
    ("fl", "index"),
    ("linkage_class", "text"),
    ("n_transactions", "int"),
)
_FILTERS = ("sentra", "community", "sector")


def _size_note(size_by, lang) -> str:
    return "" if size_by == "none" else t(f"np.size.{size_by}", lang)


def category_texts(values, lang: str = "en") -> np.ndarray:
    """Class names from the results (active, key, small ...) in ``lang``; other text as is.

    Examples
    --------
    >>> category_texts(["active", "", "Trusmi"], "id").tolist()
    ['aktif', '', 'Trusmi']
    """
    out = []
    for v in values:
        try:
            out.append(t(f"value.{v}", lang) if v else v)
        except KeyError:
            out.append(v)
    return np.array(out, dtype=object)


@dataclass(frozen=True)
class Links:
    """The trade links (seller ``src`` to buyer ``dst``, ``val``) and cooperation ties
    (``ca`` with ``cb``) of a network, as integer node positions."""

    src: np.ndarray
    dst: np.ndarray
    val: np.ndarray
    ca: np.ndarray
    cb: np.ndarray

    @classmethod
    def of(cls, network) -> Links:
        """Read the links of a SupplyNetwork."""
        e, co = network.edges, network.cooperation
        return cls(
            src=e["source"].to_numpy(dtype=np.int64),
            dst=e["target"].to_numpy(dtype=np.int64),
            val=e["value"].to_numpy(dtype=float),
            ca=co["a"].to_numpy(dtype=np.int64) if len(co) else np.zeros(0, np.int64),
            cb=co["b"].to_numpy(dtype=np.int64) if len(co) else np.zeros(0, np.int64),
        )


def full_network_data(
    network,
    clusters,
    member,
    *,
    size_by,
    color_by,
    max_edges,
    physics,
    metrics,
    seed,
    units,
    lang="en",
) -> dict:
    """The page data of every firm and outside party (see :func:`network_html`).

    ``member`` is the community of each node (:func:`~linkage.viz.network_nodes.membership`)
    or None; the options are those of :func:`linkage.viz.network_html`, already checked.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "PGP"], "value": [5, 9]})
    >>> data = full_network_data(SupplyNetwork.from_frames(firms, tx), None, None,
    ...     size_by="output", color_by="auto", max_edges=None, physics=False, metrics=None,
    ...     seed=0, units="Rp")
    >>> data["nodes"]["id"].tolist(), data["edges"]["type"].tolist(), data["colors"]["title"]
    (['A', 'B', 'PGP'], [0, 1], 'sector')
    """
    n, nf = network.n_nodes, network.n_firms
    is_firm = np.zeros(n, dtype=bool)
    is_firm[:nf] = True
    shape = party_kind(network)
    border = sentra_activity(network, clusters)
    links = Links.of(network)
    mf = metrics.reindex(network.firms.index) if metrics is not None else None
    figures = _node_figures(network, links, mf)
    colour, items, colour_title = _node_colours(network, member, color_by, is_firm, lang)
    edges, notice = _drawn_edges(network, links, is_firm, max_edges, lang)
    values = _tooltip_values(network, member, mf, shape, border, figures, lang)
    n_trade, n_coop = len(links.src), len(links.ca)
    border_legend = borders(lang)
    return {
        "kind": "firms",
        "item": t("np.item", lang),
        "nodes": {
            "id": values["id"],
            "label": node_labels(network),
            **_positions(n, links, seed),
            "size": _node_sizes(size_by, figures, is_firm),
            "color": colour.astype(np.int64),
            "shape": shape,
            "border": border,
            "values": values,
        },
        "colors": {"title": colour_title, "items": items},
        "shapes": shapes(lang),
        "borders": border_legend if (border > 0).any() else border_legend[:1],
        "border_title": t("np.border_title", lang),
        "tooltip": [{"key": k, "label": t(f"np.tt.{k}", lang), "format": f} for k, f in _TOOLTIP],
        "filters": _filters(values, is_firm, lang),
        "toggles": _toggles(shape, n_trade, n_coop, lang),
        "edges": edges,
        "edge_types": edge_types(lang),
        "units": units,
        "notice": notice,
        "physics": bool(physics),
        "labels": n <= 150,
        "size_note": _size_note(size_by, lang),
        "counts": {
            "node_noun": t("np.noun", lang),
            "firms": nf,
            "nodes": n,
            "trade_links": n_trade,
            "cooperation_ties": n_coop,
        },
        "collapsed": False,
    }


# ------------------------------------------------------------------------- node figures
def _firm_values(frame, column, n, nf) -> np.ndarray:
    """A numeric firm column over all nodes (NaN for outside parties)."""
    out = np.full(n, np.nan)
    out[:nf] = float_column(frame, column, nf)
    return out


def _firm_text(frame, column, n, nf) -> np.ndarray:
    """A text firm column over all nodes (empty for outside parties)."""
    out = np.full(n, "", dtype=object)
    out[:nf] = text_column(frame, column, nf)
    return out


def _node_figures(network, links, mf) -> dict:
    """Per node: sales, purchases, output (sales when not surveyed), workers, BL and FL.

    ``mf`` are the firm metrics (rows in firm order) or None.
    """
    n, nf, firms = network.n_nodes, network.n_firms, network.firms
    sales = np.bincount(links.src, weights=links.val, minlength=n)
    purchases = np.bincount(links.dst, weights=links.val, minlength=n)
    output = _firm_values(firms if "output" in firms else mf, "output", n, nf)
    if np.isnan(output[:nf]).all():
        output[:nf] = sales[:nf]
    return {
        "sales": sales,
        "purchases": purchases,
        "output": output,
        "workers": _firm_values(firms, "workers", n, nf),
        "bl": _firm_values(mf, "bl_total", n, nf),
        "fl": _firm_values(mf, "fl_total", n, nf),
    }


def _node_sizes(size_by, figures, is_firm) -> np.ndarray:
    """Node radius: firms by the chosen quantity, outside parties by the value they trade."""
    if size_by == "output":
        q = figures["output"].copy()
    elif size_by == "workers":
        q = figures["workers"].copy()
    elif size_by == "sales":
        q = figures["sales"].copy()
    elif size_by == "linkage":
        q = np.where(is_firm, (figures["bl"] + figures["fl"]) / 2, np.nan)
    else:
        q = np.full(len(is_firm), np.nan)
    if size_by in ("output", "sales"):
        party = ~is_firm
        q[party] = figures["sales"][party] + figures["purchases"][party]
    size = scale_sizes(q)
    if size_by in ("workers", "linkage", "none"):
        size[~is_firm] = 12.0
    return size


# ------------------------------------------------------------------------- colours
def _community_text(member) -> np.ndarray:
    """Community labels as text for colouring (whole numbers without a decimal point)."""
    return np.array(
        [
            "" if pd.isna(v) else str(int(v)) if isinstance(v, (int, np.integer, float)) else str(v)
            for v in member.to_numpy()
        ],
        dtype=object,
    )


def _node_colours(network, member, color_by, is_firm, lang="en"):
    """Colour code per node, the legend items (largest group first) and the legend title.

    ``color_by="auto"`` is community when there are clusters, else sentra, else sector.
    """
    if color_by == "auto":
        color_by = (
            "community"
            if member is not None
            else "sentra"
            if "sentra" in network.firms
            else "sector"
        )
    if color_by == "community":
        if member is None:
            raise ValueError("color_by='community' needs clusters (a Clusters result or Series)")
        group_values = _community_text(member)
        title = t("np.colour.community", lang)
    else:
        group_values = _firm_text(network.firms, color_by, network.n_nodes, network.n_firms)
        title = t(f"np.colour.{color_by}", lang)
    gcodes, glabels = categorical(group_values, is_firm)
    counts = np.bincount(gcodes[gcodes >= 0], minlength=len(glabels))
    if color_by == "community":
        glabels = [t("np.community", lang, name=g) for g in glabels]
    items, remap = group_colours(glabels, counts)
    colour = np.where(gcodes >= 0, remap[np.maximum(gcodes, 0)] if len(remap) else 0, 0)
    return colour, items, title


# ------------------------------------------------------------------------- edges
def _drawn_edges(network, links, is_firm, max_edges, lang="en"):
    """The edge columns (every cooperation tie; the largest trade links above
    ``max_edges``) and the notice that says so, or None."""
    src, dst, val = links.src, links.dst, links.val
    co = network.cooperation
    ckind = text_column(co, "kind", len(co)) if len(co) else np.zeros(0, dtype=object)
    n_trade, n_coop = len(src), len(links.ca)
    keep = np.arange(n_trade)
    notice = None
    if max_edges is not None and n_trade + n_coop > max_edges:
        k = max(max_edges - n_coop, 0)
        keep = np.sort(np.argsort(-val, kind="stable")[:k])
        notice = t(
            "np.notice.edges",
            lang,
            k=number(len(keep), lang),
            n=number(n_trade, lang),
            ties=number(n_coop, lang),
        )
    trade_type = np.where(is_firm[src] & is_firm[dst], 0, 1)
    edges = {
        "from": np.concatenate([src[keep], links.ca]),
        "to": np.concatenate([dst[keep], links.cb]),
        "value": list(rounded(val[keep]))
        + [k or t("np.edge.cooperation", lang) for k in ckind.tolist()],
        "width": np.concatenate([edge_widths(val)[keep], np.full(n_coop, 2.0)]),
        "type": np.concatenate([trade_type[keep], np.full(n_coop, 2)]).astype(np.int64),
    }
    return edges, notice


def _positions(n, links, seed) -> dict:
    """Layout ``x`` and ``y`` over every link (drawn or not); larger trade pulls closer."""
    val = links.val
    weights = np.concatenate(
        [
            1.0 + np.log1p(val / max(np.median(val), 1e-12)) if len(val) else np.zeros(0),
            np.full(len(links.ca), 2.0),
        ]
    )
    x, y = layout_positions(
        n,
        np.concatenate([links.src, links.ca]),
        np.concatenate([links.dst, links.cb]),
        weights,
        seed=seed,
        spacing=55.0,
    )
    return {"x": x, "y": y}


# ------------------------------------------------------------------------- tooltips, filters
def _tooltip_values(network, member, mf, shape, border, figures, lang="en") -> dict:
    """The figures each node's tooltip shows, keyed as in the tooltip rows."""
    n, nf, firms = network.n_nodes, network.n_firms, network.firms
    kinds = party_kinds(lang)
    activity = ["", t("activity.active", lang), t("activity.passive", lang)]
    community = np.full(n, "", dtype=object)
    if member is not None:
        community = np.array(
            ["" if pd.isna(v) else str(v) for v in member.to_numpy()], dtype=object
        )
    n_tx = np.full(n, np.nan)
    if n > nf:
        parties = network.parties.reindex(network.nodes[nf:])
        if "n_transactions" in parties:
            n_tx[nf:] = float_column(parties, "n_transactions", n - nf)
    return {
        "kind": np.array(kinds, dtype=object)[shape],
        "id": np.asarray(network.nodes.astype(str), dtype=object),
        "sector": _firm_text(firms, "sector", n, nf),
        "sentra": _firm_text(firms, "sentra", n, nf),
        "activity": np.array(activity, dtype=object)[border],
        "community": community,
        "size_class": category_texts(_firm_text(firms, "size_class", n, nf), lang),
        "workers": figures["workers"],
        "output": rounded(figures["output"]),
        "sales": rounded(figures["sales"]),
        "purchases": rounded(figures["purchases"]),
        "local_input_share": rounded(_firm_values(mf, "local_input_share", n, nf), 4),
        "intermediary_sales_share": rounded(_firm_values(mf, "intermediary_sales_share", n, nf), 4),
        "bl": rounded(figures["bl"], 4),
        "fl": rounded(figures["fl"], 4),
        "linkage_class": category_texts(_firm_text(mf, "linkage_class", n, nf), lang)
        if mf is not None
        else np.full(n, "", dtype=object),
        "n_transactions": n_tx,
    }


def _filters(values, is_firm, lang="en") -> list:
    """A "Show only" choice for sentra, community and sector when it has two options."""
    filters = []
    for key in _FILTERS:
        codes, opts = categorical(values[key], is_firm)
        if len(opts) > 1:
            label = t(f"np.filter.{key}", lang)
            filters.append({"key": key, "label": label, "options": opts, "codes": codes})
    return filters


def _toggles(shape, n_trade, n_coop, lang="en") -> list:
    """Show/hide switches for outside parties, trade links and cooperation ties."""
    toggles = []
    if (shape > 0).any():
        toggles.append(
            {
                "label": t("np.toggle.parties", lang),
                "target": "nodes",
                "values": [1, 2, 3, 4],
            }
        )
    if n_trade:
        toggles.append({"label": t("np.toggle.trade", lang), "target": "edges", "values": [0, 1]})
    if n_coop:
        toggles.append({"label": t("np.toggle.coop", lang), "target": "edges", "values": [2]})
    return toggles
