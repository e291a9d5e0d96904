"""``linkage network``: a sentra survey -> firm metrics, the sentra IO table, outside parties."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ._common import echo_diagnostics, one_line_errors, prepare_out_dir

#: Files this command writes (checked before anything is overwritten).
FILES = ("firms.csv", "sector_table.csv", "outside_parties.csv")


def load(
    firms,
    transactions,
    cooperation=None,
    parties=None,
    intermediary_pattern=None,
    on_invalid="error",
):
    """Read the survey and print what was read."""
    from ..network import read_network

    net = read_network(
        firms,
        transactions,
        cooperation,
        parties,
        intermediary_pattern=intermediary_pattern,
        on_invalid=on_invalid,
    )
    click.echo(f"read {net!r}")
    info = [f for f in net.diagnostics if f.level != "warning"]  # warnings were printed
    if info:
        from ..diagnostics import Diagnostics

        echo_diagnostics(Diagnostics(info))
    return net


def firm_table(net, metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per listed firm, ``firm_id`` first: its attributes then its metrics."""
    frame = net.firms.drop(columns=[c for c in net.firms.columns if c in metrics.columns])
    frame = pd.concat([net.firms[["sector"]], frame], axis=1).join(metrics.drop(columns="sector"))
    first = [
        c
        for c in ("name", "sector", "sentra", "region", "workers", "size_class")
        if c in frame.columns
    ]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    frame.index.name = "firm_id"
    return frame.reset_index()


def write_outputs(out: Path, net, metrics, table) -> dict:
    """Write firms.csv, sector_table.csv and outside_parties.csv; return their paths."""
    from ..readers import write_table

    paths = {name: out / name for name in FILES}
    firm_table(net, metrics).to_csv(paths["firms.csv"], index=False, encoding="utf-8")
    write_table(table, paths["sector_table.csv"])
    net.parties.reset_index().to_csv(paths["outside_parties.csv"], index=False, encoding="utf-8")
    return paths


def echo_summary(net) -> None:
    """The headline figures of the network, one per line."""
    s = net.summary()

    def pct(v):
        return "n/a" if v != v else f"{v:.1%}"

    lines = [
        ("firms", f"{s['firms']:,} ({s['firms_without_transactions']} without transactions)"),
        (
            "transactions",
            f"{s['transactions_read']:,} rows read, {s['transactions_used']:,} "
            f"used, {s['pairs']:,} supplier-buyer pairs "
            f"({s['duplicate_rows_merged']} duplicate rows merged, "
            f"{s['self_loops_skipped']} self-loops and {s['zero_values_skipped']}"
            f" zero values skipped, {s['invalid_rows_skipped']} invalid skipped)",
        ),
        ("outside parties", f"{s['outside_parties']:,} ({s['intermediaries']} intermediaries)"),
        ("cooperation ties", f"{s['cooperation_ties']:,} ({s['cooperation_skipped']} skipped)"),
        ("trade inside", f"{pct(s['inside_share'])} of the firms' trade is between listed firms"),
        ("local input share", f"{pct(s['local_input_share'])} of purchases from listed firms"),
        ("via intermediaries", f"{pct(s['intermediary_sales_share'])} of sales"),
    ]
    width = max(len(k) for k, _ in lines)
    for key, text in lines:
        click.echo(f"  {key:<{width}}  {text}")


@click.command("network")
@click.option(
    "--firms",
    "firms",
    required=True,
    type=click.Path(dir_okay=False),
    help="Firm list (csv/xlsx/parquet): firm_id, sector, [name, sentra, region, "
    "workers, output, lat, lon].",
)
@click.option(
    "--transactions",
    required=True,
    type=click.Path(dir_okay=False),
    help="supplier, buyer, value, [product, channel].",
)
@click.option(
    "--cooperation", type=click.Path(dir_okay=False), help="firm_a, firm_b, kind (undirected ties)."
)
@click.option(
    "--parties",
    type=click.Path(dir_okay=False),
    help="Outside parties: party_id, kind (intermediary|supplier|buyer), [name].",
)
@click.option(
    "--intermediary-pattern",
    default=None,
    help="Regular expression: ids that match it are middlemen (e.g. '^PGP').",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Skip and report rows with missing, non-numeric or negative values instead of stopping.",
)
@click.option(
    "--by",
    default="sector",
    show_default=True,
    help="Firm column that defines the sectors of sector_table.csv.",
)
@click.option(
    "--area",
    default=None,
    help="Sentra (or region) whose firms are inside sector_table.csv; default all.",
)
@click.option(
    "--solver",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "dense", "splu", "iterative"]),
    help="Leontief solver for the firm linkages.",
)
@click.option(
    "--out",
    default="network_results",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@one_line_errors
def command(
    firms,
    transactions,
    cooperation,
    parties,
    intermediary_pattern,
    skip_invalid,
    by,
    area,
    solver,
    out,
    force,
):
    """Turn a sentra survey into firm metrics, the sentra's IO table and outside parties.

    Writes OUT/firms.csv (one row per firm, firm_id first, with its purchases, sales,
    local input share, share of sales via intermediaries, degrees and linkages),
    OUT/sector_table.csv (the sentra IO table in the wide layout `linkage analyze` reads)
    and OUT/outside_parties.csv.
    """
    out = prepare_out_dir(out, FILES, force)
    net = load(
        firms,
        transactions,
        cooperation,
        parties,
        intermediary_pattern,
        "skip" if skip_invalid else "error",
    )
    metrics = net.firm_metrics(method=solver)
    table = net.to_iotable(by=by, area=area)
    paths = write_outputs(out, net, metrics, table)
    echo_summary(net)
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
