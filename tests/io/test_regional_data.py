"""Real data: the BPS district GRDP workbook -> district table; the ALTA Finland tables."""

import numpy as np
import pandas as pd
import pytest

from linkage.analysis.regionalize import regionalize
from linkage.errors import InputFileError, InvalidTableError
from linkage.io import (
    BPS17,
    bps17_code,
    bps17_mapping,
    district_measures,
    find_district,
    read_alta,
    read_grdp_workbook,
    read_mapping,
    read_measure,
)

GRDP_FILE = "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
SULSEL = (
    "Tabel Input-Output Provinsi Sulawesi Selatan Transaksi Domestik Atas Dasar Harga "
    "Produsen (17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
)


@pytest.fixture(scope="module")
def grdp_path():
    from conftest import SHARED_DATA

    path = SHARED_DATA / "indonesia_prov17_2016" / GRDP_FILE
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="module")
def grdp(grdp_path):
    return read_grdp_workbook(grdp_path)


def test_bps17_names_and_codes():
    assert bps17_code("Real Estat") == bps17_code("Real Estate") == "L"
    assert bps17_code("Administrasi Pemerintahan, Pertahanan, dan Jaminan Sosial Wajib") == "O"
    assert bps17_code("RSTU Jasa Lainnya") == "RSTU"
    assert bps17_code("Jasa Lainnya (RSTU)") == "RSTU"
    assert bps17_code("C Jasa Lainnya") is None  # code and name disagree
    with pytest.raises(InvalidTableError, match="not BPS 17 lapangan usaha"):
        bps17_mapping(["Padi", "Jagung"])
    with pytest.raises(InvalidTableError, match="both map to lapangan usaha 'A'"):
        bps17_mapping(["A", "Pertanian, Kehutanan, dan Perikanan"])


def test_grdp_workbook_layout(grdp):
    counts = grdp["level"].value_counts()
    # 552 sheet rows = 3 header rows + 514 districts + 34 provinces + 1 national row
    assert counts["district"] == 514 and counts["province"] == 34 and counts["national"] == 1
    assert list(grdp.columns[-17:]) == list(BPS17)
    row = grdp.loc["1101"]
    assert row["name"] == "Simeulue" and row["province"] == "Provinsi Aceh"
    assert row["A"] == pytest.approx(493.23) and row["total"] == pytest.approx(1405.84)
    districts = grdp[grdp["level"] == "district"]
    # district totals are the sums of their 17 industries (to the workbook's rounding)
    gap = (districts[list(BPS17)].sum(axis=1) - districts["total"]).abs()
    assert (gap / districts["total"]).max() < 1e-3
    assert "billion" in grdp.attrs["units"]


def test_find_district(grdp):
    assert find_district(grdp, "Kota Makassar") == "7371"
    assert find_district(grdp, "7371") == "7371"
    assert find_district(grdp, "Bogor") == "3201"
    assert find_district(grdp, "kota bogor") == "3271"
    with pytest.raises(InvalidTableError, match="ambiguous: Aceh Selatan \\(1103\\)"):
        find_district(grdp, "Selatan")
    with pytest.raises(InvalidTableError, match="is a province, not a district"):
        find_district(grdp, "7300")
    with pytest.raises(InvalidTableError, match="no district named 'Atlantis'"):
        find_district(grdp, "Atlantis")


def test_district_measures(grdp):
    m = district_measures(grdp, "Kota Makassar")
    assert m.province_code == "7300" and m.province == "Provinsi Sulawesi Selatan"
    members = grdp[(grdp["level"] == "district") & (grdp["province_code"] == "7300")]
    assert len(members) == 24
    np.testing.assert_allclose(m.national, members[list(BPS17)].sum())
    assert m.regional["C"] == pytest.approx(grdp.loc["7371", "C"])
    assert "province_subtotal_gap" in m.diagnostics.codes()


def test_grdp_workbook_errors(tmp_path):
    bad = tmp_path / "bad.xlsx"
    pd.DataFrame({"a": [1, 2]}).to_excel(bad, index=False)
    with pytest.raises(InputFileError, match="KodeWilayah"):
        read_grdp_workbook(bad)
    with pytest.raises(InputFileError, match="file not found"):
        read_grdp_workbook(tmp_path / "missing.xlsx")


