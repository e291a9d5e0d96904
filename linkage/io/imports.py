"""Import matrices of total-transaction tables, and the domestic table derived with them.

In a *total-transaction* table (BPS *transaksi total*) the flows ``Z`` and the final demand
hold imported and local products together, and the imports are a column (BPS codes ``409``
*Jumlah Impor*, ``401`` ... ``404``, or named *Impor* / *Imports*) subtracted from the row
total; at purchasers' prices (*harga pembeli*) margin columns (``501`` ... ``509``,
*Marjin/Margin Perdagangan*, *Marjin/Biaya Pengangkutan*) are subtracted too. In a
*domestic* table (*transaksi domestik*) the intermediate imports are rows below ``Z``
(``2000`` *Input Antara Impor Luar Negeri*, ``2001`` *... Antar Provinsi*, older ``200``).
:func:`import_columns`, :func:`margin_columns` and :func:`import_rows` find these lines;
:func:`domestic_from_total` derives the domestic table from a total one and its import
matrix (:func:`read_import_matrix`). Which kind a table is, is decided in
:mod:`linkage.io.transactions`.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import IOTable
from ..errors import DataQualityWarning, InputFileError
from .labels import display_label, norm_label

__all__ = [
    "import_columns",
    "margin_columns",
    "import_rows",
    "read_import_matrix",
    "domestic_from_total",
]

_IMPORT_COLUMN_CODES = {"409", "401", "402", "403", "404"}
_MARGIN_CODES = {"501", "502", "503", "509"}
_IMPORT_ROW_CODES = {"200", "2000", "2001"}
_IMPORT = re.compile(r"\b(impor|import|imports|imported|tuonti\w*)\b")
_MARGIN = re.compile(
    r"\b(marjin|margin|margins)\b.*\b(perdagangan|pengangkutan|trade|transport|distribusi)"
    r"|\b(perdagangan|pengangkutan|trade|transport)\b.*\b(marjin|margin|margins)\b"
    r"|\bbiaya pengangkutan\b"
)


def _parts(label) -> tuple[str, str]:
    """(first token, the rest) of a label as compared: ``"409 Impor"`` -> ``("409", "impor")``."""
    key = norm_label(label)
    head, _, rest = key.partition(" ")
    return head, rest


def import_columns(labels) -> list:
    """The final-demand labels that are imports (BPS codes 401 ... 409, or named so).

    Examples
    --------
    >>> import_columns(["3011 Konsumsi Rumah Tangga", "409 Jumlah Impor", "Imports (cif)"])
    ['409 Jumlah Impor', 'Imports (cif)']
    """
    return _matching(labels, _IMPORT_COLUMN_CODES, _IMPORT)


def margin_columns(labels) -> list:
    """The final-demand labels that are trade or transport margins (501 ... 509, or named).

    Examples
    --------
    >>> margin_columns(["Marjin Perdagangan", "509 Jumlah Marjin", "Biaya Pengangkutan", "3030"])
    ['Marjin Perdagangan', '509 Jumlah Marjin', 'Biaya Pengangkutan']
    """
    return _matching(labels, _MARGIN_CODES, _MARGIN)


def _matching(labels, codes, pattern) -> list:
    """The labels whose leading code is in ``codes`` or whose name matches ``pattern``."""
    return [
        label for label in labels if _parts(label)[0] in codes or pattern.search(norm_label(label))
    ]


def import_rows(labels) -> list:
    """The primary-input labels that are imports (BPS 200, 2000, 2001, or named so).

    Examples
    --------
    >>> import_rows(["2000 Input Antara Impor Luar Negeri", "2090 Nilai Tambah Bruto"])
    ['2000 Input Antara Impor Luar Negeri']
    """
    return [
        label
        for label in labels
        if _parts(label)[0] in _IMPORT_ROW_CODES or _IMPORT.search(norm_label(label))
    ]


def subtracted_columns(table: IOTable) -> list:
    fd = [str(c) for c in table.final_demand.columns]
    return list(dict.fromkeys(import_columns(fd) + margin_columns(fd)))


def _column_totals(table: IOTable) -> np.ndarray | None:
    """Column totals 1'Z + 1'V, or None when the table has no primary inputs."""
    if table.primary_inputs.shape[1] == 0:
        return None
    z = np.asarray(table.Z.sum(axis=0)).ravel()
    return z + table.primary_inputs.to_numpy(dtype=float).sum(axis=1)


def signed_final_demand(table: IOTable, columns: list, diag: Diagnostics) -> pd.DataFrame:
    """Final demand with the import and margin columns as negative entries: columns entered
    as positive numbers to subtract are negated when that balances the rows better
    (``attrs["negated"]`` says whether they were; ``attrs["x"]`` is then the column totals,
    as total output: the reader, adding the columns, did not take the published one)."""
    fd = table.final_demand.copy()
    fd.columns = [str(c) for c in fd.columns]
    fd.attrs["negated"] = False
    col_total = _column_totals(table)
    if not columns or col_total is None:
        return fd
    rows = np.asarray(table.Z.sum(axis=1)).ravel() + fd.to_numpy(dtype=float).sum(axis=1)
    sub = fd[columns].to_numpy(dtype=float).sum(axis=1)
    as_read = np.abs(rows - col_total).sum()
    negated = np.abs(rows - 2 * sub - col_total).sum()
    if negated < as_read:
        fd[columns] = -fd[columns]
        fd.attrs.update(negated=True, x=col_total)
        gap = np.abs(rows - 2 * sub - col_total) / np.maximum(np.abs(col_total), 1e-300)
        diag.add(
            "subtracted_columns",
            f"column(s) {columns[:4]} are entered as positive numbers that are subtracted "
            f"from the row total; they are negated, and the rows then equal the column "
            f"totals 1'Z + 1'v within {gap.max():.1e}, which give total output x (the "
            "reader's checks of the total columns, made with them added, are dropped)",
        )
    return fd


def _table_arrays(table: IOTable) -> dict:
    return dict(
        Z=table.Z,
        final_demand=table.final_demand,
        value_added=table.primary_inputs.T if table.primary_inputs.shape[1] else None,
        total_output=table.x,
        employment=table.employment,
    )


def _quiet_table(table: IOTable, parts: dict):
    """``IOTable.from_arrays`` of ``parts`` with ``table``'s labels; its warnings caught."""
    parts = dict(parts)
    Z = parts.pop("Z")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        new = IOTable.from_arrays(
            Z, sectors=table.sectors, name=table.name, units=table.units, **parts
        )
    return new, caught


