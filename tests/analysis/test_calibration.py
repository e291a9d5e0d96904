"""Calibration of the LQ methods: error measures by hand and the delta grid search."""

import math

import numpy as np
import pytest

from linkage.analysis.calibration import calibrate_delta, estimation_errors, output_multipliers
from linkage.analysis.lq import lq_matrix, regional_coefficients


def test_estimation_errors_by_hand():
    R_true = np.array([[0.2, 0.0], [0.0, 0.5]])  # multipliers 1.25, 2
    R_est = np.array([[0.2, 0.0], [0.0, 0.6]])  # multipliers 1.25, 2.5
    e = estimation_errors(R_est, R_true, weights=[3.0, 1.0])
    assert e["mape"] == pytest.approx(12.5)  # (0 + 25) / 2
    assert e["wmape"] == pytest.approx(6.25)  # (3*0 + 1*25) / 4
    assert e["mpe"] == pytest.approx(12.5)
    assert e["stpe"] == pytest.approx(100 * 0.1 / 0.7)
    assert e["theil_u"] == pytest.approx(math.sqrt(0.01 / 0.29))
    np.testing.assert_allclose(output_multipliers(R_true), [1.25, 2.0])


def test_calibrate_delta_recovers_the_generating_delta():
    """Truth built by FLQ with delta = 0.35: the grid search must pick 0.35 with zero error."""
    rng = np.random.default_rng(0)
    A = rng.uniform(0, 0.08, (6, 6))
    national = rng.uniform(50, 150, 6)
    regions = {}
    for k in range(3):
        r = national * rng.uniform(0.02, 0.2, 6)
        lq, _, _ = lq_matrix(r, national, method="flq", delta=0.35)
        regions[f"r{k}"] = (r, regional_coefficients(A, lq))
    err = calibrate_delta(A, national, regions, methods=["flq", "slq"])
    flq = err[err["method"] == "flq"]
    best = flq.loc[flq.groupby("region")["stpe"].idxmin(), "delta"]
    np.testing.assert_allclose(best.to_numpy(), 0.35)
    assert flq["stpe"].min() < 1e-10
    assert len(err) == 3 * (20 + 1)
