"""The label-permutation test of internal trade, for one or several groupings at once.

:func:`permutation_pvalues` is the test :func:`linkage.network.classify.classify_activity`
uses; :func:`permutation_pvalues_many` runs it for several groupings of the same firms
(the sentra and the detected communities) on the same permutations, and
:func:`start_permutation_pvalues` runs it in a thread beside the caller.

The null model is exact Monte Carlo: each permutation shuffles the group labels among the
firms (``numpy.random.default_rng(seed).permutation``, one draw per permutation, in order)
and recomputes every group's statistic, in one pass over the firms and one over the
firm-to-firm edges (edges with a middleman end left out: they are never internal; the
edges in tiles, :func:`linkage.network.permloop.edge_order`), compiled by numba when it
imports (and ``LINKAGE_NO_NUMBA`` is unset or 0), else with numpy. Both add the same
numbers in the same order, so they give the same statistics to the last bit and the same
p-values.

With numba the whole loop over the permutations is one compiled call that releases the
GIL (:mod:`linkage.network.permloop`). It draws each permutation as numpy does (the same
Fisher-Yates swaps, from the same bit generator) but applies them to a copy of the int16
labels instead of an int64 index, so the draws, statistics and p-values are those of the
numpy path, and each grouping redraws the same permutations from its own
``default_rng(seed)``.

The loop also counts the 32-bit draws each permutation takes (Fisher-Yates with rejection:
the count depends on the seed and the number of firms, not on the labels). With those
counts a later test on the same firms and seed can be split into parts that start at any
permutation, each from ``default_rng(seed)`` advanced past the draws before it
(:func:`rng_after`), and run in threads side by side: the same permutations, hits and
p-values as one loop.
"""

from __future__ import annotations

import numpy as np

from ..core.kernel import env_flag
from .pending import DrawCounts, PendingPvalues, rng_after, split_parts
from .permloop import TIE_TOLERANCE, compiled, edge_order

__all__ = [
    "DrawCounts",
    "PendingPvalues",
    "backend",
    "rng_after",
    "permutation_pvalues",
    "permutation_pvalues_many",
    "start_permutation_pvalues",
]


def backend() -> str:
    """``"numba"`` when the compiled statistic is used, else ``"numpy"``.

    Examples
    --------
    >>> backend() in ("numba", "numpy")
    True
    """
    off = env_flag("LINKAGE_NO_NUMBA")
    return "numpy" if off or compiled() is None else "numba"


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
        member = is_firm if exclude is None else is_firm & ~np.asarray(exclude, dtype=bool)
        ff = np.flatnonzero(member[source] & member[target])  # the ties that can be internal
        ff = ff[edge_order(firm_pos[source[ff]], firm_pos[target[ff]])]
        self.idx = idx = np.int32 if firms.size < 2**31 else np.int64
        self.fs = firm_pos[source[ff]].astype(idx)
        self.ft = firm_pos[target[ff]].astype(idx)
        self.fw = value[ff]
        self.f_out, self.f_in = s_out[firms], s_in[firms]
        self.f_tot, self.f_sxs = total[firms], sxs[firms]
        self.f_excl = ~member[firms]
        self.firms = firms

    def base(self, labels, n_groups):
        """Firm labels (outside parties never members), narrow for the gathers."""
        lab = np.asarray(labels, dtype=np.int64).copy()
        lab[~self.is_firm] = -1
        narrow = np.int16 if n_groups < 2**15 else self.idx
        return lab, lab[self.firms].astype(narrow)

    def x(self):
        """Trade, sales, purchases and sales x purchases of each firm, one row per firm."""
        if not hasattr(self, "_x"):
            self._x = np.column_stack([self.f_tot, self.f_out, self.f_in, self.f_sxs])
        return self._x

    def observed(self, base, n_groups, use_numba):
        """Statistic of every group with the firms' own labels."""
        if not use_numba:
            return _statistic_numpy(self, base, n_groups)
        out = np.empty(n_groups)
        compiled()[0](
            base, self.fs, self.ft, self.fw, self.x(), self.f_excl, self.W,
            np.empty((n_groups, 4)), np.empty(n_groups), out,
        )  # fmt: skip
        return out

    def hits(self, base, observed, n_permutations, rng, use_numba, done=None):
        """Permutations drawn from ``rng`` (as ``rng.permutation``, in order) reaching the
        observed statistic, per group, and the 32-bit draws taken after each (numba; zeros
        with numpy); ``done`` (int64, 1) counts them as they finish (numba)."""
        k = observed.size
        draws = np.zeros(n_permutations, dtype=np.int64)
        if not use_numba:
            hits = np.zeros(k)
            for _ in range(n_permutations):
                fl = base[rng.permutation(base.size)]
                hits += _statistic_numpy(self, fl, k) >= observed - TIE_TOLERANCE
            return hits, draws
        hits = np.zeros(k, dtype=np.int64)
        done = np.zeros(1, dtype=np.int64) if done is None else done
        compiled()[1](
            rng, base, n_permutations, self.fs, self.ft, self.fw, self.x(), self.f_excl,
            self.W, observed, np.empty_like(base), np.empty((k, 4)), np.empty(k),
            np.empty(k), hits, done, draws,
        )  # fmt: skip
        return hits, draws


