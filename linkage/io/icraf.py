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

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InputFileError, InvalidTableError
from .grid import empty_mask, read_csv_grid
from .numbers import NumberFormat, detect_number_format, parse_cells
from .wide import is_total_name, number_findings, rewarn

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

    def numbers(key, labels=False):
        return _numbers(raw[key], f[key], fmt, diag, prov, labels)

    Z = numbers("Z").values
    fd = _orient(numbers("fd", True), sectors, 0, f["fd"], diag, prov)
    pi = _orient(numbers("pi", True), sectors, 1, f["pi"], diag, prov)
    F, V = fd.values, pi.values
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
            f"{prov}/{ICRAF_FILES['fd']}: {F.shape[1]} categories but "
            f"{k} names in {ICRAF_FILES['fd_names']}; the extra ones are kept as "
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
            f"{fd_names[-1]!r} (a total) has no data in {ICRAF_FILES['fd']}; ignored",
            level="warning",
            warn=DataQualityWarning,
        )
        fd_names, k = fd_names[:-1], k - 1
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

    employment = None
    if emp_raw is not None:
        employment = _employment(emp_raw, f["employment"], sectors, fmt, diag, prov)

    labels = pd.Index(sectors, name="sector")
    total_output = _nonnegative_output(Z, F, V, sectors, fd_names, prov, diag)
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
        stacklevel=5,
    )
    return V[keep]


def _employment(emp_raw, path, sectors, fmt, diag, prov):
    """Employment by sector: the last column (a header line is skipped).

    A file with the sectors along its columns instead (one line of numbers, or lines
    ``ID`` / ``Sektor`` / ``Labour``) is read transposed and reported.
    """
    cells, rownums, _ = emp_raw
    n = len(sectors)

    def cell(i, j):  # (row, column) in the file of cells[i, j]
        return rownums[i], j + 1

    if cells.shape[0] not in (n, n + 1) and cells.shape[1] in (n, n + 1):
        diag.add(
            "read_transposed",
            f"{prov}/{path.name} read transposed: sectors are its columns "
            f"({cells.shape[0]} rows x {cells.shape[1]} columns; {n} sectors in "
            f"{ICRAF_FILES['sectors']})",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )
        cells = cells.T

        def cell(i, j):
            return rownums[j], i + 1

    first = parse_cells(cells[:1, -1:], fmt.decimal, fmt.thousands)
    h = int(first.bad.any())  # a header line: ID, Sektor, Labour
    res = parse_cells(cells[h:, -1:], fmt.decimal, fmt.thousands)
    if res.bad.any():
        i = h + int(np.flatnonzero(res.bad[:, 0])[0])
        row, column = cell(i, cells.shape[1] - 1)
        raise InputFileError("not a number", path=path, row=row, column=column, value=cells[i, -1])
    cells = cells[h:]
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


@dataclass
class _Block:
    """Numbers of a final-demand or primary-input file and what the file says about them.

    ``row_labels`` / ``col_labels``: a label column / header row found in the file (None
    for the usual header-less file); ``lines``: how each row and column of ``values`` is
    named in messages (``"row 3"``, ``"column 2"``); ``shape``: the shape in the file;
    ``transposed``: ``values`` is the file transposed.
    """

    values: np.ndarray
    row_labels: list | None
    col_labels: list | None
    lines: tuple
    transposed: bool = False
    shape: tuple | None = None

    def __post_init__(self):
        if self.shape is None:
            self.shape = self.values.shape

    @property
    def note(self) -> str:
        return " (read transposed)" if self.transposed else ""

    def expect(self, shape) -> tuple:
        """An expected shape of ``values`` as it would be in the file."""
        return tuple(shape[::-1]) if self.transposed else tuple(shape)


