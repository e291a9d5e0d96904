"""Tests of linkage.core.balance: the balance frame and the unbalanced-table message."""

import numpy as np
import pandas as pd

from linkage.core.balance import balance_frame, unbalanced_message


def test_balance_frame_takes_the_larger_gap():
    x = np.array([100.0, 100.0, 0.0, 0.0])
    row = np.array([100.0, 130.0, 0.0, 0.0])
    col = np.array([90.0, 95.0, 0.0, 5.0])
    bal = balance_frame(x, row, col, list("abcd"))
    assert bal.columns.tolist() == ["total_output", "row_total", "column_total", "gap", "rel_gap"]
    # a: only the column total is off; b: the row total is further off than the column's
    assert bal["gap"].tolist() == [-10.0, 30.0, 0.0, 5.0]
    assert bal["rel_gap"].tolist() == [-0.1, 0.3, 0.0, np.inf]


def _frame(row, col, x=None):
    row, col = np.asarray(row, float), np.asarray(col, float)
    x = row if x is None else np.asarray(x, float)
    return balance_frame(x, row, col, [f"S{i + 1}" for i in range(len(row))])


def test_balanced_table_gives_no_message():
    assert unbalanced_message(_frame([100, 200], [100, 200.05]), 1e-3, x_given=False) == (0, "")


def test_message_counts_sides_and_names_the_worst_first():
    bal = _frame([100, 200, 300, 400], [100, 150, 310, 500])
    n, msg = unbalanced_message(bal, 1e-3, x_given=False, worst=2)
    assert n == 3
    assert "in 3 of 4 sectors" in msg
    assert "the row total is larger in 1 of them, the column total in 2" in msg
    # worst |rel_gap|: S2 (-25 %), then S4 (+25 %, same size: the stable order keeps S2 first)
    assert msg.index("sector 'S2'") < msg.index("sector 'S4'")
    assert "'S3'" not in msg and "'S1'" not in msg
    assert "x is the row total" in msg and "\n" not in msg


def test_message_says_which_x_was_given():
    bal = _frame([100, 200], [100, 200], x=[100, 250])
    n, msg = unbalanced_message(bal, 1e-3, x_given=True)
    assert n == 1
    assert "the total output given to the table (it differs from the row total in 1 sector)" in msg
    assert "x = 250" in msg


def test_amounts_in_the_message_are_readable():
    bal = pd.DataFrame(
        {"total_output": [2.5e6], "row_total": [2.5e6], "column_total": [2.0e6]},
        index=["mining"],
    )
    bal = balance_frame(bal["total_output"], bal["row_total"], bal["column_total"], bal.index)
    _, msg = unbalanced_message(bal, 1e-3, x_given=False)
    assert "row total 2,500,000 vs column total 2,000,000 (row larger, +20.0% of x)" in msg
