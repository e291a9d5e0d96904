"""Building a reader's :class:`~linkage.IOTable`: errors name the file, warnings the caller.

The table constructor validates what a reader assembled. An invalid table becomes an
:class:`~linkage.errors.InputFileError` naming the file; the constructor's warnings
(unbalanced sectors ...) are issued again so that they point at the user's call of the
reader, not at the constructor.
"""

from __future__ import annotations

import warnings

from ..core.table import IOTable
from ..errors import InputFileError, InvalidTableError

__all__ = ["table_from_arrays", "rewarn"]


def rewarn(caught, stacklevel):
    """Issue again warnings caught from the table constructor, pointing at the user's call."""
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=stacklevel + 1)


def table_from_arrays(*, path, stacklevel: int, Z, **arrays) -> IOTable:
    """``IOTable.from_arrays(Z, **arrays)``, its errors and warnings as a reader's.

    ``stacklevel`` counts as in :func:`rewarn` called by the caller of this function: 1 is
    the caller, 2 the caller's caller ...

    Raises
    ------
    InputFileError
        The table is not valid (``path`` named).
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = IOTable.from_arrays(Z, **arrays)
    except InvalidTableError as exc:
        raise InputFileError(f"the table is not valid: {exc}", path=path) from None
    rewarn(caught, stacklevel=stacklevel + 1)
    return table
