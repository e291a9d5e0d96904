"""Impact analysis and structural decomposition workflows: files in, one results object out.

``linkage impact`` calls :func:`run_impact` (a shock file, optionally bridged from
spending categories, on one table, open or closed model); ``linkage decompose`` calls
:func:`run_decomposition` (the change in output between two tables of a region).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis import decompose, impact, impact_totals
from ..core import IOTable
from ..io.measures import read_mapping
from ..io.results import sector_frame, write_results
from ..io.shocks import read_bridge, read_satellites, read_shock

__all__ = [
    "IMPACT_FILES",
    "DECOMPOSITION_FILES",
    "ImpactResults",
    "DecompositionResults",
    "run_impact",
    "run_decomposition",
]

IMPACT_FILES = ("impact.csv",)
DECOMPOSITION_FILES = ("decomposition.csv",)
#: Measures summed in the printed summary, with their headings.
SUMMARY_MEASURES = {
    "output": "output",
    "value_added": "value added",
    "income": "income",
    "employment": "jobs",
}


@dataclass
class ImpactResults:
    """The impacts of the scenarios of one shock file on one table.

    Attributes
    ----------
    table : IOTable
        The table (with its satellite accounts, when a satellites file was given).
    impact : DataFrame
        Tidy: ``scenario, sector, measure, value`` (:func:`linkage.impact`).
    shock : DataFrame
        The shock by sector (after the bridge), one column per scenario.
    notes : list of str
        What was read how, and what could not be computed.
    """

    table: IOTable
    impact: pd.DataFrame
    shock: pd.DataFrame
    notes: list = field(default_factory=list)

    @property
    def totals(self) -> pd.DataFrame:
        """One row per scenario, one column per measure (sums over sectors)."""
        return impact_totals(self.impact)

    def frames(self) -> dict[str, pd.DataFrame]:
        """CSV file name -> frame of every result (attrs: model, method, residual, units)."""
        frame = self.impact.copy(deep=False)
        attrs = self.impact.attrs
        frame.attrs = {
            "model": attrs["model"],
            "method": attrs["method"],
            "residual": attrs["residual"],
            "units": self.table.units or None,
        }
        return {IMPACT_FILES[0]: frame}

    def write(self, out, fmt: str = "csv") -> list[Path]:
        """Write :meth:`frames` into the folder ``out`` as csv, xlsx or parquet."""
        return write_results(self.frames(), out, fmt)


def run_impact(
    table: IOTable,
    shock_path,
    *,
    bridge_path=None,
    satellites_path=None,
    closed: bool = False,
    wages=None,
    household=None,
    household_income=None,
    household_own=0.0,
    value_added=None,
    solver=None,
) -> ImpactResults:
    """Read a shock (and bridge, satellites) file and compute its impacts on ``table``.

    Parameters
    ----------
    table : IOTable
    shock_path : str or Path
        :func:`linkage.io.shocks.read_shock`: ``sector`` (or, with a bridge, ``category``)
        and one column per scenario.
    bridge_path, satellites_path : str or Path, optional
        :func:`~linkage.io.shocks.read_bridge` and :func:`~linkage.io.shocks.read_satellites`.
    closed : bool
        Type II: households endogenous (Miller & Blair 2009, section 2.5).
    wages, household, household_income, household_own, value_added : optional
        As in :func:`linkage.impact`.
    solver : str or LeontiefSolver, optional

    Returns
    -------
    ImpactResults

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkage.io import load_example_table
    >>> t = load_example_table()
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "shock.csv"
    >>> _ = p.write_text(f"sector,plan\\n{t.sectors[0]},100\\n")
    >>> r = run_impact(t, p)
    >>> float(r.totals.loc["plan", "output"]) > 100
    True
    """
    notes: list[str] = []
    if satellites_path is not None:
        satellites = read_satellites(satellites_path, table.sectors)
        notes += satellites.attrs["notes"]
        table = table.with_satellites(satellites, satellites.attrs["units"])
    bridge = None
    if bridge_path is not None:
        bridge = read_bridge(bridge_path, table.sectors)
        notes += bridge.attrs["notes"]
    shock = read_shock(shock_path, table.sectors, categories=bridge is not None)
    notes += shock.attrs["notes"]
    result = impact(
        table,
        shock,
        model="closed" if closed else "open",
        bridge=bridge,
        wages=wages,
        household=household,
        household_income=household_income,
        household_own=household_own,
        value_added=value_added,
        solver=solver,
    )
    notes += result.attrs["notes"]
    return ImpactResults(table, result, result.attrs["shock"], notes)


@dataclass
class DecompositionResults:
    """Structural decomposition of the change in output between two tables.

    Attributes
    ----------
    decomposition : DataFrame
        By sector: ``delta_x, technology, final_demand`` (and ``level, mix``).
    notes : list of str
    """

    decomposition: pd.DataFrame
    notes: list = field(default_factory=list)

    units: str | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """CSV file name -> flat frame (``sector`` first)."""
        frame = sector_frame(self.decomposition)
        frame.attrs = {"residual": self.decomposition.attrs["residual"], "units": self.units}
        return {DECOMPOSITION_FILES[0]: frame}

    def write(self, out, fmt: str = "csv") -> list[Path]:
        """Write :meth:`frames` into the folder ``out`` as csv, xlsx or parquet."""
        return write_results(self.frames(), out, fmt)


def run_decomposition(
    table0: IOTable, table1: IOTable, *, concordance_path=None, final_demand_split=False
) -> DecompositionResults:
    """Decompose ``x1 - x0`` into technology and final-demand effects (two-polar average).

    Parameters
    ----------
    table0, table1 : IOTable
        The region's tables at the earlier and the later date, in the same prices.
    concordance_path : str or Path, optional
        Two columns: a sector label of either table -> the common sector
        (:func:`linkage.io.read_mapping`).
    final_demand_split : bool
        Also split the final-demand effect into level and mix.

    Returns
    -------
    DecompositionResults

    Examples
    --------
    >>> t0 = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> t1 = IOTable.from_arrays([[180, 520], [260, 100]], final_demand=[400, 1900])
    >>> run_decomposition(t0, t1).decomposition["technology"].round(2).tolist()
    [-27.32, 20.99]
    """
    concordance = None
    if concordance_path is not None:
        concordance = read_mapping(concordance_path)
    frame = decompose(
        table0, table1, concordance=concordance, final_demand_split=final_demand_split
    )
    return DecompositionResults(frame, list(frame.attrs["notes"]), table1.units or table0.units)
