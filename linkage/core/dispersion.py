"""Coefficients of variation of the columns and rows of the Leontief inverse, exactly.

The dispersion indices of :func:`linkage.linkages` need every entry of ``L``: either
streamed in column blocks of multi-right-hand-side solves (:func:`dispersion_arrays`,
one block held at a time) or, when ``L`` fits in :data:`DENSE_L_MAX_BYTES` and a dense
LU is at hand, formed once, with every other index read from it as well
(:func:`dense_L_arrays`, every sum in one pass over L: :func:`dense_L_sums`). Streaming
accumulates the squared deviations from exact means (known sums); the one pass sums the
squares and sums again from the deviations the rows and columns where ``Σ l² - s²/n``
would cancel; either way no cancellation.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .direct import blas_product
from .info import SolveInfo
from .numeric import safe_divide
from .solver import LeontiefSolver

__all__ = [
    "DENSE_L_MAX_BYTES",
    "dense_L_arrays",
    "dense_L_sums",
    "dispersion_arrays",
    "sums_residual",
]

#: With a dense LU, the dispersion forms all of L at once (and every index comes from
#: it) while L takes at most this many bytes (n <= 11585); beyond, L is streamed.
DENSE_L_MAX_BYTES = 1024**3
#: Block of L per step of the one-pass sums of :func:`dense_L_sums` (stays in cache).
_SUMS_BLOCK_BYTES = 1024**2


def dispersion_arrays(
    solver: LeontiefSolver,
    column_sums: np.ndarray,
    row_sums: np.ndarray,
    block_size: int | None = None,
    max_seconds: float | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Coefficients of variation of the columns and rows of L, exactly, streaming L.

    Parameters
    ----------
    solver : LeontiefSolver
    column_sums, row_sums : ndarray, shape (n,)
        ``1ᵀL`` and ``L 1`` (known already from :func:`linkage_arrays`), so the means are
        exact and the sums of squared deviations are accumulated without cancellation.
    block_size : int, optional
        Columns of L per block (default: :meth:`LeontiefSolver.default_block_size`).
    max_seconds : float, optional
        Give up (return None) when the first block projects a longer total time.

    Returns
    -------
    (column_cv, row_cv, residual) or None
        ``cv_j = sqrt(Σ_i (l_ij - μ_j)² / (n - 1)) / μ_j`` with ``μ_j = Σ_i l_ij / n``
        (``ddof=1``), the same along rows; residual = worst over the blocks.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> s = LeontiefSolver(A)
    >>> L = s.to_dense()
    >>> col_cv, row_cv, res = dispersion_arrays(s, L.sum(0), L.sum(1))
    >>> bool(np.allclose(col_cv, L.std(axis=0, ddof=1) / L.mean(axis=0)))
    True
    """
    n = solver.n
    mu_col = np.asarray(column_sums, dtype=float) / n
    mu_row = np.asarray(row_sums, dtype=float) / n
    ss_col = np.zeros(n)
    ss_row = np.zeros(n)
    worst = 0.0
    started = time.perf_counter()
    for start, stop, block in solver.column_blocks(block_size):
        worst = max(worst, solver.last_info.residual)
        _squared_deviations(block, start, stop, mu_row, mu_col, ss_row, ss_col)
        if max_seconds is not None and start == 0 and stop < n:
            projected = (time.perf_counter() - started) * n / (stop - start)
            if projected > max_seconds:
                return None
    return _cv(ss_col, mu_col, n), _cv(ss_row, mu_row, n), worst


def _squared_deviations(block, start, stop, mu_row, mu_col, ss_row, ss_col) -> None:
    """Add the squared deviations of ``block = L[:, start:stop]`` from the row means to
    ``ss_row`` and put those from the column means in ``ss_col[start:stop]`` (in place;
    ``block`` is overwritten)."""
    block -= mu_row[:, np.newaxis]  # deviations from the row means
    ss_row += np.einsum("ij,ij->i", block, block)
    block += mu_row[:, np.newaxis] - mu_col[np.newaxis, start:stop]
    ss_col[start:stop] = np.einsum("ij,ij->j", block, block)


def _cv(ss: np.ndarray, mu: np.ndarray, n: int) -> np.ndarray:
    return safe_divide(np.sqrt(ss / (n - 1)), mu, 0.0)


