"""The largest coefficients of A or of the Leontief inverse L, for maps of a table.

L is read from the solver in column blocks and never formed whole, so the ``k`` largest
entries of a table of thousands of sectors are found in the memory of one block.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..core.params import check_choice, table_solver

__all__ = ["largest_coefficients"]


def _top_k(rows, cols, vals, k):
    if len(vals) <= k:
        return rows, cols, vals
    pick = np.argpartition(-vals, k - 1)[:k]
    return rows[pick], cols[pick], vals[pick]


def largest_coefficients(
    table,
    matrix: str = "A",
    k: int = 100,
    *,
    per_column: bool = True,
    solver=None,
    method: str | None = None,
):
    """The ``k`` largest off-diagonal coefficients of A or L, plus each column's largest.

    Parameters
    ----------
    table : IOTable
    matrix : {"A", "L"}
    k : int
    per_column : bool
        Also keep the largest off-diagonal entry of every column (each sector's main
        supplier), so no sector is left without a link.
    solver : LeontiefSolver or str, optional
        The table's solver (or a method name) for ``matrix="L"``.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    rows, cols, values : ndarray
        Supplier i, buyer j and the coefficient, sorted by value (largest first).

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> r, c, v = largest_coefficients(t, "A", k=1)
    >>> r.tolist(), c.tolist(), v.round(3).tolist()
    ([0, 1], [1, 0], [0.25, 0.2])
    >>> largest_coefficients(t, "L", k=1)[2].round(4).tolist()  # L = (I - A)^-1 off-diagonal
    [0.33, 0.264]
    """
    check_choice("matrix", matrix, ("A", "L"), "largest_coefficients")
    n = table.n
    best_r, best_c, best_v = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    col_best = np.full(n, -1, dtype=np.int64)
    col_best_v = np.full(n, -np.inf)

    def absorb(r, c, v):
        nonlocal best_r, best_c, best_v
        keep = (r != c) & (v > 0)
        r, c, v = r[keep], c[keep], v[keep]
        if per_column and len(v):
            order = np.lexsort((-v, c))
            first = np.ones(len(order), dtype=bool)
            first[1:] = c[order][1:] != c[order][:-1]
            cc, rr, vv = c[order][first], r[order][first], v[order][first]
            better = vv > col_best_v[cc]
            col_best[cc[better]] = rr[better]
            col_best_v[cc[better]] = vv[better]
        best_r, best_c, best_v = _top_k(
            np.concatenate([best_r, r]), np.concatenate([best_c, c]), np.concatenate([best_v, v]), k
        )

    if matrix == "A":
        A = table.A
        if sp.issparse(A):
            coo = sp.coo_array(A)
            absorb(coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float))
        else:
            r, c = np.nonzero(A)
            absorb(r.astype(np.int64), c.astype(np.int64), np.asarray(A)[r, c])
    else:
        solver = table_solver(table, solver, method, caller="largest_coefficients")
        for start, _stop, block in solver.column_blocks():
            r, c = np.nonzero(block)
            absorb(r.astype(np.int64), (c + start).astype(np.int64), block[r, c])
    if per_column:
        has = col_best >= 0
        extra_r, extra_c, extra_v = col_best[has], np.flatnonzero(has), col_best_v[has]
        pairs = set(zip(best_r.tolist(), best_c.tolist(), strict=True))
        new = np.array(
            [(r, c) not in pairs for r, c in zip(extra_r, extra_c, strict=True)], dtype=bool
        )
        best_r = np.concatenate([best_r, extra_r[new]])
        best_c = np.concatenate([best_c, extra_c[new]])
        best_v = np.concatenate([best_v, extra_v[new]])
    order = np.lexsort((best_c, best_r, -best_v))
    return best_r[order], best_c[order], best_v[order]
