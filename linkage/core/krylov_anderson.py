"""Anderson-accelerated Gauss-Seidel for sparse nonnegative ``A``, one right-hand side at a
time.

The Gauss-Seidel iteration of :mod:`~linkage.core.krylov_gs` is the fixed point
``z ← G(z) = M z + b'`` (one compiled in-place sweep with the right-hand side, ``b'`` =
``(I - D - L)⁻¹ b``). Alone it converges at the rate of the spectral radius of ``M``
(0.39 per sweep at spectral radius 0.6 of ``A``, 32 sweeps to 1e-12 at 2e5 firms): for a
nonnegative ``A`` that rate is a single real Perron eigenvalue standing out of a much
smaller disk, which a short history removes. Anderson mixing (type II, "Alternating
Anderson-Richardson": Pratapa, Suryanarayana & Pask 2016) keeps the last ``WINDOW + 1``
iterates ``g_i = G(x_i)`` and residuals ``f_i = g_i - x_i`` and, every ``PERIOD``-th
sweep, restarts from ``x = Σ α_i g_i`` with ``Σ α_i = 1`` minimizing ``‖Σ α_i f_i‖`` (the
other sweeps take ``x = g``): 15-19 sweeps to 1e-12 at spectral radius 0.6 and 21-25 at 0.8
(2e5 firms), as few as GMRES on the same preconditioned system, for a few vector passes
per sweep instead of GMRES's basis (benchmarks/findings/kernel.md). The first sweep from
``x = 0`` is the preconditioned right-hand side itself, no extra pass.

The true residual: for ``g = G(x)``, ``b - (I - A) g = U (g - x)`` (strictly upper part of
``A``), about a quarter of ``‖f‖ = ‖g - x‖`` here and bounded by a multiple of it. The
iteration stops when ``‖f‖`` times the ratio of the true to the preconditioned residual
last observed (1 before the first check) is below ``tol``, then checks the true residual
of ``g`` from scratch (one product with ``A``); a miss continues the same iteration with
twice the ratio it measured. (Tracking ``U x`` inside the sweep to get the residual for
free cost a quarter of a sweep each time: more than the one product.)
"""

from __future__ import annotations

import math

import numpy as np

from .kernel import numba
from .krylov_gs import gs_gmres

__all__ = [
    "PERIOD",
    "WINDOW",
    "anderson_row",
    "combine",
    "gram_rows",
    "gs_anderson",
    "mixing",
    "sweep_f",
]

#: Earlier iterates kept besides the newest one.
WINDOW = 5
#: Sweeps per Anderson mixing (the others take the Gauss-Seidel iterate as it is).
PERIOD = 2
#: Right-hand sides up to which :func:`gs_solve` mixes row by row; larger blocks (the
#: exact dispersion's columns of L) run GMRES in lock step, their vector work batched.
MAX_ROWS = 4
#: Sweeps without a cut of the best residual by 1 % after which a solve gives up.
STALL = 12


def sweep_f(indptr, indices, data, rhs, z, f, diagonal: bool) -> float:
    """One Gauss-Seidel sweep ``z ← G(z)`` in place over the rows of a compressed
    structure (``z_i ← (rhs_i + Σ_(j≠i) a_ij z_j) / (1 - a_ii)``, as
    :func:`~linkage.core.krylov_gs.sweep`) that also writes ``f = G(z) - z``; returns
    ``f · f``. ``diagonal=False`` skips the test for diagonal entries (there are none:
    a tenth of a sweep here).

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 2]), np.array([1, 0])
    >>> data, b = np.array([0.5, 0.25]), np.array([1.0, 1.0])
    >>> z, f = np.zeros(2), np.empty(2)
    >>> float(sweep_f(indptr, indices, data, b, z, f, False)), z.tolist(), f.tolist()
    (2.5625, [1.0, 1.25], [1.0, 1.25])
    """
    ff = 0.0
    for i in range(indptr.size - 1):
        total = rhs[i]
        diag = 0.0
        if diagonal:
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                if j == i:
                    diag += data[p]
                else:
                    total += data[p] * z[np.uint64(j)]
            total /= 1.0 - diag
        else:
            for p in range(indptr[i], indptr[i + 1]):
                total += data[p] * z[np.uint64(indices[p])]
        d = total - z[i]
        f[i] = d
        ff += d * d
        z[i] = total
    return ff


