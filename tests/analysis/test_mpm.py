"""The multiplier product matrix: lazy entries against the dense (L 1)(1ᵀL) / V, size limits."""

import numpy as np
import pytest
import scipy.sparse as sp

from linkage import multiplier_product_matrix
from linkage.analysis.mpm import MultiplierProductMatrix
from linkage.errors import MemoryLimitError


def dense_L(t):
    A = t.A.toarray() if sp.issparse(t.A) else np.asarray(t.A)
    return np.linalg.inv(np.eye(t.n) - A)


def test_mpm_lazy_and_dense_agree(mb_table):
    M = multiplier_product_matrix(mb_table)
    L = dense_L(mb_table)
    expected = np.outer(L.sum(1), L.sum(0)) / L.sum()
    np.testing.assert_allclose(M.to_frame().to_numpy(), expected)
    assert M.V == pytest.approx(L.sum())
    assert M["agriculture", "manufacturing"] == pytest.approx(expected[0, 1])
    assert M[1, 0] == pytest.approx(expected[1, 0])
    np.testing.assert_allclose(M[:, :], expected)
    np.testing.assert_allclose(M.to_frame().sum(axis=1), L.sum(axis=1))
    rows, cols = M.hierarchy()
    assert rows.tolist() == ["agriculture", "manufacturing"]  # r = (1.584, 1.386)
    with pytest.raises(MemoryLimitError, match="multiplier product matrix"):
        M.to_frame(max_bytes=8)
    with pytest.raises(KeyError):
        M["agriculture"]


def test_mpm_large_without_materializing():
    n = 200_000
    r = np.linspace(1, 2, n)
    M = MultiplierProductMatrix(r, r[::-1])
    assert M.shape == (n, n)
    assert M[0, 0] == pytest.approx(1 * 2 / r.sum())
    with pytest.raises(MemoryLimitError):
        M.to_frame()
