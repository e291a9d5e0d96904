"""Which rows and columns of a located wide table hold data, and their numbers.

:func:`parse_block` parses the value cells of a table located by
:mod:`linkage.io.wide_layout` (or :mod:`linkage.io.bps`) into a :class:`ValueBlock`; the
steps after it narrow down the lines read as data, each reporting what it skips:
lines without numbers (:func:`skip_text_lines`), labels above the first sector row or left
of the first sector column (:func:`skip_header_lines`), rows and columns hidden in an
Excel sheet (reported, or skipped when asked: :func:`report_hidden_lines`), unnamed
columns and unlabelled
rows (:func:`check_labels`), cells that are not numbers (:func:`check_numbers`) and
repeated labels (:func:`rename_duplicates`). The rules are listed in
:mod:`linkage.io.wide`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataQualityWarning, InputFileError
from .csv_arrow import ColumnCells, ColumnGrid
from .grid import Grid, empty_mask
from .labels import norm_label
from .numbers import (
    NumberFormat,
    ParseResult,
    _strings,
    detect_from_sample,
    number_findings,
    parse_cells,
)
from .numbers_arrow import format_sample_rows, parse_rows
from .wide_layout import LineSpec

__all__ = [
    "ValueBlock",
    "parse_block",
    "skip_text_lines",
    "skip_header_lines",
    "report_hidden_lines",
    "check_labels",
    "check_numbers",
    "rename_duplicates",
]


@dataclass
class ValueBlock:
    """The value cells of a wide table, parsed, and which of its lines are kept as data.

    ``cells`` are the raw cells at ``rows.pos`` x ``cols.pos``, ``parsed`` their numbers,
    ``filled`` the non-empty cells; ``keep_r`` / ``keep_c`` mark the rows and columns read
    as data so far (the steps of this module narrow them in place). ``total_keys`` are the
    keys of lines known to be totals, ``row_keys`` / ``col_keys`` the other row and column
    keys, all as first read (before unnamed columns are named).
    """

    grid: Grid
    rows: LineSpec
    cols: LineSpec
    cells: np.ndarray
    fmt: NumberFormat
    parsed: ParseResult
    filled: np.ndarray
    keep_r: np.ndarray
    keep_c: np.ndarray
    total_keys: set
    row_keys: set
    col_keys: set

    @property
    def values(self) -> np.ndarray:
        return self.parsed.values

    @property
    def bad(self) -> np.ndarray:
        return self.parsed.bad

    def line_name(self, kind: str, q: int) -> str:
        """``"row 7"`` or ``"column D"``: where row (or column) ``q`` is in the file."""
        if kind.startswith("row"):
            return f"row {self.grid.rows[self.rows.pos[q]]}"
        return f"column {self.grid.col_name(self.cols.pos[q])}"

    def line_desc(self, kind: str, q: int) -> str:
        """:meth:`line_name` and the line's label, if it has one."""
        spec = self.rows if kind.startswith("row") else self.cols
        return self.line_name(kind, q) + (f" {spec.label[q]!r}" if spec.label[q] else "")

    def cell(self, r: int, c: int, *, by_label: bool = True) -> dict:
        """``row``, ``column`` and ``value`` of cell (r, c), for an :class:`InputFileError`.

        The column is named by its label when it has one (``by_label``), else by position.
        """
        column = self.grid.col_name(self.cols.pos[c])
        if by_label:
            column = self.cols.label[c] or column
        return dict(
            path=self.grid.path,
            row=self.grid.rows[self.rows.pos[r]],
            column=column,
            value=self.cells[r, c],
        )


