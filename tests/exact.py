"""Exact rational arithmetic shared by the tests that check floating-point answers."""

from __future__ import annotations

from fractions import Fraction


def exact_solve(M, b):
    """``M⁻¹ b`` in exact rational arithmetic (Gaussian elimination over Fractions)."""
    n = len(b)
    M = [list(row) + [bi] for row, bi in zip(M, b, strict=True)]
    for k in range(n):
        p = next(i for i in range(k, n) if M[i][k] != 0)
        M[k], M[p] = M[p], M[k]
        for i in range(k + 1, n):
            if M[i][k] != 0:
                q = M[i][k] / M[k][k]
                M[i] = [a - q * c for a, c in zip(M[i], M[k], strict=True)]
    u = [Fraction(0)] * n
    for k in reversed(range(n)):
        u[k] = (M[k][n] - sum(M[k][j] * u[j] for j in range(k + 1, n))) / M[k][k]
    return u
