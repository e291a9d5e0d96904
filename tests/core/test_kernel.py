"""Tests of linkage.core.kernel: the fused products against scipy, the solves on the
kernel against those without it, the scipy fallback, and linkages of a generated network."""

import importlib
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generators import firm_network
from linkage import IOTable, linkages
from linkage.core import kernel
from linkage.core.kernel import FusedProducts, applier, backend
from linkage.core.krylov import Iteration
from linkage.core.solver import LeontiefSolver

needs_numba = pytest.mark.skipif(kernel.numba is None, reason="numba does not import here")


@pytest.fixture(autouse=True, scope="module")
def compiled_kernel():
    """The compiled kernel is opt-in (``LINKAGE_NUMBA=1``); these tests ask for it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LINKAGE_NUMBA", "1")
        mp.delenv("LINKAGE_NO_NUMBA", raising=False)
        yield


@st.composite
def coo_parts(draw):
    """A random square COO triple: empty rows and columns, duplicate entries, zeros."""
    n = draw(st.integers(1, 40))
    m = draw(st.integers(0, 3 * n))
    idx = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    rows, cols = draw(idx), draw(idx)
    vals = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=m, max_size=m))
    k = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    seed = draw(st.integers(0, 2**16))
    return n, np.array(rows, dtype=int), np.array(cols, dtype=int), np.array(vals), k, seed


def _products(A, U, W):
    return A @ U, A.T @ W


@settings(max_examples=60, deadline=None)
@given(parts=coo_parts(), fmt=st.sampled_from(["csr", "csc"]), scatter=st.booleans())
def test_fused_products_equal_scipy(parts, fmt, scatter):
    n, rows, cols, vals, (kp, kt), seed = parts
    A = sp.coo_array((vals, (rows, cols)), shape=(n, n)).asformat(fmt)  # duplicates summed
    rng = np.random.default_rng(seed)
    U, W = rng.standard_normal((n, kp)), rng.standard_normal((n, kt))
    want_u, want_w = _products(A, U, W)
    scale = max(1.0, float(np.abs(A.data).max(initial=0.0)))
    for single, tol in ((False, 1e-13), (True, 1e-6)):
        P = FusedProducts(A, single=single, scatter=scatter)
        AU, AtW = P(U, W)
        assert AU.shape == (n, kp) and AtW.shape == (n, kt)
        np.testing.assert_allclose(AU, want_u, rtol=0, atol=tol * scale * 3 * max(n, 1))
        np.testing.assert_allclose(AtW, want_w, rtol=0, atol=tol * scale * 3 * max(n, 1))
        # exact products read the float64 values whatever the precision of the kernel
        EU, EW = P(U, W, exact=True)
        np.testing.assert_allclose(EU, want_u, rtol=1e-13, atol=1e-13 * scale)
        np.testing.assert_allclose(EW, want_w, rtol=1e-13, atol=1e-13 * scale)


@needs_numba
def test_float32_products_are_inexact_and_float64_accumulated():
    # values that float32 cannot hold: the inexact product differs by about 6e-8, the
    # exact one not at all (so the refinement has something to correct)
    A = sp.csr_array(np.full((3, 3), 0.1 + 1e-9))
    P = FusedProducts(A)
    U = np.ones((3, 1))
    inexact, _ = P(U, np.zeros((3, 0)))
    exact, _ = P(U, np.zeros((3, 0)), exact=True)
    assert 1e-10 < np.abs(inexact - A @ U).max() < 1e-7
    assert np.abs(exact - A @ U).max() == 0.0
    # float64 accumulation: 2e6 equal float32 terms sum without float32 round-off drift
    n = 2_000_000
    B = sp.csr_array((np.full(n, 0.1), (np.zeros(n, dtype=int), np.arange(n))), shape=(n, n))
    total, _ = FusedProducts(B)(np.ones((n, 1)), np.zeros((n, 0)))
    assert abs(total[0, 0] - n * float(np.float32(0.1))) < 1e-6


def _network(n, rho, seed=3):
    net = firm_network(n, spectral_radius=rho, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dormant firms reported: expected
        table = IOTable.from_arrays(net.Z, final_demand=net.f, total_output=net.x)
    return table


def _solve_both(A, monkeypatch, no_numba):
    if no_numba:
        monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    else:
        monkeypatch.delenv("LINKAGE_NO_NUMBA", raising=False)
    s = LeontiefSolver(A, method="iterative")
    B = np.column_stack([np.ones(s.n), np.arange(s.n) % 7 + 1.0])
    u, y = s.solve_pair(B, np.ones(s.n))
    return u, y, s


@needs_numba
@pytest.mark.parametrize("rho", [0.6, 0.8])
def test_solves_with_the_kernel_equal_the_solves_without(rho, monkeypatch):
    A = sp.csc_array(_network(3000, rho).A)
    u1, y1, s1 = _solve_both(A, monkeypatch, no_numba=False)
    assert s1._iteration._fused.backend == "numba" and s1._iteration._fused.single
    assert s1.last_info.residual <= 1e-12  # the float32 products refined to the target
    u0, y0, s0 = _solve_both(A, monkeypatch, no_numba=True)
    assert s0._iteration._fused.backend == "scipy"
    for got, want in ((u1, u0), (y1, y0)):
        assert np.abs(got - want).max() / np.abs(want).max() < 1e-10
    # the residual is the true one, from the float64 A
    R = u1 - A @ u1 - np.column_stack([np.ones(A.shape[0]), np.arange(A.shape[0]) % 7 + 1.0])
    assert np.linalg.norm(R, axis=0).max() / np.sqrt(A.shape[0]) <= 1e-11
    # the pair shares its sweeps: fewer passes than products over all right-hand sides
    assert s1.passes < s0.passes


def test_the_compiled_kernel_is_opt_in(monkeypatch):
    monkeypatch.delenv("LINKAGE_NUMBA")
    assert backend() == "scipy"
    monkeypatch.setenv("LINKAGE_NUMBA", "1")
    assert backend() == ("scipy" if kernel.numba is None else "numba")
    monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    assert backend() == "scipy"


def test_fallback_when_numba_cannot_import(monkeypatch):
    original = sys.modules.get("numba")
    monkeypatch.setitem(sys.modules, "numba", None)  # "import numba" raises ImportError
    try:
        fallback = importlib.reload(kernel)
        assert fallback.numba is None and fallback.backend() == "scipy"
        assert "numba" in fallback.NUMBA_ERROR
        A = sp.random_array((50, 50), density=0.1, format="csr", rng=np.random.default_rng(1))
        U, W = np.ones((50, 2)), np.ones((50, 1))
        AU, AtW = fallback.FusedProducts(A)(U, W)
        np.testing.assert_array_equal(AU, A @ U)
        np.testing.assert_array_equal(AtW, A.T @ W)
    finally:
        monkeypatch.undo()  # numba back in sys.modules (the module object, not re-run)
        importlib.reload(kernel)
        assert (kernel.numba is None) == (original is None)


@needs_numba
def test_fallback_gives_the_same_numbers(monkeypatch):
    # float64 kernel vs the scipy fallback: the same algorithm on the same products
    A = sp.csr_array(_network(2000, 0.8).A)
    B = np.ones((3, A.shape[0]))
    flags = np.array([False, False, True])
    out = {}
    for name in ("numba", "scipy"):
        monkeypatch.setenv("LINKAGE_NO_NUMBA", "1" if name == "scipy" else "0")
        assert backend() == name
        it = Iteration(A)
        it._fused = FusedProducts(A, single=False)
        out[name] = it.solve_rows(B, flags, tol=1e-13, restart=12, max_products=1000)
    (X1, _, ok1, r1), (X0, _, ok0, r0) = out["numba"], out["scipy"]
    assert ok1 and ok0 and max(r1, r0) <= 1e-13
    assert np.abs(X1 - X0).max() / np.abs(X0).max() < 1e-12


def test_applier_mixes_plain_and_transposed_rows():
    A = sp.csc_array(np.array([[0.0, 0.5, 0.1], [0.25, 0.0, 0.0], [0.0, 0.3, 0.2]]))
    V = np.arange(9.0).reshape(3, 3)
    flags = np.array([True, False, True])
    got = applier(FusedProducts(A), flags, exact=True)(V)
    want = np.vstack([A.T @ V[0], A @ V[1], A.T @ V[2]])
    np.testing.assert_allclose(got, want, rtol=1e-15)
    sub = applier(FusedProducts(A), flags, exact=True)(V[1:], np.array([1, 2]))
    np.testing.assert_allclose(sub, want[1:], rtol=1e-15)


@needs_numba
def test_linkages_of_a_1e5_firm_network_equal_the_float64_path(monkeypatch):
    table = _network(100_000, 0.8, seed=1)
    out = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("LINKAGE_NO_NUMBA", flag)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[flag] = linkages(table, solver="iterative", dispersion=False, normalized=False)
    new, old = out["0"], out["1"]
    assert new.attrs["residual"] <= 1e-12 and old.attrs["residual"] <= 1e-12
    compared = 0
    for col in old.select_dtypes("number").columns:
        a, b = new[col].to_numpy(float), old[col].to_numpy(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), col  # the CVs: not computed
        ok = ~np.isnan(b)
        if ok.any():
            assert np.abs(a[ok] - b[ok]).max() <= 1e-9 * np.abs(b[ok]).max(), col
            compared += 1
    assert compared >= 4
