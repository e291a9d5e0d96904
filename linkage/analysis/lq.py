"""Location quotients: how far a region supplies its own industries' inputs.

The non-survey route to a regional table (Miller & Blair 2009, ch. 8) scales the reference
economy's input coefficients ``a_ij`` down by a location quotient:

.. math::

    r_{ij} = a_{ij} \\min(1, LQ_{ij})

:func:`lq_matrix` and :func:`flq_lambda` work on arrays, :func:`location_quotients` on
measures labelled by sector, and :func:`regional_coefficients` applies the quotients. The
table builder is :func:`linkage.analysis.regionalize.regionalize`.

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
Miller, R.E. & Blair, P.D. (2009). Input-Output Analysis, 2nd ed., section 8.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.numeric import safe_divide
from ..core.params import check_choice
from ..errors import InvalidTableError

__all__ = [
    "METHODS",
    "flq_lambda",
    "lq_matrix",
    "location_quotients",
    "regional_coefficients",
]

METHODS = ("slq", "cilq", "flq", "aflq")


def check_delta(delta, func: str) -> float:
    """Return ``delta`` as a float when it is a real number in [0, 1), else raise ValueError.

    Examples
    --------
    >>> check_delta(0.3, "flq_lambda")
    0.3
    >>> check_delta(1, "flq_lambda")
    Traceback (most recent call last):
    ...
    ValueError: The 'delta' parameter of flq_lambda must be a real number in [0, 1). Got 1 instead.
    """
    if isinstance(delta, bool) or not isinstance(delta, Real) or not (0 <= float(delta) < 1):
        raise ValueError(
            f"The 'delta' parameter of {func} must be a real number in [0, 1). "
            f"Got {delta!r} instead."
        )
    return float(delta)


def _measure_array(values, name: str) -> np.ndarray:
    """A 1-D measure array, refused when it has non-finite or negative values."""
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
    delta = check_delta(delta, "flq_lambda")
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
    check_choice("method", method, METHODS, "lq_matrix")
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
    slq = safe_divide(r / R, n / N)  # 0 where n_i = 0
    if method == "slq":
        return np.repeat(slq[:, np.newaxis], slq.size, axis=1), slq, lam
    with np.errstate(over="ignore"):  # SLQ_i / SLQ_j with a tiny SLQ_j
        lq = safe_divide(slq[:, np.newaxis], slq[np.newaxis, :])  # 0 where SLQ_j = 0
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


def measure_series(values, name: str) -> pd.Series:
    """A per-sector measure given as Series, dict, one-column DataFrame or two-column frame.

    Returns a float Series indexed by the sector labels as strings; a non-numeric,
    missing, repeated, non-finite or negative value is an :class:`InvalidTableError`
    naming the sector.

    Examples
    --------
    >>> measure_series({"agri": 10, "manu": 20}, "regional measure")
    sector
    agri    10.0
    manu    20.0
    dtype: float64
    """
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
    check_choice("method", method, METHODS, "location_quotients")
    r = measure_series(regional, "regional measure")
    n = measure_series(national, "national measure")
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
