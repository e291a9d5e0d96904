"""Legal but suspicious: the structure checks a table gets when it is built.

Each check names the sectors concerned so that a person can look at the row or column in
the source file. None stops the analysis; each becomes one warning-level finding in
``table.diagnostics`` (printed by the command line):

- ``a_ii >= 0.5``: a sector buys half its output's worth from itself (often a total row or
  column read as a sector, or a unit error);
- column sums of ``A >= 1``: intermediate inputs worth at least the output (value added
  zero or negative);
- a sector with output but no intermediate inputs at all;
- negative final demand or primary inputs, by sector (legal: inventories, subsidies; but
  worth a look);
- a spectral radius of ``A`` close to 1: the Leontief inverse is ill-conditioned and
  multipliers are very large; the condition estimate is said.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["structure_findings", "spectral_radius_estimate", "DIAGONAL_LIMIT", "RADIUS_LIMIT"]

#: An own-input coefficient at or above this is reported.
DIAGONAL_LIMIT = 0.5
#: A spectral radius of A at or above this is reported as close to 1.
RADIUS_LIMIT = 0.95
_SHOWN = 5
#: Categories that are negative by nature (subsidies, changes in inventories, the import
#: column of a total-transaction table): said, as facts, not as doubts.
USUALLY_NEGATIVE = re.compile(
    r"subsid|inventor|persediaan|stok|stock|perubahan|change|net|neto|discrepanc|selisih|"
    r"impor|import",
    re.IGNORECASE,
)


def _names(sectors: pd.Index, mask: np.ndarray, values=None, fmt="{:.3g}") -> str:
    """The first few sectors where ``mask`` holds (with their values), and how many more."""
    where = np.flatnonzero(mask)
    shown = []
    for k in where[:_SHOWN]:
        label = repr(sectors[k]) if not isinstance(sectors[k], str) else f"'{sectors[k]}'"
        shown.append(label + (f" ({fmt.format(values[k])})" if values is not None else ""))
    more = f" and {len(where) - _SHOWN} more" if len(where) > _SHOWN else ""
    return ", ".join(shown) + more


def spectral_radius_estimate(A, iterations: int = 200, rtol: float = 1e-6) -> float:
    """The spectral radius of a nonnegative matrix, by power iteration (an estimate).

    For nonnegative ``A`` the Perron root is the spectral radius; the iteration on
    ``1ᵀ A^k`` (column sums) converges to it from below and above (Collatz-Wielandt
    bounds: min and max of ``(yA)_j / y_j``), and stops when they agree to ``rtol``.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> round(spectral_radius_estimate(A), 6)
    0.329129
    >>> round(float(max(abs(np.linalg.eigvals(A)))), 6)
    0.329129
    """
    n = A.shape[0]
    if n == 0:
        return 0.0
    AT = A.T.tocsr() if sp.issparse(A) else np.asarray(A).T
    y = np.ones(n)
    low = high = 0.0
    for _ in range(iterations):
        z = np.asarray(AT @ y).ravel()
        positive = y > 0
        if not positive.any() or not z.any():
            return 0.0
        ratio = z[positive] / y[positive]
        low, high = float(ratio.min()), float(ratio.max())
        if high - low <= rtol * max(high, 1e-300):
            break
        y = z / z.max()
        y[y < 1e-300] = 0.0
    return 0.5 * (low + high) if high - low <= rtol * max(high, 1e-300) else high


def _coefficient_findings(A, x: np.ndarray, sectors: pd.Index) -> list:
    out = []
    diag = np.asarray(A.diagonal()).ravel()
    high = diag >= DIAGONAL_LIMIT
    if high.any():
        out.append(
            (
                "large_own_input",
                f"{int(high.sum())} sector(s) buy at least {DIAGONAL_LIMIT:g} of their "
                f"output's worth from themselves (a_ii): {_names(sectors, high, diag)}; "
                "check that no total row or column was read as a sector and the units",
                int(high.sum()),
                "warning",
            )
        )
    col = np.asarray(A.sum(axis=0)).ravel()
    over = (col >= 1) & (x > 0)
    if over.any():
        out.append(
            (
                "inputs_exceed_output",
                f"{int(over.sum())} sector(s) have intermediate inputs worth at least their "
                f"output (column sum of A >= 1, value added <= 0): {_names(sectors, over, col)}",
                int(over.sum()),
                "warning",
            )
        )
    none = (col == 0) & (x > 0)
    if none.any():
        out.append(
            (
                "no_inputs",
                f"{int(none.sum())} sector(s) have output but no intermediate inputs at all: "
                f"{_names(sectors, none)}; their backward linkages are minimal",
                int(none.sum()),
                "warning",
            )
        )
    return out


def _radius_finding(A) -> list:
    col_max = float(np.asarray(A.sum(axis=0)).max()) if A.shape[0] else 0.0
    row_max = float(np.asarray(A.sum(axis=1)).max()) if A.shape[0] else 0.0
    if min(col_max, row_max) < RADIUS_LIMIT:  # ρ(A) <= min(‖A‖₁, ‖A‖∞): nothing to estimate
        return []
    rho = spectral_radius_estimate(A)
    if rho < RADIUS_LIMIT:
        return []
    if rho >= 1:
        return []  # not productive: the solver raises a clear error when it is used
    # ‖(I - A)⁻¹‖₁ >= 1 / (1 - ρ) for nonnegative A, so κ₁ >= ‖I - A‖₁ / (1 - ρ)
    norm = float(np.abs(np.asarray((sp.identity(A.shape[0]) - A).sum(axis=0))).max())
    kappa = max(norm, 1.0) / (1.0 - rho)
    return [
        (
            "near_singular",
            f"the spectral radius of A is {rho:.4f}, close to 1: I - A is ill-conditioned "
            f"(condition number at least {kappa:.3g}) and multipliers are very large; "
            "check for a total row or column read as a sector, or a unit error",
            1,
            "warning",
        )
    ]


def _negative_findings(frame: pd.DataFrame, what: str) -> list:
    out = []
    for name, column in frame.items():
        if str(name) == "value added (implied)":  # x - 1'Z < 0: inputs_exceed_output says it
            continue
        negative = column.to_numpy(dtype=float) < 0
        if negative.any():
            out.append(
                (
                    f"negative_{what.replace(' ', '_')}",
                    f"{what} {name!r} is negative in {int(negative.sum())} sector(s): "
                    f"{_names(frame.index, negative, column.to_numpy(dtype=float), '{:,.6g}')}",
                    int(negative.sum()),
                    "info" if USUALLY_NEGATIVE.search(str(name)) else "warning",
                )
            )
    return out


def structure_findings(A, x, sectors: pd.Index, final_demand=None, primary_inputs=None) -> list:
    """The suspicious features of a table, as ``(code, message, count, level)``.

    ``level`` is ``"warning"``, except for negative subsidies, changes in inventories and
    other net items (:data:`USUALLY_NEGATIVE`), which are ``"info"``.

    Parameters
    ----------
    A : ndarray or sparse matrix
        Input coefficients.
    x : ndarray
        Total output.
    sectors : pandas.Index
    final_demand, primary_inputs : DataFrame, optional
        Sectors x categories (the table's ``final_demand`` and ``primary_inputs``).

    Examples
    --------
    >>> A = np.array([[0.6, 0.1], [0.5, 0.2]])
    >>> [code for code, *_ in structure_findings(A, np.ones(2), pd.Index(["a", "b"]))]
    ['large_own_input', 'inputs_exceed_output']
    """
    x = np.asarray(x, dtype=float)
    out = _coefficient_findings(A, x, sectors)
    out += _radius_finding(A)
    if final_demand is not None:
        out += _negative_findings(final_demand, "final demand")
    if primary_inputs is not None:
        out += _negative_findings(primary_inputs, "primary input")
    return out
