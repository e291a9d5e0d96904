"""The CSV layouts of the result files, shared by the commands and the report.

``linkage analyze``, ``linkage network``, ``linkage report`` and ``linkage demo`` write the
same files (``linkages.csv``, ``firms.csv``, ``sentra.csv`` ...); the frames are shaped here
once so that a file has the same columns whichever command wrote it: the label column
first (``sector``, ``firm_id``, ``sentra``, ``community``), no pandas index, UTF-8.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils import get_column_letter

from ..core.table import IOTable
from .result_columns import readme_frame
from .tables import _table_grid, write_table

__all__ = [
    "sector_frame",
    "coefficient_frame",
    "firm_table",
    "table_frame",
    "write_csv",
    "write_results",
    "result_files",
    "RESULT_FORMATS",
    "WORKBOOK",
]

#: The formats of result files: ``--format`` of the commands.
RESULT_FORMATS = ("csv", "xlsx", "parquet")
#: The one workbook of ``--format xlsx``.
WORKBOOK = "results.xlsx"
#: Rows (header included) and columns of an Excel sheet; Excel's limits.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
#: Longest sheet name Excel accepts.
EXCEL_SHEET_NAME = 31
#: Frame attributes written into parquet metadata (and shown in the README sheet).
_META_KEYS = (
    "method",
    "residual",
    "units",
    "measure",
    "threshold",
    "dispersion",
    "regions",
    "seed",
    "n_permutations",
    "resolution",
    "modularity",
)


def sector_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its sector index as the first column, named ``sector``.

    A multi-regional (region, sector) index becomes the columns ``sector, region``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("n", "farm")], names=["region", "sector"])
    >>> sector_frame(pd.DataFrame({"m": [1.5]}, index=idx)).columns.tolist()
    ['sector', 'region', 'm']
    >>> sector_frame(pd.DataFrame({"m": [1.5]}, index=["farm"])).columns.tolist()
    ['sector', 'm']
    """
    if isinstance(frame.index, pd.MultiIndex):
        flat = frame.reset_index()
        names = [
            name if name is not None else f"level_{k}" for k, name in enumerate(frame.index.names)
        ]
        sector_col = "sector" if "sector" in names else names[-1]
        flat = flat.rename(columns={sector_col: "sector"})
        others = [c for c in names if c != sector_col]
        flat = flat[["sector", *others, *frame.columns]]
    else:
        flat = frame.copy()
        flat.index = flat.index.rename("sector")
        flat = flat.reset_index()
    flat.attrs.update(frame.attrs)
    return flat


def coefficient_frame(frame: pd.DataFrame, sectors: pd.Index) -> pd.DataFrame:
    """Coefficients listed by (supplier, buyer) with ``(region, sector)`` labels split.

    ``frame`` is :func:`linkage.important_coefficients` of a table with these
    ``sectors``; for a multi-regional table each label becomes the columns
    ``supplier_region, supplier`` and ``buyer_region, buyer``; plain labels stay.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("n", "a"), ("s", "a")], names=["region", "sector"])
    >>> ic = pd.DataFrame({"rank": [1], "supplier": [("n", "a")], "buyer": [("s", "a")]})
    >>> coefficient_frame(ic, idx).columns.tolist()
    ['rank', 'supplier_region', 'supplier', 'buyer_region', 'buyer']
    """
    if not isinstance(sectors, pd.MultiIndex) or frame.empty:
        return frame
    names = list(sectors.names)
    ri = names.index("region") if "region" in names else 0
    si = names.index("sector") if "sector" in names else len(names) - 1
    out = frame.copy()
    for side in ("supplier", "buyer"):
        labels = frame[side].tolist()
        out[side] = [lab[si] for lab in labels]
        out.insert(out.columns.get_loc(side), f"{side}_region", [lab[ri] for lab in labels])
    out.attrs.update(frame.attrs)
    return out


