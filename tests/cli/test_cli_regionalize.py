"""`linkage regionalize` through click's CliRunner."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage import IOTable, read_table, write_table
from linkage.cli import main


@pytest.fixture
def files(tmp_path):
    t = IOTable.from_arrays(
        [[20.0, 40.0, 30.0], [40.0, 20.0, 40.0], [10.0, 60.0, 20.0]],
        final_demand=[110.0, 100.0, 110.0],
        value_added=[130.0, 80.0, 110.0],
        sectors=["agri", "manu", "serv"],
    )
    write_table(t, tmp_path / "national.csv")
    pd.DataFrame({"sector": ["agri", "manu", "serv"], "output": [30, 60, 10]}).to_csv(
        tmp_path / "region.csv", index=False
    )
    return t, tmp_path


def test_regionalize_csv(files):
    t, d = files
    out = d / "out"
    r = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "region.csv"),
            "--method",
            "flq",
            "--delta",
            "0.25",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "lambda = " in r.output and "slq" in r.output and str(out) in r.output
    reg = read_table(out / "regional_table.csv")
    np.testing.assert_allclose(reg.x, [30, 60, 10])
    assert (reg.A <= np.asarray(t.A) + 1e-12).all()
    lq = pd.read_csv(out / "lq.csv", index_col=0)
    assert lq.shape == (3, 3) and list(lq.columns) == ["agri", "manu", "serv"]
    # lambda printed = log2(1 + 100/600) ** 0.25
    assert f"{np.log2(7 / 6) ** 0.25:.6f}" in r.output

    again = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "region.csv"),
            "--out",
            str(out),
        ],
    )
    assert again.exit_code != 0 and "already exists; use --force" in again.output
    forced = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "region.csv"),
            "--method",
            "slq",
            "--out",
            str(out),
            "--force",
        ],
    )
    assert forced.exit_code == 0, forced.output


def test_regionalize_mapping_and_national(files):
    _, d = files
    pd.DataFrame({"table": ["agri", "manu", "serv"], "grdp": ["P", "S", "S"]}).to_csv(
        d / "map.csv", index=False
    )
    pd.DataFrame({"lu": ["P", "S"], "grdp": [3.0, 7.0]}).to_csv(d / "r.csv", index=False)
    pd.DataFrame({"lu": ["P", "S"], "grdp": [20.0, 30.0]}).to_csv(d / "n.csv", index=False)
    r = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "r.csv"),
            "--national",
            str(d / "n.csv"),
            "--measure",
            "grdp",
            "--mapping",
            str(d / "map.csv"),
            "--concordance",
            "aggregate",
            "--method",
            "cilq",
            "--out",
            str(d / "agg"),
        ],
    )
    assert r.exit_code == 0, r.output
    reg = read_table(d / "agg" / "regional_table.csv")
    assert list(reg.sectors) == ["P", "S"]
    # x_r = grdp_r * x_n / grdp_n with the aggregated national output (200, 400)
    np.testing.assert_allclose(reg.x, [3 * 200 / 20, 7 * 400 / 30])


@pytest.mark.parametrize(
    "args, bad_csv, message",
    [
        (["--delta", "1.5"], False, "--delta must be in [0, 1), got 1.5"),
        (["--method", "xlq"], False, "Invalid value for '--method'"),
        (["--lq", "xlq"], False, "Invalid value for '--lq'"),
        ([], True, "bad.csv, row 3, column 'output': not a number (value 'lots')"),
    ],
)
def test_regionalize_errors_are_one_line(files, args, bad_csv, message):
    _, d = files
    regional = d / "region.csv"
    if bad_csv:
        regional = d / "bad.csv"
        regional.write_text("sector,output\nagri,1\nmanu,lots\nserv,2\n")
    r = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(regional),
            "--out",
            str(d / "o"),
            *args,
        ],
    )
    assert r.exit_code != 0
    assert message in r.output
    assert "Traceback" not in r.output


def test_regionalize_needs_a_measure(files):
    _, d = files
    r = CliRunner().invoke(main, ["regionalize", str(d / "national.csv")])
    assert r.exit_code != 0 and "give --regional" in r.output


def test_regionalize_grdp_workbook(tmp_path, shared_data):
    folder = shared_data / "indonesia_prov17_2016"
    grdp = (
        folder / "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
    )
    table = folder / (
        "Tabel Input-Output Provinsi Papua Barat Transaksi Domestik Atas Dasar Harga Produsen "
        "(17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
    )
    if not (grdp.is_file() and table.is_file()):
        pytest.skip("Indonesian workbooks not present")
    r = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(table),
            "--grdp",
            str(grdp),
            "--district",
            "Manokwari",
            "--method",
            "aflq",
            "--out",
            str(tmp_path / "mkw"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Manokwari (9105)" in r.output and "Provinsi Papua Barat (9100)" in r.output
    assert "another province" not in r.output
    reg = read_table(tmp_path / "mkw" / "regional_table.csv")
    assert reg.n == 17 and reg.balance()["rel_gap"].abs().max() < 1e-6
    bad = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(table),
            "--grdp",
            str(grdp),
            "--district",
            "Atlantis",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert bad.exit_code == 1 and "error: no district named 'Atlantis'" in bad.output
    # a district of another province is an error naming both provinces and the option
    args = ["regionalize", str(table), "--grdp", str(grdp), "--district", "Kota Makassar"]
    other = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "mks")])
    assert other.exit_code == 1 and "Traceback" not in other.output
    (line,) = [x for x in other.output.splitlines() if x.startswith("error:")]
    assert "Kota Makassar (7371) is in Provinsi Sulawesi Selatan (7300)" in line
    assert "is of Provinsi Papua Barat (9100)" in line and "--allow-mismatch" in line
    assert not (tmp_path / "mks" / "regional_table.csv").exists()
    # with --allow-mismatch it runs and warns
    allowed = CliRunner().invoke(main, [*args, "--allow-mismatch", "--out", str(tmp_path / "mks2")])
    assert allowed.exit_code == 0, allowed.output
    warned = [x for x in allowed.output.splitlines() if x.startswith("warning:")]
    assert any("is of Provinsi Papua Barat" in x and "--allow-mismatch" in x for x in warned)
    assert read_table(tmp_path / "mks2" / "regional_table.csv").n == 17


def test_regionalize_semicolon_comma_decimals(files):
    """Indonesian exports: `;` separators, `,` decimals and `.` thousands."""
    _, d = files
    (d / "r_id.csv").write_text("sektor;output\nagri;30,0\nmanu;60,5\nserv;10\n")
    (d / "n_id.csv").write_text("sektor;output\nagri;200\nmanu;2.000,0\nserv;200\n")
    r = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "r_id.csv"),
            "--national",
            str(d / "n_id.csv"),
            "--method",
            "slq",
            "--out",
            str(d / "id"),
        ],
    )
    assert r.exit_code == 0, r.output
    lq = pd.read_csv(d / "id" / "lq.csv", index_col=0)
    # SLQ_manu = (60.5 / 100.5) / (2000 / 2400)
    assert lq.loc["manu", "agri"] == pytest.approx((60.5 / 100.5) / (2000 / 2400))


def _run(d, regional, *extra, national=None):
    args = ["regionalize", str(d / "national.csv"), "--regional", str(regional)]
    if national is not None:
        args += ["--national", str(national)]
    return CliRunner().invoke(main, [*args, "--out", str(d / "o"), "--force", *extra])


@pytest.mark.parametrize(
    "name, content, expected",
    [
        # one cell with two dots decides: '.' groups thousands in every cell of the file
        (
            "thousands.csv",
            "sektor;output\nagri;30.000\nmanu;1.060.000\nserv;10.000\n",
            [30000, 1060000, 10000],
        ),
        # BPS tables write '-' for zero
        ("dash.csv", "sektor;output\nagri;30\nmanu;-\nserv;10\n", [30, 0, 10]),
        # a trailing separator on every line (an empty third column)
        ("trailing.csv", "sector;output;\nagri;30;\nmanu;60;\nserv;10;\n", [30, 60, 10]),
        # no header row: the first row is data
        ("noheader.csv", "agri,30\nmanu,60\nserv,10\n", [30, 60, 10]),
        # a year as the value column's name is still a header
        ("year.csv", "sector,2016\nagri,30\nmanu,60\nserv,10\n", [30, 60, 10]),
        # a total row that adds up is dropped
        ("total.csv", "sector,output\nagri,30\nmanu,60\nserv,10\nJumlah,100\n", [30, 60, 10]),
        # blank lines and Windows line ends
        ("blank.csv", "sector,output\r\n\r\nagri,30\r\nmanu,60\r\n\r\nserv,10\r\n", [30, 60, 10]),
    ],
)
@pytest.mark.filterwarnings("ignore:1 sector.s. with zero total output")
def test_regionalize_reads_legitimate_measure_files(files, name, content, expected):
    _, d = files
    (d / name).write_text(content)
    national = None
    if max(expected) > 600:  # the table's output is 600 in all; give a larger reference
        national = d / "n_big.csv"
        national.write_text("sector,output\nagri,2000000\nmanu,2000000\nserv,2000000\n")
    r = _run(d, d / name, national=national)
    assert r.exit_code == 0, r.output
    reg = read_table(d / "o" / "regional_table.csv")
    np.testing.assert_allclose(reg.x, expected)


def test_regionalize_reads_excel_and_cp1252(files):
    _, d = files
    pd.DataFrame({"Lapangan Usaha": ["agri", "manu", "serv"], "PDRB": [30.0, 60.0, 10.0]}).to_excel(
        d / "r.xlsx", index=False
    )
    pd.DataFrame({"table": ["agri", "manu", "serv"], "grdp": ["P", "S", "S"]}).to_excel(
        d / "map.xlsx", index=False
    )
    r = _run(d, d / "r.xlsx")
    assert r.exit_code == 0, r.output
    np.testing.assert_allclose(read_table(d / "o" / "regional_table.csv").x, [30, 60, 10])
    (d / "p.csv").write_bytes("kategori;nilai (miliar)\nP;3\nS;7\n".encode("cp1252"))
    (d / "q.csv").write_bytes("sektor;nilai é\nagri;30\nmanu;60\nserv;10\n".encode("cp1252"))
    assert _run(d, d / "q.csv").exit_code == 0
    r = _run(d, d / "p.csv", "--mapping", str(d / "map.xlsx"), "--method", "slq")
    assert r.exit_code == 0, r.output
    np.testing.assert_allclose(read_table(d / "o" / "regional_table.csv").x, [3, 3.5, 3.5])


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "sector,output\nagri,30\nmanu,-5\nserv,10\n",
            "r.csv, row 3, column 'output': negative: a measure is zero or more (value '-5')",
        ),
        (
            "sector,output\nagri,30\nagri,60\nserv,10\n",
            "r.csv, row 3: sector 'agri' repeated (first at row 2)",
        ),
        (
            "sector,output\nagri,30\nmanu,\nserv,10\n",
            "r.csv, row 3, column 'output': no value for sector 'manu'",
        ),
        ("", "r.csv: measure file is empty"),
        ("sector,output\n", "r.csv: measure file has a header but no data rows"),
        (
            "sector,output\nagri,30\nmanu,60\n",
            "the sectors of r.csv and of the table differ: no value for 1 sector(s) of the "
            "table ['serv']",
        ),
        ("sector,output,x\nagri,30,1\n", "r.csv: measure file must have two columns"),
    ],
)
def test_regionalize_measure_file_errors_name_the_file(files, content, message):
    _, d = files
    (d / "r.csv").write_text(content)
    r = _run(d, d / "r.csv")
    assert r.exit_code == 1
    assert message in r.output
    assert "r.csv" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1, r.output


def test_regionalize_measure_without_national(files):
    _, d = files
    r = _run(d, d / "region.csv", "--measure", "grdp")
    assert r.exit_code == 2 and "--measure grdp needs --national" in r.output
    r = _run(d, d / "region.csv", "--measure", "employment")
    assert r.exit_code == 2 and "the table has no employment row" in r.output


def test_regionalize_measure_sheet_by_suffix(files):
    """FILE.xlsx#SHEET picks a sheet of a measure workbook (one sheet per year is common);
    without it the first sheet is read and the note says how to choose."""
    _, d = files
    with pd.ExcelWriter(d / "grdp.xlsx") as w:
        pd.DataFrame({"sector": ["agri", "manu", "serv"], "v": [1, 2, 3]}).to_excel(
            w, sheet_name="2015", index=False
        )
        pd.DataFrame({"sector": ["agri", "manu", "serv"], "v": [30, 60, 10]}).to_excel(
            w, sheet_name="2016", index=False
        )
    r = _run(d, f"{d / 'grdp.xlsx'}#2016")
    assert r.exit_code == 0, r.output
    np.testing.assert_allclose(read_table(d / "o" / "regional_table.csv").x, [30, 60, 10])
    r = _run(d, d / "grdp.xlsx")
    assert r.exit_code == 0, r.output
    assert "note: grdp.xlsx: read the first sheet '2015' of 2" in r.output
    assert "grdp.xlsx#SHEET" in r.output and "note: info:" not in r.output
    r = _run(d, f"{d / 'grdp.xlsx'}#2017")
    assert r.exit_code == 1 and "no sheet named '2017'" in r.output


def test_lq_is_the_new_name_of_method(files):
    """--method named the solver in analyze; in regionalize it is now --lq (old name hidden)."""
    _, d = files
    new = _run(d, d / "region.csv", "--lq", "slq")
    assert new.exit_code == 0, new.output
    lq_new = (d / "o" / "lq.csv").read_text()
    old = _run(d, d / "region.csv", "--method", "slq")
    assert old.exit_code == 0, old.output
    assert "warning: --method is the old name of --lq" in old.output
    assert (d / "o" / "lq.csv").read_text() == lq_new
    assert "SLQ: lambda not used" in new.output
    assert _run(d, d / "region.csv", "--method", "slq", "--lq", "flq").exit_code == 2
    help_text = CliRunner().invoke(main, ["regionalize", "--help"]).output
    assert "--lq" in help_text and "--method" not in help_text


def test_sheet_by_position_as_in_analyze(files):
    t, d = files
    with pd.ExcelWriter(d / "book.xlsx") as xl:
        pd.DataFrame({"note": ["not a table"]}).to_excel(xl, sheet_name="notes", index=False)
        pd.read_csv(d / "national.csv").to_excel(xl, sheet_name="table", index=False)
    args = ["regionalize", str(d / "book.xlsx"), "--regional", str(d / "region.csv"), "--force"]
    by_name = CliRunner().invoke(main, [*args, "--sheet", "table", "--out", str(d / "a")])
    by_position = CliRunner().invoke(main, [*args, "--sheet", "1", "--out", str(d / "b")])
    assert by_name.exit_code == 0 and by_position.exit_code == 0, by_position.output
    assert (d / "a" / "lq.csv").read_text() == (d / "b" / "lq.csv").read_text()


@pytest.mark.parametrize(
    "typed, suggested",
    [("Kota Makasar", "'Kota Makassar' (7371)"), ("Kab. Bantaen", "'Bantaeng' (7303)")],
)
def test_misspelt_district_gets_a_did_you_mean(tmp_path, shared_data, typed, suggested):
    folder = shared_data / "indonesia_prov17_2016"
    grdp = (
        folder / "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
    )
    table = folder / (
        "Tabel Input-Output Provinsi Sulawesi Selatan Transaksi Domestik Atas Dasar Harga "
        "Produsen (17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
    )
    if not (grdp.is_file() and table.is_file()):
        pytest.skip("Indonesian workbooks not present")
    args = ["regionalize", str(table), "--grdp", str(grdp), "--out", str(tmp_path / "o")]
    r = CliRunner().invoke(main, [*args, "--district", typed])
    assert r.exit_code == 1 and "Traceback" not in r.output
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: no district named {typed!r} in the GRDP workbook; did you mean {suggested}?"
    ]


def _grdp_and_table(shared_data, province):
    folder = shared_data / "indonesia_prov17_2016"
    grdp = (
        folder / "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
    )
    table = folder / (
        f"Tabel Input-Output Provinsi {province} Transaksi Domestik Atas Dasar Harga "
        "Produsen (17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
    )
    if not (grdp.is_file() and table.is_file()):
        pytest.skip("Indonesian workbooks not present")
    return grdp, table


def test_table_named_for_another_province_is_an_error(tmp_path, shared_data):
    """A synthetic file: the Papua Barat table saved under a Jawa Timur name."""
    grdp, table = _grdp_and_table(shared_data, "Papua Barat")
    renamed = tmp_path / "Tabel IO Provinsi Jawa Timur 2016.csv"
    write_table(read_table(table), renamed)
    args = ["regionalize", str(renamed), "--grdp", str(grdp), "--district", "Manokwari"]
    r = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "Manokwari (9105) is in Provinsi Papua Barat (9100)" in r.output
    assert "is of Provinsi Jawa Timur (3500)" in r.output and "--allow-mismatch" in r.output
    ok = CliRunner().invoke(main, [*args, "--allow-mismatch", "--out", str(tmp_path / "b")])
    assert ok.exit_code == 0, ok.output
    assert "warning: district Manokwari (9105)" in ok.output
    # the same file under a neutral name runs without a word about provinces
    neutral = tmp_path / "papua_barat_copy.csv"
    neutral.write_bytes(renamed.read_bytes())
    plain = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(neutral),
            "--grdp",
            str(grdp),
            "--district",
            "Manokwari",
            "--out",
            str(tmp_path / "c"),
        ],
    )
    assert plain.exit_code == 0 and "--allow-mismatch" not in plain.output, plain.output


def test_grdp_industry_the_table_lacks_is_an_error(tmp_path, shared_data):
    """The real Kepulauan Riau table without its last industry (Jasa Lainnya, RSTU)."""
    grdp, table = _grdp_and_table(shared_data, "Kepulauan Riau")
    t = read_table(table)
    keep = list(t.sectors[:-1])
    Z = pd.DataFrame(np.asarray(t.Z), index=t.sectors, columns=t.sectors).loc[keep, keep]
    fd = t.final_demand.loc[keep]
    short = IOTable.from_arrays(Z, final_demand=fd, total_output=t.x[:-1], sectors=keep)
    path = tmp_path / "Tabel IO Provinsi Kepulauan Riau 16 sektor.csv"
    write_table(short, path)
    args = ["regionalize", str(path), "--grdp", str(grdp), "--district", "Kota Batam"]
    r = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    (line,) = [x for x in r.output.splitlines() if x.startswith("error:")]
    assert "the sectors of the GRDP of Kota Batam and of the table differ" in line
    assert "['RSTU']" in line and "--allow-mismatch" in line
    ok = CliRunner().invoke(main, [*args, "--allow-mismatch", "--out", str(tmp_path / "b")])
    assert ok.exit_code == 0, ok.output
    warned = [x for x in ok.output.splitlines() if x.startswith("warning: the sectors of")]
    assert len(warned) == 2 and all("left out" in x for x in warned)  # district and province
    assert read_table(tmp_path / "b" / "regional_table.csv").n == 16


def test_measure_file_sectors_that_differ_are_an_error(files):
    _, d = files
    pd.DataFrame({"sector": ["agri", "manu", "mining"], "output": [30, 60, 5]}).to_csv(
        d / "odd.csv", index=False
    )
    args = ["regionalize", str(d / "national.csv"), "--regional", str(d / "odd.csv")]
    r = CliRunner().invoke(main, [*args, "--out", str(d / "a")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    (line,) = [x for x in r.output.splitlines() if x.startswith("error:")]
    assert "the sectors of odd.csv and of the table differ" in line
    assert "['serv']" in line and "['mining']" in line and "--allow-mismatch" in line
    ok = CliRunner().invoke(main, [*args, "--allow-mismatch", "--out", str(d / "b")])
    assert ok.exit_code == 0, ok.output
    assert (
        "warning: the sectors of odd.csv" in ok.output and "5.26% of odd.csv"
    )  # 5 of 95 in ok.output
    reg = read_table(d / "b" / "regional_table.csv")
    np.testing.assert_allclose(reg.x, [30, 60, 0])
    # a sector the table lacks with the value 0 is no difference (left out, as before)
    pd.DataFrame({"sector": ["agri", "manu", "serv", "mining"], "output": [30, 60, 10, 0]}).to_csv(
        d / "zero.csv", index=False
    )
    zero = CliRunner().invoke(
        main,
        [
            "regionalize",
            str(d / "national.csv"),
            "--regional",
            str(d / "zero.csv"),
            "--out",
            str(d / "c"),
        ],
    )
    assert zero.exit_code == 0 and "warning: the sectors" not in zero.output, zero.output


@pytest.fixture
def total_files(tmp_path):
    """A total-transaction table (imports inside the flows, an 'Impor' column subtracted),
    its import matrix, and the domestic table they make, written as CSV files."""
    Zd = np.array([[20.0, 40.0, 30.0], [40.0, 20.0, 40.0], [10.0, 60.0, 20.0]])
    M = np.array([[5.0, 10.0, 0.0], [10.0, 5.0, 20.0], [0.0, 10.0, 5.0]])
    hh, exports, hh_imports = np.array([80.0, 60.0, 90.0]), np.array([30.0, 40.0, 20.0]), 8.0
    x = Zd.sum(axis=1) + hh + exports
    va = x - Zd.sum(axis=0) - M.sum(axis=0)
    sectors = ["agri", "manu", "serv"]
    total = pd.DataFrame(Zd + M, index=sectors, columns=sectors)
    total["households"] = hh + np.array([hh_imports, 0.0, 0.0])
    total["exports"] = exports
    total["Impor"] = M.sum(axis=1) + np.array([hh_imports, 0.0, 0.0])  # positive, subtracted
    total["total output"] = x
    total.loc["value added"] = [*va, np.nan, np.nan, np.nan, np.nan]
    total.rename_axis("sector").to_csv(tmp_path / "io_total_transactions.csv")
    imports = pd.DataFrame(M, index=sectors, columns=sectors)
    imports["households"] = [hh_imports, 0.0, 0.0]
    imports.rename_axis("product").to_csv(tmp_path / "imports.csv")
    domestic = IOTable.from_arrays(
        Zd,
        final_demand=pd.DataFrame({"households": hh, "exports": exports}, index=sectors),
        value_added=pd.DataFrame([va, M.sum(axis=0)], index=["value added", "imports"]),
        sectors=sectors,
    )
    write_table(domestic, tmp_path / "domestic.csv")
    pd.DataFrame({"sector": sectors, "output": [30, 60, 10]}).to_csv(
        tmp_path / "region.csv", index=False
    )
    return tmp_path


def test_regionalize_total_table_with_its_import_matrix(total_files):
    d = total_files
    base = ["regionalize", "--regional", str(d / "region.csv")]
    want = CliRunner().invoke(main, [*base, str(d / "domestic.csv"), "--out", str(d / "w")])
    got = CliRunner().invoke(
        main,
        [*base, str(d / "io_total_transactions.csv"), "--imports", str(d / "imports.csv")]
        + ["--out", str(d / "g")],
    )
    assert want.exit_code == 0 and got.exit_code == 0, got.output
    assert "note: total transactions (the title says 'total transactions'" in got.output
    assert "technical" not in got.output
    a, b = read_table(d / "w" / "regional_table.csv"), read_table(d / "g" / "regional_table.csv")
    np.testing.assert_allclose(b.x, a.x, rtol=1e-12)
    np.testing.assert_allclose(b.A, a.A, rtol=1e-12, atol=1e-15)
    lq_w, lq_g = (pd.read_csv(d / f / "lq.csv", index_col=0) for f in ("w", "g"))
    pd.testing.assert_frame_equal(lq_g, lq_w)


def test_regionalize_total_table_without_imports_warns_technical(total_files):
    d = total_files
    args = ["regionalize", str(d / "io_total_transactions.csv"), "--regional"]
    r = CliRunner().invoke(main, [*args, str(d / "region.csv"), "--out", str(d / "t")])
    assert r.exit_code == 0, r.output
    assert "coefficients are technical" in r.output and "--imports M.csv" in r.output
    # a title that says domestic over the import column: an error naming the option
    (d / "io_domestic_transactions.csv").write_bytes((d / "io_total_transactions.csv").read_bytes())
    bad = CliRunner().invoke(
        main,
        ["regionalize", str(d / "io_domestic_transactions.csv"), "--regional"]
        + [str(d / "region.csv"), "--out", str(d / "u")],
    )
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    (line,) = [x for x in bad.output.splitlines() if x.startswith("error:")]
    assert "total or of domestic" in line and "--transactions total|domestic" in line
    settled = CliRunner().invoke(
        main,
        ["regionalize", str(d / "io_domestic_transactions.csv"), "--transactions", "total"]
        + ["--imports", str(d / "imports.csv"), "--regional", str(d / "region.csv")]
        + ["--out", str(d / "v")],
    )
    assert settled.exit_code == 0, settled.output
    assert "note: total transactions (as given: transactions='total')" in settled.output
