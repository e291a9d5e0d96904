"""The Leontief solver: factorize ``I - A`` once, solve for as many right-hand sides as needed.

Every standard linkage index needs only a few solves with ``I - A`` (column sums of the
Leontief inverse ``L = (I - A)⁻¹`` from one transposed solve, row sums from one plain
solve), so :class:`LeontiefSolver` never forms ``L`` unless asked. Its backends live
beside it: :mod:`~linkage.core.direct` (``dense``, a LAPACK LU; ``splu``, SuperLU) and
:mod:`~linkage.core.krylov` (``iterative``: restarted GMRES on ``I - A`` with products
by ``A`` itself, or the Neumann series). ``method="auto"`` picks one from the kind, size,
density and norms of ``A`` (:func:`~linkage.core.auto.explain_method`); with GMRES on a
dense table it keeps a dense LU in reserve for blocks of L.

Every solve records the method and the relative residual ``‖(I - A)u - b‖ / ‖b‖`` in
:attr:`LeontiefSolver.last_info`; :attr:`LeontiefSolver.method_reason` says why the
method was chosen. A singular or non-productive system raises
:class:`linkage.errors.SingularSystemError` naming the offending sectors; results never
contain NaN or infinities.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from ..errors import ConvergenceWarning, InvalidTableError, SingularSystemError
from . import direct
from .auto import AutoChoice, choose_method, explain_method
from .direct import EPS, dense_lu, reciprocal_condition, refined_solve, sparse_lu, zero_pivots
from .info import SolveInfo
from .inverse import InverseParts
from .krylov import RESTART, Iteration, krylov_basis
from .norms import matrix_norms

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
#: ``auto`` with GMRES and a factorization in reserve: products per right-hand side
#: before it falls back to the factorization.
AUTO_MAX_PRODUCTS = 100


def _label(labels, i: int):
    if labels is None:
        return f"S{i + 1}"
    value = labels[i]
    return value if isinstance(value, str) else str(value)


def _names(labels, idx, limit: int = 10) -> list:
    return [_label(labels, int(i)) for i in list(idx)[:limit]]


def _check_options(method, iteration, tol) -> None:
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


def _coefficients(A):
    """``A`` as the solver keeps it, with facts read in the same pass:
    ``(A, column sums, A >= 0, nnz)``.

    CSC and CSR arrays are kept as they are (no copy; ``A.T`` of one is the other), other
    sparse formats become CSR, anything else a float ndarray. Raises InvalidTableError
    for a matrix that is not square or has non-finite entries.
    """
    if sp.issparse(A):
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise InvalidTableError(f"A must be square, has shape {A.shape}")
        A = sp.csc_array(A, dtype=float) if A.format == "csc" else sp.csr_array(A, dtype=float)
        col_sums = np.asarray(A.sum(axis=0)).ravel()
        values = A.data
        nonnegative = bool(A.nnz == 0 or A.data.min() >= 0)
        nnz = int(A.nnz)
    else:
        A = np.asarray(getattr(A, "values", A), dtype=float)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise InvalidTableError(f"A must be square, has shape {A.shape}")
        col_sums = A.sum(axis=0)
        values = A
        nonnegative = bool(A.size == 0 or A.min() >= 0)
        nnz = int(A.size)  # products with a dense A cost 2 n² flops
    # a NaN or an infinity makes its column sum non-finite; check entries only then
    if not np.isfinite(col_sums).all() and not np.isfinite(values).all():
        raise InvalidTableError("A has non-finite entries")
    return A, col_sums, nonnegative, nnz


# ---------------------------------------------------------------------------- solver
class LeontiefSolver(InverseParts):
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
    rcond, rcond_kind : float, str
        Dense: ``1/cond₁(I - A)``, ``"estimate"`` (gecon) or ``"bound"`` (``certified_rcond``).
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

    The parts of L (``columns``, ``rows``, ``column_blocks``, ``diagonal``,
    ``to_dense``) are the methods of :class:`~linkage.core.inverse.InverseParts`.

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
        _check_options(method, iteration, tol)
        A, self._col_sums, self.nonnegative, self.nnz = _coefficients(A)
        self.n = int(A.shape[0])
        if labels is not None and len(labels) != self.n:
            raise ValueError(f"labels has {len(labels)} entries but A has shape {A.shape}")
        self.labels = labels
        self.tol = float(tol)
        self.max_iter = int(max_iter) if max_iter is not None else 1000
        self.krylov = krylov_basis(A, self.nnz)
        self.restart = int(restart) if restart is not None else RESTART[self.krylov]
        if iteration != "neumann" and self.restart < 1:
            raise ValueError(f"restart must be >= 1, got {restart!r}")
        self.iteration = iteration
        self.requested_method = method
        self.last_info: SolveInfo | None = None

        # norms for the certificates; no |A| copy when A >= 0
        self._norm1, self._norm_inf = matrix_norms(A, self._col_sums, self.nonnegative)
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
        # the iterative method makes products with A itself (and a view of Aᵀ)
        self._iteration = Iteration(A) if self.method == "iterative" else None
        if self._iteration is None:
            self._factor(A)
        if check:
            self._check_productive()

    # ------------------------------------------------------------ factorization
    def _factor(self, A) -> None:
        """The LU of a direct method, checked for zero pivots and, dense, its condition."""
        dense = self.method == "dense"
        if dense:
            self._lu = dense_lu(A)
        else:
            try:
                self._lu = sparse_lu(A)
            except RuntimeError as exc:  # "Factor is exactly singular"
                self._raise_singular(f"I - A is singular ({exc})", [])
        if dense and (bound := direct.certified_rcond(self._norm1)):  # no zero pivot, cond known
            self.rcond, self.rcond_kind = bound, "bound"
            return
        bad = zero_pivots(self._lu)
        if bad.size:
            where = (
                f"LU factorization at {bad.size} column(s)" if dense else "sparse LU factorization"
            )
            self._raise_singular(f"I - A is singular: zero pivot in the {where}", bad)
        if dense and self.n:
            self.rcond = reciprocal_condition(self._lu, 1.0 + self._norm1)  # ‖I - A‖₁ bound
            self.rcond_kind = "estimate"  # LAPACK's
            if self.rcond < self.n * EPS:
                self._raise_singular(
                    f"I - A is numerically singular (reciprocal condition {self.rcond:.1e})",
                    np.argsort(np.abs(np.diag(self._lu[0])))[:1],
                )

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
        if self.nonnegative and self.method == "iterative" and self._iteration.certify():
            self.certified = True  # max(A^k 1) < 1 for a small k: no solve needed
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

    @property
    def matvecs(self) -> int:
        """Matrix-vector products so far (iterative method), counted per right-hand side."""
        return self._iteration.matvecs if self._iteration is not None else 0

    @property
    def products(self) -> int:
        """Products with ``A`` or ``Aᵀ`` so far (iterative method), per solve the most
        demanding right-hand side."""
        return self._iteration.products if self._iteration is not None else 0

    @property
    def passes(self) -> int:
        """Passes over ``A`` so far (iterative method): one per sweep of the fused kernel,
        which advances plain and transposed solves together, else one per product."""
        return self._iteration.passes if self._iteration is not None else 0

    def solve_pair(self, b, c):
        """``(u, y)`` with ``(I - A) u = b`` and ``(I - A)ᵀ y = c`` (each ``(n,)`` or
        ``(n, k)``): on sparse ``A`` the iterative method advances both in the same sweeps
        (:mod:`~linkage.core.kernel`), else two solves; ``last_info`` covers both.

        Examples
        --------
        >>> import numpy as np
        >>> s = LeontiefSolver(np.array([[0.15, 0.25], [0.20, 0.05]]))
        >>> u, y = s.solve_pair(np.ones(2), np.ones(2))
        >>> u.round(4), y.round(4)
        (array([1.5841, 1.3861]), array([1.5182, 1.4521]))
        """
        B, C = (np.asarray(v, dtype=float) for v in (b, c))
        Bm, Cm = (v[:, np.newaxis] if v.ndim == 1 else v for v in (B, C))
        kb, k = Bm.shape[1], Bm.shape[1] + Cm.shape[1]
        joint = self._iteration is not None and self._iteration.fused
        joint = joint and self.iteration == "gmres" and Bm.shape[0] == Cm.shape[0] == self.n
        if not (joint and np.all(np.isfinite(Bm)) and np.all(np.isfinite(Cm))):
            u = self.solve(B)
            first = self.last_info
            y = self.solve(C, transpose=True)
            worst = max(first.residual, self.last_info.residual)
            its = first.iterations + self.last_info.iterations
            self.last_info = SolveInfo(self.last_info.method, worst, its)
            return u, y
        U = self._solve(np.ascontiguousarray(np.hstack([Bm, Cm])), np.arange(k) >= kb)
        u, y = U[:, :kb], U[:, kb:]
        return (u[:, 0] if B.ndim == 1 else u), (y[:, 0] if C.ndim == 1 else y)

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
    def _solve(self, B, transpose):
        """Solve for a block B (n, k); sets last_info; raises on NaN/inf. ``transpose`` a
        bool, or one per column (:meth:`solve_pair`, fused iterative method only)."""
        if self.method != "iterative":
            U, residual = refined_solve(self._lu, self._A, B, transpose, self.tol)
            iterations = 0
        elif self._delegates(B.shape[1]):
            return self._solve_by_block(B, transpose)
        else:
            U, iterations, converged, residual = self._iterate(B, transpose)
            if self._falls_back(converged, residual, iterations):
                return self._solve_by_block(B, transpose)
            self._check_iteration(U, converged, residual, iterations)
        self.last_info = SolveInfo(self.method, float(residual), int(iterations))
        if not np.all(np.isfinite(U)):
            self._raise_singular("I - A is singular: the solve produced non-finite values", [])
        return U

    def _iterate(self, B, transpose):
        """The iterative solve of B (n, k): ``(U, products, converged, residual)``, with an
        infinite residual when the iteration produced non-finite values."""
        fallback = self.block_method != self.method
        budget = min(self.max_iter, AUTO_MAX_PRODUCTS) if fallback else self.max_iter
        scheme = self.krylov if self.iteration == "gmres" else "neumann"
        self._rhs_seen += B.shape[1]
        return self._iteration.solve(
            B, transpose, scheme=scheme, tol=self.tol, restart=self.restart, max_products=budget
        )

    def _falls_back(self, converged: bool, residual: float, iterations: int) -> bool:
        """True when ``auto``'s GMRES missed ``tol`` and the block method takes over."""
        if self.block_method == self.method:
            return False
        if converged and residual <= max(self.tol, 1e-10):
            return False
        self._use_block = True
        self.method_reason += (
            f"; {self.iteration} reached only {residual:.1e} in {iterations} products, "
            f"so {self.block_method!r} solves from then on"
        )
        return True

    def _check_iteration(self, U, converged: bool, residual: float, iterations: int) -> None:
        """Raise when the iteration diverged; warn when it stopped short of ``tol``."""
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
                stacklevel=5,
            )

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

    def __repr__(self) -> str:
        return f"<LeontiefSolver {self.method}, n={self.n}>"
