"""BPS IO workbooks as published: the three 2016 provincial 17-industry tables in
../shared and a synthetic workbook in the older (52/185-industry) code style."""

import re

import numpy as np
import openpyxl
import pytest

from linkage import read_table
from linkage.errors import InputFileError
from linkage.io.bps import find_bps_codes
from linkage.io.grid import read_excel_grid

# Total output published in PROVENANCE.txt of indonesia_prov17_2016 (juta Rupiah)
PUBLISHED = {
    "Kepulauan Riau": 400_936_445,
    "Papua Barat": 123_532_516,
    "Sulawesi Selatan": 655_967_260,
}
FD_CODES = ["3011", "3012", "3020", "3030", "3041", "3071", "3072"]
PI_CODES = ["2000", "2001", "2090"]


def _workbook(shared_data, province):
    folder = shared_data / "indonesia_prov17_2016"
    (path,) = folder.glob(f"Tabel Input-Output Provinsi {province} *.xlsx")
    return path


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
@pytest.mark.parametrize("province", sorted(PUBLISHED))
def test_bps_17_industry_workbooks(shared_data, province):
    path = _workbook(shared_data, province)
    t = read_table(path)
    assert t.n == 17
    assert t.sectors[0] == "A Pertanian, Kehutanan, dan Perikanan"
    assert t.sectors[-1] == "RSTU Jasa Lainnya"
    # totals 1800, 3080, 3090, 3100 are checks, never final demand
    assert [c.split()[0] for c in t.final_demand.columns] == FD_CODES
    assert t.final_demand.columns[0] == "3011 Konsumsi Rumah Tangga"
    assert [c.split()[0] for c in t.primary_inputs.columns] == PI_CODES
    assert round(float(t.x.sum())) == PUBLISHED[province]
    assert t.units.startswith("juta Rupiah")
    # Z is the published block, cell for cell (rows 5..21, columns D..T)
    raw = read_excel_grid(path).cells
    np.testing.assert_array_equal(t.Z, np.array(raw[4:21, 3:20], dtype=float))
    np.testing.assert_array_equal(t.x, np.array(raw[4:21, 30], dtype=float))
    np.testing.assert_array_equal(
        t.primary_inputs.iloc[:, 2].to_numpy(), np.array(raw[25, 3:20], dtype=float)
    )
    checks = {
        re.search(r"(?:column|row) '(\S+)", f.message).group(1): f
        for f in t.diagnostics
        if f.code == "total_check"
    }
    assert set(checks) == {"1800", "3080", "3090", "3100", "190d", "1900", "2100"}
    assert "3071" in checks["3080"].message and "3072" in checks["3080"].message
    assert "total_output" in t.diagnostics.codes()
    assert t.diagnostics.count("primary_final_block") > 0


def test_papua_barat_published_inconsistency_is_reported(shared_data):
    # In this workbook 3090 is not the sum of 3011..3072 (BPS's own numbers): x is the
    # published 3100, and the gaps are warnings, not silent.
    with pytest.warns(Warning):
        t = read_table(_workbook(shared_data, "Papua Barat"))
    warn = [f for f in t.diagnostics.warnings() if f.code == "total_check"]
    assert any("3090" in f.message for f in warn)
    assert "unbalanced" in t.diagnostics.codes()


