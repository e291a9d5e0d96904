"""BPS (Badan Pusat Statistik) IO workbooks exactly as published.

A BPS table has a *code row* above the columns (sector codes ``A`` ... ``RSTU`` or
``001`` ..., then ``1800`` total intermediate demand, ``3011`` household consumption ...
``3100`` total output) and a *code column* beside the rows (sector codes, then ``190d``
domestic intermediate input, ``2000``/``2001`` imports, ``1900`` total intermediate input,
``2090`` gross value added, ``2100`` total input; older editions use ``190``, ``200``,
``201`` wages ... ``209``, ``210``). Names are in the row above the code row and the column
left of the code column. Labels become ``"<code> <name>"`` (e.g. ``"3011 Konsumsi Rumah
Tangga"``), so both the code and the name can be searched.

Tables of *total* transactions (BPS *transaksi total*, older editions) also have the
import column ``409``, the margin column ``509``, ``600`` total output and ``700`` total
supply; what is done with them is :mod:`linkage.io.transactions`'s business.

The known total codes (``1800 3080 3090 3100 190d 1900 2100`` and the older ``180 190 309
310 210 600 700``) are used only as checks; every other non-sector line is also tested for being
a sum of others (see :mod:`linkage.io.wide_totals`), which catches e.g. ``209`` when it is the
sum of ``201`` ... ``205``.
"""

from __future__ import annotations

from .grid import Grid
from .labels import display_label, norm_label
from .wide_layout import LineSpec

__all__ = ["find_bps_codes", "bps_lines", "TOTAL_CODES"]

COLUMN_CODES = {
    "1800",
    "3011",
    "3012",
    "3020",
    "3030",
    "3041",
    "3071",
    "3072",
    "3080",
    "3090",
    "3100",
    "180",
    "301",
    "302",
    "303",
    "304",
    "305",
    "309",
    "310",
    "409",
    "509",
    "600",
    "700",
}
ROW_CODES = {
    "190d",
    "1900",
    "2000",
    "2001",
    "2090",
    "2100",
    "190",
    "200",
    "201",
    "202",
    "203",
    "204",
    "205",
    "209",
    "210",
}
TOTAL_CODES = {
    "1800",
    "3080",
    "3090",
    "3100",
    "190d",
    "1900",
    "2100",
    "180",
    "190",
    "309",
    "310",
    "210",
    "600",
    "700",
}


def _code(c) -> str:
    """Code as compared: text without case; digit-only codes without leading zeros.

    Examples
    --------
    >>> _code("001"), _code(1.0), _code("190D"), _code("RSTU")
    ('1', '1', '190d', 'rstu')
    """
    key = norm_label(c)
    return key.lstrip("0") or "0" if key.isdigit() else key


def find_bps_codes(grid: Grid, max_rows: int = 40, max_cols: int = 8):
    """(code row, code column) of a BPS workbook, or None when the grid is not one.

    The code row is the first row holding at least three column codes (1800, 3011, 3100 ...);
    the code column is the first column holding at least three row codes (190d, 2000, 2100 ...).
    """
    cells = grid.cells
    code_row = None
    for i in range(min(max_rows, cells.shape[0])):
        hits = {_code(c) for c in cells[i]} & COLUMN_CODES
        if len(hits) >= 3:
            code_row = i
            break
    if code_row is None:
        return None
    for j in range(min(max_cols, cells.shape[1])):
        hits = {_code(c) for c in cells[code_row + 1 :, j]} & ROW_CODES
        if len(hits) >= 3:
            return code_row, j
    return None


def _name_for(cells, fixed, positions, axis, start):
    """Names beside codes: nearest non-empty text cell before ``start`` along ``axis``."""
    out = []
    for p in positions:
        name = ""
        for q in range(start - 1, -1, -1):
            c = cells[q, p] if axis == 0 else cells[p, q]
            if isinstance(c, str) and c.strip():
                name = display_label(c)
                break
        out.append(name)
    return out


#: Lines searched after the code row (column) for names.
NAME_SEARCH = 3


def _names_after(cells, start, positions, axis):
    """Names in the first of the next lines after ``start`` holding text for three or more
    of ``positions`` (names written after the codes), and that line; else empty names."""
    for q in range(start + 1, min(start + 1 + NAME_SEARCH, cells.shape[1 - axis])):
        line = [cells[q, p] if axis == 0 else cells[p, q] for p in positions]
        text = [isinstance(c, str) and bool(c.strip()) and not _code(c).isdigit() for c in line]
        if sum(text) >= 3:
            return [display_label(c) if t else "" for c, t in zip(line, text, strict=True)], q
    return [""] * len(positions), None


def bps_lines(grid: Grid, code_row: int, code_col: int) -> tuple[LineSpec, LineSpec]:
    """Row and column specs of a BPS workbook; labels ``"<code> <name>"``, keys the codes."""
    cells = grid.cells
    rpos = list(range(code_row + 1, cells.shape[0]))
    cpos = list(range(code_col + 1, cells.shape[1]))
    rcode = [_code(cells[i, code_col]) for i in rpos]
    ccode = [_code(cells[code_row, j]) for j in cpos]
    # names: the column left of the code column, the row above the code row; else a
    # text column right of the code column, a text row below the code row
    rname = _name_for(cells, code_col, rpos, 1, code_col)
    name_col = None
    if not any(rname):
        rname, name_col = _names_after(cells, code_col, rpos, 1)
    cname = _name_for(cells, code_row, cpos, 0, code_row)
    name_row = None
    if not any(cname):
        cname, name_row = _names_after(cells, code_row, cpos, 0)
    # the names row and the names column are labels, not lines named by each other
    if name_row is not None:
        rname[rpos.index(name_row)] = ""
    if name_col is not None:
        cname[cpos.index(name_col)] = ""

    def label(code, nm):
        raw = display_label(code) if code else ""
        if raw and nm:
            return f"{raw} {nm}"
        return raw or nm

    rl = [label(cells[i, code_col] if rcode[k] else None, rname[k]) for k, i in enumerate(rpos)]
    cl = [label(cells[code_row, j] if ccode[k] else None, cname[k]) for k, j in enumerate(cpos)]
    # a row without a code but with a name (notes) keeps its name as key
    rk = [c or norm_label(n) for c, n in zip(rcode, rl, strict=True)]
    ck = [c or norm_label(n) for c, n in zip(ccode, cl, strict=True)]
    rows = LineSpec(rpos, rl, rk, [c in TOTAL_CODES for c in rcode])
    cols = LineSpec(cpos, cl, ck, [c in TOTAL_CODES for c in ccode])
    return rows, cols
