"""Extraction accurate per sector (issue 17 item 5): every entry against brute-force
re-solves to 1e-9 of itself, and the bound in ``attrs["accuracy"]`` honest."""

import warnings
from pathlib import Path

import numpy as np
import pytest
from builders import random_table
from hypothesis import given, settings
from hypothesis import strategies as st

import linkage
from linkage.analysis.extraction import extraction_arrays, extraction_reference
from linkage.core.solver import LeontiefSolver

JATIM = Path(__file__).resolve().parents[3] / "shared/data/real/indonesia_34prov_icraf/JaTim"
KEYS = ("backward", "forward", "total")


def rel_errors(got, ref):
    return {k: np.abs(got[k] - ref[k]) / np.abs(ref[k]) for k in KEYS}


def lopsided(n, seed, tiny_col=1e-9, tiny_row=1e-9, tiny_sector=1e-8):
    """A table whose sector 0 hardly buys, sector 1 hardly sells and sector 2 is tiny:
    the losses a total-output tolerance (or ``m_j - 1``) gets wrong."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < 0.5)
    f = rng.uniform(5, 50, n)
    Z[:, 0] *= tiny_col
    Z[1, :] *= tiny_row
    s = np.ones(n)
    s[2] = tiny_sector
    Z, f = Z * s[:, None] * s[None, :], f * s
    x = Z.sum(1) + f
    return Z / x, f, x - Z.sum(0), x


@pytest.mark.parametrize("method", ["dense", "splu", "iterative"])
def test_lopsided_sectors_accurate_to_themselves(method):
    A, f, v, x = lopsided(25, 0)
    ref = extraction_reference(A, f, v, x)
    r = extraction_arrays(LeontiefSolver(A, method), f, v, x)
    for k, err in rel_errors(r, ref).items():
        assert err.max() < 1e-9, (k, err.max())
        # the stated bound covers the error (reference good to ~1e-15 here)
        assert (err <= r["accuracy"][k] + 1e-14).all(), k
        assert r["accuracy"][k].max() < 1e-9


def test_the_old_difference_of_totals_misses_small_sectors():
    # what the closed forms avoid: m_j - 1 for a sector buying 1e-9 of its output
    A, f, v, x = lopsided(25, 0)
    s = LeontiefSolver(A, "iterative")
    m = s.solve(np.ones(A.shape[0]), transpose=True)
    naive = x[0] * (m[0] - 1.0) / s.diagonal()[0]
    ref = extraction_reference(A, f, v, x)["backward"][0]
    good = extraction_arrays(s, f, v, x)["backward"][0]
    assert abs(good - ref) / ref < 1e-12 < abs(naive - ref) / ref


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(3, 12),
    seed=st.integers(0, 10_000),
    tiny=st.sampled_from([1.0, 1e-4, 1e-8, 1e-11]),
    method=st.sampled_from(["dense", "splu", "iterative"]),
)
def test_random_tables_per_entry(n, seed, tiny, method):
    A, f, v, x = lopsided(n, seed, tiny, tiny, tiny)
    ref = extraction_reference(A, f, v, x)
    r = extraction_arrays(LeontiefSolver(A, method), f, v, x)
    for k, err in rel_errors(r, ref).items():
        ok = np.abs(ref[k]) > 0
        assert (err[ok] < 1e-9).all(), (k, err[ok].max())
        assert (r["accuracy"][k][ok] < 1e-9).all()


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 15), seed=st.integers(0, 10_000), sparse=st.booleans())
def test_builders_random_table(n, seed, sparse):
    t = random_table(n, seed, sparse=sparse)
    e = linkage.extraction(t)
    ref = extraction_reference(t.A, t.f, t.v, t.x)
    for k in KEYS:
        got = e[k].to_numpy()
        ok = np.abs(ref[k]) > 0
        assert (np.abs(got - ref[k])[ok] / np.abs(ref[k][ok]) < 1e-9).all()
    assert e.attrs["accuracy"] < 1e-9
    assert set(e.attrs["accuracy_by_column"]) == set(KEYS)


@pytest.mark.skipif(not JATIM.is_dir(), reason="ICRAF JaTim table not available")
@pytest.mark.parametrize("solver", ["auto", "splu", "iterative"])
def test_jatim_every_sector(solver):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = linkage.read_table(JATIM)
    ref = extraction_reference(t.A, t.f, t.v, t.x)
    e = linkage.extraction(t, solver=solver)
    for k in KEYS:
        err = np.abs(e[k].to_numpy() - ref[k]) / np.abs(ref[k])
        assert err.max() < 1e-9, (k, err.max(), t.sectors[np.argmax(err)])
    assert e.attrs["accuracy"] < 1e-9
