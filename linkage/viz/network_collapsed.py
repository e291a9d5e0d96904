"""The data of the collapsed network page: one node per sentra, community or sector.

Above ``max_nodes`` nodes :func:`linkage.viz.network_html` draws a node per group of firms
plus one per kind of outside party. :func:`collapsed_network_data` builds it in named
steps: the groups (merging the smallest when there are still too many), the trade and
cooperation summed between and inside them, the group totals and activity, colours,
edges (the largest flows above ``max_edges``), positions and the notice that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .i18n import number, t
from .layout import layout_positions
from .network_full import Links, category_texts, edge_types
from .network_nodes import (
    BORDER_CODE,
    borders,
    float_column,
    party_group_labels,
    party_kind,
    shapes,
    text_column,
)
from .page import palette, rounded
from .scales import edge_widths, scale_sizes

__all__ = ["collapsed_network_data"]

#: Tooltip rows: key and format (labels ``npc.tt.<key>`` in the catalogue).
_TOOLTIP = (
    ("members", "int"),
    ("workers", "int"),
    ("output", "money"),
    ("internal", "money"),
    ("internal_share", "share"),
    ("sales", "money"),
    ("purchases", "money"),
    ("coop_internal", "int"),
    ("activity", "text"),
)


@dataclass(frozen=True)
class _Groups:
    """Which node of the collapsed page each firm and outside party becomes.

    Nodes ``0 .. n_groups - 1`` are groups of firms, the rest one per kind of party.
    """

    by: str  # "sentra", "community" or "sector"
    labels: np.ndarray  # name of every group node
    shape: np.ndarray  # 0 for a group of firms, else the kind of party (SHAPES)
    firm_group: np.ndarray  # group of each firm
    node_group: np.ndarray  # group of each node of the network
    n_groups: int
    party_groups: list
    merged_note: str

    @property
    def size(self) -> int:
        """Number of nodes drawn."""
        return len(self.labels)


def collapsed_network_data(
    network,
    clusters,
    member,
    *,
    max_nodes,
    max_edges=None,
    collapse_by,
    physics,
    seed,
    units,
    lang="en",
) -> dict:
    """One node per sentra / community / sector plus one per kind of outside party.

    ``member`` is the community of each node or None; the options are those of
    :func:`linkage.viz.network_html`. Tooltips count every link, also when the page draws
    only the largest flows.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "sector": ["batik"] * 3,
    ...                       "sentra": ["Trusmi", "Trusmi", "Plered"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "C"], "buyer": ["B", "C", "PGP"],
    ...                    "value": [5, 7, 9]})
    >>> data = collapsed_network_data(SupplyNetwork.from_frames(firms, tx), None, None,
    ...     max_nodes=3, collapse_by="auto", physics=False, seed=0, units="Rp")
    >>> [str(v) for v in data["nodes"]["label"]], data["nodes"]["values"]["internal"].tolist()
    (['Plered', 'Trusmi', 'Outside buyers'], [0.0, 5.0, nan])
    """
    n, nf = network.n_nodes, network.n_firms
    groups = _groups(network, member, collapse_by, max_nodes, lang)
    links = Links.of(network)
    internal, sales, purchases, flows = _group_trade(groups, links)
    coop_internal, ties = _group_cooperation(groups, links)
    flows, ties, edge_note = _largest_edges(flows, ties, max_edges, lang)
    members, workers, output = _group_totals(network, groups, links)
    activity, border = _group_activity(clusters, groups)
    colour, items = _group_colours(groups, members)
    is_group = groups.shape == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        internal_share = np.where(is_group, internal / (internal + sales + purchases), np.nan)
    noun = t(f"npc.noun.{groups.by}", lang)
    values = {
        "members": members.astype(float),
        "workers": workers,
        "output": rounded(output),
        "sales": rounded(sales),
        "purchases": rounded(purchases),
        "internal": rounded(np.where(is_group, internal, np.nan)),
        "internal_share": rounded(internal_share, 4),
        "coop_internal": np.where(is_group, coop_internal, np.nan),
        "activity": category_texts(activity, lang),
    }
    border_legend = borders(lang)
    return {
        "kind": "groups",
        "item": noun,
        "nodes": {
            "id": groups.labels,
            "label": groups.labels,
            **_group_positions(groups, flows, ties, seed),
            "size": scale_sizes(np.where(is_group, output, sales + purchases), 10, 60),
            "color": colour,
            "shape": groups.shape,
            "border": border,
            "values": values,
        },
        "colors": {"title": noun, "items": items},
        "shapes": [dict(shapes(lang)[0], label=t("npc.shape", lang, noun=noun))] + shapes(lang)[1:],
        "borders": border_legend if (border > 0).any() else border_legend[:1],
        "border_title": t("npc.border_title", lang),
        "tooltip": [{"key": k, "label": t(f"npc.tt.{k}", lang), "format": f} for k, f in _TOOLTIP],
        "filters": [],
        "toggles": _group_toggles(groups, ties, lang),
        "edges": _group_edges(groups, flows, ties),
        "edge_types": _group_edge_types(noun, lang),
        "units": units,
        "notice": _collapsed_notice(network, max_nodes, noun, groups.merged_note + edge_note, lang),
        "physics": bool(physics),
        "labels": groups.size <= 200,
        "size_note": t("npc.size_note", lang, nouns=t(f"npc.nouns.{groups.by}", lang)),
        "counts": {
            "node_noun": t("npc.node_noun", lang),
            "firms": nf,
            "nodes": n,
            "groups": groups.size,
            "trade_links": len(links.src),
            "cooperation_ties": len(links.ca),
        },
        "collapsed": True,
    }


# ------------------------------------------------------------------------- groups
def _group_keys(network, member, collapse_by, lang="en"):
    """The grouping actually used (``"auto"`` resolved) and each firm's group name."""
    nf, firms = network.n_firms, network.firms
    if collapse_by == "auto":
        collapse_by = (
            "sentra" if "sentra" in firms else "community" if member is not None else "sector"
        )
    if collapse_by == "community":
        if member is None:
            raise ValueError("collapse_by='community' needs clusters")
        keys = np.array(
            [
                t("np.community", lang, name=v) if not pd.isna(v) else t("npc.no_community", lang)
                for v in member.to_numpy()[:nf]
            ],
            dtype=object,
        )
    elif collapse_by in ("sentra", "sector"):
        if collapse_by not in firms:
            raise ValueError(f"collapse_by={collapse_by!r} but the firms have no such column")
        keys = text_column(firms, collapse_by, nf)
        keys = np.where(
            keys == "", t("npc.no_group", lang, by=t(f"npc.noun.{collapse_by}", lang)), keys
        )
    else:
        raise ValueError(
            f"The 'collapse_by' parameter of network_html must be one of "
            f"{{'auto', 'sentra', 'community', 'sector'}}. Got {collapse_by!r} instead."
        )
    return collapse_by, keys