def dense_L_arrays(solver: LeontiefSolver, A, x: np.ndarray) -> dict:
    """Everything :func:`linkages` needs, dispersion included, from ``L`` formed once.

    The dense LU is inverted once (:meth:`LeontiefSolver.to_dense`, LAPACK ``getri``):
    fewer flops than streaming L for the dispersion alone, and every sum is then read in
    one pass over L (:func:`dense_L_sums`) instead of three more solves. For tables whose
    L fits in :data:`DENSE_L_MAX_BYTES`, factorized by a dense LU
    (``block_method == "dense"``).

    L is checked through what is read from it: ``residual`` is the largest relative
    residual of the three sums as solutions of their systems, ``(I - A)ᵀ y = 1`` for the
    column sums ``y = Lᵀ 1``, ``(I - A) u = 1`` for the row sums ``u = L 1`` and
    ``(I - A) w = x`` for ``w = L x`` (:func:`sums_residual`), the residuals the solves
    of :func:`linkage_arrays` report for the same vectors. ``(I - A) L 1 - 1`` is the sum
    of the residuals of all columns of L, ``1ᵀ L (I - A) - 1ᵀ`` that of all its rows,
    so a column or row of L that is wrong shows, and a non-finite entry of L makes the
    residual non-finite (then :class:`~linkage.errors.SingularSystemError`). The
    solver's ``last_info`` is set to that residual.

    Returns
    -------
    dict of ndarray
        The entries of :func:`linkage_arrays` and ``column_cv``, ``row_cv``; ``residual``
        as above.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> s = LeontiefSolver(A)
    >>> r = dense_L_arrays(s, A, np.array([1000.0, 2000.0]))
    >>> r["column_sums_L"].round(4), r["row_sums_G"].round(4)
    (array([1.5182, 1.4521]), array([1.9142, 1.2541]))
    >>> r["residual"] < 1e-15, s.last_info.residual == r["residual"]
    (True, True)
    >>> bool(np.allclose(r["column_cv"], dispersion_arrays(s, r["column_sums_L"],
    ...                                                    r["row_sums_L"])[0]))
    True
    """
    n = solver.n
    x = np.asarray(x, dtype=float)
    L = solver.to_dense(DENSE_L_MAX_BYTES, check=False)  # checked by its sums below
    weights = _unit_and(x)
    sums, rows, dev = _one_pass(L, weights)
    Ax, residual = sums_residual(A, sums[0], rows, weights)
    if not math.isfinite(residual):
        solver._raise_singular("I - A is singular: L has non-finite values", [])
    solver.last_info = SolveInfo("dense", residual, 0)
    col_A = solver._col_sums if A is solver._A else np.asarray(A.sum(axis=0)).ravel()
    cv = safe_divide(np.sqrt(dev / (n - 1)), sums / n, 0.0)  # (2, n): columns, rows
    return {
        "column_sums_L": sums[0],
        "row_sums_L": sums[1],
        "row_sums_G": safe_divide(rows[:, 1], x, 1.0),
        "column_sums_A": col_A,
        "row_sums_B": safe_divide(Ax, x, 0.0),
        "residual": residual,
        "column_cv": cv[0],
        "row_cv": cv[1],
    }


def _unit_and(x: np.ndarray) -> np.ndarray:
    """``[1, x]`` as an (n, 2) Fortran-order array (the right-hand sides of ``L [1, x]``)."""
    weights = np.empty((x.size, 2), order="F")
    weights[:, 0] = 1.0
    weights[:, 1] = x
    return weights


def sums_residual(A, y: np.ndarray, rows: np.ndarray, weights: np.ndarray):
    """``A x`` and the largest relative residual of ``y``, ``u`` and ``w`` as solutions of
    ``(I - A)ᵀ y = 1``, ``(I - A) u = 1`` and ``(I - A) w = x``.

    ``rows`` is ``[u, w]`` and ``weights`` is ``[1, x]`` (both (n, 2)); one product
    ``A [u, w, x]`` gives the plain residuals and ``A x``, one ``Aᵀ y`` the transposed
    one (both in scipy's BLAS: :func:`~linkage.core.direct.blas_product`). Each residual
    is ``‖(I - A)v - b‖₂ / ‖b‖₂`` (``‖(I - A)v‖₂`` when ``b = 0``), as
    :func:`~linkage.core.norms.relative_residual` gives it.

    Returns
    -------
    (ndarray, float)
        ``A x`` and the residual.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> L = np.linalg.inv(np.eye(2) - A)
    >>> w = _unit_and(np.array([1000.0, 2000.0]))
    >>> Ax, res = sums_residual(A, L.sum(axis=0), L @ w, w)
    >>> Ax.tolist(), res < 1e-15
    ([650.0, 300.0], True)
    >>> y = L.sum(axis=0) + [0.1, 0.0]  # off by 0.1 e₀: (I - A)ᵀ 0.1 e₀ = [0.085, -0.025]
    >>> bool(np.isclose(sums_residual(A, y, L @ w, w)[1], np.hypot(0.085, 0.025) / np.sqrt(2)))
    True
    """
    n = y.size
    V = np.empty((n, 3), order="F")
    V[:, :2] = rows
    V[:, 2] = weights[:, 1]
    AV = blas_product(A, V)  # A [u, w, x]
    R = rows - AV[:, :2]
    R -= weights
    r = y - blas_product(A.T, y[:, np.newaxis])[:, 0]
    r -= 1.0
    ss = (R * R).sum(axis=0)
    bx = float(V[:, 2] @ V[:, 2])
    worst = max(float(ss[0]) / n, float(ss[1]) / bx if bx > 0 else float(ss[1]), (r @ r) / n)
    return AV[:, 2], math.sqrt(worst)


