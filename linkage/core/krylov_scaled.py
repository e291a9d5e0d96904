"""GMRES on ``A`` with the right-hand sides of wide range solved in scaled form.

A 2-norm relative residual of 1e-12 says little about the entries of ``u`` that belong to
small entries of ``b``: at 1e6 firms the solve of ``(I - A) w = x`` (total output, from
0.03 to 2.5e6) left ``w / x`` (the Ghosh sums) 2.1e-9 off a 1e-15 solve of the scaled
system, however tight the tolerance (the residual stalls at 4e-14). With ``D = diag(b)``
(zeros replaced, :func:`~linkage.core.krylov_anderson.rhs_weights`), the system
``(I - D⁻¹ A D) v = D⁻¹ b``, ``u = D v``, has a right-hand side of ones and the same
spectrum; GMRES on it gives every entry to about the tolerance. Each product costs three
more vector passes (the scaling), on rows whose ``b`` spans more than 1e3 only.

A solve converges on both residuals: the scaled one (GMRES's own) and then the true
``‖b - (I - A) u‖ / ‖b‖`` from scratch (one product per row); a row that misses the
second gets one unscaled correction round.
"""

from __future__ import annotations

import numpy as np

from .krylov_anderson import rhs_weights
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
    ``apply`` (:func:`~linkage.core.kernel.applier`), rows of wide range scaled (see the
    module). Returns ``(U, products, converged, residual)`` as ``inner`` does, with the
    true relative residual of every row."""
    weights = [rhs_weights(b) for b in B]
    if all(w is None for w in weights):
        return inner(apply, B, tol, restart, max_products, augment)
    W = np.ones_like(B, dtype=np.float64)
    for r, w in enumerate(weights):
        if w is not None:
            W[r] = w
    Us, products, _, _ = inner(_scaled(apply, W), W * B, tol, restart, max_products, augment)
    U = Us / W
    bnorm = np.maximum(row_norms(B), 1e-300)
    R = B - U + apply(U)
    products += 1
    rel = row_norms(R) / bnorm
    miss = np.flatnonzero(rel > tol)
    room = max_products - products
    if miss.size and room > 1 and np.all(np.isfinite(rel)):  # unscaled, what is missing
        inner_tol = float(np.min(tol / rel[miss]))
        D, more, _, _ = inner(_subset(apply, miss), R[miss], inner_tol, restart, room - 1, augment)
        U[miss] += D
        R[miss] = B[miss] - U[miss] + apply(U[miss], miss)
        products += more + 1
        rel[miss] = row_norms(R, miss) / bnorm[miss]
    worst = float(rel.max()) if rel.size else 0.0
    return U, int(products), bool(np.all(rel <= tol)), worst
