"""Bi-proportional (RAS) balancing of a matrix to given row and column totals.

References
----------
Miller, R.E. & Blair, P.D. (2009). Input-Output Analysis, 2nd ed., section 7.4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ..core.numeric import safe_divide
from ..errors import BalancingError, ConvergenceWarning

__all__ = ["RASResult", "ras"]


@dataclass(frozen=True)
class RASResult:
    """Outcome of :func:`ras`.

    Attributes
    ----------
    matrix : ndarray or scipy.sparse.csr_array
        Balanced matrix ``r̂ M ŝ``.
    row_factors, col_factors : ndarray
        The cumulative multipliers ``r`` and ``s``.
    iterations : int
        Number of (row, column) scaling rounds done.
    gap : float
        Largest relative gap ``|row sum - target| / target`` left (columns are exact after
        each round).
    converged : bool
        ``gap <= tol``.
    """

    matrix: object
    row_factors: np.ndarray
    col_factors: np.ndarray
    iterations: int
    gap: float
    converged: bool


def _sums(M):
    """Row and column sums of a dense or sparse matrix, as 1-D arrays."""
    if sp.issparse(M):
        return np.asarray(M.sum(axis=1)).ravel(), np.asarray(M.sum(axis=0)).ravel()
    return M.sum(axis=1), M.sum(axis=0)


def _scale(M, r=None, s=None):
    """``r̂ M ŝ`` (either factor may be None), keeping a sparse matrix sparse."""
    if sp.issparse(M):
        if r is not None:
            M = sp.csr_array(sp.diags_array(r) @ M)
        if s is not None:
            M = sp.csr_array(M @ sp.diags_array(s))
        return M
    if r is not None:
        M = M * r[:, np.newaxis]
    if s is not None:
        M = M * s[np.newaxis, :]
    return M


def _checked_inputs(matrix, row_totals, col_totals, tol, max_iter, sum_rtol):
    """The prior as a float matrix (CSR when sparse) and the margins, after every check
    :func:`ras` documents."""
    if not (isinstance(tol, Real) and tol > 0):
        raise ValueError(
            f"The 'tol' parameter of ras must be a positive number. Got {tol!r} instead."
        )
    if not (isinstance(max_iter, Integral) and max_iter >= 1):
        raise ValueError(
            f"The 'max_iter' parameter of ras must be a positive integer. Got {max_iter!r} instead."
        )
    if sp.issparse(matrix):
        M = sp.csr_array(matrix, dtype=float)
        values = M.data
    else:
        M = np.array(matrix, dtype=float)
        values = M
    if M.ndim != 2:
        raise BalancingError(f"matrix must be 2-D, has shape {M.shape}")
    u = np.asarray(row_totals, dtype=float).ravel()
    v = np.asarray(col_totals, dtype=float).ravel()
    if u.shape != (M.shape[0],) or v.shape != (M.shape[1],):
        raise BalancingError(
            f"matrix has shape {M.shape} but row_totals has {u.size} and col_totals {v.size} values"
        )
    for name, a in (("matrix", values), ("row_totals", u), ("col_totals", v)):
        a = np.asarray(a)
        if not np.all(np.isfinite(a)):
            raise BalancingError(f"{name} has non-finite values")
        if (a < 0).any():
            k = np.argwhere(a < 0)[0]
            raise BalancingError(
                f"{name} has negative entries (first at {tuple(int(i) for i in k)}: "
                f"{float(a[tuple(k)]):g}); RAS needs non-negative numbers"
            )
    su, sv = u.sum(), v.sum()
    if abs(su - sv) > sum_rtol * max(abs(su), abs(sv), 1e-300):
        raise BalancingError(
            f"row totals sum to {su:,.10g} but column totals sum to {sv:,.10g}: "
            "no matrix has both margins"
        )
    rs, cs = _sums(M)
    for kind, sums, target in (("row", rs, u), ("column", cs, v)):
        bad = (sums == 0) & (target > 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise BalancingError(
                f"{kind} {k} of the matrix is all zero but its target total is {target[k]!r}"
            )
    return M, u, v


def ras(
    matrix,
    row_totals,
    col_totals,
    tol: float = 1e-10,
    max_iter: int = 1000,
    *,
    sum_rtol: float = 1e-8,
) -> RASResult:
    """Bi-proportional (RAS) balancing of a non-negative matrix to given margins.

    Finds ``M1 = r̂ M0 ŝ`` with row sums ``u`` and column sums ``v`` by alternately
    scaling rows and columns (Miller & Blair 2009, section 7.4.2).

    Parameters
    ----------
    matrix : array_like or scipy.sparse matrix, shape (m, n)
        Non-negative prior ``M0`` (e.g. a transactions matrix ``A0 x̂``).
    row_totals, col_totals : array_like, shapes (m,), (n,)
        Target margins ``u`` and ``v``; non-negative with equal sums.
    tol : float
        Stop when every row sum is within ``tol`` (relative) of its target.
    max_iter : int
        Most rounds; on reaching it a :class:`linkage.errors.ConvergenceWarning` is issued
        and the last matrix is returned with ``converged=False``.
    sum_rtol : float
        Allowed relative difference between ``sum(u)`` and ``sum(v)``.

    Returns
    -------
    RASResult

    Raises
    ------
    BalancingError
        Margins whose sums differ, negative entries or targets, or a positive target for a
        row or column of ``M0`` that is all zero.

    Examples
    --------
    Miller & Blair (2009), section 7.4.2:

    >>> import numpy as np
    >>> A0 = np.array([[.120, .100, .049], [.210, .247, .265], [.026, .249, .145]])
    >>> x = np.array([421., 284., 283.])
    >>> res = ras(A0 * x, [245., 136., 159.], [251., 107., 182.])
    >>> res.converged, bool(np.allclose(res.matrix.sum(axis=1), [245, 136, 159]))
    (True, True)
    >>> (res.matrix / x).round(4)  # the balanced A(1) = r̂ A0 ŝ
    array([[0.3924, 0.1219, 0.1596],
           [0.1509, 0.0661, 0.1897],
           [0.0529, 0.1887, 0.2938]])
    """
    M, u, v = _checked_inputs(matrix, row_totals, col_totals, tol, max_iter, sum_rtol)
    r_all = np.ones(M.shape[0])
    s_all = np.ones(M.shape[1])
    pos_u = u > 0
    gap = np.inf
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        rs, _ = _sums(M)
        r = safe_divide(u, rs)  # 0 for a row with nothing left to scale
        M = _scale(M, r=r)
        r_all *= r
        _, cs = _sums(M)
        s = safe_divide(v, cs)
        M = _scale(M, s=s)
        s_all *= s
        rs, _ = _sums(M)
        gap = float(np.max(np.abs(rs[pos_u] - u[pos_u]) / u[pos_u])) if pos_u.any() else 0.0
        gap = max(gap, float(np.max(np.abs(rs[~pos_u]), initial=0.0)))
        if gap <= tol:
            break
    converged = gap <= tol
    if not converged:
        warnings.warn(
            f"RAS stopped after {it} iterations with a relative row gap of {gap:.3g} "
            f"(tol {tol:g}); the zero pattern may not allow these totals",
            ConvergenceWarning,
            stacklevel=2,
        )
    return RASResult(M, r_all, s_all, it, gap, converged)
