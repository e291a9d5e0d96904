"""The Leontief inverse in parts: columns, rows, blocks of columns, the diagonal, all of L.

Each part is one multi-right-hand-side solve with identity columns
(``L[:, j] = (I - A)⁻¹ e_j``), and a pass over all of L is ``n`` solves held one block
at a time. Many right-hand sides go to the solver's ``block_method``: when ``auto``
chose GMRES on a table a dense LU also suits, that LU is built on first use and answers
from then on.
"""

from __future__ import annotations

import functools

import numpy as np

from ..errors import MemoryLimitError
from .direct import RESIDUAL_SAMPLE, blas_product, inverse_from_lu
from .info import SolveInfo
from .krylov import AUGMENT

__all__ = [
    "InverseParts",
    "DEFAULT_BLOCK_BYTES",
    "DEFAULT_DENSE_LIMIT",
    "inverse_residual",
]

#: Default memory budget of one block of L in :meth:`InverseParts.column_blocks`.
DEFAULT_BLOCK_BYTES = 256 * 1024**2
#: Default limit of :meth:`InverseParts.to_dense`.
DEFAULT_DENSE_LIMIT = 4 * 1024**3


@functools.lru_cache(maxsize=64)
def sample_columns(n: int) -> np.ndarray:
    """The columns of L whose residual is checked: all of them up to ``RESIDUAL_SAMPLE``,
    else that many evenly spaced (read-only; cached, ``linspace`` and ``unique`` cost
    about 10 µs, a tenth of the whole residual at n = 100).

    Examples
    --------
    >>> sample_columns(3).tolist(), sample_columns(100)[:4].tolist()
    ([0, 1, 2], [0, 3, 6, 9])
    """
    if n <= RESIDUAL_SAMPLE:
        cols = np.arange(n)
    else:
        cols = np.unique(np.linspace(0, n - 1, RESIDUAL_SAMPLE).astype(int))
    cols.flags.writeable = False
    return cols


def inverse_residual(A, L: np.ndarray, cols: np.ndarray) -> float:
    """``max_j ‖(I - A) L[:, j] - e_j‖₂`` over the columns ``cols`` of the inverse ``L``
    (the right-hand sides are unit vectors, so this is the relative residual).

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> inverse_residual(A, np.linalg.inv(np.eye(2) - A), np.arange(2)) < 1e-15
    True
    """
    if not cols.size:
        return 0.0
    Lc = np.asfortranarray(L[:, cols])
    R = Lc - blas_product(A, Lc)  # in the BLAS of the LU (see blas_product)
    R[cols, np.arange(cols.size)] -= 1.0
    return float(np.sqrt(np.einsum("ij,ij->j", R, R).max()))


class InverseParts:
    """The parts of L that :class:`~linkage.core.solver.LeontiefSolver` hands out.

    A base class of the solver, apart because it only asks the solver for solves: it
    uses ``solve``, ``n``, ``method``, ``block_method``, ``restart``, ``last_info`` and
    the settings the block solver is built with; ``to_dense`` of the dense method
    inverts the factor ``_lu`` once (:func:`inverse_from_lu`).
    """

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

    def _block(self):
        """The factorization ``auto`` keeps for blocks of L (built on first use)."""
        if self._block_solver is None:
            self._block_solver = type(self)(
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

    def _solve_by_block(self, B, transpose):
        block = self._block()
        if np.ndim(transpose) == 0:
            U = block._solve(B, bool(transpose))
            self.last_info = block.last_info
            return U
        t = np.asarray(transpose, dtype=bool)  # a pair: one flag per column
        U = np.empty_like(B)
        U[:, ~t] = block._solve(np.ascontiguousarray(B[:, ~t]), False)
        first = block.last_info
        U[:, t] = block._solve(np.ascontiguousarray(B[:, t]), True)
        info = block.last_info
        worst = max(first.residual, info.residual)
        self.last_info = SolveInfo(info.method, worst, first.iterations + info.iterations)
        return U

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
        >>> from linkage.core.solver import LeontiefSolver
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
        >>> from linkage.core.solver import LeontiefSolver
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
        >>> from linkage.core.solver import LeontiefSolver
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
        >>> from linkage.core.solver import LeontiefSolver
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

    def to_dense(self, max_bytes: int | None = None, *, check: bool = True) -> np.ndarray:
        """The full Leontief inverse ``L`` as a dense (n, n) array, after a memory check.

        Parameters
        ----------
        max_bytes : int, optional
            Refuse when ``8 n²`` bytes exceed this (default 4 GiB).
        check : bool
            Dense factor only: with False, L is returned without the residual of its
            sampled columns and ``last_info`` is left as it was; the caller checks L (a
            zero pivot still raises). :func:`~linkage.core.dispersion.dense_L_arrays`
            checks the sums it reads from L instead.

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
            L = self._block().to_dense(limit, check=check)
            self.last_info = self._block_solver.last_info
            return L
        if self.method == "dense":
            return self._dense_inverse(check)
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

    def _dense_inverse(self, check: bool = True) -> np.ndarray:
        """All of L from the dense factor at once (:func:`inverse_from_lu`); the residual
        on up to 32 evenly spaced columns (``check``)."""
        if not self.n:
            self.last_info = SolveInfo(self.method, 0.0, 0)
            return np.empty((0, 0))
        L, info = inverse_from_lu(self._lu)
        if info != 0:
            self._raise_singular("I - A is singular: zero pivot in the LU factorization", [])
        if not check:
            return L
        residual = inverse_residual(self._A, L, sample_columns(self.n))
        self.last_info = SolveInfo(self.method, residual, 0)
        if not np.isfinite(residual) or not np.isfinite(L.sum()):
            self._raise_singular("I - A is singular: L has non-finite values", [])
        return L
