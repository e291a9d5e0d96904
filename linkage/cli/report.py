"""``linkage report``: one self-contained HTML report from a table and/or a sentra survey."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import echo_frame, one_line_errors, prepare_out_dir, survey_options


def echo_written(result: dict, out: Path) -> None:
    """Print the key sectors, the sentra classes and where the files went."""
    linkages = result.get("linkages")
    if linkages is not None and "key_sector" in linkages:
        key = linkages.index[linkages["key_sector"].astype(str) == "key"].tolist()
        click.echo(f"key sectors: {', '.join(map(str, key)) if key else 'none'}")
    clusters = result.get("clusters")
    if clusters is not None and len(clusters.sentra):
        click.echo("sentra activity:")
        cols = [
            c
            for c in (
                "n_firms",
                "internal_share",
                "excess",
                "cooperation_density",
                "p_value",
                "activity",
            )
            if c in clusters.sentra.columns
        ]
        echo_frame(clusters.sentra[cols])
    click.echo(
        f"wrote {len(result['files'])} files to {out}/: "
        + ", ".join(Path(p).name for p in result["files"])
    )
    click.echo(f"open {(out / 'report.html').resolve()} in a web browser (works offline)")


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
@click.option("--sheet", default=None, help="Excel sheet of TABLE.")
@click.option("--title", default="Linkage report", show_default=True)
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
    title,
    seed,
    max_nodes,
    out,
    force,
):
    """Write OUT/report.html: one offline HTML file with everything, plus the pages and CSVs.

    TABLE is an IO table (csv/xlsx/parquet/folder, as `linkage analyze` reads); --firms and
    --transactions (with optional --cooperation and --parties) add a sentra survey. Give a
    table, a survey or both. Also writes sectors.html, key_sectors.png/.svg, linkages.csv,
    multipliers.csv (table) and network.html, firms.csv, sentra.csv, communities.csv (survey).
    """
    from ..report.html import output_files, write_outputs
    from .network import check_seed_and_max_nodes

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
    out = prepare_out_dir(out, output_files(table is not None, firms is not None), force)
    sources = {}
    iotable = network = None
    if table is not None:
        from ..io.tables import read_table

        iotable = read_table(table, sheet=sheet) if sheet else read_table(table)
        click.echo(f"read {iotable!r}")
        sources["IO table"] = str(table)
    if firms is not None:
        from .network import echo_summary, load

        network = load(
            firms,
            transactions,
            cooperation,
            parties,
            intermediary_pattern,
            "skip" if skip_invalid else "error",
        )
        echo_summary(network)
        sources.update({"firms": str(firms), "transactions": str(transactions)})
        if cooperation:
            sources["cooperation"] = str(cooperation)
        if parties:
            sources["outside parties"] = str(parties)
    result = write_outputs(
        out,
        table=iotable,
        network=network,
        sources=sources,
        title=title,
        seed=seed,
        max_nodes=max_nodes,
        progress=lambda step: click.echo(f"... {step}"),
    )
    echo_written(result, out)
