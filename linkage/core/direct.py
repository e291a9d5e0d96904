"""The direct backends: an LU factorization of ``I - A``, made once and solved many times.

``dense``
    LAPACK LU with partial pivoting (:func:`scipy.linalg.lu_factor`) of ``I - A``, built
    once in Fortran order and factorized in place: about ``8 n²`` bytes beyond ``A``,
    ``n³/3`` flops once, then ``2 n²`` flops per right-hand side. The factor is scipy's
    ``(lu, piv)`` pair.
``splu``
    SuperLU (:func:`scipy.sparse.linalg.splu`) with the COLAMD fill-reducing column
    ordering; memory and time depend on the fill-in of the factors. The factor is
    scipy's ``SuperLU`` object.

:func:`refined_solve` solves with either factor, checks the residual and refines the
solution with the same factorization when it misses the tolerance.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg.blas import dgemm
from scipy.linalg.lapack import dgecon, dgetrf, dgetri, dgetri_lwork

from .norms import relative_residual

__all__ = [
    "blas_product",
    "inverse_from_lu",
    "dense_lu",
    "lu_solve",
    "certified_rcond",
    "reciprocal_condition",
    "refined_solve",
    "sparse_lu",
    "zero_pivots",
]

#: Solves with more right-hand sides than this check the residual on this many evenly
#: spaced columns (a full check of a block of L costs as much as the solve).
RESIDUAL_SAMPLE = 32

#: Up to this n, ``getri`` runs LAPACK's unblocked code (workspace ``n``): its blocked
#: code makes threaded ``dgemm`` calls, and on a loaded machine a thread that waits for
#: a core turned 90 µs into 8-27 ms in one call of ten at n = 100 (unblocked: 107 µs
#: best, 130 at the 90th percentile); from about 150 on the blocked code is faster.
GETRI_UNBLOCKED_N = 128

EPS = np.finfo(float).eps
#: Smallest lower bound of ``1 / cond₁(I - A)`` that :func:`certified_rcond` reports.
CERTIFIED_RCOND = float(np.sqrt(EPS))


def dense_lu(A) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK LU of ``I - A``: ``(lu, piv)`` as :func:`scipy.linalg.lu_factor` gives them.

    ``I - A`` is built once, in Fortran order, from ``A`` (ndarray or sparse) and
    factorized in place; no other ``n × n`` temporary.
    """
    n = A.shape[0]
    # a copy, then the sign: np.negative(A, order="F") in one pass is slower (5.6 vs
    # 4.9 µs at n = 100, 1.3-1.4 vs 1.0-1.1 ms at 1000: numpy's copy transposes in tiles)
    if sp.issparse(A):
        M = A.toarray(order="F")
    else:
        M = np.array(A, dtype=float, order="F", copy=True)
    np.negative(M, out=M)
    M.flat[:: n + 1] += 1.0
    # LAPACK dgetrf itself: lu_factor's checks and its warning filter cost ~6 of 56 µs at
    # n = 100, get_lapack_funcs 1 µs warm and ~20 µs after a gc.collect(); an exact zero
    # pivot (info > 0) is left to zero_pivots, as before
    if n == 0:
        return M, np.zeros(0, dtype=np.int32)
    lu, piv, _ = dgetrf(M, overwrite_a=1)
    return lu, piv


def sparse_lu(A):
    """SuperLU of ``I - A`` with the COLAMD column ordering.

    Raises ``RuntimeError`` ("Factor is exactly singular") as :func:`scipy.sparse.linalg.splu`.
    """
    n = A.shape[0]
    M = sp.csc_array(sp.eye_array(n, format="csc") - sp.csc_array(A))
    M.sort_indices()
    return spla.splu(M, permc_spec="COLAMD")


def zero_pivots(factor) -> np.ndarray:
    """Columns of ``A`` whose pivot is zero next to the largest entry of the factors
    (``|u_jj| <= n ε max(scale, 1)``), for either factor.

    Examples
    --------
    >>> zero_pivots(dense_lu(np.array([[0.5, 0.5], [0.5, 0.5]]))).tolist()
    [1]
    """
    if isinstance(factor, tuple):
        lu = factor[0]
        n = lu.shape[0]
        d = np.abs(np.diag(lu))
        scale = max(float(lu.max()), -float(lu.min())) if n else 1.0  # no n x n temporary
        return np.flatnonzero(d <= n * EPS * max(scale, 1.0))
    d = np.abs(factor.U.diagonal())
    n = d.size
    bad = np.flatnonzero(d <= n * EPS * max(float(d.max()) if n else 1.0, 1.0))
    return np.argsort(factor.perm_c)[bad]


