"""What a solve did: :class:`SolveInfo`, left in ``LeontiefSolver.last_info`` by every solve."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SolveInfo"]


@dataclass(frozen=True)
class SolveInfo:
    """What the last solve did.

    Attributes
    ----------
    method : str
        ``"dense"``, ``"splu"`` or ``"iterative"``.
    residual : float
        Relative residual ``‖(I - A)u - b‖₂ / ‖b‖₂`` (transposed system for transposed
        solves), the maximum over the right-hand sides (over 32 evenly spaced ones when a
        direct method solves for more than 32 at once, e.g. a block of L).
    iterations : int
        Products with ``A`` per right-hand side (iterative method; the most any
        right-hand side of the solve needed), 0 for the direct methods.
    """

    method: str
    residual: float
    iterations: int = 0
