"""Multi-regional linkages and spillover/feedback: by hand, against dense blocks, invariants."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from builders import mr_table
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, regional_linkages
from linkage.analysis.multiregional import spillover_feedback
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
