"""The frame of :func:`linkages` built from two blocks (float columns, key_sector) equals
the one the plain DataFrame constructor builds from the same columns; the small-table
path keeps every index of the dense reference."""

import warnings

import numpy as np
import pandas as pd
import pytest

from linkage import IOTable
from linkage.analysis.linkages import _CLASS_BY_CODE, LINKAGE_COLUMNS, _frame, linkages


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
