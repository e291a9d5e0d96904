"""Community detection on arrays: the edge list, Leiden / Louvain / Infomap, modularity.

Everything here works on integer node codes (``u, v, w`` edge arrays); the network-level
functions in :mod:`linkage.network.communities` put the labels on. Runs are seeded through
Python's ``random`` (igraph's default generator), which is restored afterwards.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

__all__ = [
    "METHODS",
    "LARGE_GRAPH_EDGES",
    "canonical_labels",
    "detect_arrays",
    "detection_edges",
    "igraph_graph",
    "modularity",
]

#: Community detection methods understood by :func:`detect_communities`.
METHODS = ("leiden", "louvain", "infomap")

#: Above this many edges Leiden runs one iteration by default instead of two: on the
#: 1e6-firm benchmark the second costs 2.5 times the first and changes 488 communities to 478.
LARGE_GRAPH_EDGES = 1_000_000


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
        ``u < v``, one row per pair, ``w > 0``, sorted by ``(v, u)``: the order in which
        igraph indexes an undirected graph's edges fastest (its radix sorts of the pairs
        walk the edges in order; 0.40 against 0.55 s for 2.6 M edges sorted by ``(u, v)``).
        Any per-node sum over the edges (a strength) adds the same numbers in the same
        order as with ``(u, v)``; totals over all edges (igraph's quality) are added in
        another order than before this order was chosen (last bits).

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
    # rows by the larger end: the pairs come out sorted by (v, u), see the Returns
    trade = sp.coo_array((value, (hi, lo)), shape=(n_nodes, n_nodes)).tocsr()
    trade.sum_duplicates()
    trade = trade.tocoo()
    u, v, w = trade.col.astype(np.int64), trade.row.astype(np.int64), trade.data
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
            (np.r_[w, cw], (np.r_[v, b], np.r_[u, a])), shape=(n_nodes, n_nodes)
        ).tocsr()
        both.sum_duplicates()
        both = both.tocoo()
        u, v, w = both.col.astype(np.int64), both.row.astype(np.int64), both.data
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
    lu, lv = labels[u], labels[v]  # each gathered once (8.8 M edges at 1e6 firms)
    inside = lu == lv
    L = np.bincount(lu[inside], weights=w[inside], minlength=k)
    d = np.bincount(lu, weights=w, minlength=k) + np.bincount(lv, weights=w, minlength=k)
    return float(np.sum(L / W - resolution * (d / (2 * W)) ** 2))


def _numbers(a, dtype):
    """A contiguous array's ``memoryview``: igraph's converters iterate it and get a Python
    number per item, without a list of them (or its memory) in between."""
    return memoryview(np.ascontiguousarray(a, dtype=dtype))


def igraph_graph(n, u, v):
    """The undirected ``igraph.Graph`` on ``n`` nodes with edges ``(u[i], v[i])``, in order.

    Built in one call from two zipped ``memoryview`` of the int64 arrays: python-igraph's
    wheels use the limited C API, where a numpy edge array goes through ``tolist()`` (a
    Python list per edge) before it is read pair by pair; zipped flat sequences are read
    the same way without the per-edge lists, and a memoryview yields its ints one at a time
    without the two lists. One call, because igraph re-indexes all edges at every
    ``add_edges`` (chunks of 2 M edges cost 2.4 times one call for 8.6 M edges).

    Examples
    --------
    >>> g = igraph_graph(4, np.array([0, 1]), np.array([1, 3]))
    >>> g.vcount(), g.get_edgelist()
    (4, [(0, 1), (1, 3)])
    """
    import igraph as ig  # imported when first used: ``import linkage`` stays light

    if len(u) != len(v):
        # checked here: igraph's loop would turn zip's error into a SystemError
        raise ValueError(f"u and v must have the same length (have {len(u)} and {len(v)})")
    edges = zip(_numbers(u, np.int64), _numbers(v, np.int64), strict=True)
    return ig.Graph(n=int(n), edges=edges, directed=False)


def _leiden(g, weights, resolution, n_iterations, node_weights=None):
    """igraph's C Leiden (``GraphBase.community_leiden``, what ``Graph.community_leiden``
    calls): its membership list and quality. Modularity when ``node_weights`` is None (the
    resolution normalised by the total strength), else CPM with those node weights. The
    wrapper's ``VertexClustering`` is left out: its Python ``max`` over the membership
    costs 0.4 s at 300,000 nodes."""
    import igraph as ig  # imported when first used, as in igraph_graph

    return ig.GraphBase.community_leiden(
        g,
        edge_weights=weights,
        node_weights=node_weights,
        resolution=resolution,
        normalize_resolution=node_weights is None,
        beta=0.01,  # Graph.community_leiden's default
        initial_membership=None,
        n_iterations=n_iterations,
    )


def _run_method(method, n, u, v, w, resolution, n_iterations, trials):
    """Community labels of one graph (igraph's C functions, without the ``VertexClustering``
    of the ``Graph`` methods) and, for Leiden, its quality (the modularity of the
    partition, computed by igraph); isolated nodes become singletons."""
    import igraph as ig  # imported when first used, as in igraph_graph

    if n == 0:
        return np.zeros(0, dtype=np.int64), None
    if u.size == 0:
        return np.arange(n, dtype=np.int64), None
    g = igraph_graph(n, u, v)
    weights = _numbers(w, float)
    quality = None
    if method == "leiden":
        # modularity objective: igraph's default (CPM, resolution 1) depends on the unit of
        # the weights (singletons below 1, about the connected components in rupiah)
        membership, quality = _leiden(g, weights, resolution, n_iterations)
        quality = float(quality)
    elif method == "louvain":
        membership = ig.GraphBase.community_multilevel(
            g, weights, return_levels=False, resolution=resolution
        )
    else:
        membership, _ = ig.GraphBase.community_infomap(g, weights, None, trials)
    return np.asarray(membership, dtype=np.int64), quality


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
    return_quality=False,
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
    return_quality : bool
        Also return Leiden's quality: the modularity of the partition at ``resolution``,
        as igraph computes it at the end of the run (the same number as
        :func:`modularity` but for the order of the sums: within 1e-12); ``None`` for
        Louvain, Infomap, ``within`` and graphs without edges.

    Returns
    -------
    ndarray of int, shape (n_nodes,)
        Canonical labels (see :func:`canonical_labels`); with ``return_quality``, the pair
        ``(labels, quality)``.

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
    quality = None
    with _seeded(seed):
        if within is None:
            labels, quality = _run_method(
                method, n_nodes, u, v, w, resolution, n_iterations, trials
            )
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
    labels = canonical_labels(labels)
    return (labels, quality) if return_quality else labels


def _detect_within_union(n_nodes, u, v, w, block, resolution, n_iterations):
    """Leiden with per-block modularity for every block at once, in one igraph call.

    The blocks (with their own copies of the outside parties) form one graph of disjoint
    parts. Modularity of block b at resolution gamma is, up to the factor 1/(2 W_b),
    ``sum_ij (A_ij - gamma k_i k_j / (2 W_b))`` over pairs in one community. That is CPM
    with node weights ``n_i = k_i / sqrt(2 W_b)``: Leiden's communities stay connected, so
    they never span two blocks, and the summed objective is maximized block by block.
    The result equals running modularity-Leiden per block (``_detect_within``).
    """
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
        g = igraph_graph(uniq.size, lu, lv)
        membership, _ = _leiden(
            g, _numbers(w, float), resolution, n_iterations, node_weights=_numbers(k * scale, float)
        )
        local = np.asarray(membership, dtype=np.int64)
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
        local, _ = _run_method(method, nodes.size, lu, lv, w[s:e], resolution, n_iterations, trials)
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
