"""Total or domestic transactions: which a table is, stated, and what is done about it.

BPS publishes two kinds of table. In *transaksi domestik* (domestic transactions) the flows
``Z`` and the final demand hold local products only; the intermediate imports are rows below
``Z`` (codes ``2000`` *Input Antara Impor Luar Negeri*, ``2001`` *... Antar Provinsi*, older
``200``). In *transaksi total* the flows hold imported and local products together; the
imports are a column (codes ``409`` *Jumlah Impor*, ``401`` ... ``404``, names *Impor* /
*Imports*) that is subtracted from the row total, and tables at purchasers' prices
(*harga pembeli*) also subtract margin columns (``501`` ... ``509``, *Marjin/Margin
Perdagangan*, *Marjin/Biaya Pengangkutan*, *trade/transport margin*). The coefficients of a
total table are *technical* coefficients: multipliers computed from them count imported
inputs as local production and overstate local effects.

:func:`resolve_transactions` decides which kind a table is and states the guess and its
rule in ``table.diagnostics`` (code ``transactions``); the lines are found and the domestic
table derived in :mod:`linkage.io.imports`:

- the title, file name or sheet name says it (*Transaksi Total* / *Transaksi Domestik*,
  *total* / *domestic transactions*, BPS's sheet names ``PCT``/``BCT``/``BCD``);
- an import or margin column says *total*; an intermediate-import row says *domestic*;
- when these disagree it is an error naming what was found and the option that settles it
  (``transactions="total"`` or ``"domestic"``; command line ``--transactions``); when
  nothing is found the table is read as domestic, and said.

A total table with the import matrix (:func:`~linkage.io.imports.read_import_matrix`)
becomes domestic (:func:`~linkage.io.imports.domestic_from_total`): ``Z_domestic =
Z_total - M``, final demand likewise, the import column dropped and the imports a
primary-input row. Without it, the table is used as it is with a warning that its
coefficients are technical, not domestic. Import and margin columns entered as positive
numbers to be subtracted are negated first (the sign that balances the rows against the
column totals; said). :func:`read_table_transactions`
is :func:`linkage.io.read_table` followed by :func:`resolve_transactions`.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from ..core.diagnostics import Diagnostics
from ..core.table import IOTable
from ..errors import DataQualityWarning, InputFileError, InvalidTableError
from .imports import (
    domestic_from_total,
    import_columns,
    import_rows,
    margin_columns,
    rebuild_table,
    signed_final_demand,
    subtracted_columns,
)
from .tables import read_table

__all__ = [
    "TRANSACTIONS",
    "title_transactions",
    "guess_transactions",
    "resolve_transactions",
    "read_table_transactions",
    "title_rows",
]

#: The kinds of table :func:`resolve_transactions` knows.
TRANSACTIONS = ("total", "domestic")
OPTION = "transactions='total' or 'domestic' (command line: --transactions total|domestic)"

_TITLE_TOTAL = re.compile(r"\btransaksi total\b|\btotal transactions?\b")
_TITLE_DOMESTIC = re.compile(r"\btransaksi domestik\b|\bdomestic transactions?\b")
_SHEET = re.compile(r"^\s*([pb])c([td])\b", re.IGNORECASE)


def title_transactions(text, sheet: str = "") -> tuple[str | None, str]:
    """``("total" | "domestic" | None, what said so)`` from a title or file name, or a sheet.

    Examples
    --------
    >>> title_transactions("Tabel Input-Output Provinsi X Transaksi Total Atas Dasar ...")
    ('total', "the title says 'transaksi total'")
    >>> title_transactions("io-table-domestic-transactions-2016")
    ('domestic', "the title says 'domestic transactions'")
    >>> title_transactions("", sheet="BCD 185")[0], title_transactions("prov.csv")
    ('domestic', (None, ''))
    """
    words = " ".join(re.sub(r"[-_]+", " ", str(text)).casefold().split())
    total, domestic = _TITLE_TOTAL.search(words), _TITLE_DOMESTIC.search(words)
    if total and not domestic:
        return "total", f"the title says {total.group(0)!r}"
    if domestic and not total:
        return "domestic", f"the title says {domestic.group(0)!r}"
    m = _SHEET.match(str(sheet or ""))
    if m:
        kind = "total" if m.group(2).lower() == "t" else "domestic"
        return kind, (f"the sheet name {sheet!r} (BPS: PCT/BCT total, BCD domestic transactions)")
    return None, ""


def _evidence(table: IOTable, title: str, sheet: str) -> list[tuple[str, str]]:
    """What says total and what says domestic: (kind, reason) pairs."""
    found = []
    kind, why = title_transactions(title, sheet)
    if kind:
        found.append((kind, why))
    fd = [str(c) for c in table.final_demand.columns]
    imp = import_columns(fd)
    if imp:
        found.append(("total", f"import column(s) {imp[:3]}"))
    mar = margin_columns(fd)
    if mar:
        found.append(("total", f"margin column(s) {mar[:3]}"))
    rows = import_rows([str(c) for c in table.primary_inputs.columns])
    if rows:
        found.append(("domestic", f"intermediate-import row(s) {rows[:3]} below the flows"))
    return found


def guess_transactions(table: IOTable, title: str = "", sheet: str = ""):
    """``(kind, rule)``: what :func:`resolve_transactions` would decide without an option.

    Raises
    ------
    InvalidTableError
        The title, columns and rows disagree; the message lists them and the option.

    Examples
    --------
    >>> t = IOTable.from_arrays([[1.0, 2.0], [3.0, 4.0]], final_demand=[[10.0], [10.0]])
    >>> guess_transactions(t, "Tabel IO Transaksi Domestik 2016")
    ('domestic', "the title says 'transaksi domestik'")
    >>> guess_transactions(t)[0]
    'domestic'
    """
    found = _evidence(table, title, sheet)
    kinds = {k for k, _ in found}
    if len(kinds) > 1:
        said = "; ".join(f"{k}: {why}" for k, why in found)
        raise InvalidTableError(
            f"is this table of total or of domestic transactions? ({said}); say which with {OPTION}"
        )
    if not found:
        return "domestic", (
            "no title, import column, margin column or import row says otherwise: read as "
            f"domestic transactions (settle it with {OPTION})"
        )
    return found[0][0], "; ".join(why for _, why in found)


def resolve_transactions(
    table: IOTable,
    transactions: str | None = None,
    imports=None,
    *,
    title: str = "",
    sheet: str = "",
    path=None,
) -> IOTable:
    """The table as domestic transactions, derived or warned about; the rule in diagnostics.

    Parameters
    ----------
    table : IOTable
    transactions : {"total", "domestic"}, optional
        What the table is; default: guessed (:func:`guess_transactions`), an error when
        the title, columns and rows disagree.
    imports : path or DataFrame, optional
        The import matrix of a total table (:func:`read_import_matrix`): the domestic
        table is derived (:func:`domestic_from_total`). Without it a total table is kept,
        with a warning that its coefficients are technical, not domestic.
    title, sheet : str
        Text that may say which (the title rows, file name, sheet name); default the
        table's name.
    path : path, optional
        The table's file, named in errors.

    Returns
    -------
    IOTable
        ``diagnostics`` has the finding ``transactions``: the kind, the rule and what was done.

    Examples
    --------
    >>> import warnings, pandas as pd
    >>> t = IOTable.from_arrays([[20.0, 30.0], [10.0, 40.0]],
    ...     final_demand=pd.DataFrame({"households": [60.0, 70.0], "409 Impor": [-10, -20]}),
    ...     value_added=[[70.0, 30.0]])
    >>> with warnings.catch_warnings(record=True):
    ...     r = resolve_transactions(t)
    >>> print([f.message for f in r.diagnostics if f.code == "transactions"][0][:60])
    total transactions (import column(s) ['409 Impor']); no impo
    """
    if transactions not in (None, *TRANSACTIONS):
        raise InvalidTableError(f"transactions must be 'total' or 'domestic', got {transactions!r}")
    text = " ".join(t for t in (title, table.name) if t)
    if transactions is None:
        try:
            kind, rule = guess_transactions(table, text, sheet)
        except InvalidTableError as exc:
            if path is None:
                raise
            raise InputFileError(str(exc), path=path) from None
    else:
        kind, rule = transactions, f"as given: transactions={transactions!r}"
    diag = Diagnostics()
    if kind == "domestic":
        if imports is not None:
            raise InputFileError(
                f"an import matrix was given, but the table is read as domestic transactions "
                f"({rule}); if its flows include imports, say transactions='total' "
                "(command line: --transactions total)",
                path=path,
            )
        table.diagnostics.add("transactions", f"domestic transactions ({rule})")
        return table
    return _total_table(table, rule, imports, diag)


def _total_table(table: IOTable, rule: str, imports, diag: Diagnostics) -> IOTable:
    """A total table made domestic with the import matrix, or kept with the warning."""
    margins = margin_columns([str(c) for c in table.final_demand.columns])
    if margins:
        diag.add(
            "margins",
            f"margin column(s) {margins[:3]} (purchasers' prices) stay in final demand: the "
            "coefficients include the trade and transport margins",
        )
    if imports is not None:
        diag.add(
            "transactions",
            f"total transactions ({rule}); the domestic table is derived from the import "
            "matrix: Z_domestic = Z_total - M, final demand likewise, the import column(s) "
            "dropped, the intermediate imports a primary-input row",
        )
        return domestic_from_total(table, imports, diag=diag)
    diag.add(
        "transactions",
        f"total transactions ({rule}); no import matrix: the coefficients are technical "
        "(imported inputs inside the flows), not domestic, so multipliers overstate local "
        "effects; give the import matrix (imports=, command line --imports M.csv) to "
        "derive the domestic table",
        level="warning",
        warn=DataQualityWarning,
        stacklevel=4,
    )
    fd = signed_final_demand(table, subtracted_columns(table), diag)
    if fd.attrs["negated"]:
        return rebuild_table(
            table, diag, drop=("total_check",), final_demand=fd, total_output=fd.attrs["x"]
        )
    table.diagnostics.extend(diag)
    return table


def _sheet_read(table: IOTable, sheet):
    """The sheet the reader read: ``sheet`` as given, else the one its note names."""
    if sheet is not None:
        return sheet
    for f in table.diagnostics:
        if f.code == "sheet_chosen":
            m = re.search(r"read sheet '([^']*)'", f.message)
            if m:
                return m.group(1)
    return 0


def title_rows(path, sheet=None, n: int = 6) -> tuple[str, str]:
    """(text of the first ``n`` rows, sheet name) of a table file; ("", "") for folders,
    parquet files and files that cannot be read so (the reader has said why already)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in (".parquet", ".pq"):
        return "", ""
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        # calamine reads the first rows in a few ms (openpyxl's read-only load takes ~50)
        try:
            wb = CalamineWorkbook.from_path(str(path))
            names = wb.sheet_names
            name = sheet if isinstance(sheet, str) and sheet in names else None
            if name is None:
                ok = isinstance(sheet, int) and 0 <= sheet < len(names)
                name = names[sheet] if ok else names[0]
            rows = wb.get_sheet_by_name(name).to_python(nrows=n)
        except (OSError, ValueError, IndexError, CalamineError):
            return "", ""
        return " ".join(c for row in rows for c in row if isinstance(c, str) and c), name
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            return " ".join(fh.readline() for _ in range(n)), ""
    except OSError:
        return "", ""


