"""``linkage network``: a sentra survey -> firm metrics, the sentra IO table, outside parties,
communities, active/passive sentra and the network page."""

from __future__ import annotations

import math
from pathlib import Path

import click
import pandas as pd

from ..io.results import result_files
from ..network import METHODS
from ..pipeline import NETWORK_FILES, analyze_network
from ..pipeline.network import FIRM_EXTRACTION_FILE
from ..viz import network_html
from ._common import (
    SOLVER_CHOICES,
    check_seed_and_max_nodes,
    echo_summary,
    format_option,
    load,
    one_line_errors,
    prepare_out_dir,
    renamed_option,
    survey_options,
)
from ._draws import draw_files, draws_options, write_draws
from ._lang import lang_option
from ._progress import Steps, counted, quiet_option

#: Files this command always writes (checked before anything is overwritten).
FILES = NETWORK_FILES
#: Sentra listed one by one on the console (all of them are in sentra.csv).
MAX_SENTRA_LINES = 30
#: The network page, written unless ``--no-html``.
HTML_FILE = "network.html"


def output_files(html: bool = True, fmt: str = "csv") -> tuple:
    """Names of the files the command writes (``network.html`` only when ``html``).

    Examples
    --------
    >>> output_files(False, "xlsx")
    ('results.xlsx',)
    """
    return tuple(result_files(FILES, fmt)) + ((HTML_FILE,) if html else ())


def check_detection_options(
    method: str, resolution: float, permutations: int, seed: int = 0, max_nodes: int = 0
) -> None:
    """Refuse impossible detection options before any work is done (one-line errors).

    Examples
    --------
    >>> check_detection_options("leiden", 0.0, 199)
    Traceback (most recent call last):
    ...
    ValueError: --resolution must be a positive number (got 0)
    """
    if method not in METHODS:
        raise ValueError(f"--detection must be one of {', '.join(METHODS)} (got {method!r})")
    if not (math.isfinite(resolution) and resolution > 0):
        raise ValueError(f"--resolution must be a positive number (got {resolution:g})")
    if method == "infomap" and resolution != 1.0:
        raise ValueError(
            f"--detection infomap has no resolution; leave --resolution at 1 (got {resolution:g})"
        )
    if permutations < 0:
        raise ValueError(f"--permutations must be 0 or more (got {permutations})")
    check_seed_and_max_nodes(seed, max_nodes)


