"""Number formats (linkage.io.numbers): detection rules and exact parsing, by example and by
property (a number written the Indonesian or the English way reads back as itself)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.io.numbers import detect_number_format, parse_cells


def _fmt(value: float, decimal: str, thousands: str, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"  # English with ',' thousands
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return ("-" if value < 0 else "") + text


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(-1e12, 1e12, allow_nan=False),
    decimals=st.integers(0, 4),
    style=st.sampled_from([(",", "."), (".", ","), (",", ""), (".", ""), (".", " ")]),
)
def test_written_numbers_read_back(value, decimals, style):
    decimal, thousands = style
    text = _fmt(value, decimal, thousands, decimals)
    expected = float(f"{value:.{decimals}f}")
    got = parse_cells([[text]], decimal=decimal, thousands=thousands)
    assert not got.bad.any(), text
    assert got.values[0, 0] == expected


@pytest.mark.parametrize(
    "cells, decimal",
    [
        (["1.234.567"], ","),  # several dot groups: thousands dots
        (["1.234,5"], ","),
        (["12,5"], ","),
        (["0,25", "7"], ","),
        (["1,234,567"], "."),
        (["1,234.5"], "."),
        (["12.5"], "."),
        (["3.14159", "2"], "."),
    ],
)
def test_detection_evidence(cells, decimal):
    fmt = detect_number_format(cells)
    assert fmt.decimal == decimal and not fmt.ambiguous


def test_detection_majority_and_ambiguity():
    # both kinds of evidence: the majority wins, and the odd cell is then an error
    fmt = detect_number_format(["1.234,5", "2.000,25", "12.5"])
    assert fmt.decimal == ","
    assert parse_cells([["12.5"]], fmt.decimal, fmt.thousands).bad.all()
    # only "1.234"-like cells: ambiguous; the separator decides
    assert detect_number_format(["1.234", "5"], hint_sep=";").decimal == ","
    amb = detect_number_format(["1.234", "5"], hint_sep=",")
    assert amb.decimal == "." and amb.ambiguous
    # plain integers are not ambiguous
    assert not detect_number_format(["1234", "5"]).ambiguous
    # numbers (Excel cells) carry no evidence
    assert detect_number_format([1.5, 2]).decimal == "."


def test_zero_like_cells_and_counts():
    r = parse_cells([["-", "–", "", None, "  ", "(1.000)", "1 234"]], ",", ".")
    np.testing.assert_array_equal(r.values, [[0, 0, 0, 0, 0, -1000, 1234]])
    assert r.counts == {"dash": 2, "empty": 3, "parentheses": 1, "thousands": 1, "spaces": 1}
    assert r.counts_in(np.array([[True] * 2 + [False] * 5])) == {"dash": 2}


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23.4", "12,34,5", "--5", "1e", "nan"])
def test_not_numbers_are_bad(text):
    assert parse_cells([[text]], ",", ".").bad.all()
    assert parse_cells([[text]], ".", ",").bad.all()


def test_mixed_excel_cells():
    r = parse_cells(np.array([[1, 2.5, "3,5", None, float("nan")]], dtype=object), ",", ".")
    np.testing.assert_array_equal(r.values, [[1, 2.5, 3.5, 0, 0]])
    assert r.counts == {"empty": 2, "decimal_comma": 1}


@pytest.mark.parametrize("text", ["inf", "-Infinity", "1e400", "1.5e999"])
def test_infinite_numbers_are_bad_cells(text):
    # caught here they are reported at their cell, not later as a table error
    assert parse_cells([[text, "1"]], ".", ",").bad.tolist() == [[True, False]]
    assert parse_cells(np.array([[float("inf")]], dtype=object), ".", ",").bad.all()


def test_unicode_minus_sign():
    # U+2212, as typeset tables and some locales write negatives (inventory change)
    r = parse_cells([["\u221234,5", "\u22121.234,5"]], ",", ".")
    np.testing.assert_array_equal(r.values, [[-34.5, -1234.5]])
    assert not r.bad.any()
    assert detect_number_format(["\u22121.234,5", "\u221212,5"]).decimal == ","
