"""Firm-level indices accurate per firm (issue 17 item 5): output multipliers and total
linkages of every firm, small firms included, to 1e-9 of themselves; bound in attrs."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from builders import make_network
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.network.metrics import firm_linkages


def firm_arrays(n, seed, tiny=1.0):
    """A random firm system; firm 0 is ``tiny`` times the size of the others."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < 4 / n)
    np.fill_diagonal(Z, 0.0)
    s = np.ones(n)
    s[0] = tiny
    Z = Z * s[:, None] * s[None, :]
    x = (Z.sum(1) + rng.uniform(5, 20, n) * s) * 1.2
    return Z, x


def reference(Z, x):
    A = Z / x
    L = np.linalg.inv(np.eye(len(x)) - A)
    m = L.sum(0)
    g = (L @ x) / x
    return {
        "output_multiplier": m,
        "bl_total": m / m.mean(),
        "fl_total": g / g.mean(),
    }


@pytest.mark.parametrize("solver", ["dense", "iterative"])
@pytest.mark.parametrize("tiny", [1.0, 1e-9])
def test_every_firm(solver, tiny):
    Z, x = firm_arrays(300, 0, tiny)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = firm_linkages(sp.csr_array(Z), x, solver)
    ref = reference(Z, x)
    for k, r in ref.items():
        err = np.abs(out[k] - r) / np.abs(r)
        assert err.max() < 1e-9, (k, err.max())
        assert (err <= out["accuracy_by_column"][k] + 1e-15).all()
    assert out["accuracy"] < 1e-9


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(2, 60),
    seed=st.integers(0, 10_000),
    tiny=st.sampled_from([1.0, 1e-6, 1e-12]),
    solver=st.sampled_from(["dense", "iterative"]),
)
def test_random_firm_systems(n, seed, tiny, solver):
    Z, x = firm_arrays(n, seed, tiny)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = firm_linkages(sp.csr_array(Z), x, solver)
    for k, r in reference(Z, x).items():
        assert (np.abs(out[k] - r) / np.abs(r) < 1e-9).all(), k
    assert out["accuracy"] < 1e-9


def test_firm_metrics_states_accuracy():
    m = make_network().firm_metrics()
    assert 0 <= m.attrs["accuracy"] < 1e-9
