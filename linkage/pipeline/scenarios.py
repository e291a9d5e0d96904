"""Network scenarios on a survey: the sentra IO table and its linkages before and after.

``linkage scenario`` calls :func:`network_scenario`: one scenario of
:mod:`linkage.network.scenarios` (middlemen bypassed, firms removed, a firm added) on a
survey's network, then the sentra IO table of each network (as ``linkage network`` builds
it, :meth:`SupplyNetwork.to_iotable`) and the linkages of each (:func:`linkage.linkages`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import linkages
from ..core import IOTable
from ..io.results import write_results
from ..network import SupplyNetwork
from ..network.scenarios import add_firm, redirect_intermediaries, remove_firms

__all__ = ["SCENARIOS", "SCENARIO_FILES", "ScenarioResults", "network_scenario", "change_frame"]

#: Scenario name -> the function of :mod:`linkage.network.scenarios` and its options.
SCENARIOS = {
    "redirect": (redirect_intermediaries, ("share", "intermediaries")),
    "remove": (remove_firms, ("ids",)),
    "add": (add_firm, ("firm", "transactions", "reader", "sources")),
}
#: Files :meth:`ScenarioResults.write` writes, in order.
SCENARIO_FILES = ("scenario_linkages.csv", "sector_table_before.csv", "sector_table_after.csv")
#: Numeric columns of :func:`linkage.linkages` compared before and after.
LINKAGE_MEASURES = (
    "output_multiplier",
    "bl_direct",
    "fl_direct",
    "bl_total",
    "fl_total",
    "fl_rasmussen",
    "bl_cv",
    "fl_cv",
)


@dataclass
class ScenarioResults:
    """One network scenario: the networks, sentra tables and linkages before and after.

    Attributes
    ----------
    scenario : str
        ``redirect``, ``remove`` or ``add``.
    network_before, network_after : SupplyNetwork
    table_before, table_after : IOTable
        The sentra IO tables (:meth:`SupplyNetwork.to_iotable`, ``by`` and ``area`` as
        given).
    linkages_before, linkages_after : DataFrame
        :func:`linkage.linkages` of each table.
    change : DataFrame
        Tidy: ``sector, measure, before, after, change``; the measures are
        ``total_output`` and the numeric linkage columns (:data:`LINKAGE_MEASURES`); a
        sector only in one table has NaN on the other side.
    notes : list of str
        What the scenario moved, and how much.
    """

    scenario: str
    network_before: SupplyNetwork
    network_after: SupplyNetwork
    table_before: IOTable
    table_after: IOTable
    linkages_before: pd.DataFrame
    linkages_after: pd.DataFrame
    change: pd.DataFrame
    notes: list = field(default_factory=list)

    def key_sector_changes(self) -> pd.DataFrame:
        """Sectors whose key-sector class differs: ``before``, ``after`` (NaN when absent)."""
        both = pd.DataFrame(
            {
                "before": self.linkages_before["key_sector"],
                "after": self.linkages_after["key_sector"],
            }
        )
        return both[both["before"].ne(both["after"])]

    def frames(self) -> dict:
        """CSV file name -> result (the tidy change frame, the two tables)."""
        frame = self.change.copy(deep=False)
        frame.attrs = {
            "method": self.linkages_after.attrs.get("method"),
            "residual": max(
                self.linkages_before.attrs.get("residual", 0.0),
                self.linkages_after.attrs.get("residual", 0.0),
            ),
            "units": self.table_before.units or None,
        }
        return dict(zip(SCENARIO_FILES, (frame, self.table_before, self.table_after), strict=True))

    def write(self, out, fmt: str = "csv") -> list[Path]:
        """Write :meth:`frames` into the folder ``out`` as csv, xlsx or parquet."""
        return write_results(self.frames(), out, fmt)


def change_frame(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Tidy ``sector, measure, before, after, change`` of two frames indexed by sector.

    Sectors in the order of ``before``, then those only in ``after``; measures in the
    order of the columns; ``change = after - before``.

    Examples
    --------
    >>> b = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="sector"))
    >>> a = pd.DataFrame({"x": [1.5, 4.0]}, index=pd.Index(["b", "c"], name="sector"))
    >>> change_frame(b, a)
      sector measure  before  after  change
    0      a       x     1.0    NaN     NaN
    1      b       x     2.0    1.5    -0.5
    2      c       x     NaN    4.0     NaN
    """
    sectors = before.index.append(after.index[~after.index.isin(before.index)])
    b, a = before.reindex(sectors), after.reindex(sectors)
    rows = []
    for measure in before.columns:
        rows.append(
            pd.DataFrame(
                {
                    "sector": sectors.astype(str),
                    "measure": measure,
                    "before": b[measure].to_numpy(float),
                    "after": a[measure].to_numpy(float),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["change"] = out["after"] - out["before"]
    return out


def _measures(table: IOTable, links: pd.DataFrame) -> pd.DataFrame:
    """``total_output`` and the numeric linkage columns, by sector."""
    frame = pd.DataFrame({"total_output": np.asarray(table.x, dtype=float)}, index=table.sectors)
    return frame.join(links[list(LINKAGE_MEASURES)])


def network_scenario(
    net: SupplyNetwork,
    scenario: str,
    *,
    by: str = "sector",
    area=None,
    solver: str = "auto",
    **options,
) -> ScenarioResults:
    """Run one network scenario and compare the sentra table and linkages before and after.

    Parameters
    ----------
    net : SupplyNetwork
    scenario : {"redirect", "remove", "add"}
        :func:`~linkage.network.scenarios.redirect_intermediaries` (options ``share``,
        ``intermediaries``), :func:`~linkage.network.scenarios.remove_firms` (``ids``) or
        :func:`~linkage.network.scenarios.add_firm` (``firm``, ``transactions``,
        ``reader``, ``sources``).
    by, area : optional
        The sentra table's sectors and study area (:meth:`SupplyNetwork.to_iotable`).
    solver : str
        Leontief solver of the linkages (as ``linkage network --solver``).
    **options
        The scenario's options.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    ValueError
        An unknown scenario or an option it does not take.

    Examples
    --------
    >>> import warnings
    >>> from linkage.io import load_example_network
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r = network_scenario(load_example_network(), "remove", ids=["PLR-01"])
    >>> row = r.change.query("measure == 'total_output' and sector == 'clay and sand quarrying'")
    >>> float(row["change"].iloc[0])
    -177384000.0
    >>> r.notes[0][:24]
    "removed firm 'PLR-01' (c"
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {list(SCENARIOS)}")
    run, allowed = SCENARIOS[scenario]
    extra = sorted(set(options) - set(allowed))
    if extra:
        raise ValueError(f"scenario {scenario!r} takes the options {list(allowed)}, not {extra}")
    after, notes = run(net, **options)
    tables, links = [], []
    for network in (net, after):
        table = network.to_iotable(by=by, area=area)
        tables.append(table)
        links.append(linkages(table, solver))
    change = change_frame(_measures(tables[0], links[0]), _measures(tables[1], links[1]))
    return ScenarioResults(scenario, net, after, *tables, *links, change, notes)
