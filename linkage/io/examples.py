"""The example data embedded in the package (the top-level ``data/`` folder).

Everything here is synthetic and documented in ``data/README.md``; the real tables used in
tests and docs live outside the project (``../shared/data/real``) and are never shipped.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .survey import read_network
from .tables import read_table

__all__ = ["data_path", "load_example_table", "load_example_network"]


def data_path(*parts: str) -> Path:
    """Path of a file in the embedded example data.

    Examples
    --------
    >>> data_path("example_table.csv").name
    'example_table.csv'
    """
    return Path(str(resources.files("linkage.data").joinpath(*parts)))


def load_example_table():
    """The example regional IO table (``data/example_table.csv``) as an :class:`IOTable`.

    Examples
    --------
    >>> t = load_example_table()
    >>> t.n > 5
    True
    """

    return read_table(data_path("example_table.csv"))


def load_example_network():
    """The example sentra survey (``data/sentra/``) as a :class:`SupplyNetwork`.

    Examples
    --------
    >>> net = load_example_network()
    >>> net.n_firms > 50
    True
    """
    folder = data_path("sentra")
    return read_network(
        folder / "firms.csv",
        folder / "transactions.csv",
        folder / "cooperation.csv",
        parties=folder / "parties.csv",
    )
