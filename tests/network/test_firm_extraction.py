"""Extraction of every firm (issue 14 item 5; accurate per firm, issue 17 item 5): the
closed forms and the deflated series against brute-force re-solves of the firm system."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from linkage.analysis.extraction import extraction_reference
from linkage.core.solver import LeontiefSolver
from linkage.network import SupplyNetwork
from linkage.network.extraction import (
    deflated_excess,
    firm_extraction,
    firm_extraction_arrays,
    perron_pair,
)
from linkage.network.metrics import firm_output

KEYS = ("backward", "forward", "total")


def rel_err(got, ref):
    """Relative error per entry; an exact zero must be matched exactly."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ref == 0, np.where(got == 0, 0.0, np.inf), np.abs(got - ref) / np.abs(ref))


def random_network(n, seed, per_firm=4, outside=0.4):
    """Firms F0..F{n-1} trading among themselves and selling to OUT (final demand)."""
    rng = np.random.default_rng(seed)
    m = n * per_firm
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    tx = pd.DataFrame(
        {
            "supplier": [f"F{i}" for i in src[keep]],
            "buyer": [f"F{j}" for j in dst[keep]],
            "value": rng.uniform(1, 10, int(keep.sum())),
        }
    )
    out = pd.DataFrame(
        {"supplier": [f"F{i}" for i in range(n)], "buyer": "OUT",
         "value": rng.uniform(1, 10, n) * outside * per_firm * 5}
    )  # fmt: skip
    firms = pd.DataFrame({"firm_id": [f"F{i}" for i in range(n)], "sector": "s"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SupplyNetwork.from_frames(firms, pd.concat([tx, out], ignore_index=True))


def firm_system(net):
    x = firm_output(net)
    e = net.edges
    among = (e["source"] < net.n_firms) & (e["target"] < net.n_firms)
    Z = sp.coo_array(
        (e["value"][among], (e["source"][among], e["target"][among])),
        shape=(net.n_firms, net.n_firms),
    ).toarray()
    return Z, x


def brute_force(net):
    Z, x = firm_system(net)
    A = Z / x
    return extraction_reference(A, x - Z.sum(1), x - Z.sum(0), x)


@pytest.mark.parametrize("solver", ["dense", "iterative"])
def test_every_firm_against_brute_force(solver):
    net = random_network(60, 1)
    ref = brute_force(net)
    out = firm_extraction(net, solver=solver)
    for k in KEYS:
        err = rel_err(out[k].to_numpy(), ref[k])
        assert err.max() < 1e-9, (k, err.max())
    assert out.attrs["accuracy"] < 1e-9
    if solver == "iterative":
        assert out.attrs["method"] == "iterative + deflated series"
    np.testing.assert_allclose(out["total_share"].sum() * ref["x_leontief"].sum(),
                               ref["total"].sum(), rtol=1e-12)  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(n=st.integers(3, 40), seed=st.integers(0, 10_000), per_firm=st.integers(1, 6))
def test_deflated_series_is_exact_to_its_bound(n, seed, per_firm):
    Z, x = firm_system(random_network(n, seed, per_firm))
    A = sp.csr_array(Z / x)
    L = np.linalg.inv(np.eye(n) - A.toarray())
    s = LeontiefSolver(A, "iterative")
    y, bound, _ = deflated_excess(s, A, np.arange(n), L.sum(1))
    err = np.abs(y - (np.diag(L) - 1))
    assert (err <= bound + 1e-15).all()
    assert (bound <= 1e-10 * np.diag(L)).all()
    # the split is an identity: without the eigenvectors the series is as exact (slower)
    y0, _, _ = deflated_excess(s, A, np.arange(n), L.sum(1), pair=(0.0, np.zeros(n), np.zeros(n)))
    np.testing.assert_allclose(y0, y, rtol=0, atol=2e-11)


def test_perron_pair_of_a_firm_system():
    Z, x = firm_system(random_network(200, 3))
    A = sp.csr_array(Z / x)
    lam, v, w = perron_pair(A)
    np.testing.assert_allclose(A @ v, lam * v, atol=1e-8)
    np.testing.assert_allclose(A.T @ w, lam * w, atol=1e-8)
    assert lam == pytest.approx(max(abs(np.linalg.eigvals(A.toarray()))), rel=1e-8)


def test_progress_reports_every_block():
    calls = []
    Z, x = firm_system(random_network(600, 2))
    r = firm_extraction_arrays(sp.csr_array(Z), x, solver="iterative",
                               progress=lambda d, t: calls.append((d, t)))  # fmt: skip
    assert calls[-1] == (600, 600)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) >= 2
    assert r["backward"].shape == (600,)


@pytest.fixture(scope="module")
def blocks_case():
    """A 100-firm system, its brute force and the default firm extraction (iterative)."""
    net = random_network(100, 4)
    Z, x = firm_system(net)
    default = firm_extraction_arrays(sp.csr_array(Z), x, solver="iterative")
    return net, Z, x, brute_force(net), default


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("block", [1, 3, 32, 1000])  # 1000: one block larger than the system
def test_block_and_threads_options_against_defaults_and_brute_force(blocks_case, block, threads):
    _, Z, x, ref, default = blocks_case
    calls = []
    r = firm_extraction_arrays(sp.csr_array(Z), x, solver="iterative", block=block,
                               threads=threads, progress=lambda d, t: calls.append(d))  # fmt: skip
    assert r["method"] == "iterative + deflated series"
    for k in KEYS:
        err = rel_err(r[k], ref[k])
        assert err.max() < 1e-9, (k, err.max())
        assert (err <= r["accuracy"][k] + 1e-14).all(), k
        # against the defaults: the same to within the two stated bounds
        gap = rel_err(r[k], default[k])
        assert (gap <= r["accuracy"][k] + default["accuracy"][k] + 1e-15).all(), k
    if block == 32:  # the default block: the same numbers, bit for bit, on any threads
        for k in (*KEYS, "diagonal"):
            assert np.array_equal(r[k], default[k]), k
    # the block reached the series: one progress call at the start (0 done, so a bar opens
    # with its total before the set-up solves), then one per block of the firms on cycles
    _, lab = connected_components(Z, directed=True, connection="strong")
    on_cycles = int((np.bincount(lab)[lab] > 1).sum())
    assert 32 < on_cycles < 100
    assert calls[0] == 0 and calls[-1] == 100
    assert len(calls) == 1 + -(-on_cycles // block)


@pytest.mark.parametrize("block", [1, 3, 1000])
def test_threads_do_not_change_a_bit(blocks_case, block):
    _, Z, x, _, _ = blocks_case
    one, two = (firm_extraction_arrays(sp.csr_array(Z), x, solver="iterative", block=block,
                                       threads=t) for t in (1, 2))  # fmt: skip
    for k in (*KEYS, "diagonal"):
        assert np.array_equal(one[k], two[k]), k
    for k in KEYS:
        assert np.array_equal(one["accuracy"][k], two["accuracy"][k]), k


def test_firm_extraction_passes_block_and_threads(blocks_case):
    net, _, _, ref, _ = blocks_case
    calls = []
    out = firm_extraction(net, solver="iterative", block=3, threads=1,
                          progress=lambda d, t: calls.append(d))  # fmt: skip
    default = firm_extraction(net, solver="iterative")
    assert len(calls) > 100 // 32 + 1
    for k in KEYS:
        assert rel_err(out[k].to_numpy(), ref[k]).max() < 1e-9
        np.testing.assert_allclose(out[k], default[k], rtol=1e-12, atol=0)


@pytest.mark.parametrize("block", [0, -3, 2.5])
def test_block_must_be_a_positive_integer(blocks_case, block):
    _, Z, x, _, _ = blocks_case
    with pytest.raises(ValueError, match="block must be a positive integer"):
        firm_extraction_arrays(sp.csr_array(Z), x, solver="iterative", block=block)


def test_closed_loop_firms_are_nan():
    firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "sector": "s"})
    # A and B pass everything on to each other (no value added, no way out); C is fine
    tx = pd.DataFrame(
        {"supplier": ["A", "B", "C", "C"], "buyer": ["B", "A", "OUT", "A"],
         "value": [5.0, 5.0, 8.0, 0.0]}
    )  # fmt: skip
    firms_out = pd.DataFrame({"output": [5.0, 5.0, 8.0]})
    firms = pd.concat([firms, firms_out], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = SupplyNetwork.from_frames(firms, tx)
    out = firm_extraction(net)
    assert out.loc[["A", "B"], "backward"].isna().all()
    assert out.loc["C", "backward"] == 0.0
    assert out.attrs["closed_firms"] == 2


def test_firms_on_no_cycle_are_exact_without_the_series():
    # a one-way chain with one loop pair: F0 -> F1 -> F2 <-> F3, F3 -> OUT
    Z = np.zeros((4, 4))
    Z[0, 1], Z[1, 2], Z[2, 3], Z[3, 2] = 5.0, 6.0, 7.0, 2.0
    x = np.array([10.0, 12.0, 15.0, 14.0])
    A = sp.csr_array(Z / x)
    L = np.linalg.inv(np.eye(4) - A.toarray())
    calls = []
    y, bound, _ = deflated_excess(
        LeontiefSolver(A, "iterative"), A, np.arange(4), L.sum(1),
        progress=lambda d, t: calls.append((d, t)),
    )  # fmt: skip
    assert y[:2].tolist() == [0.0, 0.0] and bound[:2].tolist() == [0.0, 0.0]
    np.testing.assert_allclose(y, np.diag(L) - 1, rtol=1e-12, atol=1e-15)
    assert calls[-1] == (4, 4)
