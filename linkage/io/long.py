"""The long layout: ``from,to,value`` triples with a sidecar naming the sectors.

Reading (:func:`read_long_grid`, :func:`long_frame_to_table`) and writing
(:func:`write_long`). Sector-to-sector entries form Z (sparse above
:data:`LONG_DENSE_LIMIT` sectors), sector-to-other entries final demand, other-to-sector
entries primary inputs or employment; see ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.table import IOTable
from ..errors import DataQualityWarning, InputFileError
from .grid import Grid, read_csv_grid
from .labels import is_employment_name, loose_key, norm_label
from .numbers import NumberFormat, detect_number_format, parse_cells
from .wide_sectors import MISSPELT_MAX_PAIRS, MISSPELT_RATIO

__all__ = ["read_long_grid", "long_frame_to_table", "write_long", "looks_long", "find_col"]

LONG_FROM = ("from", "source", "supplier", "row", "dari")
LONG_TO = ("to", "target", "buyer", "column", "col", "ke")
LONG_VALUE = ("value", "nilai", "amount", "weight", "obs_value", "obsvalue", "flow")
#: Long tables with more sectors than this get a sparse Z.
LONG_DENSE_LIMIT = 2000


def find_col(header, names):
    keys = [norm_label(h) for h in header]
    for nm in names:
        if nm in keys:
            return keys.index(nm)
    return None


def looks_long(grid: Grid) -> bool:
    if grid.cells.shape[0] == 0:
        return False
    header = list(grid.cells[0])
    return all(find_col(header, n) is not None for n in (LONG_FROM, LONG_TO, LONG_VALUE))


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
                "the long layout (from,to,value) needs a sidecar file listing the sectors: put "
                f"{path.with_suffix('.sectors.csv').name} beside it (one sector label per "
                "line, or columns label,kind), or pass sectors= in Python",
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


def read_long_grid(grid: Grid, path: Path, *, sectors, name, units, **options):
    header = list(grid.cells[0])
    fi, ti, vi = (find_col(header, n) for n in (LONG_FROM, LONG_TO, LONG_VALUE))
    if None in (fi, ti, vi):
        raise InputFileError(
            f"long layout needs columns from, to, value; header is {header}", path=grid.path, row=1
        )
    body = grid.cells[1:]
    frame = pd.DataFrame({"from": body[:, fi], "to": body[:, ti], "value": body[:, vi]})
    others = {str(header[j]): body[:, j] for j in range(len(header)) if j not in (fi, ti, vi)}
    return long_frame_to_table(
        frame,
        grid.rows[1:],
        grid,
        path,
        sectors=sectors,
        name=name,
        units=units,
        other_columns=others,
        **options,
    )


def varying_columns(other_columns: dict | None) -> list:
    """``"'year' has 2 values (2015, 2016)"`` for each other column with several values."""
    out = []
    for col, values in (other_columns or {}).items():
        distinct = pd.unique(pd.Series(values, dtype=object).dropna())
        distinct = [v for v in distinct if str(v).strip()]
        if len(distinct) > 1:
            shown = ", ".join(str(v) for v in distinct[:3]) + (" ..." if len(distinct) > 3 else "")
            out.append(f"{col!r} has {len(distinct)} values ({shown})")
    return out


def long_frame_to_table(
    frame,
    rownums,
    grid,
    path,
    *,
    sectors,
    name,
    units,
    decimal,
    thousands,
    balance_rtol,
    other_columns=None,
):
    """Build the table from ``from``, ``to``, ``value`` entries (``frame``) and the sidecar.

    ``rownums`` are the entries' row numbers in the file, ``grid`` the file's cells (for
    the CSV separator; None for parquet), ``other_columns`` the file's other columns
    (several values in one, e.g. years, make summing repeated pairs suspect).
    """
    diag = Diagnostics()
    fr, to, v = _entries(frame, rownums, grid, path, decimal, thousands, diag)
    sector_list, kinds = _sector_list(path, sectors)
    n = len(sector_list)
    sec_index = pd.Index(sector_list)
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
    Z = _intermediate(ri[zmask], ci[zmask], v[zmask], n, diag, path)
    _report_duplicates(fr, to, other_columns, diag, path)
    _report_misspelt(fr[~is_fs], to[~is_ts], sector_list, kinds, diag, path)
    fdmask = is_fs & ~is_ts & ~skip_tot
    fd = _block(fdmask, to, ri, v, sector_list)
    pimask = ~is_fs & is_ts & ~skip_tot
    pi, employment = _split_employment(_block(pimask, fr, ci, v, sector_list), kinds, diag, path)
    corner = ~is_fs & ~is_ts & ~skip_tot
    if corner.any():
        diag.add(
            "primary_final_block",
            f"{path}: {int(corner.sum())} entries between two "
            "non-sector labels (e.g. imports for final use) are not part of the IOTable "
            "and were not stored",
            int(corner.sum()),
        )
    _check_kinds(fd, pi, kinds, diag, path)
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


def _entries(frame, rownums, grid, path, decimal, thousands, diag):
    """``from`` and ``to`` labels and values of the non-empty entries, parsed.

    Raises
    ------
    InputFileError
        An entry with one label empty, or a value that is not a number.
    """
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
    return labels_from[keep].to_numpy(), labels_to[keep].to_numpy(), res.values[keep, 0]


def _sector_list(path, sectors) -> tuple[list, dict]:
    """The sidecar's sectors (none, or one twice, is an error) and kinds of other labels."""
    sector_list, kinds = _sidecar(path, sectors)
    if not sector_list:
        raise InputFileError("the sidecar lists no sectors", path=path)
    if len(set(sector_list)) != len(sector_list):
        twice = pd.Index(sector_list)[pd.Index(sector_list).duplicated()].tolist()
        raise InputFileError(
            f"the sector list names {len(twice)} sector(s) twice: {twice[:5]}", path=path
        )
    return sector_list, kinds


