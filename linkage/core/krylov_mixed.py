"""Anderson-mixed Gauss-Seidel on float32 values and iterates inside a float64 iterative
refinement.

The sweeps of :mod:`~linkage.core.krylov_anderson` move the random reads of the iterate
``z`` (8 MB at 1e6 firms) and the stream of values and indices. Here the values of ``A``
are float32 (4 bytes a nonzero) and so are the iterates the Anderson history keeps (``z``
4 MB). One machine gave a warm sweep at 1e6 firms 0.61-0.66 of the float64 one (float32
values with a float64 ``z``: 0.86-1.14). On a later one a sweep alone is no faster and is
bound by its per-row work, but the three rows on two cores still run 10 % faster, since
they share the memory traffic (benchmarks/findings/kernel.md). Every sum is
float64 (a row's total, ``f = G(z) - z``, the Gram matrix, the mixing weights): only the
values (``Ā = fl32(A)``, ``|Ā - A| <= 2⁻²⁴ A`` entrywise) and the stored iterate (rounded
to float32 after each row) carry float32 error, so an inner solve is good to a relative
residual of about 1e-7. Iterative refinement (defect correction) removes it: with the true
residual ``r = b - (I - A) u`` from a float64 product (scipy, ``S`` itself), the correction
``d`` solves ``(I - Ā) d = r`` by the same sweeps and ``u ← u + d`` in float64; each round
cuts the residual by the factor its inner solve reached (never below :data:`FLOOR`), so two
rounds reach 1e-12 (10 + 9-10 sweeps and 2 products at spectral radius 0.6, 14 + 15-16 and 2
at 0.8, against 19-20 + 1 and 28-30 + 1 in float64; benchmarks/findings/kernel.md).

Each inner solve stops at the residual its round needs (``tol`` over the residual it starts
from, never below :data:`FLOOR`, where float32 takes over) and restarts the Anderson
history: the right-hand side changes, so the old ``f_i`` belong to another system. The
weighted residual of :func:`~linkage.core.krylov_anderson.anderson_row` (``L x``, its
small firms) is kept to the same goal: the entrywise bounds are unchanged by the diagonal
scaling ``diag(b)⁻¹ (I - A) diag(b)``, so the floor holds in the weighted norm too. The
numbers differ from the float64 sweeps' in the last digits the residual leaves free
(indices within 1e-10 at 1e6 firms); ``LINKAGE_FLOAT32=0`` gives the float64 sweeps.
"""

from __future__ import annotations

import math
import os

import numpy as np

from . import krylov_anderson
from .kernel import env_flag
from .krylov_anderson import (
    MAX_ROWS,
    STALL,
    STALL_AFTER,
    WEIGHTED_SHARE,
    WINDOW,
    _advance,
    _sweep_f,
    gs_row,
    norm,
    residual_score,
    rhs_weights,
)
from .krylov_gs import gs_gmres

__all__ = [
    "FLOOR",
    "ROUNDS",
    "SHARE",
    "enabled",
    "gs_mixed_row",
    "gs_solve",
    "inner_row",
    "mixed_row",
]

#: Relative residual below which a float32 inner solve does not go (about eight times the
#: unit roundoff of float32 values, 2⁻²⁴ = 6e-8): the next float64 residual takes over.
FLOOR = 1e-6
#: Share of the residual a round needs that its inner solve aims at.
SHARE = 1.0
#: Refinement rounds (inner solve, float64 residual) before giving up.
ROUNDS = 6


def inner_row(indptr, indices, data, b, target, max_passes, diagonal, w, weighted, work=None):
    """Anderson-mixed Gauss-Seidel sweeps with the values ``data`` (any float dtype) from
    ``x = 0`` until ``‖f‖ / ‖b‖`` (weighted by ``w`` when ``weighted``) is below
    ``target``, no gain in :data:`~linkage.core.krylov_anderson.STALL` sweeps (after
    :data:`~linkage.core.krylov_anderson.STALL_AFTER`) or
    ``max_passes`` sweeps; no product with ``A``. The iterates are kept in the rows of
    ``G`` and the residuals in ``F`` (``work = (G, F)``, ``WINDOW + 2`` rows each; None:
    new arrays, ``G`` float32, ``F`` float64), reused by the rounds of :func:`mixed_row`.

    Returns
    -------
    tuple
        ``(g, sweeps, fnorm)``: the last iterate (a new array), the sweeps spent and its
        relative ``‖f‖``.
    """
    n = b.size
    bnorm = norm(w * b) if weighted else norm(b)
    if bnorm == 0.0:
        return np.zeros(n), 0, 0.0
    slots = WINDOW + 2
    G, F = (np.empty((slots, n), np.float32), np.empty((slots, n))) if work is None else work
    G[0] = 0.0  # the first sweep starts from x = 0; later slots are written before read
    gram = np.zeros((slots, slots))
    stale: list[int] = []
    best_f, since_best, fnorm, sweeps, s = math.inf, 0, math.inf, 0, 0
    for k in range(max(1, int(max_passes))):
        s = k % slots
        ff = _sweep_f(indptr, indices, data, b, G[s], F[s], diagonal, w, weighted)
        fnorm, sweeps = math.sqrt(ff) / bnorm, sweeps + 1
        if not math.isfinite(fnorm):
            break
        since_best = 0 if fnorm < 0.99 * best_f else since_best + 1
        best_f = min(best_f, fnorm)
        stalled = since_best >= STALL and k >= STALL_AFTER
        if fnorm <= target or stalled or sweeps >= max_passes:
            break
        _advance(F, G, gram, stale, k, slots)
    return G[s].astype(np.float64), sweeps, fnorm