def _merge_smallest_groups(group_labels, gcode, limit, lang="en"):
    """Keep the ``limit - 1`` largest groups and merge the rest into one node.

    Returns the new labels, each firm's new group and the sentence that says so ("" when
    there were at most ``limit`` groups).
    """
    n_groups = len(group_labels)
    if n_groups <= limit:
        return group_labels, gcode, ""
    size_firms = np.bincount(gcode, minlength=n_groups)
    order = np.argsort(-size_firms, kind="stable")
    rank = np.empty(n_groups, dtype=np.int64)
    rank[order] = np.arange(n_groups)
    gcode = np.where(rank[gcode] < limit - 1, rank[gcode], limit - 1)
    merged = number(n_groups - limit + 1, lang)
    group_labels = np.append(
        group_labels[order[: limit - 1]], t("npc.other_groups", lang, n=merged)
    )
    note = t("npc.merged", lang, n=merged, total=number(n_groups, lang))
    return group_labels, gcode, note


def _groups(network, member, collapse_by, max_nodes, lang="en") -> _Groups:
    """The groups of firms (at most ``max_nodes`` nodes with the kinds of party)."""
    nf = network.n_firms
    collapse_by, keys = _group_keys(network, member, collapse_by, lang)
    group_labels, gcode = np.unique(keys.astype(str), return_inverse=True)
    kind = party_kind(network)
    party_groups = sorted(set(kind[nf:].tolist()))
    limit = max(max_nodes - len(party_groups), 1)
    group_labels, gcode, merged_note = _merge_smallest_groups(group_labels, gcode, limit, lang)
    n_groups = len(group_labels)
    node_group = np.empty(network.n_nodes, dtype=np.int64)
    node_group[:nf] = gcode
    party_slot = {k: n_groups + j for j, k in enumerate(party_groups)}
    node_group[nf:] = [party_slot[k] for k in kind[nf:]]
    labels = np.array(
        list(group_labels) + [party_group_labels(lang)[k] for k in party_groups], dtype=object
    )
    return _Groups(
        by=collapse_by,
        labels=labels,
        shape=np.array([0] * n_groups + party_groups, dtype=np.int64),
        firm_group=gcode,
        node_group=node_group,
        n_groups=n_groups,
        party_groups=party_groups,
        merged_note=merged_note,
    )


