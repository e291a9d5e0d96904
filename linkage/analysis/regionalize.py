"""Regional input-output tables from a national (or provincial) one.

A district rarely has its own survey-based table. The usual non-survey route (Miller &
Blair 2009, ch. 8) takes the reference economy's input coefficients ``a_ij`` and scales
them down by a *location quotient* that measures how well the region can supply itself:

.. math::

    r_{ij} = a_{ij} \\min(1, LQ_{ij})

This module holds the pure maths on arrays (:func:`lq_matrix`, :func:`flq_lambda`,
:func:`ras`), the labelled front ends (:func:`location_quotients`) and the table builder
(:func:`regionalize`). Choices made when building the regional table are documented in
``docs/regional.md`` and in :func:`regionalize`.

References
----------
Flegg, A.T., Webber, C.D. & Elliott, M.V. (1995). On the appropriate use of location
quotients in generating regional input-output tables. Regional Studies 29(6), 547-561.
Flegg, A.T. & Webber, C.D. (1997). On the appropriate use of location quotients in
generating regional input-output tables: reply. Regional Studies 31(8), 795-805.
Flegg, A.T. & Webber, C.D. (2000). Regional size, regional specialization and the FLQ
formula. Regional Studies 34(6), 563-569.
Flegg, A.T. & Tohmo, T. (2013). Regional input-output tables and the FLQ formula: a case
study of Finland. Regional Studies 47(5), 703-721. https://doi.org/10.1080/00343404.2011.592138
Miller, R.E. & Blair, P.D. (2009). Input-Output Analysis, 2nd ed., sections 7.4 and 8.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import (
    BalancingError,
    ConvergenceWarning,
    DataQualityWarning,
    InvalidTableError,
    UnbalancedTableWarning,
)

__all__ = [
    "METHODS",
    "MEASURES",
    "flq_lambda",
    "lq_matrix",
    "location_quotients",
    "regional_coefficients",
    "RASResult",
    "ras",
    "aggregate_table",
    "split_measure",
    "RegionalResult",
    "regionalize",
    "REST_OF_COUNTRY",
    "EXPORTS_REST_OF_COUNTRY",
    "output_multipliers",
    "estimation_errors",
    "calibrate_delta",
]

METHODS = ("slq", "cilq", "flq", "aflq")
MEASURES = ("output", "grdp", "employment")
CONCORDANCES = ("split", "aggregate")
#: Primary-input row holding the region's purchases from the rest of the reference economy.
REST_OF_COUNTRY = "imports from rest of country"
#: Final-demand column holding what the region's producers sell beyond the reference economy's
#: final-demand pattern scaled to their output: sales to industries in the rest of the
#: reference economy.
EXPORTS_REST_OF_COUNTRY = "exports to rest of country"


# ---------------------------------------------------------------------------- validation
def _check_choice(name: str, value, allowed, func: str) -> str:
    if value not in allowed:
        raise ValueError(
            f"The {name!r} parameter of {func} must be one of {set(allowed)}. "
            f"Got {value!r} instead."
        )
    return value


def _check_delta(delta, func: str) -> float:
    if isinstance(delta, bool) or not isinstance(delta, Real) or not (0 <= float(delta) < 1):
        raise ValueError(
            f"The 'delta' parameter of {func} must be a real number in [0, 1). "
            f"Got {delta!r} instead."
        )
    return float(delta)


def _measure_array(values, name: str) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(a)):
        k = int(np.flatnonzero(~np.isfinite(a))[0])
        raise InvalidTableError(f"{name} measure has a non-finite value at position {k} ({a[k]:g})")
    if (a < 0).any():
        k = int(np.flatnonzero(a < 0)[0])
        raise InvalidTableError(f"{name} measure has a negative value at position {k} ({a[k]:g})")
    return a


# ---------------------------------------------------------------------------- pure maths
def flq_lambda(regional_total: float, national_total: float, delta: float) -> float:
    """Flegg's regional-size scalar ``lambda = [log2(1 + R/N)]**delta``.

    Parameters
    ----------
    regional_total, national_total : float
        Total of the measure (output, GRDP, employment) in the region (R) and in the
        reference economy (N), ``0 < R <= N``.
    delta : float
        Sensitivity to regional size, ``0 <= delta < 1``; ``delta = 0`` gives ``lambda = 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(flq_lambda(1, 3, 0.3), 6)  # log2(4/3) = 0.415037..., ** 0.3
    0.768115
    >>> flq_lambda(1, 3, 0.0)
    1.0
    """
    delta = _check_delta(delta, "flq_lambda")
    R, N = float(regional_total), float(national_total)
    if not (R > 0 and N > 0):
        raise InvalidTableError(
            f"regional and national totals must be positive, got R={R:g}, N={N:g}"
        )
    if R > N * (1 + 1e-9):
        raise InvalidTableError(
            f"regional total {R:,.6g} exceeds the national total {N:,.6g}: the region must be "
            "part of the reference economy (check units and the national measure)"
        )
    return float(np.log2(1.0 + R / N) ** delta)


def lq_matrix(regional, national, method: str = "flq", delta: float = 0.3):
    """Location-quotient matrix on arrays: the factor ``LQ_ij`` of each coefficient.

    Parameters
    ----------
    regional, national : array_like, shape (n,)
        The measure by sector in the region (``r_i``) and in the reference economy (``n_i``).
    method : {"slq", "cilq", "flq", "aflq"}
    delta : float
        FLQ/AFLQ parameter, ``0 <= delta < 1`` (ignored by SLQ and CILQ).

    Returns
    -------
    lq : ndarray, shape (n, n)
        ``slq``: ``LQ_ij = SLQ_i`` (a row factor); ``cilq``: ``SLQ_i / SLQ_j`` off the
        diagonal and ``SLQ_i`` on it; ``flq``: ``lambda * CILQ``; ``aflq``: ``FLQ_ij *
        log2(1 + SLQ_j)`` in columns with ``SLQ_j > 1``. Rows and columns of sectors with
        no regional activity (``SLQ = 0``) are 0.
    slq : ndarray, shape (n,)
        ``SLQ_i = (r_i / R) / (n_i / N)`` (0 where ``n_i = 0``).
    lam : float
        ``lambda`` (1.0 for SLQ and CILQ).

    Raises
    ------
    InvalidTableError
        Negative or non-finite measures, a zero total, a region larger than the reference
        economy, or regional activity in a sector the reference economy does not have.

    Examples
    --------
    >>> lq, slq, lam = lq_matrix([10, 20, 10], [100, 100, 100], method="cilq")
    >>> slq
    array([0.75, 1.5 , 0.75])
    >>> lq
    array([[0.75, 0.5 , 1.  ],
           [2.  , 1.5 , 2.  ],
           [1.  , 0.5 , 0.75]])
    """
    _check_choice("method", method, METHODS, "lq_matrix")
    r = _measure_array(regional, "regional")
    n = _measure_array(national, "national")
    if r.shape != n.shape:
        raise InvalidTableError(
            f"regional measure has {r.size} sectors but national measure has {n.size}"
        )
    R, N = r.sum(), n.sum()
    if R <= 0 or N <= 0:
        raise InvalidTableError(
            f"regional and national measures must have positive totals, got R={R:g}, N={N:g}"
        )
    bad = (n == 0) & (r > 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InvalidTableError(
            f"sector at position {k} has regional activity {r[k]:g} but none in the reference "
            "economy; the location quotient is undefined"
        )
    lam = flq_lambda(R, N, delta) if method in ("flq", "aflq") else 1.0
    slq = np.zeros_like(r)
    has = n > 0
    slq[has] = (r[has] / R) / (n[has] / N)
    if method == "slq":
        return np.repeat(slq[:, np.newaxis], slq.size, axis=1), slq, lam
    active = np.broadcast_to(slq[np.newaxis, :] > 0, (slq.size, slq.size))
    with np.errstate(over="ignore"):
        lq = np.divide(
            slq[:, np.newaxis],
            slq[np.newaxis, :],
            out=np.zeros((slq.size, slq.size)),
            where=active,
        )
    np.fill_diagonal(lq, slq)
    lq[:, slq == 0] = 0.0
    if method in ("flq", "aflq"):
        lq *= lam
    if method == "aflq":
        spec = np.where(slq > 1, np.log2(1.0 + slq), 1.0)
        lq *= spec[np.newaxis, :]
    return lq, slq, lam


def regional_coefficients(A, lq):
    """Regional input coefficients ``r_ij = a_ij * min(1, LQ_ij)``.

    Examples
    --------
    >>> import numpy as np
    >>> regional_coefficients(np.array([[0.2, 0.1], [0.3, 0.4]]), np.array([[2.0, 0.5], [1, 0.5]]))
    array([[0.2 , 0.05],
           [0.3 , 0.2 ]])
    """
    A = A.toarray() if sp.issparse(A) else np.asarray(A, dtype=float)
    return A * np.minimum(1.0, np.asarray(lq, dtype=float))


def _as_series(values, name: str) -> pd.Series:
    """A per-sector measure given as Series, dict, one-column DataFrame or two-column frame."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] == 1:
            values = values.iloc[:, 0]
        elif values.shape[1] == 2:
            values = values.set_index(values.columns[0]).iloc[:, 0]
        else:
            raise InvalidTableError(
                f"{name} must have one value column, has {values.shape[1]}: "
                f"{list(values.columns)[:5]}"
            )
    if isinstance(values, dict):
        values = pd.Series(values)
    if not isinstance(values, pd.Series):
        raise InvalidTableError(f"{name} must be labelled by sector (Series or dict)")
    s = pd.to_numeric(values, errors="coerce").astype(float)
    bad = s.isna() & values.notna()
    if bad.any():
        k = s.index[bad][0]
        raise InvalidTableError(f"{name}: sector {k!r} has a non-numeric value {values[k]!r}")
    if s.isna().any():
        k = s.index[s.isna()][0]
        raise InvalidTableError(f"{name}: sector {k!r} has no value")
    if not s.index.is_unique:
        dup = s.index[s.index.duplicated()].unique().tolist()[:5]
        raise InvalidTableError(f"{name} has repeated sectors: {dup}")
    s.index = pd.Index([str(i) for i in s.index], name="sector")
    for bad, what in ((~np.isfinite(s.to_numpy()), "non-finite"), (s.to_numpy() < 0, "negative")):
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidTableError(
                f"{name}: sector {s.index[k]!r} has a {what} value ({s.iloc[k]:g})"
            )
    return s


