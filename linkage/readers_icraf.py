"""Provincial IO tables in the ICRAF / AKSARA folder layout.

A folder holds seven header-less CSV files (the layout of the AKSARA / LUMENS planning
tools of ICRAF Indonesia):

=============================== ==========================================================
``01_sektor.csv``               sector name, sector group (one line per sector)
``02_input_antara.csv``         Z, n x n intermediate transactions
``03_komponen_permintaan_akhir`` final-demand category names (one per line)
``04_permintaan_akhir.csv``     n x k final demand
``05_komponen_input_primer.csv`` primary-input names (imports, wages ...), one per line
``06_input_primer.csv``         m x n primary inputs
``07_tenaga_kerja.csv``         employment: ``ID, Sektor, Labour`` or one number per line
=============================== ==========================================================

Money units are not stated in the files (the app labels them juta Rupiah). Shapes are
checked against the name files; a mismatch is a one-line error naming both files and
shapes, except one repair that is reported: extra rows of ``06_input_primer.csv`` that
repeat the row above exactly are dropped (SumUt has its imports row twice).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .diagnostics import Diagnostics
from .errors import DataQualityWarning, InputFileError, InvalidTableError
from .numbers import NumberFormat, detect_number_format, parse_cells
from .readers_grid import empty_mask, read_csv_grid
from .readers_wide import is_total_name, number_findings, rewarn
from .table import DEFAULT_BALANCE_RTOL, IOTable

__all__ = ["read_icraf_folder", "is_icraf_folder", "ICRAF_FILES"]

ICRAF_FILES = {
    "sectors": "01_sektor.csv",
    "Z": "02_input_antara.csv",
    "fd_names": "03_komponen_permintaan_akhir.csv",
    "fd": "04_permintaan_akhir.csv",
    "pi_names": "05_komponen_input_primer.csv",
    "pi": "06_input_primer.csv",
    "employment": "07_tenaga_kerja.csv",
}

#: A negative row total smaller than this share of mean output is rounding noise (set to 0).
NEGLIGIBLE_OUTPUT = 1e-6

#: Output per worker (juta Rupiah) outside this range suggests other money units.
PLAUSIBLE_OUTPUT_PER_WORKER = (1.0, 5_000.0)


def is_icraf_folder(path) -> bool:
    """True when ``path`` is a folder with the ICRAF files (``02_input_antara.csv`` at least)."""
    path = Path(path)
    return path.is_dir() and (path / ICRAF_FILES["Z"]).exists()


def _rows(path: Path, diag: Diagnostics):
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


def _names(path: Path, diag):
    cells, _, _ = _rows(path, diag)
    return [" ".join(str(c).split()) for c in cells[:, 0]] if cells.size else []


def read_icraf_folder(
    path,
    *,
    name=None,
    units=None,
    decimal=None,
    thousands=None,
    balance_rtol=DEFAULT_BALANCE_RTOL,
) -> IOTable:
    r"""Read an ICRAF / AKSARA province folder into an :class:`IOTable` with employment.

    Parameters
    ----------
    path : str or Path
        The folder (``.../indonesia_34prov_icraf/JaTim``).
    name, units : str, optional
        Default: the folder name, and ``"juta Rupiah (million IDR), assumed"``.
    decimal, thousands : str, optional
        Number format; detected over all numeric files when omitted.
    balance_rtol : float
        Tolerance of the balance check (unbalanced tables still load, with a warning).

    Returns
    -------
    IOTable

    Raises
    ------
    InputFileError
        Missing files, non-numeric cells (file, row, column, value), shapes that do not
        fit the name files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "Contoh"
    >>> d.mkdir()
    >>> files = {"01_sektor.csv": "Padi,Pertanian\nIndustri,Industri\n",
    ...          "02_input_antara.csv": "10,20\n30,40\n",
    ...          "03_komponen_permintaan_akhir.csv": "Konsumsi Rumah Tangga\n",
    ...          "04_permintaan_akhir.csv": "70\n130\n",
    ...          "05_komponen_input_primer.csv": "Upah dan gaji\n",
    ...          "06_input_primer.csv": "60,140\n",
    ...          "07_tenaga_kerja.csv": "ID,Sektor,Labour\n1,Padi,25\n2,Industri,5\n"}
    >>> for name, text in files.items():
    ...     _ = (d / name).write_text(text)
    >>> t = read_icraf_folder(d)
    >>> t.x.tolist(), t.employment.tolist()
    ([100.0, 200.0], [25.0, 5.0])
    """
    folder = Path(path)
    prov = folder.name
    if not folder.is_dir():
        raise InputFileError("not a folder", path=folder)
    missing = [f for k, f in ICRAF_FILES.items() if k != "employment" and not (folder / f).exists()]
    if missing:
        raise InputFileError(
            f"not an ICRAF table folder: missing {', '.join(missing)}", path=folder
        )
    diag = Diagnostics()
    diag.add("format", f"{prov}: ICRAF/AKSARA folder layout")
    f = {k: folder / v for k, v in ICRAF_FILES.items()}

    sec_cells, _, _ = _rows(f["sectors"], diag)
    sectors = [" ".join(str(c).split()) for c in sec_cells[:, 0]]
    groups = [" ".join(str(c).split()) for c in sec_cells[:, 1]] if sec_cells.shape[1] > 1 else None
    sectors = _unique(sectors, diag, prov)
    fd_names = _names(f["fd_names"], diag)
    pi_names = _names(f["pi_names"], diag)
    n = len(sectors)

    raw = {k: _rows(f[k], diag) for k in ("Z", "fd", "pi")}
    emp_raw = _rows(f["employment"], diag) if f["employment"].exists() else None
    if emp_raw is None:
        diag.add(
            "no_employment",
            f"{prov}: no {ICRAF_FILES['employment']}; no employment",
            level="warning",
        )

    # one number format for the folder
    if decimal is None:
        sample = np.concatenate([raw[k][0].ravel() for k in raw])
        fmt = detect_number_format(sample, hint_sep=raw["Z"][2])
        if fmt.ambiguous:
            diag.add(
                "number_format_ambiguous",
                f"{prov}: {fmt.reason}",
                level="warning",
                warn=DataQualityWarning,
            )
    else:
        fmt = NumberFormat(
            decimal, thousands if thousands is not None else ("." if decimal == "," else ",")
        )

    def numbers(key):
        cells, rownums, _ = raw[key]
        res = parse_cells(cells, fmt.decimal, fmt.thousands)
        if res.bad.any():
            i, j = map(int, np.argwhere(res.bad)[0])
            raise InputFileError(
                f"not a number; {int(res.bad.sum())} such cells",
                path=f[key],
                row=rownums[i],
                column=j + 1,
                value=cells[i, j],
            )
        number_findings(diag, res.counts, fmt, f"{prov}/{f[key].name}")
        return res.values

    Z, F, V = numbers("Z"), numbers("fd"), numbers("pi")
    sec_file, z_file = ICRAF_FILES["sectors"], ICRAF_FILES["Z"]
    if Z.shape != (n, n):
        raise InputFileError(
            f"{z_file} has shape {Z.shape} but {sec_file} lists {n} sectors: expected ({n}, {n})",
            path=f["Z"],
        )
    k, m = len(fd_names), len(pi_names)
    if F.shape[0] == n and F.shape[1] > k:
        extra = [f"final demand {j + 1} (unnamed)" for j in range(k, F.shape[1])]
        diag.add(
            "unnamed_columns",
            f"{prov}/{ICRAF_FILES['fd']}: {F.shape[1]} columns but "
            f"{k} names in {ICRAF_FILES['fd_names']}; the extra columns are kept as "
            f"{extra}",
            len(extra),
            level="warning",
            warn=DataQualityWarning,
        )
        fd_names = fd_names + extra
        k = len(fd_names)
    while F.shape[0] == n and F.shape[1] < k and is_total_name(fd_names[-1]):
        diag.add(
            "dropped_total_name",
            f"{prov}/{ICRAF_FILES['fd_names']}: name "
            f"{fd_names[-1]!r} (a total) has no column in {ICRAF_FILES['fd']}; ignored",
            level="warning",
            warn=DataQualityWarning,
        )
        fd_names, k = fd_names[:-1], k - 1
    if F.shape != (n, k):
        hint = " (it looks transposed)" if F.shape == (k, n) else ""
        raise InputFileError(
            f"{ICRAF_FILES['fd']} has shape {F.shape}, expected ({n}, {k}): {n} sectors in "
            f"{sec_file} x {k} names in {ICRAF_FILES['fd_names']}{hint}",
            path=f["fd"],
        )
    if V.shape[1] == n and V.shape[0] > m:
        V = _drop_repeated_rows(V, m, raw["pi"][1], diag, prov)
    if V.shape != (m, n):
        hint = " (it looks transposed)" if V.shape == (n, m) else ""
        raise InputFileError(
            f"{ICRAF_FILES['pi']} has shape {V.shape}, expected ({m}, {n}): {m} names in "
            f"{ICRAF_FILES['pi_names']} x {n} sectors in {sec_file}{hint}",
            path=f["pi"],
        )

    employment = None
    if emp_raw is not None:
        employment = _employment(emp_raw, f["employment"], sectors, fmt, diag, prov)

    labels = pd.Index(sectors, name="sector")
    x = Z.sum(axis=1) + F.sum(axis=1)
    total_output = None
    neg = np.flatnonzero(x < 0)
    if len(neg):
        noise = np.abs(x[neg]) <= NEGLIGIBLE_OUTPUT * max(float(np.abs(x).mean()), 1e-300)
        if not noise.all():
            i = int(neg[~noise][0])
            raise InputFileError(
                f"total output (row sum of {z_file} and {ICRAF_FILES['fd']}) is negative for "
                f"{int((~noise).sum())} sector(s), e.g. {sectors[i]!r} (row {i + 1}): "
                f"{x[i]:,.2f}",
                path=folder,
            )
        total_output = np.where(x < 0, 0.0, x)
        diag.add(
            "negative_output_noise",
            f"{prov}: total output of {len(neg)} sector(s) "
            f"{[sectors[i] for i in neg[:5]]} is negative but negligible "
            f"({', '.join(f'{x[i]:.3g}' for i in neg[:5])}); set to 0",
            len(neg),
            level="warning",
            warn=DataQualityWarning,
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = _build(
                Z,
                F,
                V,
                labels,
                fd_names,
                pi_names,
                employment,
                name,
                units,
                prov,
                balance_rtol,
                diag,
                total_output,
            )
    except InvalidTableError as exc:
        raise InputFileError(f"the table is not valid: {exc}", path=folder) from None
    rewarn(caught, stacklevel=3)
    if groups is not None:
        table.diagnostics.add(
            "sector_groups",
            f"{prov}: {len(set(groups))} sector groups in "
            f"{sec_file} (second column) not stored in the table",
        )
    _check_units(table, prov)
    return table


def _build(
    Z,
    F,
    V,
    labels,
    fd_names,
    pi_names,
    employment,
    name,
    units,
    prov,
    balance_rtol,
    diag,
    total_output,
):
    return IOTable.from_arrays(
        Z,
        total_output=total_output,
        final_demand=pd.DataFrame(F, index=labels, columns=_unique(fd_names, diag, prov)),
        value_added=pd.DataFrame(V, index=_unique(pi_names, diag, prov), columns=labels),
        employment=employment,
        sectors=labels,
        name=name if name is not None else prov,
        units=units if units is not None else "juta Rupiah (million IDR), assumed",
        balance_rtol=balance_rtol,
        diagnostics=diag,
    )


def _unique(labels, diag, prov):
    seen, out = {}, []
    for lab in labels:
        if lab in seen:
            seen[lab] += 1
            new = f"{lab} ({seen[lab]})"
            diag.add(
                "renamed_duplicate",
                f"{prov}: label {lab!r} repeats; renamed {new!r}",
                level="warning",
            )
            out.append(new)
        else:
            seen[lab] = 1
            out.append(lab)
    return out


def _drop_repeated_rows(V, m, rownums, diag, prov):
    """Drop rows equal to the row above when that makes the row count fit the names."""
    dup = [i for i in range(1, V.shape[0]) if np.array_equal(V[i], V[i - 1])]
    if V.shape[0] - len(dup) != m:
        return V
    keep = [i for i in range(V.shape[0]) if i not in dup]
    diag.add(
        "dropped_repeated_rows",
        f"{prov}/{ICRAF_FILES['pi']}: {V.shape[0]} rows for {m} names; row(s) "
        f"{[rownums[i] for i in dup]} repeat the row above exactly and were dropped",
        len(dup),
        level="warning",
        warn=DataQualityWarning,
        stacklevel=5,
    )
    return V[keep]


def _employment(emp_raw, path, sectors, fmt, diag, prov):
    cells, rownums, _ = emp_raw
    n = len(sectors)
    first = parse_cells(cells[:1, -1:], fmt.decimal, fmt.thousands)
    if first.bad.any():  # a header line: ID, Sektor, Labour
        cells, rownums = cells[1:], rownums[1:]
    res = parse_cells(cells[:, -1:], fmt.decimal, fmt.thousands)
    if res.bad.any():
        i = int(np.flatnonzero(res.bad[:, 0])[0])
        raise InputFileError(
            "not a number", path=path, row=rownums[i], column=cells.shape[1], value=cells[i, -1]
        )
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


def _check_units(table, prov):
    if table.employment is None or table.employment.sum() <= 0:
        return
    per_worker = float(table.x.sum() / table.employment.sum())
    lo, hi = PLAUSIBLE_OUTPUT_PER_WORKER
    if not lo <= per_worker <= hi:
        table.diagnostics.add(
            "odd_units",
            f"{prov}: total output per worker is {per_worker:,.0f} (in the table's money unit); "
            f"in juta Rupiah the usual range is {lo:,.0f}-{hi:,.0f}: money values or "
            "employment may not be in the assumed units",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
