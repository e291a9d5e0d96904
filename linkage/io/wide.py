"""The wide IO-table layout: sectors as rows and as columns, in one CSV file or sheet.

From a :class:`~linkage.io.grid.Grid` of raw cells this module finds the header row
and the label column, decides which rows and columns are sectors, final demand, primary
inputs, employment or totals, parses the numbers and builds an :class:`~linkage.IOTable`.

Rules (documented for users in ``docs/formats.md``):

- **sectors** are the labels that appear both as a row and as a column (compared without
  case and extra spaces; a leading numeric code such as ``7310 Building cleaning`` is
  ignored when that makes more labels match). Columns are put in the rows' order; a
  different order is reported.
- **totals** are never data, nor sectors. A line is a total when its name (or BPS code) is a total
  name (``total``, ``jumlah``, ``total output`` ...), or when it equals the sum of other
  lines of its block (intermediate sum plus some final-demand columns, or some
  primary-input rows) and has at least three non-zero numbers: for lines named like a
  total, value added or output exactly (one line or more) or within 1 % (two lines or
  more), for other names within 0.01 % (two lines or more) or within 1 % of all other
  lines together. Each total is compared with what it
  should equal and the gap reported. The total-output column gives ``x`` as published.
- repeated labels: an error for sectors; other repeated rows or columns are renamed
  ``"<label> (2)"`` with a warning.
- a row named like **employment** (``employment``, ``jobs``, ``tenaga kerja``, ``labour``)
  becomes ``table.employment`` (not when it names compensation or wages); of several
  such rows the first is used and the others are skipped, never primary inputs.
- other columns are **final demand**, other rows **primary inputs**; but lines above the
  first sector row or left of the first sector column are labels (codes, numbering) and
  are skipped with a warning. Rows or columns without any number (second header rows,
  codes, notes) are skipped and counted.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InputFileError, InvalidTableError
from .grid import Grid, empty_mask
from .numbers import detect_number_format, parse_cells

__all__ = [
    "norm_label",
    "is_total_name",
    "is_employment_name",
    "LineSpec",
    "locate_wide",
    "build_wide",
]

_STRONG_TOTAL = re.compile(
    r"^(grand |sub)?(total|jumlah|sum)( (output|outputs|input|inputs|supply|use|uses|demand"
    r"|permintaan|penyediaan|penggunaan|input antara|permintaan antara|permintaan akhir"
    r"|intermediate( use| uses| input| inputs| demand| consumption)?|final demand|final use"
    r"|final uses|industry uses|konsumsi akhir|nilai tambah( bruto)?|value added))?$"
    r"|^(output|input) total$|^total output \(x\)$|^permintaan akhir$|^input primer$"
)
_WEAK_TOTAL = re.compile(
    r"\b(total|jumlah|sum|subtotal|value added|nilai tambah|gva|pdrb|final uses"
    r"|production|produksi|output|outputs)\b"
)
_EMPLOYMENT = re.compile(
    r"\b(employment|employed persons|jobs|tenaga kerja|labou?r|workers|pekerja|fte"
    r"|penyerapan tenaga kerja)\b"
)
_NOT_EMPLOYMENT = re.compile(
    r"\b(kompensasi|compensation|upah|gaji|wages?|salar|income|pendapatan|balas jasa|cost)"
)
#: Rows searched for the header row.
HEADER_SEARCH_ROWS = 40
#: Non-empty columns searched for the label column.
LABEL_SEARCH_COLUMNS = 8

#: A line is recognized as a sum of others by value only if it has this many non-zeros.
MIN_NONZERO_FOR_VALUE_MATCH = 3

_CODE_PREFIX = re.compile(r"^[0-9][0-9a-z.]*\s+")


def norm_label(c) -> str:
    """Label as compared: text without case, repeated spaces or ``.0`` on integer codes.

    Examples
    --------
    >>> norm_label("  Industri   Pengolahan "), norm_label(3011.0)
    ('industri pengolahan', '3011')
    """
    if c is None:
        return ""
    if isinstance(c, float):
        if np.isnan(c):
            return ""
        if c.is_integer():
            c = int(c)
    return " ".join(str(c).split()).casefold()


def display_label(c) -> str:
    if isinstance(c, float) and not np.isnan(c) and c.is_integer():
        c = int(c)
    return " ".join(str(c).split()) if c is not None else ""


def strip_code(key: str) -> str:
    """Key without a leading numeric code (``"7310 cleaning"`` -> ``"cleaning"``)."""
    return _CODE_PREFIX.sub("", key)


def loose_key(key: str) -> str:
    """Key without code prefix, spaces or punctuation (``"parts; other"`` = ``"partsother"``)."""
    return re.sub(r"[\W_]+", "", strip_code(key))


_CODE_TOKEN = re.compile(r"^([a-z]{1,4}|[0-9][0-9a-z.]*)$")


def first_token(key: str) -> str:
    """Code written before a name (``"a pertanian"`` -> ``"a"``); other keys unchanged.

    Examples
    --------
    >>> first_token("rstu jasa lainnya"), first_token("total input"), first_token("c")
    ('rstu', 'total input', 'c')
    """
    head, _, rest = key.partition(" ")
    return head if rest and _CODE_TOKEN.match(head) else key


_LEADING_ZEROS = re.compile(r"^0+(?=[0-9])")


def unpad(key: str) -> str:
    """Key without leading zeros on a leading number (``"001"`` -> ``"1"``).

    Excel keeps row codes typed as numbers (``1``) but header codes typed as text
    (``"001"``); this makes them meet.

    Examples
    --------
    >>> unpad("001"), unpad("01 pertanian"), unpad("0"), unpad("a01")
    ('1', '1 pertanian', '0', 'a01')
    """
    return _LEADING_ZEROS.sub("", key)


def _unpad_first_token(key: str) -> str:
    return first_token(unpad(key))


#: Ways of comparing row and column keys, strictest first (see :func:`match_keys`).
_KEY_VARIANTS = (unpad, strip_code, loose_key, first_token, _unpad_first_token)
_DISTINCT_ONLY = (first_token, _unpad_first_token)


_PREFIX = re.compile(r"^([a-z]{1,6}[_:.\-])(?=[a-z0-9])")


def common_prefix(keys) -> str:
    """The most common short letter prefix ending in ``_ : . -`` on two or more keys.

    Examples
    --------
    >>> common_prefix(["ttl_d01t02", "ttl_d05t06", "valu", "txs_int_fnl"])
    'ttl_'
    >>> common_prefix(["pertanian", "industri"])
    ''
    """
    found = [m.group(1) for k in keys if k and (m := _PREFIX.match(k))]
    if not found:
        return ""
    best = max(sorted(set(found)), key=found.count)
    return best if found.count(best) >= 2 else ""


def strip_prefix(keys, prefix: str) -> list:
    """Keys without ``prefix`` where they have it (``"ttl_d01t02"`` -> ``"d01t02"``)."""
    if not prefix:
        return list(keys)
    return [k[len(prefix) :] if k.startswith(prefix) else k for k in keys]


def match_keys(rk: list, ck: list) -> tuple[list, list]:
    """Row and column keys compared exactly, without leading zeros or code prefixes,
    loosely, or by code.

    The variant that makes the most row labels match column labels wins (ties: the
    stricter one). The variants comparing first words only (``"A Pertanian"`` row
    against an ``"A"`` column) are used only when they keep every label distinct. Last,
    a prefix common to the labels of one side only is dropped there (OECD tables: rows
    ``TTL_D01T02``, columns ``D01T02``). Empty keys stay empty.

    Examples
    --------
    >>> match_keys(["7310 cleaning", "wages"], ["cleaning", "households"])
    (['cleaning', 'wages'], ['cleaning', 'households'])
    >>> match_keys(["a pertanian", "b tambang", "upah dan gaji"], ["a", "b", "ekspor"])[0]
    ['a', 'b', 'upah']
    >>> match_keys(["1", "2", "upah"], ["001", "002", "3011"])
    (['1', '2', 'upah'], ['1', '2', '3011'])
    >>> match_keys(["ttl_d01t02", "ttl_d05t06", "valu"], ["d01t02", "d05t06", "hfce"])[0]
    ['d01t02', 'd05t06', 'valu']
    """
    best, best_n = (rk, ck), len(set(rk) & set(ck) - {""})
    for f in _KEY_VARIANTS:
        r2, c2 = [f(k) if k else "" for k in rk], [f(k) if k else "" for k in ck]
        if f in _DISTINCT_ONLY:
            rn, cn = [k for k in r2 if k], [k for k in c2 if k]
            if len(set(rn)) < len(rn) or len(set(cn)) < len(cn):
                continue
        n = len(set(r2) & set(c2) - {""})
        if n > best_n:
            best, best_n = (r2, c2), n
    for r2, c2 in (
        (strip_prefix(rk, common_prefix(rk)), ck),
        (rk, strip_prefix(ck, common_prefix(ck))),
    ):
        n = len(set(r2) & set(c2) - {""})
        distinct = all(len(set(v) - {""}) == sum(1 for k in v if k) for v in (r2, c2))
        if n > best_n and distinct:
            best, best_n = (r2, c2), n
    return list(best[0]), list(best[1])


def is_total_name(label) -> str:
    """``"strong"``, ``"weak"`` or ``""``: how much a label sounds like a total.

    Examples
    --------
    >>> is_total_name("Total Output"), is_total_name("Jumlah"), is_total_name("Nilai Tambah Bruto")
    ('strong', 'strong', 'weak')
    >>> is_total_name("Konsumsi Rumah Tangga")
    ''
    """
    key = norm_label(label)
    if _STRONG_TOTAL.match(key):
        return "strong"
    if _WEAK_TOTAL.search(key):
        return "weak"
    return ""


def is_employment_name(label) -> bool:
    """True for an employment row name, not for compensation of employees or wages.

    Examples
    --------
    >>> is_employment_name("Tenaga Kerja"), is_employment_name("Kompensasi Tenaga Kerja")
    (True, False)
    """
    key = norm_label(label)
    return bool(_EMPLOYMENT.search(key)) and not _NOT_EMPLOYMENT.search(key)


@dataclass
class LineSpec:
    """Rows (or columns) of a grid that form a table axis.

    ``pos`` are grid positions, ``label`` the display labels, ``key`` the labels compared
    to match sectors, ``strong`` marks lines known to be totals (by name or code).
    """

    pos: list
    label: list
    key: list
    strong: list


def label_key(c) -> str:
    """Key of a cell that can be a sector label, else ``""``.

    Numbers count only as whole positive codes (``1``, ``"001"``, ``3011``): a zero or a
    fraction (``0.5``, ``"2,25"``) is a value, and equal values in a data row and a data
    column must not pass for sector labels.

    Examples
    --------
    >>> label_key(" Pertanian "), label_key(3011.0), label_key("001"), label_key(0.25)
    ('pertanian', '3011', '001', '')
    >>> label_key("0"), label_key("1.234,5"), label_key(True)
    ('', '', '')
    """
    if isinstance(c, bool):
        return ""
    if isinstance(c, (int, float, np.number)):
        ok = np.isfinite(c) and float(c).is_integer() and c > 0
        return norm_label(c) if ok else ""
    key = norm_label(c)
    if key.isdigit():
        return key if key.strip("0") else ""
    if _NUMBER_LIKE.match(key):
        return ""
    return key


_NUMBER_LIKE = re.compile(r"^[+-]?[(]?[0-9][0-9.,\s]*(e[+-]?[0-9]+)?[)]?$|^[+-]?[.,][0-9]+$")


def _variant_sets(keys: list) -> list:
    """Non-empty keys under exact comparison and each of ``_KEY_VARIANTS``."""
    exact = [k for k in keys if k]
    return [set(exact)] + [{f(k) for k in exact} - {""} for f in _KEY_VARIANTS]


def locate_wide(grid: Grid) -> tuple[int, int]:
    """Header row and label column of a wide table (0-based grid positions).

    The header row is the row (among the first 40 with two or more cells) whose cells
    share the most labels with the label column (one of the first eight non-empty columns:
    a title, numbering and code columns may come first)
    below it; title rows above the table are skipped this way. Labels are compared as in
    :func:`match_keys`; numbers other than whole positive codes are not labels
    (:func:`label_key`).

    Raises
    ------
    InputFileError
        No label is both a row and a column; the message shows the first labels of the
        first column and of the first row, so that the mismatch can be seen.
    """
    cells = grid.cells
    top = cells[:HEADER_SEARCH_ROWS]
    filled_top = ~empty_mask(top)
    if not filled_top.any():
        raise InputFileError("the file has no cells in its first rows", path=grid.path)
    col_any = np.flatnonzero(filled_top.any(axis=0))[:LABEL_SEARCH_COLUMNS]
    row_cand = list(np.flatnonzero(filled_top.sum(axis=1) >= 2))
    head_keys = [[label_key(x) for x in top[r]] for r in row_cand]
    # a row holding a value (a zero, a fraction) right of the label column is data, not
    # the header
    values = [
        filled_top[r] & np.array([not k for k in hk], dtype=bool)
        for r, hk in zip(row_cand, head_keys, strict=True)
    ]
    # header rows and label columns without a prefix common to their labels (OECD TTL_)
    head_bare = [strip_prefix(hk, common_prefix(hk)) for hk in head_keys]
    best = (0, 0, 0)
    for c in col_any:
        col_keys = [label_key(x) for x in cells[:, c]]
        col_bare = strip_prefix(col_keys, common_prefix(col_keys))
        for r, hk, hb, val in zip(row_cand, head_keys, head_bare, values, strict=True):
            if val[c + 1 :].any():
                continue
            heads = _variant_sets(hk[c + 1 :])
            below = _variant_sets(col_keys[r + 1 :])
            score = max(len(h & b) for h, b in zip(heads, below, strict=True))
            # row labels "A Pertanian" against header codes "A"
            score = max(score, len(heads[0] & below[4]), len(heads[1] & below[5]))
            # a prefix on one side only
            score = max(
                score,
                len(heads[0] & (set(col_bare[r + 1 :]) - {""})),
                len((set(hb[c + 1 :]) - {""}) & below[0]),
            )
            if score > best[0]:
                best = (score, r, c)
    if best[0] == 0:
        raise InputFileError(
            "no sector labels found that appear both as a row label and as a column header; "
            f"is this a wide IO table? {_first_labels(grid, col_any, row_cand)}",
            path=grid.path,
        )
    return best[1], best[2]


def _short_label(c, width: int = 40) -> str:
    text = display_label(c)
    return text if len(text) <= width else text[: width - 3] + "..."


def _first_labels(grid: Grid, col_any, row_cand) -> str:
    """``first column has 'a', 'b' ...; row 1 has 'x', 'y' ...`` for an error message."""
    cells = grid.cells
    parts = []
    if len(col_any):
        c = int(col_any[0])
        labs = [_short_label(x) for x in cells[:, c] if label_key(x)][:4]
        if labs:
            parts.append(f"column {grid.col_name(c)} has " + ", ".join(map(repr, labs)))
    if row_cand:
        r = int(row_cand[0])
        labs = [_short_label(x) for x in cells[r] if label_key(x)][:5]
        if labs:
            parts.append(f"row {grid.rows[r]} has " + ", ".join(map(repr, labs)))
    return ("(" + "; ".join(parts) + ")") if parts else ""


def generic_lines(grid: Grid, header: int, label_col: int) -> tuple[LineSpec, LineSpec]:
    """Row and column specs of a wide table located at (header, label_col)."""
    cells = grid.cells
    rpos = list(range(header + 1, cells.shape[0]))
    cpos = list(range(label_col + 1, cells.shape[1]))
    rl = [display_label(cells[i, label_col]) for i in rpos]
    cl = [display_label(cells[header, j]) for j in cpos]
    rk, ck = match_keys([norm_label(x) for x in rl], [norm_label(x) for x in cl])
    rows = LineSpec(rpos, rl, rk, [is_total_name(x) == "strong" for x in rl])
    cols = LineSpec(cpos, cl, ck, [is_total_name(x) == "strong" for x in cl])
    return rows, cols


# --------------------------------------------------------------------------- totals
def _subset_match(target, others, tol, min_size):
    """Indices of a subset of rows of ``others`` summing to ``target`` within ``tol``, or None."""
    p = others.shape[0]
    scale = max(float(np.abs(target).max()), 1e-300)
    if p == 0 or not np.any(target):
        return None

    def ok(s):
        return np.abs(target - s).max() <= tol * scale

    if p <= 14 and (2**p) * target.size <= 4_000_000:
        bits = ((np.arange(1, 2**p)[:, None] >> np.arange(p)) & 1).astype(float)
        sizes = bits.sum(axis=1)
        sums = bits @ others
        err = np.abs(sums - target).max(axis=1)
        err[sizes < min_size] = np.inf
        k = int(np.argmin(err))
        if err[k] <= tol * scale:
            return list(np.flatnonzero(bits[k]))
        return None
    cums = np.vstack([np.zeros(target.size), np.cumsum(others, axis=0)])
    for a in range(p):
        for b in range(a + min_size, p + 1):
            if ok(cums[b] - cums[a]):
                return list(range(a, b))
    return None


def find_totals(base, lines, names, strong, *, axis_word, balance_rtol, diag, where):
    """Split lines into data and totals; report each total's check.

    Parameters
    ----------
    base : ndarray (n,)
        Sum over the intermediate block along this axis (Z row sums for columns).
    lines : ndarray (p, n)
        Candidate final-demand columns (or primary-input rows), on the sector axis.
    names : list of str
    strong : list of bool
        Known totals (by name or code).

    Returns
    -------
    is_total : list of bool
        True for totals.
    full_gap : list of float
        For totals, the relative gap to the grand sum (intermediate + every data line).
    """
    p = lines.shape[0]
    is_total = [False] * p
    full_gap = [np.inf] * p
    weak = [is_total_name(nm) == "weak" for nm in names]
    for t in range(p):
        others_idx = [j for j in range(p) if j != t and not is_total[j] and not strong[j]]
        comp = np.vstack([base[None, :], lines[others_idx]]) if others_idx else base[None, :]
        comp_names = ["intermediate sum"] + [names[j] for j in others_idx]
        named = strong[t] or weak[t]
        if strong[t]:  # known total: say exactly what it sums, or compare with natural sums
            sub = _subset_match(lines[t], comp, 1e-9, 1)
        elif np.count_nonzero(lines[t]) < MIN_NONZERO_FOR_VALUE_MATCH:
            sub = None  # too few numbers to tell a sum from a coincidence
        elif named:
            sub = _subset_match(lines[t], comp, 1e-6, 1)
            if sub is None:
                sub = _subset_match(lines[t], comp, max(1e-2, balance_rtol), 2)
        elif _rel_gap(lines[t], base) <= 1e-4:
            sub = [0]  # exactly the intermediate sum (e.g. BPS 190d under another name)
        else:
            sub = _subset_match(lines[t], comp, 1e-4, 2)
            if (
                sub is None
                and others_idx
                and _rel_gap(lines[t], comp.sum(axis=0)) <= max(1e-2, balance_rtol)
            ):
                # within 1 % of everything else: a total under any name ("Tuotos", "X")
                sub = list(range(comp.shape[0]))
        if strong[t] or sub is not None:
            is_total[t] = True
            if sub is None:
                # compare with the closest natural sum: everything, or intermediate only
                full = comp.sum(axis=0)
                cands = {"intermediate sum + all " + axis_word: full, "intermediate sum": base}
                if len(others_idx):
                    cands["all " + axis_word] = comp[1:].sum(axis=0)
                gaps = {k: _rel_gap(lines[t], v) for k, v in cands.items()}
                what = min(gaps, key=gaps.get)
                gap = gaps[what]
            else:
                what = " + ".join(comp_names[k] for k in sub[:6]) + (
                    f" + {len(sub) - 6} more" if len(sub) > 6 else ""
                )
                gap = _rel_gap(lines[t], comp[sub].sum(axis=0))
            data_idx = [j for j in range(p) if j != t and not is_total[j] and not strong[j]]
            full_gap[t] = _rel_gap(lines[t], base + lines[data_idx].sum(axis=0))
            level = "warning" if gap > balance_rtol else "info"
            diag.add(
                "total_check",
                f"{where} {names[t]!r} is a total, not data: compared with "
                f"{what}, max relative gap {gap:.2g}",
                level=level,
                warn=DataQualityWarning if level == "warning" else None,
                stacklevel=6,
            )
    return is_total, full_gap


def _rel_gap(a, b):
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0.0)
    return float(g.max()) if g.size else 0.0


# --------------------------------------------------------------------------- build
def number_findings(diag, c, fmt, path):
    """Add one finding per kind of reinterpreted cell (counts ``c`` from ``ParseResult``)."""
    msgs = {
        "dash": "cells '-' (dash) read as 0",
        "empty": "empty cells read as 0",
        "thousands": f"cells with thousands separators '{fmt.thousands}' stripped",
        "decimal_comma": "cells with a decimal comma read",
        "parentheses": "cells in parentheses read as negative",
        "spaces": "cells with spaces between digits joined",
    }
    for key, text in msgs.items():
        if c.get(key):
            diag.add(f"number_{key}", f"{path}: {c[key]} {text}", count=c[key])


def build_wide(
    grid: Grid,
    rows: LineSpec,
    cols: LineSpec,
    *,
    decimal=None,
    thousands=None,
    sectors=None,
    name="",
    units="",
    balance_rtol=DEFAULT_BALANCE_RTOL,
    diagnostics: Diagnostics | None = None,
) -> IOTable:
    """Classify the lines of a located wide table, parse its numbers, build the IOTable."""
    diag = Diagnostics()
    diag.extend(grid.diagnostics)
    if diagnostics is not None:
        diag.extend(diagnostics)
    path = grid.path
    short = grid.short
    block = grid.cells[np.ix_(rows.pos, cols.pos)] if rows.pos and cols.pos else None
    if block is None or block.size == 0:
        raise InputFileError("the table has no value cells", path=path)

    # number format and parsing of the whole block
    if decimal is None:
        fmt = detect_number_format(block, hint_sep=grid.sep)
        if thousands is not None:
            fmt = type(fmt)(fmt.decimal, thousands, fmt.ambiguous, fmt.reason)
        if fmt.ambiguous:
            diag.add(
                "number_format_ambiguous",
                f"{short}: {fmt.reason}; pass decimal= to choose",
                level="warning",
                warn=DataQualityWarning,
                stacklevel=5,
            )
        elif any(isinstance(x, str) for x in block.ravel()[:1000]):
            diag.add(
                "number_format",
                f"{short}: decimal {fmt.decimal!r}, thousands {fmt.thousands!r} ({fmt.reason})",
            )
    else:
        if thousands is None:
            thousands = "." if decimal == "," else ","
        from .numbers import NumberFormat

        fmt = NumberFormat(decimal, thousands, False, "set by option")
    res = parse_cells(block, fmt.decimal, fmt.thousands)
    empty = empty_mask(block)
    filled = ~empty
    bad = res.bad

    # skip lines with no numbers at all (empty, second header rows, codes, notes)
    text_row = bad.sum(axis=1) == filled.sum(axis=1)
    text_col = bad.sum(axis=0) == filled.sum(axis=0)
    keep_r = ~text_row
    keep_c = ~text_col
    # a label named like a total (or with a BPS total code) is never a sector, even when
    # it is both a row and a column ("Jumlah", "Total", "SUM")
    total_keys = {k for k, s in zip(rows.key, rows.strong, strict=True) if s}
    total_keys |= {k for k, s in zip(cols.key, cols.strong, strict=True) if s}
    # a sector (label both a row and a column) is never skipped: blank means zeros
    row_keys = {k for k in rows.key if k} - total_keys
    col_keys = {k for k in cols.key if k} - total_keys
    for spec, text, keep, other, kind in (
        (rows, text_row, keep_r, col_keys, "row"),
        (cols, text_col, keep_c, row_keys, "column"),
    ):
        for i in np.flatnonzero(text):
            if spec.key[i] and spec.key[i] in other:
                line = filled[i] if kind == "row" else filled[:, i]
                if line.any():
                    q = int(np.flatnonzero(line)[0])
                    r, c = (i, q) if kind == "row" else (q, i)
                    raise InputFileError(
                        f"sector {kind} {spec.label[i]!r} has no numbers",
                        path=path,
                        row=grid.rows[rows.pos[r]],
                        column=cols.label[c] or grid.col_name(cols.pos[c]),
                        value=block[r, c],
                    )
                keep[i] = True
                text[i] = False
    no_label = np.array([not k for k in rows.key])
    n_empty_r = int(((filled.sum(axis=1) == 0) & no_label).sum())
    skipped_r = [
        i for i in range(len(rows.pos)) if text_row[i] and (filled[i].any() or not no_label[i])
    ]
    skipped_c = [j for j in range(len(cols.pos)) if text_col[j] and filled[:, j].any()]
    if n_empty_r:
        diag.add("skipped_empty_rows", f"{short}: {n_empty_r} empty rows skipped", n_empty_r)
    for kind, lst, spec in (("rows", skipped_r, rows), ("columns", skipped_c, cols)):
        if lst:
            shown = ", ".join(
                (
                    f"row {grid.rows[spec.pos[i]]}"
                    if kind == "rows"
                    else f"column {grid.col_name(spec.pos[i])}"
                )
                + (f" {spec.label[i]!r}" if spec.label[i] else "")
                for i in lst[:5]
            )
            diag.add(
                f"skipped_text_{kind}",
                f"{short}: {len(lst)} {kind} without numbers "
                f"skipped: {shown}{' ...' if len(lst) > 5 else ''}",
                len(lst),
            )
    # lines above the first sector row or left of the first sector column are labels
    # (codes, numbering, units), never data
    both = (row_keys & col_keys) - {""}
    if sectors is not None:
        both &= {norm_label(x) for x in sectors} | {
            rows.key[i]
            for i in range(len(rows.pos))
            if norm_label(rows.label[i]) in {norm_label(x) for x in sectors}
        }
    first_r = next((i for i in range(len(rows.pos)) if rows.key[i] in both), len(rows.pos))
    first_c = next((j for j in range(len(cols.pos)) if cols.key[j] in both), len(cols.pos))
    for kind, keep, spec, first in (
        ("rows", keep_r, rows, first_r),
        ("columns", keep_c, cols, first_c),
    ):
        pre = [q for q in np.flatnonzero(keep[:first])]
        if not pre or not both:  # no sectors at all: the error comes below
            continue
        keep[pre] = False
        where = ", ".join(
            (
                f"row {grid.rows[spec.pos[q]]}"
                if kind == "rows"
                else f"column {grid.col_name(spec.pos[q])}"
            )
            + (f" {spec.label[q]!r}" if spec.label[q] else "")
            for q in pre[:5]
        )
        side = (
            "above the first sector row" if kind == "rows" else ("left of the first sector column")
        )
        # column numbering "(1) (2) (3)" or row numbering "1 2 3" is expected there
        numbering = all(
            is_numbering(
                res.values[q][filled[q]] if kind == "rows" else res.values[filled[:, q], q]
            )
            for q in pre
        )
        diag.add(
            f"skipped_header_{kind}",
            f"{short}: {len(pre)} {kind} {side} read as labels "
            f"(codes, numbering, units), not data: {where}",
            len(pre),
            level="info" if numbering else "warning",
            warn=None if numbering else DataQualityWarning,
            stacklevel=5,
        )
    # columns with values but no header, rows with values but no label
    _name_unnamed_columns(
        grid,
        cols,
        [j for j in np.flatnonzero(keep_c) if not cols.key[j] and filled[keep_r, j].any()],
        diag,
    )
    for i in np.flatnonzero(keep_r):
        if not rows.key[i] and filled[i, keep_c].any():
            j = int(np.flatnonzero(filled[i] & keep_c)[0])
            raise InputFileError(
                "row has numbers but no label",
                path=path,
                row=grid.rows[rows.pos[i]],
                column=grid.col_name(cols.pos[j]),
                value=block[i, j],
            )
    keep_r &= np.array([bool(k) for k in rows.key])
    keep_c &= np.array([bool(k) for k in cols.key])
    badk = bad & keep_r[:, None] & keep_c[None, :]
    if badk.any():
        i, j = map(int, np.argwhere(badk)[0])
        hint = (
            ""
            if decimal is not None
            else (
                f" (numbers read with decimal {fmt.decimal!r}, thousands {fmt.thousands!r}; "
                "set decimal=/thousands= if that is wrong)"
            )
        )
        raise InputFileError(
            f"not a number{hint}; {int(badk.sum())} such cells",
            path=path,
            row=grid.rows[rows.pos[i]],
            column=cols.label[j] or grid.col_name(cols.pos[j]),
            value=block[i, j],
        )
    vals = res.values
    number_findings(diag, res.counts_in(keep_r[:, None] & keep_c[None, :]), fmt, short)

    r_idx = np.flatnonzero(keep_r)
    c_idx = np.flatnonzero(keep_c)
    # duplicates: an error for sector labels, renamed (and reported) for other lines
    other_keys = {
        "row": {cols.key[j] for j in c_idx} - total_keys,
        "column": {rows.key[i] for i in r_idx} - total_keys,
    }
    for spec, idx, kind in ((rows, r_idx, "row"), (cols, c_idx, "column")):
        seen = {}
        for i in idx:
            k = spec.key[i]
            if k in seen:
                a, b = (
                    (
                        f"row {grid.rows[spec.pos[q]]}"
                        if kind == "row"
                        else f"column {grid.col_name(spec.pos[q])}"
                    )
                    for q in (seen[k], i)
                )
                if k in other_keys[kind]:
                    raise InputFileError(
                        f"sector label {spec.label[i]!r} appears twice as a {kind} ({a} and {b})",
                        path=path,
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
                    stacklevel=5,
                )
                spec.label[i], spec.key[i] = new, f"{k} ({m})"
                k = spec.key[i]
            seen[k] = i

    # sectors
    col_of = {cols.key[j]: j for j in c_idx if not cols.strong[j]}
    if sectors is not None:
        row_of = {rows.key[i]: i for i in r_idx}
        row_of.update({norm_label(rows.label[i]): i for i in r_idx})
        found = [row_of.get(norm_label(s)) for s in sectors]
        missing = [
            s for s, i in zip(sectors, found, strict=True) if i is None or rows.key[i] not in col_of
        ]
        if missing:
            raise InputFileError(
                f"sectors not found both as a row and as a column: {missing[:5]}", path=path
            )
        sec_r = found
    else:
        sec_r = [i for i in r_idx if rows.key[i] in col_of and not rows.strong[i]]
    if not sec_r:
        raise InputFileError("no labels appear both as a row and as a column", path=path)
    sec_c = [col_of[rows.key[i]] for i in sec_r]
    if sectors is None:
        sec_r, sec_c = drop_false_sectors(rows, cols, sec_r, sec_c, vals, diag, short)
        sec_r, sec_c = match_misspelt(rows, cols, r_idx, c_idx, sec_r, sec_c, diag, short)
    if sectors is None and sec_c != sorted(sec_c):
        diag.add(
            "sector_order",
            f"{short}: sector columns are in a different order from the "
            "sector rows; columns were matched to rows by label (first differences: "
            + ", ".join(
                [
                    f"{rows.label[i]!r}"
                    for i, c, s in zip(sec_r, sec_c, sorted(sec_c), strict=True)
                    if c != s
                ][:3]
            )
            + ")",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
    if sectors is None:
        rset, cset = set(sec_r), set(sec_c)
        rs_pos = [i for i in r_idx if i in rset]
        if rs_pos != list(range(rs_pos[0], rs_pos[-1] + 1)) and len(rs_pos) > 1:
            gaps = [
                rows.label[i] for i in range(rs_pos[0], rs_pos[-1]) if i not in rset and keep_r[i]
            ]
            diag.add(
                "sector_gaps",
                f"{short}: non-sector rows between sector rows: {gaps[:5]}",
                len(gaps),
            )
        del cset
    labels = pd.Index([rows.label[i] for i in sec_r], name="sector")
    Z = vals[np.ix_(sec_r, sec_c)]

    # the other lines
    set_r, set_c = set(sec_r), set(sec_c)
    other_c = [j for j in c_idx if j not in set_c]
    other_r = [i for i in r_idx if i not in set_r]
    emp_r = [i for i in other_r if is_employment_name(rows.label[i]) and not rows.strong[i]]
    if len(emp_r) > 1:
        # persons are not money: the other employment rows are skipped, never inputs
        diag.add(
            "employment_rows",
            f"{short}: several employment rows "
            f"{[rows.label[i] for i in emp_r]}; the first is used, the others are "
            "skipped (persons are not a primary input)",
            len(emp_r) - 1,
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
    other_r = [i for i in other_r if i not in emp_r]
    emp_r = emp_r[:1]

    fd_lines = vals[np.ix_(sec_r, other_c)].T if other_c else np.zeros((0, len(sec_r)))
    fd_strong = lone_total_as_data(cols, other_c, "column", diag, short)
    fd_tot, fd_full = find_totals(
        Z.sum(axis=1),
        fd_lines,
        [cols.label[j] for j in other_c],
        fd_strong,
        axis_word="final-demand columns",
        balance_rtol=balance_rtol,
        diag=diag,
        where=f"{short}: column",
    )
    pi_lines = vals[np.ix_(other_r, sec_c)] if other_r else np.zeros((0, len(sec_c)))
    pi_tot, _ = find_totals(
        Z.sum(axis=0),
        pi_lines,
        [rows.label[i] for i in other_r],
        lone_total_as_data(rows, other_r, "row", diag, short),
        axis_word="primary-input rows",
        balance_rtol=balance_rtol,
        diag=diag,
        where=f"{short}: row",
    )
    fd_c = [j for j, t in zip(other_c, fd_tot, strict=True) if not t]
    # the total-output column (closest to intermediate + all final demand) gives x as published
    total_output = None
    gaps = [(g, -q) for q, (t, g) in enumerate(zip(fd_tot, fd_full, strict=True)) if t]
    if gaps and min(gaps)[0] <= 0.05:
        q = -min(gaps)[1]
        total_output = fd_lines[q]
        diag.add(
            "total_output",
            f"{short}: column {cols.label[other_c[q]]!r} gives total "
            "output x as published; row and column sums are checked against it",
        )
    pi_r = [i for i, t in zip(other_r, pi_tot, strict=True) if not t]

    final_demand = pd.DataFrame(
        vals[np.ix_(sec_r, fd_c)], index=labels, columns=[cols.label[j] for j in fd_c]
    )
    value_added = pd.DataFrame(
        vals[np.ix_(pi_r, sec_c)], index=[rows.label[i] for i in pi_r], columns=labels
    )
    corner = vals[np.ix_(pi_r, fd_c)] if pi_r and fd_c else np.zeros((0, 0))
    nz = int(np.count_nonzero(corner))
    if nz:
        diag.add(
            "primary_final_block",
            f"{short}: {nz} non-zero cells where primary-input rows "
            f"meet final-demand columns (e.g. imports or taxes on final use, sum "
            f"{corner.sum():.6g}) are not part of the IOTable and were not stored",
            nz,
        )
    employment = None
    if emp_r:
        employment = pd.Series(vals[emp_r[0], sec_c], index=labels)
        extra = vals[emp_r[0], fd_c] if fd_c else np.zeros(0)
        diag.add("employment_row", f"{short}: row {rows.label[emp_r[0]]!r} read as employment")
        if np.count_nonzero(extra):
            diag.add(
                "employment_extra",
                f"{short}: employment row has "
                f"{np.count_nonzero(extra)} values in final-demand columns; ignored",
                int(np.count_nonzero(extra)),
            )
    if not fd_c:
        raise InputFileError(
            "no final-demand columns (columns that are neither sectors nor "
            "totals); cannot compute total output",
            path=path,
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = _from_arrays(
                Z,
                final_demand,
                value_added if pi_r else None,
                total_output,
                employment,
                labels,
                name,
                units,
                balance_rtol,
                diag,
            )
    except InvalidTableError as exc:
        raise InputFileError(f"the table is not valid: {exc}", path=path) from None
    rewarn(caught, stacklevel=4)
    return table


_IMPORTS = re.compile(
    r"^(less |dikurangi |minus |\(-\) ?)?(total |jumlah )?(imports?|impor|tuonti)"
    r"( (barang dan jasa|of goods and services|c\.?i\.?f\.?))?$"
)


def drop_false_sectors(rows, cols, sec_r, sec_c, vals, diag, short):
    """Drop labels that are a row and a column but not a sector: imports.

    A competitive-import table has an imports row (a primary input) and an imports
    column (final demand, usually negative) with the same name. A label is dropped when
    it names imports, or when its column buys a negative total from the other sectors
    (no industry has negative intermediate inputs).
    """
    keep = []
    for i, j in zip(sec_r, sec_c, strict=True):
        others = [r for r in sec_r if r != i]
        bought = float(vals[others, j].sum()) if others else 0.0
        if _IMPORTS.match(norm_label(rows.label[i])) or bought < 0:
            why = "names imports" if bought >= 0 else f"its column sums to {bought:.6g}"
            diag.add(
                "not_a_sector",
                f"{short}: {rows.label[i]!r} is a row and a column but not a sector "
                f"({why}): the row is read as a primary input, the column as final demand",
            )
        else:
            keep.append((i, j))
    if not keep:
        return sec_r, sec_c
    return [i for i, _ in keep], [j for _, j in keep]


#: Row and column labels at least this similar (difflib ratio, without case, spaces or
#: punctuation) are one sector misspelt, when neither matches anything else.
MISSPELT_RATIO = 0.85
#: Misspelt labels are looked for only among this many (row, column) or (label, sector)
#: pairs, to keep large tables fast.
MISSPELT_MAX_PAIRS = 20_000


def match_misspelt(rows, cols, r_idx, c_idx, sec_r, sec_c, diag, short):
    """Pair a row and a column that are one sector with a misspelt label, with a warning.

    Candidates are rows and columns that matched nothing, are neither totals nor
    employment (nor a row and a column with one label, left apart on purpose) and lie
    among the sector lines or next to them; a pair must be each other's most similar
    candidate, at least :data:`MISSPELT_RATIO` alike. The sector takes the row's label.
    """
    import difflib

    taken_r, taken_c = set(sec_r), set(sec_c)
    rc = [
        i for i in _near_block(r_idx, taken_r, rows.strong) if not is_employment_name(rows.label[i])
    ]
    cc = _near_block(c_idx, taken_c, cols.strong)
    if not rc or not cc or len(rc) * len(cc) > MISSPELT_MAX_PAIRS:
        return sec_r, sec_c
    rk = {i: loose_key(norm_label(rows.label[i])) for i in rc}
    ck = {j: loose_key(norm_label(cols.label[j])) for j in cc}

    def ratio(a, b):
        return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0

    # equal keys were left apart on purpose (drop_false_sectors)
    sim = {(i, j): ratio(rk[i], ck[j]) * (rows.key[i] != cols.key[j]) for i in rc for j in cc}
    pairs = []
    for i in rc:
        j = max(cc, key=lambda j: sim[i, j])
        if sim[i, j] >= MISSPELT_RATIO and max(rc, key=lambda r: sim[r, j]) == i:
            pairs.append((i, j))
    for i, j in pairs:
        diag.add(
            "misspelt_sector",
            f"{short}: row {rows.label[i]!r} and column {cols.label[j]!r} are read as one "
            "sector (nearly the same label, and neither matches another line); correct "
            "the label if they are different",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=6,
        )
    if not pairs:
        return sec_r, sec_c
    both = sorted([*zip(sec_r, sec_c, strict=True), *pairs])
    return [i for i, _ in both], [j for _, j in both]


_FD_TOTAL = re.compile(
    r"^(total |jumlah )?(permintaan akhir|final demand|final uses?|konsumsi akhir)$"
)
_PI_TOTAL = re.compile(
    r"^(total |jumlah )?(input primer|nilai tambah( bruto)?|value added|primary inputs?)$"
)


def lone_total_as_data(spec: LineSpec, idx: list, kind: str, diag, short: str) -> list:
    """Total flags of the non-sector columns (or rows), but a lone aggregate is data.

    When every non-sector column is a total by name and one of them is the total of final
    demand ("Permintaan Akhir", "Total final demand", BPS 3090), that column is the only
    final-demand information the table gives: it is read as one final-demand column.
    Rows likewise: a lone "Input Primer" / value-added row (BPS 2090) is one primary input.
    """
    strong = [spec.strong[q] for q in idx]
    if not idx or not all(strong):
        return strong
    pattern, codes = (
        (_FD_TOTAL, ("3090", "309")) if kind == "column" else (_PI_TOTAL, ("2090", "209"))
    )
    agg = [
        k
        for k, q in enumerate(idx)
        if spec.key[q] in codes or pattern.match(strip_code(norm_label(spec.label[q])))
    ]
    if len(agg) == 1:
        strong[agg[0]] = False
        what = "final-demand categories" if kind == "column" else "primary-input rows"
        diag.add(
            f"lone_total_used_{kind}",
            f"{short}: no separate {what}, only their total {spec.label[idx[agg[0]]]!r}: "
            f"read as one {'final-demand column' if kind == 'column' else 'primary input'}",
        )
    return strong


def is_numbering(values) -> bool:
    """True for a numbering line: whole numbers going up by one, e.g. (1) (2) (3).

    Examples
    --------
    >>> is_numbering([1, 2, 3]), is_numbering([-1, -2, -3]), is_numbering([1, 2, 301])
    (True, True, False)
    """
    v = np.abs(np.asarray(values, dtype=float))
    return v.size >= 2 and bool(np.all(np.diff(v) == 1)) and float(v[0]).is_integer()


def _near_block(idx, taken, strong) -> list:
    """Lines of ``idx`` that are not sectors (``taken``) nor totals and lie between the
    first and last sector line or right next to them (totals not counted)."""
    lines = [q for q in idx if not strong[q]]
    pos = [k for k, q in enumerate(lines) if q in taken]
    if not pos:
        return []
    lo, hi = max(pos[0] - 1, 0), min(pos[-1] + 1, len(lines) - 1)
    return [q for q in lines[lo : hi + 1] if q not in taken]


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
            stacklevel=6,
        )


def rewarn(caught, stacklevel):
    """Issue again warnings caught from the table constructor, pointing at the user's call."""
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=stacklevel + 1)


def _from_arrays(
    Z, final_demand, value_added, total_output, employment, labels, name, units, balance_rtol, diag
):
    return IOTable.from_arrays(
        Z,
        final_demand=final_demand,
        value_added=value_added,
        total_output=total_output,
        employment=employment,
        sectors=labels,
        name=name,
        units=units,
        balance_rtol=balance_rtol,
        diagnostics=diag,
    )
