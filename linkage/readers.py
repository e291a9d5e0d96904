"""Reading and writing IO tables: :func:`read_table` and :func:`write_table`.

``read_table`` recognizes, from the path and the content:

- a folder in the ICRAF / AKSARA layout (``01_sektor.csv`` ... ``07_tenaga_kerja.csv``),
  see :mod:`linkage.readers_icraf`;
- a BPS (Badan Pusat Statistik) IO workbook as published, recognized by its code row
  (``1800``, ``3011`` ... ``3100``) and code column (``190d``, ``2000`` ... ``2100``), see
  :mod:`linkage.readers_bps`;
- the wide layout (CSV or Excel sheet), see :mod:`linkage.readers_wide`;
- the long layout ``from,to,value`` with a sidecar naming the sectors (CSV or parquet);
- parquet files in the wide or long layout.

Every table carries the reader's findings in ``table.diagnostics``; every error is a
:class:`linkage.errors.InputFileError` naming the file, the row, the column and the value.
The formats are documented with examples in ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .diagnostics import Diagnostics
from .errors import DataQualityWarning, InputFileError
from .readers_grid import Grid, excel_sheet_names, read_csv_grid, read_excel_grid
from .readers_wide import (
    build_wide,
    generic_lines,
    is_employment_name,
    is_total_name,
    locate_wide,
    norm_label,
)
from .table import DEFAULT_BALANCE_RTOL, IOTable

__all__ = ["read_table", "write_table"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
LONG_FROM = ("from", "source", "supplier", "row", "dari")
LONG_TO = ("to", "target", "buyer", "column", "col", "ke")
LONG_VALUE = ("value", "nilai", "amount", "weight")
FORMATS = ("wide", "long", "bps", "icraf")
#: Long tables with more sectors than this get a sparse Z.
LONG_DENSE_LIMIT = 2000


def _units_from_title(grid: Grid) -> str:
    text = " ".join(str(c) for c in grid.cells[:6].ravel() if isinstance(c, str)).casefold()
    if "juta rupiah" in text:
        return "juta Rupiah (million IDR)"
    if "miliar rupiah" in text or "milyar rupiah" in text:
        return "miliar Rupiah (billion IDR)"
    if "ribu rupiah" in text:
        return "ribu Rupiah (thousand IDR)"
    return ""


def read_table(
    path,
    *,
    sheet=None,
    format=None,
    sep=None,
    decimal=None,
    thousands=None,
    sectors=None,
    name=None,
    units=None,
    balance_rtol=DEFAULT_BALANCE_RTOL,
) -> IOTable:
    """Read an input-output table from a file or folder.

    Parameters
    ----------
    path : str or Path
        A CSV/TSV file, an Excel workbook (``.xlsx``), a parquet file, or an ICRAF-style
        folder.
    sheet : str or int, optional
        Excel sheet name or 0-based index (default: the first sheet holding a table).
    format : {"wide", "long", "bps", "icraf"}, optional
        Layout; detected from the path and the content when omitted.
    sep : str, optional
        CSV field separator; sniffed when omitted (``;`` and tab win when they split every
        line the same way).
    decimal, thousands : str, optional
        Number format of text cells, e.g. ``decimal=","`` for ``1.234.567,89``; detected when
        omitted (see :mod:`linkage.numbers`). ``thousands=""`` accepts no separator.
    sectors : list of str or path, optional
        Wide layout: the sector labels to use (in this order). Long layout: the sidecar
        (a list, or a CSV with ``label,kind`` or one column of sector labels); default
        ``<stem>.sectors.csv`` beside the file.
    name, units : str, optional
        Description and money unit; default the file name and, for BPS workbooks, the unit
        in the title.
    balance_rtol : float
        Relative gap between row and column totals above which a sector is reported as
        unbalanced (the table is still returned).

    Returns
    -------
    IOTable
        With ``table.diagnostics`` listing everything skipped, reinterpreted or checked.

    Raises
    ------
    InputFileError
        Unreadable files and cells, naming the file, row, column and value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mb.csv"
    >>> _ = p.write_text("sector,agri,manu,households,total output\\n"
    ...                  "agri,150,500,350,1000\\nmanu,200,100,1700,2000\\n"
    ...                  "value added,650,1400,,\\n")
    >>> t = read_table(p)
    >>> t.sectors.tolist(), t.x.tolist()
    (['agri', 'manu'], [1000.0, 2000.0])
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise InputFileError(f"format must be one of {FORMATS}, got {format!r}", path=path)
    if not path.exists():
        raise InputFileError("no such file or folder", path=path)
    options = dict(decimal=decimal, thousands=thousands, balance_rtol=balance_rtol)
    default_name = name if name is not None else path.stem

    if path.is_dir() or format == "icraf":
        from .readers_icraf import read_icraf_folder

        return read_icraf_folder(path, name=default_name, units=units, **options)

    suffix = path.suffix.lower()
    if suffix == ".parquet" or suffix == ".pq":
        return _read_parquet(
            path, format=format, sectors=sectors, name=default_name, units=units or "", **options
        )
    if suffix in EXCEL_SUFFIXES:
        grid = _first_table_sheet(path) if sheet is None else read_excel_grid(path, sheet)
    elif suffix == ".xls":
        raise InputFileError("old .xls workbooks are not supported: save it as .xlsx", path=path)
    else:
        grid = read_csv_grid(path, sep=sep)
    if format == "long" or (format is None and _looks_long(grid)):
        return _read_long_grid(
            grid, path, sectors=sectors, name=default_name, units=units or "", **options
        )
    return _read_wide_grid(
        grid, format=format, sectors=sectors, name=default_name, units=units, **options
    )


