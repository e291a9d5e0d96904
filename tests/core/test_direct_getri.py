"""``inverse_from_lu`` on both sides of ``GETRI_UNBLOCKED_N`` (LAPACK's unblocked and
blocked ``getri``), against ``numpy.linalg.inv``."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

from linkage.core import direct
from linkage.core.direct import GETRI_UNBLOCKED_N, _getri_lwork, dense_lu, inverse_from_lu


@pytest.mark.parametrize("n", [1, 64, GETRI_UNBLOCKED_N, GETRI_UNBLOCKED_N + 1, 300])
def test_inverse_from_lu_on_both_sides_of_the_switch(n):
    rng = np.random.default_rng(n)
    A = rng.random((n, n))
    A *= 0.8 / A.sum(axis=0)
    L, info = inverse_from_lu(dense_lu(A))
    assert info == 0 and L.flags.f_contiguous
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(n) - A), rtol=1e-12, atol=1e-15)


def test_workspace_unblocked_up_to_the_switch_then_lapacks():
    assert _getri_lwork(GETRI_UNBLOCKED_N) == GETRI_UNBLOCKED_N
    n = GETRI_UNBLOCKED_N + 1
    assert _getri_lwork(n) >= max(int(sla.lapack.dgetri_lwork(n)[0]), 3 * n)


def test_dense_lu_is_lu_factor_of_i_minus_a():
    rng = np.random.default_rng(0)
    A = rng.random((30, 30)) * 0.03
    lu, piv = dense_lu(A)
    ref_lu, ref_piv = sla.lu_factor(np.eye(30) - A)
    np.testing.assert_array_equal(lu, ref_lu)
    np.testing.assert_array_equal(piv, ref_piv)
    lu_c, _ = dense_lu(np.ascontiguousarray(A.astype(np.float32)).astype(float))
    assert lu_c.flags.f_contiguous


def test_inverse_from_lu_of_another_dtype_uses_lapacks_lookup():
    M = (np.eye(3) - np.full((3, 3), 0.1)).astype(np.complex128)
    L, info = inverse_from_lu(sla.lu_factor(M))
    assert info == 0
    np.testing.assert_allclose(L, np.linalg.inv(M), rtol=1e-13)
    assert direct.dgetri is sla.lapack.dgetri
