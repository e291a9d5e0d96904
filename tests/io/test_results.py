"""The CSV layouts of the result files (linkage.io.results): label columns first."""

import pandas as pd
from builders import mr_table, random_table

from linkage import IOTable, extraction, important_coefficients, regional_linkages
from linkage.io.results import coefficient_frame, sector_frame


def test_regional_linkages_flat_for_csv():
    out = sector_frame(regional_linkages(mr_table(2, 2, 0)))
    assert out.columns[:3].tolist() == ["sector", "region", "output_multiplier"]
    assert out["region"].tolist() == ["r0", "r0", "r1", "r1"]


def test_extraction_flat_for_csv():
    t0 = random_table(6, 2)
    sectors = pd.MultiIndex.from_product(
        [["r1", "r2"], ["a", "b", "c"]], names=["region", "sector"]
    )
    t = IOTable.from_arrays(t0.Z, final_demand=t0.f, value_added=t0.v, sectors=sectors)
    out = extraction(t)
    assert out.index.equals(sectors)
    flat = sector_frame(extraction(t))
    assert flat.columns[:2].tolist() == ["sector", "region"]
    assert flat["sector"].tolist() == ["a", "b", "c"] * 2
    single = sector_frame(extraction(random_table(3, 1)))
    assert single.columns[0] == "sector" and single["sector"].tolist() == ["s0", "s1", "s2"]


def test_important_coefficients_flat_for_csv():
    t0 = random_table(4, 6)
    idx = pd.MultiIndex.from_product([["r1", "r2"], ["a", "b"]], names=["region", "sector"])
    t = IOTable.from_arrays(t0.Z, final_demand=t0.f, sectors=idx)
    out = coefficient_frame(important_coefficients(t, 3), t.sectors)
    assert out.columns[:5].tolist() == [
        "rank",
        "supplier_region",
        "supplier",
        "buyer_region",
        "buyer",
    ]
    full = important_coefficients(t, 3)
    assert (
        list(zip(out["supplier_region"], out["supplier"], strict=True)) == full["supplier"].tolist()
    )
    plain = coefficient_frame(important_coefficients(t0, 2), t0.sectors)
    assert plain["supplier"].str.startswith("s").all()
