"""How the tables given to :meth:`SupplyNetwork.from_frames` are read: :class:`TableReader`.

A :class:`TableReader` takes *canonical* tables: DataFrames whose columns already have the
names of the file formats (``firm_id, sector``; ``supplier, buyer, value``; ``firm_a,
firm_b``; ``party_id``), ids as text or whole numbers, numbers as numbers (or plain numeric
text). The network layer validates and builds from what it returns. Reading a survey as a
field team writes it (files, workbook sheets, a title above the column names, Indonesian
column names, ``Rp 1.500.000``) is :mod:`linkage.io.survey`'s job: its reader overrides
these methods, and :func:`linkage.io.read_network` passes it to ``from_frames``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics

__all__ = ["REQUIRED_COLUMNS", "TableReader", "id_strings", "plain_numbers"]

#: The columns each table must have, by table.
REQUIRED_COLUMNS = {
    "firms": ("firm_id", "sector"),
    "transactions": ("supplier", "buyer", "value"),
    "cooperation": ("firm_a", "firm_b"),
    "parties": ("party_id",),
}


def id_strings(series: pd.Series) -> np.ndarray:
    """Ids as stripped strings (object array), missing and empty as None.

    Integer-valued floats (``12.0``, as pandas stores a number column with a blank cell)
    become ``"12"``.

    Examples
    --------
    >>> id_strings(pd.Series([1.0, 2.0, np.nan])).tolist()
    ['1', '2', None]
    >>> id_strings(pd.Series([" A", "", "2.0"])).tolist()
    ['A', None, '2.0']
    """
    s = series
    if pd.api.types.is_float_dtype(s.dtype):
        vals = s.to_numpy(dtype=float)
        finite = np.isfinite(vals)
        if finite.any() and np.all(vals[finite] == np.round(vals[finite])):
            s = s.astype("Int64")
    missing = s.isna().to_numpy()
    out = s.astype(str).str.strip().to_numpy(dtype=object)
    out[missing] = None
    out[out == ""] = None
    return out


def plain_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a column as floats, and where they are invalid (missing counts as invalid).

    A numeric column is taken as it is; text is stripped and read as plain numbers.

    Examples
    --------
    >>> values, invalid = plain_numbers(pd.Series([" 5", "x", None, "1.5"]))
    >>> values.tolist(), invalid.tolist()
    ([5.0, nan, nan, 1.5], [False, True, True, False])
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, ~np.isfinite(values)
    stripped = series.astype(str).str.strip().where(series.notna())
    values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return values, ~np.isfinite(values)


class TableReader:
    """Reads canonical tables as they are given.

    Each method is one step of reading a table; :meth:`SupplyNetwork.from_frames` calls
    them in order (``load``, ``sheet``, then per table ``columns`` and the cell readers) and
    validates what they return. ``table`` is one of the keys of :data:`REQUIRED_COLUMNS`.
    Findings go to ``diag``; ``where`` names the file and column in messages.

    Examples
    --------
    >>> reader = TableReader()
    >>> reader.ids(pd.Series([1, 2]), "firms, column 'firm_id'", Diagnostics()).tolist()
    ['1', '2']
    >>> reader.load("firms.csv", "firms", [])
    Traceback (most recent call last):
    ...
    TypeError: firms: SupplyNetwork.from_frames takes DataFrames, got str; read survey files ...
    """

    def load(self, data, source: str, notes: list) -> tuple[pd.DataFrame | None, str]:
        """The table (or None when it is not given) and the name used in messages."""
        if data is None or isinstance(data, pd.DataFrame):
            return data, source
        raise TypeError(
            f"{source}: SupplyNetwork.from_frames takes DataFrames, got {type(data).__name__}; "
            "read survey files with linkage.io.read_network"
        )

    def sheet(self, data, table: str, source: str, diag: Diagnostics):
        """The table to use when ``data`` holds several (a workbook); here ``data`` itself."""
        return data, source

    def columns(self, frame: pd.DataFrame, table: str, source: str, diag: Diagnostics):
        """The frame with canonical column names; here the frame as given."""
        return frame

    def ids(self, series: pd.Series, where: str, diag: Diagnostics) -> np.ndarray:
        """Ids as stripped strings, None when missing (see :func:`id_strings`)."""
        return id_strings(series)

    def amounts(self, series: pd.Series, where: str, diag: Diagnostics):
        """Values, workers and output: ``(values, invalid)`` (see :func:`plain_numbers`)."""
        return plain_numbers(series)

    def coordinates(self, series: pd.Series, where: str, diag: Diagnostics):
        """Latitudes and longitudes: ``(values, invalid)`` (see :func:`plain_numbers`)."""
        return plain_numbers(series)
