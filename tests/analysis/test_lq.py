"""Location quotients (SLQ, CILQ, FLQ, AFLQ): hand derivations and invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from linkage import location_quotients
from linkage.analysis.lq import flq_lambda, lq_matrix, regional_coefficients
from linkage.errors import InvalidTableError

# --------------------------------------------------------------------------- hand example
# Region r = (10, 20, 10), R = 40; nation n = (100, 100, 100), N = 300.
# SLQ_i = (r_i / R) / (n_i / N):
#   SLQ_1 = (10/40) / (100/300) = 0.25 / (1/3) = 0.75
#   SLQ_2 = (20/40) / (1/3) = 1.5
#   SLQ_3 = 0.75
# CILQ_ij = SLQ_i / SLQ_j off the diagonal, SLQ_i on it:
#   row 1: [0.75, 0.75/1.5 = 0.5, 0.75/0.75 = 1]
#   row 2: [1.5/0.75 = 2, 1.5, 2]
#   row 3: [1, 0.5, 0.75]
# lambda(delta=0.3) = [log2(1 + 40/300)]^0.3 = (log2(17/15))^0.3
#   log2(17/15) = ln(1.133333) / ln 2 = 0.125163 / 0.693147 = 0.180572
#   0.180572^0.3 = exp(0.3 * ln 0.180572) = exp(0.3 * -1.711632) = exp(-0.513490) = 0.598405
# AFLQ: column 2 (SLQ_2 = 1.5 > 1) times log2(1 + 1.5) = log2(2.5) = 1.321928...
R_EX = np.array([10.0, 20.0, 10.0])
N_EX = np.array([100.0, 100.0, 100.0])
SLQ_EX = np.array([0.75, 1.5, 0.75])
CILQ_EX = np.array([[0.75, 0.5, 1.0], [2.0, 1.5, 2.0], [1.0, 0.5, 0.75]])
LAM_EX = math.log2(17 / 15) ** 0.3
A_EX = np.array([[0.10, 0.20, 0.30], [0.20, 0.10, 0.20], [0.05, 0.30, 0.10]])


def test_lambda_by_hand():
    assert LAM_EX == pytest.approx(0.598405, abs=1e-6)
    assert flq_lambda(40, 300, 0.3) == pytest.approx(LAM_EX, rel=1e-14)
    assert flq_lambda(40, 300, 0.0) == 1.0
    # lambda falls as delta rises (log2(1 + R/N) < 1) and rises with regional size
    assert flq_lambda(40, 300, 0.5) < flq_lambda(40, 300, 0.3)
    assert flq_lambda(80, 300, 0.3) > flq_lambda(40, 300, 0.3)


def test_slq_by_hand():
    lq, slq, lam = lq_matrix(R_EX, N_EX, method="slq")
    np.testing.assert_allclose(slq, SLQ_EX, rtol=1e-14)
    np.testing.assert_allclose(lq, np.repeat(SLQ_EX[:, None], 3, axis=1), rtol=1e-14)
    assert lam == 1.0
    # r_ij = a_ij * min(1, SLQ_i): rows 1 and 3 scaled by 0.75, row 2 unchanged
    expected = np.array([[0.075, 0.15, 0.225], [0.20, 0.10, 0.20], [0.0375, 0.225, 0.075]])
    np.testing.assert_allclose(regional_coefficients(A_EX, lq), expected, rtol=1e-14)


def test_cilq_by_hand():
    lq, _, _ = lq_matrix(R_EX, N_EX, method="cilq")
    np.testing.assert_allclose(lq, CILQ_EX, rtol=1e-14)
    expected = A_EX * np.array([[0.75, 0.5, 1.0], [1.0, 1.0, 1.0], [1.0, 0.5, 0.75]])
    np.testing.assert_allclose(regional_coefficients(A_EX, lq), expected, rtol=1e-14)
    # r_11 = 0.1 * 0.75 = 0.075, r_12 = 0.2 * 0.5 = 0.1, r_32 = 0.3 * 0.5 = 0.15
    assert regional_coefficients(A_EX, lq)[0, 1] == pytest.approx(0.1)
    assert regional_coefficients(A_EX, lq)[2, 1] == pytest.approx(0.15)


def test_flq_by_hand():
    lq, _, lam = lq_matrix(R_EX, N_EX, method="flq", delta=0.3)
    assert lam == pytest.approx(LAM_EX)
    np.testing.assert_allclose(lq, LAM_EX * CILQ_EX, rtol=1e-14)
    # FLQ_21 = 2 * 0.598405 = 1.196810 -> capped at 1; FLQ_22 = 1.5 * 0.598405 = 0.897608
    r = regional_coefficients(A_EX, lq)
    assert r[1, 0] == pytest.approx(0.20)
    assert r[1, 1] == pytest.approx(0.10 * 0.897608, abs=1e-7)
    assert r[0, 1] == pytest.approx(0.20 * 0.5 * LAM_EX)
    assert (r <= A_EX + 1e-15).all()


def test_aflq_by_hand():
    lq, slq, lam = lq_matrix(R_EX, N_EX, method="aflq", delta=0.3)
    spec = np.array([1.0, math.log2(2.5), 1.0])
    np.testing.assert_allclose(lq, LAM_EX * CILQ_EX * spec[None, :], rtol=1e-14)
    # AFLQ_12 = 0.5 * 0.598405 * 1.321928 = 0.395524
    assert lq[0, 1] == pytest.approx(0.5 * LAM_EX * 1.3219280948873624)
    assert lq[0, 1] == pytest.approx(0.395524, abs=2e-6)


def test_location_quotients_labelled():
    r = pd.Series(R_EX, index=["agri", "manu", "serv"])
    n = {"serv": 100, "agri": 100, "manu": 100}  # order does not matter
    lq = location_quotients(r, n, method="cilq")
    assert list(lq.index) == ["agri", "manu", "serv"] and list(lq.columns) == list(lq.index)
    np.testing.assert_allclose(lq.to_numpy(), CILQ_EX)
    assert lq.attrs["lambda"] == 1.0
    np.testing.assert_allclose(lq.attrs["slq"].to_numpy(), SLQ_EX)


def test_zero_activity_rows_and_columns_are_zero():
    lq, slq, _ = lq_matrix([10, 0, 10], [100, 100, 100], method="aflq", delta=0.2)
    assert slq[1] == 0
    assert (lq[1, :] == 0).all() and (lq[:, 1] == 0).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "lq"}, "'method' parameter of lq_matrix must be one of"),
        ({"method": "flq", "delta": 1.0}, r"'delta' parameter .* in \[0, 1\)"),
        ({"method": "flq", "delta": -0.1}, "Got -0.1 instead"),
    ],
)
def test_parameter_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lq_matrix(R_EX, N_EX, **kwargs)


def test_measure_validation():
    with pytest.raises(InvalidTableError, match="negative"):
        lq_matrix([1, -1, 1], N_EX)
    with pytest.raises(InvalidTableError, match="none in the reference"):
        lq_matrix([1, 1, 1], [1, 0, 1])
    with pytest.raises(InvalidTableError, match="exceeds the national total"):
        lq_matrix([500, 500, 500], N_EX, method="flq")
    with pytest.raises(InvalidTableError, match="different sectors"):
        location_quotients({"a": 1, "b": 2}, {"a": 1, "c": 2})


@settings(max_examples=60, deadline=None)
@given(
    r=arrays(float, 5, elements=st.floats(0, 1e3, allow_subnormal=False)),
    share=st.floats(0.01, 1.0),
    delta=st.floats(0, 0.95),
)
def test_lq_orderings(r, share, delta):
    """FLQ <= CILQ (lambda <= 1); AFLQ >= FLQ; every regional coefficient <= national."""
    n = r / share + 1.0
    if r.sum() <= 0:
        return
    cilq, _, _ = lq_matrix(r, n, method="cilq")
    flq, _, lam = lq_matrix(r, n, method="flq", delta=delta)
    aflq, _, _ = lq_matrix(r, n, method="aflq", delta=delta)
    assert 0 <= lam <= 1
    assert (flq <= cilq + 1e-12).all()
    assert (aflq >= flq - 1e-12).all()
    A = np.full((5, 5), 0.1)
    for lq in (cilq, flq, aflq):
        rc = regional_coefficients(A, lq)
        assert ((rc >= 0) & (rc <= A + 1e-15)).all()
