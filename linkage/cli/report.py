"""``linkage report``: one self-contained HTML report from a table and/or a sentra survey."""

from __future__ import annotations

import click

from ..pipeline import output_files, write_outputs
from ..viz.i18n import t
from ._common import (
    check_seed_and_max_nodes,
    echo_summary,
    echo_written,
    format_option,
    load,
    one_line_errors,
    prepare_out_dir,
    read_table_labels,
    solver_options,
    survey_options,
    table_label_options,
)
from ._lang import lang_option, pdf_option


@click.command("report")
@click.argument("table", required=False, type=click.Path(exists=True))
@click.option(
    "--firms",
    type=click.Path(dir_okay=False, exists=True),
    help="Firm list of a sentra survey (csv/xlsx/parquet).",
)
@click.option(
    "--transactions",
    type=click.Path(dir_okay=False, exists=True),
    help="Transactions of the survey: supplier, buyer, value.",
)
@survey_options
@click.option(
    "--sheet",
    default=None,
    help="Excel sheet of TABLE: a name, or a 0-based position when no sheet has that name.",
)
@table_label_options
@click.option("--title", default=None, help="Report title [default: 'Linkage report' in --lang].")
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of community detection, the permutation test and the layouts.",
)
@click.option(
    "--max-nodes",
    default=5000,
    show_default=True,
    type=int,
    help="Above this many nodes the network page shows one node per sentra.",
)
@click.option(
    "--out",
    default="linkage-report",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@solver_options
@format_option
@lang_option
@pdf_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@one_line_errors
def command(
    table,
    firms,
    transactions,
    cooperation,
    parties,
    intermediary_pattern,
    skip_invalid,
    sheet,
    final_demand,
    primary_inputs,
    skip_hidden,
    title,
    seed,
    max_nodes,
    out,
    solver,
    fmt,
    lang,
    pdf,
    force,
):
    """Write OUT/report.html: one offline HTML file with everything, plus the pages and CSVs.

    TABLE is an IO table (csv/xlsx/parquet/folder, as `linkage analyze` reads); --firms and
    --transactions (with optional --cooperation and --parties) add a sentra survey. Give a
    table, a survey or both. Also writes sectors.html, key_sectors.png/.svg, linkages.csv,
    multipliers.csv (table) and network.html, firms.csv, sentra.csv, communities.csv (survey);
    --format xlsx writes the tables as one results.xlsx, --format parquet as .parquet files;
    --lang id writes the report and pages in Bahasa Indonesia; --pdf also prints report.pdf.
    """
    if (firms is None) != (transactions is None):
        raise click.UsageError("--firms and --transactions go together")
    if (cooperation or parties or intermediary_pattern or skip_invalid) and firms is None:
        raise click.UsageError(
            "--cooperation, --parties, --intermediary-pattern and --skip-invalid need --firms "
            "and --transactions"
        )
    if table is None and firms is None:
        raise click.UsageError("give a TABLE, or --firms and --transactions, or both")
    check_seed_and_max_nodes(seed, max_nodes)
    files = output_files(table is not None, firms is not None, fmt) + (
        ["report.pdf"] if pdf else []
    )
    out = prepare_out_dir(out, files, force)
    sources = {}
    iotable = network = None
    if table is not None:
        iotable = read_table_labels(table, sheet, final_demand, primary_inputs, skip_hidden)
        click.echo(f"read {iotable!r}")
        sources[t("source.table", lang)] = str(table)
    if firms is not None:
        network = load(
            firms,
            transactions,
            cooperation,
            parties,
            intermediary_pattern,
            "skip" if skip_invalid else "error",
        )
        echo_summary(network)
        sources[t("source.firms", lang)] = str(firms)
        sources[t("source.transactions", lang)] = str(transactions)
        if cooperation:
            sources[t("source.cooperation", lang)] = str(cooperation)
        if parties:
            sources[t("source.parties", lang)] = str(parties)
    result = write_outputs(
        out,
        table=iotable,
        network=network,
        sources=sources,
        title=title,
        seed=seed,
        max_nodes=max_nodes,
        solver=solver,
        progress=lambda step: click.echo(f"... {step}"),
        fmt=fmt,
        lang=lang,
        pdf=pdf,
    )
    echo_written(result, out)
