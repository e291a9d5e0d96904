"""Final-demand columns and primary-input rows of wide tables: stated, checked, settled.

Issue 17 leftovers: a negative flow no longer drops a sector; a column without a row (a row
without a column) is final demand (a primary input) only when its label is a known name or
named by ``final_demand=`` / ``primary_inputs=``, else a one-line error; the lines read so
are stated in the diagnostics.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkage.errors import InputFileError
from linkage.io import read_table
from linkage.io.vocabulary import is_final_demand_name, is_primary_input_name
from linkage.io.vocabulary_check import near_sectors, parse_label_list, sector_keys

MB = (
    "sector,agriculture,manufacturing,{col},exports,total output\n"
    "agriculture,150,500,40,310,1000\n"
    "manufacturing,200,100,320,1380,2000\n"
    "Upah dan gaji,300,500,,,\n"
    "{row},350,900,,,\n"
)


def _write(tmp_path, text, name="t.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_negative_flows_keep_every_sector(tmp_path):
    """services buys -50 and -400 (subsidies booked in the flows): it stays a sector."""
    text = (
        "sector,agriculture,manufacturing,services,households,exports,total output\n"
        "agriculture,150,500,-50,40,360,1000\n"
        "manufacturing,200,100,-400,320,1780,2000\n"
        "services,-10,100,50,500,360,1000\n"
        "wages,300,500,600,,,\n"
        "surplus,360,800,800,,,\n"
    )
    with pytest.warns(Warning):
        t = read_table(_write(tmp_path, text))
    assert list(t.sectors) == ["agriculture", "manufacturing", "services"]
    assert t.Z[1, 2] == -400
    # hand derivation: a_ij = z_ij / x_j with x as published
    assert np.isclose(np.asarray(t.A)[1, 2], -400 / 1000)
    assert any(
        f.code == "negative_flows" and "'manufacturing' -> 'services'" in f.message
        for f in t.diagnostics
    )


def test_imports_pair_under_another_name_is_still_not_a_sector(tmp_path):
    """A row and column 'luar' whose column is all negative: not a sector (as before)."""
    text = (
        "sector,a,b,luar,households,total output\n"
        "a,10,20,-5,75,100\n"
        "b,30,40,-10,140,200\n"
        "luar,5,10,0,,\n"
        "wages,55,130,,,\n"
    )
    t = read_table(_write(tmp_path, text), primary_inputs="luar", final_demand="luar")
    assert list(t.sectors) == ["a", "b"]


def test_known_final_demand_and_primary_labels_are_stated(tmp_path):
    t = read_table(_write(tmp_path, MB.format(col="Konsumsi Rumah Tangga", row="Surplus usaha")))
    notes = {f.code: f.message for f in t.diagnostics}
    assert "'Konsumsi Rumah Tangga'" in notes["read_as_final_demand"]
    assert "'exports'" in notes["read_as_final_demand"]
    assert "'Surplus usaha'" in notes["read_as_primary_inputs"]


def test_unknown_column_is_an_error_naming_it_and_the_option(tmp_path):
    p = _write(tmp_path, MB.format(col="jasa", row="Surplus usaha"))
    with pytest.raises(InputFileError) as err:
        read_table(p)
    msg = str(err.value)
    assert "t.csv" in msg and "column '4'" in msg and "'jasa'" in msg
    assert "--final-demand" in msg and "final_demand=" in msg
    t = read_table(p, final_demand="jasa")
    assert list(t.final_demand.columns) == ["jasa", "exports"]
    assert t.final_demand["jasa"].tolist() == [40, 320]


def test_unknown_row_is_an_error_naming_it_and_the_option(tmp_path):
    p = _write(tmp_path, MB.format(col="households", row="Laba bersih"))
    with pytest.raises(InputFileError, match=r"row 5.*'Laba bersih'.*--primary-inputs"):
        read_table(p)
    t = read_table(p, primary_inputs=["Laba bersih"])
    assert t.value_added.loc["Laba bersih"].tolist() == [350, 900]


def test_an_unknown_column_lists_the_close_sector(tmp_path):
    """'agricultur' is not close enough to pair with a row, but is listed as a candidate."""
    text = (
        "sector,agriculture,manufacturing,agricultre sector,households,total output\n"
        "agriculture,150,500,1,349,1000\n"
        "manufacturing,200,100,1,1699,2000\n"
        "wages,650,1400,,,\n"
    )
    with pytest.raises(InputFileError, match="closest sectors: \\['agriculture'\\]"):
        read_table(_write(tmp_path, text))


def test_a_name_given_that_is_no_final_demand_column_is_an_error(tmp_path):
    p = _write(tmp_path, MB.format(col="households", row="Surplus usaha"))
    with pytest.raises(InputFileError, match="--final-demand names \\['nope'\\]"):
        read_table(p, final_demand="nope")


@pytest.mark.parametrize(
    "label",
    [
        "3011 Konsumsi Rumah Tangga",
        "3030 Pembentukan Modal Tetap Bruto",
        "perubahan inventori",
        "Ekspor",
        "Permintaan akhir",
        "Changes in Inventories",
        "P3/S14 Kotitalouksien kulutusmenot",
        "HH",
    ],
)
def test_final_demand_vocabulary(label):
    assert is_final_demand_name(label)


@pytest.mark.parametrize(
    "label",
    [
        "Upah dan gaji",
        "Surplus usaha",
        "Pajak dikurangi subsidi",
        "Impor",
        "2090 Nilai Tambah Bruto",
        "Input antara impor",
        "Compensation of employees",
        "Palkansaajakorvaukset",
    ],
)
def test_primary_input_vocabulary(label):
    assert is_primary_input_name(label)


@pytest.mark.parametrize("label", ["mining", "jasa", "agriculture", "Laba bersih"])
def test_sector_names_are_not_in_the_vocabularies(label):
    assert not is_final_demand_name(label) and not is_primary_input_name(label)


def test_parse_label_list():
    assert parse_label_list(" a , b,,") == ["a", "b"]
    assert parse_label_list(["x"]) == ["x"]


def test_a_known_name_nearly_a_sector_is_an_ambiguity(tmp_path):
    """'household good' has the stem 'household' but is nearly the sector 'household
    goods' (a second, misspelt column of it?): an error naming the sector and the option,
    no longer final demand without a word."""
    text = (
        "sector,agriculture,household goods,household good,exports,total output\n"
        "agriculture,150,500,40,310,1000\n"
        "household goods,200,100,320,1380,2000\n"
        "wages,650,1400,,,\n"
    )
    p = _write(tmp_path, text)
    with pytest.raises(InputFileError) as err:
        read_table(p)
    msg = str(err.value)
    assert "column '4'" in msg and "'household good'" in msg
    assert "nearly the sector label 'household goods'" in msg and "--final-demand" in msg
    t = read_table(p, final_demand="household good")
    assert list(t.final_demand.columns) == ["household good", "exports"]


def test_a_primary_input_nearly_a_sector_is_an_ambiguity(tmp_path):
    p = _write(
        tmp_path,
        MB.format(col="households", row="Surplus usaha")
        .replace("manufacturing,200", "other services,200")
        .replace(",manufacturing,", ",other services,")
        .replace("Upah dan gaji", "other servces"),
    )
    with pytest.raises(
        InputFileError, match=r"row 4.*'other servces'.*'other services'.*--primary"
    ):
        read_table(p)
    t = read_table(p, primary_inputs="other servces")
    assert list(t.value_added.index) == ["other servces", "Surplus usaha"]


@pytest.mark.parametrize(
    "label, sector",
    [
        ("Konsumsi Rumah Tangga", "Jasa Rumah Tangga"),  # BPS: households beside a sector
        ("Pengeluaran Konsumsi Pemerintah", "Administrasi Pemerintahan"),
        ("Households", "Household services"),
        ("HH", "HH"),
    ],
)
def test_known_names_beside_real_sector_labels_stay_known(label, sector):
    assert near_sectors(label, sector_keys([sector, "Pertanian"])) == []


@given(st.text(alphabet="abcdefgh", min_size=8, max_size=20))
def test_one_letter_dropped_is_near_and_the_label_itself_is_not(name):
    keys = sector_keys([name])
    assert near_sectors(name[:-1], keys) == [name]  # ratio 2(n-1)/(2n-1) >= 0.88
    assert near_sectors(name, keys) == []  # equal: a sector, not a near one
