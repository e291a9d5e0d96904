"""Result files as CSV, one Excel workbook or parquet: linkage.io.results.write_results."""

import json
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from builders import UNICODE, make_network

from linkage import IOTable, decompose, impact, write_table
from linkage.io import load_example_network, load_example_table
from linkage.io import results as results_module
from linkage.io.result_columns import COLUMNS, SHEETS, describe_column, readme_frame
from linkage.io.results import (
    WORKBOOK,
    result_files,
    sheet_names,
    table_frame,
    write_csv,
    write_results,
)
from linkage.pipeline import analyze_network, analyze_table
from linkage.pipeline.impact import DecompositionResults, ImpactResults
from linkage.pipeline.network import FIRM_EXTRACTION_FILE, NETWORK_FILES
from linkage.pipeline.regionalize import RegionalMeasures, regional_frames, regionalize_table
from linkage.pipeline.scenarios import network_scenario


def mixed_frame():
    """Text (hostile and non-ASCII), ints, floats with NaN and extremes, booleans."""
    frame = pd.DataFrame(
        {
            "sector": ["padi", UNICODE, "=SUM(A1)", "0012"],
            "n_firms": [1, 2, 3, 40],
            "output": [0.1, np.nan, 1e-300, 123456789.123456789],
            "share": [1 / 3, 2 / 3, 0.0, -0.0],
            "is_intermediary": [True, False, True, False],
        }
    )
    frame.attrs.update(method="dense", residual=1.5e-16, units="juta Rupiah")
    return frame


def mb_table():
    return IOTable.from_arrays(
        [[150.0, 500.0], [200.0, 100.0]],
        final_demand=[350.0, 1700.0],
        value_added=[650.0, 1400.0],
        sectors=["agriculture", "manufacturing"],
        units="juta Rupiah",
    )


def two_region_table():
    """A balanced table with (region, sector) labels: two regions of two sectors."""
    Z = np.array([[20, 10, 5, 2], [8, 30, 3, 6], [4, 2, 25, 12], [3, 7, 9, 40]], dtype=float)
    f = np.array([70.0, 80.0, 60.0, 90.0])
    x = Z.sum(axis=1) + f
    labels = [("north", "farm"), ("north", "mill"), ("south", "farm"), ("south", "mill")]
    idx = pd.MultiIndex.from_tuples(labels, names=["region", "sector"])
    return IOTable.from_arrays(Z, final_demand=f, value_added=x - Z.sum(axis=0), sectors=idx)


def read_csv(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"sector": str})


def test_csv_is_exactly_the_files_of_before(tmp_path):
    frame, table = mixed_frame(), mb_table()
    paths = write_results({"linkages.csv": frame, "sector_table.csv": table}, tmp_path, "csv")
    assert [p.name for p in paths] == ["linkages.csv", "sector_table.csv"]
    write_csv(frame, tmp_path / "before.csv")
    write_table(table, tmp_path / "before_table.csv")
    assert paths[0].read_bytes() == (tmp_path / "before.csv").read_bytes()
    assert paths[1].read_bytes() == (tmp_path / "before_table.csv").read_bytes()


def test_parquet_equals_the_csv_exactly_and_keeps_the_metadata(tmp_path):
    frames = {"linkages.csv": mixed_frame(), "sector_table.csv": mb_table()}
    write_results(frames, tmp_path, "csv")
    paths = write_results(frames, tmp_path, "parquet")
    assert [p.name for p in paths] == ["linkages.parquet", "sector_table.parquet"]
    for path in paths:
        got = pd.read_parquet(path)
        expected = read_csv(tmp_path / f"{path.stem}.csv")
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
    got = pd.read_parquet(paths[0])
    assert got.attrs == {"method": "dense", "residual": 1.5e-16, "units": "juta Rupiah"}
    meta = json.loads(pq.read_schema(paths[0]).metadata[b"linkage"])
    assert meta == {"method": "dense", "residual": 1.5e-16, "units": "juta Rupiah"}
    assert json.loads(pq.read_schema(paths[1]).metadata[b"linkage"])["units"] == "juta Rupiah"