def parse_block(grid: Grid, rows: LineSpec, cols: LineSpec, decimal, thousands, diag):
    """Parse the value cells of a located table with one number format (given or detected).

    Raises
    ------
    InputFileError
        The table has no value cells.
    """
    if not (rows.pos and cols.pos):
        raise InputFileError("the table has no value cells", path=grid.path)
    flat = grid.body_rows(rows.pos) if isinstance(grid, ColumnGrid) else None
    run = cols.pos[-1] - cols.pos[0] + 1 == len(cols.pos)
    if flat is not None and run:
        # the CSV fast path: the same parse on the text in one pyarrow array
        part, width = slice(cols.pos[0], cols.pos[-1] + 1), grid.width
        block = ColumnCells(grid, rows.pos, cols.pos)
        sample = lambda: format_sample_rows(flat, width, part)  # noqa: E731
        fmt = _number_format(sample, True, grid, decimal, thousands, diag)
        parsed = parse_rows(flat, width, part, fmt.decimal, fmt.thousands)
        filled = ~parsed.flags["empty"]
        del flat
        grid.release()  # the text is no longer needed (a message reads it again)
    else:
        if isinstance(grid, ColumnGrid):  # title rows in the block: read them as text
            block = np.array([[grid.text(i, j) for j in cols.pos] for i in rows.pos], object)
        else:
            block = grid.cells[np.ix_(rows.pos, cols.pos)]
        if block.size == 0:
            raise InputFileError("the table has no value cells", path=grid.path)
        has_text = any(isinstance(x, str) for x in block.ravel()[:1000])
        fmt = _number_format(lambda: _strings(block), has_text, grid, decimal, thousands, diag)
        parsed = parse_cells(block, fmt.decimal, fmt.thousands)
        filled = ~empty_mask(block)
    # a label named like a total (or with a BPS total code) is never a sector, even when
    # it is both a row and a column ("Jumlah", "Total", "SUM")
    total_keys = {k for k, s in zip(rows.key, rows.strong, strict=True) if s}
    total_keys |= {k for k, s in zip(cols.key, cols.strong, strict=True) if s}
    shape = block.shape
    return ValueBlock(
        grid,
        rows,
        cols,
        block,
        fmt,
        parsed,
        filled,
        np.ones(shape[0], dtype=bool),
        np.ones(shape[1], dtype=bool),
        total_keys,
        {k for k in rows.key if k} - total_keys,
        {k for k in cols.key if k} - total_keys,
    )


def _number_format(sample, has_text, grid: Grid, decimal, thousands, diag) -> NumberFormat:
    """The number format set by ``decimal`` (and ``thousands``), else detected (from
    ``sample()``, see :func:`~linkage.io.numbers.detect_from_sample`) and reported."""
    if decimal is not None:
        if thousands is None:
            thousands = "." if decimal == "," else ","
        return NumberFormat(decimal, thousands, False, "set by option")
    fmt = detect_from_sample(sample(), hint_sep=grid.sep)
    if thousands is not None:
        fmt = type(fmt)(fmt.decimal, thousands, fmt.ambiguous, fmt.reason)
    if fmt.ambiguous:
        diag.add(
            "number_format_ambiguous",
            f"{grid.short}: {fmt.reason}; pass decimal= to choose",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=7,
        )
    elif has_text:
        diag.add(
            "number_format",
            f"{grid.short}: decimal {fmt.decimal!r}, thousands {fmt.thousands!r} ({fmt.reason})",
        )
    return fmt


def skip_text_lines(p: ValueBlock, diag) -> None:
    """Skip lines with no numbers at all (empty, second header rows, codes, notes).

    A sector line (a label both a row and a column) is never skipped: blank means zeros,
    but text in it is an error.
    """
    text_row = p.bad.sum(axis=1) == p.filled.sum(axis=1)
    text_col = p.bad.sum(axis=0) == p.filled.sum(axis=0)
    for spec, text, other, kind in (
        (p.rows, text_row, p.col_keys, "row"),
        (p.cols, text_col, p.row_keys, "column"),
    ):
        for i in np.flatnonzero(text):
            if spec.key[i] and spec.key[i] in other:
                line = p.filled[i] if kind == "row" else p.filled[:, i]
                if line.any():
                    q = int(np.flatnonzero(line)[0])
                    r, c = (i, q) if kind == "row" else (q, i)
                    raise InputFileError(
                        f"sector {kind} {spec.label[i]!r} has no numbers", **p.cell(r, c)
                    )
                text[i] = False
    p.keep_r &= ~text_row
    p.keep_c &= ~text_col
    _report_text_lines(p, text_row, text_col, diag)


def _report_text_lines(p: ValueBlock, text_row, text_col, diag) -> None:
    """Count the empty rows and list the skipped rows and columns without numbers."""
    short, filled = p.grid.short, p.filled
    no_label = np.array([not k for k in p.rows.key])
    n_empty_r = int(((filled.sum(axis=1) == 0) & no_label).sum())
    skipped_r = [
        i for i in range(len(p.rows.pos)) if text_row[i] and (filled[i].any() or not no_label[i])
    ]
    skipped_c = [j for j in range(len(p.cols.pos)) if text_col[j] and filled[:, j].any()]
    if n_empty_r:
        diag.add("skipped_empty_rows", f"{short}: {n_empty_r} empty rows skipped", n_empty_r)
    for kind, lst in (("rows", skipped_r), ("columns", skipped_c)):
        if lst:
            shown = ", ".join(p.line_desc(kind, i) for i in lst[:5])
            diag.add(
                f"skipped_text_{kind}",
                f"{short}: {len(lst)} {kind} without numbers "
                f"skipped: {shown}{' ...' if len(lst) > 5 else ''}",
                len(lst),
            )


