"""Impacts of demand shocks (open and closed model) and of supply shocks (Ghosh).

Demand-driven (Miller & Blair 2009, ch. 2 and 6): ``Δx = L Δf`` in the open model (type I);
in the model closed with respect to households (type II, section 2.5) ``Δx̄ = L̄ Δf̄`` and
households' income ``Δx_{n+1}`` is induced as well. Value added, income, employment and every
satellite account follow as ``coefficient × Δx``. Supply-driven (Ghosh, ch. 12):
``Δxᵀ = Δvᵀ G``, i.e. ``(I - A)ᵀ (Δx / x) = Δv / x``, solved without forming ``G``.

Results are tidy frames with the columns ``scenario, sector, measure, value``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.numeric import safe_divide
from ..core.params import check_choice, table_solver
from ..errors import InvalidTableError
from .closed import closed_coefficients, closed_solver
from .multipliers import (
    employment_values,
    household_accounts,
    household_coefficients,
    value_added_values,
)
from .shocks import bridge_shock, shock_frame

__all__ = ["impact", "supply_impact", "impact_totals", "IMPACT_COLUMNS", "GHOSH_CAVEAT"]

#: Columns of every impact frame, in order.
IMPACT_COLUMNS = ["scenario", "sector", "measure", "value"]
#: The sector label of households' own row in the closed model.
HOUSEHOLDS = "households"
#: Why Ghosh results are read with care (Miller & Blair 2009, section 12.2).
GHOSH_CAVEAT = (
    "Ghosh supply model: assumes fixed allocation (output) coefficients, so a sector's "
    "buyers absorb any extra supply whatever their own production technology; read the "
    "result as the output that the extra primary inputs could support, not as a forecast "
    "(Miller & Blair 2009, section 12.2; Oosterhaven 1988)"
)


def _coefficients(table, wages, employment, value_added, notes: list) -> tuple[dict, dict]:
    """Per-unit-of-output coefficients of every measure the table supports, and units."""
    x = np.asarray(table.x, dtype=float)
    money = table.units or "money units of the table"
    coefs, units = {}, {"output": money}
    va, _ = value_added_values(table, value_added, notes)
    if va is not None:
        coefs["value_added"], units["value_added"] = safe_divide(va, x, 0.0), money
    wage_values, _, _, _ = household_accounts(table, wages, False, [])
    if wage_values is not None:
        coefs["income"], units["income"] = safe_divide(wage_values, x, 0.0), money
    else:
        notes.append("income: no wages row; income impacts are not computed")
    jobs, _ = employment_values(table, employment, notes)
    if jobs is not None:
        coefs["employment"], units["employment"] = safe_divide(jobs, x, 0.0), "jobs"
    satellites = table.satellites
    if satellites is not None:
        for account in satellites.columns:
            name = f"{account} (satellite)" if account in coefs or account == "output" else account
            coefs[name] = safe_divide(satellites[account].to_numpy(dtype=float), x, 0.0)
            units[name] = satellites.attrs.get("units", {}).get(account, "")
    return coefs, units


def _as_shock(table, shock, bridge) -> pd.DataFrame:
    if bridge is not None:
        return bridge_shock(shock, bridge, table.sectors)
    return shock_frame(shock, table.sectors)


def _tidy(values: dict, sectors, scenarios) -> pd.DataFrame:
    """measure -> (n, k) array as the long frame scenario, sector, measure, value."""
    parts = []
    labels = pd.Index(sectors)
    for measure, block in values.items():
        block = np.asarray(block, dtype=float)
        for k, scenario in enumerate(scenarios):
            parts.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "sector": labels,
                        "measure": measure,
                        "value": block[:, k],
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    order = {m: i for i, m in enumerate(values)}
    frame["_s"] = frame["scenario"].map({s: i for i, s in enumerate(scenarios)})
    frame["_m"] = frame["measure"].map(order)
    frame = frame.sort_values(["_s", "_m"], kind="stable").drop(columns=["_s", "_m"])
    return frame.reset_index(drop=True)[IMPACT_COLUMNS]


def _closed_outputs(table, solver, df, wages, household, household_income, household_own, notes):
    """``Δx`` (n, k) and households' induced income ``Δx_{n+1}`` (k,) of the closed model."""
    hh_notes: list[str] = []
    wage_values, _, hh_values, _ = household_accounts(table, wages, household, hh_notes)
    h, W = household_coefficients(hh_values, wage_values, household_income, household_own, hh_notes)
    if h is None:
        raise InvalidTableError(
            "the closed (type II) model needs a wages row and a household-consumption column "
            f"({'; '.join(hh_notes)}); give wages= and household= (--wages, --household)"
        )
    own = float(household_own) / W
    x = np.asarray(table.x, dtype=float)
    Abar = closed_coefficients(table.A, safe_divide(wage_values, x, 0.0), h, own)
    closed = closed_solver(solver, Abar, table.sectors)
    rhs = np.vstack([df.to_numpy(), np.zeros((1, df.shape[1]))])
    X = closed.solve(rhs)
    notes.append(
        f"closed model: household income x_(n+1) = {W:.6g}, household-household cell "
        f"{own:.6g}; income includes the households' own row"
    )
    spent = float(np.sum(h)) + own
    if spent > 1:  # consumption financed by more than wages: the induced effect is overstated
        notes.append(
            f"closed model: households spend {spent:.3g} times the household income "
            f"x_(n+1) = {W:.6g} (the wages row{' plus the own cell' if own else ''}), so "
            "every rupiah of wages is re-spent more than once; give the households' total "
            "income (household_income=, --household-income; e.g. wages plus the part of "
            "surplus households receive) for a type II that does not overstate"
        )
    return X[:-1], X[-1], own, closed.last_info.residual