def _first_table_sheet(path: Path) -> Grid:
    """The first sheet that holds a table (BPS codes, wide or long layout), else the first."""
    from .readers_bps import find_bps_codes

    names = excel_sheet_names(path)
    first = None
    for k, nm in enumerate(names):
        grid = read_excel_grid(path, nm)
        first = first or grid
        found = find_bps_codes(grid) is not None or _looks_long(grid)
        if not found:
            try:
                locate_wide(grid)
                found = True
            except InputFileError:
                pass
        if found:
            if len(names) > 1:
                grid.diagnostics.findings.clear()
                which = "the first sheet" if k == 0 else "the first sheet with a table"
                grid.diagnostics.add(
                    "sheet_chosen",
                    f"{path.name}: read sheet {nm!r}, {which}"
                    f"; sheets: {names[:8]}; choose another with sheet=",
                )
            return grid
    return first


def _read_wide_grid(grid, *, format, sectors, name, units, **options):
    from .readers_bps import bps_lines, find_bps_codes

    if units is None:
        units = _units_from_title(grid)
    codes = find_bps_codes(grid) if format in (None, "bps") else None
    if format == "bps" and codes is None:
        raise InputFileError(
            "no BPS code row (1800, 3011 ... 3100) and code column (190d, 2000 ... 2100) found",
            path=grid.path,
        )
    diag = Diagnostics()
    if codes is not None:
        rows, cols = bps_lines(grid, *codes)
        diag.add(
            "format",
            f"{grid.short}: BPS IO workbook layout (code row "
            f"{grid.rows[codes[0]]}, code column {grid.col_name(codes[1])})",
        )
    else:
        header, label_col = locate_wide(grid)
        rows, cols = generic_lines(grid, header, label_col)
        if header or label_col:
            diag.add(
                "format",
                f"{grid.short}: wide layout, header row {grid.rows[header]}, "
                f"labels in column {grid.col_name(label_col)}",
            )
    return build_wide(
        grid, rows, cols, sectors=sectors, name=name, units=units, diagnostics=diag, **options
    )


# --------------------------------------------------------------------------- long layout
def _find_col(header, names):
    keys = [norm_label(h) for h in header]
    for nm in names:
        if nm in keys:
            return keys.index(nm)
    return None


