"""Labels of multi-regional tables: ``(region, sector)`` MultiIndex and joined strings.

A multi-regional table is an :class:`linkage.IOTable` whose sectors are a
``(region, sector)`` MultiIndex. Wide CSV/Excel files have one label column, so such a
table travels through them with labels ``"<region>|<sector>"``
(:func:`split_region_labels`, :func:`join_region_labels`); final-demand columns
``"<region>|<category>"`` keep the consuming region (:func:`split_region_column`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..core.table import IOTable
from ..errors import InvalidTableError, LinkageWarning

__all__ = [
    "region_codes",
    "region_sector_levels",
    "split_region_column",
    "split_region_labels",
    "join_region_labels",
    "REGION_SEPARATOR",
]

#: Final-demand columns named ``"<region>|<category>"`` keep the consuming region
#: (pymrio's ``Y`` columns) through a round trip.
REGION_SEPARATOR = "|"


def region_sector_levels(index: pd.Index) -> tuple[int, int]:
    """Positions of the region and sector levels of a (region, sector) MultiIndex."""
    names = list(index.names)
    region = names.index("region") if "region" in names else 0
    sector = names.index("sector") if "sector" in names else index.nlevels - 1
    if region == sector:
        sector = index.nlevels - 1 if region != index.nlevels - 1 else 0
    return region, sector


def region_codes(table) -> tuple[pd.Index, np.ndarray]:
    """Regions (in order of first appearance) and each sector's region code.

    Raises
    ------
    InvalidTableError
        When the table's sectors are not a ``(region, sector)`` MultiIndex.
    """
    index = table.sectors
    if not isinstance(index, pd.MultiIndex):
        raise InvalidTableError(
            "a multi-regional table needs (region, sector) labels; this table's sectors are "
            f"a plain index ({list(index[:3])} ...)"
        )
    level = index.get_level_values(region_sector_levels(index)[0])
    regions = pd.Index(pd.unique(np.asarray(level, dtype=object)), name="region")
    return regions, regions.get_indexer(level)


def split_region_column(label: str):
    """``("Jabar", "households")`` from a final-demand label ``"Jabar|households"``, else None.

    Examples
    --------
    >>> split_region_column("Jabar|households"), split_region_column("exports")
    (('Jabar', 'households'), None)
    """
    if REGION_SEPARATOR in label:
        reg, cat = label.split(REGION_SEPARATOR, 1)
        return reg, cat
    return None


def _relabel(table, sectors) -> IOTable:
    """The same table under new sector labels."""
    emp = None if table.employment is None else table.employment.to_numpy()
    with warnings.catch_warnings():
        # the same table under new labels: its warnings were issued when it was built
        warnings.simplefilter("ignore", LinkageWarning)
        return IOTable.from_arrays(
            table.Z,
            final_demand=table.final_demand.set_axis(sectors, axis=0),
            value_added=table.primary_inputs.set_axis(sectors, axis=0).T,
            total_output=np.asarray(table.x),
            employment=emp,
            sectors=sectors,
            name=table.name,
            units=table.units,
            diagnostics=table.diagnostics,
        )


def split_region_labels(table, sep: str = REGION_SEPARATOR) -> IOTable:
    """A ``(region, sector)`` table from one whose labels read ``"<region><sep><sector>"``.

    Wide CSV/Excel files have one label column; this is how a multi-regional table
    travels through them (:func:`join_region_labels` is the inverse). A table that is
    already multi-regional is returned unchanged.

    Raises
    ------
    InvalidTableError
        When a label has no ``sep`` (the message lists the first ones).

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[5, 6],
    ...                         sectors=["Jabar|padi", "Jatim|padi"])
    >>> split_region_labels(t).sectors.tolist()
    [('Jabar', 'padi'), ('Jatim', 'padi')]
    """
    if isinstance(table.sectors, pd.MultiIndex):
        return table
    labels = [str(s) for s in table.sectors]
    bad = [s for s in labels if sep not in s]
    if bad:
        raise InvalidTableError(
            f"{len(bad)} of {len(labels)} sector labels have no region separator {sep!r} "
            f"(expected '<region>{sep}<sector>'): {bad[:5]}"
        )
    pairs = [tuple(part.strip() for part in s.split(sep, 1)) for s in labels]
    return _relabel(table, pd.MultiIndex.from_tuples(pairs, names=["region", "sector"]))


def join_region_labels(table, sep: str = REGION_SEPARATOR) -> IOTable:
    """The inverse of :func:`split_region_labels`: labels ``"<region><sep><sector>"``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("n", "a"), ("s", "a")], names=["region", "sector"])
    >>> t = IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[5, 6], sectors=idx)
    >>> join_region_labels(t).sectors.tolist()
    ['n|a', 's|a']
    """
    if not isinstance(table.sectors, pd.MultiIndex):
        return table
    ri, si = region_sector_levels(table.sectors)
    labels = [f"{lab[ri]}{sep}{lab[si]}" for lab in table.sectors]
    return _relabel(table, pd.Index(labels, name="sector"))
