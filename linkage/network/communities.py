"""Communities in a supply network, and active versus passive sentra.

:func:`detect_communities` finds groups of firms that trade (and cooperate) more with each
other than with the rest, with Leiden, Louvain or Infomap on one weighted undirected graph.
:func:`classify_activity` measures, for any grouping of firms (the sentra, or the detected
communities), whether the group is an **active** agglomeration -- its firms trade with each
other beyond what their sizes explain, or act jointly -- or a **passive** one, with the
null model, permutation test and rule of :mod:`linkage.network.activity`. :func:`find_clusters` does
both and returns a :class:`Clusters` record with one frame per sentra and one per community.

The numeric work happens in private functions on integer node codes; pandas labels are put
on at the end. The rule, thresholds and references are in ``docs/clusters.md``.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InvalidNetworkError
from .activity import (
    ActivityRule,
    colocation_groups,
    group_cooperation_density,
    group_purity,
    group_reciprocity,
    group_trade,
    permutation_pvalues,
)

__all__ = [
    "METHODS",
    "ACTIVITY_COLUMNS",
    "Clusters",
    "detect_communities",
    "classify_activity",
    "find_clusters",
    "sentra_labels",
    "ActivityRule",
]

#: Community detection methods understood by :func:`detect_communities`.
METHODS = ("leiden", "louvain", "infomap")

#: Above this many edges Leiden runs one iteration by default instead of two: on the
#: 1e6-firm benchmark the second costs 2.5 times the first and changes 488 communities to 478.
LARGE_GRAPH_EDGES = 1_000_000

#: Columns of :func:`classify_activity`, in order.
ACTIVITY_COLUMNS = (
    "n_firms",
    "internal_value",
    "internal_share",
    "expected_internal_share",
    "excess",
    "reciprocity",
    "cooperation_density",
    "community_purity",
    "p_value",
    "activity",
    "activity_score",
)


# ============================================================== numeric backend
@contextmanager
def _seeded(seed):
    """Seed Python's ``random`` (igraph's default RNG) and restore its state afterwards."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def detection_edges(
    n_nodes, source, target, value, coop_a=None, coop_b=None, cooperation_weight=1.0
):
    """The undirected weighted edge list community detection runs on.

    Trade in both directions between two nodes is summed. Each cooperating pair adds
    ``cooperation_weight * sqrt(m_a * m_b)``, where ``m_i`` is node i's mean trade-tie
    value (its purchases plus sales over its number of trading partners), so a cooperation
    tie weighs as much as a typical trade tie of the two firms whatever their size; a node
    without trade uses the median trade-tie value of the network (1 if there is no trade).
    Several kinds of cooperation between the same pair count once.

    Parameters
    ----------
    n_nodes : int
    source, target, value : ndarray, shape (m,)
        Trade edges (node codes, positive values).
    coop_a, coop_b : ndarray of int, optional
        Cooperating pairs.
    cooperation_weight : float

    Returns
    -------
    u, v, w : ndarray
        ``u < v``, one row per pair, ``w > 0``.

    Examples
    --------
    >>> u, v, w = detection_edges(3, np.array([0, 1]), np.array([1, 0]), np.array([2.0, 4.0]),
    ...                           np.array([1]), np.array([2]))
    >>> u.tolist(), v.tolist(), w.tolist()
    ([0, 1], [1, 2], [6.0, 6.0])
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    lo, hi = np.minimum(source, target), np.maximum(source, target)
    trade = sp.coo_array((value, (lo, hi)), shape=(n_nodes, n_nodes)).tocsr()
    trade.sum_duplicates()
    trade = trade.tocoo()
    u, v, w = trade.row.astype(np.int64), trade.col.astype(np.int64), trade.data
    if coop_a is not None and len(coop_a):
        a = np.asarray(coop_a, dtype=np.int64)
        b = np.asarray(coop_b, dtype=np.int64)
        a, b = np.minimum(a, b), np.maximum(a, b)
        pairs = np.unique(np.column_stack([a, b])[a != b], axis=0)
        a, b = pairs[:, 0], pairs[:, 1]
        strength = np.bincount(u, weights=w, minlength=n_nodes) + np.bincount(
            v, weights=w, minlength=n_nodes
        )
        degree = np.bincount(u, minlength=n_nodes) + np.bincount(v, minlength=n_nodes)
        typical = float(np.median(w)) if w.size else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_tie = np.where(degree > 0, strength / degree, typical)
        cw = float(cooperation_weight) * np.sqrt(mean_tie[a] * mean_tie[b])
        both = sp.coo_array(
            (np.r_[w, cw], (np.r_[u, a], np.r_[v, b])), shape=(n_nodes, n_nodes)
        ).tocsr()
        both.sum_duplicates()
        both = both.tocoo()
        u, v, w = both.row.astype(np.int64), both.col.astype(np.int64), both.data
    keep = w > 0
    return u[keep], v[keep], w[keep]


def modularity(n_nodes, u, v, w, labels, resolution=1.0):
    """Newman's modularity of a partition of an undirected weighted graph (edge list u < v).

    .. math:: Q = \\sum_c \\Big[\\frac{L_c}{W} - \\gamma \\Big(\\frac{d_c}{2W}\\Big)^2\\Big]

    with :math:`W` the total edge weight, :math:`L_c` the weight inside community c and
    :math:`d_c` the sum of its nodes' strengths.

    Examples
    --------
    Two triangles joined by one edge (Newman 2006 style example):

    >>> u = np.array([0, 0, 1, 3, 3, 4, 2]); v = np.array([1, 2, 2, 4, 5, 5, 3])
    >>> round(modularity(6, u, v, np.ones(7), np.array([0, 0, 0, 1, 1, 1])), 6)
    0.357143
    """
    labels = np.asarray(labels, dtype=np.int64)
    W = float(np.sum(w))
    if W <= 0:
        return float("nan")
    k = labels.max(initial=-1) + 1
    inside = labels[u] == labels[v]
    L = np.bincount(labels[u][inside], weights=w[inside], minlength=k)
    d = np.bincount(labels[u], weights=w, minlength=k) + np.bincount(
        labels[v], weights=w, minlength=k
    )
    return float(np.sum(L / W - resolution * (d / (2 * W)) ** 2))


def _run_method(method, n, u, v, w, resolution, n_iterations, trials):
    """Community labels of one graph (igraph); isolated nodes become singletons."""
    import igraph as ig

    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if u.size == 0:
        return np.arange(n, dtype=np.int64)
    g = ig.Graph(n=n, edges=np.column_stack([u, v]), directed=False)
    weights = w.tolist()
    if method == "leiden":
        # modularity objective: igraph's default (CPM, resolution 1) depends on the unit of
        # the weights (singletons below 1, about the connected components in rupiah)
        cl = g.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=n_iterations,
        )
    elif method == "louvain":
        cl = g.community_multilevel(weights=weights, resolution=resolution)
    else:
        cl = g.community_infomap(edge_weights=weights, trials=trials)
    return np.asarray(cl.membership, dtype=np.int64)


def canonical_labels(labels):
    """Renumber labels 0, 1, ... by community size (largest first), ties by first node.

    Examples
    --------
    >>> canonical_labels(np.array([7, 3, 3, 9, 9, 9])).tolist()
    [2, 1, 1, 0, 0, 0]
    """
    labels = np.asarray(labels)
    uniq, first, inverse, sizes = np.unique(
        labels, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -sizes))
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[order] = np.arange(uniq.size)
    return rank[inverse.ravel()]


def detect_arrays(
    n_nodes,
    u,
    v,
    w,
    method="leiden",
    resolution=1.0,
    seed=0,
    *,
    within=None,
    n_iterations=None,
    trials=10,
):
    """Community labels of every node from an undirected edge list (the numeric backend).

    Parameters
    ----------
    n_nodes : int
    u, v, w : ndarray
        From :func:`detection_edges`.
    method : {"leiden", "louvain", "infomap"}
    resolution : float
        Modularity resolution (gamma); not used by infomap.
    seed : int
        Seeds Python's ``random`` (igraph's generator) for the run; its state is restored.
    within : ndarray of int, shape (n_nodes,), optional
        Block of each node (``-1`` for an outside party). When given, detection runs
        separately inside each block: an edge between two blocks is left out; an outside
        party is copied into every block it trades with and keeps the community of the
        block where it trades most. Nodes with ``-1`` that trade with no block become
        singletons.
    n_iterations : int, optional
        Leiden iterations (negative: until stable). Default: 2 (igraph's default) for
        graphs below :data:`LARGE_GRAPH_EDGES` edges, 1 above, where the second pass costs
        more than the first and changes little.
    trials : int
        Infomap trials.

    Returns
    -------
    ndarray of int, shape (n_nodes,)
        Canonical labels (see :func:`canonical_labels`).

    Examples
    --------
    Two triangles joined by a light edge:

    >>> u = np.array([0, 0, 1, 3, 3, 4, 2]); v = np.array([1, 2, 2, 4, 5, 5, 3])
    >>> w = np.array([5.0, 5, 5, 5, 5, 5, 1])
    >>> detect_arrays(6, u, v, w).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    w = np.asarray(w, dtype=float)
    if n_iterations is None:
        n_iterations = 2 if u.size < LARGE_GRAPH_EDGES else 1
    with _seeded(seed):
        if within is None:
            labels = _run_method(method, n_nodes, u, v, w, resolution, n_iterations, trials)
        elif method == "leiden":
            labels = _detect_within_union(
                n_nodes, u, v, w, np.asarray(within, dtype=np.int64), resolution, n_iterations
            )
        else:
            labels = _detect_within(
                n_nodes,
                u,
                v,
                w,
                np.asarray(within, dtype=np.int64),
                method,
                resolution,
                n_iterations,
                trials,
            )
    return canonical_labels(labels)


def _detect_within_union(n_nodes, u, v, w, block, resolution, n_iterations):
    """Leiden with per-block modularity for every block at once, in one igraph call.

    The blocks (with their own copies of the outside parties) form one graph of disjoint
    parts. Modularity of block b at resolution gamma is, up to the factor 1/(2 W_b),
    ``sum_ij (A_ij - gamma k_i k_j / (2 W_b))`` over pairs in one community. That is CPM
    with node weights ``n_i = k_i / sqrt(2 W_b)``: Leiden's communities stay connected, so
    they never span two blocks, and the summed objective is maximized block by block.
    The result equals running modularity-Leiden per block (``_detect_within``).
    """
    import igraph as ig

    u, v, w, eb, n_blocks = _within_edges(u, v, w, block)
    span = n_blocks + 1
    members = np.flatnonzero(block >= 0)
    keys = np.concatenate([u * span + eb, v * span + eb, members * span + block[members]])
    uniq, inv = np.unique(keys, return_inverse=True)
    m = u.size
    lu, lv = inv[:m], inv[m : 2 * m]
    node, node_block = uniq // span, uniq % span
    k = np.bincount(lu, weights=w, minlength=uniq.size) + np.bincount(
        lv, weights=w, minlength=uniq.size
    )
    two_w = 2.0 * np.bincount(eb, weights=w, minlength=n_blocks)
    scale = np.zeros(uniq.size)
    ok = two_w[node_block] > 0
    scale[ok] = 1.0 / np.sqrt(two_w[node_block[ok]])
    if m:
        g = ig.Graph(n=uniq.size, edges=np.column_stack([lu, lv]), directed=False)
        local = np.asarray(
            g.community_leiden(
                objective_function="CPM",
                weights=w.tolist(),
                node_weights=(k * scale).tolist(),
                resolution=resolution,
                n_iterations=n_iterations,
            ).membership,
            dtype=np.int64,
        )
    else:
        local = np.arange(uniq.size, dtype=np.int64)
    labels = np.full(n_nodes, -1, dtype=np.int64)
    firm = block[node] >= 0
    labels[node[firm]] = local[firm]
    out = ~firm
    if out.any():
        # an outside party keeps the community of its heaviest copy (ties: first block)
        order = np.lexsort((node_block[out], -k[out], node[out]))
        cn, cl = node[out][order], local[out][order]
        first = np.r_[True, cn[1:] != cn[:-1]]
        labels[cn[first]] = cl[first]
    rest = labels < 0
    labels[rest] = local.max(initial=-1) + 1 + np.arange(int(rest.sum()))
    return labels


def _within_edges(u, v, w, block):
    """Edges kept by within-block detection, with the block of each (see detect_arrays)."""
    bu, bv = block[u], block[v]
    # block of each edge: the firms' common block; firm-outside edges go to the firm's block
    eb = np.where(bu >= 0, bu, bv)
    keep = (eb >= 0) & ((bu == bv) | (bu < 0) | (bv < 0))
    n_blocks = int(block.max(initial=-1)) + 1
    return u[keep], v[keep], w[keep], eb[keep], n_blocks


def _detect_within(n_nodes, u, v, w, block, method, resolution, n_iterations, trials):
    """One detection per block, in a loop (Louvain, Infomap; the reference for Leiden)."""
    u, v, w, eb, n_blocks = _within_edges(u, v, w, block)
    order = np.argsort(eb, kind="stable")
    u, v, w, eb = u[order], v[order], w[order], eb[order]
    bounds = np.searchsorted(eb, np.arange(n_blocks + 1))
    # member nodes of each block (firms), sorted by block
    members = np.flatnonzero(block >= 0)
    members = members[np.argsort(block[members], kind="stable")]
    mbounds = np.searchsorted(block[members], np.arange(n_blocks + 1))

    labels = np.full(n_nodes, -1, dtype=np.int64)
    next_label = 0
    copies = []  # (outside node, label, strength of the copy)
    for b in range(n_blocks):
        s, e = bounds[b], bounds[b + 1]
        nodes = np.unique(np.r_[members[mbounds[b] : mbounds[b + 1]], u[s:e], v[s:e]])
        lu = np.searchsorted(nodes, u[s:e])
        lv = np.searchsorted(nodes, v[s:e])
        local = _run_method(method, nodes.size, lu, lv, w[s:e], resolution, n_iterations, trials)
        glob = local + next_label
        next_label += int(local.max(initial=-1)) + 1
        firm = block[nodes] >= 0
        labels[nodes[firm]] = glob[firm]
        if (~firm).any():
            st = np.bincount(lu, weights=w[s:e], minlength=nodes.size) + np.bincount(
                lv, weights=w[s:e], minlength=nodes.size
            )
            copies.append(np.column_stack([nodes[~firm], glob[~firm], st[~firm]]))
    if copies:
        c = np.concatenate(copies)
        # heaviest copy of each outside node wins (ties: first block)
        order = np.lexsort((-c[:, 2], c[:, 0]))
        c = c[order]
        first = np.r_[True, c[1:, 0] != c[:-1, 0]]
        labels[c[first, 0].astype(np.int64)] = c[first, 1].astype(np.int64)
    rest = labels < 0
    labels[rest] = next_label + np.arange(int(rest.sum()))
    return labels


# ============================================================== labels from a network
def _check_seed(seed):
    """A seed is an integer >= 0 (numpy's generators refuse negative seeds)."""
    ok = isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_))
    if not ok or seed < 0:
        raise ValueError(f"The 'seed' parameter must be an integer >= 0. Got {seed!r} instead.")


