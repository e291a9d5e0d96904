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
    lock step, so each step is one sparse product ``A @ U`` with a block ``U`` of shape
    (n, k). Keeps CSR copies of ``A`` and ``Aᵀ``; stops at a relative residual ``tol``.
    ``iteration="neumann"`` uses the plain Neumann series ``u ← b + A u`` instead.

``method="auto"`` picks one from the kind, size and density of ``A`` (see
:func:`choose_method`). Every solve records the method and the relative residual
``‖(I - A)u - b‖ / ‖b‖`` in :attr:`LeontiefSolver.last_info`.

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

from .errors import (
    ConvergenceWarning,
    InvalidTableError,
    MemoryLimitError,
    SingularSystemError,
)

__all__ = ["LeontiefSolver", "SolveInfo", "choose_method", "METHODS"]

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
        Block products with ``A`` (iterative method), 0 for the direct methods.
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


def choose_method(A) -> str:
    """The method ``method="auto"`` uses for ``A``.

    Rule, in order:

    1. a dense ndarray with ``n <= 3000``, or denser than 10 % with an LU that fits in
       2 GiB → ``"dense"`` (a sparser large ndarray is treated as sparse);
    2. a sparse matrix with ``n <= 3000``, or denser than 10 % with an LU in 2 GiB →
       ``"dense"`` (LAPACK beats sparse LU on small or dense-ish systems);
    3. sparse with ``n <= 20000`` and at most 50 nonzeros per column on average →
       ``"splu"`` (fill-in stays affordable);
    4. otherwise → ``"iterative"`` (LU fill-in of large network-like patterns explodes;
       GMRES needs only products with ``A``).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> choose_method(np.eye(5) * 0.1)
    'dense'
    >>> choose_method(sp.eye_array(10_000, format="csr") * 0.5)
    'splu'
    >>> choose_method(sp.eye_array(50_000, format="csr") * 0.5)
    'iterative'
    """
    n = A.shape[0]
    if sp.issparse(A):
        nnz = A.nnz
    else:
        if n <= DENSE_MAX_N:
            return "dense"
        nnz = int(np.count_nonzero(A))
    density = nnz / max(n * n, 1)
    lu_bytes = 8 * n * n
    if n <= DENSE_MAX_N or (density > DENSE_MIN_DENSITY and lu_bytes <= DENSE_MAX_BYTES):
        return "dense"
    if n <= SPLU_MAX_N and nnz / max(n, 1) <= SPLU_MAX_NNZ_PER_COL:
        return "splu"
    return "iterative"


