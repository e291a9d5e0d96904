"""``linkage demo``: the whole pipeline on the embedded example data."""

from __future__ import annotations

import os
import warnings
from dataclasses import replace

import click

from ..errors import LinkageWarning
from ..io import data_path, load_example_network, load_example_table
from ..pipeline import output_files, write_outputs
from ..viz.i18n import t
from ._common import (
    check_seed_and_max_nodes,
    echo_summary,
    echo_written,
    format_option,
    one_line_errors,
    prepare_out_dir,
)
from ._lang import lang_option, pdf_option


@click.command("demo")
@click.option(
    "--out",
    default="linkage-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of community detection, the permutation test and the layouts.",
)
@format_option
@lang_option
@pdf_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@one_line_errors
def command(out, seed, fmt, lang, pdf, force):
    """Run everything on the example data and write a report you can open in a browser.

    The example data (synthetic, documented in data/README.md) are a 15-sector regional IO
    table and a survey of four sentra (ceramics, batik, leather and slag aluminium). Writes
    OUT/report.html (one offline file with all results), sectors.html, network.html,
    key_sectors.png/.svg and the result tables (CSV; --format xlsx or parquet).
    """
    check_seed_and_max_nodes(seed)
    files = output_files(True, True, fmt) + (["report.pdf"] if pdf else [])
    out = prepare_out_dir(out, files, force)
    table = _load(load_example_table)
    click.echo(f"read {table!r} (example data, synthetic)")
    network = _load(load_example_network)
    click.echo(f"read {network!r} (example sentra survey, synthetic)")
    echo_summary(network)
    sentra = data_path("sentra")
    example = t("source.example", lang)
    sources = {
        t("source.table", lang): f"example_table.csv ({example})",
        t("source.survey", lang): f"{sentra.name}/firms.csv, transactions.csv, "
        f"cooperation.csv, parties.csv ({example})",
    }
    result = write_outputs(
        out,
        table=table,
        network=network,
        sources=sources,
        seed=seed,
        title=t("demo.title", lang),
        progress=lambda step: click.echo(f"... {step}"),
        fmt=fmt,
        lang=lang,
        pdf=pdf,
    )
    echo_written(result, out)


def example_names(text: str) -> str:
    """``text`` with the example data's install folder left out (``sentra/firms.csv``).

    Examples
    --------
    >>> example_names(f"{data_path('sentra', 'firms.csv')}: 1 firm(s) have no transactions")
    'sentra/firms.csv: 1 firm(s) have no transactions'
    """
    return text.replace(f"{data_path()}{os.sep}", "")


def _load(loader):
    """An example object whose findings and warnings name the files, not install paths."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LinkageWarning)
        loaded = loader()
    for warning in caught:
        if issubclass(warning.category, LinkageWarning):
            click.echo(f"warning: {example_names(str(warning.message))}", err=True)
    findings = loaded.diagnostics.findings
    findings[:] = [replace(f, message=example_names(f.message)) for f in findings]
    return loaded