# ------------------------------------------------------------------------- trade and ties
def _group_trade(groups, links):
    """Trade inside each group, its sales to and purchases from other groups, and the
    flows between groups (``s``, ``t``, ``sum``, ``count``, in group order)."""
    size = groups.size
    gs, gt = groups.node_group[links.src], groups.node_group[links.dst]
    val = links.val
    inside = gs == gt
    internal = np.bincount(gs[inside], weights=val[inside], minlength=size)
    sales = np.bincount(gs, weights=val, minlength=size) - internal
    purchases = np.bincount(gt, weights=val, minlength=size) - internal
    between = pd.DataFrame({"s": gs, "t": gt, "v": val})[gs != gt]
    flows = between.groupby(["s", "t"], sort=True)["v"].agg(["sum", "count"]).reset_index()
    return internal, sales, purchases, flows


def _group_cooperation(groups, links):
    """Cooperation ties inside each group and the count between each pair (``a < b``)."""
    ca, cb = groups.node_group[links.ca], groups.node_group[links.cb]
    coop_internal = np.bincount(ca[ca == cb], minlength=groups.size).astype(float)
    ties = (
        pd.DataFrame({"a": np.minimum(ca, cb), "b": np.maximum(ca, cb)})[ca != cb]
        .value_counts()
        .reset_index(name="count")
        .sort_values(["a", "b"])
    )
    return coop_internal, ties


def _largest_edges(flows, ties, max_edges, lang="en"):
    """As the full page: above ``max_edges`` the largest flows and every cooperation count
    (the largest counts when they alone are too many), and the sentence that says so."""
    n_flows = len(flows)
    if max_edges is None or n_flows + len(ties) <= max_edges:
        return flows, ties, ""
    k = max(max_edges - len(ties), 0)
    top = np.sort(np.argsort(-flows["sum"].to_numpy(), kind="stable")[:k])
    flows = flows.iloc[top].reset_index(drop=True)
    if len(ties) > max_edges:
        ties = ties.sort_values("count", ascending=False, kind="stable").iloc[:max_edges]
        ties = ties.sort_values(["a", "b"]).reset_index(drop=True)
    note = t("npc.edges_note", lang, k=number(len(flows), lang), n=number(n_flows, lang))
    return flows, ties, note


# ------------------------------------------------------------------------- group figures
def _group_totals(network, groups, links):
    """Firms and parties, workers and output of each group (output is sales when the
    survey has none; NaN for the kinds of party)."""
    n, nf, firms = network.n_nodes, network.n_firms, network.firms
    n_groups, gcode = groups.n_groups, groups.firm_group
    members = np.bincount(groups.node_group, minlength=groups.size)
    workers = np.full(groups.size, np.nan)
    output = np.full(groups.size, np.nan)
    if "workers" in firms:
        w = float_column(firms, "workers", nf)
        workers[:n_groups] = np.bincount(gcode, weights=np.nan_to_num(w), minlength=n_groups)
    out_firm = float_column(firms, "output", nf) if "output" in firms else None
    if out_firm is None or np.isnan(out_firm).all():
        out_firm = np.bincount(links.src, weights=links.val, minlength=n)[:nf]
    output[:n_groups] = np.bincount(gcode, weights=np.nan_to_num(out_firm), minlength=n_groups)
    return members, workers, output