def _intermediate(ri, ci, v, n, diag, path):
    """Z summed from the sector-to-sector entries; sparse above :data:`LONG_DENSE_LIMIT`."""
    if n > LONG_DENSE_LIMIT:
        Z = sp.csr_array((v, (ri, ci)), shape=(n, n))
        Z.sum_duplicates()
        diag.add("sparse", f"{path}: {n} sectors: Z kept sparse ({Z.nnz} non-zeros)")
    else:
        Z = np.zeros((n, n))
        np.add.at(Z, (ri, ci), v)
    return Z


def _report_duplicates(fr, to, other_columns, diag, path) -> None:
    """Report repeated (from, to) pairs, summed; a warning when another column varies."""
    dup = int(pd.DataFrame({"f": fr, "t": to}).duplicated().sum())
    if not dup:
        return
    varying = varying_columns(other_columns)
    if varying:  # e.g. several years or regions in one file: summing them is wrong
        diag.add(
            "summed_duplicates",
            f"{path}: column {'; '.join(varying)}, and {dup} repeated (from, to) pairs "
            "were summed over them: keep one value per table (filter the file)",
            dup,
            level="warning",
            warn=DataQualityWarning,
            stacklevel=6,
        )
    else:
        diag.add("summed_duplicates", f"{path}: {dup} repeated (from, to) pairs were summed", dup)


def _block(mask, outer, pos, v, sector_list) -> pd.DataFrame:
    """Entries of ``mask`` summed by sector (``pos``) and other label (``outer``)."""
    labs = list(dict.fromkeys(outer[mask]))
    out = np.zeros((len(sector_list), len(labs)))
    if labs:
        col = pd.Index(labs).get_indexer(outer[mask])
        np.add.at(out, (pos[mask], col), v[mask])
    return pd.DataFrame(out, index=sector_list, columns=labs)


def _split_employment(pi: pd.DataFrame, kinds, diag, path):
    """Primary inputs without the employment input, and employment (the first label of
    kind employment, or named like employment when the sidecar gives no kind), or None."""
    emp_labels = [
        c
        for c in pi.columns
        if kinds.get(c) == "employment" or (c not in kinds and is_employment_name(c))
    ]
    if not emp_labels:
        return pi, None
    employment = pi[emp_labels[0]]
    diag.add("employment_row", f"{path}: {emp_labels[0]!r} read as employment")
    return pi.drop(columns=emp_labels[:1]), employment


def _check_kinds(fd, pi, kinds, diag, path) -> None:
    """Warn about labels used as final demand or primary input but listed as another kind."""
    for cat, k in (("final_demand", fd.columns), ("primary_input", pi.columns)):
        wrong = [c for c in k if kinds.get(c) not in (None, cat)]
        if wrong:
            diag.add(
                "sidecar_kind",
                f"{path}: labels {wrong[:5]} are listed as {kinds[wrong[0]]} but used as {cat}",
                len(wrong),
                level="warning",
            )


def _report_misspelt(non_from, non_to, sector_list, kinds, diag, path) -> None:
    """Warn about non-sector labels that look like a misspelt sector (not listed as kinds)."""
    labels = list(dict.fromkeys([*non_from, *non_to]))
    if len(labels) * len(sector_list) > MISSPELT_MAX_PAIRS:
        return
    keys = {loose_key(norm_label(s)): s for s in sector_list}
    for lab in labels:
        if lab in kinds:
            continue
        k = loose_key(norm_label(lab))
        close = difflib.get_close_matches(k, list(keys), n=1, cutoff=MISSPELT_RATIO)
        if close:
            diag.add(
                "misspelt_sector",
                f"{path}: label {lab!r} is not a sector (not in the sidecar) but looks like "
                f"sector {keys[close[0]]!r}; it is read as a primary input or final demand; "
                "correct it if it is that sector",
                level="warning",
                warn=DataQualityWarning,
                stacklevel=6,
            )


def write_long(table: IOTable, path: Path, suffix: str, force: bool) -> Path:
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
