"""Tests of ``linkage impact`` and ``linkage decompose`` through click's CliRunner."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_cli_analyze import write_mb_csv

from linkage import IOTable, impact, read_table
from linkage.analysis.impact import IMPACT_COLUMNS
from linkage.cli import main
from linkage.io import write_table


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def mb(tmp_path):
    return write_mb_csv(tmp_path / "mb.csv")


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def one_line_error(result, *fragments):
    """Exit status 1, one line on stderr starting with 'error:', no traceback."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].lower().startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_impact_writes_the_tidy_file_of_miller_and_blair(tmp_path, runner, mb):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,plan,cut\nmanufacturing,600,0\nagriculture,0,-100\n")
    out = tmp_path / "out"
    result = run(runner, "impact", mb, "--shock", shock, "--out", out)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out / "impact.csv")
    assert list(got.columns) == IMPACT_COLUMNS
    assert list(pd.unique(got["scenario"])) == ["plan", "cut"]
    output = got[(got["scenario"] == "plan") & (got["measure"] == "output")]
    # Miller & Blair (2009) section 2.3: Δx = L Δf for Δf = (0, 600)
    np.testing.assert_allclose(output["value"], [198.02, 673.27], atol=5e-3)
    assert {"output", "value_added", "income"} <= set(got["measure"])
    assert "employment" not in set(got["measure"])  # unknown: said, not zero-filled
    assert "employment" in result.output and "plan" in result.output and "cut" in result.output
    # the file equals the Python API's frame
    table = read_table(mb)
    api = impact(
        table, pd.DataFrame({"plan": [0.0, 600.0], "cut": [-100.0, 0.0]}, index=table.sectors)
    )
    np.testing.assert_allclose(got["value"], api["value"], rtol=1e-12)
    rerun = run(runner, "impact", mb, "--shock", shock, "--out", out)
    one_line_error(rerun, "--force")
    assert run(runner, "impact", mb, "--shock", shock, "--out", out, "--force").exit_code == 0


def test_closed_model_induces_more_output(tmp_path, runner, mb):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,plan\nmanufacturing,600\n")
    open_, closed = tmp_path / "open", tmp_path / "closed"
    assert run(runner, "impact", mb, "--shock", shock, "--out", open_).exit_code == 0
    result = run(runner, "impact", mb, "--shock", shock, "--out", closed, "--closed")
    assert result.exit_code == 0, result.output
    assert "type II" in result.output
    a, b = pd.read_csv(open_ / "impact.csv"), pd.read_csv(closed / "impact.csv")
    out_a = a[a["measure"] == "output"]["value"].sum()
    out_b = b[b["measure"] == "output"]["value"].sum()
    assert out_b > out_a > 600
    assert "households" in set(b["sector"])  # income of the households' own row


def test_bridge_spreads_spending_over_sectors(tmp_path, runner, mb):
    spending = tmp_path / "dak.csv"
    spending.write_text("kategori;DAK\nbuilding;1.000\nmachines;500\n")
    bridge = tmp_path / "bridge.csv"
    bridge.write_text(
        "category,sector,share\nbuilding,manufacturing,60\nbuilding,agriculture,40\n"
        "machines,manufacturing,100\n"
    )
    direct = tmp_path / "direct.csv"
    direct.write_text("sector,DAK\nmanufacturing,1100\nagriculture,400\n")
    b, d = tmp_path / "b", tmp_path / "d"
    result = run(runner, "impact", mb, "--shock", spending, "--bridge", bridge, "--out", b)
    assert result.exit_code == 0, result.output
    assert "percent" in result.output  # shares summing to 100 are read as percent: said
    assert run(runner, "impact", mb, "--shock", direct, "--out", d).exit_code == 0
    pd.testing.assert_frame_equal(pd.read_csv(b / "impact.csv"), pd.read_csv(d / "impact.csv"))


