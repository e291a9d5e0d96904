"""The small-table path of :func:`linkages`: the frame built from two blocks (float
columns, key_sector) equals the one the plain DataFrame constructor builds; every index
matches the dense reference; the products of the dense path in scipy's BLAS equal
numpy's; the table's cheap checks (balance from arrays, finiteness from the sums) decide
as the full ones."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable
from linkage.analysis.linkages import _CLASS_BY_CODE, LINKAGE_COLUMNS, _frame, linkages
from linkage.core.balance import balance_frame, unbalanced_message
from linkage.core.direct import blas_product
from linkage.core.table import _any_unbalanced
from linkage.core.validation import matrix_sums
from linkage.errors import InvalidTableError


def _table(n, seed):
    rng = np.random.default_rng(seed)
    Z = rng.random((n, n)) * (rng.random((n, n)) < 0.6)
    f = rng.random(n) * Z.sum(axis=1).max() + 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(Z, final_demand=f, sectors=[f"s{i}" for i in range(n)])


def _constructor_frame(lk):
    """The same columns through ``pd.DataFrame(dict)`` (what linkages did before)."""
    columns = {c: lk[c].to_numpy().copy() for c in LINKAGE_COLUMNS[:-1]}
    columns["key_sector"] = np.asarray(lk["key_sector"].to_numpy(), dtype=object)
    return pd.DataFrame(columns, index=lk.index)


@pytest.mark.parametrize("n, seed", [(2, 0), (7, 1), (40, 2), (150, 3)])
@pytest.mark.parametrize("normalized", [True, False])
def test_block_frame_equals_constructor_frame(n, seed, normalized):
    lk = linkages(_table(n, seed), normalized=normalized)
    ref = _constructor_frame(lk)
    pd.testing.assert_frame_equal(lk, ref, check_exact=True)
    assert list(lk.columns) == LINKAGE_COLUMNS
    assert lk.index.equals(_table(n, seed).sectors) and lk.index.name == "sector"
    # a column read is a copy-on-write view, not a way to change the frame
    col = lk["bl_cv"].to_numpy()
    assert not col.flags.writeable


def test_frame_values_against_dense_reference():
    t = _table(60, 5)
    lk = linkages(t, normalized=False)
    L = np.linalg.inv(np.eye(t.n) - t.A)
    x = t.x
    np.testing.assert_allclose(lk["output_multiplier"], L.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(lk["fl_rasmussen"], L.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(lk["fl_total"], (L @ x) / x, rtol=1e-13)
    np.testing.assert_allclose(lk["bl_cv"], L.std(0, ddof=1) / L.mean(0), rtol=1e-12)
    np.testing.assert_allclose(lk["fl_cv"], L.std(1, ddof=1) / L.mean(1), rtol=1e-12)
    bl = L.sum(0) / L.sum(0).mean()
    g = (L @ x) / x
    fl = g / g.mean()
    expect = _CLASS_BY_CODE[2 * (bl > 1) + (fl > 1)]
    assert lk["key_sector"].tolist() == expect.tolist()


def test_frame_sets_attrs_once_and_owns_its_values():
    r = {
        "column_sums_L": np.array([1.5, 1.2]),
        "column_sums_A": np.array([0.4, 0.2]),
        "row_sums_B": np.array([0.3, 0.3]),
        "row_sums_G": np.array([1.0, 2.0]),
        "row_sums_L": np.array([1.4, 1.3]),
    }
    cv = np.array([0.1, 0.2])
    attrs = {"method": "dense"}
    frame = _frame(r, cv, cv, 1.0, True, pd.Index(["a", "b"], name="sector"), attrs)
    assert frame.attrs == attrs
    assert frame["output_multiplier"].tolist() == [1.5, 1.2]  # raw, never normalized
    assert frame["bl_total"].tolist() == pytest.approx([1.5 / 1.35, 1.2 / 1.35])
    assert frame["key_sector"].tolist() == ["backward", "forward"]
    r["column_sums_L"][0] = 99.0  # the frame holds its own copy
    assert frame["output_multiplier"].iloc[0] == 1.5


def test_dict_path_of_pandas_2_builds_the_same_frame(monkeypatch):
    module = sys.modules[_frame.__module__]  # the package re-exports linkages() by name
    t = _table(30, 8)
    blocks = linkages(t)
    monkeypatch.setattr(module, "_BLOCKS", False)
    columns = linkages(t)
    pd.testing.assert_frame_equal(blocks, columns, check_exact=True)
    assert blocks.attrs == columns.attrs


# ------------------------------------------------------------- one BLAS for the dense path
@pytest.mark.parametrize("order", ["C", "F", "strided"])
@pytest.mark.parametrize("accumulate", [False, True])
def test_blas_product_equals_numpy(order, accumulate):
    rng = np.random.default_rng(3)
    M = rng.standard_normal((37, 37))
    M = {"C": M, "F": np.asfortranarray(M), "strided": rng.standard_normal((37, 74))[:, ::2]}[order]
    B = np.asfortranarray(rng.standard_normal((37, 5)))
    expect = M @ B
    if accumulate:
        C = np.asfortranarray(rng.standard_normal((37, 5)))
        expect = C + expect
        out = blas_product(M, B, C)
        assert out is C
    else:
        out = blas_product(M, B)
    np.testing.assert_allclose(out, expect, rtol=1e-13, atol=1e-13)


def test_blas_product_of_a_sparse_matrix_is_the_sparse_product():
    rng = np.random.default_rng(4)
    M = sp.random_array((20, 20), density=0.2, random_state=4, format="csc")
    B = rng.standard_normal((20, 3))
    np.testing.assert_allclose(blas_product(M, B), M.toarray() @ B, rtol=1e-13, atol=1e-14)
    C = np.ones((20, 3), order="F")
    np.testing.assert_allclose(blas_product(M, B, C), 1 + M.toarray() @ B, atol=1e-13)


# ------------------------------------------------------------- table validation fast paths
@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 8),
    seed=st.integers(0, 10_000),
    zero=st.booleans(),
    rtol=st.sampled_from([0.0, 1e-3, 0.1]),
)
def test_any_unbalanced_agrees_with_the_balance_frame(n, seed, zero, rtol):
    rng = np.random.default_rng(seed)
    x = rng.random(n) * 100
    if zero:
        x[0] = 0.0
    row = x + rng.choice([0.0, 1e-6, 0.05, 1.0], n) * rng.standard_normal(n)
    col = x + rng.choice([0.0, 1e-6, 0.05, 1.0], n) * rng.standard_normal(n)
    frame = balance_frame(x, row, col, pd.Index([f"s{i}" for i in range(n)]))
    n_bad, _ = unbalanced_message(frame, rtol, x_given=True)
    assert _any_unbalanced(x, row, col, rtol) == (n_bad > 0)


def test_non_finite_entries_found_even_when_they_cancel_in_a_sum():
    # inf and -inf in one row: the row sum is NaN, so the entries are searched
    Z = np.array([[np.inf, -np.inf, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(InvalidTableError, match=r"2 non-finite entries; first at row 'S1'"):
        IOTable.from_arrays(Z, final_demand=[1.0, 1.0, 1.0])
    # finite entries whose sum overflows are finite data, as before
    row, col, neg = matrix_sums(np.array([[1e308, 1e308], [0.0, 1.0]]), pd.Index(["a", "b"]))
    assert np.isinf(row[0]) and neg == 0
