"""Solves with an error bound per entry, and the bounds of products and quotients of them.

A solve ``(I - A) u = b`` that stops at a residual ``r = b - (I - A) u`` small relative to
``‖b‖`` can still be poor in the small entries of ``u``: the error is ``e = L r`` and a
sector's own ``u_i`` may be a millionth of the largest. For ``A >= 0`` (so ``L >= 0``)

.. math::

    |e| \\le L |r|,

entry by entry, so one more solve with the right-hand side ``|r|`` (plus the rounding of
the residual itself, ``4ε(|b| + |u| + |A||u|)``) bounds the error of every entry, and the
same solve with ``r`` refines ``u`` (:func:`bounded_solve`). For an ``A`` with negative
entries the bound is an estimate (``L`` may have negative entries).

The quantities built from such vectors (sums of products, quotients) carry relative bounds
through first-order rules (:func:`rel_sum`): the relative error of ``Σ_k t_k`` is at most
``Σ_k |t_k| δ_k / |Σ_k t_k|`` plus rounding, which is where cancellation shows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "EPS",
    "bounded_solve",
    "rel_bound",
    "rel_sum",
    "product_bound",
    "abs_matrix",
    "solver_matrix",
    "solve_nonzero",
    "last_residual",
]

#: Unit roundoff of float64.
EPS = float(np.finfo(float).eps) / 2


def abs_matrix(A):
    """``|A|`` (the same object when ``A >= 0``)."""
    if sp.issparse(A):
        return A if (A.data >= 0).all() else abs(A)
    A = np.asarray(A)
    return A if (A >= 0).all() else np.abs(A)


def solver_matrix(solver):
    """The coefficient matrix a :class:`~linkage.core.solver.LeontiefSolver` was built from
    (kept by the solver for its residuals; not copied)."""
    return solver._A


def _times(A, U, transpose: bool):
    return (A.T @ U) if transpose else (A @ U)


def bounded_solve(solver, A, B, *, transpose: bool = False, target: float = 1e-13, rounds=3):
    """Solve ``(I - A) U = B`` (or the transposed system) with a bound on every entry's error.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorization (or iteration) of ``I - A``.
    A : ndarray or sparse array
        The coefficients ``solver`` was built from (for the residuals).
    B : ndarray, shape (n, k)
        Right-hand sides.
    transpose : bool
        Solve ``(I - A)ᵀ U = B``.
    target : float
        Refine until every nonzero entry's bound, relative to the entry, is below this
        (at most ``rounds`` refinements).
    rounds : int
        Refinement steps at most.

    Returns
    -------
    U : ndarray, shape (n, k)
    bound : ndarray, shape (n, k)
        ``L |r|`` (or ``Lᵀ |r|``): upper bounds of ``|U - U_exact|`` per entry (for
        ``A >= 0``; an estimate otherwise).
    residual : float
        Largest normwise relative residual of the solves made.

    Examples
    --------
    >>> from linkage.core.solver import LeontiefSolver
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> U, bound, _ = bounded_solve(LeontiefSolver(A), A, np.array([[350.0], [1700.0]]))
    >>> U.ravel().round(6).tolist(), bool((bound / U < 1e-13).all())
    ([1000.0, 2000.0], True)
    """
    B = np.asarray(B, dtype=float)
    absA = abs_matrix(A)
    U = solve_nonzero(solver, B, transpose)
    residual = last_residual(solver)
    k = B.shape[1]
    for step in range(rounds + 1):
        R = B - (U - _times(A, U, transpose))
        S = np.abs(R) + 4 * EPS * (np.abs(B) + np.abs(U) + _times(absA, np.abs(U), transpose))
        both = solve_nonzero(solver, np.hstack([R, S]), transpose)
        residual = max(residual, last_residual(solver))
        D, bound = both[:, :k], np.abs(both[:, k:])
        worst = rel_bound(bound, U)
        if np.nanmax(worst, initial=0.0) <= target or step == rounds:
            return U, bound, float(residual)
        U = U + D
    return U, bound, float(residual)  # pragma: no cover (the loop returns)


def last_residual(solver) -> float:
    """The relative residual of the solver's last solve (0 before any)."""
    info = solver.last_info
    return float(info.residual) if info is not None else 0.0


