"""Rows and columns hidden in an xlsx sheet: found in the sheet XML, reported as read, or
skipped when asked (issue 17 leftovers, item 2)."""

import warnings
from pathlib import Path

import pytest
from openpyxl import Workbook

from linkage.errors import DataQualityWarning
from linkage.io import read_table
from linkage.io.grid import read_excel_grid
from linkage.io.tables import _read_wide_grid
from linkage.io.xlsx_hidden import HiddenLines, feed, scan_hidden, sheet_hidden

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_feed_reads_rows_and_column_ranges():
    h = HiddenLines()
    feed(h, b'<cols><col min="2" max="4" width="3" hidden="1"/><col min="6" max="6"/></cols>')
    feed(h, b'<row r="5" hidden="true" spans="1:3"/><row r="6" hidden="0"><row r="7">')
    feed(h, b'<x:row r="9" hidden="1">')  # a prefixed tag
    assert h.rows == {5, 9} and h.cols == {(2, 4)}
    assert [j for j in range(7) if h.column(j)] == [1, 2, 3]


def test_feed_sees_a_tag_cut_by_a_chunk_boundary_once():
    xml = b'<sheetData><row r="1"></row><row r="2" hidden="1"></row></sheetData>'
    h = HiddenLines()
    cut = xml.index(b"hidden") - 3
    feed(h, xml[:cut])
    feed(h, xml[:cut][-4096:] + xml[cut:])  # as the scan feeds overlapping chunks
    assert h.rows == {2}


def _book(path, hide_row=None, hide_col=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "IO"
    rows = [
        ["sector", "a", "b", "households", "exports", "exports 2010", "total output"],
        ["a", 10, 20, 50, 15, 5, 95],
        ["b", 30, 40, 100, 30, 5, 200],
        ["wages", 55, 140, None, None, None, None],
        ["wages 2010", 1, 2, None, None, None, None],
    ]
    for row in rows:
        ws.append(row)
    if hide_row:
        ws.row_dimensions[hide_row].hidden = True
    if hide_col:
        ws.column_dimensions[hide_col].hidden = True
    wb.save(path)
    return path


def test_hidden_lines_read_are_a_warning_naming_them(tmp_path):
    p = _book(tmp_path / "t.xlsx", hide_row=5, hide_col="F")
    with pytest.warns(DataQualityWarning, match=r"row 5 'wages 2010', column F 'exports 2010'"):
        t = read_table(p)
    assert list(t.final_demand.columns) == ["households", "exports", "exports 2010"]
    assert list(t.value_added.index) == ["wages", "wages 2010"]
    (f,) = [f for f in t.diagnostics if f.code == "hidden_lines"]
    assert f.count == 2 and f.level == "warning" and "--skip-hidden" in f.message


def test_skip_hidden_leaves_them_out_and_says_so(tmp_path):
    p = _book(tmp_path / "t.xlsx", hide_row=5, hide_col="F")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # balanced without them, and no warning
        kept = _read_wide_grid(
            read_excel_grid(p), format=None, sectors=None, name="t", units="", skip_hidden=True
        )
    assert list(kept.final_demand.columns) == ["households", "exports"]
    assert list(kept.value_added.index) == ["wages"]
    assert list(kept.x) == [95.0, 200.0]
    (f,) = [f for f in kept.diagnostics if f.code == "hidden_skipped"]
    assert f.count == 2 and "'wages 2010'" in f.message and "'exports 2010'" in f.message
    assert "hidden_lines" not in kept.diagnostics.codes()


def test_no_hidden_lines_no_finding(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = read_table(_book(tmp_path / "t.xlsx"))
    assert not {"hidden_lines", "hidden_skipped"} & t.diagnostics.codes()


def test_a_scan_of_its_own_finds_what_the_read_found(tmp_path):
    """Sheets read by openpyxl (no scan beside calamine) are scanned by sheet_hidden."""
    src = CORPUS / "table_hidden_rows.xlsx"
    grid = read_excel_grid(src)
    found = grid.hidden
    assert grid.reader == "calamine"
    assert found.rows == {3} and found.column(4) and not found.column(3)
    assert scan_hidden(src, "xl/worksheets/sheet1.xml") == found
    assert sheet_hidden(src, "xl/worksheets/sheet1.xml") == found
    assert read_excel_grid(src, engine="openpyxl").hidden == found
    assert not sheet_hidden(src, None) and not sheet_hidden(src, "xl/worksheets/none.xml")


def test_csv_grids_have_no_hidden_lines():
    from linkage.io.grid import read_csv_grid

    assert not read_csv_grid(CORPUS / "table_ok.csv").hidden


def test_only_the_kinds_hidden_are_named(tmp_path):
    with pytest.warns(DataQualityWarning, match=r"1 hidden row of the sheet read as data"):
        read_table(_book(tmp_path / "t.xlsx", hide_row=5))


def test_read_table_skip_hidden(tmp_path):
    p = _book(tmp_path / "t.xlsx", hide_row=5, hide_col="F")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = read_table(p, skip_hidden=True)
    assert list(t.value_added.index) == ["wages"]
    assert list(t.final_demand.columns) == ["households", "exports"]
