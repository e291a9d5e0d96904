"""Gauss-Seidel preconditioned GMRES for sparse nonnegative ``A``, in lock step.

With ``A = L + D + U`` (strictly lower, diagonal, strictly upper), the Gauss-Seidel
splitting of ``I - A`` is ``(I - D - L) - U``: the system ``(I - A) u = b`` becomes
``(I - M) u = b'`` with ``M = (I - D - L)⁻¹ U`` and ``b' = (I - D - L)⁻¹ b`` (left
preconditioning), and the transposed system the same with ``Aᵀ``. A product with ``M`` is
one in-place sweep over the rows of the compressed structure (compiled, :func:`sweep`):
``z_i ← (Σ_(j<i) a_ij z_j + Σ_(j>i) a_ij z_j) / (1 - a_ii)`` reads the new ``z_j`` below
the diagonal and the old ones above, which is ``M z`` in the same pass over ``A`` and the
same single vector as one product with ``A``. For a nonnegative ``A`` with spectral radius
below 1 (``I - A`` an M-matrix) the spectral radius of ``M`` is at most that of ``A``
(Stein-Rosenberg), and much smaller here: at 1e6 firms GMRES needs 15-17 sweeps instead
of 22-28 products per right-hand side to 1e-12 at spectral radius 0.6, 21-25 instead of
35-42 at 0.8 (benchmarks/findings/kernel.md).

For up to a few right-hand sides the solver mixes the sweeps instead (Anderson,
:mod:`~linkage.core.krylov_anderson`, which uses :class:`GaussSeidel`'s structures and
counters; by default on float32 values in a float64 refinement,
:mod:`~linkage.core.krylov_mixed`); :func:`gs_gmres` serves blocks. Its GMRES is
:func:`~linkage.core.krylov.gmres_power`, passed in. The preconditioned
residual is not the one reported, so each round ends with the true relative residual
``‖b - (I - A) u‖ / ‖b‖`` from scratch (one product with ``A``); a row that misses
``tol`` solves for its correction with a tolerance cut by what it missed.

Needs numba (a pure Python sweep is far too slow): :func:`enabled` says whether it is used:
by default from :data:`MIN_NNZ` nonzeros, at any size with ``LINKAGE_GAUSS_SEIDEL=1``,
never with ``LINKAGE_GAUSS_SEIDEL=0`` or ``LINKAGE_NO_NUMBA=1`` (the solver then runs GMRES
on ``A`` itself).
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np
import scipy.sparse as sp

from .kernel import env_flag, numba
from .norms import row_norms

__all__ = ["GaussSeidel", "enabled", "gs_gmres", "sweep"]

#: First inner tolerance, as a share of ``tol`` (the preconditioned residual is smaller
#: than the true one by a factor of 1-40 in the benchmark networks).
INNER_SHARE = 0.25
#: Rounds of (inner GMRES, true residual) before giving up.
ROUNDS = 4


#: Nonzeros from which the sweeps are the default: below, the one-time costs (numba's
#: start in a process, about 0.3 s here, and the second structure of ``A``) outweigh the
#: third of the passes they save on one solve (benchmarks/findings/kernel.md).
MIN_NNZ = 4_000_000


def enabled(nnz: int | None = None) -> bool:
    """True when the compiled sweep is used for an ``A`` with ``nnz`` nonzeros: numba
    imports, ``LINKAGE_NO_NUMBA`` is not set, and ``LINKAGE_GAUSS_SEIDEL=1`` asks for it or
    (unset) ``nnz >= MIN_NNZ``; ``LINKAGE_GAUSS_SEIDEL=0`` turns it off (GMRES on ``A``
    itself, with the products of :mod:`~linkage.core.kernel`). ``nnz=None``: any size.

    Examples
    --------
    >>> enabled(10) in (True, False)
    True
    """
    flag = os.environ.get("LINKAGE_GAUSS_SEIDEL", "").strip()  # unset, "0" or asked for
    if numba is None or env_flag("LINKAGE_NO_NUMBA") or flag == "0":
        return False
    return flag != "" or nnz is None or nnz >= MIN_NNZ


def sweep(indptr, indices, data, rhs, z, use_rhs: bool) -> None:
    """One Gauss-Seidel sweep in place over the rows of a compressed structure:
    ``z_i ← (rhs_i + Σ_(j≠i) a_ij z_j) / (1 - a_ii)`` for ``i = 0, 1, ...``.

    With ``use_rhs`` False (``rhs`` ignored) it replaces ``z`` by ``M z``; from ``z = 0``
    with ``use_rhs`` it gives ``(I - D - L)⁻¹ rhs`` (nothing above the diagonal is nonzero
    yet). The unsigned index skips numba's negative-index check.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([1.0, 1.0])  # A = [[0, 0.5], [0.25, 0]]: M z = [0.5, 0.125]
    >>> sweep(np.array([0, 1, 2]), np.array([1, 0]), np.array([0.5, 0.25]), z, z, False)
    >>> z.tolist()
    [0.5, 0.125]
    """
    for i in range(indptr.size - 1):
        total = rhs[i] if use_rhs else 0.0
        diag = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j == i:
                diag += data[p]
            else:
                total += data[p] * z[np.uint64(j)]
        z[i] = total / (1.0 - diag)


if numba is not None:
    try:
        _sweep = numba.njit(cache=True, nogil=True)(sweep)
    except RuntimeError:  # no writable cache folder (a read-only install)
        _sweep = numba.njit(nogil=True)(sweep)
else:  # pragma: no cover - the solver does not use this module without numba
    _sweep = sweep


def _narrow(S):
    """``S`` with int32 index arrays when its sizes fit (new arrays; the values shared)."""
    if S.indices.dtype == np.int32 or max(S.nnz, S.shape[0]) >= 2**31 - 1:
        return S
    indices, indptr = S.indices.astype(np.int32), S.indptr.astype(np.int32)
    out = sp.csr_array((S.data, indices, indptr), S.shape, copy=False)
    return out if out.indices.dtype == np.int32 else S


def _row_structure(S):
    """``(R, indptr)``: the rows ``S`` stores as a CSR array ``R`` (a CSC ``S``'s arrays
    read as CSR: the rows of ``Sᵀ``), with int32 indices where they fit (a sweep 10 %
    faster at 1e6 firms, scipy's product 25 %), and its row pointers in int64 for the
    compiled sweeps."""
    if S.format == "csc":
        S = sp.csr_array((S.data, S.indices, S.indptr), S.shape[::-1])
    R = _narrow(S)
    return R, R.indptr.astype(np.int64)


class GaussSeidel:
    """The two compressed structures of a sparse ``A`` (rows of ``A`` and of ``Aᵀ``), the
    sweeps over them and products with ``A`` for the true residuals.

    Parameters
    ----------
    A : scipy.sparse CSR or CSC array, shape (n, n)
        Kept by reference; the other structure is built on first use (for a CSC ``A``,
        its CSR copy: 12 bytes a nonzero), :meth:`structure`.
    diagonal : bool, optional
        Whether ``A`` has a nonzero diagonal entry, when the caller knows.

    Attributes
    ----------
    passes : int
        Passes over ``A`` so far (sweeps and products, one per row and call).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> gs = GaussSeidel(sp.csc_array(np.array([[0.0, 0.5], [0.25, 0.0]])))
    >>> gs.forward(np.ones((2, 2)), np.array([False, True])).tolist()
    [[1.0, 1.25], [1.0, 1.5]]
    """

    def __init__(self, A, diagonal: bool | None = None):
        if not sp.issparse(A) or A.format not in ("csr", "csc") or A.shape[0] != A.shape[1]:
            raise TypeError("GaussSeidel needs a square CSR or CSC array")
        self._A, self._lock = A, threading.Lock()
        # {transposed: (rows of A or of Aᵀ, int64 row pointers)}: the structure A has is
        # ready at once, the other (a copy) is built on first use
        self.own = A.format == "csc"  # whether A's own arrays are the rows of Aᵀ
        self._structures = {self.own: _row_structure(A)}
        self._values32: dict = {}  # {transposed: float32 values}, :meth:`values32`
        self.passes = 0
        #: whether ``A`` has a nonzero diagonal entry (None: look)
        self.diagonal = bool(A.diagonal().any()) if diagonal is None else bool(diagonal)

    def structure(self, transposed: bool):
        """``(S, indptr)``: the CSR array of the rows of ``A`` (``Aᵀ`` when
        ``transposed``) and its row pointers in int64. The one ``A`` does not have is
        built on the first call (scipy's transpose releases the GIL, so a row on the
        other structure can sweep meanwhile; threads asking at once wait for one copy)."""
        t = bool(transposed)
        if t not in self._structures:
            with self._lock:
                if t not in self._structures:
                    self._structures[t] = _row_structure(self._copy())
        return self._structures[t]

    def _copy(self):
        """``A`` in the other format, transposed by scipy from the narrowed arrays of the
        structure ``A`` has (int32 indices where they fit: from an int64 ``A`` a copy of
        120 MB at 1e6 firms instead of 160 MB and a narrowing of 40 MB more)."""
        R = self._structures[self.own][0]
        fmt = sp.csc_array if self.own else sp.csr_array
        mine = fmt((R.data, R.indices, R.indptr), self._A.shape, copy=False)
        return mine.tocsr() if self.own else mine.tocsc()

    def values32(self, transposed: bool) -> np.ndarray:
        """The values of :meth:`structure` rounded to float32 (4 bytes a nonzero, made on
        the first call) for the mixed-precision sweeps of
        :mod:`~linkage.core.krylov_mixed`."""
        t = bool(transposed)
        if t not in self._values32:
            S = self.structure(t)[0]
            with self._lock:
                if t not in self._values32:
                    self._values32[t] = S.data.astype(np.float32)
        return self._values32[t]

    def ready(self, transposed: bool) -> bool:
        """Whether the structure for ``transposed`` rows exists without a copy."""
        return bool(transposed) in self._structures

    def _sweep(self, transposed: bool, rhs, z, use_rhs: bool) -> None:
        S = self.structure(transposed)[0]
        self.passes += 1
        _sweep(S.indptr, S.indices, S.data, rhs, z, use_rhs)

    def forward(self, B, transposed) -> np.ndarray:
        """``(I - D - L)⁻¹ b`` for each row ``b`` of ``B`` (k, n), ``Aᵀ``'s where
        ``transposed``: the right-hand sides of the preconditioned systems."""
        out = np.zeros_like(B, dtype=np.float64)
        for r in range(B.shape[0]):
            self._sweep(transposed[r], np.ascontiguousarray(B[r], dtype=np.float64), out[r], True)
        return out

    def applier(self, transposed):
        """``apply(V, rows=None, out=None)`` for the Krylov kernels: ``M`` (or ``Aᵀ``'s)
        times each row of ``V``, as rows, in place into ``out`` when given."""
        transposed = np.asarray(transposed, dtype=bool)

        def apply(V, rows=None, out=None):
            flags = transposed if rows is None else transposed[rows]
            out = np.empty_like(V) if out is None else out
            for r in range(V.shape[0]):
                row = out[r]
                z = row if row.flags.c_contiguous else np.empty(V.shape[1])
                z[...] = V[r]
                self._sweep(flags[r], z, z, False)
                if z is not row:
                    row[...] = z
            return out

        apply.rows = True
        apply.out = True
        return apply

    def residual(self, B, X, transposed) -> np.ndarray:
        """``B - (I - A) X`` row by row (``Aᵀ`` where ``transposed``): one product each."""
        R = np.empty_like(X)
        for r in range(X.shape[0]):
            self.passes += 1
            R[r] = B[r] - X[r] + self.structure(transposed[r])[0] @ X[r]
        return R


def gs_gmres(gs: GaussSeidel, B, transposed, inner, *, tol, restart, max_products, augment):
    """Rows of ``B`` (k, n) solved in lock step, row ``r`` with ``Aᵀ`` when
    ``transposed[r]``, by the Krylov kernel ``inner`` (:func:`~linkage.core.krylov.gmres_power`)
    on the Gauss-Seidel preconditioned systems (see the module).

    Returns ``(U, products, converged, residual)`` as ``inner`` does: ``products`` the
    most passes over ``A`` spent on one row (sweeps, the preconditioned right-hand side
    and the true residuals included), ``residual`` the worst true relative residual.
    """
    k, n = B.shape
    transposed = np.asarray(transposed, dtype=bool)
    X = np.zeros((k, n))
    R = np.array(B, dtype=np.float64)  # true residual of X = 0
    bnorm = row_norms(B)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    rel = row_norms(R) / bnorm
    used = np.zeros(k, dtype=np.int64)
    share = np.full(k, INNER_SHARE)  # inner tolerance of each row, relative to its residual
    for _ in range(ROUNDS):
        rows = np.flatnonzero(rel > tol)
        room = max_products - (int(used[rows].max()) if rows.size else 0) - 2
        if not rows.size or room < 1:
            break
        Rp = gs.forward(R[rows], transposed[rows])  # one pass per row
        inner_tol = float(np.min(share[rows] * tol / rel[rows]))
        D, products, _, _ = inner(
            gs.applier(transposed[rows]), Rp, inner_tol, restart, room, augment, verify=False
        )
        X[rows] += D
        R[rows] = gs.residual(B[rows], X[rows], transposed[rows])
        used[rows] += products + 2
        new_rel = row_norms(R, rows) / bnorm[rows]
        if not np.all(np.isfinite(new_rel)):
            rel[rows] = np.inf
            break
        # what the row missed by: the next round asks that much more of its correction
        share[rows] *= np.clip(0.5 * tol / np.maximum(new_rel, 1e-300), 0.05, 1.0)
        stalled = np.all(new_rel > 0.99 * rel[rows])
        rel[rows] = new_rel
        if stalled:
            break
    worst = float(rel.max()) if k else 0.0
    worst = worst if math.isfinite(worst) else np.inf
    return X, int(used.max()) if k else 0, bool(np.all(rel <= tol)), worst