def test_province_table_to_district(grdp, grdp_path):
    """Sulawesi Selatan's 17-industry table regionalized to Kota Makassar."""
    from linkage import read_table

    io = read_table(grdp_path.parent / SULSEL)
    m = district_measures(grdp, "7371")
    res = regionalize(
        io,
        m.regional,
        m.national,
        measure="grdp",
        mapping=bps17_mapping(io.sectors),
        region=m.name,
        details=True,
    )
    t = res.table
    assert t.n == 17 and t.units == io.units
    # x_r = grdp_r * x_p / grdp_p, sector by sector (million rupiah, the table's unit)
    codes = bps17_mapping(io.sectors).to_numpy()
    expected = m.regional[codes].to_numpy() * io.x / m.national[codes].to_numpy()
    np.testing.assert_allclose(t.x, expected, rtol=1e-12)
    assert (t.A <= np.asarray(io.A) + 1e-15).all()
    assert t.balance()["rel_gap"].abs().max() < 1e-8
    # a city: almost no agriculture or mining, specialised in services
    assert res.slq.iloc[0] < 0.1 and res.slq.iloc[1] < 0.01
    assert res.slq.iloc[12] > 2  # MN business services
    assert 0.3 < t.x.sum() / io.x.sum() < 0.5


# --------------------------------------------------------------------------- Finland
@pytest.fixture(scope="module")
def alta():
    from conftest import SHARED_DATA

    folder = SHARED_DATA / "finland_alta_regional_2014"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    return read_alta(folder)


def test_alta_tables(alta):
    sectors, tables = alta
    assert len(sectors) == 30 and len(tables) == 19
    uusimaa = tables[0]
    assert uusimaa.name == "Uusimaa"
    assert uusimaa.x.sum() == pytest.approx(151657.5, rel=1e-6)
    # PROVENANCE check: agriculture column 113.16 intra + 30.78 from other regions
    assert uusimaa.Z[:, 0].sum() == pytest.approx(113.157, abs=1e-3)
    assert uusimaa.Z_other[:, 0].sum() == pytest.approx(30.776, abs=1e-3)


def test_finland_comparison_on_three_regions(alta):
    """FLQ with a delta from the grid beats SLQ and CILQ on multipliers for small regions."""
    from linkage.analysis.calibration import calibrate_delta

    _, tables = alta
    x_n = np.sum([t.x for t in tables], axis=0)
    A_n = np.sum([t.Z + t.Z_other for t in tables], axis=0) / np.where(x_n > 0, x_n, 1)
    regions = {}
    for t in tables:
        if t.name in ("Kainuu", "Satakunta", "KeskiSuomi"):
            inv = np.divide(1.0, t.x, out=np.zeros_like(t.x), where=t.x > 0)
            regions[t.name] = (t.x, t.Z * inv)
    err = calibrate_delta(A_n, x_n, regions, deltas=[0.0, 0.1, 0.15, 0.2, 0.3, 0.5])
    mean = err.groupby(["method", "delta"], dropna=False)["mape"].mean()
    best_flq = mean["flq"].min()
    assert best_flq < mean["slq"].iloc[0] and best_flq < mean["cilq"].iloc[0]
    assert 0.05 <= mean["flq"].idxmin() <= 0.3
    # SLQ overstates multipliers (positive mean signed error)
    assert err[err["method"] == "slq"]["mpe"].mean() > 0


def test_read_measure_formats_and_notes(tmp_path):

    p = tmp_path / "m.csv"
    p.write_text("kode;nilai\n1;1.234\n2;17\n")
    m = read_measure(p)
    assert m.to_dict() == {"1": 1234.0, "2": 17.0}  # ';' file, ambiguous: Indonesian
    assert any("ambiguous" in n for n in m.attrs["notes"])
    assert read_measure(p, decimal=".").to_dict() == {"1": 1.234, "2": 17.0}
    # a total row that does not add up is kept (then it is a sector the table lacks)
    p.write_text("sector,output\na,1\nb,2\nc,3\nTotal,7\n")
    assert list(read_measure(p).index) == ["a", "b", "c", "Total"]
    # Excel: integer codes read as "12", not "12.0"; the value column's name is kept
    pd.DataFrame({"kode": [12, 13], "PDRB 2016": [1.5, 2.5]}).to_excel(
        tmp_path / "m.xlsx", index=False
    )
    m = read_measure(tmp_path / "m.xlsx")
    assert m.to_dict() == {"12": 1.5, "13": 2.5} and m.name == "PDRB 2016"


def test_read_mapping(tmp_path):

    p = tmp_path / "map.csv"
    p.write_text("table;grdp;\npadi;A;\n\nsemen;C;\n")
    assert read_mapping(p).to_numpy().tolist() == [["padi", "A"], ["semen", "C"]]
    p.write_text("table,grdp\npadi,A\nsemen,\n")
    with pytest.raises(InputFileError, match=r"map.csv, row 3, column 'grdp': empty label"):
        read_mapping(p)
