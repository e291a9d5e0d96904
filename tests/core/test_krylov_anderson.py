"""Tests of linkage.core.krylov_anderson: the sweep against the dense Gauss-Seidel
operator, the mixing weights by hand and against a least-squares solve, the vector
kernels against numpy, the row solves against dense solves (true residuals), and the
solver's choice of them."""

import os

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sweeps import (  # noqa: F401  (sweeps_on: autouse)
    PROBLEMS,
    assert_dense_rows,
    linkage_rows,
    needs_numba,
    random_A,
    sweeps_on,
)

from linkage.core import krylov_anderson, krylov_gs
from linkage.core.kernel import FusedProducts, applier
from linkage.core.krylov import Iteration, gmres_power
from linkage.core.krylov_anderson import (
    anderson_row,
    combine,
    gram_rows,
    gs_anderson,
    gs_row,
    mixing,
    rhs_weights,
    sumsq,
    sweep_f,
)
from linkage.core.krylov_gs import GaussSeidel
from linkage.core.krylov_mixed import gs_mixed_row
from linkage.core.krylov_scaled import scaled_gmres


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("diagonal", [False, True])
def test_sweep_is_the_dense_gauss_seidel_step(compiled, diagonal):
    if compiled and krylov_gs.numba is None:
        pytest.skip("numba does not import here")
    A = random_A(40, 0.2, 0.7, seed=4, diagonal=diagonal).tocsr()
    Ad = A.toarray()
    rng = np.random.default_rng(0)
    b, z = rng.random(40), rng.random(40)
    # G(z) = (I - D - L)⁻¹ (b + U z), from the definition
    want = sla.solve_triangular(np.eye(40) - np.tril(Ad), b + np.triu(Ad, 1) @ z, lower=True)
    f = np.empty(40)
    old = z.copy()
    fn = krylov_anderson._sweep_f if compiled else sweep_f
    ff = fn(A.indptr, A.indices, A.data, b, z, f, diagonal, b, False)
    np.testing.assert_allclose(z, want, rtol=1e-13)
    np.testing.assert_allclose(f, want - old, rtol=1e-12, atol=1e-14)
    assert ff == pytest.approx(float(f @ f), rel=1e-12)
    w = rng.random(40)  # weighted: f scaled, the sweep itself unchanged
    z = old.copy()
    ff = fn(A.indptr, A.indices, A.data, b, z, f, diagonal, w, True)
    np.testing.assert_allclose(z, want, rtol=1e-13)
    np.testing.assert_allclose(f, w * (want - old), rtol=1e-12, atol=1e-14)
    assert ff == pytest.approx(float(f @ f), rel=1e-12)