def firm_table(net, metrics: pd.DataFrame, communities: pd.Series | None = None) -> pd.DataFrame:
    """One row per listed firm, ``firm_id`` first: its attributes, community, then its metrics.

    Parameters
    ----------
    net : SupplyNetwork
    metrics : DataFrame
        ``net.firm_metrics()``.
    communities : Series, optional
        The community of each firm (indexed by firm_id), e.g.
        ``Clusters.firm_communities(net)``; it becomes the ``community`` column.

    Examples
    --------
    >>> import warnings
    >>> from linkage.io.examples import load_example_network
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     net = load_example_network()
    >>> firm_table(net, net.firm_metrics()).columns[:4].tolist()
    ['firm_id', 'name', 'sector', 'sentra']
    """
    frame = net.firms.drop(columns=[c for c in net.firms.columns if c in metrics.columns])
    frame = pd.concat([net.firms[["sector"]], frame], axis=1).join(metrics.drop(columns="sector"))
    if communities is not None:
        frame["community"] = communities.reindex(frame.index).to_numpy()
    first = [
        c
        for c in ("name", "sector", "sentra", "region", "community", "workers", "size_class")
        if c in frame.columns
    ]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    frame.index.name = "firm_id"
    frame = frame.reset_index()
    frame.attrs = {k: metrics.attrs[k] for k in ("method", "residual") if k in metrics.attrs}
    frame.attrs["input_columns"] = [str(c) for c in net.firms.columns]
    return frame


def write_csv(frame: pd.DataFrame, path) -> Path:
    """Write a result frame (already shaped, label column first) as UTF-8 CSV, no index."""
    path = Path(path)
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def table_frame(table: IOTable) -> pd.DataFrame:
    """The wide layout of :func:`linkage.write_table` as a frame (``sector`` first).

    Its ``attrs`` name the sector and final-demand columns and the table's units.

    Examples
    --------
    >>> t = IOTable.from_arrays([[1.0, 2.0], [3.0, 4.0]], final_demand=[5.0, 6.0],
    ...                         sectors=["a", "b"], units="juta Rupiah")
    >>> table_frame(t).columns.tolist(), table_frame(t).attrs["units"]
    (['sector', 'a', 'b', 'final demand', 'total output'], 'juta Rupiah')
    """
    (header, labels), body = _table_grid(table)
    frame = pd.DataFrame(body, columns=header[1:])
    frame.insert(0, header[0], labels)
    frame.attrs.update(
        units=table.units or None,
        sectors=[str(s) for s in table.sectors],
        final_demand=[str(c) for c in table.final_demand.columns],
    )
    return frame


def result_files(names, fmt: str = "csv") -> list[str]:
    """The files written for results named by their CSV names, in format ``fmt``.

    Other names (pages, charts) are kept; with ``xlsx`` every CSV becomes the one
    workbook ``results.xlsx`` (where the first CSV was), with ``parquet`` each CSV its
    ``<base name>.parquet``.

    Examples
    --------
    >>> result_files(["report.html", "linkages.csv", "multipliers.csv"], "xlsx")
    ['report.html', 'results.xlsx']
    >>> result_files(["linkages.csv", "key_sectors.png"], "parquet")
    ['linkages.parquet', 'key_sectors.png']
    """
    _check_format(fmt)
    files = []
    for name in names:
        if fmt == "csv" or not name.endswith(".csv"):
            files.append(name)
        elif fmt == "parquet":
            files.append(f"{Path(name).stem}.parquet")
        elif WORKBOOK not in files:
            files.append(WORKBOOK)
    return files


def write_results(frames: dict, out, fmt: str = "csv") -> list[Path]:
    """Write results into the folder ``out`` as CSV files, one workbook or parquet files.

    Parameters
    ----------
    frames : dict
        CSV file name (``"linkages.csv"``) -> result: a flat frame (label columns first,
        as :meth:`TableResults.frames` gives them) or an :class:`IOTable` (written in
        the wide layout of :func:`linkage.write_table`).
    out : str or Path
        An existing folder.
    fmt : {"csv", "xlsx", "parquet"}
        ``csv``: one UTF-8 CSV per result. ``xlsx``: one workbook ``results.xlsx``, a
        ``README`` sheet (what each column means, its unit and the method) and one sheet
        per result under the CSV's base name. ``parquet``: one ``<base name>.parquet``
        per result, the frame's method, residual and units in its metadata. Same
        columns and values in every format.

    Returns
    -------
    list of Path
        The files written, as :func:`result_files` names them.

    Raises
    ------
    ValueError
        An unknown format, or a result too large for an Excel sheet (one line that
        suggests parquet); nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> fr = pd.DataFrame({"sector": ["a", "b"], "bl_total": [0.5, 1.5]})
    >>> out = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_results({"linkages.csv": fr}, out, "xlsx")]
    ['results.xlsx']
    >>> pd.read_excel(out / WORKBOOK, sheet_name="linkages", engine="openpyxl").equals(fr)
    True
    """
    _check_format(fmt)
    out = Path(out)
    if fmt == "csv":
        return [
            write_table(value, out / name)
            if isinstance(value, IOTable)
            else write_csv(value, out / name)
            for name, value in frames.items()
        ]
    flat = {
        Path(name).stem: table_frame(value) if isinstance(value, IOTable) else value
        for name, value in frames.items()
    }
    if fmt == "parquet":
        return [write_parquet(frame, out / f"{name}.parquet") for name, frame in flat.items()]
    return [write_workbook(flat, out / WORKBOOK)]


