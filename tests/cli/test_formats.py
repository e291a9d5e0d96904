"""``--format csv|xlsx|parquet`` on every command that writes result files (issue 18).

Each command runs once per format on small inputs; the workbook's sheets and the parquet
files must hold the same columns and values as the CSV files.
"""

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage import IOTable, write_table
from linkage.cli import main
from linkage.io import data_path
from linkage.io import results as results_module

SENTRA = data_path("sentra")
SURVEY = ["--firms", str(SENTRA / "firms.csv"), "--transactions", str(SENTRA / "transactions.csv")]
TABLE_RESULTS = ["linkages", "multipliers"]
SURVEY_RESULTS = ["firms", "sentra", "communities"]
PAGES = {".html", ".png", ".svg"}


def write_inputs(d):
    """A Miller & Blair table with wages and households, a two-region table, a measure."""
    (d / "mb.csv").write_text(
        "sector,agriculture,manufacturing,Konsumsi Rumah Tangga,exports,total output\n"
        "agriculture,150,500,40,310,1000\n"
        "manufacturing,200,100,320,1380,2000\n"
        "Upah dan gaji,300,500,,,\n"
        "Surplus usaha,350,900,,,\n"
    )
    Z = np.array([[20, 10, 5, 2], [8, 30, 3, 6], [4, 2, 25, 12], [3, 7, 9, 40]], dtype=float)
    f = np.array([70.0, 80.0, 60.0, 90.0])
    x = Z.sum(axis=1) + f
    labels = ["north|farm", "north|mill", "south|farm", "south|mill"]
    two = IOTable.from_arrays(Z, final_demand=f, value_added=x - Z.sum(axis=0), sectors=labels)
    write_table(two, d / "two.csv")
    pd.DataFrame({"sector": ["agriculture", "manufacturing"], "output": [300, 150]}).to_csv(
        d / "region.csv", index=False
    )


