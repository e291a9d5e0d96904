"""Fields of influence and important coefficients.

A change ``δ`` in one input coefficient ``a_ij`` changes the Leontief inverse by a rank-one
matrix (Sherman–Morrison):

.. math::

    L(\\delta) = L + \\frac{\\delta}{1 - \\delta\\, l_{ji}}\\, F(i, j), \\qquad
    F(i, j) = L e_i\\, e_j^\\top L ,

the *first-order field of influence* of ``a_ij`` (Sonis & Hewings 1989, 1992): column ``i``
of ``L`` times row ``j`` of ``L``. Its entries sum to ``(1ᵀL e_i)(e_jᵀ L 1) = m_i r_j``
(column sum ``i`` times row sum ``j`` of ``L``), and total output with fixed final demand
moves by ``δ m_i x_j / (1 - δ l_ji)``. Rankings of all ``n²`` coefficients are therefore
products of two vectors, and the largest ``N`` are found from sorted vectors without
forming ``n²`` fields (:func:`important_coefficients`).

The multiplier product matrix (Sonis, Hewings & Guo 1997), whose entry ``(j, i)`` is the
total of the field of influence of ``a_ij`` divided by ``V = 1ᵀL1``, is in
:mod:`linkage.analysis.mpm`.

Derivations: ``docs/influence.md``.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.params import check_choice, table_solver
from ..errors import MemoryLimitError
from .accuracy import EPS, bounded_solve, rel_bound, rel_sum, solver_matrix

__all__ = [
    "field_of_influence",
    "important_coefficients",
    "coefficient_scores",
    "top_products",
    "MEASURES",
]

#: Ranking measures of :func:`important_coefficients`.
MEASURES = ("elasticity", "output", "field")

#: Default size limit of dense results (a field of influence,
#: :meth:`linkage.analysis.mpm.MultiplierProductMatrix.to_frame`).
DEFAULT_MAX_BYTES = 512 * 1024**2


def sector_position(index: pd.Index, key, what: str) -> int:
    """Position of a sector given by label (preferred) or integer position.

    Examples
    --------
    >>> index = pd.Index(["agri", "manuf"])
    >>> sector_position(index, "manuf", "buyer"), sector_position(index, -1, "buyer")
    (1, 1)
    >>> sector_position(index, "mining", "buyer")
    Traceback (most recent call last):
    ...
    KeyError: "buyer 'mining' is not a sector of the table (nor a position < 2)"
    """
    try:
        loc = index.get_loc(key)
        if isinstance(loc, (int, np.integer)):
            return int(loc)
    except (KeyError, TypeError, pd.errors.InvalidIndexError):
        pass
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if -len(index) <= key < len(index):
            return int(key) % len(index)
    raise KeyError(f"{what} {key!r} is not a sector of the table (nor a position < {len(index)})")


# ---------------------------------------------------------------------------- fields
def field_of_influence(
    table, i, j, *, delta=None, solver=None, method: str | None = None
) -> pd.DataFrame:
    """The field of influence of the input coefficient ``a_ij`` (sale of ``i`` to ``j``).

    Parameters
    ----------
    table : IOTable
    i, j : label or int
        Supplying sector ``i`` (row of ``A``) and buying sector ``j`` (column of ``A``),
        by label or position.
    delta : float, optional
        When given, return the exact change of ``L`` when ``a_ij`` grows by ``delta``,
        ``δ / (1 - δ l_ji) · F(i, j)``, instead of the first-order field.
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        The solver of ``I - A`` (see :func:`linkage.linkages`); default ``"auto"``.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        ``F(i, j) = L[:, i] L[j, :]`` (n × n, labelled by sector). ``.attrs``: ``supplier``,
        ``buyer``, ``total`` (``m_i r_j``, the sum of all entries), ``l_ji``.

    Notes
    -----
    Two solves: column ``i`` of ``L`` and row ``j`` of ``L``. The result is dense ``n × n``,
    so this is for one coefficient of a table of moderate size; rank coefficients with
    :func:`important_coefficients`, which never forms a field.

    References
    ----------
    Sonis, M. & Hewings, G. J. D. (1992). Coefficient change in input–output models:
    theory and applications. *Economic Systems Research* 4(2), 143–157.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agri", "manuf"])
    >>> F = field_of_influence(t, "agri", "manuf")
    >>> F.round(4)
    sector    agri   manuf
    sector
    agri    0.3311  1.4073
    manuf   0.0697  0.2963
    >>> round(F.attrs["total"], 4)   # (column sum of agri) x (row sum of manuf)
    2.1044
    """
    s = table_solver(table, solver, method, caller="field_of_influence")
    index = table.sectors
    p, q = sector_position(index, i, "supplier"), sector_position(index, j, "buyer")
    col = s.columns([p])[:, 0]
    row = s.rows([q])[0]
    n = table.n
    need = 8 * n * n
    if need > DEFAULT_MAX_BYTES:
        raise MemoryLimitError(
            f"the field of influence of {n} sectors needs {need / 1024**2:,.0f} MiB; "
            f"use important_coefficients() or the column/row of L instead"
        )
    scale = 1.0
    l_ji = float(row[p])
    if delta is not None:
        denom = 1.0 - float(delta) * l_ji
        if denom == 0:
            raise ZeroDivisionError(f"a change of {delta} in a_ij makes I - A singular")
        scale = float(delta) / denom
    F = pd.DataFrame(scale * np.outer(col, row), index=index, columns=index)
    F.attrs.update(
        supplier=index[p], buyer=index[q], total=scale * float(col.sum() * row.sum()), l_ji=l_ji
    )
    return F


# ---------------------------------------------------------------------------- top-N
def top_products(u, w, k: int):
    """The ``k`` largest products ``u_i w_j`` over all pairs, without forming ``u wᵀ``.

    Parameters
    ----------
    u, w : ndarray
        Nonnegative vectors (then a heap walk over the two sorted vectors costs
        ``O(n log n + k log k)``); with negative entries the pairs are scanned in row
        blocks (``O(n²)`` time, ``O(n k)`` memory).
    k : int

    Returns
    -------
    rows, cols, values : ndarray
        Positions and products in descending order of value (ties by row, then column).

    Examples
    --------
    >>> rows, cols, vals = top_products(np.array([1., 3., 2.]), np.array([2., 1.]), 3)
    >>> rows.tolist(), cols.tolist(), vals.tolist()
    ([1, 2, 1], [0, 0, 1], [6.0, 4.0, 3.0])
    """
    u = np.asarray(u, dtype=float)
    w = np.asarray(w, dtype=float)
    k = int(min(k, u.size * w.size))
    if k <= 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    if (u >= 0).all() and (w >= 0).all():
        ou = np.lexsort((np.arange(u.size), -u))
        ow = np.lexsort((np.arange(w.size), -w))
        heap = [(-u[ou[0]] * w[ow[0]], int(ou[0]), int(ow[0]), 0, 0)]
        seen = {(0, 0)}
        out = []
        while heap and len(out) < k:
            neg, i, j, a, b = heapq.heappop(heap)
            out.append((i, j, -neg))
            for a2, b2 in ((a + 1, b), (a, b + 1)):
                if a2 < u.size and b2 < w.size and (a2, b2) not in seen:
                    seen.add((a2, b2))
                    i2, j2 = int(ou[a2]), int(ow[b2])
                    heapq.heappush(heap, (-u[i2] * w[j2], i2, j2, a2, b2))
        rows = np.array([o[0] for o in out], dtype=int)
        cols = np.array([o[1] for o in out], dtype=int)
        vals = np.array([o[2] for o in out], dtype=float)
        return rows, cols, vals
    # general signs: scan row blocks, keep the best k
    best_r, best_c, best_v = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    step = max(1, (4 * 1024**2) // max(w.size, 1))
    for r0 in range(0, u.size, step):
        block = np.outer(u[r0 : r0 + step], w)
        flat = block.ravel()
        take = min(k, flat.size)
        idx = np.argpartition(-flat, take - 1)[:take]
        best_r = np.concatenate([best_r, r0 + idx // w.size])
        best_c = np.concatenate([best_c, idx % w.size])
        best_v = np.concatenate([best_v, flat[idx]])
        keep = np.lexsort((best_c, best_r, -best_v))[:k]
        best_r, best_c, best_v = best_r[keep], best_c[keep], best_v[keep]
    return best_r, best_c, best_v


def _top_sparse(A, u, w, k: int, *, weighted: bool = True):
    """The ``k`` largest ``a_ij u_i w_j`` (``u_i w_j`` unless ``weighted``) over the nonzero
    entries of ``A`` (any signs)."""
    best_r, best_c, best_v = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    if sp.issparse(A):
        coo = sp.coo_array(A)
        chunks = [(coo.row, coo.col, coo.data)]
    else:
        A = np.asarray(A)
        step = max(1, (4 * 1024**2) // max(A.shape[1], 1))
        chunks = (
            (r0 + rr, cc, A[r0 + rr, cc])
            for r0 in range(0, A.shape[0], step)
            for rr, cc in [np.nonzero(A[r0 : r0 + step])]
        )
    for rr, cc, aa in chunks:
        nz = aa != 0
        rr, cc, aa = rr[nz], cc[nz], aa[nz]
        vals = u[rr] * w[cc]
        if weighted:
            vals = aa * vals
        take = min(k, vals.size)
        if take == 0:
            continue
        idx = np.argpartition(-vals, take - 1)[:take]
        best_r = np.concatenate([best_r, rr[idx]])
        best_c = np.concatenate([best_c, cc[idx]])
        best_v = np.concatenate([best_v, vals[idx]])
        keep = np.lexsort((best_c, best_r, -best_v))[:k]
        best_r, best_c, best_v = best_r[keep], best_c[keep], best_v[keep]
    return best_r.astype(int), best_c.astype(int), best_v


def coefficient_scores(m, r, x, X=None):
    """The three rank-one score vectors of coefficient ``a_ij``: ``(u, w)`` per measure.

    ``output``: ``∂(1ᵀx)/∂a_ij = m_i x_j``; ``field``: ``m_i r_j`` (sum of the field of
    influence); ``elasticity``: ``a_ij m_i x_j / X`` (``u = m / X``, ``w = x``, times
    ``a_ij``).

    Examples
    --------
    >>> s = coefficient_scores(np.array([1.5, 1.4]), np.array([1.6, 1.4]), np.array([10., 20.]))
    >>> s["field"][0].tolist(), s["field"][1].tolist()
    ([1.5, 1.4], [1.6, 1.4])
    """
    X = float(np.sum(x)) if X is None else float(X)
    return {
        "output": (np.asarray(m, float), np.asarray(x, float)),
        "field": (np.asarray(m, float), np.asarray(r, float)),
        "elasticity": (np.asarray(m, float) / (X if X else 1.0), np.asarray(x, float)),
    }


def important_coefficients(
    table,
    n: int | None = 20,
    *,
    measure: str = "elasticity",
    nonzero: bool | None = None,
    tolerance: float = 1.0,
    solver=None,
    method: str | None = None,
) -> pd.DataFrame:
    """The input coefficients whose change moves total output most.

    Parameters
    ----------
    table : IOTable
    n : int or None
        How many coefficients to list (``None``: all candidates, for small tables).
    measure : {"elasticity", "output", "field"}
        Ranking rule:

        - ``"elasticity"`` (default): percent change of total output ``X = 1ᵀx`` per
          percent change of ``a_ij``, ``ε_ij = a_ij m_i x_j / X``; only existing
          (nonzero) coefficients can change by a percentage;
        - ``"output"``: change of total output per unit change of ``a_ij``,
          ``∂X/∂a_ij = m_i x_j`` (all pairs unless ``nonzero``);
        - ``"field"``: total of the field of influence, ``m_i r_j`` (Sonis & Hewings;
          the multiplier product matrix entry ``(j, i)`` times ``V``).

        ``m = 1ᵀL`` (output multipliers), ``r = L1`` (row sums of L), ``x = L f``.
    nonzero : bool, optional
        Rank only coefficients with ``a_ij != 0``. Default: True for ``"elasticity"``,
        False otherwise.
    tolerance : float
        Output change in percent for the tolerable limit column (default 1 %).
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        The solver of ``I - A`` (see :func:`linkage.linkages`); default ``"auto"``.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        One row per coefficient, best first, columns ``rank``, ``supplier`` (i),
        ``buyer`` (j), ``a`` (a_ij), ``elasticity``, ``output_effect`` (``m_i x_j``),
        ``field_total`` (``m_i r_j``) and ``tolerable_change_pct``: the increase of
        ``a_ij`` in percent of ``a_ij`` at which the output of ``i`` grows by
        ``tolerance`` percent (Schintke & Stäglin 1988; smaller = more important;
        ``inf`` when ``a_ij = 0`` or the output of ``i`` cannot grow that much). For a
        multi-regional table ``supplier`` and ``buyer`` hold ``(region, sector)`` tuples.
        ``.attrs``: ``measure``, ``method``, ``residual``, ``total_output``,
        ``accuracy`` (the worst bound of the relative error of one entry of the score
        columns, each relative to itself: the vectors come from solves refined per
        entry, :func:`~linkage.analysis.accuracy.bounded_solve`) and
        ``accuracy_by_column``.

    Notes
    -----
    Costs one factorization, two solve calls (``1ᵀL``, ``[L1, Lf]``) and one column of
    ``L`` per distinct supplier listed (for the tolerable limits). No ``n × n`` object is
    formed: all three scores are products ``u_i w_j`` (times ``a_ij``), and the largest
    ``N`` products of two nonnegative vectors are read off the sorted vectors with a heap
    (``O(n log n + N log N)``); restricted to nonzero coefficients the scan is over the
    nonzeros of ``A`` (``O(nnz)``).

    Exact tolerable limit: raising ``a_ij`` by ``δ`` raises ``x_i`` by
    ``δ l_ii x_j / (1 - δ l_ji)``; it reaches ``p x_i`` (``p = tolerance / 100``) at
    ``δ* = p x_i / (l_ii x_j + p l_ji x_i)``, reported as ``100 δ* / a_ij``.

    References
    ----------
    Sonis, M. & Hewings, G. J. D. (1992). Coefficient change in input–output models:
    theory and applications. *Economic Systems Research* 4(2), 143–157.
    Schintke, J. & Stäglin, R. (1988). Important input coefficients in market
    transactions tables and production flow tables. In Ciaschini (ed.), *Input-Output
    Analysis: Current Developments*, Chapman and Hall, 43–60.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agri", "manuf"])
    >>> ic = important_coefficients(t, 2)
    >>> ic[["supplier", "buyer", "a", "elasticity"]].round(4)
      supplier  buyer     a  elasticity
    0     agri  manuf  0.25      0.2530
    1    manuf   agri  0.20      0.0968
    """
    s = table_solver(table, solver, method, caller="important_coefficients")
    check_choice("measure", measure, MEASURES, "important_coefficients")
    if nonzero is None:
        nonzero = measure == "elasticity"
    size = table.n
    A_s = solver_matrix(s)
    Mv, bM, res = bounded_solve(s, A_s, np.ones((size, 1)), transpose=True)
    U, bU, res_u = bounded_solve(s, A_s, np.column_stack([np.ones(size), table.f]))
    res = max(res, res_u)
    m, (r, x) = Mv[:, 0], U.T
    e_m, e_r, e_x = rel_bound(bM[:, 0], m), rel_bound(bU[:, 0], r), rel_bound(bU[:, 1], x)
    X = float(x.sum())
    scores = coefficient_scores(m, r, x, X)
    A = table.A
    k = size * size if n is None else int(n)
    if k < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    u, w = scores[measure]
    if measure == "elasticity" or nonzero:
        rows, cols, _ = _top_sparse(A, u, w, k, weighted=measure == "elasticity")
    else:
        rows, cols, _ = top_products(u, w, k)

    a = _entries(A, rows, cols)
    elasticity = a * m[rows] * x[cols] / (X if X else 1.0)
    tol_pct, e_tol, res_t = _tolerable_limits(s, rows, cols, a, (x, e_x), tolerance)
    res = max(res, res_t)
    e_X = float(np.sum(np.abs(x) * np.where(np.isfinite(e_x), e_x, 0)) / abs(X)) if X else 0.0
    accuracy = {
        "elasticity": e_m[rows] + e_x[cols] + e_X + 4 * EPS,
        "output_effect": e_m[rows] + e_x[cols] + EPS,
        "field_total": e_m[rows] + e_r[cols] + EPS,
        "tolerable_change_pct": np.where(np.isfinite(tol_pct), e_tol, 0.0),
    }
    labels = table.sectors
    frame = pd.DataFrame(
        {
            "rank": np.arange(1, rows.size + 1),
            "supplier": pd.Index(labels[rows]).to_list(),
            "buyer": pd.Index(labels[cols]).to_list(),
            "a": a,
            "elasticity": elasticity,
            "output_effect": m[rows] * x[cols],
            "field_total": m[rows] * r[cols],
            "tolerable_change_pct": tol_pct,
        }
    )
    frame.attrs.update(
        measure=measure,
        method=s.method,
        residual=float(res),
        total_output=X,
        accuracy=max((float(np.max(v)) for v in accuracy.values() if v.size), default=0.0),
        accuracy_by_column={k: float(np.max(v)) if v.size else 0.0 for k, v in accuracy.items()},
    )
    return frame


def _entries(A, rows, cols) -> np.ndarray:
    if rows.size == 0:
        return np.zeros(0)
    if sp.issparse(A):
        return np.asarray(sp.csr_array(A)[rows, cols]).ravel().astype(float)
    return np.asarray(A)[rows, cols].astype(float)


def _tolerable_limits(solver, rows, cols, a, x_e, tolerance: float):
    """``100 δ*/a_ij``, ``δ* = p x_i / (l_ii x_j + p l_ji x_i)`` (see important_coefficients),
    with relative error bounds per entry and the largest residual."""
    x, e_x = x_e
    out = np.full(rows.size, np.inf)
    err = np.zeros(rows.size)
    if rows.size == 0:
        return out, err, 0.0
    p = float(tolerance) / 100.0
    supp = np.unique(rows)
    step = max(1, solver.default_block_size())
    A = solver_matrix(solver)
    L_cols, residual = {}, 0.0
    for s0 in range(0, supp.size, step):
        chunk = supp[s0 : s0 + step]
        units = np.zeros((solver.n, chunk.size))
        units[chunk, np.arange(chunk.size)] = 1.0
        C, bC, res = bounded_solve(solver, A, units)
        residual = max(residual, res)
        E = rel_bound(bC, C)
        for c, i in enumerate(chunk):
            sel = cols[rows == i]
            L_cols[int(i)] = (C[i, c], E[i, c], C[:, c][sel], E[:, c][sel])
    for i in supp:
        sel = np.flatnonzero(rows == i)
        l_ii, e_ii, l_ji, e_ji = L_cols[int(i)]
        xj = x[cols[sel]]
        den = l_ii * xj + p * l_ji * x[i]
        num = p * x[i]
        ok = (den > 0) & (a[sel] != 0) & (num > 0)
        vals = np.full(sel.size, np.inf)
        vals[ok] = 100.0 * (num / den[ok]) / a[sel][ok]
        out[sel] = vals
        e_den = rel_sum([l_ii * xj, p * l_ji * x[i]], [e_ii + e_x[cols[sel]], e_ji + e_x[i]])
        err[sel] = np.where(ok, e_x[i] + e_den + 3 * EPS, 0.0)
    return out, err, residual
