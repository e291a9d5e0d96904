"""RAS balancing: the Miller & Blair example, sparse against dense, errors and feasibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from linkage import ras
from linkage.errors import BalancingError, ConvergenceWarning

MB_A0 = np.array([[0.120, 0.100, 0.049], [0.210, 0.247, 0.265], [0.026, 0.249, 0.145]])
MB_X = np.array([421.0, 284.0, 283.0])
MB_U = np.array([245.0, 136.0, 159.0])
MB_V = np.array([251.0, 107.0, 182.0])


def test_ras_miller_blair_742():
    """Miller & Blair (2009), section 7.4.2: A(1) = r̂ A(0) ŝ with A(1) x̂ having margins u, v.

    The bi-proportional solution is unique, so we verify it by its defining conditions
    and by an independent plain-loop implementation, and pin the coefficients to 4 digits.
    """
    res = ras(MB_A0 * MB_X, MB_U, MB_V)
    assert res.converged and res.gap <= 1e-10
    Z1 = res.matrix
    np.testing.assert_allclose(Z1.sum(axis=1), MB_U, rtol=1e-10)
    np.testing.assert_allclose(Z1.sum(axis=0), MB_V, rtol=1e-12)
    # defining form r̂ (A0 x̂) ŝ with the reported factors
    np.testing.assert_allclose(
        Z1, res.row_factors[:, None] * (MB_A0 * MB_X) * res.col_factors[None, :], rtol=1e-12
    )
    # independent reference: alternate scaling written out with loops, run to 1e-14
    Z = (MB_A0 * MB_X).tolist()
    for _ in range(500):
        for i in range(3):
            f = MB_U[i] / sum(Z[i])
            Z[i] = [z * f for z in Z[i]]
        for j in range(3):
            f = MB_V[j] / sum(Z[i][j] for i in range(3))
            for i in range(3):
                Z[i][j] *= f
    np.testing.assert_allclose(Z1, np.array(Z), rtol=1e-9)
    A1 = Z1 / MB_X
    expected = np.array(
        [[0.3924, 0.1219, 0.1596], [0.1509, 0.0661, 0.1897], [0.0529, 0.1887, 0.2938]]
    )
    np.testing.assert_allclose(A1, expected, atol=5e-5)
    assert 5 <= res.iterations <= 50


def test_ras_sparse_matches_dense():
    import scipy.sparse as sp

    dense = ras(MB_A0 * MB_X, MB_U, MB_V)
    sparse = ras(sp.csr_array(MB_A0 * MB_X), MB_U, MB_V)
    np.testing.assert_allclose(sparse.matrix.toarray(), dense.matrix, rtol=1e-12)
    assert sparse.iterations == dense.iterations


def test_ras_errors():
    Z0 = MB_A0 * MB_X
    with pytest.raises(BalancingError, match="row totals sum to 540 but column totals sum to 541"):
        ras(Z0, MB_U, MB_V + [1, 0, 0])
    with pytest.raises(BalancingError, match="row 1 of the matrix is all zero"):
        ras(np.array([[1.0, 1.0], [0.0, 0.0]]), [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(BalancingError, match="column 0 of the matrix is all zero"):
        ras(np.array([[0.0, 1.0], [0.0, 1.0]]), [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(BalancingError, match="negative"):
        ras(np.array([[1.0, -1.0], [1.0, 1.0]]), [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(BalancingError, match="shape"):
        ras(Z0, MB_U[:2], MB_V)
    with pytest.raises(ValueError, match="'max_iter' parameter of ras"):
        ras(Z0, MB_U, MB_V, max_iter=0)


def test_ras_infeasible_pattern_warns():
    # row 0 can only fill column 0, which must total 1 while row 0 must total 2
    Z0 = np.array([[1.0, 0.0], [1.0, 1.0]])
    with pytest.warns(ConvergenceWarning, match="RAS stopped after 200 iterations"):
        res = ras(Z0, [2.0, 1.0], [1.0, 2.0], max_iter=200)
    assert not res.converged and res.gap > 1e-3


@settings(max_examples=40, deadline=None)
@given(
    M=arrays(float, (4, 3), elements=st.floats(0.1, 100)),
    target=arrays(float, (4, 3), elements=st.floats(0.1, 100)),
)
def test_ras_reaches_feasible_margins(M, target):
    """Margins taken from any positive matrix are reachable from any positive prior."""
    res = ras(M, target.sum(axis=1), target.sum(axis=0), tol=1e-9, max_iter=5000)
    assert res.converged
    np.testing.assert_allclose(res.matrix.sum(axis=1), target.sum(axis=1), rtol=1e-8)
    np.testing.assert_allclose(res.matrix.sum(axis=0), target.sum(axis=0), rtol=1e-8)
