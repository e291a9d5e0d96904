"""GMRES on ``A`` with the right-hand sides of wide range solved in scaled form.

A 2-norm relative residual of 1e-12 says little about the entries of ``u`` that belong to
small entries of ``b``: at 1e6 firms the solve of ``(I - A) w = x`` (total output, from
0.03 to 2.5e6) left ``w / x`` (the Ghosh sums) 2.1e-9 off a 1e-15 solve of the scaled
system, however tight the tolerance (the residual stalls at 4e-14). With ``D = diag(b)``
(zeros replaced, :func:`~linkage.core.krylov_anderson.rhs_weights`), the system
``(I - D⁻¹ A D) v = D⁻¹ b``, ``u = D v``, has a right-hand side of ones and the same
spectrum; GMRES on it gives every entry to about the tolerance (each product three more
vector passes, on rows whose ``b`` spans more than 1e4 only).

GMRES is not scale-invariant, though: on a random ``A`` with ``b`` spanning 1e8 and
unrelated to it, the scaled system took 3-4 times the products. So the rows are solved
as they are first; then the weighted residual ``‖W r‖ / ‖W b‖`` (``W = D⁻¹``, one
product per row) decides: a row above :data:`WEIGHTED_SHARE` ``tol`` solves for its
correction in scaled form, to the factor it missed by. The reported residual is the true 2-norm one.
"""

from __future__ import annotations

import numpy as np

from .krylov_anderson import WEIGHTED_SHARE, rhs_weights
from .norms import row_norms

__all__ = ["scaled_gmres"]


def _scaled(apply, W):
    """``apply`` for ``W ∘ (M (v / W))`` row by row (``W`` one weight row per kernel row)."""

    def scaled(V, rows=None, out=None):
        Wr = W if rows is None else W[rows]
        out = apply(V / Wr, rows, out)
        out *= Wr
        return out

    scaled.rows = True
    scaled.out = True
    return scaled


def _subset(apply, idx):
    """``apply`` for the kernel rows ``idx`` only (a correction of some rows)."""

    def subset(V, rows=None, out=None):
        return apply(V, idx if rows is None else idx[rows], out)

    subset.rows = True
    subset.out = True
    return subset


def scaled_gmres(apply, B, inner, *, tol, restart, max_products, augment):
    """Rows of ``B`` (k, n) solved in lock step by ``inner`` (the power-basis GMRES) on
    ``apply`` (:func:`~linkage.core.kernel.applier`), then rows of wide range corrected in
    scaled form (see the module). Returns ``(U, products, converged, residual)`` as
    ``inner`` does, with the true relative residual of every row."""
    weights = [rhs_weights(b) for b in B]
    U, products, converged, residual = inner(apply, B, tol, restart, max_products, augment)
    wide = np.array([w is not None for w in weights])
    if not wide.any() or not np.all(np.isfinite(U)):
        return U, products, converged, residual
    W = np.ones_like(B, dtype=np.float64)
    for r, w in enumerate(weights):
        if w is not None:
            W[r] = w
    R = B - U + apply(U)  # the true residuals, one product per row
    wnorm = np.maximum(row_norms(W * B), 1e-300)
    rel_w = row_norms(W * R) / wnorm
    goal = WEIGHTED_SHARE * tol
    miss = np.flatnonzero(wide & (rel_w > goal))
    room = max_products - products - 1
    if miss.size and room > 1:  # the scaled system's residual, cut to tol
        Wm = W[miss]
        inner_tol = float(np.min(0.5 * goal / rel_w[miss]))
        D, more, _, _ = inner(
            _scaled(_subset(apply, miss), Wm), Wm * R[miss], inner_tol, restart, room - 1, augment
        )
        U[miss] += D / Wm
        R[miss] = B[miss] - U[miss] + apply(U[miss], miss)
        products += more + 1
    rel = row_norms(R) / np.maximum(row_norms(B), 1e-300)
    worst = float(rel.max()) if rel.size else 0.0
    return U, int(products + 1), bool(np.all(rel <= tol)), worst