def _check_format(fmt: str) -> None:
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(RESULT_FORMATS)} (got {fmt!r})")


def _metadata(frame: pd.DataFrame) -> dict:
    """The frame's attributes that a reader of the file needs, JSON-safe."""
    meta = {}
    for key in _META_KEYS:
        value = frame.attrs.get(key)
        if isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        elif isinstance(value, (np.floating, np.integer)):
            value = value.item()
        if value is not None and isinstance(value, (str, int, float, bool, list)):
            meta[key] = value
    return meta


def write_parquet(frame: pd.DataFrame, path) -> Path:
    """One result as parquet (no index); method, residual and units in its metadata.

    The metadata are the frame's ``attrs`` as pandas restores them
    (``pd.read_parquet(path).attrs``) and, for other readers, the JSON under the
    schema metadata key ``linkage``.
    """
    path = Path(path)
    plain = frame.copy(deep=False)
    plain.attrs = _metadata(frame)
    try:
        table = pa.Table.from_pandas(plain, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # a column of mixed Python types (a firm-list column as given): as text
        mixed = [c for c in plain.columns if plain[c].dtype == object]
        plain[mixed] = plain[mixed].apply(lambda c: c.where(c.isna(), c.astype(str)))
        table = pa.Table.from_pandas(plain, preserve_index=False)
    meta = {**(table.schema.metadata or {}), b"linkage": json.dumps(plain.attrs).encode()}
    pq.write_table(table.replace_schema_metadata(meta), path)
    return path


def sheet_names(names) -> dict[str, str]:
    """Result name -> Excel sheet name: at most 31 characters, none used twice.

    Examples
    --------
    >>> sheets = sheet_names(["linkages", "a" * 40, "a" * 35])
    >>> [len(s) for s in sheets.values()], list(sheets.values())[2][-2:]
    ([8, 31, 31], '~2')
    """
    taken, sheets = {"readme"}, {}
    for name in names:
        clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))
        sheet, k = clean[:EXCEL_SHEET_NAME], 1
        while sheet.lower() in taken:
            k += 1
            sheet = f"{clean[: EXCEL_SHEET_NAME - len(str(k)) - 1]}~{k}"
        taken.add(sheet.lower())
        sheets[name] = sheet
    return sheets


def _check_sheet_size(name: str, frame: pd.DataFrame) -> None:
    rows, cols = len(frame) + 1, frame.shape[1]
    if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLUMNS:
        raise ValueError(
            f"{name}: {len(frame):,} rows x {cols:,} columns do not fit in an Excel sheet "
            f"(at most {EXCEL_MAX_ROWS - 1:,} rows below the header and {EXCEL_MAX_COLUMNS:,} "
            "columns); write parquet instead (--format parquet)"
        )


def _format_sheet(sheet, frame: pd.DataFrame, widest: int = 60) -> None:
    """Freeze the header row, size each column to its header and first values, and keep
    text that starts with ``=`` as text (openpyxl would store it as a formula)."""
    sheet.freeze_panes = "A2"
    for k, column in enumerate(frame.columns, start=1):
        values = frame[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            formula = values.astype(str).str.startswith("=").to_numpy() & values.notna().to_numpy()
            for row in np.flatnonzero(formula):
                sheet.cell(row=row + 2, column=k).data_type = "s"
        values = frame[column].head(200).astype(str).str.len()
        width = max(len(str(column)), int(values.max()) if len(values) else 0)
        sheet.column_dimensions[get_column_letter(k)].width = min(max(width + 2, 8), widest)


def write_workbook(frames: dict, path, strict: bool = False) -> Path:
    """One workbook: a ``README`` sheet, then one sheet per result (numbers as numbers).

    ``frames`` maps the result's base name (``linkages``) to its frame; ``strict`` makes a
    column without a description in :mod:`linkage.io.result_columns` a ``KeyError``.
    """
    path = Path(path)
    sheets = sheet_names(frames)
    for name, frame in frames.items():
        _check_sheet_size(name, frame)
    readme = readme_frame({sheets[n]: (n, f) for n, f in frames.items()}, strict=strict)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        readme.to_excel(writer, sheet_name="README", index=False)
        _format_sheet(writer.sheets["README"], readme, widest=90)
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheets[name], index=False)
            _format_sheet(writer.sheets[sheets[name]], frame)
    return path
