"""Spectra behind the sweeps' passes: the largest eigenvalues of ``A`` and of the
Gauss-Seidel operator ``M = (I - D - L)⁻¹ U`` of a benchmark network, and how localized
``M``'s eigenvectors are (``benchmarks/findings/kernel.md``, eighth round).

The rate of the Anderson-mixed sweeps is set by ``M``'s spectrum once the mixing has removed
its Perron eigenvalue. On the generated networks the next eigenvalues form a dense band
of modes that sit on a handful of small firms trading mostly with each other. A new
smoother should be judged by what it does to that band:

    python -m benchmarks.spectra --case network_1m_rho6      # the suite's input (cached)
    python -m benchmarks.spectra --firms 20000 --rho 0.8     # a generated network

ARPACK (``scipy.sparse.linalg.eigs``) on a ``LinearOperator`` of one compiled sweep: about
20 s for the three spectra at 1e6 firms.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from linkage.core.krylov_gs import GaussSeidel
from linkage.core.table import input_coefficients

__all__ = ["largest", "localization", "spectra"]


def _operator(apply, n: int):
    return sla.LinearOperator((n, n), matvec=apply, dtype=np.float64)


def _sweep_operator(gs: GaussSeidel, transposed: bool):
    """``v -> M v`` for the rows of ``A`` (``Aᵀ`` when ``transposed``): one sweep."""
    sweep = gs.applier(np.array([transposed]))
    return lambda v: sweep(np.asarray(v, dtype=np.float64).reshape(1, -1))[0]


def largest(apply, n: int, k: int, vectors: bool = False):
    """The ``k`` eigenvalues of largest modulus of the operator ``apply`` (n x n), in
    decreasing modulus; with ``vectors`` also their eigenvectors (columns).

    Examples
    --------
    >>> A = np.diag([0.5, -0.4, 0.1, 0.05, 0.01])
    >>> np.round(np.abs(largest(lambda v: A @ v, 5, 2)), 6).tolist()
    [0.5, 0.4]
    """
    if n <= k + 2:  # ARPACK needs k < n - 1
        raise ValueError(f"need more than k + 2 = {k + 2} rows, have {n}")
    ncv = min(n - 1, max(2 * k + 1, 32))
    out = sla.eigs(
        _operator(apply, n), k=k, which="LM", tol=1e-8, maxiter=5000, ncv=ncv,
        return_eigenvectors=vectors,
    )  # fmt: skip
    vals, vecs = out if vectors else (out, None)
    order = np.argsort(-np.abs(vals), kind="stable")
    return (vals[order], vecs[:, order]) if vectors else vals[order]


def localization(vector) -> dict:
    """How spread out an eigenvector is: its participation (``1 / Σ p_i²`` with
    ``p = |v| / Σ |v|``, the number of entries it effectively sits on) and the share of
    ``Σ |v|`` on its 2 and 10 largest entries.

    Examples
    --------
    >>> localization(np.array([1.0, 1.0, 0.0, 0.0]))
    {'participation': 2.0, 'top2': 1.0, 'top10': 1.0}
    """
    p = np.abs(np.asarray(vector))
    p = p / p.sum()
    top = np.sort(p)[::-1]
    return {
        "participation": round(float(1.0 / (p @ p)), 1),
        "top2": round(float(top[:2].sum()), 3),
        "top10": round(float(top[:10].sum()), 3),
    }


def spectra(A, k: int = 10) -> dict:
    """The ``k`` largest moduli of ``A`` and of ``M`` on the rows of ``A`` and of ``Aᵀ``,
    and the localization of ``M``'s eigenvectors on the rows of ``A``.

    Parameters
    ----------
    A : scipy.sparse array, shape (n, n)
        Nonnegative input coefficients.
    k : int
        Eigenvalues of each operator.

    Returns
    -------
    dict
        ``A``, ``M_rows``, ``M_columns`` (lists of moduli, decreasing) and
        ``M_rows_localization`` (one :func:`localization` per eigenvector of ``M_rows``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> D = rng.random((300, 300)) * (rng.random((300, 300)) < 0.02)
    >>> A = sp.csc_array(D * (0.5 / abs(np.linalg.eigvals(D)).max()))
    >>> s = spectra(A, k=3)
    >>> round(s["A"][0], 6), s["M_rows"][0] <= s["A"][0]
    (0.5, True)
    """
    A = sp.csc_array(A)
    n = A.shape[0]
    gs = GaussSeidel(A)
    out = {"A": np.abs(largest(lambda v: A @ v, n, k)).round(4).tolist()}
    vals, vecs = largest(_sweep_operator(gs, False), n, k, vectors=True)
    out["M_rows"] = np.abs(vals).round(4).tolist()
    out["M_rows_localization"] = [localization(vecs[:, j]) for j in range(k)]
    out["M_columns"] = np.abs(largest(_sweep_operator(gs, True), n, k)).round(4).tolist()
    return out


def _network_input(args):
    """``(Z, x, label)`` of the suite's case or of a generated network."""
    from benchmarks import cases, generators, run, worker

    if args.case:
        found = {c.name: c for c in cases.suite(quick=False) + cases.suite(quick=True)}
        case = found.get(args.case)
        if case is None or case.kind != "network":
            raise SystemExit(
                f"{args.case!r} is not a network case (python -m benchmarks.run --list)"
            )
        path = run._input_path(case, args.cache)
        if not path.exists():
            worker.generate({"kind": case.kind, "params": case.params, "path": str(path)})
        data, meta = worker.load(path)
        return data["Z"], data["x"], f"{args.case} (spectral radius {meta['spectral_radius']})"
    net = generators.firm_network(args.firms, spectral_radius=args.rho, seed=args.seed)
    return net.Z, net.x, f"{args.firms} firms, spectral radius {net.meta['spectral_radius']}"


def report(result: dict) -> str:
    """:func:`spectra`'s result as text: one line per operator, then the eigenvectors.

    Examples
    --------
    >>> loc = [{"participation": 900.0, "top2": 0.02, "top10": 0.05}]
    >>> print(report({"A": [0.6], "M_rows": [0.39], "M_rows_localization": loc,
    ...               "M_columns": [0.39]}))
    A:                0.6
    M, rows of A:     0.39
    M, rows of Aᵀ:    0.39
    M's eigenvectors (rows of A), participation / share on the top 2 firms:
      0.39: 900 / 0.02
    """
    lines = [
        f"{label:<18}" + ", ".join(f"{v:g}" for v in result[key])
        for label, key in (
            ("A:", "A"),
            ("M, rows of A:", "M_rows"),
            ("M, rows of Aᵀ:", "M_columns"),
        )
    ]
    lines.append("M's eigenvectors (rows of A), participation / share on the top 2 firms:")
    for value, loc in zip(result["M_rows"], result["M_rows_localization"], strict=True):
        lines.append(f"  {value:g}: {loc['participation']:.0f} / {loc['top2']:g}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spectra", description=__doc__)
    parser.add_argument("--case", help="a network case of benchmarks.run (its cached input)")
    parser.add_argument("--firms", type=int, default=20000)
    parser.add_argument("--rho", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-k", type=int, default=10, help="eigenvalues of each operator")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "linkage-bench-cache"))
    args = parser.parse_args(argv)
    Z, x, label = _network_input(args)
    result = {"input": label, **spectra(input_coefficients(Z, x), k=args.k)}
    print(json.dumps(result) if args.json else f"{label}\n{report(result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
