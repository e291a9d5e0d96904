"""IOTable construction, validation and derived coefficients."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from linkage import IOTable
from linkage.core.table import allocation_coefficients, input_coefficients
from linkage.errors import (
    DataQualityWarning,
    InvalidTableError,
    UnbalancedTableWarning,
)

MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])


def test_miller_blair_coefficients(mb_table):
    # Miller & Blair (2009) Table 2.3 / eq. 2.5: A = [[.15, .25], [.2, .05]].
    np.testing.assert_allclose(mb_table.A, [[0.15, 0.25], [0.20, 0.05]])
    # B = x^-1 Z: b_12 = 500 / 1000 = 0.5, b_21 = 200 / 2000 = 0.1.
    np.testing.assert_allclose(mb_table.B, [[0.15, 0.50], [0.10, 0.05]])
    np.testing.assert_allclose(mb_table.x, [1000.0, 2000.0])
    assert mb_table.sectors.tolist() == ["agriculture", "manufacturing"]
    assert mb_table.total_output["manufacturing"] == 2000.0
    assert len(mb_table.diagnostics.warnings()) == 0


def test_total_output_defaults_to_row_total_and_column_total_is_checked():
    with pytest.warns(UnbalancedTableWarning, match="S2"):
        t = IOTable.from_arrays(MB_Z, final_demand=[350, 1700], value_added=[650, 1300])
    np.testing.assert_allclose(t.x, [1000, 2000])
    bal = t.balance()
    # column total of S2 = 500 + 100 + 1300 = 1900 against x = 2000
    assert bal.loc["S2", "gap"] == pytest.approx(-100.0)
    assert bal.loc["S2", "rel_gap"] == pytest.approx(-0.05)
    assert t.diagnostics.count("unbalanced") == 1


def _unbalanced_message(t):
    (finding,) = [f for f in t.diagnostics.findings if f.code == "unbalanced"]
    return finding.message


def test_balance_warning_says_which_total_is_larger_and_which_x_is_used():
    # S2 sells 2000 (row total) but spends 1900 (column total); x defaults to the row total
    with pytest.warns(UnbalancedTableWarning) as rec:
        t = IOTable.from_arrays(MB_Z, final_demand=[350, 1700], value_added=[650, 1300])
    msg = _unbalanced_message(t)
    assert str(rec[0].message) == msg and "\n" not in msg
    assert "sector 'S2': row total 2,000 vs column total 1,900 (row larger, +5.0% of x)" in msg
    assert "x is the row total" in msg
    assert "the row total is larger in 1 of them, the column total in 0" in msg
    assert "'S1'" not in msg  # balanced sectors are not named


def test_balance_warning_with_given_total_output_and_column_larger():
    # x given: S1 as the row total (1000), S2 at 2100 where row total is 2000 and the
    # column total 2100 (inputs larger than sales)
    with pytest.warns(UnbalancedTableWarning):
        t = IOTable.from_arrays(
            MB_Z, final_demand=[350, 1700], value_added=[650, 1500], total_output=[1000, 2100]
        )
    msg = _unbalanced_message(t)
    assert (
        "x is the total output given to the table (it differs from the row total in 1 sector)"
        in msg
    )
    assert (
        "sector 'S2': row total 2,000 vs column total 2,100 (column larger, -4.8% of x; x = 2,100)"
        in msg
    )
    assert "the row total is larger in 0 of them, the column total in 1" in msg


def test_balance_warning_names_worst_sectors_first_and_at_most_five():
    n = 8
    Z = np.eye(n)
    fd = np.full(n, 99.0)  # row totals 100
    gaps = np.array([0.0, 1, 30, 2, 5, 0, 20, 10])  # column totals 100 - gap
    with pytest.warns(UnbalancedTableWarning):
        t = IOTable.from_arrays(Z, final_demand=fd, value_added=99.0 - gaps)
    msg = _unbalanced_message(t)
    assert t.diagnostics.count("unbalanced") == 6
    named = [f"'S{i + 1}'" for i in np.argsort(-gaps, kind="stable")[:5]]
    positions = [msg.index(s) for s in named]
    assert positions == sorted(positions)  # S3 (30 %) first, then S7, S8, S5, S4
    assert "'S2'" not in msg  # sixth-worst: counted, not named
    assert "(row larger, +30.0% of x)" in msg


@pytest.mark.filterwarnings("ignore:.*zero total output")
def test_balance_warning_zero_output_sector():
    # x = 0 given for a sector that still has sales: no percentage, says x = 0
    with pytest.warns(UnbalancedTableWarning):
        t = IOTable.from_arrays(
            [[1.0, 0.0], [0.0, 0.0]],
            final_demand=[9.0, -4.0],
            value_added=[9.0, 0.0],
            total_output=[10.0, 0.0],
        )
    assert (
        "sector 'S2': row total -4 vs column total 0 (column larger, x = 0)"
        in _unbalanced_message(t)
    )


def test_implied_blocks_are_reported():
    t = IOTable.from_arrays(MB_Z, total_output=[1000, 2000])
    np.testing.assert_allclose(t.f, [350, 1700])
    np.testing.assert_allclose(t.v, [650, 1400])
    assert {"implied_final_demand", "implied_value_added"} <= t.diagnostics.codes()


def test_labelled_blocks_are_aligned_to_sectors():
    sectors = ["a", "b"]
    fd = pd.DataFrame({"households": [1700.0, 350.0]}, index=["b", "a"])
    va = pd.DataFrame([[650.0, 1400.0]], index=["wages"], columns=sectors)
    t = IOTable.from_arrays(MB_Z, final_demand=fd, value_added=va, sectors=sectors)
    np.testing.assert_allclose(t.f, [350, 1700])
    assert t.value_added.index.tolist() == ["wages"]
    assert t.primary_inputs.columns.tolist() == ["wages"]


def test_dataframe_z_gives_labels():
    Z = pd.DataFrame(MB_Z, index=["x", "y"], columns=["x", "y"])
    t = IOTable.from_arrays(Z, final_demand=[350, 1700])
    assert t.sectors.tolist() == ["x", "y"]


def test_sparse_z_matches_dense():
    dense = IOTable.from_arrays(MB_Z, final_demand=[350, 1700])
    sparse = IOTable.from_arrays(sp.csr_array(MB_Z), final_demand=[350, 1700])
    assert sparse.is_sparse and not dense.is_sparse
    np.testing.assert_allclose(sparse.A.toarray(), dense.A)
    np.testing.assert_allclose(sparse.B.toarray(), dense.B)


def test_multiregional_labels():
    t = IOTable.from_arrays(MB_Z, final_demand=[350, 1700], sectors=[("r1", "a"), ("r2", "a")])
    assert t.is_multiregional
    assert t.sectors.names == ["region", "sector"]


def test_zero_output_sector_gets_zero_coefficients_and_is_reported():
    Z = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 1.0]])
    with pytest.warns(DataQualityWarning, match="zero total output"):
        t = IOTable.from_arrays(Z, final_demand=[7.0, 0.0, 6.0])
    assert np.all(np.isfinite(t.A)) and np.all(np.isfinite(t.B))
    assert np.all(t.A[:, 1] == 0) and np.all(t.B[1, :] == 0)
    assert t.diagnostics.count("zero_output") == 1


def test_negative_final_demand_warns_naming_the_sector_but_inventories_do_not():
    # legal but worth a look (issue 17 item 2): a warning naming the sector and value
    with pytest.warns(
        DataQualityWarning, match=r"'final demand 2' is negative in 1 .*'S1' \(-50\)"
    ):
        t = IOTable.from_arrays(MB_Z, final_demand=[[400, -50], [1700, 0]], value_added=[650, 1400])
    assert t.diagnostics.count("negative_final_demand") == 1
    # changes in inventories and subsidies are negative by nature: recorded, not warned
    fd = pd.DataFrame([[400, -50], [1700, 0]], columns=["households", "Perubahan Inventori"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = IOTable.from_arrays(MB_Z, final_demand=fd, value_added=[650, 1400])
    (finding,) = [f for f in t.diagnostics if f.code == "negative_final_demand"]
    assert finding.level == "info"


def test_negative_z_warns():
    with pytest.warns(DataQualityWarning, match="negative"):
        IOTable.from_arrays([[1.0, -1.0], [0.0, 1.0]], final_demand=[5.0, 5.0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"Z": np.ones((2, 3)), "final_demand": [1, 1]}, r"square.*\(2, 3\)"),
        ({"Z": MB_Z, "final_demand": [1, 2, 3]}, r"final_demand.*\(2, k\)"),
        ({"Z": MB_Z, "final_demand": [1, 2], "sectors": ["a", "a"]}, "unique"),
        ({"Z": [[1, np.nan], [0, 1]], "final_demand": [1, 2]}, "non-finite.*'S1'.*'S2'"),
        ({"Z": MB_Z}, "final_demand or total_output"),
        ({"Z": MB_Z, "total_output": [-1, 5]}, "negative.*S1"),
        ({"Z": MB_Z, "final_demand": [1, 2], "sectors": ["a"]}, "1 labels"),
    ],
)
def test_invalid_tables_say_what_is_wrong(kwargs, message):
    with pytest.raises(InvalidTableError, match=message):
        IOTable.from_arrays(**kwargs)


def test_table_is_not_mutable(mb_table):
    with pytest.raises(ValueError):
        mb_table.Z[0, 0] = 1.0
    with pytest.raises(ValueError):
        mb_table.A[0, 0] = 1.0
    with pytest.raises(ValueError):
        mb_table.x[0] = 1.0


def test_coefficient_functions_on_sparse_keep_sparsity():
    Z = sp.random_array((50, 50), density=0.05, random_state=1, format="csr")
    x = np.asarray(Z.sum(axis=1)).ravel() + 1.0
    A = input_coefficients(Z, x)
    B = allocation_coefficients(Z, x)
    assert sp.issparse(A) and sp.issparse(B)
    np.testing.assert_allclose(A.toarray(), Z.toarray() / x[None, :])
    np.testing.assert_allclose(B.toarray(), Z.toarray() / x[:, None])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_input_coefficients_are_the_product_with_diag(fmt):
    """Z diag(1/x) without the sparse product: the same entries as the product (duplicates
    summed, zeros of Z and zero-output columns dropped, sorted), across scaling blocks, and
    Z left as it was."""
    n = 70_000  # more columns than one block of _column_scaled
    rng = np.random.default_rng(5)
    rows, cols = rng.integers(0, n, 200_000), rng.integers(0, n, 200_000)
    vals = rng.random(200_000)
    vals[:50] = 0.0  # explicit zeros
    rows[50:60], cols[50:60] = 7, 12  # a duplicated pair
    Z = sp.coo_array((vals, (rows, cols)), shape=(n, n)).asformat(fmt)
    if fmt != "coo":
        before = Z.data.copy(), Z.indices.copy()
    x = np.asarray(Z.sum(axis=1)).ravel() + rng.random(n)
    x[[9, 11, 500]] = 0.0  # zero output: zero columns of A
    A = input_coefficients(Z, x)
    want = sp.csc_array(
        sp.csc_array(Z) @ sp.diags_array(np.where(x > 0, 1 / np.where(x > 0, x, 1), 0))
    )
    assert A.format == "csc" and A.has_canonical_format
    assert A.nnz == want.nnz and A.data.min() > 0
    assert abs(A - want).max() <= 1e-15 * want.data.max()
    assert A[:, [9, 11, 500]].nnz == 0
    assert A[7, 12] == pytest.approx(vals[50:60].sum() / x[12], rel=1e-14)
    if fmt != "coo":
        np.testing.assert_array_equal(Z.data, before[0])
        np.testing.assert_array_equal(Z.indices, before[1])


def test_from_arrays_copies_z_unless_told_not_to():
    Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    t = IOTable.from_arrays(Z, final_demand=[350, 1700], value_added=[650, 1400])
    assert not np.shares_memory(t.Z, Z) and Z.flags.writeable
    Z[0, 0] = 1.0  # the caller's array is its own: the table does not see the change
    assert t.Z[0, 0] == 150.0
    own = np.array([[150.0, 500.0], [200.0, 100.0]])
    t2 = IOTable.from_arrays(own, final_demand=[350, 1700], value_added=[650, 1400], copy=False)
    assert np.shares_memory(t2.Z, own) and not own.flags.writeable
    np.testing.assert_array_equal(t2.A, t.A)
    # an integer array is converted (a copy) even with copy=False
    ints = np.array([[150, 500], [200, 100]])
    t3 = IOTable.from_arrays(ints, final_demand=[350, 1700], copy=False)
    assert not np.shares_memory(t3.Z, ints) and t3.Z.dtype == float
