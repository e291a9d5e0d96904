"""The interactive supplier-buyer network page: :func:`network_html`.

Firms are circles (size by output, workers or linkage; colour by community, sentra or
sector; border by the activity of their sentra), outside parties have their own shapes
(middlemen / *pengepul*, outside suppliers, outside buyers), trade is an arrow from seller
to buyer whose width grows with the value, cooperation ties are dashed. Above
``max_nodes`` nodes the page shows one node per sentra (or community, or sector) and says
so. Positions are computed here (:mod:`linkage.viz.layout`), so the page opens at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .layout import layout_positions
from .page import esc, palette, render_graph_page, rounded, write_text
from .scales import categorical, edge_widths, group_colours, scale_sizes

__all__ = ["network_html", "network_page_data"]

DEFAULT_MAX_NODES = 5000
DEFAULT_MAX_EDGES = 50000

# node shapes: index 0 is a firm, then the kinds of outside party
SHAPES = [
    {"shape": "dot", "label": "Firm in the survey (IKM / household industry)", "color": None},
    {"shape": "diamond", "label": "Middleman (pengepul) outside the survey", "color": "#3b3b3b"},
    {"shape": "triangle", "label": "Outside supplier (sells to the firms)", "color": "#9a9a9a"},
    {"shape": "triangleDown", "label": "Outside buyer (buys from the firms)", "color": "#9a9a9a"},
    {"shape": "square", "label": "Outside party that both sells and buys", "color": "#6b6b6b"},
]
_PARTY_GROUP_LABELS = [
    "",
    "Middlemen (pengepul)",
    "Outside suppliers",
    "Outside buyers",
    "Outside suppliers and buyers",
]
BORDERS = [
    {"label": "sentra not classified", "color": "#555555", "width": 1, "dashes": False},
    {
        "label": "active sentra: firms trade or cooperate with each other",
        "color": "#1a7f37",
        "width": 4,
        "dashes": False,
    },
    {
        "label": "passive sentra: firms sit together but barely interact",
        "color": "#111111",
        "width": 3,
        "dashes": True,
    },
]
EDGE_TYPES = [
    {
        "label": "Sale between surveyed firms (arrow: seller to buyer)",
        "color": "#34495e",
        "dashes": False,
        "arrows": True,
        "from_label": "Seller",
        "to_label": "Buyer",
        "value_label": "Value",
        "format": "money",
        "opacity": 0.75,
    },
    {
        "label": "Sale to or from an outside party",
        "color": "#b0b0b0",
        "dashes": False,
        "arrows": True,
        "from_label": "Seller",
        "to_label": "Buyer",
        "value_label": "Value",
        "format": "money",
        "opacity": 0.7,
    },
    {
        "label": "Cooperation tie (shared equipment, joint buying or marketing)",
        "color": "#2e9e5b",
        "dashes": True,
        "arrows": False,
        "from_label": "Between",
        "to_label": "and",
        "value_label": "Kind",
        "format": "text",
        "opacity": 0.9,
    },
]
_BORDER_CODE = {"active": 1, "passive": 2}
_SIZE_BY = ("output", "workers", "linkage", "sales", "none")
_COLOR_BY = ("auto", "community", "sentra", "sector")


# ------------------------------------------------------------------------- inputs
def _membership(network, clusters):
    """Community label per node (Series indexed like network.nodes) or None."""
    if clusters is None:
        return None
    member = getattr(clusters, "membership", clusters)
    if not isinstance(member, pd.Series):
        raise TypeError(
            f"clusters must be a Clusters result or a Series of community labels, "
            f"got {type(clusters).__name__}"
        )
    member = member.copy()
    member.index = member.index.astype(str)
    return member.reindex(network.nodes)


def _sentra_activity(network, clusters) -> np.ndarray:
    """Border code per node from the activity class of the firm's sentra (0 elsewhere)."""
    codes = np.zeros(network.n_nodes, dtype=np.int64)
    table = getattr(clusters, "sentra", None)
    firms = network.firms
    if table is None or "activity" not in getattr(table, "columns", ()) or "sentra" not in firms:
        return codes
    activity = table["activity"].astype(str)
    activity.index = activity.index.astype(str)
    per_firm = firms["sentra"].astype(str).map(activity)
    codes[: network.n_firms] = per_firm.map(_BORDER_CODE).fillna(0).to_numpy(dtype=np.int64)
    return codes


