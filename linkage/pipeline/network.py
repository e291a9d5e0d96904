"""Analyze one sentra survey: firm metrics, the sentra IO table, communities, activity.

``linkage network``, ``linkage report`` and ``linkage demo`` call :func:`analyze_network`;
the network page and the report render its :class:`NetworkResults`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core import IOTable
from ..io import firm_table, write_csv, write_table
from ..network import Clusters, SupplyNetwork, find_clusters

__all__ = ["NetworkResults", "analyze_network", "NETWORK_FILES"]

#: Files :meth:`NetworkResults.write` writes, in order.
NETWORK_FILES = (
    "firms.csv",
    "sector_table.csv",
    "outside_parties.csv",
    "sentra.csv",
    "communities.csv",
)


@dataclass
class NetworkResults:
    """Everything computed for one supply network.

    Attributes
    ----------
    network : SupplyNetwork
    metrics : DataFrame or None
        :meth:`SupplyNetwork.firm_metrics` (one row per firm); None when the firm system
        could not be solved (the page and report then leave the firm linkages out).
    clusters : Clusters or None
        Communities and the active/passive sentra table.
    sector_table : IOTable or None
        The sentra's IO table aggregated from the network (``linkage network`` only).
    summary : dict
        :meth:`SupplyNetwork.summary`: what was read and used.
    """

    network: SupplyNetwork
    metrics: pd.DataFrame | None
    clusters: Clusters | None
    sector_table: IOTable | None = None
    summary: dict | None = None

    def firms(self) -> pd.DataFrame:
        """One row per firm, ``firm_id`` first, with its community and metrics."""
        communities = (
            None if self.clusters is None else self.clusters.firm_communities(self.network)
        )
        return firm_table(self.network, self.metrics, communities)

    def write(self, out, files=NETWORK_FILES) -> dict[str, Path]:
        """Write the result files named in ``files`` (UTF-8 CSV, label column first).

        Returns a dict file name -> path, in the order of ``files``.
        """
        out = Path(out)
        frames = {
            "firms.csv": self.firms,
            "outside_parties.csv": lambda: self.network.parties.reset_index(),
            "sentra.csv": lambda: self.clusters.sentra.reset_index(),
            "communities.csv": lambda: self.clusters.communities.reset_index(),
        }
        paths = {}
        for name in files:
            if name == "sector_table.csv":
                paths[name] = write_table(self.sector_table, out / name)
            else:
                paths[name] = write_csv(frames[name](), out / name)
        return paths


def analyze_network(
    network: SupplyNetwork,
    solver: str = "auto",
    *,
    clusters: bool = True,
    sector_table: bool = False,
    by: str = "sector",
    area=None,
    detection: dict | None = None,
    strict: bool = True,
) -> NetworkResults:
    """Firm metrics, communities and sentra activity (and the sentra IO table) of a network.

    Parameters
    ----------
    network : SupplyNetwork
    solver : str
        Method of the firm-level Leontief system (``"auto"``, ``"dense"``, ``"splu"``,
        ``"iterative"``).
    clusters : bool
        Detect communities and classify each sentra as active or passive.
    sector_table : bool
        Also aggregate the network to an IO table ``by`` a firm column, ``area`` the
        optional study-area filter (see :meth:`SupplyNetwork.to_iotable`).
    detection : dict, optional
        Options of :func:`linkage.find_clusters` (``method``, ``resolution``, ``seed``,
        ``cooperation``, ``within``, ``n_permutations``).
    strict : bool
        When False a firm system that cannot be solved leaves ``metrics`` None instead of
        raising (the report still shows the rest).

    Returns
    -------
    NetworkResults

    Examples
    --------
    >>> from linkage import load_example_network
    >>> r = analyze_network(load_example_network(), detection={"seed": 0})
    >>> r.metrics.index.equals(r.network.firms.index), sorted(set(r.clusters.sentra["activity"]))
    (True, ['active', 'passive'])
    """
    try:
        metrics = network.firm_metrics(solver)
    except Exception:  # noqa: BLE001 - without strict the firm sections are optional
        if strict:
            raise
        metrics = None
    table = network.to_iotable(by=by, area=area) if sector_table else None
    found = find_clusters(network, **(detection or {})) if clusters else None
    return NetworkResults(network, metrics, found, table, network.summary())
