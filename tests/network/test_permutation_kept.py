"""Permutations kept by one test and replayed by another give the p-values of drawing them.

``keep_permutations`` stores the index of each permutation the compiled loop draws (it
must equal ``Generator.permutation``); a later test with ``stored`` replays them, in
parts, and draws only those that were not kept (from the counted draws). The reference is
the test that draws every permutation itself. The edges of the statistic are tiled above
``2**TILE_BITS`` firms; the numba and numpy statistics must still agree to the last bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_clusters import generate
from linkage.network import permloop, permutation
from linkage.network.pending import StoredPermutations
from linkage.network.permutation import permutation_pvalues_many, start_permutation_pvalues

needs_numba = pytest.mark.skipif(
    permutation.backend() != "numba", reason="numba does not import, or LINKAGE_NO_NUMBA is set"
)


def _planted():
    src, dst, val, n_firms, n_nodes, sentra, _ = generate(3000, 30_000, 40, 5)
    is_firm = np.arange(n_nodes) < n_firms
    a = np.r_[sentra, np.full(n_nodes - n_firms, -1)]
    # groups without planted structure: p-values spread over (0, 1]
    b = np.r_[np.random.default_rng(1).integers(0, 30, n_firms), np.full(n_nodes - n_firms, -1)]
    return (n_nodes, src, dst, val, is_firm), [(a, int(a.max()) + 1), (b, 30)]


@needs_numba
@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("background", [True, False])
def test_replayed_permutations_give_the_pvalues_of_drawing_them(n_threads, background):
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings, n_permutations=59, seed=2)
    first = start_permutation_pvalues(
        *args, groupings[:1], n_permutations=59, seed=2, keep_permutations=True
    )
    np.testing.assert_array_equal(first.result()[0], one[0])
    kept = first.stored
    assert kept.index.shape == (59, 3000) and kept.index.dtype == np.int32
    ref = np.random.default_rng(2)
    for t in range(59):
        np.testing.assert_array_equal(kept.index[t], ref.permutation(3000))
    job = start_permutation_pvalues(
        *args, groupings[1:], n_permutations=59, seed=2, stored=kept, draws=first.draws,
        n_threads=n_threads, background=background,
    )  # fmt: skip
    np.testing.assert_array_equal(job.result()[0], one[1])
    assert np.unique(one[1]).size > 10  # the p-values can tell permutations apart
    np.testing.assert_array_equal(job.draws.cumulative, first.draws.cumulative)


@needs_numba
@pytest.mark.parametrize("with_draws", [True, False])
def test_only_what_fits_is_kept_and_the_rest_drawn(monkeypatch, with_draws):
    monkeypatch.setattr(permutation, "PERMUTATION_STORE_BYTES", 30 * 3000 * 4 + 5)
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings, n_permutations=79, seed=3)
    first = start_permutation_pvalues(
        *args, groupings[:1], n_permutations=79, seed=3, keep_permutations=True
    )
    first.result()
    assert first.stored.index.shape == (30, 3000)
    job = start_permutation_pvalues(
        *args, groupings[1:], n_permutations=79, seed=3, stored=first.stored,
        draws=first.draws if with_draws else None, n_threads=2,
    )  # fmt: skip
    np.testing.assert_array_equal(job.result()[0], one[1])


@needs_numba
def test_kept_permutations_of_another_seed_or_other_firms_are_ignored():
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings[1:], n_permutations=39, seed=4)
    first = start_permutation_pvalues(
        *args, groupings[:1], n_permutations=39, seed=5, keep_permutations=True
    )
    first.result()
    other_firms = StoredPermutations(4, 2999, first.stored.index[:, :2999])
    for kept in (first.stored, other_firms):
        job = start_permutation_pvalues(
            *args, groupings[1:], n_permutations=39, seed=4, stored=kept, n_threads=2
        )
        np.testing.assert_array_equal(job.result()[0], one[0])


@needs_numba
def test_groupings_of_one_job_share_the_kept_permutations():
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings, n_permutations=49, seed=6)
    job = start_permutation_pvalues(
        *args, groupings, n_permutations=49, seed=6, keep_permutations=True
    )
    for p, q in zip(one, job.result(), strict=True):
        np.testing.assert_array_equal(p, q)


def test_without_numba_nothing_is_kept(monkeypatch):
    monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    args, groupings = _planted()
    job = start_permutation_pvalues(
        *args, groupings[:1], n_permutations=9, seed=2, keep_permutations=True
    )
    job.result()
    assert job.stored is None


@needs_numba
def test_tiled_edges_numba_equals_numpy(monkeypatch):
    """140,000 firms: three tiles a side; the tiled pass changes the order of the internal
    sums only, and both backends sum in that order (equal to the last bit)."""
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
