"""Structural decomposition (Dietzenbacher & Los 1998, average of the two polar forms)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, read_table
from linkage.analysis.decomposition import decompose
from linkage.errors import InvalidTableError

SECTORS = ["food", "textiles", "services"]
Z0 = np.array([[20.0, 10.0, 5.0], [4.0, 30.0, 6.0], [10.0, 12.0, 8.0]])
F0 = np.array([65.0, 60.0, 70.0])
Z1 = np.array([[24.0, 9.0, 7.0], [6.0, 36.0, 6.0], [14.0, 15.0, 12.0]])
F1 = np.array([70.0, 72.0, 85.0])


def _tables():
    t0 = IOTable.from_arrays(Z0, final_demand=F0, sectors=SECTORS)
    t1 = IOTable.from_arrays(Z1, final_demand=F1, sectors=SECTORS)
    return t0, t1


def test_three_sector_case_by_hand():
    t0, t1 = _tables()
    x0, x1 = Z0.sum(1) + F0, Z1.sum(1) + F1
    L0 = np.linalg.inv(np.eye(3) - Z0 / x0)
    L1 = np.linalg.inv(np.eye(3) - Z1 / x1)
    dL, df = L1 - L0, F1 - F0
    d = decompose(t0, t1, final_demand_split=True)
    np.testing.assert_allclose(d["delta_x"], x1 - x0, rtol=1e-13)
    np.testing.assert_allclose(d["technology"], 0.5 * (dL @ F0 + dL @ F1), rtol=1e-11)
    np.testing.assert_allclose(d["final_demand"], 0.5 * (L0 @ df + L1 @ df), rtol=1e-11)
    s0, s1 = F0.sum(), F1.sum()
    level = 0.5 * (L0 + L1) @ ((s1 - s0) * 0.5 * (F0 / s0 + F1 / s1))
    mix = 0.5 * (L0 + L1) @ (0.5 * (s0 + s1) * (F1 / s1 - F0 / s0))
    np.testing.assert_allclose(d["level"], level, rtol=1e-11)
    np.testing.assert_allclose(d["mix"], mix, rtol=1e-10, atol=1e-12)
    assert d.attrs["gap"] < 1e-9
    assert "deflate" in d.attrs["notes"][0]


def test_sectors_must_match_or_a_concordance_is_given():
    t0, _ = _tables()
    other = IOTable.from_arrays(Z1, final_demand=F1, sectors=["food", "garments", "services"])
    with pytest.raises(InvalidTableError, match="only in table1: \\['garments'\\]"):
        decompose(t0, other)
    common = {"food": "goods", "textiles": "goods", "garments": "goods", "services": "services"}
    d = decompose(t0, other, concordance=common)
    assert list(d.index) == ["goods", "services"]
    assert d.attrs["gap"] < 1e-9
    np.testing.assert_allclose(d["delta_x"].sum(), (Z1.sum() + F1.sum()) - (Z0.sum() + F0.sum()))
    with pytest.raises(InvalidTableError, match="no common sector .* table1: \\['garments'\\]"):
        decompose(t0, other, concordance={k: v for k, v in common.items() if k != "garments"})


def test_sector_order_does_not_matter():
    t0, t1 = _tables()
    order = [2, 0, 1]
    shuffled = IOTable.from_arrays(
        Z1[np.ix_(order, order)], final_demand=F1[order], sectors=[SECTORS[i] for i in order]
    )
    pd.testing.assert_frame_equal(decompose(t0, shuffled), decompose(t0, t1), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 8), st.integers(0, 2**31 - 1))
def test_effects_add_up_exactly(n, seed):
    rng = np.random.default_rng(seed)
    make = lambda: IOTable.from_arrays(  # noqa: E731
        rng.uniform(0, 10, (n, n)), final_demand=rng.uniform(1, 40, n)
    )
    d = decompose(make(), make(), final_demand_split=True)
    np.testing.assert_allclose(d["technology"] + d["final_demand"], d["delta_x"], atol=1e-9)
    np.testing.assert_allclose(d["level"] + d["mix"], d["final_demand"], atol=1e-9)


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
def test_two_real_provinces_add_up(shared_data):
    folder = shared_data / "indonesia_prov17_2016"
    (a,) = folder.glob("*Kepulauan Riau*.xlsx")
    (b,) = folder.glob("*Sulawesi Selatan*.xlsx")
    d = decompose(read_table(a), read_table(b), final_demand_split=True)
    scale = float(d["delta_x"].abs().max())
    assert d.attrs["gap"] <= 1e-9 * scale
    np.testing.assert_allclose(d["level"] + d["mix"], d["final_demand"], atol=1e-9 * scale)
