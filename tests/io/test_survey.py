"""Tests for linkage.io.survey: survey files and frames as field teams write them.

Files (csv, xlsx, parquet, one workbook with a sheet per table, UTF-16 and Windows-1252
text), a title above the header, Indonesian column names and number styles; the network
built from them is the hand-computed 5-firm survey of tests/network/test_model.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import FIVE_COOP as COOP
from builders import FIVE_FIRMS as FIRMS
from builders import FIVE_PARTIES as PARTIES
from builders import FIVE_TX as TX

from linkage.errors import DataQualityWarning, InputFileError, InvalidNetworkError
from linkage.io import read_network
from linkage.network import SupplyNetwork

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")


def test_from_frames_takes_canonical_frames_only(tmp_path):
    """Files and aliases are the reader's job: from_frames names it instead of guessing."""
    TX.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(TypeError, match="read survey files with linkage.io.read_network"):
        SupplyNetwork.from_frames(FIRMS, tmp_path / "t.csv")
    tx = TX.rename(columns={"supplier": "pemasok"})
    with pytest.raises(InvalidNetworkError, match=r"missing required column\(s\) \['supplier'\]"):
        SupplyNetwork.from_frames(FIRMS, tx)
    assert read_network(FIRMS, tx).n_firms == 5


def test_intermediary_pattern_and_column_aliases():
    tx = TX.drop(columns="channel").rename(columns={"supplier": "Seller", "buyer": "Buyer "})
    with pytest.warns(DataQualityWarning):
        net = read_network(FIRMS, tx, intermediary_pattern="^(PGP|SHOP)$")
    assert net.is_intermediary.tolist() == [False] * 6 + [True, True]
    m = net.firm_metrics()
    # now every sale to SHOP counts: C 40 of 50, D 60 of 60
    np.testing.assert_allclose(m["intermediary_sales_share"], [0, 5 / 7, 0.8, 1, 0])
    with pytest.raises(InvalidNetworkError, match="not a valid regular expression"):
        read_network(FIRMS, tx, intermediary_pattern="(")


def test_read_csv_excel_parquet(tmp_path):
    paths = {}
    for name, frame in {"firms": FIRMS, "tx": TX, "coop": COOP, "parties": PARTIES}.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
        frame.to_excel(tmp_path / f"{name}.xlsx", index=False)
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
        paths[name] = name
    ref = None
    for ext in ("csv", "xlsx", "parquet"):
        with pytest.warns(DataQualityWarning):
            net = read_network(
                tmp_path / f"firms.{ext}",
                tmp_path / f"tx.{ext}",
                tmp_path / f"coop.{ext}",
                parties=tmp_path / f"parties.{ext}",
            )
        assert net.nodes.tolist() == ["A", "B", "C", "D", "E", "MINE", "PGP", "SHOP"]
        assert net.firms.loc["C", "name"] == "Céramique"
        if ref is None:
            ref = net.edges
        pd.testing.assert_frame_equal(net.edges, ref)
        # messages name the file
        assert any(f"tx.{ext}" in f.message for f in net.diagnostics)


def test_file_errors_name_the_file(tmp_path):
    tx = TX.astype({"value": object})
    tx.loc[0, "value"] = "n/a"
    tx.to_csv(tmp_path / "t.csv", index=False)
    FIRMS.to_csv(tmp_path / "f.csv", index=False)
    with pytest.raises(InvalidNetworkError, match=r"t\.csv, row 2, column 'value'.*'n/a'"):
        read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    with pytest.raises(InputFileError, match="not found"):
        read_network(tmp_path / "nope.csv", tmp_path / "t.csv")
    (tmp_path / "semi.csv").write_text("supplier;buyer;value\nA;B;5\n", encoding="utf-8")
    assert len(read_network(tmp_path / "f.csv", tmp_path / "semi.csv").edges) == 1


