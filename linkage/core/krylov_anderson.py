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
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .kernel import numba

__all__ = [
    "PERIOD",
    "WINDOW",
    "anderson_row",
    "combine",
    "gram_rows",
    "gs_anderson",
    "gs_row",
    "mixing",
    "norm",
    "residual_score",
    "sumsq",
    "sweep_f",
    "threads",
]

#: Earlier iterates kept besides the newest one.
WINDOW = 5
#: Sweeps per Anderson mixing (the others take the Gauss-Seidel iterate as it is).
PERIOD = 2
#: Right-hand sides up to which :func:`~linkage.core.krylov_mixed.gs_solve` mixes row by
#: row; larger blocks (the exact dispersion's columns of L) run GMRES in lock step, their
#: vector work batched.
MAX_ROWS = 4
#: The weighted residual a right-hand side of wide range must reach, as a multiple of
#: ``tol``: 100 left the small firms' entries of ``L x`` at 1e6 firms 2.1e-9 off (scipy's
#: path), 1 takes them to 5e-11 (benchmarks/findings/kernel.md).
WEIGHTED_SHARE = 1.0
#: Sweeps without a cut of the best residual by 1 % after which a solve gives up.
STALL = 6
#: Sweeps before a stall counts: a non-normal ``M`` can raise ``‖f‖`` for a few sweeps
#: before it falls (7 sweeps at n = 14, spectral radius 0.97; tests/core).
STALL_AFTER = 18
_EPS = float(np.finfo(float).eps)


