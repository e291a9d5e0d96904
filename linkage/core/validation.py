"""The parts of a table, checked and labelled for :meth:`IOTable.from_arrays`.

Each function takes one part as a user gives it (array, sparse matrix, Series or
DataFrame) and returns it in the table's form: the sector labels as a unique
:class:`pandas.Index`, ``Z`` square, the final-demand and primary-input blocks as
frames indexed by sector, per-sector vectors in sector order. A part that breaks a rule
raises :class:`~linkage.errors.InvalidTableError` naming the part, its shape, or the row,
column and value at fault.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InvalidTableError
from .diagnostics import Diagnostics

__all__ = [
    "as_sector_index",
    "block_frame",
    "check_finite",
    "final_demand_frame",
    "matrix_sums",
    "primary_input_frame",
    "readonly",
    "sector_vector",
    "square_matrix",
]


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def as_sector_index(sectors, n: int) -> pd.Index:
    """Unique sector labels for ``n`` sectors (``S1 ... Sn`` by default); tuples give a
    ``(region, sector)`` MultiIndex."""
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


def check_finite(name: str, values: np.ndarray, rows, cols) -> None:
    """Raise naming the count and the first non-finite entry of ``values`` (2-D)."""
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InvalidTableError(
            f"{name} has {int(bad.sum())} non-finite entries; first at row {rows[i]!r}, "
            f"column {cols[j]!r} (value {float(values[i, j])!r})"
        )


def square_matrix(Z, sectors, copy: bool = True):
    """``Z`` as a float ndarray (a copy, or with ``copy=False`` the array itself when it
    is one already) or a CSR array with duplicates summed, checked square; with the
    sector labels, a DataFrame's index when none are given."""
    if isinstance(Z, pd.DataFrame):
        if sectors is None:
            sectors = Z.index
        Z = Z.to_numpy(dtype=float)
    if sp.issparse(Z):
        Z = sp.csr_array(Z, dtype=float)
        Z.sum_duplicates()
    else:
        Z = np.array(Z, dtype=float) if copy else np.asarray(Z, dtype=float)
    if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
        raise InvalidTableError(f"Z must be square, has shape {Z.shape}")
    return Z, sectors


def matrix_sums(Z, index: pd.Index) -> tuple[np.ndarray, np.ndarray, int]:
    """Row sums, column sums and the number of negative entries of a finite ``Z``."""
    if sp.issparse(Z):
        if not np.all(np.isfinite(Z.data)):
            k = int(np.flatnonzero(~np.isfinite(Z.data))[0])
            coo = Z.tocoo()
            raise InvalidTableError(
                f"Z has non-finite entries; first at row {index[coo.row[k]]!r}, column "
                f"{index[coo.col[k]]!r} (value {float(coo.data[k])!r})"
            )
        row_z = np.asarray(Z.sum(axis=1)).ravel()
        col_z = np.asarray(Z.sum(axis=0)).ravel()
        return row_z, col_z, int((Z.data < 0).sum())
    row_z, col_z = Z.sum(axis=1), Z.sum(axis=0)
    # a NaN or an infinity makes its row sum non-finite: the entries are searched only then
    if not (np.isfinite(row_z).all() and np.isfinite(col_z).all()):
        check_finite("Z", Z, index, index)
    return row_z, col_z, int(np.count_nonzero(Z < 0))


def sector_vector(values, index: pd.Index, name: str, label: str) -> np.ndarray:
    """One finite value per sector, in the order of ``index`` (a Series with the same
    labels in another order is reordered); ``label`` names its row in messages."""
    if isinstance(values, pd.Series) and not values.index.equals(index):
        if set(values.index) == set(index):
            values = values.reindex(index)
    out = np.array(values, dtype=float).ravel()
    if out.shape != (len(index),):
        raise InvalidTableError(f"{name} must have shape ({len(index)},), has {out.shape}")
    check_finite(name, out[np.newaxis, :], [label], index)
    return out


def block_frame(block, sectors: pd.Index, name: str, default_label: str, axis_rows: bool):
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
    if len(columns) > 1 and not columns.is_unique:  # one label: no hash table to build
        raise InvalidTableError(f"{name} labels must be unique; got {list(columns)}")
    check_finite(name, values, sectors, columns)
    return pd.DataFrame(values, index=sectors, columns=columns)


def final_demand_frame(final_demand, x, row_z, index: pd.Index, diag: Diagnostics):
    """The final-demand block, or ``x - Z 1`` as one implied category (reported)."""
    if final_demand is not None:
        return block_frame(final_demand, index, "final_demand", "final demand", True)
    if x is None:
        raise InvalidTableError(
            "give final_demand or total_output: without either, total output is unknown"
        )
    fd = pd.DataFrame({"final demand (implied)": x - row_z}, index=index)
    fd.columns.name = "final_demand"
    diag.add("implied_final_demand", "final demand implied as total output minus Z 1")
    return fd


def primary_input_frame(value_added, x, col_z, index: pd.Index, diag: Diagnostics):
    """The primary-input block (sectors as rows), or ``x - 1'Z`` as implied value added."""
    if value_added is not None:
        return block_frame(value_added, index, "primary_inputs", "value added", False)
    pi = pd.DataFrame({"value added (implied)": x - col_z}, index=index)
    pi.columns.name = "primary_inputs"
    diag.add("implied_value_added", "value added implied as total output minus 1'Z")
    return pi
