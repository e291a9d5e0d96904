"""What ``method="auto"`` picks for a matrix, and why.

The rule looks at the kind (ndarray or sparse), the size, the density and the norms of
``A``: GMRES when ``‖A‖₁ < 1`` or ``‖A‖∞ < 1`` certifies its convergence on tables above
1000 sectors, a factorization otherwise; with GMRES on a dense table it keeps a dense LU
in reserve for blocks of L (:attr:`AutoChoice.block_method`). :func:`explain_method` states
the rule and gives the reason with the choice; :func:`choose_method` only the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .norms import matrix_norms

__all__ = ["AutoChoice", "choose_method", "explain_method"]

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
    norm1, norm_inf = matrix_norms(A) if norms is None else norms
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
