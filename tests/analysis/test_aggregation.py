"""aggregate: sectors and regions summed with concordances, errors that name what is missing."""

import numpy as np
import pandas as pd
import pytest
from builders import mr_table
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable
from linkage.analysis.aggregation import aggregate
from linkage.errors import InvalidTableError


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
