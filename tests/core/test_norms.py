"""Tests of linkage.core.norms against dense numpy references."""

import numpy as np
import scipy.sparse as sp

from linkage.core.norms import matrix_norms, power_certificate, relative_residual


def test_norms_with_negative_entries():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(300, 300)) * (rng.random((300, 300)) < 0.1)
    want = (np.abs(A).sum(axis=0).max(), np.abs(A).sum(axis=1).max())
    for inp in (A, sp.csc_array(A), sp.csr_array(A)):
        np.testing.assert_allclose(matrix_norms(inp), want, rtol=1e-12)
    pos = np.abs(A)
    np.testing.assert_allclose(matrix_norms(sp.csc_array(pos)), want, rtol=1e-12)
    # known column sums and sign are reused, not recomputed
    np.testing.assert_allclose(
        matrix_norms(pos, pos.sum(axis=0), nonnegative=True), want, rtol=1e-12
    )


def test_power_certificate():
    # ‖A‖₁ = ‖A‖∞ = 1.2: no norm bound; rho = sqrt(0.6) and A² 1 = (0.6, 0.6) < 1
    A = np.array([[0.0, 1.2], [0.5, 0.0]])
    assert power_certificate(A) == (True, 2)
    # spectral radius 1.1: the row sums of A^k grow, no proof
    assert power_certificate(np.array([[1.1, 0.0], [0.0, 0.5]])) == (False, 40)


def test_relative_residual_matches_numpy_per_column():
    rng = np.random.default_rng(1)
    A = rng.random((50, 50)) * 0.01
    U, B = rng.random((50, 4)), rng.random((50, 4))
    B[:, 3] = 0.0  # a zero right-hand side: the absolute residual
    R = U - A @ U - B
    want = np.linalg.norm(R, axis=0) / np.where(np.arange(4) < 3, np.linalg.norm(B, axis=0), 1)
    assert relative_residual(A, U, B) == np.float64(want.max())
    RT = U - A.T @ U - B
    wantT = np.linalg.norm(RT, axis=0) / np.where(np.arange(4) < 3, np.linalg.norm(B, axis=0), 1)
    np.testing.assert_allclose(relative_residual(sp.csr_array(A), U, B, True), wantT.max())
