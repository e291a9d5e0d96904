"""Parameter checks written once, with the message every function gives.

The messages follow scikit-learn's: ``The 'method' parameter of lq_matrix must be one of
{'slq', 'flq'}. Got 'lq' instead.`` :func:`table_solver` is how every analysis turns its
``solver`` argument into the table's :class:`~linkage.core.solver.LeontiefSolver`: the
solver is chosen once (by the pipeline or the caller) and passed on.
"""

from __future__ import annotations

import warnings

import numpy as np

from .solver import METHODS, LeontiefSolver

__all__ = ["check_choice", "check_seed", "table_solver", "solver_method"]


def check_choice(name: str, value, allowed, caller: str):
    """Return ``value`` when it is one of ``allowed``, else raise the one-line ValueError.

    Examples
    --------
    >>> check_choice("matrix", "A", ("A", "L"), "sector_html")
    'A'
    >>> check_choice("matrix", "B", ("A", "L"), "sector_html")
    Traceback (most recent call last):
    ...
    ValueError: The 'matrix' parameter of sector_html must be one of {'A', 'L'}. Got 'B' instead.
    """
    if isinstance(value, (bool, np.bool_)) or value not in allowed:
        choices = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ValueError(
            f"The {name!r} parameter of {caller} must be one of {choices}. Got {value!r} instead."
        )
    return value


def check_seed(seed, caller: str | None = None) -> int:
    """A seed is an integer >= 0 (numpy's generators refuse negative seeds).

    Examples
    --------
    >>> check_seed(3)
    3
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: The 'seed' parameter must be an integer >= 0. Got -1 instead.
    """
    ok = isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_))
    if not ok or seed < 0:
        of = f" of {caller}" if caller else ""
        raise ValueError(f"The 'seed' parameter{of} must be an integer >= 0. Got {seed!r} instead.")
    return int(seed)


def deprecated_method(solver, method, caller: str):
    """``solver``, or the deprecated ``method`` with a FutureWarning (never both)."""
    if method is None:
        return solver
    if solver is not None:
        raise TypeError(f"{caller}: give solver= or the deprecated method=, not both")
    warnings.warn(
        f"{caller}(method=...) is deprecated and will be removed in version 0.3; "
        f"pass solver={method!r} instead",
        FutureWarning,
        stacklevel=4,
    )
    return check_choice("method", method, METHODS, caller)


def solver_method(solver=None, method=None, *, caller: str) -> str:
    """The method name of a system an analysis builds itself (a firm network, say).

    ``solver`` is a method name (``"auto"`` when None); ``method`` its deprecated
    spelling. A :class:`LeontiefSolver` cannot be passed here: the system is not the
    caller's.

    Examples
    --------
    >>> solver_method("dense", caller="firm_metrics")
    'dense'
    >>> solver_method(caller="firm_metrics")
    'auto'
    """
    solver = deprecated_method(solver, method, caller)
    if solver is None:
        return "auto"
    return check_choice("solver", solver, METHODS, caller)


def table_solver(table, solver=None, method=None, *, caller: str) -> LeontiefSolver:
    """The solver an analysis of ``table`` uses: given, or the table's own for a method.

    Parameters
    ----------
    table : IOTable
    solver : LeontiefSolver, str or None
        A solver built for ``table.A`` (e.g. ``table.solver("dense")``, chosen once and
        passed to every analysis), a method name (``"auto"``, ``"dense"``, ``"splu"``,
        ``"iterative"``: the table's cached solver for it), or None for ``"auto"``.
    method : str, optional
        The spelling before version 0.2; deprecated (a FutureWarning), use ``solver``.
    caller : str
        Name of the analysis, for messages.

    Returns
    -------
    LeontiefSolver

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> table_solver(t, caller="linkages").method
    'dense'
    >>> s = t.solver("dense")
    >>> table_solver(t, s, caller="linkages") is s
    True
    """
    solver = deprecated_method(solver, method, caller)
    if solver is None:
        return table.solver("auto")
    if isinstance(solver, LeontiefSolver):
        return table.solver(solver)
    if isinstance(solver, str):
        return table.solver(check_choice("solver", solver, METHODS, caller))
    raise TypeError(
        f"The 'solver' parameter of {caller} must be a LeontiefSolver or one of "
        f"{set(METHODS)}. Got {type(solver).__name__} instead."
    )
