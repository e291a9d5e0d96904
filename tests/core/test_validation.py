"""Tests of linkage.core.validation: each part of a table, checked and labelled."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from linkage.core.diagnostics import Diagnostics
from linkage.core.validation import (
    as_sector_index,
    block_frame,
    final_demand_frame,
    matrix_sums,
    primary_input_frame,
    sector_vector,
    square_matrix,
)
from linkage.errors import InvalidTableError

SECTORS = pd.Index(["a", "b", "c"], name="sector")


def test_sector_index_defaults_and_rules():
    assert as_sector_index(None, 2).tolist() == ["S1", "S2"]
    assert as_sector_index(pd.Index(["x", "y"]), 2).name == "sector"
    mr = as_sector_index([("r1", "a"), ("r2", "a")], 2)
    assert isinstance(mr, pd.MultiIndex) and mr.names == ["region", "sector"]
    with pytest.raises(InvalidTableError, match=r"repeated: \['x'\]"):
        as_sector_index(["x", "x", "y"], 3)
    with pytest.raises(InvalidTableError, match=r"2 labels but Z has shape \(3, 3\)"):
        as_sector_index(["x", "y"], 3)


def test_square_matrix_keeps_the_kind_and_the_frame_labels():
    Z, sectors = square_matrix(pd.DataFrame(np.eye(2), index=["p", "q"]), None)
    assert isinstance(Z, np.ndarray) and sectors.tolist() == ["p", "q"]
    coo = sp.coo_array(([1.0, 2.0], ([0, 0], [1, 1])), shape=(2, 2))  # a duplicate entry
    Z, _ = square_matrix(coo, None)
    assert Z.format == "csr" and Z.nnz == 1 and Z[0, 1] == 3.0
    with pytest.raises(InvalidTableError, match=r"square, has shape \(2, 3\)"):
        square_matrix(sp.csr_array(np.ones((2, 3))), None)


@pytest.mark.parametrize("kind", [np.asarray, sp.csr_array])
def test_matrix_sums_and_the_first_non_finite_entry(kind):
    Z = np.array([[1.0, -2.0, 0.0], [0.0, 3.0, 0.0], [4.0, 0.0, 5.0]])
    row, col, negative = matrix_sums(kind(Z), SECTORS)
    np.testing.assert_allclose(row, [-1, 3, 9])
    np.testing.assert_allclose(col, [5, 1, 5])
    assert negative == 1
    Z[2, 0] = np.nan
    # the value as a person reads it, not numpy's repr (np.float64(nan))
    with pytest.raises(InvalidTableError, match=r"first at row 'c', column 'a' \(value nan\)$"):
        matrix_sums(kind(Z), SECTORS)


def test_sector_vector_reorders_a_series():
    v = sector_vector(pd.Series([3.0, 1.0, 2.0], index=["c", "a", "b"]), SECTORS, "jobs", "jobs")
    assert v.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(InvalidTableError, match=r"jobs must have shape \(3,\), has \(2,\)"):
        sector_vector([1.0, 2.0], SECTORS, "jobs", "jobs")
    with pytest.raises(InvalidTableError, match="row 'jobs', column 'b'"):
        sector_vector([1.0, np.inf, 2.0], SECTORS, "jobs", "jobs")


def test_block_frames_align_relabel_or_refuse():
    fd = pd.DataFrame({"households": [3.0, 1.0, 2.0]}, index=["c", "a", "b"])
    assert block_frame(fd, SECTORS, "final_demand", "fd", True)["households"].tolist() == [1, 2, 3]
    # labels that share nothing with the table's are positions
    other = pd.DataFrame({"h": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    assert block_frame(other, SECTORS, "final_demand", "fd", True).index.equals(SECTORS)
    partly = pd.DataFrame({"h": [1.0, 2.0, 3.0]}, index=["a", "b", "z"])
    with pytest.raises(InvalidTableError, match="do not match"):
        block_frame(partly, SECTORS, "final_demand", "fd", True)
    # primary inputs in the published orientation (m x n), stored sectors as rows
    va = block_frame(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), SECTORS, "pi", "va", False)
    assert va.shape == (3, 2) and va.columns.tolist() == ["va 1", "va 2"]
    with pytest.raises(InvalidTableError, match=r"pi must have shape \(m, 3\), has shape \(1, 2\)"):
        block_frame([1.0, 2.0], SECTORS, "pi", "va", False)


def test_implied_blocks_are_recorded():
    d = Diagnostics()
    x, row_z, col_z = np.array([10.0, 20, 30]), np.array([1.0, 2, 3]), np.array([4.0, 5, 6])
    fd = final_demand_frame(None, x, row_z, SECTORS, d)
    pi = primary_input_frame(None, x, col_z, SECTORS, d)
    assert fd.iloc[:, 0].tolist() == [9, 18, 27] and pi.iloc[:, 0].tolist() == [6, 15, 24]
    assert d.codes() == {"implied_final_demand", "implied_value_added"}
    with pytest.raises(InvalidTableError, match="give final_demand or total_output"):
        final_demand_frame(None, None, row_z, SECTORS, d)