def rebuild_table(table: IOTable, diag: Diagnostics, drop=(), **arrays) -> IOTable:
    """A new table from ``arrays`` (defaults: ``table``'s), with the reader's findings
    (not those of ``table``'s own validation, nor the codes ``drop``: they no longer hold),
    the new table's and ``diag``'s; the new table's warnings issued."""
    parts = _table_arrays(table)
    parts.update(arrays)
    new, caught = _quiet_table(table, parts)
    stale = _quiet_table(table, _table_arrays(table))[0].diagnostics.codes() | set(drop)
    old = {f.message for f in table.diagnostics}
    merged = Diagnostics()
    merged.findings.extend(f for f in table.diagnostics if f.code not in stale)
    merged.extend(new.diagnostics)
    merged.extend(diag)
    if table.satellites is not None:
        new = new.with_satellites(table.satellites, units=table.satellites.attrs.get("units"))
    new.diagnostics = merged
    for w in caught:
        if str(w.message) not in old:
            warnings.warn(w.message, w.category, stacklevel=4)
    return new


def _match(labels, known, what: str, path) -> list:
    """Each label of the import matrix as one of ``known`` (the table's labels): the same
    text without case and spaces, else the same first token (a BPS code ``A``, ``3011``)
    or the same text after it."""
    norm = {norm_label(k): k for k in known}
    heads: dict[str, list] = {}
    tails: dict[str, list] = {}
    for k in known:
        head, rest = _parts(k)
        heads.setdefault(head, []).append(k)
        tails.setdefault(rest, []).append(k)
    out = []
    for label in labels:
        key = norm_label(label)
        hit = norm.get(key)
        if hit is None and len(heads.get(key, [])) == 1:
            hit = heads[key][0]
        if hit is None and len(tails.get(key, [])) == 1:
            hit = tails[key][0]
        if hit is None:
            raise InputFileError(
                f"import matrix: {what} {label!r} is not one of the table's "
                f"({list(known)[:4]} ...)",
                path=path,
                value=label,
            )
        out.append(hit)
    return out


