"""Structural decomposition of the change in output between two tables of one region.

With ``x_t = L_t f_t`` for the years 0 and 1 (``f_t = x_t - Z_t 1``, so that the identity is
exact even for tables that do not balance), the change ``Δx = x1 - x0`` splits into a
technology effect (the change in ``L``) and a final-demand effect (the change in ``f``). The
two polar decompositions weigh them differently; their average (Dietzenbacher & Los 1998)
is used:

    technology   = ½ (ΔL f0 + ΔL f1) = ½ ((L1 f0 - x0) + (x1 - L0 f1))
    final demand = ½ (L0 Δf + L1 Δf) = ½ ((L0 f1 - x0) + (x1 - L1 f0))

Four solves with the two tables' factorizations, never an inverse. The final-demand effect
splits further into a level effect (the change in total final demand, at the average mix)
and a mix effect (the change in the product mix, at the average level), both at the
average inverse ``½(L0 + L1)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.params import table_solver
from ..errors import InvalidTableError
from .aggregation import aggregate

__all__ = ["decompose", "PRICE_NOTE"]

PRICE_NOTE = (
    "values are taken as given: deflate both tables to the same prices first, otherwise "
    "the effects mix volume and price changes"
)


def _common_tables(table0, table1, concordance):
    """The two tables on one classification: as they are, or both aggregated."""
    if concordance is not None:
        mapping = _mapping(concordance)
        table0 = aggregate(table0, _restricted(mapping, table0, "table0"))
        table1 = aggregate(table1, _restricted(mapping, table1, "table1"))
    if list(table0.sectors) != list(table1.sectors) and set(table0.sectors) == set(table1.sectors):
        table1 = _permute(table1, table0.sectors)
    if list(table0.sectors) != list(table1.sectors):
        only0 = [s for s in table0.sectors if s not in set(table1.sectors)][:5]
        only1 = [s for s in table1.sectors if s not in set(table0.sectors)][:5]
        raise InvalidTableError(
            "the two tables have different sectors (only in table0: "
            f"{only0}; only in table1: {only1}); give a concordance (label -> common sector)"
        )
    return table0, table1


def _mapping(concordance) -> dict:
    if isinstance(concordance, pd.DataFrame):
        if concordance.shape[1] != 2:
            raise InvalidTableError("concordance must have two columns (sector, common sector)")
        return dict(zip(concordance.iloc[:, 0], concordance.iloc[:, 1], strict=True))
    if isinstance(concordance, pd.Series):
        return concordance.to_dict()
    if isinstance(concordance, dict):
        return dict(concordance)
    raise InvalidTableError("concordance must be a dict, Series or two-column DataFrame")


def _restricted(mapping: dict, table, which: str) -> dict:
    """The concordance for one table's sectors; every sector must be mapped."""
    missing = [s for s in table.sectors if s not in mapping]
    if missing:
        raise InvalidTableError(
            f"concordance: no common sector for {len(missing)} sector(s) of {which}: {missing[:5]}"
        )
    return {s: mapping[s] for s in table.sectors}


def _permute(table, sectors):
    """The table with its sectors in the order of ``sectors``."""
    order = pd.Index(table.sectors).get_indexer(sectors)
    Z = table.Z[order][:, order]
    return type(table).from_arrays(
        Z.toarray() if hasattr(Z, "toarray") else Z,
        final_demand=table.final_demand.iloc[order],
        value_added=table.primary_inputs.iloc[order].T,
        total_output=np.asarray(table.x)[order],
        sectors=sectors,
        name=table.name,
        units=table.units,
    )


def decompose(
    table0, table1, *, concordance=None, final_demand_split: bool = False, solvers=(None, None)
) -> pd.DataFrame:
    """Split the change in output between two tables into technology and final demand.

    Parameters
    ----------
    table0, table1 : IOTable
        The region's tables at two dates, in the same prices (deflating is the user's:
        see :data:`PRICE_NOTE`) and the same sectors in the same order.
    concordance : dict, Series or two-column DataFrame, optional
        Sector label (of either table) -> common sector; both tables are aggregated to
        the common sectors first. Needed when the labels differ.
    final_demand_split : bool
        Also split the final-demand effect into ``level`` and ``mix``.
    solvers : pair of LeontiefSolver or str
        The two tables' solvers (default: each table's own).

    Returns
    -------
    DataFrame
        Indexed by sector: ``delta_x``, ``technology``, ``final_demand`` (and ``level``,
        ``mix``); ``technology + final_demand == delta_x`` (``level + mix ==
        final_demand``) up to the solves' residuals. ``attrs``: ``gap`` (largest
        |technology + final_demand - delta_x|), ``residual``, ``notes``.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t0 = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> t1 = IOTable.from_arrays([[180, 520], [260, 100]], final_demand=[400, 1900])
    >>> d = decompose(t0, t1)
    >>> d.round(2)
            delta_x  technology  final_demand
    sector
    S1        100.0      -27.32        127.32
    S2        260.0       20.99        239.01
    """
    table0, table1 = _common_tables(table0, table1, concordance)
    s0 = table_solver(table0, solvers[0], None, caller="decompose")
    s1 = table_solver(table1, solvers[1], None, caller="decompose")
    x0, x1 = np.asarray(table0.x, dtype=float), np.asarray(table1.x, dtype=float)
    f0 = x0 - np.asarray(table0.Z.sum(axis=1)).ravel()
    f1 = x1 - np.asarray(table1.Z.sum(axis=1)).ravel()
    rhs0, rhs1 = [f1], [f0]
    if final_demand_split:
        level = (f1.sum() - f0.sum()) * 0.5 * (_mix(f0) + _mix(f1))
        rhs0.append(level)
        rhs1.append(level)
    Y0 = s0.solve(np.column_stack(rhs0))
    r0 = s0.last_info.residual
    Y1 = s1.solve(np.column_stack(rhs1))
    r1 = s1.last_info.residual
    L0f1, L1f0 = Y0[:, 0], Y1[:, 0]
    out = {
        "delta_x": x1 - x0,
        "technology": 0.5 * ((L1f0 - x0) + (x1 - L0f1)),
        "final_demand": 0.5 * ((L0f1 - x0) + (x1 - L1f0)),
    }
    if final_demand_split:
        out["level"] = 0.5 * (Y0[:, 1] + Y1[:, 1])
        out["mix"] = out["final_demand"] - out["level"]
    frame = pd.DataFrame(out, index=table0.sectors)
    gap = np.abs(frame["technology"] + frame["final_demand"] - frame["delta_x"]).max()
    frame.attrs = {"gap": float(gap), "residual": float(max(r0, r1)), "notes": [PRICE_NOTE]}
    return frame


def _mix(f: np.ndarray) -> np.ndarray:
    total = f.sum()
    if total == 0:
        raise InvalidTableError("total final demand is 0: the level/mix split is undefined")
    return f / total
