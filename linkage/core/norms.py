"""The norms the Leontief solver decides, certifies and checks with.

``‖A‖₁`` and ``‖A‖∞`` (largest column and row sums of ``|A|``) certify that the Neumann
series, and so GMRES, converges when either is below 1; ``max(A^k 1) < 1`` proves the
same for a nonnegative ``A`` with a few products; the relative residual
``‖(I - A)u - b‖ / ‖b‖`` is what every solve reports.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["matrix_norms", "power_certificate", "relative_residual", "row_norms"]


def matrix_norms(A, col_sums=None, nonnegative=None) -> tuple[float, float]:
    """``(‖A‖₁, ‖A‖∞)``: largest column and row sums of ``|A|``.

    No ``|A|`` copy when ``A >= 0`` (and 64 MiB column blocks of it otherwise); the column
    sums of ``A`` and whether ``A >= 0`` are reused when known (each is a pass over ``A``).

    Examples
    --------
    >>> matrix_norms(np.array([[0.1, -0.5], [0.2, 0.3]]))
    (0.8, 0.6)
    """
    n = A.shape[0]
    if n == 0:
        return 0.0, 0.0
    if sp.issparse(A):
        data = A.data
        negative = (data.size and data.min() < 0) if nonnegative is None else not nonnegative
        if negative:
            # |A| sharing the structure of A: one copy of the values only
            A = type(A)((np.abs(data), A.indices, A.indptr), shape=A.shape)
        reuse = col_sums is not None and not negative
        col = col_sums if reuse else np.asarray(A.sum(axis=0)).ravel()
        row = np.asarray(A.sum(axis=1)).ravel()
    elif (A.min() >= 0) if nonnegative is None else nonnegative:
        col = A.sum(axis=0) if col_sums is None else col_sums
        row = A.sum(axis=1)
    else:
        col, row = np.empty(n), np.zeros(n)
        step = max(1, (8 * 1024**2) // n)
        for c0 in range(0, n, step):
            block = np.abs(A[:, c0 : c0 + step])
            col[c0 : c0 + step] = block.sum(axis=0)
            row += block.sum(axis=1)
    return float(col.max()), float(row.max())


def power_certificate(A, max_power: int = 40) -> tuple[bool, int]:
    """Cheap productivity proof for a nonnegative ``A``: ``max(A^k 1) < 1`` for some k.

    ``ρ(A)^k = ρ(A^k) <= ‖A^k‖∞ = max_i (A^k 1)_i``, so one product per power; stops early
    when the row sums grow (then a solve must decide). Returns ``(proved, products)``.

    Examples
    --------
    >>> power_certificate(np.array([[0.5, 0.6], [0.4, 0.3]]))
    (True, 2)
    """
    d = np.ones(A.shape[0])
    for k in range(1, max_power + 1):
        d = A @ d
        top = float(d.max()) if d.size else 0.0
        if top < 1.0:
            return True, k
        if top > 1e3:
            return False, k
    return False, max_power


def relative_residual(A, U, B, transpose: bool = False) -> float:
    """Max over columns of ``‖(I - A)u - b‖₂ / ‖b‖₂`` (``‖(I - A)u‖`` when ``b = 0``).

    ``(I - A)ᵀ`` with ``transpose``. Works in column chunks of about 64 MiB so that checking
    a big block of L does not need another block-sized temporary.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> relative_residual(A, np.array([[1000.0], [2000.0]]), np.array([[350.0], [1700.0]]))
    0.0
    """
    AT = A.T
    k = U.shape[1]
    step = max(1, (8 * 1024**2) // max(A.shape[0], 1))
    worst = 0.0
    for c0 in range(0, k, step):
        c1 = min(k, c0 + step)
        Uc, Bc = U[:, c0:c1], B[:, c0:c1]
        R = Uc - (AT @ Uc if transpose else A @ Uc)
        R -= Bc
        bn = np.linalg.norm(Bc, axis=0)
        rn = np.linalg.norm(R, axis=0)
        rel = np.where(bn > 0, rn / np.where(bn > 0, bn, 1.0), rn)
        if rel.size:
            worst = max(worst, float(rel.max()))
    return worst


def row_norms(V, rows=None) -> np.ndarray:
    """Euclidean norm of each row of ``V`` (of the rows ``rows``): one BLAS dot product
    per row, no temporary (``np.linalg.norm(V, axis=1)`` squares a copy of ``V``).

    Examples
    --------
    >>> row_norms(np.array([[3.0, 4.0], [0.0, 1.0], [1.0, 0.0]]), [0, 2]).tolist()
    [5.0, 1.0]
    """
    picked = range(V.shape[0]) if rows is None else rows
    return np.sqrt(np.array([float(V[r] @ V[r]) for r in picked], dtype=float))
