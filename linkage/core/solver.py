"""The Leontief core: factorize ``I - A`` once, solve for as many right-hand sides as needed.

Every standard linkage index needs only a few solves with ``I - A`` (column sums of the
Leontief inverse ``L = (I - A)⁻¹`` from one transposed solve, row sums from one plain
solve), so :class:`LeontiefSolver` never forms ``L`` unless asked. Three backends:

``dense``
    LAPACK LU with partial pivoting (:func:`scipy.linalg.lu_factor`) of ``I - A``, built
    once in Fortran order and factorized in place: about ``8 n²`` bytes beyond ``A``,
    ``n³/3`` flops once, then ``2 n²`` flops per right-hand side.
``splu``
    SuperLU (:func:`scipy.sparse.linalg.splu`) with the COLAMD fill-reducing column
    ordering. Memory and time depend on the fill-in of the factors.
``iterative``
    Restarted GMRES on ``I - A`` (or ``(I - A)ᵀ``) that runs all right-hand sides in
    lock step with products by ``A`` itself (no copy: ``A.T`` of a CSC array is a CSR
    view, of an ndarray a BLAS-transposed view). Sparse ``A``: GMRES(12) on a power
    basis with two earlier corrections kept (about a tenth of Arnoldi's vector work);
    dense ``A``: Arnoldi GMRES(20) with BLAS ``gemv`` products (Gram-Schmidt is cheap
    next to a dense product). Stops at a relative residual ``tol``.
    ``iteration="neumann"`` uses the plain Neumann series ``u ← b + A u`` instead.

``method="auto"`` picks one from the kind, size, density and norms of ``A`` (see
:func:`explain_method`): GMRES when ``‖A‖₁ < 1`` or ``‖A‖∞ < 1`` certifies its
convergence on tables above 1000 sectors, a factorization otherwise; with GMRES on a
dense table it keeps a dense LU in reserve for blocks of L. Every solve records the
method and the relative residual ``‖(I - A)u - b‖ / ‖b‖`` in
:attr:`LeontiefSolver.last_info`; :attr:`LeontiefSolver.method_reason` says why.

A singular or non-productive system raises :class:`linkage.errors.SingularSystemError`
naming the offending sectors; results never contain NaN or infinities.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import (
    ConvergenceWarning,
    InvalidTableError,
    MemoryLimitError,
    SingularSystemError,
)

__all__ = [
    "AutoChoice",
    "LeontiefSolver",
    "SolveInfo",
    "choose_method",
    "explain_method",
    "METHODS",
]

#: Methods a user may ask for.
METHODS = ("auto", "dense", "splu", "iterative")

#: ``auto`` uses the dense LU up to this many sectors whatever the density.
DENSE_MAX_N = 3000
#: ... and for larger but dense-ish matrices (density above DENSE_MIN_DENSITY) while the
#: LU fits in this many bytes.
DENSE_MAX_BYTES = 2 * 1024**3
DENSE_MIN_DENSITY = 0.10
#: ``auto`` uses SuperLU for sparse systems up to this many sectors, GMRES above.
SPLU_MAX_N = 20_000
#: ... and only while the average number of nonzeros per column stays below this
#: (random, network-like patterns fill in catastrophically).
SPLU_MAX_NNZ_PER_COL = 50

#: ``auto`` keeps the dense LU (whatever the norms) up to this many sectors.
ITERATIVE_MIN_N = 1000
#: ``auto`` with GMRES and a factorization in reserve: products per right-hand side
#: before it falls back to the factorization.
AUTO_MAX_PRODUCTS = 100
#: GMRES cycle length (products per restart) of ``iteration="gmres"`` (power basis) and
#: of ``iteration="arnoldi"``, and earlier corrections kept by the power-basis variant.
RESTART = {"power": 12, "arnoldi": 20}
AUGMENT = 2
#: GMRES uses Arnoldi (Gram-Schmidt) for ``A`` with more nonzeros per row than this.
DENSE_LIKE_NNZ_PER_ROW = 64

#: Default memory budget of one block of L in :meth:`LeontiefSolver.column_blocks`.
DEFAULT_BLOCK_BYTES = 256 * 1024**2
#: Direct solves with more right-hand sides than this check the residual on this many
#: evenly spaced columns (a full check of a block of L costs as much as the solve).
RESIDUAL_SAMPLE = 32
#: Default limit of :meth:`LeontiefSolver.to_dense`.
DEFAULT_DENSE_LIMIT = 4 * 1024**3

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class SolveInfo:
    """What the last solve did.

    Attributes
    ----------
    method : str
        ``"dense"``, ``"splu"`` or ``"iterative"``.
    residual : float
        Relative residual ``‖(I - A)u - b‖₂ / ‖b‖₂`` (transposed system for transposed
        solves), the maximum over the right-hand sides (over 32 evenly spaced ones when a
        direct method solves for more than 32 at once, e.g. a block of L).
    iterations : int
        Products with ``A`` per right-hand side (iterative method; the most any
        right-hand side of the solve needed), 0 for the direct methods.
    """

    method: str
    residual: float
    iterations: int = 0


def _label(labels, i: int):
    if labels is None:
        return f"S{i + 1}"
    value = labels[i]
    return value if isinstance(value, str) else str(value)


def _names(labels, idx, limit: int = 10) -> list:
    return [_label(labels, int(i)) for i in list(idx)[:limit]]


@dataclass(frozen=True)
class AutoChoice:
    """What ``method="auto"`` picks for a matrix, and why (see :func:`explain_method`).

    Attributes
    ----------
    method : str
        Backend for solves with few right-hand sides (the linkage indices need three).
    block_method : str
        Backend for many right-hand sides (blocks of L: dispersion, ``to_dense``,
        ``diagonal``) and the fallback when the iteration misses its tolerance; equal to
        ``method`` unless ``method`` is ``"iterative"`` on a table a factorization suits.
    reason : str
        One sentence naming the facts the choice rests on.
    """

    method: str
    block_method: str
    reason: str


def _norms(A, col_sums=None, nonnegative=None) -> tuple[float, float]:
    """``(‖A‖₁, ‖A‖∞)``: largest column and row sums of ``|A|``, without an ``|A|`` copy
    when ``A >= 0`` (and in 64 MiB column blocks otherwise); the column sums of ``A`` and
    whether ``A >= 0`` are reused when known (each is a pass over ``A``)."""
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


def _factor_rule(A) -> tuple[str, str]:
    """The factorization-first rule (what ``auto`` used for every table before GMRES was
    preferred for certified ones): ``(method, reason)``."""
    n = A.shape[0]
    if sp.issparse(A):
        nnz = A.nnz
    else:
        if n <= DENSE_MAX_N:
            return "dense", f"dense, n = {n} <= {DENSE_MAX_N}: LAPACK LU"
        step = max(1, n // 256)  # the density from 256 evenly spaced rows: one pass less
        nnz = int(np.count_nonzero(A[::step])) * n // A[::step].shape[0]
    density = nnz / max(n * n, 1)
    lu_bytes = 8 * n * n
    if n <= DENSE_MAX_N:
        return "dense", f"n = {n} <= {DENSE_MAX_N}: LAPACK LU on a dense copy"
    if density > DENSE_MIN_DENSITY and lu_bytes <= DENSE_MAX_BYTES:
        return "dense", (
            f"{density:.0%} nonzero and an LU of {lu_bytes / 1024**2:,.0f} MiB: LAPACK LU"
        )
    per_col = nnz / max(n, 1)
    if n <= SPLU_MAX_N and per_col <= SPLU_MAX_NNZ_PER_COL:
        return "splu", (
            f"sparse, n = {n} <= {SPLU_MAX_N} with {per_col:.0f} nonzeros per column: SuperLU"
        )
    return "iterative", (
        f"sparse, n = {n} with {per_col:.0f} nonzeros per column: an LU would fill in, GMRES"
    )


def explain_method(A, *, norms: tuple[float, float] | None = None) -> AutoChoice:
    """What ``method="auto"`` picks for ``A``, and why.

    Rule, in order:

    1. ``n <= 1000`` → the factorization rule below (a dense LU for every dense table of
       that size: milliseconds, and exact);
    2. convergence certified, ``min(‖A‖₁, ‖A‖∞) < 1`` (every column or every row of
       ``|A|`` sums to less than 1; then ``‖A^k‖ <= ‖A‖^k`` bounds the Neumann series and
       GMRES does at least as well) → ``"iterative"``: the linkage indices need three
       solves, and GMRES needs only products with ``A`` (BLAS ``gemv`` on a dense
       ndarray, no copy of ``A``), where a factorization costs ``2n³/3`` flops or fills in.
       Blocks of many right-hand sides (more than ``max(16, n / 50)``: dispersion,
       ``to_dense``, ``diagonal``) and a GMRES that misses ``tol`` within 100 products go to
       a dense LU when the factorization rule gives ``"dense"``; sparse tables above 3000
       sectors stay iterative (the fill-in of a sparse LU of a network is unpredictable);
    3. otherwise the factorization rule: a dense ndarray with ``n <= 3000``, or denser than
       10 % with an LU in 2 GiB → ``"dense"``; the same for sparse; sparse with
       ``n <= 20000`` and at most 50 nonzeros per column → ``"splu"``; else
       ``"iterative"``.

    Parameters
    ----------
    A : ndarray or scipy.sparse array, shape (n, n)
    norms : (float, float), optional
        ``(‖A‖₁, ‖A‖∞)`` when already known.

    Returns
    -------
    AutoChoice

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> explain_method(np.eye(5) * 0.1).method
    'dense'
    >>> c = explain_method(sp.eye_array(50_000, format="csr") * 0.5)
    >>> c.method, c.block_method
    ('iterative', 'iterative')
    >>> c.reason.split(";")[0]
    'certified ‖A‖₁ = 0.5 < 1 bounds the convergence'
    """
    n = A.shape[0]
    method, why = _factor_rule(A)
    if n <= ITERATIVE_MIN_N:
        return AutoChoice(method, method, f"small, n = {n} <= {ITERATIVE_MIN_N}: {why}")
    norm1, norm_inf = _norms(A) if norms is None else norms
    name, norm = ("‖A‖₁", norm1) if norm1 <= norm_inf else ("‖A‖∞", norm_inf)
    if not norm < 1.0:
        return AutoChoice(
            method, method, f"{name} = {norm:.3g} >= 1 (convergence not certified): {why}"
        )
    block = method if method == "dense" else "iterative"
    kind = "dense ndarray" if not sp.issparse(A) else "sparse"
    more = (
        f"dense LU for blocks of L or if GMRES misses tol ({why})"
        if block == "dense"
        else "GMRES for blocks of L too (a sparse LU of this size may fill in)"
    )
    return AutoChoice(
        "iterative",
        block,
        f"certified {name} = {norm:.3g} < 1 bounds the convergence; {kind}, n = {n}: "
        f"GMRES for few right-hand sides, {more}",
    )


def choose_method(A) -> str:
    """The method ``method="auto"`` uses for few right-hand sides (see :func:`explain_method`).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> choose_method(np.eye(5) * 0.1)
    'dense'
    >>> choose_method(sp.eye_array(10_000, format="csr") * 0.5)
    'iterative'
    >>> choose_method(sp.eye_array(10_000, format="csr") * 1.5)   # not certified
    'splu'
    """
    return explain_method(A).method


# ---------------------------------------------------------------------------- kernels
def _gmres_arnoldi(apply, B, tol, restart, max_products):
    """Restarted GMRES with Arnoldi (Gram-Schmidt) for ``(I - M) U = B``, in lock step.

    ``B`` holds one right-hand side per row (shape (k, n)); ``apply(V)`` returns the
    product of ``M`` with every row of ``V``, as rows. Rows that converge drop out of the
    products. Classical Gram-Schmidt with one re-orthogonalization when cancellation is
    large ("twice is enough"). The textbook variant, used for dense ``A``: there a
    product (``2 n²`` flops) dwarfs the two to four passes over the growing basis that
    each product adds, and Arnoldi stops on the exact step. After each cycle the true
    residual ``‖b - (I - M) u‖ / ‖b‖`` is computed from scratch (one product per row).
    Returns ``(U, products, converged, residual)`` as :func:`_gmres_power`.
    """
    k, n = B.shape
    X = np.zeros((k, n))
    bnorm = np.linalg.norm(B, axis=1)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    R = B.copy()  # residual of X = 0
    used = np.zeros(k, dtype=np.int64)  # products with M per right-hand side
    rel = np.linalg.norm(R, axis=1) / bnorm
    active = np.flatnonzero(rel > tol)
    best = rel.copy()
    stalled = 0
    while active.size and used[active].max() + 2 <= max_products:
        kc = active.size
        m = max(1, min(restart, int(max_products - used[active].max() - 1)))
        beta = np.linalg.norm(R[active], axis=1)
        V = np.empty((kc, m + 1, n))
        np.multiply(R[active], (1.0 / beta)[:, np.newaxis], out=V[:, 0])
        H = np.zeros((kc, m + 1, m))
        cs = np.zeros((kc, m))
        sn = np.zeros((kc, m))
        g = np.zeros((kc, m + 1))
        g[:, 0] = beta
        steps = np.zeros(kc, dtype=np.int64)  # Krylov steps taken per row
        live = np.ones(kc, dtype=bool)
        goal = 0.5 * tol * bnorm[active]
        for j in range(m):
            rows = np.flatnonzero(live)
            T = apply(V[rows, j])
            used[active[rows]] += 1
            for r, c in enumerate(rows):
                vj, w, Vc = V[c, j], V[c, j + 1], V[c, : j + 1]
                np.subtract(vj, T[r], out=w)  # w = (I - M) v_j
                w_norm0 = math.sqrt(float(w @ w))
                h = Vc @ w
                w -= h @ Vc
                w_norm = math.sqrt(float(w @ w))
                if w_norm < 0.7 * w_norm0:
                    h2 = Vc @ w
                    w -= h2 @ Vc
                    h += h2
                    w_norm = math.sqrt(float(w @ w))
                H[c, : j + 1, j] = h
                H[c, j + 1, j] = w_norm
                if w_norm > 1e-14 * w_norm0:
                    w *= 1.0 / w_norm
                else:  # breakdown: the Krylov space is exhausted
                    w[:] = 0.0
                    H[c, j + 1, j] = 0.0
                for i in range(j):  # earlier Givens rotations on column j
                    a, b = H[c, i, j], H[c, i + 1, j]
                    H[c, i, j] = cs[c, i] * a + sn[c, i] * b
                    H[c, i + 1, j] = -sn[c, i] * a + cs[c, i] * b
                a, b = H[c, j, j], H[c, j + 1, j]
                rr = math.hypot(a, b)
                cs[c, j], sn[c, j] = (a / rr, b / rr) if rr > 0 else (1.0, 0.0)
                H[c, j, j] = rr
                H[c, j + 1, j] = 0.0
                g[c, j + 1] = -sn[c, j] * g[c, j]
                g[c, j] = cs[c, j] * g[c, j]
                steps[c] = j + 1
                # converged, or breakdown (the solution lies in the Krylov space)
                if abs(g[c, j + 1]) <= goal[c] or sn[c, j] == 0.0:
                    live[c] = False
            if not live.any():
                break
        for c, row in enumerate(active):
            sc = int(steps[c])
            Hc = H[c, :sc, :sc]
            diag = np.abs(np.diag(Hc))
            keep = sc
            tiny = diag <= 1e-13 * max(float(diag.max()) if diag.size else 0.0, 1e-300)
            if np.any(tiny):  # (numerically) singular Krylov system: the part before it
                keep = int(np.flatnonzero(tiny)[0])
            if keep:
                y = sla.solve_triangular(Hc[:keep, :keep], g[c, :keep], check_finite=False)
                X[row] += y @ V[c, :keep]
        del V
        # true residual from scratch: b - u + M u (one product per row)
        R[active] = B[active] - X[active] + apply(X[active])
        used[active] += 1
        new_rel = np.linalg.norm(R, axis=1) / bnorm
        if not np.all(np.isfinite(new_rel)):
            rel = new_rel
            break
        # a whole cycle that cuts no residual by 1 % means stagnation (singular I - A)
        stalled = stalled + 1 if np.all(new_rel[active] > 0.99 * best[active]) else 0
        rel = new_rel
        best = np.minimum(best, rel)
        active = np.flatnonzero(rel > tol)
        if stalled >= 2:
            break
    worst = float(rel.max()) if rel.size else 0.0
    return X, int(used.max()) if k else 0, active.size == 0, worst


def _gmres_power(apply, B, tol, s, max_products, augment=2):
    """Restarted GMRES(s) on a power basis with augmentation, for ``(I - M) U = B``.

    All right-hand sides (rows of ``B``, shape (k, n)) advance in lock step: each cycle
    makes ``s`` products ``P_i = M^i r`` (``P_0 = r``, the current residual) and
    minimizes ``‖r - W c‖`` over
    ``W_i = P_i - P_(i+1) = (I - M) P_i``, plus the last ``augment`` corrections ``dz`` of
    earlier cycles with their images ``(I - M) dz = r_before - r_after`` (known without a
    product; "loose" GMRES, Baker, Jessup & Manteuffel 2005, which recovers most of what
    restarting loses). The small least-squares problem is solved from one Gram matrix of
    the basis, so the vector work is about three passes over the basis per cycle instead
    of Arnoldi's two to four passes over the growing basis per product; with about ten
    nonzeros per row that work costs as much as the products themselves. The power basis
    is scaled and solved with an eigenvalue cut-off (it becomes ill-conditioned as
    ``M^i r`` turns towards the dominant eigenvector), which is why ``s`` stays small.

    ``x += K c`` and ``r -= W c`` need no product; the last cycle is cut to the products
    the observed rate needs, and the true residual ``‖b - (I - M) u‖ / ‖b‖`` is computed
    from scratch (one product per row) before a solve counts as converged. A whole cycle
    that cuts no residual by 1 % twice in a row stops the solve (singular ``I - M``).

    Returns ``(U, products, converged, residual)``: ``U`` with one solution per row,
    ``products`` the most products with ``M`` spent on one right-hand side, ``residual``
    the worst true relative residual.
    """
    k, n = B.shape
    X = np.zeros((k, n))
    R = B.copy()
    bnorm = np.linalg.norm(B, axis=1)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    rel = np.linalg.norm(R, axis=1) / bnorm
    used = np.zeros(k, dtype=np.int64)
    rate = np.full(k, np.nan)  # residual reduction per product in the last cycle
    best = rel.copy()
    stalled = 0
    checked = True  # rel holds true residuals, not the recursion's
    s, na = max(1, int(s)), max(0, int(augment))
    # one buffer per right-hand side, allocated once: the images Wa_j of the earlier
    # corrections in slots [0, na) (filled from the top, so the filled ones and the basis
    # P_0 ... P_m in slots [na, na + m] form one contiguous block), then the basis
    Y = np.empty((k, na + s + 1, n))
    Za = np.empty((k, na, n))  # the earlier corrections dz themselves
    filled = np.zeros(k, dtype=np.int64)
    oldest = np.zeros(k, dtype=np.int64)
    while True:
        active = np.flatnonzero(rel > tol)
        if not active.size:
            if checked:
                break
            R = B - X + apply(X)  # the true residual, one product per row
            used += 1
            rel = np.linalg.norm(R, axis=1) / bnorm
            checked = True
            continue
        room = max_products - int(used[active].max()) - 1
        if room < 1:
            break
        m = s if np.all(used[active] > 0) else max(4, s // 2)  # a short first cycle
        r_act = rate[active]
        if np.all((r_act > 0) & (r_act < 1)):  # what the last cycle's rate says is left
            want = np.log(0.5 * tol / rel[active]) / np.log(r_act)
            m = int(min(s, max(1, math.ceil(float(want.max())) + 1)))
        m = min(m, room)
        Y[active, na] = R[active]
        for i in range(m):
            Y[active, na + i + 1] = apply(Y[active, na + i])
        used[active] += m
        for row in active:
            q = int(filled[row])
            lo = na - q
            Yc = Y[row, lo : na + m + 1]  # [Wa_1 ... Wa_q, P_0 ... P_m], a view
            G = Yc @ Yc.T  # one pass over the basis
            # the columns of the least-squares matrix as combinations of the rows of Yc:
            # W_i = P_i - P_(i+1) for i < m, then the Wa_j
            T = np.zeros((m + q, q + m + 1))
            T[np.arange(m), q + np.arange(m)] = 1.0
            T[np.arange(m), q + 1 + np.arange(m)] = -1.0
            T[m + np.arange(q), np.arange(q)] = 1.0
            WtW = T @ G @ T.T
            Wtr = T @ G[:, q]
            d = np.sqrt(np.maximum(np.diag(WtW), 1e-300))
            w, Q = np.linalg.eigh(WtW / d[:, np.newaxis] / d[np.newaxis, :])
            keep = w > 1e-15 * max(float(w.max()), 1e-300)
            coef = (Q[:, keep] @ ((Q[:, keep].T @ (Wtr / d)) / w[keep])) / d
            dz = coef[:m] @ Y[row, na : na + m]
            if q:
                dz += coef[m:] @ Za[row, lo:na]
            X[row] += dz
            r_new = Y[row, na] - (coef @ T) @ Yc
            if na:  # keep dz and its image r - r_new, replacing the oldest
                if q < na:
                    slot = na - 1 - q
                    filled[row] = q + 1
                else:  # slots were filled na - 1, ..., 0: the oldest goes first
                    slot = na - 1 - int(oldest[row])
                    oldest[row] = (oldest[row] + 1) % na
                Za[row, slot] = dz
                np.subtract(Y[row, na], r_new, out=Y[row, slot])
            R[row] = r_new
        new_rel = np.linalg.norm(R[active], axis=1) / bnorm[active]
        checked = False
        if not np.all(np.isfinite(new_rel)):
            rel[active] = new_rel
            break
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rate[active] = (new_rel / rel[active]) ** (1.0 / m)
        full = m == s
        stalled = stalled + 1 if full and np.all(new_rel > 0.99 * best[active]) else 0
        rel[active] = new_rel
        best[active] = np.minimum(best[active], new_rel)
        if stalled >= 2:
            break
    if not checked:  # stopped before converging: report the true residual
        R = B - X + apply(X)
        used += 1
        rel = np.linalg.norm(R, axis=1) / bnorm
    worst = float(rel.max()) if rel.size else 0.0
    return X, int(used.max()) if k else 0, bool(np.all(rel <= tol)), worst


def _neumann_block(apply, B, tol, max_products):
    """Neumann series ``U ← B + M U`` (Jacobi iteration on ``I - M``), rows of ``B`` at once.

    Returns ``(U, products, converged)``. After k products the residual of the partial
    sum ``B + M B + ... + M^k B`` is the next increment ``M^(k+1) B``, so the loop stops
    when every ``‖M^k b‖ / ‖b‖ <= tol``, or when the increments grow (divergence).
    """
    bnorm = np.linalg.norm(B, axis=1)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    X = B.copy()
    D = B
    products = 0
    previous = np.inf
    while products < max_products:
        D = apply(D)  # D = M^k B, the residual of the partial sum
        products += 1
        rel = np.linalg.norm(D, axis=1) / bnorm
        X += D
        worst = float(rel.max()) if rel.size else 0.0
        if not math.isfinite(worst):
            break
        if worst <= tol:
            return X, products, True
        if products > 50 and worst > previous * 1.5:  # growing geometric increments
            break
        previous = min(previous, worst)
    return X, products, False


# ---------------------------------------------------------------------------- solver
class LeontiefSolver:
    """Solves ``(I - A) u = b`` and ``(I - A)ᵀ u = b`` with one factorization of ``I - A``.

    Parameters
    ----------
    A : ndarray or scipy.sparse array, shape (n, n)
        Input coefficients; kept by reference, never modified (do not modify it
        either). Not copied beyond the one ``n × n`` LU workspace (dense), the
        factors (splu) or nothing at all (iterative; CSC and CSR arrays are used as
        they are, other sparse formats converted to CSR once).
    method : {"auto", "dense", "splu", "iterative"}
        Backend; ``"auto"`` follows :func:`explain_method`.
    labels : sequence, optional
        Sector labels, used to name sectors in error messages.
    tol : float
        Relative residual the iterative method stops at (default ``1e-12``); the direct
        methods refine once with the same factorization when they miss it.
    max_iter : int, optional
        Maximum products with ``A`` per right-hand side and solve for the iterative
        method (default 1000; 100 while ``auto`` keeps a factorization in reserve).
    restart : int, optional
        GMRES restart length: products per cycle (default 12 on the power basis used
        for sparse ``A``, 20 with Arnoldi for dense ``A``); memory about
        ``8 · n · (restart + 5)`` bytes per right-hand side.
    iteration : {"gmres", "neumann"}
        Iterative scheme: restarted GMRES (default; rate set by the eigenvalues of ``A``
        other than the dominant one) or the plain Neumann series (rate = spectral radius).
    check : bool
        Check productivity on construction (default True); see Notes.

    Attributes
    ----------
    method : str
        The resolved method for few right-hand sides: ``"dense"``, ``"splu"`` or
        ``"iterative"``.
    block_method : str
        The method for many right-hand sides (blocks of L, more than
        :meth:`block_threshold` right-hand sides in all) and the fallback when the
        iteration misses ``tol``; differs from ``method`` only when ``auto`` chose
        GMRES on a table a dense LU also suits. ``last_info.method`` tells which one
        answered a solve.
    method_reason : str
        Why ``auto`` chose the methods (or that one was requested), with any fallback
        that happened since.
    n : int
        Number of sectors.
    nnz : int
        Nonzeros of ``A`` (``n²`` for an ndarray: a product costs ``2 n²`` flops).
    last_info : SolveInfo or None
        Method, residual and iterations of the last solve.
    products : int
        Products with ``A`` or ``Aᵀ`` so far (iterative method), counting each solve's
        most demanding right-hand side.
    matvecs : int
        Matrix-vector products so far, counted per right-hand side.

    Raises
    ------
    SingularSystemError
        ``I - A`` is singular, or ``A`` is nonnegative and not productive (spectral
        radius >= 1); the message and ``.sectors`` name the offending sectors.
    InvalidTableError
        ``A`` not square or with non-finite entries.

    Notes
    -----
    Productivity check. For a nonnegative ``A`` the system is productive (spectral
    radius ρ(A) < 1, ``L >= 0``) exactly when ``u = (I - A)⁻¹ 1`` is positive: if
    ``u > 0`` then ``max_i (Au)_i / u_i = max_i (u_i - 1)/u_i < 1`` bounds ρ(A)
    (Collatz–Wielandt), and if ρ(A) < 1 then ``u = Σ A^k 1 >= 1``. When every column
    sum or every row sum of ``|A|`` is below 1 the system is productive without a solve;
    otherwise the constructor solves for ``u`` once and raises when any ``u_i < 1/2``.
    A column of ``A`` summing to 1 or more (value added <= 0) is not by itself an error,
    but such sectors are the ones named when the system fails. For an ``A`` with
    negative entries only singularity (a zero or tiny pivot, a huge residual) is checked.

    Examples
    --------
    Miller & Blair (2009), Table 2.3:

    >>> import numpy as np
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> s = LeontiefSolver(A, labels=["agriculture", "manufacturing"])
    >>> s.method, s.method_reason
    ('dense', 'small, n = 2 <= 1000: dense, n = 2 <= 3000: LAPACK LU')
    >>> x = s.solve([350.0, 1700.0])
    >>> bool(np.allclose(x, [1000.0, 2000.0]))
    True
    >>> s.solve(np.ones(2), transpose=True).round(4)   # output multipliers
    array([1.5182, 1.4521])
    >>> s.last_info.residual < 1e-14
    True
    >>> s.to_dense().round(4)
    array([[1.2541, 0.33  ],
           [0.264 , 1.1221]])
    """

    def __init__(
        self,
        A,
        method: str = "auto",
        *,
        labels=None,
        tol: float = 1e-12,
        max_iter: int | None = None,
        restart: int | None = None,
        iteration: str = "gmres",
        check: bool = True,
    ):
        if method not in METHODS:
            raise ValueError(
                f"The 'method' parameter of LeontiefSolver must be one of {set(METHODS)}. "
                f"Got {method!r} instead."
            )
        if iteration not in ("gmres", "neumann"):
            raise ValueError(
                "The 'iteration' parameter of LeontiefSolver must be one of "
                f"{{'gmres', 'neumann'}}. Got {iteration!r} instead."
            )
        if not (tol > 0):
            raise ValueError(f"tol must be positive, got {tol!r}")
        if sp.issparse(A):
            if A.ndim != 2 or A.shape[0] != A.shape[1]:
                raise InvalidTableError(f"A must be square, has shape {A.shape}")
            # CSC and CSR are used as they are (no copy); A.T of one is the other
            if A.format == "csc":
                A = sp.csc_array(A, dtype=float)
            else:
                A = sp.csr_array(A, dtype=float)
            self._col_sums = np.asarray(A.sum(axis=0)).ravel()
            values = A.data
            self.nonnegative = bool(A.nnz == 0 or A.data.min() >= 0)
            self.nnz = int(A.nnz)
        else:
            A = np.asarray(getattr(A, "values", A), dtype=float)
            if A.ndim != 2 or A.shape[0] != A.shape[1]:
                raise InvalidTableError(f"A must be square, has shape {A.shape}")
            self._col_sums = A.sum(axis=0)
            values = A
            self.nonnegative = bool(A.size == 0 or A.min() >= 0)
            self.nnz = int(A.size)  # products with a dense A cost 2 n² flops
        # a NaN or an infinity makes its column sum non-finite; check entries only then
        if not np.all(np.isfinite(self._col_sums)) and not np.all(np.isfinite(values)):
            raise InvalidTableError("A has non-finite entries")
        self.n = int(A.shape[0])
        if labels is not None and len(labels) != self.n:
            raise ValueError(f"labels has {len(labels)} entries but A has shape {A.shape}")
        self.labels = labels
        self.tol = float(tol)
        self.max_iter = int(max_iter) if max_iter is not None else 1000
        # GMRES basis: Arnoldi where a product costs far more than Gram-Schmidt (dense A),
        # the power basis where products are cheap (sparse A, about ten nonzeros per row)
        dense_like = not sp.issparse(A) or self.nnz > DENSE_LIKE_NNZ_PER_ROW * self.n
        self.krylov = "arnoldi" if dense_like else "power"
        self.restart = int(restart) if restart is not None else RESTART[self.krylov]
        if iteration != "neumann" and self.restart < 1:
            raise ValueError(f"restart must be >= 1, got {restart!r}")
        self.iteration = iteration
        self.requested_method = method
        self.last_info: SolveInfo | None = None
        self.products = 0
        self.matvecs = 0

        # norms for the certificates; no |A| copy when A >= 0
        self._norm1, self._norm_inf = _norms(A, self._col_sums, self.nonnegative)
        self.certified = self.n == 0 or min(self._norm1, self._norm_inf) < 1.0
        if method == "auto":
            choice = explain_method(A, norms=(self._norm1, self._norm_inf))
        else:
            choice = AutoChoice(method, method, f"method {method!r} requested")
        self.method = choice.method
        self.block_method = choice.block_method
        self.method_reason = choice.reason
        #: right-hand sides solved so far by GMRES while a block method waits
        self._rhs_seen = 0
        self._block_solver: LeontiefSolver | None = None
        self._use_block = False

        self._A = A  # kept for residuals (no copy)
        self._factor(A)
        if check:
            self._check_productive()

    # ------------------------------------------------------------ factorization
    def _factor(self, A) -> None:
        n = self.n
        if self.method == "dense":
            if sp.issparse(A):
                M = A.toarray(order="F")
                self._A = A  # residuals use the sparse copy
            else:
                M = np.array(A, dtype=float, order="F", copy=True)
            np.negative(M, out=M)
            M.flat[:: n + 1] += 1.0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sla.LinAlgWarning)
                lu, piv = sla.lu_factor(M, overwrite_a=True, check_finite=False)
            self._lu = (lu, piv)
            d = np.abs(np.diag(lu))
            scale = max(float(lu.max()), -float(lu.min())) if n else 1.0  # no n x n temporary
            bad = np.flatnonzero(d <= n * _EPS * max(scale, 1.0))
            if bad.size:
                self._raise_singular(
                    f"I - A is singular: zero pivot in the LU factorization at "
                    f"{bad.size} column(s)",
                    bad,
                )
            if n:
                gecon = sla.get_lapack_funcs("gecon", (lu,))
                anorm = 1.0 + self._norm1  # bound of ‖I - A‖₁
                rcond, _ = gecon(lu, anorm, norm="1")
                self.rcond = float(rcond)
                if self.rcond < n * _EPS:
                    self._raise_singular(
                        f"I - A is numerically singular (reciprocal condition {rcond:.1e})",
                        np.argsort(d)[:1],
                    )
        elif self.method == "splu":
            M = sp.csc_array(sp.eye_array(n, format="csc") - sp.csc_array(A))
            M.sort_indices()
            try:
                self._lu = spla.splu(M, permc_spec="COLAMD")
            except RuntimeError as exc:  # "Factor is exactly singular"
                self._raise_singular(f"I - A is singular ({exc})", [])
            d = np.abs(self._lu.U.diagonal())
            bad = np.flatnonzero(d <= n * _EPS * max(float(d.max()) if n else 1.0, 1.0))
            if bad.size:
                self._raise_singular(
                    "I - A is singular: zero pivot in the sparse LU factorization",
                    np.argsort(self._lu.perm_c)[bad],
                )
        else:  # iterative: products with A itself (a view of Aᵀ for transposed solves)
            self._op, self._op_T = A, A.T

    # ------------------------------------------------------------ checks
    def _offenders(self, extra=()) -> np.ndarray:
        """Sectors to blame: columns of A summing to >= 1, else the given indices."""
        over = np.flatnonzero(self._col_sums >= 1.0 - 1e-12)
        if over.size:
            return over[np.argsort(-self._col_sums[over], kind="stable")]
        return np.asarray(list(extra), dtype=int)

    def _raise_singular(self, message: str, extra) -> None:
        idx = self._offenders(extra)
        names = _names(self.labels, idx)
        if idx.size:
            over = bool(np.any(self._col_sums[idx] >= 1.0 - 1e-12))
            what = "sectors whose input coefficients sum to >= 1" if over else "sectors"
            more = f" and {idx.size - len(names)} more" if idx.size > len(names) else ""
            message = f"{message}; {what}: {names}{more}"
        raise SingularSystemError(message, sectors=_names(self.labels, idx, limit=idx.size))

    def _check_productive(self) -> None:
        """Raise SingularSystemError unless the system is productive (see class Notes)."""
        if self.certified:
            return
        if self.nonnegative and self.method == "iterative" and self._power_certificate():
            return
        max_iter = self.max_iter
        self.max_iter = max(max_iter, 1000)  # the check gets a full budget of its own
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                u = self._solve(np.ones((self.n, 1)), False)[:, 0]
        finally:
            self.max_iter = max_iter
        info = self.last_info
        if not np.all(np.isfinite(u)) or info.residual > 1e-6:
            self._raise_singular(
                f"I - A is singular or not productive (relative residual {info.residual:.1e} "
                f"with method {self.method!r})",
                [],
            )
        if self.nonnegative:
            low = np.flatnonzero(u < 0.5)
            if low.size:
                self._raise_singular(
                    "the economy is not productive (spectral radius of A >= 1): "
                    f"(I - A)⁻¹ 1 has {low.size} negative entries",
                    low[np.argsort(u[low])],
                )
        self.certified = True
        self._row_sums = (u, info)

    def _power_certificate(self, max_power: int = 40) -> bool:
        """Cheap productivity proof for a nonnegative A: ``max(A^k 1) < 1`` for some k.

        ``ρ(A)^k = ρ(A^k) <= ‖A^k‖∞ = max_i (A^k 1)_i``, so one product per power; stops
        early when the row sums grow (then the solve decides).
        """
        d = np.ones(self.n)
        for _ in range(max_power):
            d = self._op @ d
            self.matvecs += 1
            top = float(d.max()) if d.size else 0.0
            if top < 1.0:
                self.certified = True
                return True
            if top > 1e3:
                return False
        return False

    def row_sums(self) -> np.ndarray:
        """``L 1`` (row sums of L), reusing the productivity check's solve when it made one.

        Examples
        --------
        >>> import numpy as np
        >>> LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]])).row_sums().round(4)
        array([1.5841, 1.3861])
        """
        cached = getattr(self, "_row_sums", None)
        if cached is not None:
            self.last_info = cached[1]
            return cached[0].copy()
        return self.solve(np.ones(self.n))

    # ------------------------------------------------------------ solving
    def _applier(self, transpose: bool):
        """``apply(V)``: the product of ``A`` (``Aᵀ``) with every row of ``V`` (k, n), as rows.

        One matrix-vector product per row, with ``A`` itself: BLAS ``gemv`` for an ndarray
        (for two or three rows OpenBLAS ``gemm`` is no faster than separate ``gemv``
        calls), the CSR/CSC kernel for sparse ``A`` (scipy's multi-vector product is no
        faster either).
        """
        op = self._op_T if transpose else self._op

        def apply(V):
            self.matvecs += V.shape[0]
            out = np.empty_like(V)
            for r in range(V.shape[0]):
                out[r] = op @ V[r]
            return out

        return apply

    def _residual(self, U, B, transpose: bool) -> float:
        """Max over columns of ‖(I - A)u - b‖₂ / ‖b‖₂ (‖(I - A)u‖ when b = 0).

        Works in column chunks of about 64 MiB so that checking a big block of L does
        not need another block-sized temporary.
        """
        A = self._A
        AT = A.T
        k = U.shape[1]
        step = max(1, (8 * 1024**2) // max(self.n, 1))
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

    def _direct(self, B, transpose: bool):
        if self.method == "dense":
            return sla.lu_solve(self._lu, B, trans=1 if transpose else 0, check_finite=False)
        return self._lu.solve(np.asfortranarray(B), trans="T" if transpose else "N")

    # ------------------------------------------------------------ auto: blocks of L
    def block_threshold(self) -> int:
        """Right-hand sides after which ``auto`` hands over from GMRES to ``block_method``.

        ``max(16, n // 50)``: a dense LU costs ``2n³/3`` flops once, GMRES about ten to
        twenty products of ``2n²`` flops per right-hand side, so the factorization pays
        from about ``n / 50`` right-hand sides on (counted over all solves so far).
        """
        return max(16, self.n // 50)

    def _delegates(self, k: int) -> bool:
        """True when a solve of ``k`` right-hand sides goes to the block method."""
        if self.block_method == self.method:
            return False
        if not self._use_block and self._rhs_seen + k > self.block_threshold():
            self._use_block = True
        return self._use_block

    def _block(self) -> LeontiefSolver:
        """The factorization ``auto`` keeps for blocks of L (built on first use)."""
        if self._block_solver is None:
            self._block_solver = LeontiefSolver(
                self._A,
                self.block_method,
                labels=self.labels,
                tol=self.tol,
                max_iter=self.max_iter,
                restart=self.restart,
                iteration=self.iteration,
                check=False,  # certified already (auto delegates only when ‖A‖ < 1)
            )
        return self._block_solver

    def _solve_by_block(self, B, transpose: bool):
        block = self._block()
        U = block._solve(B, transpose)
        self.last_info = block.last_info
        return U

    # ------------------------------------------------------------ solving
    def _solve(self, B, transpose: bool):
        """Solve for a block B (n, k); sets last_info; raises on NaN/inf."""
        iterations = 0
        if self.method in ("dense", "splu"):
            U = self._direct(B, transpose)
            # many right-hand sides (blocks of L): check an evenly spaced sample of columns,
            # or the check would cost as much as the solve itself
            k = B.shape[1]
            cols = slice(None)
            if k > RESIDUAL_SAMPLE:
                cols = np.unique(np.linspace(0, k - 1, RESIDUAL_SAMPLE).round().astype(int))
            residual = self._residual(U[:, cols], B[:, cols], transpose)
            for _ in range(2):  # iterative refinement with the same factorization
                if not (residual > self.tol) or not np.all(np.isfinite(U)):
                    break
                AU = (self._A.T @ U) if transpose else (self._A @ U)
                U2 = U + self._direct(B - (U - AU), transpose)
                r2 = self._residual(U2[:, cols], B[:, cols], transpose)
                if not r2 < residual:
                    break
                U, residual = U2, r2
        else:
            k = B.shape[1]
            if self._delegates(k):
                return self._solve_by_block(B, transpose)
            fallback = self.block_method != self.method
            budget = min(self.max_iter, AUTO_MAX_PRODUCTS) if fallback else self.max_iter
            apply = self._applier(transpose)
            Bt = np.ascontiguousarray(B.T)  # one row per right-hand side
            if self.iteration == "gmres" and self.krylov == "power":  # true residuals
                Ut, iterations, converged, residual = _gmres_power(
                    apply, Bt, self.tol, self.restart, budget, AUGMENT
                )
            elif self.iteration == "gmres":
                Ut, iterations, converged, residual = _gmres_arnoldi(
                    apply, Bt, self.tol, self.restart, budget
                )
            else:
                Ut, iterations, converged = _neumann_block(apply, Bt, self.tol, budget)
                finite = np.all(np.isfinite(Ut))
                residual = self._residual(Ut.T, B, transpose) if finite else np.inf
            U = Ut.T
            self.products += iterations
            self._rhs_seen += k
            if not math.isfinite(residual) or not np.all(np.isfinite(U)):
                residual = np.inf
            if fallback and (not converged or not residual <= max(self.tol, 1e-10)):
                self._use_block = True
                self.method_reason += (
                    f"; {self.iteration} reached only {residual:.1e} in {iterations} products, "
                    f"so {self.block_method!r} solves from then on"
                )
                return self._solve_by_block(B, transpose)
            if not np.all(np.isfinite(U)) or residual > 1e3:
                self.last_info = SolveInfo(self.method, float(residual), iterations)
                self._raise_singular(
                    f"the iteration diverges (relative residual {residual:.1e} after "
                    f"{iterations} products): I - A is singular or the spectral radius "
                    "of A is >= 1",
                    [],
                )
            if not converged or residual > max(self.tol, 1e-10):
                warnings.warn(
                    f"{self.iteration} stopped after {iterations} products with A at relative "
                    f"residual {residual:.1e} (tol {self.tol:.0e}); the result is returned",
                    ConvergenceWarning,
                    stacklevel=4,
                )
        self.last_info = SolveInfo(self.method, float(residual), int(iterations))
        if not np.all(np.isfinite(U)):
            self._raise_singular("I - A is singular: the solve produced non-finite values", [])
        return U

    def solve(self, b, transpose: bool = False) -> np.ndarray:
        """Solve ``(I - A) u = b``, or ``(I - A)ᵀ u = b`` with ``transpose=True``.

        Parameters
        ----------
        b : array_like, shape (n,) or (n, k)
            One or several right-hand sides (columns), solved together.
        transpose : bool
            Solve the transposed system (e.g. ``b = 1`` gives the column sums of L).

        Returns
        -------
        ndarray, same shape as ``b``

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> s.solve(np.ones(2)).round(4)         # row sums of L
        array([1.5841, 1.3861])
        >>> s.solve(np.eye(2)).round(4)          # L itself, column by column
        array([[1.2541, 0.33  ],
               [0.264 , 1.1221]])
        """
        B = np.asarray(b, dtype=float)
        vector = B.ndim == 1
        if vector:
            B = B[:, np.newaxis]
        if B.ndim != 2 or B.shape[0] != self.n:
            raise ValueError(f"b must have shape ({self.n},) or ({self.n}, k), has {B.shape}")
        if not np.all(np.isfinite(B)):
            raise ValueError("b has non-finite entries")
        U = self._solve(np.ascontiguousarray(B), bool(transpose))
        return U[:, 0] if vector else U

    # ------------------------------------------------------------ parts of L
    def _unit_block(self, idx) -> np.ndarray:
        idx = np.asarray(idx, dtype=int).ravel()
        if idx.size and (idx.min() < -self.n or idx.max() >= self.n):
            raise IndexError(f"sector positions must be in [0, {self.n}), got {idx.tolist()}")
        E = np.zeros((self.n, idx.size))
        E[idx % self.n if self.n else idx, np.arange(idx.size)] = 1.0
        return E

    def columns(self, idx) -> np.ndarray:
        """Columns ``L[:, idx]`` as a dense (n, len(idx)) array (one multi-RHS solve).

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> s.columns([1]).round(4)
        array([[0.33  ],
               [1.1221]])
        """
        return self.solve(self._unit_block(idx))

    def rows(self, idx) -> np.ndarray:
        """Rows ``L[idx, :]`` as a dense (len(idx), n) array (one transposed solve).

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> s.rows([0]).round(4)
        array([[1.2541, 0.33  ]])
        """
        return self.solve(self._unit_block(idx), transpose=True).T

    def default_block_size(self, max_bytes: int = DEFAULT_BLOCK_BYTES) -> int:
        """Columns per block so that one block (and its solver workspace) fits ``max_bytes``.

        A block of k columns holds ``8 n k`` bytes; the iterative method also keeps
        ``restart + 2`` Krylov vectors per column. Sized for :attr:`block_method`, the
        backend that solves blocks.
        """
        per_column = 8 * max(self.n, 1)
        if self.block_method == "iterative":
            per_column *= self.restart + 2 * AUGMENT + 3
        elif self.block_method == "splu":
            per_column *= 2  # SuperLU copies the right-hand sides
        return int(max(1, min(self.n, max_bytes // per_column)))

    def column_blocks(self, block_size: int | None = None, *, max_bytes=DEFAULT_BLOCK_BYTES):
        """Stream L in blocks of columns: yields ``(start, stop, L[:, start:stop])``.

        Each block is one multi-right-hand-side solve with identity columns; only one
        block is held at a time. ``block_size`` defaults to what fits ``max_bytes``
        (:meth:`default_block_size`). The whole pass costs ``n`` solves: ``2 n³`` flops
        for the dense method.

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> [(a, b, blk.shape) for a, b, blk in s.column_blocks(1)]
        [(0, 1, (2, 1)), (1, 2, (2, 1))]
        """
        if block_size is None:
            block_size = self.default_block_size(max_bytes)
        block_size = int(block_size)
        if block_size < 1:
            raise ValueError(f"block_size must be >= 1, got {block_size}")
        self._use_block = self.block_method != self.method  # n solves: factorize
        for start in range(0, self.n, block_size):
            stop = min(self.n, start + block_size)
            yield start, stop, self.columns(np.arange(start, stop))

    def diagonal(self, block_size: int | None = None) -> np.ndarray:
        """The diagonal of L, exactly, by streaming L in column blocks.

        Costs ``n`` solves (as much as forming L, ``O(n³)`` dense) but only one block of
        memory; for very large iterative systems this is expensive, so ask only when
        needed.

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> s.diagonal().round(4)
        array([1.2541, 1.1221])
        """
        out = np.empty(self.n)
        worst = 0.0
        for start, stop, block in self.column_blocks(block_size):
            out[start:stop] = block[np.arange(start, stop), np.arange(stop - start)]
            worst = max(worst, self.last_info.residual)
        if self.last_info is not None:
            self.last_info = SolveInfo(self.last_info.method, worst, self.last_info.iterations)
        return out

    def to_dense(self, max_bytes: int | None = None) -> np.ndarray:
        """The full Leontief inverse ``L`` as a dense (n, n) array, after a memory check.

        Parameters
        ----------
        max_bytes : int, optional
            Refuse when ``8 n²`` bytes exceed this (default 4 GiB).

        Raises
        ------
        MemoryLimitError
            When L would need more than ``max_bytes``.
        """
        limit = DEFAULT_DENSE_LIMIT if max_bytes is None else int(max_bytes)
        need = 8 * self.n * self.n
        if need > limit:
            raise MemoryLimitError(
                f"the dense Leontief inverse of {self.n} sectors needs {need / 1024**2:,.0f} MiB, "
                f"more than the limit of {limit / 1024**2:,.0f} MiB; stream it with "
                "column_blocks() or raise max_bytes"
            )
        if self.block_method != self.method:  # auto: n right-hand sides go to the LU
            self._use_block = True
            L = self._block().to_dense(limit)
            self.last_info = self._block_solver.last_info
            return L
        if self.method == "dense":
            E = np.eye(self.n, order="F")
            L = sla.lu_solve(self._lu, E, overwrite_b=True, check_finite=False)
            cols = np.unique(np.linspace(0, self.n - 1, min(self.n, RESIDUAL_SAMPLE)).astype(int))
            residual = self._residual(L[:, cols], self._unit_block(cols), False) if self.n else 0.0
            self.last_info = SolveInfo(self.method, residual, 0)
            if not np.all(np.isfinite(L)):
                self._raise_singular("I - A is singular: L has non-finite values", [])
            return L
        L = np.empty((self.n, self.n))
        worst = 0.0
        for start, stop, block in self.column_blocks():
            L[:, start:stop] = block
            worst = max(worst, self.last_info.residual)
        info = self.last_info
        self.last_info = SolveInfo(
            info.method if info else self.method, worst, info.iterations if info else 0
        )
        return L

    def __repr__(self) -> str:
        return f"<LeontiefSolver {self.method}, n={self.n}>"
