"""The iterative backend: restarted GMRES and the Neumann series for ``(I - M) U = B``.

:class:`Iteration` is what the solver holds for ``method="iterative"``: products with
``A`` itself (no copy; ``A.T`` a view for transposed systems), counted, and handed to one
of the kernels below, which solve for all right-hand sides at once, in lock step: ``B``
holds one right-hand side per row (shape (k, n)), ``apply(V)`` returns ``M`` (``A`` or
``Aᵀ``) times every row of ``V``, as rows (``apply(V, rows, out)`` when ``apply.rows``
and ``apply.out`` are set: :mod:`~linkage.core.kernel`, for sparse ``A``, where each row
has its own ``M`` and the products go into the basis in place). Converged rows drop out.

``gmres_power``: GMRES(12) on a power basis with two earlier corrections kept, about a
tenth of Arnoldi's vector work, for sparse ``A``. ``gmres_arnoldi``: Arnoldi GMRES(20),
for dense ``A`` where a product (``2 n²`` flops) dwarfs Gram-Schmidt. ``neumann``: the
series ``u ← b + M u`` (rate: the spectral radius of ``M``).

Each returns ``(U, products, converged, ...)``, ``products`` the most products with
``M`` spent on one right-hand side. GMRES counts as converged only on the true relative
residual ``‖b - (I - M) u‖ / ‖b‖`` computed from scratch; a whole cycle that cuts no
residual by 1 % twice in a row stops it (a singular ``I - M``).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .kernel import FusedProducts, applier
from .krylov_gs import GaussSeidel
from .krylov_gs import enabled as gs_enabled
from .krylov_mixed import gs_solve
from .krylov_neumann import neumann
from .krylov_scaled import scaled_gmres
from .norms import power_certificate, relative_residual, row_norms

__all__ = [
    "AUGMENT",
    "RESTART",
    "Iteration",
    "gmres_arnoldi",
    "gmres_power",
    "krylov_basis",
    "neumann",
]

#: GMRES cycle length (products per restart) on the power basis and with Arnoldi.
RESTART = {"power": 12, "arnoldi": 20}
#: Earlier corrections the power-basis GMRES keeps.
AUGMENT = 2
#: GMRES uses Arnoldi (Gram-Schmidt) for ``A`` with more nonzeros per row than this.
DENSE_LIKE_NNZ_PER_ROW = 64
_EPS = float(np.finfo(float).eps)


def krylov_basis(A, nnz: int) -> str:
    """``"arnoldi"`` where a product costs far more than Gram-Schmidt (dense ``A``), else
    ``"power"`` (sparse ``A``, about ten nonzeros per row: products are cheap).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> krylov_basis(np.eye(3), 9), krylov_basis(sp.eye_array(3, format="csr"), 3)
    ('arnoldi', 'power')
    """
    dense_like = not sp.issparse(A) or nnz > DENSE_LIKE_NNZ_PER_ROW * A.shape[0]
    return "arnoldi" if dense_like else "power"


class Iteration:
    """The iterative backend: solves of ``(I - A) U = B`` by products with ``A`` itself
    (no copy: ``A.T`` is a view, CSR of a CSC array, a transposed ndarray BLAS reads).

    Attributes
    ----------
    op, op_T : matrix
        ``A`` and ``Aᵀ`` (a view).
    matvecs : int
        Matrix-vector products so far, counted per right-hand side.
    products : int
        Products with ``A`` or ``Aᵀ`` so far, each solve's most demanding right-hand side.
    """

    def __init__(self, A):
        self.op, self.op_T = A, A.T
        self._passes = self.products = 0
        self._fused = self._gs = None  # lock-step products or sweeps, built on first use
        self.fused = sp.issparse(A) and A.format in ("csr", "csc")
        # Gauss-Seidel where it is proved to converge: A >= 0 (with rho(A) < 1, as GMRES
        # needs anyway) and every diagonal entry below 1
        self.gauss_seidel = self.fused and A.nnz > 0 and gs_enabled(A.nnz)
        self._diagonal = None  # whether A has a nonzero diagonal entry (with the sweeps)
        if self.gauss_seidel:
            diagonal = A.diagonal()
            self._diagonal = bool(diagonal.any())
            self.gauss_seidel = A.data.min() >= 0 and diagonal.max() < 1

    def applier(self, transpose: bool):
        """``apply(V)``: ``A`` (``Aᵀ``) times each row of ``V`` (k, n), as rows (dense ``A``)."""
        op = self.op_T if transpose else self.op

        def apply(V, rows=None):
            self._passes += V.shape[0]
            out = np.empty_like(V)
            for r in range(V.shape[0]):
                out[r] = op @ V[r]
            return out

        return apply

    @property
    def matvecs(self) -> int:
        """Matrix-vector products so far, counted per right-hand side."""
        return self.passes

    @property
    def backend(self) -> str:
        """What made the products of the lock-step solves: ``"scipy"``, ``"numba"`` or
        ``"numba-gauss-seidel"`` (:mod:`~linkage.core.krylov_gs`)."""
        if self._gs is not None:
            return "numba-gauss-seidel"
        return self._fused.backend if self._fused is not None else "scipy"

    @property
    def passes(self) -> int:
        """Passes over ``A`` so far: one per product (:mod:`~linkage.core.kernel`)."""
        return self._passes + sum(p.passes for p in (self._fused, self._gs) if p is not None)

    def solve_rows(self, Bt, transposed, *, tol: float, restart: int, max_products):
        """Rows of ``Bt`` (k, n) solved in lock step (row ``r`` with ``Aᵀ`` when
        ``transposed[r]``), on Gauss-Seidel sweeps where ``gauss_seidel`` (mixed:
        :mod:`~linkage.core.krylov_anderson`), else by GMRES on :mod:`~linkage.core.kernel`
        (:mod:`~linkage.core.krylov_scaled`): ``(Ut, products, converged, residual)``."""
        if self.gauss_seidel:  # compiled sweeps: about 40 % fewer passes over A
            self._gs = self._gs or GaussSeidel(self.op, self._diagonal)
            Ut, products, converged, residual = gs_solve(
                self._gs, Bt, transposed, gmres_power, tol=tol, restart=restart,
                max_products=max_products, augment=AUGMENT,
            )  # fmt: skip
        else:
            self._fused = self._fused or FusedProducts(self.op)
            Ut, products, converged, residual = scaled_gmres(
                applier(self._fused, transposed), Bt, gmres_power, tol=tol, restart=restart,
                max_products=max_products, augment=AUGMENT,
            )  # fmt: skip
        self.products += products
        if not math.isfinite(residual) or not np.all(np.isfinite(Ut)):
            residual = np.inf
        return Ut, products, converged, residual

    def certify(self) -> bool:
        """Productivity of a nonnegative ``A`` proved by ``max(A^k 1) < 1`` for a small k."""
        proved, products = power_certificate(self.op)
        self._passes += products
        return proved

    def solve(self, B, transpose: bool, *, scheme: str, tol: float, restart: int, max_products):
        """Solve for the columns of ``B`` (n, k) with ``scheme`` (``"power"`` or
        ``"arnoldi"`` GMRES, ``"neumann"``): ``(U, products, converged, residual)``, the
        residual infinite when the iteration produced non-finite values."""
        Bt = np.ascontiguousarray(B.T)  # one row per right-hand side
        if scheme == "power" and self.fused:  # transpose: a bool or one per column
            flags = np.broadcast_to(np.asarray(transpose, dtype=bool), Bt.shape[:1]).copy()
            Ut, products, converged, residual = self.solve_rows(
                Bt, flags, tol=tol, restart=restart, max_products=max_products
            )
            return Ut.T, products, converged, residual
        apply = self.applier(transpose)
        if scheme != "neumann":  # GMRES: true residuals
            power = scheme == "power"
            fn, extra = (gmres_power, (AUGMENT,)) if power else (gmres_arnoldi, ())
            Ut, products, converged, residual = fn(apply, Bt, tol, restart, max_products, *extra)
        else:
            Ut, products, converged = neumann(apply, Bt, tol, max_products)
            finite = np.all(np.isfinite(Ut))
            residual = relative_residual(self.op, Ut.T, B, transpose) if finite else np.inf
        U = Ut.T
        self.products += products
        if not math.isfinite(residual) or not np.all(np.isfinite(U)):
            residual = np.inf
        return U, products, converged, residual


class _Lockstep:
    """The solutions ``X``, residuals ``R`` and counters of k right-hand sides in lock step."""

    def __init__(self, apply, B):
        k, n = B.shape
        self.apply, self.B = apply, B
        self.X = np.zeros((k, n))
        self.R = B.copy()  # residual of X = 0
        bnorm = row_norms(B)
        self.bnorm = np.where(bnorm > 0, bnorm, 1.0)
        self.rel = row_norms(self.R) / self.bnorm
        self.used = np.zeros(k, dtype=np.int64)  # products with M per right-hand side
        self.best = self.rel.copy()
        self.stalled = 0  # whole cycles in a row that cut no residual by 1 %

    def unconverged(self, tol: float) -> np.ndarray:
        return np.flatnonzero(self.rel > tol)

    def products(self, rows, V, out=None) -> np.ndarray:
        """``M`` times every row of ``V``, counted for the right-hand sides ``rows`` (into
        ``out`` when given: in place where the kernel can)."""
        self.used[rows] += 1
        if getattr(self.apply, "out", False):
            return self.apply(V, rows, out)
        MV = self.apply(V, rows) if getattr(self.apply, "rows", False) else self.apply(V)
        if out is not None:
            out[...] = MV
        return MV if out is None else out

    def true_residual(self, rows=None) -> np.ndarray:
        """``R = B - X + M X`` from scratch (one product per row; all rows when None);
        returns the relative residual of every row."""
        rows = slice(None) if rows is None else rows
        X = self.X[rows]
        MX = self.products(rows, X)
        self.R[rows] = self.B[rows] - X + MX
        # the subtraction loses about eps (‖x‖ + ‖M x‖): a residual below that proves
        # nothing (a diverging x of 1e17 has a computed residual of 0), so it is the floor
        floor = _EPS * (row_norms(X) + row_norms(MX))
        return np.maximum(row_norms(self.R[rows]), floor) / self.bnorm[rows]

    def record(self, rows, new_rel, full: bool = True) -> bool:
        """Take the new residuals of ``rows``; True when the solve stagnates (a whole
        cycle, ``full``, twice in a row cut no residual by 1 %)."""
        cut = not np.all(new_rel > 0.99 * self.best[rows])
        self.stalled = self.stalled + 1 if full and not cut else 0
        self.rel[rows] = new_rel
        self.best[rows] = np.minimum(self.best[rows], new_rel)
        return self.stalled >= 2

    def result(self, converged: bool):
        k = self.B.shape[0]
        worst = float(self.rel.max()) if self.rel.size else 0.0
        return self.X, int(self.used.max()) if k else 0, bool(converged), worst


# ---------------------------------------------------------------------------- Arnoldi
def _orthogonalize(w, Vc) -> tuple[np.ndarray, float, float]:
    """Classical Gram-Schmidt of ``w`` (in place) against the rows of ``Vc``, once more when
    cancellation is large ("twice is enough"): ``(h, ‖w‖ after, ‖w‖ before)``."""
    w_norm0 = math.sqrt(float(w @ w))
    h = Vc @ w
    w -= h @ Vc
    w_norm = math.sqrt(float(w @ w))
    if w_norm < 0.7 * w_norm0:
        h2 = Vc @ w
        w -= h2 @ Vc
        h += h2
        w_norm = math.sqrt(float(w @ w))
    return h, w_norm, w_norm0


class _ArnoldiCycle:
    """One GMRES(m) cycle of the rows ``R`` (kc, n): the orthonormal basis ``V``, the
    Hessenberg matrix ``H`` reduced by Givens rotations ``(cs, sn)`` as it grows, and the
    rotated residual ``g`` whose last entry is the residual norm of the current step."""

    def __init__(self, R, m: int, goal):
        kc, n = R.shape
        beta = row_norms(R)
        self.V = np.empty((kc, m + 1, n))
        np.multiply(R, (1.0 / beta)[:, np.newaxis], out=self.V[:, 0])
        self.H = np.zeros((kc, m + 1, m))
        self.cs = np.zeros((kc, m))
        self.sn = np.zeros((kc, m))
        self.g = np.zeros((kc, m + 1))
        self.g[:, 0] = beta
        self.steps = np.zeros(kc, dtype=np.int64)  # Krylov steps taken per row
        self.live = np.ones(kc, dtype=bool)
        self.goal = goal

    def step(self, c: int, j: int, t) -> None:
        """Step ``j`` of row ``c`` given ``t = M v_j``: ``v_(j+1)`` from ``(I - M) v_j``."""
        vj, w, Vc = self.V[c, j], self.V[c, j + 1], self.V[c, : j + 1]
        np.subtract(vj, t, out=w)  # w = (I - M) v_j
        h, w_norm, w_norm0 = _orthogonalize(w, Vc)
        H = self.H[c]
        H[: j + 1, j] = h
        H[j + 1, j] = w_norm
        if w_norm > 1e-14 * w_norm0:
            w *= 1.0 / w_norm
        else:  # breakdown: the Krylov space is exhausted
            w[:] = 0.0
            H[j + 1, j] = 0.0
        self._rotate(c, j)
        self.steps[c] = j + 1
        # converged, or breakdown (the solution lies in the Krylov space)
        if abs(self.g[c, j + 1]) <= self.goal[c] or self.sn[c, j] == 0.0:
            self.live[c] = False

    def _rotate(self, c: int, j: int) -> None:
        """Apply the earlier Givens rotations to column ``j`` of ``H``, then a new one that
        zeroes its subdiagonal entry, and rotate ``g`` with it."""
        H, cs, sn, g = self.H[c], self.cs[c], self.sn[c], self.g[c]
        for i in range(j):
            a, b = H[i, j], H[i + 1, j]
            H[i, j] = cs[i] * a + sn[i] * b
            H[i + 1, j] = -sn[i] * a + cs[i] * b
        a, b = H[j, j], H[j + 1, j]
        rr = math.hypot(a, b)
        cs[j], sn[j] = (a / rr, b / rr) if rr > 0 else (1.0, 0.0)
        H[j, j] = rr
        H[j + 1, j] = 0.0
        g[j + 1] = -sn[j] * g[j]
        g[j] = cs[j] * g[j]

    def correct(self, c: int, x) -> None:
        """``x += V y`` with ``y`` from the triangular system of the steps taken, cut before
        a (numerically) zero pivot."""
        sc = int(self.steps[c])
        Hc = self.H[c, :sc, :sc]
        diag = np.abs(np.diag(Hc))
        keep = sc
        tiny = diag <= 1e-13 * max(float(diag.max()) if diag.size else 0.0, 1e-300)
        if np.any(tiny):  # (numerically) singular Krylov system: the part before it
            keep = int(np.flatnonzero(tiny)[0])
        if keep:
            y = sla.solve_triangular(Hc[:keep, :keep], self.g[c, :keep], check_finite=False)
            x += y @ self.V[c, :keep]


def gmres_arnoldi(apply, B, tol, restart, max_products):
    """Restarted GMRES with Arnoldi (Gram-Schmidt) for ``(I - M) U = B``, in lock step.

    Classical Gram-Schmidt with one re-orthogonalization when cancellation is large. The
    textbook variant, used for dense ``A``: there a product (``2 n²`` flops) dwarfs the
    two to four passes over the growing basis that each product adds, and Arnoldi stops
    on the exact step. After each cycle the true residual is computed from scratch.

    Returns ``(U, products, converged, residual)`` as :func:`gmres_power`.
    """
    run = _Lockstep(apply, B)
    active = run.unconverged(tol)
    while active.size and run.used[active].max() + 2 <= max_products:
        m = max(1, min(restart, int(max_products - run.used[active].max() - 1)))
        cycle = _ArnoldiCycle(run.R[active], m, 0.5 * tol * run.bnorm[active])
        for j in range(m):
            rows = np.flatnonzero(cycle.live)
            T = run.products(active[rows], cycle.V[rows, j])
            for r, c in enumerate(rows):
                cycle.step(c, j, T[r])
            if not cycle.live.any():
                break
        for c, row in enumerate(active):
            cycle.correct(c, run.X[row])
        del cycle
        new_rel = run.true_residual(active)  # one per active row
        if not np.all(np.isfinite(new_rel)):
            run.rel[active] = new_rel
            break
        stagnates = run.record(active, new_rel)
        active = run.unconverged(tol)
        if stagnates:
            break
    return run.result(active.size == 0)


# ---------------------------------------------------------------------------- power basis
def _cycle_length(s: int, used, rate, rel, tol: float) -> int:
    """Products in the next cycle of the rows: ``s``, a short first cycle, or what the
    last cycle's rate of residual reduction per product says is left."""
    m = s if np.all(used > 0) else max(4, s // 2)
    if np.all((rate > 0) & (rate < 1)):
        want = np.log(0.5 * tol / rel) / np.log(rate)
        m = int(min(s, max(1, math.ceil(float(want.max())) + 1)))
    return m


def _least_squares(Yc, m: int, q: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimize ``‖r - W c‖`` from one Gram matrix of ``Yc = [Wa_1 ... Wa_q, P_0 ... P_m]``.

    The columns of ``W`` are combinations of the rows of ``Yc`` (``W_i = P_i - P_(i+1)``
    for ``i < m``, then the ``Wa_j``), written as the rows of ``T``; the scaled normal
    equations are solved with an eigenvalue cut-off. Returns ``(c, T)``.
    """
    G = Yc @ Yc.T  # one pass over the basis
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
    return coef, T


class _PowerBasis:
    """Per right-hand side, one buffer allocated once: the images ``Wa_j`` of the earlier
    corrections in slots ``[0, na)`` (filled from the top, so that the filled ones and the
    basis ``P_0 ... P_m`` in slots ``[na, na + m]`` form one contiguous block), then the
    basis; and the earlier corrections ``dz`` themselves."""

    def __init__(self, k: int, n: int, s: int, na: int):
        self.na = na
        self.Y = np.empty((k, na + s + 1, n))
        self.Za = np.empty((k, na, n))
        self.filled = np.zeros(k, dtype=np.int64)
        self.oldest = np.zeros(k, dtype=np.int64)

    def expand(self, run: _Lockstep, rows, m: int) -> None:
        """``P_0 = r`` and ``P_(i+1) = M P_i`` for the rows: ``m`` products each."""
        Y, na = self.Y, self.na
        full = rows.size == Y.shape[0]  # all rows (mostly): views of the basis, no copies
        sel = slice(None) if full else rows
        Y[sel, na] = run.R[sel]
        for i in range(m):
            MV = run.products(rows, Y[sel, na + i], out=Y[:, na + i + 1] if full else None)
            if not full:
                Y[rows, na + i + 1] = MV

    def minimize(self, row: int, m: int, x) -> np.ndarray:
        """``x += dz`` for the least-squares correction of the row; returns the new residual
        (``r - W c``, no product) and keeps ``dz`` with its image for later cycles."""
        na, q = self.na, int(self.filled[row])
        lo = na - q
        Yc = self.Y[row, lo : na + m + 1]  # [Wa_1 ... Wa_q, P_0 ... P_m], a view
        coef, T = _least_squares(Yc, m, q)
        dz = coef[:m] @ self.Y[row, na : na + m]
        if q:
            dz += coef[m:] @ self.Za[row, lo:na]
        x += dz
        r_new = self.Y[row, na] - (coef @ T) @ Yc
        if na:
            self._remember(row, dz, r_new)
        return r_new

    def _remember(self, row: int, dz, r_new) -> None:
        """Keep ``dz`` and its image ``r - r_new``, replacing the oldest when all are used."""
        na, q = self.na, int(self.filled[row])
        if q < na:
            slot = na - 1 - q
            self.filled[row] = q + 1
        else:  # slots were filled na - 1, ..., 0: the oldest goes first
            slot = na - 1 - int(self.oldest[row])
            self.oldest[row] = (self.oldest[row] + 1) % na
        self.Za[row, slot] = dz
        np.subtract(self.Y[row, na], r_new, out=self.Y[row, slot])


def gmres_power(apply, B, tol, s, max_products, augment=2, verify=True):
    """Restarted GMRES(s) on a power basis with augmentation, for ``(I - M) U = B``.

    Each cycle makes ``s`` products ``P_i = M^i r`` (``P_0 = r``, the current residual)
    and minimizes ``‖r - W c‖`` over ``W_i = P_i - P_(i+1) = (I - M) P_i``, plus the last
    ``augment`` corrections ``dz`` of earlier cycles with their images
    ``(I - M) dz = r_before - r_after`` (known without a product; "loose" GMRES, Baker,
    Jessup & Manteuffel 2005, which recovers most of what restarting loses). The small
    least-squares problem is solved from one Gram matrix of the basis: about three passes
    over the basis per cycle (Arnoldi: two to four per product). The power basis is
    scaled and solved with an eigenvalue cut-off (it turns towards the dominant
    eigenvector), so ``s`` stays small. The last cycle is cut to the products the observed
    rate needs; a solve counts as converged on its true residual.

    ``verify=False`` skips the true residual at the end (a caller that checks another
    residual itself: :mod:`~linkage.core.krylov_gs`) and reports the recursion's.

    Returns ``(U, products, converged, residual)``: ``U`` with one solution per row,
    ``products`` the most products with ``M`` spent on one right-hand side, ``residual``
    the worst true relative residual.
    """
    k, n = B.shape
    run = _Lockstep(apply, B)
    s, na = max(1, int(s)), max(0, int(augment))
    basis = _PowerBasis(k, n, s, na)
    rate = np.full(k, np.nan)  # residual reduction per product in the last cycle
    checked = True  # run.rel holds true residuals, not the recursion's
    while True:
        active = run.unconverged(tol)
        if not active.size:
            if checked or not verify:
                break
            run.rel = run.true_residual()
            checked = True
            continue
        room = max_products - int(run.used[active].max()) - 1
        if room < 1:
            break
        m = min(_cycle_length(s, run.used[active], rate[active], run.rel[active], tol), room)
        basis.expand(run, active, m)
        for row in active:
            run.R[row] = basis.minimize(row, m, run.X[row])
        new_rel = row_norms(run.R, active) / run.bnorm[active]
        checked = False
        if not np.all(np.isfinite(new_rel)):
            run.rel[active] = new_rel
            break
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rate[active] = (new_rel / run.rel[active]) ** (1.0 / m)
        if run.record(active, new_rel, full=m == s):
            break
    if not checked and verify:  # stopped before converging: report the true residual
        run.rel = run.true_residual()
    return run.result(np.all(run.rel <= tol))
