"""Products of a sparse ``A`` and of ``Aᵀ`` with the rows of a block, from one structure.

The iterative solver advances the plain solves (``(I - A) u = b``) and the transposed ones
(``(I - A)ᵀ y = c``) in lock step: each step multiplies some rows of its basis by ``A``
and the others by ``Aᵀ``. :class:`FusedProducts` makes all of them in one call, each
written in place into the caller's buffer (the basis of the Krylov kernel: no copies, no
transposes, no allocation), from the one structure ``A`` has: a CSC ``A`` is the CSR
structure of ``Aᵀ``, so a row times ``Aᵀ`` is a gather over it
(``(Aᵀ w)_j = Σ_i a_ij w_i``) and a row times ``A`` a scatter (``(A u)_i += a_ij u_j``);
for a CSR ``A`` the two swap.

One row, one pass over ``A``, on purpose: at 1e6 firms the cost of a product is the
random reads of its vector, which stay in the cache only while one vector (8 MB) is read
at a time. One pass for the three vectors of a step, interleaved so that one random index
touches one cache line for all of them, took 4.1-4.5 times a scipy product, against 3 for
three passes; two interleaved vectors alone took 3.4 (benchmarks/findings/kernel.md).

Backends (:func:`backend`): scipy by default, one product per row; numba (opt-in,
``LINKAGE_NUMBA=1``) compiles the same gather and scatter in scipy's order, so both give
the same numbers to the last bit, but its products took 1.05-1.3 times scipy's here.
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

__all__ = ["FusedProducts", "NUMBA_ERROR", "applier", "backend", "env_flag"]


def env_flag(name: str) -> bool:
    """True when the environment variable ``name`` is set to anything but empty or ``0``
    (the switches ``LINKAGE_NUMBA``, ``LINKAGE_NO_NUMBA``, ``LINKAGE_GAUSS_SEIDEL``).

    Examples
    --------
    >>> env_flag("LINKAGE_A_SWITCH_NOBODY_SETS")
    False
    """
    return os.environ.get(name, "").strip() not in ("", "0")


def backend() -> str:
    """``"numba"`` when the compiled kernel is used, else ``"scipy"``.

    The compiled kernel is used when numba imports and ``LINKAGE_NUMBA=1`` asks for it,
    and never with ``LINKAGE_NO_NUMBA=1``: its products took 1.05-1.3 times scipy's on
    the benchmark machine (benchmarks/findings/kernel.md), so the default is scipy.

    Examples
    --------
    >>> backend() in ("numba", "scipy")
    True
    """
    wanted = env_flag("LINKAGE_NUMBA") and not env_flag("LINKAGE_NO_NUMBA")
    return "numba" if numba is not None and wanted else "scipy"


def _gather_py(indptr, indices, data, v, out):
    """``out[j] = Σ_p data[p] v[indices[p]]`` over the nonzeros ``p`` of line ``j`` of the
    compressed structure (scipy's order; the unsigned index skips the negative-index
    check, 10 % of a scatter here)."""
    for j in range(indptr.size - 1):
        total = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            total += data[p] * v[np.uint64(indices[p])]
        out[j] = total


def _scatter_py(indptr, indices, data, v, out):
    """``out[indices[p]] += data[p] v[j]`` over the nonzeros of each line ``j`` in turn."""
    for i in range(out.size):
        out[i] = 0.0
    for j in range(indptr.size - 1):
        vj = v[j]
        for p in range(indptr[j], indptr[j + 1]):
            out[np.uint64(indices[p])] += data[p] * vj


def _compile(fn):
    """``fn`` compiled (IEEE arithmetic: no fastmath), cached on disk where a cache folder
    can be written: numba looks beside the module, then in the user's cache folder, and
    raises RuntimeError at decoration when neither is writable (a read-only install)."""
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:
        return numba.njit(nogil=True)(fn)


if numba is not None:
    _gather = _compile(_gather_py)
    _scatter = _compile(_scatter_py)


class FusedProducts:
    """``A`` or ``Aᵀ`` times each row of a block, all rows in one call (see the module).

    Parameters
    ----------
    A : scipy.sparse CSR or CSC array, shape (n, n)
        Kept by reference (no copy).

    Attributes
    ----------
    backend : str
        ``"numba"`` or ``"scipy"`` (:func:`backend` when built).
    calls : int
        Calls so far (one per lock-step step).
    passes : int
        Passes over the structure of ``A`` so far: one per row multiplied.
    matvecs : int
        Vectors multiplied so far (equal to ``passes``).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]]))
    >>> P = FusedProducts(A)
    >>> P(np.array([[1.0, 1.0], [1.0, 2.0]]), np.array([False, True])).tolist()
    [[0.5, 0.25], [0.5, 0.5]]
    """

    def __init__(self, A):
        if not sp.issparse(A) or A.format not in ("csr", "csc") or A.shape[0] != A.shape[1]:
            raise TypeError("FusedProducts needs a square CSR or CSC array")
        self.A = A
        self.backend = backend()
        self.calls = 0
        self.passes = 0
        if self.backend == "numba":
            self._data = np.asarray(A.data, dtype=np.float64)

    @property
    def matvecs(self) -> int:
        """Vectors multiplied so far."""
        return self.passes

    def __call__(self, V, transposed, out=None):
        """Row ``r`` of ``V`` (k, n) times ``Aᵀ`` when ``transposed[r]``, else times ``A``,
        as the rows of ``out`` (a new array when None; it must not overlap ``V``)."""
        V = np.asarray(V, dtype=np.float64)
        transposed = np.asarray(transposed, dtype=bool)
        if out is None:
            out = np.empty_like(V)
        self.calls += 1
        self.passes += V.shape[0]
        if not V.shape[0]:
            return out
        if self.backend == "scipy":
            for r in range(V.shape[0]):
                out[r] = (self.A.T if transposed[r] else self.A) @ V[r]
            return out
        # CSC: the structure is Aᵀ's, whose gather gives Aᵀ v; CSR: the gather gives A v
        gather = transposed if self.A.format == "csc" else ~transposed
        A = self.A
        for r in range(V.shape[0]):  # one row at a time: its vector stays in the cache
            row = out[r]
            o = row if row.flags.c_contiguous else np.empty(V.shape[1])
            kernel = _gather if gather[r] else _scatter
            kernel(A.indptr, A.indices, self._data, np.ascontiguousarray(V[r]), o)
            if o is not row:
                row[...] = o
        return out


def applier(products: FusedProducts, transposed):
    """``apply(V, rows=None, out=None)`` for the Krylov kernels: row ``r`` of ``V`` times
    ``Aᵀ`` when ``transposed[rows][r]``, else times ``A``, as rows.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> P = FusedProducts(sp.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]])))
    >>> applier(P, np.array([False, True]))(np.ones((2, 2))).tolist()
    [[0.5, 0.25], [0.25, 0.5]]
    """
    transposed = np.asarray(transposed, dtype=bool)

    def apply(V, rows=None, out=None):  # rows: which of the kernel's rows V holds
        return products(V, transposed if rows is None else transposed[rows], out)

    apply.rows = True  # the Krylov kernels pass the rows they ask products for
    apply.out = True  # and may pass the buffer the products go to
    return apply
