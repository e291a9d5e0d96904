"""Satellite intensities, footprint multipliers, production- and consumption-based accounts.

For an account ``s`` (jobs, energy, CO2, water ...) by sector: the intensity ``e = s / x``
(direct, per unit of output), the footprint multiplier ``m = e L`` (direct and indirect, per
unit of final demand: one transposed solve ``(I - A)ᵀ m = e`` for all accounts), the
production-based account ``s`` itself and the consumption-based account by final-demand
category ``m̂ F`` (what each category's purchases of each product set off along the supply
chain). With ``x = L f`` the two accounts have the same total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.satellites import satellite_frame
from ..errors import InvalidTableError

__all__ = ["footprints", "FOOTPRINT_COLUMNS"]

#: Columns of the footprint frame, in order.
FOOTPRINT_COLUMNS = ["account", "sector", "measure", "category", "value"]


def _accounts(table, satellites) -> pd.DataFrame:
    """The accounts used: given, the table's satellites, plus its employment."""
    if satellites is not None:
        return satellite_frame(satellites, table.sectors)
    frames = []
    if table.satellites is not None:
        frames.append(table.satellites)
    if table.employment is not None and (
        table.satellites is None or "employment" not in table.satellites.columns
    ):
        jobs = table.employment.rename("employment").to_frame()
        jobs.attrs = {"units": {"employment": "jobs"}}
        frames.append(jobs)
    if not frames:
        raise InvalidTableError(
            "the table has no satellite accounts and no employment: give satellites= "
            "(accounts x sectors) or read them with the table (--satellites FILE)"
        )
    units = {}
    for frame in frames:
        units.update(frame.attrs.get("units", {}))
    out = pd.concat(frames, axis=1)
    out.attrs = {"units": units}
    return out


def _long(block: np.ndarray, accounts, sectors, measure: str, category: str) -> pd.DataFrame:
    n, m = block.shape
    return pd.DataFrame(
        {
            "account": np.repeat(np.asarray(accounts, dtype=object), n),
            "sector": np.tile(np.asarray(sectors, dtype=object), m),
            "measure": measure,
            "category": category,
            "value": block.T.ravel(),
        }
    )


def footprints(table, satellites=None, *, solver=None) -> pd.DataFrame:
    """Intensities, footprint multipliers and production/consumption accounts.

    Parameters
    ----------
    table : IOTable
    satellites : DataFrame, optional
        Accounts x sectors (or sectors x accounts); default the table's satellites
        (:meth:`~linkage.IOTable.with_satellites`) and its employment.
    solver : LeontiefSolver or str, optional

    Returns
    -------
    DataFrame
        Columns ``account, sector, measure, category, value``. Measures: ``intensity``
        (``s / x``), ``multiplier`` (``e L``, per unit of final demand of the sector's
        product), ``production`` (``s``), and ``consumption`` per final-demand category
        (``category`` names it; the other measures have ``category == "total"``; a
        ``consumption`` row with category ``total`` sums the categories).
        ``attrs``: ``units`` (account -> unit of the account; intensities and multipliers
        are per unit of the table's money), ``method``, ``residual``, ``gap`` (account ->
        consumption total minus production total, 0 when ``x = L f``).

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> co2 = pd.DataFrame({"S1": [100.0], "S2": [50.0]}, index=["co2"])
    >>> fp = footprints(t, co2)
    >>> fp[fp.measure == "multiplier"]["value"].round(4).tolist()
    [0.1320, 0.0611]
    >>> float(fp.query("measure == 'consumption' and category == 'total'")["value"].sum())
    150.0
    """
    solver = table_solver(table, solver, None, caller="footprints")
    accounts = _accounts(table, satellites)
    x = np.asarray(table.x, dtype=float)
    S = accounts.to_numpy(dtype=float)
    E = safe_divide(S, x[:, np.newaxis], 0.0)
    M = solver.solve(E, transpose=True)
    F = table.final_demand.to_numpy(dtype=float)
    names, sectors = list(accounts.columns), list(table.sectors)
    parts = [
        _long(E, names, sectors, "intensity", "total"),
        _long(M, names, sectors, "multiplier", "total"),
        _long(S, names, sectors, "production", "total"),
    ]
    for k, category in enumerate(table.final_demand.columns):
        parts.append(_long(M * F[:, [k]], names, sectors, "consumption", str(category)))
    consumption = M * F.sum(axis=1)[:, np.newaxis]
    parts.append(_long(consumption, names, sectors, "consumption", "total"))
    frame = pd.concat(parts, ignore_index=True)[FOOTPRINT_COLUMNS]
    gap = consumption.sum(axis=0) - S.sum(axis=0)
    frame.attrs = {
        "units": dict(accounts.attrs.get("units", {})),
        "method": solver.method,
        "residual": float(solver.last_info.residual),
        "gap": {a: float(g) for a, g in zip(names, gap, strict=True)},
    }
    return frame
