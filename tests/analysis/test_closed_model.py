"""The closed model of Miller & Blair (2009), section 2.5, with the household-household cell,
and shocks bridged from a spending classification."""

import numpy as np
import pandas as pd
import pytest

from linkage import IOTable
from linkage.analysis.multipliers import multipliers
from linkage.analysis.shocks import bridge_shock, shock_frame
from linkage.errors import InvalidTableError

# Table 2.3 with households: wages 300 and 500, household consumption 50 and 400,
# households buying 50 of household labour, household income x_{n+1} = 1000.
SECTORS = ["agriculture", "manufacturing"]
TABLE = IOTable.from_arrays(
    [[150, 500], [200, 100]],
    final_demand=pd.DataFrame(
        {"household consumption": [50, 400], "other": [300, 1300]}, index=SECTORS
    ),
    value_added=pd.DataFrame([[300, 500], [350, 900]], index=["wages", "surplus"], columns=SECTORS),
    sectors=SECTORS,
)
# Miller & Blair (2009), eq. (2.24): (I - Ā)^-1 of the closed model, to four decimals
TEXTBOOK_LBAR = np.array(
    [[1.3651, 0.4253, 0.2509], [0.5273, 1.3481, 0.5954], [0.5698, 0.4890, 1.2885]]
)


def test_type_ii_reproduces_the_textbook_closed_model():
    m = multipliers(TABLE, household_own=50, household_income=1000)
    np.testing.assert_allclose(m["output_total"], TEXTBOOK_LBAR[:2, :2].sum(axis=0), atol=2e-4)
    np.testing.assert_allclose(m["income_total"], TEXTBOOK_LBAR[2, :2], atol=1e-4)
    Abar = np.array([[0.15, 0.25, 0.05], [0.20, 0.05, 0.40], [0.30, 0.25, 0.05]])
    Lbar = np.linalg.inv(np.eye(3) - Abar)
    np.testing.assert_allclose(m["output_total"], Lbar[:2, :2].sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(m["income_type_ii"], Lbar[2, :2] / [0.30, 0.25], rtol=1e-12)


def test_without_the_household_cell_type_ii_differs_from_the_textbook():
    m = multipliers(TABLE, household_income=1000)
    assert abs(m["output_total"].iloc[0] - TEXTBOOK_LBAR[:2, 0].sum()) > 1e-3


def test_bridge_splits_spending_and_checks_shares():
    bridge = pd.DataFrame(
        {"category": ["building", "building"], "sector": SECTORS, "share": [0.25, 0.75]}
    )
    shock = bridge_shock(pd.Series({"building": 100.0}, name="dak"), bridge, TABLE.sectors)
    assert shock["dak"].tolist() == [25.0, 75.0]
    with pytest.raises(InvalidTableError, match="sum to 1"):
        bridge_shock({"building": 1.0}, bridge.assign(share=[0.5, 0.6]), TABLE.sectors)
    with pytest.raises(InvalidTableError, match="not in the bridge"):
        bridge_shock({"machines": 1.0}, bridge, TABLE.sectors)


def test_shock_names_an_unknown_sector_and_its_closest_match():
    with pytest.raises(InvalidTableError, match="did you mean 'agriculture'"):
        shock_frame({"agricultur": 1.0}, TABLE.sectors)
    with pytest.raises(InvalidTableError, match="non-finite"):
        shock_frame({"agriculture": np.nan}, TABLE.sectors)
