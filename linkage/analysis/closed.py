"""The model closed with respect to households (Miller & Blair 2009, section 2.5).

Households become sector n+1: they sell labour to the sectors (the wage coefficients
``w_j = wages_j / x_j`` as row n+1), buy from them (``h_i = c_i / x_{n+1}``, household
consumption per unit of household income, as column n+1), and buy household labour
themselves (the household-household cell ``a_hh``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..core.solver import LeontiefSolver

__all__ = ["closed_coefficients", "closed_solver"]


def closed_coefficients(A, wage_coef, household_coef, household_own_coef: float = 0.0):
    """The (n+1) x (n+1) coefficient matrix ``Ā`` of the closed model.

    Parameters
    ----------
    A : ndarray or scipy.sparse array, shape (n, n)
        Input coefficients of the open model.
    wage_coef : array_like (n,)
        Wages per unit of output, the households' row.
    household_coef : array_like (n,)
        Household consumption per unit of household income, the households' column.
    household_own_coef : float
        The household-household cell.

    Returns
    -------
    ndarray or scipy.sparse.csc_array
        ``[[A, h], [wᵀ, a_hh]]``, sparse when ``A`` is.

    Examples
    --------
    Miller & Blair (2009), section 2.5:

    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> closed_coefficients(A, [0.3, 0.25], [0.05, 0.4], 0.05)
    array([[0.15, 0.25, 0.05],
           [0.2 , 0.05, 0.4 ],
           [0.3 , 0.25, 0.05]])
    """
    h = np.asarray(household_coef, dtype=float)[:, np.newaxis]
    w = np.asarray(wage_coef, dtype=float)[np.newaxis, :]
    corner = np.full((1, 1), float(household_own_coef))
    if sp.issparse(A):
        blocks = [[A, sp.csc_array(h)], [sp.csc_array(w), sp.csc_array(corner)]]
        return sp.block_array(blocks, format="csc")
    return np.block([[np.asarray(A), h], [w, corner]])


def closed_solver(solver: LeontiefSolver, Abar, labels=None) -> LeontiefSolver:
    """A solver of ``I - Ā`` with the open model solver's requested method.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> Abar = closed_coefficients(A, [0.3, 0.25], [0.05, 0.4], 0.05)
    >>> closed_solver(LeontiefSolver(A), Abar).n
    3
    """
    closed_labels = None if labels is None else [*map(str, labels), "households"]
    # the closed system is new (n + 1 sectors): solved with the open solver's method
    return LeontiefSolver(Abar, method=solver.requested_method, labels=closed_labels)
