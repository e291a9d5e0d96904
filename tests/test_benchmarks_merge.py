"""The suite keeps the best in-process ratio over the runs of a variant."""

from benchmarks.run import _keep_best_ratio


def test_best_ratio_over_runs_is_kept():
    kept = {"time_in_matvecs_here": 274.0, "matvec_here_s": 0.025}
    _keep_best_ratio(kept, {"time_in_matvecs_here": 125.0, "matvec_here_s": 0.026})
    assert kept == {"time_in_matvecs_here": 125.0, "matvec_here_s": 0.026}
    _keep_best_ratio(kept, {"time_in_matvecs_here": 200.0, "matvec_here_s": 0.02})
    assert kept == {"time_in_matvecs_here": 125.0, "matvec_here_s": 0.026}


def test_a_run_without_a_ratio_changes_nothing():
    kept = {"time_in_matvecs_here": 125.0}
    _keep_best_ratio(kept, {})
    assert kept == {"time_in_matvecs_here": 125.0}
    empty = {}
    _keep_best_ratio(empty, {"time_in_matvecs_here": 3.0, "matvec_here_s": 0.1})
    assert empty == {"time_in_matvecs_here": 3.0, "matvec_here_s": 0.1}
