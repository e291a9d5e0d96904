"""Tests of linkage.core.direct: both LU factors against ``np.linalg.inv``."""

import numpy as np
import pytest
import scipy.sparse as sp

from linkage.core.direct import (
    dense_lu,
    inverse_from_lu,
    lu_solve,
    reciprocal_condition,
    refined_solve,
    sparse_lu,
    zero_pivots,
)


def random_A(n, density, rho, seed):
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) * (rng.random((n, n)) < density)
    return A * (rho / A.sum(axis=0).max())


@pytest.mark.parametrize("factorize", [dense_lu, lambda A: sparse_lu(sp.csc_array(A))])
@pytest.mark.parametrize("transpose", [False, True])
def test_factors_solve_like_the_dense_inverse(factorize, transpose):
    A = random_A(150, 0.1, 0.9, seed=1)
    L = np.linalg.inv(np.eye(150) - A)
    B = np.random.default_rng(2).random((150, 40))  # more than the 32 sampled columns
    factor = factorize(A)
    assert zero_pivots(factor).size == 0
    want = (L.T if transpose else L) @ B
    np.testing.assert_allclose(lu_solve(factor, B, transpose), want, rtol=1e-10)
    U, residual = refined_solve(factor, A, B, transpose, 1e-12)
    np.testing.assert_allclose(U, want, rtol=1e-10)
    assert residual < 1e-13


def test_dense_inverse_and_condition():
    # Miller & Blair (2009) eq. 2.16
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    factor = dense_lu(A)
    np.testing.assert_allclose(
        inverse_from_lu(factor)[0], [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5
    )
    # 1 / (‖I - A‖₁ ‖L‖₁) with ‖I - A‖₁ = 1.05 (column 1) and ‖L‖₁ = 1.5182 (column 1)
    assert reciprocal_condition(factor, 1.05) == pytest.approx(1 / (1.05 * 1.5182), rel=1e-3)


def test_zero_pivots_name_the_dependent_column():
    A = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.2]])  # I - A singular
    assert zero_pivots(dense_lu(A)).tolist() == [1]
    with pytest.raises(RuntimeError, match="singular"):
        sparse_lu(sp.csc_array(A))


def test_refinement_never_makes_the_residual_worse():
    A = random_A(60, 0.5, 0.999, seed=3)  # nearly singular: the refinement has work to do
    B = np.ones((60, 1))
    U0 = lu_solve(dense_lu(A), B)
    r0 = np.linalg.norm(B - U0 + A @ U0) / np.linalg.norm(B)
    U, residual = refined_solve(dense_lu(A), A, B, False, 0.0)
    assert residual <= r0 * (1 + 1e-12)
