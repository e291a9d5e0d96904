"""Tests of linkage.read_table / write_table on the wide, long and parquet layouts."""

import numpy as np
import pandas as pd

from linkage import read_table, write_table

# Miller & Blair (2009) Table 2.3 in the wide layout, with totals that must be checks only.
MB_WIDE = """sector,agriculture,manufacturing,households,total output
agriculture,150,500,350,1000
manufacturing,200,100,1700,2000
value added,650,1400,,
total input,1000,2000,,
"""


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_wide_csv_miller_blair(tmp_path):
    t = read_table(_write(tmp_path, "mb.csv", MB_WIDE))
    assert t.sectors.tolist() == ["agriculture", "manufacturing"]
    np.testing.assert_array_equal(t.Z, [[150, 500], [200, 100]])
    assert t.final_demand.columns.tolist() == ["households"]
    assert t.primary_inputs.columns.tolist() == ["value added"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    np.testing.assert_allclose(t.A, [[0.15, 0.25], [0.2, 0.05]])
    assert "total_check" in t.diagnostics.codes()


def test_round_trip_csv(tmp_path, mb_table):
    p = write_table(mb_table, tmp_path / "t.csv")
    back = read_table(p)
    np.testing.assert_array_equal(back.Z, mb_table.Z)
    np.testing.assert_array_equal(back.x, mb_table.x)
    pd.testing.assert_frame_equal(back.final_demand, mb_table.final_demand, check_names=False)