def _check_method(method):
    if method not in METHODS:
        raise ValueError(
            f"The 'method' parameter of detect_communities must be one of "
            f"{{{', '.join(repr(m) for m in METHODS)}}}. Got {method!r} instead."
        )


def _node_codes(network, values, what):
    """Per-node integer codes (-1 = none) and the group names, from per-firm/per-node values.

    Every label that occurs on any node is a group (a community of outside parties only
    is a group of 0 firms); outside parties themselves get code -1; missing and blank
    labels are no group. Factorizing works on the distinct labels, so it is fast for a
    million firms.
    """
    if isinstance(values, str):
        if values not in network.firms.columns:
            raise InvalidNetworkError(
                f"{what}: the firm list has no column {values!r} (columns: "
                f"{', '.join(map(str, network.firms.columns))})"
            )
        values = network.firms[values]
    n_nodes, n_firms = network.n_nodes, network.n_firms
    if isinstance(values, pd.Series):
        if len(values) == n_nodes and values.index.equals(network.nodes):
            ser = values.reset_index(drop=True)
        elif len(values) == n_firms and values.index.equals(network.firms.index):
            ser = values.reset_index(drop=True).reindex(pd.RangeIndex(n_nodes))
        else:
            ser = values.set_axis(values.index.astype(str)).reindex(network.nodes)
            ser = ser.reset_index(drop=True)
    else:
        arr = np.asarray(values)
        if arr.shape == (n_nodes,):
            ser = pd.Series(arr)
        elif arr.shape == (n_firms,):
            ser = pd.Series(arr).reindex(pd.RangeIndex(n_nodes))
        else:
            raise InvalidNetworkError(
                f"{what}: expected one label per firm ({n_firms}) or per node ({n_nodes}), "
                f"got shape {arr.shape}"
            )
    codes, names = pd.factorize(ser, sort=True)
    codes = np.asarray(codes, dtype=np.int64)
    names = pd.Index(names)
    if names.dtype.kind not in "iufb":
        keep = ~(names.astype(str).str.strip() == "")
        if not keep.all():
            new = np.where(keep, np.cumsum(keep) - 1, -1)
            codes = np.where(codes >= 0, new[np.maximum(codes, 0)], -1)
            names = names[keep]
    codes[~np.asarray(network.is_firm, dtype=bool)] = -1
    return codes, names


