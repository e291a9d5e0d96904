"""Supplier-buyer networks of the firms of a sentra: :class:`SupplyNetwork`.

A survey of a *sentra* (a centre of small and household industries) lists its firms, who
sold to whom and for how much, and which firms cooperate. :class:`SupplyNetwork` turns the
tables into one validated network:

* every id is compared as a stripped string; an id that is not in the firm list is an
  *outside party* (an outside supplier, a middleman or *pengepul*, a final buyer): it is
  kept, typed by its role and listed in :attr:`SupplyNetwork.parties`;
* nothing is dropped silently: duplicate (supplier, buyer) rows are summed and counted,
  self-loops and zero values are skipped and counted (with their row numbers), negative
  and non-numeric values are an error by default (``on_invalid="skip"`` skips and reports
  them), and everything is listed in :attr:`SupplyNetwork.diagnostics` and
  :meth:`SupplyNetwork.summary`;
* the network is held as one edge table of integer arrays (``source``, ``target``,
  ``value``); the sparse trade matrix, the networkx and igraph views and the sector IO
  table are each built from it directly, so they scale to millions of firms.

The class holds the network and hands the work to functions: building in
:mod:`~linkage.network.build` (and the modules of each table: ``firms``,
``transactions``, ``parties``, ``cooperation``), views in :mod:`~linkage.network.views`,
firm metrics in :mod:`~linkage.network.metrics`, the sector table in
:mod:`~linkage.network.aggregate`, the summary in :mod:`~linkage.network.summary`.
Reading survey files (csv / xlsx / parquet, titles, Indonesian headers and number styles)
is :func:`linkage.io.read_network`'s job.

Row numbers in messages count like a spreadsheet: the header is row 1, the first data row
is row 2 (for a DataFrame, row ``k + 2`` is the frame's ``k``-th row).
"""

from __future__ import annotations

import warnings

import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..errors import DataQualityWarning
from . import views
from .aggregate import network_iotable
from .build import arrays_parts, frames_parts
from .firms import SIZE_BANDS, size_class
from .metrics import firm_metrics
from .reader import TableReader
from .summary import network_summary

__all__ = ["SupplyNetwork", "size_class", "SIZE_BANDS"]