def location_quotients(regional, national, method: str = "flq", delta: float = 0.3) -> pd.DataFrame:
    """Location quotients by (selling sector i, buying sector j) as a labelled frame.

    Parameters
    ----------
    regional, national : Series or dict
        The measure (output, GRDP or employment) by sector in the region and in the
        reference economy, with the same sector labels.
    method : {"slq", "cilq", "flq", "aflq"}
        See :func:`lq_matrix` for the formulas.
    delta : float
        FLQ/AFLQ parameter in [0, 1).

    Returns
    -------
    DataFrame, shape (n, n)
        Index: selling sector i, columns: buying sector j. ``.attrs`` holds ``method``,
        ``delta``, ``lambda`` and ``slq`` (a Series).

    Examples
    --------
    >>> r = {"agri": 10, "manu": 20, "serv": 10}
    >>> n = {"agri": 100, "manu": 100, "serv": 100}
    >>> lq = location_quotients(r, n, method="flq", delta=0.3)
    >>> round(lq.attrs["lambda"], 4)  # [log2(1 + 40/300)] ** 0.3
    0.5984
    >>> lq.round(4)
    buyer     agri    manu    serv
    seller
    agri    0.4488  0.2992  0.5984
    manu    1.1968  0.8976  1.1968
    serv    0.5984  0.2992  0.4488
    """
    _check_choice("method", method, METHODS, "location_quotients")
    r = _as_series(regional, "regional measure")
    n = _as_series(national, "national measure")
    if set(r.index) != set(n.index):
        only_r = [s for s in r.index if s not in n.index][:5]
        only_n = [s for s in n.index if s not in r.index][:5]
        raise InvalidTableError(
            f"regional and national measures name different sectors: only regional {only_r}, "
            f"only national {only_n}"
        )
    n = n.reindex(r.index)
    lq, slq, lam = lq_matrix(r.to_numpy(), n.to_numpy(), method=method, delta=delta)
    frame = pd.DataFrame(lq, index=r.index.rename("seller"), columns=r.index.rename("buyer"))
    frame.attrs.update(
        method=method,
        delta=float(delta) if method in ("flq", "aflq") else None,
        **{"lambda": lam},
        slq=pd.Series(slq, index=r.index, name="slq"),
    )
    return frame