#: command -> (arguments after the command, with {d} the input folder; result names)
COMMANDS = {
    "analyze": (
        ["analyze", "{d}/mb.csv", "--extraction", "--influence", "3"],
        [*TABLE_RESULTS, "extraction", "important_coefficients"],
    ),
    "analyze-by-region": (
        ["analyze", "{d}/two.csv", "--by-region", "--extraction"],
        [*TABLE_RESULTS, "extraction", "regional_linkages", "region_pairs"],
    ),
    "network": (
        ["network", *SURVEY, "--permutations", "19", "--no-html"],
        ["firms", "sector_table", "outside_parties", "sentra", "communities"],
    ),
    "regionalize": (
        ["regionalize", "{d}/mb.csv", "--regional", "{d}/region.csv"],
        ["regional_table", "lq"],
    ),
    "report": (["report", "{d}/mb.csv", *SURVEY], [*TABLE_RESULTS, *SURVEY_RESULTS]),
    "demo": (["demo"], [*TABLE_RESULTS, *SURVEY_RESULTS]),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    write_inputs(d)
    return d


_DONE = {}


def run_formats(command, inputs, factory):
    """format -> (output folder, console output) of ``command`` run once in each format."""
    if command not in _DONE:
        args, _ = COMMANDS[command]
        base = factory.mktemp(command)
        done = {}
        for fmt in ("csv", "xlsx", "parquet"):
            out = base / fmt
            argv = [a.format(d=inputs) for a in args] + ["--out", str(out), "--format", fmt]
            result = CliRunner().invoke(main, argv)
            assert result.exit_code == 0, result.output
            done[fmt] = (out, result.output)
        _DONE[command] = done
    return _DONE[command]


@pytest.fixture(scope="module", params=list(COMMANDS))
def runs(request, inputs, tmp_path_factory):
    """(command, result names, format -> (folder, console output)) of one command."""
    names = COMMANDS[request.param][1]
    return request.param, names, run_formats(request.param, inputs, tmp_path_factory)


def read_csv(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def read_workbook(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: workbook without a default style
        return pd.read_excel(
            path, sheet_name=None, engine="openpyxl", keep_default_na=False, na_values=[""]
        )


def test_each_format_writes_its_files_and_says_so(runs):
    command, names, done = runs
    expected = {
        "csv": {f"{n}.csv" for n in names},
        "xlsx": {"results.xlsx"},
        "parquet": {f"{n}.parquet" for n in names},
    }
    for fmt, (out, output) in done.items():
        data = {p.name for p in out.iterdir() if p.suffix not in PAGES}
        assert data == expected[fmt], fmt
        wrote = "\n".join(line for line in output.splitlines() if "wrote" in line)
        for name in expected[fmt]:
            assert name in wrote, (fmt, name)  # the "wrote ..." lines name the real files
        for other in {"csv", "xlsx", "parquet"} - {fmt}:
            assert f".{other}" not in wrote, (fmt, wrote)
    # the pages are the same whatever the format
    pages = [{p.name for p in out.iterdir() if p.suffix in PAGES} for out, _ in done.values()]
    assert pages[0] == pages[1] == pages[2]


def blank_as_missing(frame):
    """Empty text as missing: a CSV cannot tell them apart (parquet can)."""
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]
    return frame.assign(**{c: frame[c].replace("", np.nan) for c in text})


def test_xlsx_and_parquet_equal_the_csv(runs):
    command, names, done = runs
    csv_dir = done["csv"][0]
    sheets = read_workbook(done["xlsx"][0] / "results.xlsx")
    assert list(sheets) == ["README", *names]
    for name in names:
        expected = read_csv(csv_dir / f"{name}.csv")
        parquet = blank_as_missing(pd.read_parquet(done["parquet"][0] / f"{name}.parquet"))
        pd.testing.assert_frame_equal(parquet, expected, check_dtype=False, check_exact=True)
        pd.testing.assert_frame_equal(
            sheets[name], expected, check_dtype=False, check_exact=False, rtol=1e-12, atol=0
        )


def test_readme_describes_every_sheet_and_column(runs):
    command, names, done = runs
    sheets = read_workbook(done["xlsx"][0] / "results.xlsx")
    readme = sheets["README"].fillna("")
    assert set(readme["sheet"]) == set(names)
    for name in names:
        rows = readme[readme["sheet"] == name]
        assert rows["column"].tolist() == ["", *map(str, sheets[name].columns)]
        assert rows["meaning"].str.len().min() > 0
    assert "(not described)" not in readme["meaning"].tolist()


def test_numbers_are_numeric_cells(runs):
    command, names, done = runs
    book = openpyxl.load_workbook(done["xlsx"][0] / "results.xlsx", read_only=True)
    for name in names:
        frame = read_csv(done["csv"][0] / f"{name}.csv")
        numeric = [
            k
            for k, col in enumerate(frame.columns)
            if pd.api.types.is_numeric_dtype(frame[col])
            and not pd.api.types.is_bool_dtype(frame[col])
        ]
        assert numeric, name
        for row in book[name].iter_rows(min_row=2):
            for k in numeric:
                assert row[k].value is None or row[k].data_type == "n", (name, k, row[k].value)


@pytest.mark.parametrize("command", ["analyze", "analyze-by-region", "report", "network"])
def test_parquet_keeps_method_and_residual(command, inputs, tmp_path_factory):
    folder = run_formats(command, inputs, tmp_path_factory)["parquet"][0]
    name = "firms" if command == "network" else "linkages"
    attrs = pd.read_parquet(folder / f"{name}.parquet").attrs
    assert attrs["method"] in ("dense", "splu", "iterative") and attrs["residual"] < 1e-10
    if command == "network":
        communities = pd.read_parquet(folder / "communities.parquet").attrs
        assert communities["method"] == "leiden" and communities["seed"] == 0


# ------------------------------------------------------------------------ overwriting


def test_force_applies_to_the_files_of_the_chosen_format(inputs, tmp_path):
    out = tmp_path / "o"
    base = ["analyze", str(inputs / "mb.csv"), "--out", str(out)]
    runner = CliRunner()
    assert runner.invoke(main, [*base, "--format", "xlsx"]).exit_code == 0
    again = runner.invoke(main, [*base, "--format", "xlsx"])
    assert again.exit_code == 1 and "results.xlsx already exists" in again.output
    assert "--force" in again.output
    # the CSV files are not there yet: no --force needed for them
    assert runner.invoke(main, [*base, "--format", "csv"]).exit_code == 0
    assert runner.invoke(main, [*base, "--format", "parquet"]).exit_code == 0
    stale = runner.invoke(main, [*base, "--format", "parquet"])
    assert stale.exit_code == 1 and "linkages.parquet already exists" in stale.output
    assert runner.invoke(main, [*base, "--format", "parquet", "--force"]).exit_code == 0


def test_too_large_for_excel_is_one_line(inputs, tmp_path, monkeypatch):
    monkeypatch.setattr(results_module, "EXCEL_MAX_ROWS", 2)  # a header and one row
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main, ["analyze", str(inputs / "mb.csv"), "--out", str(out), "--format", "xlsx"]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--format parquet" in errors[0], result.output
    assert errors[0].startswith("error: linkages: 2 rows")
    assert not (out / "results.xlsx").exists()


def test_unknown_format_is_a_usage_error(inputs, tmp_path):
    result = CliRunner().invoke(main, ["analyze", str(inputs / "mb.csv"), "--format", "json"])
    assert result.exit_code == 2 and "'json' is not one of" in result.output


# ------------------------------------------------------- a newcomer's demo (item 6)


@pytest.fixture(scope="module")
def demo_csv(inputs, tmp_path_factory):
    return run_formats("demo", inputs, tmp_path_factory)["csv"]


def test_demo_rerun_says_how_to_overwrite(demo_csv):
    out, _ = demo_csv
    again = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert again.exit_code == 1
    assert "already exists; use --force to overwrite" in again.output
    assert "--out" in again.output


def test_demo_report_names_the_example_files_not_install_paths(demo_csv):
    out, output = demo_csv
    folder = str(data_path())
    for page in ("report.html", "network.html", "sectors.html"):
        assert folder not in (out / page).read_text(encoding="utf-8"), page
    assert folder not in output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "example_table.csv" in report
    assert "sentra/transactions.csv: 1 duplicate row(s)" in report
