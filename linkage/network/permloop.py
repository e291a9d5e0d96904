"""The compiled loop of the label-permutation test: shuffle, statistic passes, hits.

:mod:`linkage.network.permutation` runs the test; this module holds what numba compiles
(when it imports): the Fisher-Yates shuffle of numpy's ``Generator.permutation`` applied
to a copy of the int16 labels (:func:`_shuffle_into`), the statistic of one permutation
(a pass over the firms, one over the firm-to-firm edges in the order of
:func:`edge_order`, :func:`_statistic_labels`) and the loop over the permutations
(:func:`_count_hits`), one compiled call without the GIL.
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["TIE_TOLERANCE", "compiled", "edge_order"]

#: Statistics within this of the observed one count as reaching it (float noise).
TIE_TOLERANCE = 1e-12

#: log2 of the firms in one block of :func:`edge_order` (2**16 int16 labels: 128 KB).
TILE_BITS = 16


def edge_order(fs, ft):
    """The order in which the statistic passes over the firm-to-firm edges ``(fs, ft)``.

    Edges are grouped in tiles of ``2**TILE_BITS`` sources by ``2**TILE_BITS`` targets,
    and by ``(fs, ft)`` within a tile: a tile's random gathers of the labels stay in two
    windows of 128 KB (the cache of a core) instead of the whole label array (2 MB at a
    million firms: 12.4 ms an edge pass of 5.8 M edges against 7.9 ms tiled, 3e5 firms
    2.9 against 2.1 ms). With fewer than ``2**TILE_BITS`` firms, one tile: the edges'
    own order. Edges already sorted by ``(fs, ft)`` (``SupplyNetwork.edges`` is) need one
    stable sort of a 16-bit tile number (radix: 0.01 s for 1.7 M edges; a four-key
    ``lexsort`` took 0.65 s).

    Examples
    --------
    >>> edge_order(np.array([0, 1, 70000]), np.array([1, 70000, 2])).tolist()
    [0, 2, 1]
    """
    fs = np.asarray(fs, dtype=np.int64)
    ft = np.asarray(ft, dtype=np.int64)
    top = max(int(fs.max()), int(ft.max())) if fs.size else 0
    if top < 2**TILE_BITS:
        return np.arange(fs.size)
    step = np.diff(fs)
    order = None
    if np.any(step < 0) or np.any((step == 0) & (np.diff(ft) < 0)):
        order = np.lexsort((ft, fs))  # not sorted by (fs, ft) yet
        fs, ft = fs[order], ft[order]
    blocks = (top >> TILE_BITS) + 1
    tile = (ft >> TILE_BITS) * blocks + (fs >> TILE_BITS)
    if blocks * blocks <= 2**16:
        tile = tile.astype(np.uint16)  # numpy's stable sort of 16-bit keys is a radix sort
    tiled = np.argsort(tile, kind="stable")
    return tiled if order is None else order[tiled]


def _next_uint32(bitgen):
    """The next 32 random bits of a numpy bit generator (numba compiles it to the same call)."""
    return bitgen.ctypes.next_uint32(bitgen.ctypes.state)


def _shuffle_into(rng, base, fl):
    """``fl[:] = base[rng.permutation(base.size)]``, the same draws, without the index array.

    numpy's ``Generator.permutation(n)`` shuffles ``arange(n)`` by Fisher-Yates: for
    ``i = n-1, ..., 1`` it swaps positions ``i`` and ``j``, ``j`` drawn by
    ``random_interval(i)`` (32 random bits masked to the smallest ``2^b - 1 >= i``, drawn
    again while above ``i``). The same swaps on a copy of the labels give the labels of the
    shuffled index directly: one pass over a small array instead of a shuffle of an
    ``n``-element int64 array and a gather through it. Returns the number of 32-bit draws."""
    fl[:] = base
    draws = 0
    for i in range(base.size - 1, 0, -1):
        mask = np.uint32(i)
        mask |= mask >> np.uint32(1)
        mask |= mask >> np.uint32(2)
        mask |= mask >> np.uint32(4)
        mask |= mask >> np.uint32(8)
        mask |= mask >> np.uint32(16)
        j = _next_uint32(rng.bit_generator) & mask
        draws += 1
        while j > np.uint32(i):
            j = _next_uint32(rng.bit_generator) & mask
            draws += 1
        t = fl[i]
        fl[i] = fl[j]
        fl[j] = t
    return draws


def _edges_and_finish(fl, fs, ft, fw, W, sums, internal, out):
    """The edge pass (edges in their order) and ``out[g] = 2 (internal - expected) / trade``."""
    internal[:] = 0.0
    for e in range(fs.size):
        g = fl[fs[e]]
        if g >= 0 and g == fl[ft[e]]:
            internal[g] += fw[e]
    for g in range(out.size):
        trade = sums[g, 0]
        expected = 0.0
        if W > 0:
            expected = max(sums[g, 1] * sums[g, 2] - sums[g, 3], 0.0) / W
        out[g] = 2.0 * (internal[g] - expected) / trade if trade > 0 else 0.0


def _statistic_labels(fl, fs, ft, fw, x, f_excl, W, sums, internal, out):
    """``out[g]``, the statistic of group g when firm i has label ``fl[i]``; ``x`` holds each
    firm's trade, sales, purchases and sales x purchases; ``sums`` (k x 4) and ``internal``
    (k) are work space. The edges never have an excluded end (they are left out).

    Every sum adds the same numbers in the same order as the numpy statistic
    (``np.bincount`` adds its weights in array order): firms in their order, then edges in
    theirs, so the two agree to the last bit."""
    sums[:] = 0.0
    for i in range(fl.size):
        g = fl[i]
        if g >= 0:
            sums[g, 0] += x[i, 0]
            if not f_excl[i]:
                sums[g, 1] += x[i, 1]
                sums[g, 2] += x[i, 2]
                sums[g, 3] += x[i, 3]
    _edges_and_finish(fl, fs, ft, fw, W, sums, internal, out)


def _count_hits(rng, base, n_perm, fs, ft, fw, x, f_excl, W, observed, fl, sums, internal,
                out, hits, done, draws):  # fmt: skip
    """``hits[g]``: permutations (drawn from ``rng`` as ``rng.permutation``, in order) whose
    statistic of group g reaches ``observed[g] - TIE_TOLERANCE``; ``done[0]`` counts the
    permutations finished (set to 0 on entry: the caller sees that the call has begun);
    ``draws[t]``: the 32-bit draws taken by permutations 0, ..., t of this call."""
    done[0] = 0
    c = 0
    for t in range(n_perm):
        c += _shuffle_into(rng, base, fl)
        draws[t] = c
        _statistic_labels(fl, fs, ft, fw, x, f_excl, W, sums, internal, out)
        for g in range(out.size):
            if out[g] >= observed[g] - TIE_TOLERANCE:
                hits[g] += 1
        done[0] = t + 1


@cache
def compiled():
    """The statistic and the permutation loop compiled by numba (imported on first use, so
    ``import linkage`` stays light; ``nogil``: a thread runs it beside the GIL-holding
    Leiden call), cached on disk where a cache directory can be written; None when numba
    does not import (not installed, or broken: a numpy or LLVM it does not support)."""
    try:
        import numba
        from numba.extending import overload, register_jitable
        from numba.np.random.generator_core import next_uint32
    except Exception:
        return None
    overload(_next_uint32)(lambda bitgen: lambda bitgen: next_uint32(bitgen))
    for fn in (_shuffle_into, _edges_and_finish, _statistic_labels):
        register_jitable(fn)
    try:
        jit = numba.njit(cache=True, nogil=True)
        return jit(_statistic_labels), jit(_count_hits)
    except RuntimeError:  # no writable cache directory (a read-only install)
        jit = numba.njit(nogil=True)
        return jit(_statistic_labels), jit(_count_hits)
