"""Monte Carlo over survey uncertainty (linkage.network.draws): the lognormal keeps the
mean, C = 0 reproduces the point estimate, draws depend on the seed and index only,
intervals widen with C, the bootstrap keeps every sentra's size."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import SupplyNetwork, load_example_network
from linkage.network import draws as module
from linkage.network import sentra_labels
from linkage.network.draws import (
    DrawOptions,
    Draws,
    ValueErrors,
    bootstrap_multiplicity,
    check_cv,
    draw_network,
    draw_values,
    lognormal_factors,
    network_measures,
    run_draws,
    summarize_draws,
    value_errors,
)

DETECTION = {"n_permutations": 19, "seed": 0}


def small_network(seed=0, n_sentra=3, per_sentra=6):
    """Sentra of ``per_sentra`` firms in two sectors trading inside and with outsiders."""
    rng = np.random.default_rng(seed)
    ids = [f"S{s}F{i}" for s in range(n_sentra) for i in range(per_sentra)]
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "sector": ["a" if i % 2 else "b" for s in range(n_sentra) for i in range(per_sentra)],
            "sentra": [f"sentra{s}" for s in range(n_sentra) for _ in range(per_sentra)],
        }
    )
    rows = []
    for s in range(n_sentra):
        members = ids[s * per_sentra : (s + 1) * per_sentra]
        for f in members:
            rows.append((f"SUP{s}", f, rng.uniform(50, 100)))
            rows.append((f, "BUYER", rng.uniform(100, 200)))
            for g in rng.choice(members, size=2, replace=False):
                if g != f:
                    rows.append((f, g, rng.uniform(1, 30) * (1 + 3 * (s == 0))))
    tx = pd.DataFrame(rows, columns=["supplier", "buyer", "value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SupplyNetwork.from_frames(firms, tx)


@pytest.fixture(scope="module")
def example():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_example_network()


# ---------------------------------------------------------------- the lognormal
@settings(max_examples=25, deadline=None)
@given(cv=st.floats(0.0, 2.0), seed=st.integers(0, 2**32 - 1))
def test_lognormal_keeps_the_mean_within_its_standard_error(cv, seed):
    n = 40_000
    f = lognormal_factors(np.full(n, cv), np.random.default_rng(seed))
    # the standard error of the mean of n draws of CV cv is cv / sqrt(n); the sample
    # mean of a lognormal is skewed, so allow 6 standard errors (~1e-9 false alarms)
    assert abs(f.mean() - 1.0) <= 6 * cv / math.sqrt(n) + 1e-15
    assert (f > 0).all()


def test_lognormal_has_the_stated_coefficient_of_variation():
    n = 400_000
    for cv in (0.1, 0.5, 1.0):
        f = lognormal_factors(np.full(n, cv), np.random.default_rng(7))
        # sample CV: its standard error is roughly cv * sqrt((kurtosis - 1) / 4n);
        # for cv <= 1 a 3 % tolerance is over 5 standard errors
        assert f.std() / f.mean() == pytest.approx(cv, rel=0.03)


def test_lognormal_with_cv_zero_is_exactly_one():
    f = lognormal_factors(np.array([0.0, 0.3, 0.0]), np.random.default_rng(0))
    assert f[0] == 1.0 and f[2] == 1.0 and f[1] != 1.0


def test_rows_of_one_pair_are_drawn_independently():
    # four equal rows of CV 0.4 make an edge of CV 0.4 / sqrt(4) = 0.2; one row stays 0.4
    errors = ValueErrors(
        np.array([0, 0, 0, 0, 1]), np.array([1.0, 1.0, 1.0, 1.0, 4.0]), np.full(5, 0.4)
    )
    rng = np.random.default_rng(2)
    draws = np.array([draw_values(errors, np.array([4.0, 4.0]), rng) for _ in range(20_000)])
    cv = draws.std(axis=0) / draws.mean(axis=0)
    # the sample CV of 20,000 draws is within about 1.5 % of the true one (several SE)
    assert cv[0] == pytest.approx(0.2, rel=0.04) and cv[1] == pytest.approx(0.4, rel=0.04)
    assert draws.mean(axis=0) == pytest.approx([4.0, 4.0], rel=0.01)


# ---------------------------------------------------------------- C = 0
def test_cv_zero_every_draw_equals_the_point_estimate(example):
    point = network_measures(example, detection=DETECTION)
    d = run_draws(
        example, DrawOptions(2, seed=5), value_errors(example, 0.0), range(2), point=point,
        detection=DETECTION,
    )  # fmt: skip
    lk0, firms0, sentra0 = point
    for values, frame, measures in (
        (d.linkages, lk0, "LINKAGE_MEASURES"),
        (d.firms, firms0, "FIRM_MEASURES"),
        (d.sentra, sentra0, "SENTRA_MEASURES"),
    ):
        expected = frame[list(getattr(module, measures))].to_numpy(dtype=float)
        for draw in values:
            np.testing.assert_allclose(draw, expected, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert (d.active == (sentra0["activity"] == "active").to_numpy()).all()
    lk, firms, sentra = summarize_draws(point, d)
    np.testing.assert_allclose(lk["bl_total_p5"], lk["bl_total_p95"], rtol=1e-12)
    assert set(sentra["share_active"]) <= {0.0, 1.0}
    assert (sentra["share_active"] == (sentra["activity"] == "active")).all()


# ---------------------------------------------------------------- seeds
def test_draws_depend_on_the_seed_and_index_only(example):
    errors = value_errors(example, 0.4)
    opts = DrawOptions(3, seed=11, bootstrap_firms=True)
    point = network_measures(example, detection=DETECTION)
    whole = run_draws(example, opts, errors, range(3), point=point, detection=DETECTION)
    parts = Draws.concat(
        [
            run_draws(example, opts, errors, [2], point=point, detection=DETECTION),
            run_draws(example, opts, errors, [1, 0], point=point, detection=DETECTION),
        ]
    )
    for field in Draws.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(whole, field), getattr(parts, field))
    other = run_draws(
        example, DrawOptions(4, seed=12), errors, [0], point=point, detection=DETECTION
    )
    assert not np.allclose(other.linkages[0], whole.linkages[0], equal_nan=True)


# ---------------------------------------------------------------- intervals widen
def test_intervals_widen_as_the_cv_grows():
    net = small_network()
    detection = {"n_permutations": 0}
    point = network_measures(net, detection=detection)
    widths = {}
    for cv in (0.1, 0.5):
        d = run_draws(net, DrawOptions(15, seed=3), value_errors(net, cv), range(15),
                      point=point, detection=detection)  # fmt: skip
        lk, firms, sentra = summarize_draws(point, d)
        widths[cv] = (
            (lk["bl_total_p95"] - lk["bl_total_p5"]).to_numpy(),
            (firms["bl_total_p95"] - firms["bl_total_p5"]).to_numpy(),
            (sentra["internal_share_p95"] - sentra["internal_share_p5"]).to_numpy(),
        )
    # the spread of a lognormal grows about fivefold from C = 0.1 to 0.5; with 15 draws
    # the 5-95 % range of each measure is estimated to within a few tens of percent
    for narrow, wide in zip(widths[0.1], widths[0.5], strict=True):
        assert (wide > 1.5 * narrow).all()  # 2.4-5.4 on seeds 0-3
    assert np.median(widths[0.5][1] / widths[0.1][1]) > 2


# ---------------------------------------------------------------- bootstrap
def test_bootstrap_keeps_the_size_of_every_sentra(example):
    groups = pd.factorize(sentra_labels(example), use_na_sentinel=True)[0]
    sizes = sentra_labels(example).value_counts().sort_index()
    rng = np.random.default_rng(4)
    absent = 0
    for _ in range(5):
        mult = bootstrap_multiplicity(groups, rng)
        net = draw_network(example, example.edges["value"].to_numpy(), mult)
        assert net.n_firms == example.n_firms and net.n_nodes == example.n_nodes
        pd.testing.assert_series_equal(
            sentra_labels(net).value_counts().sort_index(), sizes, check_names=False
        )
        absent += int((mult == 0).sum())
        # a firm drawn k times: k copies with the same trade; a tie joins every copy pair
        k = int(np.argmax(mult))
        if mult[k] > 1:
            fid = example.firms.index[k]
            copies = [fid] + [f"{fid}#{j}" for j in range(2, mult[k] + 1)]
            m = net.firm_metrics()
            assert m.loc[copies, "purchases_total"].nunique() == 1
    assert absent > 0  # some firms were left out of some draws


def test_bootstrap_without_sentra_keeps_every_firm():
    assert (bootstrap_multiplicity(np.full(5, -1), np.random.default_rng(0)) == 1).all()


def test_bootstrap_draws_report_share_present(example):
    point = network_measures(example, detection=DETECTION)
    d = run_draws(example, DrawOptions(3, bootstrap_firms=True), value_errors(example, 0.0),
                  range(3), point=point, detection=DETECTION)  # fmt: skip
    _, firms, sentra = summarize_draws(point, d)
    assert (firms["share_present"] < 1).any()
    # a firm absent from a draw does not count in its percentiles
    never = firms["share_present"] == 0
    assert firms.loc[never, "bl_total_p50"].isna().all()


def test_draw_network_scales_the_intermediary_part(example):
    values = example.edges["value"].to_numpy() * 2
    net = draw_network(example, values)
    np.testing.assert_allclose(
        net.edges["value_intermediary"], example.edges["value_intermediary"] * 2
    )
    assert example.edges["value"].to_numpy() is not net.edges["value"].to_numpy()


# ---------------------------------------------------------------- bad options
@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: DrawOptions(0), "n_draws must be a whole number of 1 or more (got 0)"),
        (lambda: DrawOptions(2.5), "n_draws must be a whole number"),
        (lambda: DrawOptions(3, seed=-1), "seed must be a whole number of 0 or more"),
        (lambda: check_cv(-0.1), "the value CV must be a finite number of 0 or more"),
        (lambda: check_cv(float("nan")), "the value CV must be a finite number"),
    ],
)
def test_bad_options_are_one_line_errors(make, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        make()
    assert "\n" not in str(info.value)


def test_bootstrap_keeps_the_co_location_sites_of_the_survey():
    # sites are named by first appearance; the firms of the two sites alternate in the
    # firm list, so a bootstrap that drops the first firm would swap their names
    ring = [f"R{i}" for i in range(5)]
    sellers = [f"S{i}" for i in range(5)]
    ids = [x for pair in zip(ring, sellers, strict=True) for x in pair]
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "sector": ["pots"] * 10,
            "lat": [-6.70 if f[0] == "R" else -7.50 for f in ids],
            "lon": [108.40 if f[0] == "R" else 112.00 for f in ids],
        }
    )
    tx = pd.DataFrame(
        {
            "supplier": ring + sellers + ["CLAY"] * 5,
            "buyer": ring[1:] + ring[:1] + ["PGP"] * 5 + ring,
            "value": [10.0] * 15,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = SupplyNetwork.from_frames(firms, tx)
    detection = {"n_permutations": 0}
    point = network_measures(net, detection=detection)
    assert point[2]["activity"].tolist() == ["active", "passive"]
    d = run_draws(net, DrawOptions(12, seed=1, bootstrap_firms=True), value_errors(net, 0.0),
                  range(12), point=point, detection=detection)  # fmt: skip
    _, firms_out, sentra = summarize_draws(point, d)
    assert (firms_out["share_present"] < 1).any()
    assert sentra["share_active"].tolist()[1] == 0.0  # the sellers' site is never active
    assert sentra["share_active"].tolist()[0] >= 0.75


def test_a_network_without_sentra_has_no_sentra_rows():
    net = SupplyNetwork.from_arrays([0, 1, 2, 0, 3], [1, 2, 0, 4, 4], [5.0, 3, 2, 4, 6], n_firms=4)
    detection = {"n_permutations": 0}
    point = network_measures(net, detection=detection)
    d = run_draws(net, DrawOptions(1, bootstrap_firms=True), value_errors(net, 0.2), [0],
                  point=point, detection=detection)  # fmt: skip
    lk, firms, sentra = summarize_draws(point, d)
    assert len(sentra) == 0 and "share_active" in sentra.columns
    assert firms["share_present"].tolist() == [1.0] * 4  # no sentra: every firm kept
    assert lk["bl_total_p5"].notna().all()