def test_ids_like_na_are_not_missing(tmp_path):
    (tmp_path / "f.csv").write_text("firm_id,sector\nNA,x\nB,x\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("supplier,buyer,value\nNA,B,5\n", encoding="utf-8")
    net = read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    assert net.nodes.tolist() == ["NA", "B"] and len(net.edges) == 1


def test_indonesian_numbers_blank_and_total_rows_aliases(tmp_path):
    (tmp_path / "f.csv").write_text(
        'ID,Sektor,Nama,Tenaga Kerja\nA,clay,Bu Siti,3\n,,,\nB,pots,Pak Édi,"1.200"\n',
        encoding="utf-8",
    )
    (tmp_path / "t.csv").write_text(
        "pemasok;pembeli;nilai\n"
        "A;B;1.500.000\n"  # row 2
        ";;\n"  # row 3 blank
        "B;PGP;Rp 2.250.000,50\n"  # row 4
        "Jumlah;;3.750.000,50\n",  # row 5 total line
        encoding="utf-8",
    )
    net = read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    assert net.edges["value"].tolist() == [1_500_000, 2_250_000.5]
    assert net.firms["name"].tolist() == ["Bu Siti", "Pak Édi"]
    # "1.200" alone is ambiguous: read as 1.2 and reported, never silently
    assert net.firms["workers"].tolist() == [3, 1.2]
    d = net.diagnostics
    assert d.count("ambiguous_numbers") == 1
    assert d.count("blank_rows") == 2  # one in each file
    assert "rows 3" in next(f for f in d if f.code == "blank_rows" and "t.csv" in f.message).message
    assert d.count("total_rows") == 1 and d.count("number_format") >= 1
    assert net.summary()["transactions_read"] == 4


def test_ambiguous_thousands_are_reported():
    tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "X"], "value": ["1.500", "2.000"]})
    with pytest.warns(DataQualityWarning, match="like '1.500'"):
        net = read_network(FIRMS, tx)
    assert net.edges["value"].tolist() == [1.5, 2.0]


def test_windows_1252_file_is_read_and_reported(tmp_path):
    (tmp_path / "f.csv").write_bytes("firm_id,sector,name\nA,x,Caf\xe9\n".encode("cp1252"))
    (tmp_path / "t.csv").write_text("supplier,buyer,value\nA,X,5\n", encoding="utf-8")
    net = read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    assert net.firms.loc["A", "name"] == "Café"
    assert net.diagnostics.count("encoding") == 1


def test_ids_written_as_floats_match_the_firm_list(tmp_path):
    # a spreadsheet or pandas writes an id column with a blank cell as 1.0, 2.0, ...
    (tmp_path / "firms.csv").write_text("firm_id,sector\n1,a\n2,a\n3,b\n", encoding="utf-8")
    (tmp_path / "tx.csv").write_text(
        "supplier,buyer,value\n1.0,2,5\n2.0,3,6\n,1,7\n3.0,99,8\n", encoding="utf-8"
    )
    net = read_network(tmp_path / "firms.csv", tmp_path / "tx.csv", on_invalid="skip")
    assert net.nodes.tolist() == ["1", "2", "3", "99"]
    assert net.edges["value"].tolist() == [5, 6, 8]
    found = next(f for f in net.diagnostics if f.code == "float_ids")
    assert "'supplier'" in found.message and "1.0" in found.message
    # a column that mixes 1 and 2.0 is text: "2.0" stays an id of its own (see above),
    # flagged as looking like firm 2
    tx = pd.DataFrame({"supplier": ["1", "2.0"], "buyer": ["2", "3"], "value": [1, 2]})
    firms = pd.DataFrame({"firm_id": ["1", "2", "3"], "sector": ["a"] * 3})
    with pytest.warns(DataQualityWarning, match="'2.0'~'2'"):
        assert read_network(firms, tx).nodes.tolist() == ["1", "2", "3", "2.0"]


def test_survey_headers_with_units_and_common_synonyms(tmp_path):
    # headers as a field team types them: Indonesian, units in brackets, Latitude/Longitude
    (tmp_path / "firms.csv").write_text(
        "ID Usaha;Nama Usaha;Sektor;Sentra;Kabupaten;Jumlah Tenaga Kerja;Omzet (Rp);"
        "Latitude;Longitude\n"
        "K1;Bu Sri;batik;Trusmi;Cirebon;4;Rp 1.500.000;-6,70;108,50\n"
        "K2;Pak Budi;batik;Trusmi;Cirebon;12;Rp 2.000.000;-6,71;108,51\n",
        encoding="utf-8",
    )
    (tmp_path / "tx.csv").write_text(
        "Penjual;Pembeli;Nilai (Rp);Saluran;Produk\n"
        "K1;K2;Rp 250.000;langsung;kain\nK2;PGP;Rp 900.000;pengepul;batik tulis\n",
        encoding="utf-8",
    )
    (tmp_path / "coop.csv").write_text(
        "Usaha A,Usaha B,Jenis Kerjasama\nK1,K2,joint marketing\n", encoding="utf-8"
    )
    net = read_network(tmp_path / "firms.csv", tmp_path / "tx.csv", tmp_path / "coop.csv")
    f = net.firms
    assert {"name", "sector", "sentra", "region", "workers", "output", "lat", "lon"} <= set(f)
    assert f["output"].tolist() == [1_500_000, 2_000_000]
    assert f["workers"].tolist() == [4, 12] and f["region"].tolist() == ["Cirebon"] * 2
    assert f["lat"].tolist() == [-6.70, -6.71]
    assert net.edges["value"].tolist() == [250_000, 900_000]
    assert net.edges["channel"].tolist() == ["direct", "intermediary"]
    assert net.cooperation["kind"].tolist() == ["joint_marketing"]


