"""What every command shares: one-line errors, output folders, warnings and tables."""

from __future__ import annotations

import functools
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import click
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.params import METHODS as SOLVER_CHOICES
from ..errors import InputFileError, LinkageError, LinkageWarning
from ..io import read_network, read_table
from ..io.results import RESULT_FORMATS
from ..io.transactions import read_table_transactions


def one_line_errors(func):
    """Turn any expected failure into a one-line message on stderr and exit status 1.

    Warnings of ``linkage`` are printed as ``warning: ...`` lines as they occur.
    Unexpected exceptions also become one line (with the exception type), never a
    traceback; set ``LINKAGE_DEBUG=1`` to see the traceback.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import os

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, LinkageWarning):
                click.echo(f"warning: {message}", err=True)

        with warnings.catch_warnings():
            warnings.simplefilter("always", LinkageWarning)
            warnings.showwarning = show
            try:
                return func(*args, **kwargs)
            except click.exceptions.Exit:
                raise
            except (click.ClickException, click.Abort):
                raise
            except Exception as exc:
                if os.environ.get("LINKAGE_DEBUG"):
                    raise
                if isinstance(exc, (LinkageError, OSError, ValueError, KeyError)):
                    message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                else:
                    message = f"{type(exc).__name__}: {exc}".splitlines()[0]
                click.echo(f"error: {message}", err=True)
                sys.exit(1)

    return wrapper


def prepare_out_dir(out: str | Path, filenames, force: bool) -> Path:
    """Create ``out`` and refuse to overwrite any of ``filenames`` in it unless ``force``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise click.ClickException(f"{out} exists and is not a folder")
    existing = [name for name in filenames if (out / name).exists()]
    if existing and not force:
        raise click.ClickException(
            f"{out / existing[0]} already exists; use --force to overwrite "
            f"({len(existing)} file(s) would be replaced), or --out to write into another "
            "folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def echo_frame(frame: pd.DataFrame, max_rows: int = 20, floatfmt: str = "{:,.4g}") -> None:
    """Print a small DataFrame as an aligned text table."""
    with pd.option_context(
        "display.max_rows", max_rows, "display.width", 120, "display.max_columns", 20
    ):
        click.echo(frame.to_string(float_format=floatfmt.format, max_rows=max_rows))


def echo_diagnostics(diagnostics, limit: int = 20) -> None:
    """Print the findings of a reader or constructor, warnings first."""
    findings = sorted(diagnostics, key=lambda f: f.level != "warning")
    for finding in findings[:limit]:
        click.echo(f"  {finding}")
    if len(findings) > limit:
        click.echo(f"  ... and {len(findings) - limit} more findings")


#: Options of the survey's optional files and reading rules, shared by ``linkage network``
#: and ``linkage report`` (missing files are the readers' one-line errors).
_SURVEY_OPTIONS = (
    click.option(
        "--cooperation",
        type=click.Path(dir_okay=False),
        help="Cooperation ties: firm_a, firm_b, kind (undirected).",
    ),
    click.option(
        "--parties",
        type=click.Path(dir_okay=False),
        help="Outside parties: party_id, kind (intermediary|supplier|buyer), [name].",
    ),
    click.option(
        "--intermediary-pattern",
        default=None,
        help="Regular expression: ids that match it are middlemen (e.g. '^PGP').",
    ),
    click.option(
        "--skip-invalid",
        is_flag=True,
        help="Skip and report survey rows with missing, non-numeric or negative values "
        "instead of stopping.",
    ),
)


def survey_options(command):
    """Add ``--cooperation``, ``--parties``, ``--intermediary-pattern``, ``--skip-invalid``."""
    for option in reversed(_SURVEY_OPTIONS):
        command = option(command)
    return command


def check_seed_and_max_nodes(seed: int, max_nodes: int = 0) -> None:
    """Refuse a negative --seed or --max-nodes before any work is done (one-line errors).

    Examples
    --------
    >>> check_seed_and_max_nodes(-1)
    Traceback (most recent call last):
    ...
    ValueError: --seed must be 0 or more (got -1)
    """
    if seed < 0:
        raise ValueError(f"--seed must be 0 or more (got {seed})")
    if max_nodes < 0:
        raise ValueError(f"--max-nodes must be 0 or more (got {max_nodes})")


def load(
    firms,
    transactions,
    cooperation=None,
    parties=None,
    intermediary_pattern=None,
    on_invalid="error",
):
    """Read the survey and print what was read."""
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
        echo_diagnostics(Diagnostics(info))
    return net


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


def solver_options(command):
    """Add ``--solver`` (the Leontief solver, chosen once) and its hidden old name ``--method``.

    ``--method`` was the option's name before version 0.2; it still works for one release
    and says so on stderr.
    """
    choice = click.Choice(SOLVER_CHOICES)

    @functools.wraps(command)
    def wrapper(*args, solver=None, old_method=None, **kwargs):
        if old_method is not None:
            if solver is not None and solver != old_method:
                raise click.UsageError("give --solver or its old name --method, not both")
            click.echo("warning: --method is deprecated; use --solver", err=True)
            solver = old_method
        return command(*args, solver=solver or "auto", **kwargs)

    wrapper = click.option("--method", "old_method", type=choice, default=None, hidden=True)(
        wrapper
    )
    return click.option(
        "--solver",
        type=choice,
        default=None,
        help="Leontief solver: dense LU, sparse LU, iterative (GMRES), or chosen by size "
        "[default: auto]. Built once; every analysis uses it.",
    )(wrapper)


def read_table_sheet(path, sheet=None, reader=read_table):
    """Read an IO table; ``sheet`` is a sheet name, or a 0-based position when no sheet
    has that name (``--sheet`` of every command that reads a table)."""
    if not sheet:
        return reader(path)
    try:
        return reader(path, sheet=sheet)
    except InputFileError as exc:
        if sheet.isdigit() and "no sheet" in str(exc):
            return reader(path, sheet=int(sheet))
        raise


#: ``--final-demand`` and ``--primary-inputs``: the lines of a wide table without a
#: matching row (column) whose labels are not known names, read as final demand (primary
#: inputs) all the same (:mod:`linkage.io.vocabulary_check`).
_LABEL_OPTIONS = (
    click.option(
        "--final-demand",
        default=None,
        metavar="LABEL[,LABEL...]",
        help="Wide TABLE: columns to read as final demand although their labels are not "
        "known final-demand names (a column matching no row and no known name is an "
        "error: it may be a sector whose row is missing).",
    ),
    click.option(
        "--primary-inputs",
        default=None,
        metavar="LABEL[,LABEL...]",
        help="Wide TABLE: rows to read as primary inputs although their labels are not "
        "known primary-input names (a row matching no column and no known name is an "
        "error: it may be a sector whose column is missing).",
    ),
    click.option(
        "--skip-hidden",
        is_flag=True,
        help="Excel TABLE: leave out the rows and columns hidden in the sheet (counted and "
        "named); by default they are read like the others, with a warning naming them.",
    ),
)


def table_label_options(command):
    """Add ``--final-demand``, ``--primary-inputs`` and ``--skip-hidden`` (passed as
    ``final_demand``, ``primary_inputs``, ``skip_hidden``) to a command that reads wide
    tables (:func:`read_table_labels`)."""
    for option in reversed(_LABEL_OPTIONS):
        command = option(command)
    return command


def read_table_labels(path, sheet=None, final_demand=None, primary_inputs=None, skip_hidden=False):
    """:func:`read_table_sheet` with the choices of :func:`table_label_options`."""
    reader = functools.partial(
        read_table,
        final_demand=final_demand,
        primary_inputs=primary_inputs,
        skip_hidden=skip_hidden,
    )
    return read_table_sheet(path, sheet, reader)


@dataclass(frozen=True)
class TableChoices:
    """``--transactions`` with ``--final-demand`` and ``--primary-inputs``, passed to the
    command as its ``transactions`` parameter and read by :func:`read_table_as`."""

    transactions: str
    final_demand: str | None = None
    primary_inputs: str | None = None
    skip_hidden: bool = False


def transactions_options(command):
    """Add ``--transactions auto|total|domestic`` and ``--imports M.csv`` (passed as
    ``transactions`` and ``imports_path``): what a table's flows are, and the import
    matrix that makes a total-transaction table domestic (:func:`read_table_as`); and
    ``--final-demand`` / ``--primary-inputs`` (labels of a wide table's lines to read as
    final demand / primary inputs), passed inside ``transactions`` (:class:`TableChoices`)."""

    inner = command

    @functools.wraps(inner)
    def wrapper(
        *args,
        transactions="auto",
        final_demand=None,
        primary_inputs=None,
        skip_hidden=False,
        **kw,
    ):
        choices = TableChoices(transactions, final_demand, primary_inputs, skip_hidden)
        return inner(*args, transactions=choices, **kw)

    command = table_label_options(wrapper)
    command = click.option(
        "--imports",
        "imports_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        metavar="M.csv",
        help="Import matrix of a total-transaction TABLE (products x buying sectors, and "
        "final-demand columns): the domestic table Z - M is used. Without it a total "
        "table runs with a warning that its coefficients are technical, not domestic.",
    )(command)
    return click.option(
        "--transactions",
        type=click.Choice(["auto", "total", "domestic"]),
        default="auto",
        show_default=True,
        help="What TABLE's flows are: total transactions (imports inside the flows, an import "
        "column; BPS 'Transaksi Total') or domestic ('Transaksi Domestik') [default: "
        "recognized from the title, the import/margin columns and the import rows; an error "
        "when they disagree].",
    )(command)


def read_table_as(path, sheet, transactions: str, imports_path):
    """:func:`read_table_sheet` through :func:`linkage.io.read_table_transactions` with the
    options of :func:`transactions_options` (``"auto"``: recognized)."""
    if not isinstance(transactions, TableChoices):
        transactions = TableChoices(transactions)
    kind = transactions.transactions
    reader = functools.partial(
        read_table_transactions,
        transactions=None if kind == "auto" else kind,
        imports=imports_path,
        final_demand=transactions.final_demand,
        primary_inputs=transactions.primary_inputs,
        skip_hidden=transactions.skip_hidden,
    )
    return read_table_sheet(path, sheet, reader)


def renamed_option(new: str, old: str, dest: str, default=None, **kwargs):
    """Option ``new`` with its former name ``old`` kept as a hidden alias (one parameter).

    ``--method`` named three different things (the Leontief solver, community detection,
    the location quotient); each now has its own name and ``--method`` still works where
    it worked, with a warning on stderr. Giving both names with different values is a
    usage error.
    """

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, **params):
            value, was = params.pop(dest), params.pop(f"old_{dest}")
            if was is not None:
                if value is not None and value != was:
                    raise click.UsageError(f"give {new} or its old name {old}, not both")
                click.echo(f"warning: {old} is the old name of {new}; use {new}", err=True)
                value = was
            return command(*args, **{dest: default if value is None else value}, **params)

        hidden = {k: v for k, v in kwargs.items() if k in ("type", "metavar")}
        wrapper = click.option(old, f"old_{dest}", default=None, hidden=True, **hidden)(wrapper)
        help_text = kwargs.pop("help", "")
        if default is not None:
            help_text += f"  [default: {default}]"
        return click.option(new, dest, default=None, help=help_text, **kwargs)(wrapper)

    return decorate


def format_option(command):
    """Add ``--format csv|xlsx|parquet`` (passed as ``fmt``): the format of the result files.

    Every command that writes result tables declares it this way; the overwrite check
    and the "wrote ..." lines then name the files of the chosen format.
    """
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(RESULT_FORMATS),
        default="csv",
        show_default=True,
        help="Result tables as CSV files, one Excel workbook results.xlsx (a README sheet "
        "explains every column), or one parquet file per result.",
    )(command)


def echo_written(result, out: Path) -> None:
    """Print the key sectors, the sentra classes and where the files went."""
    linkages = result.table.linkages if result.table is not None else None
    if linkages is not None and "key_sector" in linkages:
        key = linkages.index[linkages["key_sector"].astype(str) == "key"].tolist()
        click.echo(f"key sectors: {', '.join(map(str, key)) if key else 'none'}")
    clusters = result.network.clusters if result.network is not None else None
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
        f"wrote {len(result.files)} files to {out}/: "
        + ", ".join(Path(p).name for p in result.files)
    )
    click.echo(f"open {(out / 'report.html').resolve()} in a web browser (works offline)")
