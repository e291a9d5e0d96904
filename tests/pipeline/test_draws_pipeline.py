"""Monte Carlo draws on the Dask executor (linkage.pipeline.draws) and their options on
the command line (linkage.cli._draws): the same numbers on 1 and 2 workers, the CV column
of a survey read row by row, the files and their columns, one-line errors."""

from __future__ import annotations

import warnings

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from linkage import load_example_network
from linkage.cli._common import one_line_errors
from linkage.cli._draws import draw_files, draws_options, write_draws
from linkage.errors import InputFileError
from linkage.io import read_network
from linkage.network.draws import FIRM_MEASURES, DrawOptions
from linkage.pipeline.draws import (
    DRAW_FILES,
    draw_chunks,
    draw_client,
    network_draws,
    survey_value_errors,
)
from linkage.pipeline.executor import dask_client, run_tasks

DETECTION = {"n_permutations": 19, "seed": 0}


@pytest.fixture(scope="module")
def example():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_example_network()


def survey(tmp_path, cv_cells=("0.1", "0.5", "", "0.3")):
    """A two-sentra survey whose transactions carry a ``Value CV`` column."""
    firms = pd.DataFrame(
        {
            "firm_id": ["A", "B", "C", "D"],
            "sector": ["clay", "pots", "clay", "pots"],
            "sentra": ["Plered", "Plered", "Kasongan", "Kasongan"],
        }
    )
    tx = pd.DataFrame(
        {
            "supplier": ["A", "A", "B", "C", "D", "QUARRY", "QUARRY"],
            "buyer": ["B", "B", "PGP", "D", "PGP", "A", "C"],
            "value": [10, 30, 80, 20, 50, 5, 8],
            "Value CV": list(cv_cells) + ["0.2", "0.2", "0.2"],
        }
    )
    firms.to_csv(tmp_path / "firms.csv", index=False)
    tx.to_csv(tmp_path / "transactions.csv", index=False)
    return tmp_path / "firms.csv", tmp_path / "transactions.csv"


def read(firms, tx):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_network(firms, tx)


# ---------------------------------------------------------------- workers
def test_same_seed_same_numbers_on_one_and_two_workers(example):
    errors = survey_value_errors(example, cv=0.3)
    options = DrawOptions(4, seed=3, bootstrap_firms=True)
    # one worker thread in this process, against two worker processes (the job pickled)
    one = network_draws(example, options, errors, detection=DETECTION, workers=1, processes=False)
    two = network_draws(example, options, errors, detection=DETECTION, workers=2, chunk_size=3)
    assert (one.n_tasks, two.n_tasks) == (4, 2)
    for a, b in zip(
        (one.linkages, one.firms, one.sentra), (two.linkages, two.firms, two.sentra), strict=True
    ):
        # the same draws; worker processes run BLAS on one thread (Dask sets it), this
        # process on several, so sums of LU solves may differ in the last bits
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-15)
    assert (one.firms["bl_total_p95"] > one.firms["bl_total_p5"]).any()


def _draws_in_a_task(item):
    network, options, errors = item
    return network_draws(network, options, errors, detection=DETECTION).sentra


def _draw_scheduler(item):
    with draw_client() as client:
        return client.scheduler.address


def test_draws_inside_a_batch_task_use_the_batch_cluster(example):
    # a linkage batch task runs on a worker process, which cannot start worker processes
    errors = survey_value_errors(example, cv=0.3)
    options = DrawOptions(3, seed=2)
    with dask_client(workers=1, processes=False) as client:
        [(_, address)] = run_tasks(client, _draw_scheduler, [0])
        assert address == client.scheduler.address
        [(_, inside)] = run_tasks(client, _draws_in_a_task, [(example, options, errors)])
    assert isinstance(inside, pd.DataFrame), inside
    direct = network_draws(example, options, errors, detection=DETECTION, processes=False)
    pd.testing.assert_frame_equal(inside, direct.sentra, check_exact=False, rtol=1e-12)


def test_chunks_cover_every_draw_once():
    for n, size in ((1, None), (7, 3), (1000, None), (64, None)):
        chunks = draw_chunks(n, size)
        covered = np.concatenate([np.arange(a, b) for a, b in chunks])
        assert covered.tolist() == list(range(n))
        assert len(chunks) <= 64


# ---------------------------------------------------------------- the CV column
def test_cv_column_is_read_row_by_row(tmp_path):
    firms, tx = survey(tmp_path)
    net = read(firms, tx)
    errors = survey_value_errors(net, tx, cv=0.25, cv_column="Value CV")
    # the two rows of (A, B) are drawn on their own, with their own CV
    ab = net.edges.index[(net.edges["source"] == 0) & (net.edges["target"] == 1)][0]
    rows = errors.edge == ab
    assert errors.value[rows].tolist() == [10.0, 30.0]
    assert errors.cv[rows].tolist() == [0.1, 0.5]
    assert sorted(errors.cv.tolist()) == [0.1, 0.2, 0.2, 0.2, 0.25, 0.3, 0.5]  # "" -> 0.25
    # without the file every edge is one row
    assert len(survey_value_errors(net, cv=0.25).edge) == len(net.edges)


