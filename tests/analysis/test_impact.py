"""Impacts of demand and supply shocks, footprints: against dense references, Miller &
Blair's closed model and invariants (x = L f, G = x̂⁻¹ L x̂)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, read_table
from linkage.analysis.footprints import footprints
from linkage.analysis.impact import HOUSEHOLDS, impact, impact_totals, supply_impact
from linkage.errors import InvalidTableError

SECTORS = ["agriculture", "manufacturing"]
# Miller & Blair (2009), Table 2.3 with households (section 2.5)
TABLE = IOTable.from_arrays(
    [[150, 500], [200, 100]],
    final_demand=pd.DataFrame(
        {"household consumption": [50, 400], "other": [300, 1300]}, index=SECTORS
    ),
    value_added=pd.DataFrame([[300, 500], [350, 900]], index=["wages", "surplus"], columns=SECTORS),
    employment=[20.0, 50.0],
    sectors=SECTORS,
)
ABAR = np.array([[0.15, 0.25, 0.05], [0.20, 0.05, 0.40], [0.30, 0.25, 0.05]])


def _wide(result, scenario=None):
    frame = result if scenario is None else result[result["scenario"] == scenario]
    return frame.pivot(index="sector", columns="measure", values="value")


def test_open_impact_is_l_times_the_shock_for_every_scenario():
    shock = pd.DataFrame({"a": [100.0, 0.0], "b": [-5.0, 60.0]}, index=SECTORS)
    r = impact(TABLE, shock)
    L = np.linalg.inv(np.eye(2) - TABLE.A)
    for name in shock:
        w = _wide(r, name).loc[SECTORS]
        dx = L @ shock[name].to_numpy()
        np.testing.assert_allclose(w["output"], dx, rtol=1e-13)
        np.testing.assert_allclose(w["income"], [0.3, 0.25] * dx, rtol=1e-13)
        np.testing.assert_allclose(w["employment"], [0.02, 0.025] * dx, rtol=1e-13)
        np.testing.assert_allclose(w["value_added"], [0.65, 0.7] * dx, rtol=1e-13)
    assert list(r.columns) == ["scenario", "sector", "measure", "value"]
    assert r.attrs["model"] == "open" and r.attrs["residual"] < 1e-12
    assert r.attrs["units"]["employment"] == "jobs"


def test_closed_impact_equals_the_textbook_closed_inverse():
    r = impact(
        TABLE, {"manufacturing": 100.0}, model="closed", household_own=50, household_income=1000
    )
    dxbar = np.linalg.inv(np.eye(3) - ABAR) @ [0.0, 100.0, 0.0]
    w = _wide(r)
    np.testing.assert_allclose(w.loc[SECTORS, "output"], dxbar[:2], rtol=1e-12)
    # Miller & Blair eq. (2.24): the third column of L̄ times 100, to four decimals
    np.testing.assert_allclose(dxbar, [42.53, 134.81, 48.90], atol=5e-3)
    totals = impact_totals(r)
    assert totals.loc["shock", "income"] == pytest.approx(dxbar[2], rel=1e-12)
    assert w.loc[HOUSEHOLDS, "income"] == pytest.approx(0.05 * dxbar[2], rel=1e-12)
    assert np.isnan(w.loc[HOUSEHOLDS, "output"])  # households produce no output row


def test_closed_model_needs_wages_and_household_consumption():
    t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    with pytest.raises(InvalidTableError, match="closed .* needs a wages row"):
        impact(t, {"S1": 1.0}, model="closed")


def test_what_is_unknown_is_said_not_zero_filled():
    t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    r = impact(t, {"S1": 1.0})
    assert "income" not in set(r["measure"]) and "employment" not in set(r["measure"])
    assert any("income" in n for n in r.attrs["notes"])
    assert any("employment" in n for n in r.attrs["notes"])


def test_satellite_accounts_become_measures_with_units():
    t = TABLE.with_satellites(
        pd.DataFrame(
            {"agriculture": [40.0, 7.0], "manufacturing": [10.0, 3.0]}, index=["co2", "water"]
        ),
        units={"co2": "kt", "water": "million m3"},
    )
    r = impact(t, {"agriculture": 10.0})
    w = _wide(r).loc[SECTORS]
    np.testing.assert_allclose(w["co2"], [0.04, 0.005] * w["output"].to_numpy(), rtol=1e-13)
    assert r.attrs["units"]["water"] == "million m3"


def test_bridged_spending_equals_the_shock_by_sector():
    bridge = pd.DataFrame(
        {
            "category": ["building", "building", "machines"],
            "sector": ["agriculture", "manufacturing", "manufacturing"],
            "share": [0.2, 0.8, 1.0],
        }
    )
    r = impact(TABLE, pd.Series({"building": 100.0, "machines": 50.0}, name="dak"), bridge=bridge)
    direct = impact(TABLE, pd.Series({"agriculture": 20.0, "manufacturing": 130.0}, name="dak"))
    pd.testing.assert_frame_equal(r, direct)


def test_ghosh_supply_impact_is_the_transposed_ghosh_inverse():
    L = np.linalg.inv(np.eye(2) - TABLE.A)
    x = TABLE.x
    G = np.diag(1 / x) @ L @ np.diag(x)
    dv = np.array([30.0, -10.0])
    r = supply_impact(TABLE, dict(zip(SECTORS, dv, strict=True)))
    np.testing.assert_allclose(_wide(r).loc[SECTORS, "output"], G.T @ dv, rtol=1e-13)
    assert "Ghosh" in r.attrs["caveat"]
    # invariant: the table's own primary inputs support exactly its output
    back = supply_impact(TABLE, dict(zip(SECTORS, TABLE.v, strict=True)))
    np.testing.assert_allclose(_wide(back).loc[SECTORS, "output"], x, rtol=1e-13)


def test_footprints_dense_and_consumption_equals_production():
    co2 = pd.DataFrame({"agriculture": [40.0], "manufacturing": [10.0]}, index=["co2"])
    fp = footprints(TABLE, co2)
    L = np.linalg.inv(np.eye(2) - TABLE.A)
    e = np.array([0.04, 0.005])
    mult = fp.query("measure == 'multiplier'")["value"].to_numpy()
    np.testing.assert_allclose(mult, e @ L, rtol=1e-13)
    cons = fp.query("measure == 'consumption' and category != 'total'")
    by_cat = cons.pivot(index="sector", columns="category", values="value").loc[SECTORS]
    np.testing.assert_allclose(by_cat["other"], (e @ L) * [300, 1300], rtol=1e-13)
    assert cons["value"].sum() == pytest.approx(50.0, rel=1e-12)
    assert abs(fp.attrs["gap"]["co2"]) < 1e-9


def test_footprints_use_the_table_employment_by_default():
    fp = footprints(TABLE)
    assert set(fp["account"]) == {"employment"}
    with pytest.raises(InvalidTableError, match="no satellite accounts"):
        footprints(IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[10, 10]))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 2**31 - 1))
def test_final_demand_of_the_table_reproduces_its_output(n, seed):
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.uniform(size=(n, n)) < 0.7)
    f = rng.uniform(1, 50, n)
    t = IOTable.from_arrays(Z, final_demand=f)
    r = impact(t, pd.Series(f, index=t.sectors, name="all"))
    np.testing.assert_allclose(_wide(r).loc[t.sectors, "output"], t.x, rtol=1e-10)
    # linearity: the sum of two scenarios is the impact of their sum
    g = rng.normal(size=n)
    both = impact(t, pd.DataFrame({"f": f, "g": g, "fg": f + g}, index=t.sectors))
    out = both[both.measure == "output"].pivot(index="sector", columns="scenario", values="value")
    np.testing.assert_allclose(out["fg"], out["f"] + out["g"], rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
def test_real_provincial_tables_against_a_dense_inverse(shared_data):
    (bps,) = (shared_data / "indonesia_prov17_2016").glob("*Sulawesi Selatan*.xlsx")
    for t in (read_table(bps), read_table(shared_data / "indonesia_34prov_icraf" / "JaTim")):
        rng = np.random.default_rng(7)
        shock = pd.DataFrame(rng.uniform(0, 1e5, (t.n, 2)), index=t.sectors, columns=["p", "q"])
        r = impact(t, shock)
        L = np.linalg.inv(np.eye(t.n) - t.A)
        for name in shock:
            w = _wide(r, name).loc[t.sectors]
            dx = L @ shock[name].to_numpy()
            np.testing.assert_allclose(w["output"], dx, rtol=1e-10)
            va = t.primary_inputs.drop(columns=[c for c in t.primary_inputs if "mpor" in c])
            np.testing.assert_allclose(w["value_added"], va.sum(axis=1) / t.x * dx, rtol=1e-10)
            if "income" in w:
                wages = t.primary_inputs["Upah dan gaji"].to_numpy()
                np.testing.assert_allclose(w["income"], wages / t.x * dx, rtol=1e-10)


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
def test_real_closed_model_against_a_dense_closed_inverse(shared_data):
    t = read_table(shared_data / "indonesia_34prov_icraf" / "JaTim")
    wages = t.primary_inputs["Upah dan gaji"].to_numpy()
    hh = t.final_demand["Konsumsi Rumah Tangga"].to_numpy()
    W = t.v.sum()  # households' income taken as all value added: the closed model is productive
    shock = pd.Series(1e5, index=t.sectors[:5], name="dak")
    r = impact(t, shock, model="closed", household_income=W)
    Abar = np.block([[t.A, (hh / W)[:, None]], [(wages / t.x)[None, :], np.zeros((1, 1))]])
    dxbar = np.linalg.solve(
        np.eye(t.n + 1) - Abar, np.r_[shock.reindex(t.sectors, fill_value=0), 0]
    )
    w = _wide(r).loc[t.sectors]
    np.testing.assert_allclose(w["output"], dxbar[:-1], rtol=1e-10)
    assert impact_totals(r).loc["dak", "income"] == pytest.approx(dxbar[-1], rel=1e-10)
    np.testing.assert_allclose(w["employment"].sum(), (t.employment / t.x) @ dxbar[:-1], rtol=1e-10)
