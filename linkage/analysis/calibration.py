"""Calibration of the location-quotient methods against known regional tables.

:func:`calibrate_delta` regionalizes with each method (and, for FLQ and AFLQ, each
``delta`` of a grid) and scores the estimated coefficients against true ones with
:func:`estimation_errors` (Flegg & Tohmo 2013; ``docs/regional.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .lq import METHODS, lq_matrix, regional_coefficients

__all__ = ["output_multipliers", "estimation_errors", "calibrate_delta"]


def output_multipliers(R) -> np.ndarray:
    """Output multipliers ``1' (I - R)^-1`` of a (small, dense) coefficient matrix.

    Examples
    --------
    >>> output_multipliers(np.array([[0.15, 0.25], [0.2, 0.05]])).round(4)  # (1.15, 1.1) / 0.7575
    array([1.5182, 1.4521])
    """
    R = np.asarray(R, dtype=float)
    n = R.shape[0]
    return np.linalg.solve((np.eye(n) - R).T, np.ones(n))


def estimation_errors(R_est, R_true, weights=None) -> dict:
    """Error measures of estimated against true regional coefficients and multipliers.

    Parameters
    ----------
    R_est, R_true : ndarray (n, n)
        Estimated and true regional (intra-regional) input coefficients.
    weights : ndarray (n,), optional
        Sector weights for the weighted multiplier error (regional output); sectors with
        zero weight are left out of every multiplier measure.

    Returns
    -------
    dict
        ``mape``: mean over sectors of ``100 |m̂_j - m_j| / m_j`` (output multipliers
        ``m = 1'(I - R)^-1``); ``wmape``: the same weighted by ``weights``; ``mpe``: mean
        signed percentage error (bias; positive = overstated); ``stpe``: standardized total
        percentage error ``100 Σ|r̂_ij - r_ij| / Σ r_ij``; ``theil_u``: ``sqrt(Σ(r̂_ij -
        r_ij)² / Σ r_ij²)``.

    Examples
    --------
    >>> R = np.array([[0.1, 0.2], [0.2, 0.1]])
    >>> e = estimation_errors(R, R)
    >>> e["mape"], e["stpe"], e["theil_u"]
    (0.0, 0.0, 0.0)
    """
    R_est = np.asarray(R_est, dtype=float)
    R_true = np.asarray(R_true, dtype=float)
    w = np.ones(R_true.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    m_est, m_true = output_multipliers(R_est)[keep], output_multipliers(R_true)[keep]
    pe = 100.0 * (m_est - m_true) / m_true
    diff = R_est - R_true
    return {
        "mape": float(np.mean(np.abs(pe))),
        "wmape": float(np.sum(w[keep] * np.abs(pe)) / np.sum(w[keep])),
        "mpe": float(np.mean(pe)),
        "stpe": float(100.0 * np.abs(diff).sum() / R_true.sum()),
        "theil_u": float(np.sqrt((diff**2).sum() / (R_true**2).sum())),
    }


def calibrate_delta(A, national, regions, *, methods=METHODS, deltas=None) -> pd.DataFrame:
    """Errors of each LQ method and delta against known regional tables.

    Parameters
    ----------
    A : ndarray (n, n)
        The reference economy's (domestic) input coefficients.
    national : ndarray (n,)
        The reference economy's measure by sector.
    regions : dict
        Region name -> ``(regional_measure, R_true)``; ``R_true`` holds the true
        intra-regional coefficients. Regional output (the weight of the weighted error) is
        the measure when it is output.
    methods : sequence of str
        Methods to try (SLQ and CILQ do not depend on delta and get one row each).
    deltas : sequence of float, optional
        Grid for FLQ and AFLQ; default ``0, 0.05, ..., 0.95``.

    Returns
    -------
    DataFrame
        One row per (region, method, delta) with the columns of :func:`estimation_errors`.

    Examples
    --------
    >>> A = np.array([[0.2, 0.1], [0.1, 0.3]])
    >>> true = {"r1": ([30.0, 10.0], A * [[1.0, 1.0], [0.5, 0.5]])}
    >>> err = calibrate_delta(A, np.array([100.0, 100.0]), true, methods=["slq"])
    >>> err[["region", "method", "stpe"]].round(3)
      region method   stpe
    0     r1    slq  0.000
    """
    if deltas is None:
        deltas = np.round(np.arange(0.0, 1.0, 0.05), 2)
    A = np.asarray(A, dtype=float)
    rows = []
    for name, (measure, R_true) in regions.items():
        measure = np.asarray(measure, dtype=float)
        for method in methods:
            grid = deltas if method in ("flq", "aflq") else [np.nan]
            for d in grid:
                lq, _, lam = lq_matrix(
                    measure, national, method=method, delta=0.0 if np.isnan(d) else float(d)
                )
                errs = estimation_errors(regional_coefficients(A, lq), R_true, weights=measure)
                rows.append({"region": name, "method": method, "delta": d, "lambda": lam, **errs})
    return pd.DataFrame(rows)