def skip_header_lines(p: ValueBlock, sectors, diag) -> None:
    """Lines above the first sector row or left of the first sector column are labels
    (codes, numbering, units), never data: skipped, with a warning unless they number the
    lines."""
    rows, cols = p.rows, p.cols
    both = (p.row_keys & p.col_keys) - {""}
    if sectors is not None:
        wanted = {norm_label(x) for x in sectors}
        both &= wanted | {
            rows.key[i] for i in range(len(rows.pos)) if norm_label(rows.label[i]) in wanted
        }
    first_r = next((i for i in range(len(rows.pos)) if rows.key[i] in both), len(rows.pos))
    first_c = next((j for j in range(len(cols.pos)) if cols.key[j] in both), len(cols.pos))
    for kind, keep, first in (("rows", p.keep_r, first_r), ("columns", p.keep_c, first_c)):
        pre = [q for q in np.flatnonzero(keep[:first])]
        if not pre or not both:  # no sectors at all: the error comes later
            continue
        keep[pre] = False
        where = ", ".join(p.line_desc(kind, q) for q in pre[:5])
        side = "above the first sector row" if kind == "rows" else "left of the first sector column"
        # column numbering "(1) (2) (3)" or row numbering "1 2 3" is expected there
        numbering = all(
            is_numbering(
                p.values[q][p.filled[q]] if kind == "rows" else p.values[p.filled[:, q], q]
            )
            for q in pre
        )
        diag.add(
            f"skipped_header_{kind}",
            f"{p.grid.short}: {len(pre)} {kind} {side} read as labels "
            f"(codes, numbering, units), not data: {where}",
            len(pre),
            level="info" if numbering else "warning",
            warn=None if numbering else DataQualityWarning,
            stacklevel=6,
        )


def is_numbering(values) -> bool:
    """True for a numbering line: whole numbers going up by one, e.g. (1) (2) (3).

    Examples
    --------
    >>> is_numbering([1, 2, 3]), is_numbering([-1, -2, -3]), is_numbering([1, 2, 301])
    (True, True, False)
    """
    v = np.abs(np.asarray(values, dtype=float))
    return v.size >= 2 and bool(np.all(np.diff(v) == 1)) and float(v[0]).is_integer()


def check_labels(p: ValueBlock, diag) -> None:
    """Name columns with values but no header; a row with values but no label is an error.

    Lines without a label are then dropped.
    """
    keep_r, keep_c, filled = p.keep_r, p.keep_c, p.filled
    _name_unnamed_columns(
        p.grid,
        p.cols,
        [j for j in np.flatnonzero(keep_c) if not p.cols.key[j] and filled[keep_r, j].any()],
        diag,
    )
    for i in np.flatnonzero(keep_r):
        if not p.rows.key[i] and filled[i, keep_c].any():
            j = int(np.flatnonzero(filled[i] & keep_c)[0])
            raise InputFileError("row has numbers but no label", **p.cell(i, j, by_label=False))
    keep_r &= np.array([bool(k) for k in p.rows.key])
    keep_c &= np.array([bool(k) for k in p.cols.key])


def _name_unnamed_columns(grid: Grid, cols: LineSpec, unnamed: list, diag) -> None:
    """Give columns with numbers but no header a name, with a warning each.

    One such column is ``"final demand"`` (a table whose only final-demand column has no
    name), several are ``"column <position>"``; like any other column they may still
    turn out to be totals.
    """
    taken = set(cols.key)
    for j in unnamed:
        where = grid.col_name(cols.pos[j])
        new = "final demand" if len(unnamed) == 1 else f"column {where}"
        if norm_label(new) in taken:
            new = f"column {where}"
        cols.label[j], cols.key[j] = new, norm_label(new)
        taken.add(cols.key[j])
        diag.add(
            "unnamed_column",
            f"{grid.short}: column {where} has numbers but no header; it is read as "
            f"{new!r} (name it in the file to be sure)",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=7,
        )


