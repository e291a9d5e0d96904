"""A record of what was found, skipped or reinterpreted while building a domain object.

Readers and constructors never drop data silently: each thing they notice becomes one
:class:`Finding` in a :class:`Diagnostics` list that travels with the object they build
(``table.diagnostics``, ``network.diagnostics``) and that the command line prints.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

__all__ = ["Finding", "Diagnostics"]

LEVELS = ("info", "warning")


@dataclass(frozen=True)
class Finding:
    """One thing noticed in the input.

    Parameters
    ----------
    code : str
        Short machine-readable kind, e.g. ``"unbalanced"``, ``"zero_output"``, ``"skipped_row"``.
    message : str
        One line for a person, naming sectors, rows or files where known.
    count : int
        How many items (rows, sectors, entries) the finding is about.
    level : {"info", "warning"}
        ``"warning"`` for things that may change results, ``"info"`` for normal facts.
    """

    code: str
    message: str
    count: int = 1
    level: str = "info"

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


@dataclass
class Diagnostics:
    """An ordered list of :class:`Finding` objects.

    Examples
    --------
    >>> d = Diagnostics()
    >>> d.add("skipped_row", "skipped 2 empty rows", count=2)
    >>> d.count("skipped_row")
    2
    >>> print(d)
    info: skipped 2 empty rows
    """

    findings: list[Finding] = field(default_factory=list)

    def add(self, code, message, count=1, level="info", warn=None, stacklevel=4):
        """Record a finding; with ``warn`` (a Warning class) also issue it as a warning.

        ``stacklevel`` counts from this method, so the default 4 points at the caller of
        a constructor that calls a private checker that calls ``add``.
        """
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
        self.findings.append(Finding(code, message, int(count), level))
        if warn is not None:
            warnings.warn(message, warn, stacklevel=stacklevel)

    def extend(self, other: Diagnostics) -> None:
        """Append the findings of another list (e.g. a reader's to a table's)."""
        self.findings.extend(other.findings)

    def count(self, code: str) -> int:
        """Total count of the findings with this code."""
        return sum(f.count for f in self.findings if f.code == code)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.findings)
