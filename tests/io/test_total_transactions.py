"""Total-transaction tables: recognized, made domestic with the import matrix, or warned about.

No total-transaction table is among the real files (the three BPS workbooks are *Transaksi
Domestik*), so the total tables here are built from a real domestic workbook: its two
intermediate-import rows (2000, 2001) are spread over the products by a random matrix ``M``
(columns summing to those rows), household consumption and investment get imports too,
and the workbook is written again in BPS's layout with ``Z + M`` as flows, the imports as
a column ``409 Impor`` and no import rows, titled *Transaksi Total*. Deriving the domestic
table from it and ``M`` must give back the published domestic table.
"""

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage import IOTable, read_table
from linkage.cli import main
from linkage.errors import InputFileError, InvalidTableError
from linkage.io.imports import domestic_from_total, import_columns, margin_columns
from linkage.io.transactions import guess_transactions, read_table_transactions

PROVINCES = ("Kepulauan Riau", "Papua Barat", "Sulawesi Selatan")


def _workbook(shared_data, province):
    path = (
        shared_data
        / "indonesia_prov17_2016"
        / (
            f"Tabel Input-Output Provinsi {province} Transaksi Domestik Atas Dasar Harga Produsen "
            "(17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
        )
    )
    if not path.is_file():
        pytest.skip(f"{path.name} not present")
    return path


