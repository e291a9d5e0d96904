"""The sentra IO table of a supply network: its firms aggregated by sector (or sentra, ...).

:func:`network_iotable` puts every transaction with at least one firm inside the table in
exactly one place: in ``Z`` (both firms inside), in an import row (the buyer inside) or in
a final-demand column (the seller inside); firm outputs close the rows and value added the
columns. Everything works on the edge arrays with sparse products and ``numpy.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.table import IOTable
from ..errors import DataQualityWarning, InvalidNetworkError
from .metrics import edge_intermediary_value, firm_output

__all__ = ["network_iotable"]


def network_iotable(net, by: str = "sector", area=None) -> IOTable:
    """Aggregate the firms inside ``area`` into an IO table by the firm column ``by``.

    Parameters
    ----------
    net : SupplyNetwork
    by : str
        Firm column that defines the table's sectors (``sector``, ``sentra``, ...).
        Missing values form the sector ``"unknown"``.
    area : None, str, list of str or bool array, optional
        Which listed firms are *inside* the table: ``None`` all listed firms (the study
        area); a name or names of ``sentra`` values (or of ``region`` values when no
        sentra has that name); or a boolean mask over the firm list.

    Returns
    -------
    IOTable
        ``Z = P'WP`` over the inside firms (P the firm-to-sector indicator). Primary
        inputs, one row each: ``imports from outside parties`` (split into ``... in the
        region``, ``... outside the region`` and ``... (region unknown)`` when the parties
        file and the firms both have a ``region``), ``imports from other
        listed firms`` (only with an ``area``; split into ``... in the region`` / ``... in
        other regions`` when ``region`` is known), and ``value added`` (output minus all
        inputs; negative values are reported per sector). Final-demand columns: ``sales to
        intermediaries``, ``sales to other outside buyers``, ``sales to other listed
        firms`` (only with an ``area``, split by region like the imports) and, when firm
        outputs exceed recorded sales, ``other sales (output not in transactions)``.

    Notes
    -----
    Every transaction with at least one inside firm appears exactly once: in Z (both
    inside), in an import row (buyer inside) or in a final-demand column (seller inside).
    Transactions with no inside firm are not part of the table; their number and value are
    in the table's diagnostics.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", "pots"]})
    >>> tx = pd.DataFrame({"supplier": ["MINE", "A", "B"], "buyer": ["A", "B", "SHOP"],
    ...                    "value": [2, 4, 10]})
    >>> t = network_iotable(SupplyNetwork.from_frames(firms, tx))
    >>> t.Z_frame()
    sector  clay  pots
    sector
    clay     0.0   4.0
    pots     0.0   0.0
    >>> t.value_added
    sector                         clay  pots
    primary_inputs
    imports from outside parties    2.0   0.0
    value added                     2.0   6.0
    """
    if by not in net.firms.columns:
        raise InvalidNetworkError(
            f"cannot aggregate by {by!r}: the firms have columns {list(net.firms.columns)}"
        )
    diag = Diagnostics()
    diag.extend(net.diagnostics)
    inside = _area_mask(net, area)
    links = _Links.of(net, by, inside, area)
    Z = links.inside_Z()
    regions = _area_regions(net, inside, area)
    imports = _imports(net, links, inside, area, regions)
    fd = _final_demand(net, links, area, regions)
    outside_table = ~links.s_in & ~links.d_in
    if outside_table.any():
        diag.add(
            "outside_table",
            f"{int(outside_table.sum())} trade link(s) with no firm inside the table (value "
            f"{links.val[outside_table].sum():,.0f}) are not part of it",
            count=int(outside_table.sum()),
        )
    x, tol = _sector_output(net, links, Z, fd, diag)
    va = _value_added(x, tol, Z, imports, links.sectors, diag)
    primary = pd.DataFrame(imports, index=pd.Index(links.sectors, name="sector")).T
    primary.loc["value added"] = va
    primary.index.name = "primary_inputs"
    final = pd.DataFrame(fd, index=pd.Index(links.sectors, name="sector"))
    final.columns.name = "final_demand"
    Zt = Z.toarray() if links.k <= 2000 else Z
    return IOTable.from_arrays(
        Zt,
        final_demand=final,
        value_added=primary,
        total_output=x,
        sectors=pd.Index(links.sectors, name="sector"),
        name=f"sentra IO table by {by}" + (f" ({area})" if isinstance(area, str) else ""),
        diagnostics=diag,
        partial_inputs=True,  # a survey records the sentra's suppliers, not all of them
    )


def _area_mask(net, area) -> np.ndarray:
    """Which listed firms are inside the table (see :func:`network_iotable`)."""
    n = net.n_firms
    if area is None:
        return np.ones(n, dtype=bool)
    if (
        isinstance(area, (np.ndarray, pd.Series, list, tuple))
        and len(area) == n
        and all(isinstance(v, (bool, np.bool_)) for v in np.asarray(area, dtype=object))
    ):
        return np.asarray(area, dtype=bool)
    names = [area] if isinstance(area, str) else [str(a) for a in area]
    mask = np.zeros(n, dtype=bool)
    missing = []
    for name in names:
        found = False
        for col in ("sentra", "region"):
            if col in net.firms.columns:
                hit = (net.firms[col] == name).fillna(False).to_numpy(dtype=bool)
                if hit.any():
                    mask |= hit
                    found = True
                    break
        if not found:
            missing.append(name)
    if missing:
        known = []
        for col in ("sentra", "region"):
            if col in net.firms.columns:
                known += net.firms[col].dropna().unique().tolist()[:10]
        raise InvalidNetworkError(
            f"area {missing} matches no firm's sentra or region; known: {known}"
        )
    return mask


@dataclass
class _Links:
    """The edges seen from the table: which ends are inside, and the sector of each node."""

    src: np.ndarray
    dst: np.ndarray
    val: np.ndarray
    s_in: np.ndarray  # the seller is a firm inside the table
    d_in: np.ndarray
    s_firm: np.ndarray  # the seller is a listed firm
    d_firm: np.ndarray
    group: np.ndarray  # sector code of each node, -1 outside the table
    grp_codes: np.ndarray  # sector code of each inside firm
    ids: np.ndarray  # node codes of the inside firms
    sectors: pd.Index
    k: int

    @classmethod
    def of(cls, net, by, inside, area):
        n = net.n_firms
        labels = net.firms[by].astype(object).where(net.firms[by].notna(), "unknown")
        labels = labels.astype(str).to_numpy(dtype=object)
        grp_codes, sectors = pd.factorize(pd.Index(labels[inside]), sort=True)
        k = len(sectors)
        if k == 0:
            raise InvalidNetworkError(f"area {area!r} selects no firms")
        group = np.full(net.n_nodes, -1, dtype=np.int64)
        group[np.flatnonzero(inside)] = grp_codes
        e = net.edges
        src, dst = e["source"].to_numpy(), e["target"].to_numpy()
        in_node = np.zeros(net.n_nodes, dtype=bool)
        in_node[:n] = inside
        return cls(
            src=src,
            dst=dst,
            val=e["value"].to_numpy(),
            s_in=in_node[src],
            d_in=in_node[dst],
            s_firm=src < n,
            d_firm=dst < n,
            group=group,
            grp_codes=grp_codes,
            ids=np.flatnonzero(inside),
            sectors=sectors,
            k=k,
        )

    def by_group(self, node_codes, mask, weights=None):
        """Value (or ``weights``) of the edges in ``mask`` summed by the sector of a node."""
        weights = self.val if weights is None else weights
        return np.bincount(self.group[node_codes[mask]], weights=weights[mask], minlength=self.k)

    def inside_Z(self) -> sp.csr_array:
        """``Z = P' W P`` over the inside firms, as a sparse product."""
        n_in = len(self.ids)
        P = sp.csr_array((np.ones(n_in), (np.arange(n_in), self.grp_codes)), shape=(n_in, self.k))
        pos = np.full(len(self.group), -1, dtype=np.int64)
        pos[self.ids] = np.arange(n_in)
        both = self.s_in & self.d_in
        W = sp.csr_array(
            (self.val[both], (pos[self.src[both]], pos[self.dst[both]])), shape=(n_in, n_in)
        )
        Z = (P.T @ W @ P).tocsr()
        Z.sum_duplicates()
        return Z


