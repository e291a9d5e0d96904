"""Shock, bridge and satellite files: what is read, what is said, what is an error."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.errors import InputFileError
from linkage.io import read_table
from linkage.io.shocks import read_bridge, read_satellites, read_shock

BPS = pd.Index(["A Pertanian", "C Industri Pengolahan", "F Konstruksi", "G Perdagangan"])


def test_xlsx_shock_with_codes_names_and_a_total_row(tmp_path):
    path = tmp_path / "dak.xlsx"
    frame = pd.DataFrame(
        {"Sektor": ["F", "industri pengolahan", "Jumlah"], "DAK 2025": [250.0, 50.0, 300.0]}
    )
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"x": [1]}).to_excel(w, sheet_name="cover", index=False)
        frame.to_excel(w, sheet_name="alokasi", index=False)
    got = read_shock(f"{path}#alokasi", BPS)
    assert got.index.tolist() == ["F Konstruksi", "C Industri Pengolahan"]
    assert got["DAK 2025"].tolist() == [250.0, 50.0]
    notes = " ".join(got.attrs["notes"])
    assert "'F' -> 'F Konstruksi'" in notes and "total of the others: dropped" in notes


def test_a_label_fitting_two_sectors_is_an_error_listing_them(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("sector,plan\nfood,1\n")
    sectors = pd.Index(["1 Food", "2 FOOD"])
    with pytest.raises(InputFileError, match=r"row 2.*fits 2 sectors.*'1 Food', '2 FOOD'"):
        read_shock(path, sectors)


def test_empty_cells_and_dashes_are_zero_and_counted(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("sector;a;b\nF;-;1,5\nG;2;\n")
    got = read_shock(path, BPS)
    assert got.to_numpy().tolist() == [[0.0, 1.5], [2.0, 0.0]]
    notes = " ".join(got.attrs["notes"])
    assert "1 empty cell(s) read as 0" in notes and "1 '-' cell(s) read as 0" in notes


def test_bridge_errors_name_the_row(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("category,sector,share\nb,F,0.5\nb,F,0.5\n")
    with pytest.raises(InputFileError, match=r"b.csv, row 3: .*repeated \(first at row 2\)"):
        read_bridge(path, BPS)
    path.write_text("category,sector,share\nb,F,1.5\nb,G,-0.5\n")
    with pytest.raises(InputFileError, match=r"row 3, column 'share': bridge: negative share"):
        read_bridge(path, BPS)
    path.write_text("category,sector\nb,F\n")
    with pytest.raises(InputFileError, match="no share column"):
        read_bridge(path, BPS)
    path.write_text("category,sector,share\nb,Konstruksii,1\n")
    with pytest.raises(InputFileError, match=r"row 2, column 'sector'.*did you mean"):
        read_bridge(path, BPS)


def test_satellites_rows_units_and_columns(tmp_path):
    path = tmp_path / "sat.csv"
    path.write_text("akun;satuan;A;C;F;G\nCO2;kt;1;2;3;4\nair;m3;5;6;7;8\n")
    got = read_satellites(path, BPS)
    assert got.index.tolist() == ["CO2", "air"] and got.columns.tolist() == list(BPS)
    assert got.attrs["units"] == {"CO2": "kt", "air": "m3"}
    path.write_text("account,A,C,F,X\nCO2,1,2,3,4\n")
    with pytest.raises(InputFileError, match=r"column 'X'.*not a sector"):
        read_satellites(path, BPS)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 2)),
        min_size=1,
        max_size=4,
    ),
    indonesian=st.booleans(),
)
def test_shock_values_round_trip_in_either_number_format(tmp_path_factory, values, indonesian):
    sectors = BPS[: len(values)]
    path = tmp_path_factory.mktemp("s") / "s.csv"
    sep = ";" if indonesian else ","

    def text(v):
        s = f"{v:,.2f}"
        return s.replace(",", "_").replace(".", ",").replace("_", ".") if indonesian else s

    rows = [f'{s}{sep}"{text(v)}"' for s, v in zip(sectors, values, strict=True)]
    path.write_text("sector" + sep + "plan\n" + "\n".join(rows) + "\n")
    got = read_shock(path, BPS)
    np.testing.assert_allclose(got["plan"].to_numpy(), values, rtol=0, atol=1e-6)


def test_real_bps_sectors_by_code(shared_data, tmp_path):
    (bps,) = (shared_data / "indonesia_prov17_2016").glob("*Sulawesi Selatan*.xlsx")
    table = read_table(bps)
    p = tmp_path / "dak.csv"
    p.write_text("sektor;DAK\nF;25.000\nMN;1.000\nKonstruksi;5\n")
    with pytest.raises(InputFileError, match=r"row 4.*'F Konstruksi', as 'F' at row 2"):
        read_shock(p, table.sectors)  # 'Konstruksi' and 'F' name the same sector
    p.write_text("sektor;DAK\nF;25.000\nMN;1.000\n")
    got = read_shock(p, table.sectors)
    assert got.index.tolist() == ["F Konstruksi", "MN Jasa Perusahaan"]
    assert got["DAK"].tolist() == [25000.0, 1000.0]


def test_a_sector_in_two_categories_of_a_bridge_but_not_twice_in_one(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("category,sector,share\nb,F,0.5\nb,G,0.5\nm,G,1\n")
    assert read_bridge(path, BPS)["sector"].tolist() == [
        "F Konstruksi",
        "G Perdagangan",
        "G Perdagangan",
    ]
    path.write_text("category,sector,share\nb,F,0.5\nb,Konstruksi,0.5\n")
    with pytest.raises(
        InputFileError, match=r"row 3: .*'F Konstruksi' repeated \(first at row 2\)"
    ):
        read_bridge(path, BPS)