def sentra_labels(network, by=None, *, radius_km=1.0) -> pd.Series:
    """The sentra of each firm: the ``sentra`` column, else ``region``, else co-location.

    Parameters
    ----------
    network : SupplyNetwork
    by : str, optional
        ``"sentra"``, ``"region"``, ``"location"`` (co-location from ``lat``/``lon``) or
        another column of the firm list. By default the first that is present and not
        empty among sentra, region, location.
    radius_km : float
        Co-location radius: firms within this great-circle distance of each other, directly
        or through a chain of firms, form one site (see
        :func:`linkage.network.activity.colocation_groups`). Sites are named ``site-1``,
        ``site-2`` ... in firm-list order, zero-padded when there are ten or more
        (``site-01`` ... ``site-12``) so that they sort in that order.

    Returns
    -------
    Series indexed by firm_id, name ``"sentra"`` (object; None for a firm without one);
    ``.attrs["source"]`` says where the groups came from (``"none"`` if nothing was found).

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "sector": ["x"] * 3,
    ...                       "region": ["Plered", "Plered", "Jombang"]})
    >>> tx = pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [1.0]})
    >>> s = sentra_labels(SupplyNetwork.from_frames(firms, tx))
    >>> s.tolist(), s.attrs["source"]
    (['Plered', 'Plered', 'Jombang'], 'region')
    """
    firms = network.firms
    candidates = [by] if by is not None else ["sentra", "region", "location"]
    for name in candidates:
        if name == "location":
            if {"lat", "lon"} <= set(firms.columns):
                lat = pd.to_numeric(firms["lat"], errors="coerce").to_numpy(dtype=float)
                lon = pd.to_numeric(firms["lon"], errors="coerce").to_numpy(dtype=float)
                if np.isfinite(lat).any():
                    codes = colocation_groups(lat, lon, radius_km)
                    # zero-padded, so that sites sort in firm-list order (site-02 < site-10)
                    width = len(str(int(codes.max(initial=0)) + 1))
                    numbers = np.char.zfill((codes + 1).astype(str), width)
                    values = np.where(codes >= 0, np.char.add("site-", numbers), None)
                    out = pd.Series(values.astype(object), index=firms.index, name="sentra")
                    out.attrs["source"] = f"co-location within {radius_km:g} km"
                    return out
            if by is not None:
                raise InvalidNetworkError("sentra from location: the firm list has no lat/lon")
            continue
        if name in firms.columns:
            col = firms[name].to_numpy(dtype=object).copy()
            blank = pd.isna(col) | (
                pd.Series(col, dtype=object).astype(str).str.strip().to_numpy() == ""
            )
            col[blank] = None
            if (~blank).any() or by is not None:
                out = pd.Series(col, index=firms.index, name="sentra", dtype=object)
                out.attrs["source"] = name
                return out
        elif by is not None:
            raise InvalidNetworkError(
                f"sentra: the firm list has no column {name!r} (columns: "
                f"{', '.join(map(str, firms.columns))})"
            )
    out = pd.Series(np.full(len(firms), None, dtype=object), index=firms.index, name="sentra")
    out.attrs["source"] = "none"
    return out