def _write_total(domestic, out, *, sign=1.0, title="Transaksi Total", seed=0):
    """The total-transaction workbook and the import-matrix CSV built from ``domestic``.

    ``sign`` 1: the import column holds positive numbers to subtract (as BPS prints it);
    -1: negative numbers to add. Returns (workbook path, import CSV path, M, M_f).
    """
    raw = pd.read_excel(domestic, header=None, engine="openpyxl").to_numpy(dtype=object)
    Z = raw[4:21, 3:20].astype(float)
    imp_row = raw[22, 3:20].astype(float) + raw[23, 3:20].astype(float)
    w = Z * np.random.default_rng(seed).uniform(0.5, 1.5, Z.shape) + 1e-6
    M = w / w.sum(axis=0) * imp_row
    fd = raw[4:21, 21:28].astype(float)  # 3011 3012 3020 3030 3041 3071 3072
    MF = np.zeros_like(fd)
    MF[:, 0] = 0.2 * fd[:, 0]
    MF[:, 3] = 0.3 * np.clip(fd[:, 3], 0, None)
    Zt, fdt = Z + M, fd + MF
    imports = M.sum(axis=1) + MF.sum(axis=1)
    codes = [str(c) for c in raw[3, 3:20]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "IO_Provinsi (17x17)"
    name = domestic.name.split(" Transaksi")[0]
    ws.cell(1, 2, f"{name} {title} Atas Dasar Harga Produsen (17 Lapangan Usaha), 2016")
    heads = [*raw[2, 3:20], "Total Permintaan Antara", *raw[2, 21:28], "Total Ekspor"]
    heads += ["Total Permintaan Akhir", "Impor", "Total Output"]
    col_codes = [*codes, 1800, 3011, 3012, 3020, 3030, 3041, 3071, 3072, 3080, 3090, 409, 3100]
    ws.cell(3, 2, "Deskripsi")
    ws.cell(3, 3, "Kode")
    for j, (h, c) in enumerate(zip(heads, col_codes, strict=True)):
        ws.cell(3, 4 + j, h)
        ws.cell(4, 4 + j, c)
    for i in range(17):
        ws.cell(5 + i, 2, raw[4 + i, 1])
        ws.cell(5 + i, 3, raw[4 + i, 2])
        line = [*Zt[i], Zt[i].sum(), *fdt[i], fdt[i, 5] + fdt[i, 6], fdt[i].sum()]
        line += [sign * imports[i], float(raw[4 + i, 30])]
        for j, v in enumerate(line):
            ws.cell(5 + i, 4 + j, float(v))
    bottom = [
        ("Total Input Antara", 1900, Zt.sum(axis=0)),
        ("Nilai Tambah Bruto", 2090, raw[25, 3:20].astype(float)),
        ("Total Input", 2100, raw[26, 3:20].astype(float)),
    ]
    for k, (label, code, values) in enumerate(bottom):
        ws.cell(22 + k, 2, label)
        ws.cell(22 + k, 3, code)
        for j, v in enumerate(values):
            ws.cell(22 + k, 4 + j, float(v))
    book = out / f"{name} {title} 2016.xlsx"
    wb.save(book)
    frame = pd.DataFrame(np.hstack([M, MF[:, [0, 3]]]), index=codes, columns=[*codes, 3011, 3030])
    csv = out / "impor.csv"
    frame.rename_axis("produk").to_csv(csv)
    return book, csv, M, MF


def _quiet(read, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read(*args, **kwargs)
    return table, [str(w.message) for w in caught]


@pytest.mark.parametrize("province", PROVINCES)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_domestic_table_derived_from_total_and_imports(tmp_path, shared_data, province, sign):
    domestic = _workbook(shared_data, province)
    book, csv, M, MF = _write_total(domestic, tmp_path, sign=sign)
    want, _ = _quiet(read_table, domestic)
    got, caught = _quiet(read_table_transactions, book, imports=csv)
    assert not any("technical" in m for m in caught)
    (note,) = [f.message for f in got.diagnostics if f.code == "transactions"]
    assert note.startswith("total transactions (the title says 'transaksi total'")
    assert "import column(s) ['409 Impor']" in note and "Z_domestic = Z_total - M" in note
    assert ("subtracted_columns" in got.diagnostics.codes()) == (sign > 0)
    assert list(got.sectors) == list(want.sectors)
    np.testing.assert_allclose(got.Z, want.Z, rtol=1e-9, atol=1e-6)
    # import column as BPS prints it (positive, subtracted): x is the column totals, which
    # the published table gives as row 2100 (equal to column 3100 within 1e-8)
    x = want.x if sign < 0 else np.asarray(want.Z).sum(axis=0) + want.primary_inputs.sum(axis=1)
    np.testing.assert_allclose(got.x, x, rtol=1e-12)
    np.testing.assert_allclose(got.x, want.x, rtol=2e-8)
    np.testing.assert_allclose(got.A, np.asarray(want.Z) / np.asarray(x), rtol=1e-9, atol=1e-15)
    fd = want.final_demand
    np.testing.assert_allclose(got.final_demand[fd.columns], fd, rtol=1e-9, atol=1e-6)
    assert "409 Impor" not in got.final_demand.columns
    imported = got.primary_inputs["imports (from the import matrix)"].to_numpy()
    published = want.primary_inputs.filter(like="Impor").sum(axis=1).to_numpy()
    np.testing.assert_allclose(imported, published, rtol=1e-9)
    gap = [f for f in got.diagnostics if f.code == "imports_gap"]
    assert gap and gap[0].level == "info"


def test_total_table_without_imports_runs_with_a_technical_warning(tmp_path, shared_data):
    domestic = _workbook(shared_data, "Kepulauan Riau")
    book, _, M, _ = _write_total(domestic, tmp_path, sign=1.0)
    want, _ = _quiet(read_table, domestic)
    got, caught = _quiet(read_table_transactions, book)
    technical = [m for m in caught if "technical" in m]
    assert len(technical) == 1 and "not domestic" in technical[0]
    assert "--imports" in technical[0]
    # the reader's checks made with the import column added are gone, in warnings and
    # diagnostics alike: the table balances once the column is subtracted
    assert not [m for m in caught if "unbalanced" in m or "is a total, not data" in m]
    assert "unbalanced" not in got.diagnostics.codes()
    assert not [f for f in got.diagnostics.warnings() if f.code == "total_check"]
    # the positive import column was negated, so the rows add up to the published output
    np.testing.assert_allclose(got.x, want.x, rtol=1e-9)
    np.testing.assert_allclose(got.Z, np.asarray(want.Z) + M, rtol=1e-9)
    assert (np.asarray(got.A).sum(axis=0) > np.asarray(want.A).sum(axis=0)).all()
    assert (got.final_demand["409 Impor"] < 0).all()


def test_real_domestic_workbooks_are_stated_domestic(shared_data):
    for province in PROVINCES:
        t, caught = _quiet(read_table_transactions, _workbook(shared_data, province))
        (note,) = [f.message for f in t.diagnostics if f.code == "transactions"]
        assert note.startswith("domestic transactions (the title says 'transaksi domestik'")
        assert "2000 Input Antara Impor Luar Negeri" in note
        assert not any("technical" in m for m in caught)


def test_title_against_import_column_is_an_error_naming_the_option(tmp_path, shared_data):
    domestic = _workbook(shared_data, "Kepulauan Riau")
    book, csv, _, _ = _write_total(domestic, tmp_path, title="Transaksi Domestik")
    with pytest.raises(InputFileError) as err:
        _quiet(read_table_transactions, book)
    text = str(err.value)
    assert "total or of domestic" in text and "the title says 'transaksi domestik'" in text
    assert "import column(s) ['409 Impor']" in text
    assert "--transactions total|domestic" in text and book.name in text
    # the option settles it
    t, _ = _quiet(read_table_transactions, book, transactions="total", imports=csv)
    (note,) = [f.message for f in t.diagnostics if f.code == "transactions"]
    assert note.startswith("total transactions (as given: transactions='total')")
    want, _ = _quiet(read_table, domestic)
    np.testing.assert_allclose(t.A, want.A, rtol=1e-9, atol=1e-15)


def test_import_matrix_on_a_domestic_table_is_an_error(tmp_path, shared_data):
    domestic = _workbook(shared_data, "Papua Barat")
    _, csv, _, _ = _write_total(domestic, tmp_path)
    with pytest.raises(InputFileError, match="read as domestic transactions .*--transactions"):
        _quiet(read_table_transactions, domestic, imports=csv)
    with pytest.raises(InputFileError, match="imports exceed the total flow"):
        _quiet(read_table_transactions, domestic, imports=csv, transactions="total")


@pytest.mark.parametrize(
    "content, message",
    [
        ("p,S1,S2\nS1,1,x\nS2,0,0\n", "row 2, column 'S2': not a number (value 'x')"),
        ("p,S1,S9\nS1,1,1\nS2,0,0\n", "column 'S9' is not one of the table's"),
        ("p,S1,S2\nS1,1,-1\nS2,0,0\n", "negative entry"),
        ("p,S1,S2\nS1,1,35\nS2,0,0\n", "imports exceed the total flow"),
        ("", "cannot read the import matrix"),
        ("p\nS1\n", "import matrix"),
        ("p,,S2\nS1,1,1\nS2,0,0\n", "row 1, column 2: a column without a label"),
        ("p;S1\n\x00\xff;1\n", "not one of the table's"),
        ("p,S1,S2\nS1,1,inf\nS2,0,0\n", "NaN or infinite"),
    ],
)
def test_import_matrix_errors_are_one_line(tmp_path, content, message):
    t = IOTable.from_arrays(
        [[20.0, 30.0], [10.0, 40.0]],
        final_demand=pd.DataFrame({"households": [60.0, 70.0], "409 Impor": [-10.0, -20.0]}),
    )
    path = tmp_path / "m.csv"
    path.write_text(content)
    with pytest.raises(InputFileError) as err:
        _quiet(domestic_from_total, t, path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_lines_and_guesses_by_name_and_code():
    assert import_columns(["3011 Konsumsi", "409 Jumlah Impor", "Imports cif", "Ekspor"]) == [
        "409 Jumlah Impor",
        "Imports cif",
    ]
    assert margin_columns(["Marjin Perdagangan Besar", "Transport margins", "509", "3030"]) == [
        "Marjin Perdagangan Besar",
        "Transport margins",
        "509",
    ]
    both = IOTable.from_arrays(
        [[20.0, 30.0], [10.0, 40.0]],
        final_demand=pd.DataFrame({"hh": [60.0, 70.0], "509 Marjin": [0.0, 0.0]}),
        value_added=pd.DataFrame(
            [[60.0, 20.0], [10.0, 10.0]], index=["2090 NTB", "2000 Input Antara Impor"]
        ),
    )
    with pytest.raises(InvalidTableError, match="margin column.*intermediate-import row"):
        guess_transactions(both)
    with pytest.raises(InvalidTableError, match="the sheet name 'PCT 185'"):
        guess_transactions(both, sheet="PCT 185")  # the sheet name does not outvote a row
    plain = IOTable.from_arrays([[1.0, 2.0], [3.0, 4.0]], final_demand=[[10.0], [10.0]])
    assert guess_transactions(plain, sheet="PCT 185")[0] == "total"
    assert guess_transactions(plain, sheet="BCD 185")[0] == "domestic"


def test_sheet_name_and_title_of_the_sheet_read(tmp_path):
    """BPS's national workbooks name their sheets PCT/BCT (total) and BCD (domestic)."""
    table = pd.DataFrame(
        [[20.0, 30.0, 60.0, 90.0], [10.0, 40.0, 70.0, 100.0], [70.0, 30.0, None, None]],
        index=["agri", "manu", "value added"],
        columns=["agri", "manu", "households", "total output"],
    ).rename_axis("sector")
    book = tmp_path / "io.xlsx"
    with pd.ExcelWriter(book) as xl:
        pd.DataFrame({"catatan": ["lihat lembar berikut"]}).to_excel(
            xl, sheet_name="notes", index=False
        )
        table.to_excel(xl, sheet_name="BCT 2")
        table.to_excel(xl, sheet_name="BCD 2")
    t, _ = _quiet(read_table_transactions, book)
    (note,) = [f.message for f in t.diagnostics if f.code == "transactions"]
    assert note.startswith("total transactions (the sheet name 'BCT 2'")
    t, _ = _quiet(read_table_transactions, book, sheet="BCD 2")
    (note,) = [f.message for f in t.diagnostics if f.code == "transactions"]
    assert note.startswith("domestic transactions (the sheet name 'BCD 2'")
    t, _ = _quiet(read_table_transactions, book, sheet=2)
    assert "the sheet name 'BCD 2'" in t.diagnostics.findings[-1].message


def test_older_edition_total_table_with_codes_409_and_600(tmp_path):
    """The 2010-edition codes: 180/301.../309/310 then 409 Jumlah Impor (positive,
    subtracted) and 600 Jumlah Output; rows 190, 201, 202, 209 and 210."""
    Zd = np.array([[30.0, 50.0, 10.0], [20.0, 60.0, 40.0], [10.0, 30.0, 20.0]])
    M = np.array([[5.0, 15.0, 0.0], [10.0, 20.0, 5.0], [0.0, 5.0, 10.0]])
    hh, fcf, hh_m = np.array([110.0, 90.0, 140.0]), np.array([0.0, 80.0, 50.0]), 6.0
    x = Zd.sum(axis=1) + hh + fcf
    wages = 0.6 * (x - Zd.sum(axis=0) - M.sum(axis=0))
    surplus = x - Zd.sum(axis=0) - M.sum(axis=0) - wages
    Zt, hht = Zd + M, hh + np.array([hh_m, 0.0, 0.0])
    imports = M.sum(axis=1) + np.array([hh_m, 0.0, 0.0])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "Tabel Input-Output Kabupaten X Transaksi Total 2010 (Juta Rupiah)"])
    names = ["Padi", "Industri", "Jasa", "Jumlah Permintaan Antara", "Konsumsi Rumah Tangga"]
    names += ["PMTB", "Jumlah Permintaan Akhir", "Jumlah Permintaan", "Jumlah Impor"]
    ws.append([None, None, *names, "Jumlah Output"])
    ws.append([None, None, "01", "02", "03", 180, 301, 303, 309, 310, 409, 600])
    for i, nm in enumerate(["Padi", "Industri", "Jasa"]):
        fd = [hht[i], fcf[i]]
        demand = Zt[i].sum() + sum(fd)
        ws.append([nm, f"0{i + 1}", *Zt[i], Zt[i].sum(), *fd, sum(fd), demand, imports[i], x[i]])
    for nm, code, v in [
        ("Jumlah Input Antara", 190, Zt.sum(axis=0)),
        ("Upah dan Gaji", 201, wages),
        ("Surplus Usaha", 202, surplus),
        ("Nilai Tambah Bruto", 209, wages + surplus),
        ("Jumlah Input", 210, x),
    ]:
        ws.append([nm, code, *v])
    book = tmp_path / "kab_x_total.xlsx"
    wb.save(book)
    pd.DataFrame(
        np.hstack([M, [[hh_m], [0.0], [0.0]]]),
        index=["01", "02", "03"],
        columns=["01", "02", "03", "301"],
    ).to_csv(tmp_path / "m.csv")
    got, caught = _quiet(read_table_transactions, book, imports=tmp_path / "m.csv")
    assert "BPS IO workbook layout" in got.diagnostics.findings[0].message
    np.testing.assert_allclose(got.Z, Zd, rtol=1e-12)
    np.testing.assert_allclose(got.x, x, rtol=1e-12)
    np.testing.assert_allclose(got.final_demand.to_numpy(), np.c_[hh, fcf], rtol=1e-12)
    assert float(got.balance()["rel_gap"].abs().max()) < 1e-12
    assert not [m for m in caught if "unbalanced" in m]


def test_analyze_on_a_total_table_with_its_import_matrix_equals_the_domestic_run(
    tmp_path, shared_data
):
    domestic = _workbook(shared_data, "Kepulauan Riau")
    book, csv, _, _ = _write_total(domestic, tmp_path, sign=1.0)
    runner = CliRunner()
    args = ["analyze", str(book), "--out", str(tmp_path / "t"), "--imports", str(csv)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "note: total" in result.output  # the kind of table and its rule are said
    ref = runner.invoke(main, ["analyze", str(domestic), "--out", str(tmp_path / "d")])
    assert ref.exit_code == 0, ref.output
    got = pd.read_csv(tmp_path / "t" / "linkages.csv")
    want = pd.read_csv(tmp_path / "d" / "linkages.csv")
    np.testing.assert_allclose(got["output_multiplier"], want["output_multiplier"], rtol=1e-8)
    technical = runner.invoke(main, ["analyze", str(book), "--out", str(tmp_path / "x")])
    assert technical.exit_code == 0 and "technical" in technical.output
    wrong = ["analyze", str(book), "--out", str(tmp_path / "w"), "--transactions", "domestic"]
    result = runner.invoke(main, wrong)
    # the option settles the kind as given; the import column left in then unbalances it
    assert result.exit_code == 0 and "table is unbalanced" in result.output