def combine(alpha, G, hist, out) -> None:
    """``out = Σ_c alpha[c] G[hist[c]]`` in one pass (``out`` may be a row of ``G`` that
    ``hist`` leaves out)."""
    for i in range(out.size):
        total = 0.0
        for c in range(hist.size):
            total += alpha[c] * G[hist[c], i]
        out[i] = total


def gram_rows(F, fresh, hist, out) -> None:
    """``out[a, c] = F[fresh[a]] · F[hist[c]]`` in one pass over the rows of ``F``."""
    out[...] = 0.0
    for i in range(F.shape[1]):
        for a in range(fresh.size):
            fa = F[fresh[a], i]
            for c in range(hist.size):
                out[a, c] += fa * F[hist[c], i]


def _compile(fn):
    if numba is None:  # pragma: no cover - only used with the compiled sweeps
        return fn
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no writable cache folder (a read-only install)
        return numba.njit(nogil=True)(fn)


_sweep_f, _combine, _gram_rows = _compile(sweep_f), _compile(combine), _compile(gram_rows)


def mixing(gram, last: int) -> np.ndarray:
    """Weights ``α`` (summing to 1) minimizing ``‖Σ α_i f_i‖``, from the Gram matrix
    ``gram`` of the ``f_i`` (``last`` the newest).

    As ``α_last = 1 - Σ γ_i`` and ``α_i = γ_i`` with ``γ`` minimizing
    ``‖f_last + Σ γ_i (f_i - f_last)‖`` (normal equations, scaled, with an eigenvalue
    cut-off: the ``f_i`` shrink geometrically and turn alike as the iteration converges).

    Examples
    --------
    >>> import numpy as np
    >>> F = np.array([[1.0, 0.0], [-1.0, 0.0]])  # f_1 = -f_0: the midpoint
    >>> mixing(F @ F.T, 1).tolist()
    [0.5, 0.5]
    """
    q = gram.shape[0]
    alpha = np.zeros(q)
    alpha[last] = 1.0
    others = np.array([i for i in range(q) if i != last], dtype=np.int64)
    if not others.size:
        return alpha
    g_ll = gram[last, last]
    g_il = gram[others, last]
    DtD = gram[np.ix_(others, others)] - g_il[:, np.newaxis] - g_il[np.newaxis, :] + g_ll
    Dtf = g_il - g_ll
    d = np.sqrt(np.maximum(np.diag(DtD), 1e-300))
    w, Q = np.linalg.eigh(DtD / d[:, np.newaxis] / d[np.newaxis, :])
    keep = w > 1e-13 * max(float(w.max()), 1e-300)
    gamma = -(Q[:, keep] @ ((Q[:, keep].T @ (Dtf / d)) / w[keep])) / d
    if not np.all(np.isfinite(gamma)):
        return alpha
    alpha[others] = gamma
    alpha[last] = 1.0 - float(gamma.sum())
    return alpha


def _history(k: int, slots: int, nxt: int) -> np.ndarray:
    """Slots holding the iterates ``g_0 ... g_k`` still kept, the one to be overwritten
    next (``nxt``) left out."""
    return np.array([i for i in range(min(k + 1, slots)) if i != nxt], dtype=np.int64)


