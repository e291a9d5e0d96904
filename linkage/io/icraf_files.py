"""The files of an ICRAF / AKSARA province folder: their cells, numbers and orientation.

:func:`read_rows` reads one header-less CSV file; :func:`read_numbers` parses a numeric
file, setting apart a header row or label column when it has one, into a :class:`Block`;
:func:`orient` turns a final-demand or primary-input block so that sectors run along the
expected axis; :func:`read_employment` reads ``07_tenaga_kerja.csv``. The layout is
described in :mod:`linkage.io.icraf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.diagnostics import Diagnostics
from ..errors import DataQualityWarning, InputFileError
from .grid import empty_mask, read_csv_grid
from .numbers import number_findings, parse_cells

__all__ = [
    "ICRAF_FILES",
    "is_icraf_folder",
    "read_rows",
    "read_names",
    "Block",
    "read_numbers",
    "orient",
    "read_employment",
]

ICRAF_FILES = {
    "sectors": "01_sektor.csv",
    "Z": "02_input_antara.csv",
    "fd_names": "03_komponen_permintaan_akhir.csv",
    "fd": "04_permintaan_akhir.csv",
    "pi_names": "05_komponen_input_primer.csv",
    "pi": "06_input_primer.csv",
    "employment": "07_tenaga_kerja.csv",
}


def is_icraf_folder(path) -> bool:
    """True when ``path`` is a folder with the ICRAF files (``02_input_antara.csv`` at least)."""
    path = Path(path)
    return path.is_dir() and (path / ICRAF_FILES["Z"]).exists()


def read_rows(path: Path, diag: Diagnostics):
    """Non-empty rows of a header-less CSV file as a cell grid, and their 1-based numbers."""
    g = read_csv_grid(path)
    diag.extend(g.diagnostics)
    filled = ~empty_mask(g.cells)
    keep = filled.any(axis=1)
    skipped = int((~keep).sum())
    if skipped:
        diag.add(
            "skipped_empty_rows",
            f"{path.parent.name}/{path.name}: {skipped} empty rows skipped",
            skipped,
        )
    cells = g.cells[keep]
    # drop trailing empty columns (a trailing separator on every line)
    if cells.size:
        cols = np.flatnonzero(filled[keep].any(axis=0))
        cells = cells[:, : cols[-1] + 1] if len(cols) else cells[:, :0]
    return cells, [r for r, k in zip(g.rows, keep, strict=True) if k], g.sep


def read_names(path: Path, diag):
    cells, _, _ = read_rows(path, diag)
    return [" ".join(str(c).split()) for c in cells[:, 0]] if cells.size else []


@dataclass
class Block:
    """Numbers of a final-demand or primary-input file and what the file says about them.

    ``row_labels`` / ``col_labels``: a label column / header row found in the file (None
    for the usual header-less file); ``lines``: how each row and column of ``values`` is
    named in messages (``"row 3"``, ``"column 2"``); ``shape``: the shape in the file;
    ``transposed``: ``values`` is the file transposed.
    """

    values: np.ndarray
    row_labels: list | None
    col_labels: list | None
    lines: tuple
    transposed: bool = False
    shape: tuple | None = None

    def __post_init__(self):
        if self.shape is None:
            self.shape = self.values.shape

    @property
    def note(self) -> str:
        return " (read transposed)" if self.transposed else ""

    def expect(self, shape) -> tuple:
        """An expected shape of ``values`` as it would be in the file."""
        return tuple(shape[::-1]) if self.transposed else tuple(shape)


def read_numbers(raw, path: Path, fmt, diag, prov, labels: bool) -> Block:
    """Parse the cells of one file; with ``labels``, a header row / label column is set apart.

    Any other cell that is not a number is an error naming the file, row, column and value.
    """
    cells, rownums, _ = raw
    r0, c0 = _label_lines(cells, fmt) if labels else (0, 0)
    header = [clean(c) for c in cells[0, c0:]] if r0 else None
    label_col = [clean(c) for c in cells[r0:, 0]] if c0 else None
    block = cells[r0:, c0:]
    res = parse_cells(block, fmt.decimal, fmt.thousands)
    if res.bad.any():
        i, j = map(int, np.argwhere(res.bad)[0])
        raise InputFileError(
            f"not a number; {int(res.bad.sum())} such cells",
            path=path,
            row=rownums[r0 + i],
            column=c0 + j + 1,
            value=block[i, j],
        )
    number_findings(diag, res.counts, fmt, f"{prov}/{path.name}")
    if r0 or c0:
        what = [w for w, on in (("a header row", r0), ("a label column", c0)) if on]
        diag.add(
            "skipped_labels", f"{prov}/{path.name}: {' and '.join(what)} read as labels, not data"
        )
    lines = (
        [f"row {r}" for r in rownums[r0:]],
        [f"column {c0 + j + 1}" for j in range(block.shape[1])],
    )
    return Block(res.values, label_col, header, lines)


def clean(label) -> str:
    return " ".join(str(label).split())


def _label_lines(cells, fmt):
    """``(1 or 0, 1 or 0)``: whether the first row / first column hold labels, not numbers.

    A line holds labels when it has text that is not a number and no number (blank cells
    and, for the header row, the corner cell do not count).

    Examples
    --------
    >>> from linkage.io.numbers import NumberFormat
    >>> cells = np.array([["", "a", "b"], ["K", "1", "2"], ["G", "3", "4"]], dtype=object)
    >>> _label_lines(cells, NumberFormat(".", ","))
    (1, 1)
    >>> _label_lines(cells[1:, 1:], NumberFormat(".", ","))
    (0, 0)
    """
    if cells.shape[0] < 2 or cells.shape[1] < 1:
        return 0, 0
    bad = parse_cells(cells, fmt.decimal, fmt.thousands).bad
    number = ~bad & ~empty_mask(cells)

    def labels(b, num):
        return bool(b.any()) and not bool(num.any())

    first_col = labels(bad[1:, 0], number[1:, 0]) and cells.shape[1] > 1
    c0 = int(first_col)
    r0 = int(labels(bad[0, c0:], number[0, c0:]))
    if not r0 and first_col:  # no header row: the label column starts in the first row
        c0 = int(labels(bad[:, 0], number[:, 0]))
    return r0, c0


def _sector_hits(labels, keys) -> int:
    if not labels:
        return 0
    return sum(clean(lab).casefold() in keys for lab in labels)


def orient(block: Block, sectors, axis: int, path: Path, diag, prov) -> Block:
    """Turn ``block`` so that sectors run along ``axis`` (0: rows, 1: columns), as expected.

    The orientation is read from the labels when the file has any (a header row or a label
    column whose labels are the sector names of ``01_sektor.csv``); in a header-less file,
    from the shape (the number of sectors fits the other axis only). A file read
    transposed is reported (``read_transposed``).
    """
    n = len(sectors)
    keys = {clean(s).casefold() for s in sectors}
    hits = (_sector_hits(block.row_labels, keys), _sector_hits(block.col_labels, keys))
    found, how = axis, None
    if max(hits) >= max(1, n // 2) and hits[0] != hits[1]:
        found = int(hits[1] > hits[0])
        how = f"its {('row', 'column')[found]} labels are sector names of 01_sektor.csv"
    elif block.shape[axis] != n and block.shape[1 - axis] == n:
        found = 1 - axis
        how = (
            f"{n} sectors in 01_sektor.csv fit its {block.shape[1 - axis]} "
            f"{('rows', 'columns')[1 - axis]}, not its {block.shape[axis]} "
            f"{('rows', 'columns')[axis]}"
        )
    sector_labels = (block.row_labels, block.col_labels)[found]
    if sector_labels is not None and len(sector_labels) == n:
        differ = sum(
            clean(a).casefold() != clean(b).casefold()
            for a, b in zip(sector_labels, sectors, strict=True)
        )
        if differ:
            diag.add(
                "sector_names_differ",
                f"{prov}/{path.name}: {differ} sector labels differ from 01_sektor.csv; "
                "matched by position",
                differ,
                level="warning",
                warn=DataQualityWarning,
                stacklevel=6,
            )
    if found == axis:
        return block
    diag.add(
        "read_transposed",
        f"{prov}/{path.name} read transposed: sectors are its {('rows', 'columns')[found]} "
        f"({block.shape[0]} rows x {block.shape[1]} columns; {how})",
        level="warning",
        warn=DataQualityWarning,
        stacklevel=6,
    )
    return Block(
        block.values.T,
        block.col_labels,
        block.row_labels,
        block.lines[::-1],
        transposed=True,
        shape=block.shape,
    )


def read_employment(emp_raw, path, sectors, fmt, diag, prov):
    """Employment by sector: the last column (a header line is skipped).

    A file with the sectors along its columns instead (one line of numbers, or lines
    ``ID`` / ``Sektor`` / ``Labour``) is read transposed and reported.
    """
    cells, rownums, _ = emp_raw
    n = len(sectors)

    def cell(i, j):  # (row, column) in the file of cells[i, j]
        return rownums[i], j + 1

    if cells.shape[0] not in (n, n + 1) and cells.shape[1] in (n, n + 1):
        diag.add(
            "read_transposed",
            f"{prov}/{path.name} read transposed: sectors are its columns "
            f"({cells.shape[0]} rows x {cells.shape[1]} columns; {n} sectors in "
            f"{ICRAF_FILES['sectors']})",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
        cells = cells.T

        def cell(i, j):
            return rownums[j], i + 1

    first = parse_cells(cells[:1, -1:], fmt.decimal, fmt.thousands)
    h = int(first.bad.any())  # a header line: ID, Sektor, Labour
    res = parse_cells(cells[h:, -1:], fmt.decimal, fmt.thousands)
    if res.bad.any():
        i = h + int(np.flatnonzero(res.bad[:, 0])[0])
        row, column = cell(i, cells.shape[1] - 1)
        raise InputFileError("not a number", path=path, row=row, column=column, value=cells[i, -1])
    cells = cells[h:]
    values = res.values[:, 0]
    if values.shape[0] != n:
        raise InputFileError(
            f"{path.name} has {values.shape[0]} sector rows but "
            f"{ICRAF_FILES['sectors']} lists {n} sectors",
            path=path,
        )
    if cells.shape[1] >= 2:
        names = [" ".join(str(c).split()).casefold() for c in cells[:, -2]]
        differ = sum(a != b.casefold() for a, b in zip(names, sectors, strict=True))
        if differ:
            diag.add(
                "employment_names",
                f"{prov}/{path.name}: {differ} sector names differ "
                f"from {ICRAF_FILES['sectors']}; matched by position",
                differ,
            )
    diag.add("employment_row", f"{prov}: employment from {path.name} ({values.sum():,.0f} persons)")
    return values
