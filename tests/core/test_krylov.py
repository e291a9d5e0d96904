"""Tests of linkage.core.krylov: each lock-step kernel against ``np.linalg.solve``."""

import numpy as np
import pytest
import scipy.sparse as sp

from linkage.core import krylov_gs
from linkage.core.krylov import Iteration, gmres_arnoldi, gmres_power, krylov_basis, neumann


def random_M(n, density, rho, seed):
    """Nonnegative M with spectral radius ``rho`` (exact, from the eigenvalues)."""
    rng = np.random.default_rng(seed)
    M = rng.random((n, n)) * (rng.random((n, n)) < density)
    return M * (rho / np.abs(np.linalg.eigvals(M)).max())


def rows_apply(M):
    """``apply(V)``: M times every row of V, as rows (what the solver hands the kernels)."""
    return lambda V: (M @ V.T).T


def reference(M, B):
    """Dense reference: one solution of ``(I - M) u = b`` per row of B."""
    return np.linalg.solve(np.eye(M.shape[0]) - M, B.T).T


KERNELS = {
    "power": lambda apply, B, tol, budget: gmres_power(apply, B, tol, 12, budget, 2),
    "arnoldi": lambda apply, B, tol, budget: gmres_arnoldi(apply, B, tol, 20, budget),
}


@pytest.mark.parametrize("kernel", sorted(KERNELS))
@pytest.mark.parametrize("n, density, rho", [(50, 1.0, 0.9), (300, 0.03, 0.8), (300, 0.3, 0.99)])
def test_gmres_matches_dense_solve(kernel, n, density, rho):
    M = random_M(n, density, rho, seed=n)
    B = np.random.default_rng(1).random((3, n))
    U, products, converged, residual = KERNELS[kernel](rows_apply(M), B, 1e-12, 1000)
    want = reference(M, B)
    assert converged and residual <= 1e-12
    assert np.abs(U - want).max() / np.abs(want).max() < 1e-10
    # the reported residual is the true one, recomputed from the solution
    true = np.linalg.norm(B - U + U @ M.T, axis=1) / np.linalg.norm(B, axis=1)
    assert true.max() <= 1e-11
    assert 0 < products < 300


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_gmres_zero_right_hand_side_needs_no_products(kernel):
    M = random_M(20, 0.5, 0.5, seed=2)
    U, products, converged, residual = KERNELS[kernel](rows_apply(M), np.zeros((2, 20)), 1e-12, 100)
    assert converged and products == 0 and residual == 0.0
    assert not U.any()


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_gmres_stops_on_a_singular_system(kernel):
    # I - M singular (M has eigenvalue 1) and b outside its range: no solution, so the
    # residual stagnates and the kernel stops well before its budget
    M = np.array([[1.0, 0.0], [0.0, 0.5]])
    U, products, converged, residual = KERNELS[kernel](rows_apply(M), np.ones((1, 2)), 1e-12, 1000)
    assert not converged and residual > 0.1
    assert products < 200


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_gmres_respects_the_budget(kernel):
    M = random_M(200, 0.05, 0.99, seed=5)
    _, products, converged, residual = KERNELS[kernel](rows_apply(M), np.ones((1, 200)), 1e-14, 6)
    assert products <= 6 and not converged and residual > 1e-14


def test_neumann_converges_at_the_spectral_radius():
    M = random_M(100, 0.2, 0.5, seed=3)
    B = np.ones((2, 100))
    U, products, converged = neumann(rows_apply(M), B, 1e-12, 1000)
    assert converged
    np.testing.assert_allclose(U, reference(M, B), rtol=1e-10)
    # ‖M^k b‖ falls like 0.5^k: about log(1e-12) / log(0.5) = 40 products
    assert 30 <= products <= 60


def test_neumann_stops_when_it_diverges():
    M = random_M(30, 1.0, 1.2, seed=4)
    U, products, converged = neumann(rows_apply(M), np.ones((1, 30)), 1e-12, 1000)
    assert not converged and products < 1000


