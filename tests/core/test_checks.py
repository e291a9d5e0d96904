"""The structure checks of a new table: legal but suspicious features, named."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable
from linkage.core.checks import spectral_radius_estimate, structure_findings
from linkage.errors import DataQualityWarning
from linkage.io import read_table

SECTORS = pd.Index(["farm", "mill", "shop"])


def codes(A, x=None):
    x = np.ones(3) if x is None else x
    return [c for c, *_ in structure_findings(np.asarray(A, float), x, SECTORS)]


def test_a_healthy_table_raises_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    assert not t.diagnostics.warnings()


def test_each_check_names_its_sectors():
    found = structure_findings(
        np.array([[0.7, 0.1, 0.0], [0.2, 0.95, 0.0], [0.0, 0.1, 0.0]]), np.ones(3), SECTORS
    )
    by_code = {c: m for c, m, _, _ in found}
    assert (
        "'farm' (0.7)" in by_code["large_own_input"]
        and "'mill' (0.95)" in by_code["large_own_input"]
    )
    assert "'mill' (1.15)" in by_code["inputs_exceed_output"]
    assert "'shop'" in by_code["no_inputs"]
    assert "near_singular" not in by_code  # rho >= 1: the solver's error, not a warning


def test_a_zero_output_sector_is_not_said_to_lack_inputs():
    assert "no_inputs" not in codes(np.diag([0.1, 0.1, 0.0]), np.array([1.0, 1.0, 0.0]))


def test_close_to_singular_says_the_radius_and_a_condition_bound():
    A = np.full((3, 3), 0.3266)  # rho = 0.9798
    (found,) = [f for f in structure_findings(A, np.ones(3), SECTORS) if f[0] == "near_singular"]
    assert "0.9798" in found[1]
    bound = float(found[1].split("at least ")[1].split(")")[0])
    true = np.linalg.cond(np.eye(3) - A, 1)
    assert bound <= true * (1 + 1e-9)  # a lower bound of the 1-norm condition number ...
    assert bound >= true / 3  # ... within a small factor here
    assert "near_singular" not in codes(np.full((3, 3), 0.3))  # rho = 0.9


def test_the_table_warns_once_per_finding_with_the_sector_names():
    Z = [[70, 10, 0], [20, 30, 0], [0, 10, 0]]
    with pytest.warns(DataQualityWarning) as caught:
        t = IOTable.from_arrays(Z, final_demand=[20, 50, 90], sectors=list(SECTORS))
    messages = [str(w.message) for w in caught]
    assert any("'farm' (0.7)" in m for m in messages)
    assert any("'shop'" in m and "no intermediate inputs" in m for m in messages)
    assert {"large_own_input", "no_inputs"} <= t.diagnostics.codes()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    rho=st.floats(0.05, 0.99),
    sparse=st.booleans(),
)
def test_spectral_radius_estimate_matches_the_eigenvalues(n, seed, rho, sparse):
    rng = np.random.default_rng(seed)
    M = rng.random((n, n)) + 0.01  # positive: the power iteration converges
    M *= rho / np.abs(np.linalg.eigvals(M)).max()
    got = spectral_radius_estimate(sp.csc_matrix(M) if sparse else M)
    assert got == pytest.approx(rho, rel=1e-5)


def test_real_tables_raise_no_false_alarm(shared_data):
    (bps,) = (shared_data / "indonesia_prov17_2016").glob("*Sulawesi Selatan*.xlsx")
    for path in (bps, shared_data / "indonesia_34prov_icraf" / "JaTim"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = read_table(path)
        suspicious = {"large_own_input", "inputs_exceed_output", "near_singular"}
        assert not suspicious & t.diagnostics.codes(), [str(f) for f in t.diagnostics]


def test_a_survey_table_records_sectors_without_inputs_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = IOTable.from_arrays([[0, 10], [0, 0]], final_demand=[90, 100], partial_inputs=True)
    (finding,) = [f for f in t.diagnostics if f.code == "no_inputs"]
    assert finding.level == "info" and "'S1'" in finding.message
