"""Write the binary (xlsx) files of the bad-input corpus; run once, the outputs are committed.

``python tests/corpus/make_corpus.py`` rewrites every ``*.xlsx`` here from the same
Miller & Blair (2009) Table 2.3 numbers as ``table_ok.csv``; the test suite never runs it.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = [
    "sector",
    "agriculture",
    "manufacturing",
    "Konsumsi Rumah Tangga",
    "exports",
    "total output",
]
ROWS = [
    ["agriculture", 150, 500, 40, 310, 1000],
    ["manufacturing", 200, 100, 320, 1380, 2000],
    ["Upah dan gaji", 300, 500, None, None, None],
    ["Surplus usaha", 350, 900, None, None, None],
]


def _fill(ws, rows, top=1):
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(top + i, j + 1, value)


def merged_header(path):
    """A title row merged across the table, then a two-row header with merged groups."""
    wb = Workbook()
    ws = wb.active
    ws.title = "IO"
    ws.cell(1, 1, "Tabel Input-Output (Juta Rupiah)")
    ws.merge_cells("A1:F1")
    ws.cell(2, 2, "Permintaan antara")
    ws.merge_cells("B2:C2")
    ws.cell(2, 4, "Permintaan akhir")
    ws.merge_cells("D2:E2")
    _fill(ws, [HEADER, *ROWS], top=3)
    wb.save(path)


def hidden_rows(path):
    """The table with its manufacturing row and exports column hidden (still data)."""
    wb = Workbook()
    ws = wb.active
    _fill(ws, [HEADER, *ROWS])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["E"].hidden = True
    wb.save(path)


def hidden_stale_row(path):
    """The table with a stale wages row of an older edition below it, hidden (still data)."""
    wb = Workbook()
    ws = wb.active
    _fill(ws, [HEADER, *ROWS, ["Upah dan gaji 2010", 250, 450, None, None, None]])
    ws.row_dimensions[len(ROWS) + 2].hidden = True
    wb.save(path)


def other_sheet(path):
    """A notes sheet first, the table on the second sheet."""
    wb = Workbook()
    notes = wb.active
    notes.title = "Catatan"
    notes.cell(1, 1, "Sumber: BPS")
    notes.cell(2, 1, "Tabel pada sheet berikutnya")
    ws = wb.create_sheet("Tabel")
    _fill(ws, [HEADER, *ROWS])
    wb.save(path)


def unsaved_formulas(path):
    """Total output as formulas openpyxl writes without a cached value (never calculated)."""
    wb = Workbook()
    ws = wb.active
    _fill(ws, [HEADER[:-1], *[row[:-1] for row in ROWS]])
    ws.cell(1, 6, "total output")
    ws.cell(2, 6, "=SUM(B2:E2)")
    ws.cell(3, 6, "=SUM(B3:E3)")
    wb.save(path)


def empty_workbook(path):
    """A workbook whose only sheet has no cells."""
    Workbook().save(path)


def main():
    merged_header(HERE / "table_merged_header.xlsx")
    hidden_rows(HERE / "table_hidden_rows.xlsx")
    hidden_stale_row(HERE / "table_hidden_stale_row.xlsx")
    other_sheet(HERE / "table_other_sheet.xlsx")
    empty_workbook(HERE / "table_empty.xlsx")
    unsaved_formulas(HERE / "table_unsaved_formulas.xlsx")
    (HERE / "table_png_renamed.xlsx").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
        b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )


if __name__ == "__main__":
    main()
