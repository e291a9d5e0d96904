"""Active versus passive agglomerations: internal trade, a null model, a permutation test.

The numeric backend of :mod:`linkage.network.communities`. Every function here works on integer node
codes and plain arrays (no pandas labels, no graph library), so it runs on networks of
millions of firms:

* :func:`group_trade` -- internal value, internal share and its expectation under the
  strength-preserving configuration null model, per group;
* :func:`permutation_pvalues` -- a seeded label-permutation test of the excess (in
  :mod:`linkage.network.permutation`, compiled by numba where it imports);
* :func:`group_reciprocity`, :func:`group_cooperation_density`, :func:`group_purity`;
* :class:`ActivityRule` -- the thresholds and the rule that turns the measures into
  ``active`` / ``passive`` and a continuous ``activity_score``;
* :func:`colocation_groups` -- sentra from coordinates (co-location within a radius).

A *group* is a set of firms given as an integer label per node: ``labels[i] = g`` puts node
``i`` in group ``g`` (``0 <= g < n_groups``), ``-1`` in none. Outside parties (nodes with
``is_firm`` False) are never members here: trade with them is never internal, but it is
part of each firm's total trade. See ``docs/clusters.md`` for the rule and references.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .permutation import permutation_pvalues

__all__ = [
    "ActivityRule",
    "group_trade",
    "permutation_pvalues",
    "group_reciprocity",
    "internal_ties",
    "edge_reciprocated",
    "group_cooperation_density",
    "group_purity",
    "count_keys",
    "colocation_groups",
    "EARTH_RADIUS_KM",
]

#: Mean Earth radius (IUGG), used by :func:`colocation_groups`.
EARTH_RADIUS_KM = 6371.0088


def _firm_labels(labels, is_firm):
    """Labels with every non-firm node set to -1 (outside parties are never members)."""
    lab = np.asarray(labels, dtype=np.int64).copy()
    lab[~np.asarray(is_firm, dtype=bool)] = -1
    return lab


def _inner_labels(lab, exclude):
    """Labels used for internal ties: excluded nodes (middlemen) are in no group."""
    if exclude is None:
        return lab
    inner = lab.copy()
    inner[np.asarray(exclude, dtype=bool)] = -1
    return inner


def _strengths(n_nodes, source, target, value):
    s_out = np.bincount(source, weights=value, minlength=n_nodes)
    s_in = np.bincount(target, weights=value, minlength=n_nodes)
    return s_out, s_in


def _group_sums(lab, x, n_groups):
    keep = lab >= 0
    return np.bincount(lab[keep], weights=x[keep], minlength=n_groups)


def internal_ties(source, target, is_firm, labels, exclude=None):
    """The internal ties of a grouping: the group of each edge between two members of one
    group (firms, not ``exclude``), and the mask of those edges among all.

    :func:`group_trade` and :func:`group_reciprocity` both need them; ``ties=`` hands them
    the same pair, so the two gathers of the labels over the edges are done once.

    Examples
    --------
    >>> g, inside = internal_ties(np.array([0, 1, 1]), np.array([1, 0, 2]), np.ones(3, bool),
    ...                           np.array([0, 0, 1]))
    >>> g.tolist(), inside.tolist()
    ([0, 0], [True, True, False])
    """
    inner = _inner_labels(_firm_labels(labels, is_firm), exclude)
    ls = inner[np.asarray(source, dtype=np.int64)]
    inside = (ls >= 0) & (ls == inner[np.asarray(target, dtype=np.int64)])
    return ls[inside], inside


def group_trade(
    n_nodes, source, target, value, is_firm, labels, n_groups, exclude=None, strengths=None,
    ties=None,
):  # fmt: skip
    """Internal trade of each group and its expectation under the configuration null model.

    Parameters
    ----------
    n_nodes : int
    source, target : ndarray of int, shape (m,)
        Node codes of seller and buyer of each trade edge (no self-loops).
    value : ndarray of float, shape (m,)
        Value of each edge (positive).
    is_firm : ndarray of bool, shape (n_nodes,)
    labels : ndarray of int, shape (n_nodes,)
        Group of each node, ``-1`` for none; outside parties are treated as ``-1``.
    n_groups : int
    exclude : ndarray of bool, shape (n_nodes,), optional
        Members whose trade never counts as internal (middlemen listed as firms): they
        count in ``n_firms`` and their trade in the denominator, but no tie with them is
        internal, observed or expected.
    strengths : (ndarray, ndarray), optional
        Sales and purchases of every node over these edges, if known.
    ties : (ndarray, ndarray), optional
        :func:`internal_ties` of the same edges and labels, if known.

    Returns
    -------
    dict of ndarray, each of shape (n_groups,)
        ``n_firms``; ``internal_value`` (value sold by a member to another member);
        ``trade`` (purchases plus sales of the members, with anybody);
        ``expected_internal_value``; ``internal_share`` = 2 internal / trade;
        ``expected_internal_share`` = 2 expected / trade; ``excess`` = their ratio.

    Notes
    -----
    With :math:`s_i^{out}, s_i^{in}` a node's sales and purchases over the whole network
    (outside parties included) and :math:`W = \\sum_{ij} w_{ij}`, the directed configuration
    model of Newman's modularity expects :math:`s_i^{out} s_j^{in} / W` from i to j. Self-pairs
    are left out because a firm cannot trade with itself, so for a group G

    .. math::

        E_G = \\Big(S^{out}_G S^{in}_G - \\sum_{i \\in G} s_i^{out} s_i^{in}\\Big) / W,
        \\qquad \\text{share}_G = 2 I_G / \\sum_{i \\in G}(s_i^{out} + s_i^{in}).

    Each internal sale is a sale of one member and a purchase of another, hence the 2: a
    group that trades only with itself has share 1. A group without trade has share 0 and
    an undefined (NaN) excess.

    Examples
    --------
    Firms 0 and 1 trade 6 with each other; firm 1 sells 4 to an outside party (node 2):

    >>> r = group_trade(3, np.array([0, 1]), np.array([1, 2]), np.array([6.0, 4.0]),
    ...                 np.array([True, True, False]), np.array([0, 0, -1]), 1)
    >>> float(r["internal_share"][0]), float(r["expected_internal_share"][0])
    (0.75, 0.45)
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    lab = _firm_labels(labels, is_firm)
    inner = _inner_labels(lab, exclude)
    if strengths is None:
        strengths = _strengths(n_nodes, source, target, value)
    s_out, s_in = strengths
    W = float(value.sum())
    group, inside = (
        internal_ties(source, target, is_firm, labels, exclude) if ties is None else ties
    )
    internal = np.bincount(group, weights=value[inside], minlength=n_groups)
    n_firms = np.bincount(lab[lab >= 0], minlength=n_groups)
    trade = _group_sums(lab, s_out + s_in, n_groups)
    expected = _expected(inner, s_out, s_in, W, n_groups)
    share, exp_share, excess = _shares(internal, expected, trade)
    return {
        "n_firms": n_firms,
        "internal_value": internal,
        "trade": trade,
        "expected_internal_value": expected,
        "internal_share": share,
        "expected_internal_share": exp_share,
        "excess": excess,
    }