def _party_kind(network) -> np.ndarray:
    """Shape code of every node: 0 firm, 1 middleman, 2 outside supplier, 3 buyer, 4 both."""
    kind = np.zeros(network.n_nodes, dtype=np.int64)
    parties = network.parties
    if network.n_nodes > network.n_firms:
        p = parties.reindex(network.nodes[network.n_firms :])
        role = p["role"].astype(str).to_numpy() if "role" in p else np.full(len(p), "both")
        code = np.where(role == "outside_supplier", 2, np.where(role == "outside_buyer", 3, 4))
        if "is_intermediary" in p:
            code = np.where(p["is_intermediary"].fillna(False).to_numpy(dtype=bool), 1, code)
        kind[network.n_firms :] = code
    return kind


def _text_column(frame, column, n, default="") -> np.ndarray:
    if frame is None or column not in frame:
        return np.full(n, default, dtype=object)
    values = frame[column]
    out = values.astype(object).where(values.notna(), default).to_numpy()
    return np.array([str(v) for v in out], dtype=object)


def _float_column(frame, column, n) -> np.ndarray:
    if frame is None or column not in frame:
        return np.full(n, np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _node_labels(network) -> np.ndarray:
    ids = np.asarray(network.nodes.astype(str), dtype=object)
    labels = ids.copy()
    nf = network.n_firms
    if "name" in network.firms:
        names = _text_column(network.firms, "name", nf)
        labels[:nf] = np.where([bool(s.strip()) for s in names], names, ids[:nf])
    if nf < network.n_nodes and "name" in network.parties:
        names = _text_column(network.parties.reindex(network.nodes[nf:]), "name", len(ids) - nf)
        labels[nf:] = np.where([bool(s.strip()) for s in names], names, ids[nf:])
    return labels


# ------------------------------------------------------------------------- page data
def network_page_data(
    network,
    clusters=None,
    *,
    size_by: str = "output",
    color_by: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    collapse_by: str = "auto",
    physics: bool = False,
    metrics=None,
    seed: int = 0,
    units: str = "Rp",
) -> dict:
    """The data a network page draws (see :func:`network_html` for the parameters)."""
    if size_by not in _SIZE_BY:
        raise ValueError(
            f"The 'size_by' parameter of network_html must be one of {set(_SIZE_BY)}. "
            f"Got {size_by!r} instead."
        )
    if color_by not in _COLOR_BY:
        raise ValueError(
            f"The 'color_by' parameter of network_html must be one of {set(_COLOR_BY)}. "
            f"Got {color_by!r} instead."
        )
    member = _membership(network, clusters)
    if max_nodes is not None and network.n_nodes > max_nodes:
        return _collapsed_data(
            network,
            clusters,
            member,
            max_nodes=max_nodes,
            max_edges=max_edges,
            collapse_by=collapse_by,
            physics=physics,
            seed=seed,
            units=units,
        )
    return _full_data(
        network,
        clusters,
        member,
        size_by=size_by,
        color_by=color_by,
        max_edges=max_edges,
        physics=physics,
        metrics=metrics,
        seed=seed,
        units=units,
    )


def _full_data(
    network, clusters, member, *, size_by, color_by, max_edges, physics, metrics, seed, units
):
    n, nf = network.n_nodes, network.n_firms
    firms = network.firms
    is_firm = np.zeros(n, dtype=bool)
    is_firm[:nf] = True
    shape = _party_kind(network)
    border = _sentra_activity(network, clusters)
    labels = _node_labels(network)
    ids = np.asarray(network.nodes.astype(str), dtype=object)

    e = network.edges
    src = e["source"].to_numpy(dtype=np.int64)
    dst = e["target"].to_numpy(dtype=np.int64)
    val = e["value"].to_numpy(dtype=float)
    sales = np.bincount(src, weights=val, minlength=n)
    purchases = np.bincount(dst, weights=val, minlength=n)

    mf = metrics.reindex(firms.index) if metrics is not None else None

    def firm_values(column, source=None):
        out = np.full(n, np.nan)
        frame = source if source is not None else mf
        out[:nf] = _float_column(frame, column, nf)
        return out

    def firm_text(column, source=None):
        out = np.full(n, "", dtype=object)
        frame = source if source is not None else firms
        out[:nf] = _text_column(frame, column, nf)
        return out

    output = firm_values("output", firms) if "output" in firms else firm_values("output")
    if np.isnan(output[:nf]).all():
        output[:nf] = sales[:nf]
    workers = firm_values("workers", firms)
    bl, fl = firm_values("bl_total"), firm_values("fl_total")

    # sizes: firms by the chosen quantity, outside parties by the value they trade
    if size_by == "output":
        q = output.copy()
    elif size_by == "workers":
        q = workers.copy()
    elif size_by == "sales":
        q = sales.copy()
    elif size_by == "linkage":
        q = np.where(is_firm, (bl + fl) / 2, np.nan)
    else:
        q = np.full(n, np.nan)
    size_note = {
        "output": "Bigger firm circles produce more (output, or sales when output was not "
        "surveyed); outside parties are sized by the value they trade.",
        "workers": "Bigger firm circles have more workers.",
        "sales": "Bigger shapes sell more.",
        "linkage": "Bigger firm circles have stronger linkages (average of BL and FL).",
        "none": "",
    }[size_by]
    if size_by in ("output", "sales"):
        q[~is_firm] = sales[~is_firm] + purchases[~is_firm]
    size = scale_sizes(q)
    if size_by in ("workers", "linkage", "none"):
        size[~is_firm] = 12.0

    # colours
    if color_by == "auto":
        color_by = (
            "community" if member is not None else "sentra" if "sentra" in firms else "sector"
        )
    if color_by == "community":
        if member is None:
            raise ValueError("color_by='community' needs clusters (a Clusters result or Series)")
        group_values = np.array(
            [
                ""
                if pd.isna(v)
                else str(int(v))
                if isinstance(v, (int, np.integer, float))
                else str(v)
                for v in member.to_numpy()
            ],
            dtype=object,
        )
        colour_title = "community (groups of firms that trade or cooperate most with each other)"
    else:
        group_values = firm_text(color_by)
        colour_title = {"sentra": "sentra", "sector": "sector"}[color_by]
    gcodes, glabels = categorical(group_values, is_firm)
    counts = np.bincount(gcodes[gcodes >= 0], minlength=len(glabels))
    if color_by == "community":
        glabels = [f"community {g}" for g in glabels]
    items, remap = group_colours(glabels, counts)
    colour = np.where(gcodes >= 0, remap[np.maximum(gcodes, 0)] if len(remap) else 0, 0)

    # edges: trade (firm-firm, with outside), cooperation
    trade_type = np.where(is_firm[src] & is_firm[dst], 0, 1)
    co = network.cooperation
    ca = co["a"].to_numpy(dtype=np.int64) if len(co) else np.zeros(0, np.int64)
    cb = co["b"].to_numpy(dtype=np.int64) if len(co) else np.zeros(0, np.int64)
    ckind = _text_column(co, "kind", len(co)) if len(co) else np.zeros(0, dtype=object)
    notice = None
    n_trade, n_coop = len(src), len(ca)
    keep = np.arange(n_trade)
    if max_edges is not None and n_trade + n_coop > max_edges:
        k = max(max_edges - n_coop, 0)
        keep = np.sort(np.argsort(-val, kind="stable")[:k])
        notice = (
            f"This page draws the {len(keep):,} largest of {n_trade:,} trade links "
            f"(and all {n_coop:,} cooperation ties) to stay quick in a browser; the figures "
            f"in the tooltips count every link."
        )
    widths_trade = edge_widths(val)[keep]
    edges = {
        "from": np.concatenate([src[keep], ca]),
        "to": np.concatenate([dst[keep], cb]),
        "value": list(rounded(val[keep])) + [k or "cooperation" for k in ckind.tolist()],
        "width": np.concatenate([widths_trade, np.full(n_coop, 2.0)]),
        "type": np.concatenate([trade_type[keep], np.full(n_coop, 2)]).astype(np.int64),
    }

    # positions
    weights = np.concatenate(
        [
            1.0 + np.log1p(val / max(np.median(val), 1e-12)) if len(val) else np.zeros(0),
            np.full(n_coop, 2.0),
        ]
    )
    x, y = layout_positions(
        n, np.concatenate([src, ca]), np.concatenate([dst, cb]), weights, seed=seed, spacing=55.0
    )

    # tooltip values
    kind_label = np.array(["Firm"] + [s["label"].split(" (")[0] for s in SHAPES[1:]], dtype=object)[
        shape
    ]
    activity = np.array(["", "active", "passive"], dtype=object)[border]
    community = np.full(n, "", dtype=object)
    if member is not None:
        community = np.array(
            ["" if pd.isna(v) else str(v) for v in member.to_numpy()], dtype=object
        )
    parties = network.parties.reindex(network.nodes[nf:]) if n > nf else None
    n_tx = np.full(n, np.nan)
    if parties is not None and "n_transactions" in parties:
        n_tx[nf:] = _float_column(parties, "n_transactions", n - nf)
    values = {
        "kind": kind_label,
        "id": ids,
        "sector": firm_text("sector"),
        "sentra": firm_text("sentra"),
        "activity": activity,
        "community": community,
        "size_class": firm_text("size_class"),
        "workers": workers,
        "output": rounded(output),
        "sales": rounded(sales),
        "purchases": rounded(purchases),
        "local_input_share": rounded(firm_values("local_input_share"), 4),
        "intermediary_sales_share": rounded(firm_values("intermediary_sales_share"), 4),
        "bl": rounded(bl, 4),
        "fl": rounded(fl, 4),
        "linkage_class": firm_text("linkage_class", mf)
        if mf is not None
        else np.full(n, "", dtype=object),
        "n_transactions": n_tx,
    }
    tooltip = [
        {"key": "kind", "label": "Type", "format": "text"},
        {"key": "id", "label": "ID", "format": "text"},
        {"key": "sector", "label": "Sector", "format": "text"},
        {"key": "sentra", "label": "Sentra", "format": "text"},
        {"key": "activity", "label": "Sentra activity", "format": "text"},
        {"key": "community", "label": "Community", "format": "text"},
        {"key": "size_class", "label": "Size class", "format": "text"},
        {"key": "workers", "label": "Workers", "format": "int"},
        {"key": "output", "label": "Output", "format": "money"},
        {"key": "sales", "label": "Sales", "format": "money"},
        {"key": "purchases", "label": "Purchases", "format": "money"},
        {"key": "local_input_share", "label": "Inputs bought locally", "format": "share"},
        {"key": "intermediary_sales_share", "label": "Sales via middlemen", "format": "share"},
        {"key": "bl", "label": "Backward linkage (BL)", "format": "index"},
        {"key": "fl", "label": "Forward linkage (FL)", "format": "index"},
        {"key": "linkage_class", "label": "Linkage class", "format": "text"},
        {"key": "n_transactions", "label": "Transactions", "format": "int"},
    ]
    filters = []
    for key, title in (("sentra", "Sentra"), ("community", "Community"), ("sector", "Sector")):
        col = values[key]
        codes, opts = categorical(col, is_firm)
        if len(opts) > 1:
            filters.append({"key": key, "label": title, "options": opts, "codes": codes})
    toggles = []
    if (shape > 0).any():
        toggles.append(
            {
                "label": "outside parties (middlemen, suppliers, buyers)",
                "target": "nodes",
                "values": [1, 2, 3, 4],
            }
        )
    if n_trade:
        toggles.append({"label": "trade links", "target": "edges", "values": [0, 1]})
    if n_coop:
        toggles.append({"label": "cooperation ties", "target": "edges", "values": [2]})
    return {
        "kind": "firms",
        "item": "firm",
        "nodes": {
            "id": ids,
            "label": labels,
            "x": x,
            "y": y,
            "size": size,
            "color": colour.astype(np.int64),
            "shape": shape,
            "border": border,
            "values": values,
        },
        "colors": {"title": colour_title, "items": items},
        "shapes": SHAPES,
        "borders": BORDERS if (border > 0).any() else BORDERS[:1],
        "border_title": "Border: activity of the firm's sentra",
        "tooltip": tooltip,
        "filters": filters,
        "toggles": toggles,
        "edges": edges,
        "edge_types": EDGE_TYPES,
        "units": units,
        "notice": notice,
        "physics": bool(physics),
        "labels": n <= 150,
        "size_note": size_note,
        "counts": {
            "node_noun": "firms and outside parties",
            "firms": nf,
            "nodes": n,
            "trade_links": n_trade,
            "cooperation_ties": n_coop,
        },
        "collapsed": False,
    }


def _collapsed_data(
    network, clusters, member, *, max_nodes, max_edges=None, collapse_by, physics, seed, units
):
    """One node per sentra / community / sector plus one per kind of outside party."""
    n, nf = network.n_nodes, network.n_firms
    firms = network.firms
    if collapse_by == "auto":
        collapse_by = (
            "sentra" if "sentra" in firms else "community" if member is not None else "sector"
        )
    if collapse_by == "community":
        if member is None:
            raise ValueError("collapse_by='community' needs clusters")
        keys = np.array(
            [
                f"community {v}" if not pd.isna(v) else "(no community)"
                for v in member.to_numpy()[:nf]
            ],
            dtype=object,
        )
    elif collapse_by in ("sentra", "sector"):
        if collapse_by not in firms:
            raise ValueError(f"collapse_by={collapse_by!r} but the firms have no such column")
        keys = _text_column(firms, collapse_by, nf)
        keys = np.where(keys == "", f"(no {collapse_by})", keys)
    else:
        raise ValueError(
            f"The 'collapse_by' parameter of network_html must be one of "
            f"{{'auto', 'sentra', 'community', 'sector'}}. Got {collapse_by!r} instead."
        )
    group_labels, gcode = np.unique(keys.astype(str), return_inverse=True)
    n_groups = len(group_labels)
    size_firms = np.bincount(gcode, minlength=n_groups)
    kind = _party_kind(network)
    party_groups = sorted(set(kind[nf:].tolist()))
    limit = max(max_nodes - len(party_groups), 1)
    merged_note = ""
    if n_groups > limit:  # keep the largest groups, merge the rest into one node
        order = np.argsort(-size_firms, kind="stable")
        rank = np.empty(n_groups, dtype=np.int64)
        rank[order] = np.arange(n_groups)
        gcode = np.where(rank[gcode] < limit - 1, rank[gcode], limit - 1)
        group_labels = np.append(
            group_labels[order[: limit - 1]], f"(other {n_groups - limit + 1:,} groups)"
        )
        merged_note = (
            f" The {n_groups - limit + 1:,} smallest of {n_groups:,} groups are "
            f"merged into one node."
        )
        n_groups = limit
    node_group = np.empty(n, dtype=np.int64)
    node_group[:nf] = gcode
    party_slot = {k: n_groups + j for j, k in enumerate(party_groups)}
    node_group[nf:] = [party_slot[k] for k in kind[nf:]]
    G = n_groups + len(party_groups)
    labels = np.array(
        list(group_labels) + [_PARTY_GROUP_LABELS[k] for k in party_groups], dtype=object
    )
    shape = np.array([0] * n_groups + party_groups, dtype=np.int64)

    e = network.edges
    src = e["source"].to_numpy(dtype=np.int64)
    dst = e["target"].to_numpy(dtype=np.int64)
    val = e["value"].to_numpy(dtype=float)
    gs, gt = node_group[src], node_group[dst]
    internal = np.bincount(gs[gs == gt], weights=val[gs == gt], minlength=G)
    sales = np.bincount(gs, weights=val, minlength=G) - internal
    purchases = np.bincount(gt, weights=val, minlength=G) - internal
    between = pd.DataFrame({"s": gs, "t": gt, "v": val})[gs != gt]
    agg = between.groupby(["s", "t"], sort=True)["v"].agg(["sum", "count"]).reset_index()
    n_flows = len(agg)

    co = network.cooperation
    ca = node_group[co["a"].to_numpy(dtype=np.int64)] if len(co) else np.zeros(0, np.int64)
    cb = node_group[co["b"].to_numpy(dtype=np.int64)] if len(co) else np.zeros(0, np.int64)
    coop_internal = np.bincount(ca[ca == cb], minlength=G).astype(float)
    cagg = (
        pd.DataFrame({"a": np.minimum(ca, cb), "b": np.maximum(ca, cb)})[ca != cb]
        .value_counts()
        .reset_index(name="count")
        .sort_values(["a", "b"])
    )

    edge_note = ""
    if max_edges is not None and n_flows + len(cagg) > max_edges:
        # as the full page: the largest flows, every cooperation count
        k = max(max_edges - len(cagg), 0)
        top = np.sort(np.argsort(-agg["sum"].to_numpy(), kind="stable")[:k])
        agg = agg.iloc[top].reset_index(drop=True)
        if len(cagg) > max_edges:
            cagg = cagg.sort_values("count", ascending=False, kind="stable").iloc[:max_edges]
            cagg = cagg.sort_values(["a", "b"]).reset_index(drop=True)
        edge_note = (
            f" It draws the {len(agg):,} largest of {n_flows:,} flows between groups to stay "
            f"quick in a browser; the figures in the tooltips count every link."
        )

    members = np.bincount(node_group, minlength=G)
    workers = np.full(G, np.nan)
    output = np.full(G, np.nan)
    if "workers" in firms:
        w = _float_column(firms, "workers", nf)
        workers[:n_groups] = np.bincount(gcode, weights=np.nan_to_num(w), minlength=n_groups)
    out_firm = _float_column(firms, "output", nf) if "output" in firms else None
    if out_firm is None or np.isnan(out_firm).all():
        out_firm = np.bincount(src, weights=val, minlength=n)[:nf]
    output[:n_groups] = np.bincount(gcode, weights=np.nan_to_num(out_firm), minlength=n_groups)
    q = np.where(shape == 0, output, sales + purchases)

    activity = np.full(G, "", dtype=object)
    border = np.zeros(G, dtype=np.int64)
    table = getattr(clusters, "sentra", None)
    if collapse_by == "sentra" and table is not None and "activity" in table:
        act = table["activity"].astype(str)
        act.index = act.index.astype(str)
        for g in range(n_groups):
            a = act.get(str(labels[g]), "")
            activity[g] = a
            border[g] = _BORDER_CODE.get(a, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        internal_share = np.where(shape == 0, internal / (internal + sales + purchases), np.nan)

    colours = palette(n_groups)
    order = np.argsort(-members[:n_groups], kind="stable")
    colour = np.zeros(G, dtype=np.int64)
    colour[order] = np.arange(n_groups)
    items = [
        {"label": str(labels[g]), "color": colours[r], "count": int(members[g])}
        for r, g in enumerate(order)
    ]

    x, y = layout_positions(
        G,
        np.concatenate([agg["s"], cagg["a"]]),
        np.concatenate([agg["t"], cagg["b"]]),
        np.concatenate(
            [
                1 + np.log1p(agg["sum"] / max(agg["sum"].median(), 1)) if len(agg) else np.zeros(0),
                np.ones(len(cagg)),
            ]
        ),
        seed=seed,
        spacing=120.0,
    )
    noun = {"sentra": "sentra", "community": "community", "sector": "sector"}[collapse_by]
    notice = (
        f"This network has {nf:,} firms and {n - nf:,} outside parties, more than the "
        f"{max_nodes:,} points this page draws one by one. So each circle here is a whole "
        f"{noun} (its size is the group's total output) and each shape is one kind of "
        f"outside party; each arrow is the total trade from one group to another.{merged_note}"
        f"{edge_note} To see single firms, make the page for one sentra at a time."
    )
    edge_types = [
        dict(EDGE_TYPES[0], label=f"Sales from one {noun} to another (total)"),
        dict(EDGE_TYPES[1], label="Sales to or from outside parties (total)"),
        dict(
            EDGE_TYPES[2],
            label="Cooperation ties between groups (count)",
            value_label="Ties",
            format="int",
        ),
    ]
    is_grp = shape == 0
    ttype = np.where(is_grp[agg["s"].to_numpy()] & is_grp[agg["t"].to_numpy()], 0, 1)
    edges = {
        "from": np.concatenate([agg["s"], cagg["a"]]).astype(np.int64),
        "to": np.concatenate([agg["t"], cagg["b"]]).astype(np.int64),
        "value": np.concatenate([rounded(agg["sum"]), cagg["count"].to_numpy(dtype=float)]),
        "width": np.concatenate([edge_widths(agg["sum"]), edge_widths(cagg["count"], 1.5, 6.0)]),
        "type": np.concatenate([ttype, np.full(len(cagg), 2)]).astype(np.int64),
    }
    values = {
        "members": members.astype(float),
        "workers": workers,
        "output": rounded(output),
        "sales": rounded(sales),
        "purchases": rounded(purchases),
        "internal": rounded(np.where(shape == 0, internal, np.nan)),
        "internal_share": rounded(internal_share, 4),
        "coop_internal": np.where(shape == 0, coop_internal, np.nan),
        "activity": activity,
    }
    tooltip = [
        {"key": "members", "label": "Firms / parties in the group", "format": "int"},
        {"key": "workers", "label": "Workers", "format": "int"},
        {"key": "output", "label": "Output", "format": "money"},
        {"key": "internal", "label": "Trade inside the group", "format": "money"},
        {"key": "internal_share", "label": "Share of its trade inside", "format": "share"},
        {"key": "sales", "label": "Sales to other groups", "format": "money"},
        {"key": "purchases", "label": "Purchases from other groups", "format": "money"},
        {"key": "coop_internal", "label": "Cooperation ties inside", "format": "int"},
        {"key": "activity", "label": "Sentra activity", "format": "text"},
    ]
    toggles = []
    if party_groups:
        toggles.append({"label": "outside parties", "target": "nodes", "values": [1, 2, 3, 4]})
    if len(cagg):
        toggles.append({"label": "cooperation ties", "target": "edges", "values": [2]})
    return {
        "kind": "groups",
        "item": noun,
        "nodes": {
            "id": labels,
            "label": labels,
            "x": x,
            "y": y,
            "size": scale_sizes(q, 10, 60),
            "color": colour,
            "shape": shape,
            "border": border,
            "values": values,
        },
        "colors": {"title": noun, "items": items},
        "shapes": [dict(SHAPES[0], label=f"A whole {noun} (all its surveyed firms)")] + SHAPES[1:],
        "borders": BORDERS if (border > 0).any() else BORDERS[:1],
        "border_title": "Border: activity of the sentra",
        "tooltip": tooltip,
        "filters": [],
        "toggles": toggles,
        "edges": edges,
        "edge_types": edge_types,
        "units": units,
        "notice": notice,
        "physics": bool(physics),
        "labels": G <= 200,
        "size_note": f"Bigger circles are {noun}s with more output.",
        "counts": {
            "node_noun": "groups",
            "firms": nf,
            "nodes": n,
            "groups": G,
            "trade_links": len(src),
            "cooperation_ties": len(co),
        },
        "collapsed": True,
    }


# ------------------------------------------------------------------------- page
def _explain_network(data: dict) -> str:
    c = data["counts"]
    parts = ["<h2>How to read this picture</h2>", "<ul>"]
    if data["collapsed"]:
        parts.append(f"<li>{esc(data['notice'])}</li>")
    else:
        parts.append(
            f"<li>Each <b>circle</b> is one of the {c['firms']:,} firms in the survey (IKM, "
            f"small and household industries). {esc(data['size_note'])} The colour shows the "
            f"firm's {esc(data['colors']['title'])}.</li>"
        )
    parts.append(
        "<li>Other shapes are <b>outside parties</b>: buyers and sellers named in the survey "
        "who are not surveyed firms. A dark <b>diamond</b> is a middleman (<i>pengepul</i>) who "
        "collects the firms' products; a <b>triangle</b> is an outside supplier, an upside-down "
        "triangle an outside buyer.</li>"
        "<li>An <b>arrow</b> is a sale, from seller to buyer; thicker arrows carry more money. "
        "Dark arrows are sales between surveyed firms (the local linkages a sentra lives on), "
        "light grey ones go to or come from outside. <b>Dashed green lines</b> are cooperation "
        "ties: shared equipment, buying raw materials together, joint marketing.</li>"
    )
    if any(b["label"].startswith("active") for b in data["borders"]):
        parts.append(
            "<li>The <b>border</b> tells what kind of cluster the firm's sentra is. A thick "
            "green border: an <b>active</b> sentra, whose firms trade with each other or work "
            "together. A dashed black border: a <b>passive</b> sentra, whose firms sit close "
            "together but mostly buy from outside and sell through middlemen.</li>"
        )
    if data["collapsed"]:
        parts.append(
            "<li>Hover over a circle to see the group's figures: its firms, workers and "
            "output, the trade that stays inside it and its sales to and purchases from "
            "other groups. Use <b>Find</b> to search a group by name. Scroll to zoom, drag "
            "to move.</li></ul>"
        )
    else:
        parts.append(
            "<li>Hover over a shape to see its figures; click it to keep them at the left. "
            "<b>BL</b> (backward linkage) is how much a firm's purchases pull on the others; "
            "<b>FL</b> (forward linkage) is how much the others depend on what it sells. "
            "1 is the average; above 1 means stronger than average. <i>Inputs bought "
            "locally</i> is the share of the firm's purchases made from firms inside the "
            "study area.</li>"
            "<li>Use <b>Find a firm</b> to search by name, and <b>Show only</b> to look at "
            "one sentra, community or sector. Scroll to zoom, drag to move.</li></ul>"
        )
    return "\n".join(parts)


def network_html(
    network,
    clusters=None,
    path=None,
    *,
    size_by: str = "output",
    color_by: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    collapse_by: str = "auto",
    physics: bool = False,
    metrics=None,
    seed: int = 0,
    units: str = "Rp",
    title: str = "Supplier-buyer network",
    subtitle: str | None = None,
):
    """Write an interactive, offline HTML page of a supplier-buyer network.

    Parameters
    ----------
    network : SupplyNetwork
    clusters : Clusters or Series, optional
        From :func:`linkage.network.communities.find_clusters` (colours by community and borders by
        sentra activity) or just a community Series indexed like ``network.nodes``.
    path : str or Path, optional
        Where to write the page (UTF-8). When omitted the HTML text is returned.
    size_by : {"output", "workers", "linkage", "sales", "none"}
        What a firm's circle size shows (area proportional to the quantity).
    color_by : {"auto", "community", "sentra", "sector"}
        ``"auto"``: community when clusters are given, else sentra, else sector.
    max_nodes : int or None
        Above this many nodes (firms plus outside parties) draw one node per sentra
        (``collapse_by``) and say so on the page; None always draws every firm.
    max_edges : int or None
        Draw at most this many links (the largest trade links; all cooperation ties).
    collapse_by : {"auto", "sentra", "community", "sector"}
    physics : bool
        Let vis-network move the nodes (slow above about 1,000 nodes); positions are
        precomputed with igraph either way.
    metrics : DataFrame, optional
        ``network.firm_metrics()``: adds the firms' purchases, sales and linkages to the
        tooltips and the size choices. The page only draws; without metrics it leaves them
        out (:func:`linkage.pipeline.network_html` computes them).
    seed : int
        Seed of the layout.
    units : str
        Money unit shown in tooltips.
    title, subtitle : str
        Plain text (escaped).

    Returns
    -------
    Path or str
        The path written, or the HTML text when ``path`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["<script>alert(1)</script>", "Batik Sari"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "PGP"], "value": [5, 9]})
    >>> page = network_html(SupplyNetwork.from_frames(firms, tx))
    >>> "<script>alert(1)" in page, "\\\\u003cscript\\\\u003ealert(1)" in page
    (False, True)
    """
    data = network_page_data(
        network,
        clusters,
        size_by=size_by,
        color_by=color_by,
        max_nodes=max_nodes,
        max_edges=max_edges,
        collapse_by=collapse_by,
        physics=physics,
        metrics=metrics,
        seed=seed,
        units=units,
    )
    c = data["counts"]
    if subtitle is None:
        subtitle = (
            f"{c['firms']:,} firms, {c['nodes'] - c['firms']:,} outside parties, "
            f"{c['trade_links']:,} trade links, {c['cooperation_ties']:,} cooperation "
            f"ties"
        )
    page = render_graph_page(
        data, title=title, subtitle=subtitle, explain_html=_explain_network(data)
    )
    if path is None:
        return page
    return write_text(Path(path), page)