def _looks_long(grid: Grid) -> bool:
    if grid.cells.shape[0] == 0:
        return False
    header = list(grid.cells[0])
    return all(_find_col(header, n) is not None for n in (LONG_FROM, LONG_TO, LONG_VALUE))


def _sidecar(path: Path, sectors):
    """Sector list and kinds of other labels from the sidecar (list, path or default file)."""
    kinds = {}
    if sectors is None:
        for cand in (path.with_suffix(".sectors.csv"), path.with_name(path.stem + "_sectors.csv")):
            if cand.exists():
                sectors = cand
                break
        else:
            raise InputFileError(
                "long layout needs a sidecar listing the sectors: pass sectors= (a list or a "
                f"file) or put {path.with_suffix('.sectors.csv').name} beside it",
                path=path,
            )
    if isinstance(sectors, (str, Path)):
        side = Path(sectors)
        g = read_csv_grid(side)
        header = [norm_label(h) for h in g.cells[0]] if g.cells.size else []
        if "label" in header and "kind" in header:
            li, ki = header.index("label"), header.index("kind")
            out = []
            for r, row in zip(g.rows[1:], g.cells[1:], strict=True):
                lab, kind = str(row[li]).strip(), norm_label(row[ki]).replace(" ", "_")
                if not lab:
                    continue
                if kind not in ("sector", "final_demand", "primary_input", "employment", "total"):
                    raise InputFileError(
                        "kind must be sector, final_demand, primary_input, employment or total",
                        path=side,
                        row=r,
                        column="kind",
                        value=row[ki],
                    )
                kinds[lab] = kind
                if kind == "sector":
                    out.append(lab)
            return out, kinds
        labs = [str(c).strip() for c in g.cells[:, 0] if str(c).strip()]
        if labs and norm_label(labs[0]) in ("sector", "sectors", "sektor", "label"):
            labs = labs[1:]
        return labs, kinds
    return [str(s) for s in sectors], kinds


def _read_long_grid(grid: Grid, path: Path, *, sectors, name, units, **options):
    header = list(grid.cells[0])
    fi, ti, vi = (_find_col(header, n) for n in (LONG_FROM, LONG_TO, LONG_VALUE))
    if None in (fi, ti, vi):
        raise InputFileError(
            f"long layout needs columns from, to, value; header is {header}", path=grid.path, row=1
        )
    body = grid.cells[1:]
    frame = pd.DataFrame({"from": body[:, fi], "to": body[:, ti], "value": body[:, vi]})
    return _long_frame_to_table(
        frame, grid.rows[1:], grid, path, sectors=sectors, name=name, units=units, **options
    )