# ============================================================== public API
def detect_communities(
    network,
    method="leiden",
    resolution=1.0,
    seed=0,
    cooperation=True,
    *,
    within=None,
    cooperation_weight=1.0,
    n_iterations=None,
    trials=10,
):
    """Communities of a supply network: groups that trade and cooperate mostly among themselves.

    Detection runs on one undirected weighted graph of firms **and** outside parties: the
    trade between two nodes in both directions summed, plus (``cooperation=True``) one edge
    per cooperating pair weighted like a typical trade tie of the two (see
    :func:`detection_edges`). Outside parties take part (a middleman can pull his suppliers
    into one community) but are reported apart by :func:`find_clusters`.

    Parameters
    ----------
    network : SupplyNetwork
    method : {"leiden", "louvain", "infomap"}
        ``"leiden"``: igraph's Leiden (Traag et al. 2019) maximizing modularity;
        ``"louvain"``: igraph's multilevel; ``"infomap"``: igraph's Infomap (flow-based,
        for comparison; ``resolution`` must stay 1).
    resolution : float
        Modularity resolution gamma. Modularity cannot see communities smaller than about
        sqrt(W) in weight in a network of total weight W (the resolution limit): raise
        gamma (e.g. 2-10) or use ``within`` to find small sentra in a large network.
    seed : int
        Seeds Python's ``random`` (igraph's generator) for the run; its state is restored.
        The same seed gives the same partition.
    cooperation : bool
        Add the cooperation ties to the graph (``False``: trade only).
    within : str or array_like, optional
        Detect separately inside each group of firms: a firm column (``"sentra"``,
        ``"region"``) or one label per firm. Trade between firms of different groups is
        left out of detection; an outside party joins the community of the group it trades
        with most. Each group is then its own small network, free of the resolution limit
        of the whole.
    cooperation_weight : float
        Weight of a cooperation tie relative to a typical trade tie of the pair.
    n_iterations : int, optional
        Leiden iterations (negative: until the partition is stable); by default 2, or 1 on
        graphs of more than a million edges (see :func:`detect_arrays`).
    trials : int
        Infomap trials.

    Returns
    -------
    Series indexed like ``network.nodes``, int labels (0 = largest community), name
    ``"community"``; ``.attrs``: method, n_iterations, resolution, seed, cooperation, within,
    modularity (of the partition on the detection graph, at this resolution),
    n_communities.

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": list("ABCDEF"), "sector": ["x"] * 6})
    >>> tx = pd.DataFrame({"supplier": list("ABCDEFC"), "buyer": list("BCAEFDD"),
    ...                    "value": [5, 5, 5, 5, 5, 5, 1]})
    >>> m = detect_communities(SupplyNetwork.from_frames(firms, tx), seed=1)
    >>> m.tolist()
    [0, 0, 0, 1, 1, 1]
    >>> round(m.attrs["modularity"], 3)   # 2 * (15/31 - (31/62)**2)
    0.468
    """
    _check_method(method)
    _check_seed(seed)
    if not (np.isfinite(resolution) and resolution > 0):
        raise ValueError(f"resolution must be a positive number. Got {resolution!r} instead.")
    if method == "infomap" and resolution != 1.0:
        raise ValueError("infomap has no resolution parameter; leave resolution at 1.0")
    u, v, w = _network_detection_edges(network, cooperation, cooperation_weight)
    block = None
    within_name = None
    if within is not None:
        block, _ = _node_codes(network, within, "within")
        # firms without a group are detected together, as one more group
        loose = np.asarray(network.is_firm, dtype=bool) & (block < 0)
        block[loose] = block.max(initial=-1) + 1
        within_name = within if isinstance(within, str) else "groups"
    if n_iterations is None:
        n_iterations = 2 if u.size < LARGE_GRAPH_EDGES else 1
    labels = detect_arrays(
        network.n_nodes,
        u,
        v,
        w,
        method,
        resolution,
        seed,
        within=block,
        n_iterations=n_iterations,
        trials=trials,
    )
    out = pd.Series(labels, index=network.nodes, name="community")
    out.attrs.update(
        method=method,
        n_iterations=n_iterations,
        resolution=float(resolution),
        seed=seed,
        cooperation=bool(cooperation),
        within=within_name,
        modularity=modularity(network.n_nodes, u, v, w, labels, resolution),
        n_communities=int(labels.max(initial=-1)) + 1,
    )
    return out