def _area_regions(net, inside, area):
    """Per node: a listed firm in a region of the area's firms (None without ``region``
    or ``area``)."""
    if "region" not in net.firms.columns or area is None:
        return None
    n = net.n_firms
    reg = net.firms["region"].to_numpy(dtype=object)
    area_regions = set(pd.unique(reg[inside & pd.notna(reg)]))
    regions = np.zeros(net.n_nodes, dtype=bool)
    regions[:n] = np.array([r in area_regions for r in reg], dtype=bool)
    return regions


def _party_in_region(net, inside):
    """(region known, in a region of the inside firms) per node, when parties have regions."""
    if "region" not in net.parties.columns or "region" not in net.firms.columns:
        return None
    firm_region = net.firms["region"].to_numpy(dtype=object)[inside]
    regions = set(pd.Series(firm_region).dropna().tolist()) - {""}
    pr = np.full(net.n_nodes, "", dtype=object)
    pr[net.n_firms :] = net.parties["region"].to_numpy(dtype=object)
    known = pr != ""
    same = np.array([r in regions for r in pr], dtype=bool)
    return known, same


def _imports(net, links: _Links, inside, area, regions) -> dict:
    """The import rows: purchases of inside firms from anyone outside the table."""
    imports = {}
    src, dst = links.src, links.dst
    buy = links.d_in & ~links.s_in
    from_party = buy & ~links.s_firm
    party_region = _party_in_region(net, inside)
    if party_region is None:
        imports["imports from outside parties"] = links.by_group(dst, from_party)
    else:
        known, same_region = party_region
        imports["imports from outside parties in the region"] = links.by_group(
            dst, from_party & known[src] & same_region[src]
        )
        imports["imports from outside parties outside the region"] = links.by_group(
            dst, from_party & known[src] & ~same_region[src]
        )
        if (from_party & ~known[src]).any():
            imports["imports from outside parties (region unknown)"] = links.by_group(
                dst, from_party & ~known[src]
            )
    if area is not None:
        other = buy & links.s_firm
        if regions is None:
            imports["imports from other listed firms"] = links.by_group(dst, other)
        else:
            same = regions[src]
            imports["imports from other listed firms in the region"] = links.by_group(
                dst, other & same
            )
            imports["imports from listed firms in other regions"] = links.by_group(
                dst, other & ~same
            )
    return imports


