"""Memory of the CSV fast path, as invariants that do not depend on the machine.

Python and numpy allocations are traced (tracemalloc); pyarrow's buffers are not, so
the text of the body is followed through the grid's chunks instead. Before the head
view, the layout search alone held a full-shape object array of the grid (8 bytes a
cell) and ``find_codes`` a second one: about 1.5 times this file.
"""

from __future__ import annotations

import tracemalloc
import warnings
import weakref

import numpy as np
import pytest

from linkage.core.table import IOTable
from linkage.io import csv_arrow, read_table, wide
from linkage.io import tables as tables_mod
from linkage.io.wide_layout import generic_lines
from linkage.io.wide_lines import parse_block


@pytest.fixture(scope="module")
def wide_csv(tmp_path_factory):
    """A 1000-sector wide CSV (about 11 MB): title, header, sectors, value added."""
    n = 1000
    rng = np.random.default_rng(7)
    Z = rng.random((n, n)) * 100
    fd = rng.random(n) * 1e4
    x = Z.sum(axis=1) + fd
    lines = [
        "Tabel IO (juta rupiah)",
        ",".join(["sektor", *(f"s{i}" for i in range(n)), "fd", "x"]),
    ]
    for i in range(n):
        vals = ",".join(f"{v:.6f}" for v in (*Z[i], fd[i], x[i]))
        lines.append(f"s{i},{vals}")
    lines.append("nilai tambah," + ",".join(f"{v:.6f}" for v in x - Z.sum(axis=0)) + ",,")
    path = tmp_path_factory.mktemp("mem") / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_layout_search_holds_no_full_shape_array(wide_csv):
    tracemalloc.start()
    try:
        g = csv_arrow.read_csv_columns(wide_csv)
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        found = tables_mod._layout(g)
        assert tables_mod.find_codes(g) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found[0] == "wide" and g.cells._full is None
    full_shape = g.cells.shape[0] * g.cells.shape[1] * 8  # 0.8 times this file
    # the grid keeps its head and left parts (Python strings), well below one full-shape
    # pointer array; the layout search and find_codes add less than another one
    assert kept < 0.6 * full_shape, kept / full_shape
    assert peak < full_shape, peak / full_shape


def test_text_is_dropped_as_the_block_is_parsed(wide_csv, monkeypatch):
    monkeypatch.setattr(csv_arrow, "BLOCK_BYTES", 1 << 20)
    g = csv_arrow.read_csv_columns(wide_csv)
    text = sum(c.nbytes for c in g.chunks)
    assert 0.9 < text / wide_csv.stat().st_size < 1.5  # the fields, about the file
    kept = []
    drop = g.drop_chunks

    def spy(stop):
        drop(stop)
        kept.append(sum(c.nbytes for c in g.chunks if c is not None))

    monkeypatch.setattr(g, "drop_chunks", spy)
    header, label_col = tables_mod._layout(g)[1]
    rows, cols = generic_lines(g, header, label_col)
    block = parse_block(g, rows, cols, None, None, tables_mod.Diagnostics())
    assert block.values.shape == (1001, 1002)
    # the text kept shrinks batch by batch: half of it is gone half-way through
    assert len(kept) >= 5 and kept[len(kept) // 2] < 0.6 * text and kept[-1] == 0
    assert all(c is None for c in g.chunks)


def test_parsed_block_is_gone_when_the_table_is_built(wide_csv, monkeypatch):
    """The reader hands the table its own copy of Z and drops the parsed cells first, so
    the build holds one Z beside the parse's values no longer (0.5x of this file less)."""
    blocks, seen = [], []
    parse = wide.parse_block
    build = IOTable.from_arrays.__func__

    def spy_parse(*a, **k):
        block = parse(*a, **k)
        blocks.append(weakref.ref(block.values))
        return block

    def spy_build(cls, Z, *a, **k):
        seen.append((blocks[-1]() is None, k.get("copy", True)))
        return build(cls, Z, *a, **k)

    monkeypatch.setattr(wide, "parse_block", spy_parse)
    monkeypatch.setattr(IOTable, "from_arrays", classmethod(spy_build))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixture's value added is negative in places
        t = read_table(wide_csv)
    assert t.n == 1000 and seen == [(True, False)]