def _numbers(raw, path: Path, fmt, diag, prov, labels: bool) -> _Block:
    """Parse the cells of one file; with ``labels``, a header row / label column is set apart.

    Any other cell that is not a number is an error naming the file, row, column and value.
    """
    cells, rownums, _ = raw
    r0, c0 = _label_lines(cells, fmt) if labels else (0, 0)
    header = [_clean(c) for c in cells[0, c0:]] if r0 else None
    label_col = [_clean(c) for c in cells[r0:, 0]] if c0 else None
    block = cells[r0:, c0:]
    res = parse_cells(block, fmt.decimal, fmt.thousands)
    if res.bad.any():
        i, j = map(int, np.argwhere(res.bad)[0])
        raise InputFileError(
            f"not a number; {int(res.bad.sum())} such cells",
            path=path,
            row=rownums[r0 + i],
            column=c0 + j + 1,
            value=block[i, j],
        )
    number_findings(diag, res.counts, fmt, f"{prov}/{path.name}")
    if r0 or c0:
        what = [w for w, on in (("a header row", r0), ("a label column", c0)) if on]
        diag.add(
            "skipped_labels", f"{prov}/{path.name}: {' and '.join(what)} read as labels, not data"
        )
    lines = (
        [f"row {r}" for r in rownums[r0:]],
        [f"column {c0 + j + 1}" for j in range(block.shape[1])],
    )
    return _Block(res.values, label_col, header, lines)


def _clean(label) -> str:
    return " ".join(str(label).split())


def _label_lines(cells, fmt):
    """``(1 or 0, 1 or 0)``: whether the first row / first column hold labels, not numbers.

    A line holds labels when it has text that is not a number and no number (blank cells
    and, for the header row, the corner cell do not count).

    Examples
    --------
    >>> from linkage.io.numbers import NumberFormat
    >>> cells = np.array([["", "a", "b"], ["K", "1", "2"], ["G", "3", "4"]], dtype=object)
    >>> _label_lines(cells, NumberFormat(".", ","))
    (1, 1)
    >>> _label_lines(cells[1:, 1:], NumberFormat(".", ","))
    (0, 0)
    """
    if cells.shape[0] < 2 or cells.shape[1] < 1:
        return 0, 0
    bad = parse_cells(cells, fmt.decimal, fmt.thousands).bad
    number = ~bad & ~empty_mask(cells)

    def labels(b, num):
        return bool(b.any()) and not bool(num.any())

    first_col = labels(bad[1:, 0], number[1:, 0]) and cells.shape[1] > 1
    c0 = int(first_col)
    r0 = int(labels(bad[0, c0:], number[0, c0:]))
    if not r0 and first_col:  # no header row: the label column starts in the first row
        c0 = int(labels(bad[:, 0], number[:, 0]))
    return r0, c0


def _sector_hits(labels, keys) -> int:
    if not labels:
        return 0
    return sum(_clean(lab).casefold() in keys for lab in labels)


