"""Sentra survey files: :func:`read_network` and the :class:`SurveyReader` it builds with.

A survey comes as csv, xlsx (one table per file, or every table on sheets of one workbook)
or parquet files, or as DataFrames a field team typed: Indonesian column names, a title
above the header, ids typed as decimals, ``Rp 1.500.000``. :class:`SurveyReader` reads
them (files, sheets, column names, cells) for
:meth:`~linkage.network.SupplyNetwork.from_frames`, which validates and builds; every
reinterpretation is reported in the network's diagnostics.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InputFileError
from ..network import SupplyNetwork
from ..network.reader import REQUIRED_COLUMNS, TableReader, plain_numbers
from .grid import UTF16_SAMPLE, text_encodings
from .survey_cells import comma_degrees, survey_amounts, survey_ids
from .survey_columns import (
    ALIASES,
    HEADER_SEARCH_ROWS,
    choose_sheet,
    find_header,
    normalise_columns,
)

__all__ = ["SurveyReader", "read_network", "read_survey_frame"]


def read_network(firms, transactions, cooperation=None, parties=None, **options) -> SupplyNetwork:
    """Read a sentra survey from csv / xlsx / parquet files (or DataFrames as typed).

    Parameters
    ----------
    firms, transactions : path or DataFrame
    cooperation, parties : path or DataFrame, optional
    **options
        Passed to :meth:`SupplyNetwork.from_frames` (``intermediary_pattern``,
        ``on_invalid``, ``sources``).

    Returns
    -------
    SupplyNetwork

    Examples
    --------
    >>> from linkage.io.examples import data_path
    >>> folder = data_path("sentra")
    >>> net = read_network(folder / "firms.csv", folder / "transactions.csv",
    ...                    folder / "cooperation.csv", parties=folder / "parties.csv")
    >>> net.n_firms > 50
    True
    >>> firms = pd.DataFrame({"ID Usaha": ["A", "B"], "Sektor": ["gerabah", "gerabah"]})
    >>> tx = pd.DataFrame({"pemasok": ["A"], "pembeli": ["B"], "nilai": ["Rp 1.500.000"]})
    >>> read_network(firms, tx).edges["value"].tolist()
    [1500000.0]
    """
    options.setdefault("_stacklevel", 3)
    options.setdefault("reader", SurveyReader())
    return SupplyNetwork.from_frames(firms, transactions, cooperation, parties, **options)


class SurveyReader(TableReader):
    """Reads survey tables as field teams write them (see the module docstring).

    Examples
    --------
    >>> reader = SurveyReader()
    >>> frame = pd.DataFrame({"Pemasok": ["A"], "Pembeli": ["B"], "Nilai (Rp)": ["1.500"]})
    >>> reader.columns(frame, "transactions", "tx", Diagnostics()).columns.tolist()
    ['supplier', 'buyer', 'value']
    """

    def load(self, data, source: str, notes: list) -> tuple[pd.DataFrame | None, str]:
        """The table from a frame or a csv / xlsx / parquet path, and its name in messages."""
        return read_survey_frame(data, source, notes)

    def sheet(self, data, table: str, source: str, diag: Diagnostics):
        """The sheet of a workbook that holds the table (see :func:`choose_sheet`)."""
        return choose_sheet(data, ALIASES[table], REQUIRED_COLUMNS[table], source, diag)

    def columns(self, frame: pd.DataFrame, table: str, source: str, diag: Diagnostics):
        """The frame from its header row on, with canonical column names."""
        aliases = ALIASES[table]
        frame = find_header(frame, aliases, REQUIRED_COLUMNS[table], source, diag)
        return normalise_columns(frame, aliases, source)

    def ids(self, series: pd.Series, where: str, diag: Diagnostics):
        """Ids as text; a column of ids all typed as ``1.0, 2.0`` is read as whole numbers."""
        return survey_ids(series, where, diag)

    def amounts(self, series: pd.Series, where: str, diag: Diagnostics):
        """Values in the column's number style (``1.500.000``, ``1,234.5``, ``Rp``)."""
        return survey_amounts(series, where, diag)

    def coordinates(self, series: pd.Series, where: str, diag: Diagnostics):
        """Degrees, a decimal comma (``-6,70``) read as a decimal point."""
        return plain_numbers(comma_degrees(series, where, diag))


def read_survey_csv(path: Path, notes: list) -> pd.DataFrame:
    """CSV with ids as text; the separator (``,`` ``;`` or tab) is the most frequent one in
    the header line; UTF-16 when the file starts with its byte-order mark or has a NUL
    byte every other byte (UTF-16 without a mark, :func:`_encodings`), else UTF-8, else
    Windows-1252 (reported)."""
    options = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    with open(path, "rb") as handle:
        start = handle.read(UTF16_SAMPLE)
    for encoding in _encodings(start):
        try:
            with open(path, encoding=encoding, newline="") as handle:
                lines = handle.read().splitlines()  # decode it all: fail here, not in pandas
        except UnicodeDecodeError:
            continue
        # title lines without any separator (a survey name, a blank line) before the header
        seps = (",", ";", "\t")
        skip = next(
            (
                k
                for k, line in enumerate(lines[:HEADER_SEARCH_ROWS])
                if any(c in line for c in seps)
            ),
            0,
        )
        header = lines[skip] if lines else ""
        sep = max(seps, key=header.count)
        # blank lines stay (as empty rows, skipped and reported) so row numbers stay right
        frame = pd.read_csv(
            path, encoding=encoding, sep=sep, skiprows=skip, skip_blank_lines=False, **options
        )
        frame.attrs["row_offset"] = skip
        if encoding == "cp1252":
            notes.append(f"{path}: not UTF-8; read as Windows-1252 (check accented names)")
        return frame
    raise InputFileError("cannot decode the file as UTF-8 or Windows-1252", path=str(path))


def _encodings(start: bytes) -> tuple[str, ...]:
    """Encodings to try for a file starting with ``start``: the table readers' rules
    (:func:`linkage.io.grid.text_encodings`): UTF-16 with a byte-order mark, UTF-16
    without one (a NUL byte every other byte), else UTF-8 and Windows-1252.

    Examples
    --------
    >>> _encodings("id".encode("utf-16-le")), _encodings(b"id,s")
    (('utf-16-le',), ('utf-8-sig', 'cp1252'))
    """
    return text_encodings(start)


def read_survey_frame(data, source: str, notes: list | None = None) -> tuple[pd.DataFrame, str]:
    """A DataFrame from a frame or a csv / xlsx / parquet path; ids kept as text.

    A workbook gives ``{sheet name: DataFrame}`` (see :func:`choose_sheet`)."""
    notes = [] if notes is None else notes
    if data is None:
        return None, source
    if isinstance(data, pd.DataFrame):
        return data, source
    path = Path(data)
    name = str(path)
    if not path.exists():
        raise InputFileError(f"{source} file not found", path=name)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            # every sheet: a survey workbook may hold firms, transactions ... on sheets of
            # their own (see choose_sheet)
            frame = pd.read_excel(
                path, sheet_name=None, dtype=str, keep_default_na=False, na_values=[""]
            )
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = read_survey_csv(path, notes)
    except InputFileError:
        raise
    except (OSError, ValueError, ImportError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"cannot read {source} file: {first}", path=name) from exc
    return frame, name
