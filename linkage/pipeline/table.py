"""Analyze one IO table: the solver built once, every analysis asked for, one results object.

``linkage analyze``, ``linkage report`` and ``linkage demo`` call :func:`analyze_table`;
the pages and the report render its :class:`TableResults` and compute nothing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis import extraction as hypothetical_extraction
from ..analysis import (
    important_coefficients,
    largest_coefficients,
    linkages,
    multipliers,
    region_codes,
    regional_linkages,
    spillover_feedback,
    split_region_labels,
)
from ..core import IOTable, LeontiefSolver
from ..core.params import table_solver
from ..errors import InputFileError, InvalidTableError, LinkageError, LinkageWarning
from ..io.results import coefficient_frame, result_files, sector_frame, write_results

__all__ = ["TableResults", "analyze_table", "regional_table", "table_files", "TABLE_FILES"]

#: Result files of a table analysis, in the order they are written.
TABLE_FILES = {
    "linkages": "linkages.csv",
    "multipliers": "multipliers.csv",
    "extraction": "extraction.csv",
    "important_coefficients": "important_coefficients.csv",
    "regional_linkages": "regional_linkages.csv",
    "region_pairs": "region_pairs.csv",
}


@dataclass
class TableResults:
    """Everything computed for one IO table, each frame labelled by sector.

    Attributes
    ----------
    table : IOTable
    solver : LeontiefSolver
        The one solver every analysis used.
    linkages : DataFrame
        :func:`linkage.linkages` (with the key-sector classes).
    multipliers : DataFrame or None
        :func:`linkage.multipliers`; None when they could not be computed (see ``notes``).
    extraction, important_coefficients, regional_linkages, region_pairs : DataFrame or None
        The optional analyses, None when not asked for.
    coefficients : tuple of arrays or None
        ``(rows, cols, values)`` of the largest coefficients the sector map draws.
    notes : list of str
        What could not be computed and why, for the summary and the report.
    """

    table: IOTable
    solver: LeontiefSolver
    linkages: pd.DataFrame
    multipliers: pd.DataFrame | None = None
    extraction: pd.DataFrame | None = None
    important_coefficients: pd.DataFrame | None = None
    regional_linkages: pd.DataFrame | None = None
    region_pairs: pd.DataFrame | None = None
    coefficients: tuple | None = None
    notes: list = field(default_factory=list)

    @property
    def residual(self) -> float:
        """The largest relative residual of the solves behind the results."""
        frames = [getattr(self, name) for name in TABLE_FILES]
        return max(f.attrs.get("residual", 0.0) for f in frames if f is not None)

    def frames(self) -> dict[str, pd.DataFrame]:
        """CSV file name -> flat frame (label columns first) of every result computed.

        Each frame's ``attrs`` keep the analysis' (method, residual, ...) plus the
        table's ``units``.
        """
        out = {}
        for name, file in TABLE_FILES.items():
            frame = getattr(self, name)
            if frame is None:
                continue
            if name == "important_coefficients":
                flat = coefficient_frame(frame, self.table.sectors).copy(deep=False)
            elif name == "region_pairs":
                flat = frame.copy(deep=False)
            else:
                flat = sector_frame(frame)
            flat.attrs = {**frame.attrs, "units": self.table.units or None}
            out[file] = flat
        return out

    def write(self, out, fmt: str = "csv") -> list[Path]:
        """Write :meth:`frames` into the folder ``out`` (``fmt``: csv, xlsx or parquet).

        As :func:`linkage.io.results.write_results`: CSV files, one ``results.xlsx``, or
        one parquet file per result. Returns the paths.
        """
        return write_results(self.frames(), out, fmt)


def table_files(
    extraction: bool, influence: int | None, by_region: bool, fmt: str = "csv"
) -> tuple[str, ...]:
    """The result files :meth:`TableResults.write` writes for these options, in order.

    Examples
    --------
    >>> table_files(True, None, False)
    ('linkages.csv', 'multipliers.csv', 'extraction.csv')
    >>> table_files(False, 5, True)[2:]
    ('important_coefficients.csv', 'regional_linkages.csv', 'region_pairs.csv')
    >>> table_files(True, None, False, "parquet")
    ('linkages.parquet', 'multipliers.parquet', 'extraction.parquet')
    """
    asked = {
        "extraction": extraction,
        "important_coefficients": influence is not None,
        "regional_linkages": by_region,
        "region_pairs": by_region,
    }
    files = [file for name, file in TABLE_FILES.items() if asked.get(name, True)]
    return tuple(result_files(files, fmt))


def analyze_table(
    table: IOTable,
    solver="auto",
    *,
    threshold: float = 1.0,
    wages=None,
    household=None,
    value_added=None,
    extraction: bool = False,
    influence: int | None = None,
    by_region: bool = False,
    sector_map: str | None = None,
    map_edges: int | None = None,
    strict: bool = True,
) -> TableResults:
    """Linkages, key sectors, multipliers and the optional analyses of one table.

    Parameters
    ----------
    table : IOTable
    solver : LeontiefSolver or str
        Built once (``table.solver(solver)`` for a method name) and used by every analysis.
    threshold : float
        Normalized linkage above which a sector is strong (key-sector classes).
    wages, household : str, optional
        Row of wages and column of household consumption, when not recognized by name
        (or when two or more labels fit: an error says so).
    value_added : str or list of str, optional
        The value-added row, or the rows that sum to it (default: found by the rules of
        :mod:`linkage.analysis.roles`).
    extraction : bool
        Also the hypothetical extraction of every sector.
    influence : int, optional
        Also the ``influence`` most important input coefficients.
    by_region : bool
        Also intra-/inter-regional linkages and spillover-feedback by region pair; the
        table must have ``(region, sector)`` labels (see :func:`regional_table`).
    sector_map : {"A", "L"}, optional
        Also the largest coefficients of this matrix, for the sector map.
    map_edges : int, optional
        How many of the largest coefficients the sector map draws (default ``2 n``,
        between 20 and 600), plus each sector's largest input.
    strict : bool
        When False, multipliers that cannot be computed become a note instead of an error
        (the report still shows the linkages).

    Returns
    -------
    TableResults

    Examples
    --------
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manu"])
    >>> r = analyze_table(t, "dense", extraction=True)
    >>> r.linkages["key_sector"].tolist(), list(r.frames())
    (['key', 'weak'], ['linkages.csv', 'multipliers.csv', 'extraction.csv'])
    >>> r.solver is t.solver("dense")
    True
    """
    solver = table_solver(table, solver, caller="analyze_table")
    notes = []
    try:
        # multipliers first: a wages/household label the table lacks fails early
        mult = multipliers(
            table, wages=wages, household=household, value_added=value_added, solver=solver
        )
    except LinkageError as exc:
        if strict:
            raise
        mult = None
        notes.append(f"Multipliers could not be computed: {exc}")
    results = TableResults(
        table, solver, linkages(table, solver, threshold=threshold), mult, notes=notes
    )
    if extraction:
        results.extraction = hypothetical_extraction(table, solver)
    if influence is not None:
        results.important_coefficients = important_coefficients(table, influence, solver=solver)
    if by_region:
        results.regional_linkages = regional_linkages(table, solver)
        results.region_pairs = spillover_feedback(table, solver)
    if sector_map is not None:
        results.coefficients = _map_coefficients(table, solver, sector_map, map_edges, notes)
    return results


def _map_coefficients(table, solver, matrix, k, notes):
    """The sector map's coefficients, or a note when the matrix cannot be had."""
    k = int(min(max(2 * table.n, 20), 600)) if k is None else k
    try:
        return largest_coefficients(table, matrix, k, solver=solver)
    except LinkageError as exc:
        notes.append(f"Sector map not drawn: {exc}")
        return None