# ---------------------------------------------------------------------------- RAS
@dataclass(frozen=True)
class RASResult:
    """Outcome of :func:`ras`.

    Attributes
    ----------
    matrix : ndarray or scipy.sparse.csr_array
        Balanced matrix ``r̂ M ŝ``.
    row_factors, col_factors : ndarray
        The cumulative multipliers ``r`` and ``s``.
    iterations : int
        Number of (row, column) scaling rounds done.
    gap : float
        Largest relative gap ``|row sum - target| / target`` left (columns are exact after
        each round).
    converged : bool
        ``gap <= tol``.
    """

    matrix: object
    row_factors: np.ndarray
    col_factors: np.ndarray
    iterations: int
    gap: float
    converged: bool


def _sums(M):
    if sp.issparse(M):
        return np.asarray(M.sum(axis=1)).ravel(), np.asarray(M.sum(axis=0)).ravel()
    return M.sum(axis=1), M.sum(axis=0)


def _scale(M, r=None, s=None):
    if sp.issparse(M):
        if r is not None:
            M = sp.csr_array(sp.diags_array(r) @ M)
        if s is not None:
            M = sp.csr_array(M @ sp.diags_array(s))
        return M
    if r is not None:
        M = M * r[:, np.newaxis]
    if s is not None:
        M = M * s[np.newaxis, :]
    return M


def _ratio(target, current):
    out = np.zeros_like(target)
    nz = current > 0
    out[nz] = target[nz] / current[nz]
    return out


