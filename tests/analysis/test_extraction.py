"""Hypothetical extraction: hand-computed examples, brute-force re-solves, properties."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable, extraction
from linkage.analysis.extraction import (
    EXTRACTION_COLUMNS,
    extraction_arrays,
    extraction_reference,
)
from linkage.core.solver import LeontiefSolver
from linkage.errors import DataQualityWarning, SingularSystemError


def random_table(n, seed, *, zero=(), sparse=False, density=0.4, unbalanced=False):
    """A productive random table; sectors in ``zero`` have no output at all."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < density)
    f = rng.uniform(5, 50, n)
    for j in zero:
        Z[j, :] = Z[:, j] = 0.0
        f[j] = 0.0
    x = Z.sum(axis=1) + f
    va = x - Z.sum(axis=0)
    # make it productive even when a column sum exceeds output: scale purchases down
    over = va <= 0
    if over.any():
        Z[:, over] *= 0.5 * x[over] / np.maximum(Z[:, over].sum(axis=0), 1e-300)
        x = Z.sum(axis=1) + f
        va = x - Z.sum(axis=0)
    if unbalanced:
        va = va * rng.uniform(0.7, 1.3, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(
            sp.csr_array(Z) if sparse else Z,
            final_demand=f,
            value_added=va,
            sectors=[f"s{i}" for i in range(n)],
        )


def test_miller_blair_2x2_by_hand(mb_table):
    # Miller & Blair Table 2.3: I - A = [[.85, -.25], [-.2, .95]], det = .7575,
    # L = [[.95, .25], [.2, .85]] / .7575, m = (1.15, 1.10) / .7575, x = (1000, 2000).
    # backward_j = x_j (m_j - 1) / l_jj = x_j (colsum(adj)_j - det) / adj_jj:
    #   agri  1000 (1.15 - .7575) / .95 = 413.1579
    #   manuf 2000 (1.10 - .7575) / .85 = 805.8824
    # total_j = x_j m_j / l_jj - f_j:
    #   agri  1000 * 1.15 / .95 - 350 = 860.5263 (check: x2' = 1700/.95, x1' = 350)
    #   manuf 2000 * 1.10 / .85 - 1700 = 888.2353
    # forward_j = ((Lx)_j - x_j) / l_jj with Lx = (1450, 1900) / .7575 (balanced: c'L = 1'):
    #   agri  (1450 - 757.5) / .95 = 728.9474;  manuf (1900 - 1515) / .85 = 452.9412
    out = extraction(mb_table)
    assert list(out.columns) == list(EXTRACTION_COLUMNS)
    assert out.index.tolist() == ["agriculture", "manufacturing"]
    np.testing.assert_allclose(out["backward"], [1000 * 0.3925 / 0.95, 2000 * 0.3425 / 0.85])
    np.testing.assert_allclose(out["total"], [1150 / 0.95 - 350, 2200 / 0.85 - 1700])
    np.testing.assert_allclose(out["forward"], [692.5 / 0.95, 385 / 0.85])
    np.testing.assert_allclose(out["backward_share"], out["backward"] / 3000)
    np.testing.assert_allclose(out["forward_share"], out["forward"] / 3000)
    assert out.attrs["baseline_gap"] < 1e-12
    assert out.attrs["method"] == "dense"


def test_three_sector_chain_by_hand():
    # A chain 3 -> 2 -> 1: a_12 = a_23 = 0.5, f = (1, 1, 2), so x = (2, 2, 2), Z has
    # z_12 = z_23 = 1, v = (2, 1, 1), L = [[1, .5, .25], [0, 1, .5], [0, 0, 1]].
    # backward: s1 buys nothing -> 0; s2 stops buying from s1 -> x1 = 1, loss 1;
    #   s3 stops buying from s2 -> x2 = 1, x1 = 1.5, loss 1.5.
    # total: s1 removed -> x1 = f1 = 1, loss 1; s2 -> x = (1, 1, 2), loss 2;
    #   s3 -> x = (1.5, 1, 2), loss 1.5.
    # forward (Ghosh, b = a here since x is flat): s1 sells nothing -> x'' = (2, 1, 1.5),
    #   loss 1.5; s2 -> x'' = (2, 2, 1), loss 1; s3 sells nothing anyway -> 0.
    t = IOTable.from_arrays(
        [[0, 1, 0], [0, 0, 1], [0, 0, 0]], final_demand=[1, 1, 2], value_added=[2, 1, 1]
    )
    out = extraction(t)
    np.testing.assert_allclose(out["backward"], [0, 1, 1.5], atol=1e-12)
    np.testing.assert_allclose(out["total"], [1, 2, 1.5], atol=1e-12)
    np.testing.assert_allclose(out["forward"], [1.5, 1, 0], atol=1e-12)
    np.testing.assert_allclose(out["total_share"], np.array([1, 2, 1.5]) / 6)


@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (5, 2), (17, 3), (60, 4)])
def test_matches_brute_force(n, seed):
    t = random_table(n, seed)
    out = extraction(t)
    ref = extraction_reference(t.A, t.f, t.v, t.x)
    for col in ("backward", "forward", "total"):
        np.testing.assert_allclose(out[col], ref[col], rtol=1e-9, atol=1e-9 * t.x.sum())
    np.testing.assert_allclose(out["total_share"], ref["total"] / ref["x_leontief"].sum())
    np.testing.assert_allclose(out["forward_share"], ref["forward"] / ref["x_ghosh"].sum())


