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

Money units are not stated in the files (the app labels them juta Rupiah). A final-demand,
primary-input or employment file with sectors along the other axis is read transposed
(decided by its labels, if it has any, else by its shape) and reported. Shapes are then
checked against the name files; a mismatch is a one-line error naming both files and
shapes, except repairs that are reported: e.g. extra rows of ``06_input_primer.csv`` that
repeat the row above exactly are dropped (SumUt has its imports row twice).

Total output is the row total ``Z 1 + F 1``. A sector whose row total is negative (SumSel:
a balancing line with only negative consumption) gets its column total ``1'Z + 1'V``
when that is positive, else 0 (zero output), with a warning naming it (docs/formats.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InputFileError
from .construct import table_from_arrays
from .icraf_files import (
    ICRAF_FILES,
    is_icraf_folder,
    orient,
    read_employment,
    read_names,
    read_numbers,
    read_rows,
)
from .icraf_output import check_units, nonnegative_output
from .labels import is_total_name
from .numbers import NumberFormat, detect_number_format

__all__ = ["read_icraf_folder", "is_icraf_folder", "ICRAF_FILES"]


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
        fit the name files (in either orientation).

    Notes
    -----
    Reinterpretations are warnings in ``table.diagnostics``: ``read_transposed`` (a file
    with sectors along the other axis), ``negative_output`` (a negative row total
    replaced by the column total, or 0), and the repairs listed in docs/formats.md.

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
    f = _folder_files(folder)
    diag = Diagnostics()
    diag.add("format", f"{prov}: ICRAF/AKSARA folder layout")
    sec_cells, _, _ = read_rows(f["sectors"], diag)
    sectors = [" ".join(str(c).split()) for c in sec_cells[:, 0]]
    groups = [" ".join(str(c).split()) for c in sec_cells[:, 1]] if sec_cells.shape[1] > 1 else None
    sectors = _unique(sectors, diag, prov)
    fd_names = read_names(f["fd_names"], diag)
    pi_names = read_names(f["pi_names"], diag)
    raw = {k: read_rows(f[k], diag) for k in ("Z", "fd", "pi")}
    emp_raw = read_rows(f["employment"], diag) if f["employment"].exists() else None
    if emp_raw is None:
        diag.add(
            "no_employment",
            f"{prov}: no {ICRAF_FILES['employment']}; no employment",
            level="warning",
        )
    fmt = _number_format(raw, decimal, thousands, diag, prov)
    Z, F, V, fd_names = _read_blocks(raw, f, fmt, sectors, fd_names, pi_names, diag, prov)
    employment = None
    if emp_raw is not None:
        employment = read_employment(emp_raw, f["employment"], sectors, fmt, diag, prov)
    labels = pd.Index(sectors, name="sector")
    total_output = nonnegative_output(Z, F, V, sectors, fd_names, prov, diag)
    table = table_from_arrays(
        path=folder,
        stacklevel=3,
        Z=Z,
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
    if groups is not None:
        table.diagnostics.add(
            "sector_groups",
            f"{prov}: {len(set(groups))} sector groups in "
            f"{ICRAF_FILES['sectors']} (second column) not stored in the table",
        )
    check_units(table, prov)
    return table


def _folder_files(folder: Path) -> dict:
    """The paths of the seven files; a missing file other than employment is an error."""
    if not folder.is_dir():
        raise InputFileError("not a folder", path=folder)
    missing = [f for k, f in ICRAF_FILES.items() if k != "employment" and not (folder / f).exists()]
    if missing:
        raise InputFileError(
            f"not an ICRAF table folder: missing {', '.join(missing)}", path=folder
        )
    return {k: folder / v for k, v in ICRAF_FILES.items()}


def _number_format(raw, decimal, thousands, diag, prov) -> NumberFormat:
    """One number format for the folder: given, or detected over the numeric files."""
    if decimal is not None:
        return NumberFormat(
            decimal, thousands if thousands is not None else ("." if decimal == "," else ",")
        )
    sample = np.concatenate([raw[k][0].ravel() for k in raw])
    fmt = detect_number_format(sample, hint_sep=raw["Z"][2])
    if fmt.ambiguous:
        diag.add(
            "number_format_ambiguous",
            f"{prov}: {fmt.reason}",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
    return fmt


def _read_blocks(raw, f, fmt, sectors, fd_names, pi_names, diag, prov):
    """Z, final demand F and primary inputs V, oriented and checked against the name files.

    Returns ``Z, F, V, fd_names`` (the final-demand names as fitted to F).

    Raises
    ------
    InputFileError
        A shape that does not fit the sector and name files (in either orientation).
    """
    n = len(sectors)

    def numbers(key, labels=False):
        return read_numbers(raw[key], f[key], fmt, diag, prov, labels)

    Z = numbers("Z").values
    fd = orient(numbers("fd", True), sectors, 0, f["fd"], diag, prov)
    pi = orient(numbers("pi", True), sectors, 1, f["pi"], diag, prov)
    F, V = fd.values, pi.values
    sec_file, z_file = ICRAF_FILES["sectors"], ICRAF_FILES["Z"]
    if Z.shape != (n, n):
        raise InputFileError(
            f"{z_file} has shape {Z.shape} but {sec_file} lists {n} sectors: expected ({n}, {n})",
            path=f["Z"],
        )
    fd_names = _fit_fd_names(F, n, fd_names, diag, prov)
    k, m = len(fd_names), len(pi_names)
    if F.shape != (n, k):
        raise InputFileError(
            f"{ICRAF_FILES['fd']} has shape {fd.shape}{fd.note}, expected "
            f"{fd.expect((n, k))}: {n} sectors in {sec_file} and {k} names in "
            f"{ICRAF_FILES['fd_names']}",
            path=f["fd"],
        )
    if V.shape[1] == n and V.shape[0] > m:
        V = _drop_repeated_rows(V, m, pi.lines[0], diag, prov)
    if V.shape != (m, n):
        raise InputFileError(
            f"{ICRAF_FILES['pi']} has shape {pi.shape}{pi.note}, expected "
            f"{pi.expect((m, n))}: {m} names in {ICRAF_FILES['pi_names']} and {n} sectors in "
            f"{sec_file}",
            path=f["pi"],
        )
    return Z, F, V, fd_names


def _fit_fd_names(F, n, fd_names, diag, prov) -> list:
    """Final-demand names fitted to F's categories: extra categories are named (unnamed),
    trailing total names without data dropped, each with a warning."""
    k = len(fd_names)
    if F.shape[0] == n and F.shape[1] > k:
        extra = [f"final demand {j + 1} (unnamed)" for j in range(k, F.shape[1])]
        diag.add(
            "unnamed_columns",
            f"{prov}/{ICRAF_FILES['fd']}: {F.shape[1]} categories but "
            f"{k} names in {ICRAF_FILES['fd_names']}; the extra ones are kept as "
            f"{extra}",
            len(extra),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=6,
        )
        fd_names = fd_names + extra
        k = len(fd_names)
    while F.shape[0] == n and F.shape[1] < k and is_total_name(fd_names[-1]):
        diag.add(
            "dropped_total_name",
            f"{prov}/{ICRAF_FILES['fd_names']}: name "
            f"{fd_names[-1]!r} (a total) has no data in {ICRAF_FILES['fd']}; ignored",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=6,
        )
        fd_names, k = fd_names[:-1], k - 1
    return fd_names


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


def _drop_repeated_rows(V, m, where, diag, prov):
    """Drop rows equal to the row above when that makes the row count fit the names.

    ``where`` names each row's line in the file (``"row 3"``, or ``"column 3"`` for a
    file read transposed).
    """
    dup = [i for i in range(1, V.shape[0]) if np.array_equal(V[i], V[i - 1])]
    if V.shape[0] - len(dup) != m:
        return V
    keep = [i for i in range(V.shape[0]) if i not in dup]
    diag.add(
        "dropped_repeated_rows",
        f"{prov}/{ICRAF_FILES['pi']}: {V.shape[0]} inputs for {m} names; "
        f"{', '.join(where[i] for i in dup)} repeat(s) the line before exactly and "
        "was dropped",
        len(dup),
        level="warning",
        warn=DataQualityWarning,
        stacklevel=6,
    )
    return V[keep]
