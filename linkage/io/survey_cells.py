"""Survey cells as field teams write them: ids typed as decimals, ``Rp 1.500.000``, ``-6,70``.

Each function reads one column and reports every reinterpretation in the
:class:`~linkage.core.diagnostics.Diagnostics`; the number styles come from
:mod:`linkage.io.numbers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..network.reader import id_strings
from .numbers import NumberFormat, detect_number_format, parse_cells

__all__ = ["comma_degrees", "survey_amounts", "survey_ids"]


def survey_ids(series: pd.Series, where: str = "", diag: Diagnostics | None = None) -> np.ndarray:
    """Ids as stripped strings (object array), missing as None.

    Integer-valued floats (``12.0``, as spreadsheets store ids) become ``"12"``; so does a
    text column in which *every* id is written like that (``1.0, 2.0, ...``: what pandas
    or a spreadsheet writes for a number column with a blank cell), which is reported in
    ``diag``. A column that mixes ``1`` and ``2.0`` is text and is kept as it is.

    Examples
    --------
    >>> d = Diagnostics()
    >>> survey_ids(pd.Series(["1.0", "2.0", None]), "f", d).tolist(), d.count("float_ids")
    (['1', '2', None], 2)
    >>> survey_ids(pd.Series(["1", "2.0"]), "f", d).tolist(), d.count("float_ids")
    (['1', '2.0'], 2)
    """
    out = id_strings(series)
    given = pd.Series(out[~pd.isna(out)], dtype=object)
    if len(given) and bool(given.str.fullmatch(r"\d+\.0+").all()):
        first = given.iloc[0]
        out[~pd.isna(out)] = given.str.replace(r"\.0+$", "", regex=True).to_numpy(dtype=object)
        if diag is not None:
            diag.add(
                "float_ids",
                f"{where}: every id is written as a decimal number ({first!r}, ...); they "
                f"are read as whole numbers ({out[~pd.isna(out)][0]!r}, ...)",
                count=len(given),
            )
    return out


def survey_amounts(series: pd.Series, where: str = "", diag: Diagnostics | None = None):
    """Parse numbers; returns (values, invalid mask). Missing counts as invalid.

    Plain numbers are read directly. When some cells are not plain numbers, the column's
    number style is detected (``1.500.000`` or ``1.234,5`` Indonesian, ``1,500,000``
    English; a leading ``Rp`` is dropped) with :mod:`linkage.io.numbers`, every cell with a
    separator is re-read in that style and the reinterpretation is reported.
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, ~np.isfinite(values)
    stripped = series.astype(str).str.strip().where(series.notna())
    values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    failed = np.isnan(values) & stripped.notna().to_numpy() & stripped.ne("").to_numpy()
    if failed.any():
        text = stripped.str.replace(r"^[Rr][Pp]\.?\s*", "", regex=True)
        has_sep = text.str.contains(r"\d[.,]\d", regex=True).fillna(False).to_numpy(bool)
        redo = failed | has_sep
        cells = text[redo].to_numpy(dtype=object)
        fmt = detect_number_format(cells)
        rupiah = stripped[redo].str.match(r"[Rr][Pp]\.?\s*\d").fillna(False)
        if fmt.ambiguous and bool(rupiah.any()):
            # "Rp 250.000": rupiah amounts are written with '.' between thousands
            fmt = NumberFormat(
                ",", ".", False, f"{int(rupiah.sum())} amount(s) in 'Rp' like 'Rp 250.000'"
            )
        if not fmt.ambiguous:
            parsed = parse_cells(cells[:, None], decimal=fmt.decimal, thousands=fmt.thousands)
            ok = ~parsed.bad.ravel()
            new = np.where(ok, parsed.values.ravel(), np.nan)
            changed = int((ok & failed[redo]).sum())
            values = values.copy()
            values[np.flatnonzero(redo)] = new
            if diag is not None and changed:
                diag.add(
                    "number_format",
                    f"{where}: {changed} value(s) written with separators or 'Rp' were read "
                    f"with decimal {fmt.decimal!r} and thousands {fmt.thousands!r} "
                    f"({fmt.reason})",
                    count=changed,
                )
    elif diag is not None:
        dotted = stripped.str.contains(".", regex=False).fillna(False).to_numpy(bool)
        if dotted.any():
            three = stripped[dotted].str.fullmatch(r"[+-]?\d{1,3}\.\d{3}").fillna(False)
            if bool(three.all()):
                diag.add(
                    "ambiguous_numbers",
                    f"{where}: {int(dotted.sum())} value(s) like '1.500' were read as decimal "
                    "numbers (1.5); if '.' separates thousands in this file, write the values "
                    "without separators",
                    count=int(dotted.sum()),
                    level="warning",
                )
    return values, ~np.isfinite(values)


def comma_degrees(series: pd.Series, where: str, diag: Diagnostics) -> pd.Series:
    """Coordinates written with a decimal comma (``-6,70``) as ``-6.70``, reported.

    A comma in a latitude or longitude can only be a decimal mark (no coordinate reaches
    a thousand degrees), so a cell of the form ``[-]ddd,d...`` is unambiguous.

    Examples
    --------
    >>> d = Diagnostics()
    >>> comma_degrees(pd.Series(["-6,70", "108.5"]), "f", d).tolist()
    ['-6.70', '108.5']
    >>> d.count("decimal_comma")
    1
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series
    text = series.astype(str).str.strip().where(series.notna())
    comma = text.str.fullmatch(r"[+-]?\d{1,3},\d+").fillna(False).to_numpy(dtype=bool)
    if not comma.any():
        return series
    out = text.where(~comma, text.str.replace(",", ".", regex=False))
    diag.add(
        "decimal_comma",
        f"{where}: {int(comma.sum())} coordinate(s) written with a decimal comma were read "
        "with a decimal point",
        count=int(comma.sum()),
    )
    return out
