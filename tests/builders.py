"""Test builders shared by several test modules: a small survey with hostile names, a
clusters-like record and a three-sector table with a hostile sector label."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from linkage import IOTable
from linkage.network import SupplyNetwork

EVIL = "</script><script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
UNICODE = "Batik Ibu Śrī — 日本 ✓"


def make_network():
    """Two sentra (one trading inside, one selling to a pengepul), outside parties, ties."""
    firms = pd.DataFrame(
        {
            "firm_id": ["A", "B", "C", "D", "E", "F"],
            "sector": ["clay", "ceramics", "ceramics", "batik", "batik", "batik"],
            "sentra": ["Plered", "Plered", "Plered", "Trusmi", "Trusmi", "Trusmi"],
            "workers": [3, 12, 40, 2, 4, 150],
            "output": [100.0, 300.0, 900.0, 50.0, 80.0, 2000.0],
            "name": [EVIL, IMG, UNICODE, "Batik Sari", "Ibu Tini & Co", "PT Batik Besar"],
        }
    )
    tx = pd.DataFrame(
        {
            "supplier": ["A", "A", "B", "C", "MINE", "D", "E", "F", "KAIN", "C"],
            "buyer": ["B", "C", "C", "SHOP", "A", "PGP1", "PGP1", "PGP1", "F", "B"],
            "value": [40.0, 30.0, 120.0, 500.0, 20.0, 45.0, 70.0, 1500.0, 600.0, 5.0],
        }
    )
    coop = pd.DataFrame(
        {
            "firm_a": ["A", "B"],
            "firm_b": ["B", "C"],
            "kind": ["shared_equipment", "joint_marketing"],
        }
    )
    parties = pd.DataFrame(
        {
            "party_id": ["PGP1", "MINE", "KAIN", "SHOP"],
            "kind": ["intermediary", "supplier", "supplier", "buyer"],
            "name": ["Pengepul Haji Ali", "", "", ""],
        }
    )
    return SupplyNetwork.from_frames(firms, tx, coop, parties)


def fake_clusters(net):
    """Clusters-like object per CONTRACTS.md: membership and a sentra activity table."""
    member = pd.Series(
        [0, 0, 0, 1, 1, 1] + [1, 0, 1, 0][: net.n_nodes - 6], index=net.nodes, name="community"
    )
    sentra = pd.DataFrame(
        {"n_firms": [3, 3], "activity": ["active", "passive"]},
        index=pd.Index(["Plered", "Trusmi"], name="sentra"),
    )
    return SimpleNamespace(membership=member, sentra=sentra, communities=None)


def report_table():
    """Three sectors, wages and surplus, a hostile sector label and a non-ASCII name."""
    return IOTable.from_arrays(
        np.array([[150.0, 500.0, 20.0], [200.0, 100.0, 40.0], [30.0, 60.0, 10.0]]),
        final_demand=pd.DataFrame(
            {"household": [300.0, 1500.0, 200.0], "exports": [50.0, 200.0, 60.0]}
        ),
        value_added=pd.DataFrame(
            {"wages": [400.0, 900.0, 150.0], "surplus": [250.0, 500.0, 120.0]},
            index=["agriculture", "<script>x</script>", "batik"],
        ).T,
        sectors=["agriculture", "<script>x</script>", "batik"],
        name="Kabupaten Śrī",
    )


def mr_table(R, S, seed, *, sparse=False, density=0.5, employment=False):
    """A random R-region, S-sector table; trade between regions thinner than within."""
    rng = np.random.default_rng(seed)
    n = R * S
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < density)
    # trade between regions is thinner than within
    same = np.equal.outer(np.repeat(np.arange(R), S), np.repeat(np.arange(R), S))
    Z[~same] *= 0.2
    f = rng.uniform(20, 60, (n, 2))
    idx = pd.MultiIndex.from_product(
        [[f"r{r}" for r in range(R)], [f"s{s}" for s in range(S)]], names=["region", "sector"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(
            sp.csr_array(Z) if sparse else Z,
            final_demand=f,
            employment=rng.uniform(1, 5, n) if employment else None,
            sectors=idx,
        )


def random_table(n, seed, density=0.5, sparse=False):
    """A random productive table with sectors s0, s1, ... (dense or sparse Z)."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < density)
    f = rng.uniform(20, 60, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(
            sp.csr_array(Z) if sparse else Z,
            final_demand=f,
            sectors=[f"s{i}" for i in range(n)],
        )


# ----------------------------------------------------------------------------- 5 firms
# The survey computed by hand in tests/network/test_model.py (and read from files in
# tests/io/test_survey.py): A (clay, sentra S1, 3 workers), B (pots, S1, 10), C (pots,
# S1, 25), D (pots, S2, 150), E (clay, S2, workers missing). Outside: MINE (supplier),
# PGP (pengepul), SHOP (buyer, not in the parties file).
FIVE_FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "E"],
        "sector": ["clay", "pots", "pots", "pots", "clay"],
        "sentra": ["S1", "S1", "S1", "S2", "S2"],
        "workers": [3, 10, 25, 150, np.nan],
        "name": ["Keramik Bu Siti's & Co", 'Gerabah "Mekar"', "Céramique", "D <b>", ""],
    }
)
# spreadsheet rows: header = row 1, first transaction = row 2
FIVE_TX = pd.DataFrame(
    [
        ("MINE", "A", 20, "direct"),  # row 2
        ("A", "B", 30, "direct"),  # row 3  (pair A->B, merged with row 12)
        ("A", "C", 10, "direct"),  # row 4
        ("B", "C", 20, "direct"),  # row 5
        ("C", "D", 10, "direct"),  # row 6  (S1 -> S2)
        ("B", "PGP", 50, "direct"),  # row 7  (to a middleman)
        ("C", "SHOP", 40, "direct"),  # row 8
        ("D", "SHOP", 60, "intermediary"),  # row 9 (through an intermediary)
        ("MINE", "E", 5, "direct"),  # row 10
        ("E", "D", 15, "direct"),  # row 11
        ("A", "B", 10, "direct"),  # row 12 duplicate pair: A->B = 30 + 10 = 40
        ("B", "B", 7, "direct"),  # row 13 self-loop: skipped
        ("D", "C", 0, "direct"),  # row 14 zero: skipped
        ("PGP", "SHOP", 45, "direct"),  # row 15 between two outside parties
    ],
    columns=["supplier", "buyer", "value", "channel"],
)
FIVE_PARTIES = pd.DataFrame(
    {
        "party_id": ["MINE", "PGP", "UNUSED"],
        "kind": ["supplier", "intermediary", "buyer"],
        "name": ["Tambang", "Pengepul", "Never seen"],
    }
)
FIVE_COOP = pd.DataFrame(
    [
        ("A", "B", "shared_equipment"),  # row 2
        ("B", "A", "shared_equipment"),  # row 3 same tie reversed: counted once
        ("B", "C", "joint_marketing"),  # row 4
        ("A", "ZZ", "knowledge_sharing"),  # row 5 unknown id: skipped, reported
        ("C", "C", "joint_marketing"),  # row 6 self tie: skipped
    ],
    columns=["firm_a", "firm_b", "kind"],
)
