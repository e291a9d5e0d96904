"""Impact-analysis inputs: shock, bridge and satellite-account files (CSV or Excel).

- **Shock**: a label column (``sector``, or ``category`` with a bridge) and one numeric
  column per scenario, the column name being the scenario's name (change in final demand,
  money units of the table; negative values are cuts).
- **Bridge**: the columns ``category, sector, share``: how each spending category (a DAK
  Fisik budget line: buildings, machines, packaging units) splits over the table's sectors.
  The shares of a category sum to 1 (or to 100: then read as percent, and said).
- **Satellites**: one row per account (employment, energy, CO2, water, land), a first
  column ``account``, an optional ``unit`` column, then one column per sector.

Every problem is a one-line :class:`~linkage.errors.InputFileError` naming the file, row
and column; labels that are not sectors of the table get "did you mean" suggestions.
``book.xlsx#SHEET`` names an Excel sheet.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .bps17 import normalize_name
from .grid import empty_mask
from .measures import _grid, _grid_notes, _label_text
from .numbers import detect_number_format, parse_cells

__all__ = ["read_shock", "read_bridge", "read_satellites", "sector_lookup"]

_SECTOR_WORDS = ("sector", "sektor", "sectors", "industry", "industri", "lapangan usaha")
_CATEGORY_WORDS = ("category", "kategori", "spending", "belanja", "item", "komponen")
_ACCOUNT_WORDS = ("account", "akun", "satellite", "satelit", "neraca satelit", "indicator")
_SHARE_WORDS = ("share", "porsi", "bagian", "proporsi", "weight", "bobot")
_UNIT_WORDS = ("unit", "units", "satuan")
_TOTAL_WORDS = ("total", "jumlah", "grand total")


def sector_lookup(sectors: pd.Index) -> dict:
    """Text of each sector label (``region|sector`` for pairs) -> the label itself.

    Examples
    --------
    >>> sector_lookup(pd.Index(["Padi", 12]))
    {'Padi': 'Padi', '12': 12}
    """
    out = {}
    for s in sectors:
        text = "|".join(map(str, s)) if isinstance(s, tuple) else str(s).strip()
        out[text] = s
    return out


def _unknown(label: str, lookup: dict, what: str, path, row=None, column=None, why=""):
    close = difflib.get_close_matches(label, list(lookup), n=3)
    hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
    return InputFileError(
        f"{what} {label!r} is not a sector of the table{hint}{why}",
        path=path,
        row=row,
        column=column,
    )


def _candidates(label: str, lookup: dict) -> tuple[list, str]:
    """Sectors a label may name beyond its exact text, and the rule that found them."""
    folded = [v for k, v in lookup.items() if k.casefold() == label.casefold()]
    if folded:
        return folded, "same text ignoring case"
    norm = normalize_name(label)
    same = [v for k, v in lookup.items() if normalize_name(k) == norm]
    if same:
        return same, "same words ignoring punctuation"
    # BPS labels are "<code> <name>" ("F Konstruksi"): the code alone or the name alone
    coded = [
        v
        for k, v in lookup.items()
        if len(k.split(maxsplit=1)) == 2
        and (
            k.split(maxsplit=1)[0].casefold() == label.casefold()
            or normalize_name(k.split(maxsplit=1)[1]) == norm
        )
    ]
    return coded, "its code or its name without the code"


def _resolve(
    labels,
    rows,
    sectors,
    path,
    what,
    column=None,
    notes=None,
    by_column=False,
    unique=True,
    why="",
):
    """The table's sector for each file label, or a one-line error at the first unknown.

    A label that is not a sector's exact text is matched ignoring case, then punctuation,
    then as a BPS code or name alone; each such reading is said in ``notes``, and a label
    that fits two sectors is an error listing them. ``why`` ends the message of an
    unknown label (how the label column was chosen, when it was a guess).
    """
    if sectors is None:
        return list(labels)
    lookup = sector_lookup(sectors)
    out, guessed = [], []
    for label, row in zip(labels, rows, strict=True):
        where = {"column": label} if by_column else {"row": row, "column": column}
        if label in lookup:
            out.append(lookup[label])
            continue
        found, rule = _candidates(label, lookup)
        if not found:
            raise _unknown(label, lookup, what, path, **where, why=why)
        if len(found) > 1:
            raise InputFileError(
                f"{what} {label!r} fits {len(found)} sectors ({rule}): "
                f"{[str(f) for f in found[:5]]}; write the sector's full label",
                path=path,
                **where,
            )
        out.append(found[0])
        guessed.append(f"{label!r} -> {str(found[0])!r} ({rule})")
    if unique:
        _no_sector_twice(labels, rows, out, path, what, column, by_column)
    if guessed and notes is not None:
        name = Path(str(path).split(" [sheet ")[0]).name
        shown = "; ".join(guessed[:5]) + (
            f" and {len(guessed) - 5} more" if len(guessed) > 5 else ""
        )
        notes.append(f"{name}: {len(guessed)} label(s) read as the table's sectors: {shown}")
    return out


def _no_sector_twice(labels, rows, sectors, path, what, column, by_column) -> None:
    """Two file labels that name the same sector ("F" and "Konstruksi") are an error."""
    first: dict = {}
    for label, row, sector in zip(labels, rows, sectors, strict=True):
        if sector in first:
            other, other_row = first[sector]
            where = {"column": label} if by_column else {"row": row, "column": column}
            at = "" if by_column else f" at row {other_row}"
            raise InputFileError(
                f"{what} {label!r} names the sector {str(sector)!r}, as {other!r}{at} does: "
                "give each sector once",
                path=path,
                **where,
            )
        first[sector] = (label, row)


def _block(path, sheet, what: str):
    """Non-empty rows and columns of the file: (header texts, data cells, row numbers, grid)."""
    grid = _grid(path, sheet)
    empty = empty_mask(grid.cells)
    keep_rows = ~empty.all(axis=1) if grid.cells.size else np.zeros(0, bool)
    if not keep_rows.any():
        raise InputFileError(f"{what} file is empty", path=grid.path)
    keep_cols = np.flatnonzero(~empty[keep_rows].all(axis=0))
    cells = grid.cells[keep_rows][:, keep_cols]
    rows = [r for r, k in zip(grid.rows, keep_rows, strict=True) if k]
    header = [_label_text(c) for c in cells[0]]
    if len(rows) < 2:
        raise InputFileError(f"{what} file has a header but no data rows", path=grid.path)
    for j, name in enumerate(header):
        if not name:
            raise InputFileError(f"{what} file: empty column name", path=grid.path, row=rows[0])
        if name in header[:j]:
            raise InputFileError(
                f"{what} file: column {name!r} repeated", path=grid.path, row=rows[0]
            )
    return header, cells[1:], rows[1:], grid


def _numbers(cells, rows, header, grid, what: str, notes: list) -> np.ndarray:
    """Parse numeric cells in the file's number format; one-line error at the first bad one."""
    fmt = detect_number_format(cells.ravel(), hint_sep=grid.sep)
    parsed = parse_cells(cells, fmt.decimal, fmt.thousands)
    bad = np.argwhere(parsed.bad)
    if len(bad):
        i, j = bad[0]
        raise InputFileError(
            f"{what}: not a number",
            path=grid.path,
            row=rows[i],
            column=header[j],
            value=cells[i, j],
        )
    name = Path(grid.path.split(" [sheet ")[0]).name
    for kind, text in (
        ("empty", "empty cell(s) read as 0"),
        ("dash", "'-' cell(s) read as 0"),
        ("parentheses", "(x) cell(s) read as -x"),
    ):
        k = int(parsed.flags[kind].sum())
        if k:
            notes.append(f"{name}: {k} {text}")
    if fmt.ambiguous:
        notes.append(f"{name}: {fmt.reason}")
    return parsed.values