def certified_rcond(norm1: float) -> float:
    """``(1 - ‖A‖₁) / (1 + ‖A‖₁)``, a lower bound of ``1 / cond₁(I - A)``, when it is at
    least ``√ε``; else 0 (no bound: estimate the condition and check the pivots).

    With ``‖A‖₁ < 1``, ``‖I - A‖₁ <= 1 + ‖A‖₁`` and ``‖(I - A)⁻¹‖₁ <= 1 / (1 - ‖A‖₁)``
    (Neumann series), so ``cond₁(I - A) <= (1 + ‖A‖₁) / (1 - ‖A‖₁)``. ``I - A`` is then
    strictly column diagonally dominant, which Gaussian elimination with partial
    pivoting preserves (no row interchange, growth at most 2): every pivot is at least
    ``1 - ‖A‖₁`` up to rounding of order ``n ε``. While the bound is at least ``√ε``, far
    above the ``n ε`` thresholds of :func:`zero_pivots` and of the condition check, neither
    check can fail, and LAPACK's estimate (:func:`reciprocal_condition`), which
    underestimates ``‖(I - A)⁻¹‖₁``, could only be larger than the bound.

    Examples
    --------
    >>> certified_rcond(0.5)  # (1 - 0.5) / (1 + 0.5)
    0.3333333333333333
    >>> certified_rcond(1.0 - 1e-12), certified_rcond(1.2)
    (0.0, 0.0)
    """
    if not norm1 < 1.0:
        return 0.0
    bound = (1.0 - norm1) / (1.0 + norm1)
    return bound if bound >= CERTIFIED_RCOND else 0.0


def reciprocal_condition(factor, anorm: float) -> float:
    """LAPACK's estimate (``gecon``) of ``1 / cond₁(I - A)`` from the dense factor, given
    ``anorm``, a bound of ``‖I - A‖₁``."""
    lu = factor[0]
    gecon = dgecon if lu.dtype == np.float64 else sla.get_lapack_funcs("gecon", (lu,))
    rcond, _ = gecon(lu, anorm, norm="1")
    return float(rcond)


def lu_solve(factor, B, transpose: bool = False) -> np.ndarray:
    """``(I - A)⁻¹ B`` (``(I - A)⁻ᵀ B`` with ``transpose``) from either factor."""
    if isinstance(factor, tuple):
        return sla.lu_solve(factor, B, trans=1 if transpose else 0, check_finite=False)
    return factor.solve(np.asfortranarray(B), trans="T" if transpose else "N")


def refined_solve(factor, A, B, transpose: bool, tol: float) -> tuple[np.ndarray, float]:
    """Solve with the factor; refine at most twice when the residual misses ``tol``.

    For more than :data:`RESIDUAL_SAMPLE` right-hand sides (blocks of L) the residual is
    checked on that many evenly spaced columns, or the check would cost as much as the
    solve itself. A refinement is kept only when it lowers the residual.

    Returns
    -------
    (ndarray, float)
        The solution and its relative residual (see :func:`~.norms.relative_residual`).

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> U, residual = refined_solve(dense_lu(A), A, np.array([[350.0], [1700.0]]), False, 1e-12)
    >>> U.round(6).ravel().tolist(), residual < 1e-14
    ([1000.0, 2000.0], True)
    """
    U = lu_solve(factor, B, transpose)
    k = B.shape[1]
    cols = slice(None)
    if k > RESIDUAL_SAMPLE:
        cols = np.unique(np.linspace(0, k - 1, RESIDUAL_SAMPLE).round().astype(int))
    residual = relative_residual(A, U[:, cols], B[:, cols], transpose)
    for _ in range(2):
        if not (residual > tol) or not np.all(np.isfinite(U)):
            break
        AU = (A.T @ U) if transpose else (A @ U)
        U2 = U + lu_solve(factor, B - (U - AU), transpose)
        r2 = relative_residual(A, U2[:, cols], B[:, cols], transpose)
        if not r2 < residual:
            break
        U, residual = U2, r2
    return U, residual