def _network_detection_edges(network, cooperation, cooperation_weight):
    e = network.edges
    coop = network.cooperation
    a = b = None
    if cooperation and len(coop):
        a, b = coop["a"].to_numpy(), coop["b"].to_numpy()
    return detection_edges(
        network.n_nodes,
        e["source"].to_numpy(),
        e["target"].to_numpy(),
        e["value"].to_numpy(dtype=float),
        a,
        b,
        cooperation_weight,
    )


def classify_activity(
    network, groups, *, seed=0, n_permutations=199, rule=None, purity_against=None, index_name=None
):
    """Active or passive: internal trade, null model, cooperation, for each group of firms.

    Parameters
    ----------
    network : SupplyNetwork
    groups : str, Series or array_like
        A firm column (``"sentra"``, ``"region"``), a Series indexed by firm or node id (e.g.
        the output of :func:`detect_communities`), or one label per firm or per node.
        Missing labels put a firm in no group; outside parties are never members.
    seed : int
        Seed of the permutation test.
    n_permutations : int
        Relabellings in the permutation test (the smallest p-value is 1/(n+1)). 0 skips
        the test: ``p_value`` is NaN and the trade term rests on the share alone.
    rule : ActivityRule, optional
        Thresholds (default ``ActivityRule()``).
    purity_against : str, Series or array_like, optional
        Second grouping for ``community_purity``: the share of each group's firms in its
        most common group of this one (for sentra, pass the communities; for communities,
        the sentra). NaN when not given.
    index_name : str, optional
        Name of the index (default: the column name, the Series name, or ``"group"``).

    Returns
    -------
    DataFrame, one row per group (sorted labels), columns :data:`ACTIVITY_COLUMNS`:

    ``n_firms``; ``internal_value`` (sales between members); ``internal_share``
    (2 x internal value over members' purchases plus sales with anybody, outside parties
    included); ``expected_internal_share`` (the same under the directed configuration null
    model, w_ij = s_i^out s_j^in / W over the whole network); ``excess`` (their ratio);
    ``reciprocity`` (share of internal ties reciprocated); ``cooperation_density``
    (cooperating member pairs over possible pairs); ``community_purity``; ``p_value``
    (label permutation test of internal minus expected share); ``activity``
    (``active``/``passive``) and ``activity_score`` (>= 1 means active), see
    :class:`ActivityRule`.

    Examples
    --------
    Five potters sell to each other in a ring; five batik makers sell only to a middleman:

    >>> from linkage import SupplyNetwork
    >>> pot, bat = [f"P{i}" for i in range(5)], [f"B{i}" for i in range(5)]
    >>> firms = pd.DataFrame({"firm_id": pot + bat, "sector": ["ceramics"] * 5 + ["batik"] * 5,
    ...                       "sentra": ["Plered"] * 5 + ["Trusmi"] * 5})
    >>> tx = pd.DataFrame({"supplier": pot + bat, "buyer": pot[1:] + pot[:1] + ["PGP"] * 5,
    ...                    "value": 10.0})
    >>> net = SupplyNetwork.from_frames(firms, tx)
    >>> out = classify_activity(net, "sentra", n_permutations=99)
    >>> out[["n_firms", "internal_value", "internal_share", "p_value", "activity"]]
            n_firms  internal_value  internal_share  p_value activity
    sentra
    Plered        5            50.0             1.0     0.02   active
    Trusmi        5             0.0             0.0     0.50  passive
    """
    rule = ActivityRule() if rule is None else rule
    codes, names = _node_codes(network, groups, "groups")
    k = len(names)
    is_firm = np.asarray(network.is_firm, dtype=bool)
    e = network.edges
    src = e["source"].to_numpy(dtype=np.int64)
    dst = e["target"].to_numpy(dtype=np.int64)
    val = e["value"].to_numpy(dtype=float)
    n = network.n_nodes
    middlemen = np.asarray(getattr(network, "is_intermediary", np.zeros(n, bool)), dtype=bool)
    stats = group_trade(n, src, dst, val, is_firm, codes, k, exclude=middlemen)
    coop = network.cooperation
    density = group_cooperation_density(
        coop["a"].to_numpy(), coop["b"].to_numpy(), is_firm, codes, k
    )
    recip = group_reciprocity(src, dst, is_firm, codes, k, exclude=middlemen)
    if purity_against is not None:
        other, _ = _node_codes(network, purity_against, "purity_against")
        purity = group_purity(codes, other, is_firm, k)
    else:
        purity = np.full(k, np.nan)
    _check_seed(seed)
    if n_permutations and n_permutations > 0:
        p = permutation_pvalues(
            n,
            src,
            dst,
            val,
            is_firm,
            codes,
            k,
            n_permutations=n_permutations,
            seed=seed,
            exclude=middlemen,
        )
    else:
        p = np.full(k, np.nan)
    score = rule.score(stats["internal_share"], p, density)
    if index_name is None:
        if isinstance(groups, str):
            index_name = groups
        elif isinstance(groups, pd.Series) and groups.name is not None:
            index_name = str(groups.name)
        else:
            index_name = "group"
    frame = pd.DataFrame(
        {
            "n_firms": stats["n_firms"].astype(np.int64),
            "internal_value": stats["internal_value"],
            "internal_share": stats["internal_share"],
            "expected_internal_share": stats["expected_internal_share"],
            "excess": stats["excess"],
            "reciprocity": recip,
            "cooperation_density": density,
            "community_purity": purity,
            "p_value": p,
            "activity": rule.classify(score),
            "activity_score": score,
        },
        index=pd.Index(names, name=index_name),
    )
    frame["activity"] = frame["activity"].astype("str")
    frame.attrs.update(n_permutations=int(n_permutations or 0), seed=seed, rule=rule)
    return frame


