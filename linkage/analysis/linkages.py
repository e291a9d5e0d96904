"""Linkages, key sectors and multipliers of an input-output table.

Everything here needs only a few solves with one factorization of ``I - A`` (see
:class:`linkage.LeontiefSolver`); the Leontief inverse ``L`` is never formed, except
streamed in column blocks for the dispersion indices when that is affordable.

Conventions (Miller & Blair 2009): ``A = Z x̂⁻¹``, ``L = (I - A)⁻¹``, ``B = x̂⁻¹ Z``,
``G = (I - B)⁻¹ = x̂⁻¹ L x̂``. The numeric kernels (:func:`linkage_arrays`,
:func:`multiplier_arrays`, :func:`dispersion_arrays`, :func:`classify`) take and return
arrays; :func:`linkages` and :func:`multipliers` attach the sector labels.
"""

from __future__ import annotations

import re
import time
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from ..errors import DispersionSkippedWarning, InvalidTableError, SingularSystemError

__all__ = [
    "linkages",
    "multipliers",
    "key_sectors",
    "linkage_arrays",
    "dispersion_arrays",
    "multiplier_arrays",
    "classify",
    "normalize",
    "LINKAGE_COLUMNS",
    "KEY_CLASSES",
]

#: Columns of :func:`linkages`, in order.
LINKAGE_COLUMNS = [
    "output_multiplier",
    "bl_direct",
    "fl_direct",
    "bl_total",
    "fl_total",
    "fl_rasmussen",
    "bl_cv",
    "fl_cv",
    "key_sector",
]

#: Key-sector classes of :func:`classify`.
KEY_CLASSES = ("key", "backward", "forward", "weak")

#: ``dispersion="auto"`` streams L only when the estimated time is below this (seconds).
DISPERSION_MAX_SECONDS = 60.0

# Sustained rates used to estimate the cost of streaming L (flop/s, deliberately modest).
_DENSE_RATE = 5e9
_SPARSE_RATE = 3e8


# ============================================================================ kernels
def normalize(values: np.ndarray) -> np.ndarray:
    """Divide by the mean over sectors, so that the result averages 1.

    When every value is 0 (e.g. no intermediate trade at all) all sectors are equal to
    the average, and the result is 1 everywhere rather than 0/0.

    Examples
    --------
    >>> normalize(np.array([1.5182, 1.4521])).round(4)
    array([1.0222, 0.9778])
    >>> normalize(np.zeros(3))
    array([1., 1., 1.])
    """
    values = np.asarray(values, dtype=float)
    mean = values.mean() if values.size else 0.0
    if mean == 0:
        return np.ones_like(values)
    return values / mean