def ras(
    matrix,
    row_totals,
    col_totals,
    tol: float = 1e-10,
    max_iter: int = 1000,
    *,
    sum_rtol: float = 1e-8,
) -> RASResult:
    """Bi-proportional (RAS) balancing of a non-negative matrix to given margins.

    Finds ``M1 = r̂ M0 ŝ`` with row sums ``u`` and column sums ``v`` by alternately
    scaling rows and columns (Miller & Blair 2009, section 7.4.2).

    Parameters
    ----------
    matrix : array_like or scipy.sparse matrix, shape (m, n)
        Non-negative prior ``M0`` (e.g. a transactions matrix ``A0 x̂``).
    row_totals, col_totals : array_like, shapes (m,), (n,)
        Target margins ``u`` and ``v``; non-negative with equal sums.
    tol : float
        Stop when every row sum is within ``tol`` (relative) of its target.
    max_iter : int
        Most rounds; on reaching it a :class:`linkage.errors.ConvergenceWarning` is issued
        and the last matrix is returned with ``converged=False``.
    sum_rtol : float
        Allowed relative difference between ``sum(u)`` and ``sum(v)``.

    Returns
    -------
    RASResult

    Raises
    ------
    BalancingError
        Margins whose sums differ, negative entries or targets, or a positive target for a
        row or column of ``M0`` that is all zero.

    Examples
    --------
    Miller & Blair (2009), section 7.4.2:

    >>> import numpy as np
    >>> A0 = np.array([[.120, .100, .049], [.210, .247, .265], [.026, .249, .145]])
    >>> x = np.array([421., 284., 283.])
    >>> res = ras(A0 * x, [245., 136., 159.], [251., 107., 182.])
    >>> res.converged, bool(np.allclose(res.matrix.sum(axis=1), [245, 136, 159]))
    (True, True)
    >>> (res.matrix / x).round(4)  # the balanced A(1) = r̂ A0 ŝ
    array([[0.3924, 0.1219, 0.1596],
           [0.1509, 0.0661, 0.1897],
           [0.0529, 0.1887, 0.2938]])
    """
    if not (isinstance(tol, Real) and tol > 0):
        raise ValueError(
            f"The 'tol' parameter of ras must be a positive number. Got {tol!r} instead."
        )
    if not (isinstance(max_iter, Integral) and max_iter >= 1):
        raise ValueError(
            f"The 'max_iter' parameter of ras must be a positive integer. Got {max_iter!r} instead."
        )
    if sp.issparse(matrix):
        M = sp.csr_array(matrix, dtype=float)
        values = M.data
    else:
        M = np.array(matrix, dtype=float)
        values = M
    if M.ndim != 2:
        raise BalancingError(f"matrix must be 2-D, has shape {M.shape}")
    u = np.asarray(row_totals, dtype=float).ravel()
    v = np.asarray(col_totals, dtype=float).ravel()
    if u.shape != (M.shape[0],) or v.shape != (M.shape[1],):
        raise BalancingError(
            f"matrix has shape {M.shape} but row_totals has {u.size} and col_totals {v.size} values"
        )
    for name, a in (("matrix", values), ("row_totals", u), ("col_totals", v)):
        a = np.asarray(a)
        if not np.all(np.isfinite(a)):
            raise BalancingError(f"{name} has non-finite values")
        if (a < 0).any():
            k = np.argwhere(a < 0)[0]
            raise BalancingError(
                f"{name} has negative entries (first at {tuple(int(i) for i in k)}: "
                f"{float(a[tuple(k)]):g}); RAS needs non-negative numbers"
            )
    su, sv = u.sum(), v.sum()
    if abs(su - sv) > sum_rtol * max(abs(su), abs(sv), 1e-300):
        raise BalancingError(
            f"row totals sum to {su:,.10g} but column totals sum to {sv:,.10g}: "
            "no matrix has both margins"
        )
    rs, cs = _sums(M)
    for kind, sums, target in (("row", rs, u), ("column", cs, v)):
        bad = (sums == 0) & (target > 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise BalancingError(
                f"{kind} {k} of the matrix is all zero but its target total is {target[k]!r}"
            )
    r_all = np.ones(M.shape[0])
    s_all = np.ones(M.shape[1])
    pos_u = u > 0
    gap = np.inf
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        rs, _ = _sums(M)
        r = _ratio(u, rs)
        M = _scale(M, r=r)
        r_all *= r
        _, cs = _sums(M)
        s = _ratio(v, cs)
        M = _scale(M, s=s)
        s_all *= s
        rs, _ = _sums(M)
        gap = float(np.max(np.abs(rs[pos_u] - u[pos_u]) / u[pos_u])) if pos_u.any() else 0.0
        gap = max(gap, float(np.max(np.abs(rs[~pos_u]), initial=0.0)))
        if gap <= tol:
            break
    converged = gap <= tol
    if not converged:
        warnings.warn(
            f"RAS stopped after {it} iterations with a relative row gap of {gap:.3g} "
            f"(tol {tol:g}); the zero pattern may not allow these totals",
            ConvergenceWarning,
            stacklevel=2,
        )
    return RASResult(M, r_all, s_all, it, gap, converged)


# ---------------------------------------------------------------------------- concordance
def _mapping_series(mapping, table_sectors: pd.Index | None) -> pd.Series:
    """mapping (Series, dict or two-column frame: table sector -> regional sector) as a Series
    indexed by the table's sectors; every table sector must be mapped exactly once."""
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise InvalidTableError(
                f"mapping must have two columns (table sector, regional sector), has "
                f"{mapping.shape[1]}: {list(mapping.columns)[:5]}"
            )
        keys = mapping.iloc[:, 0].astype(str).str.strip()
        if keys.duplicated().any():
            dup = keys[keys.duplicated()].unique().tolist()[:5]
            raise InvalidTableError(f"mapping lists table sectors more than once: {dup}")
        mapping = pd.Series(mapping.iloc[:, 1].astype(str).str.strip().to_numpy(), index=keys)
    elif isinstance(mapping, dict):
        mapping = pd.Series(mapping)
    if not isinstance(mapping, pd.Series):
        raise InvalidTableError("mapping must be a Series, dict or two-column DataFrame")
    mapping = pd.Series([str(v) for v in mapping.to_numpy()], index=[str(k) for k in mapping.index])
    if table_sectors is None:
        return mapping
    labels = [str(s) for s in table_sectors]
    missing = [s for s in labels if s not in mapping.index]
    if missing:
        raise InvalidTableError(
            f"mapping has no regional sector for {len(missing)} table sector(s): {missing[:5]}"
        )
    extra = [s for s in mapping.index if s not in set(labels)]
    if extra:
        raise InvalidTableError(
            f"mapping names {len(extra)} sector(s) that are not in the table: {extra[:5]}"
        )
    return pd.Series(
        mapping.reindex(labels).to_numpy(),
        index=pd.Index(labels, name="sector"),
        name="regional_sector",
    )


def aggregate_table(table: IOTable, mapping) -> IOTable:
    """Aggregate a table to a coarser classification (sum rows and columns of each group).

    Parameters
    ----------
    table : IOTable
    mapping : Series, dict or two-column DataFrame
        Table sector -> group. Groups appear in order of first appearance.

    Returns
    -------
    IOTable
        Z, final demand, primary inputs, output and employment summed by group.

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2, 0], [0, 1, 1], [1, 0, 2]], final_demand=[7, 8, 7],
    ...                         sectors=["a1", "a2", "b"])
    >>> agg = aggregate_table(t, {"a1": "A", "a2": "A", "b": "B"})
    >>> agg.Z_frame()
    sector    A    B
    sector
    A       4.0  1.0
    B       1.0  2.0
    >>> agg.x
    array([20., 10.])
    """
    from .multiregional import aggregate

    return aggregate(table, sectors=_mapping_series(mapping, table.sectors))


def split_measure(measure, mapping, weights) -> pd.Series:
    """Split a measure given by group to the members of each group in proportion to weights.

    Parameters
    ----------
    measure : Series
        Value by group (regional sector).
    mapping : Series
        Member (table sector) -> group, indexed by member.
    weights : Series
        Weight by member (national output); a group with positive measure needs a positive
        total weight.

    Returns
    -------
    Series indexed like ``mapping``.

    Examples
    --------
    >>> m = pd.Series({"a1": "A", "a2": "A", "b": "B"})
    >>> w = pd.Series({"a1": 1.0, "a2": 3.0, "b": 2.0})
    >>> split_measure(pd.Series({"A": 10.0, "B": 5.0}), m, w)
    a1    2.5
    a2    7.5
    b     5.0
    dtype: float64
    """
    groups = mapping.to_numpy()
    missing = sorted({g for g in groups if g not in measure.index})
    if missing:
        raise InvalidTableError(
            f"the measure has no value for regional sector(s) {missing[:5]} named in the mapping"
        )
    unused = [g for g in measure.index if g not in set(groups) and measure[g] != 0]
    if unused:
        raise InvalidTableError(
            f"the measure has non-zero values for regional sector(s) {unused[:5]} that the "
            "mapping does not use (they would be dropped)"
        )
    w = weights.reindex(mapping.index).to_numpy(dtype=float)
    wsum = pd.Series(w).groupby(groups).sum()
    total_w = wsum.reindex(groups).to_numpy()
    mvals = measure.reindex(groups).to_numpy(dtype=float)
    bad = (total_w <= 0) & (mvals > 0)
    if bad.any():
        g = groups[np.flatnonzero(bad)[0]]
        raise InvalidTableError(
            f"regional sector {g!r} has a measure of {measure[g]!r} but its table sectors have "
            "zero national output, so it cannot be split"
        )
    share = np.divide(w, total_w, out=np.zeros_like(w), where=total_w > 0)
    return pd.Series(mvals * share, index=mapping.index)


# ---------------------------------------------------------------------------- regionalize
@dataclass
class RegionalResult:
    """What :func:`regionalize` builds, with ``details=True``.

    Attributes
    ----------
    table : IOTable
        The regional table.
    lq : DataFrame
        Location quotients used (see :func:`location_quotients`), ``.attrs`` with lambda.
    slq : Series
        Simple location quotients.
    lam : float
        Flegg's lambda (1 for SLQ and CILQ).
    regional_output : Series
        ``x_r`` by sector.
    national_output : Series
        The reference table's output by sector (after any aggregation).
    measure : DataFrame
        Regional and national measure by table sector (after concordance).
    diagnostics : Diagnostics
        Everything that was derived, reinterpreted or looks suspicious.
    """

    table: IOTable
    lq: pd.DataFrame
    slq: pd.Series
    lam: float
    regional_output: pd.Series
    national_output: pd.Series
    measure: pd.DataFrame
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _concordance_pairs(mapping, labels) -> pd.DataFrame:
    """A mapping as (table sector, regional sector) pairs, columns ``table`` and ``regional``.

    Accepts a dict or Series (key -> value) or a two-column frame, in either orientation:
    the column (or side) holding only table sectors is the table side (the first when both
    do). A table sector may have several regional sectors and a regional sector several
    table sectors. Every table sector must appear.
    """
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise InvalidTableError(
                f"mapping must have two columns (table sector, regional sector), has "
                f"{mapping.shape[1]}: {list(mapping.columns)[:5]}"
            )
        a, b = mapping.iloc[:, 0].tolist(), mapping.iloc[:, 1].tolist()
    elif isinstance(mapping, (dict, pd.Series)):
        items = list(mapping.items())
        a, b = [k for k, _ in items], [v for _, v in items]
    else:
        raise InvalidTableError("mapping must be a Series, dict or two-column DataFrame")
    a = [str(v).strip() for v in a]
    b = [str(v).strip() for v in b]
    known = set(labels)
    if all(v in known for v in a):
        pairs = pd.DataFrame({"table": a, "regional": b})
    elif all(v in known for v in b):
        pairs = pd.DataFrame({"table": b, "regional": a})
    else:
        bad_a = [v for v in dict.fromkeys(a) if v not in known][:5]
        bad_b = [v for v in dict.fromkeys(b) if v not in known][:5]
        raise InvalidTableError(
            "mapping: neither column holds only table sectors (first column has "
            f"{bad_a} not in the table, second column {bad_b})"
        )
    pairs = pairs.drop_duplicates(ignore_index=True)
    missing = [s for s in labels if s not in set(pairs["table"])]
    if missing:
        raise InvalidTableError(
            f"mapping has no regional sector for {len(missing)} table sector(s): {missing[:5]}"
        )
    return pairs


def _check_measure_groups(measure: pd.Series, pairs: pd.DataFrame, name: str) -> None:
    groups = set(pairs["regional"])
    missing = [g for g in dict.fromkeys(pairs["regional"]) if g not in measure.index]
    if missing:
        raise InvalidTableError(
            f"{name} has no value for regional sector(s) {missing[:5]} named in the mapping"
        )
    unused = [g for g in measure.index if g not in groups and measure[g] != 0]
    if unused:
        raise InvalidTableError(
            f"{name} has non-zero values for regional sector(s) {unused[:5]} that the mapping "
            "does not use (they would be dropped)"
        )


def _split_to_table(measure: pd.Series, pairs: pd.DataFrame, labels, weights, name):
    """Each regional sector's value divided among its table sectors by ``weights``, summed
    by table sector (``W m`` with ``W[j, g] = w_j / Σ_{k in g} w_k``)."""
    _check_measure_groups(measure, pairs, name)
    w = pd.Series(weights, index=labels).reindex(pairs["table"]).to_numpy(dtype=float)
    total = pd.Series(w).groupby(pairs["regional"].to_numpy()).transform("sum").to_numpy()
    vals = measure.reindex(pairs["regional"]).to_numpy(dtype=float)
    bad = (total <= 0) & (vals > 0)
    if bad.any():
        g = pairs["regional"].iloc[int(np.flatnonzero(bad)[0])]
        raise InvalidTableError(
            f"regional sector {g!r} has a {name} of {measure[g]:g} but its table sectors "
            "have zero national output, so it cannot be split"
        )
    share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    out = pd.Series(vals * share).groupby(pairs["table"].to_numpy()).sum()
    return out.reindex(labels)


def _components(pairs: pd.DataFrame, labels) -> pd.Series:
    """Table sector -> its group: the table sectors linked through shared regional sectors.

    A group is named after its only regional sector, else its only table sector, else its
    regional sectors joined by ``+``.
    """
    from scipy.sparse.csgraph import connected_components

    regional = pd.Index(pd.unique(pairs["regional"].to_numpy()))
    n = len(labels)
    ti = pd.Index(labels).get_indexer(pairs["table"])
    gi = n + regional.get_indexer(pairs["regional"])
    size = n + len(regional)
    graph = sp.csr_array((np.ones(ti.size), (ti, gi)), shape=(size, size))
    _, comp = connected_components(graph, directed=False)
    names = {}
    for c in pd.unique(comp[:n]):
        tables = [labels[k] for k in np.flatnonzero(comp[:n] == c)]
        groups = [regional[k] for k in np.flatnonzero(comp[n:] == c)]
        names[c] = groups[0] if len(groups) == 1 else tables[0] if len(tables) == 1 else None
        names[c] = names[c] or "+".join(groups)
    return pd.Series([names[c] for c in comp[:n]], index=pd.Index(labels, name="sector"))


def _apply_concordance(table, pairs, r, n, concordance, diag, rname, nname):
    """Bring the measures (and, to aggregate, the table) to one classification."""
    labels = [str(s) for s in table.sectors]
    summed = pairs["table"].duplicated(keep=False)
    split = pairs["regional"].duplicated(keep=False)
    n_by_table = n is not None and set(n.index) == set(labels)
    if concordance == "aggregate":
        comp = _components(pairs, labels)
        to_comp = pd.Series(comp.reindex(pairs["table"]).to_numpy(), index=pairs["regional"])
        to_comp = to_comp[~to_comp.index.duplicated()]
        _check_measure_groups(r, pairs, rname)
        r = r[r.index.isin(to_comp.index)].groupby(to_comp.reindex(r.index).dropna()).sum()
        if n is not None:
            if n_by_table:
                n = n.groupby(comp.reindex(n.index).to_numpy()).sum()
            else:
                _check_measure_groups(n, pairs, nname)
                n = n[n.index.isin(to_comp.index)].groupby(to_comp.reindex(n.index).dropna()).sum()
        k = len(pd.unique(comp.to_numpy()))
        table = aggregate_table(table, comp)  # sums groups, names every sector by its group
        if k < len(labels):
            diag.add(
                "concordance_aggregate",
                f"table aggregated from {len(labels)} to {k} sectors to match the regional "
                "classification (table sectors that share a regional sector form one sector)",
                count=len(labels),
            )
        if summed.any():
            diag.add(
                "concordance_sum",
                f"{int(summed.sum())} regional sectors summed into the table's sectors they map to",
                count=int(summed.sum()),
            )
        return table, r, n
    weights = np.asarray(table.x, dtype=float)
    r = _split_to_table(r, pairs, labels, weights, rname)
    if n is not None and not n_by_table:
        n = _split_to_table(n, pairs, labels, weights, nname)
    if summed.any():
        diag.add(
            "concordance_sum",
            f"{int(summed.sum())} regional sectors summed into "
            f"{len(pd.unique(pairs['table'][summed]))} table sector(s) (regional data finer)",
            count=int(summed.sum()),
        )
    if split.any():
        diag.add(
            "concordance_split",
            f"{len(pd.unique(pairs['regional'][split]))} regional sector(s) split to "
            f"{int(split.sum())} table sectors in proportion to the table's total output (SLQ "
            "equal within a group)",
            count=int(split.sum()),
        )
    if not (summed.any() or split.any()):
        diag.add(
            "concordance_one_to_one",
            f"{len(pairs)} regional sectors matched one to one to the table's sectors",
            count=len(pairs),
        )
    return table, r, n


def _measure_name(values, name: str) -> str:
    """``"regional measure"``, with the file it was read from when known
    (:func:`linkage.io.regional_data.read_measure` sets ``attrs["source"]``)."""
    source = values.attrs.get("source") if isinstance(values, (pd.Series, pd.DataFrame)) else None
    return f"{name} measure ({source})" if source else f"{name} measure"


def _label_array(values, labels, name):
    """An unlabelled 1-D array of the table's length is taken in the table's sector order."""
    if isinstance(values, (pd.Series, pd.DataFrame, dict)):
        return values
    a = np.asarray(values)
    if a.ndim == 1 and a.size == len(labels):
        return pd.Series(a, index=labels)
    raise InvalidTableError(
        f"{name} must be labelled by sector, or an array of {len(labels)} values in "
        f"the table's sector order (got shape {a.shape})"
    )


def _align(measure: pd.Series, sectors: pd.Index, name: str, diag=None) -> pd.Series:
    """The measure in the table's sector order; sectors the table lacks are an error unless
    their value is 0 (then dropped, and said in ``diag``)."""
    labels = [str(s) for s in sectors]
    known = set(labels)
    missing = [s for s in labels if s not in measure.index]
    extra = [s for s in measure.index if s not in known]
    nonzero = [s for s in extra if measure[s] != 0]
    if missing or nonzero:
        parts = []
        if missing:
            parts.append(f"missing {missing[:5]}{' ...' if len(missing) > 5 else ''}")
        if nonzero:
            parts.append(f"not in the table {nonzero[:5]}{' ...' if len(nonzero) > 5 else ''}")
        raise InvalidTableError(
            f"{name} does not match the table's sectors: {'; '.join(parts)} (give a mapping "
            "for another classification)"
        )
    if extra and diag is not None:
        diag.add(
            "zero_sectors_dropped",
            f"{name}: {len(extra)} sector(s) not in the table with value 0 left out: {extra[:5]}",
            count=len(extra),
        )
    return measure.reindex(labels)


def _report_unbalanced_reference(table, x_r, sectors, diag) -> None:
    """Column j of the regional table adds up to ``x_r,j (1'Z + v)_j / x_n,j``: it inherits
    the reference table's relative column gap; say so once, for the caller."""
    x_n = np.asarray(table.x, dtype=float)
    col = np.asarray(table.Z.sum(axis=0)).ravel() + table.v
    rel = np.divide(col - x_n, x_n, out=np.zeros_like(x_n), where=x_n != 0)
    bad = (np.abs(rel) > DEFAULT_BALANCE_RTOL) & (x_r > 0)
    if not bad.any():
        return
    order = np.flatnonzero(bad)[np.argsort(-np.abs(rel[bad]), kind="stable")]
    worst = ", ".join(f"{str(sectors[k])!r} {rel[k]:+.2%}" for k in order[:5])
    diag.add(
        "reference_unbalanced",
        f"the reference table's column totals (1'Z + v) differ from its output in "
        f"{int(bad.sum())} sector(s) the region has; the regional table inherits the same "
        f"relative gaps (column total / output - 1): {worst}",
        count=int(bad.sum()),
        level="warning",
        warn=UnbalancedTableWarning,
        stacklevel=4,
    )


def _add_line(block, labels, line, name, sectors, diag, kind) -> pd.DataFrame:
    """``block`` (n x k, sectors as rows) with ``line`` as a new first entry ``name``, or
    added to an existing entry of that name (a table regionalized before), as a frame with
    the entries as rows and the sectors as columns."""
    if name in labels:
        k = labels.index(name)
        block = block.copy()
        block[:, k] += line
        diag.add(
            f"rest_of_country_{kind}_combined",
            f"the table already has a {kind} {name!r} (it was regionalized before): the "
            "region's new trade with the rest of the reference economy is added to it",
        )
        return pd.DataFrame(block.T, index=labels, columns=sectors)
    return pd.DataFrame(np.column_stack([line, block]).T, index=[name, *labels], columns=sectors)


def regionalize(
    table: IOTable,
    regional,
    national=None,
    method: str = "flq",
    delta: float = 0.3,
    mapping=None,
    measure: str = "output",
    *,
    concordance: str = "split",
    region: str = "",
    split_final_demand: bool = True,
    details: bool = False,
):
    """Derive a regional IO table from a national (or provincial) one by location quotients.

    Parameters
    ----------
    table : IOTable
        The reference economy's table (national, or a province when regionalizing to a
        district). Its intermediate block should hold domestic flows.
    regional : Series, dict or two-column DataFrame
        The region's measure by sector (output, GRDP or employment).
    national : same, optional
        The same measure for the reference economy. Default: the table's total output
        (``measure="output"``) or its employment (``measure="employment"``); required for
        ``measure="grdp"``.
    method : {"slq", "cilq", "flq", "aflq"}
    delta : float
        FLQ/AFLQ parameter in [0, 1) (Flegg & Webber 1997 suggest 0.3).
    mapping : Series, dict or two-column DataFrame, optional
        Pairs (table sector, regional sector), when the measure uses another
        classification; either column order (the side holding only table sectors is the
        table side). Every table sector must appear; a table sector may have several
        regional sectors (regional data finer: their measures are summed) and a regional
        sector several table sectors (coarser: see ``concordance``).
    measure : {"output", "grdp", "employment"}
        What the measure is. Output is used as the region's output directly; GRDP and
        employment are turned into output with the reference economy's output-to-measure
        ratio: ``x_r,i = m_r,i * x_n,i / m_n,i``.
    concordance : {"split", "aggregate"}
        With a mapping: ``"split"`` keeps the table's classification and divides each
        regional sector's measure (and the national one if given in the regional
        classification) among its table sectors in proportion to the table's national
        output; ``"aggregate"`` sums the table to groups of table sectors that share
        regional sectors (see ``docs/regional.md``).
    region : str
        Name of the region, used in the table's name.
    split_final_demand : bool
        Final-demand categories scaled from the reference table plus
        ``"exports to rest of country"`` (True), or the residual ``x_r - Z_r 1`` in one
        column (False).
    details : bool
        Return a :class:`RegionalResult` instead of the table alone.

    Returns
    -------
    IOTable or RegionalResult
        Intermediate block: the region's purchases from regional producers,
        ``Z_r = R x̂_r`` with ``R = A ∘ min(1, LQ)``. Primary inputs: the reference table's
        rows scaled by its coefficients (``v_kj / x_j * x_r,j``) plus a row
        ``"imports from rest of country"`` = ``Σ_i (a_ij - r_ij) x_r,j``. Final demand:
        each of the reference table's categories scaled like the primary inputs
        (``f_ik / x_n,i * x_r,i``) plus a column ``"exports to rest of country"`` holding
        the rest of ``x_r - Z_r 1`` (what the region's producers sell to industries
        elsewhere in the reference economy), so rows and columns balance whenever the
        reference table does. A table regionalized before gets its existing row and column
        of these names added to.

    Examples
    --------
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manu"])
    >>> reg = regionalize(t, {"agri": 300, "manu": 100}, method="flq", delta=0.3)
    >>> reg.x
    array([300., 100.])
    >>> bool((reg.A <= t.A + 1e-15).all())
    True
    >>> float(reg.balance()["rel_gap"].abs().max()) < 1e-12
    True
    """
    func = "regionalize"
    _check_choice("method", method, METHODS, func)
    _check_choice("measure", measure, MEASURES, func)
    _check_choice("concordance", concordance, CONCORDANCES, func)
    delta = _check_delta(delta, func)
    if table.is_multiregional:
        raise InvalidTableError("regionalize needs a single-region table, got a multi-regional one")
    diag = Diagnostics()
    labels = [str(s) for s in table.sectors]
    rname, nname = _measure_name(regional, "regional"), _measure_name(national, "national")
    r = _as_series(_label_array(regional, labels, rname), rname)
    n = None if national is None else _as_series(_label_array(national, labels, nname), nname)

    if mapping is not None:
        pairs = _concordance_pairs(mapping, labels)
        table, r, n = _apply_concordance(table, pairs, r, n, concordance, diag, rname, nname)
    sectors = table.sectors
    r = _align(r, sectors, rname, diag)
    x_n = np.asarray(table.x, dtype=float)
    if n is None:
        if measure == "output":
            n = pd.Series(x_n, index=r.index)
        elif measure == "employment" and table.employment is not None:
            n = pd.Series(table.employment.to_numpy(), index=r.index)
            diag.add("national_from_table", "national employment taken from the table")
        else:
            raise InvalidTableError(
                f"measure={measure!r} needs the national {measure} by sector (the table does "
                "not hold it); pass national="
            )
    else:
        n = _align(n, sectors, nname, diag)
    rv, nv = r.to_numpy(dtype=float), n.to_numpy(dtype=float)

    absent = (nv == 0) & (rv > 0)
    if absent.any():
        k = int(np.flatnonzero(absent)[0])
        raise InvalidTableError(
            f"sector {r.index[k]!r} has regional activity ({rv[k]:g}) but none in the reference "
            f"economy (national {measure} 0); the location quotient is undefined"
        )
    lq, slq, lam = lq_matrix(rv, nv, method=method, delta=delta)
    over = rv > nv * (1 + 1e-9)
    if over.any():
        diag.add(
            "regional_exceeds_national",
            f"regional measure exceeds the national one in {int(over.sum())} sector(s): "
            f"{list(r.index[over][:5])}",
            count=int(over.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=3,
        )

    # regional output
    if measure == "output":
        x_r = rv.copy()
    else:
        x_r = np.zeros_like(rv)
        ok = nv > 0
        x_r[ok] = rv[ok] * x_n[ok] / nv[ok]
        diag.add(
            "output_from_measure",
            f"regional output = regional {measure} x national output / national {measure} "
            "(the reference economy's output-to-measure ratio, sector by sector)",
            count=int(ok.sum()),
        )
    no_structure = (rv > 0) & (x_n == 0)
    if no_structure.any():
        diag.add(
            "no_input_structure",
            f"{int(no_structure.sum())} sector(s) have regional {measure} but the table has "
            f"zero output there, so no input structure to give them: "
            f"{list(r.index[no_structure][:5])} get zero regional output",
            count=int(no_structure.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=3,
        )
        x_r[no_structure] = 0.0
    zero = x_r == 0
    if zero.any():
        diag.add(
            "zero_regional_activity",
            f"{int(zero.sum())} sector(s) with no regional activity get zero output and zero "
            f"coefficients: {list(r.index[zero][:10])}",
            count=int(zero.sum()),
        )

    A = table.A.toarray() if sp.issparse(table.A) else np.asarray(table.A, dtype=float)
    Rc = regional_coefficients(A, lq)
    Z_r = Rc * x_r[np.newaxis, :]
    rest = ((A - Rc) * x_r[np.newaxis, :]).sum(axis=0)

    inv_xn = np.divide(1.0, x_n, out=np.zeros_like(x_n), where=x_n != 0)
    share_x = x_r * inv_xn  # the region's share of each sector's output
    pi_r = table.primary_inputs.to_numpy(dtype=float) * share_x[:, np.newaxis]
    pi_labels = [str(c) for c in table.primary_inputs.columns]
    value_added = _add_line(pi_r, pi_labels, rest, REST_OF_COUNTRY, sectors, diag, "row")

    _report_unbalanced_reference(table, x_r, sectors, diag)
    f_r = x_r - Z_r.sum(axis=1)
    neg = f_r < -1e-9 * np.maximum(x_r, 1.0)
    if neg.any():
        diag.add(
            "negative_residual_final_demand",
            f"residual final demand x_r - Z_r 1 is negative in {int(neg.sum())} sector(s) "
            f"(the region uses more of them than it makes): {list(r.index[neg][:5])}",
            count=int(neg.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=3,
        )
    if split_final_demand:
        fd_r = table.final_demand.to_numpy(dtype=float) * share_x[:, np.newaxis]
        beyond = f_r - fd_r.sum(axis=1)
        fd_labels = [str(c) for c in table.final_demand.columns]
        final_demand = _add_line(
            fd_r, fd_labels, beyond, EXPORTS_REST_OF_COUNTRY, sectors, diag, "column"
        ).T
        diag.add(
            "final_demand_split",
            "regional final demand: each of the reference table's final-demand categories "
            "times the region's share of the sector's output (x_r,i / x_n,i); the rest of "
            f"x_r - Z_r 1 in {EXPORTS_REST_OF_COUNTRY!r} (the region's sales to industries "
            "in the rest of the reference economy)",
        )
        low = beyond < -1e-9 * np.maximum(x_r, 1.0)
        if low.any():
            diag.add(
                "negative_exports_rest_of_country",
                f"{EXPORTS_REST_OF_COUNTRY!r} is negative in {int(low.sum())} sector(s): the "
                "region's own industries buy more of them than the reference economy's "
                f"pattern leaves for them: {list(r.index[low][:5])}",
                count=int(low.sum()),
            )
    else:
        final_demand = pd.DataFrame(
            f_r[:, np.newaxis], index=sectors, columns=["final demand (residual)"]
        )
        diag.add("final_demand_residual", "regional final demand = x_r - Z_r 1 in one column")

    employment = None
    if measure == "employment":
        employment = rv
    elif table.employment is not None:
        employment = table.employment.to_numpy(dtype=float) * inv_xn * x_r
        diag.add("employment_scaled", "regional employment = national jobs per unit output x x_r")

    diag.add(
        "regionalized",
        f"{method.upper()} regionalization"
        + (f", delta={delta:g}, lambda={lam:.6g}" if method in ("flq", "aflq") else "")
        + f"; regional share of the measure R/N = {rv.sum() / nv.sum():.6g}",
    )
    name = f"{table.name or 'table'} regionalized to {region or 'region'} ({method.upper()})"
    with warnings.catch_warnings():
        # reported above (the reference table's own gaps) or already by the caller's table
        warnings.simplefilter("ignore", DataQualityWarning)
        warnings.simplefilter("ignore", UnbalancedTableWarning)
        reg = IOTable.from_arrays(
            Z_r,
            final_demand=final_demand,
            value_added=value_added,
            total_output=x_r,
            employment=employment,
            sectors=sectors,
            name=name,
            units=table.units,
            diagnostics=diag,
        )
    if not details:
        return reg
    lq_frame = pd.DataFrame(lq, index=r.index.rename("seller"), columns=r.index.rename("buyer"))
    slq_s = pd.Series(slq, index=r.index, name="slq")
    lq_frame.attrs.update(
        method=method,
        delta=delta if method in ("flq", "aflq") else None,
        slq=slq_s,
        **{"lambda": lam},
    )
    return RegionalResult(
        table=reg,
        lq=lq_frame,
        slq=slq_s,
        lam=lam,
        regional_output=pd.Series(x_r, index=r.index, name="regional_output"),
        national_output=pd.Series(x_n, index=r.index, name="national_output"),
        measure=pd.DataFrame({"regional": rv, "national": nv}, index=r.index),
        diagnostics=reg.diagnostics,
    )


# ---------------------------------------------------------------------------- calibration
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