@dataclass(frozen=True)
class Clusters:
    """Communities and the activity of sentra and communities (from :func:`find_clusters`).

    Attributes
    ----------
    membership : Series
        Community of every node (firms and outside parties), as :func:`detect_communities`.
    sentra : DataFrame
        Index ``"sentra"``, columns :data:`ACTIVITY_COLUMNS`; ``community_purity`` is the
        share of the sentra's firms in its most common community.
    communities : DataFrame
        Index ``"community"``: ``n_members, n_firms, n_outside, sentra_composition,
        main_sectors`` then the activity columns; ``community_purity`` is the share of the
        community's firms in its most common sentra.
    method : str
    resolution : float
    seed : int
    sentra_source : str
        Where the sentra came from (``"sentra"``, ``"region"``, ``"co-location ..."``,
        ``"none"``).
    """

    membership: pd.Series
    sentra: pd.DataFrame
    communities: pd.DataFrame
    method: str
    resolution: float
    seed: int
    sentra_source: str = "sentra"

    def firm_communities(self, network) -> pd.Series:
        """The community of each firm, indexed by firm_id (for a ``community`` column)."""
        return self.membership.iloc[: network.n_firms].set_axis(network.firms.index)


def _composition(codes, values, n_groups, top):
    """Text "name: count, ..." of the most common values per group (firms only)."""
    out = np.full(n_groups, "", dtype=object)
    ok = codes >= 0
    if not ok.any():
        return out
    frame = pd.DataFrame(
        {
            "g": codes[ok],
            "v": pd.Series(values[ok], dtype=object).fillna("(none)").astype(str).to_numpy(),
        }
    )
    counts = frame.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["g", "n", "v"], ascending=[True, False, True], kind="stable")
    counts["rank"] = counts.groupby("g").cumcount()
    n_values = counts.groupby("g").size()
    shown = counts[counts["rank"] < top]
    text = (shown["v"] + ": " + shown["n"].astype(str)).groupby(shown["g"]).agg(", ".join)
    more = n_values[n_values > top]
    if len(more):
        rest = counts[counts["rank"] >= top].groupby("g")["n"].sum()
        text.loc[more.index] = (
            text.loc[more.index] + ", others: " + rest.loc[more.index].astype(str)
        )
    out[text.index.to_numpy()] = text.to_numpy(dtype=object)
    return out


