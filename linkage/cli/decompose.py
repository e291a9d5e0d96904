"""``linkage decompose TABLE0 TABLE1``: why output changed between two tables of a region."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputFileError
from ..io.labels import norm_label
from ..io.results import result_files
from ..io.vocabulary_check import OptionalLabels, parse_label_list
from ..pipeline.impact import DECOMPOSITION_FILES, run_decomposition
from ._common import (
    echo_frame,
    format_option,
    one_line_errors,
    prepare_out_dir,
    read_table_labels,
    table_label_options,
)


def read_both(paths, sheets, final_demand=None, primary_inputs=None, skip_hidden=False) -> list:
    """The two tables, each read with ``--final-demand`` / ``--primary-inputs``.

    One list of labels serves both tables: a label one table does not have is no error
    there (:class:`~linkage.io.vocabulary_check.OptionalLabels`), but every label must
    be a final-demand column (primary-input row) of at least one of them, so that a typo
    in the option is still an error.
    """
    fd, pi = parse_label_list(final_demand), parse_label_list(primary_inputs)
    tables = [
        read_table_labels(
            path, sheet, fd and OptionalLabels(fd), pi and OptionalLabels(pi), skip_hidden
        )
        for path, sheet in zip(paths, sheets, strict=True)
    ]
    for option, labels, lines in (
        ("--final-demand", fd, [t.final_demand.columns for t in tables]),
        ("--primary-inputs", pi, [t.primary_inputs.columns for t in tables]),
    ):
        read = {norm_label(x) for cols in lines for x in cols}
        unused = [x for x in labels or () if norm_label(x) not in read]
        if unused:
            what = (
                "columns read as final demand"
                if option == "--final-demand"
                else ("rows read as primary inputs")
            )
            raise InputFileError(
                f"{option} names {unused[:5]}, which are not {what} in either table",
                path=paths[0],
            )
    return tables


@click.command("decompose")
@click.argument("table0", type=click.Path(path_type=Path))
@click.argument("table1", type=click.Path(path_type=Path))
@click.option(
    "--concordance",
    "concordance_path",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV or .xlsx with two columns: a sector label of either table -> the common "
    "sector; both tables are aggregated to the common sectors first.",
)
@click.option(
    "--split-final-demand",
    is_flag=True,
    help="Also split the final-demand effect into its level and its mix (columns level, mix).",
)
@click.option("--sheet0", default=None, help="Excel sheet of TABLE0.")
@click.option("--sheet1", default=None, help="Excel sheet of TABLE1.")
@table_label_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("linkage-out") / "decomposition",
    show_default=True,
    help="Folder for decomposition.csv.",
)
@format_option
@click.option("--force", is_flag=True, help="Overwrite an existing decomposition.csv.")
@one_line_errors
def command(
    table0,
    table1,
    concordance_path,
    split_final_demand,
    sheet0,
    sheet1,
    final_demand,
    primary_inputs,
    skip_hidden,
    out,
    fmt,
    force,
):
    """Structural decomposition of the change in output from TABLE0 to TABLE1.

    Splits x1 - x0 of every sector into a technology effect (the change in input
    coefficients) and a final-demand effect, the average of the two polar decompositions
    (Dietzenbacher & Los 1998), exactly additive per sector. Writes OUT/decomposition.csv
    (sector, delta_x, technology, final_demand[, level, mix]). Both tables must be in the
    same prices: deflating is yours. --final-demand and --primary-inputs apply to both
    tables: a label one table lacks is fine, a label neither has is an error.
    """
    for path in (table0, table1, concordance_path):
        if path is not None and not Path(path).exists():
            raise InputFileError("no such file or folder", path=path)
    if not force:
        prepare_out_dir(out, result_files(DECOMPOSITION_FILES, fmt), force)
    t0, t1 = read_both(
        (table0, table1), (sheet0, sheet1), final_demand, primary_inputs, skip_hidden
    )
    results = run_decomposition(
        t0, t1, concordance_path=concordance_path, final_demand_split=split_final_demand
    )
    out = prepare_out_dir(out, result_files(DECOMPOSITION_FILES, fmt), force)
    written = results.write(out, fmt)
    frame = results.decomposition
    click.echo(f"{len(frame)} sectors; change in total output by effect:")
    echo_frame(frame.sum().to_frame("total").T)
    top = frame.reindex(frame["delta_x"].abs().sort_values(ascending=False).index).head(10)
    click.echo("largest changes:")
    echo_frame(top)
    gap = frame.attrs["gap"]
    click.echo(f"largest |technology + final_demand - delta_x|: {gap:.1e}")
    for note in results.notes:
        click.echo(f"note: {note}")
    click.echo(f"wrote {written[0]}")