def impact(
    table,
    shock,
    *,
    model: str = "open",
    bridge=None,
    wages=None,
    household=None,
    employment=None,
    value_added=None,
    household_income=None,
    household_own: float = 0.0,
    solver=None,
) -> pd.DataFrame:
    """Impacts of a change in final demand: output, value added, income, jobs, satellites.

    Parameters
    ----------
    table : IOTable
    shock : Series, DataFrame or dict
        Change in final demand by sector (money units of the table); a DataFrame has one
        column per scenario (the column name is the scenario's name). With ``bridge``,
        spending by category instead.
    model : {"open", "closed"}
        ``"open"``: ``Δx = L Δf`` (type I). ``"closed"``: households endogenous (type II,
        Miller & Blair 2009, section 2.5), inducing household spending out of wages.
    bridge : DataFrame, optional
        Spending category -> sector shares (see :func:`~linkage.analysis.shocks.bridge_shock`).
    wages, household, employment, value_added : optional
        The rows and columns used, as in :func:`~linkage.analysis.multipliers.multipliers`.
    household_income, household_own : optional
        Total household income ``x_{n+1}`` and the household-household cell (closed model).
    solver : LeontiefSolver or str, optional
        The table's solver (chosen once); the closed model uses the same method.

    Returns
    -------
    DataFrame
        Columns ``scenario, sector, measure, value``; measures ``output``, then those the
        table supports: ``value_added``, ``income``, ``employment`` and one per satellite
        account. A measure that cannot be computed is absent and said in
        ``attrs["notes"]``, never zero-filled. In the closed model the ``income`` measure
        has a row ``households`` (households' purchases of household labour) so that
        income sums to the induced household income. ``attrs``: ``model``, ``method``,
        ``residual``, ``units`` (measure -> unit), ``notes``, ``shock`` (the shock by sector).

    Examples
    --------
    Miller & Blair (2009), Table 2.3: 600 more final demand for manufacturing.

    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...     value_added=pd.DataFrame([[300, 500], [350, 900]], index=["wages", "surplus"]))
    >>> r = impact(t, pd.Series({"S2": 600.0}, name="plan"))
    >>> r.pivot(index="sector", columns="measure", values="value").round(2)
    measure  income  output  value_added
    sector
    S1        59.41  198.02       128.71
    S2       168.32  673.27       471.29
    """
    check_choice("model", model, ("open", "closed"), "impact")
    solver = table_solver(table, solver, None, caller="impact")
    notes: list[str] = []
    df = _as_shock(table, shock, bridge)
    coefs, units = _coefficients(table, wages, employment, value_added, notes)
    sectors = list(table.sectors)
    if model == "open":
        dX = solver.solve(df.to_numpy())
        residual, extra = solver.last_info.residual, None
    else:
        dX, dH, own, residual = _closed_outputs(
            table, solver, df, wages, household, household_income, household_own, notes
        )
        extra = own * dH
    values = {"output": dX}
    values.update({m: c[:, np.newaxis] * dX for m, c in coefs.items()})
    frame = _tidy(values, sectors, list(df.columns))
    if extra is not None and "income" in values:
        own_rows = _tidy({"income": extra[np.newaxis, :]}, [HOUSEHOLDS], list(df.columns))
        frame = pd.concat([frame, own_rows], ignore_index=True)
        frame = _reorder(frame, list(df.columns), list(values))
    frame.attrs = {
        "model": model,
        "method": solver.method,
        "residual": float(residual),
        "units": units,
        "notes": notes,
        "shock": df,
    }
    return frame