def _long_frame_to_table(
    frame, rownums, grid, path, *, sectors, name, units, decimal, thousands, balance_rtol
):
    from .numbers import NumberFormat, detect_number_format, parse_cells

    diag = Diagnostics()
    labels_from = frame["from"].map(lambda c: "" if c is None else " ".join(str(c).split()))
    labels_to = frame["to"].map(lambda c: "" if c is None else " ".join(str(c).split()))
    empty = (labels_from == "") & (labels_to == "")
    vals_raw = frame["value"].to_numpy(dtype=object)[:, None]
    if decimal is None:
        fmt = detect_number_format(vals_raw, hint_sep=grid.sep if grid else None)
    else:
        fmt = NumberFormat(
            decimal, thousands if thousands is not None else ("." if decimal == "," else ",")
        )
    res = parse_cells(vals_raw, fmt.decimal, fmt.thousands)
    if empty.sum():
        diag.add(
            "skipped_empty_rows", f"{path}: {int(empty.sum())} empty rows skipped", int(empty.sum())
        )
    keep = ~empty.to_numpy()
    for col, labs in (("from", labels_from), ("to", labels_to)):
        miss = keep & (labs == "").to_numpy()
        if miss.any():
            k = int(np.flatnonzero(miss)[0])
            raise InputFileError(
                f"empty {col!r} label",
                path=path,
                row=rownums[k],
                column=col,
                value=frame[col].iloc[k],
            )
    badk = res.bad[:, 0] & keep
    if badk.any():
        k = int(np.flatnonzero(badk)[0])
        raise InputFileError(
            f"not a number; {int(badk.sum())} such cells",
            path=path,
            row=rownums[k],
            column="value",
            value=vals_raw[k, 0],
        )
    sector_list, kinds = _sidecar(path, sectors)
    if not sector_list:
        raise InputFileError("the sidecar lists no sectors", path=path)
    if len(set(sector_list)) != len(sector_list):
        raise InputFileError("the sidecar lists a sector twice", path=path)
    sec_index = pd.Index(sector_list)
    fr, to = labels_from[keep].to_numpy(), labels_to[keep].to_numpy()
    v = res.values[keep, 0]
    n = len(sector_list)
    ri, ci = sec_index.get_indexer(fr), sec_index.get_indexer(to)
    is_fs, is_ts = ri >= 0, ci >= 0
    total_labels = [lab for lab, kind in kinds.items() if kind == "total"]
    skip_tot = pd.Index(fr).isin(total_labels) | pd.Index(to).isin(total_labels)
    if skip_tot.any():
        diag.add(
            "skipped_totals",
            f"{path}: {int(skip_tot.sum())} entries of total rows or columns ignored",
            int(skip_tot.sum()),
        )
    zmask = is_fs & is_ts & ~skip_tot
    if n > LONG_DENSE_LIMIT:
        Z = sp.csr_array((v[zmask], (ri[zmask], ci[zmask])), shape=(n, n))
        Z.sum_duplicates()
        diag.add("sparse", f"{path}: {n} sectors: Z kept sparse ({Z.nnz} non-zeros)")
    else:
        Z = np.zeros((n, n))
        np.add.at(Z, (ri[zmask], ci[zmask]), v[zmask])
    dup = int(pd.DataFrame({"f": fr, "t": to}).duplicated().sum())
    if dup:
        diag.add("summed_duplicates", f"{path}: {dup} repeated (from, to) pairs were summed", dup)

    def block(mask, outer, pos):
        labs = list(dict.fromkeys(outer[mask]))
        out = np.zeros((n, len(labs)))
        if labs:
            col = pd.Index(labs).get_indexer(outer[mask])
            np.add.at(out, (pos[mask], col), v[mask])
        return pd.DataFrame(out, index=sector_list, columns=labs)

    fdmask = is_fs & ~is_ts & ~skip_tot
    fd = block(fdmask, to, ri)
    pimask = ~is_fs & is_ts & ~skip_tot
    pi = block(pimask, fr, ci)
    emp_labels = [
        c
        for c in pi.columns
        if kinds.get(c) == "employment" or (c not in kinds and is_employment_name(c))
    ]
    employment = None
    if emp_labels:
        employment = pi[emp_labels[0]]
        pi = pi.drop(columns=emp_labels[:1])
        diag.add("employment_row", f"{path}: {emp_labels[0]!r} read as employment")
    corner = ~is_fs & ~is_ts & ~skip_tot
    if corner.any():
        diag.add(
            "primary_final_block",
            f"{path}: {int(corner.sum())} entries between two "
            "non-sector labels (e.g. imports for final use) are not part of the IOTable "
            "and were not stored",
            int(corner.sum()),
        )
    for cat, k in (("final_demand", fd.columns), ("primary_input", pi.columns)):
        wrong = [c for c in k if kinds.get(c) not in (None, cat)]
        if wrong:
            diag.add(
                "sidecar_kind",
                f"{path}: labels {wrong[:5]} are listed as {kinds[wrong[0]]} but used as {cat}",
                len(wrong),
                level="warning",
            )
    if fd.shape[1] == 0:
        raise InputFileError(
            "no final-demand entries (from a sector to a non-sector label)", path=path
        )
    return IOTable.from_arrays(
        Z,
        final_demand=fd,
        value_added=pi.T if pi.shape[1] else None,
        employment=employment,
        sectors=sector_list,
        name=name,
        units=units,
        balance_rtol=balance_rtol,
        diagnostics=diag,
    )