def _statistic_numpy(d, fl, n_groups):
    """The statistic with numpy, the same sums in the same order as the compiled pass."""
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
    the same ``seed`` (the permutations are the same draws: each grouping draws them
    from its own ``default_rng(seed)``).

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
    return start_permutation_pvalues(
        n_nodes, source, target, value, is_firm, groupings, n_permutations=n_permutations,
        seed=seed, exclude=exclude, background=False,
    ).result()  # fmt: skip


def start_permutation_pvalues(
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
    background=True,
    draws=None,
    n_threads=1,
    prepared=None,
):
    """:func:`permutation_pvalues_many` started in a thread: ``.result()`` waits for it.

    With numba the permutations run in one compiled call that releases the GIL, so they
    go on while the caller holds it (e.g. in igraph's ``community_leiden``, which does
    not release it); this returns once that call has begun. Without numba, or with
    ``background=False``, the p-values are computed here, before returning. The p-values
    are those of :func:`permutation_pvalues_many` with the same arguments.

    Parameters
    ----------
    n_nodes, source, target, value, is_firm, groupings, n_permutations, seed, exclude
        As in :func:`permutation_pvalues_many`.
    background : bool
        Run in threads (with numba), else here.
    draws : DrawCounts, optional
        The draw counts of an earlier test with the same seed on the same firms
        (``.draws`` of its job after ``result()``). With them the permutations are split
        into ``n_threads`` consecutive parts, each started from ``default_rng(seed)``
        advanced past the draws before it (:func:`rng_after`) in its own thread: the same
        permutations, so the same p-values. Ignored when they do not match.
    n_threads : int
        Parts when ``draws`` is given.
    prepared : optional
        ``.prepared`` of a job on the same network and ``exclude``: its arrays, not redone.

    Returns
    -------
    PendingPvalues
        ``.result()`` waits for the p-values; then ``.draws`` holds the
        :class:`DrawCounts` of the permutations (None without numba).

    Examples
    --------
    >>> ring = np.arange(40)
    >>> src, dst = np.r_[ring, 0, 1, 2, 3, 4], np.r_[(ring + 1) % 40, 1, 2, 3, 4, 0]
    >>> val = np.r_[np.ones(40), np.full(5, 10.0)]
    >>> a = np.r_[np.zeros(5, int), np.full(35, -1)]
    >>> job = start_permutation_pvalues(40, src, dst, val, np.ones(40, bool), [(a, 1)], seed=1)
    >>> bool(job.result()[0][0] < 0.05)
    True
    """
    d = prepared or _FirmTrade(n_nodes, source, target, value, is_firm, exclude)
    use_numba = backend() == "numba"
    n_permutations = int(n_permutations)
    jobs = []
    for labels, n_groups in groupings:
        lab, base = d.base(labels, int(n_groups))
        jobs.append((lab, base, d.observed(base, int(n_groups), use_numba)))
    parts = split_parts(n_permutations, seed, d.firms.size, draws, n_threads if use_numba else 1)

    def part(count, skipped):
        def run(done):
            return [d.hits(b, obs, count, rng_after(seed, skipped), use_numba, done)
                    for _, b, obs in jobs]  # fmt: skip

        return run

    def finish(results):
        pvalues = [
            _pvalues(d, lab, base, sum(r[j][0] for r in results), n_permutations)
            for j, (lab, base, _) in enumerate(jobs)
        ]
        counts = None
        if use_numba and jobs:
            cumulative = np.concatenate(
                [r[0][1] + skipped for r, (_, _, skipped) in zip(results, parts, strict=True)]
            )
            counts = DrawCounts(seed, d.firms.size, cumulative)
        return pvalues, counts

    return PendingPvalues(
        [part(count, skipped) for _, count, skipped in parts],
        finish,
        background=background and use_numba and bool(jobs),
        prepared=d,
    )


def _pvalues(d, lab, base, hits, n_permutations):
    """``(1 + hits) / (1 + n)``; 1 for a group without trade, NaN above half the firms."""
    k = hits.size
    p = (1.0 + hits) / (1.0 + n_permutations)
    keep = lab >= 0
    trade = np.bincount(lab[keep], weights=d.total[keep], minlength=k)
    p[trade <= 0] = 1.0
    size = np.bincount(base[base >= 0], minlength=k)
    p[2 * size > d.firms.size] = np.nan
    return p


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