def find_clusters(
    network,
    method="leiden",
    resolution=1.0,
    seed=0,
    cooperation=True,
    *,
    within=None,
    sentra=None,
    radius_km=1.0,
    n_permutations=199,
    rule=None,
    cooperation_weight=1.0,
    n_iterations=None,
):
    """Detect communities and classify every sentra and community as active or passive.

    Parameters
    ----------
    network : SupplyNetwork
    method, resolution, seed, cooperation, within, cooperation_weight, n_iterations
        As in :func:`detect_communities`.
    sentra : str, optional
        Where the sentra come from (see :func:`sentra_labels`): by default the ``sentra``
        column, else ``region``, else co-location of ``lat``/``lon`` within ``radius_km``.
    radius_km : float
    n_permutations : int
        Permutations of the test (same ``seed``).
    rule : ActivityRule, optional

    Returns
    -------
    Clusters

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> pot, bat = [f"P{i}" for i in range(5)], [f"B{i}" for i in range(5)]
    >>> firms = pd.DataFrame({"firm_id": pot + bat, "sector": ["ceramics"] * 5 + ["batik"] * 5,
    ...                       "sentra": ["Plered"] * 5 + ["Trusmi"] * 5})
    >>> tx = pd.DataFrame({"supplier": pot + bat, "buyer": pot[1:] + pot[:1] + ["PGP"] * 5,
    ...                    "value": 10.0})
    >>> cl = find_clusters(SupplyNetwork.from_frames(firms, tx), n_permutations=99)
    >>> cl.sentra["activity"].tolist()
    ['active', 'passive']
    >>> cl.communities[["n_members", "n_outside", "sentra_composition", "activity"]]
               n_members  n_outside sentra_composition activity
    community
    0                  6          1          Trusmi: 5  passive
    1                  5          0          Plered: 5   active
    """
    import time

    _check_seed(seed)
    t0 = time.perf_counter()
    membership = detect_communities(
        network,
        method,
        resolution,
        seed,
        cooperation,
        within=within,
        cooperation_weight=cooperation_weight,
        n_iterations=n_iterations,
    )
    t1 = time.perf_counter()
    sentra_of_firm = sentra_labels(network, sentra, radius_km=radius_km)
    source = sentra_of_firm.attrs.get("source", "none")
    sentra_frame = classify_activity(
        network,
        sentra_of_firm,
        seed=seed,
        n_permutations=n_permutations,
        rule=rule,
        purity_against=membership,
        index_name="sentra",
    )
    comm = classify_activity(
        network,
        membership,
        seed=seed,
        n_permutations=n_permutations,
        rule=rule,
        purity_against=sentra_of_firm if source != "none" else None,
        index_name="community",
    )
    labels = membership.to_numpy()
    k = len(comm)
    is_firm = np.asarray(network.is_firm, dtype=bool)
    n_members = np.bincount(labels, minlength=k)
    firm_codes = np.where(is_firm, labels, -1)[: network.n_firms]
    sen = sentra_of_firm.to_numpy(dtype=object)
    sectors = network.firms["sector"].to_numpy(dtype=object)
    info = pd.DataFrame(
        {
            "n_members": n_members.astype(np.int64),
            "n_firms": comm["n_firms"].to_numpy(),
            "n_outside": (n_members - comm["n_firms"].to_numpy()).astype(np.int64),
            "sentra_composition": _composition(firm_codes, sen, k, top=5)
            if source != "none"
            else np.full(k, "", dtype=object),
            "main_sectors": _composition(firm_codes, sectors, k, top=3),
        },
        index=comm.index,
    )
    info["sentra_composition"] = info["sentra_composition"].astype("str")
    info["main_sectors"] = info["main_sectors"].astype("str")
    communities = pd.concat([info, comm.drop(columns="n_firms")], axis=1)
    communities.attrs.update(comm.attrs)
    communities.attrs.update(membership.attrs)
    communities.attrs["seconds"] = {"detect": t1 - t0, "classify": time.perf_counter() - t1}
    return Clusters(
        membership=membership,
        sentra=sentra_frame,
        communities=communities,
        method=method,
        resolution=float(resolution),
        seed=seed,
        sentra_source=source,
    )
