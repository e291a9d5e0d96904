"""The input-output table: :class:`IOTable`.

An :class:`IOTable` holds the intermediate transactions ``Z`` (dense or sparse), final
demand, primary inputs (value added and imports), total output, optional employment and
the sector labels. It validates itself on construction, is never mutated afterwards, and
computes the input coefficients ``A``, the allocation coefficients ``B`` and its Leontief
solver lazily, once.

Conventions follow Miller & Blair (2009): ``Z[i, j]`` is the sale of sector ``i`` to
sector ``j``; ``A = Z x̂⁻¹``; ``B = x̂⁻¹ Z``.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import DataQualityWarning, InvalidTableError, UnbalancedTableWarning
from .diagnostics import Diagnostics
from .numeric import safe_reciprocal
from .solver import LeontiefSolver

__all__ = ["IOTable", "input_coefficients", "allocation_coefficients", "unbalanced_message"]

#: Relative gap between row total and column total above which a sector is unbalanced.
DEFAULT_BALANCE_RTOL = 1e-3


def input_coefficients(Z, x):
    """Input coefficients ``A = Z x̂⁻¹`` (``a_ij = z_ij / x_j``), zero columns where ``x_j = 0``.

    Parameters
    ----------
    Z : ndarray or scipy.sparse array, shape (n, n)
    x : ndarray, shape (n,)

    Returns
    -------
    ndarray or scipy.sparse.csc_array
        Same kind as ``Z`` (sparse input gives CSC, the format factorizations want).

    Examples
    --------
    >>> import numpy as np
    >>> input_coefficients(np.array([[150., 500.], [200., 100.]]), np.array([1000., 2000.]))
    array([[0.15, 0.25],
           [0.2 , 0.05]])
    """
    r = safe_reciprocal(np.asarray(x, dtype=float))
    if sp.issparse(Z):
        return sp.csc_array(sp.csc_array(Z) @ sp.diags_array(r))
    return np.asarray(Z, dtype=float) * r[np.newaxis, :]


def allocation_coefficients(Z, x):
    """Allocation coefficients ``B = x̂⁻¹ Z`` (``b_ij = z_ij / x_i``), zero rows where ``x_i = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> allocation_coefficients(np.array([[150., 500.], [200., 100.]]), np.array([1000., 2000.]))
    array([[0.15, 0.5 ],
           [0.1 , 0.05]])
    """
    r = safe_reciprocal(np.asarray(x, dtype=float))
    if sp.issparse(Z):
        return sp.csr_array(sp.diags_array(r) @ sp.csr_array(Z))
    return np.asarray(Z, dtype=float) * r[:, np.newaxis]


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _as_sector_index(sectors, n: int) -> pd.Index:
    if sectors is None:
        return pd.Index([f"S{i + 1}" for i in range(n)], name="sector")
    if isinstance(sectors, pd.MultiIndex):
        index = sectors
    elif isinstance(sectors, pd.Index):
        index = sectors
    else:
        sectors = list(sectors)
        if sectors and isinstance(sectors[0], tuple):
            index = pd.MultiIndex.from_tuples(sectors, names=["region", "sector"])
        else:
            index = pd.Index(sectors, name="sector")
    if len(index) != n:
        raise InvalidTableError(f"sectors has {len(index)} labels but Z has shape ({n}, {n})")
    if not index.is_unique:
        dup = index[index.duplicated()].unique().tolist()[:5]
        raise InvalidTableError(f"sector labels must be unique; repeated: {dup}")
    if index.name is None and not isinstance(index, pd.MultiIndex):
        index = index.rename("sector")
    return index


def _check_finite(name: str, values: np.ndarray, rows, cols) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InvalidTableError(
            f"{name} has {int(bad.sum())} non-finite entries; first at row {rows[i]!r}, "
            f"column {cols[j]!r} (value {values[i, j]!r})"
        )


def _block_frame(block, sectors: pd.Index, name: str, default_label: str, axis_rows: bool):
    """Normalize a final-demand (n x k) or primary-input (m x n) block to an (n x k) frame.

    ``axis_rows`` is True for final demand (sectors are rows) and False for primary inputs
    (sectors are columns in the published layout; stored transposed, sectors as rows).
    """
    n = len(sectors)
    if isinstance(block, pd.Series):
        block = block.to_frame(block.name if block.name is not None else default_label)
        if not axis_rows:
            block = block.T
    if isinstance(block, pd.DataFrame):
        frame = block if axis_rows else block.T
        if not frame.index.equals(sectors):
            if set(frame.index) == set(sectors) and len(frame.index) == n:
                frame = frame.reindex(sectors)
            elif len(frame.index) == n and not set(frame.index) & set(sectors):
                frame = frame.set_axis(sectors, axis=0)
            else:
                raise InvalidTableError(
                    f"{name} is labelled with sectors that do not match the table's: "
                    f"{list(frame.index[:5])} ... vs {list(sectors[:5])} ..."
                )
        values = frame.to_numpy(dtype=float)
        columns = pd.Index([str(c) for c in frame.columns], name=name)
    else:
        values = np.asarray(block, dtype=float)
        if values.ndim == 1:
            values = values[:, np.newaxis] if axis_rows else values[np.newaxis, :]
        if not axis_rows:
            values = values.T
        if values.shape[0] != n:
            shape = values.shape if axis_rows else values.T.shape
            want = f"({n}, k)" if axis_rows else f"(m, {n})"
            raise InvalidTableError(f"{name} must have shape {want}, has shape {shape}")
        k = values.shape[1]
        columns = pd.Index(
            [default_label] if k == 1 else [f"{default_label} {c + 1}" for c in range(k)],
            name=name,
        )
    if not columns.is_unique:
        raise InvalidTableError(f"{name} labels must be unique; got {list(columns)}")
    _check_finite(name, values, sectors, columns)
    return pd.DataFrame(values, index=sectors, columns=columns)


def _amount(v: float) -> str:
    """A money amount for a message: thousands separators, no false precision."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}"


