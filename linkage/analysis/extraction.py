"""Hypothetical extraction of every sector at once, without re-solving the model per sector.

Extracting sector ``j`` (Dietzenbacher & van der Linden 1997; Miller & Blair 2009, ch. 12)
removes its purchases (backward), its sales (forward, on the Ghosh side) or both (total)
from the coefficient matrix and measures the total output the economy loses. Each removal
is a rank-one (or, for total extraction, a partitioned) change of ``I - A``, so the
Sherman–Morrison formula gives every sector's loss in closed form from

- ``x̃ = L f`` and ``L x`` (one solve with two right-hand sides),
- ``1ᵀL`` (output multipliers) and ``cᵀL`` with ``c = v / x`` (one transposed solve),
- the diagonal of ``L`` (``n`` solves streamed in column blocks, or ``k`` solves when only
  ``k`` sectors are asked for),

instead of ``n`` factorizations. The derivation is in ``docs/extraction.md``:

.. math::

    \\text{backward}_j = \\tilde x_j \\frac{m_j - 1}{l_{jj}}, \\qquad
    \\text{forward}_j = (c^\\top L)_j \\frac{(Lx)_j - x_j}{l_{jj}}, \\qquad
    \\text{total}_j = \\tilde x_j \\frac{m_j}{l_{jj}} - f_j,

with ``m_j = Σ_i l_ij``. :func:`extraction_reference` re-solves the model for every
sector (dense, ``O(n⁴)``) and is kept as the reference the closed forms are tested against.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.linalg as la
import scipy.sparse as sp

from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from ..errors import DataQualityWarning, SingularSystemError
from .accuracy import (
    EPS,
    abs_matrix,
    bounded_solve,
    last_residual,
    product_bound,
    rel_bound,
    rel_sum,
    solve_nonzero,
    solver_matrix,
)

__all__ = [
    "extraction",
    "extraction_arrays",
    "extraction_reference",
    "EXTRACTION_COLUMNS",
]

#: Columns of :func:`extraction`, in order.
EXTRACTION_COLUMNS = (
    "backward",
    "forward",
    "total",
    "backward_share",
    "forward_share",
    "total_share",
)


def extraction_arrays(
    solver: LeontiefSolver,
    f,
    v,
    x,
    *,
    positions=None,
    diagonal=None,
    progress=None,
    excess=None,
) -> dict:
    """Output lost by the backward, forward and total extraction of sectors (closed forms).

    Parameters
    ----------
    solver : LeontiefSolver
        Factorization of ``I - A``.
    f : array_like, shape (n,)
        Final demand (kept fixed on the Leontief side).
    v : array_like, shape (n,)
        Value added (kept fixed on the Ghosh side).
    x : array_like, shape (n,)
        Total output of the table; defines ``B = x̂⁻¹ A x̂`` and ``c = v / x``
        (0 where ``x = 0``).
    positions : array_like of int, optional
        Extract only these sectors (costs ``len(positions)`` solves for their diagonal
        entries of ``L`` instead of ``n``). Default: all sectors.
    diagonal : array_like, optional
        ``diag(L)`` at ``positions`` when already known (skips the solves; taken as exact
        in the accuracy bounds).
    progress : callable, optional
        ``progress(0, total)`` at the start, then ``progress(done, total)`` after each
        block of the diagonal's solves.
    excess : callable, optional
        Computes ``y = l_jj - 1 = (LA)_jj`` at ``positions`` with absolute error bounds,
        called as :func:`diagonal_LA` is (the default): ``excess(solver, A, positions,
        L1, progress=progress) -> (y, bound, residual)`` (e.g. the deflated iteration of
        :mod:`linkage.network.extraction`).

    Returns
    -------
    dict
        ``backward``, ``forward``, ``total`` (arrays over ``positions``), ``positions``,
        ``x_leontief`` (``L f``, all sectors), ``x_ghosh`` (``(vᵀ G)ᵀ``, all sectors),
        ``diagonal`` (``l_jj`` at ``positions``), ``residual`` (largest relative residual),
        ``accuracy`` (dict of arrays over ``positions``: a bound of the relative error of
        each ``backward``, ``forward`` and ``total`` entry; rigorous to first order for
        ``A >= 0``, an estimate otherwise).

    Notes
    -----
    Accuracy per entry: every vector comes from :func:`~linkage.analysis.accuracy.
    bounded_solve` (refined until each entry's own error bound is below ``1e-13`` of the
    entry), ``l_jj - 1 = (LA)_jj`` is solved for directly and the closed forms are
    evaluated without cancellation (:func:`closed_forms`), so a small sector's loss is as
    accurate as a large one's.

    Raises
    ------
    SingularSystemError
        When ``l_jj`` is (numerically) zero, so that extracting ``j`` leaves a singular
        system; this needs negative coefficients.

    Examples
    --------
    Miller & Blair (2009) Table 2.3 (worked by hand in ``docs/extraction.md``):

    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> r = extraction_arrays(LeontiefSolver(A), [350, 1700], [650, 1400], [1000, 2000])
    >>> r["backward"].round(2), r["forward"].round(2), r["total"].round(2)
    (array([413.16, 805.88]), array([728.95, 452.94]), array([860.53, 888.24]))
    """
    n = solver.n
    f = np.asarray(f, dtype=float).ravel()
    v = np.asarray(v, dtype=float).ravel()
    x = np.asarray(x, dtype=float).ravel()
    for name, arr in (("f", f), ("v", v), ("x", x)):
        if arr.shape != (n,):
            raise ValueError(f"{name} must have shape ({n},), has {arr.shape}")
    pos = np.arange(n) if positions is None else np.asarray(positions, dtype=int).ravel()
    if progress is not None and diagonal is None:
        progress(0, pos.size)  # a bar opens with its total before the set-up solves
    A = solver_matrix(solver)
    c = safe_divide(v, x)
    U, bU, res_u = bounded_solve(solver, A, np.column_stack([f, x, np.ones(n)]))
    Y, bY, res_y = bounded_solve(solver, A, np.column_stack([np.ones(n), c]), transpose=True)
    x_leo, Lx, L1 = U[:, 0], U[:, 1], U[:, 2]
    m, cL = Y[:, 0], Y[:, 1]
    rel = rel_bound(bU, U), rel_bound(bY, Y)
    if diagonal is not None:
        d = np.asarray(diagonal, dtype=float).ravel()
        if d.shape != pos.shape:
            raise ValueError(f"diagonal must have shape {pos.shape}, has {d.shape}")
        y, y_abs, res_d = d - 1.0, 4 * EPS * np.abs(d), 0.0
    else:
        y, y_abs, res_d = (excess or diagonal_LA)(solver, A, pos, L1, progress=progress)
        d = 1.0 + y
    _check_diagonal(solver, pos, d)
    parts = {
        "x": x_leo[pos], "mA": (A.T @ m)[pos], "ALx": (A @ Lx)[pos], "Ax": (A @ x_leo)[pos],
        "cL": cL[pos], "f": f[pos], "y": y, "d": d,
    }  # fmt: skip
    bounds = {
        "x": rel[0][pos, 0], "mA": product_bound(A, m, rel[1][:, 0], transpose=True)[pos],
        "ALx": product_bound(A, Lx, rel[0][:, 1])[pos],
        "Ax": product_bound(A, x_leo, rel[0][:, 0])[pos], "cL": rel[1][pos, 1], "f": 0.0,
        "y": rel_bound(y_abs, y), "d": rel_bound(y_abs, d), "x_abs": bU[pos, 0],
        "y_abs": y_abs,
    }  # fmt: skip
    out = closed_forms(parts, bounds, x[pos] != 0)
    out.update(
        positions=pos,
        x_leontief=x_leo,
        x_ghosh=cL * x,
        diagonal=d,
        residual=float(max(res_u, res_y, res_d)),
    )
    return out


def closed_forms(p: dict, b: dict, positive) -> dict:
    """The three losses from their cancellation-free parts, with relative bounds per entry.

    ``m_j - 1 = (mᵀA)_j``, ``(Lx)_j - x_j = (A Lx)_j`` and ``x̃_j m_j - f_j l_jj =
    x̃_j (mᵀA)_j + (A x̃)_j - f_j (l_jj - 1)`` (from ``L - I = LA = AL``), so no loss is
    the small difference of two large numbers except where the table itself makes it so
    (the last sum; its bound says how much).
    """
    d = p["d"]
    backward = p["x"] * p["mA"] / d
    forward = np.where(positive, p["cL"] * p["ALx"] / d, 0.0)
    terms = (p["x"] * p["mA"], p["Ax"], -p["f"] * p["y"])
    total = sum(terms) / d
    e_back = b["x"] + b["mA"] + b["d"] + 3 * EPS
    e_fwd = np.where(positive, b["cL"] + b["ALx"] + b["d"] + 3 * EPS, 0.0)
    # a term computed as exactly 0 (x̃_j or y_j = 0 to within its bound) still carries
    # that absolute bound: a relative one would say nothing about it
    zero_terms = np.where(p["x"] == 0, np.abs(p["mA"]) * b["x_abs"], 0.0) + np.where(
        p["y"] == 0, np.abs(p["f"]) * b["y_abs"], 0.0
    )
    rels = (b["x"] + b["mA"] + EPS, b["Ax"], b["y"] + EPS)
    e_tot = rel_sum(terms, rels, zero_terms) + b["d"] + EPS
    zero = (backward == 0) & (e_back == 0)
    return {
        "backward": backward,
        "forward": forward,
        "total": total,
        "accuracy": {
            "backward": np.where(zero, 0.0, e_back),
            "forward": np.where(forward == 0, 0.0, e_fwd),
            "total": e_tot,
        },
    }


def diagonal_LA(solver, A, pos, L1, *, progress=None, target: float = 1e-13):
    """``y_j = (L A)_jj = l_jj - 1`` at ``pos``, with absolute error bounds.

    Solves ``(I - A) Y = A[:, pos]`` in column blocks (no cancellation in ``l_jj - 1``);
    the bound of ``y_j`` is ``(L |r_j|)_j <= ‖s_j‖_∞ (L 1)_j`` with ``s_j`` the column's
    residual plus its rounding; columns whose bound misses ``target`` (relative to
    ``l_jj``) are refined once more. ``progress(done, total)`` is called after each block.

    Returns
    -------
    y, bound : ndarray over ``pos``
    residual : float
    """
    absA = abs_matrix(A)
    y = np.empty(pos.size)
    bound = np.empty(pos.size)
    residual = 0.0
    step = max(1, solver.default_block_size())
    dense = not sp.issparse(A)
    for s0 in range(0, pos.size, step):
        chunk = pos[s0 : s0 + step]
        B = A[:, chunk] if dense else A[:, chunk].toarray()
        rows = np.arange(chunk.size)
        Yb = solve_nonzero(solver, B)
        residual = max(residual, last_residual(solver))
        for step_ in range(4):
            R = B - (Yb - A @ Yb)
            S = np.abs(R) + 4 * EPS * (np.abs(B) + np.abs(Yb) + absA @ np.abs(Yb))
            bnd = S.max(axis=0) * np.abs(L1[chunk])
            miss = bnd > target * (1.0 + np.abs(Yb[chunk, rows]))
            if not miss.any() or step_ == 3:
                break
            Yb[:, miss] += solve_nonzero(solver, R[:, miss])
            residual = max(residual, last_residual(solver))
        y[s0 : s0 + step] = Yb[chunk, rows]
        bound[s0 : s0 + step] = bnd
        if progress is not None:
            progress(min(s0 + step, pos.size), pos.size)
    return y, bound, float(residual)


def _check_diagonal(solver, pos, d) -> None:
    tiny = np.abs(d) <= 1e-12 * max(1.0, float(np.abs(d).max()) if d.size else 1.0)
    if tiny.any():
        bad = pos[tiny]
        labels = solver.labels
        names = [str(labels[i]) if labels is not None else f"S{i + 1}" for i in bad[:10]]
        raise SingularSystemError(
            f"extracting sector(s) {names} leaves a singular system (diagonal of L is "
            f"{d[tiny][0]:.1e})",
            sectors=names,
        )


def extraction_reference(A, f, v, x) -> dict:
    """Brute-force extraction: re-solve the extracted model for every sector (dense).

    The reference :func:`extraction_arrays` is tested against; ``O(n⁴)``, small ``n`` only.
    Uses ``B = x̂⁻¹ A x̂`` (the table's allocation coefficients wherever ``x > 0``). Each
    loss is solved for as a change, ``(I - A')(x̃ - x̃') = (A - A') x̃`` (the total sector
    extraction keeps ``f``: ``x̃ - x̃'`` is ``(I - A')⁻¹ (A - A') x̃``), not as the
    difference of two totals, and every solve is refined once more (:func:`_refined_solve`),
    so it is accurate per sector even where the loss or the sector's output is a
    millionth of total output.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> r = extraction_reference(A, [350, 1700], [650, 1400], [1000, 2000])
    >>> r["backward"].round(2), r["forward"].round(2), r["total"].round(2)
    (array([413.16, 805.88]), array([728.95, 452.94]), array([860.53, 888.24]))
    """
    A = A.toarray() if sp.issparse(A) else np.array(A, dtype=float)
    f, v, x = (np.asarray(a, dtype=float).ravel() for a in (f, v, x))
    n = A.shape[0]
    eye = np.eye(n)
    inv_x = safe_divide(1.0, x)
    B = inv_x[:, None] * A * x[None, :]
    base = _refined_solve(eye - A, f)
    base_g = _refined_solve((eye - B).T, v)
    out = {k: np.zeros(n) for k in ("backward", "forward", "total")}
    for j in range(n):
        # the change itself is solved for: (I - A')(x - x') = (A - A') x, no cancellation
        Ab = A.copy()
        Ab[:, j] = 0.0
        out["backward"][j] = _refined_solve(eye - Ab, (A - Ab) @ base).sum()
        At = Ab.copy()
        At[j, :] = 0.0
        out["total"][j] = _refined_solve(eye - At, (A - At) @ base).sum()
        Bf = B.copy()
        Bf[j, :] = 0.0
        out["forward"][j] = _refined_solve((eye - Bf).T, (B - Bf).T @ base_g).sum()
    out["x_leontief"], out["x_ghosh"] = base, base_g
    return out


def _refined_solve(M, b, steps: int = 2):
    """``M⁻¹ b`` by a dense LU and ``steps`` rounds of iterative refinement.

    An LU solve is accurate relative to the largest entry of the solution only: a sector
    of a 1e-8 share of output got 2e-9 of relative error in ``L f`` (hypothesis found it,
    checked with exact rational arithmetic). One refinement with the residual in float64
    makes the solve componentwise backward stable (Skeel 1980), so each entry of an
    M-matrix system (``L >= 0``, no cancellation) is accurate relative to itself.
    """
    lu = la.lu_factor(M)
    u = la.lu_solve(lu, b)
    for _ in range(steps):
        u = u + la.lu_solve(lu, b - M @ u)
    return u


def extraction(
    table, solver=None, *, sectors=None, diagonal=None, method: str | None = None
) -> pd.DataFrame:
    """Hypothetical extraction of every sector: output lost, absolute and as a share.

    Parameters
    ----------
    table : IOTable
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        The solver of ``I - A``: one built for this table (``table.solver(...)``) or a
        method name; default ``"auto"`` (see :class:`linkage.LeontiefSolver`).
    sectors : sequence of labels, optional
        Extract only these sectors (``k`` solves for their entries of ``diag(L)``
        instead of ``n``). Default: every sector.
    diagonal : array_like, optional
        ``diag(L)`` for the extracted sectors, when already computed elsewhere.
    method : str, optional
        Deprecated spelling of ``solver`` (a FutureWarning; removed in 0.3).

    Returns
    -------
    DataFrame
        Indexed by sector, columns:

        - ``backward``: ``1ᵀx̃ - 1ᵀx̃'`` with column ``j`` of ``A`` set to zero and final
          demand fixed (``x̃ = L f``);
        - ``forward``: the same on the Ghosh side, row ``j`` of ``B`` set to zero and
          value added fixed (``x''ᵀ = vᵀ(I - B')⁻¹``);
        - ``total``: row and column ``j`` of ``A`` set to zero, final demand fixed
          (sector ``j`` still produces its own final demand ``f_j``);
        - ``*_share``: the loss divided by total output of the same model
          (``1ᵀL f`` for backward and total, ``vᵀG 1`` for forward).

        ``.attrs``: ``method``, ``residual``, ``total_output`` (``1ᵀL f``),
        ``total_output_ghosh``, ``baseline_gap``, the largest relative difference
        between ``L f`` and the table's ``x`` (0 for a row-balanced table),
        ``accuracy``, the worst bound of the relative error of any one entry of
        ``backward``, ``forward`` and ``total`` (each entry relative to itself, not to
        total output; typically below ``1e-12``), and ``accuracy_by_column``.

    Notes
    -----
    With ``m = 1ᵀL`` (output multipliers), ``c = v / x`` and ``l_jj`` the diagonal of
    ``L``:

    .. math::

        \\text{backward}_j = \\tilde x_j (m_j - 1) / l_{jj}, \\quad
        \\text{forward}_j = (c^\\top L)_j ((Lx)_j - x_j) / l_{jj}, \\quad
        \\text{total}_j = \\tilde x_j m_j / l_{jj} - f_j.

    Cost: one factorization, two solve calls and ``diag(L)`` (``n`` solves streamed in
    column blocks of bounded memory: about ``2n³`` flops with the dense method, the
    same as forming ``L`` once, but never ``n`` factorizations). A sector with zero
    output loses nothing on the backward and forward side.

    References
    ----------
    Dietzenbacher, E. & van der Linden, J. A. (1997). Sectoral and spatial linkages in
    the EC production structure. *Journal of Regional Science* 37(2), 235–257.
    https://doi.org/10.1111/0022-4146.00053

    Miller, R. E. & Blair, P. D. (2009). *Input-Output Analysis*, 2nd ed., ch. 12.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manuf"])
    >>> extraction(t).round(3)
            backward  forward    total  backward_share  forward_share  total_share
    sector
    agri     413.158  728.947  860.526           0.138          0.243        0.287
    manuf    805.882  452.941  888.235           0.269          0.151        0.296
    """
    solver = table_solver(table, solver, method, caller="extraction")
    index = table.sectors
    positions = None
    if sectors is not None:
        positions = _positions(index, sectors)
        index = index[positions]
    _warn_inconsistent_zero_output(table)
    r = extraction_arrays(solver, table.f, table.v, table.x, positions=positions, diagonal=diagonal)
    total_leo = float(r["x_leontief"].sum())
    total_gho = float(r["x_ghosh"].sum())
    frame = pd.DataFrame(
        {
            "backward": r["backward"],
            "forward": r["forward"],
            "total": r["total"],
            "backward_share": safe_divide(r["backward"], total_leo),
            "forward_share": safe_divide(r["forward"], total_gho),
            "total_share": safe_divide(r["total"], total_leo),
        },
        index=index,
    )
    x = np.asarray(table.x, dtype=float)
    scale = max(float(np.abs(x).max()) if x.size else 0.0, 1e-300)
    frame.attrs.update(
        method=solver.method,
        residual=r["residual"],
        total_output=total_leo,
        total_output_ghosh=total_gho,
        baseline_gap=float(np.abs(r["x_leontief"] - x).max() / scale) if x.size else 0.0,
        accuracy=worst_accuracy(r["accuracy"]),
        accuracy_by_column={k: worst_accuracy({k: a}) for k, a in r["accuracy"].items()},
    )
    return frame


def worst_accuracy(bounds: dict) -> float:
    """The largest relative error bound of a dict of per-entry bounds (0 when empty)."""
    vals = [float(np.max(a)) for a in bounds.values() if np.size(a)]
    return max(vals, default=0.0)


def _positions(index: pd.Index, sectors) -> np.ndarray:
    if isinstance(sectors, (str, tuple)):
        sectors = [sectors]
    sectors = list(sectors)
    if isinstance(index, pd.MultiIndex):
        wanted = pd.MultiIndex.from_tuples(sectors)
    else:
        wanted = pd.Index(sectors)
    pos = index.get_indexer(wanted)
    if (pos < 0).any():
        missing = [s for s, p in zip(sectors, pos, strict=True) if p < 0][:5]
        raise KeyError(f"sectors not in the table: {missing}")
    return pos


def _warn_inconsistent_zero_output(table) -> None:
    """Purchases by a zero-output sector are ignored by A (and by B = x̂⁻¹Ax̂): say so."""
    zero = np.flatnonzero(np.asarray(table.x) == 0)
    if not zero.size:
        return
    Z = table.Z
    col = np.asarray(Z[:, zero].sum(axis=0)).ravel() if sp.issparse(Z) else Z[:, zero].sum(0)
    bad = zero[col != 0]
    if bad.size:
        names = [str(table.sectors[i]) for i in bad[:10]]
        warnings.warn(
            f"{bad.size} zero-output sector(s) have intermediate purchases, ignored by the "
            f"coefficients of both models: {names}",
            DataQualityWarning,
            stacklevel=3,
        )