def check_numbers(p: ValueBlock, decimal, diag) -> None:
    """A kept cell that is not a number is an error; reinterpreted cells are counted.

    Raises
    ------
    InputFileError
        Naming the first such cell, the count, and the number format when it was detected.
    """
    kept = p.keep_r[:, None] & p.keep_c[None, :]
    badk = p.bad & kept
    if badk.any():
        i, j = map(int, np.argwhere(badk)[0])
        hint = (
            ""
            if decimal is not None
            else (
                f" (numbers read with decimal {p.fmt.decimal!r}, thousands "
                f"{p.fmt.thousands!r}; set decimal=/thousands= if that is wrong)"
            )
        )
        raise InputFileError(f"not a number{hint}; {int(badk.sum())} such cells", **p.cell(i, j))
    number_findings(diag, p.parsed.counts_in(kept), p.fmt, p.grid.short)


def rename_duplicates(p: ValueBlock, r_idx, c_idx, diag) -> None:
    """Repeated labels: an error for sector labels, renamed (and reported) for other lines.

    The second ``"Jumlah"`` becomes ``"Jumlah (2)"``; two totals with one name are only
    reported as an info.
    """
    rows, cols, short = p.rows, p.cols, p.grid.short
    other_keys = {
        "row": {cols.key[j] for j in c_idx} - p.total_keys,
        "column": {rows.key[i] for i in r_idx} - p.total_keys,
    }
    for spec, idx, kind in ((rows, r_idx, "row"), (cols, c_idx, "column")):
        seen = {}
        for i in idx:
            k = spec.key[i]
            if k in seen:
                a, b = (p.line_name(kind, q) for q in (seen[k], i))
                if k in other_keys[kind]:
                    raise InputFileError(
                        f"sector label {spec.label[i]!r} appears twice as a {kind} ({a} and {b})",
                        path=p.grid.path,
                    )
                m = 2
                while f"{k} ({m})" in seen:
                    m += 1
                new = f"{spec.label[i]} ({m})"
                # two totals with one name ("Jumlah" under intermediate and final demand)
                # are only checks: worth an info, not a warning
                quiet = spec.strong[i] and spec.strong[seen[k]]
                diag.add(
                    "renamed_duplicate",
                    f"{short}: {kind} label {spec.label[i]!r} "
                    f"appears twice ({a} and {b}); the second is called {new!r}",
                    level="info" if quiet else "warning",
                    warn=None if quiet else DataQualityWarning,
                    stacklevel=6,
                )
                spec.label[i], spec.key[i] = new, f"{k} ({m})"
                k = spec.key[i]
            seen[k] = i


#: How to leave hidden lines out, as the warning says it.
SKIP_HIDDEN_HINT = "pass --skip-hidden (skip_hidden=True in Python) to leave them out"


def report_hidden_lines(p: ValueBlock, skip: bool, diag) -> None:
    """Warn about the rows and columns hidden in the sheet that are read as data (count,
    where, labels); with ``skip`` (``skip_hidden=True``, ``--skip-hidden``) leave them out
    instead, counted and named in a note.

    Hidden lines are data to every reader (a stale row, a helper column): summed in
    like the others unless the user says otherwise. Lines not read anyway (titles,
    notes, empty lines) are not counted.
    """
    hidden = p.grid.hidden
    if not hidden:
        return
    rows = [q for q in np.flatnonzero(p.keep_r) if p.grid.rows[p.rows.pos[q]] in hidden.rows]
    cols = [q for q in np.flatnonzero(p.keep_c) if hidden.column(p.cols.pos[q])]
    if not rows and not cols:
        return
    shown = [p.line_desc("row", q) for q in rows[:5]] + [p.line_desc("column", q) for q in cols[:5]]
    more = " ..." if len(rows) > 5 or len(cols) > 5 else ""
    counts = [(len(rows), "row"), (len(cols), "column")]
    what = " and ".join(f"{n} hidden {w}{'s' * (n != 1)}" for n, w in counts if n)
    what += " of the sheet"
    if skip:
        p.keep_r[rows] = False
        p.keep_c[cols] = False
        diag.add(
            "hidden_skipped",
            f"{p.grid.short}: {what} skipped (skip_hidden): {', '.join(shown)}{more}",
            len(rows) + len(cols),
        )
        return
    diag.add(
        "hidden_lines",
        f"{p.grid.short}: {what} read as data like the others: {', '.join(shown)}{more}; "
        + SKIP_HIDDEN_HINT,
        len(rows) + len(cols),
        level="warning",
        warn=DataQualityWarning,
        stacklevel=6,
    )
