"""Tests of linkage.core.krylov_mixed: float32 sweeps inside a float64 refinement against
dense solves (true residuals, entry by entry on wide right-hand sides), the float32 floor
the refinement removes, the float32 values of GaussSeidel, the fallback to float64 sweeps
and the switch (the threads, bit for bit: test_krylov_anderson, for both rows)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sweeps import (  # noqa: F401  (sweeps_on: autouse)
    PROBLEMS,
    assert_dense_rows,
    linkage_rows,
    needs_numba,
    random_A,
    sweeps_on,
    true_residual,
)

from linkage.core import krylov_mixed
from linkage.core.krylov import Iteration
from linkage.core.krylov_anderson import gs_anderson
from linkage.core.krylov_gs import GaussSeidel
from linkage.core.krylov_mixed import gs_mixed_row, inner_row, mixed_row

pytestmark = needs_numba


@settings(max_examples=25, deadline=None)
@given(**PROBLEMS, tol=st.sampled_from([1e-4, 1e-8, 1e-12]))
def test_mixed_rows_are_the_dense_solves(n, rho, seed, diagonal, tol):
    A, B, flags = linkage_rows(n, rho, seed, diagonal)
    gs = GaussSeidel(A)
    U, products, converged, residual = gs_anderson(
        gs, B, flags, tol=tol, max_products=500, row=gs_mixed_row
    )
    assert converged and residual <= tol
    assert 1 <= products <= gs.passes <= 3 * products
    assert_dense_rows(A, B, flags, U, tol)


@pytest.mark.parametrize("seed", range(4))
def test_wide_rhs_entrywise_accurate(seed):
    # b spanning 1e8 (small and large firms' output): every entry of u to ~tol
    n = 150
    A = random_A(n, 0.05, 0.9, seed, diagonal=seed % 2 == 0)
    b = 10.0 ** np.random.default_rng(seed).uniform(-4, 4, n)
    Ad = A.toarray()
    for t in (False, True):
        M = Ad.T if t else Ad
        u, passes, converged, residual = gs_mixed_row(GaussSeidel(A), b, t, 1e-12, 400)
        assert converged and true_residual(M, b, u) <= 1e-12
        np.testing.assert_allclose(u, np.linalg.solve(np.eye(n) - M, b), rtol=1e-9)


def test_one_float32_solve_stops_at_its_floor_the_refinement_goes_below():
    n = 400
    A = random_A(n, 0.05, 0.8, seed=3, diagonal=False)
    gs = GaussSeidel(A)
    S, indptr = gs.structure(False)
    b = np.ones(n)
    # the float32 sweeps alone, as far as they go: the residual of A's fixed point stays
    # near 2⁻²⁴ ‖A‖ ‖u‖ / ‖b‖, far above 1e-12
    work = np.empty((7, n)), np.empty((7, n))  # float64 iterates: the values' error alone
    g, sweeps, fnorm = inner_row(
        indptr, S.indices, gs.values32(False), b, 1e-14, 300, False, b, False, work
    )
    assert fnorm <= 1e-13 and 1e-9 < true_residual(S, b, g) < 1e-5
    u, passes, converged, residual = mixed_row(S, gs.values32(False), b, 1e-12, 300, False)
    assert converged and residual <= 1e-12 and true_residual(S, b, u) == pytest.approx(residual)
    assert passes >= 4  # two rounds at least: sweeps and a product each


def test_values32_are_the_values_rounded_made_once():
    A = random_A(50, 0.2, 0.7, seed=2)
    gs = GaussSeidel(A)
    for t in (False, True):
        v = gs.values32(t)
        assert v.dtype == np.float32 and v is gs.values32(t)
        np.testing.assert_array_equal(v, gs.structure(t)[0].data.astype(np.float32))


def test_zero_rhs_and_a_singular_system_fall_back_with_their_passes(monkeypatch):
    A = random_A(30, 0.2, 0.6, seed=1)
    gs = GaussSeidel(A)
    u, passes, converged, residual = gs_mixed_row(gs, np.zeros(30), False, 1e-12, 100)
    assert converged and passes == 0 and not u.any()
    calls = []
    real = krylov_mixed.gs_row
    monkeypatch.setattr(krylov_mixed, "gs_row", lambda *a: calls.append(a) or real(*a))
    # the refinement made to fail: the float64 sweeps take over, the passes add up
    monkeypatch.setattr(krylov_mixed, "mixed_row", lambda *a: (np.zeros(30), 7, False, 1.0))
    u, passes, converged, residual = gs_mixed_row(gs, np.ones(30), False, 1e-12, 100)
    alone = real(gs, np.ones(30), False, 1e-12, 93)
    assert len(calls) == 1 and converged and passes == 7 + alone[1]
    np.testing.assert_array_equal(u, alone[0])


def test_the_solver_sweeps_float32_unless_switched_off(monkeypatch):
    A = random_A(60, 0.1, 0.8, seed=9)
    B = np.vstack([np.ones(60), np.arange(60.0), np.ones(60)])
    flags = np.array([False, False, True])
    calls = []
    real = krylov_mixed.mixed_row
    monkeypatch.setattr(krylov_mixed, "mixed_row", lambda *a: calls.append(1) or real(*a))
    for flag, used in (("", True), ("1", True), ("0", False)):
        monkeypatch.setenv("LINKAGE_FLOAT32", flag)
        calls.clear()
        U, _, converged, residual = Iteration(A).solve_rows(
            B, flags, tol=1e-12, restart=12, max_products=400
        )
        assert bool(calls) == used and converged and residual <= 1e-12
        np.testing.assert_allclose(U[0], np.linalg.solve(np.eye(60) - A.toarray(), B[0]))


def test_a_rising_start_converges_by_the_fallback_if_need_be():
    """n = 14, spectral radius 0.97: ‖f‖ rises for 7 sweeps first, and the float32
    iterates stall at a residual of 1.5 (the mixing's large weights in float32); the
    float64 sweeps take over and converge."""
    A = random_A(14, 0.15, 0.97, 14, diagonal=False)
    u, passes, converged, residual = gs_mixed_row(GaussSeidel(A), np.ones(14), False, 1e-12, 500)
    assert converged and residual <= 1e-12
    np.testing.assert_allclose(u, np.linalg.solve(np.eye(14) - A.toarray(), np.ones(14)))