def _label_column(header, grid, what: str, words) -> int:
    """Position of the label column: the one whose name is one of ``words``, else the first."""
    named = [j for j, h in enumerate(header) if normalize_name(h) in words]
    if len(named) > 1:
        raise InputFileError(
            f"{what} file: {len(named)} label columns {[header[j] for j in named]}; keep one",
            path=grid.path,
        )
    return named[0] if named else 0


def _guessed_column(header, j: int, words) -> str:
    """The end of an unknown-label message when no column was named as a label column."""
    if normalize_name(header[j]) in words:
        return ""
    return (
        f"; no column is named {words[0]!r}, so the first column {header[j]!r} was read "
        "as the labels"
    )


def _labels(cells, j, rows, grid, what: str) -> list[str]:
    labels = [_label_text(c) for c in cells[:, j]]
    seen: dict[str, int] = {}
    for label, row in zip(labels, rows, strict=True):
        if not label:
            raise InputFileError(f"{what}: empty label", path=grid.path, row=row)
        if label in seen:
            raise InputFileError(
                f"{what}: label {label!r} repeated (first at row {seen[label]})",
                path=grid.path,
                row=row,
            )
        seen[label] = row
    return labels


def _drop_total(labels, values, rows, notes, name: str):
    """Drop a last row named total/jumlah when it is the sum of the others (said in notes)."""
    if len(labels) > 2 and normalize_name(labels[-1]).startswith(_TOTAL_WORDS):
        rest = values[:-1].sum(axis=0)
        if np.all(np.abs(values[-1] - rest) <= 1e-6 * np.maximum(np.abs(rest), 1e-300)):
            notes.append(f"{name}: last row {labels[-1]!r} is the total of the others: dropped")
            return labels[:-1], values[:-1], rows[:-1]
    return labels, values, rows


