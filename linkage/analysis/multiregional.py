"""Multi-regional tables: intra- and inter-regional linkages, spillover and feedback effects.

A multi-regional table is an :class:`linkage.IOTable` whose sectors are a
``(region, sector)`` MultiIndex (:mod:`linkage.analysis.region_labels`; aggregation of
regions: :mod:`linkage.analysis.aggregation`; pymrio conversion: :mod:`linkage.io.pymrio`).
Partition ``A`` and ``L = (I - A)⁻¹`` by region. For a
purchasing sector ``j`` in region ``r`` (Miller & Blair 2009, ch. 3):

- the *intra-regional* part of its output multiplier is ``Σ_{i∈r} l_ij`` and the
  *inter-regional* (spillover) part ``Σ_{i∉r} l_ij``;
- the *intraregional-only* multiplier ignores trade: column sums of ``(I - A_rr)⁻¹``;
- the *feedback* effect is the difference ``Σ_{i∈r} l_ij - 1ᵀ(I - A_rr)⁻¹ e_j ≥ 0``:
  output of ``r`` that returns through purchases from other regions that in turn buy
  from ``r``.

All of it takes one factorization of ``I - A`` with ``2R`` right-hand sides (one
indicator vector per region, plain and transposed) and one factorization per diagonal
block ``I - A_rr``, never the full ``L``. Derivations: ``docs/multiregional.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from .region_labels import region_codes

__all__ = [
    "regional_linkages",
    "regional_linkage_arrays",
    "spillover_feedback",
]


def _indicator(codes: np.ndarray, R: int) -> np.ndarray:
    """The n x R 0/1 matrix of region membership."""
    E = np.zeros((codes.size, R))
    E[np.arange(codes.size), codes] = 1.0
    return E


def _block(A, idx: np.ndarray):
    """The diagonal block ``A[idx][:, idx]`` (CSC when sparse, for a new factorization)."""
    if sp.issparse(A):
        return sp.csc_array(sp.csr_array(A)[idx][:, idx])
    return np.asarray(A)[np.ix_(idx, idx)]


def regional_linkage_arrays(A, codes: np.ndarray, solver: LeontiefSolver, f=None) -> dict:
    """Intra/inter-regional column and row sums of ``L`` and intraregional-only multipliers.

    Parameters
    ----------
    A : ndarray or sparse, shape (n, n)
    codes : ndarray of int, shape (n,)
        Region code of each sector, ``0 .. R-1``.
    solver : LeontiefSolver
        Factorization of ``I - A``.
    f : ndarray, optional
        Final demand; when given, also ``by_demand_region`` (n × R), ``L f⁽ˢ⁾`` for the
        final demand of each region's products, and ``intra_demand`` (n,), the output
        ``(I - A_ss)⁻¹ f_s`` of each region's own block.

    Returns
    -------
    dict of ndarray
        ``col_by_region`` (n × R): ``Σ_{i∈s} l_ij``; ``row_by_region`` (n × R):
        ``Σ_{k∈s} l_ik``; ``intraregional`` (n,): column sums of ``(I - A_rr)⁻¹``;
        ``residual``.

    Examples
    --------
    Two regions with one sector each:

    >>> A = np.array([[0.2, 0.1], [0.3, 0.4]])
    >>> r = regional_linkage_arrays(A, np.array([0, 1]), LeontiefSolver(A))
    >>> r["col_by_region"].round(4)
    array([[1.3333, 0.6667],
           [0.2222, 1.7778]])
    >>> r["intraregional"].round(4)     # 1 / (1 - 0.2), 1 / (1 - 0.4)
    array([1.25  , 1.6667])
    """
    n = codes.size
    R = int(codes.max()) + 1 if n else 0
    E = _indicator(codes, R)
    col = solver.solve(E, transpose=True)
    res = solver.last_info.residual
    rhs = E if f is None else np.column_stack([E, E * np.asarray(f, float)[:, None]])
    U = solver.solve(rhs)
    res = max(res, solver.last_info.residual)
    out = {"col_by_region": col, "row_by_region": U[:, :R]}
    intra = np.empty(n)
    intra_f = np.empty(n) if f is not None else None
    for s in range(R):
        idx = np.flatnonzero(codes == s)
        # each block I - A_rr is a new system, solved with the full system's method
        sub = LeontiefSolver(_block(A, idx), method=solver.requested_method)
        intra[idx] = sub.solve(np.ones(idx.size), transpose=True)
        res = max(res, sub.last_info.residual)
        if f is not None:
            intra_f[idx] = sub.solve(np.asarray(f, float)[idx])
            res = max(res, sub.last_info.residual)
    out["intraregional"] = intra
    if f is not None:
        out["by_demand_region"] = U[:, R:]
        out["intra_demand"] = intra_f
    out["residual"] = float(res)
    return out


def regional_linkages(table, solver=None, *, method: str | None = None) -> pd.DataFrame:
    """Intra- and inter-regional backward and forward linkages of every (region, sector).

    Parameters
    ----------
    table : IOTable
        Sectors labelled by a ``(region, sector)`` MultiIndex.
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        Solver of the full system (see :func:`linkage.linkages`); the diagonal blocks
        ``I - A_rr`` are solved with the same method.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        Indexed like ``table.sectors``, columns:

        - ``output_multiplier``: ``Σ_i l_ij``;
        - ``bl_intra``: ``Σ_{i∈r} l_ij``, output in the sector's own region ``r``;
        - ``bl_inter``: ``Σ_{i∉r} l_ij``, output in other regions (spillover);
        - ``intraregional``: column sum of ``(I - A_rr)⁻¹``, the own-region multiplier
          of the region in isolation;
        - ``feedback``: ``bl_intra - intraregional``;
        - ``spillover_share``: ``bl_inter / output_multiplier``;
        - ``fl_total``, ``fl_intra``, ``fl_inter``: row sums of ``L`` (Rasmussen
          forward linkage: output of the sector per unit of final demand of every
          sector) split into sectors of the same and of other regions.

        ``.attrs``: ``method``, ``residual``, ``regions``.

    Examples
    --------
    Two regions, one sector each (worked by hand in ``docs/multiregional.md``):

    >>> import pandas as pd
    >>> from linkage import IOTable
    >>> idx = pd.MultiIndex.from_tuples([("north", "farm"), ("south", "farm")],
    ...                                 names=["region", "sector"])
    >>> t = IOTable.from_arrays([[20, 10], [30, 40]], final_demand=[70, 30], sectors=idx)
    >>> out = regional_linkages(t)
    >>> out[["bl_intra", "bl_inter", "intraregional", "feedback"]].round(4)
                   bl_intra  bl_inter  intraregional  feedback
    region sector
    north  farm      1.3333    0.6667         1.2500    0.0833
    south  farm      1.7778    0.2222         1.6667    0.1111
    """
    s = table_solver(table, solver, method, caller="regional_linkages")
    regions, codes = region_codes(table)
    r = regional_linkage_arrays(table.A, codes, s)
    own = np.arange(codes.size), codes
    col, row = r["col_by_region"], r["row_by_region"]
    m = col.sum(axis=1)
    bl_intra = col[own]
    fl_total = row.sum(axis=1)
    fl_intra = row[own]
    frame = pd.DataFrame(
        {
            "output_multiplier": m,
            "bl_intra": bl_intra,
            "bl_inter": m - bl_intra,
            "intraregional": r["intraregional"],
            "feedback": bl_intra - r["intraregional"],
            "spillover_share": safe_divide(m - bl_intra, m),
            "fl_total": fl_total,
            "fl_intra": fl_intra,
            "fl_inter": fl_total - fl_intra,
        },
        index=table.sectors,
    )
    frame.attrs.update(method=s.method, residual=r["residual"], regions=list(regions))
    return frame


def spillover_feedback(table, solver=None, *, method: str | None = None) -> pd.DataFrame:
    """Output of each region caused by the final demand for each region's products.

    With ``f⁽ˢ⁾`` the final demand for the products of region ``s`` (zero elsewhere),
    ``x = Σ_s L f⁽ˢ⁾``; the output of region ``r`` caused by ``f⁽ˢ⁾`` is
    ``1_rᵀ L f⁽ˢ⁾``. For ``r = s`` it splits into the *intraregional* effect
    ``1ᵀ(I - A_ss)⁻¹ f_s`` (the region alone) and the *feedback* effect (the rest);
    for ``r ≠ s`` it is the *spillover* from ``s`` to ``r``.

    Parameters
    ----------
    table : IOTable
        Sectors labelled by a ``(region, sector)`` MultiIndex.
    solver : LeontiefSolver or str, optional
        As in :func:`regional_linkages` (``method`` is its deprecated spelling).

    Returns
    -------
    DataFrame
        One row per (demand_region, output_region) pair, columns ``demand_region``,
        ``output_region``, ``output``, ``intraregional``, ``feedback``, ``spillover``
        (two of the last three are 0 on each row: ``output = intraregional + feedback``
        on the diagonal, ``output = spillover`` off it) and ``share`` (of the output
        caused by that demand region). ``output`` sums to ``1ᵀL f``.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage import IOTable
    >>> idx = pd.MultiIndex.from_tuples([("north", "farm"), ("south", "farm")],
    ...                                 names=["region", "sector"])
    >>> t = IOTable.from_arrays([[20, 10], [30, 40]], final_demand=[70, 30], sectors=idx)
    >>> spillover_feedback(t)[["demand_region", "output_region", "output", "feedback"]].round(2)
      demand_region output_region  output  feedback
    0         north         north   93.33      5.83
    1         north         south   46.67      0.00
    2         south         north    6.67      0.00
    3         south         south   53.33      3.33
    """
    s = table_solver(table, solver, method, caller="spillover_feedback")
    regions, codes = region_codes(table)
    r = regional_linkage_arrays(table.A, codes, s, f=table.f)
    R = len(regions)
    E = _indicator(codes, R)
    X = E.T @ r["by_demand_region"]  # X[out_region, demand_region]
    intra = E.T @ r["intra_demand"]  # per region, its own block's output
    rows = []
    for d in range(R):
        total = X[:, d].sum()
        for o in range(R):
            out = float(X[o, d])
            diag = o == d
            rows.append(
                {
                    "demand_region": regions[d],
                    "output_region": regions[o],
                    "output": out,
                    "intraregional": float(intra[d]) if diag else 0.0,
                    "feedback": out - float(intra[d]) if diag else 0.0,
                    "spillover": 0.0 if diag else out,
                    "share": out / total if total else 0.0,
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs.update(method=s.method, residual=r["residual"])
    return frame