def regional_table(table: IOTable, sep: str, path) -> IOTable:
    """The ``(region, sector)`` table a by-region analysis needs, or a one-line error why not.

    Labels that are not yet ``(region, sector)`` pairs are split at ``sep``
    (``"Jabar|padi"`` -> ``("Jabar", "padi")``). A table with one region is refused:
    its regional linkages would only repeat the plain ones.

    Raises
    ------
    InputFileError
        Naming ``path``: no label holds ``sep``, some labels lack it, or all sectors
        are in one region; the message says how to label regions.

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[5, 6],
    ...                         sectors=["Jabar|padi", "Jatim|padi"])
    >>> regional_table(t, "|", "t.csv").sectors.tolist()
    [('Jabar', 'padi'), ('Jatim', 'padi')]
    >>> regional_table(t, "/", "t.csv")
    Traceback (most recent call last):
    ...
    linkage.errors.InputFileError: t.csv: --by-region needs (region, sector) labels, ...
    """
    how = f"label the sectors '<region>{sep}<sector>' (e.g. 'Jabar{sep}padi')"
    if not sep:
        raise InputFileError("--region-sep must not be empty", path=path)
    if not isinstance(table.sectors, pd.MultiIndex):
        if not any(sep in str(label) for label in table.sectors):
            raise InputFileError(
                f"--by-region needs (region, sector) labels, but no sector label contains "
                f"the region separator {sep!r}: {how} or choose the separator with "
                "--region-sep",
                path=path,
            )
        try:
            with warnings.catch_warnings():
                # same numbers, new labels: the reader has already warned about them
                warnings.simplefilter("ignore", LinkageWarning)
                table = split_region_labels(table, sep)
        except InvalidTableError as exc:
            raise InputFileError(f"--by-region: {exc}; {how}", path=path) from None
    regions, _ = region_codes(table)
    if len(regions) < 2:
        raise InputFileError(
            f"--by-region needs at least two regions, but all {table.n} sectors are in region "
            f"{regions[0]!r}: the table is single-regional; {how} with two or more regions",
            path=path,
        )
    return table
