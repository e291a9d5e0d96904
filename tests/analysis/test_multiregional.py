"""Multi-regional linkages, spillover/feedback, aggregation and pymrio conversion."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from builders import mr_table
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, regional_linkages
from linkage.analysis.multiregional import (
    aggregate,
    spillover_feedback,
)
from linkage.errors import InvalidTableError


def two_by_one():
    idx = pd.MultiIndex.from_tuples(
        [("north", "farm"), ("south", "farm")], names=["region", "sector"]
    )
    return IOTable.from_arrays([[20, 10], [30, 40]], final_demand=[70, 30], sectors=idx)


def test_two_regions_by_hand():
    # A = [[.2, .1], [.3, .4]], det(I - A) = .8 * .6 - .1 * .3 = .45,
    # L = [[.6, .1], [.3, .8]] / .45 = [[1.3333, .2222], [.6667, 1.7778]].
    # north: intra l_11 = 4/3, inter l_21 = 2/3, alone 1 / (1 - .2) = 1.25, feedback 1/12.
    # south: intra l_22 = 16/9, inter l_12 = 2/9, alone 1 / (1 - .4) = 5/3, feedback 1/9.
    out = regional_linkages(two_by_one())
    np.testing.assert_allclose(out["bl_intra"], [4 / 3, 16 / 9])
    np.testing.assert_allclose(out["bl_inter"], [2 / 3, 2 / 9])
    np.testing.assert_allclose(out["intraregional"], [1.25, 5 / 3])
    np.testing.assert_allclose(out["feedback"], [1 / 12, 1 / 9])
    np.testing.assert_allclose(out["output_multiplier"], [2.0, 2.0])
    np.testing.assert_allclose(out["spillover_share"], [1 / 3, 1 / 9])
    # rows of L: north (.6 + .1) / .45, own part .6/.45
    np.testing.assert_allclose(out["fl_total"], [0.7 / 0.45, 1.1 / 0.45])
    np.testing.assert_allclose(out["fl_intra"], [0.6 / 0.45, 0.8 / 0.45])


def test_two_regions_spillover_feedback_by_hand():
    # north's demand (70, 0): L f = (70 .6, 70 .3) / .45 = (93.33, 46.67); alone 70 / .8 = 87.5
    # south's demand (0, 30): L f = (30 .1, 30 .8) / .45 = (6.67, 53.33); alone 30 / .6 = 50
    sf = spillover_feedback(two_by_one())
    np.testing.assert_allclose(
        sf["output"], [70 * 0.6 / 0.45, 70 * 0.3 / 0.45, 3 / 0.45, 24 / 0.45]
    )
    np.testing.assert_allclose(sf["intraregional"], [87.5, 0, 0, 50])
    np.testing.assert_allclose(sf["feedback"], [70 * 0.6 / 0.45 - 87.5, 0, 0, 24 / 0.45 - 50])
    np.testing.assert_allclose(sf["spillover"], [0, 70 * 0.3 / 0.45, 3 / 0.45, 0])
    assert sf["output"].sum() == pytest.approx(200.0)  # = total output
    np.testing.assert_allclose(sf.groupby("demand_region")["share"].sum(), 1.0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("R, S", [(2, 3), (3, 4), (4, 1)])
def test_matches_dense_blocks(R, S, sparse):
    t = mr_table(R, S, R * 10 + S, sparse=sparse)
    A = t.A.toarray() if sp.issparse(t.A) else np.asarray(t.A)
    L = np.linalg.inv(np.eye(t.n) - A)
    reg = np.repeat(np.arange(R), S)
    out = regional_linkages(t)
    own = np.equal.outer(reg, reg)
    np.testing.assert_allclose(out["bl_intra"], (L * own).sum(axis=0))
    np.testing.assert_allclose(out["bl_inter"], (L * ~own).sum(axis=0), atol=1e-14)
    np.testing.assert_allclose(out["fl_intra"], (L * own).sum(axis=1))
    alone = np.concatenate(
        [np.linalg.inv(np.eye(S) - A[reg == r][:, reg == r]).sum(axis=0) for r in range(R)]
    )
    np.testing.assert_allclose(out["intraregional"], alone)
    assert (out["feedback"] >= -1e-12).all()

    sf = spillover_feedback(t)
    assert len(sf) == R * R
    x = L @ t.f
    assert sf["output"].sum() == pytest.approx(x.sum())
    for r in range(R):
        fr = np.where(reg == r, t.f, 0.0)
        Xr = L @ fr
        got = sf[sf["demand_region"] == f"r{r}"].set_index("output_region")["output"]
        np.testing.assert_allclose(got.to_numpy(), [Xr[reg == o].sum() for o in range(R)])
        sub = A[reg == r][:, reg == r]
        alone_out = np.linalg.solve(np.eye(S) - sub, t.f[reg == r]).sum()
        row = sf[(sf["demand_region"] == f"r{r}") & (sf["output_region"] == f"r{r}")].iloc[0]
        assert row["intraregional"] == pytest.approx(alone_out)
        assert row["feedback"] == pytest.approx(Xr[reg == r].sum() - alone_out)


def test_single_region_table_is_refused(mb_table):
    with pytest.raises(InvalidTableError, match="region, sector"):
        regional_linkages(mb_table)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 4), st.integers(1, 4), st.integers(0, 1000))
def test_feedback_nonnegative_and_parts_add_up(R, S, seed):
    t = mr_table(R, S, seed)
    out = regional_linkages(t)
    assert (out["feedback"] >= -1e-12).all()
    assert (out["intraregional"] >= 1 - 1e-12).all()
    np.testing.assert_allclose(out["bl_intra"] + out["bl_inter"], out["output_multiplier"])


# ---------------------------------------------------------------------------- aggregation
def test_aggregate_regions_and_sectors():
    t = mr_table(3, 4, 5, employment=True)
    agg = aggregate(
        t,
        sectors={"s0": "A", "s1": "A", "s2": "B", "s3": "B"},
        regions={"r0": "west", "r1": "west", "r2": "east"},
    )
    assert agg.sectors.tolist() == [("west", "A"), ("west", "B"), ("east", "A"), ("east", "B")]
    Z = np.asarray(t.Z)
    g = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3])
    S = np.zeros((4, 12))
    S[g, np.arange(12)] = 1
    np.testing.assert_allclose(agg.Z, S @ Z @ S.T)
    np.testing.assert_allclose(agg.x, S @ t.x)
    np.testing.assert_allclose(agg.f, S @ t.f)
    np.testing.assert_allclose(agg.employment, S @ t.employment.to_numpy())
    assert agg.Z.sum() == pytest.approx(Z.sum())
    assert "aggregated" in agg.diagnostics.codes()
    # a balanced table stays balanced
    assert agg.balance()["rel_gap"].abs().max() < 1e-12


def test_aggregate_full_labels_win_and_errors():
    t = mr_table(2, 2, 1)
    agg = aggregate(t, sectors={"s0": "x", "s1": "y", ("r1", "s1"): "x"})
    assert agg.sectors.tolist() == [("r0", "x"), ("r0", "y"), ("r1", "x")]
    with pytest.raises(InvalidTableError, match=r"no group for sector\(s\) \['s1'\]"):
        aggregate(t, sectors={"s0": "x"})
    with pytest.raises(InvalidTableError, match="no group for 1 region"):
        aggregate(t, regions={"r0": "x"})
    with pytest.raises(InvalidTableError, match="not in the table"):
        aggregate(t, sectors={"s0": "x", "s1": "x", "s9": "x"})
    with pytest.raises(InvalidTableError, match="only in a"):
        aggregate(IOTable.from_arrays([[1.0]], final_demand=[1.0]), regions={"a": "b"})
    frame = pd.DataFrame({"from": ["s0", "s1"], "to": ["x", "x"]})
    assert aggregate(t, sectors=frame).n == 2


def test_aggregate_unmapped_sector_is_named_once_with_the_typo():
    """A 3-region table whose concordance misspells one sector: the error names the sector
    (not its 3 (region, sector) labels) and the key that matched nothing."""
    t = mr_table(3, 2, 1)
    with pytest.raises(InvalidTableError) as info:
        aggregate(t, sectors={"s0": "x", "s_1": "y"})
    msg = str(info.value)
    assert "no group for sector(s) ['s1'] (3 (region, sector) labels)" in msg
    assert "names ['s_1'], not in the table" in msg
    assert "('r0', 's1')" not in msg
    with pytest.raises(
        InvalidTableError,
        match=r"region concordance names 1 region\(s\) not in the table: \['r9'\]",
    ):
        aggregate(t, regions={"r0": "a", "r1": "a", "r2": "b", "r9": "b"})


def test_aggregate_single_region_table(mb_table):
    agg = aggregate(mb_table, sectors={"agriculture": "all", "manufacturing": "all"})
    assert agg.Z.tolist() == [[950.0]]
    assert agg.x.tolist() == [3000.0]


# ---------------------------------------------------------------------------- pymrio


def test_region_labels_round_trip_through_a_wide_csv(tmp_path):
    from linkage.analysis.multiregional import join_region_labels, split_region_labels

    t = mr_table(2, 3, 9, employment=True)
    flat = join_region_labels(t)
    assert flat.sectors.tolist()[:2] == ["r0|s0", "r0|s1"]
    back = split_region_labels(flat)
    assert back.sectors.equals(t.sectors)
    np.testing.assert_allclose(back.Z, t.Z)
    np.testing.assert_allclose(back.x, t.x)
    np.testing.assert_allclose(back.employment, t.employment)
    pd.testing.assert_frame_equal(
        back.final_demand, t.final_demand, check_names=False, check_index_type=False
    )
    readers = pytest.importorskip("linkage.io.tables")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        readers.write_table(flat, tmp_path / "mr.csv")
        read = split_region_labels(readers.read_table(tmp_path / "mr.csv"))
    np.testing.assert_allclose(
        regional_linkages(read).to_numpy(), regional_linkages(t).to_numpy(), rtol=1e-9
    )
    with pytest.raises(InvalidTableError, match="no region separator"):
        split_region_labels(IOTable.from_arrays([[1.0]], final_demand=[1.0], sectors=["a"]))


@settings(max_examples=20, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(0, 1000),
    st.lists(st.integers(0, 2), min_size=4, max_size=4),
)
def test_aggregation_preserves_totals_and_balance(R, S, seed, groups):
    t = mr_table(R, S, seed)
    smap = {f"s{s}": f"g{groups[s]}" for s in range(S)}
    agg = aggregate(t, sectors=smap, regions={f"r{r}": "all" for r in range(R)})
    assert agg.n == len(set(smap.values()))
    assert float(np.asarray(agg.Z).sum()) == pytest.approx(float(np.asarray(t.Z).sum()))
    assert agg.x.sum() == pytest.approx(t.x.sum())
    assert agg.f.sum() == pytest.approx(t.f.sum())
    assert agg.balance()["rel_gap"].abs().max() < 1e-9


def test_relabelling_does_not_repeat_the_tables_warnings(recwarn):
    from linkage.analysis.multiregional import split_region_labels
    from linkage.errors import UnbalancedTableWarning

    with pytest.warns(UnbalancedTableWarning):
        t = IOTable.from_arrays(
            [[1.0, 2.0], [3.0, 4.0]],
            final_demand=[5.0, 6.0],
            value_added=[1.0, 1.0],
            sectors=["a|x", "b|x"],
        )
    recwarn.clear()
    split = split_region_labels(t)
    assert split.sectors.names == ["region", "sector"] or split.sectors.nlevels == 2
    assert not [w for w in recwarn if issubclass(w.category, UnbalancedTableWarning)]