def _read_cells(path: Path) -> pd.DataFrame:
    """The file's cells as read by pandas; what pandas cannot read is a one-line error."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
        return pd.read_csv(
            path, header=None, dtype=str, sep=None, engine="python", encoding="utf-8-sig"
        )
    except (ValueError, OSError, csv.Error, zipfile.BadZipFile, KeyError) as exc:
        # pandas' EmptyDataError and ParserError, UnicodeDecodeError are ValueErrors
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise InputFileError(f"cannot read the import matrix: {text}", path=path) from None


def read_import_matrix(path) -> pd.DataFrame:
    """The import matrix of a total table: a CSV or ``.xlsx`` (first sheet) file.

    The first column holds the products (the table's sectors, as rows); the header names
    the buying sectors and, optionally, final-demand columns of the table (household
    consumption, investment ...). Empty cells are 0; labels are matched to the table's by
    :func:`domestic_from_total`.

    Raises
    ------
    InputFileError
        A cell that is not a number, naming the file, row, column and value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("product,agri,manu,households\\nagri,5,10,\\nmanu,1,20,30\\n")
    >>> read_import_matrix(p).loc["manu"].tolist()
    [1.0, 20.0, 30.0]
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such import-matrix file", path=path)
    raw = _read_cells(path)
    raw = raw.dropna(how="all", axis=0).dropna(how="all", axis=1)
    if raw.shape[0] < 2 or raw.shape[1] < 2:
        raise InputFileError("import matrix needs a header row and a label column", path=path)
    columns = ["" if pd.isna(c) else display_label(c) for c in raw.iloc[0, 1:]]
    if "" in columns:
        raise InputFileError(
            "a column without a label",
            path=path,
            row=int(raw.index[0]) + 1,
            column=int(raw.columns[columns.index("") + 1]) + 1,
        )
    values = np.zeros((raw.shape[0] - 1, raw.shape[1] - 1))
    for i in range(1, raw.shape[0]):
        for j in range(1, raw.shape[1]):
            cell = raw.iat[i, j]
            if cell is None or (isinstance(cell, float) and np.isnan(cell)):
                continue
            try:
                values[i - 1, j - 1] = float(str(cell).strip() or 0)
            except ValueError:
                raise InputFileError(
                    "not a number",
                    path=path,
                    row=int(raw.index[i]) + 1,
                    column=columns[j - 1],
                    value=cell,
                ) from None
    if not np.isfinite(values).all():
        raise InputFileError("import matrix has NaN or infinite values", path=path)
    index = ["" if pd.isna(c) else display_label(c) for c in raw.iloc[1:, 0]]
    if "" in index:
        raise InputFileError(
            "a row without a label", path=path, row=int(raw.index[index.index("") + 1]) + 1
        )
    out = pd.DataFrame(values, index=index, columns=columns)
    out.attrs["source"] = str(path)
    return out


def _split_imports(table: IOTable, m: pd.DataFrame, path):
    """(M on the sectors, M on final-demand columns) in the table's labels."""
    sectors = [str(s) for s in table.sectors]
    fd = [str(c) for c in table.final_demand.columns]
    rows = _match(m.index, sectors, "product", path)
    known = sectors + [c for c in fd if c not in sectors]
    cols = _match(m.columns, known, "column", path)
    frame = pd.DataFrame(m.to_numpy(dtype=float), index=rows, columns=cols)
    frame = frame.T.groupby(level=0, sort=False).sum().T.groupby(level=0, sort=False).sum()
    mz = frame.reindex(index=sectors, columns=sectors, fill_value=0.0)
    mf = frame.reindex(index=sectors, fill_value=0.0)[[c for c in frame.columns if c in fd]]
    if (frame.to_numpy() < 0).any():
        i, j = np.argwhere(frame.to_numpy() < 0)[0]
        raise InputFileError(
            "import matrix has a negative entry",
            path=path,
            row=frame.index[i],
            column=frame.columns[j],
            value=frame.iat[i, j],
        )
    return mz, mf


def _check_not_above(total: np.ndarray, imports: np.ndarray, rows, cols, what: str, path):
    """Imports above the total flow they are part of are an error (naming the cell)."""
    over = imports > total + 1e-9 * np.maximum(np.abs(total), 1.0)
    if over.any():
        i, j = np.argwhere(over)[0]
        raise InputFileError(
            f"imports exceed the total {what} they are part of ({imports[i, j]:.6g} > "
            f"{total[i, j]:.6g}): is the table of domestic transactions?",
            path=path,
            row=rows[i],
            column=cols[j],
            value=imports[i, j],
        )


def domestic_from_total(table: IOTable, imports, *, diag: Diagnostics | None = None) -> IOTable:
    """The domestic table of a total-transaction table and its import matrix.

    ``Z_domestic = Z_total - M`` and ``f_domestic = f_total - M_f`` for the final-demand
    columns the matrix has; the import column(s) are dropped (they are what the matrix
    splits) and the intermediate imports ``1'M`` become the primary-input row
    ``imports (from the import matrix)``, so the rows and the columns still balance.

    Parameters
    ----------
    table : IOTable
        Of total transactions (imports inside the flows).
    imports : path or DataFrame
        Products (rows) by buying sectors and final-demand columns, as
        :func:`read_import_matrix` reads it.

    Raises
    ------
    InputFileError
        Labels that are not the table's, negative imports, or imports above the flow they
        are part of (the table is then likely domestic already).

    Examples
    --------
    >>> t = IOTable.from_arrays([[20.0, 30.0], [10.0, 40.0]],
    ...     final_demand=pd.DataFrame({"households": [60.0, 70.0], "409 Impor": [-10, -20]}),
    ...     value_added=[[70.0, 30.0]])
    >>> m = pd.DataFrame([[5.0, 5.0, 0.0], [0.0, 10.0, 10.0]], index=["S1", "S2"],
    ...                  columns=["S1", "S2", "households"])
    >>> d = domestic_from_total(t, m)
    >>> d.Z.tolist(), d.final_demand["households"].tolist(), d.x.tolist()
    ([[15.0, 25.0], [10.0, 30.0]], [60.0, 60.0], [100.0, 100.0])
    """
    diag = Diagnostics() if diag is None else diag
    m = imports if isinstance(imports, pd.DataFrame) else read_import_matrix(imports)
    path = m.attrs.get("source")
    fd = signed_final_demand(table, subtracted_columns(table), diag)
    mz, mf = _split_imports(table, m, path)
    sectors = [str(s) for s in table.sectors]
    Z = table.Z.toarray() if hasattr(table.Z, "toarray") else np.asarray(table.Z, dtype=float)
    _check_not_above(Z, mz.to_numpy(), sectors, sectors, "flow", path)
    fdm = fd[list(mf.columns)].to_numpy(dtype=float)
    _check_not_above(fdm, mf.to_numpy(), sectors, list(mf.columns), "final demand", path)
    x = fd.attrs["x"] if fd.attrs["negated"] else table.x
    domestic = fd.copy()
    domestic[list(mf.columns)] = fdm - mf.to_numpy()
    imp = import_columns(list(fd.columns))
    _report_import_gap(fd[imp].to_numpy(dtype=float).sum(axis=1), mz, mf, x, diag, imp)
    domestic = domestic.drop(columns=imp)
    va = table.primary_inputs.T.copy()
    va.loc["imports (from the import matrix)"] = mz.sum(axis=0).to_numpy()
    stale = ("total_check",) if fd.attrs["negated"] else ()
    return rebuild_table(
        table,
        diag,
        drop=stale,
        Z=Z - mz.to_numpy(),
        final_demand=domestic,
        value_added=va,
        total_output=x,
    )


def _report_import_gap(column, mz, mf, x, diag: Diagnostics, imp: list) -> None:
    """The import column (negative) against the matrix's imports by product."""
    if not imp:
        diag.add(
            "imports_column",
            "the table has no import column: the imports of the matrix are taken out of the "
            "flows and final demand, and total output is kept",
        )
        return
    given = mz.sum(axis=1).to_numpy() + mf.sum(axis=1).to_numpy()
    gap = np.abs(given + column) / np.maximum(np.abs(x), 1e-300)
    k = int(np.argmax(gap))
    text = (
        f"the import matrix sums to the import column(s) {imp[:3]} within {gap[k]:.1e} of "
        f"output (worst: {mz.index[k]!r})"
    )
    if gap[k] > 1e-3:
        diag.add(
            "imports_gap",
            f"{text}: the domestic rows no longer add up to total output",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
    else:
        diag.add("imports_gap", text)