def _orient(block: _Block, sectors, axis: int, path: Path, diag, prov) -> _Block:
    """Turn ``block`` so that sectors run along ``axis`` (0: rows, 1: columns), as expected.

    The orientation is read from the labels when the file has any (a header row or a label
    column whose labels are the sector names of ``01_sektor.csv``); in a header-less file,
    from the shape (the number of sectors fits the other axis only). A file read
    transposed is reported (``read_transposed``).
    """
    n = len(sectors)
    keys = {_clean(s).casefold() for s in sectors}
    hits = (_sector_hits(block.row_labels, keys), _sector_hits(block.col_labels, keys))
    found, how = axis, None
    if max(hits) >= max(1, n // 2) and hits[0] != hits[1]:
        found = int(hits[1] > hits[0])
        how = f"its {('row', 'column')[found]} labels are sector names of 01_sektor.csv"
    elif block.shape[axis] != n and block.shape[1 - axis] == n:
        found = 1 - axis
        how = (
            f"{n} sectors in 01_sektor.csv fit its {block.shape[1 - axis]} "
            f"{('rows', 'columns')[1 - axis]}, not its {block.shape[axis]} "
            f"{('rows', 'columns')[axis]}"
        )
    sector_labels = (block.row_labels, block.col_labels)[found]
    if sector_labels is not None and len(sector_labels) == n:
        differ = sum(
            _clean(a).casefold() != _clean(b).casefold()
            for a, b in zip(sector_labels, sectors, strict=True)
        )
        if differ:
            diag.add(
                "sector_names_differ",
                f"{prov}/{path.name}: {differ} sector labels differ from 01_sektor.csv; "
                "matched by position",
                differ,
                level="warning",
                warn=DataQualityWarning,
                stacklevel=5,
            )
    if found == axis:
        return block
    diag.add(
        "read_transposed",
        f"{prov}/{path.name} read transposed: sectors are its {('rows', 'columns')[found]} "
        f"({block.shape[0]} rows x {block.shape[1]} columns; {how})",
        level="warning",
        warn=DataQualityWarning,
        stacklevel=5,
    )
    return _Block(
        block.values.T,
        block.col_labels,
        block.row_labels,
        block.lines[::-1],
        transposed=True,
        shape=block.shape,
    )


def _nonnegative_output(Z, F, V, sectors, fd_names, prov, diag):
    """Total output for the table when a row total ``Z 1 + F 1`` is negative, else None.

    A negative output is not an output: ``a_ij = z_ij / x_j`` would flip the sign of the
    column. Such a sector gets its column total ``1'Z + 1'V`` (what it spent on inputs)
    when that is positive, and 0 otherwise (a zero-output sector: zero coefficients). The
    negative final demand is kept. Negligible negatives (rounding) are reported apart.
    """
    row = Z.sum(axis=1) + F.sum(axis=1)
    neg = np.flatnonzero(row < 0)
    if not len(neg):
        return None
    col = Z.sum(axis=0) + V.sum(axis=0)
    x = row.copy()
    x[neg] = np.where(col[neg] > 0, col[neg], 0.0)
    noise = np.abs(row[neg]) <= NEGLIGIBLE_OUTPUT * max(float(np.abs(row).mean()), 1e-300)
    source = f"row sum of {ICRAF_FILES['Z']} and {ICRAF_FILES['fd']}"
    rule = "x is the column total (1'Z + 1'V, its inputs) where positive, else 0"
    for code, idx in (("negative_output_noise", neg[noise]), ("negative_output", neg[~noise])):
        if not len(idx):
            continue
        each = "; ".join(_negative_sector(i, sectors, Z, F, fd_names, col, x) for i in idx[:5])
        more = f" (and {len(idx) - 5} more)" if len(idx) > 5 else ""
        if code == "negative_output_noise":
            text = (
                f"{prov}: total output ({source}) is negative but negligible (below "
                f"{NEGLIGIBLE_OUTPUT:g} of mean output) for {len(idx)} sector(s): {each}"
                f"{more}; {rule}"
            )
        else:
            text = (
                f"{prov}: total output ({source}) is negative for {len(idx)} sector(s): "
                f"{each}{more}; a negative output would flip the sign of the sector's input "
                f"coefficients, so {rule} (zero output: zero coefficients); its negative "
                "final demand is kept"
            )
        diag.add(code, text, len(idx), level="warning", warn=DataQualityWarning, stacklevel=5)
    return x


def _negative_sector(i, sectors, Z, F, fd_names, col, x) -> str:
    """``'S' (row 60): row total -44,536,370.36 = intermediate sales 0 + final demand ...``."""
    parts = [f"{fd_names[j]} {F[i, j]:,.2f}" for j in np.flatnonzero(F[i] < 0)[:3]]
    neg_fd = f" (negative: {', '.join(parts)})" if parts else ""
    return (
        f"{sectors[i]!r} (row {i + 1}): row total {Z[i].sum() + F[i].sum():,.2f} = "
        f"intermediate sales {Z[i].sum():,.2f} + final demand {F[i].sum():,.2f}{neg_fd}, "
        f"column total {col[i]:,.2f}, x set to {x[i]:,.2f}"
    )