# --------------------------------------------------------------------------- parquet
def _read_parquet(path, *, format, sectors, name, units, **options):
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputFileError(f"cannot read as parquet: {exc}", path=path) from None
    cols = [norm_label(c) for c in frame.columns]
    is_long = format == "long" or (
        format is None
        and any(c in cols for c in LONG_FROM)
        and any(c in cols for c in LONG_TO)
        and any(c in cols for c in LONG_VALUE)
    )
    if is_long:
        f = pd.DataFrame(
            {
                "from": frame.iloc[:, _find_col(frame.columns, LONG_FROM)],
                "to": frame.iloc[:, _find_col(frame.columns, LONG_TO)],
                "value": frame.iloc[:, _find_col(frame.columns, LONG_VALUE)].astype(object),
            }
        )
        return _long_frame_to_table(
            f,
            list(range(2, len(f) + 2)),
            None,
            path,
            sectors=sectors,
            name=name,
            units=units,
            **options,
        )
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    cells = np.empty((frame.shape[0] + 1, frame.shape[1]), dtype=object)
    cells[0] = [str(c) for c in frame.columns]
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        cells[1:, j] = col.astype(object).where(col.notna(), None).to_numpy()
    grid = Grid(cells, str(path), list(range(1, cells.shape[0] + 1)))
    return _read_wide_grid(grid, format=format, sectors=sectors, name=name, units=units, **options)


# --------------------------------------------------------------------------- writing
def _table_grid(table: IOTable) -> tuple[list, np.ndarray]:
    if table.is_multiregional:
        raise InputFileError(
            "write_table writes single-region tables; flatten the (region, sector) labels first"
        )
    sectors = [str(s) for s in table.sectors]
    fd_cols = [str(c) for c in table.final_demand.columns]
    pi_rows = [str(c) for c in table.primary_inputs.columns]
    labels = sectors + pi_rows + (["employment"] if table.employment is not None else [])
    header = ["sector"] + sectors + fd_cols + ["total output"]
    taken = {norm_label(h) for h in header}
    clash = [lab for lab in pi_rows if norm_label(lab) in taken]
    if clash or len({norm_label(x) for x in labels}) != len(labels):
        raise InputFileError(
            f"labels used twice across sectors, final demand and primary inputs: {clash[:5]}"
        )
    risky = [lab for lab in fd_cols + pi_rows if is_total_name(lab) == "strong"]
    risky += [lab for lab in pi_rows if is_employment_name(lab)]
    if risky:
        warnings.warn(
            f"labels {risky[:5]} look like totals or employment: read_table will not "
            "read them back as data; rename them to keep the round trip exact",
            DataQualityWarning,
            stacklevel=3,
        )
    n, k = table.n, len(fd_cols)
    Z = table.Z.toarray() if table.is_sparse else np.asarray(table.Z)
    body = np.full((len(labels), n + k + 1), np.nan)
    body[:n, -1] = table.x
    body[:n, :n] = Z
    body[:n, n : n + k] = table.final_demand.to_numpy()
    body[n : n + len(pi_rows), :n] = table.primary_inputs.to_numpy().T
    if table.employment is not None:
        body[-1, :n] = table.employment.to_numpy()
    return [header, labels], body


