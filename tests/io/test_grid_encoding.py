"""UTF-16 text without a byte-order mark (a NUL byte every other byte): recognized by
:func:`linkage.io.grid.text_encodings`, read, and the guess stated (issue 17 leftovers)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkage.errors import InputFileError
from linkage.io import read_table
from linkage.io.grid import read_csv_grid, text_encodings
from linkage.io.survey import _encodings

TABLE = (
    "sector,pertanian é,industri ñ,Konsumsi Rumah Tangga,total output\n"
    "pertanian é,150,500,350,1000\n"
    "industri ñ,200,100,1700,2000\n"
    "Upah dan gaji,650,1400,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_reads_as_with_it(tmp_path, encoding):
    bare, marked = tmp_path / "bare.csv", tmp_path / "marked.csv"
    bare.write_bytes(TABLE.encode(encoding))
    marked.write_bytes(TABLE.encode("utf-16"))
    t, ref = read_table(bare), read_table(marked)
    assert list(t.sectors) == ["pertanian é", "industri ñ"]
    assert (t.Z == ref.Z).all() and list(t.x) == [1000.0, 2000.0]
    notes = [f.message for f in t.diagnostics if f.code == "encoding"]
    assert notes == [f"bare.csv: text read as {encoding}"]


def test_utf8_with_a_stray_nul_is_not_utf16():
    assert text_encodings(b"sector,a\x00b\nx,1,2\n") == ("utf-8-sig", "cp1252")
    assert text_encodings(b"") == ("utf-8-sig", "cp1252")


def test_broken_utf16_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "broken.csv"
    p.write_bytes("sector,a\n".encode("utf-16-le") + b"\x00\xdc" + "x,1\n".encode("utf-16-le"))
    with pytest.raises(InputFileError, match=r"broken\.csv.*cannot decode as UTF-16"):
        read_csv_grid(p)


def test_survey_and_tables_share_the_rules():
    for start in (b"\xff\xfei\x00", "id".encode("utf-16-be"), b"id,sektor", b"a\x00b\x00"):
        assert _encodings(start) == text_encodings(start)


@given(st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\x00"), min_size=1))
def test_latin_text_in_utf16_is_recognized(text):
    """Latin text (what tables hold) without a mark: every pair has its NUL on one side."""
    assert text_encodings(text.encode("utf-16-le")) == ("utf-16-le",)
    assert text_encodings(text.encode("utf-16-be")) == ("utf-16-be",)
    assert text_encodings(text.encode("utf-8")) == ("utf-8-sig", "cp1252")