def _sector_gap(label, row: float, col: float, x: float, rtol: float) -> str:
    """``sector 'X': row total 120 vs column total 100 (row larger, +16.7% of x)``."""
    diff = row - col
    side = "row larger" if diff > 0 else "column larger" if diff < 0 else "equal"
    digits = 1 if abs(diff) >= 0.01 * abs(x) else 2  # a gap of 0.1 % shows as +0.10%
    share = "x = 0" if x == 0 else f"{diff / x:+.{digits}%} of x"
    text = f"sector {label!r}: row total {_amount(row)} vs column total {_amount(col)}"
    text += f" ({side}, {share}"
    if x != 0 and abs(x - row) > rtol * abs(x):
        text += f"; x = {_amount(x)}"
    return text + ")"


def unbalanced_message(balance: pd.DataFrame, rtol: float, x_given: bool, worst: int = 5):
    """Count the unbalanced sectors and say, for the worst, which total is larger.

    A sector is unbalanced when its row total (``Z 1 + f``, what it sells) or its column
    total (``1'Z + 1'v``, what it spends) differs from the total output ``x`` the table
    uses by more than ``rtol * x`` (the ``rel_gap`` of :meth:`IOTable.balance`).

    Parameters
    ----------
    balance : DataFrame
        :meth:`IOTable.balance` of the table.
    rtol : float
        Tolerance on ``|rel_gap|``.
    x_given : bool
        True when total output was given to the table, False when it is the row total.
    worst : int
        How many sectors to name, largest ``|rel_gap|`` first.

    Returns
    -------
    (int, str)
        The number of unbalanced sectors and a one-line message (``""`` when none).

    Examples
    --------
    >>> bal = pd.DataFrame({"total_output": [100.0, 120.0], "row_total": [100.0, 120.0],
    ...                     "column_total": [100.0, 100.0], "gap": [0.0, -20.0],
    ...                     "rel_gap": [0.0, -1 / 6]}, index=["A", "X"])
    >>> n, msg = unbalanced_message(bal, 1e-3, x_given=False)
    >>> n
    1
    >>> print(msg)
    table is unbalanced: in 1 of 2 sectors the row total (Z1 + f, sales) or the column
    total (1'Z + 1'v, inputs) differs from total output x by more than 0.10% of x; x is
    the row total (the default, as no total output was given); the row total is larger in
    1 of them, the column total in 0; worst: sector 'X': row total 120 vs column total 100
    (row larger, +16.7% of x); table.balance() lists every sector
    """
    gap = balance["rel_gap"].abs()
    bad = gap[gap > rtol].sort_values(ascending=False, kind="stable")
    if not len(bad):
        return 0, ""
    used = "the row total (the default, as no total output was given)"
    if x_given:
        x, row = balance["total_output"], balance["row_total"]
        k = int(((x - row).abs() > rtol * x.abs()).sum())
        used = "the total output given to the table " + (
            f"(it differs from the row total in {k} sector{'s' if k != 1 else ''})"
            if k
            else "(equal to the row total in every sector)"
        )
    diff = balance.loc[bad.index, "row_total"] - balance.loc[bad.index, "column_total"]
    sides = (
        f"the row total is larger in {int((diff > 0).sum())} of them, "
        f"the column total in {int((diff < 0).sum())}"
    )
    rows = balance.loc[bad.index[:worst]]
    named = ", ".join(
        _sector_gap(label, r.row_total, r.column_total, r.total_output, rtol)
        for label, r in zip(rows.index, rows.itertuples(index=False), strict=True)
    )
    return len(bad), (
        f"table is unbalanced: in {len(bad)} of {len(balance)} sectors the row total "
        f"(Z1 + f, sales) or the column total (1'Z + 1'v, inputs) differs from total output "
        f"x by more than {rtol:.2%} of x; x is {used}; {sides}; worst: {named}; "
        "table.balance() lists every sector"
    )


