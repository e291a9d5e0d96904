"""Satellite (extension) accounts of an IO table: employment, energy, CO2, water, land.

An account is a non-monetary quantity by sector (jobs, TJ, t CO2, m³, ha) with its unit.
Tables carry them as a sectors x accounts frame, ``units`` in ``attrs``; analyses use the
intensities ``e = s / x`` (quantity per unit of output).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidTableError

__all__ = ["satellite_frame"]


def satellite_frame(satellites, sectors: pd.Index, units=None) -> pd.DataFrame:
    """Satellite accounts checked against a table's sectors, as sectors x accounts.

    Parameters
    ----------
    satellites : DataFrame or Series
        Either accounts as rows and sectors as columns (the published orientation) or
        sectors as rows and accounts as columns; a Series is one account (named by the
        Series name). Every sector must be present; values finite.
    sectors : pandas.Index
        The table's sectors.
    units : dict or str, optional
        Unit of each account (account -> unit), or one unit for all; default: the
        frame's ``attrs["units"]``, else empty.

    Returns
    -------
    DataFrame
        Indexed by ``sectors``, one float column per account; ``attrs["units"]`` maps
        each account to its unit ("" when unknown).

    Raises
    ------
    InvalidTableError
        Missing or unknown sectors, repeated accounts, non-numeric or non-finite values.

    Examples
    --------
    >>> s = pd.DataFrame({"a": [10.0], "b": [30.0]}, index=["jobs"])
    >>> f = satellite_frame(s, pd.Index(["a", "b"]), units={"jobs": "persons"})
    >>> f["jobs"].tolist(), f.attrs["units"]
    ([10.0, 30.0], {'jobs': 'persons'})
    """
    if isinstance(satellites, pd.Series):
        satellites = satellites.to_frame(satellites.name or "satellite")
    if not isinstance(satellites, pd.DataFrame):
        raise InvalidTableError("satellites must be a DataFrame (accounts x sectors) or Series")
    known = set(sectors)
    frame = satellites if set(satellites.index) >= known else satellites.T
    if not set(frame.index) >= known:
        missing = [s for s in sectors if s not in set(frame.index)][:5]
        raise InvalidTableError(f"satellites: no values for sectors {missing}")
    extra = [s for s in frame.index if s not in known]
    if extra:
        raise InvalidTableError(f"satellites: labels that are not sectors: {extra[:5]}")
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()[:5]
        raise InvalidTableError(f"satellites: repeated accounts {dup}")
    try:
        frame = frame.reindex(sectors).astype(float)
    except (TypeError, ValueError) as exc:
        raise InvalidTableError(f"satellites have non-numeric values ({exc})") from None
    if not np.isfinite(frame.to_numpy()).all():
        raise InvalidTableError("satellites have missing or non-finite values")
    units = satellites.attrs.get("units", {}) if units is None else units
    if isinstance(units, str):
        units = {c: units for c in frame.columns}
    frame.attrs = {"units": {str(c): str(units.get(c, "")) for c in frame.columns}}
    frame.columns = [str(c) for c in frame.columns]
    return frame
