"""Tests of linkage.core.kernel: the row products against scipy (both backends, to the
last bit), the solves on the compiled kernel against those without it, the scipy
fallback, and linkages of a generated network."""

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
from linkage.core.solver import LeontiefSolver

needs_numba = pytest.mark.skipif(kernel.numba is None, reason="numba does not import here")


@pytest.fixture(autouse=True, scope="module")
def compiled_kernel():
    """The compiled kernel is opt-in (``LINKAGE_NUMBA=1``); these tests ask for it, on
    GMRES with ``A`` itself (the default Gauss-Seidel sweeps: tests/core/test_krylov_gs.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LINKAGE_NUMBA", "1")
        mp.setenv("LINKAGE_GAUSS_SEIDEL", "0")
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


@settings(max_examples=60, deadline=None)
@given(parts=coo_parts(), fmt=st.sampled_from(["csr", "csc"]), numba_on=st.booleans())
def test_row_products_equal_scipy_to_the_last_bit(parts, fmt, numba_on):
    n, rows, cols, vals, (kp, kt), seed = parts
    A = sp.coo_array((vals, (rows, cols)), shape=(n, n)).asformat(fmt)  # duplicates summed
    rng = np.random.default_rng(seed)
    flags = rng.permutation(np.r_[np.zeros(kp, bool), np.ones(kt, bool)])
    V = rng.standard_normal((flags.size, n))
    want = np.array([(A.T if t else A) @ v for t, v in zip(flags, V, strict=True)]).reshape(V.shape)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LINKAGE_NUMBA", "1" if numba_on else "0")
        P = FusedProducts(A)
    assert P.backend == ("numba" if numba_on and kernel.numba is not None else "scipy")
    np.testing.assert_array_equal(P(V, flags), want)  # same sums in the same order
    # in place into strided rows of a basis (a view), the input a view of it too
    Y = np.full((flags.size, 3, n), np.nan)
    Y[:, 0] = V
    got = P(Y[:, 0], flags, out=Y[:, 2])
    assert got.base is Y or flags.size == 0  # a view of the basis, not a copy
    np.testing.assert_array_equal(Y[:, 2], want)
    assert np.isnan(Y[:, 1]).all()  # nothing else written
    assert P.passes == P.matvecs == 2 * flags.size and P.calls == 2


def test_products_need_a_square_compressed_array():
    with pytest.raises(TypeError):
        FusedProducts(np.eye(2))
    with pytest.raises(TypeError):
        FusedProducts(sp.csr_array(np.ones((2, 3))))


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
    assert s1._iteration.backend == "numba"
    assert s1.last_info.residual <= 1e-12
    u0, y0, s0 = _solve_both(A, monkeypatch, no_numba=True)
    assert s0._iteration.backend == "scipy"
    # the same products to the last bit: the same iterates, the same numbers
    np.testing.assert_array_equal(u1, u0)
    np.testing.assert_array_equal(y1, y0)
    # the residual is the true one
    R = u1 - A @ u1 - np.column_stack([np.ones(A.shape[0]), np.arange(A.shape[0]) % 7 + 1.0])
    assert np.linalg.norm(R, axis=0).max() / np.sqrt(A.shape[0]) <= 1e-11
    # one pass over A per product; the pair in lock step: fewer products than solved apart
    assert s1.passes == s0.passes == s1.matvecs
    s2 = LeontiefSolver(A, method="iterative")
    s2.solve(np.column_stack([np.ones(s2.n), np.arange(s2.n) % 7 + 1.0]))
    s2.solve(np.ones(s2.n), transpose=True)
    assert s1.products < s2.products


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
        V, flags = np.ones((3, 50)), np.array([False, True, False])
        got = fallback.FusedProducts(A)(V, flags)
        np.testing.assert_array_equal(got, np.vstack([A @ V[0], A.T @ V[1], A @ V[2]]))
    finally:
        monkeypatch.undo()  # numba back in sys.modules (the module object, not re-run)
        importlib.reload(kernel)
        assert (kernel.numba is None) == (original is None)


def test_applier_mixes_plain_and_transposed_rows():
    A = sp.csc_array(np.array([[0.0, 0.5, 0.1], [0.25, 0.0, 0.0], [0.0, 0.3, 0.2]]))
    V = np.arange(9.0).reshape(3, 3)
    flags = np.array([True, False, True])
    got = applier(FusedProducts(A), flags)(V)
    want = np.vstack([A.T @ V[0], A @ V[1], A.T @ V[2]])
    np.testing.assert_allclose(got, want, rtol=1e-15)
    sub = applier(FusedProducts(A), flags)(V[1:], np.array([1, 2]))
    np.testing.assert_allclose(sub, want[1:], rtol=1e-15)
    out = np.zeros((2, 3))
    assert applier(FusedProducts(A), flags)(V[1:], np.array([1, 2]), out) is out
    np.testing.assert_allclose(out, want[1:], rtol=1e-15)


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
