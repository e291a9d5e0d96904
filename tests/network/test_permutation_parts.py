"""The permutation test split into parts gives the permutations, and p-values, of one loop.

A part that starts at permutation t draws from ``default_rng(seed)`` advanced past the
32-bit draws of the permutations before it (``rng_after``), counted by an earlier test on
the same firms. The reference is ``numpy.random.Generator.permutation`` itself (the
generator state after t permutations) and the unsplit test (the same p-values, exactly).
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_clusters import generate
from linkage.network import permutation
from linkage.network.pending import DrawCounts, rng_after, split_parts
from linkage.network.permutation import permutation_pvalues_many, start_permutation_pvalues

needs_numba = pytest.mark.skipif(
    permutation.backend() != "numba", reason="numba does not import, or LINKAGE_NO_NUMBA is set"
)


@pytest.mark.parametrize("n_draws", [0, 1, 2, 3, 4, 1001, 1386, 99_999])
def test_rng_after_equals_drawing_32_bit_words(n_draws):
    ref = np.random.default_rng(7)
    if n_draws:
        # integers over the full 32-bit range: one next_uint32 a value, never redrawn
        ref.integers(0, 2**32, size=n_draws, dtype=np.uint32)
    assert rng_after(7, n_draws).bit_generator.state == ref.bit_generator.state


@needs_numba
@pytest.mark.parametrize("n", [2, 3, 17, 5000])
def test_counted_draws_rebuild_the_state_after_each_permutation(n):
    d = permutation._FirmTrade(n, np.zeros(0), np.zeros(0), np.zeros(0), np.ones(n, bool), None)
    base = (np.arange(n) % 5).astype(np.int16)
    obs = np.zeros(5)
    _, counts = d.hits(base, obs, 6, np.random.default_rng(3), True)
    ref = np.random.default_rng(3)
    for t in range(6):
        ref.permutation(n)
        assert rng_after(3, counts[t]).bit_generator.state == ref.bit_generator.state
    # the counts depend on the seed and the number of firms, not on the labels
    _, again = d.hits(np.zeros(n, np.int16), np.zeros(1), 6, np.random.default_rng(3), True)
    np.testing.assert_array_equal(counts, again)


def test_split_parts_cuts_at_the_counted_draws():
    draws = DrawCounts(1, 10, np.array([3, 7, 12, 15, 20]))
    assert split_parts(5, 1, 10, draws, 2) == [(0, 2, 0), (2, 3, 7)]
    assert split_parts(5, 1, 10, draws, 9) == [(i, 1, c) for i, c in enumerate([0, 3, 7, 12, 15])]
    # counts of another seed, other firms or too few permutations: one part
    for bad in (DrawCounts(2, 10, draws.cumulative), DrawCounts(1, 11, draws.cumulative)):
        assert split_parts(5, 1, 10, bad, 2) == [(0, 5, 0)]
    assert split_parts(6, 1, 10, draws, 2) == [(0, 6, 0)]
    assert split_parts(5, 1, 10, None, 2) == [(0, 5, 0)]


def _planted():
    src, dst, val, n_firms, n_nodes, sentra, _ = generate(3000, 30_000, 40, 5)
    is_firm = np.arange(n_nodes) < n_firms
    a = np.r_[sentra, np.full(n_nodes - n_firms, -1)]
    # groups without planted structure: p-values spread over (0, 1], so a permutation
    # drawn differently would show
    b = np.r_[np.random.default_rng(1).integers(0, 30, n_firms), np.full(n_nodes - n_firms, -1)]
    return (n_nodes, src, dst, val, is_firm), [(a, int(a.max()) + 1), (b, 30)]


@needs_numba
@pytest.mark.parametrize("n_threads", [2, 3, 7, 79])
@pytest.mark.parametrize("background", [True, False])
def test_parts_give_the_pvalues_of_one_loop(n_threads, background):
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings, n_permutations=79, seed=2)
    first = start_permutation_pvalues(*args, groupings[:1], n_permutations=79, seed=2)
    first.result()
    assert first.draws.seed == 2 and first.draws.cumulative.size == 79
    job = start_permutation_pvalues(
        *args, groupings[1:], n_permutations=79, seed=2, draws=first.draws,
        n_threads=n_threads, background=background,
    )  # fmt: skip
    np.testing.assert_array_equal(job.result()[0], one[1])
    assert np.unique(one[1]).size > 10  # the p-values can tell permutations apart
    # its own counts, put together from the parts, equal those of one loop
    np.testing.assert_array_equal(job.draws.cumulative, first.draws.cumulative)


@needs_numba
def test_counts_of_another_seed_are_ignored():
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings, n_permutations=39, seed=4)
    other = start_permutation_pvalues(*args, groupings[:1], n_permutations=39, seed=5)
    other.result()
    job = start_permutation_pvalues(
        *args, groupings, n_permutations=39, seed=4, draws=other.draws, n_threads=2
    )
    for p, q in zip(one, job.result(), strict=True):
        np.testing.assert_array_equal(p, q)


def test_without_numba_the_test_runs_in_one_part(monkeypatch):
    monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    args, groupings = _planted()
    one = permutation_pvalues_many(*args, groupings[:1], n_permutations=19, seed=2)
    job = start_permutation_pvalues(
        *args, groupings[:1], n_permutations=19, seed=2,
        draws=DrawCounts(2, 3000, np.arange(1, 20) * 3000), n_threads=2,
    )  # fmt: skip
    np.testing.assert_array_equal(job.result()[0], one[0])
    assert job.draws is None
