"""Reciprocity from the per-edge flags of the whole network equals a dense count per group;
count_keys equals np.unique with counts.

The reference counts, per group, the member-to-member ties and those whose reverse tie is
in the list, on a dense adjacency matrix; unsorted lists, duplicates, middlemen and
outside parties included.
"""

from __future__ import annotations

import numpy as np
import pytest

from linkage.network.activity import count_keys, edge_reciprocated, group_reciprocity


def _dense_reciprocity(n, source, target, is_firm, labels, k, exclude):
    adj = np.zeros((n, n), bool)
    adj[source, target] = True
    lab = np.where(is_firm & ~exclude, labels, -1)
    ties, both = np.zeros(k), np.zeros(k)
    for s, t in zip(source, target, strict=True):  # every listed edge, duplicates too
        if lab[s] >= 0 and lab[s] == lab[t]:
            ties[lab[s]] += 1
            both[lab[s]] += adj[t, s]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ties > 0, both / ties, np.nan)


@pytest.mark.parametrize("seed", range(10))
def test_group_reciprocity_matches_dense_reference(seed):
    rng = np.random.default_rng(seed)
    n, m, k = 30, int(rng.integers(0, 200)), 4
    source, target = rng.integers(0, n, m), rng.integers(0, n, m)
    is_firm = rng.random(n) < 0.8
    exclude = rng.random(n) < 0.1
    labels = rng.integers(-1, k, n)
    ref = _dense_reciprocity(n, source, target, is_firm, labels, k, exclude)
    got = group_reciprocity(source, target, is_firm, labels, k, exclude=exclude)
    np.testing.assert_array_equal(got, ref)
    flags = edge_reciprocated(source, target)
    again = group_reciprocity(source, target, is_firm, labels, k, exclude, reciprocated=flags)
    np.testing.assert_array_equal(again, ref)
    member = is_firm & ~exclude  # flags only where a tie can be internal, as network_trade
    some = edge_reciprocated(source, target, member[source] & member[target])
    assert not some[~(member[source] & member[target])].any()
    again = group_reciprocity(source, target, is_firm, labels, k, exclude, reciprocated=some)
    np.testing.assert_array_equal(again, ref)


def test_edge_reciprocated_sorted_and_unsorted_lists():
    s, t = np.array([0, 0, 1, 2, 2]), np.array([1, 2, 0, 0, 3])
    assert edge_reciprocated(s, t).tolist() == [True, True, True, True, False]
    order = np.array([4, 2, 0, 3, 1])
    assert edge_reciprocated(s[order], t[order]).tolist() == [False, True, True, True, True]
    assert edge_reciprocated(np.zeros(0, int), np.zeros(0, int)).tolist() == []


@pytest.mark.parametrize("size", [1, 7, 100, 100_000])
def test_count_keys_is_unique_with_counts(size):
    keys = np.random.default_rng(size).integers(0, size, 500)
    for got, ref in zip(count_keys(keys, size), np.unique(keys, return_counts=True), strict=True):
        np.testing.assert_array_equal(got, ref)
