"""Linkages and key sectors against Miller & Blair, hand derivations, dense references."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable
from linkage.analysis.linkages import LINKAGE_COLUMNS, classify, key_sectors, linkages, normalize
from linkage.analysis.multipliers import multipliers
from linkage.errors import DataQualityWarning, DispersionSkippedWarning, SingularSystemError

METHODS = ["dense", "splu", "iterative"]


def random_table(n, density, seed, zero_output=0, sparse=False):
    """A balanced random table: Z nonnegative with intermediate share <= 0.7 of output.

    ``zero_output`` sectors neither buy nor sell (x = 0), as in real provincial tables.
    """
    rng = np.random.default_rng(seed)
    Z = rng.random((n, n)) * (rng.random((n, n)) < density) * 100
    f = rng.random(n) * 100 * n * density + 1
    zero = rng.choice(n, zero_output, replace=False) if zero_output else np.array([], int)
    Z[zero, :] = 0
    Z[:, zero] = 0
    f[zero] = 0
    # scale columns so inputs are at most 70 % of output (row total)
    x = Z.sum(axis=1) + f
    col = Z.sum(axis=0)
    scale = np.where(col > 0.7 * x, 0.7 * x / np.where(col > 0, col, 1), 1.0)
    Z = Z * scale[np.newaxis, :]
    f = np.where(np.isin(np.arange(n), zero), 0.0, x - Z.sum(axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(sp.csr_array(Z) if sparse else Z, final_demand=f)


def dense_reference(table):
    """All linkage columns from an explicit np.linalg.inv (the reference backend)."""
    A = table.A.toarray() if sp.issparse(table.A) else np.asarray(table.A)
    n = A.shape[0]
    x = table.x
    L = np.linalg.inv(np.eye(n) - A)
    xinv = np.divide(1.0, x, out=np.zeros(n), where=x != 0)
    G_rows = np.where(x != 0, xinv * (L @ x), 1.0)  # zero-output: unit row of G
    Zd = A * x[np.newaxis, :]
    B_rows = xinv * Zd.sum(axis=1)
    return {
        "L": L,
        "output_multiplier": L.sum(axis=0),
        "bl_direct": normalize(A.sum(axis=0)),
        "fl_direct": normalize(B_rows),
        "bl_total": normalize(L.sum(axis=0)),
        "fl_total": normalize(G_rows),
        "fl_rasmussen": normalize(L.sum(axis=1)),
        "bl_cv": L.std(axis=0, ddof=1) / L.mean(axis=0),
        "fl_cv": L.std(axis=1, ddof=1) / L.mean(axis=1),
    }


# ----------------------------------------------------------------------- textbook
def test_miller_blair_table_2_3(mb_table):
    lk = linkages(mb_table)
    assert list(lk.columns) == LINKAGE_COLUMNS
    assert lk.index.equals(mb_table.sectors)
    # Miller & Blair (2009), section 2.3 and ch. 12 on Table 2.3
    np.testing.assert_allclose(lk["output_multiplier"], [1.5182, 1.4521], atol=5e-5)
    np.testing.assert_allclose(lk["bl_total"], [1.0222, 0.9778], atol=5e-5)
    np.testing.assert_allclose(lk["fl_total"], [1.2083, 0.7917], atol=5e-5)
    # hand: row sums of L = (1.2541+0.3300, 0.2640+1.1221) = (1.5841, 1.3861), mean 1.4851
    np.testing.assert_allclose(lk["fl_rasmussen"], [1.0667, 0.9333], atol=5e-5)
    # direct: column sums of A (0.35, 0.30) and row sums of B (0.65, 0.15), by their means
    np.testing.assert_allclose(lk["bl_direct"], [0.35 / 0.325, 0.30 / 0.325])
    np.testing.assert_allclose(lk["fl_direct"], [0.65 / 0.4, 0.15 / 0.4])
    # n = 2: sd (ddof 1) of (a, b) is |a - b| / sqrt 2, mean (a + b) / 2
    L = np.array([[1.254125, 0.330033], [0.264026, 1.122112]])
    cv = lambda a, b: abs(a - b) / np.sqrt(2) / ((a + b) / 2)  # noqa: E731
    np.testing.assert_allclose(lk["bl_cv"], [cv(*L[:, 0]), cv(*L[:, 1])], rtol=1e-5)
    np.testing.assert_allclose(lk["fl_cv"], [cv(*L[0]), cv(*L[1])], rtol=1e-5)
    assert lk["key_sector"].tolist() == ["key", "weak"]
    assert lk.attrs["method"] == "dense"
    assert lk.attrs["residual"] < 1e-12
    assert lk.attrs["dispersion"] == "exact"


def test_raw_columns_when_not_normalized(mb_table):
    raw = linkages(mb_table, normalized=False)
    np.testing.assert_allclose(raw["bl_direct"], [0.35, 0.30])
    np.testing.assert_allclose(raw["fl_direct"], [0.65, 0.15])
    np.testing.assert_allclose(raw["bl_total"], [1.5182, 1.4521], atol=5e-5)
    np.testing.assert_allclose(raw["fl_total"], [1.9142, 1.2541], atol=5e-5)  # Ghosh G 1
    assert raw["key_sector"].tolist() == ["key", "weak"]  # still from normalized indices
    assert key_sectors(raw).tolist() == ["key", "weak"]


def test_threshold_and_key_sectors(mb_table):
    assert linkages(mb_table, threshold=1.1)["key_sector"].tolist() == ["forward", "weak"]
    assert linkages(mb_table, threshold=0.9)["key_sector"].tolist() == ["key", "backward"]
    assert key_sectors(mb_table).tolist() == ["key", "weak"]
    assert classify(np.array([1.0]), np.array([1.0])).tolist() == ["weak"]  # ties are not > t


# ----------------------------------------------------------------------- references
@pytest.mark.parametrize(
    "n, density, zero, sparse_input",
    [(40, 1.0, 3, False), (300, 0.05, 8, True), (1000, 0.01, 20, True), (1000, 0.3, 5, False)],
)
def test_every_method_matches_dense_inverse(n, density, zero, sparse_input):
    table = random_table(n, density, seed=n, zero_output=zero, sparse=sparse_input)
    ref = dense_reference(table)
    for method in METHODS:
        dispersion = method != "iterative" or n <= 40  # streams all n columns of L
        lk = linkages(table, solver=method, dispersion=dispersion)
        assert lk.attrs["method"] == method
        assert lk.attrs["residual"] < 1e-10
        cols = [c for c in LINKAGE_COLUMNS[:-1] if dispersion or not c.endswith("cv")]
        for col in cols:
            got, want = lk[col].to_numpy(), ref[col]
            err = np.abs(got - want).max() / np.abs(want).max()
            assert err < 1e-9, (method, col, err)
        assert not lk[cols].isna().any().any()


def test_zero_output_sectors_are_clean():
    table = random_table(30, 0.5, seed=5, zero_output=4)
    zero = table.x == 0
    assert zero.sum() == 4
    lk = linkages(table, normalized=False)
    assert np.isfinite(lk.drop(columns="key_sector").to_numpy(float)).all()
    np.testing.assert_allclose(lk["output_multiplier"][zero], 1.0)  # L e_j = e_j
    np.testing.assert_allclose(lk["fl_total"][zero], 1.0)  # unit row of G
    np.testing.assert_allclose(lk["fl_direct"][zero], 0.0)
    assert lk.attrs["zero_output"] == 4


def test_sparse_table_matches_dense_table():
    dense = random_table(200, 0.05, seed=9, zero_output=2)
    with pytest.warns(DataQualityWarning, match="zero total output"):
        sparse = IOTable.from_arrays(sp.csr_array(dense.Z), final_demand=dense.f)
    a, b = linkages(dense), linkages(sparse)
    pd.testing.assert_frame_equal(
        a.drop(columns="key_sector"), b.drop(columns="key_sector"), rtol=1e-9, check_exact=False
    )


# ----------------------------------------------------------------------- dispersion
def test_dispersion_skipped_with_reason(mb_table):
    table = random_table(100, 0.2, seed=1)
    with pytest.warns(DispersionSkippedWarning, match="would take about"):
        lk = linkages(table, max_seconds=0.0)
    assert lk["bl_cv"].isna().all() and lk["fl_cv"].isna().all()
    assert lk.attrs["dispersion"].startswith("skipped")
    assert lk["bl_total"].notna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        off = linkages(table, dispersion=False)
    assert off["bl_cv"].isna().all() and off.attrs["dispersion"] == "off"
    forced = linkages(table, dispersion=True, max_seconds=0.0)
    assert forced["bl_cv"].notna().all()


def test_bad_arguments(mb_table):
    with pytest.raises(ValueError, match="must be one of"):
        linkages(mb_table, solver="inverse")
    with pytest.raises(ValueError, match="dispersion"):
        linkages(mb_table, dispersion="yes")


def test_non_productive_table_names_sectors():
    # sector "smelter" buys 1.2 times its output: value added negative, economy not productive
    Z = np.array([[600.0, 500.0], [600.0, 100.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = IOTable.from_arrays(Z, total_output=[1000, 500], sectors=["smelter", "mine"])
    with pytest.raises(SingularSystemError) as info:
        linkages(t)
    assert "smelter" in info.value.sectors


# ----------------------------------------------------------------------- properties
@st.composite
def tables(draw):
    n = draw(st.integers(2, 15))
    density = draw(st.floats(0.2, 1.0))
    seed = draw(st.integers(0, 2**31))
    zero = draw(st.integers(0, max(0, n - 2)))
    return random_table(n, density, seed, zero_output=min(zero, 2))


@settings(max_examples=40, deadline=None)
@given(tables())
def test_property_normalized_indices_average_one(table):
    lk = linkages(table)
    for col in ["bl_direct", "fl_direct", "bl_total", "fl_total", "fl_rasmussen"]:
        assert abs(lk[col].mean() - 1.0) < 1e-12, col


@settings(max_examples=40, deadline=None)
@given(tables())
def test_property_ghosh_is_x_inverse_L_x(table):
    x = table.x
    L = np.linalg.inv(np.eye(table.n) - table.A)
    G = np.linalg.inv(np.eye(table.n) - table.B)  # the Ghosh inverse from B itself
    pos = x > 0
    xp = x[pos]
    np.testing.assert_allclose(
        G[np.ix_(pos, pos)],
        L[np.ix_(pos, pos)] * xp[np.newaxis, :] / xp[:, np.newaxis],
        rtol=1e-9,
        atol=1e-12,
    )
    raw = linkages(table, normalized=False, dispersion=False)
    np.testing.assert_allclose(raw["fl_total"], G.sum(axis=1), rtol=1e-9)
    # x = L f
    np.testing.assert_allclose(table.solver().solve(table.f), x, rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------- real tables
def test_real_bps_and_icraf_tables(shared_data):
    readers = pytest.importorskip("linkage.io.tables")
    paths = sorted((shared_data / "indonesia_prov17_2016").glob("Tabel*.xlsx"))
    paths += sorted(p for p in (shared_data / "indonesia_34prov_icraf").iterdir() if p.is_dir())[:6]
    assert paths
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = readers.read_table(path)
            lk = linkages(table)
            m = multipliers(table)
        assert list(lk.columns) == LINKAGE_COLUMNS
        assert lk.attrs["residual"] < 1e-10
        assert np.isfinite(lk.drop(columns="key_sector").to_numpy(float)).all(), path
        assert abs(lk["bl_total"].mean() - 1) < 1e-12
        assert (lk["output_multiplier"] >= 1 - 1e-12).all()
        assert "value_added" in m


def test_auto_on_a_large_dense_table_iterates_and_streams_L_with_the_lu():
    # 1200 sectors with certified column sums (< 0.7): the three linkage solves run GMRES
    # on the ndarray; the dispersion (all columns of L) goes to the dense LU
    table = random_table(1200, 0.3, seed=12, zero_output=4)
    ref = dense_reference(table)
    lk = linkages(table, dispersion=False)
    assert lk.attrs["method"] == "iterative"
    assert lk.attrs["method_reason"].startswith("certified ‖A‖")
    assert lk.attrs["dispersion_method"] is None
    full = linkages(table, dispersion=True)
    # the dispersion needs all of L, which fits: the dense LU forms it once and every index
    # comes from it, so the method reported is the LU's
    assert full.attrs["method"] == "dense" and full.attrs["dispersion_method"] == "dense"
    assert "formed L once" in full.attrs["method_reason"]
    assert full.attrs["residual"] < 1e-10
    for col in LINKAGE_COLUMNS[:-1]:
        got, want = full[col].to_numpy(), ref[col]
        assert np.abs(got - want).max() / np.abs(want).max() < 1e-9, col
    pd.testing.assert_frame_equal(
        lk.drop(columns=["bl_cv", "fl_cv"]), full.drop(columns=["bl_cv", "fl_cv"]), rtol=1e-9
    )
    small = linkages(random_table(50, 0.5, seed=1))
    assert small.attrs["method"] == "dense" and small.attrs["method_reason"].startswith("small")


@pytest.mark.parametrize(
    ("n", "zero", "solver"),
    [(2, 0, "auto"), (60, 3, "auto"), (300, 5, "dense"), (1100, 4, "auto"), (200, 2, "splu")],
)
def test_L_formed_once_equals_streamed_L(n, zero, solver, monkeypatch):
    # below DENSE_L_MAX_BYTES with a dense LU every index comes from L formed once; the
    # numbers equal those of the solves plus L streamed in blocks (the path beyond) to 1e-12
    table = random_table(n, 0.6, seed=n, zero_output=zero)
    once = linkages(table, solver=solver)
    expect = "splu" if solver == "splu" else "dense"
    assert once.attrs["method"] == expect and once.attrs["dispersion"] == "exact"
    assert once.attrs["residual"] < 1e-12
    monkeypatch.setattr(sys.modules[linkages.__module__], "DENSE_L_MAX_BYTES", 0)
    table2 = random_table(n, 0.6, seed=n, zero_output=zero)  # a fresh solver
    streamed = linkages(table2, solver=solver)
    assert streamed.attrs["dispersion"] == "exact"
    if n > 1000 and solver == "auto":  # GMRES for the sums, L streamed through the LU
        assert streamed.attrs["method"] == "iterative"
    pd.testing.assert_index_equal(once.index, streamed.index)
    pd.testing.assert_series_equal(once["key_sector"], streamed["key_sector"])
    assert once.dtypes.equals(streamed.dtypes)
    for col in LINKAGE_COLUMNS[:-1]:
        got, want = once[col].to_numpy(), streamed[col].to_numpy()
        assert np.abs(got - want).max() <= 1e-12 * np.abs(want).max(), col
    ref = dense_reference(table)
    for col in LINKAGE_COLUMNS[:-1]:
        assert np.abs(once[col].to_numpy() - ref[col]).max() <= 1e-11 * np.abs(ref[col]).max()
    raw = linkages(table, solver=solver, normalized=False)
    assert np.allclose(raw["fl_total"], ref["fl_total"] * raw["fl_total"].mean(), rtol=1e-12)


def test_L_formed_once_only_with_dispersion(mb_table):
    # without the dispersion (or when "auto" skips it) nothing of L is formed
    lk = linkages(mb_table, dispersion=False)
    assert lk.attrs["dispersion"] == "off" and lk["bl_cv"].isna().all()
    assert lk.attrs["method"] == "dense" and "formed L" not in lk.attrs["method_reason"]


def test_attrs_count_the_work_of_this_call_only():
    """products and passes are the iterative solves' work in one call (the table keeps its
    solver between calls, so the counters are differences), 0 when a LU answered."""
    table = random_table(300, 0.05, seed=21, sparse=True)
    first = linkages(table, solver="iterative", dispersion=False)
    again = linkages(table, solver="iterative", dispersion=False)
    assert 0 < first.attrs["products"] <= first.attrs["passes"]
    assert (again.attrs["products"], again.attrs["passes"]) == (
        first.attrs["products"],
        first.attrs["passes"],
    )
    dense = linkages(table, solver="dense", dispersion=False)
    assert (dense.attrs["products"], dense.attrs["passes"]) == (0, 0)
