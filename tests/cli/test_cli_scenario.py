"""Tests of ``linkage scenario`` through click's CliRunner, on the example survey."""

import pandas as pd
import pytest
from click.testing import CliRunner

from linkage import read_table
from linkage.cli import main
from linkage.io.examples import data_path

SURVEY = [
    "--firms",
    data_path("sentra", "firms.csv"),
    "--transactions",
    data_path("sentra", "transactions.csv"),
    "--parties",
    data_path("sentra", "parties.csv"),
    "--cooperation",
    data_path("sentra", "cooperation.csv"),
]
FILES = ("scenario_linkages.csv", "sector_table_before.csv", "sector_table_after.csv")


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, ["scenario", *SURVEY, *[str(a) for a in args]])


def one_line_error(result, *fragments):
    """Exit status 1, one line on stderr starting with 'error:', no traceback."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_redirect_writes_the_tables_and_the_tidy_linkages(tmp_path, runner):
    result = run(runner, "--redirect", "0.5", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "redirected 50% of the trade of 10 intermediar(y/ies)" in result.stdout
    assert "key-sector classes: unchanged" in result.stdout
    for name in FILES:
        assert f"wrote {tmp_path / name}" in result.stdout
    tidy = pd.read_csv(tmp_path / "scenario_linkages.csv")
    assert tidy.columns.tolist() == ["sector", "measure", "before", "after", "change"]
    assert set(tidy["measure"]) >= {"total_output", "bl_total", "fl_total", "output_multiplier"}
    assert (tidy["change"] == 0).all()  # the pengepul sell only outside: Z and x stay
    before = read_table(tmp_path / "sector_table_before.csv")
    after = read_table(tmp_path / "sector_table_after.csv")
    moved = (
        before.final_demand["sales to intermediaries"]
        - after.final_demand["sales to intermediaries"]
    )
    assert (moved > 0).all()
    assert moved.sum() == pytest.approx(0.5 * 1_059_847_000)


def test_redirect_only_named_intermediaries(tmp_path, runner):
    result = run(runner, "--redirect", "1", "--intermediary", "PGP-JBG-1", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    # PGP-JBG-1 buys 87,052,000 and resells 76,259,000 of it: that part moves, at cost
    assert "of 1 intermediar(y/ies): 76,259,000 moved" in result.stdout
    before = read_table(tmp_path / "sector_table_before.csv").final_demand
    after = read_table(tmp_path / "sector_table_after.csv").final_demand
    moved = before["sales to intermediaries"] - after["sales to intermediaries"]
    assert moved.drop("metal casting").eq(0).all()
    assert moved["metal casting"] == pytest.approx(76_259_000)
    typo = run(runner, "--redirect", "1", "--intermediary", "PGP-JBG1", "--out", tmp_path / "x")
    one_line_error(typo, "intermediary 'PGP-JBG1' is not in the network", "did you mean")


def test_the_before_table_is_the_sector_table_of_linkage_network(tmp_path, runner):
    result = run(runner, "--remove", "PLR-01", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output
    net = runner.invoke(
        main, ["network", *map(str, SURVEY), "--out", str(tmp_path / "n"), "--no-html"]
    )
    assert net.exit_code == 0, net.output
    a = (tmp_path / "s" / "sector_table_before.csv").read_bytes()
    assert a == (tmp_path / "n" / "sector_table.csv").read_bytes()


def test_remove_changes_clay_and_says_what_went(tmp_path, runner):
    result = run(runner, "--remove", "PLR-01,JBG-03", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "removed firm 'PLR-01' (clay and sand quarrying): 8 transaction(s)" in result.stdout
    assert "removed firm 'JBG-03' (metal casting): 12 transaction(s)" in result.stdout
    tidy = pd.read_csv(tmp_path / "scenario_linkages.csv").set_index(["measure", "sector"])
    assert tidy.loc[("total_output", "clay and sand quarrying"), "change"] == -177_384_000
    assert tidy.loc[("total_output", "leather goods"), "change"] == 0
    assert tidy.loc[("output_multiplier", "ceramics"), "change"] != 0


def test_remove_an_unknown_firm_is_one_line_with_did_you_mean(tmp_path, runner):
    result = run(runner, "--remove", "PLR01", "--out", tmp_path)
    one_line_error(result, "firm 'PLR01' is not in the network", "did you mean 'PLR-01'")
    assert not any((tmp_path / name).exists() for name in FILES)


def write_added(tmp_path, value="30000000"):
    firm = tmp_path / "new_firm.csv"
    firm.write_text(
        "firm_id,sector,sentra,output\nJBG-99,metal casting,Jombang aluminium,90000000\n"
    )
    tx = tmp_path / "new_tx.csv"
    tx.write_text(
        f"supplier,buyer,value,channel\nJBG-01,JBG-99,{value},direct\n"
        "JBG-99,PGP-JBG-1,80000000,pengepul\n"
    )
    return firm, tx


def test_add_firm_from_files(tmp_path, runner):
    firm, tx = write_added(tmp_path)
    result = run(runner, "--add-firm", firm, "--add-transactions", tx, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "added firm 'JBG-99' (metal casting): 2 transaction(s)" in result.stdout
    tidy = pd.read_csv(tmp_path / "o" / "scenario_linkages.csv").set_index(["measure", "sector"])
    assert tidy.loc[("total_output", "metal casting"), "change"] == 90_000_000


def test_add_firm_with_a_negative_value_names_file_row_and_column(tmp_path, runner):
    firm, tx = write_added(tmp_path, value="-5")
    result = run(runner, "--add-firm", firm, "--add-transactions", tx, "--out", tmp_path / "o")
    one_line_error(result, str(tx), "row 2", "column 'value'")


def test_add_firm_with_an_unknown_id(tmp_path, runner):
    firm, tx = write_added(tmp_path)
    tx.write_text("supplier,buyer,value\nJBG-1,JBG-99,5\n")
    result = run(runner, "--add-firm", firm, "--add-transactions", tx, "--out", tmp_path / "o")
    one_line_error(result, "row 2", "column 'supplier'", "unknown id", "did you mean")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--redirect", "0.5", "--remove", "PLR-01"],
        ["--add-firm", "x.csv"],
        ["--redirect", "1.5"],
        ["--intermediary", "PGP-JBG-1"],
    ],
)
def test_usage_errors(tmp_path, runner, args):
    result = run(runner, *args, "--out", tmp_path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_existing_results_need_force_and_xlsx_has_a_readme(tmp_path, runner):
    assert run(runner, "--redirect", "0.2", "--out", tmp_path).exit_code == 0
    again = run(runner, "--redirect", "0.2", "--out", tmp_path)
    assert again.exit_code == 1 and "use --force" in again.stderr
    assert run(runner, "--redirect", "0.2", "--out", tmp_path, "--force").exit_code == 0
    xlsx = run(runner, "--remove", "TGL-01", "--out", tmp_path, "--format", "xlsx")
    assert xlsx.exit_code == 0, xlsx.output
    sheets = pd.read_excel(tmp_path / "results.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets) == [
        "README",
        "scenario_linkages",
        "sector_table_before",
        "sector_table_after",
    ]
    readme = sheets["README"]
    assert "(not described)" not in readme["meaning"].tolist()
    tidy = pd.read_csv(tmp_path / "scenario_linkages.csv")  # the csv of the first run
    assert len(sheets["scenario_linkages"]) == len(tidy)
