"""The numeric core: the :class:`IOTable` model and the Leontief solver of ``I - A``.

Nothing here reads files, draws or knows about networks; every other layer builds on it.
"""

from .solver import LeontiefSolver, SolveInfo
from .table import IOTable

__all__ = ["IOTable", "LeontiefSolver", "SolveInfo"]