@pytest.mark.parametrize("method", ["dense", "splu", "iterative"])
def test_every_solver_method_with_zero_output_and_sparse_input(method):
    t = random_table(40, 7, zero=(3, 17), sparse=True, density=0.15)
    out = extraction(t, solver=method)
    ref = extraction_reference(t.A, t.f, t.v, t.x)
    for col in ("backward", "forward", "total"):
        np.testing.assert_allclose(out[col], ref[col], rtol=1e-8, atol=1e-8 * t.x.sum())
    assert out.loc[["s3", "s17"], ["backward", "forward", "total"]].abs().max().max() < 1e-9
    assert out.attrs["method"] == method
    assert np.isfinite(out.to_numpy()).all()


def test_unbalanced_value_added_uses_the_ghosh_model_baseline():
    # value added does not match output: v'G != x', the loss is measured against v'G.
    t = random_table(12, 11, unbalanced=True)
    out = extraction(t)
    ref = extraction_reference(t.A, t.f, t.v, t.x)
    np.testing.assert_allclose(out["forward"], ref["forward"], rtol=1e-9)
    assert out.attrs["total_output_ghosh"] == pytest.approx(ref["x_ghosh"].sum())
    assert abs(out.attrs["total_output_ghosh"] - t.x.sum()) > 1e-6 * t.x.sum()


def test_subset_of_sectors_costs_only_their_columns():
    t = random_table(30, 5)
    full = extraction(t)
    part = extraction(t, sectors=["s4", "s0", "s29"])
    assert part.index.tolist() == ["s4", "s0", "s29"]
    pd.testing.assert_frame_equal(part, full.loc[["s4", "s0", "s29"]], check_exact=False)
    with pytest.raises(KeyError, match="nope"):
        extraction(t, sectors=["nope"])


def test_given_diagonal_is_used():
    t = random_table(8, 9)
    s = t.solver()
    d = s.diagonal()
    r = extraction_arrays(s, t.f, t.v, t.x, diagonal=d)
    np.testing.assert_allclose(r["total"], extraction(t)["total"])
    with pytest.raises(ValueError, match="diagonal must have shape"):
        extraction_arrays(s, t.f, t.v, t.x, diagonal=d[:3])


def test_purchases_by_zero_output_sector_are_reported():
    Z = np.array([[1.0, 2.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = IOTable.from_arrays(Z, final_demand=[5.0, -1.0], total_output=[8.0, 0.0])
    with pytest.warns(DataQualityWarning, match="zero-output"):
        out = extraction(t)
    assert np.isfinite(out.to_numpy()).all()


def test_singular_after_extraction_is_named():
    # negative coefficients can make l_jj = 0: extracting j leaves a singular system.
    # A = [[1, 1], [-1, 1]]: I - A = [[0, -1], [1, 0]], L = [[0, 1], [-1, 0]].
    A = np.array([[1.0, 1.0], [-1.0, 1.0]])
    s = LeontiefSolver(A, labels=["p", "q"], check=False)
    with pytest.raises(SingularSystemError, match="'p'"):
        extraction_arrays(s, [1, 1], [1, 1], [1, 1])


def test_bad_method():
    with pytest.raises(ValueError, match="'solver' parameter of extraction"):
        extraction(random_table(3, 0), solver="lu")
    # the spelling before 0.2 still works for one release, with a FutureWarning
    with pytest.warns(FutureWarning, match="deprecated"):
        with pytest.raises(ValueError, match="'method' parameter of extraction"):
            extraction(random_table(3, 0), method="lu")


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 9), st.integers(0, 10_000))
def test_losses_are_ordered_for_nonnegative_tables(n, seed):
    # removing row and column loses at least as much as removing the column, and never
    # more than everything (sector j keeps its own final demand)
    t = random_table(n, seed)
    out = extraction(t)
    tol = 1e-9 * t.x.sum()
    assert (out["backward"] >= -tol).all() and (out["forward"] >= -tol).all()
    assert (out["total"] >= out["backward"] - tol).all()
    assert (out["total"] <= t.x.sum() - t.f + tol).all()


def test_real_tables_match_brute_force(shared_data):
    readers = pytest.importorskip("linkage.io.tables")
    paths = sorted((shared_data / "indonesia_prov17_2016").glob("Tabel*.xlsx"))[:2]
    icraf = shared_data / "indonesia_34prov_icraf"
    if icraf.is_dir():
        paths += sorted(p for p in icraf.iterdir() if p.is_dir())[:2]
    if not paths:
        pytest.skip("no real tables found")
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = readers.read_table(path)
            out = extraction(table)
        ref = extraction_reference(table.A, table.f, table.v, table.x)
        scale = ref["x_leontief"].sum()
        for col in ("backward", "forward", "total"):
            np.testing.assert_allclose(out[col], ref[col], rtol=1e-8, atol=1e-10 * scale)
        assert np.isfinite(out.to_numpy()).all(), path