def read_shock(path, sectors=None, *, sheet=None, categories: bool = False) -> pd.DataFrame:
    """A shock file: a label column and one numeric column per scenario.

    Parameters
    ----------
    path : str or Path
        CSV (``,``/``;``/tab, either number format) or ``.xlsx`` (``book.xlsx#SHEET``).
        The label column is named ``sector``/``sektor`` (``category``/``kategori`` for
        spending through a bridge) or is the first column; every other column is a
        scenario, named by its header.
    sectors : pandas.Index, optional
        The table's sectors: labels are matched to them (exactly, else ignoring case) and
        an unknown label is an error with the closest sector names.
    categories : bool
        The labels are spending categories (for a bridge), not sectors: not matched.

    Returns
    -------
    DataFrame
        Labels (the table's sector labels when matched) x scenarios, float.
        ``attrs["notes"]``: what was reinterpreted (empty cells or ``-`` read as 0, a
        total row dropped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "shock.csv"
    >>> _ = p.write_text("sector;DAK 2025;growth\\nfood;1.500,5;-\\nTrade;0;250\\n")
    >>> read_shock(p, pd.Index(["food", "trade"]))
            DAK 2025  growth
    sector
    food      1500.5     0.0
    trade        0.0   250.0
    """
    what = "spending" if categories else "shock"
    header, cells, rows, grid = _block(path, sheet, what)
    notes = _grid_notes(grid)
    words = _CATEGORY_WORDS + _SECTOR_WORDS if categories else _SECTOR_WORDS
    j = _label_column(header, grid, what, words)
    value_cols = [k for k in range(len(header)) if k != j]
    if not value_cols:
        raise InputFileError(
            f"{what} file has no scenario column next to {header[j]!r}: one numeric column "
            "per scenario, named by the scenario",
            path=grid.path,
        )
    labels = _labels(cells, j, rows, grid, what)
    names = [header[k] for k in value_cols]
    values = _numbers(cells[:, value_cols], rows, names, grid, what, notes)
    labels, values, rows = _drop_total(labels, values, rows, notes, Path(path).name)
    index = labels
    if not categories:
        why = _guessed_column(header, j, words)
        index = _resolve(labels, rows, sectors, grid.path, what, header[j], notes, why=why)
    index = pd.Index(index, name="category" if categories else "sector")
    frame = pd.DataFrame(values, index=index, columns=names)
    frame.attrs.update(source=str(grid.path), notes=notes)
    return frame


