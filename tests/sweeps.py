"""Shared by the tests of the Gauss-Seidel sweeps (linkage.core.krylov_gs, krylov_anderson
and krylov_mixed): the sweeps switched on at any size, random nonnegative A, the three
linkage rows on it and their check against dense solves."""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from hypothesis import strategies as st

from linkage.core import krylov_gs

needs_numba = pytest.mark.skipif(krylov_gs.numba is None, reason="numba does not import here")


@pytest.fixture(autouse=True)
def sweeps_on(monkeypatch):
    """At any size (the default is from MIN_NNZ nonzeros: test_the_default_by_size)."""
    monkeypatch.delenv("LINKAGE_NO_NUMBA", raising=False)
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", "1")


def random_A(n, density, rho, seed, diagonal=True):
    """Nonnegative sparse A (CSC) with spectral radius ``rho``, diagonal entries kept
    unless ``diagonal`` is False."""
    rng = np.random.default_rng(seed)
    M = rng.random((n, n)) * (rng.random((n, n)) < density)
    M[np.arange(n), (np.arange(n) + 1) % n] += 0.5  # a cycle: the spectral radius is > 0
    if not diagonal:
        np.fill_diagonal(M, 0.0)
    return sp.csc_array(M * (rho / np.abs(np.linalg.eigvals(M)).max()))


#: Hypothesis strategies of the random problems (``@given(**PROBLEMS, ...)``).
PROBLEMS = {
    "n": st.integers(2, 80),
    "rho": st.sampled_from([0.3, 0.6, 0.9, 0.97]),
    "seed": st.integers(0, 10_000),
    "diagonal": st.booleans(),
}


def linkage_rows(n, rho, seed, diagonal):
    """``(A, B, transposed)``: a random A and the rows of the linkage solves on it, ``1``
    and a wide ``x`` on ``A``, ``1`` on ``Aᵀ``."""
    A = random_A(n, 0.15, rho, seed, diagonal)
    rng = np.random.default_rng(seed)
    B = np.vstack([np.ones(n), rng.random(n) * 100, np.ones(n)])
    return A, B, np.array([False, False, True])


def true_residual(M, b, u):
    """``‖b - (I - M) u‖ / ‖b‖``, from scratch."""
    return np.linalg.norm(b - u + M @ u) / np.linalg.norm(b)


def assert_dense_rows(A, B, transposed, U, tol):
    """Each row of ``U`` has a true residual within ``tol`` (the reported one is the true
    one) and equals the dense solve to ``max(1e3 tol, 1e-9)``."""
    Ad = A.toarray()
    for r, t in enumerate(transposed):
        M = Ad.T if t else Ad
        assert true_residual(M, B[r], U[r]) <= tol
        want = np.linalg.solve(np.eye(Ad.shape[0]) - M, B[r])
        rtol = max(1e3 * tol, 1e-9)
        np.testing.assert_allclose(U[r], want, rtol=rtol, atol=rtol * np.abs(want).max())


def dense_gs(A):
    """``(I - D - L)⁻¹ U`` and ``(I - D - L)⁻¹`` from the definition (dense)."""
    A = np.asarray(A)
    N = np.eye(A.shape[0]) - np.tril(A)
    return sla.solve_triangular(N, np.triu(A, 1), lower=True), np.linalg.inv(N)
