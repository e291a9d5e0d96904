"""Linkages and key sectors of an input-output table.

Everything here needs only a few solves with one factorization of ``I - A`` (see
:class:`linkage.LeontiefSolver`); the Leontief inverse ``L`` is never formed, except for
the dispersion indices when that is affordable: formed once by a dense LU when it fits in
memory (then every index is read from it), streamed in column blocks otherwise.

Conventions (Miller & Blair 2009): ``A = Z x̂⁻¹``, ``L = (I - A)⁻¹``, ``B = x̂⁻¹ Z``,
``G = (I - B)⁻¹ = x̂⁻¹ L x̂``. The numeric kernels (:func:`linkage_arrays`,
:func:`classify`; :func:`~linkage.core.dispersion.dispersion_arrays` and
:func:`~linkage.core.dispersion.dense_L_arrays`) take and return arrays; :func:`linkages`
attaches the sector labels. Multipliers: :mod:`linkage.analysis.multipliers`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa

try:  # pandas >= 3: a frame from its blocks as they are (no per-column inference)
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # pragma: no cover - pandas 2
    create_dataframe_from_blocks = None

from ..core.dispersion import DENSE_L_MAX_BYTES, dense_L_arrays, dispersion_arrays
from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from ..errors import DispersionSkippedWarning

__all__ = [
    "linkages",
    "key_sectors",
    "linkage_arrays",
    "dispersion_arrays",
    "dense_L_arrays",
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
# class by 2 * (BL > t) + (FL > t)
_CLASS_BY_CODE = np.array(["weak", "forward", "backward", "key"], dtype=object)

# The result frame is built from two blocks: the eight float columns as one (8, n) array
# and key_sector as the string array pandas infers for it (taken from these four), so
# nothing is inferred or copied column by column (23 instead of 99 µs at n = 100).
_COLUMNS = pd.Index(LINKAGE_COLUMNS)
_FLOAT_PLACES, _KEY_PLACE = np.arange(8), np.array([8])
_CLASS_ARRAY = pd.Series(_CLASS_BY_CODE, copy=True).array  # pandas 3: ArrowStringArray
_BLOCKS = create_dataframe_from_blocks is not None and not isinstance(
    _CLASS_ARRAY,
    pd.arrays.NumpyExtensionArray,  # an object column: the dict path
)
# ... and, when it is Arrow's, key_sector is built from its two buffers in numpy instead of
# by take (pyarrow's compute kernels): 142 instead of 216 µs at n = 100 after gc.collect().
_CLASS_LENGTHS = np.array([len(name.encode()) for name in _CLASS_BY_CODE], dtype=np.int64)
# the names' bytes, one padded row per code, and which of them are characters
_CLASS_CHARS = np.array([n.encode() for n in _CLASS_BY_CODE], "S").view(np.uint8).reshape(4, -1)
_CLASS_MASK = np.arange(_CLASS_CHARS.shape[1]) < _CLASS_LENGTHS[:, np.newaxis]
_LARGE_STRING = pa.large_string()

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
    # the sum over the size is numpy's mean bit for bit, without its Python wrapper
    mean = values.sum() / values.size if values.size else 0.0
    if mean == 0:
        return np.ones_like(values)
    return values / mean


def _class_codes(bl: np.ndarray, fl: np.ndarray, threshold: float) -> np.ndarray:
    """Position of each sector's class in ``_CLASS_BY_CODE``: ``2 (BL > t) + (FL > t)``."""
    return 2 * (np.asarray(bl) > threshold) + (np.asarray(fl) > threshold)


