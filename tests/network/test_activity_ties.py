"""internal_ties: the labels gathered over the edges once for group_trade and
group_reciprocity give the numbers each computes alone, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from linkage.network.activity import group_reciprocity, group_trade, internal_ties


def _network(seed, n=60, m=400, k=5):
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    val = rng.lognormal(2, 1, src.size)
    is_firm = rng.random(n) < 0.8
    labels = rng.integers(-1, k, n)
    exclude = rng.random(n) < 0.1
    return n, src, dst, val, is_firm, labels, k, exclude


def test_internal_ties_by_hand():
    # firms 0, 1, 2 in group 0, firm 3 in group 1, node 4 an outside party in "group 0";
    # firm 2 excluded (a middleman): only 0 -> 1 and 1 -> 0 are internal
    src = np.array([0, 1, 0, 2, 3, 4, 1])
    dst = np.array([1, 0, 2, 1, 0, 0, 3])
    is_firm = np.array([True, True, True, True, False])
    labels = np.array([0, 0, 0, 1, 0])
    exclude = np.array([False, False, True, False, False])
    g, inside = internal_ties(src, dst, is_firm, labels, exclude)
    assert inside.tolist() == [True, True, False, False, False, False, False]
    assert g.tolist() == [0, 0]
    g, inside = internal_ties(src, dst, is_firm, labels)  # firm 2 counts now
    assert inside.tolist() == [True, True, True, True, False, False, False]


@pytest.mark.parametrize("seed", range(5))
def test_given_ties_give_the_same_numbers(seed):
    n, src, dst, val, is_firm, labels, k, exclude = _network(seed)
    for excl in (None, exclude):
        ties = internal_ties(src, dst, is_firm, labels, excl)
        alone = group_trade(n, src, dst, val, is_firm, labels, k, exclude=excl)
        given = group_trade(n, src, dst, val, is_firm, labels, k, exclude=excl, ties=ties)
        for key, value in alone.items():
            np.testing.assert_array_equal(given[key], value)
        np.testing.assert_array_equal(
            group_reciprocity(src, dst, is_firm, labels, k, exclude=excl, ties=ties),
            group_reciprocity(src, dst, is_firm, labels, k, exclude=excl),
        )
    # the ties of another grouping give other numbers: the argument is used
    other = internal_ties(src, dst, is_firm, np.roll(labels, 1), exclude)
    moved = group_trade(n, src, dst, val, is_firm, labels, k, exclude=exclude, ties=other)
    assert not np.array_equal(
        moved["internal_value"],
        group_trade(n, src, dst, val, is_firm, labels, k, exclude=exclude)["internal_value"],
    )