def classify(bl: np.ndarray, fl: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """Key-sector class from normalized backward and forward linkages.

    ``key`` (BL > t and FL > t), ``backward`` (BL > t, FL <= t), ``forward`` (BL <= t,
    FL > t), ``weak`` (both <= t).

    Examples
    --------
    >>> classify(np.array([1.2, 1.2, 0.8, 0.8]), np.array([1.1, 0.9, 1.1, 0.9])).tolist()
    ['key', 'backward', 'forward', 'weak']
    """
    bl, fl = np.asarray(bl), np.asarray(fl)
    return np.select(
        [(bl > threshold) & (fl > threshold), bl > threshold, fl > threshold],
        ["key", "backward", "forward"],
        default="weak",
    ).astype(object)


def linkage_arrays(solver: LeontiefSolver, A, x: np.ndarray) -> dict:
    """Output multipliers, direct and total linkages with two solve calls.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorization of ``I - A``.
    A : ndarray or scipy.sparse array, shape (n, n)
        Input coefficients.
    x : ndarray, shape (n,)
        Total output.

    Returns
    -------
    dict of ndarray
        Raw (not normalized) ``column_sums_L`` (output multipliers), ``row_sums_L``,
        ``row_sums_G`` (Ghosh), ``column_sums_A``, ``row_sums_B``; and ``residual``, the
        largest relative residual of the solves.

    Notes
    -----
    ``1ᵀL`` from ``(I - A)ᵀ y = 1``; ``L 1`` and ``L x`` together from
    ``(I - A) [u, w] = [1, x]``; ``G 1 = x̂⁻¹ L x``; ``B 1 = x̂⁻¹ A x``. A sector with
    ``x_i = 0`` has a zero row of ``B``, so its row of ``G`` is the unit row: its Ghosh
    sum is 1 and its direct forward sum 0.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> r = linkage_arrays(LeontiefSolver(A), A, np.array([1000.0, 2000.0]))
    >>> r["column_sums_L"].round(4), r["row_sums_G"].round(4)
    (array([1.5182, 1.4521]), array([1.9142, 1.2541]))
    """
    n = solver.n
    x = np.asarray(x, dtype=float)
    ones = np.ones(n)
    y = solver.solve(ones, transpose=True)
    r1 = solver.last_info.residual
    if getattr(solver, "_row_sums", None) is not None:  # L 1 known from the solver's check
        u = solver.row_sums()
        r2 = solver.last_info.residual
        w = solver.solve(x)
        r2 = max(r2, solver.last_info.residual)
    else:
        U = solver.solve(np.column_stack([ones, x]))
        r2 = solver.last_info.residual
        u, w = U[:, 0], U[:, 1]
    col_A = np.asarray(A.sum(axis=0)).ravel()
    Ax = np.asarray(A @ x).ravel()
    return {
        "column_sums_L": y,
        "row_sums_L": u,
        "row_sums_G": safe_divide(w, x, 1.0),
        "column_sums_A": col_A,
        "row_sums_B": safe_divide(Ax, x, 0.0),
        "residual": max(r1, r2),
    }


def _dispersion_cost(solver: LeontiefSolver) -> tuple[float, str]:
    """Rough seconds needed to stream all n columns of L, and how it was estimated."""
    n = solver.n
    method = solver.block_method  # auto streams L with the factorization it keeps for that
    if method == "dense":
        flops = 2.0 * n**3
        how = f"{n} dense triangular solve pairs, about {flops:.1e} flop"
        return flops / _DENSE_RATE, how
    if method == "splu":
        fill = solver._lu.L.nnz + solver._lu.U.nnz
        flops = 4.0 * n * fill
        how = f"{n} sparse solves with {fill:,} nonzeros in the LU factors, about {flops:.1e} flop"
        return flops / _SPARSE_RATE, how
    nnz = solver.nnz
    its = max(solver.last_info.iterations if solver.last_info else 0, 10)
    flops = n * its * (2.0 * nnz + 4.0 * n * min(its, solver.restart))
    how = f"{n} GMRES solves of about {its} products with A ({nnz:,} nonzeros), {flops:.1e} flop"
    return flops / _SPARSE_RATE, how


def dispersion_arrays(
    solver: LeontiefSolver,
    column_sums: np.ndarray,
    row_sums: np.ndarray,
    block_size: int | None = None,
    max_seconds: float | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Coefficients of variation of the columns and rows of L, exactly, streaming L.

    Parameters
    ----------
    solver : LeontiefSolver
    column_sums, row_sums : ndarray, shape (n,)
        ``1ᵀL`` and ``L 1`` (known already from :func:`linkage_arrays`), so the means are
        exact and the sums of squared deviations are accumulated without cancellation.
    block_size : int, optional
        Columns of L per block (default: :meth:`LeontiefSolver.default_block_size`).
    max_seconds : float, optional
        Give up (return None) when the first block projects a longer total time.

    Returns
    -------
    (column_cv, row_cv, residual) or None
        ``cv_j = sqrt(Σ_i (l_ij - μ_j)² / (n - 1)) / μ_j`` with ``μ_j = Σ_i l_ij / n``
        (``ddof=1``), the same along rows; residual = worst over the blocks.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> s = LeontiefSolver(A)
    >>> L = s.to_dense()
    >>> col_cv, row_cv, res = dispersion_arrays(s, L.sum(0), L.sum(1))
    >>> bool(np.allclose(col_cv, L.std(axis=0, ddof=1) / L.mean(axis=0)))
    True
    """
    n = solver.n
    mu_col = np.asarray(column_sums, dtype=float) / n
    mu_row = np.asarray(row_sums, dtype=float) / n
    ss_col = np.zeros(n)
    ss_row = np.zeros(n)
    worst = 0.0
    started = time.perf_counter()
    for start, stop, block in solver.column_blocks(block_size):
        worst = max(worst, solver.last_info.residual)
        block -= mu_row[:, np.newaxis]  # deviations from the row means
        ss_row += np.einsum("ij,ij->i", block, block)
        block += mu_row[:, np.newaxis] - mu_col[np.newaxis, start:stop]
        ss_col[start:stop] = np.einsum("ij,ij->j", block, block)
        if max_seconds is not None and start == 0 and stop < n:
            projected = (time.perf_counter() - started) * n / (stop - start)
            if projected > max_seconds:
                return None
    col_cv = safe_divide(np.sqrt(ss_col / (n - 1)), mu_col, 0.0)
    row_cv = safe_divide(np.sqrt(ss_row / (n - 1)), mu_row, 0.0)
    return col_cv, row_cv, worst


# ============================================================================ linkages
def linkages(
    table,
    solver=None,
    threshold: float = 1.0,
    dispersion="auto",
    *,
    normalized: bool = True,
    max_seconds: float = DISPERSION_MAX_SECONDS,
    method: str | None = None,
) -> pd.DataFrame:
    """Backward and forward linkages, dispersion and key sectors of every sector.

    Parameters
    ----------
    table : IOTable
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        The solver of ``I - A``: one built for this table (``table.solver(...)``, chosen
        once and shared by every analysis) or a method name; default ``"auto"`` (see
        :class:`linkage.LeontiefSolver`).
    threshold : float
        Normalized index above which a linkage counts as strong (default 1, the mean).
    dispersion : {"auto", True, False}
        Coefficients of variation of L. ``"auto"`` computes them exactly by streaming L
        in column blocks when the estimated time is below ``max_seconds``, otherwise
        leaves them NaN with a :class:`linkage.errors.DispersionSkippedWarning` saying
        why; ``True`` always computes them; ``False`` skips them (NaN, no warning).
    normalized : bool
        Divide the five linkage columns (``bl_*``, ``fl_*``) by their mean over sectors
        (default; Rasmussen–Hirschman indices, values above 1 are above average). With
        False they are the raw sums; ``key_sector`` always uses the normalized ones.
    max_seconds : float
        Time budget of ``dispersion="auto"``.
    method : str, optional
        Deprecated spelling of ``solver`` (a FutureWarning; removed in 0.3).

    Returns
    -------
    DataFrame
        Indexed by ``table.sectors``, columns:

        - ``output_multiplier``: ``Σ_i l_ij`` (raw, never normalized);
        - ``bl_direct``: ``Σ_i a_ij`` / mean; ``fl_direct``: ``Σ_j b_ij`` / mean;
        - ``bl_total``: ``Σ_i l_ij`` / mean (power of dispersion);
        - ``fl_total``: ``Σ_j g_ij`` / mean, Ghosh total forward linkage (preferred);
        - ``fl_rasmussen``: ``Σ_j l_ij`` / mean (traditional sensitivity of dispersion);
        - ``bl_cv``, ``fl_cv``: coefficient of variation of column j / row i of L
          (``ddof=1``); lower means the linkage is spread evenly over sectors;
        - ``key_sector``: ``key``, ``backward``, ``forward`` or ``weak`` from
          ``bl_total`` and ``fl_total`` against ``threshold``.

        ``.attrs``: ``method`` (of the linkage solves) and ``method_reason`` (why
        ``auto`` chose it, see :func:`linkage.core.solver.explain_method`), ``residual``
        (largest relative residual of all solves), ``dispersion`` (``"exact"``,
        ``"off"`` or the reason it was skipped) and ``dispersion_method`` (the backend
        that streamed L: ``auto`` hands blocks of L to a dense LU),
        ``threshold``, ``normalized``, ``zero_output`` (number of zero-output sectors).

    Notes
    -----
    Costs one factorization and two solve calls (``(I - A)ᵀ y = 1``;
    ``(I - A)[u, w] = [1, x]``), plus ``n`` solves in blocks for the dispersion. With
    ``method="auto"`` a table above 1000 sectors whose ``‖A‖₁`` or ``‖A‖∞`` is below 1
    needs no factorization for the three solves (GMRES, ten to forty products with ``A``
    each); streaming L then factorizes a dense table once.
    A zero-output sector has zero coefficients: output multiplier 1, direct linkages 0,
    Ghosh row sum 1 (its row of ``G = (I - B)⁻¹`` is the unit row).

    .. math::

        BL_j = \\frac{n \\sum_i l_{ij}}{\\sum_{ij} l_{ij}}, \\qquad
        FL_i = \\frac{n \\sum_j g_{ij}}{\\sum_{ij} g_{ij}}, \\qquad
        CV_j = \\frac{\\sqrt{\\frac{1}{n-1}\\sum_i (l_{ij} - \\bar l_j)^2}}{\\bar l_j}

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input-Output Analysis: Foundations and
    Extensions* (2nd ed.), ch. 12. Cambridge University Press. doi:10.1017/CBO9780511626982

    Rasmussen, P. N. (1956). *Studies in Inter-Sectoral Relations*. North-Holland.

    Dietzenbacher, E. (1997). In vindication of the Ghosh model: a reinterpretation as a
    price model. *Journal of Regional Science*, 37(4), 629-651.
    doi:10.1111/0022-4146.00073

    Examples
    --------
    Miller & Blair (2009), Table 2.3:

    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agriculture", "manufacturing"])
    >>> lk = linkages(t)
    >>> lk[["output_multiplier", "bl_total", "fl_total"]].round(4)
                   output_multiplier  bl_total  fl_total
    sector
    agriculture               1.5182    1.0222    1.2083
    manufacturing             1.4521    0.9778    0.7917
    >>> lk["key_sector"].tolist()
    ['key', 'weak']
    >>> lk.attrs["method"], lk.attrs["residual"] < 1e-12
    ('dense', True)
    """
    if dispersion not in ("auto", True, False):
        raise ValueError(
            "The 'dispersion' parameter of linkages must be one of {'auto', True, False}. "
            f"Got {dispersion!r} instead."
        )
    solver = table_solver(table, solver, method, caller="linkages")
    r = linkage_arrays(solver, table.A, table.x)
    n = solver.n
    residual = r["residual"]

    bl_total = normalize(r["column_sums_L"])
    fl_total = normalize(r["row_sums_G"])
    scale = normalize if normalized else (lambda v: v)

    cv_col = np.full(n, np.nan)
    cv_row = np.full(n, np.nan)
    dispersion_method = None
    if dispersion is False:
        status = "off"
    elif n < 2:
        status = "skipped: the coefficient of variation needs at least 2 sectors"
        warnings.warn(f"dispersion {status}", DispersionSkippedWarning, stacklevel=2)
    else:
        seconds, how = _dispersion_cost(solver)
        status = "exact"
        if dispersion == "auto" and seconds > max_seconds:
            status = (
                f"skipped: streaming L for the coefficients of variation would take about "
                f"{seconds:,.0f} s ({how}), more than max_seconds={max_seconds:g}; "
                "pass dispersion=True to compute them anyway"
            )
        else:
            out = dispersion_arrays(
                solver,
                r["column_sums_L"],
                r["row_sums_L"],
                max_seconds=4 * max_seconds if dispersion == "auto" else None,
            )
            if out is None:
                status = (
                    "skipped: the first block of L projected more than "
                    f"{4 * max_seconds:g} s for all {n} columns; pass dispersion=True "
                    "to compute them anyway"
                )
            else:
                cv_col, cv_row, res = out
                residual = max(residual, res)
                dispersion_method = solver.last_info.method
        if status != "exact":
            warnings.warn(f"dispersion {status}", DispersionSkippedWarning, stacklevel=2)

    frame = pd.DataFrame(
        {
            "output_multiplier": r["column_sums_L"],
            "bl_direct": scale(r["column_sums_A"]),
            "fl_direct": scale(r["row_sums_B"]),
            "bl_total": bl_total if normalized else r["column_sums_L"],
            "fl_total": fl_total if normalized else r["row_sums_G"],
            "fl_rasmussen": scale(r["row_sums_L"]),
            "bl_cv": cv_col,
            "fl_cv": cv_row,
            "key_sector": classify(bl_total, fl_total, threshold),
        },
        index=table.sectors,
    )
    frame.attrs = {
        "method": solver.method,
        "method_reason": solver.method_reason,
        "residual": float(residual),
        "dispersion": status,
        "dispersion_method": dispersion_method,
        "threshold": float(threshold),
        "normalized": bool(normalized),
        "zero_output": int(np.count_nonzero(np.asarray(table.x) == 0)),
    }
    return frame


def key_sectors(
    table_or_linkages, threshold: float = 1.0, solver=None, *, method: str | None = None
) -> pd.Series:
    """Key-sector class of every sector (``key``, ``backward``, ``forward``, ``weak``).

    Parameters
    ----------
    table_or_linkages : IOTable or DataFrame
        A table, or a frame returned by :func:`linkages` (then no solve is needed and
        ``threshold`` reclassifies its normalized ``bl_total`` and ``fl_total``).
    threshold : float
    solver : LeontiefSolver or str, optional
        For a table, as in :func:`linkages`; ``method`` is its deprecated spelling.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> key_sectors(t).tolist()
    ['key', 'weak']
    """
    if isinstance(table_or_linkages, pd.DataFrame):
        frame = table_or_linkages
        if frame.attrs.get("normalized") is False:
            bl, fl = normalize(frame["bl_total"]), normalize(frame["fl_total"])
        else:
            bl, fl = frame["bl_total"].to_numpy(), frame["fl_total"].to_numpy()
        return pd.Series(classify(bl, fl, threshold), index=frame.index, name="key_sector")
    solver = table_solver(table_or_linkages, solver, method, caller="key_sectors")
    return linkages(table_or_linkages, solver, threshold=threshold, dispersion=False)["key_sector"]


# ============================================================================ multipliers
#: Default names (case-insensitive substrings) and codes of the rows and columns used.
WAGE_NAMES = (
    "upah dan gaji",
    "upah & gaji",
    "upah/gaji",
    "upah gaji",
    "upah",
    "gaji",
    "balas jasa pekerja",
    "kompensasi tenaga kerja",
    "wages and salaries",
    "wages",
    "compensation of employees",
    "employee compensation",
    "labour income",
    "labor income",
    "palkansaajakorvaukset",
)
WAGE_CODES = ("201", "2010")
HOUSEHOLD_NAMES = (
    "konsumsi rumah tangga",
    "konsumsi rumahtangga",
    "pengeluaran konsumsi rumah tangga",
    "konsumsi rt",
    "konsumsi r.t",
    "household consumption",
    "household final consumption",
    "households",
    "private consumption",
    "kotitalouksien kulutus",
    "p3/s14",
)
HOUSEHOLD_CODES = ("3011", "301")
VALUE_ADDED_NAMES = ("nilai tambah", "value added", "gross value added", "ntb", "pdrb")
VALUE_ADDED_CODES = ("209", "2090")
IMPORT_NAMES = ("impor", "import", "tuonti")
IMPORT_CODES = ("200", "2000", "2001", "409")
TOTAL_NAMES = ("total", "jumlah")
#: Rows that count people, not money: never part of value added.
EMPLOYMENT_NAMES = ("employment", "jobs", "employed persons", "persons employed")


def _norm(label) -> str:
    if isinstance(label, tuple):
        label = " ".join(str(p) for p in label)
    return re.sub(r"\s+", " ", str(label).strip().lower())


def _has_code(label: str, codes) -> bool:
    tokens = re.split(r"[\s\-_:;,.()\[\]/]+", label)
    return any(t in codes for t in tokens if t)


def _has_name(label: str, names) -> bool:
    for name in names:
        if " " in name or len(name) > 4:
            if name in label:
                return True
        elif re.search(rf"\b{re.escape(name)}\b", label):
            return True
    return False


def _find(labels, names, codes) -> list:
    """Labels matching a name (case-insensitive substring) or a code token, in order."""
    return [lab for lab in labels if _has_name(_norm(lab), names) or _has_code(_norm(lab), codes)]


def _pick(frame: pd.DataFrame, spec, what: str, names, codes, notes: list, where: str):
    """Choose a column of ``frame`` (sectors x categories) by ``spec``.

    ``spec`` None: first default match (or None, with a note); False: skip; a label:
    must exist; array-like: values by sector. Returns (values or None, label or None).
    """
    n = len(frame.index)
    if spec is False:
        notes.append(f"{what}: not used (switched off)")
        return None, None
    if spec is None:
        found = _find(frame.columns, names, codes)
        if not found:
            notes.append(f"{what}: no {where} recognized as {what}; its multipliers are omitted")
            return None, None
        label = found[0]
        if len(found) > 1:
            notes.append(f"{what}: several {where}s match {found}; using {label!r}")
        return frame[label].to_numpy(dtype=float), label
    if isinstance(spec, (str, int, tuple)) and not isinstance(spec, bool):
        if spec in frame.columns:
            return frame[spec].to_numpy(dtype=float), spec
        matches = [c for c in frame.columns if _norm(c) == _norm(spec)]
        if matches:
            return frame[matches[0]].to_numpy(dtype=float), matches[0]
        raise InvalidTableError(
            f"{what} {where} {spec!r} not found; the table has: {[str(c) for c in frame.columns]}"
        )
    if isinstance(spec, pd.Series) and not spec.index.equals(frame.index):
        if set(spec.index) == set(frame.index):
            spec = spec.reindex(frame.index)
    values = np.asarray(spec, dtype=float).ravel()
    if values.shape != (n,):
        raise InvalidTableError(f"{what} must have shape ({n},), has {values.shape}")
    if not np.all(np.isfinite(values)):
        raise InvalidTableError(f"{what} has non-finite values")
    return values, "(given)"


def _value_added(table, spec, notes):
    """Value added by sector: the given values, a 'value added' row, or the primary
    inputs that are neither imports nor totals."""
    pi = table.primary_inputs
    if spec is False:
        notes.append("value added: not used (switched off)")
        return None, None
    if spec is not None:
        return _pick(pi, spec, "value added", (), (), notes, "primary-input row")
    va = _find(pi.columns, VALUE_ADDED_NAMES, VALUE_ADDED_CODES)
    va = [c for c in va if not _has_name(_norm(c), IMPORT_NAMES)]
    if va:
        return pi[va[0]].to_numpy(dtype=float), va[0]
    rows = [
        c
        for c in pi.columns
        if not _has_name(_norm(c), IMPORT_NAMES + TOTAL_NAMES + EMPLOYMENT_NAMES)
        and not _has_code(_norm(c), IMPORT_CODES)
    ]
    if not rows:
        notes.append("value added: only import/total rows among primary inputs; omitted")
        return None, None
    skipped = [str(c) for c in pi.columns if c not in rows]
    if skipped:
        notes.append(f"value added: sum of primary inputs except {skipped}")
    return pi[rows].to_numpy(dtype=float).sum(axis=1), " + ".join(str(c) for c in rows)


def multiplier_arrays(
    solver: LeontiefSolver,
    A,
    *,
    wage_coef=None,
    employment_coef=None,
    value_added_coef=None,
    household_coef=None,
    labels=None,
) -> dict:
    """Output, income, employment and value-added multipliers from coefficient vectors.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorization of ``I - A`` (the open model).
    A : ndarray or scipy.sparse array
        Input coefficients (for the closed model).
    wage_coef, employment_coef, value_added_coef : ndarray (n,), optional
        Per unit of output: ``w_i = wages_i / x_i``, ``e_i = jobs_i / x_i``,
        ``v_i = value added_i / x_i``.
    household_coef : ndarray (n,), optional
        Household consumption per unit of total household income, ``h_i = c_i / W``:
        with ``wage_coef`` it closes the model with respect to households.

    Returns
    -------
    dict of ndarray
        ``output`` always; ``income``, ``income_type_i`` with wages; ``employment``,
        ``employment_type_i`` with employment; ``value_added`` with value added;
        and with wages and households the closed-model ``output_total``,
        ``income_total``, ``income_type_ii`` (and ``employment_type_ii``). Type I/II
        ratios are NaN where the sector's own coefficient is 0. ``residual``: the worst
        relative residual.

    Notes
    -----
    Open model: ``m_j = Σ_i c_i l_ij``, i.e. ``(I - A)ᵀ m = c``, all coefficient vectors
    in one transposed solve. Closed model: the (n+1)-sector system

    .. math::

        \\bar A = \\begin{pmatrix} A & h \\\\ w^\\top & 0 \\end{pmatrix}, \\qquad
        \\bar L = (I - \\bar A)^{-1}

    solved with a new :class:`LeontiefSolver`; ``income_total_j = l̄_{n+1,j}``,
    ``output_total_j = Σ_{i<=n} l̄_ij``, ``income_type_ii_j = l̄_{n+1,j} / w_j``.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> m = multiplier_arrays(LeontiefSolver(A), A, value_added_coef=np.array([0.65, 0.70]))
    >>> m["value_added"].round(12)      # balanced table: each unit of demand is 1 of VA
    array([1., 1.])
    """
    n = solver.n
    rhs = {"output": np.ones(n)}
    if wage_coef is not None:
        rhs["income"] = wage_coef
    if employment_coef is not None:
        rhs["employment"] = employment_coef
    if value_added_coef is not None:
        rhs["value_added"] = value_added_coef
    M = solver.solve(np.column_stack(list(rhs.values())), transpose=True)
    residual = solver.last_info.residual
    out = {name: M[:, k] for k, name in enumerate(rhs)}
    if wage_coef is not None:
        out["income_type_i"] = safe_divide(out["income"], wage_coef, np.nan)
    if employment_coef is not None:
        out["employment_type_i"] = safe_divide(out["employment"], employment_coef, np.nan)
    if wage_coef is not None and household_coef is not None:
        h = np.asarray(household_coef, dtype=float)[:, np.newaxis]
        w = np.asarray(wage_coef, dtype=float)[np.newaxis, :]
        if sp.issparse(A):
            Abar = sp.block_array([[A, sp.csc_array(h)], [sp.csc_array(w), None]], format="csc")
        else:
            Abar = np.block([[np.asarray(A), h], [w, np.zeros((1, 1))]])
        closed_labels = None if labels is None else [*map(str, labels), "households"]
        # the closed system is new (n + 1 sectors): solved with the open solver's method
        closed = LeontiefSolver(Abar, method=solver.requested_method, labels=closed_labels)
        cols = [np.r_[np.ones(n), 0.0], np.r_[np.zeros(n), 1.0]]
        if employment_coef is not None:
            cols.append(np.r_[employment_coef, 0.0])
        Mbar = closed.solve(np.column_stack(cols), transpose=True)[:n]
        residual = max(residual, closed.last_info.residual)
        out["output_total"] = Mbar[:, 0]
        out["income_total"] = Mbar[:, 1]
        out["income_type_ii"] = safe_divide(Mbar[:, 1], wage_coef, np.nan)
        if employment_coef is not None:
            out["employment_type_ii"] = safe_divide(Mbar[:, 2], employment_coef, np.nan)
    out["residual"] = residual
    return out


_MULTIPLIER_ORDER = [
    "output",
    "output_total",
    "income",
    "income_type_i",
    "income_total",
    "income_type_ii",
    "employment",
    "employment_type_i",
    "employment_type_ii",
    "value_added",
]


def multipliers(
    table,
    wages=None,
    household=None,
    employment=None,
    value_added=None,
    *,
    household_income=None,
    solver=None,
    method: str | None = None,
) -> pd.DataFrame:
    """Output, income (simple, type I, type II), employment and value-added multipliers.

    Parameters
    ----------
    table : IOTable
    wages : str, array_like, False or None
        The wages row: a label of ``table.primary_inputs`` (the published primary-input
        rows), values by sector, or False to skip. Default: the first row whose label
        contains "upah dan gaji", "wages", "compensation of employees" ... or the BPS
        code 201 (case-insensitive).
    household : str, array_like, False or None
        The household-consumption column of ``table.final_demand`` (default: "Konsumsi
        Rumah Tangga", "household consumption" ... or BPS code 3011), or values by
        sector, or False. With wages it closes the model for the type II multipliers.
    employment : array_like, False or None
        Jobs by sector; default ``table.employment``.
    value_added : str, array_like, False or None
        Default: a "value added"/"nilai tambah" row (BPS 2090) if there is one, else the
        sum of the primary-input rows that are not imports or totals.
    household_income : float, optional
        Total household income ``W`` that divides household consumption in the closed
        model; default the sum of the wages row.
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        As in :func:`linkages`; the closed model is solved with the same method.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        Indexed by sector; ``output`` always, then whichever of ``output_total``,
        ``income``, ``income_type_i``, ``income_total``, ``income_type_ii``,
        ``employment``, ``employment_type_i``, ``employment_type_ii``, ``value_added``
        the table supports. A row or column that is absent just omits its columns; the
        reasons are listed in ``.attrs["notes"]``. ``.attrs`` also has ``method``,
        ``residual``, ``wages``, ``household``, ``value_added`` (labels used).
        Type I/II ratios are NaN for sectors with zero wages (or jobs): the ratio is not
        defined there (counted in the notes).

    Raises
    ------
    InvalidTableError
        An explicit row or column label that the table does not have.

    Notes
    -----
    With ``w_j = wages_j / x_j``: simple income multiplier ``Σ_i w_i l_ij``; type I
    ``= Σ_i w_i l_ij / w_j``; type II ``= l̄_{n+1,j} / w_j`` from the model closed with
    respect to households (households become sector n+1, selling labour ``w`` and buying
    ``h = c / W``). Employment uses ``e_j = jobs_j / x_j``, value added
    ``v_j = VA_j / x_j``. Zero-output sectors have zero coefficients.

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input-Output Analysis*, 2nd ed., ch. 6
    (multipliers; type I and II). doi:10.1017/CBO9780511626982

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage import IOTable
    >>> sectors = ["agriculture", "manufacturing"]
    >>> fd = pd.DataFrame({"household consumption": [250, 1200], "exports": [100, 500]},
    ...                   index=sectors)
    >>> va = pd.DataFrame({"agriculture": [300, 350], "manufacturing": [800, 600]},
    ...                   index=["wages", "surplus"])
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=fd,
    ...                         value_added=va, sectors=sectors)
    >>> m = multipliers(t)
    >>> m[["output", "income", "income_type_i", "income_type_ii", "value_added"]].round(4)
                   output  income  income_type_i  income_type_ii  value_added
    sector
    agriculture    1.5182  0.4818         1.6062          5.4850          1.0
    manufacturing  1.4521  0.5479         1.3696          4.6773          1.0
    >>> m.attrs["wages"], m.attrs["household"]
    ('wages', 'household consumption')
    """
    solver = table_solver(table, solver, method, caller="multipliers")
    notes: list[str] = []
    x = np.asarray(table.x, dtype=float)
    wage_values, wage_label = _pick(
        table.primary_inputs, wages, "wages", WAGE_NAMES, WAGE_CODES, notes, "primary-input row"
    )
    hh_values, hh_label = _pick(
        table.final_demand,
        household,
        "household consumption",
        HOUSEHOLD_NAMES,
        HOUSEHOLD_CODES,
        notes,
        "final-demand column",
    )
    if employment is False:
        jobs, jobs_label = None, None
        notes.append("employment: not used (switched off)")
    elif employment is None:
        jobs = None if table.employment is None else table.employment.to_numpy(dtype=float)
        jobs_label = None if jobs is None else "table.employment"
        if jobs is None:
            notes.append("employment: the table has none; employment multipliers omitted")
    else:
        frame = pd.DataFrame(index=table.sectors)
        jobs, jobs_label = _pick(frame, employment, "employment", (), (), notes, "series")
    va_values, va_label = _value_added(table, value_added, notes)

    def coef(values):
        return None if values is None else safe_divide(values, x, 0.0)

    household_coef = None
    if hh_values is not None and wage_values is not None:
        W = float(wage_values.sum()) if household_income is None else float(household_income)
        if W <= 0:
            notes.append("type II: total household income is not positive; type II omitted")
        else:
            household_coef = hh_values / W
    elif hh_values is not None:
        notes.append("type II: needs a wages row as well; omitted")
    elif wage_values is not None:
        notes.append("type II: needs a household-consumption column; omitted")

    args = dict(
        wage_coef=coef(wage_values),
        employment_coef=coef(jobs),
        value_added_coef=coef(va_values),
        labels=table.sectors,
    )
    try:
        r = multiplier_arrays(solver, table.A, household_coef=household_coef, **args)
    except SingularSystemError:
        if household_coef is None:
            raise
        # the open model is fine (solved first); households spending more than their
        # income W make the closed one non-productive: drop type II, keep the rest
        notes.append(
            "type II: the model closed with households is not productive (household "
            f"consumption is {household_coef.sum():.3g} times the household income W = "
            f"{W:.6g}); type II omitted; pass household_income= (e.g. total value added) "
            "if households have more income than wages"
        )
        r = multiplier_arrays(solver, table.A, household_coef=None, **args)
    for name in ("income_type_i", "income_type_ii", "employment_type_i", "employment_type_ii"):
        if name in r and np.isnan(r[name]).any():
            k = int(np.isnan(r[name]).sum())
            notes.append(f"{name}: undefined (NaN) for {k} sector(s) with a zero own coefficient")
    columns = [c for c in _MULTIPLIER_ORDER if c in r]
    frame = pd.DataFrame({c: r[c] for c in columns}, index=table.sectors)
    frame.attrs = {
        "method": solver.method,
        "residual": float(r["residual"]),
        "wages": None if wage_label is None else str(wage_label),
        "household": None if hh_label is None else str(hh_label),
        "employment": jobs_label,
        "value_added": None if va_label is None else str(va_label),
        "notes": notes,
    }
    return frame