def _expected(lab, s_out, s_in, W, n_groups):
    if W <= 0:
        return np.zeros(n_groups)
    sout_g = _group_sums(lab, s_out, n_groups)
    sin_g = _group_sums(lab, s_in, n_groups)
    self_g = _group_sums(lab, s_out * s_in, n_groups)
    return np.maximum(sout_g * sin_g - self_g, 0.0) / W


def _shares(internal, expected, trade):
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(trade > 0, 2.0 * internal / trade, 0.0)
        exp_share = np.where(trade > 0, 2.0 * expected / trade, 0.0)
        excess = np.where(exp_share > 0, share / exp_share, np.nan)
    return share, exp_share, excess


def edge_reciprocated(source, target, candidates=None):
    """For each edge ``(s, t)``, whether the edge ``(t, s)`` is in the list too.

    The pairs as a sparse matrix whose entries number the edges, multiplied entry by
    entry with the pattern of its transpose: what is left are the reciprocated edges
    (scipy's C++ kernels, no sort when the pairs are already sorted and distinct, as
    ``SupplyNetwork.edges`` is). ``candidates`` (bool per edge) limits the question to
    those edges (the others get False): an edge and its reverse join the same two nodes,
    so with candidates chosen by their ends (e.g. firm to firm) the reverse of a
    candidate is a candidate.

    Examples
    --------
    >>> edge_reciprocated(np.array([0, 1, 1]), np.array([1, 0, 2])).tolist()
    [True, True, False]
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    out = np.zeros(source.size, dtype=bool)
    if candidates is not None:
        source, target = source[candidates], target[candidates]
    if not source.size:
        return out
    n = int(max(source.max(), target.max())) + 1
    key = source * n + target
    inverse = None
    if np.any(key[1:] <= key[:-1]):  # unsorted or repeated pairs
        key, inverse = np.unique(key, return_inverse=True)
        source, target = key // n, key % n
    m = key.size
    indptr = np.searchsorted(source, np.arange(n + 1))
    numbered = sp.csr_array((np.arange(1.0, m + 1.0), target, indptr), shape=(n, n))
    pattern = numbered.T.tocsr()
    pattern.data = np.ones(m)
    both = numbered.multiply(pattern).tocsr()
    found = np.zeros(m, dtype=bool)
    found[both.data.astype(np.int64) - 1] = True
    if inverse is not None:
        found = found[inverse.ravel()]
    if candidates is None:
        return found
    out[candidates] = found
    return out


def group_reciprocity(
    source, target, is_firm, labels, n_groups, exclude=None, reciprocated=None, ties=None
):
    """Share of each group's internal ties (member to member) whose reverse tie also exists.

    Unweighted, as igraph's ``Graph.reciprocity()`` on the group's internal subgraph;
    NaN for a group without internal ties. ``exclude`` as in :func:`group_trade`.
    ``reciprocated``: :func:`edge_reciprocated` of the same edges, if known (the reverse
    of an internal tie joins the same two members, so it is internal too); ``ties``:
    :func:`internal_ties` of the same edges and labels, if known.

    Examples
    --------
    >>> group_reciprocity(np.array([0, 1, 1]), np.array([1, 0, 2]), np.ones(3, bool),
    ...                   np.array([0, 0, 0]), 1).tolist()
    [0.6666666666666666]
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    if reciprocated is None:
        reciprocated = edge_reciprocated(source, target)
    g, inside = internal_ties(source, target, is_firm, labels, exclude) if ties is None else ties
    n_ties = np.bincount(g, minlength=n_groups).astype(float)
    both = np.bincount(g, weights=reciprocated[inside].astype(float), minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_ties > 0, both / n_ties, np.nan)