def test_iteration_counts_products_and_solves_transposed():
    M = random_M(80, 0.2, 0.8, seed=6)
    it = Iteration(sp.csc_array(M))
    B = np.ones((80, 2))
    for transpose in (False, True):
        U, products, converged, residual = it.solve(
            B, transpose, scheme="power", tol=1e-12, restart=12, max_products=1000
        )
        want = np.linalg.solve(np.eye(80) - (M.T if transpose else M), B)
        assert converged and residual <= 1e-12
        np.testing.assert_allclose(U, want, rtol=1e-10)
    assert it.products >= products and it.matvecs >= 2 * it.products


def test_krylov_basis():
    assert krylov_basis(np.zeros((5, 5)), 25) == "arnoldi"
    assert krylov_basis(sp.eye_array(100, format="csr"), 100) == "power"
    assert krylov_basis(sp.csr_array(np.ones((100, 100))), 10_000) == "arnoldi"


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_a_row_that_converged_early_drops_out(kernel):
    # row 0 is zero (converged before the first cycle) and row 2 is an eigenvector-free
    # easy one: the rows still iterating are a subset whose indices exceed their count
    # (gmres_arnoldi indexed its per-active-row residuals by row number: IndexError)
    M = random_M(30, 0.3, 0.7, seed=8)
    B = np.vstack([np.zeros(30), np.ones(30), np.arange(30.0)])
    U, products, converged, residual = KERNELS[kernel](rows_apply(M), B, 1e-12, 1000)
    assert converged and residual <= 1e-12
    np.testing.assert_array_equal(U[0], 0.0)
    np.testing.assert_allclose(U, reference(M, B), rtol=1e-10, atol=1e-12)


def test_arnoldi_with_a_zero_row_among_others():
    # the smallest case of the old IndexError: two rows, the first all zero
    M = np.array([[0.2, 0.1], [0.3, 0.4]])
    U, _, converged, residual = gmres_arnoldi(
        rows_apply(M), np.array([[0.0, 0.0], [1.0, 2.0]]), 1e-12, 20, 100
    )
    assert converged and residual <= 1e-12
    np.testing.assert_allclose(U[1], np.linalg.solve(np.eye(2) - M, [1.0, 2.0]), rtol=1e-12)
    assert not U[0].any()


@pytest.mark.parametrize("gauss_seidel", ["0", "1"])
def test_iteration_products_go_into_the_basis_in_place(gauss_seidel, monkeypatch):
    # the sparse path hands views of the basis to the kernel (apply.out): the numbers
    # are those of a dense solve, for a mix of plain and transposed rows, with and
    # without the Gauss-Seidel sweeps (the default where numba imports)
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", gauss_seidel)
    M = random_M(60, 0.2, 0.8, seed=9)
    it = Iteration(sp.csc_array(M))
    B = np.vstack([np.ones(60), np.arange(60.0), np.ones(60)])
    flags = np.array([False, True, False])
    U, products, converged, residual = it.solve_rows(
        B, flags, tol=1e-12, restart=12, max_products=1000
    )
    swept = it.gauss_seidel
    # asked for, and possible: numba imports and LINKAGE_NO_NUMBA is not set
    assert swept == (gauss_seidel == "1" and krylov_gs.enabled())
    assert it.backend == ("numba-gauss-seidel" if swept else "scipy")
    assert converged and residual <= 1e-12
    for r, t in enumerate(flags):
        want = np.linalg.solve(np.eye(60) - (M.T if t else M), B[r])
        np.testing.assert_allclose(U[r], want, rtol=1e-10)
    # every row in every round of the sweeps; rows drop out of the plain GMRES
    assert it.passes == it.matvecs == (3 * products if swept else it.passes)
    assert it.passes >= 3 * products or swept
