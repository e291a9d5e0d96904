"""The fast readers give what the plain readers give: calamine vs openpyxl for workbooks,
pyarrow vs the csv module for text files; same cells, same tables, same diagnostics."""

from __future__ import annotations

import datetime
import warnings

import numpy as np
import openpyxl
import pytest
from builders import random_table

from linkage.errors import InputFileError
from linkage.io import grid as grid_mod
from linkage.io import read_table, xlsx
from linkage.io.grid import excel_sheet_names, read_excel_grid


# ----------------------------------------------------------------------------- helpers
def same_cells(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes and cells; 5.0 (calamine) and 5 (openpyxl) count as equal."""
    if a.shape != b.shape:
        return False
    for x, y in zip(a.ravel(), b.ravel(), strict=True):
        if type(x) is not type(y) and not {type(x), type(y)} <= {int, float}:
            return False
        if x != y:
            return False
    return True


def read_both(monkeypatch, path, **kw):
    """read_table(path) with calamine, then with openpyxl (calamine made unimportable);
    each with the warnings it issued."""
    out = []
    for reader in ("calamine", "openpyxl"):
        with monkeypatch.context() as m:
            if reader == "openpyxl":
                m.setattr(xlsx, "CalamineWorkbook", None)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                try:
                    t = read_table(path, **kw)
                except InputFileError as exc:
                    t = exc
            out.append((t, [(type(x.message), str(x.message)) for x in w]))
    return out


def assert_same_tables(pair):
    (a, wa), (b, wb) = pair
    if isinstance(a, Exception) or isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b)
        return
    assert list(a.sectors) == list(b.sectors)
    np.testing.assert_array_equal(a.Z, b.Z)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.final_demand.equals(b.final_demand)
    assert a.primary_inputs.equals(b.primary_inputs)
    assert (a.employment is None) == (b.employment is None)
    if a.employment is not None:
        assert a.employment.equals(b.employment)
    assert a.units == b.units and a.name == b.name
    assert [(f.code, f.message, f.count, f.level) for f in a.diagnostics.findings] == [
        (f.code, f.message, f.count, f.level) for f in b.diagnostics.findings
    ]
    assert wa == wb


# ----------------------------------------------------------------------------- real workbooks
def _real_workbooks(shared_data):
    files = sorted(shared_data.glob("*/*.xlsx"))
    if not files:
        pytest.skip("no real workbooks")
    return files


def test_real_workbooks_same_cells_every_sheet(shared_data):
    readers = set()
    for path in _real_workbooks(shared_data):
        for name in excel_sheet_names(path):
            a = read_excel_grid(path, name)
            b = read_excel_grid(path, name, engine="openpyxl")
            readers.add(a.reader)
            assert b.reader == "openpyxl"
            assert same_cells(a.cells, b.cells), (path.name, name)
            assert a.rows == b.rows and a.path == b.path
            assert [str(f) for f in a.diagnostics.findings] == [
                str(f) for f in b.diagnostics.findings
            ]
    assert "calamine" in readers  # the fast path ran on real files, not only the fallback


def test_real_bps_and_finnish_tables_same_under_both_readers(shared_data, monkeypatch):
    files = _real_workbooks(shared_data)
    bps = [p for p in files if p.name.startswith("Tabel Input-Output")]
    finnish = [p for p in files if p.parent.name.startswith("finland")]
    assert bps and finnish
    for path in bps:
        assert_same_tables(read_both(monkeypatch, path))
    for path in finnish:
        assert_same_tables(read_both(monkeypatch, path, sheet="Uusimaa"))
        assert_same_tables(read_both(monkeypatch, path, sheet=3))


def test_real_grdp_workbook_falls_back_and_reads_the_same(shared_data):
    path = next(iter(shared_data.glob("indonesia_prov17_2016/PDRB*.xlsx")), None)
    if path is None:
        pytest.skip("GRDP workbook absent")
    # it holds an empty shared string, which openpyxl reads as "" and calamine as empty
    grid, why = grid_mod._read_calamine(path, None)
    assert grid is None and "shared strings" in why
    assert read_excel_grid(path).reader == "openpyxl"


# ----------------------------------------------------------------------------- generated
def _wide_workbook(path, n=6, *, text_numbers=False, comma=False, seed=0):
    """A wide table the way statistics offices publish it: two title rows, a merged
    title, a header with a merged 'final demand' group over two columns, hidden rows
    (a note and a data row), numbers as text (optionally with decimal commas and
    thousands dots), a total row and column, a second sheet with notes first."""
    t = random_table(n, seed)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "catatan"
    notes["A1"] = "Catatan: sumber BPS"
    ws = wb.create_sheet("tabel")
    hid = wb.create_sheet("tersembunyi")
    hid["A1"] = "hidden sheet"
    hid.sheet_state = "hidden"
    ws["A1"] = "Tabel Input-Output (Juta Rupiah)"
    ws.merge_cells("A1:F1")
    ws["A2"] = "note row, hidden"
    ws.row_dimensions[2].hidden = True
    header = ["sektor"] + list(t.sectors) + ["rumah tangga", "ekspor", "total output"]
    for j, h in enumerate(header, start=1):
        ws.cell(4, j, h)
    ws.cell(3, n + 2, "permintaan akhir")
    ws.merge_cells(start_row=3, start_column=n + 2, end_row=3, end_column=n + 3)
    fd = t.final_demand.to_numpy()
    rng = np.random.default_rng(seed)
    split = rng.uniform(0.3, 0.7, n)

    def put(r, c, v):
        if text_numbers:
            s = f"{v:,.2f}" if comma else f"{v:,.3f}"
            if comma:
                s = s.replace(",", "_").replace(".", ",").replace("_", ".")
            v = s
        ws.cell(r, c, v)

    Z = np.round(t.Z, 3)
    hh, ex = np.round(fd[:, 0] * split, 3), np.round(fd[:, 0] * (1 - split), 3)
    x = Z.sum(axis=1) + hh + ex
    va = x - Z.sum(axis=0)
    for i, s in enumerate(t.sectors):
        r = 5 + i
        ws.cell(r, 1, s)
        for j in range(n):
            put(r, 2 + j, Z[i, j])
        put(r, n + 2, hh[i])
        put(r, n + 3, ex[i])
        put(r, n + 4, x[i])
    ws.row_dimensions[6].hidden = True
    ws.cell(5 + n, 1, "nilai tambah bruto")
    for j in range(n):
        put(5 + n, 2 + j, va[j])
    ws.cell(6 + n, 1, "total input")
    for j in range(n):
        put(6 + n, 2 + j, x[j])
    ws.cell(8 + n, 1, "")  # a style-only row below the table (openpyxl reads it)
    ws.row_dimensions[9 + n].height = 30
    ws.cell(9 + n, 3).number_format = "0.00"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "kind", ["numbers", "text_numbers", "decimal_commas"], ids=lambda k: k.replace("_", "-")
)
def test_generated_workbooks_same_under_both_readers(tmp_path, monkeypatch, kind):
    path = _wide_workbook(
        tmp_path / f"{kind}.xlsx", text_numbers=kind != "numbers", comma=kind == "decimal_commas"
    )
    a = read_excel_grid(path, "tabel")
    b = read_excel_grid(path, "tabel", engine="openpyxl")
    assert a.reader == "calamine"
    assert same_cells(a.cells, b.cells)
    pair = read_both(monkeypatch, path)
    assert_same_tables(pair)
    table = pair[0][0]
    assert table.n == 6 and table.units.startswith("juta")
    codes = {f.code for f in table.diagnostics.findings}
    assert "sheet_chosen" in codes
    if kind == "decimal_commas":
        assert table.diagnostics.count("number_decimal_comma") > 0


def test_merged_and_hidden_cells_read_as_openpyxl_does(tmp_path):
    path = _wide_workbook(tmp_path / "m.xlsx")
    g = read_excel_grid(path, "tabel")
    assert g.reader == "calamine"
    # a merged range gives its value in its first cell only; hidden rows are read
    assert g.cells[0, 0].startswith("Tabel") and g.cells[0, 1] is None
    assert g.cells[2, 7] == "permintaan akhir" and g.cells[2, 8] is None
    assert g.cells[1, 0] == "note row, hidden" and g.cells[5, 0] == "s1"
    # the style-only rows below the table are rows of the grid, as openpyxl gives them
    assert g.cells.shape == read_excel_grid(path, "tabel", engine="openpyxl").cells.shape
    assert g.cells.shape[0] == 15


def _book(path, fill):
    wb = openpyxl.Workbook()
    fill(wb.active)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "name, fill, why",
    [
        ("dates", lambda ws: ws.append(["Tahun", datetime.datetime(2016, 1, 1)]), "date"),
        ("time", lambda ws: ws.append(["jam", datetime.time(3, 4)]), "time"),
        ("escape", lambda ws: ws.append(["a_x000D_b", 1]), "escapes"),
    ],
)
def test_what_calamine_reads_otherwise_goes_to_openpyxl(tmp_path, name, fill, why):
    path = _book(tmp_path / f"{name}.xlsx", fill)
    grid, reason = grid_mod._read_calamine(path, None)
    assert grid is None and why in reason
    g = read_excel_grid(path)
    assert g.reader == "openpyxl"
    with pytest.raises(InputFileError, match="calamine cannot read"):
        read_excel_grid(path, engine="calamine")


def test_error_cells_and_data_outside_the_dimension_go_to_openpyxl(tmp_path):
    import zipfile

    src = _book(tmp_path / "src.xlsx", lambda ws: ws.append(["x", 1, 2]))
    member = "xl/worksheets/sheet1.xml"
    for name, edit in (
        (
            "error",
            lambda x: x.replace('<c r="C1" t="n"><v>2</v>', '<c r="C1" t="e"><v>#DIV/0!</v>'),
        ),
        ("outside", lambda x: x.replace('ref="A1:C1"', 'ref="A1:B1"')),
        ("nodim", lambda x: x.replace('<dimension ref="A1:C1" />', "")),
    ):
        out = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w") as w:
            for item in z.namelist():
                data = z.read(item)
                if item == member:
                    new = edit(data.decode())
                    assert new != data.decode(), name
                    data = new.encode()
                w.writestr(item, data)
        grid, why = grid_mod._read_calamine(out, None)
        assert grid is None, name
        b = read_excel_grid(out)
        assert b.reader == "openpyxl"
        if name == "error":
            assert b.cells[0, 2] == "#DIV/0!"
        if name == "outside":
            assert b.cells.shape == (1, 2)  # openpyxl cuts at the dimension


def test_formula_without_saved_value_same_error(tmp_path, monkeypatch):
    def fill(ws):
        ws.append(["sektor", "a"])
        ws.append(["a", "=1+1"])

    path = _book(tmp_path / "f.xlsx", fill)
    msgs = []
    for reader in ("calamine", "openpyxl"):
        with monkeypatch.context() as m:
            if reader == "openpyxl":
                m.setattr(xlsx, "CalamineWorkbook", None)
            with pytest.raises(InputFileError) as exc:
                read_excel_grid(path)
            msgs.append(str(exc.value))
    assert msgs[0] == msgs[1] and "formula cell B2 has no saved value" in msgs[0]


def test_sheet_choice_errors_and_names_are_the_same(tmp_path, monkeypatch):
    path = _wide_workbook(tmp_path / "s.xlsx")
    assert excel_sheet_names(path) == ["catatan", "tabel", "tersembunyi"]
    for sheet in ("nope", 7):
        msgs = []
        for reader in ("calamine", "openpyxl"):
            with monkeypatch.context() as m:
                if reader == "openpyxl":
                    m.setattr(xlsx, "CalamineWorkbook", None)
                with pytest.raises(InputFileError) as exc:
                    read_excel_grid(path, sheet)
                msgs.append(str(exc.value))
        assert msgs[0] == msgs[1]


def test_without_calamine_everything_is_read_by_openpyxl(tmp_path, monkeypatch):
    path = _wide_workbook(tmp_path / "w.xlsx")
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)
    assert read_excel_grid(path, "tabel").reader == "openpyxl"
    assert excel_sheet_names(path) == ["catatan", "tabel", "tersembunyi"]
    assert read_table(path).n == 6
    with pytest.raises(InputFileError, match="cannot be imported"):
        read_excel_grid(path, engine="calamine")


def test_calamine_failing_on_a_file_falls_back(tmp_path, monkeypatch):
    path = _wide_workbook(tmp_path / "w.xlsx")

    class Broken:
        @staticmethod
        def from_path(p):
            raise RuntimeError("unsupported feature")

    monkeypatch.setattr(xlsx, "CalamineWorkbook", Broken)
    g = read_excel_grid(path, "tabel")
    assert g.reader == "openpyxl"
    grid, why = grid_mod._read_calamine(path, "tabel")
    assert grid is None and "unsupported feature" in why


def test_broken_workbook_same_error(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputFileError, match="cannot open as an Excel workbook"):
        read_excel_grid(path)


# ----------------------------------------------------------------------------- CSV: pyarrow
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from linkage.io import csv_arrow  # noqa: E402
from linkage.io import tables as tables_mod  # noqa: E402
from linkage.io.numbers import _strings, detect_from_sample, parse_cells  # noqa: E402
from linkage.io.numbers_arrow import (  # noqa: E402
    format_sample,
    format_sample_rows,
    parse_columns,
    parse_rows,
)


def read_csv_both(monkeypatch, path, **kw):
    """read_table(path) through pyarrow (any size), then through the csv module."""
    out = []
    for reader in ("pyarrow", "csv"):
        with monkeypatch.context() as m:
            m.setattr(csv_arrow, "MIN_BYTES", 0)
            if reader == "csv":
                m.setattr(tables_mod, "read_csv_columns", lambda *a, **k: None)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                try:
                    t = read_table(path, **kw)
                except InputFileError as exc:
                    t = exc
            out.append((t, [(type(x.message), str(x.message)) for x in w]))
    return out


def _fmt(v, style):
    """A number written in one of the styles found in published CSV files."""
    if style == "plain":
        return repr(float(v))
    if style == "en":
        return f"{v:,.2f}"
    if style == "id":
        return f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if style == "id_int":
        return f"{round(v):,}".replace(",", ".")
    if style == "spaces":
        return f"{v:,.1f}".replace(",", " ")
    if style == "paren":
        return f"({abs(v):.1f})" if v < 50 else f"{v:.1f}"
    if style == "unicode_minus":
        return f"\u2212{abs(v):.3f}" if v < 30 else f"{v:.3f}"
    raise ValueError(style)


def _wide_csv(path, style, sep=",", *, n=8, seed=1, title=True, bom=False, extra=None):
    t = random_table(n, seed)
    fd = t.final_demand.to_numpy()[:, 0]
    Z = np.round(t.Z * 97.3, 2)
    x = Z.sum(axis=1) + fd
    va = x - Z.sum(axis=0)
    rows = []
    if title:
        rows.append(["Tabel Input-Output 2016 (juta rupiah)"])
    rows.append(["sektor"] + [f"{s}, jasa" for s in t.sectors] + ["final demand", "total output"])
    for i, s in enumerate(t.sectors):
        cells = [_fmt(v, style) for v in Z[i]] + [_fmt(fd[i], style), _fmt(x[i], style)]
        if i == 2:
            cells[1] = "-"
            cells[3] = ""
        rows.append([f"{s}, jasa", *cells])
    rows.append(["nilai tambah", *[_fmt(v, style) for v in va], "", ""])
    if extra:
        rows.extend(extra)
    q = '"' if sep == "," or style in ("en", "id") else ""

    def field(c):
        return f'"{c}"' if (sep in c or (q and "," in c)) else c

    text = "\n".join(sep.join(field(c) for c in r) for r in rows) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def assert_same_csv_tables(pair):
    assert_same_tables(pair)


@pytest.mark.parametrize(
    "style, sep",
    [
        ("plain", ","),
        ("plain", ";"),
        ("plain", "\t"),
        ("en", ","),
        ("en", ";"),
        ("id", ";"),
        ("id", ","),
        ("id_int", ";"),
        ("spaces", ";"),
        ("paren", ","),
        ("unicode_minus", ","),
    ],
)
def test_generated_csv_same_through_pyarrow_and_csv(tmp_path, monkeypatch, style, sep):
    path = _wide_csv(tmp_path / "t.csv", style, sep)
    with monkeypatch.context() as m:
        m.setattr(csv_arrow, "MIN_BYTES", 0)
        g = csv_arrow.read_csv_columns(path)
    assert g is not None and g.reader == "pyarrow"
    pair = read_csv_both(monkeypatch, path)
    assert_same_csv_tables(pair)
    assert not isinstance(pair[0][0], Exception)
    assert pair[0][0].n == 8


def test_csv_options_and_odd_files_same(tmp_path, monkeypatch):
    path = _wide_csv(tmp_path / "b.csv", "id", ";", bom=True)
    assert_same_csv_tables(read_csv_both(monkeypatch, path))
    assert_same_csv_tables(read_csv_both(monkeypatch, path, decimal=","))
    assert_same_csv_tables(read_csv_both(monkeypatch, path, decimal=".", thousands=""))
    path = _wide_csv(tmp_path / "n.csv", "plain", ",", title=False)
    assert_same_csv_tables(read_csv_both(monkeypatch, path, sep=","))
    # a text cell in a sector row: the same one-line error
    bad = _wide_csv(tmp_path / "x.csv", "plain", ",", extra=[["s3, jasa (2)", "abc"]])
    pair = read_csv_both(monkeypatch, bad)
    assert_same_csv_tables(pair)
    text = bad.read_text().replace("\n", "\nnot a number,x\n", 1)
    bad.write_text(text.replace("s1, jasa", "s1 jasa", 1))
    assert_same_csv_tables(read_csv_both(monkeypatch, bad))


def test_csv_files_pyarrow_leaves_to_the_csv_module(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_arrow, "MIN_BYTES", 0)
    ragged = _wide_csv(tmp_path / "r.csv", "plain", ",", extra=[["note, only two"]])
    blank = _wide_csv(tmp_path / "e.csv", "plain", ",", extra=[[]])
    cp = _wide_csv(tmp_path / "c.csv", "plain", ";")
    cp.write_bytes(cp.read_bytes().replace(b"sektor", b"sekt\xf6r"))
    lone_cr = _wide_csv(tmp_path / "m.csv", "plain", ",")
    lone_cr.write_bytes(lone_cr.read_bytes().replace(b"\n", b"\r"))
    for path in (ragged, blank, cp, lone_cr):
        assert csv_arrow.read_csv_columns(path) is None, path.name
        assert_same_csv_tables(read_csv_both(monkeypatch, path))
    crlf = _wide_csv(tmp_path / "w.csv", "id", ";")
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    g, classic = csv_arrow.read_csv_columns(crlf), grid_mod.read_csv_grid(crlf)
    assert [g.column(j) for j in range(g.width)] == classic.cells.T.tolist()
    assert_same_csv_tables(read_csv_both(monkeypatch, crlf))
    small = tmp_path / "s.csv"
    small.write_text("a,b\n1,2\n")
    monkeypatch.setattr(csv_arrow, "MIN_BYTES", 1 << 20)
    assert csv_arrow.read_csv_columns(small) is None


def test_long_csv_is_read_by_the_csv_module(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_arrow, "MIN_BYTES", 0)
    p = tmp_path / "l.csv"
    p.write_text("from,to,value\na,a,1\na,b,2\nb,a,3\nb,b,4\na,hh,5\nb,hh,6\n")
    (tmp_path / "l.sectors.csv").write_text("a\nb\n")
    assert csv_arrow.read_csv_columns(p) is not None  # pyarrow could, the layout says no
    t = read_table(p)
    assert t.sectors.tolist() == ["a", "b"] and t.x.tolist() == [8.0, 13.0]


def test_real_abs_table_same_through_pyarrow(shared_data, monkeypatch):
    folder = shared_data / "australia_abs_2021_22_eiat"
    files = sorted(folder.glob("*.csv"))
    if not files:
        pytest.skip("ABS tables absent")
    for path in files:
        assert_same_csv_tables(read_csv_both(monkeypatch, path))


def test_real_icraf_tables_same_through_pyarrow(shared_data, monkeypatch):
    files = sorted((shared_data / "indonesia_34prov_icraf").glob("*/02_input_antara.csv"))[:6]
    if not files:
        pytest.skip("ICRAF tables absent")
    for path in files:
        with monkeypatch.context() as m:
            m.setattr(csv_arrow, "MIN_BYTES", 0)
            g = csv_arrow.read_csv_columns(path)
        classic = grid_mod.read_csv_grid(path)
        if g is None:
            continue
        assert g.cells.shape == classic.cells.shape and g.sep == classic.sep
        for j in range(classic.cells.shape[1]):
            assert g.column(j) == classic.cells[:, j].tolist()
        assert [str(f) for f in g.diagnostics.findings] == [
            str(f) for f in classic.diagnostics.findings
        ]


# hypothesis: the pyarrow parse is parse_cells, cell for cell
_NUMBERISH = st.one_of(
    st.from_regex(r"\A[+\-]?[0-9]{1,20}([.,][0-9]{0,6})?([eE][+\-]?[0-9]{1,3})?\Z"),
    st.from_regex(r"\A[+\-]?[0-9]{1,3}([.,][0-9]{3}){1,4}([.,][0-9]{1,3})?\Z"),
    st.from_regex(r"\A\(?[0-9 .,]{1,12}\)?\Z"),
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "–",
            "—",
            "−7,5",
            "\u00a012",
            "nan",
            "inf",
            "1e400",
            "x",
            "Jumlah",
            "1\u00a0234",
            "٣,٥",
            " 12 ",
            "\t3.5\t",
            "+.5",
            "-0",
        ]
    ),
    st.text(max_size=6),
)
FORMATS = [(".", ","), (",", "."), (".", ""), (",", ""), (".", " ")]


def _same_parse(a, b):
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.bad, b.bad)
    for k in b.flags:
        np.testing.assert_array_equal(a.flags[k], b.flags[k], err_msg=k)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(_NUMBERISH, min_size=1, max_size=24),
    width=st.integers(1, 4),
    fmt=st.sampled_from(FORMATS),
)
def test_parse_columns_is_parse_cells(cells, width, fmt):
    import pyarrow as pa

    n = len(cells) - len(cells) % width or width
    block = np.array((cells * width)[:n], dtype=object).reshape(-1, width)
    columns = [pa.array(block[:, j].tolist(), pa.string()) for j in range(width)]
    _same_parse(parse_columns(columns, *fmt), parse_cells(block, *fmt))
    sample = format_sample(columns)
    assert sample.tolist() == _strings(block).tolist()
    # row after row, with a label column in front that is not part of the block
    labels = np.array([[f"r{i}"] for i in range(block.shape[0])], dtype=object)
    flat = pa.array(np.hstack([labels, block]).ravel().tolist(), pa.string())
    part = slice(1, width + 1)
    _same_parse(parse_rows(flat, width + 1, part, *fmt), parse_cells(block, *fmt))
    assert format_sample_rows(flat, width + 1, part).tolist() == _strings(block).tolist()
    assert detect_from_sample(sample, ";") == detect_from_sample(_strings(block), ";")


@settings(max_examples=60, deadline=None)
@given(
    fields=st.lists(
        st.lists(st.text(alphabet='ab,;"\t 1.', max_size=5), min_size=3, max_size=3),
        min_size=1,
        max_size=8,
    )
)
def test_pyarrow_splits_fields_as_the_csv_module(tmp_path_factory, fields):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["h1", "h2", "h3"], *fields])
    text = buf.getvalue()
    if "\r" in text or any("\n" in c for r in fields for c in r):
        return
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    path.write_text(text)
    classic = grid_mod.read_csv_grid(path, sep=",")
    old = csv_arrow.MIN_BYTES
    csv_arrow.MIN_BYTES = 0
    try:
        g = csv_arrow.read_csv_columns(path, sep=",")
    finally:
        csv_arrow.MIN_BYTES = old
    if g is None:  # blank lines or ragged rows: the csv module reads it
        return
    assert [g.column(j) for j in range(g.width)] == [
        classic.cells[:, j].tolist() for j in range(classic.cells.shape[1])
    ]
    assert same_cells(g.cells[:, :16], classic.cells[:, :16])
