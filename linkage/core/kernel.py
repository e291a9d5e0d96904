"""One pass over a sparse ``A`` for ``A @ U`` and ``Aᵀ @ W`` together (the fused kernel).

The iterative solver advances the plain solves (``(I - A) u = b``) and the transposed ones
(``(I - A)ᵀ y = c``) in the same sweep: for a CSR structure, row ``i`` gives
``(A U)_i = Σ_j a_ij U_j`` (a gather) and adds ``a_ij W_i`` to ``(Aᵀ W)_j`` (a scatter),
so ``A`` is read once for both. A CSC ``A`` is the CSR structure of ``Aᵀ`` (no copy): the
gather then gives ``Aᵀ W`` and the scatter ``A U``.

The kernel is compiled by numba (rows split into one chunk per thread, balanced by
nonzeros; each chunk scatters into a buffer of its own, summed in a fixed order, so the
result does not depend on timing). It reads the values of ``A`` in float32 (half the bytes
of the values) and accumulates in float64; :func:`applier` with ``exact=True`` uses the
float64 values, for the residuals of the iterative refinement around float32 solves.

Without numba (it does not import, ``LINKAGE_NO_NUMBA=1``, or ``LINKAGE_NUMBA`` not set:
see :func:`backend`) the same API runs on scipy: two products, float64 values only
(scipy would upcast float32 values on every product).
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

try:
    import numba
except Exception as _exc:  # not installed, or broken (a numpy or LLVM it does not support)
    numba = None
    NUMBA_ERROR = f"{type(_exc).__name__}: {_exc}"
else:
    NUMBA_ERROR = ""

__all__ = ["FusedProducts", "NUMBA_ERROR", "applier", "backend", "refine"]

#: Fewer nonzeros than this: one chunk (no thread start, no scatter buffers to sum).
SERIAL_NNZ = 200_000
#: Threads of one sweep (``LINKAGE_KERNEL_THREADS``, default 1): on a shared two-core
#: machine a sweep split in two waits for its slower half (FINDINGS.md).
THREADS = int(os.environ.get("LINKAGE_KERNEL_THREADS", "1") or 1)
#: Relative residual each float32 correction is solved to, at least (the float32 values,
#: 6e-8 relative, bound what one correction can gain).
INNER_TOL = 1e-7
#: Refinement steps at most (1e-12 takes two or three).
REFINE_STEPS = 6
_EPS = float(np.finfo(float).eps)


def backend() -> str:
    """``"numba"`` when the compiled kernel is used, else ``"scipy"``.

    The compiled kernel is used when numba imports and ``LINKAGE_NUMBA=1`` asks for it,
    and never with ``LINKAGE_NO_NUMBA=1``: on the two-core machine of the benchmarks its
    sweeps took 2-3 times scipy's products per vector (benchmarks/FINDINGS.md), so the
    default is scipy, the plain and transposed rows still solved in lock step.

    Examples
    --------
    >>> backend() in ("numba", "scipy")
    True
    """

    def flag(name):
        return os.environ.get(name, "").strip() not in ("", "0")

    wanted = flag("LINKAGE_NUMBA") and not flag("LINKAGE_NO_NUMBA")
    return "numba" if numba is not None and wanted else "scipy"


def _gather_py(indptr, indices, data, G, i, q):
    """``Σ_p data[p] G[indices[p], q]`` over row ``i``, accumulated in float64."""
    total = 0.0
    for p in range(indptr[i], indptr[i + 1]):
        total += np.float64(data[p]) * G[indices[p], q]
    return total


def _sweep_py(ptr_a, idx_a, val_a, U, ptr_t, idx_t, val_t, W, bounds):
    """``(A U, Aᵀ W)`` from the CSR structures of ``A`` and of ``Aᵀ``, row ``i`` of both
    in the same iteration of one sweep over the rows (chunks in parallel, no scatter)."""
    n = ptr_a.size - 1
    out_u = np.empty((n, U.shape[1]))
    out_w = np.empty((n, W.shape[1]))
    for c in numba.prange(bounds.size - 1):
        for i in range(bounds[c], bounds[c + 1]):
            for q in range(U.shape[1]):
                out_u[i, q] = _gather(ptr_a, idx_a, val_a, U, i, q)
            for q in range(W.shape[1]):
                out_w[i, q] = _gather(ptr_t, idx_t, val_t, W, i, q)
    return out_u, out_w


def _fused_py(indptr, indices, data, G, S, bounds):
    """``(A G, Aᵀ S)`` from the CSR structure of ``A`` alone: a gather and a scatter per
    row; each chunk scatters into a buffer of its own, summed in a fixed order."""
    n = indptr.size - 1
    chunks = bounds.size - 1
    out_g = np.empty((n, G.shape[1]))
    parts = np.zeros((chunks, n, S.shape[1]))
    for c in numba.prange(chunks):
        part = parts[c]
        for i in range(bounds[c], bounds[c + 1]):
            for q in range(G.shape[1]):
                out_g[i, q] = _gather(indptr, indices, data, G, i, q)
            for q in range(S.shape[1]):
                w = S[i, q]
                for p in range(indptr[i], indptr[i + 1]):
                    part[indices[p], q] += np.float64(data[p]) * w
    if chunks == 1:
        return out_g, parts[0]
    out_s = np.empty((n, S.shape[1]))
    for j in numba.prange(n):
        for q in range(S.shape[1]):
            total = 0.0
            for c in range(chunks):
                total += parts[c, j, q]
            out_s[j, q] = total
    return out_g, out_s


def _compile(fn, parallel=True):
    """``fn`` compiled (IEEE arithmetic: no fastmath), cached on disk where a cache folder
    can be written: numba looks beside the module, then in the user's cache folder, and
    raises RuntimeError at decoration when neither is writable (a read-only install)."""
    try:
        return numba.njit(parallel=parallel, cache=True, nogil=True)(fn)
    except RuntimeError:
        return numba.njit(parallel=parallel, nogil=True)(fn)


if numba is not None:
    _gather = _compile(_gather_py, parallel=False)
    _sweep = _compile(_sweep_py)
    _fused = _compile(_fused_py)


class FusedProducts:
    """``A @ U`` and ``Aᵀ @ W`` of a CSR or CSC ``A`` in one call (see the module).

    Parameters
    ----------
    A : scipy.sparse CSR or CSC array, shape (n, n)
        Kept by reference (the exact products use it).
    single : bool
        Inexact products read float32 values (default True; numba only).
    scatter : bool
        One structure and a scatter for the second side (the one-pass kernel) instead of
        two gathers from the CSR structures of ``A`` and ``Aᵀ`` (default False: on this
        machine the scatter costs more than the second structure's pass; FINDINGS.md).

    Attributes
    ----------
    backend : str
        ``"numba"`` or ``"scipy"`` (:func:`backend` when built).
    passes : int
        Sweeps so far (scipy: one per nonempty side).
    matvecs : int
        Vectors multiplied so far (columns of ``U`` and ``W``).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]]))
    >>> AU, AtW = FusedProducts(A)(np.ones((2, 1)), np.array([[1.0], [2.0]]))
    >>> AU.ravel().tolist(), AtW.ravel().tolist()
    ([0.5, 0.25], [0.5, 0.5])
    """

    def __init__(self, A, single: bool = True, scatter: bool = False):
        if not sp.issparse(A) or A.format not in ("csr", "csc"):
            raise TypeError("FusedProducts needs a CSR or CSC array")
        self.A = A
        self.backend = backend()
        self.single = bool(single) and self.backend == "numba"
        self.scatter = bool(scatter)
        self.passes = 0
        self.matvecs = 0
        if self.backend == "numba":
            self._build(A)

    def _build(self, A) -> None:
        """The CSR structures the kernel reads (values in float32 when ``single``)."""
        dtype = np.float32 if self.single else np.float64
        T = A.T  # CSR of Aᵀ for a CSC A (a view), CSC for a CSR A
        if self.scatter:
            S = A if A.format == "csr" else T
            self._csr = [_values(S, dtype)]
        else:
            self._csr = [_values(x, dtype) for x in (A, T)]
        nnz = self._csr[0].nnz
        chunks = 1 if nnz < SERIAL_NNZ else max(1, min(THREADS, numba.get_num_threads()))
        self._bounds = np.searchsorted(self._csr[0].indptr, np.linspace(0, nnz, chunks + 1))
        self._bounds = self._bounds.astype(np.int64)
        self._bounds[0], self._bounds[-1] = 0, A.shape[0]

    def __call__(self, U, W, exact: bool = False):
        """``(A @ U, Aᵀ @ W)`` for blocks ``U`` (n, kp) and ``W`` (n, kt), either may have
        no columns; ``exact`` (or the scipy backend) multiplies with the float64 ``A``."""
        U = np.ascontiguousarray(U, dtype=np.float64)
        W = np.ascontiguousarray(W, dtype=np.float64)
        self.matvecs += U.shape[1] + W.shape[1]
        if self.backend == "scipy" or (exact and self.single):
            self.passes += int(U.shape[1] > 0) + int(W.shape[1] > 0)
            AU = self.A @ U if U.shape[1] else np.zeros_like(U)
            AtW = self.A.T @ W if W.shape[1] else np.zeros_like(W)
            return np.asarray(AU), np.asarray(AtW)
        self.passes += 1
        if not self.scatter:
            a, t = self._csr
            return _sweep(
                a.indptr, a.indices, a.data, U, t.indptr, t.indices, t.data, W, self._bounds
            )
        S = self._csr[0]
        swap = self.A.format == "csc"  # the structure is Aᵀ's: its gather gives Aᵀ W
        G, X = (W, U) if swap else (U, W)
        out_g, out_s = _fused(S.indptr, S.indices, S.data, G, X, self._bounds)
        return (out_s, out_g) if swap else (out_g, out_s)


def _values(S, dtype):
    """The CSR structure of ``S`` with its values in ``dtype`` (the structure shared when
    ``S`` is CSR; a CSC array converted after its values, so no float64 copy)."""
    if S.format == "csr" and S.data.dtype == dtype:
        return S
    kind = sp.csr_array if S.format == "csr" else sp.csc_array
    return sp.csr_array(kind((S.data.astype(dtype), S.indices, S.indptr), shape=S.shape))


def applier(products: FusedProducts, transposed, exact: bool = False):
    """``apply(V, rows=None)`` for the Krylov kernels: row ``r`` of ``V`` times ``Aᵀ`` when
    ``transposed[rows][r]``, else times ``A``, as rows; all rows in one pass.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> P = FusedProducts(sp.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]])))
    >>> applier(P, np.array([False, True]), exact=True)(np.ones((2, 2))).tolist()
    [[0.5, 0.25], [0.25, 0.5]]
    """
    transposed = np.asarray(transposed, dtype=bool)

    def apply(V, rows=None):  # rows: which of the kernel's rows V holds (None: all)
        t = transposed if rows is None else transposed[rows]
        AU, AtW = products(V[~t].T, V[t].T, exact=exact)
        out = np.empty_like(V)
        out[~t] = AU.T
        out[t] = AtW.T
        return out

    apply.rows = True  # the Krylov kernels pass the rows they ask products for
    return apply


def refine(products: FusedProducts, B, transposed, tol: float, solve, max_products: int):
    """Iterative refinement of ``(I - M) X = B`` (rows; ``M = Aᵀ`` for the rows marked in
    ``transposed``, else ``A``) around inexact solves.

    Each step solves for the correction with the float32 products by the Krylov kernel
    ``solve = (fn, restart, augment)``, ``fn(apply, R, tol, restart, budget, augment) ->
    (D, products, converged, residual)`` (:func:`~linkage.core.krylov.gmres_power`), to the
    residual the remaining gap asks for (not below :data:`INNER_TOL`: the float32 values
    limit a correction to about that), then takes the true residual with the float64
    ``A`` (one pass). With float64 products (``products.single`` False) it is one solve.

    Returns ``(X, products, converged, residual)`` as the Krylov kernels: ``products`` the
    most spent on one row, exact residual passes included.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from linkage.core.krylov import gmres_power
    >>> P = FusedProducts(sp.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]])))
    >>> solve = (gmres_power, 12, 2)
    >>> X, _, ok, res = refine(P, np.ones((2, 2)), np.array([False, True]), 1e-12, solve, 100)
    >>> ok, bool(res <= 1e-12), X.round(4).tolist()
    (True, True, [[1.7143, 1.4286], [1.4286, 1.7143]])
    """
    transposed = np.asarray(transposed, dtype=bool)
    fn, restart, augment = solve
    if not products.single:
        apply = applier(products, transposed, exact=True)
        return fn(apply, B, tol, restart, max_products, augment)
    bnorm = np.linalg.norm(B, axis=1)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    X, R = np.zeros_like(B), B.copy()
    rel = np.linalg.norm(R, axis=1) / bnorm
    used = 0
    for _ in range(REFINE_STEPS):
        rows = np.flatnonzero(rel > tol)
        budget = max_products - used - 1
        if not rows.size or budget < 1:
            break
        inner = max(INNER_TOL, 0.5 * tol / float(rel[rows].max()))
        apply = applier(products, transposed[rows])
        D, spent, _, _ = fn(apply, R[rows], inner, restart, budget, augment)
        X[rows] += D
        exact = applier(products, transposed[rows], exact=True)
        MX = exact(X[rows])
        R[rows] = B[rows] - X[rows] + MX
        used += int(spent) + 1
        # the subtraction loses about eps (‖x‖ + ‖M x‖): no residual below that is proved
        floor = _EPS * (np.linalg.norm(X[rows], axis=1) + np.linalg.norm(MX, axis=1))
        new = np.maximum(np.linalg.norm(R[rows], axis=1), floor) / bnorm[rows]
        stalled = not np.all(np.isfinite(new)) or np.all(new > 0.5 * rel[rows])
        rel[rows] = np.where(np.isfinite(new), new, np.inf)
        if stalled:
            break
    worst = float(rel.max()) if rel.size else 0.0
    return X, used, bool(worst <= tol), worst