# ---------------------------------------------------------------------------- kernels
def _gmres_block(matvec, B, tol, restart, max_iter):
    """Restarted GMRES for ``(I - M) X = B``, all columns of ``B`` in lock step.

    ``matvec(v)`` returns ``M @ v`` for a vector ``v`` of shape (n,). The columns share
    the restart cycles and stop together; each keeps its own Krylov basis, stored as
    contiguous rows so that every vector operation streams memory once. Classical
    Gram-Schmidt with one re-orthogonalization when cancellation is large ("twice is
    enough"). Returns ``(X, steps, converged, residual)``; ``steps`` counts lock-step
    iterations, each one product of ``M`` with every active column, plus one per restart
    cycle for the true residual ``‖B - (I - M) X‖ / ‖B‖`` (``residual``, the worst column).
    """
    n, k = B.shape
    Bt = np.ascontiguousarray(B.T)  # (k, n): one contiguous row per right-hand side
    X = np.zeros((k, n))
    bnorm = np.linalg.norm(Bt, axis=1)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    R = Bt.copy()  # residual of X = 0
    steps_total = 0
    rel = np.linalg.norm(R, axis=1) / bnorm
    active = np.flatnonzero(rel > tol)
    stalled = 0
    best = rel.copy()
    while active.size and steps_total < max_iter:
        kc = active.size
        m = max(1, min(restart, max_iter - steps_total))
        beta = np.linalg.norm(R[active], axis=1)
        V = np.empty((kc, m + 1, n))
        for c, col in enumerate(active):
            np.multiply(R[col], 1.0 / beta[c], out=V[c, 0])
        H = np.zeros((kc, m + 1, m))
        cs = np.zeros((kc, m))
        sn = np.zeros((kc, m))
        g = np.zeros((kc, m + 1))
        g[:, 0] = beta
        steps = 0
        for j in range(m):
            steps_total += 1
            for c in range(kc):
                vj, w, Vc = V[c, j], V[c, j + 1], V[c, : j + 1]
                np.subtract(vj, matvec(vj), out=w)  # w = (I - M) v_j
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
            for i in range(j):  # apply the earlier Givens rotations to column j
                a, b = H[:, i, j].copy(), H[:, i + 1, j].copy()
                H[:, i, j] = cs[:, i] * a + sn[:, i] * b
                H[:, i + 1, j] = -sn[:, i] * a + cs[:, i] * b
            a, b = H[:, j, j], H[:, j + 1, j]
            r = np.hypot(a, b)
            safe = r > 0
            cs[:, j] = np.where(safe, a / np.where(safe, r, 1.0), 1.0)
            sn[:, j] = np.where(safe, b / np.where(safe, r, 1.0), 0.0)
            H[:, j, j] = r
            H[:, j + 1, j] = 0.0
            g[:, j + 1] = -sn[:, j] * g[:, j]
            g[:, j] = cs[:, j] * g[:, j]
            steps = j + 1
            if np.all(np.abs(g[:, j + 1]) <= 0.5 * tol * bnorm[active]):
                break
            if not np.any(sn[:, j]):  # every Krylov space exhausted (breakdown)
                break
        for c, col in enumerate(active):
            Hc = H[c, :steps, :steps]
            diag = np.abs(np.diag(Hc))
            keep = steps
            tiny = diag <= 1e-13 * max(float(diag.max()) if diag.size else 0.0, 1e-300)
            if np.any(tiny):  # (numerically) singular Krylov system: use the part before it
                keep = int(np.flatnonzero(tiny)[0])
            if keep:
                y = sla.solve_triangular(Hc[:keep, :keep], g[c, :keep], check_finite=False)
                X[col] += y @ V[c, :keep]
            # true residual, one more product per column and cycle
            np.subtract(Bt[col], X[col], out=R[col])
            R[col] += matvec(X[col])
        steps_total += 1
        new_rel = np.linalg.norm(R, axis=1) / bnorm
        if not np.all(np.isfinite(new_rel)):
            break
        # a whole cycle that cuts no residual by 1 % means stagnation (singular I - A)
        stalled = stalled + 1 if np.all(new_rel[active] > 0.99 * best[active]) else 0
        rel = new_rel
        best = np.minimum(best, rel)
        active = np.flatnonzero(rel > tol)
        if stalled >= 2:
            break
    return np.ascontiguousarray(X.T), steps_total, active.size == 0, float(rel.max())