def anderson_row(S, b, tol: float, max_passes: int, diagonal: bool = True):
    """Solve ``(I - A) u = b`` by Anderson-mixed Gauss-Seidel sweeps over the rows of the
    CSR array ``S`` (``A``, or ``Aᵀ`` for a transposed solve; see the module).

    Parameters
    ----------
    S : scipy.sparse CSR array, shape (n, n)
        Rows of the matrix.
    b : ndarray, shape (n,)
    tol : float
        Relative residual ``‖b - (I - A) u‖ / ‖b‖`` to reach.
    max_passes : int
        Sweeps and products allowed.
    diagonal : bool
        False when ``S`` has no diagonal entries (a cheaper sweep).

    Returns
    -------
    tuple
        ``(u, passes, converged, residual)``: the solution, the passes over ``S`` spent,
        whether the true relative residual reached ``tol``, and that residual.
    """
    n = b.size
    bnorm = math.sqrt(float(b @ b))
    if bnorm == 0.0 or n == 0:
        return np.zeros(n), 0, True, 0.0
    slots = WINDOW + 2  # WINDOW + 1 mixed, one being written
    G, F = np.zeros((slots, n)), np.empty((slots, n))
    gram = np.zeros((slots, slots))
    stale: list[int] = []  # slots whose f changed since the Gram matrix was updated
    best = (math.inf, None)  # (true residual, u) of the best check
    ratio, best_f, since_best, passes = 1.0, math.inf, 0, 0
    for k in range(max(0, int(max_passes))):
        s = k % slots
        g = G[s]
        fnorm = math.sqrt(_sweep_f(S.indptr, S.indices, S.data, b, g, F[s], diagonal)) / bnorm
        passes += 1
        if not math.isfinite(fnorm):
            return g.copy(), passes, False, math.inf
        since_best = 0 if fnorm < 0.99 * best_f else since_best + 1
        best_f = min(best_f, fnorm)
        last = passes + 1 >= max_passes or since_best >= STALL
        if ratio * fnorm <= tol or last:  # the true residual of g, one product
            r = b - g + S @ g
            rel = math.sqrt(float(r @ r)) / bnorm
            passes += 1
            best = min(best, (rel, g.copy()), key=lambda t: t[0])
            if rel <= tol or last:
                break
            ratio = max(ratio, 2.0 * rel / max(fnorm, 1e-300))
        stale.append(s)
        nxt = (k + 1) % slots
        if (k + 1) % PERIOD == 0 and k >= 1:
            hist = _history(k, slots, nxt)
            fresh = np.array(sorted(set(stale) & set(hist.tolist())), dtype=np.int64)
            rows = np.empty((fresh.size, hist.size))
            _gram_rows(F, fresh, hist, rows)
            gram[np.ix_(fresh, hist)] = rows
            gram[np.ix_(hist, fresh)] = rows.T
            stale = []
            alpha = mixing(gram[np.ix_(hist, hist)], int(np.flatnonzero(hist == s)[0]))
            _combine(alpha, G, hist, G[nxt])
        else:
            np.copyto(G[nxt], g)
    rel, u = best
    return (np.zeros(n) if u is None else u), passes, bool(rel <= tol), float(rel)


def gs_anderson(gs, B, transposed, *, tol: float, max_products: int):
    """Rows of ``B`` (k, n) solved one after the other by :func:`anderson_row` over the
    structures of ``gs`` (:class:`~linkage.core.krylov_gs.GaussSeidel`), row ``r`` with
    ``Aᵀ`` when ``transposed[r]``; every sweep and product counted in ``gs.passes``.

    Returns ``(U, products, converged, residual)`` as the lock-step kernels do:
    ``products`` the most passes over ``A`` spent on one row, ``residual`` the worst true
    relative residual.
    """
    k, n = B.shape
    U = np.zeros((k, n))
    most, converged, worst = 0, True, 0.0
    for r in range(k):
        b = np.ascontiguousarray(B[r], dtype=np.float64)
        S = gs.rows[bool(transposed[r])]
        U[r], passes, ok, rel = anderson_row(S, b, tol, max_products, gs.diagonal)
        gs.passes += passes
        most, converged, worst = max(most, passes), converged and ok, max(worst, rel)
    return U, most, converged, worst


def gs_solve(gs, B, transposed, inner, *, tol, restart, max_products, augment):
    """The rows of ``B`` on the Gauss-Seidel sweeps of ``gs``: :func:`gs_anderson` for up
    to :data:`MAX_ROWS` rows, else :func:`~linkage.core.krylov_gs.gs_gmres` with the
    Krylov kernel ``inner``; returns ``(U, products, converged, residual)``."""
    if B.shape[0] <= MAX_ROWS:
        return gs_anderson(gs, B, transposed, tol=tol, max_products=max_products)
    return gs_gmres(
        gs, B, transposed, inner, tol=tol, restart=restart, max_products=max_products,
        augment=augment,
    )  # fmt: skip