def _old_style_workbook(path):
    """A BPS workbook in the older code style (180, 301..305, 309, 310; 190, 200, 201..204,
    209, 210) with sector codes as text '01'..'03' and names beside them."""
    Z = np.array([[10.0, 20, 5], [15, 30, 10], [5, 10, 20]])
    F = np.array([[30.0, 0, 10, 5, 20], [40, 10, 20, 0, 25], [60, 20, 0, -5, 30]])
    x = Z.sum(1) + F.sum(1)
    imports = np.array([10.0, 12, 8])
    wages = np.array([20.0, 30, 40])
    surplus = np.array([15.0, 20, 25])
    dep = np.array([5.0, 6, 7])
    tax = x - Z.sum(0) - imports - wages - surplus - dep
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tabel 1"
    ws.append(["Tabel Transaksi Domestik Atas Dasar Harga Produsen (Miliar Rupiah)"])
    ws.append([])
    fd_names = [
        "Konsumsi Rumah Tangga",
        "Konsumsi Pemerintah",
        "Pembentukan Modal Tetap",
        "Perubahan Stok",
        "Ekspor",
    ]
    ws.append(
        [
            "Uraian",
            None,
            "Padi",
            "Tanaman Lainnya",
            "Industri Makanan",
            "Jumlah Permintaan Antara",
            *fd_names,
            "Jumlah Permintaan Akhir",
            "Jumlah Permintaan",
        ]
    )
    ws.append(
        [None, "Kode", "01", "02", "03", "180", "301", "302", "303", "304", "305", "309", "310"]
    )
    names = ["Padi", "Tanaman Lainnya", "Industri Makanan"]
    for i in range(3):
        ws.append([names[i], f"0{i + 1}", *Z[i], Z[i].sum(), *F[i], F[i].sum(), x[i]])
    for code, name, row in (
        ("190", "Jumlah Input Antara", Z.sum(0)),
        ("200", "Impor", imports),
        ("201", "Upah dan Gaji", wages),
        ("202", "Surplus Usaha", surplus),
        ("203", "Penyusutan", dep),
        ("204", "Pajak Tak Langsung Neto", tax),
        ("209", "Nilai Tambah Bruto", wages + surplus + dep + tax),
        ("210", "Jumlah Input", x),
    ):
        ws.append([name, code, *row])
    wb.save(path)
    return Z, F, x


def test_older_bps_code_style(tmp_path):
    Z, F, x = _old_style_workbook(tmp_path / "old.xlsx")
    t = read_table(tmp_path / "old.xlsx")
    assert t.sectors.tolist() == ["01 Padi", "02 Tanaman Lainnya", "03 Industri Makanan"]
    np.testing.assert_array_equal(t.Z, Z)
    np.testing.assert_array_equal(t.final_demand.to_numpy(), F)
    np.testing.assert_array_equal(t.x, x)
    assert [c.split()[0] for c in t.primary_inputs.columns] == ["200", "201", "202", "203", "204"]
    assert t.primary_inputs.columns[1] == "201 Upah dan Gaji"
    # 209 has no total code: it is found to be the sum of 201..204
    assert any(
        "209 Nilai Tambah Bruto" in f.message for f in t.diagnostics if f.code == "total_check"
    )
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-12
    assert t.units.startswith("miliar")


def test_bps_detection_and_forced_format(tmp_path, mb_table):
    from linkage import write_table

    _old_style_workbook(tmp_path / "old.xlsx")
    assert find_bps_codes(read_excel_grid(tmp_path / "old.xlsx")) == (3, 1)
    p = write_table(mb_table, tmp_path / "plain.xlsx")
    assert find_bps_codes(read_excel_grid(p)) is None
    with pytest.raises(InputFileError, match="no BPS code row"):
        read_table(p, format="bps")


def test_bps_bad_cell_error_names_cell(tmp_path):
    _old_style_workbook(tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "old.xlsx")
    wb.active["D6"] = "12,x"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputFileError, match=r"bad\.xlsx.*row 6, column '02 Tanaman Lainnya'"):
        read_table(tmp_path / "bad.xlsx")


