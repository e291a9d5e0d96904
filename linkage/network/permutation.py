"""The label-permutation test of internal trade, for one or several groupings at once.

:func:`permutation_pvalues` is the test :func:`linkage.network.classify.classify_activity`
uses; :func:`permutation_pvalues_many` runs it for several groupings of the same firms
(the sentra and the detected communities) on the same permutations, drawn once.

The null model is exact Monte Carlo: each permutation shuffles the group labels among the
firms (``numpy.random.default_rng(seed).permutation``, one draw per permutation, in order)
and recomputes every group's statistic. The statistic of one permutation is computed in
one pass over the firm-to-firm edges and one over the firms, compiled by numba when it
imports (and ``LINKAGE_NO_NUMBA`` is unset or 0), else by the numpy code of before. Both
add the same numbers in the same order (firms, then edges, in their order), so they give
the same statistics to the last bit and the same p-values; the numba pass only avoids the
temporary arrays of numpy's gathers and masks (about ten passes over the edges).
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np

__all__ = ["permutation_pvalues", "permutation_pvalues_many", "backend"]

#: Statistics within this of the observed one count as reaching it (float noise).
TIE_TOLERANCE = 1e-12


def backend() -> str:
    """``"numba"`` when the compiled statistic is used, else ``"numpy"``.

    Examples
    --------
    >>> backend() in ("numba", "numpy")
    True
    """
    off = os.environ.get("LINKAGE_NO_NUMBA", "").strip() not in ("", "0")
    return "numpy" if off or _compiled() is None else "numba"


def _statistic_py(base, perm, fs, ft, fw, x, f_excl, W, fl, sums, internal, out):
    """``out[g] = 2 (internal - expected) / trade`` of group g when firm i has label
    ``base[perm[i]]`` (written to ``fl``); ``x`` holds each firm's trade, sales, purchases
    and sales x purchases; ``sums`` (k x 4) and ``internal`` (k) are work space.

    Every sum adds the same numbers in the same order as :func:`_statistic_numpy`
    (np.bincount adds its weights in array order): firms in their order, then edges in
    theirs, so the two agree to the last bit."""
    k = out.size
    sums[:] = 0.0
    internal[:] = 0.0
    for i in range(perm.size):
        g = base[perm[i]]
        fl[i] = g
        if g >= 0:
            sums[g, 0] += x[i, 0]
            if not f_excl[i]:
                sums[g, 1] += x[i, 1]
                sums[g, 2] += x[i, 2]
                sums[g, 3] += x[i, 3]
    for e in range(fs.size):
        a, b = fs[e], ft[e]
        g = fl[a]
        if g == fl[b] and g >= 0 and not f_excl[a] and not f_excl[b]:
            internal[g] += fw[e]
    for g in range(k):
        trade = sums[g, 0]
        expected = 0.0
        if W > 0:
            expected = max(sums[g, 1] * sums[g, 2] - sums[g, 3], 0.0) / W
        out[g] = 2.0 * (internal[g] - expected) / trade if trade > 0 else 0.0


@cache
def _compiled():
    """The statistic compiled by numba (imported on first use, so ``import linkage``
    stays light), cached on disk where a cache directory can be written; None when numba
    does not import (not installed, or broken: a numpy or LLVM it does not support)."""
    try:
        import numba
    except Exception:
        return None
    try:
        return numba.njit(cache=True, nogil=True)(_statistic_py)
    except RuntimeError:  # no writable cache directory (a read-only install)
        return numba.njit(nogil=True)(_statistic_py)


class _FirmTrade:
    """What the statistic needs, on firm positions: firm-to-firm edges and strengths."""

    def __init__(self, n_nodes, source, target, value, is_firm, exclude):
        source = np.asarray(source, dtype=np.int64)
        target = np.asarray(target, dtype=np.int64)
        value = np.asarray(value, dtype=float)
        self.is_firm = is_firm = np.asarray(is_firm, dtype=bool)
        s_out = np.bincount(source, weights=value, minlength=n_nodes)
        s_in = np.bincount(target, weights=value, minlength=n_nodes)
        self.W = float(value.sum())
        total, sxs = s_out + s_in, s_out * s_in
        self.total = total
        firm_pos = np.full(n_nodes, -1, dtype=np.int64)
        firms = np.flatnonzero(is_firm)
        firm_pos[firms] = np.arange(firms.size)
        ff = is_firm[source] & is_firm[target]
        self.idx = idx = np.int32 if firms.size < 2**31 else np.int64
        self.fs = firm_pos[source[ff]].astype(idx)
        self.ft = firm_pos[target[ff]].astype(idx)
        self.fw = value[ff]
        self.f_out, self.f_in = s_out[firms], s_in[firms]
        self.f_tot, self.f_sxs = total[firms], sxs[firms]
        self.f_excl = (
            np.zeros(firms.size, dtype=bool)
            if exclude is None
            else np.asarray(exclude, dtype=bool)[firms]
        )
        self.firms = firms

    def base(self, labels, n_groups):
        """Firm labels (outside parties never members), narrow for the gathers."""
        lab = np.asarray(labels, dtype=np.int64).copy()
        lab[~self.is_firm] = -1
        narrow = np.int16 if n_groups < 2**15 else self.idx
        return lab, lab[self.firms].astype(narrow)

    def statistic(self, base, perm, n_groups, use_numba):
        """Statistic of every group when firm i has the label ``base[perm[i]]``."""
        if not use_numba:
            return _statistic_numpy(self, base[perm], n_groups)
        if not hasattr(self, "_x"):
            self._x = np.column_stack([self.f_tot, self.f_out, self.f_in, self.f_sxs])
        out = np.empty(n_groups)
        _compiled()(
            base, perm, self.fs, self.ft, self.fw, self._x, self.f_excl, self.W,
            np.empty(base.size, base.dtype), np.empty((n_groups, 4)), np.empty(n_groups), out,
        )  # fmt: skip
        return out


def _statistic_numpy(d, fl, n_groups):
    """The statistic with numpy (the implementation before the compiled pass)."""
    keep = fl >= 0
    g = fl[keep]
    trade = np.bincount(g, weights=d.f_tot[keep], minlength=n_groups)
    if d.f_excl.any():
        fl = np.where(d.f_excl, -1, fl)
        keep = fl >= 0
        g = fl[keep]
    ls, lt = fl[d.fs], fl[d.ft]
    inside = (ls == lt) & (ls >= 0)
    internal = np.bincount(ls[inside], weights=d.fw[inside], minlength=n_groups)
    if d.W > 0:
        expected = (
            np.maximum(
                np.bincount(g, weights=d.f_out[keep], minlength=n_groups)
                * np.bincount(g, weights=d.f_in[keep], minlength=n_groups)
                - np.bincount(g, weights=d.f_sxs[keep], minlength=n_groups),
                0.0,
            )
            / d.W
        )
    else:
        expected = np.zeros(n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(trade > 0, 2.0 * (internal - expected) / trade, 0.0)


def permutation_pvalues_many(
    n_nodes,
    source,
    target,
    value,
    is_firm,
    groupings,
    *,
    n_permutations=199,
    seed=0,
    exclude=None,
):
    """:func:`permutation_pvalues` of several groupings of the same firms, on shared draws.

    Each grouping gets exactly the p-values :func:`permutation_pvalues` gives it alone with
    the same ``seed`` (the permutations are the same draws); they are drawn once for all.

    Parameters
    ----------
    n_nodes, source, target, value, is_firm, n_permutations, seed, exclude
        As in :func:`permutation_pvalues`.
    groupings : sequence of (labels, n_groups)

    Returns
    -------
    list of ndarray, one per grouping

    Examples
    --------
    >>> ring = np.arange(40)
    >>> src, dst = np.r_[ring, 0, 1, 2, 3, 4], np.r_[(ring + 1) % 40, 1, 2, 3, 4, 0]
    >>> val = np.r_[np.ones(40), np.full(5, 10.0)]
    >>> a = np.r_[np.zeros(5, int), np.full(35, -1)]
    >>> b = np.arange(40) % 8
    >>> pa, pb = permutation_pvalues_many(40, src, dst, val, np.ones(40, bool),
    ...                                   [(a, 1), (b, 8)], seed=1)
    >>> bool(pa[0] < 0.05), pb.shape
    (True, (8,))
    """
    d = _FirmTrade(n_nodes, source, target, value, is_firm, exclude)
    use_numba = backend() == "numba"
    labs, bases, ks = [], [], []
    for labels, n_groups in groupings:
        lab, base = d.base(labels, int(n_groups))
        labs.append(lab)
        bases.append(base)
        ks.append(int(n_groups))
    n_firms = d.firms.size
    ident = np.arange(n_firms, dtype=d.idx)
    observed = [d.statistic(b, ident, k, use_numba) for b, k in zip(bases, ks, strict=True)]
    hits = [np.zeros(k) for k in ks]
    rng = np.random.default_rng(seed)
    for _ in range(int(n_permutations)):
        perm = rng.permutation(n_firms)
        for j, (b, k) in enumerate(zip(bases, ks, strict=True)):
            hits[j] += d.statistic(b, perm, k, use_numba) >= observed[j] - TIE_TOLERANCE
    out = []
    for lab, base, k, h in zip(labs, bases, ks, hits, strict=True):
        p = (1.0 + h) / (1.0 + int(n_permutations))
        keep = lab >= 0
        trade = np.bincount(lab[keep], weights=d.total[keep], minlength=k)
        p[trade <= 0] = 1.0
        size = np.bincount(base[base >= 0], minlength=k)
        p[2 * size > n_firms] = np.nan
        out.append(p)
    return out


def permutation_pvalues(
    n_nodes,
    source,
    target,
    value,
    is_firm,
    labels,
    n_groups,
    *,
    n_permutations=199,
    seed=0,
    exclude=None,
):
    """One-sided p-values of each group's internal trade by permuting group labels among firms.

    The statistic is ``internal_share - expected_internal_share`` (see
    :func:`linkage.network.activity.group_trade`). Each permutation shuffles the labels of
    all firms (groups keep their sizes, firms without a group stay in the pool; the
    network, its strengths and all trade with outside parties are untouched) and
    recomputes the statistic of every group at once (see the module for how).
    ``p = (1 + #{perm >= observed}) / (1 + n_permutations)``, the usual unbiased estimate
    (Phipson & Smyth 2010); a group without trade gets ``p = 1``.

    The test compares a group with random sets of firms of the same size, so it needs firms
    outside the group: a group holding more than half of all firms (e.g. a survey of one
    sentra) would mostly be compared with itself, and gets ``p = NaN`` (no test possible).

    Parameters
    ----------
    n_nodes, source, target, value, is_firm, labels, n_groups
        As in :func:`linkage.network.activity.group_trade`.
    n_permutations : int
        Number of random relabellings; the smallest p-value possible is ``1/(n+1)``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    exclude : ndarray of bool, optional
        As in :func:`linkage.network.activity.group_trade` (stays with the node when labels
        are permuted).

    Returns
    -------
    ndarray of float, shape (n_groups,)

    Examples
    --------
    Forty firms trade around a ring; firms 0-4 also trade heavily in a ring of their own:

    >>> ring = np.arange(40)
    >>> src = np.r_[ring, 0, 1, 2, 3, 4]
    >>> dst = np.r_[(ring + 1) % 40, 1, 2, 3, 4, 0]
    >>> val = np.r_[np.ones(40), np.full(5, 10.0)]
    >>> lab = np.r_[np.zeros(5, int), np.full(35, -1)]
    >>> p = permutation_pvalues(40, src, dst, val, np.ones(40, bool), lab, 1, seed=1)
    >>> float(p[0]) < 0.05
    True
    >>> lab[:5], lab[[7, 15, 23, 31, 39]] = -1, 0   # five firms that do not trade together
    >>> float(permutation_pvalues(40, src, dst, val, np.ones(40, bool), lab, 1, seed=1)[0]) > 0.5
    True
    """
    return permutation_pvalues_many(
        n_nodes,
        source,
        target,
        value,
        is_firm,
        [(labels, n_groups)],
        n_permutations=n_permutations,
        seed=seed,
        exclude=exclude,
    )[0]