def mixed_row(S, data, b, tol, max_passes, diagonal=True, weights=None, indptr=None):
    """Solve ``(I - A) u = b`` as :func:`~linkage.core.krylov_anderson.anderson_row` does,
    the sweeps with the values ``data`` (float32: ``S.data`` rounded) inside a float64
    iterative refinement (see the module); the true residuals use ``S`` itself.

    Returns
    -------
    tuple
        ``(u, passes, converged, residual)``: the solution, the passes over ``S`` (sweeps
        and products), whether the true relative residual (and the weighted one) reached
        ``tol``, and the true relative residual.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> S = sp.csr_array(np.array([[0.0, 0.3], [0.2, 0.1]]))
    >>> u, passes, ok, rel = mixed_row(S, S.data.astype(np.float32), np.ones(2), 1e-12, 99)
    >>> ok, bool(np.allclose(u, np.linalg.solve(np.eye(2) - S.toarray(), np.ones(2))))
    (True, True)
    """
    n = b.size
    bnorm = norm(b)
    if bnorm == 0.0 or n == 0:
        return np.zeros(n), 0, True, 0.0
    indptr = S.indptr if indptr is None else indptr
    weighted = weights is not None
    w = np.asarray(weights, dtype=np.float64) if weighted else None
    wnorm = norm(w * b) if weighted else bnorm
    u, r, passes = np.zeros(n), b, 0
    work = np.empty((WINDOW + 2, n), np.float32), np.empty((WINDOW + 2, n))
    best = (True, math.inf, math.inf, u)  # (missed tol, score, true residual, u)
    rel, wres, goal = 1.0, wnorm, max(WEIGHTED_SHARE * tol * wnorm, 0.0)
    for _ in range(ROUNDS):
        room = int(max_passes) - passes - 1
        if room < 1:
            break
        # the inner solve's goal relative to r: both residuals down to tol (and goal)
        need = tol / rel
        if weighted:
            need = min(need, goal / max(wres, 1e-300))
        target = max(SHARE * need, FLOOR)
        d, sweeps, _ = inner_row(
            indptr, S.indices, data, r, target, room, diagonal, w if weighted else b, weighted, work
        )
        u = u + d
        Su = S @ u
        r = b - u + Su
        passes += sweeps + 1
        new_rel, wres, goal = residual_score(b, u, Su, r, bnorm, w, wnorm, tol)
        if not math.isfinite(new_rel):
            break
        score = max(new_rel, wres * tol / goal) if weighted else new_rel
        best = min(best, (new_rel > tol, score, new_rel, u), key=lambda t: t[:2])
        if score <= tol or new_rel > 0.99 * rel:
            break
        rel = new_rel
    _, _, rel, u = best
    return u, passes, bool(rel <= tol), float(rel)


def enabled() -> bool:
    """Whether :func:`gs_solve` sweeps with float32 values (:func:`gs_mixed_row`): unless
    ``LINKAGE_FLOAT32=0`` (then float64 sweeps, :func:`~linkage.core.krylov_anderson.gs_row`).

    Examples
    --------
    >>> enabled() in (True, False)
    True
    """
    return env_flag("LINKAGE_FLOAT32") or os.environ.get("LINKAGE_FLOAT32", "").strip() == ""


def gs_mixed_row(gs, b, transposed: bool, tol: float, max_products: int):
    """One row ``b`` by :func:`mixed_row` on the structure of ``gs`` for ``transposed``
    and its float32 values (:meth:`~linkage.core.krylov_gs.GaussSeidel.values32`); a row
    the refinement leaves above ``tol`` (an ``A`` too far from its float32 rounding)
    goes on with float64 sweeps from scratch, :func:`~linkage.core.krylov_anderson.gs_row`,
    its passes added."""
    S, indptr = gs.structure(transposed)
    data = gs.values32(transposed)
    row = mixed_row(S, data, b, tol, max_products, gs.diagonal, rhs_weights(b), indptr)
    room = max_products - row[1]
    if row[2] or room < 2:
        return row
    u, passes, converged, rel = gs_row(gs, b, transposed, tol, room)
    return u, passes + row[1], converged, rel


def gs_solve(gs, B, transposed, inner, *, tol, restart, max_products, augment):
    """The rows of ``B`` on the Gauss-Seidel sweeps of ``gs``:
    :func:`~linkage.core.krylov_anderson.gs_anderson` for up to
    :data:`~linkage.core.krylov_anderson.MAX_ROWS` rows (each by :func:`gs_mixed_row`
    when :func:`enabled`), else :func:`~linkage.core.krylov_gs.gs_gmres` with the Krylov
    kernel ``inner``; returns ``(U, products, converged, residual)``."""
    if B.shape[0] <= MAX_ROWS:
        row = gs_mixed_row if enabled() else gs_row
        return krylov_anderson.gs_anderson(
            gs, B, transposed, tol=tol, max_products=max_products, row=row
        )
    return gs_gmres(
        gs, B, transposed, inner, tol=tol, restart=restart, max_products=max_products,
        augment=augment,
    )  # fmt: skip