def _reorder(frame: pd.DataFrame, scenarios: list, measures: list) -> pd.DataFrame:
    key_s = frame["scenario"].map({s: i for i, s in enumerate(scenarios)})
    key_m = frame["measure"].map({m: i for i, m in enumerate(measures)})
    order = np.lexsort((key_m.to_numpy(), key_s.to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def supply_impact(table, shock, *, solver=None) -> pd.DataFrame:
    """Output supported by a change in primary inputs: the Ghosh supply-side model.

    Parameters
    ----------
    table : IOTable
    shock : Series, DataFrame or dict
        Change in primary inputs (value added) by sector; one column per scenario.
    solver : LeontiefSolver or str, optional

    Returns
    -------
    DataFrame
        ``scenario, sector, measure, value`` with the measure ``output``;
        ``attrs["caveat"]`` states the model's plausibility limits.

    Raises
    ------
    InvalidTableError
        Primary inputs added to a sector with zero output (no allocation coefficients).

    Notes
    -----
    ``Δxᵀ = Δvᵀ G`` with ``G = x̂⁻¹ L x̂``, so ``Δx = x̂ Lᵀ (Δv / x)``: one transposed
    solve per scenario. Miller & Blair (2009), section 12.2, and Dietzenbacher (1997)
    reinterpret the model as a price model; it is a poor predictor of quantities.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> r = supply_impact(t, {"S1": 100.0})
    >>> r["value"].round(3).tolist()
    [125.413, 66.007]
    """
    solver = table_solver(table, solver, None, caller="supply_impact")
    df = shock_frame(shock, table.sectors)
    x = np.asarray(table.x, dtype=float)
    dv = df.to_numpy()
    idle = (x == 0) & (np.abs(dv) > 0).any(axis=1)
    if idle.any():
        raise InvalidTableError(
            f"supply shock on sectors with zero output {table.sectors[idle].tolist()[:5]}: "
            "the Ghosh model has no allocation coefficients for them"
        )
    y = solver.solve(safe_divide(dv, x[:, np.newaxis], 0.0), transpose=True)
    frame = _tidy({"output": x[:, np.newaxis] * y}, list(table.sectors), list(df.columns))
    frame.attrs = {
        "model": "ghosh",
        "method": solver.method,
        "residual": float(solver.last_info.residual),
        "units": {"output": table.units or "money units of the table"},
        "notes": [GHOSH_CAVEAT],
        "caveat": GHOSH_CAVEAT,
        "shock": df,
    }
    return frame


def impact_totals(result: pd.DataFrame) -> pd.DataFrame:
    """Totals of an impact frame: one row per scenario, one column per measure.

    Examples
    --------
    >>> r = pd.DataFrame({"scenario": ["a", "a"], "sector": ["s", "t"],
    ...                   "measure": ["output", "output"], "value": [1.0, 2.0]})
    >>> impact_totals(r)
    measure   output
    scenario
    a            3.0
    """
    measures = list(pd.unique(result["measure"]))
    scenarios = list(pd.unique(result["scenario"]))
    totals = result.pivot_table(
        index="scenario", columns="measure", values="value", aggfunc="sum", sort=False
    )
    return totals.reindex(index=scenarios, columns=measures)