class SupplyNetwork:
    """A supplier-buyer network of firms and outside parties, validated on construction.

    Build one with :meth:`from_frames` (canonical tables) or :meth:`from_arrays` (node
    codes); :func:`linkage.io.read_network` reads survey files. All attributes are
    read-only afterwards.

    Attributes
    ----------
    nodes : pandas.Index of str
        The firms first (in firm-list order), then the outside parties (in order of first
        appearance in the transactions). A node's position is its code in every array.
    n_firms, n_nodes : int
    is_firm : ndarray of bool, shape (n_nodes,)
    is_intermediary : ndarray of bool, shape (n_nodes,)
        Nodes marked as middlemen (parties file ``kind=intermediary`` or
        ``intermediary_pattern``).
    firms : DataFrame indexed by ``firm_id``
        ``sector`` and whichever of ``name, sentra, region, workers, output, lat, lon``
        were given, ``size_class``, then any other columns of the firm list.
    parties : DataFrame indexed by party id
        ``role`` (outside_supplier | outside_buyer | both), ``is_intermediary``,
        ``n_transactions``, ``value_sold_to_firms``, ``value_bought_from_firms``, ``name``,
        ``kind`` (from the parties file, "" when not listed there), and ``region`` when
        the parties file has one ("" for parties it does not list).
    edges : DataFrame
        One row per (supplier, buyer) pair after summing duplicates: ``source``,
        ``target`` (int64 node codes), ``value`` (float), ``n_rows`` (transaction rows
        merged), and when a channel column was given ``channel`` (direct | intermediary |
        "": the channel carrying most of the pair's value) and ``value_intermediary`` (the
        part of the value recorded as sold through an intermediary).
    cooperation : DataFrame
        ``a < b`` (int64 node codes) and ``kind``, one row per (a, b, kind).
    diagnostics : Diagnostics
        Everything merged, skipped or reinterpreted while reading.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["ceramics", "ceramics"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "CLAY", "B", "A"],
    ...                    "buyer": ["B", "A", "PGP1", "B"], "value": [10, 5, 30, 2]})
    >>> net = SupplyNetwork.from_frames(firms, tx)
    >>> net.nodes.tolist()
    ['A', 'B', 'CLAY', 'PGP1']
    >>> net.edges[["source", "target", "value"]].to_numpy().tolist()
    [[0.0, 1.0, 12.0], [1.0, 3.0, 30.0], [2.0, 0.0, 5.0]]
    >>> net.parties["role"].tolist()
    ['outside_supplier', 'outside_buyer']
    >>> net.diagnostics.count("duplicate_transactions")
    1
    """

    def __init__(self):  # use from_frames / from_arrays (or linkage.io.read_network)
        self.diagnostics = Diagnostics()

    @classmethod
    def _from_parts(cls, parts: dict, diagnostics: Diagnostics, stacklevel: int):
        """The network with these attributes, its node arrays read-only, its warnings issued."""
        net = cls()
        net.diagnostics = diagnostics
        for name, value in parts.items():
            setattr(net, name, value)
        # the node arrays are read-only (the frames are documented as read-only)
        net.is_firm.setflags(write=False)
        net.is_intermediary.setflags(write=False)
        # the warning-level findings as DataQualityWarning, pointing at the caller
        for finding in diagnostics.warnings():
            warnings.warn(finding.message, DataQualityWarning, stacklevel=stacklevel + 1)
        return net

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        firms,
        transactions,
        cooperation=None,
        parties=None,
        *,
        intermediary_pattern: str | None = None,
        on_invalid: str = "error",
        sources: dict | None = None,
        reader: TableReader | None = None,
        _stacklevel: int = 2,
    ) -> SupplyNetwork:
        """Build a network from canonical DataFrames.

        The columns have the names of the file formats (``docs/network.md``); to read
        survey files or frames as a field team writes them (csv / xlsx / parquet, a
        title above the column names, Indonesian column names, ``Rp 1.500.000``) use
        :func:`linkage.io.read_network`.

        Parameters
        ----------
        firms : DataFrame
            ``firm_id, sector`` required; optional ``name, sentra, region, workers,
            output, lat, lon``; other columns are kept.
        transactions : DataFrame
            ``supplier, buyer, value`` required; optional ``product, channel``
            (``direct`` or ``intermediary``; ``pengepul`` and ``langsung`` are understood).
        cooperation : DataFrame, optional
            ``firm_a, firm_b`` and optional ``kind`` (undirected).
        parties : DataFrame, optional
            Outside parties: ``party_id``, optional ``kind`` (intermediary | supplier |
            buyer), ``name`` and ``region`` (splits the sector table's imports into
            inside / outside the region).
        intermediary_pattern : str, optional
            Regular expression; node ids that match it (``re.search``) are middlemen.
        on_invalid : {"error", "skip"}
            What to do with a transaction whose value is missing, not a number or negative,
            or whose supplier or buyer id is empty (and with non-numeric or negative
            ``workers`` / ``output``): raise :class:`~linkage.errors.InvalidNetworkError`
            (default), or skip the row and report it.
        sources : dict, optional
            Names used in messages instead of "firms", "transactions" ... (file names).
        reader : TableReader, optional
            How the tables and their cells are read (default
            :class:`~linkage.network.reader.TableReader`: canonical frames as given;
            :func:`linkage.io.read_network` passes its survey reader).

        Returns
        -------
        SupplyNetwork

        Raises
        ------
        InvalidNetworkError
            Missing columns, empty or repeated firm ids, invalid values (with the file,
            row, column and value).
        """
        parts, diag = frames_parts(
            firms,
            transactions,
            cooperation,
            parties,
            intermediary_pattern=intermediary_pattern,
            on_invalid=on_invalid,
            sources=sources,
            reader=reader,
        )
        return cls._from_parts(parts, diag, _stacklevel)

    @classmethod
    def from_arrays(
        cls,
        source,
        target,
        value,
        *,
        n_firms: int,
        node_ids=None,
        firms: pd.DataFrame | None = None,
        is_intermediary=None,
        on_invalid: str = "error",
    ) -> SupplyNetwork:
        """Build a network directly from integer node codes (the fast path for large data).

        Parameters
        ----------
        source, target : array_like of int, shape (m,)
            Supplier and buyer node codes; codes below ``n_firms`` are firms, the others
            outside parties.
        value : array_like of float, shape (m,)
        n_firms : int
        node_ids : sequence of str, optional
            Ids of all nodes (default ``F0, F1, ...`` for firms and ``P0, P1, ...`` for
            outside parties; the number of nodes is then the largest code + 1).
        firms : DataFrame, optional
            Firm attributes in node order (``sector`` and the optional firm columns);
            default sector ``"unknown"``.
        is_intermediary : array_like of bool, shape (n_nodes,), optional
        on_invalid : {"error", "skip"}
            As in :meth:`from_frames`, for negative or non-finite values.

        Returns
        -------
        SupplyNetwork

        Examples
        --------
        >>> net = SupplyNetwork.from_arrays([0, 1, 1], [1, 2, 2], [5.0, 1.0, 2.0], n_firms=2)
        >>> net.nodes.tolist(), net.edges["value"].tolist()
        (['F0', 'F1', 'P0'], [5.0, 3.0])
        """
        parts, diag = arrays_parts(
            source,
            target,
            value,
            n_firms=n_firms,
            node_ids=node_ids,
            firms=firms,
            is_intermediary=is_intermediary,
            on_invalid=on_invalid,
        )
        return cls._from_parts(parts, diag, 2)

    # ------------------------------------------------------------------ views
    def trade_matrix(self) -> sp.csr_array:
        """Sparse (n_nodes x n_nodes) matrix; entry [i, j] is the value sold by i to j.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> SupplyNetwork.from_frames(firms, tx).trade_matrix().toarray()
        array([[0., 3., 0.],
               [0., 0., 4.],
               [0., 0., 0.]])
        """
        return views.trade_matrix(self)

    def node_frame(self) -> pd.DataFrame:
        """One row per node: ``kind`` (firm | outside), ``role``, ``is_intermediary``, ``name``
        and the firm attributes (missing for outside parties)."""
        return views.node_frame(self)

    def to_networkx(self):
        """A networkx ``DiGraph``: nodes are ids with their attributes, edges carry ``weight``.

        Firms have ``kind="firm"`` and their columns (``sector``, ``name``, ...); outside
        parties have ``kind="outside"``, ``role`` and ``is_intermediary``. Edge attributes:
        ``weight`` (= value), ``n_rows`` and ``channel`` when known.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> G = SupplyNetwork.from_frames(firms, tx).to_networkx()
        >>> G["A"]["B"]["weight"], G.nodes["OUT"]["role"], G.nodes["A"]["sector"]
        (3.0, 'outside_buyer', 'x')
        """
        return views.to_networkx(self)

    def to_igraph(self):
        """A directed igraph ``Graph`` built from the edge arrays.

        See :func:`~linkage.network.views.to_igraph` for the attributes.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> g = SupplyNetwork.from_frames(firms, tx).to_igraph()
        >>> g.vcount(), g.ecount(), g.is_directed(), g.es["weight"]
        (3, 2, True, [3.0, 4.0])
        """
        return views.to_igraph(self)

    # ------------------------------------------------------------------ analysis
    def firm_metrics(self, solver: str = "auto", *, method=None) -> pd.DataFrame:
        """Per-firm purchases, sales, local input share, intermediary share and linkages.

        See :func:`linkage.network.metrics.firm_metrics` (``solver``: the method of the
        firm system's solver; ``method`` is its deprecated spelling).
        """
        return firm_metrics(self, solver, method=method)

    def to_iotable(self, by: str = "sector", area=None):
        """The sentra's own IO table, aggregated by a firm column.

        See :func:`linkage.network.aggregate.network_iotable`.
        """
        return network_iotable(self, by=by, area=area)

    def summary(self) -> dict:
        """What was read, merged and skipped, and the headline shares.

        See :func:`~linkage.network.summary.network_summary` for the keys and their
        meaning.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["S", "A", "B"], "buyer": ["A", "B", "OUT"],
        ...                    "value": [1, 3, 4]})
        >>> s = SupplyNetwork.from_frames(firms, tx).summary()
        >>> s["value_among_firms"], s["inside_share"], s["local_input_share"]
        (3.0, 0.375, 0.75)
        """
        return network_summary(self)

    def __repr__(self) -> str:
        return (
            f"<SupplyNetwork: {self.n_firms} firms, {self.n_nodes - self.n_firms} outside "
            f"parties, {len(self.edges)} trade links, {len(self.cooperation)} cooperation ties>"
        )
