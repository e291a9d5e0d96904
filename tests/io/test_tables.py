"""Tests of linkage.read_table / write_table: wide, long and parquet layouts, Indonesian
numbers, error messages, round trips and the embedded example table."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, read_table, write_table
from linkage.errors import DataQualityWarning, InputFileError

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


def _quiet_read(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_table(*args, **kwargs)


# ----------------------------------------------------------------------------- wide CSV
def test_wide_csv_miller_blair(tmp_path):
    t = read_table(_write(tmp_path, "mb.csv", MB_WIDE))
    assert t.sectors.tolist() == ["agriculture", "manufacturing"]
    np.testing.assert_array_equal(t.Z, [[150, 500], [200, 100]])
    assert t.final_demand.columns.tolist() == ["households"]
    assert t.primary_inputs.columns.tolist() == ["value added"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    np.testing.assert_allclose(t.A, [[0.15, 0.25], [0.2, 0.05]])
    checks = [f.message for f in t.diagnostics if f.code == "total_check"]
    assert len(checks) == 2 and all("gap 0" in m for m in checks)


def test_totals_named_jumlah_are_checks_and_gaps_reported(tmp_path):
    text = (
        "Sektor,Pertanian,Industri,Jumlah permintaan antara,Konsumsi Rumah Tangga,Ekspor,"
        "Jumlah\n"
        "Pertanian,150,500,650,300,50,1000\n"
        "Industri,200,100,300,1700,0,2000\n"
        "Jumlah input antara,350,600,,,,\n"
        "Upah dan gaji,400,900,,,,\n"
        "Surplus usaha,250,500,,,,\n"
        "Jumlah input,1000,2010,,,,\n"  # published with a gap of 10 in Industri
    )
    with pytest.warns(DataQualityWarning, match="Jumlah input"):
        t = read_table(_write(tmp_path, "t.csv", text))
    assert t.final_demand.columns.tolist() == ["Konsumsi Rumah Tangga", "Ekspor"]
    assert t.primary_inputs.columns.tolist() == ["Upah dan gaji", "Surplus usaha"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    gap = [f for f in t.diagnostics if f.code == "total_check" and "Jumlah input'" in f.message]
    assert gap and gap[0].level == "warning" and "0.005" in gap[0].message


def test_unnamed_subtotal_row_is_found_by_value(tmp_path):
    # "Value Added" = wages + surplus: a subtotal without a total name (as in ABS tables)
    text = (
        "row_label,A,B,C,HH,Supply\n"
        "A,10,20,5,65,100\n"
        "B,30,40,10,120,200\n"
        "C,5,10,20,65,100\n"
        "Wages,30,80,40,0,0\n"
        "Surplus,25,50,25,0,0\n"
        "Value Added,55,130,65,0,0\n"
        "Production,100,200,100,0,0\n"
    )
    t = read_table(_write(tmp_path, "abs.csv", text))
    assert t.primary_inputs.columns.tolist() == ["Wages", "Surplus"]
    assert t.final_demand.columns.tolist() == ["HH"]
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    # with two sectors a sum could be a coincidence: only names decide
    two = "s,A,B,HH\nA,1,2,7\nB,3,4,13\nW,4,10,0\nS,2,4,0\nV,6,14,0\n"
    with pytest.warns(Warning):
        t2 = read_table(_write(tmp_path, "two.csv", two))
    assert t2.primary_inputs.columns.tolist() == ["W", "S", "V"]


def test_employment_row_and_compensation_row(tmp_path):
    text = (
        "sector,a,b,households\n"
        "a,1,2,7\n"
        "b,3,4,13\n"
        "Kompensasi tenaga kerja,6,14,\n"
        "Tenaga kerja,5,6,\n"
    )
    t = read_table(_write(tmp_path, "t.csv", text))
    assert t.primary_inputs.columns.tolist() == ["Kompensasi tenaga kerja"]
    assert t.employment.tolist() == [5.0, 6.0]
    assert "employment_row" in t.diagnostics.codes()


def test_sector_columns_in_other_order_are_matched_and_reported(tmp_path):
    text = "sector,b,a,hh\na,1,2,7\nb,3,4,13\nva,16,4,\n"
    with pytest.warns(DataQualityWarning, match="different order"):
        t = read_table(_write(tmp_path, "t.csv", text))
    np.testing.assert_array_equal(t.Z, [[2, 1], [4, 3]])
    np.testing.assert_array_equal(t.x, [10, 20])


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
def test_blank_sector_line_is_zeros_and_text_sector_line_is_an_error(tmp_path):
    t = read_table(_write(tmp_path, "z.csv", "sector,a,b,c,hh\na,1,,2,7\nb,,,,\nc,3,,4,13\n"))
    assert t.sectors.tolist() == ["a", "b", "c"]
    np.testing.assert_array_equal(t.Z, [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    msg = r"t\.csv, row 3, column 'a': sector row 'b' has no numbers"
    with pytest.raises(InputFileError, match=msg):
        read_table(_write(tmp_path, "t.csv", "sector,a,b,hh\na,1,2,7\nb,x,n/a,y\n"))


def test_code_rows_and_columns_before_the_sectors_are_not_data(tmp_path):
    text = (
        "Sektor,Kode,Pertanian,Industri,Konsumsi Rumah Tangga\n"
        ",,1,2,301\n"  # unlabelled code row
        "Pertanian,1,10,20,70\n"
        "Industri,2,30,40,130\n"
        "Upah dan gaji,,60,140,\n"
    )
    with pytest.warns(DataQualityWarning, match="not data"):
        t = read_table(_write(tmp_path, "k.csv", text))
    assert t.final_demand.columns.tolist() == ["Konsumsi Rumah Tangga"]
    np.testing.assert_array_equal(t.Z, [[10, 20], [30, 40]])
    assert {"skipped_header_rows", "skipped_header_columns"} <= t.diagnostics.codes()


def test_letter_codes_as_columns_and_code_name_rows(tmp_path):
    text = (
        "Uraian,A,B,C,3011\nA Pertanian,1,2,3,4\nB Pertambangan,1,2,3,4\n"
        "C Industri,1,2,3,4\n2090 Nilai tambah,7,4,1,\n"
    )
    t = read_table(_write(tmp_path, "abc.csv", text))
    assert t.sectors.tolist() == ["A Pertanian", "B Pertambangan", "C Industri"]
    assert t.final_demand.columns.tolist() == ["3011"]


def test_code_prefixed_row_labels_match_plain_column_labels(tmp_path):
    text = "x,Cleaning,Defence,HH\n7310 Cleaning,1,2,7\n7601 Defence,3,4,13\n"
    t = read_table(_write(tmp_path, "t.csv", text))
    assert t.sectors.tolist() == ["7310 Cleaning", "7601 Defence"]


def test_empty_and_note_rows_skipped_and_counted(tmp_path):
    text = "sector,a,b,hh\n\na,1,2,7\n,,,\nb,3,4,13\nva,6,14,\nSumber: BPS,,,\n"
    t = read_table(_write(tmp_path, "t.csv", text))
    assert t.n == 2
    assert t.diagnostics.count("skipped_empty_rows") == 2
    assert t.diagnostics.count("skipped_text_rows") == 1


# ----------------------------------------------------------------------------- numbers
ID_TEXT = (
    "Sektor;Pertanian;Industri;Konsumsi Rumah Tangga;Ekspor\n"
    "Pertanian;1.500,5;-;1.234.567,89;2,5\n"
    "Industri;200;100,25;;3.000\n"
    "Upah dan gaji;10;20;;\n"
)


@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
def test_indonesian_numbers_detected_and_counted(tmp_path):
    t = read_table(_write(tmp_path, "id.csv", ID_TEXT))
    np.testing.assert_array_equal(t.Z, [[1500.5, 0.0], [200.0, 100.25]])
    np.testing.assert_allclose(t.final_demand.to_numpy(), [[1234567.89, 2.5], [0.0, 3000.0]])
    d = t.diagnostics
    assert d.count("number_dash") == 1
    assert d.count("number_thousands") == 3  # 1.500,5  1.234.567,89  3.000
    assert d.count("number_decimal_comma") == 4
    assert d.count("number_empty") == 3  # one in final demand, two in the corner
    assert "number_format_ambiguous" not in d.codes()


def test_ambiguous_numbers_warn_and_option_decides(tmp_path):
    p = _write(tmp_path, "amb.csv", "Sektor;a;b;hh\na;1.234;2;3\nb;4;5;6\n")
    with pytest.warns(DataQualityWarning, match="ambiguous"):
        t = read_table(p)
    assert t.Z[0, 0] == 1234.0
    t2 = read_table(p, decimal=".", thousands="")
    assert t2.Z[0, 0] == 1.234


def test_english_thousands_and_quoted_cells(tmp_path):
    text = 'sector,a,b,hh\na,"1,500.5",2,"1,000"\nb,3,4,5\n'
    t = read_table(_write(tmp_path, "en.csv", text))
    assert t.Z[0, 0] == 1500.5 and t.final_demand.iloc[0, 0] == 1000.0


@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
def test_semicolon_file_with_explicit_options(tmp_path):
    t = read_table(_write(tmp_path, "id.csv", ID_TEXT), sep=";", decimal=",", thousands=".")
    assert t.final_demand.iloc[0, 0] == 1234567.89


# ----------------------------------------------------------------------------- errors
def test_error_names_file_row_column_and_value(tmp_path):
    p = _write(tmp_path, "bad.csv", "sector,a,b,hh\na,1,2,7\nb,3,abc,13\n")
    with pytest.raises(InputFileError) as e:
        read_table(p)
    msg = str(e.value)
    assert "bad.csv" in msg and "row 3" in msg and "'b'" in msg and "'abc'" in msg
    assert e.value.row == 3 and e.value.column == "b" and e.value.value == "abc"
    assert "\n" not in msg


def test_error_in_excel_names_the_spreadsheet_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tabel IO Kabupaten Contoh (Juta Rupiah)"])
    ws.append([])
    for row in (["Sektor", "a", "b", "hh"], ["a", 1, 2, 7], ["b", 3, "n/a?", 13]):
        ws.append(row)
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputFileError, match=r"bad\.xlsx.*row 5, column 'b'.*'n/a\?'"):
        read_table(tmp_path / "bad.xlsx")


def test_missing_file_duplicate_labels_and_unknown_format(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    p = _write(tmp_path, "dup.csv", "sector,a,b,hh\na,1,2,3\nb,1,2,3\na,1,1,1\n")
    with pytest.raises(
        InputFileError,
        match=r"dup\.csv.*'a' appears twice as a row \(row 2 and "
        r"row 4\)",
    ):
        read_table(p)
    p = _write(tmp_path, "dup2.csv", "sector,a,b,hh,hh\na,1,2,3,4\nb,1,2,3,4\n")
    with pytest.warns(DataQualityWarning, match="appears twice"):
        t = read_table(p)
    assert t.final_demand.columns.tolist() == ["hh", "hh (2)"]
    with pytest.raises(InputFileError, match="format must be one of"):
        read_table(p, format="xml")
    p = _write(tmp_path, "none.csv", "a,b\n1,2\n")
    with pytest.raises(InputFileError, match="no sector labels"):
        read_table(p)


# ----------------------------------------------------------------------------- Excel
def test_excel_sheet_with_title_rows_and_units(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["see next sheet"])
    ws = wb.create_sheet("io")
    ws.append([None, "Tabel Input-Output Kabupaten Contoh 2020 (Juta Rupiah)"])
    ws.append([])
    ws.append([None, "Sektor", "agriculture", "manufacturing", "households", "total output"])
    ws.append([None, "agriculture", 150, 500, 350, 1000])
    ws.append([None, "manufacturing", 200, 100, 1700, 2000])
    ws.append([None, "value added", 650, 1400])
    wb.save(tmp_path / "mb.xlsx")
    t = read_table(tmp_path / "mb.xlsx", sheet="io")
    np.testing.assert_array_equal(t.Z, [[150, 500], [200, 100]])
    # without sheet=: the first sheet that holds a table, reported
    t0 = read_table(tmp_path / "mb.xlsx")
    np.testing.assert_array_equal(t0.Z, t.Z)
    assert "'io'" in next(f.message for f in t0.diagnostics if f.code == "sheet_chosen")
    assert t.units.startswith("juta Rupiah")
    assert read_table(tmp_path / "mb.xlsx", sheet=1).n == 2
    with pytest.raises(InputFileError, match="no sheet named 'x'"):
        read_table(tmp_path / "mb.xlsx", sheet="x")


# ----------------------------------------------------------------------------- long layout
LONG = """from,to,value
agriculture,agriculture,150
agriculture,manufacturing,500
agriculture,households,350
manufacturing,agriculture,120
manufacturing,agriculture,80
manufacturing,manufacturing,100
manufacturing,households,1700
value added,agriculture,650
value added,manufacturing,1400
imports,households,55
"""


def test_long_csv_with_sidecar_file(tmp_path, mb_table):
    p = _write(tmp_path, "mb.csv", LONG)
    _write(
        tmp_path,
        "mb.sectors.csv",
        "label,kind\nagriculture,sector\nmanufacturing,sector\n"
        "households,final_demand\nvalue added,primary_input\nimports,primary_input\n",
    )
    t = read_table(p)
    np.testing.assert_array_equal(t.Z, mb_table.Z)
    np.testing.assert_array_equal(t.x, mb_table.x)
    assert t.diagnostics.count("summed_duplicates") == 1
    assert t.diagnostics.count("primary_final_block") == 1  # imports -> households


def test_long_csv_with_sector_list_and_errors(tmp_path):
    p = _write(tmp_path, "l.csv", LONG)
    t = read_table(p, sectors=["manufacturing", "agriculture"])
    assert t.sectors.tolist() == ["manufacturing", "agriculture"]
    assert t.Z[0, 1] == 200
    with pytest.raises(InputFileError, match="sidecar"):
        read_table(p)
    bad = _write(tmp_path, "b.csv", LONG.replace("500", "5x0"))
    with pytest.raises(InputFileError, match=r"b\.csv, row 3, column 'value'.*'5x0'"):
        read_table(bad, sectors=["agriculture", "manufacturing"])


def test_long_excel_sheet(tmp_path, mb_table):
    long = pd.read_csv(_write(tmp_path, "l.csv", LONG))
    long.to_excel(tmp_path / "l.xlsx", index=False)
    t = read_table(tmp_path / "l.xlsx", sectors=["agriculture", "manufacturing"])
    np.testing.assert_array_equal(t.Z, mb_table.Z)


def test_wide_with_explicit_sector_list(tmp_path):
    p = _write(tmp_path, "mb.csv", MB_WIDE)
    t = read_table(p, sectors=["manufacturing", "agriculture"])
    np.testing.assert_array_equal(t.Z, [[100, 200], [500, 150]])
    with pytest.raises(InputFileError, match="not found both as a row and as a column"):
        read_table(p, sectors=["mining"])


def test_long_employment_and_totals_by_kind(tmp_path):
    text = LONG + "jobs,agriculture,30\njobs,manufacturing,12\nagriculture,total,1000\n"
    p = _write(tmp_path, "e.csv", text)
    _write(
        tmp_path,
        "e_sectors.csv",
        "label,kind\nagriculture,sector\nmanufacturing,sector\njobs,employment\ntotal,total\n",
    )
    t = read_table(p)
    assert t.employment.tolist() == [30.0, 12.0]
    assert t.final_demand.columns.tolist() == ["households"]
    assert t.diagnostics.count("skipped_totals") == 1


def test_parquet_wide_and_long(tmp_path, mb_table):
    write_table(mb_table, tmp_path / "t.parquet")
    t = read_table(tmp_path / "t.parquet")
    np.testing.assert_array_equal(t.Z, mb_table.Z)
    long = pd.read_csv(_write(tmp_path, "l.csv", LONG))
    long.to_parquet(tmp_path / "l.parquet")
    t2 = read_table(tmp_path / "l.parquet", sectors=["agriculture", "manufacturing"])
    np.testing.assert_array_equal(t2.Z, mb_table.Z)


# ----------------------------------------------------------------------------- round trip
def _assert_same(a: IOTable, b: IOTable):
    assert a.sectors.tolist() == b.sectors.tolist()
    np.testing.assert_array_equal(a.Z, b.Z)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.final_demand.to_numpy(), b.final_demand.to_numpy())
    assert a.final_demand.columns.tolist() == b.final_demand.columns.tolist()
    np.testing.assert_array_equal(a.primary_inputs.to_numpy(), b.primary_inputs.to_numpy())
    assert a.primary_inputs.columns.tolist() == b.primary_inputs.columns.tolist()
    if a.employment is None:
        assert b.employment is None
    else:
        np.testing.assert_array_equal(a.employment.to_numpy(), b.employment.to_numpy())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_round_trip_example_table(tmp_path, suffix):
    from linkage.io.examples import load_example_table

    t = load_example_table()
    back = read_table(write_table(t, tmp_path / f"t{suffix}"))
    _assert_same(t, back)


def test_write_warns_about_labels_that_would_not_read_back(tmp_path):
    t = IOTable.from_arrays(
        [[1.0, 2], [3, 4]], final_demand=[[5.0], [6]], value_added=[[4.0, 7]], sectors=["a", "b"]
    )
    odd = IOTable.from_arrays(
        t.Z,
        final_demand=t.final_demand.set_axis(["Jumlah"], axis=1),
        value_added=t.value_added.set_axis(["Tenaga kerja"]),
    )
    with pytest.warns(DataQualityWarning, match="look like totals or employment"):
        write_table(odd, tmp_path / "odd.csv")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_long_layout(tmp_path, suffix):
    from linkage.io.examples import load_example_table

    t = load_example_table()
    p = write_table(t, tmp_path / f"long{suffix}", layout="long")
    assert (tmp_path / "long.sectors.csv").exists()
    _assert_same(t, read_table(p))


def test_long_layout_large_table_is_sparse(tmp_path):
    import scipy.sparse as sp

    n = 2500
    rng = np.random.default_rng(1)
    Z = sp.random_array((n, n), density=2e-3, random_state=rng, format="csr") * 100
    t = IOTable.from_arrays(
        Z, final_demand=rng.uniform(50, 60, n), value_added=[[1.0] * n], balance_rtol=np.inf
    )
    back = read_table(write_table(t, tmp_path / "big.csv", layout="long"), balance_rtol=np.inf)
    assert back.is_sparse
    assert (back.Z != t.Z).nnz == 0
    np.testing.assert_array_equal(back.x, t.x)


def test_write_refuses_to_overwrite_without_force(tmp_path, mb_table):
    p = write_table(mb_table, tmp_path / "t.csv")
    with pytest.raises(InputFileError, match="exists"):
        write_table(mb_table, p, force=False)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    scale=st.sampled_from([1e-3, 1.0, 1e6, 1e12]),
)
def test_round_trip_random_tables_exact(tmp_path_factory, n, seed, scale):
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 1, (n, n)) * scale / 3
    fd = rng.uniform(0, 1, (n, 2)) * scale
    fd[:, 1] -= scale / 10  # some negative final demand (inventory change)
    fd[:, 0] = np.abs(fd[:, 0]) + Z.sum(axis=1)
    va = rng.uniform(0, 1, (2, n)) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = IOTable.from_arrays(
            Z,
            final_demand=fd,
            value_added=va,
            employment=rng.integers(0, 1000, n),
            sectors=[f"sektor {i}, ke-{i}" for i in range(n)],
        )
        p = tmp_path_factory.mktemp("rt") / "t.csv"
        back = read_table(write_table(table, p))
    _assert_same(table, back)


# ----------------------------------------------------------------------------- example data
def test_example_table_is_balanced_and_documented():
    from linkage.io.examples import load_example_table

    t = load_example_table()
    assert 10 <= t.n <= 15
    for s in ("ceramics", "batik/textiles", "metal casting", "agriculture", "trade"):
        assert s in t.sectors
    assert "Upah dan gaji" in t.primary_inputs.columns
    assert "Konsumsi Rumah Tangga" in t.final_demand.columns
    assert t.employment is not None and t.employment.min() > 0
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    assert not t.diagnostics.warnings()
    assert (t.final_demand.to_numpy() >= 0).all() and (t.primary_inputs.to_numpy() >= 0).all()


def test_example_table_generator_is_deterministic(tmp_path):
    import importlib.util

    from linkage.io.examples import data_path

    spec = importlib.util.spec_from_file_location("met", data_path("make_example_table.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.write(tmp_path / "again.csv")
    assert out.read_bytes() == data_path("example_table.csv").read_bytes()


# ----------------------------------------------------------------------------- real: ABS
def test_abs_table_through_generic_reader(shared_data):
    p = shared_data / "australia_abs_2021_22_eiat" / "abs_2021_22_industry_flows_table5_ioig115.csv"
    t = read_table(p)
    assert t.n == 115
    assert len(t.final_demand.columns) == 7
    assert "Value Added" not in t.primary_inputs.columns  # a subtotal, found by value
    assert "Australian Production" not in t.primary_inputs.columns
    raw = pd.read_csv(p)
    np.testing.assert_allclose(t.x, raw["Total Supply"].iloc[:115].to_numpy())
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-4


def test_finland_alta_sheets_do_not_crash(shared_data):
    folder = shared_data / "finland_alta_regional_2014"
    for f in sorted(folder.glob("*.xlsx")):
        try:
            t = _quiet_read(f)
        except InputFileError as exc:
            assert f.name in str(exc)
        else:
            assert t.n > 0


# ----------------------------------------------------------------------------- unseen layouts
def test_total_named_row_and_column_are_never_a_sector(tmp_path):
    # "Jumlah" is both a row and a column (and twice a column, as BPS-style tables repeat it
    # under intermediate and final demand): a total, not a third sector
    text = (
        "Sektor,Pertanian,Industri,Jumlah,Rumah Tangga,Ekspor,Jumlah,Total Output\n"
        "Pertanian,150,500,650,300,50,350,1000\n"
        "Industri,200,100,300,1500,200,1700,2000\n"
        "Jumlah,350,600,950,1800,250,2050,3000\n"
        "Upah,400,900,,,,,\n"
        "Surplus,250,500,,,,,\n"
        "Total Input,1000,2000,,,,,\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        t = read_table(_write(tmp_path, "jumlah.csv", text))
    assert t.sectors.tolist() == ["Pertanian", "Industri"]
    assert t.final_demand.columns.tolist() == ["Rumah Tangga", "Ekspor"]
    assert t.primary_inputs.columns.tolist() == ["Upah", "Surplus"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    text2 = "x,a,b,hh,SUM\na,1,2,7,10\nb,3,4,13,20\nva,6,14,,\nSUM,10,20,,\n"
    t2 = read_table(_write(tmp_path, "sum.csv", text2))
    assert t2.sectors.tolist() == ["a", "b"]


def test_integer_row_codes_match_zero_padded_column_codes(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode", "001", "002", "003", "Konsumsi RT", "Total"])
    ws.append([1, 10, 20, 5, 65, 100])  # Excel keeps the row codes as numbers
    ws.append([2, 15, 30, 10, 145, 200])
    ws.append([3, 5, 10, 5, 30, 50])
    ws.append(["Upah", 40, 80, 20])
    ws.append(["Surplus", 30, 60, 10])
    wb.save(tmp_path / "codes.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        t = read_table(tmp_path / "codes.xlsx")
    assert t.n == 3
    np.testing.assert_array_equal(t.Z, [[10, 20, 5], [15, 30, 10], [5, 10, 5]])
    np.testing.assert_array_equal(t.x, [100, 200, 50])


def test_numbers_are_not_taken_for_labels_and_the_error_shows_the_labels(tmp_path):
    # a commodity-by-industry use table: rows C_.., columns I_..; equal numbers in a data
    # row and a data column must not pass for sector labels
    text = ",I_01,I_02,I_03,Hou\nC_01,0,0.5,2.25,3\nC_02,0.5,0,1.75,4\nC_03,2.25,0,0,5\nVA,3,7,1,\n"
    with pytest.raises(
        InputFileError, match=r"use\.csv: no sector labels .*'C_01', 'C_02'.*'I_01', 'I_02'"
    ):
        read_table(_write(tmp_path, "use.csv", text))


def test_second_employment_row_is_not_a_primary_input(tmp_path):
    # as in the ABS 19-sector table: FTE and head-count employment rows, both in persons
    text = (
        "sector,a,b,households,total output\n"
        "a,150,500,350,1000\n"
        "b,200,100,1700,2000\n"
        "value added,650,1400,,\n"
        "FTE Employment,4000,9000,,\n"
        "Total Employment,5000,12000,,\n"
    )
    with pytest.warns(DataQualityWarning, match="several employment rows"):
        t = read_table(_write(tmp_path, "emp.csv", text))
    assert t.primary_inputs.columns.tolist() == ["value added"]
    assert t.employment.tolist() == [4000.0, 9000.0]
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    assert "skipped" in next(f.message for f in t.diagnostics if f.code == "employment_rows")


def test_one_unnamed_final_demand_column(tmp_path):
    text = "sector,a,b,\na,150,500,350\nb,200,100,1700\nva,650,1400,\n"
    with pytest.warns(DataQualityWarning, match=r"column 4 has numbers but no header"):
        t = read_table(_write(tmp_path, "fd.csv", text))
    assert t.final_demand.columns.tolist() == ["final demand"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    # beside a total-output column it is still final demand; the total stays a check
    text = "sector,a,b,,total output\na,150,500,350,1000\nb,200,100,1700,2000\nva,650,1400,,\n"
    with pytest.warns(DataQualityWarning, match="no header"):
        t = read_table(_write(tmp_path, "fd2.csv", text))
    assert t.final_demand.columns.tolist() == ["final demand"]
    # two unnamed columns are called by their position
    text = "sector,a,b,,\na,150,500,300,50\nb,200,100,1700,0\nva,650,1400,,\n"
    with pytest.warns(DataQualityWarning, match="no header"):
        t = read_table(_write(tmp_path, "fd3.csv", text))
    assert t.final_demand.columns.tolist() == ["column 4", "column 5"]
    # an unlabelled row with numbers stays an error naming the cell
    with pytest.raises(InputFileError, match=r"row 4, column '2': row has numbers but no label"):
        read_table(_write(tmp_path, "r.csv", "sector,a,b,hh\na,1,2,7\nb,3,4,13\n,6,14,\n"))


def test_excel_style_semicolon_csv_with_title_notes_bom_and_crlf(tmp_path):
    # as a hand-trimmed Excel export in Indonesian locale: ';', decimal commas, thousands
    # dots, a BOM, CRLF, a title and a units line with fewer fields than the table, a
    # trailing empty column, a source note, negative inventory change
    lines = [
        "Tabel Input-Output Kabupaten Contoh 2020",
        "(Juta Rupiah)",
        "",
        "Sektor;Pertanian;Industri;Konsumsi RT;Perubahan Inventori;Total Output;",
        "Pertanian;1.234,5;2.500,25;5.300;-34,75;9.000;",
        "Industri;800;5.000;10.200,5;-0,5;16.000;",
        "Upah dan Gaji;3.000;4.000;;;;",
        "Surplus Usaha;3.965,5;4.499,75;;;;",
        "Jumlah Input;9.000;16.000;;;;",
        "Sumber: BPS, diolah",
    ]
    p = tmp_path / "id.csv"
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    t = read_table(p)
    assert t.sectors.tolist() == ["Pertanian", "Industri"]
    np.testing.assert_array_equal(t.Z, [[1234.5, 2500.25], [800, 5000]])
    assert t.final_demand["Perubahan Inventori"].tolist() == [-34.75, -0.5]
    np.testing.assert_array_equal(t.x, [9000, 16000])
    assert t.units == "juta Rupiah (million IDR)"


def test_utf16_tab_text_as_excel_saves_unicode_text(tmp_path):
    text = "sektor\tpertanian\tindustri\trumah tangga\r\npertanian\t150\t500\t350\r\n"
    text += "industri\t200\t100\t1700\r\nnilai tambah\t650\t1400\t\r\n"
    p = tmp_path / "io.txt"
    p.write_bytes(text.encode("utf-16"))
    t = read_table(p)
    assert t.sectors.tolist() == ["pertanian", "industri"]
    np.testing.assert_array_equal(t.x, [1000, 2000])


def test_workbook_with_a_text_suffix_is_a_clear_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["sector", "a"])
    wb.save(tmp_path / "t.csv")
    with pytest.raises(InputFileError, match=r"t\.csv: .*workbook.*\.xlsx"):
        read_table(tmp_path / "t.csv")
    (tmp_path / "t.ods").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(InputFileError, match=r"t\.ods: .*OpenDocument.*\.xlsx"):
        read_table(tmp_path / "t.ods")


def test_excel_formulas_without_saved_values_are_an_error(tmp_path):
    # a workbook written by a program (openpyxl, pandas) keeps formulas but no values:
    # read as empty they would silently be zeros
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["sector", "a", "b", "households"])
    ws.append(["a", 150, 500, 350])
    ws.append(["b", 200, 100, "=2000-300"])
    ws.append(["value added", 650, 1400])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(
        InputFileError, match=r"f\.xlsx.*row 3, column 'D'.*no saved value.*'=2000-300'"
    ):
        read_table(tmp_path / "f.xlsx")
    # the same workbook once Excel has saved the formula's value reads normally
    import zipfile

    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        parts = {m: z.read(m) for m in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<f>2000-300</f><v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<f>2000-300</f><v />", b"<f>2000-300</f><v>1700</v>")
    with zipfile.ZipFile(tmp_path / "saved.xlsx", "w") as z:
        for m, data in parts.items():
            z.writestr(m, data)
    t = read_table(tmp_path / "saved.xlsx")
    assert t.final_demand.iloc[1, 0] == 1700.0


def test_misspelt_sector_column_is_matched_to_its_row_with_a_warning(tmp_path):
    # "Industri Pengolahn" (column) vs "Industri Pengolahan" (row): read silently as a
    # final-demand column and a primary-input row, the table still balanced
    text = (
        "sektor,Pertanian,Industri Pengolahn,Jasa,Konsumsi Rumah Tangga,Ekspor,Total Output\n"
        "Pertanian,150,500,50,250,50,1000\n"
        "Industri Pengolahan,200,100,100,1400,200,2000\n"
        "Jasa,100,200,300,300,100,1000\n"
        "Upah dan gaji,300,600,300,,,\n"
        "Surplus usaha,250,600,250,,,\n"
    )
    with pytest.warns(DataQualityWarning, match=r"'Industri Pengolahan'.*'Industri Pengolahn'"):
        t = read_table(_write(tmp_path, "typo.csv", text))
    assert t.sectors.tolist() == ["Pertanian", "Industri Pengolahan", "Jasa"]
    assert t.final_demand.columns.tolist() == ["Konsumsi Rumah Tangga", "Ekspor"]
    np.testing.assert_array_equal(t.Z[1], [200, 100, 100])
    # similar names that are different lines stay apart: Impor (row) and Ekspor (column)
    t2 = read_table(
        _write(tmp_path, "ok.csv", "s,a,b,Ekspor\na,1,2,7\nb,3,4,13\nImpor,1,1,\nva,5,13,\n")
    )
    assert t2.primary_inputs.columns.tolist() == ["Impor", "va"]


def test_misspelt_label_in_long_layout_is_reported(tmp_path):
    text = (
        "from,to,value\nPertanian,Pertanian,150\nPertanian,Industri,500\nPertanain,Industri,20\n"
        "Pertanian,hh,350\nIndustri,Pertanian,200\nIndustri,hh,1700\nva,Pertanian,650\n"
        "va,Industri,1380\n"
    )
    _write(tmp_path, "l.sectors.csv", "sector\nPertanian\nIndustri\n")
    with pytest.warns(DataQualityWarning, match=r"'Pertanain' .*not a sector.*'Pertanian'"):
        read_table(_write(tmp_path, "l.csv", text))


def test_imports_row_and_column_are_not_a_sector(tmp_path):
    # competitive-import tables: an imports row and a (negative) imports column
    text = (
        "sector,agri,manu,households,exports,imports,total output\n"
        "agri,150,500,300,100,-50,1000\n"
        "manu,200,100,1700,300,-300,2000\n"
        "imports,50,300,,,,\n"
        "value added,600,1100,,,,\n"
    )
    t = read_table(_write(tmp_path, "imp.csv", text))
    assert t.sectors.tolist() == ["agri", "manu"]
    assert t.final_demand.columns.tolist() == ["households", "exports", "imports"]
    assert t.primary_inputs.columns.tolist() == ["imports", "value added"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    assert "not_a_sector" in t.diagnostics.codes()
    # named "Impor" with positive values (a supply column): the name alone decides
    text = text.replace("imports", "Impor").replace("-", "")
    t = _quiet_read(_write(tmp_path, "imp2.csv", text))
    assert t.sectors.tolist() == ["agri", "manu"]


def test_labels_right_of_numbering_and_code_columns(tmp_path):
    # title in column A, then No / Kode / Uraian columns, and a column-numbering row
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Tabel Input-Output Kota Contoh 2018 (Juta Rupiah)"
    ws.append([])
    ws.append([None, "No", "Kode", "Uraian", "Pertanian", "Industri", "Konsumsi RT", "Jumlah"])
    ws.append([None, "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
    ws.append([None, 1, "01", "Pertanian", 150, 500, 350, 1000])
    ws.append([None, 2, "02", "Industri", 200, 100, 1700, 2000])
    ws.append([None, 3, "201", "Upah dan Gaji", 300, 500])
    ws.append([None, 4, "202", "Surplus Usaha", 350, 900])
    wb.save(tmp_path / "off.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # numbering is expected there
        t = read_table(tmp_path / "off.xlsx")
    assert t.sectors.tolist() == ["Pertanian", "Industri"]
    assert t.primary_inputs.columns.tolist() == ["Upah dan Gaji", "Surplus Usaha"]
    np.testing.assert_array_equal(t.x, [1000, 2000])


def test_long_layout_sidecar_errors_say_what_to_do(tmp_path):
    p = _write(tmp_path, "flows.csv", "from,to,value\na,a,1\na,hh,2\nva,a,3\n")
    with pytest.raises(InputFileError, match=r"flows\.csv: .*put flows\.sectors\.csv beside it"):
        read_table(p)
    _write(tmp_path, "flows.sectors.csv", "sector\na\nb\na\n")
    with pytest.raises(InputFileError, match=r"flows\.csv: .*twice: \['a'\]"):
        read_table(p)


@pytest.mark.parametrize("total_output", [True, False])
def test_final_demand_given_as_one_total_column(tmp_path, total_output):
    # simplified kabupaten tables: final demand only as its total, "Permintaan Akhir"
    text = (
        "Sektor,Pertanian,Industri,Permintaan Akhir,Total Output\n"
        "Pertanian,150,500,350,1000\nIndustri,200,100,1700,2000\n"
        "Input Primer,650,1400,,\nTotal Input,1000,2000,,\n"
    )
    if not total_output:
        text = "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        t = read_table(_write(tmp_path, "pa.csv", text))
    assert t.final_demand.columns.tolist() == ["Permintaan Akhir"]
    assert t.primary_inputs.columns.tolist() == ["Input Primer"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    assert {"lone_total_used_column", "lone_total_used_row"} <= t.diagnostics.codes()


def test_oecd_style_prefixed_row_codes(tmp_path):
    # OECD IOTs: rows TTL_D01T02 ..., columns D01T02 ..., an IMPO column of negative
    # imports, accounting rows TXS_IMP_FNL, TXS_INT_FNL, TTL_INT_FNL (total), VALU, OUTPUT
    Z = np.array([[10.0, 20.0, 5.0], [15.0, 30.0, 10.0], [5.0, 10.0, 5.0]])
    F = np.array([[60.0, 20.0, -15.0], [150.0, 40.0, -45.0], [30.0, 5.0, -5.0]])
    x = Z.sum(1) + F.sum(1)
    tax_imp, tax_int = np.array([1.0, 2.0, 0.5]), np.array([2.0, 3.0, 1.0])
    va = x - Z.sum(0) - tax_imp - tax_int
    codes = ["D01T02", "D05T06", "D10T12"]
    lines = [",".join(["", *codes, "HFCE", "EXPO", "IMPO"])]
    lines += [",".join([f"TTL_{c}", *map(str, [*Z[i], *F[i]])]) for i, c in enumerate(codes)]
    for name, row in (
        ("TXS_IMP_FNL", tax_imp),
        ("TXS_INT_FNL", tax_int),
        ("TTL_INT_FNL", Z.sum(0) + tax_imp + tax_int),
        ("VALU", va),
        ("OUTPUT", x),
    ):
        lines.append(",".join([name, *map(str, row), "", "", ""]))
    t = read_table(_write(tmp_path, "DEU2018ttl.csv", "\n".join(lines) + "\n"))
    assert t.sectors.tolist() == ["TTL_D01T02", "TTL_D05T06", "TTL_D10T12"]
    np.testing.assert_array_equal(t.Z, Z)
    assert t.final_demand.columns.tolist() == ["HFCE", "EXPO", "IMPO"]
    assert t.primary_inputs.columns.tolist() == ["TXS_IMP_FNL", "TXS_INT_FNL", "VALU"]
    np.testing.assert_allclose(t.x, x)
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-12


def test_long_file_with_several_years_warns_about_summed_pairs(tmp_path):
    rows = ["year,from,to,value"]
    for year, k in ((2015, 1.0), (2016, 2.0)):
        rows += [f"{year},a,a,{k}", f"{year},a,hh,{5 * k}", f"{year},va,a,{5 * k}"]
    _write(tmp_path, "y.sectors.csv", "sector\na\n")
    with pytest.warns(DataQualityWarning, match=r"'year' has 2 values.*summed"):
        t = read_table(_write(tmp_path, "y.csv", "\n".join(rows) + "\n"))
    assert t.Z[0, 0] == 3.0
    frame = pd.DataFrame([r.split(",") for r in rows[1:]], columns=rows[0].split(","))
    frame["value"] = frame["value"].astype(float)
    frame.to_parquet(tmp_path / "y.parquet")
    with pytest.warns(DataQualityWarning, match=r"'year' has 2 values"):
        read_table(tmp_path / "y.parquet", sectors=["a"])


@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
def test_output_column_with_a_published_gap_is_still_a_total(tmp_path):
    # "Output" 0.5 % off the row sums (as published, rounded elsewhere): still the total
    text = (
        "sector,a,b,c,households,exports,Output\n"
        "a,150,500,50,250,50,1005\n"
        "b,200,100,100,1400,200,2010\n"
        "c,100,200,300,300,100,1005\n"
        "value added,550,1200,550,,,\n"
    )
    with pytest.warns(DataQualityWarning, match=r"'Output' is a total"):
        t = read_table(_write(tmp_path, "out.csv", text))
    assert t.final_demand.columns.tolist() == ["households", "exports"]
    np.testing.assert_array_equal(t.x, [1005, 2010, 1005])
    # under a name no rule knows, a column within 1 % of everything else is a total too
    t = _quiet_read(_write(tmp_path, "tuotos.csv", text.replace("Output", "Tuotos")))
    assert t.final_demand.columns.tolist() == ["households", "exports"]


@pytest.mark.parametrize(
    "title, units",
    [
        ("Tabel IO 2016 (Juta Rupiah)", "juta Rupiah (million IDR)"),
        ("Transaksi Domestik (dalam juta Rp)", "juta Rupiah (million IDR)"),
        ("Nilai dalam Rp. Juta", "juta Rupiah (million IDR)"),
        ("(Milyar Rupiah)", "miliar Rupiah (billion IDR)"),
        ("Input-output table 2019, million rupiah", "juta Rupiah (million IDR)"),
        ("Input-output table (millions of euros)", "million euros"),
        ("Table 5 ($ million)", "million $"),
        ("Input-output table 2019", ""),
    ],
)
def test_units_read_from_the_title(tmp_path, title, units):
    p = _write(tmp_path, "t.csv", f"{title}\n\n{MB_WIDE}")
    assert read_table(p).units == units


def test_real_tables_regressions(shared_data):
    # io_imp2014: a 'SUM' row and column became a 31st sector
    fin = shared_data / "finland_alta_regional_2014"
    t = _quiet_read(fin / "io_imp2014.xlsx")
    assert t.n == 30 and "SUM" not in t.sectors
    # ABS 19 sectors: 'Total Employment' was a primary input (column totals 10x output)
    abs19 = shared_data / "australia_abs_2021_22_eiat" / "eiat_national_19_sector.csv"
    t = _quiet_read(abs19)
    assert "Total Employment" not in t.primary_inputs.columns
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-6
    # the commodity-by-industry use table is refused with the labels shown
    with pytest.raises(InputFileError, match=r"'C_01'.*'I_01'"):
        read_table(fin / "use_dom2014_en.xlsx")