def test_mixing_by_hand_and_against_least_squares():
    # f_0 = (2, 0), f_1 = (0, 1): min ‖a f_0 + (1 - a) f_1‖ at a = 1/5 (4a² + (1-a)²)
    F = np.array([[2.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(mixing(F @ F.T, 1), [0.2, 0.8], rtol=1e-12)
    rng = np.random.default_rng(3)
    F = rng.standard_normal((5, 30))
    alpha = mixing(F @ F.T, 4)
    assert alpha.sum() == pytest.approx(1.0, abs=1e-12)
    # the same minimum from lstsq over gamma: f_4 + Σ γ_i (f_i - f_4)
    D = (F[:4] - F[4]).T
    gamma = np.linalg.lstsq(D, -F[4], rcond=None)[0]
    np.testing.assert_allclose(alpha[:4], gamma, rtol=1e-8)
    # one iterate only: itself
    assert mixing(np.array([[4.0]]), 0).tolist() == [1.0]


def test_vector_kernels_are_numpy():
    rng = np.random.default_rng(7)
    G = rng.random((6, 50))
    hist = np.array([0, 2, 3, 5])
    alpha = rng.standard_normal(4)
    out = G[1].copy()
    combine(alpha, G, hist, G[1])  # into a row left out of hist
    np.testing.assert_allclose(G[1], alpha @ G[hist], rtol=1e-13)
    assert not np.allclose(G[1], out)
    fresh = np.array([2, 5])
    rows = np.empty((2, 4))
    gram_rows(G, fresh, hist, rows)
    np.testing.assert_allclose(rows, G[fresh] @ G[hist].T, rtol=1e-13)


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("n", [1, 4096, 10_001])
def test_gram_rows_and_sumsq_are_numpy_across_blocks(compiled, n):
    """The blocked Gram rows and the sum of squares (the rows' replacements for BLAS)
    equal numpy's products, on lengths below, at and across GRAM_BLOCK."""
    if compiled and krylov_gs.numba is None:
        pytest.skip("numba does not import here")
    gram = krylov_anderson._gram_rows if compiled else gram_rows
    square = krylov_anderson._sumsq if compiled else sumsq
    F = np.random.default_rng(n).standard_normal((7, n))
    fresh, hist = np.array([3, 4]), np.array([0, 1, 2, 3, 4, 6])
    rows = np.full((2, 6), np.nan)
    gram(F, fresh, hist, rows)
    np.testing.assert_allclose(rows, F[fresh] @ F[hist].T, rtol=1e-12, atol=1e-12 * n)
    assert square(F[5]) == pytest.approx(float(F[5] @ F[5]), rel=1e-13)
    assert krylov_anderson.norm(F[5]) == pytest.approx(float(np.linalg.norm(F[5])), rel=1e-13)


@needs_numba
@settings(max_examples=25, deadline=None)
@given(**PROBLEMS, tol=st.sampled_from([1e-8, 1e-12]))
def test_row_solves_are_the_dense_solves(n, rho, seed, diagonal, tol):
    A, B, flags = linkage_rows(n, rho, seed, diagonal)
    gs = GaussSeidel(A)
    U, products, converged, residual = gs_anderson(gs, B, flags, tol=tol, max_products=500)
    assert converged and residual <= tol
    assert 1 <= products <= gs.passes <= 3 * products
    assert_dense_rows(A, B, flags, U, tol)


@needs_numba
def test_zero_rhs_budget_and_divergence():
    A = random_A(30, 0.2, 0.6, seed=1)
    S = GaussSeidel(A).structure(False)[0]
    u, passes, converged, residual = anderson_row(S, np.zeros(30), 1e-12, 100)
    assert converged and passes == 0 and residual == 0.0 and not u.any()
    # a budget too small: not converged, the true residual of what it has (>= 1 pass)
    u, passes, converged, residual = anderson_row(S, np.ones(30), 1e-12, 3)
    assert not converged and passes <= 3 and 1e-12 < residual < 1
    true = np.linalg.norm(np.ones(30) - u + S @ u) / np.sqrt(30)
    assert residual == pytest.approx(true, rel=1e-10)
    # a cycle (I - A singular, 1ᵀ(I - A) = 0) and b = 1 outside its range: no solution
    cycle = sp.csr_array(np.roll(np.eye(30), 1, axis=1))
    u, passes, converged, residual = anderson_row(cycle, np.ones(30), 1e-12, 200, False)
    assert not converged and passes <= 200 and not residual <= 1e-12
    # spectral radius 1.5: plain Gauss-Seidel diverges; what the mixing reports is true
    big = random_A(30, 0.2, 1.5, seed=1, diagonal=False).tocsr()
    u, passes, converged, residual = anderson_row(big, np.ones(30), 1e-12, 200, False)
    true = np.linalg.norm(np.ones(30) - u + big @ u) / np.sqrt(30)
    assert converged == (true <= 1e-12) and residual == pytest.approx(true, rel=1e-6)


@needs_numba
def test_the_solver_uses_anderson_for_few_rows(monkeypatch):
    A = random_A(60, 0.1, 0.8, seed=9)
    it = Iteration(A)
    calls = []
    real = krylov_anderson.gs_anderson
    spy = lambda *a, **k: calls.append(1) or real(*a, **k)  # noqa: E731
    monkeypatch.setattr(krylov_anderson, "gs_anderson", spy)
    B = np.vstack([np.ones(60), np.arange(60.0), np.ones(60)])
    U, products, converged, residual = it.solve_rows(
        B, np.array([False, False, True]), tol=1e-12, restart=12, max_products=400
    )
    assert calls and converged and residual <= 1e-12
    assert it.backend == "numba-gauss-seidel" and it.passes >= products
    Ad = A.toarray()
    np.testing.assert_allclose(U[2], np.linalg.solve(np.eye(60) - Ad.T, B[2]), rtol=1e-9)
    calls.clear()  # a block of many right-hand sides: GMRES in lock step
    it.solve_rows(np.ones((8, 60)), np.zeros(8, bool), tol=1e-12, restart=12, max_products=400)
    assert not calls


def test_rhs_weights():
    assert rhs_weights(np.full(5, 3.0)) is None
    assert rhs_weights(np.array([1.0, 9999.0])) is None  # within the spread
    w = rhs_weights(np.array([-2.0, 0.0, 40000.0]))
    np.testing.assert_allclose(w, [0.5, 1 / 40000, 1 / 40000])
    assert rhs_weights(np.zeros(3)) is None


@pytest.mark.parametrize("seed", range(6))
def test_wide_rhs_entrywise_accurate(seed, monkeypatch):
    # b spanning 1e8 (the output x of small and large firms): every entry of u to ~tol,
    # on the sweeps (weights) and on scipy's products (the scaled GMRES)
    n = 150
    A = random_A(n, 0.05, 0.9, seed, diagonal=seed % 2 == 0)
    rng = np.random.default_rng(seed)
    b = 10.0 ** rng.uniform(-4, 4, n)
    B = np.vstack([np.ones(n), b, b])
    flags = np.array([False, False, True])
    Ad = A.toarray()
    want = [np.linalg.solve(np.eye(n) - (Ad.T if t else Ad), B[r]) for r, t in enumerate(flags)]
    fused = FusedProducts(A)
    runs = [lambda: scaled_gmres(applier(fused, flags), B, gmres_power, tol=1e-12, restart=12,
                                 max_products=400, augment=2)]  # fmt: skip
    if krylov_gs.numba is not None:
        runs.append(lambda: gs_anderson(GaussSeidel(A), B, flags, tol=1e-12, max_products=400))
    for run in runs:
        U, products, converged, residual = run()
        assert converged and residual <= 1e-12
        for r, t in enumerate(flags):
            M = Ad.T if t else Ad
            assert np.linalg.norm(B[r] - U[r] + M @ U[r]) <= 1e-12 * np.linalg.norm(B[r])
            np.testing.assert_allclose(U[r], want[r], rtol=1e-9)  # entry by entry


@needs_numba
@pytest.mark.parametrize("row", [gs_row, gs_mixed_row], ids=["float64", "mixed"])
@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_rows_on_threads_give_the_rows_one_after_the_other(monkeypatch, workers, row):
    """Each row's arithmetic is its own: threads change the wall time, not one bit (the
    float64 rows and the float32 ones in their refinement)."""
    A = random_A(3000, 0.002, 0.8, 5)
    rng = np.random.default_rng(5)
    B = np.vstack([np.ones(3000), rng.lognormal(0, 3, 3000), np.ones(3000)])
    flags = np.array([False, False, True])
    monkeypatch.setenv("LINKAGE_SOLVE_THREADS", "1")
    want = gs_anderson(GaussSeidel(A), B, flags, tol=1e-12, max_products=400, row=row)
    monkeypatch.setenv("LINKAGE_SOLVE_THREADS", workers)
    gs = GaussSeidel(A)
    got = gs_anderson(gs, B, flags, tol=1e-12, max_products=400, row=row)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1:] == want[1:] and got[2]
    assert gs.passes >= 3 * 2  # every row swept and checked, counted once
    assert rhs_weights(B[1]) is not None  # the weighted stop is exercised
    assert krylov_anderson.threads(3) == min(int(workers), 3)


def test_threads_follow_the_cores_and_the_environment(monkeypatch):
    monkeypatch.delenv("LINKAGE_SOLVE_THREADS", raising=False)
    cores = os.cpu_count() or 1
    assert krylov_anderson.threads(3) == min(cores, 3) and krylov_anderson.threads(1) == 1
    monkeypatch.setenv("LINKAGE_SOLVE_THREADS", "2")
    assert krylov_anderson.threads(3) == 2 and krylov_anderson.threads(0) == 1
    for bad in ("0", "x", ""):
        monkeypatch.setenv("LINKAGE_SOLVE_THREADS", bad)  # not a count: one per core
        assert krylov_anderson.threads(8) == min(cores, 8)


@needs_numba
@pytest.mark.parametrize("diagonal", [False, True])
def test_a_rising_start_is_not_a_stall(diagonal):
    """n = 14, spectral radius 0.97 (hypothesis found it): ‖f‖ rises for 7 sweeps before it
    falls, which the stall rule took for no progress before STALL_AFTER (residual 1.36)."""
    A = random_A(14, 0.15, 0.97, 14, diagonal)
    S = GaussSeidel(A).structure(False)[0]
    u, passes, converged, residual = anderson_row(S, np.ones(14), 1e-12, 500)
    assert converged and residual <= 1e-12 and passes > krylov_anderson.STALL_AFTER
    np.testing.assert_allclose(u, np.linalg.solve(np.eye(14) - A.toarray(), np.ones(14)))
