"""The condition a dense solver reports: LAPACK's estimate, or for ``‖A‖₁ < 1`` the bound
``(1 - ‖A‖₁)/(1 + ‖A‖₁)`` of ``1 / cond₁(I - A)`` (no estimate, no zero-pivot check)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.core.direct import (
    CERTIFIED_RCOND,
    certified_rcond,
    dense_lu,
    reciprocal_condition,
)
from linkage.core.inverse import sample_columns
from linkage.core.solver import LeontiefSolver
from linkage.errors import SingularSystemError


def test_bound_by_hand():
    # ‖A‖₁ = 0.45 (second column): (1 - 0.45) / (1 + 0.45)
    s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.20]]))
    assert s.rcond_kind == "bound"
    assert s.rcond == pytest.approx(0.55 / 1.45, rel=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**31), st.floats(0.05, 0.999))
def test_bound_below_true_and_estimated_reciprocal_condition(n, seed, norm):
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.5)
    A *= norm / max(A.sum(axis=0).max(), 1e-300)
    if rng.random() < 0.3:
        A *= rng.choice([-1.0, 1.0], size=A.shape)  # negative entries: same bound
    s = LeontiefSolver(A, method="dense")
    M = np.eye(n) - A
    true = 1.0 / (np.linalg.norm(M, 1) * np.linalg.norm(np.linalg.inv(M), 1))
    norm1 = np.abs(A).sum(axis=0).max()
    assert s.rcond_kind == "bound"
    assert s.rcond == certified_rcond(norm1) <= true * (1 + 1e-12)
    assert reciprocal_condition(dense_lu(A), 1 + norm1) >= s.rcond * (1 - 1e-12)


def test_estimate_when_not_certified():
    A = np.array([[0.0, 2.0], [0.1, 0.0]])  # ‖A‖₁ = 2, productive (ρ = 0.45)
    s = LeontiefSolver(A, method="dense")
    assert s.rcond_kind == "estimate"
    assert s.rcond == pytest.approx(reciprocal_condition(dense_lu(A), 3.0))
    assert certified_rcond(1.0 - 0.5 * CERTIFIED_RCOND) == 0.0  # too close to 1: estimate
    assert certified_rcond(np.nan) == 0.0


def test_singular_tables_still_raise():
    with pytest.raises(SingularSystemError):
        LeontiefSolver(np.array([[0.5, 0.5], [0.5, 0.5]]), method="dense")
    with pytest.raises(SingularSystemError):
        LeontiefSolver(np.array([[1.0, 0.0], [0.0, 0.2]]), method="dense")


def test_sample_columns_as_before():
    for n in (1, 31, 32, 33, 100, 1001):
        expected = np.arange(n) if n <= 32 else np.unique(np.linspace(0, n - 1, 32).astype(int))
        assert sample_columns(n).tolist() == expected.tolist()
        assert not sample_columns(n).flags.writeable
