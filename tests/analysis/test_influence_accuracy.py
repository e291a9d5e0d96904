"""Important coefficients accurate per entry (issue 17 item 5): scores and tolerable
limits of small sectors to 1e-9 of themselves, whatever the solver; bounds in attrs."""

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkage
from linkage import IOTable, important_coefficients

JATIM = Path(__file__).resolve().parents[3] / "shared/data/real/indonesia_34prov_icraf/JaTim"
COLS = ("elasticity", "output_effect", "field_total", "tolerable_change_pct")


def lopsided_table(n, seed, tiny):
    """Sector 0 is ``tiny`` times the others (its flows and final demand)."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < 0.6)
    f = rng.uniform(5, 50, n)
    s = np.ones(n)
    s[0] = tiny
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(
            Z * s[:, None] * s[None, :], final_demand=f * s, sectors=[f"s{i}" for i in range(n)]
        )


def reference(t, ic):
    """The same columns from numpy's dense inverse (componentwise accurate for an M-matrix)."""
    L = np.linalg.inv(np.eye(t.n) - t.A)
    m, r, x = L.sum(0), L.sum(1), L @ t.f
    pos = {s: i for i, s in enumerate(t.sectors)}
    i = np.array([pos[s] for s in ic["supplier"]], dtype=int)
    j = np.array([pos[s] for s in ic["buyer"]], dtype=int)
    a = t.A[i, j]
    p = 0.01
    tol = 100 * (p * x[i] / (L[i, i] * x[j] + p * L[j, i] * x[i])) / a
    return {
        "elasticity": a * m[i] * x[j] / x.sum(),
        "output_effect": m[i] * x[j],
        "field_total": m[i] * r[j],
        "tolerable_change_pct": tol,
    }


@pytest.mark.parametrize("solver", ["dense", "splu", "iterative"])
def test_small_sector_scores(solver):
    t = lopsided_table(20, 0, 1e-8)
    ic = important_coefficients(t, None, solver=solver)
    ref = reference(t, ic)
    for k in COLS:
        err = np.abs(ic[k].to_numpy() - ref[k]) / np.abs(ref[k])
        assert err.max() < 1e-9, (k, err.max())
        assert ic.attrs["accuracy_by_column"][k] < 1e-9
    assert ic.attrs["accuracy"] < 1e-9


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(2, 12),
    seed=st.integers(0, 10_000),
    tiny=st.sampled_from([1.0, 1e-5, 1e-10]),
    solver=st.sampled_from(["dense", "iterative"]),
    measure=st.sampled_from(["elasticity", "output", "field"]),
)
def test_random_tables(n, seed, tiny, solver, measure):
    t = lopsided_table(n, seed, tiny)
    ic = important_coefficients(t, 10, solver=solver, measure=measure, nonzero=True)
    ref = reference(t, ic)
    for k in COLS:
        err = np.abs(ic[k].to_numpy() - ref[k]) / np.abs(ref[k])
        assert (err < 1e-9).all(), (k, err.max())
    assert ic.attrs["accuracy"] < 1e-9


@pytest.mark.skipif(not JATIM.is_dir(), reason="ICRAF JaTim table not available")
def test_jatim_iterative_as_accurate_as_dense():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = linkage.read_table(JATIM)
    ic = important_coefficients(t, 200, solver="iterative")
    ref = reference(t, ic)
    for k in COLS:
        err = np.abs(ic[k].to_numpy() - ref[k]) / np.abs(ref[k])
        assert err.max() < 1e-9, k
    assert ic.attrs["accuracy"] < 1e-9