def dense_L_sums(L: np.ndarray, x: np.ndarray):
    """Column sums, row sums, ``L x`` and the sums of squared deviations of the columns
    and rows of ``L`` from their means, in one pass over ``L``.

    ``L`` is read in blocks of columns of about :data:`_SUMS_BLOCK_BYTES` (a view when
    ``L`` is in Fortran order, as :meth:`LeontiefSolver.to_dense` gives it); each block
    gives its sums, its part of ``L [1, x]`` and its squares while it is in cache. The
    squared deviations are ``Σ l² - s² / n``; where that keeps less than 1/8 of ``Σ l²``
    (a nearly constant row or column, where the difference would lose digits) they are
    summed again from the deviations themselves, so the result has no cancellation.

    Returns
    -------
    (column_sums, row_sums, Lx, column_ss, row_ss) : tuple of ndarray, shape (n,)

    Examples
    --------
    >>> L = np.array([[1.2541, 0.33], [0.264, 1.1221]])
    >>> c, r, Lx, sc, sr = dense_L_sums(L, np.array([1.0, 2.0]))
    >>> bool(np.allclose(sc, ((L - L.mean(0)) ** 2).sum(0)))
    True
    >>> bool(np.allclose(sr, ((L - L.mean(1)[:, None]) ** 2).sum(1)))
    True
    """
    sums, rows, dev = _one_pass(L, _unit_and(np.asarray(x, dtype=float)))
    return sums[0], sums[1], rows[:, 1], dev[0], dev[1]


def _one_pass(L: np.ndarray, weights: np.ndarray):
    """:func:`dense_L_sums` stacked: ``(sums, L [1, x], deviations)``, the sums and the
    squared deviations as (2, n) arrays (columns, then rows)."""
    n = L.shape[0]
    if not L.flags.f_contiguous:
        L = np.asfortranarray(L)
    step = max(1, min(n, _SUMS_BLOCK_BYTES // (8 * max(n, 1))))
    sums, ss = np.empty((2, n)), np.empty((2, n))
    if step >= n:  # one block (n <= 362): nothing to accumulate
        rows = blas_product(L, weights)  # scipy's BLAS, as the LU
        L.sum(axis=0, out=sums[0])
        sq = L * L
        sq.sum(axis=0, out=ss[0])
        sq.sum(axis=1, out=ss[1])
    else:
        rows = np.zeros((n, 2), order="F")
        ss[1] = 0.0
        buffer = np.empty((n, step), order="F")
        for start in range(0, n, step):
            stop = min(n, start + step)
            block, sq = L[:, start:stop], buffer[:, : stop - start]
            sums[0, start:stop] = block.sum(axis=0)
            blas_product(block, weights[start:stop], rows)  # rows += block @ w
            np.multiply(block, block, out=sq)
            ss[0, start:stop] = sq.sum(axis=0)
            ss[1] += sq.sum(axis=1)
    sums[1] = rows[:, 0]
    return sums, rows, _deviations(L, ss, sums, n)


def _deviations(L, ss, sums, n):
    """``Σ (l - μ)²`` of the columns (row 0) and rows (row 1) of L from ``ss = Σ l²`` and
    the sums; the lines where the difference cancels (keeps less than 1/8 of ``ss``)
    summed again from the deviations."""
    mu = sums / n
    dev = ss - sums * mu
    again = np.flatnonzero(dev < ss / 8.0)
    if again.size:
        cols, rows = again[again < n], again[again >= n] - n
        part = L[:, cols] - mu[0, cols]
        dev[0, cols] = np.einsum("ij,ij->j", part, part)
        part = L[rows, :].T - mu[1, rows]
        dev[1, rows] = np.einsum("ij,ij->j", part, part)
    return dev