class IOTable:
    """An input-output table, validated on construction and immutable afterwards.

    Build one with :meth:`from_arrays` or a reader (:func:`linkage.read_table`).

    Attributes
    ----------
    sectors : pandas.Index
        Sector labels (a MultiIndex ``(region, sector)`` for multi-regional tables).
    Z : ndarray or scipy.sparse.csr_array, shape (n, n)
        Intermediate transactions, read-only.
    final_demand : DataFrame, shape (n, k)
        Final-demand categories (household consumption, government, investment,
        inventory change, exports ...), indexed by sector.
    primary_inputs : DataFrame, shape (n, m)
        Primary inputs (wages, operating surplus, taxes, imports ...) *indexed by sector*,
        one column per primary-input row of the published table. ``value_added`` gives the
        published m x n orientation.
    x : ndarray, shape (n,)
        Total output.
    employment : Series or None
        Jobs (persons or FTE) by sector.
    name, units : str
        What the table is and the unit of its money values (e.g. ``"million IDR"``).
    diagnostics : Diagnostics
        What was found while reading and validating (imbalance, zero output, negatives).

    Examples
    --------
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agriculture", "manufacturing"])
    >>> t.x
    array([1000., 2000.])
    >>> t.A
    array([[0.15, 0.25],
           [0.2 , 0.05]])
    """

    def __init__(
        self,
        Z,
        final_demand: pd.DataFrame,
        primary_inputs: pd.DataFrame,
        x: np.ndarray,
        sectors: pd.Index,
        employment: pd.Series | None = None,
        name: str = "",
        units: str = "",
        diagnostics: Diagnostics | None = None,
    ):
        # Trusted constructor: from_arrays validates; use it unless you know the inputs are clean.
        self.sectors = sectors
        self.Z = Z
        self.final_demand = final_demand
        self.primary_inputs = primary_inputs
        self.x = x
        self.employment = employment
        self.name = name
        self.units = units
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        Z,
        final_demand=None,
        value_added=None,
        total_output=None,
        employment=None,
        sectors=None,
        *,
        name: str = "",
        units: str = "",
        balance_rtol: float = DEFAULT_BALANCE_RTOL,
        diagnostics: Diagnostics | None = None,
    ) -> IOTable:
        """Build and validate a table from arrays or pandas objects.

        Parameters
        ----------
        Z : array_like, DataFrame or scipy.sparse matrix, shape (n, n)
            Intermediate transactions, ``Z[i, j]`` = sales of sector i to sector j.
            A DataFrame's index gives the sector labels when ``sectors`` is not given.
        final_demand : array_like, Series or DataFrame, shape (n,) or (n, k), optional
            Final demand by category. When omitted, it is implied as ``x - Z 1`` (needs
            ``total_output``) and reported.
        value_added : array_like, Series or DataFrame, shape (m,) ... (m, n), optional
            Primary inputs in the published orientation: one row per input (wages,
            surplus, taxes, imports), one column per sector. When omitted, it is implied
            as ``x - 1'Z`` and reported.
        total_output : array_like, shape (n,), optional
            Total output x. Default: the row total ``Z 1 + f 1``. The column total
            ``1'Z + 1'V`` (when value added is given) and the row total are checked
            against it.
        employment : array_like or Series, shape (n,), optional
            Jobs by sector, for employment multipliers.
        sectors : sequence or pandas.Index, optional
            Sector labels; tuples give a ``(region, sector)`` MultiIndex.
        name, units : str
            Description and unit of money values.
        balance_rtol : float
            Relative gap |row total - column total| / x above which a sector is reported
            as unbalanced (a warning; the table is still built).
        diagnostics : Diagnostics, optional
            Findings of a reader, to which the table's own are appended.

        Returns
        -------
        IOTable

        Raises
        ------
        InvalidTableError
            Shapes that do not fit, repeated labels, non-finite numbers, negative or
            missing total output.

        Examples
        --------
        Miller & Blair (2009), Table 2.3:

        >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
        ...                         value_added=[650, 1400])
        >>> t.n, t.sectors.tolist()
        (2, ['S1', 'S2'])
        >>> float(t.balance()["rel_gap"].abs().max())
        0.0
        """
        diag = Diagnostics()
        if diagnostics is not None:
            diag.extend(diagnostics)

        if isinstance(Z, pd.DataFrame):
            if sectors is None:
                sectors = Z.index
            Z = Z.to_numpy(dtype=float)
        if sp.issparse(Z):
            Z = sp.csr_array(Z, dtype=float)
            Z.sum_duplicates()
            if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
                raise InvalidTableError(f"Z must be square, has shape {Z.shape}")
            n = Z.shape[0]
        else:
            Z = np.array(Z, dtype=float)
            if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
                raise InvalidTableError(f"Z must be square, has shape {Z.shape}")
            n = Z.shape[0]
        index = _as_sector_index(sectors, n)

        if sp.issparse(Z):
            if not np.all(np.isfinite(Z.data)):
                k = int(np.flatnonzero(~np.isfinite(Z.data))[0])
                coo = Z.tocoo()
                raise InvalidTableError(
                    f"Z has non-finite entries; first at row {index[coo.row[k]]!r}, column "
                    f"{index[coo.col[k]]!r} (value {coo.data[k]!r})"
                )
            row_z = np.asarray(Z.sum(axis=1)).ravel()
            col_z = np.asarray(Z.sum(axis=0)).ravel()
            n_negative = int((Z.data < 0).sum())
        else:
            _check_finite("Z", Z, index, index)
            row_z, col_z = Z.sum(axis=1), Z.sum(axis=0)
            n_negative = int((Z < 0).sum())

        x = None
        if total_output is not None:
            if isinstance(total_output, pd.Series) and not total_output.index.equals(index):
                if set(total_output.index) == set(index):
                    total_output = total_output.reindex(index)
            x = np.array(total_output, dtype=float).ravel()
            if x.shape != (n,):
                raise InvalidTableError(f"total_output must have shape ({n},), has {x.shape}")
            _check_finite("total_output", x[np.newaxis, :], ["total output"], index)

        if final_demand is None:
            if x is None:
                raise InvalidTableError(
                    "give final_demand or total_output: without either, total output is unknown"
                )
            fd = pd.DataFrame({"final demand (implied)": x - row_z}, index=index)
            fd.columns.name = "final_demand"
            diag.add("implied_final_demand", "final demand implied as total output minus Z 1")
        else:
            fd = _block_frame(final_demand, index, "final_demand", "final demand", True)
        f = fd.to_numpy().sum(axis=1)

        row_total = row_z + f
        if x is None:
            x = row_total.copy()
        if (x < 0).any():
            bad = index[x < 0].tolist()[:5]
            raise InvalidTableError(f"total output is negative for sectors {bad}")

        if value_added is None:
            pi = pd.DataFrame({"value added (implied)": x - col_z}, index=index)
            pi.columns.name = "primary_inputs"
            diag.add("implied_value_added", "value added implied as total output minus 1'Z")
        else:
            pi = _block_frame(value_added, index, "primary_inputs", "value added", False)
        col_total = col_z + pi.to_numpy().sum(axis=1)

        table = cls(
            Z=Z,
            final_demand=fd,
            primary_inputs=pi,
            x=_readonly(x),
            sectors=index,
            employment=cls._employment_series(employment, index),
            name=name,
            units=units,
            diagnostics=diag,
        )
        table._row_total, table._col_total = row_total, col_total
        table._report_quality(balance_rtol, n_negative, total_output is not None)
        if not sp.issparse(Z):
            Z.setflags(write=False)
        return table

    @staticmethod
    def _employment_series(employment, index):
        if employment is None:
            return None
        if isinstance(employment, pd.Series) and not employment.index.equals(index):
            if set(employment.index) == set(index):
                employment = employment.reindex(index)
        values = np.array(employment, dtype=float).ravel()
        if values.shape != (len(index),):
            raise InvalidTableError(
                f"employment must have shape ({len(index)},), has {values.shape}"
            )
        _check_finite("employment", values[np.newaxis, :], ["employment"], index)
        return pd.Series(values, index=index, name="employment")

    def _report_quality(self, balance_rtol: float, n_negative_z: int, x_given: bool) -> None:
        d, idx = self.diagnostics, self.sectors
        zero = idx[self.x == 0]
        if len(zero):
            d.add(
                "zero_output",
                f"{len(zero)} sector(s) with zero total output get zero coefficients: "
                f"{list(zero[:10])}",
                count=len(zero),
                level="warning",
                warn=DataQualityWarning,
            )
        if n_negative_z:
            d.add(
                "negative_z",
                f"Z has {n_negative_z} negative entries",
                count=n_negative_z,
                level="warning",
                warn=DataQualityWarning,
            )
        neg_fd = self.final_demand.lt(0).sum()
        for cat, k in neg_fd[neg_fd > 0].items():
            d.add("negative_final_demand", f"final demand {cat!r} has {k} negative entries", k)
        neg_pi = self.primary_inputs.lt(0).sum()
        for cat, k in neg_pi[neg_pi > 0].items():
            d.add("negative_primary_input", f"primary input {cat!r} has {k} negative entries", k)

        n_bad, message = unbalanced_message(self.balance(), balance_rtol, x_given)
        if n_bad:
            d.add(
                "unbalanced",
                message,
                count=n_bad,
                level="warning",
                warn=UnbalancedTableWarning,
            )

    # ------------------------------------------------------------------ basic views
    @property
    def n(self) -> int:
        """Number of sectors."""
        return len(self.sectors)

    @property
    def is_sparse(self) -> bool:
        return sp.issparse(self.Z)

    @property
    def is_multiregional(self) -> bool:
        return isinstance(self.sectors, pd.MultiIndex)

    @property
    def total_output(self) -> pd.Series:
        """Total output x as a labelled Series."""
        return pd.Series(self.x, index=self.sectors, name="total_output")

    @property
    def f(self) -> np.ndarray:
        """Total final demand by sector (row sums of the final-demand block)."""
        return self.final_demand.to_numpy().sum(axis=1)

    @property
    def v(self) -> np.ndarray:
        """Total primary inputs by sector (column sums of the primary-input block)."""
        return self.primary_inputs.to_numpy().sum(axis=1)

    @property
    def value_added(self) -> pd.DataFrame:
        """Primary inputs in the published orientation: one row per input, sectors as columns."""
        return self.primary_inputs.T

    def Z_frame(self) -> pd.DataFrame:
        """Z as a labelled dense DataFrame (dense copy for sparse tables: small tables only)."""
        Z = self.Z.toarray() if self.is_sparse else self.Z
        return pd.DataFrame(Z, index=self.sectors, columns=self.sectors)

    @cached_property
    def A(self):
        """Input coefficients ``A = Z x̂⁻¹`` (dense ndarray, or CSC sparse for sparse tables)."""
        A = input_coefficients(self.Z, self.x)
        if isinstance(A, np.ndarray):
            A.setflags(write=False)
        return A

    @cached_property
    def B(self):
        """Allocation coefficients ``B = x̂⁻¹ Z`` (dense ndarray, or CSR sparse)."""
        B = allocation_coefficients(self.Z, self.x)
        if isinstance(B, np.ndarray):
            B.setflags(write=False)
        return B

    def balance(self) -> pd.DataFrame:
        """Row total (Z 1 + f) against column total (1'Z + v) per sector.

        Returns
        -------
        DataFrame
            Columns ``total_output, row_total, column_total, gap, rel_gap`` where
            ``gap = column_total - total_output`` and ``rel_gap = gap / total_output``
            (0 where output is 0 and the gap is 0).
        """
        row_total = getattr(self, "_row_total", None)
        col_total = getattr(self, "_col_total", None)
        if row_total is None:
            row_z = np.asarray(self.Z.sum(axis=1)).ravel()
            col_z = np.asarray(self.Z.sum(axis=0)).ravel()
            row_total, col_total = row_z + self.f, col_z + self.v
        gap = col_total - self.x
        row_gap = row_total - self.x
        gap = np.where(np.abs(row_gap) > np.abs(gap), row_gap, gap)
        safe_x = np.where(self.x != 0, self.x, 1.0)
        rel = np.where(self.x != 0, gap / safe_x, np.where(gap != 0, np.inf, 0.0))
        return pd.DataFrame(
            {
                "total_output": self.x,
                "row_total": row_total,
                "column_total": col_total,
                "gap": gap,
                "rel_gap": rel,
            },
            index=self.sectors,
        )

    # ------------------------------------------------------------------ solver
    def solver(self, method="auto") -> LeontiefSolver:
        """The table's :class:`~linkage.LeontiefSolver` for ``I - A``, factorized once per method.

        Parameters
        ----------
        method : {"auto", "dense", "splu", "iterative"} or LeontiefSolver
            A method name gives the table's cached solver for it (built on first use).
            A solver is returned as it is after checking that it has the table's size:
            that is how a caller passes one solver, chosen once, to every analysis.

        Examples
        --------
        >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
        >>> s = t.solver("dense")
        >>> bool(np.allclose(s.solve(t.f), t.x))
        True
        >>> t.solver(s) is s
        True
        """
        if isinstance(method, LeontiefSolver):
            if method.n != self.n:
                raise ValueError(
                    f"the solver is for {method.n} sectors but the table has {self.n}: "
                    "build it from this table (table.solver(...))"
                )
            return method
        cache = self.__dict__.setdefault("_solvers", {})
        if method not in cache:
            solver = LeontiefSolver(self.A, method=method, labels=self.sectors)
            cache[method] = solver
            cache.setdefault(solver.method, solver)
        return cache[method]

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        label = f" {self.name!r}" if self.name else ""
        units = f", units={self.units!r}" if self.units else ""
        return (
            f"<IOTable{label}: {self.n} sectors ({kind}), "
            f"{self.final_demand.shape[1]} final-demand categories, "
            f"{self.primary_inputs.shape[1]} primary inputs{units}>"
        )
