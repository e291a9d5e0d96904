"""The check of L on the dense default path: the residuals of the sums read from it.

:func:`linkage.core.dispersion.dense_L_arrays` reports, instead of the residual of 32
sampled columns of L, the residuals of ``1ᵀL``, ``L 1`` and ``L x`` as solutions of their
systems. The references are ``numpy.linalg.norm`` of the residuals written out.
"""

from __future__ import annotations

import numpy as np
import pytest

from linkage.core import direct
from linkage.core.dispersion import _unit_and, dense_L_arrays, sums_residual
from linkage.core.solver import LeontiefSolver
from linkage.errors import SingularSystemError


def _productive(n, seed, scale=0.9):
    rng = np.random.default_rng(seed)
    A = rng.random((n, n))
    return A * (scale / A.sum(axis=0))[np.newaxis, :]


def _by_hand(A, L, x):
    n = A.shape[0]
    y, u, w = L.sum(axis=0), L.sum(axis=1), L @ x
    I = np.eye(n)
    ones = np.ones(n)
    return max(
        np.linalg.norm((I - A).T @ y - ones) / np.sqrt(n),
        np.linalg.norm((I - A) @ u - ones) / np.sqrt(n),
        np.linalg.norm((I - A) @ w - x) / np.linalg.norm(x),
    )


@pytest.mark.parametrize("n", [2, 17, 150])
def test_sums_residual_equals_the_norms_written_out(n):
    A = _productive(n, n)
    x = np.random.default_rng(n).random(n) * 100 + 1
    L = np.linalg.inv(np.eye(n) - A)
    L[0, n - 1] += 1e-3  # a wrong entry, so that the residual is not rounding alone
    w = _unit_and(x)
    Ax, res = sums_residual(A, L.sum(axis=0), L @ w, w)
    np.testing.assert_allclose(Ax, A @ x, rtol=1e-14)
    assert res == pytest.approx(_by_hand(A, L, x), rel=1e-9)
    assert res > 1e-5


def test_sums_residual_with_zero_output_everywhere_is_absolute():
    A = _productive(4, 1)
    x = np.zeros(4)
    L = np.linalg.inv(np.eye(4) - A)
    w = _unit_and(x)
    rows = L @ w
    rows[:, 1] += 1.0  # L x should be 0; the residual of w is then absolute
    res = sums_residual(A, L.sum(axis=0), rows, w)[1]
    assert res == pytest.approx(np.linalg.norm((np.eye(4) - A) @ np.ones(4)))


def test_dense_L_arrays_reports_the_residual_of_its_sums():
    n = 120
    A = _productive(n, 3)
    x = np.random.default_rng(3).random(n) + 0.5
    s = LeontiefSolver(A, method="dense")
    r = dense_L_arrays(s, A, x)
    L = np.linalg.inv(np.eye(n) - A)
    assert r["residual"] < 1e-14
    assert s.last_info.method == "dense" and s.last_info.residual == r["residual"]
    assert s.last_info.iterations == 0
    np.testing.assert_allclose(r["row_sums_L"], L.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(r["column_sums_A"], A.sum(axis=0), rtol=0)


def test_a_wrong_L_shows_in_the_residual(monkeypatch):
    n = 50
    A = _productive(n, 4)
    x = np.random.default_rng(4).random(n) + 0.5
    s = LeontiefSolver(A, method="dense")
    real = direct.inverse_from_lu

    def off_by_one_entry(factor):
        L, info = real(factor)
        L[7, 30] += 1e-6
        return L, info

    monkeypatch.setattr("linkage.core.inverse.inverse_from_lu", off_by_one_entry)
    r = dense_L_arrays(s, A, x)
    assert r["residual"] > 1e-8


def test_non_finite_L_raises(monkeypatch):
    A = _productive(10, 5)
    s = LeontiefSolver(A, method="dense")
    real = direct.inverse_from_lu

    def with_nan(factor):
        L, info = real(factor)
        L[3, 3] = np.nan
        return L, info

    monkeypatch.setattr("linkage.core.inverse.inverse_from_lu", with_nan)
    with pytest.raises(SingularSystemError, match="non-finite"):
        dense_L_arrays(s, A, np.ones(10))


def test_to_dense_without_check_leaves_last_info():
    A = _productive(40, 6)
    s = LeontiefSolver(A, method="dense")
    s.solve(np.ones(40))
    before = s.last_info
    L = s.to_dense(check=False)
    assert s.last_info is before
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(40) - A), rtol=1e-12)