def classify(bl: np.ndarray, fl: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """Key-sector class from normalized backward and forward linkages.

    ``key`` (BL > t and FL > t), ``backward`` (BL > t, FL <= t), ``forward`` (BL <= t,
    FL > t), ``weak`` (both <= t).

    Examples
    --------
    >>> classify(np.array([1.2, 1.2, 0.8, 0.8]), np.array([1.1, 0.9, 1.1, 0.9])).tolist()
    ['key', 'backward', 'forward', 'weak']
    """
    # a lookup: np.select built three masks and a copy
    return _CLASS_BY_CODE[_class_codes(bl, fl, threshold)]


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
    # the plain and the transposed solves together (one sweep over A for both on the
    # fused kernel of linkage.core.kernel)
    if getattr(solver, "_row_sums", None) is not None:  # L 1 known from the solver's check
        u = solver.row_sums()
        r2 = solver.last_info.residual
        w, y = solver.solve_pair(x, ones)
        r1 = solver.last_info.residual
    else:
        U, y = solver.solve_pair(np.column_stack([ones, x]), ones)
        r1 = r2 = solver.last_info.residual
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
        (largest relative residual of all solves; with L formed once, that of the column
        sums, row sums and ``L x`` read from it, see
        :func:`~linkage.core.dispersion.dense_L_arrays`), ``dispersion`` (``"exact"``,
        ``"off"`` or the reason it was skipped) and ``dispersion_method`` (the backend
        that streamed L: ``auto`` hands blocks of L to a dense LU), ``products`` and
        ``passes`` (this call's, as :class:`~linkage.core.solver.LeontiefSolver` counts them),
        ``threshold``, ``normalized``, ``zero_output`` (number of zero-output sectors).

    Notes
    -----
    Costs one factorization and two solve calls (``(I - A)ᵀ y = 1``;
    ``(I - A)[u, w] = [1, x]``), plus ``n`` solves in blocks for the dispersion. With
    ``method="auto"`` a table above 1000 sectors whose ``‖A‖₁`` or ``‖A‖∞`` is below 1
    needs no factorization for the three solves (GMRES, ten to forty products with ``A``
    each). With the dispersion and a dense LU for blocks of L (every dense table up to
    3000 sectors, and denser ones beyond) whose L fits in 1 GiB (n <= 11585), L is formed
    once instead (LAPACK ``getri`` on the LU: fewer flops than streaming it, and than
    ``numpy.linalg.inv``) and every index is read from it in one pass; then
    ``attrs["method"]`` is ``"dense"`` and ``method_reason`` says so.
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
    before = solver.products, solver.passes  # a table's solver is kept between calls
    r, cv_col, cv_row, status, dispersion_method = _indices(solver, table, dispersion, max_seconds)
    attrs = {
        "method": r.get("method", solver.method),
        "method_reason": solver.method_reason + r.get("method_note", ""),
        "residual": float(r["residual"]),
        "products": solver.products - before[0],
        "passes": solver.passes - before[1],
        "dispersion": status,
        "dispersion_method": dispersion_method,
        "threshold": float(threshold),
        "normalized": bool(normalized),
        "zero_output": int(np.count_nonzero(np.asarray(table.x) == 0)),
    }
    return _frame(r, cv_col, cv_row, threshold, normalized, table.sectors, attrs)


def _arrow_keys(codes: np.ndarray):
    """``_CLASS_ARRAY.take(codes)`` built from Arrow buffers: the offsets are the running
    sum of the names' lengths, the characters those of the names, in order."""
    n = codes.size
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    np.cumsum(_CLASS_LENGTHS[codes], out=offsets[1:])
    chars = _CLASS_CHARS[codes][_CLASS_MASK[codes]]
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(chars)]
    array = pa.Array.from_buffers(_LARGE_STRING, n, buffers)
    return pd.arrays.ArrowStringArray(pa.chunked_array([array]), dtype=_CLASS_ARRAY.dtype)


def _keys_from_buffers() -> bool:
    """True when :func:`_arrow_keys` gives what ``take`` gives (pandas 3 with pyarrow)."""
    if not (_BLOCKS and isinstance(_CLASS_ARRAY, pd.arrays.ArrowStringArray)):
        return False
    codes = np.array([3, 0, 2, 1, 1, 3])
    try:
        made, taken = _arrow_keys(codes), _CLASS_ARRAY.take(codes)
    except (TypeError, ValueError, pa.ArrowException):  # pragma: no cover - other versions
        return False
    return made.dtype == taken.dtype and bool(made.equals(taken))


_KEYS_FROM_BUFFERS = _keys_from_buffers()


def _frame(r: dict, cv_col, cv_row, threshold, normalized, index, attrs) -> pd.DataFrame:
    """The frame of :func:`linkages`, built once from the arrays: every column is computed
    in numpy into one (8, n) float block, ``key_sector`` from the class codes; the
    ``attrs`` are set once (reading a column copies them)."""
    bl_total = normalize(r["column_sums_L"])
    fl_total = normalize(r["row_sums_G"])
    scale = normalize if normalized else np.asarray
    values = np.empty((8, bl_total.size))
    values[0] = r["column_sums_L"]
    values[1] = scale(r["column_sums_A"])
    values[2] = scale(r["row_sums_B"])
    values[3] = bl_total if normalized else r["column_sums_L"]
    values[4] = fl_total if normalized else r["row_sums_G"]
    values[5] = scale(r["row_sums_L"])
    values[6] = cv_col
    values[7] = cv_row
    codes = _class_codes(bl_total, fl_total, threshold)
    if _BLOCKS:
        keys = _arrow_keys(codes) if _KEYS_FROM_BUFFERS else _CLASS_ARRAY.take(codes)
        blocks = [(values, _FLOAT_PLACES), (keys, _KEY_PLACE)]
        frame = create_dataframe_from_blocks(blocks, index, _COLUMNS)
    else:  # pragma: no cover - pandas 2: the same frame column by column
        columns = dict(zip(LINKAGE_COLUMNS[:8], values, strict=True))
        columns["key_sector"] = _CLASS_BY_CODE[codes]
        frame = pd.DataFrame(columns, index=index, copy=False)
    frame.attrs = attrs
    return frame


def _indices(solver: LeontiefSolver, table, dispersion, max_seconds: float):
    """The arrays of :func:`linkages`: ``(r, column_cv, row_cv, status, dispersion_method)``.

    With the dispersion asked for (and affordable) and a dense LU for blocks of L whose L
    fits in :data:`DENSE_L_MAX_BYTES`, L is formed once and every index comes from it
    (:func:`dense_L_arrays`; ``r["method"]`` is then ``"dense"``, with a note for the
    reason); otherwise the solves of :func:`linkage_arrays` and L streamed in blocks.
    """
    n = solver.n
    if (
        dispersion is not False
        and solver.block_method == "dense"
        and 8 * n * n <= DENSE_L_MAX_BYTES
        and _dispersion_skip_reason(solver, dispersion, max_seconds) is None
    ):
        r = dense_L_arrays(solver, table.A, table.x)
        if solver.method != "dense":
            r["method"] = "dense"
            r["method_note"] = (
                "; the dispersion needs all of L, which fits in memory: the dense LU "
                "formed L once and every index comes from it"
            )
        return r, r["column_cv"], r["row_cv"], "exact", "dense"
    r = linkage_arrays(solver, table.A, table.x)
    cv_col, cv_row, res, status, dispersion_method = _dispersion(solver, r, dispersion, max_seconds)
    r["residual"] = max(r["residual"], res)
    return r, cv_col, cv_row, status, dispersion_method


def _dispersion(solver: LeontiefSolver, r: dict, dispersion, max_seconds: float):
    """The coefficients of variation of :func:`linkages`, or NaN with the reason.

    Returns ``(column_cv, row_cv, residual, status, method)``: ``status`` is ``"exact"``,
    ``"off"`` or ``"skipped: ..."`` (then a :class:`DispersionSkippedWarning` is issued
    for the caller of :func:`linkages`); ``method`` the backend that streamed L.
    """
    n = solver.n
    if dispersion is False:
        return np.full(n, np.nan), np.full(n, np.nan), 0.0, "off", None
    status = _dispersion_skip_reason(solver, dispersion, max_seconds)
    if status is None:
        limit = 4 * max_seconds if dispersion == "auto" else None
        out = dispersion_arrays(solver, r["column_sums_L"], r["row_sums_L"], max_seconds=limit)
        if out is not None:
            cv_col, cv_row, res = out
            return cv_col, cv_row, res, "exact", solver.last_info.method
        status = (
            "skipped: the first block of L projected more than "
            f"{4 * max_seconds:g} s for all {n} columns; pass dispersion=True "
            "to compute them anyway"
        )
    warnings.warn(f"dispersion {status}", DispersionSkippedWarning, stacklevel=3)
    return np.full(n, np.nan), np.full(n, np.nan), 0.0, status, None


def _dispersion_skip_reason(solver: LeontiefSolver, dispersion, max_seconds: float):
    """Why the dispersion is not even tried (too few sectors, or ``"auto"`` and an
    estimated time above ``max_seconds``), or None."""
    if solver.n < 2:
        return "skipped: the coefficient of variation needs at least 2 sectors"
    seconds, how = _dispersion_cost(solver)
    if dispersion == "auto" and seconds > max_seconds:
        return (
            f"skipped: streaming L for the coefficients of variation would take about "
            f"{seconds:,.0f} s ({how}), more than max_seconds={max_seconds:g}; "
            "pass dispersion=True to compute them anyway"
        )
    return None


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