def test_parquet_of_a_column_of_mixed_types_is_text(tmp_path):
    frame = pd.DataFrame({"firm_id": ["a", "b"], "kode": pd.Series([7, "7b"], dtype=object)})
    path = write_results({"firms.csv": frame}, tmp_path, "parquet")[0]
    assert pd.read_parquet(path)["kode"].tolist() == ["7", "7b"]


def test_workbook_equals_the_csv_with_numbers_as_numbers(tmp_path):
    frames = {"linkages.csv": mixed_frame(), "sector_table.csv": mb_table()}
    write_results(frames, tmp_path, "csv")
    (path,) = write_results(frames, tmp_path, "xlsx")
    assert path.name == WORKBOOK
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", dtype={"sector": str})
    assert list(sheets) == ["README", "linkages", "sector_table"]
    for name in ("linkages", "sector_table"):
        expected = read_csv(tmp_path / f"{name}.csv")
        pd.testing.assert_frame_equal(sheets[name], expected, check_dtype=False, rtol=1e-12)
    book = openpyxl.load_workbook(path)
    for name in ("linkages", "sector_table"):
        ws = book[name]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        frame = read_csv(tmp_path / f"{name}.csv")
        numeric = [k for k, col in enumerate(header) if pd.api.types.is_float_dtype(frame[col])]
        numeric += [k for k, col in enumerate(header) if pd.api.types.is_integer_dtype(frame[col])]
        assert numeric
        for row in ws.iter_rows(min_row=2):
            for k in numeric:
                assert row[k].value is None or row[k].data_type == "n", (name, row[k].value)
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABC")
    # the text that looks like a formula or a number stays text
    assert book["linkages"]["A4"].value == "=SUM(A1)" and book["linkages"]["A4"].data_type == "s"
    assert book["linkages"]["A5"].value == "0012"
    assert book["README"].freeze_panes == "A2"


def test_readme_lists_every_sheet_and_column(tmp_path):
    frames = {"linkages.csv": mixed_frame().drop(columns="is_intermediary")}
    frames["sector_table.csv"] = mb_table()
    (path,) = write_results(frames, tmp_path, "xlsx")
    readme = pd.read_excel(path, sheet_name="README", engine="openpyxl", keep_default_na=False)
    assert readme.columns.tolist() == ["sheet", "column", "meaning", "unit", "method"]
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.sheetnames[1:]:
        listed = readme.loc[readme["sheet"] == sheet, "column"].tolist()
        header = [c.value for c in next(book[sheet].iter_rows(max_row=1))]
        assert listed == ["", *header]
    head = readme[(readme["sheet"] == "linkages") & (readme["column"] == "")].iloc[0]
    assert "solver dense" in head["method"] and "1.5e-16" in head["method"]
    row = readme[(readme["sheet"] == "sector_table") & (readme["column"] == "agriculture")]
    assert row["unit"].tolist() == ["juta Rupiah"]
    assert "(not described)" in readme["meaning"].tolist()  # share and n_firms: no linkages


def test_too_many_rows_for_excel_is_one_line_that_suggests_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(results_module, "EXCEL_MAX_ROWS", 4)
    frames = {"linkages.csv": mixed_frame().head(3), "firms.csv": mixed_frame()}
    with pytest.raises(ValueError) as err:
        write_results(frames, tmp_path, "xlsx")
    message = str(err.value)
    assert "\n" not in message and message.startswith("firms: 4 rows")
    assert "--format parquet" in message
    assert not (tmp_path / WORKBOOK).exists()  # nothing half-written
    monkeypatch.setattr(results_module, "EXCEL_MAX_COLUMNS", 4)
    with pytest.raises(ValueError, match="5 columns do not fit"):
        write_results({"linkages.csv": mixed_frame().head(2)}, tmp_path, "xlsx")


def test_sheet_names_fit_excel():
    names = sheet_names(["a" * 40, "a" * 45, "README", "lq:[x]"])
    assert all(len(s) <= 31 for s in names.values())
    assert len(set(names.values())) == 4 and names["README"] != "README"
    assert names["lq:[x]"] == "lq__x_"


