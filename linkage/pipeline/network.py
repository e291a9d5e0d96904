"""Analyze one sentra survey: firm metrics, the sentra IO table, communities, activity.

``linkage network``, ``linkage report`` and ``linkage demo`` call :func:`analyze_network`;
the network page and the report render its :class:`NetworkResults`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core import IOTable
from ..io import firm_table
from ..io.results import result_files, write_results
from ..network import Clusters, SupplyNetwork, find_clusters
from ..network.extraction import firm_extraction

__all__ = ["NetworkResults", "analyze_network", "NETWORK_FILES", "FIRM_EXTRACTION_FILE"]

#: Files :meth:`NetworkResults.write` writes, in order.
NETWORK_FILES = (
    "firms.csv",
    "sector_table.csv",
    "outside_parties.csv",
    "sentra.csv",
    "communities.csv",
)
#: Written too when the extraction of every firm was asked for.
FIRM_EXTRACTION_FILE = "firm_extraction.csv"


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
    extraction : DataFrame or None
        :func:`linkage.network.extraction.firm_extraction` (every firm), when asked for.
    """

    network: SupplyNetwork
    metrics: pd.DataFrame | None
    clusters: Clusters | None
    sector_table: IOTable | None = None
    summary: dict | None = None
    extraction: pd.DataFrame | None = None

    def firms(self) -> pd.DataFrame:
        """One row per firm, ``firm_id`` first, with its community and metrics."""
        communities = (
            None if self.clusters is None else self.clusters.firm_communities(self.network)
        )
        return firm_table(self.network, self.metrics, communities)

    def frames(self, files=NETWORK_FILES) -> dict:
        """CSV file name -> result (a flat frame; ``sector_table.csv`` the IOTable)."""
        frames = {
            "firms.csv": self.firms,
            "sector_table.csv": lambda: self.sector_table,
            "outside_parties.csv": lambda: self.network.parties.reset_index(),
            "sentra.csv": lambda: self.clusters.sentra.reset_index(),
            "communities.csv": lambda: self.clusters.communities.reset_index(),
            FIRM_EXTRACTION_FILE: self._extraction_frame,
        }
        return {name: frames[name]() for name in files}

    def _extraction_frame(self) -> pd.DataFrame:
        flat = self.extraction.reset_index()
        flat.attrs = {k: v for k, v in self.extraction.attrs.items() if k in ("method", "residual")}
        return flat

    def write(self, out, files=NETWORK_FILES, fmt: str = "csv") -> dict[str, Path]:
        """Write the results named in ``files`` (CSV names) as ``fmt``: csv, xlsx or parquet.

        Returns a dict written file name -> path, in the order of ``files`` (with xlsx the
        one ``results.xlsx``).
        """
        if self.extraction is not None and FIRM_EXTRACTION_FILE not in files:
            files = (*files, FIRM_EXTRACTION_FILE)
        paths = write_results(self.frames(files), out, fmt)
        return dict(zip(result_files(files, fmt), paths, strict=True))


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
    extraction: bool = False,
    progress=None,
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
    extraction : bool
        Also the hypothetical extraction of every firm (exact per firm).
    progress : callable, optional
        ``progress(done, total)`` during the extraction of the firms.

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
    extracted = firm_extraction(network, solver=solver, progress=progress) if extraction else None
    return NetworkResults(network, metrics, found, table, network.summary(), extracted)