def _group_activity(clusters, groups):
    """Activity class and border code of each sentra node (empty and 0 otherwise)."""
    activity = np.full(groups.size, "", dtype=object)
    border = np.zeros(groups.size, dtype=np.int64)
    table = getattr(clusters, "sentra", None)
    if groups.by == "sentra" and table is not None and "activity" in table:
        act = table["activity"].astype(str)
        act.index = act.index.astype(str)
        for g in range(groups.n_groups):
            a = act.get(str(groups.labels[g]), "")
            activity[g] = a
            border[g] = BORDER_CODE.get(a, 0)
    return activity, border


def _group_colours(groups, members):
    """Colour code of each node (by group size) and the legend items, largest first."""
    n_groups = groups.n_groups
    colours = palette(n_groups)
    order = np.argsort(-members[:n_groups], kind="stable")
    colour = np.zeros(groups.size, dtype=np.int64)
    colour[order] = np.arange(n_groups)
    items = [
        {"label": str(groups.labels[g]), "color": colours[r], "count": int(members[g])}
        for r, g in enumerate(order)
    ]
    return colour, items


# ------------------------------------------------------------------------- drawing
def _group_positions(groups, flows, ties, seed) -> dict:
    """Layout ``x`` and ``y`` of the group nodes over the drawn flows and ties."""
    weights = np.concatenate(
        [
            1 + np.log1p(flows["sum"] / max(flows["sum"].median(), 1))
            if len(flows)
            else np.zeros(0),
            np.ones(len(ties)),
        ]
    )
    x, y = layout_positions(
        groups.size,
        np.concatenate([flows["s"], ties["a"]]),
        np.concatenate([flows["t"], ties["b"]]),
        weights,
        seed=seed,
        spacing=120.0,
    )
    return {"x": x, "y": y}


def _group_edges(groups, flows, ties) -> dict:
    """Edge columns: total trade between groups (type 0 between groups of firms, 1 with a
    kind of party), then cooperation counts (type 2)."""
    is_group = groups.shape == 0
    ttype = np.where(is_group[flows["s"].to_numpy()] & is_group[flows["t"].to_numpy()], 0, 1)
    return {
        "from": np.concatenate([flows["s"], ties["a"]]).astype(np.int64),
        "to": np.concatenate([flows["t"], ties["b"]]).astype(np.int64),
        "value": np.concatenate([rounded(flows["sum"]), ties["count"].to_numpy(dtype=float)]),
        "width": np.concatenate([edge_widths(flows["sum"]), edge_widths(ties["count"], 1.5, 6.0)]),
        "type": np.concatenate([ttype, np.full(len(ties), 2)]).astype(np.int64),
    }


def _group_edge_types(noun, lang="en") -> list:
    """The full page's edge legend, worded for totals between groups."""
    kinds = edge_types(lang)
    return [
        dict(kinds[0], label=t("npc.edge.groups", lang, noun=noun)),
        dict(kinds[1], label=t("npc.edge.outside", lang)),
        dict(
            kinds[2],
            label=t("npc.edge.coop", lang),
            value_label=t("npc.edge.ties", lang),
            format="int",
        ),
    ]


def _group_toggles(groups, ties, lang="en") -> list:
    """Show/hide switches for the kinds of party and the cooperation ties."""
    toggles = []
    if groups.party_groups:
        label = t("npc.toggle.parties", lang)
        toggles.append({"label": label, "target": "nodes", "values": [1, 2, 3, 4]})
    if len(ties):
        toggles.append({"label": t("np.toggle.coop", lang), "target": "edges", "values": [2]})
    return toggles


def _collapsed_notice(network, max_nodes, noun, notes, lang="en") -> str:
    """The sentence on top of the page: why and how it shows groups (``notes``: what was
    merged or left off)."""
    nf, n = network.n_firms, network.n_nodes
    return t(
        "npc.notice",
        lang,
        firms=number(nf, lang),
        outside=number(n - nf, lang),
        max_nodes=number(max_nodes, lang),
        noun=noun,
        notes=notes,
    )