@pytest.mark.parametrize(
    "cells, cv, column, message",
    [
        (("0.1", "0.5", "", "0.3"), None, "Value CV", "row 4, column 'Value CV': the value CV is"),
        (("0.1", "-0.5", "0.2", "0.3"), 0.2, "Value CV", "row 3, column 'Value CV': the value CV"),
        (("0.1", "lots", "0.2", "0.3"), 0.2, "Value CV", "row 3, column 'Value CV': the value CV"),
        (("0.1", "0.5", "0.2", "0.3"), 0.2, "error", "no column 'error' for --value-cv-column"),
    ],
)  # fmt: skip
def test_bad_cv_cells_are_one_line_errors(tmp_path, cells, cv, column, message):
    firms, tx = survey(tmp_path, cells)
    net = read(firms, tx)
    with pytest.raises(InputFileError) as info:
        survey_value_errors(net, tx, cv=cv, cv_column=column)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert str(tx) in str(info.value)


def test_transactions_of_another_survey_are_refused(tmp_path, example):
    firms, tx = survey(tmp_path)
    with pytest.raises(InputFileError, match="not the transactions the network was read from"):
        survey_value_errors(read(firms, tx), __import__("linkage").io.examples.data_path(
            "sentra", "transactions.csv"))  # fmt: skip


# ---------------------------------------------------------------- files
def test_files_have_the_documented_columns(tmp_path, example):
    errors = survey_value_errors(example, cv=0.2)
    r = network_draws(example, DrawOptions(3), errors, detection=DETECTION, workers=1,
                      processes=False)  # fmt: skip
    paths = r.write(tmp_path)
    assert list(paths) == list(DRAW_FILES)
    lk = pd.read_csv(paths["linkages_draws.csv"])
    firms = pd.read_csv(paths["firms_draws.csv"])
    sentra = pd.read_csv(paths["sentra_draws.csv"])
    assert lk.columns[:3].tolist() == ["sector", "key_sector", "share_key"]
    assert lk.columns[3:7].tolist() == [
        "output_multiplier", "output_multiplier_p5", "output_multiplier_p50",
        "output_multiplier_p95",
    ]  # fmt: skip
    assert firms.columns[:6].tolist() == [
        "firm_id",
        "sector",
        "sentra",
        "linkage_class",
        "share_key",
        "share_present",
    ]
    assert all(f"{m}_p95" in firms.columns for m in FIRM_MEASURES)
    assert sentra.columns[:4].tolist() == ["sentra", "n_firms", "activity", "share_active"]
    assert len(sentra) == 4 and len(firms) == example.n_firms
    # p5 <= p50 <= p95 wherever defined
    for frame in (lk, firms, sentra):
        for m in [c[:-4] for c in frame.columns if c.endswith("_p50")]:
            ok = frame[f"{m}_p50"].notna()
            assert (frame.loc[ok, f"{m}_p5"] <= frame.loc[ok, f"{m}_p50"] + 1e-12).all()
            assert (frame.loc[ok, f"{m}_p50"] <= frame.loc[ok, f"{m}_p95"] + 1e-12).all()


# ---------------------------------------------------------------- command line
@click.command()
@click.option("--firms")
@click.option("--transactions")
@click.option("--out")
@draws_options
@one_line_errors
def draws_command(firms, transactions, out, **draw_options):
    """A command as ``linkage network`` wires the draws."""
    files = draw_files(**draw_options)
    net = read(firms, transactions)
    paths = write_draws(net, out, transactions=transactions, detection=DETECTION, **draw_options)
    assert tuple(paths) == files
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")


@pytest.fixture(scope="module")
def scheduler():
    """A running scheduler with one worker thread, in this process (``--scheduler``)."""
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_command_line_draws_write_the_files(tmp_path, scheduler):
    firms, tx = survey(tmp_path)
    result = CliRunner().invoke(
        draws_command,
        ["--firms", str(firms), "--transactions", str(tx), "--out", str(tmp_path),
         "--draws", "4", "--value-cv-column", "Value CV", "--value-cv", "0.2",
         "--bootstrap-firms", "--seed", "4", "--scheduler", scheduler],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "draws: 4 (value CV from column 'Value CV'; value CV 0.2 for empty cells" in (
        result.output
    )
    assert "of the draws" in result.output
    for name in DRAW_FILES:
        assert (tmp_path / name).is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--draws", "5"], "error: --draws needs --value-cv, --value-cv-column or"),
        (["--draws", "-1"], "error: --draws must be 0 or more (got -1)"),
        (["--value-cv", "0.2"], "error: --value-cv needs --draws N"),
        (["--draws", "5", "--value-cv", "-0.2"], "error: --value-cv must be a number of 0 or more"),
        (["--draws", "5", "--value-cv", "nan"], "error: --value-cv must be a number of 0 or more"),
        (["--draws", "5", "--bootstrap-firms", "--workers", "0"], "error: --workers must be 1"),
        (["--draws", "5", "--bootstrap-firms", "--seed", "-2"], "error: --seed must be 0 or more"),
        (["--draws", "5", "--bootstrap-firms", "--workers", "2", "--scheduler", "tcp://x:1"],
         "error: give --workers (a local cluster) or --scheduler, not both"),
    ],
)  # fmt: skip
def test_bad_draw_options_are_one_line_errors(tmp_path, args, message):
    firms, tx = survey(tmp_path)
    files = ["--firms", str(firms), "--transactions", str(tx), "--out", str(tmp_path)]
    result = CliRunner().invoke(draws_command, files + args)
    assert result.exit_code == 1
    assert result.output.strip().startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not any((tmp_path / name).exists() for name in DRAW_FILES)
