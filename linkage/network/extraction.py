"""Hypothetical extraction of every firm of a :class:`~linkage.network.SupplyNetwork`.

The firm network is an IO system (``A = Z x̂⁻¹``, :mod:`linkage.network.metrics`), so
the closed forms of :func:`linkage.analysis.extraction.extraction_arrays` give every
firm's backward, forward and total loss from a few solves and ``y_j = l_jj - 1 =
(L A)_jj``, the only part that needs one solve per firm. For a sparse firm system that
part is computed here by a block series with the dominant eigenvalue taken out
(:func:`deflated_excess`), exact to a stated bound per firm, with a progress callback.

Deflation: with any vectors ``v, w`` (approximations of the Perron pair of ``A``) and
``c_j = wᵀa_j / wᵀv``,

.. math::

    L a_j = c_j \\, L v + \\sum_{k \\ge 0} A^k (a_j - c_j v),

an identity for every ``v, w``: ``L v`` is one accurate solve, and the series starts
from a vector with (almost) no component along the dominant eigenvector, so it shrinks
at the rate of the next eigenvalues (about 0.38 against 0.6 on the benchmark network)
instead of the spectral radius. The tail after ``K`` terms is ``e_jᵀ L q_K`` with
``|e_jᵀ L q_K| <= ‖q_K‖_∞ (L 1)_j`` (``L >= 0``): each firm's column stops when that bound
is below the tolerance, so the result is exact to the bound, not a sample.
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.sparse.csgraph import connected_components

from ..analysis.accuracy import EPS, bounded_solve
from ..analysis.extraction import extraction_arrays, worst_accuracy
from ..core.numeric import safe_divide
from ..core.solver import LeontiefSolver
from ..core.table import input_coefficients
from .metrics import _firm_method, _firm_Z, closed_firms, firm_output

__all__ = ["firm_extraction", "firm_extraction_arrays", "deflated_excess", "perron_pair"]

#: Columns per block of the series: scipy's ``csr_matvecs`` gathers one row of the block
#: per nonzero, so the block should stay in cache (20,000 firms x 32 in float64 is 5 MB;
#: a product costs about a third per column of one on 256 columns here).
BLOCK = 32
#: Threads over disjoint blocks (scipy's sparse product releases the GIL).
THREADS = os.cpu_count() or 1
#: Once every term of a block is below this, the products run in float32 (about half the
#: time of float64 products here); their rounding is in the bound (eps32 (L g)_j Σ‖q‖).
SINGLE_BELOW = 1e-8
EPS32 = float(np.finfo(np.float32).eps) / 2


def perron_pair(A, seed: int = 0):
    """``(λ, v, w)``: dominant eigenvalue, right and left eigenvectors of ``A >= 0`` (ARPACK;
    nonnegative, ``v`` scaled to max 1). ``(0, 0, 0)`` when ARPACK fails; only the speed
    of :func:`deflated_excess` depends on their accuracy.

    Examples
    --------
    >>> lam, v, w = perron_pair(sp.csr_array(np.array([[0.0, 0.5], [0.5, 0.0]])))
    >>> round(lam, 6), v.round(6).tolist()
    (0.5, [1.0, 1.0])
    """
    n = A.shape[0]
    zero = (0.0, np.zeros(n), np.zeros(n))
    if n < 3:
        vals, vecs = np.linalg.eig(A.toarray() if sp.issparse(A) else A)
        valsT, vecsT = np.linalg.eig((A.toarray() if sp.issparse(A) else A).T)
        i, k = int(np.argmax(vals.real)), int(np.argmax(valsT.real))
        v, w = np.abs(vecs[:, i].real), np.abs(vecsT[:, k].real)
        lam = float(vals[i].real)
    else:
        rng = np.random.default_rng(seed)
        try:
            lam_c, V = sla.eigs(A, k=1, which="LM", tol=1e-10, v0=rng.random(n))
            _, W = sla.eigs(A.T, k=1, which="LM", tol=1e-10, v0=rng.random(n))
        except (sla.ArpackError, sla.ArpackNoConvergence, ValueError):
            return zero
        lam = float(lam_c[0].real)
        v, w = np.abs(V[:, 0].real), np.abs(W[:, 0].real)
    if not (lam > 0 and v.max() > 0 and w.max() > 0):
        return zero
    v, w = v / v.max(), w / w.max()
    # a poor pair (a nilpotent A, ARPACK off) only slows the series, but a tiny wᵀv
    # would make c_j = wᵀa_j / wᵀv huge: then do without
    off = max(np.abs(A @ v - lam * v).max(), np.abs(A.T @ w - lam * w).max())
    if off > 1e-6 * lam or w @ v < 1e-8 * np.linalg.norm(w) * np.linalg.norm(v):
        return zero
    return lam, v, w


def deflated_excess(
    solver, A, pos, L1, *, progress=None, tol: float = 1e-12, pair=None, block=BLOCK, threads=None
):
    """``y_j = (LA)_jj`` at ``pos`` by the deflated block series, with absolute bounds.

    Parameters
    ----------
    solver : LeontiefSolver
        For the one solve ``L v``.
    A : sparse array or ndarray, ``A >= 0``
    pos : ndarray of int
    L1 : ndarray
        Row sums of ``L`` (for the tail bounds).
    progress : callable, optional
        ``progress(done, total)`` after each block of firms.
    tol : float
        A column stops when its tail bound is below ``tol (1 + y_j)``.
    pair : tuple, optional
        ``(λ, v, w)`` (default :func:`perron_pair`).
    block : int
        Firms per block of the series (any size from 1; larger than ``pos`` is one block).
        Only the speed and the last bits depend on it: a block's products switch to
        float32 when all its columns are small enough, so ``y`` agrees across block sizes
        to within ``bound``.
    threads : int, optional
        Blocks run at once (default :data:`THREADS`, one per core); the result does not
        depend on it (the same numbers, bit for bit).

    Returns
    -------
    y, bound : ndarray over ``pos``
    residual : float
        Of the solve ``L v``.

    Examples
    --------
    >>> A = sp.csr_array(np.array([[0.1, 0.3, 0.0], [0.2, 0.0, 0.4], [0.1, 0.2, 0.1]]))
    >>> s = LeontiefSolver(A, "iterative")
    >>> L = np.linalg.inv(np.eye(3) - A.toarray())
    >>> y, b, _ = deflated_excess(s, A, np.arange(3), L.sum(1))
    >>> bool(np.allclose(y, np.diag(L) - 1, rtol=1e-11, atol=0)), bool((b < 1e-11).all())
    (True, True)
    """
    if int(block) != block or block < 1:
        raise ValueError(f"block must be a positive integer (got {block!r})")
    A = sp.csr_array(A)
    A_cols = sp.csc_array(A)
    A32 = A.astype(np.float32)
    _, v, w = perron_pair(A) if pair is None else pair
    u, u_abs, residual = bounded_solve(solver, A, v[:, None])
    u, u_abs = u[:, 0], u_abs[:, 0]
    wv = float(w @ v) or 1.0
    # rounding of one product, row by row, carried through L: eps (L g)_j ||q||_inf
    row_nnz = np.diff(A.indptr).astype(float)
    g = (row_nnz + 2) * np.asarray(A.sum(axis=1)).ravel() + 2
    Lg = solver.solve(g)
    y, bound, todo = _outside_cycles(A, pos)
    blocks = [todo[s0 : s0 + block] for s0 in range(0, todo.size, block)]

    def one(at):
        chunk = pos[at]
        Q = A_cols[:, chunk].toarray()
        return _block_series((A, A32), Q, chunk, (v, w, wv), (u, u_abs), (L1, Lg), tol)

    done = pos.size - todo.size
    with ThreadPoolExecutor(max(1, min(threads or THREADS, len(blocks)))) as pool:
        futures = {pool.submit(one, at): at for at in blocks}
        for fut in as_completed(futures):  # blocks are disjoint: same numbers in any order
            at = futures[fut]
            y[at], bound[at] = fut.result()
            done += at.size
            if progress is not None:
                progress(done, pos.size)
    if progress is not None and not todo.size:
        progress(pos.size, pos.size)
    return y, bound, float(residual)


def _outside_cycles(A, pos):
    """``y_j`` of the firms on no cycle through other firms, exactly; the rest to do.

    ``(LA)_jj`` sums the closed walks from ``j``: a firm alone in its strongly connected
    component has only its own loop, ``y_j = a_jj / (1 - a_jj)`` (0 without one). Supply
    chains that run one way (suppliers, producers, traders) are mostly such firms.
    """
    _, lab = connected_components(A, directed=True, connection="strong")
    alone = (np.bincount(lab) == 1)[lab[pos]]
    a = A.diagonal()[pos]
    y = np.where(alone, a / np.where(alone, 1.0 - a, 1.0), 0.0)
    return y, 4 * EPS * np.abs(y), np.flatnonzero(~alone)


def _block_series(As, Acols, chunk, pair, lv, bounds, tol):
    """One block of :func:`deflated_excess`: the series for the columns ``chunk``."""
    A, A32 = As
    v, w, wv = pair
    u, u_abs = lv
    L1, Lg = bounds
    c = (w @ Acols) / wv
    rounding = EPS * L1[chunk] * (np.abs(Acols).max(axis=0) + np.abs(c) * v.max()) * 4
    Q = Acols
    Q -= v[:, None] * c
    cols = np.arange(chunk.size)
    y = c * u[chunk] + Q[chunk, cols]
    qsum = np.abs(Q).max(axis=0)
    tail = qsum * L1[chunk]
    live = np.flatnonzero(tail > tol * (1.0 + np.abs(y)))
    q = np.take(Q, live, axis=1)  # C order (Q[:, live] is F order: a copy every product)
    qsum32 = np.zeros(chunk.size)
    single = False
    for _ in range(10_000):
        if not live.size:
            break
        if not single and float(np.max(tail[live] / L1[chunk[live]])) < SINGLE_BELOW:
            single, q = True, q.astype(np.float32)
            qsum32[live] += tail[live] / L1[chunk[live]]  # the cast's own rounding
        q = (A32 if single else A) @ q
        y[live] += q[chunk[live], np.arange(live.size)]
        qmax = np.maximum(q.max(axis=0), -q.min(axis=0)).astype(float)  # max |q|, no copy
        (qsum32 if single else qsum)[live] += qmax
        tail[live] = qmax * L1[chunk[live]]
        keep = tail[live] > tol * (1.0 + np.abs(y[live]))
        if not keep.all():
            live, q = live[keep], np.compress(keep, q, axis=1)
    bound = tail + np.abs(c) * u_abs[chunk] + rounding + Lg[chunk] * (EPS * qsum + EPS32 * qsum32)
    return y, bound


def firm_extraction_arrays(
    Z, x, *, solver: str = "auto", progress=None, labels=None, block: int = BLOCK, threads=None
) -> dict:
    """Backward, forward and total extraction loss of every firm of ``A = Z x̂⁻¹`` (arrays).

    ``f = x - Z 1`` (sales outside the listed firms) and ``v = x - 1ᵀZ`` play the parts of
    final demand and value added. Returns the dict of
    :func:`~linkage.analysis.extraction.extraction_arrays` plus ``method``. ``block`` and
    ``threads`` are those of :func:`deflated_excess` (used for a sparse ``A >= 0`` with the
    iterative method; ignored otherwise).

    Examples
    --------
    >>> Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    >>> r = firm_extraction_arrays(Z, np.array([1000.0, 2000.0]))
    >>> r["backward"].round(2).tolist(), r["total"].round(2).tolist()
    ([413.16, 805.88], [860.53, 888.24])
    """
    x = np.asarray(x, dtype=float)
    Zs = sp.csc_array(Z) if sp.issparse(Z) else np.asarray(Z, dtype=float)
    A = input_coefficients(Zs, x)
    f = x - np.asarray(Zs.sum(axis=1)).ravel()
    va = x - np.asarray(Zs.sum(axis=0)).ravel()
    method = _firm_method(A, solver)
    s = LeontiefSolver(A, method=method, labels=labels)
    excess = None
    if sp.issparse(A) and s.method == "iterative" and (A.data >= 0).all():
        excess = partial(deflated_excess, block=block, threads=threads)
    r = extraction_arrays(s, f, va, x, progress=progress, excess=excess)
    r["method"] = s.method + (" + deflated series" if excess else "")
    return r


def firm_extraction(
    net, *, solver: str = "auto", progress=None, block: int = BLOCK, threads=None
) -> pd.DataFrame:
    """Hypothetical extraction of every listed firm: output lost, absolute and as a share.

    Parameters
    ----------
    net : SupplyNetwork
    solver : {"auto", "dense", "splu", "iterative"}
        Method of the firm system (as :func:`linkage.network.metrics.firm_linkages`).
    progress : callable, optional
        ``progress(done, total)``, called as blocks of firms are done (no printing here;
        the command line shows a bar).
    block, threads : int, optional
        Firms per block and blocks at once of the deflated series (:func:`deflated_excess`;
        default 32 and one thread per core). ``threads=1`` leaves the other core free and
        gives the same numbers.

    Returns
    -------
    DataFrame
        Indexed by ``firm_id``: ``backward``, ``forward``, ``total`` and their
        ``*_share`` of total output (as :func:`linkage.extraction`); NaN for firms in a
        closed loop (see :func:`~linkage.network.metrics.closed_firms`), which are left
        out of the system. ``.attrs``: ``method``, ``residual``, ``accuracy`` (worst
        relative error bound of one entry) and ``accuracy_by_column``.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "A", "B"], "buyer": ["B", "A", "OUT", "OUT"],
    ...                    "value": [500, 200, 350, 1700]})
    >>> firm_extraction(SupplyNetwork.from_frames(firms, tx))[["backward", "total"]].round(2)
             backward  total
    firm_id
    A          252.63  700.0
    B          617.65  700.0
    """
    n = net.n_firms
    x = firm_output(net)
    Z = _firm_Z(net)
    closed = closed_firms(Z, x)
    keep = np.flatnonzero(~closed)
    cols = ("backward", "forward", "total")
    full = {k: np.full(n, np.nan) for k in cols}
    attrs = {"method": "", "residual": np.nan, "accuracy": np.nan, "accuracy_by_column": {}}
    if keep.size:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = firm_extraction_arrays(
                Z[keep][:, keep], x[keep], solver=solver, progress=progress,
                labels=net.firms.index[keep], block=block, threads=threads,
            )  # fmt: skip
        for k in cols:
            full[k][keep] = r[k]
        tot_leo, tot_gho = float(r["x_leontief"].sum()), float(r["x_ghosh"].sum())
        attrs.update(
            method=r["method"],
            residual=r["residual"],
            accuracy=worst_accuracy(r["accuracy"]),
            accuracy_by_column={k: worst_accuracy({k: a}) for k, a in r["accuracy"].items()},
        )
    else:
        tot_leo = tot_gho = 0.0
    frame = pd.DataFrame(full, index=net.firms.index)
    frame["backward_share"] = safe_divide(frame["backward"].to_numpy(), tot_leo)
    frame["forward_share"] = safe_divide(frame["forward"].to_numpy(), tot_gho)
    frame["total_share"] = safe_divide(frame["total"].to_numpy(), tot_leo)
    frame.attrs.update(attrs, closed_firms=int(closed.sum()))
    return frame
