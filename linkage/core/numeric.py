"""Numeric helpers shared by the layers: division that never divides by zero.

A sector (or firm) with zero output has zero coefficients and undefined ratios; the
callers say which value stands for "undefined" (0, 1 or NaN), and no warning is raised.
"""

from __future__ import annotations

import numpy as np

__all__ = ["safe_divide", "safe_reciprocal"]


def safe_divide(num, den, where_zero: float = 0.0) -> np.ndarray:
    """``num / den`` elementwise, with ``where_zero`` where ``den == 0`` (broadcasting).

    Parameters
    ----------
    num, den : array_like
    where_zero : float
        The value where the denominator is zero (0, 1 or NaN, as the formula needs).

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> safe_divide([1.0, 2.0, 3.0], [2.0, 0.0, 4.0])
    array([0.5 , 0.  , 0.75])
    >>> safe_divide([1.0, 2.0], [0.0, 2.0], where_zero=np.nan)
    array([nan,  1.])
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, float(where_zero))
    np.divide(num, den, out=out, where=den != 0)
    return out


def safe_reciprocal(x) -> np.ndarray:
    """``1 / x`` where ``x != 0``, and 0 where ``x == 0``.

    Examples
    --------
    >>> safe_reciprocal(np.array([2.0, 0.0, 4.0]))
    array([0.5 , 0.  , 0.25])
    """
    return safe_divide(1.0, x, 0.0)