def _final_demand(net, links: _Links, area, regions) -> dict:
    """The final-demand columns: sales of inside firms to anyone outside the table."""
    fd = {}
    src, dst = links.src, links.dst
    sell = links.s_in & ~links.d_in
    via = edge_intermediary_value(net)
    out_party = sell & ~links.d_firm
    fd["sales to intermediaries"] = links.by_group(src, out_party, via)
    fd["sales to other outside buyers"] = links.by_group(src, out_party, links.val - via)
    if area is not None:
        other = sell & links.d_firm
        if regions is None:
            fd["sales to other listed firms"] = links.by_group(src, other)
        else:
            same = regions[dst]
            fd["sales to other listed firms in the region"] = links.by_group(src, other & same)
            fd["sales to listed firms in other regions"] = links.by_group(src, other & ~same)
    return fd


def _sector_output(net, links: _Links, Z, fd: dict, diag: Diagnostics):
    """Firm output summed by sector; unrecorded sales close a row (a final-demand column
    added to ``fd``), recorded sales above the output replace it (reported). Returns the
    output and the tolerance of these comparisons (from the output before replacing)."""
    x_firm = firm_output(net, diag)
    x = np.bincount(links.grp_codes, weights=x_firm[links.ids], minlength=links.k)
    z_row = np.asarray(Z.sum(axis=1)).ravel()
    recorded = z_row + sum(fd.values())
    gap = x - recorded
    tol = 1e-9 * np.maximum(np.abs(x), 1.0)
    if (gap > tol).any():
        fd["other sales (output not in transactions)"] = np.where(gap > tol, gap, 0.0)
    if (gap < -tol).any():
        x = np.where(gap < -tol, recorded, x)
        diag.add(
            "output_below_sales",
            f"recorded sales exceed the output given for {int((gap < -tol).sum())} sector(s); "
            "their output is the recorded sales",
            count=int((gap < -tol).sum()),
            level="warning",
        )
    return x, tol


def _value_added(x, tol, Z, imports: dict, sectors, diag: Diagnostics) -> np.ndarray:
    """Output minus all inputs per sector; value added below ``-tol`` is a warning."""
    z_col = np.asarray(Z.sum(axis=0)).ravel()
    va = x - (z_col + sum(imports.values()))
    negative = va < -tol
    if negative.any():
        bad = [f"{sectors[i]!r} ({va[i]:,.0f})" for i in np.flatnonzero(negative)[:5]]
        diag.add(
            "negative_value_added",
            f"value added (output minus inputs) is negative in {int(negative.sum())} "
            f"sector(s): {', '.join(bad)}",
            count=int(negative.sum()),
            level="warning",
            warn=DataQualityWarning,
        )
    return va
