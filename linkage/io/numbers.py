"""Reading numbers written the Indonesian way (``1.234.567,89``) or the English way.

Pure functions on arrays of cells, used by the readers. A cell is either a number already
(Excel, parquet) or a string (CSV). Strings are parsed with one *decimal mark* and one
optional *thousands separator* for the whole table:

- ``decimal=","`` and ``thousands="."``: Indonesian / continental style, ``1.234.567,89``;
- ``decimal="."`` and ``thousands=","``: English style, ``1,234,567.89``.

Detection rule (:func:`detect_number_format`): a cell is *evidence* for the Indonesian
style when it has more than one ``.`` group (``1.234.567``), both marks with ``,`` last
(``1.234,5``), or a single ``,`` followed by other than three digits (``12,5``); the mirror
images are evidence for the English style. The style with evidence wins (the majority if
both have some; cells that then do not parse are errors naming the cell). With no evidence
at all and a cell like ``1.234`` or ``1,234`` (one separator followed by exactly three
digits) the table is *ambiguous*: the hint decides (``;``-separated files are taken as
Indonesian, others as English) and a warning says so; set ``decimal=`` to be sure.

Empty cells and dashes (``-``, ``–``, ``—``) read as 0, ``(123)`` as -123, the typographic
minus ``−123`` as -123; every such reinterpretation is counted (the minus sign is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd

__all__ = [
    "NumberFormat",
    "detect_number_format",
    "detect_from_sample",
    "parse_cells",
    "number_findings",
]

DASHES = {"-", "–", "—", "--", "−"}
#: The typographic minus sign (U+2212), read as "-" before a number.
UNICODE_MINUS = "\u2212"

_ID_EVIDENCE = re.compile(
    r"^[+-]?(\d{1,3}(\.\d{3}){2,}(,\d*)?|\d{1,3}(\.\d{3})+,\d*|\d+,(\d{1,2}|\d{4,}))$"
)
_EN_EVIDENCE = re.compile(
    r"^[+-]?(\d{1,3}(,\d{3}){2,}(\.\d*)?|\d{1,3}(,\d{3})+\.\d*|\d+\.(\d{1,2}|\d{4,}))$"
)
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


@dataclass(frozen=True)
class NumberFormat:
    """Decimal mark and thousands separator of a table's text cells.

    Attributes
    ----------
    decimal : {".", ","}
    thousands : {",", ".", " ", ""}
        ``""`` means no thousands separator is accepted.
    ambiguous : bool
        True when the cells did not decide the format and a hint was used.
    reason : str
        One line saying why this format was chosen.
    """

    decimal: str = "."
    thousands: str = ","
    ambiguous: bool = False
    reason: str = ""


#: At most this many cells with separators are examined to detect the number format.
DETECT_SAMPLE = 200_000


def _strings(cells) -> pd.Series:
    flat = pd.Series(np.asarray(cells, dtype=object).ravel(), dtype=object)
    _, is_str = classify_cells(flat)
    s = flat[is_str].astype(str).str.replace(UNICODE_MINUS, "-", regex=False)
    s = s[s.str.contains(r"\d[.,]|[.,]\d", regex=True)]
    return s.iloc[:DETECT_SAMPLE].str.strip()


def detect_number_format(cells, hint_sep: str | None = None) -> NumberFormat:
    """Choose the decimal mark and thousands separator from the text cells of a table.

    Parameters
    ----------
    cells : array_like of objects
        The table's value cells (strings and/or numbers; numbers carry no evidence).
    hint_sep : str, optional
        The CSV field separator: ``";"`` tips ambiguous tables to the Indonesian style.

    Returns
    -------
    NumberFormat

    Examples
    --------
    >>> detect_number_format(["1.234.567,89", "12,5", "-"]).decimal
    ','
    >>> detect_number_format(["1,234,567.89", "0.25"]).decimal
    '.'
    >>> f = detect_number_format(["1.234", "17"], hint_sep=";")
    >>> f.decimal, f.ambiguous
    (',', True)
    """
    return detect_from_sample(_strings(cells), hint_sep)


def detect_from_sample(s: pd.Series, hint_sep: str | None = None) -> NumberFormat:
    """:func:`detect_number_format` on the sample it takes of the cells: the text cells
    with a digit beside ``.`` or ``,`` (at most :data:`DETECT_SAMPLE`, in row order),
    stripped. The CSV fast path takes that sample from pyarrow columns.

    Examples
    --------
    >>> detect_from_sample(pd.Series(["1.234.567,89", "12,5"])).decimal
    ','
    """
    s = s[s.str.contains(r"\d", regex=True)]
    n_id = int(s.str.match(_ID_EVIDENCE).sum())
    n_en = int(s.str.match(_EN_EVIDENCE).sum())
    if n_id or n_en:
        if n_id > n_en:
            return NumberFormat(
                ",", ".", False, f"{n_id} cells only make sense with decimal ',' ({n_en} with '.')"
            )
        return NumberFormat(
            ".", ",", False, f"{n_en} cells only make sense with decimal '.' ({n_id} with ',')"
        )
    n_amb = int(s.str.match(_AMBIGUOUS).sum())
    if n_amb:
        if hint_sep == ";":
            return NumberFormat(
                ",",
                ".",
                True,
                f"{n_amb} cells like 1.234 or 1,234 are "
                "ambiguous; ';' separator, so read as Indonesian (1.234 = 1234)",
            )
        return NumberFormat(
            ".",
            ",",
            True,
            f"{n_amb} cells like 1.234 or 1,234 are ambiguous; "
            "read as English (1.234 = 1.234, 1,234 = 1234)",
        )
    if hint_sep == ";":
        return NumberFormat(",", ".", False, "no separators in numbers; ';' file: decimal ','")
    return NumberFormat(".", ",", False, "no thousands separators or decimal commas found")


@dataclass
class ParseResult:
    """Numbers parsed from cells, with what was reinterpreted, cell by cell.

    ``bad`` is a boolean mask (same shape as the cells) of cells that are not numbers;
    ``flags`` maps a kind of reinterpretation (``empty``, ``dash``, ``thousands``,
    ``decimal_comma``, ``parentheses``, ``spaces``) to a boolean mask of the cells concerned.
    """

    values: np.ndarray
    bad: np.ndarray
    flags: dict = field(default_factory=dict)

    @property
    def counts(self) -> dict:
        """Number of cells of each kind of reinterpretation (kinds with none left out)."""
        return self.counts_in(None)

    def counts_in(self, mask) -> dict:
        """Counts restricted to the cells where ``mask`` is True (None: all cells)."""
        out = {}
        for key, m in self.flags.items():
            k = int((m & mask).sum()) if mask is not None else int(m.sum())
            if k:
                out[key] = k
        return out


def classify_cells(flat: pd.Series):
    """Masks (is_none, is_str) of a 1-D object Series, fast when the types are uniform."""
    kind = pd.api.types.infer_dtype(flat, skipna=False)
    if kind == "string":
        return np.zeros(flat.size, bool), np.ones(flat.size, bool)
    if kind in ("floating", "integer", "mixed-integer-float"):
        return pd.isna(flat).to_numpy(), np.zeros(flat.size, bool)
    values = flat.to_numpy(dtype=object)
    is_str = np.fromiter(map(isinstance, values, repeat(str)), bool, count=values.size)
    is_none = pd.isna(values) & ~is_str
    return is_none, is_str


def _number_pattern(decimal: str, thousands: str) -> re.Pattern:
    d = re.escape(decimal)
    if thousands:
        t = re.escape(thousands)
        integer = rf"(\d{{1,3}}({t}\d{{3}})+|\d+)"
    else:
        integer = r"\d+"
    return re.compile(rf"^[+-]?({integer}({d}\d*)?|{d}\d+)([eE][+-]?\d+)?$")


def parse_cells(cells, decimal: str = ".", thousands: str = ",") -> ParseResult:
    """Parse a 2-D block of cells into floats.

    Parameters
    ----------
    cells : array_like of objects, 2-D
        Numbers, strings or None.
    decimal, thousands : str
        The format (see :class:`NumberFormat`).

    Returns
    -------
    ParseResult
        ``values`` (float, 0 where a cell was empty, a dash or bad), ``bad`` mask, and
        ``counts``: ``empty``, ``dash``, ``thousands`` (separators stripped),
        ``decimal_comma``, ``parentheses``, ``spaces`` (cells whose counts are > 0 only).

    Examples
    --------
    >>> r = parse_cells([["1.234.567,89", "-"], ["", "(2,5)"]], decimal=",", thousands=".")
    >>> r.values.tolist()
    [[1234567.89, 0.0], [0.0, -2.5]]
    >>> sorted(r.counts.items())
    [('dash', 1), ('decimal_comma', 2), ('empty', 1), ('parentheses', 1), ('thousands', 1)]
    >>> parse_cells([["1,5", "x"]], decimal=",", thousands=".").bad.tolist()
    [[False, True]]
    """
    arr = np.asarray(cells, dtype=object)
    if arr.ndim != 2:
        arr = arr.reshape(arr.shape[0] if arr.ndim else 1, -1)
    shape = arr.shape
    flat = pd.Series(arr.ravel(), dtype=object)
    size = flat.size
    values = np.zeros(size, dtype=float)
    bad = np.zeros(size, dtype=bool)
    flags = {
        k: np.zeros(size, dtype=bool)
        for k in ("empty", "dash", "thousands", "decimal_comma", "parentheses", "spaces")
    }

    is_none, is_str = classify_cells(flat)
    is_num = ~is_none & ~is_str
    if is_num.any():
        num = flat[is_num]
        try:
            values[is_num] = num.astype(float).to_numpy()
        except (TypeError, ValueError):
            conv = pd.to_numeric(num, errors="coerce").to_numpy(dtype=float)
            values[is_num] = np.nan_to_num(conv)
            bad[np.flatnonzero(is_num)[np.isnan(conv)]] = True
    flags["empty"] |= is_none

    if is_str.any():
        idx = np.flatnonzero(is_str)
        s = flat[is_str].astype(str).str.strip()
        empty = (s == "").to_numpy()
        flags["empty"][idx[empty]] = True
        dash = s.isin(DASHES).to_numpy()
        flags["dash"][idx[dash]] = True
        rest = ~empty & ~dash
        s = s[rest].str.replace(UNICODE_MINUS, "-", regex=False)
        idx = idx[rest]
        # fast path: plain numbers
        fast = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        plain = ~np.isnan(fast) & ~s.str.contains(",", regex=False).to_numpy()
        if decimal == "," and thousands == ".":
            # "1.234" is 1234 here, not 1.234: only separator-free cells take the fast path
            plain &= ~s.str.contains(".", regex=False).to_numpy()
        values[idx[plain]] = fast[plain]
        s, idx = s[~plain], idx[~plain]
        if len(s):
            spaced = s.str.contains(r"\d[\s\u00a0]+\d", regex=True).to_numpy()
            if thousands != " ":
                flags["spaces"][idx[spaced]] = True
            s = s.str.replace(r"(?<=\d)[\s\u00a0]+(?=\d)", "", regex=True)
            paren = s.str.match(r"^\(.*\)$").to_numpy()
            flags["parentheses"][idx[paren]] = True
            s = s.where(~paren, "-" + s.str.slice(1, -1).str.strip())
            ok = s.str.match(_number_pattern(decimal, thousands)).to_numpy()
            if thousands:
                has = ok & s.str.contains(thousands, regex=False).to_numpy()
                flags["thousands"][idx[has]] = True
            if decimal == ",":
                has = ok & s.str.contains(",", regex=False).to_numpy()
                flags["decimal_comma"][idx[has]] = True
            clean = s
            if thousands:
                clean = clean.str.replace(thousands, "", regex=False)
            if decimal != ".":
                clean = clean.str.replace(decimal, ".", regex=False)
            conv = pd.to_numeric(clean.where(ok, "nan"), errors="coerce").to_numpy(dtype=float)
            good = ok & ~np.isnan(conv)
            values[idx[good]] = conv[good]
            bad[idx[~good]] = True
    # "inf", "1e400" and infinite numbers are not amounts: bad cells, reported where they are
    infinite = np.isinf(values)
    bad |= infinite
    values[infinite] = 0.0
    flags = {k: v.reshape(shape) for k, v in flags.items()}
    return ParseResult(values.reshape(shape), bad.reshape(shape), flags)


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