def _bridge_columns(header, grid) -> dict:
    """The positions of the category, sector and share columns (named, any order)."""
    found = {}
    for role, words in (
        ("category", _CATEGORY_WORDS),
        ("sector", _SECTOR_WORDS),
        ("share", _SHARE_WORDS),
    ):
        hits = [j for j, h in enumerate(header) if normalize_name(h) in words]
        if len(hits) != 1:
            problem = "no" if not hits else f"{len(hits)}"
            raise InputFileError(
                f"bridge file: {problem} {role} column among {header}; the columns are "
                "category, sector, share",
                path=grid.path,
            )
        found[role] = hits[0]
    return found


def read_bridge(path, sectors=None, *, sheet=None) -> pd.DataFrame:
    """A bridge file: the columns ``category, sector, share`` (any order, named).

    Parameters
    ----------
    path : str or Path
        CSV or ``.xlsx``; one row per (category, sector) pair. Indonesian column names
        (``kategori``, ``sektor``, ``porsi``/``bagian``) are recognized too.
    sectors : pandas.Index, optional
        The table's sectors (sector names matched as in :func:`read_shock`).

    Returns
    -------
    DataFrame
        Long, with the columns ``category``, ``sector``, ``share`` (fractions: when every
        category's shares sum to 100 they are read as percent and divided by 100, said
        in ``attrs["notes"]``).

    Raises
    ------
    InputFileError
        A missing column, a pair given twice, a non-numeric or negative share, shares of
        a category that sum to neither 1 nor 100 (with the category's rows), a sector that
        is not in the table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bridge.csv"
    >>> _ = p.write_text("category,sector,share\\nbuilding,construction,90\\n"
    ...                  "building,trade,10\\nmachines,machinery,100\\n")
    >>> b = read_bridge(p)
    >>> b["share"].tolist(), b.attrs["notes"][-1]
    ([0.9, 0.1, 1.0], 'bridge.csv: every category sums to 100: shares read as percent')
    """
    header, cells, rows, grid = _block(path, sheet, "bridge")
    notes = _grid_notes(grid)
    col = _bridge_columns(header, grid)
    category = [_label_text(c) for c in cells[:, col["category"]]]
    sector = [_label_text(c) for c in cells[:, col["sector"]]]
    for i, (c, s) in enumerate(zip(category, sector, strict=True)):
        if not c or not s:
            missing = "category" if not c else "sector"
            raise InputFileError(f"bridge: empty {missing}", path=grid.path, row=rows[i])
    shares = _numbers(cells[:, [col["share"]]], rows, [header[col["share"]]], grid, "bridge", notes)
    shares = shares[:, 0]
    sector = _resolve(
        sector,
        rows,
        sectors,
        grid.path,
        "bridge sector",
        header[col["sector"]],
        notes,
        unique=False,
    )
    _check_pairs(category, sector, shares, rows, grid, header[col["share"]])
    shares = _fractions(category, shares, rows, grid, notes)
    frame = pd.DataFrame({"category": category, "sector": sector, "share": shares})
    frame.attrs.update(source=str(grid.path), notes=notes)
    return frame


def _check_pairs(category, sector, shares, rows, grid, share_column) -> None:
    seen: dict = {}
    for i, pair in enumerate(zip(category, sector, strict=True)):
        if pair in seen:
            raise InputFileError(
                f"bridge: the pair {pair[0]!r} -> {str(pair[1])!r} repeated "
                f"(first at row {seen[pair]})",
                path=grid.path,
                row=rows[i],
            )
        seen[pair] = rows[i]
        if shares[i] < 0:
            raise InputFileError(
                "bridge: negative share", path=grid.path, row=rows[i], column=share_column
            )


