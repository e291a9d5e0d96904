"""Seeded generators of synthetic benchmark inputs: dense IO tables and sparse firm networks.

Both generators return plain arrays (no ``linkage`` objects), so every contender in a
benchmark starts from exactly the same numbers.

Dense tables (:func:`dense_table`)
    ``n`` sectors; column sums of ``A`` drawn uniformly in ``colsum`` (default 0.2-0.7, the
    range of published national tables), a share of structural zeros, a heavier diagonal
    (own-sector purchases), lognormal final demand, and a few *zero-output* sectors (no
    inputs, no sales, no final demand). ``x = (I - A)⁻¹ f`` is solved exactly, so the
    table balances: ``Z 1 + f = x = 1'Z + v``.

Firm networks (:func:`firm_network`)
    ``n_firms`` firms and about ``per_firm * n_firms`` transactions (supplier -> buyer rows;
    duplicates of a pair are summed into one edge). Degrees are heavy tailed: activity
    weights are Pareto distributed and a few firms are hubs (*middlemen* who buy from and
    sell to very many firms, and *big buyers*). Part of the trade stays inside the firm's
    sentra (blocks of about ``sentra_size`` firms). A share of firms is dormant (zero output).
    Total output is ``x_j = max(sales_j, purchases_j) (1 + margin_j)`` with margins uniform
    in (0.01, 0.4); then all transaction values are scaled down so that the spectral radius
    of ``A = Z x̂⁻¹`` equals ``spectral_radius`` (ARPACK). So no column of ``A`` sums to 1
    or more, and final demand ``x - Z 1`` and value added ``x - 1'Z`` are positive.

Examples
--------
>>> t = dense_table(50, seed=1)
>>> bool(np.allclose(t.Z.sum(axis=1) + t.f, t.x)), bool(np.allclose(t.Z.sum(axis=0) + t.v, t.x))
(True, True)
>>> net = firm_network(2000, seed=1)
>>> abs(net.meta["spectral_radius"] - 0.6) < 0.01
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

__all__ = [
    "DenseTable",
    "FirmNetwork",
    "dense_table",
    "firm_network",
    "spectral_radius",
    "network_frames",
]


@dataclass
class DenseTable:
    """A balanced synthetic IO table (all arrays float64).

    ``Z`` (n, n) intermediate flows, ``f`` (n,) final demand, ``v`` (n,) value added,
    ``x`` (n,) total output; ``meta`` holds the generator's parameters and facts.
    """

    Z: np.ndarray
    f: np.ndarray
    v: np.ndarray
    x: np.ndarray
    meta: dict = field(default_factory=dict)


@dataclass
class FirmNetwork:
    """A synthetic firm network as an IO system.

    ``Z`` (n, n) CSR, ``Z[i, j]`` = value sold by firm i to firm j; ``x`` total output;
    ``f = x - Z 1`` final demand (sales outside the network, all >= 0); ``sector`` and
    ``sentra`` integer codes per firm; ``meta`` the parameters and measured facts
    (transactions, edges, degrees, spectral radius).
    """

    Z: sp.csr_array
    x: np.ndarray
    f: np.ndarray
    sector: np.ndarray
    sentra: np.ndarray
    meta: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- dense tables
def dense_table(
    n: int,
    *,
    seed: int = 0,
    colsum: tuple[float, float] = (0.2, 0.7),
    density: float = 0.7,
    zero_output: float = 0.01,
    block: int = 512,
) -> DenseTable:
    """A balanced dense IO table of ``n`` sectors.

    Parameters
    ----------
    n : int
        Number of sectors.
    seed : int
        Seed of :func:`numpy.random.default_rng`; same seed, same table.
    colsum : (float, float)
        Range of the column sums of ``A`` (uniform), before zero-output sectors are removed.
    density : float
        Share of nonzero coefficients off the diagonal.
    zero_output : float
        Share of sectors with zero output (at least one when ``n >= 20``).
    block : int
        Columns generated at a time (bounds the generator's extra memory).

    Returns
    -------
    DenseTable

    Examples
    --------
    >>> t = dense_table(200, seed=3)
    >>> A = t.Z / np.where(t.x > 0, t.x, 1.0)
    >>> s = A.sum(axis=0)[t.x > 0]
    >>> bool(s.min() >= 0.15 and s.max() <= 0.7)
    True
    >>> int((t.x == 0).sum())
    2
    """
    import scipy.linalg as sla

    rng = np.random.default_rng(seed)
    A = np.empty((n, n), order="F")
    sums = rng.uniform(colsum[0], colsum[1], n)
    for start in range(0, n, block):
        stop = min(start + block, n)
        W = rng.lognormal(0.0, 1.5, (n, stop - start))
        W[rng.random((n, stop - start)) > density] = 0.0
        cols = np.arange(start, stop)
        W[cols, cols - start] *= 10.0  # own-sector purchases weigh more
        W /= np.maximum(W.sum(axis=0), 1e-300)
        A[:, start:stop] = W * sums[start:stop]
    n_zero = max(1, round(zero_output * n)) if n >= 20 else 0
    zero = np.sort(rng.choice(n, n_zero, replace=False)) if n_zero else np.array([], int)
    A[:, zero] = 0.0
    A[zero, :] = 0.0
    f = rng.lognormal(3.0, 1.0, n)
    f[zero] = 0.0
    M = np.negative(A, order="F")
    M.flat[:: n + 1] += 1.0
    x = sla.lu_solve(sla.lu_factor(M, overwrite_a=True, check_finite=False), f)
    del M
    x[zero] = 0.0
    x = np.maximum(x, 0.0)  # exact zeros stay zero; roundoff cannot go negative here
    Z = np.multiply(A, x[np.newaxis, :], order="C")
    del A
    f = x - Z.sum(axis=1)  # balance exactly in floating point
    v = x - Z.sum(axis=0)
    meta = {
        "generator": "dense_table",
        "n": n,
        "seed": seed,
        "colsum": list(colsum),
        "density": density,
        "zero_output_sectors": int(n_zero),
        "nonzeros": int(np.count_nonzero(Z)),
    }
    return DenseTable(Z=Z, f=f, v=v, x=x, meta=meta)


# --------------------------------------------------------------------------- spectral radius
def spectral_radius(A, *, tol: float = 1e-10, seed: int = 0) -> float:
    """Spectral radius of a square matrix: ARPACK (largest modulus), power iteration as fallback.

    The fallback iterates ``v <- (A + I) v / 2`` (for a nonnegative matrix the shift makes
    the Perron root the only eigenvalue of largest modulus) and returns ``‖A v‖₁ / ‖v‖₁``.

    Examples
    --------
    >>> spectral_radius(np.array([[0.0, 0.5], [0.5, 0.0]]))
    0.5
    >>> A = sp.random_array((300, 300), density=0.05, random_state=1).toarray() / 20
    >>> bool(np.isclose(spectral_radius(A), np.abs(np.linalg.eigvals(A)).max()))
    True
    """
    import scipy.sparse.linalg as spla

    n = A.shape[0]
    rng = np.random.default_rng(seed)
    v0 = 1.0 + rng.random(n)
    if n > 2:
        try:
            vals = spla.eigs(
                A, k=1, which="LM", v0=v0, tol=tol, maxiter=20 * n, return_eigenvectors=False
            )
            return round(float(np.abs(vals).max()), 9)
        except spla.ArpackNoConvergence:
            pass
    v = v0 / v0.sum()
    est = 0.0
    for _ in range(5000):
        Av = A @ v
        new = float(np.abs(Av).sum() / np.abs(v).sum())
        v = 0.5 * (Av + v)
        v /= np.abs(v).sum()
        if abs(new - est) <= tol * max(new, 1e-300):
            return round(new, 9)
        est = new
    return round(est, 9)


# --------------------------------------------------------------------------- firm networks
def firm_network(
    n_firms: int,
    *,
    per_firm: float = 10.0,
    spectral_radius: float = 0.6,
    seed: int = 0,
    sentra_size: int = 40,
    local_share: float = 0.4,
    hub_share: float = 2e-4,
    dormant_share: float = 0.005,
    n_sectors: int = 20,
    tail: float = 1.6,
    balance_iterations: int = 10,
) -> FirmNetwork:
    """A heavy-tailed firm network with a given spectral radius of ``A``.

    Parameters
    ----------
    n_firms : int
        Number of firms.
    per_firm : float
        Transactions (supplier -> buyer rows) per firm, before duplicates are summed.
    spectral_radius : float
        Target spectral radius of ``A = Z x̂⁻¹`` (0 < value < 0.9).
    seed : int
        Seed; same seed, same network.
    sentra_size : int
        Firms per sentra (the local cluster a firm belongs to).
    local_share : float
        Share of transactions whose buyer is in the supplier's sentra.
    hub_share : float
        Share of firms that are middlemen, and again of firms that are big buyers.
    dormant_share : float
        Share of firms with no trade and zero output.
    n_sectors : int
        Number of sector codes assigned at random.
    tail : float
        Pareto shape of the activity weights (smaller = heavier tail).
    balance_iterations : int
        Rounds of rescaling ``Z <- diag(d) Z diag(d)⁻¹`` that bring each firm's sales and
        purchases closer (the highest reachable spectral radius grows with it: about 0.6
        with none, above 0.85 with 10).

    Returns
    -------
    FirmNetwork

    Examples
    --------
    >>> net = firm_network(5000, seed=2, spectral_radius=0.4)
    >>> net.meta["transactions"]
    50000
    >>> A = net.Z @ sp.diags_array(np.where(net.x > 0, 1 / np.where(net.x > 0, net.x, 1), 0))
    >>> bool(np.asarray(A.sum(axis=0)).max() < 1), bool(net.f.min() >= 0)
    (True, True)
    >>> net.meta["max_in_degree"] > 20 * net.meta["mean_degree"]
    True
    """
    if not 0 < spectral_radius < 0.9:
        raise ValueError(f"spectral_radius must be in (0, 0.9), got {spectral_radius}")
    n = int(n_firms)
    rng = np.random.default_rng(seed)
    m = int(round(per_firm * n))

    # firm size drives both sales and purchases (a firm that sells more buys more)
    size = rng.pareto(tail, n) + 1.0
    out_w = size * rng.lognormal(0.0, 0.3, n)
    in_w = size * rng.lognormal(0.0, 0.3, n)
    n_hub = max(1, int(round(hub_share * n)))
    roles = rng.permutation(n)
    middlemen, big_buyers = roles[:n_hub], roles[n_hub : 2 * n_hub]
    dormant = roles[2 * n_hub : 2 * n_hub + int(round(dormant_share * n))]
    # the hubs together take part in about 10 % of all transactions
    hub_weight = max(out_w.sum(), in_w.sum()) * 0.1 / n_hub * rng.uniform(0.5, 1.5, n_hub)
    out_w[middlemen] = hub_weight
    in_w[middlemen] = hub_weight * rng.uniform(0.5, 1.5, n_hub)
    in_w[big_buyers] = hub_weight
    out_w[dormant] = 0.0
    in_w[dormant] = 0.0

    sentra = rng.permutation(np.arange(n) // max(int(sentra_size), 1))
    order = np.argsort(sentra, kind="stable")  # firms grouped by sentra
    starts = np.searchsorted(sentra[order], np.arange(sentra.max() + 2))

    src = rng.choice(n, size=m, p=out_w / out_w.sum())
    dst = rng.choice(n, size=m, p=in_w / in_w.sum())
    local = rng.random(m) < local_share
    s_of = sentra[src[local]]
    lo, hi = starts[s_of], starts[s_of + 1]
    dst[local] = order[lo + (rng.random(local.sum()) * (hi - lo)).astype(np.int64)]
    dst[local & np.isin(dst, dormant)] = src[local & np.isin(dst, dormant)]  # -> self loop, dropped
    keep = src != dst
    n_loops = int((~keep).sum())
    src, dst = src[keep], dst[keep]
    while src.size < m:  # replace self loops by fresh (non-local) draws: exactly m transactions
        k = m - src.size
        s2 = rng.choice(n, size=k, p=out_w / out_w.sum())
        d2 = rng.choice(n, size=k, p=in_w / in_w.sum())
        ok = s2 != d2
        src, dst = np.concatenate([src, s2[ok]]), np.concatenate([dst, d2[ok]])
    val = rng.lognormal(2.0, 1.0, src.size)
    Z = sp.coo_array((val, (src, dst)), shape=(n, n)).tocsr()  # sums duplicate pairs
    Z.sum_duplicates()
    del src, dst, val

    # Osborne-style balancing, diag(d) Z diag(d)^-1: a firm's sales and purchases come
    # close (what a firm buys it mostly turns into what it sells); keeps the pattern
    rows = np.repeat(np.arange(n), np.diff(Z.indptr))
    for _ in range(balance_iterations):
        sales = np.asarray(Z.sum(axis=1)).ravel()
        purchases = np.asarray(Z.sum(axis=0)).ravel()
        both = (sales > 0) & (purchases > 0)
        d = np.ones(n)
        d[both] = np.clip(np.sqrt(purchases[both] / sales[both]), 0.2, 5.0)
        Z.data *= d[rows] / d[Z.indices]
    del rows
    sales = np.asarray(Z.sum(axis=1)).ravel()
    purchases = np.asarray(Z.sum(axis=0)).ravel()
    margin = rng.uniform(0.01, 0.4, n)
    x = np.maximum(sales, purchases) * (1.0 + margin)

    inv_x = np.divide(1.0, x, out=np.zeros(n), where=x > 0)
    A0 = Z @ sp.diags_array(inv_x)
    rho0 = spectral_radius_of(A0, seed=seed)
    scale = spectral_radius / rho0
    if scale > 1.0:
        raise ValueError(
            f"cannot reach spectral radius {spectral_radius} (the pattern gives {rho0:.3f})"
        )
    Z = (Z * scale).tocsr()
    rho = spectral_radius_of(Z @ sp.diags_array(inv_x), seed=seed)
    f = x - np.asarray(Z.sum(axis=1)).ravel()
    f[x == 0] = 0.0
    f = np.maximum(f, 0.0)
    indeg = np.diff(Z.tocsc().indptr)
    outdeg = np.diff(Z.indptr)
    meta = {
        "generator": "firm_network",
        "n_firms": n,
        "seed": seed,
        "per_firm": per_firm,
        "transactions": int(m),
        "self_loops_redrawn": n_loops,
        "edges": int(Z.nnz),
        "mean_degree": round(float(Z.nnz) / n, 3),
        "max_in_degree": int(indeg.max()),
        "max_out_degree": int(outdeg.max()),
        "middlemen": int(n_hub),
        "big_buyers": int(n_hub),
        "dormant_firms": int((x == 0).sum()),
        "sentra_size": sentra_size,
        "local_share": local_share,
        "spectral_radius_target": spectral_radius,
        "spectral_radius": float(rho),
        "max_column_sum_A": float(np.asarray((Z @ sp.diags_array(inv_x)).sum(axis=0)).max()),
    }
    sector = rng.integers(0, n_sectors, n)
    return FirmNetwork(Z=Z, x=x, f=f, sector=sector, sentra=sentra, meta=meta)


spectral_radius_of = spectral_radius  # the keyword of firm_network shadows the function name


def network_frames(net: FirmNetwork):
    """Firm and transaction tables (pandas) in the layout of ``linkage.read_network``.

    Returns ``(firms, transactions)``: firms with ``firm_id, sector, sentra, output``;
    one transaction row per edge with ``supplier, buyer, value``. Ids are ``"F0000001"``
    style strings.

    Examples
    --------
    >>> firms, tx = network_frames(firm_network(1000, seed=0))
    >>> list(firms.columns), list(tx.columns)
    (['firm_id', 'sector', 'sentra', 'output'], ['supplier', 'buyer', 'value'])
    """
    import pandas as pd

    n = net.Z.shape[0]
    width = max(7, len(str(n)))
    ids = np.char.add("F", np.char.zfill(np.arange(n).astype(str), width))
    coo = net.Z.tocoo()
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "sector": np.char.add("S", net.sector.astype(str)),
            "sentra": np.char.add("sentra_", net.sentra.astype(str)),
            "output": net.x,
        }
    )
    tx = pd.DataFrame({"supplier": ids[coo.row], "buyer": ids[coo.col], "value": coo.data})
    return firms, tx


def _fmt_bytes(b: float) -> str:  # small helper shared by the report
    if not b or b != b:
        return "-"
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    k = min(int(math.log(abs(b), 1024)), len(units) - 1) if b >= 1 else 0
    return f"{b / 1024**k:.3g} {units[k]}"