def inverse_from_lu(factor) -> tuple[np.ndarray, int]:
    """``L = (I - A)⁻¹`` from the dense LU ``(lu, piv)``: LAPACK ``getri``, and its ``info``.

    ``getri`` inverts ``U`` and then solves ``X L_unit = U⁻¹`` for the inverse (and undoes
    the row interchanges): about ``4n³/3`` flops, against ``2n³`` for solving the LU into
    an identity matrix (``getrs``; what :func:`numpy.linalg.inv` does after its LU,
    ``8n³/3`` in all). It is
    given the workspace LAPACK asks for (``getri_lwork``): with scipy's default of ``3n``
    it runs unblocked and is slower than ``getrs``. The factor is not overwritten (a copy
    of ``lu`` becomes L, in Fortran order). ``info > 0``: a zero pivot, L is not usable.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> lu = sla.lu_factor(np.eye(2) - A)
    >>> L, info = inverse_from_lu(lu)
    >>> L.round(4), info
    (array([[1.2541, 0.33  ],
           [0.264 , 1.1221]]), 0)
    """
    lu, piv = factor
    n = lu.shape[0]
    if lu.dtype == np.float64:
        L, info = dgetri(lu, piv, lwork=_getri_lwork(n), overwrite_lu=0)
        return L, int(info)
    getri, getri_lwork = sla.get_lapack_funcs(("getri", "getri_lwork"), (lu,))
    lwork = max(int(getri_lwork(n)[0].real), 3 * n, 1)
    L, info = getri(lu, piv, lwork=lwork, overwrite_lu=0)
    return L, int(info)


@functools.lru_cache(maxsize=64)
def _getri_lwork(n: int) -> int:
    """The workspace of ``getri`` for an n × n LU: ``n`` up to :data:`GETRI_UNBLOCKED_N`
    (LAPACK's unblocked code), else what LAPACK asks for (at least ``3n``), per n."""
    if n <= GETRI_UNBLOCKED_N:
        return max(n, 1)
    return max(int(dgetri_lwork(n)[0]), 3 * n, 1)


def blas_product(M, B, C=None) -> np.ndarray:
    """``M @ B`` (``C + M @ B`` in place of ``C`` when given) by scipy's BLAS, the library
    that factorized ``I - A`` and inverted it.

    numpy and scipy each load their own OpenBLAS, each with its own threads. After a
    threaded call the workers of one library keep spinning for a while, and a threaded
    call of the other library in that time fights them for the cores: on 2 cores a 300-
    sector ``linkages`` took 11-22 ms at best (median 65-96) with the products of the
    dense path in numpy's BLAS after the LU in scipy's, 2.6 ms (median 2.9) with every
    call in scipy's. So the dense path makes its products here. ``M`` and ``B`` are float
    ndarrays (2-D; a C-ordered ``M`` is passed transposed, not copied), ``C`` a Fortran-
    ordered float array of the result's shape; anything else (a sparse ``M``) is
    ``M @ B`` as usual.

    Examples
    --------
    >>> M = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> blas_product(M, np.eye(2)).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> C = np.ones((2, 1), order="F")
    >>> blas_product(M, np.array([[1.0], [1.0]]), C) is C, C.ravel().tolist()
    (True, [4.0, 8.0])
    """
    dense = isinstance(M, np.ndarray) and M.dtype == np.float64 and M.ndim == 2
    dense = dense and isinstance(B, np.ndarray) and B.dtype == np.float64 and B.ndim == 2
    if not dense:
        AB = np.asarray(M @ B)
        if C is None:
            return AB
        C += AB
        return C
    trans = 1 if M.flags.c_contiguous and not M.flags.f_contiguous else 0
    a = M.T if trans else M
    if C is None:
        return dgemm(1.0, a, B, trans_a=trans)
    out = dgemm(1.0, a, B, 1.0, C, trans_a=trans, overwrite_c=1)
    if out is not C:  # C was not a Fortran float array: f2py worked on a copy
        C[...] = out
    return C
