"""``_composition`` on integer codes gives the text of the pandas value_counts code it replaced.

``_reference_composition`` is the function before the change (copied); random groupings
with ties, missing values, values that only differ in type (1 and "1" print alike) and
groups without firms must give the same text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkage.network.communities import _composition


def _reference_composition(codes, values, n_groups, top):
    out = np.full(n_groups, "", dtype=object)
    ok = codes >= 0
    if not ok.any():
        return out
    frame = pd.DataFrame(
        {
            "g": codes[ok],
            "v": pd.Series(values[ok], dtype=object).fillna("(none)").astype(str).to_numpy(),
        }
    )
    counts = frame.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["g", "n", "v"], ascending=[True, False, True], kind="stable")
    counts["rank"] = counts.groupby("g").cumcount()
    n_values = counts.groupby("g").size()
    shown = counts[counts["rank"] < top]
    text = (shown["v"] + ": " + shown["n"].astype(str)).groupby(shown["g"]).agg(", ".join)
    more = n_values[n_values > top]
    if len(more):
        rest = counts[counts["rank"] >= top].groupby("g")["n"].sum()
        text.loc[more.index] = (
            text.loc[more.index] + ", others: " + rest.loc[more.index].astype(str)
        )
    out[text.index.to_numpy()] = text.to_numpy(dtype=object)
    return out


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("top", [1, 3, 5])
def test_composition_equals_the_pandas_reference(seed, top):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 400)), int(rng.integers(1, 30))
    codes = rng.integers(-1, k, n)
    pool = np.array(["Plered", "Trusmi", "batik", "B", "a", "(none)", None, 1, "1", 2.5,
                     np.nan, "Kasongan", "é"], dtype=object)  # fmt: skip
    values = pool[rng.integers(0, pool.size if seed % 2 else 5, n)]
    got = _composition(codes, values, k + 2, top)
    np.testing.assert_array_equal(got, _reference_composition(codes, values, k + 2, top))


def test_composition_of_arrow_strings_and_categoricals():
    codes = np.array([0, 0, 0, 1, -1, 1])
    words = ["x", "y", "x", None, "z", "y"]
    ref = _reference_composition(codes, np.array(words, dtype=object), 3, 1)
    for values in (pd.array(words, dtype="str"), pd.Categorical(words)):
        np.testing.assert_array_equal(_composition(codes, values, 3, 1), ref)
    assert ref.tolist() == ["x: 2, others: 1", "(none): 1, others: 1", ""]


def test_composition_without_firms_is_empty():
    assert _composition(np.full(3, -1), np.array(["a", "b", "c"], dtype=object), 2, 3).tolist() == [
        "",
        "",
    ]
