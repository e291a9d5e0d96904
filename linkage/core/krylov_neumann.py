"""The Neumann series ``u ← b + M u`` for ``(I - M) U = B``, all rows at once (the
iterative backend's ``iteration="neumann"``; :mod:`~linkage.core.krylov` re-exports it)."""

from __future__ import annotations

import math

import numpy as np

from .norms import row_norms

__all__ = ["neumann"]


def neumann(apply, B, tol, max_products):
    """Neumann series ``U ← B + M U`` (Jacobi iteration on ``I - M``), rows of ``B`` at once.

    Returns ``(U, products, converged)``. After k products the residual of the partial
    sum ``B + M B + ... + M^k B`` is the next increment ``M^(k+1) B``, so the loop stops
    when every ``‖M^k b‖ / ‖b‖ <= tol``, or when the increments grow (divergence).
    """
    bnorm = np.maximum(row_norms(B), 1e-300)  # a zero row: its increments stay zero
    X, D, products, previous = B.copy(), B, 0, np.inf
    while products < max_products:
        D = apply(D)  # D = M^k B, the residual of the partial sum
        products += 1
        rel = row_norms(D) / bnorm
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
