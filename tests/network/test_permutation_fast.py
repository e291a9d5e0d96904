"""The compiled permutation loop draws numpy's permutations and runs beside the caller.

``_shuffle_into`` must reproduce ``Generator.permutation`` exactly (same draws, same
generator state after), compiled and as plain Python; the background job of
``start_permutation_pvalues`` must give the p-values of the synchronous call.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_clusters import generate
from linkage.network import permloop, permutation
from linkage.network.permutation import permutation_pvalues_many, start_permutation_pvalues


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 1000, 70_000])
@pytest.mark.parametrize("compiled", [False, True])
def test_shuffle_into_is_numpy_permutation(n, compiled):
    if compiled and permloop.compiled() is None:
        pytest.skip("numba does not import here")
    if not compiled and n > 1000:
        pytest.skip("plain Python is slow")
    base = (np.arange(n) % 7).astype(np.int16)
    fl = np.empty_like(base)
    mine, ref = np.random.default_rng(11), np.random.default_rng(11)
    if compiled:
        k = permloop.compiled()[1]
        x = np.zeros((n, 4))
        e = np.zeros(0, np.int32)
        for _ in range(3):  # three permutations, then compare the last
            k(mine, base, 1, e, e, np.zeros(0), x, np.zeros(n, bool), 0.0, np.zeros(7),
              fl, np.empty((7, 4)), np.empty(7), np.empty(7), np.zeros(7, np.int64),
              np.zeros(1, np.int64), np.zeros(1, np.int64))  # fmt: skip
    else:
        for _ in range(3):
            permloop._shuffle_into(mine, base, fl)
    for _ in range(3):
        perm = ref.permutation(n)
    np.testing.assert_array_equal(fl, base[perm])
    assert mine.bit_generator.state == ref.bit_generator.state


def test_background_job_equals_the_synchronous_call():
    src, dst, val, n_firms, n_nodes, sentra, _ = generate(3000, 30_000, 40, 5)
    is_firm = np.arange(n_nodes) < n_firms
    a = np.r_[sentra, np.full(n_nodes - n_firms, -1)]
    b = np.r_[sentra // 4, np.full(n_nodes - n_firms, -1)]
    groupings = [(a, int(a.max()) + 1), (b, int(b.max()) + 1)]
    args = (n_nodes, src, dst, val, is_firm, groupings)
    sync = permutation_pvalues_many(*args, n_permutations=79, seed=2)
    job = start_permutation_pvalues(*args, n_permutations=79, seed=2)
    for p, q in zip(sync, job.result(), strict=True):
        np.testing.assert_array_equal(p, q)
    active = np.arange(groupings[0][1]) % 2 == 0
    assert (sync[0][active] <= 0.05).mean() > 0.9  # the planted truth


def test_background_job_reraises_errors(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(permutation._FirmTrade, "hits", broken)
    lab = np.r_[np.zeros(5, int), np.full(35, -1)]
    ring = np.arange(40)
    with pytest.raises(ValueError, match="boom"):  # in the thread, or here without numba
        start_permutation_pvalues(
            40, ring, (ring + 1) % 40, np.ones(40), np.ones(40, bool), [(lab, 1)]
        ).result()


def test_tiled_edges_numba_equals_numpy(monkeypatch):
    """140,000 firms: three tiles a side; the tiled pass changes the order of the internal
    sums only, and both backends sum in that order (equal to the last bit)."""
    if permloop.compiled() is None:
        pytest.skip("numba does not import here")
    rng = np.random.default_rng(8)
    n = 140_000
    src = rng.integers(0, n, 600_000)
    dst = (src + rng.integers(1, 60, src.size)) % n  # mostly local ties
    far = rng.random(src.size) < 0.3
    dst[far] = rng.integers(0, n, int(far.sum()))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    val = rng.lognormal(0, 1, src.size)
    lab = np.minimum(np.arange(n) // 40, 999)  # sentra of 40 neighbouring firms
    lab[::17] = -1
    exclude = np.zeros(n, bool)
    exclude[[5, 70_001, 139_999]] = True
    order = permloop.edge_order(src, dst)
    assert not np.all(np.diff(src[order]) >= 0)  # the tiles do reorder the edges
    kw = dict(n_permutations=19, seed=1, exclude=exclude)
    fast = permutation.permutation_pvalues(n, src, dst, val, np.ones(n, bool), lab, 1000, **kw)
    monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    slow = permutation.permutation_pvalues(n, src, dst, val, np.ones(n, bool), lab, 1000, **kw)
    np.testing.assert_array_equal(fast, slow)
    assert (fast <= 0.05).mean() > 0.5  # the local ties make the sentra significant


@pytest.mark.parametrize("presorted", [True, False])
def test_edge_order_is_the_four_key_sort(presorted):
    """Tiles by target block, then source block, then (source, target), repeated pairs in
    their order: the stable 16-bit sort of sorted edges equals numpy's lexsort."""
    rng = np.random.default_rng(3)
    fs, ft = rng.integers(0, 200_000, 50_000), rng.integers(0, 200_000, 50_000)
    fs[::7], ft[::7] = fs[1::7][: fs[::7].size], ft[1::7][: ft[::7].size]  # repeated pairs
    if presorted:
        o = np.lexsort((ft, fs))
        fs, ft = fs[o], ft[o]
    ref = np.lexsort((ft, fs, fs >> 16, ft >> 16))
    np.testing.assert_array_equal(permloop.edge_order(fs, ft), ref)
    small = permloop.edge_order(fs % 1000, ft % 1000)  # one tile: the edges' own order
    np.testing.assert_array_equal(small, np.arange(fs.size))