def test_title_rows_above_the_column_names(tmp_path):
    # spreadsheets from the field start with a title; row numbers stay the sheet's
    firms = pd.DataFrame(
        [
            ["Daftar IKM Sentra Batik Trusmi 2023", None, None],
            [None, None, None],
            ["Kode", "Nama", "Sektor"],
            ["K1", "Bu Sri", "batik"],
            ["K2", "Pak Budi", "batik"],
        ]
    )
    firms.to_excel(tmp_path / "firms.xlsx", index=False, header=False)
    tx = pd.DataFrame(
        [
            ["Transaksi", None, None],
            ["Penjual", "Pembeli", "Nilai"],
            ["K1", "K2", "5"],
            ["K2", "PGP", "lima"],
        ]
    )
    tx.to_excel(tmp_path / "tx.xlsx", index=False, header=False)
    with pytest.raises(InvalidNetworkError, match=r"tx.xlsx, row 4, column 'value'.*'lima'"):
        read_network(tmp_path / "firms.xlsx", tmp_path / "tx.xlsx")
    net = read_network(tmp_path / "firms.xlsx", tmp_path / "tx.xlsx", on_invalid="skip")
    assert net.firms.index.tolist() == ["K1", "K2"]
    assert net.firms["name"].tolist() == ["Bu Sri", "Pak Budi"]
    found = [f for f in net.diagnostics if f.code == "header_row"]
    assert len(found) == 2 and "row 3" in found[0].message and "row 2" in found[1].message
    # a CSV exported from such a sheet: the title line has no or only empty fields
    (tmp_path / "f.csv").write_text("Daftar IKM\n\nfirm_id;sector\nA;x\nB;x\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text(
        "Transaksi 2023;;\nsupplier;buyer;value\nA;B;1,5\nB;C;-2\n", encoding="utf-8"
    )
    with pytest.raises(InvalidNetworkError, match=r"t.csv, row 4, column 'value'"):
        read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    net = read_network(tmp_path / "f.csv", tmp_path / "t.csv", on_invalid="skip")
    assert net.firms.index.tolist() == ["A", "B"] and net.edges["value"].tolist() == [1.5]


def test_blank_line_in_a_csv_keeps_row_numbers(tmp_path):
    (tmp_path / "f.csv").write_text("firm_id,sector\nA,x\nB,x\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("supplier,buyer,value\nA,B,1\n\nB,A,abc\n", encoding="utf-8")
    with pytest.raises(InvalidNetworkError, match=r"t.csv, row 4, column 'value'"):
        read_network(tmp_path / "f.csv", tmp_path / "t.csv")
    net = read_network(tmp_path / "f.csv", tmp_path / "t.csv", on_invalid="skip")
    assert "rows 3" in next(f for f in net.diagnostics if f.code == "blank_rows").message


def test_one_workbook_with_a_sheet_per_table(tmp_path):
    # field teams keep the survey in one workbook: instructions, firms, transactions, ...
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"Petunjuk": ["isi semua kolom"]}).to_excel(
            xl, sheet_name="Petunjuk", index=False
        )
        pd.DataFrame({"firm_id": ["A", "B"], "sector": "x"}).to_excel(
            xl, sheet_name="IKM", index=False
        )
        pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "PGP"], "value": ["5", "x"]}).to_excel(
            xl, sheet_name="Transaksi", index=False
        )
        pd.DataFrame({"firm_a": ["A"], "firm_b": ["B"]}).to_excel(
            xl, sheet_name="Kerjasama", index=False
        )
    with pytest.raises(InvalidNetworkError, match=r"survey.xlsx \[sheet 'Transaksi'\], row 3"):
        read_network(path, path, path)
    net = read_network(path, path, path, on_invalid="skip")
    assert net.firms.index.tolist() == ["A", "B"] and len(net.cooperation) == 1
    found = [f.message for f in net.diagnostics if f.code == "sheet"]
    assert len(found) == 3 and "'IKM'" in found[0] and "'Transaksi'" in found[1]


def test_utf16_text_export_of_a_spreadsheet_is_read(tmp_path):
    # Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab-separated
    (tmp_path / "f.txt").write_text(
        "firm_id\tsector\tname\nA\tx\tCéramique\nB\tx\tBu Sri\n", encoding="utf-16"
    )
    (tmp_path / "t.csv").write_text("supplier\tbuyer\tvalue\nA\tB\t5\n", encoding="utf-16")
    net = read_network(tmp_path / "f.txt", tmp_path / "t.csv")
    assert net.firms["name"].tolist() == ["Céramique", "Bu Sri"]
    assert net.edges["value"].tolist() == [5.0]
    assert not [f for f in net.diagnostics if f.code == "encoding"]
