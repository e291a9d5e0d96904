"""Fields of influence and important coefficients against dense references."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from builders import random_table
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, field_of_influence, important_coefficients, multiplier_product_matrix
from linkage.analysis.influence import top_products


def dense_L(t):
    A = t.A.toarray() if sp.issparse(t.A) else np.asarray(t.A)
    return np.linalg.inv(np.eye(t.n) - A)


def test_field_2x2_by_hand(mb_table):
    # L = [[.95, .25], [.2, .85]] / .7575. Field of a_12 (agriculture -> manufacturing):
    # column 1 of L times row 2 of L = (.95, .2)' (.2, .85) / .7575^2.
    F = field_of_influence(mb_table, "agriculture", "manufacturing")
    expected = np.outer([0.95, 0.2], [0.2, 0.85]) / 0.7575**2
    np.testing.assert_allclose(F.to_numpy(), expected)
    assert F.index.tolist() == ["agriculture", "manufacturing"]
    # total = column sum 1 (1.15/.7575) times row sum 2 (1.05/.7575)
    assert F.attrs["total"] == pytest.approx(1.15 * 1.05 / 0.7575**2)
    # positions work too
    np.testing.assert_allclose(field_of_influence(mb_table, 0, 1).to_numpy(), expected)


@pytest.mark.parametrize("delta", [0.01, 0.05, -0.02])
def test_exact_change_of_L(delta):
    t = random_table(8, 3)
    L = dense_L(t)
    i, j = 2, 5
    A2 = np.asarray(t.A).copy()
    A2[i, j] += delta
    L2 = np.linalg.inv(np.eye(t.n) - A2)
    D = field_of_influence(t, "s2", "s5", delta=delta)
    np.testing.assert_allclose(D.to_numpy(), L2 - L, atol=1e-12)
    # first-order field is the derivative
    F = field_of_influence(t, "s2", "s5")
    np.testing.assert_allclose(F.to_numpy(), np.outer(L[:, i], L[j, :]))
    assert F.attrs["total"] == pytest.approx(L[:, i].sum() * L[j, :].sum())


def test_field_bad_sector():
    t = random_table(3, 0)
    with pytest.raises(KeyError, match="'zz'"):
        field_of_influence(t, "zz", "s0")


def test_top_products_heap_equals_full_sort():
    rng = np.random.default_rng(0)
    u, w = rng.random(40), rng.random(25)
    u[3] = u[7]  # ties
    rows, cols, vals = top_products(u, w, 50)
    full = np.outer(u, w)
    np.testing.assert_allclose(vals, np.sort(full.ravel())[::-1][:50])
    np.testing.assert_allclose(full[rows, cols], vals)
    assert len(set(zip(rows, cols, strict=True))) == 50
    # signed vectors take the scanning path
    u[5] = -3.0
    rows, cols, vals = top_products(u, -w, 10)
    np.testing.assert_allclose(vals, np.sort(np.outer(u, -w).ravel())[::-1][:10])


def _dense_ranking(t, measure, nonzero):
    L = dense_L(t)
    m, r = L.sum(axis=0), L.sum(axis=1)
    x = L @ t.f
    A = t.A.toarray() if sp.issparse(t.A) else np.asarray(t.A)
    scores = {
        "output": np.outer(m, x),
        "field": np.outer(m, r),
        "elasticity": A * np.outer(m, x) / x.sum(),
    }[measure]
    mask = A != 0 if nonzero else np.ones_like(A, bool)
    vals = scores[mask]
    return np.sort(vals)[::-1], scores


@pytest.mark.parametrize(
    "measure, nonzero",
    [("elasticity", None), ("output", False), ("output", True), ("field", False)],
)
@pytest.mark.parametrize("sparse", [False, True])
def test_important_coefficients_match_dense_ranking(measure, nonzero, sparse):
    t = random_table(30, 11, density=0.3, sparse=sparse)
    ic = important_coefficients(t, 25, measure=measure, nonzero=nonzero)
    expected, scores = _dense_ranking(t, measure, nonzero if nonzero is not None else True)
    column = {"output": "output_effect", "field": "field_total", "elasticity": "elasticity"}
    np.testing.assert_allclose(ic[column[measure]], expected[:25], rtol=1e-10)
    rows = [int(s[1:]) for s in ic["supplier"]]
    cols = [int(s[1:]) for s in ic["buyer"]]
    np.testing.assert_allclose(scores[rows, cols], ic[column[measure]], rtol=1e-10)
    A = t.A.toarray() if sp.issparse(t.A) else np.asarray(t.A)
    np.testing.assert_allclose(ic["a"], A[rows, cols])
    assert ic["rank"].tolist() == list(range(1, 26))


def test_field_ranking_is_the_transposed_mpm_times_V():
    t = random_table(12, 4)
    ic = important_coefficients(t, None, measure="field")
    M = multiplier_product_matrix(t)
    assert len(ic) == 144
    for _, row in ic.head(10).iterrows():
        assert row["field_total"] == pytest.approx(M[row["buyer"], row["supplier"]] * M.V)


def test_tolerable_limit_is_exact(mb_table):
    # agriculture -> manufacturing: a = .25, l_ii = .95/.7575, l_ji = .2/.7575, x = (1000, 2000)
    # delta* = .01 * 1000 / (l_ii 2000 + .01 l_ji 1000) = 7.575 / 1902; in % of a: 1.5931
    ic = important_coefficients(mb_table, None, measure="output")
    row = ic[(ic["supplier"] == "agriculture") & (ic["buyer"] == "manufacturing")].iloc[0]
    assert row["tolerable_change_pct"] == pytest.approx(100 * 7.575 / 1902 / 0.25)
    # re-solve on a random table: raising a_ij by the limit raises x_i by exactly 1 %
    t = random_table(10, 8)
    ic = important_coefficients(t, 5)
    for _, r in ic.iterrows():
        i, j = int(r["supplier"][1:]), int(r["buyer"][1:])
        A2 = np.asarray(t.A).copy()
        A2[i, j] *= 1 + r["tolerable_change_pct"] / 100
        x2 = np.linalg.solve(np.eye(t.n) - A2, t.f)
        assert x2[i] / t.x[i] - 1 == pytest.approx(0.01, rel=1e-9)


def test_zero_coefficient_has_no_tolerable_limit():
    t = IOTable.from_arrays([[0, 1], [1, 0]], final_demand=[5, 5])
    ic = important_coefficients(t, None, measure="output")
    assert len(ic) == 4
    zero = ic[ic["a"] == 0]
    assert np.isinf(zero["tolerable_change_pct"]).all()
    assert len(important_coefficients(t, None)) == 2  # elasticity: existing coefficients


def test_bad_arguments():
    t = random_table(3, 1)
    with pytest.raises(ValueError, match="'measure' parameter"):
        important_coefficients(t, measure="big")
    with pytest.raises(ValueError, match="'solver' parameter"):
        important_coefficients(t, solver="qr")
    assert len(important_coefficients(t, 0)) == 0


def test_multiregional_labels():
    t0 = random_table(4, 5)
    idx = pd.MultiIndex.from_product([["r1", "r2"], ["a", "b"]], names=["region", "sector"])
    t = IOTable.from_arrays(t0.Z, final_demand=t0.f, sectors=idx)
    F = field_of_influence(t, ("r1", "b"), ("r2", "a"))
    assert F.index.equals(idx)
    ic = important_coefficients(t, 3)
    assert isinstance(ic["supplier"].iloc[0], tuple)
    M = multiplier_product_matrix(t)
    assert M[("r1", "a"), ("r2", "b")] == pytest.approx(M[0, 3])


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 12), st.integers(0, 5000), st.integers(1, 30))
def test_top_n_is_a_prefix_of_the_full_ranking(n, seed, k):
    t = random_table(n, seed, density=0.6)
    full = important_coefficients(t, None, measure="output")
    top = important_coefficients(t, k, measure="output")
    np.testing.assert_allclose(top["output_effect"], full["output_effect"].iloc[:k], rtol=1e-12)
    assert (np.diff(full["output_effect"]) <= 1e-9 * full["output_effect"].max()).all()