def test_satellite_accounts_get_impacts_with_units(tmp_path, runner, mb):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,plan\nmanufacturing,600\n")
    sat = tmp_path / "sat.csv"
    sat.write_text("account,unit,agriculture,manufacturing\nCO2,kt,50,400\nwater,m3,900,100\n")
    out = tmp_path / "out"
    result = run(runner, "impact", mb, "--shock", shock, "--satellites", sat, "--out", out)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out / "impact.csv").set_index(["sector", "measure"])["value"]
    x = got.xs("output", level="measure")
    # CO2 = (s / x) Δx with x = (1000, 2000)
    np.testing.assert_allclose(got[("manufacturing", "CO2")], 400 / 2000 * x["manufacturing"])
    np.testing.assert_allclose(got[("agriculture", "water")], 900 / 1000 * x["agriculture"])
    assert "CO2" in result.output and "kt" in result.output


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("sector,plan\nmanufactoring,600\n", ["row 2", "'sector'", "did you mean 'manufacturing'"]),
        ("sector,plan\nmanufacturing,6o0\n", ["row 2", "'plan'", "not a number", "'6o0'"]),
        ("sector,plan\nmanufacturing,1\nmanufacturing,2\n", ["row 3", "repeated"]),
        ("sector,plan\n", ["no data rows"]),
        ("", ["empty"]),
        ("sector\nmanufacturing\n", ["no scenario column"]),
        ("sector,plan,plan\nagriculture,1,2\n", ["'plan' repeated"]),
    ],
)
def test_bad_shock_files_are_one_line_errors(tmp_path, runner, mb, content, fragments):
    shock = tmp_path / "shock.csv"
    shock.write_text(content)
    result = run(runner, "impact", mb, "--shock", shock, "--out", tmp_path / "out")
    line = one_line_error(result, *fragments)
    assert "shock.csv" in line
    assert not (tmp_path / "out" / "impact.csv").exists()


def test_bad_bridge_and_satellites_are_one_line_errors(tmp_path, runner, mb):
    spending = tmp_path / "dak.csv"
    spending.write_text("category,DAK\nbuilding,1000\n")
    bridge = tmp_path / "bridge.csv"
    bridge.write_text(
        "category,sector,share\nbuilding,manufacturing,0.5\nbuilding,agriculture,0.4\n"
    )
    result = run(runner, "impact", mb, "--shock", spending, "--bridge", bridge, "--out", tmp_path)
    one_line_error(result, "bridge.csv", "'building'", "sum to 0.9", "rows 2, 3")
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,plan\nmanufacturing,600\n")
    sat = tmp_path / "sat.csv"
    sat.write_text("account,agriculture\nCO2,50\n")
    result = run(runner, "impact", mb, "--shock", shock, "--satellites", sat, "--out", tmp_path)
    one_line_error(result, "sat.csv", "no column for 1 sector", "manufacturing")
    result = run(runner, "impact", mb, "--shock", tmp_path / "nope.csv", "--out", tmp_path)
    one_line_error(result, "nope.csv", "no such file")


def two_years(tmp_path):
    t0 = IOTable.from_arrays(
        [[150, 500], [200, 100]], final_demand=[350, 1700], sectors=["farm", "factory"]
    )
    t1 = IOTable.from_arrays(
        [[180, 520], [260, 100]], final_demand=[400, 1900], sectors=["farm", "factory"]
    )
    p0, p1 = tmp_path / "t2010.csv", tmp_path / "t2016.csv"
    write_table(t0, p0)
    write_table(t1, p1)
    return p0, p1