def read_table_transactions(
    path, *, transactions: str | None = None, imports=None, sheet=None, **options
) -> IOTable:
    """:func:`linkage.io.read_table`, then :func:`resolve_transactions` on what it read.

    The file name, the first rows of the sheet (the title) and the sheet name are the
    text that may say *transaksi total* or *domestik*.

    Parameters
    ----------
    path : path
        The table, as for :func:`linkage.io.read_table`.
    transactions : {"total", "domestic"}, optional
        What the table is (default: guessed; an error when the evidence disagrees).
    imports : path or DataFrame, optional
        The import matrix of a total table: the domestic table is derived.
    sheet, **options
        As for :func:`linkage.io.read_table`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "io.csv").write_text("Tabel IO Transaksi Domestik\\n"
    ...     "sector,agri,manu,households,total output\\n"
    ...     "agri,150,500,350,1000\\nmanu,200,100,1700,2000\\nvalue added,650,1400,,\\n")
    >>> t = read_table_transactions(d / "io.csv")
    >>> [f.message for f in t.diagnostics if f.code == "transactions"]
    ["domestic transactions (the title says 'transaksi domestik')"]
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_table(path, sheet=sheet, **options)
    text, name = title_rows(path, _sheet_read(table, sheet))
    title = " ".join((Path(path).name, text))
    found = {f.message for f in table.diagnostics}
    result = resolve_transactions(
        table, transactions, imports, title=title, sheet=name, path=Path(path)
    )
    # the reader's warnings (none when resolving failed: the error says what matters),
    # except findings the resolution dropped as no longer true
    kept = {f.message for f in result.diagnostics}
    for w in caught:
        if str(w.message) not in found or str(w.message) in kept:
            warnings.warn(w.message, w.category, stacklevel=2)
    return result