def test_bps_2016_style_with_52_numeric_codes(tmp_path):
    """A 52-industry workbook in the 2016 code style, codes stored as numbers (1 ... 52,
    1800, 3011 ...), with a cover sheet before the table."""
    n = 52
    rng = np.random.default_rng(7)
    Z = rng.uniform(0, 100, (n, n))
    F = rng.uniform(0, 500, (n, 7))
    F[:, 4] -= 100  # inventory change, partly negative
    x = Z.sum(1) + F.sum(1)
    imp = rng.uniform(0, 50, (2, n))
    gva = x - Z.sum(0) - imp.sum(0)
    wb = openpyxl.Workbook()
    wb.active.title = "Keterangan"
    wb.active.append(["Sumber: BPS (contoh sintetis)"])
    ws = wb.create_sheet("IO 52")
    ws.append([None, "Tabel Input-Output Contoh, 52 Lapangan Usaha (Juta Rupiah)"])
    names = [f"Lapangan usaha {i}" for i in range(1, n + 1)]
    fd = [
        "Konsumsi Rumah Tangga",
        "Konsumsi LNPRT",
        "Konsumsi Pemerintah",
        "PMTB",
        "Perubahan Inventori",
        "Ekspor Luar Negeri",
        "Ekspor Antar Provinsi",
    ]
    ws.append(
        [
            None,
            "Deskripsi",
            "Kode",
            *names,
            "Total Permintaan Antara",
            *fd,
            "Total Ekspor",
            "Total Permintaan Akhir",
            "Total Output",
        ]
    )
    ws.append(
        [
            None,
            None,
            None,
            *range(1, n + 1),
            1800,
            3011,
            3012,
            3020,
            3030,
            3041,
            3071,
            3072,
            3080,
            3090,
            3100,
        ]
    )
    for i in range(n):
        ws.append(
            [None, names[i], i + 1, *Z[i], Z[i].sum(), *F[i], F[i, 5:].sum(), F[i].sum(), x[i]]
        )
    for code, name, row in (
        ("190d", "Input Antara Domestik", Z.sum(0)),
        (2000, "Impor Luar Negeri", imp[0]),
        (2001, "Impor Antar Provinsi", imp[1]),
        (1900, "Total Input Antara", Z.sum(0) + imp.sum(0)),
        (2090, "Nilai Tambah Bruto", gva),
        (2100, "Total Input", x),
    ):
        ws.append([None, name, code, *row])
    wb.save(tmp_path / "io52.xlsx")
    t = read_table(tmp_path / "io52.xlsx")
    assert t.n == n and t.sectors[0] == "1 Lapangan usaha 1"
    assert [c.split()[0] for c in t.final_demand.columns] == FD_CODES
    assert [c.split()[0] for c in t.primary_inputs.columns] == PI_CODES
    np.testing.assert_allclose(t.Z, Z, rtol=1e-15)
    np.testing.assert_allclose(t.x, x, rtol=1e-15)
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-12
    assert "sheet_chosen" in t.diagnostics.codes()


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
def test_bps_workbook_through_the_generic_reader_gives_the_same_table(shared_data):
    path = _workbook(shared_data, "Kepulauan Riau")
    bps, wide = read_table(path), read_table(path, format="wide")
    np.testing.assert_array_equal(wide.Z, bps.Z)
    np.testing.assert_array_equal(wide.x, bps.x)
    np.testing.assert_array_equal(wide.final_demand.to_numpy(), bps.final_demand.to_numpy())
    np.testing.assert_array_equal(wide.primary_inputs.to_numpy(), bps.primary_inputs.to_numpy())
    # names only: the code column and the code row are labels, skipped with a warning
    assert wide.sectors[0] == "Pertanian, Kehutanan, dan Perikanan"
    assert {"skipped_header_rows", "skipped_header_columns"} <= wide.diagnostics.codes()


def test_names_right_of_the_code_column_and_below_the_code_row(tmp_path):
    # the same workbook with the code column before the names and the code row above them
    Z = np.array([[10.0, 20.0, 5.0], [15.0, 30.0, 10.0], [5.0, 10.0, 5.0]])
    F = np.array([[50.0, 15.0], [130.0, 15.0], [25.0, 5.0]])
    x = Z.sum(1) + F.sum(1)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode", None, "A", "B", "C", "1800", "3011", "3071", "3100"])
    ws.append([None, "Uraian", "Pertanian", "Pertambangan", "Industri", "Total Permintaan Antara",
               "Konsumsi Rumah Tangga", "Ekspor Luar Negeri", "Total Output"])  # fmt: skip
    for code, name, i in (("A", "Pertanian", 0), ("B", "Pertambangan", 1), ("C", "Industri", 2)):
        ws.append([code, name, *Z[i], Z[i].sum(), *F[i], x[i]])
    for code, name, row in (
        ("190d", "Input Antara Domestik", Z.sum(0)),
        ("2000", "Impor", [1.0, 2.0, 3.0]),
        ("2090", "Nilai Tambah Bruto", x - Z.sum(0) - [1.0, 2.0, 3.0]),
        ("2100", "Total Input", x),
    ):
        ws.append([code, name, *row])
    wb.save(tmp_path / "swapped.xlsx")
    t = read_table(tmp_path / "swapped.xlsx")
    assert t.sectors.tolist() == ["A Pertanian", "B Pertambangan", "C Industri"]
    assert t.final_demand.columns.tolist() == [
        "3011 Konsumsi Rumah Tangga",
        "3071 Ekspor Luar Negeri",
    ]
    assert t.primary_inputs.columns.tolist() == ["2000 Impor", "2090 Nilai Tambah Bruto"]
    np.testing.assert_array_equal(t.x, x)