def test_decompose_writes_additive_effects(tmp_path, runner):
    p0, p1 = two_years(tmp_path)
    out = tmp_path / "dec"
    result = run(runner, "decompose", p0, p1, "--out", out, "--split-final-demand")
    assert result.exit_code == 0, result.output
    d = pd.read_csv(out / "decomposition.csv")
    assert list(d.columns)[:4] == ["sector", "delta_x", "technology", "final_demand"]
    np.testing.assert_allclose(d["delta_x"], [100.0, 260.0], atol=1e-9)
    np.testing.assert_allclose(d["technology"] + d["final_demand"], d["delta_x"], atol=1e-9)
    np.testing.assert_allclose(d["level"] + d["mix"], d["final_demand"], atol=1e-9)
    np.testing.assert_allclose(d["technology"], [-27.32, 20.99], atol=5e-3)
    assert "deflat" in result.output  # prices are the user's to deflate: said


def test_decompose_with_a_concordance_and_its_errors(tmp_path, runner):
    p0, p1 = two_years(tmp_path)
    conc = tmp_path / "conc.csv"
    conc.write_text("sector,common\nfarm,all\nfactory,all\n")
    out = tmp_path / "dec"
    result = run(runner, "decompose", p0, p1, "--concordance", conc, "--out", out)
    assert result.exit_code == 0, result.output
    d = pd.read_csv(out / "decomposition.csv")
    assert d["sector"].tolist() == ["all"] and d["delta_x"].iloc[0] == pytest.approx(360.0)
    conc.write_text("sector,common\nfarm,all\n")
    result = run(runner, "decompose", p0, p1, "--concordance", conc, "--out", out, "--force")
    one_line_error(result, "concordance", "factory")


def test_household_income_option_and_the_overspending_note(tmp_path, runner, mb):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,plan\nmanufacturing,600\n")
    out = tmp_path / "o"
    args = ["impact", mb, "--shock", shock, "--closed", "--out", out]
    result = run(runner, *args, "--household-income", 300, "--household-own", 20)
    assert result.exit_code == 0, result.output
    # household consumption 360 + own cell 20 out of an income of 300: said
    assert "households spend 1.27 times" in result.output
    table = read_table(mb)
    api = impact(
        table,
        pd.Series({"manufacturing": 600.0}, name="plan"),
        model="closed",
        household_income=300.0,
        household_own=20.0,
    )
    np.testing.assert_allclose(pd.read_csv(out / "impact.csv")["value"], api["value"], rtol=1e-12)
    plain = run(runner, *args, "--force")
    assert plain.exit_code == 0 and "households spend" not in plain.output


@pytest.mark.parametrize("command", ["impact", "decompose"])
def test_xlsx_and_parquet_results_equal_the_csv(tmp_path, runner, mb, command):
    if command == "impact":
        shock = tmp_path / "shock.csv"
        shock.write_text("sector,plan\nmanufacturing,600\n")
        args, name = ["impact", mb, "--shock", shock, "--closed"], "impact"
    else:
        args, name = ["decompose", *two_years(tmp_path), "--split-final-demand"], "decomposition"
    frames = {}
    for fmt in ("csv", "xlsx", "parquet"):
        result = run(runner, *args, "--out", tmp_path / fmt, "--format", fmt)
        assert result.exit_code == 0, result.output
        frames[fmt] = {
            "csv": lambda: pd.read_csv(tmp_path / "csv" / f"{name}.csv"),
            "xlsx": lambda: pd.read_excel(
                tmp_path / "xlsx" / "results.xlsx", sheet_name=name, engine="openpyxl"
            ),
            "parquet": lambda: pd.read_parquet(tmp_path / "parquet" / f"{name}.parquet"),
        }[fmt]()
    pd.testing.assert_frame_equal(frames["parquet"], frames["csv"])
    # Excel stores 100.0 as 100: read back as int64
    pd.testing.assert_frame_equal(frames["xlsx"], frames["csv"], rtol=1e-12, check_dtype=False)
    readme = pd.read_excel(
        tmp_path / "xlsx" / "results.xlsx", sheet_name="README", engine="openpyxl"
    )
    described = readme.loc[readme["sheet"] == name, "column"].dropna().tolist()
    assert set(frames["csv"].columns) <= set(described)
    assert "not described" not in readme.to_string()
