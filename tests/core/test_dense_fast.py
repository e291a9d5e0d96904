"""The dense path of the default linkages: L from getri, its residual, the one-pass sums.

References are the textbook formulas on ``numpy.linalg.inv`` (two-pass means and
deviations), so each test fails when the fast kernels drift from them.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, linkages
from linkage.core import dispersion
from linkage.core.direct import inverse_from_lu
from linkage.core.dispersion import dense_L_arrays, dense_L_sums, dispersion_arrays
from linkage.core.inverse import inverse_residual
from linkage.core.solver import LeontiefSolver


def _productive(n, seed, scale=0.9):
    rng = np.random.default_rng(seed)
    A = rng.random((n, n))
    return A * (scale / A.sum(axis=0))[np.newaxis, :]


def _reference_sums(L, x):
    mu_c, mu_r = L.mean(axis=0), L.mean(axis=1)
    return (
        L.sum(axis=0),
        L.sum(axis=1),
        L @ x,
        ((L - mu_c) ** 2).sum(axis=0),
        ((L - mu_r[:, None]) ** 2).sum(axis=1),
    )


@pytest.mark.parametrize("n", [1, 2, 5, 33, 130])
def test_inverse_from_lu_is_the_inverse(n):
    A = _productive(n, n)
    L, info = inverse_from_lu(sla.lu_factor(np.eye(n) - A))
    assert info == 0
    assert L.flags.f_contiguous
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(n) - A), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(L - A @ L, np.eye(n), atol=1e-13)


def test_inverse_from_lu_keeps_the_factor():
    A = _productive(20, 3)
    factor = sla.lu_factor(np.eye(20) - A)
    before = factor[0].copy()
    inverse_from_lu(factor)
    np.testing.assert_array_equal(factor[0], before)  # later solves still use it


def test_inverse_from_lu_reports_a_zero_pivot():
    factor = sla.lu_factor(np.array([[1.0, 2.0], [2.0, 4.0]]), check_finite=False)
    factor[0][1, 1] = 0.0  # exactly singular U
    assert inverse_from_lu(factor)[1] > 0


def test_inverse_residual_by_hand():
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    L = np.linalg.inv(np.eye(2) - A)
    assert inverse_residual(A, L, np.arange(2)) < 1e-15
    wrong = L.copy()
    wrong[0, 1] += 0.1  # column 1 off by 0.1 e_0: (I - A) e_0 * 0.1 = [0.085, -0.02]
    assert inverse_residual(A, wrong, np.array([1])) == pytest.approx(np.hypot(0.085, 0.02))
    assert inverse_residual(A, wrong, np.array([0])) < 1e-15
    assert inverse_residual(A, L, np.array([], dtype=int)) == 0.0


def test_to_dense_residual_on_the_sampled_columns():
    A = _productive(200, 1)
    s = LeontiefSolver(A, method="dense")
    L = s.to_dense()
    assert s.last_info.residual < 1e-13
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(200) - A), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", [1, 2, 7, 130, 700])
def test_dense_L_sums_match_the_two_pass_formulas(n):
    rng = np.random.default_rng(n)
    L = np.asfortranarray(np.linalg.inv(np.eye(n) - _productive(n, n)))
    x = rng.random(n) * 100
    for got, want in zip(dense_L_sums(L, x), _reference_sums(L, x), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_dense_L_sums_blocks_and_c_order(monkeypatch):
    rng = np.random.default_rng(0)
    L = rng.random((50, 50))  # C order: converted once
    x = rng.random(50)
    monkeypatch.setattr(dispersion, "_SUMS_BLOCK_BYTES", 8 * 50 * 7)  # 7 columns a block
    for got, want in zip(dense_L_sums(L, x), _reference_sums(L, x), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_dense_L_sums_no_cancellation_on_nearly_constant_lines():
    # Σl² - s²/n would lose every digit here: lines of 1e8 + tiny variations
    n = 40
    rng = np.random.default_rng(5)
    L = 1e8 + rng.random((n, n)) * 1e-3
    L[:, 3] = 7.0  # a constant column: exactly 0
    L = np.asfortranarray(L)
    _, _, _, ss_col, ss_row = dense_L_sums(L, np.ones(n))
    want_col = ((L - L.mean(axis=0)) ** 2).sum(axis=0)
    want_row = ((L - L.mean(axis=1)[:, None]) ** 2).sum(axis=1)
    np.testing.assert_allclose(ss_col, want_col, rtol=1e-6)
    np.testing.assert_allclose(ss_row, want_row, rtol=1e-6)
    assert ss_col[3] == 0.0


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**31), st.floats(0.05, 0.98))
def test_dense_L_arrays_equal_the_streamed_dispersion(n, seed, scale):
    A = _productive(n, seed, scale)
    x = np.random.default_rng(seed).random(n) + 0.1
    s = LeontiefSolver(A, method="dense")
    r = dense_L_arrays(s, A, x)
    L = np.linalg.inv(np.eye(n) - A)
    cv_col, cv_row, _ = dispersion_arrays(s, L.sum(axis=0), L.sum(axis=1))
    np.testing.assert_allclose(r["column_cv"], cv_col, rtol=1e-11)
    np.testing.assert_allclose(r["row_cv"], cv_row, rtol=1e-11)
    np.testing.assert_allclose(r["column_sums_L"], L.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(r["row_sums_G"], (L @ x) / x, rtol=1e-12)
    assert r["residual"] < 1e-12


def test_default_linkages_equal_numpy_with_zero_output_sectors():
    rng = np.random.default_rng(11)
    n = 60
    Z = rng.random((n, n)) * 10
    f = rng.random(n) * 400 + 1
    Z[:, 4] = 0.0
    Z[4, :] = 0.0
    f[4] = 0.0  # sector 4: no output at all
    t = IOTable.from_arrays(Z, final_demand=f)
    lk = linkages(t, normalized=False)
    A, x = t.A, t.x
    L = np.linalg.inv(np.eye(n) - A)
    np.testing.assert_allclose(lk["output_multiplier"], L.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(lk["fl_rasmussen"], L.sum(axis=1), rtol=1e-12)
    g = np.divide(L @ x, x, out=np.ones(n), where=x != 0)
    np.testing.assert_allclose(lk["fl_total"], g, rtol=1e-12)
    np.testing.assert_allclose(lk["bl_cv"], L.std(axis=0, ddof=1) / L.mean(axis=0), rtol=1e-11)
    np.testing.assert_allclose(lk["fl_cv"], L.std(axis=1, ddof=1) / L.mean(axis=1), rtol=1e-11)
    assert lk.attrs["dispersion"] == "exact" and lk.attrs["method"] == "dense"
    bl, fl = L.sum(axis=0), g
    strong = 2 * (bl > bl.mean()) + (fl > fl.mean())
    want = np.array(["weak", "forward", "backward", "key"])[strong]
    assert lk["key_sector"].tolist() == want.tolist()