def group_cooperation_density(a, b, is_firm, labels, n_groups):
    """Cooperation ties among each group's firms over the number of possible pairs.

    ``a, b`` are the node codes of the ties (several kinds between the same pair count
    once). NaN for a group of fewer than two firms.

    Examples
    --------
    >>> group_cooperation_density(np.array([0, 0, 1]), np.array([1, 1, 2]), np.ones(4, bool),
    ...                           np.array([0, 0, 0, 0]), 1).tolist()
    [0.3333333333333333]
    """
    lab = _firm_labels(labels, is_firm)
    n_firms = np.bincount(lab[lab >= 0], minlength=n_groups).astype(float)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    if lo.size:
        pairs = np.unique(np.column_stack([lo, hi]), axis=0)
        lo, hi = pairs[:, 0], pairs[:, 1]
    la = lab[lo]
    inside = (la >= 0) & (la == lab[hi]) & (lo != hi)
    ties = np.bincount(la[inside], minlength=n_groups).astype(float)
    possible = n_firms * (n_firms - 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(possible > 0, ties / possible, np.nan)


def count_keys(keys, size):
    """``np.unique(keys, return_counts=True)`` of non-negative int keys below ``size``:
    by ``np.bincount`` when ``size`` is at most about 16 times the number of keys (no sort),
    else by ``np.unique``.

    Examples
    --------
    >>> [a.tolist() for a in count_keys(np.array([5, 2, 5, 0]), 6)]
    [[0, 2, 5], [1, 1, 2]]
    """
    keys = np.asarray(keys, dtype=np.int64)
    if size > 16 * keys.size + 2**20:
        return np.unique(keys, return_counts=True)
    counts = np.bincount(keys, minlength=size)
    found = np.flatnonzero(counts)
    return found, counts[found]


def group_purity(labels, other, is_firm, n_groups):
    """Share of each group's firms that fall in the group's most common ``other`` label.

    Firms whose ``other`` label is ``-1`` count in the denominator but never as the most
    common label. NaN for an empty group.

    Examples
    --------
    >>> group_purity(np.array([0, 0, 0, 1]), np.array([5, 5, 7, -1]), np.ones(4, bool),
    ...              2).tolist()
    [0.6666666666666666, 0.0]
    """
    lab = _firm_labels(labels, is_firm)
    other = np.asarray(other, dtype=np.int64)
    member = lab >= 0
    n_firms = np.bincount(lab[member], minlength=n_groups).astype(float)
    both = member & (other >= 0)
    best = np.zeros(n_groups)
    if both.any():
        g, o = lab[both], other[both]
        span = int(o.max()) + 1
        keys, counts = count_keys(g * span + o, (int(g.max()) + 1) * span)
        np.maximum.at(best, keys // span, counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_firms > 0, best / n_firms, np.nan)


@dataclass(frozen=True)
class ActivityRule:
    r"""Thresholds that decide whether a group is an active agglomeration.

    A group is **active** when its ``activity_score`` is at least 1, where

    .. math::

        \text{score} = T + C, \qquad
        T = \frac{\text{internal\_share}}{\text{min\_share}}
            \text{ if } p \le \alpha \text{ (or no test is possible) else } 0, \qquad
        C = \frac{\text{cooperation\_density}}{\text{min\_cooperation}}.

    So dense internal trade that random sets of firms of the same size do not reach
    (T >= 1), cooperation alone (C >= 1), or cooperation with thinner trade (T + C >= 1)
    make a group active. Trade with outside parties, middlemen included, never counts as
    internal: firms that all sell to one middleman have T = 0. ``p`` is NaN (no test
    possible) when the group holds more than half of the firms, as in a survey of one
    sentra; T then rests on the internal share alone.

    Parameters
    ----------
    min_share : float
        Internal share (2 x internal value over members' purchases plus sales) that alone
        is dense internal trade.
    alpha : float
        Significance level of the permutation test for the trade term.
    min_cooperation : float
        Cooperation density (cooperating pairs over possible pairs) that alone is joint
        action.

    Examples
    --------
    >>> rule = ActivityRule()
    >>> rule.score(np.array([0.3, 0.3, 0.05, 0.2]), np.array([0.01, 0.5, 0.01, np.nan]),
    ...            np.array([0.0, 0.2, 0.05, 0.0])).tolist()
    [3.0, 2.0, 1.0, 2.0]
    >>> rule.classify([3.0, 0.99]).tolist()
    ['active', 'passive']
    """

    min_share: float = 0.10
    alpha: float = 0.05
    min_cooperation: float = 0.10

    def __post_init__(self):
        for name in ("min_share", "alpha", "min_cooperation"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
                raise ValueError(
                    f"The {name!r} parameter of ActivityRule must be a positive number. "
                    f"Got {v!r} instead."
                )

    def trade_term(self, internal_share, p_value):
        """T: internal share over ``min_share`` where the test says beyond chance, else 0."""
        share = np.nan_to_num(np.asarray(internal_share, dtype=float), nan=0.0)
        p = np.asarray(p_value, dtype=float)
        passed = np.isnan(p) | (p <= self.alpha)
        return np.where(passed, share / self.min_share, 0.0)

    def cooperation_term(self, cooperation_density):
        """C: cooperation density over ``min_cooperation`` (0 where undefined)."""
        c = np.nan_to_num(np.asarray(cooperation_density, dtype=float), nan=0.0)
        return c / self.min_cooperation

    def score(self, internal_share, p_value, cooperation_density):
        """The continuous ``activity_score`` T + C (>= 1 means active)."""
        return self.trade_term(internal_share, p_value) + self.cooperation_term(cooperation_density)

    def classify(self, score):
        """``"active"`` where the score is at least 1, else ``"passive"``."""
        return np.where(np.asarray(score, dtype=float) >= 1.0, "active", "passive")


def colocation_groups(lat, lon, radius_km=1.0):
    """Sentra from coordinates: firms linked when within ``radius_km``, groups = components.

    This is DBSCAN with ``min_samples=1`` (single linkage at a distance cut): two firms are
    in the same group when a chain of firms, each within ``radius_km`` (great-circle,
    haversine) of the next, joins them. Points go onto the unit sphere as 3-D vectors, and
    a great-circle distance ``d`` is the chord ``2 sin(d / 2R)``, so one ``cKDTree``
    pair query finds all close pairs. Firms with missing coordinates get ``-1``.

    Parameters
    ----------
    lat, lon : array_like of float, degrees
    radius_km : float

    Returns
    -------
    ndarray of int
        Group per firm, numbered 0, 1, ... in order of each group's first firm.

    Examples
    --------
    Two firms 0.5 km apart in Plered and one in Jombang, 600 km away:

    >>> colocation_groups([-6.6400, -6.6445, -7.5460], [107.3900, 107.3900, 112.2333],
    ...                   radius_km=1.0).tolist()
    [0, 0, 1]
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if not (np.isfinite(radius_km) and radius_km > 0):
        raise ValueError(f"radius_km must be a positive number. Got {radius_km!r} instead.")
    ok = np.isfinite(lat) & np.isfinite(lon)
    out = np.full(lat.shape, -1, dtype=np.int64)
    if not ok.any():
        return out
    phi, lam = np.radians(lat[ok]), np.radians(lon[ok])
    xyz = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    chord = 2.0 * np.sin(min(radius_km / EARTH_RADIUS_KM, np.pi) / 2.0)
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    k = int(ok.sum())
    adj = sp.coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(k, k)).tocsr()
    _, comp = connected_components(adj, directed=False)
    # renumber by first appearance
    _, first = np.unique(comp, return_index=True)
    order = np.argsort(np.argsort(first))
    out[ok] = order[comp]
    return out