def sweep_f(indptr, indices, data, rhs, z, f, diagonal: bool, weights, weighted: bool) -> float:
    """One Gauss-Seidel sweep ``z ← G(z)`` in place over the rows of a compressed
    structure (``z_i ← (rhs_i + Σ_(j≠i) a_ij z_j) / (1 - a_ii)``, as
    :func:`~linkage.core.krylov_gs.sweep`) that also writes ``f = G(z) - z`` (times
    ``weights`` when ``weighted``); returns ``f · f``. ``diagonal=False`` skips the test
    for diagonal entries (there are none: a tenth of a sweep here).

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 2]), np.array([1, 0])
    >>> data, b = np.array([0.5, 0.25]), np.array([1.0, 1.0])
    >>> z, f, w = np.zeros(2), np.empty(2), np.array([1.0, 2.0])
    >>> float(sweep_f(indptr, indices, data, b, z, f, False, w, True)), z.tolist(), f.tolist()
    (7.25, [1.0, 1.25], [1.0, 2.5])
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
        if weighted:
            d *= weights[i]
        f[i] = d
        ff += d * d
        z[i] = total
    return ff


#: Columns of the kept rows one block of :func:`gram_rows` reads (8 rows of 8 bytes: 256 kB,
#: within a core's L2 cache, so every pair of rows reads the block from there).
GRAM_BLOCK = 4096


def combine(alpha, G, hist, out) -> None:
    """``out = Σ_c alpha[c] G[hist[c]]``, float64 sums over blocks of :data:`GRAM_BLOCK`
    columns (``out`` may be a row of ``G`` that ``hist`` leaves out).

    Row by row within a block, so each loop reads one contiguous row (a loop over ``c``
    inside the loop over the columns read the rows with a stride: 5.3 ms against 1.9 ms
    for 6 float32 rows of 1e6); the same sums in the same order as that loop.
    """
    n = out.size
    total = np.empty(min(GRAM_BLOCK, n))
    for start in range(0, n, GRAM_BLOCK):
        end = min(start + GRAM_BLOCK, n)
        first = G[hist[0], start:end]
        for i in range(end - start):
            total[i] = alpha[0] * first[i]
        for c in range(1, hist.size):
            row = G[hist[c], start:end]
            for i in range(end - start):
                total[i] += alpha[c] * row[i]
        for i in range(end - start):
            out[start + i] = total[i]


def gram_rows(F, fresh, hist, out) -> None:
    """``out[a, c] = F[fresh[a]] · F[hist[c]]``, float64 sums over blocks of
    :data:`GRAM_BLOCK` columns, in the calling thread.

    Not BLAS: OpenBLAS threads a product of this size, and its threads then spin for a
    while, on the core where the other row's sweeps run (1e6 firms: 0.6-0.8 s of CPU in a
    1.4 s solve; compiled, 1.9 ms against BLAS's 2.9 ms for 2 x 6 rows of 1e6).

    Examples
    --------
    >>> import numpy as np
    >>> F, out = np.arange(8.0).reshape(4, 2), np.empty((1, 2))
    >>> gram_rows(F, np.array([3]), np.array([0, 2]), out); out.tolist()
    [[7.0, 59.0]]
    """
    out[:, :] = 0.0
    n = F.shape[1]
    for start in range(0, n, GRAM_BLOCK):
        end = min(start + GRAM_BLOCK, n)
        for a in range(fresh.size):
            x = F[fresh[a], start:end]
            for c in range(hist.size):
                y = F[hist[c], start:end]
                total = 0.0
                for i in range(x.size):
                    total += x[i] * y[i]
                out[a, c] += total


def sumsq(x) -> float:
    """``x · x`` in the calling thread (not BLAS, whose ``ddot`` is threaded at this size:
    :func:`gram_rows`).

    Examples
    --------
    >>> import numpy as np
    >>> float(sumsq(np.array([3.0, 4.0])))
    25.0
    """
    total = 0.0
    for i in range(x.size):
        total += x[i] * x[i]
    return total


def _compile(fn, fastmath=False):
    if numba is None:  # pragma: no cover - only used with the compiled sweeps
        return fn
    try:
        return numba.njit(cache=True, nogil=True, fastmath=fastmath)(fn)
    except RuntimeError:  # no writable cache folder (a read-only install)
        return numba.njit(nogil=True, fastmath=fastmath)(fn)


# reassociated sums (vector lanes) where only norms and mixing weights depend on them
_REASSOC = {"reassoc", "contract"}
_gram_rows, _sumsq = _compile(gram_rows, _REASSOC), _compile(sumsq, _REASSOC)


def norm(x) -> float:
    """``‖x‖₂`` of a float64 vector by :func:`sumsq` (in the calling thread).

    Examples
    --------
    >>> import numpy as np
    >>> norm(np.array([3.0, 4.0]))
    5.0
    """
    return math.sqrt(float(_sumsq(x)))


_sweep_f, _combine = _compile(sweep_f), _compile(combine)


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


def _mix(F, G, gram, stale, k: int, slots: int) -> None:
    """The Anderson step after iterate ``k``: the Gram rows of the slots in ``stale``
    (emptied), the weights of the kept history, ``Σ α_i g_i`` into the next slot."""
    s, nxt = k % slots, (k + 1) % slots
    hist = _history(k, slots, nxt)
    fresh = np.array(sorted(set(stale) & set(hist.tolist())), dtype=np.int64)
    rows = np.empty((fresh.size, hist.size))
    _gram_rows(F, fresh, hist, rows)
    gram[np.ix_(fresh, hist)] = rows
    gram[np.ix_(hist, fresh)] = rows.T
    stale.clear()
    alpha = mixing(gram[np.ix_(hist, hist)], int(np.flatnonzero(hist == s)[0]))
    _combine(alpha, G, hist, G[nxt])


def _advance(F, G, gram, stale, k: int, slots: int) -> None:
    """The next iterate after sweep ``k``: every :data:`PERIOD`-th sweep the Anderson step
    (:func:`_mix`), else the Gauss-Seidel iterate copied into the next slot."""
    s = k % slots
    stale.append(s)
    if (k + 1) % PERIOD == 0 and k >= 1:
        _mix(F, G, gram, stale, k, slots)
    else:
        np.copyto(G[(k + 1) % slots], G[s])


def residual_score(b, u, Su, r, bnorm, w, wnorm, tol):
    """``(rel, weighted, goal)`` of ``u`` with ``Su = S @ u`` and ``r = b - u + Su``: the
    true relative residual, the weighted residual's norm ``‖w ∘ r‖`` and the goal it must
    reach, :data:`WEIGHTED_SHARE` ``tol ‖w ∘ b‖`` or its rounding floor
    ``8 eps ‖w ∘ (|b| + |u| + |Su|)‖`` (``w`` None: ``(rel, 0.0, 1.0)``)."""
    rel = norm(r) / bnorm
    if w is None:
        return rel, 0.0, 1.0
    floor = 8 * _EPS * norm(w * (np.abs(b) + np.abs(u) + np.abs(Su)))
    return rel, norm(w * r), max(WEIGHTED_SHARE * tol * wnorm, floor)


def anderson_row(S, b, tol, max_passes, diagonal=True, weights=None, indptr=None):
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
    weights : ndarray, shape (n,), optional
        Positive weights ``w``: the mixing minimizes ``‖w ∘ f‖`` and a solve goes on
        until ``‖w ∘ r‖ / ‖w ∘ b‖`` is below :data:`WEIGHTED_SHARE` ``tol`` too, or its floor
        ``8 eps ‖w ∘ (|b| + |u| + |M u|)‖ / ‖w ∘ b‖`` (:func:`rhs_weights`); the 2-norm
        residual alone decides ``converged``.
    indptr : ndarray, optional
        ``S.indptr`` as int64 (the compiled sweep is slower on int32 row pointers).

    Returns
    -------
    tuple
        ``(u, passes, converged, residual)``: the solution, the passes over ``S`` spent,
        whether the true relative residual (and the weighted one) reached ``tol``, and
        the true relative residual.
    """
    n = b.size
    bnorm = norm(b)
    if bnorm == 0.0 or n == 0:
        return np.zeros(n), 0, True, 0.0
    indptr = S.indptr if indptr is None else indptr
    weighted = weights is not None
    w = np.asarray(weights, dtype=np.float64) if weighted else b  # (b: a placeholder)
    wnorm = norm(w * b) if weighted else bnorm
    slots = WINDOW + 2  # WINDOW + 1 mixed, one being written
    G, F = np.zeros((slots, n)), np.empty((slots, n))
    gram = np.zeros((slots, slots))
    stale: list[int] = []  # slots whose f changed since the Gram matrix was updated
    best = (True, math.inf, math.inf, None)  # (missed tol, score, true residual, u)
    ratio, best_f, since_best, passes = 1.0, math.inf, 0, 0
    for k in range(max(0, int(max_passes))):
        s = k % slots
        g = G[s]
        ff = _sweep_f(indptr, S.indices, S.data, b, g, F[s], diagonal, w, weighted)
        fnorm = math.sqrt(ff) / wnorm
        passes += 1
        if not math.isfinite(fnorm):
            return g.copy(), passes, False, math.inf
        since_best = 0 if fnorm < 0.99 * best_f else since_best + 1
        best_f = min(best_f, fnorm)
        last = passes + 1 >= max_passes or (since_best >= STALL and k >= STALL_AFTER)
        if ratio * fnorm <= tol or last:  # the true residual of g, one product
            Sg = S @ g
            r = b - g + Sg
            passes += 1
            # <= tol: done (and the weighted residual too, or to its rounding floor)
            rel, wres, goal = residual_score(
                b, g, Sg, r, bnorm, w if weighted else None, wnorm, tol
            )
            score = max(rel, wres * tol / goal) if weighted else rel
            best = min(best, (rel > tol, score, rel, g.copy()), key=lambda t: t[:2])
            if score <= tol or last:
                break
            ratio = max(ratio, 2.0 * score / max(fnorm, 1e-300))
        _advance(F, G, gram, stale, k, slots)
    _, _, rel, u = best
    return (np.zeros(n) if u is None else u), passes, bool(rel <= tol), float(rel)