def test_long_result_names_in_a_workbook(tmp_path):
    long = "important_coefficients_of_the_whole_province"
    (path,) = write_results({f"{long}.csv": mixed_frame()}, tmp_path, "xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["README", long[:31]]
    assert sheets["README"]["sheet"].iloc[0] == long[:31]


def test_result_files_and_an_unknown_format():
    names = ["report.html", "linkages.csv", "key_sectors.png", "firms.csv"]
    assert result_files(names, "csv") == names
    assert result_files(names, "xlsx") == ["report.html", WORKBOOK, "key_sectors.png"]
    assert result_files(names, "parquet")[3] == "firms.parquet"
    with pytest.raises(ValueError, match="one of csv, xlsx, parquet"):
        result_files(names, "json")
    with pytest.raises(ValueError, match="got 'xls'"):
        write_results({}, ".", "xls")


def test_table_frame_is_the_wide_layout_of_write_table(tmp_path):
    t = load_example_table()
    write_table(t, tmp_path / "t.csv")
    expected = pd.read_csv(tmp_path / "t.csv")
    pd.testing.assert_frame_equal(table_frame(t), expected, check_exact=True)


# ------------------------------------------------------- the dictionary covers every result


@pytest.fixture(scope="module")
def all_results():
    """(name, frame) of every result the pipelines write, on several tables and surveys."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = []
        for table, by_region in ((two_region_table(), True), (load_example_table(), False)):
            r = analyze_table(table, "dense", extraction=True, influence=5, by_region=by_region)
            out += list(r.frames().items())
        for net in (load_example_network(), make_network()):
            r = analyze_network(net, sector_table=True, detection={"seed": 0}, extraction=True)
            out += list(r.frames((*NETWORK_FILES, FIRM_EXTRACTION_FILE)).items())
        t = load_example_table()
        regional = pd.Series(np.linspace(1.0, 2.0, t.n), index=t.sectors)
        res = regionalize_table(t, RegionalMeasures(regional, None, None, "r"), method="slq")
        out += list(regional_frames(res, "slq").items())
        shock = pd.Series({t.sectors[0]: 100.0}, name="plan")
        r = impact(t, shock, model="closed")
        out += list(ImpactResults(t, r, r.attrs["shock"]).frames().items())
        d = decompose(t, load_example_table(), final_demand_split=True)
        out += list(DecompositionResults(d, [], t.units).frames().items())
        scen = network_scenario(load_example_network(), "redirect", share=0.5)
        out += list(scen.frames().items())
    return [(name, table_frame(f) if isinstance(f, IOTable) else f) for name, f in out]


def test_every_column_of_every_result_is_described(all_results):
    seen = set()
    for file, frame in all_results:
        name = file.removesuffix(".csv")
        assert name in SHEETS
        for column in frame.columns:
            found = describe_column(name, str(column), frame)
            assert found is not None, f"{file}: column {column!r} has no meaning"
            meaning, unit, _ = found
            assert meaning and unit, (file, column)
        readme_frame({name: (name, frame)}, strict=True)  # no KeyError
        seen.add(name)
    assert seen == set(SHEETS)  # and no sheet in the dictionary is never written


def test_the_dictionary_has_no_unused_fixed_columns(all_results):
    written = {}
    for file, frame in all_results:
        written.setdefault(file.removesuffix(".csv"), set()).update(map(str, frame.columns))
    for name, columns in COLUMNS.items():
        unused = set(columns) - written[name]
        assert not unused, f"{name}: described but never written: {sorted(unused)}"


def test_readme_names_the_solver_or_the_method(all_results):
    frames = dict(all_results)
    readme = readme_frame({n: (n.removesuffix(".csv"), frames[n]) for n in ("lq.csv",)})
    assert readme["method"].iloc[0].endswith("docs/regional.md; method slq")
    lk = readme_frame({"linkages": ("linkages", frames["linkages.csv"])})["method"].iloc[0]
    assert "; solver dense; relative residual " in lk


def test_unknown_column_is_an_error_in_strict_mode():
    frame = pd.DataFrame({"sector": ["a"], "bl_totl": [1.0]})
    with pytest.raises(KeyError, match="'bl_totl' is not described"):
        readme_frame({"linkages": ("linkages", frame)}, strict=True)
    assert readme_frame({"linkages": ("linkages", frame)})["meaning"].iloc[2] == "(not described)"
