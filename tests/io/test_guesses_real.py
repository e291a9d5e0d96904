"""Issue 17 item 1 on the real tables: the stated rules choose the same rows and columns
as before on every table that worked (Maluku's 'Kompensasi Pegawai' is now wages)."""

import warnings

import pytest

from linkage import read_table
from linkage.analysis.multipliers import multipliers

CASES = [
    ("indonesia_34prov_icraf/Banten", "Upah dan gaji", "Konsumsi Rumah Tangga + LNPRT"),
    (
        "indonesia_34prov_icraf/Gorontalo",
        "Kompensasi Tenaga Kerja",
        "Pengeluaran Konsumsi Rumah Tangga dan LNPRT",
    ),
    ("indonesia_34prov_icraf/Maluku", "Kompensasi Pegawai", "Konsumsi rumah tangga"),
    ("indonesia_34prov_icraf/JaTim", "Upah dan gaji", "Konsumsi Rumah Tangga"),
    (
        "australia_abs_2021_22_eiat/abs_2021_22_industry_flows_table5_ioig115.csv",
        "Compensation of employees",
        "Households Final Consumption Expenditure",
    ),
    (
        "finland_alta_regional_2014/io2014.xlsx",
        "Palkansaajakorvaukset",
        "P3/S14 Kotitalouksien kulutusmenot",
    ),
]


@pytest.mark.parametrize("where, wages, household", CASES)
def test_real_tables_keep_their_choices(shared_data, where, wages, household):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = multipliers(read_table(shared_data / where), solver="dense")
    assert m.attrs["wages"] == wages and m.attrs["household"] == household
    assert all("rule:" in n for n in m.attrs["notes"] if n.startswith(("wages:", "value added:")))


def test_bps_workbooks_take_the_value_added_row_by_code(shared_data):
    folder = shared_data / "indonesia_prov17_2016"
    books = sorted(folder.glob("Tabel Input-Output*.xlsx"))
    assert books
    for book in books:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = multipliers(read_table(book), solver="dense")
        assert m.attrs["value_added"] == "2090 Nilai Tambah Bruto"
        assert m.attrs["household"] == "3011 Konsumsi Rumah Tangga"
        assert any("exact name or code" in n for n in m.attrs["notes"])