def rhs_weights(b, spread: float = 1e4):
    """Weights ``1 / |b_i|`` for a right-hand side whose nonzero entries span more than
    ``spread`` (zeros get the smallest weight), else None. (1e4: the 1e6 firms' output
    spans 8e7; a lognormal output of sigma 1 on 2000 firms, about 1e3, keeps its solves.)

    A 2-norm residual of 1e-12 leaves the entries of ``u`` that belong to small ``b_i``
    (small firms' output in ``L x``) with relative errors up to 1e-8 at 1e6 firms; Gauss-
    Seidel is unchanged by the scaling ``diag(b)⁻¹ (I - A) diag(b)``, so the weights only
    steer the mixing and the stop to the scaled system's residual.

    Examples
    --------
    >>> import numpy as np
    >>> rhs_weights(np.ones(3)) is None, rhs_weights(np.array([1.0, 1e5, 0.0])).tolist()
    (True, [1.0, 1e-05, 1e-05])
    """
    a = np.abs(np.asarray(b, dtype=np.float64))
    nonzero = a[a > 0]
    if not nonzero.size or nonzero.max() <= spread * nonzero.min():
        return None
    return 1.0 / np.where(a > 0, a, nonzero.max())


def threads(k: int) -> int:
    """Rows :func:`gs_anderson` solves at once for ``k`` rows: one per core
    (``os.cpu_count()``), or ``LINKAGE_SOLVE_THREADS`` when set (``1``: one after the
    other), never more than ``k``.

    Examples
    --------
    >>> threads(1)
    1
    """
    asked = os.environ.get("LINKAGE_SOLVE_THREADS", "").strip()
    cores = int(asked) if asked.isdigit() and int(asked) > 0 else (os.cpu_count() or 1)
    return max(1, min(cores, k))


