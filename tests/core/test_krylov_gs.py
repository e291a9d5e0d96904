"""Tests of linkage.core.krylov_gs: the sweep against the dense Gauss-Seidel operator, the
preconditioned lock-step solves against dense solves (true residuals), when the sweeps are
used and when not, and linkages of a generated network with and without them."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from sweeps import (  # noqa: F401  (sweeps_on: autouse)
    PROBLEMS,
    assert_dense_rows,
    dense_gs,
    linkage_rows,
    needs_numba,
    random_A,
    sweeps_on,
)

from benchmarks.generators import firm_network
from linkage import IOTable, linkages
from linkage.core import krylov_gs
from linkage.core.krylov import Iteration, gmres_power
from linkage.core.krylov_gs import GaussSeidel, gs_gmres, sweep
from linkage.core.solver import LeontiefSolver


def test_sweep_by_hand():
    # A = [[0.1, 0.5], [0.25, 0.2]]: z = [1, 2] -> z0 = 0.5 * 2 / 0.9, z1 = 0.25 z0 / 0.8
    indptr, indices, data = (
        np.array([0, 2, 4]),
        np.array([0, 1, 0, 1]),
        np.array([0.1, 0.5, 0.25, 0.2]),
    )
    z = np.array([1.0, 2.0])
    sweep(indptr, indices, data, z, z, False)
    np.testing.assert_allclose(z, [1.0 / 0.9, 0.25 / 0.9 / 0.8], rtol=1e-15)
    # forward: (I - D - L) z = b with b = [0.9, 0.8 - 0.25]: z = [1, 1]
    z = np.zeros(2)
    sweep(indptr, indices, data, np.array([0.9, 0.55]), z, True)
    np.testing.assert_allclose(z, [1.0, 1.0], rtol=1e-15)


@needs_numba
@pytest.mark.parametrize("fmt", ["csc", "csr"])
def test_compiled_sweeps_are_the_dense_operator(fmt):
    A = random_A(50, 0.2, 0.7, seed=3)
    A = A.tocsr() if fmt == "csr" else A
    gs = GaussSeidel(A)
    V = np.random.default_rng(1).random((2, 50))
    flags = np.array([False, True])
    MV = gs.applier(flags)(V)
    BV = gs.forward(V, flags)
    for r, t in enumerate(flags):
        M, N_inv = dense_gs(A.toarray().T if t else A.toarray())
        np.testing.assert_allclose(MV[r], M @ V[r], rtol=1e-13)
        np.testing.assert_allclose(BV[r], N_inv @ V[r], rtol=1e-13)
    assert gs.passes == 4
    R = gs.residual(V, MV, flags)
    for r, t in enumerate(flags):
        At = A.toarray().T if t else A.toarray()
        np.testing.assert_allclose(R[r], V[r] - MV[r] + At @ MV[r], rtol=1e-13)


@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("fmt", ["csc", "csr"])
def test_the_copy_is_built_once_on_first_use(fmt, index):
    """A's own arrays serve at once; the other structure is scipy's transpose (of the
    narrowed arrays: int32 from an int64 A too), built once however many threads ask for
    it at the same time."""
    A = random_A(300, 0.05, 0.7, seed=8)
    A = A.tocsr() if fmt == "csr" else A
    A = type(A)((A.data, A.indices.astype(index), A.indptr.astype(index)), A.shape)
    assert A.indices.dtype == index
    gs = GaussSeidel(A)
    own = fmt == "csc"  # a CSC A's arrays are the rows of Aᵀ
    assert gs.ready(own) and not gs.ready(not own)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: gs.structure(not own), range(8)))
    assert all(S is got[0][0] for S, _ in got) and gs.ready(not own)
    for t, M in ((False, A.toarray()), (True, A.toarray().T)):
        S, indptr = gs.structure(t)
        assert S.indices.dtype == np.int32 and indptr.dtype == np.int64
        np.testing.assert_array_equal(S.toarray(), M)
        np.testing.assert_array_equal(indptr, S.indptr)
        assert gs.structure(t)[0] is S and np.all(np.diff(S.indices[: S.indptr[1]]) > 0)


@needs_numba
@settings(max_examples=25, deadline=None)
@given(**PROBLEMS)
def test_solves_are_the_dense_solves(n, rho, seed, diagonal):
    A, B, flags = linkage_rows(n, rho, seed, diagonal)
    U, products, converged, residual = gs_gmres(
        GaussSeidel(A), B, flags, gmres_power, tol=1e-12, restart=12, max_products=500, augment=2
    )
    assert converged and residual <= 1e-12
    assert_dense_rows(A, B, flags, U, 1e-12)  # rtol max(1e3 tol, 1e-9) = 1e-9
    assert 2 <= products <= 500


@needs_numba
def test_a_second_round_when_the_first_misses():
    # a tolerance the first inner solve (0.25 tol on the preconditioned residual) misses
    # for some rows: the next round solves for the correction, still the dense answer
    A = random_A(300, 0.05, 0.95, seed=5, diagonal=False)
    B = np.vstack([np.ones(300), np.linspace(1, 1e4, 300)])
    flags = np.array([False, True])
    for tol in (1e-8, 1e-12, 1e-14):
        U, products, converged, residual = gs_gmres(
            GaussSeidel(A), B, flags, gmres_power, tol=tol, restart=12, max_products=400, augment=2
        )
        assert converged and residual <= tol
        want = np.linalg.solve(np.eye(300) - A.toarray(), B[0])
        np.testing.assert_allclose(U[0], want, rtol=max(1e3 * tol, 1e-10))


def test_used_only_where_it_is_proved_to_converge(monkeypatch):
    A = random_A(40, 0.2, 0.6, seed=2)
    assert Iteration(A).gauss_seidel == (krylov_gs.numba is not None)
    negative = A.copy()
    negative.data[0] = -negative.data[0]
    assert not Iteration(negative).gauss_seidel
    big_diagonal = sp.csc_array(A + 1.5 * sp.eye_array(40))
    assert not Iteration(big_diagonal).gauss_seidel
    assert not Iteration(A.toarray()).gauss_seidel  # dense A: GMRES with Arnoldi
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", "0")
    assert not Iteration(A).gauss_seidel and not krylov_gs.enabled()
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", "1")
    monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    assert not Iteration(A).gauss_seidel and not krylov_gs.enabled()


@needs_numba
@pytest.mark.parametrize("rho", [0.6, 0.8])
def test_linkages_of_a_network_with_and_without_the_sweeps(rho, monkeypatch):
    # all indices, the exact dispersion (blocks of L by the same lock-step solves) included
    net = firm_network(2000, per_firm=10, spectral_radius=rho, seed=4)
    runs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dormant firms reported: expected
        for name, method, flag in (
            ("swept", "iterative", "1"),
            ("plain", "iterative", "0"),
            ("dense", "dense", "0"),
        ):
            monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", flag)
            table = IOTable.from_arrays(net.Z, final_demand=net.f, total_output=net.x)
            runs[name] = (linkages(table, solver=method, normalized=False), table.solver(method))
    swept, plain, dense = (runs[k][0] for k in ("swept", "plain", "dense"))
    assert swept.attrs["residual"] <= 1e-12 and swept.attrs["dispersion"] == "exact"
    for col in ("output_multiplier", "fl_rasmussen", "fl_total", "bl_cv", "fl_cv"):
        np.testing.assert_allclose(swept[col], dense[col], rtol=1e-9)
        np.testing.assert_allclose(swept[col], plain[col], rtol=1e-9)
    # fewer passes over A than GMRES on A itself
    s_swept, s_plain = runs["swept"][1], runs["plain"][1]
    assert s_swept._iteration.backend == "numba-gauss-seidel"
    assert s_plain._iteration.backend == "scipy"
    assert s_swept.passes < s_plain.passes


def test_the_default_by_size(monkeypatch):
    monkeypatch.delenv("LINKAGE_GAUSS_SEIDEL")
    on = krylov_gs.numba is not None
    assert not krylov_gs.enabled(krylov_gs.MIN_NNZ - 1)
    assert krylov_gs.enabled(krylov_gs.MIN_NNZ) == on and krylov_gs.enabled() == on
    assert not Iteration(random_A(40, 0.2, 0.6, seed=2)).gauss_seidel
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", "1")
    assert krylov_gs.enabled(10) == on


def test_solver_reports_the_true_residual():
    A = random_A(120, 0.1, 0.9, seed=8)
    s = LeontiefSolver(A, method="iterative")
    u, y = s.solve_pair(np.ones(120), np.ones(120))
    Ad = A.toarray()
    assert np.linalg.norm(np.ones(120) - u + Ad @ u) / np.sqrt(120) <= max(
        s.last_info.residual, 1e-16
    )
    assert np.linalg.norm(np.ones(120) - y + Ad.T @ y) / np.sqrt(120) <= 1e-12