def write_table(table: IOTable, path, *, force: bool = True, layout: str = "wide") -> Path:
    """Write a table in the wide (or long) layout that :func:`read_table` reads back exactly.

    The suffix chooses the file type: ``.csv`` (comma-separated, ``.`` decimals, shortest
    exact float text), ``.xlsx`` or ``.parquet``. Wide rows: sectors, primary inputs, and an
    ``employment`` row when the table has employment; columns: sectors, final demand and
    ``total output`` (x; the reader takes x from it and checks the sums against it).

    ``layout="long"`` writes ``from,to,value`` for the non-zero entries (``.csv`` or
    ``.parquet``; sparse tables stay sparse) and the sidecar ``<stem>.sectors.csv`` with
    ``label,kind``; x is then the row total when read back.

    Parameters
    ----------
    table : IOTable
    path : str or Path
    force : bool
        Overwrite an existing file (default True; the command line passes its --force).
    layout : {"wide", "long"}

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manu"])
    >>> p = write_table(t, pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> print(p.read_text().splitlines()[0])
    sector,agri,manu,final demand,total output
    >>> bool((read_table(p).Z == t.Z).all())
    True
    """
    path = Path(path)
    if layout not in ("wide", "long"):
        raise InputFileError(f"layout must be 'wide' or 'long', got {layout!r}", path=path)
    if path.exists() and not force:
        raise InputFileError("file exists; pass force=True to overwrite", path=path)
    suffix = path.suffix.lower()
    if layout == "long":
        return _write_long(table, path, suffix, force)
    (header, labels), body = _table_grid(table)
    if suffix in (".csv", ".txt", ""):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for lab, row in zip(labels, body, strict=True):
                cells = row.astype(object)  # str(float) is the shortest exact text
                cells[np.isnan(row)] = ""
                w.writerow([lab, *cells])
    elif suffix in EXCEL_SUFFIXES or suffix == ".parquet":
        frame = pd.DataFrame(body, columns=header[1:])
        frame.insert(0, header[0], labels)
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_excel(path, index=False, sheet_name="io_table")
    else:
        raise InputFileError("write_table writes .csv, .xlsx or .parquet", path=path)
    return path


def _write_long(table: IOTable, path: Path, suffix: str, force: bool) -> Path:
    if table.is_multiregional:
        raise InputFileError(
            "write_table writes single-region tables; flatten the (region, sector) labels first"
        )
    side = path.with_suffix(".sectors.csv")
    if side.exists() and not force:
        raise InputFileError("file exists; pass force=True to overwrite", path=side)
    sectors = np.array([str(x) for x in table.sectors], dtype=object)
    coo = sp.coo_array(table.Z) if table.is_sparse else sp.coo_array(np.asarray(table.Z))
    parts = [(sectors[coo.row], sectors[coo.col], coo.data)]
    fd = table.final_demand
    for c in fd.columns:
        nz = np.flatnonzero(fd[c].to_numpy())
        parts.append((sectors[nz], np.full(len(nz), str(c), dtype=object), fd[c].to_numpy()[nz]))
    pi = table.primary_inputs
    for c in pi.columns:
        nz = np.flatnonzero(pi[c].to_numpy())
        parts.append((np.full(len(nz), str(c), dtype=object), sectors[nz], pi[c].to_numpy()[nz]))
    kinds = [(s, "sector") for s in sectors] + [(str(c), "final_demand") for c in fd.columns]
    kinds += [(str(c), "primary_input") for c in pi.columns]
    if table.employment is not None:
        e = table.employment.to_numpy()
        nz = np.flatnonzero(e)
        parts.append((np.full(len(nz), "employment", dtype=object), sectors[nz], e[nz]))
        kinds.append(("employment", "employment"))
    labels = [k for k, _ in kinds]
    if len(set(labels)) != len(labels):
        raise InputFileError(
            "labels used twice across sectors, final demand and primary inputs", path=path
        )
    frame = pd.DataFrame(
        {
            "from": np.concatenate([p[0] for p in parts]),
            "to": np.concatenate([p[1] for p in parts]),
            "value": np.concatenate([p[2] for p in parts]).astype(float),
        }
    )
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix in (".csv", ".txt", ""):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["from", "to", "value"])
            w.writerows(zip(frame["from"], frame["to"], frame["value"].tolist(), strict=True))
    else:
        raise InputFileError("the long layout is written as .csv or .parquet", path=path)
    with open(side, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["label", "kind"])
        w.writerows(kinds)
    return path