def gs_row(gs, b, transposed: bool, tol: float, max_products: int):
    """One row ``b`` by :func:`anderson_row` on the structure of ``gs`` for
    ``transposed`` (float64 sweeps, :func:`rhs_weights`)."""
    S, indptr = gs.structure(transposed)
    return anderson_row(S, b, tol, max_products, gs.diagonal, rhs_weights(b), indptr)


def gs_anderson(gs, B, transposed, *, tol: float, max_products: int, row=gs_row):
    """Rows of ``B`` (k, n) solved by :func:`anderson_row` over the structures of ``gs``
    (:class:`~linkage.core.krylov_gs.GaussSeidel`), row ``r`` with ``Aᵀ`` when
    ``transposed[r]``; every sweep and product counted in ``gs.passes``.

    The rows are independent and the compiled sweeps release the GIL, so up to
    :func:`threads` rows run at once (``L 1``, ``L x`` and ``1ᵀL`` of the linkages on two
    cores: 0.7 of the wall time, the same numbers to the last bit: each row's arithmetic
    does not depend on the others'). The rows on the structure ``A`` already has start
    first (``1ᵀL`` on a CSC ``A``'s own arrays), so the other structure's copy (scipy's
    transpose, which releases the GIL) and numba's first call in a process overlap.

    ``row(gs, b, transposed, tol, max_products)`` solves one row (:func:`gs_row`; the
    mixed-precision one: :func:`~linkage.core.krylov_mixed.gs_mixed_row`).

    Returns ``(U, products, converged, residual)`` as the lock-step kernels do:
    ``products`` the most passes over ``A`` spent on one row, ``residual`` the worst true
    relative residual.
    """
    k, n = B.shape

    def solve(r):
        b = np.ascontiguousarray(B[r], dtype=np.float64)
        return row(gs, b, bool(transposed[r]), tol, max_products)

    # the rows on the structure A has first: they sweep while another thread copies
    order = sorted(range(k), key=lambda r: not gs.ready(transposed[r]))
    workers = threads(k)
    if workers == 1:
        done = [solve(r) for r in order]
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="linkage-row") as pool:
            done = list(pool.map(solve, order))
    rows = [None] * k
    for r, row in zip(order, done, strict=True):
        rows[r] = row
    U = np.zeros((k, n))
    for r, (u, _, _, _) in enumerate(rows):
        U[r] = u
    gs.passes += sum(p for _, p, _, _ in rows)
    most = max((p for _, p, _, _ in rows), default=0)
    converged = all(ok for _, _, ok, _ in rows)
    return U, most, converged, max((rel for *_, rel in rows), default=0.0)