def _neumann_block(matvec, B, tol, max_iter):
    """Neumann series ``U ← B + M U`` (Jacobi iteration on ``I - M``), all columns at once.

    Returns ``(X, products, converged)``. After k products the residual of the partial
    sum ``B + M B + ... + M^k B`` is the next increment ``M^(k+1) B``, so the loop stops
    when every ``‖M^k B‖ / ‖B‖ <= tol``, or when the increments grow (divergence).
    """
    bnorm = np.linalg.norm(B, axis=0)
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    X = B.copy()
    D = B.copy()
    products = 0
    previous = np.inf
    while products < max_iter:
        D = matvec(D)  # D = M^k B, the residual of the partial sum
        products += 1
        rel = np.linalg.norm(D, axis=0) / bnorm
        X += D
        worst = float(rel.max())
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
        Input coefficients. Not modified and not copied by the dense method beyond the
        one ``n × n`` LU workspace.
    method : {"auto", "dense", "splu", "iterative"}
        Backend; ``"auto"`` follows :func:`choose_method`.
    labels : sequence, optional
        Sector labels, used to name sectors in error messages.
    tol : float
        Relative residual the iterative method stops at (default ``1e-12``); the direct
        methods refine once with the same factorization when they miss it.
    max_iter : int, optional
        Maximum block products with ``A`` per solve for the iterative method
        (default 1000).
    restart : int
        GMRES restart length (Krylov vectors kept per right-hand side; memory
        ``8 · n · (restart + 1)`` bytes per right-hand side).
    iteration : {"gmres", "neumann"}
        Iterative scheme: restarted GMRES (default; rate set by the eigenvalues of ``A``
        other than the dominant one) or the plain Neumann series (rate = spectral radius).
    check : bool
        Check productivity on construction (default True); see Notes.

    Attributes
    ----------
    method : str
        The resolved method: ``"dense"``, ``"splu"`` or ``"iterative"``.
    n : int
        Number of sectors.
    last_info : SolveInfo or None
        Method, residual and iterations of the last solve.
    products : int
        Lock-step iterations so far (iterative method): each multiplies every active
        right-hand side by ``A`` or ``Aᵀ`` once.
    matvecs : int
        Sparse matrix-vector products so far, counted per right-hand side.

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
    >>> s.method
    'dense'
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
        restart: int = 20,
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
            A = sp.csr_array(A, dtype=float)
            if not np.all(np.isfinite(A.data)):
                raise InvalidTableError("A has non-finite entries")
        else:
            A = np.asarray(getattr(A, "values", A), dtype=float)
            if A.ndim != 2 or A.shape[0] != A.shape[1]:
                raise InvalidTableError(f"A must be square, has shape {A.shape}")
            if not np.all(np.isfinite(A)):
                raise InvalidTableError("A has non-finite entries")
        self.n = int(A.shape[0])
        if labels is not None and len(labels) != self.n:
            raise ValueError(f"labels has {len(labels)} entries but A has shape {A.shape}")
        self.labels = labels
        self.tol = float(tol)
        self.max_iter = int(max_iter) if max_iter is not None else 1000
        self.restart = int(restart)
        self.iteration = iteration
        self.requested_method = method
        self.method = choose_method(A) if method == "auto" else method
        self.last_info: SolveInfo | None = None
        self.products = 0
        self.matvecs = 0

        # cheap structural facts, used for checks and for naming sectors in errors
        if sp.issparse(A):
            absA = abs(A)
            self._col_sums = np.asarray(A.sum(axis=0)).ravel()
            abs_col = np.asarray(absA.sum(axis=0)).ravel()
            abs_row = np.asarray(absA.sum(axis=1)).ravel()
            self.nonnegative = bool(A.nnz == 0 or A.data.min() >= 0)
        else:
            self._col_sums = A.sum(axis=0)
            absA = np.abs(A)
            abs_col, abs_row = absA.sum(axis=0), absA.sum(axis=1)
            self.nonnegative = bool(A.size == 0 or A.min() >= 0)
            del absA
        self._norm1 = float(abs_col.max()) if self.n else 0.0  # ‖A‖₁
        self._norm_inf = float(abs_row.max()) if self.n else 0.0  # ‖A‖∞
        self.certified = self.n == 0 or min(self._norm1, self._norm_inf) < 1.0

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
        else:  # iterative
            self._csr = sp.csr_array(A) if sp.issparse(A) else sp.csr_array(A)
            self._csr_T = sp.csr_array(self._csr.T)
            self._csr.sort_indices()

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
            d = self._csr @ d
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
    def _matvec(self, transpose: bool):
        csr = self._csr_T if transpose else self._csr

        def matvec(v):
            self.matvecs += 1 if v.ndim == 1 else v.shape[1]
            return csr @ v

        return matvec

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
            matvec = self._matvec(transpose)
            if self.iteration == "gmres":  # its last cycle computed the true residual
                U, iterations, converged, residual = _gmres_block(
                    matvec, B, self.tol, self.restart, self.max_iter
                )
            else:
                U, iterations, converged = _neumann_block(matvec, B, self.tol, self.max_iter)
                residual = self._residual(U, B, transpose) if np.all(np.isfinite(U)) else np.inf
            self.products += iterations
            if not math.isfinite(residual) or not np.all(np.isfinite(U)):
                residual = np.inf
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
        ``restart + 2`` Krylov vectors per column.
        """
        per_column = 8 * max(self.n, 1)
        if self.method == "iterative":
            per_column *= self.restart + 3
        elif self.method == "splu":
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
            self.last_info = SolveInfo(self.method, worst, self.last_info.iterations)
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
        self.last_info = SolveInfo(self.method, worst, self.last_info.iterations if self.n else 0)
        return L

    def __repr__(self) -> str:
        return f"<LeontiefSolver {self.method}, n={self.n}>"
