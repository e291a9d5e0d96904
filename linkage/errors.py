"""Exception and warning types of ``linkage``.

Every error a user can cause by bad input derives from :class:`LinkageError`, so the
command line can turn it into a one-line message. Messages name the file, the row,
the column and the offending value wherever those are known.
"""

__all__ = [
    "LinkageError",
    "InvalidTableError",
    "InputFileError",
    "SingularSystemError",
    "MemoryLimitError",
    "InvalidNetworkError",
    "BalancingError",
    "LinkageWarning",
    "UnbalancedTableWarning",
    "DataQualityWarning",
    "ConvergenceWarning",
    "DispersionSkippedWarning",
]


class LinkageError(Exception):
    """Base class of every error raised by ``linkage`` for bad input or an impossible request."""


class InvalidTableError(LinkageError, ValueError):
    """An IO table whose shapes, labels or numbers break a rule of :class:`linkage.IOTable`."""


class InputFileError(LinkageError, ValueError):
    """A file that cannot be read as asked; the message names the file, row, column and value."""

    def __init__(self, message, *, path=None, row=None, column=None, value=None):
        parts = []
        if path is not None:
            parts.append(str(path))
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        if value is not None:
            message = f"{message} (value {value!r})"
        super().__init__(f"{where}: {message}" if where else message)
        self.path, self.row, self.column, self.value = path, row, column, value


class SingularSystemError(LinkageError, ArithmeticError):
    """(I - A) is singular or the economy is not productive (spectral radius of A >= 1)."""

    def __init__(self, message, sectors=()):
        super().__init__(message)
        self.sectors = list(sectors)


class MemoryLimitError(LinkageError, MemoryError):
    """A requested dense result would need more memory than allowed."""


class InvalidNetworkError(LinkageError, ValueError):
    """Survey data (firms, transactions, cooperation) that cannot be made into a network."""


class BalancingError(LinkageError, ValueError):
    """Row and column totals that a balancing method (RAS) cannot reconcile."""


class LinkageWarning(UserWarning):
    """Base class of the warnings ``linkage`` issues about data it still uses."""


class UnbalancedTableWarning(LinkageWarning):
    """Row totals (output) and column totals (input) of a table differ beyond the tolerance."""


class DataQualityWarning(LinkageWarning):
    """Input that was used but looks suspicious: negative entries, zero output, skipped rows."""


class ConvergenceWarning(LinkageWarning):
    """An iterative method stopped before reaching its tolerance; the result is still returned."""


class DispersionSkippedWarning(LinkageWarning):
    """Dispersion (coefficients of variation of L) was not computed; the message says why."""