def echo_clusters(clusters) -> None:
    """Each sentra's class, score and p-value, then the number of communities."""
    sentra = clusters.sentra
    n_perm = sentra.attrs.get("n_permutations", 0)
    test = f"permutation test with {n_perm} relabellings" if n_perm else "no permutation test"
    if len(sentra):
        source = clusters.sentra_source
        where = source if source.startswith("co-location") else f"column {source!r}"
        click.echo(f"sentra activity (sentra from {where}; {test}):")
        shown = sentra.iloc[:MAX_SENTRA_LINES]
        width = max(len(str(name)) for name in shown.index)
        for name, row in shown.iterrows():
            p = "n/a" if pd.isna(row["p_value"]) else f"{row['p_value']:.3f}"
            click.echo(
                f"  {str(name):<{width}}  {row['activity']:<7}  score "
                f"{row['activity_score']:.2f}  p-value {p}"
            )
        if len(sentra) > len(shown):
            n_active = int((sentra["activity"].astype(str) == "active").sum())
            click.echo(
                f"  ... and {len(sentra) - len(shown):,} more sentra; {n_active:,} of all "
                f"{len(sentra):,} are active (every sentra is in sentra.csv)"
            )
        alone = sentra.index[sentra["n_firms"] < 2].tolist()
        if alone:
            shown_alone = ", ".join(map(repr, map(str, alone[:5]))) + (
                " ..." if len(alone) > 5 else ""
            )
            click.echo(
                f"warning: {len(alone)} sentra with fewer than 2 listed firms ({shown_alone}): "
                "they cannot trade internally, so 'passive' says nothing about agglomeration "
                "there; check the sentra column of the firm list",
                err=True,
            )
        rule = sentra.attrs.get("rule")
        if rule is not None and n_perm and 1 / (n_perm + 1) > rule.alpha:
            click.echo(
                f"  note: with {n_perm} permutations the smallest possible p-value is "
                f"{1 / (n_perm + 1):.3g}, above {rule.alpha:g}: trade alone cannot make a "
                f"sentra active; use "
                f"--permutations {math.ceil(1 / rule.alpha) - 1} or more"
            )
    else:
        click.echo(
            "sentra activity: no sentra (the firm list has no sentra or region column, nor lat/lon)"
        )
    comm = clusters.communities
    attrs = comm.attrs
    within = f", within each {attrs['within']}" if attrs.get("within") else ""
    coop = "" if attrs.get("cooperation", True) else ", trade only"
    resolution = "" if clusters.method == "infomap" else f", resolution {clusters.resolution:g}"
    n_active = int((comm["activity"].astype(str) == "active").sum())
    click.echo(
        f"communities: {len(comm):,} ({clusters.method}{resolution}, seed {clusters.seed}"
        f"{within}{coop}; modularity {attrs.get('modularity', float('nan')):.3f}), "
        f"{n_active} active"
    )


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
@survey_options
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
    type=click.Choice(SOLVER_CHOICES),
    help="Leontief solver for the firm linkages.",
)
@renamed_option(
    "--detection",
    "--method",
    "method",
    default="leiden",
    metavar="[" + "|".join(METHODS) + "]",
    help="Community detection method.",
)
@click.option(
    "--resolution",
    default=1.0,
    show_default=True,
    type=float,
    help="Modularity resolution (> 0; above 1 gives smaller communities). Not for infomap.",
)
@click.option(
    "--within",
    default=None,
    metavar="COLUMN",
    help="Detect communities separately inside each group of this firm column "
    "(e.g. sentra): the sub-clusters of each sentra.",
)
@click.option(
    "--no-cooperation",
    is_flag=True,
    help="Detect communities on trade only (cooperation ties still count for activity).",
)
@click.option(
    "--permutations",
    default=199,
    show_default=True,
    type=int,
    help="Relabellings in the activity permutation test (0 skips the test).",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of community detection, the permutation test and the page layout.",
)
@click.option("--no-html", is_flag=True, help="Do not write network.html.")
@click.option(
    "--max-nodes",
    default=5000,
    show_default=True,
    type=int,
    help="Above this many nodes network.html shows one node per sentra.",
)
@click.option(
    "--out",
    default="network_results",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@click.option(
    "--extraction",
    is_flag=True,
    help="Also write OUT/firm_extraction.csv: output lost when each firm is hypothetically "
    "extracted (backward, forward, total; exact per firm, with a progress bar).",
)
@format_option
@lang_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@draws_options(seed=False)
@quiet_option
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
    method,
    resolution,
    within,
    no_cooperation,
    permutations,
    seed,
    no_html,
    max_nodes,
    out,
    extraction,
    fmt,
    lang,
    force,
    quiet,
    **draw_options,
):
    """Turn a sentra survey into firm metrics, the sentra's IO table, communities and
    active/passive sentra.

    Writes OUT/firms.csv (one row per firm, firm_id first, with its community, purchases,
    sales, local input share, share of sales via intermediaries, degrees and linkages),
    OUT/sector_table.csv (the sentra IO table in the wide layout `linkage analyze` reads),
    OUT/outside_parties.csv, OUT/sentra.csv (one row per sentra: active or passive and the
    measures behind it), OUT/communities.csv (one row per detected community) and
    OUT/network.html (an offline interactive page; --no-html skips it); --extraction adds
    OUT/firm_extraction.csv. --format xlsx
    writes the tables as one OUT/results.xlsx, --format parquet as .parquet files;
    --lang id writes network.html in Bahasa Indonesia. --draws N redraws the transaction
    values (lognormal, --value-cv) and optionally the firms (--bootstrap-firms) and writes
    OUT/linkages_draws.csv, OUT/firms_draws.csv and OUT/sentra_draws.csv (p5, p50, p95 and
    each sentra's share of active draws; docs/draws.md).
    """
    method = method.strip().lower()
    check_detection_options(method, resolution, permutations, seed, max_nodes)
    extra = result_files([FIRM_EXTRACTION_FILE], fmt) if extraction and fmt != "xlsx" else []
    files = output_files(not no_html, fmt) + tuple(extra) + draw_files(**draw_options)
    out = prepare_out_dir(out, files, force)
    steps = Steps(quiet=quiet)
    steps.callback(f"reading {Path(firms).name} and {Path(transactions).name}")
    net = load(
        firms,
        transactions,
        cooperation,
        parties,
        intermediary_pattern,
        "skip" if skip_invalid else "error",
    )
    if within is not None and within not in net.firms.columns:
        raise ValueError(
            f"--within: {firms} has no column {within!r} "
            f"(columns: {', '.join(map(str, net.firms.columns))})"
        )
    detection = {
        "method": method,
        "resolution": resolution,
        "seed": seed,
        "cooperation": not no_cooperation,
        "within": within,
        "n_permutations": permutations,
    }
    steps.callback(f"firm metrics, sentra table and communities of {net.n_firms:,} firms")
    # the bar opens (closing the spinner) at the first count of the extraction
    with counted("extracting firms", extraction and steps.enabled, steps.close) as progress:
        results = analyze_network(
            net,
            solver,
            sector_table=True,
            by=by,
            area=area,
            detection=detection,
            extraction=extraction,
            progress=progress,
        )
    paths = results.write(out, fmt=fmt)
    if not no_html:
        steps.callback("drawing network.html")
        paths[HTML_FILE] = network_html(
            net,
            results.clusters,
            out / HTML_FILE,
            metrics=results.metrics,
            max_nodes=max_nodes,
            seed=seed,
            lang=lang,
        )
    steps.close()
    echo_summary(net)
    echo_clusters(results.clusters)
    paths.update(
        write_draws(
            net,
            out,
            transactions=transactions,
            solver=solver,
            by=by,
            area=area,
            detection=detection,
            seed=seed,
            quiet=quiet,
            **draw_options,
        )
    )
    click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
