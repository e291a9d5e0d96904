"""The numeric core: the :class:`IOTable` model and the Leontief solver of ``I - A``.

``table``
    :class:`IOTable`; ``validation`` checks the parts it is built from, ``balance`` its
    row and column totals.
``solver``
    :class:`LeontiefSolver` and :class:`SolveInfo`; ``auto`` chooses its method,
    ``direct`` (dense LU, SuperLU) and ``krylov`` (GMRES, Neumann) are its backends,
    ``inverse`` hands out parts of L, ``norms`` holds the norms it certifies and checks
    with.
``diagnostics``, ``numeric``, ``params``
    Findings while building, division without dividing by zero, parameter checks.

Nothing here reads files, draws or knows about networks; every other layer builds on it.
"""

from .solver import LeontiefSolver, SolveInfo
from .table import IOTable

__all__ = ["IOTable", "LeontiefSolver", "SolveInfo"]