def _fractions(category, shares, rows, grid, notes) -> np.ndarray:
    """Shares as fractions: each category sums to 1, or every category to 100 (percent)."""
    totals = pd.Series(shares).groupby(pd.Series(category), sort=False).sum()
    if np.all(np.abs(totals - 1.0) <= 1e-6):
        return shares
    if np.all(np.abs(totals - 100.0) <= 1e-4):
        notes.append(f"{Path(grid.path).name}: every category sums to 100: shares read as percent")
        return shares / 100.0
    off = totals[(np.abs(totals - 1.0) > 1e-6) & (np.abs(totals - 100.0) > 1e-4)]
    if off.empty:  # some sum to 1, others to 100: mixed units
        off = totals[np.abs(totals - 1.0) > 1e-6]
    name = off.index[0]
    where = [r for c, r in zip(category, rows, strict=True) if c == name]
    raise InputFileError(
        f"bridge: the shares of category {name!r} sum to {off.iloc[0]:.6g}, not 1 "
        f"(rows {', '.join(map(str, where[:8]))}); every category's shares sum to 1 "
        "(or all to 100 for percent)",
        path=grid.path,
        row=where[0],
    )


def read_satellites(path, sectors=None, *, sheet=None) -> pd.DataFrame:
    """A satellite-account file: one row per account, one column per sector.

    Parameters
    ----------
    path : str or Path
        CSV or ``.xlsx``: a first column ``account`` (or ``akun``/``satellite``), an
        optional ``unit``/``satuan`` column, then one column per sector of the table
        (every sector; matched as in :func:`read_shock`).
    sectors : pandas.Index, optional
        The table's sectors; when given, every sector needs a column.

    Returns
    -------
    DataFrame
        Accounts x sectors (the table's labels), float; ``attrs["units"]`` (account ->
        unit, "" when not given) and ``attrs["notes"]``; ready for
        :meth:`linkage.IOTable.with_satellites`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "satellites.csv"
    >>> _ = p.write_text("account,unit,S1,S2\\nCO2,kt,5,8\\nwater,m3,100,40\\n")
    >>> s = read_satellites(p, pd.Index(["S1", "S2"]))
    >>> s.loc["CO2"].tolist(), s.attrs["units"]
    ([5.0, 8.0], {'CO2': 'kt', 'water': 'm3'})
    """
    header, cells, rows, grid = _block(path, sheet, "satellites")
    notes = _grid_notes(grid)
    j = _label_column(header, grid, "satellites", _ACCOUNT_WORDS)
    units_at = [k for k, h in enumerate(header) if normalize_name(h) in _UNIT_WORDS and k != j]
    value_cols = [k for k in range(len(header)) if k != j and k not in units_at[:1]]
    accounts = _labels(cells, j, rows, grid, "satellites")
    names = [header[k] for k in value_cols]
    columns = _resolve(
        names, [rows[0] - 1] * len(names), sectors, grid.path, "column", by_column=True
    )
    if sectors is not None:
        missing = [s for s in sectors if s not in set(columns)]
        if missing:
            raise InputFileError(
                f"satellites: no column for {len(missing)} sector(s) of the table: "
                f"{[str(s) for s in missing[:5]]}{' ...' if len(missing) > 5 else ''}",
                path=grid.path,
            )
    values = _numbers(cells[:, value_cols], rows, names, grid, "satellites", notes)
    units = [_label_text(c) for c in cells[:, units_at[0]]] if units_at else [""] * len(accounts)
    frame = pd.DataFrame(values, index=pd.Index(accounts, name="account"), columns=columns)
    frame.attrs.update(
        source=str(grid.path), notes=notes, units=dict(zip(accounts, units, strict=True))
    )
    return frame
