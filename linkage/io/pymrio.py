"""Conversion to and from pymrio's ``IOSystem`` (pymrio is an optional dependency).

pymrio (Stadler 2021, doi:10.5334/jors.251) is the Python toolbox for multi-regional IO
systems such as EXIOBASE; a system it loads becomes a multi-regional :class:`IOTable`
(sectors a ``(region, sector)`` MultiIndex) and back, so its tables can be analysed here
and results compared with its own ``calc_all``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.region_labels import REGION_SEPARATOR, region_sector_levels, split_region_column
from ..core.solver import LeontiefSolver
from ..core.table import IOTable
from ..errors import InvalidTableError

__all__ = ["from_pymrio", "to_pymrio"]


def _require_pymrio():
    try:
        import pymrio
    except ImportError as exc:  # pragma: no cover - exercised only without pymrio
        raise ImportError(
            "pymrio is needed to convert to and from pymrio systems: pip install pymrio"
        ) from exc
    return pymrio


def from_pymrio(io, *, factor_inputs: str = "factor_inputs", name=None) -> IOTable:
    """A multi-regional :class:`linkage.IOTable` from a ``pymrio.IOSystem``.

    Parameters
    ----------
    io : pymrio.IOSystem
        Needs ``Z`` (or ``A`` with ``x``, or ``A`` with ``Y``) and ``Y``. It is not
        modified.
    factor_inputs : str
        Attribute name of the extension whose ``F`` holds value added (rows: inputs,
        columns: ``(region, sector)``), as in pymrio's EXIOBASE/test systems. When the
        system has none, value added is implied as ``x - 1ᵀZ`` and reported.
    name : str, optional
        Table name (default: ``io.name``).

    Returns
    -------
    IOTable
        Sectors: pymrio's ``(region, sector)`` MultiIndex. Final-demand columns are
        named ``"<region>|<category>"`` so :func:`to_pymrio` restores them.

    Raises
    ------
    ImportError
        When pymrio is not installed.
    InvalidTableError
        When the system has neither ``Z`` nor ``A`` or lacks ``Y``.
    """
    _require_pymrio()
    Y = getattr(io, "Y", None)
    if Y is None:
        raise InvalidTableError("the pymrio system has no final demand Y")
    Z = getattr(io, "Z", None)
    x = getattr(io, "x", None)
    x = None if x is None else np.asarray(x, dtype=float).reshape(-1)
    if Z is None:
        A = getattr(io, "A", None)
        if A is None:
            raise InvalidTableError("the pymrio system has neither Z nor A")
        if x is None:
            x = LeontiefSolver(A.to_numpy(dtype=float)).solve(Y.to_numpy(dtype=float).sum(1))
        Z = A * x[np.newaxis, :]
    sectors = Z.index
    if isinstance(sectors, pd.MultiIndex):
        sectors = sectors.set_names(["region", "sector"][: sectors.nlevels])
    Y = Y.reindex(Z.index)
    if isinstance(Y.columns, pd.MultiIndex):
        cols = [REGION_SEPARATOR.join(str(p) for p in c) for c in Y.columns]
    else:
        cols = [str(c) for c in Y.columns]
    fd = pd.DataFrame(Y.to_numpy(dtype=float), index=sectors, columns=cols)
    fd = fd.T.groupby(level=0, sort=False).sum().T if len(set(cols)) < len(cols) else fd
    va = None
    ext = getattr(io, factor_inputs, None)
    F = getattr(ext, "F", None) if ext is not None else None
    if F is not None:
        F = F.reindex(columns=Z.columns)
        va = pd.DataFrame(F.to_numpy(dtype=float), index=[str(i) for i in F.index], columns=sectors)
    units = ""
    unit = getattr(io, "unit", None)
    if isinstance(unit, pd.DataFrame) and unit.shape[1] and len(unit):
        values = pd.unique(unit.iloc[:, 0].astype(str))
        units = values[0] if len(values) == 1 else ""
    return IOTable.from_arrays(
        Z.to_numpy(dtype=float),
        final_demand=fd,
        value_added=va,
        total_output=x,
        sectors=sectors,
        name=str(name if name is not None else (getattr(io, "name", "") or "")),
        units=units,
    )


def to_pymrio(table, *, region: str | None = None, name=None):
    """A ``pymrio.IOSystem`` with ``Z``, ``Y``, ``x`` and a ``factor_inputs`` extension.

    Parameters
    ----------
    table : IOTable
        A ``(region, sector)`` table; a single-region table is put in one region named
        ``region`` (default: the table name, else ``"region"``).
    region : str, optional
    name : str, optional
        System name (default: the table name).

    Returns
    -------
    pymrio.IOSystem
        ``Z`` and ``Y`` as DataFrames on the ``(region, sector)`` MultiIndex, ``x`` with
        column ``indout``, ``unit`` (the table's units), ``factor_inputs.F`` (primary
        inputs, one row per input) and, when the table has employment, an
        ``employment`` extension. ``Y`` columns are ``(region, category)``: columns named
        ``"<region>|<category>"`` are split; other categories are attributed to the
        region of the producing row (pymrio needs a consuming region; row sums, hence
        ``x``, are unchanged).

    Raises
    ------
    ImportError
        When pymrio is not installed.
    """
    pymrio = _require_pymrio()
    index = table.sectors
    if isinstance(index, pd.MultiIndex):
        ri, si = region_sector_levels(index)
        mi = pd.MultiIndex.from_arrays(
            [index.get_level_values(ri), index.get_level_values(si)], names=["region", "sector"]
        )
    else:
        reg = region or table.name or "region"
        mi = pd.MultiIndex.from_arrays([[reg] * table.n, list(index)], names=["region", "sector"])
    Z = table.Z.toarray() if table.is_sparse else np.asarray(table.Z)
    Zf = pd.DataFrame(Z.copy(), index=mi, columns=mi)
    Y = _pymrio_final_demand(table.final_demand, mi)
    x = pd.DataFrame({"indout": np.asarray(table.x, dtype=float)}, index=mi)
    unit = pd.DataFrame({"unit": [table.units or ""] * table.n}, index=mi)
    io = pymrio.IOSystem(
        Z=Zf, Y=Y, x=x, unit=unit, name=str(name if name is not None else (table.name or ""))
    )
    F = pd.DataFrame(
        table.primary_inputs.to_numpy().T.copy(),
        index=pd.Index([str(c) for c in table.primary_inputs.columns], name="inputtype"),
        columns=mi,
    )
    io.factor_inputs = pymrio.Extension(
        name="Factor Inputs",
        F=F,
        unit=pd.DataFrame({"unit": [table.units or ""] * len(F)}, index=F.index),
    )
    if table.employment is not None:
        Fe = pd.DataFrame(
            table.employment.to_numpy()[np.newaxis, :], index=["employment"], columns=mi
        )
        io.employment = pymrio.Extension(
            name="employment", F=Fe, unit=pd.DataFrame({"unit": ["jobs"]}, index=Fe.index)
        )
    return io


def _pymrio_final_demand(fd: pd.DataFrame, mi: pd.MultiIndex) -> pd.DataFrame:
    regions = list(pd.unique(np.asarray(mi.get_level_values(0), dtype=object)))
    parts = [split_region_column(str(c)) for c in fd.columns]
    values = fd.to_numpy(dtype=float)
    if all(p is not None and p[0] in {str(r) for r in regions} for p in parts):
        by_str = {str(r): r for r in regions}
        cols = pd.MultiIndex.from_tuples(
            [(by_str[p[0]], p[1]) for p in parts], names=["region", "category"]
        )
        return pd.DataFrame(values.copy(), index=mi, columns=cols)
    cats = [str(c) for c in fd.columns]
    cols = pd.MultiIndex.from_product([regions, cats], names=["region", "category"])
    out = np.zeros((len(mi), len(cols)))
    row_region = pd.Index(regions).get_indexer(mi.get_level_values(0))
    for k in range(len(cats)):
        out[np.arange(len(mi)), row_region * len(cats) + k] = values[:, k]
    return pd.DataFrame(out, index=mi, columns=cols)
