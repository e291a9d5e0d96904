"""The CSV fast path read a block at a time: the same grid, cells and numbers as the csv
module, the head view of the cells, and the text dropped as it is parsed."""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pytest
from builders import random_table
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.io import csv_arrow, write_table
from linkage.io import tables as tables_mod
from linkage.io.grid import read_csv_grid
from linkage.io.numbers import parse_cells
from linkage.io.numbers_arrow import parse_rows
from linkage.io.wide_layout import HeadCells


def _write(path, rows, *, crlf=False, bom=False, final_break=True):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    text = buf.getvalue() if final_break else buf.getvalue().rstrip("\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def _table_rows(n_rows: int, width: int, seed: int = 0, quoted: bool = True) -> list:
    rng = np.random.default_rng(seed)
    rows = [["Tabel"], ["sektor"] + [f"s{j}" for j in range(1, width)]]
    for i in range(n_rows):
        vals = [repr(float(v)) for v in np.round(rng.random(width - 1) * 1000, 3)]
        if quoted and i % 7 == 3:
            vals[1] = "1,5"  # quoted by the writer: split by the csv module
        rows.append([f"s{i + 1}"] + vals)
    return rows


@pytest.fixture
def small_blocks(monkeypatch):
    """Any file through pyarrow, read in blocks of a few lines (many chunks)."""
    monkeypatch.setattr(csv_arrow, "MIN_BYTES", 0)
    monkeypatch.setattr(csv_arrow, "BLOCK_BYTES", 97)


@pytest.mark.parametrize("crlf, bom, final_break", [(0, 0, 1), (1, 0, 1), (0, 1, 0), (1, 1, 0)])
def test_blocks_give_the_csv_modules_grid(tmp_path, small_blocks, crlf, bom, final_break):
    path = _write(
        tmp_path / "t.csv", _table_rows(40, 6), crlf=crlf, bom=bom, final_break=final_break
    )
    g, classic = csv_arrow.read_csv_columns(path), read_csv_grid(path)
    assert len(g.chunks) > 5
    assert g.cells.shape == classic.cells.shape
    cols = [g.column(j) for j in range(g.width)]
    assert cols == classic.cells.T.tolist()
    assert [g.text(i, 3) for i in range(len(g.rows))] == classic.cells[:, 3].tolist()
    # after the text is dropped, a cell is read again from its line in the file
    g.release()
    assert all(c is None for c in g.chunks)
    assert [g.text(i, j) for i in (0, 1, 5, 41) for j in (0, 2, 5)] == [
        classic.cells[i, j] for i in (0, 1, 5, 41) for j in (0, 2, 5)
    ]


def test_long_lines_and_bad_rows_in_later_blocks(tmp_path, small_blocks):
    rows = _table_rows(30, 4)
    rows[20] = rows[20] + ["x" * 500]  # a longer row after the first blocks: ragged
    assert csv_arrow.read_csv_columns(_write(tmp_path / "r.csv", rows)) is None
    rows = _table_rows(30, 4)
    rows[25][2] = "y" * 300  # a line longer than a block
    path = _write(tmp_path / "l.csv", rows)
    g = csv_arrow.read_csv_columns(path)
    assert g.column(2) == read_csv_grid(path).cells[:, 2].tolist()
    lone = tmp_path / "c.csv"
    lone.write_bytes(path.read_bytes()[:-200] + b"1\r2\n")
    assert csv_arrow.read_csv_columns(lone) is None
    nul = tmp_path / "n.csv"
    nul.write_bytes(path.read_bytes()[:-50] + b"\x00,1,2,3\n")  # after the head
    assert csv_arrow.read_csv_columns(nul) is None
    bad = tmp_path / "u.csv"
    bad.write_bytes(path.read_bytes()[:-50] + b"\xff\xfe,1,2,3\n")
    assert csv_arrow.read_csv_columns(bad) is None


def test_drain_parses_as_parse_cells_and_drops_the_text(tmp_path, small_blocks):
    path = _write(tmp_path / "t.csv", _table_rows(50, 5))
    g, classic = csv_arrow.read_csv_columns(path), read_csv_grid(path)
    rows = list(range(2, len(g.rows)))
    block = classic.cells[2:, 1:]
    expect = parse_cells(block, ".", ",")
    flat = g.body_rows(rows)
    assert len(flat) == len(rows) * g.width
    # the line break of a row stays in its last field (every reader strips it)
    got = [x.rstrip("\n") for x in flat.slice(7, 9).to_pylist()]
    assert got == classic.cells[2:, :].ravel()[7:16].tolist()
    seen = []
    for r0, r1, part in flat.drain(3):
        seen.append((r0, r1, sum(c is None for c in g.chunks)))
        assert len(part) == (r1 - r0) * g.width
    assert seen[0][:2] == (0, 3) and seen[-1][1] == len(rows)
    assert seen[-1][2] > seen[0][2]  # chunks dropped as the rows were read
    assert g.body_rows(rows) is None  # the text is gone
    g2 = csv_arrow.read_csv_columns(path)
    got = parse_rows(g2.body_rows(rows), g2.width, slice(1, g2.width), ".", ",")
    np.testing.assert_array_equal(got.values, expect.values)
    np.testing.assert_array_equal(got.bad, expect.bad)
    for k in expect.flags:
        np.testing.assert_array_equal(got.flags[k], expect.flags[k], err_msg=k)
    assert sum(c is not None for c in g2.chunks) <= 1  # each chunk dropped once parsed


def test_layout_search_reads_the_head_view_only(tmp_path, small_blocks, monkeypatch):
    path = write_table(random_table(60, 4), tmp_path / "t.csv")
    g = csv_arrow.read_csv_columns(path)
    assert isinstance(g.cells, HeadCells)
    assert g.cells.head.shape == (csv_arrow.HEAD_ROWS, g.width)
    assert g.cells.left.shape == (len(g.rows), 16)
    assert tables_mod._layout(g)[0] == "wide"
    assert tables_mod.find_codes(g) is None
    assert g.cells._full is None  # no reader looked outside the two parts
    # and the table is the csv module's
    t = tables_mod.read_table(path)
    monkeypatch.setattr(tables_mod, "read_csv_columns", lambda *a, **k: None)
    classic = tables_mod.read_table(path)
    np.testing.assert_array_equal(np.asarray(t.Z), np.asarray(classic.Z))
    assert [str(f) for f in t.diagnostics.findings] == [
        str(f) for f in classic.diagnostics.findings
    ]


_KEYS = st.one_of(
    st.integers(-12, 11),
    st.builds(
        slice,
        st.none() | st.integers(-14, 14),
        st.none() | st.integers(-14, 14),
        st.none() | st.sampled_from([1, 2, -1, -3]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(r=_KEYS, c=_KEYS | st.none(), n_head=st.integers(0, 12), n_left=st.integers(0, 7))
def test_head_cells_index_as_the_full_array(r, c, n_head, n_left):
    n, width = 12, 7
    full = np.full((n, width), None, dtype=object)
    full[:, :n_left] = np.arange(n * n_left).reshape(n, n_left)
    full[:n_head] = np.arange(n_head * width).reshape(n_head, width) + 1000
    view = HeadCells(full[:n_head].copy(), full[:, :n_left].copy(), width)
    key = r if c is None else (r, c)
    try:
        expect = full[key]
    except IndexError:
        with pytest.raises(IndexError):
            view[key]
        return
    got = view[key]
    assert np.array_equal(np.asarray(got, dtype=object), np.asarray(expect, dtype=object))
    assert np.asarray(view).tolist() == full.tolist()


def test_head_cells_inside_the_parts_are_views():
    head = np.array([["a", "b", "c"], ["d", "e", "f"]], dtype=object)
    left = np.array([["a"], ["d"], ["g"], ["h"]], dtype=object)
    view = HeadCells(head, left, 3)
    for key in (0, -3, slice(None, 2), (1, 2), (slice(1, None), 0), (-1, slice(0, 1))):
        got = view[key]
        assert not isinstance(got, np.ndarray) or got.base is head or got.base is left
    assert view._full is None
    assert view[3, 1] is None and view._full is not None


def test_find_codes_on_the_parts_is_find_bps_codes_on_the_grid(tmp_path):
    from linkage.io.bps import find_bps_codes
    from linkage.io.grid import Grid

    rng = np.random.default_rng(3)
    cells = np.array(rng.random((130, 90)), dtype=object)
    cells[:, :3] = None
    cells[5, 3:9] = ["1800", "3011", "3012", 3020.0, "x", "3100"]
    cells[30:40, 1] = ["190d", "2000", "1,5", "2100", None, "201", "202", "209", "1.5", "x"]
    cells[60, 1] = "2001"
    g = Grid(cells, "t.csv", list(range(1, 131)))
    assert tables_mod.find_codes(g) == find_bps_codes(g) == (5, 1)
    cells[5, 3:9] = "0.5"
    assert tables_mod.find_codes(g) is None and find_bps_codes(g) is None


def test_parse_rows_takes_only_the_block_columns():
    flat = pa.array(["(1)", "2", "x", "3", "4", "y"])
    r = parse_rows(flat, 3, slice(1, 2))
    assert r.values.tolist() == [[2.0], [4.0]] and not r.bad.any()
    assert r.counts == {}