def solve_nonzero(solver, B, transpose: bool = False) -> np.ndarray:
    """``solver.solve(B)`` for the nonzero columns of ``B`` only (0 for the others: a
    residual column is often exactly zero, and GMRES in lock step with a column converged
    from the start is avoided).

    Examples
    --------
    >>> from linkage.core.solver import LeontiefSolver
    >>> s = LeontiefSolver(np.array([[0.5]]))
    >>> solve_nonzero(s, np.array([[1.0, 0.0]])).tolist()
    [[2.0, 0.0]]
    """
    out = np.zeros_like(B)
    live = np.flatnonzero(np.any(B != 0, axis=0))
    if live.size:
        out[:, live] = solver.solve(B[:, live], transpose=transpose)
    return out


def rel_bound(abs_bound, value) -> np.ndarray:
    """``abs_bound / |value|``; 0 where both are 0, inf where only the value is 0.

    Examples
    --------
    >>> rel_bound(np.array([1e-12, 0.0, 1e-9]), np.array([1.0, 0.0, 0.0])).tolist()
    [1e-12, 0.0, inf]
    """
    abs_bound = np.asarray(abs_bound, dtype=float)
    value = np.abs(np.asarray(value, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = abs_bound / value
    return np.where(abs_bound == 0, 0.0, np.where(value == 0, np.inf, out))


def rel_sum(terms, rels, extra=0.0) -> np.ndarray:
    """Relative error bound of ``Σ_k t_k`` from the terms' own relative bounds.

    ``(Σ |t_k| δ_k + extra + 2 m ε Σ |t_k|) / |Σ t_k|`` (``m`` terms; first order); 0 when
    every term is 0 and ``extra`` is 0. A term computed as exactly 0 adds nothing through
    its relative bound (``0 · δ``): when it may be nonzero, its absolute bound belongs in
    ``extra``.

    Examples
    --------
    >>> rel_sum([np.array([1.0]), np.array([-0.999])], [1e-12, 1e-12]).round(10).tolist()
    [2e-09]
    """
    terms = [np.asarray(t, dtype=float) for t in terms]
    total = sum(terms)
    mags = sum(np.abs(t) for t in terms)
    with np.errstate(invalid="ignore"):  # inf * 0 where a term is 0: masked out
        err = sum(
            np.where(t == 0, 0.0, np.abs(t) * np.asarray(d, dtype=float))
            for t, d in zip(terms, rels, strict=True)
        )
    err = err + np.asarray(extra, dtype=float) + 2 * len(terms) * EPS * mags
    return rel_bound(err, total)


def product_bound(A, u, rel_u, transpose: bool = False) -> np.ndarray:
    """Relative error bound of every entry of ``A u`` (``Aᵀ u``) from ``u``'s bounds.

    ``(|A| (|u| δ_u))_i / |(A u)_i|`` plus the rounding of a sum of ``n`` terms.

    Examples
    --------
    >>> bool(product_bound(np.array([[1.0, 1.0]]), np.array([1.0, -1.0 + 1e-6]), 1e-15)[0] > 1e-10)
    True
    """
    absA = abs_matrix(A)
    u = np.asarray(u, dtype=float)
    rel_u = np.broadcast_to(np.asarray(rel_u, dtype=float), u.shape)
    exact = _times(A, u, transpose)
    mags = _times(absA, np.abs(u), transpose)
    err = _times(absA, np.abs(u) * np.where(np.isfinite(rel_u), rel_u, 0.0), transpose)
    n = u.shape[0]
    err = err + (n + 1) * EPS * mags
    out = rel_bound(err, exact)
    # an infinite input bound where it matters makes the product's bound infinite
    inf_in = _times(absA, np.where(np.isfinite(rel_u), 0.0, 1.0) * (u != 0), transpose)
    return np.where(inf_in > 0, np.inf, out)
