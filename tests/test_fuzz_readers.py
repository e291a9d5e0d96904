"""Fuzzing of every reader (issue 17 item 7): a valid object or the package's own error.

Hypothesis writes small random files (CSV text in several separators, quotings, number
formats and encodings, with empty cells and unicode; xlsx workbooks through openpyxl;
surveys; shock, bridge, satellite, measure and mapping files) and each reader must return
its object or raise a :class:`linkage.errors.LinkageError`, never another exception; and
``linkage analyze`` on such a file must exit 0 or 1 with one ``error:`` line, never a
traceback. The examples are derandomized and few (``max_examples``) so that the whole
file runs in well under a minute.
"""

import csv
import io
import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from linkage import IOTable
from linkage.cli import main
from linkage.errors import LinkageError
from linkage.io import read_mapping, read_measure, read_network, read_table
from linkage.io.shocks import read_bridge, read_satellites, read_shock
from linkage.network import SupplyNetwork

#: ``LINKAGE_FUZZ_EXAMPLES=2000`` runs that many random (not derandomized) examples per
#: test, to hunt for new failures by hand; the suite runs the few derandomized ones.
LONG_RUN = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "0"))


def fuzz(max_examples: int = 30):
    return settings(
        max_examples=LONG_RUN or max_examples,
        deadline=None,
        derandomize=not LONG_RUN,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


SECTORS = ["agriculture", "manufacturing", "Padi", "industri é", "01 Pertanian", "trade"]
EXTRA = ["Konsumsi Rumah Tangga", "exports", "total output", "Upah dan gaji", "Jumlah", ""]
NUMBERS = [
    "0", "1", "150", "-5", "2.5", "2,5", "1,234", "1.234", "1,234.5", "1.234,5", "1 234",
    "(12)", "-", "", " ", "NaN", "nan", "inf", "-inf", "1e400", "1e-320", "007", "Rp 1.500",
    "12%", "½", "١٢", "0x10", "1_000", "--3", "'5", '"7"', "1.2.3", "\u00a012",
]  # fmt: skip
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=8,
)
CELL = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(SECTORS + EXTRA), TEXT)
NUMBER = st.one_of(
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
)


#: Mostly plain amounts, sometimes any of NUMBER.
PLAIN = st.integers(-30, 2000).flatmap(
    lambda k: NUMBER if k < 0 else st.sampled_from([str(k), f"{k}.5", f"{k:,}"])
)


@st.composite
def tables(draw):
    """A grid of cells: a wide table (often valid) with random damage, or random cells."""
    if draw(st.integers(0, 3)):
        n = draw(st.integers(1, 4))
        labels = draw(st.lists(st.sampled_from(SECTORS), min_size=n, max_size=n, unique=True))
        extra_cols = draw(st.lists(st.sampled_from(EXTRA[:3]), min_size=1, max_size=3))
        extra_rows = draw(st.lists(st.sampled_from(EXTRA[3:]), max_size=2))
        header = ["sector", *labels, *extra_cols]
        width = len(header) - 1
        body = [
            [label, *draw(st.lists(PLAIN, min_size=width, max_size=width))]
            for label in [*labels, *extra_rows]
        ]
        grid = [header, *body]
        for _ in range(draw(st.integers(0, 2))):  # damage a few cells
            i = draw(st.integers(0, len(grid) - 1))
            j = draw(st.integers(0, len(grid[i]) - 1))
            grid[i][j] = draw(CELL)
        if draw(st.integers(0, 4)) == 0:  # a ragged row
            grid[-1] = grid[-1][: draw(st.integers(0, len(grid[-1])))]
        return grid
    width = draw(st.integers(1, 5))
    return draw(st.lists(st.lists(CELL, min_size=1, max_size=width), max_size=6))


def _csv_bytes(grid, sep, quoting, encoding) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, quoting=quoting, lineterminator="\n").writerows(grid)
    return buf.getvalue().encode(encoding, errors="replace")


CSV_FORMAT = st.tuples(
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
)


def _write(folder: Path, name: str, grid, fmt=(",", csv.QUOTE_MINIMAL, "utf-8")) -> Path:
    path = folder / name
    path.write_bytes(_csv_bytes(grid, *fmt))
    return path


def _xlsx(folder: Path, name: str, grid, as_numbers: bool) -> Path:
    wb = Workbook()
    ws = wb.active
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            value = ILLEGAL_CHARACTERS_RE.sub("", cell)  # openpyxl refuses control characters
            if as_numbers:
                try:
                    value = float(cell)
                except ValueError:
                    pass
            if value != "":
                ws.cell(i + 1, j + 1, value)
    path = folder / name
    wb.save(path)
    return path


def _own_error_or(check, read, *args, **kwargs):
    """Call ``read``: a LinkageError is fine, another exception fails, a result is checked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = read(*args, **kwargs)
        except LinkageError as exc:
            assert str(exc).strip(), "an error without a message"
            return None
    check(result)
    return result


def _is_table(table):
    assert isinstance(table, IOTable)
    assert table.n >= 1


@fuzz()
@given(grid=tables(), fmt=CSV_FORMAT)
def test_read_table_csv(grid, fmt):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "t.csv", grid, fmt)
        _own_error_or(_is_table, read_table, path)


@fuzz(25)
@given(grid=tables(), as_numbers=st.booleans())
def test_read_table_xlsx(grid, as_numbers):
    with tempfile.TemporaryDirectory() as folder:
        path = _xlsx(Path(folder), "t.xlsx", grid, as_numbers)
        _own_error_or(_is_table, read_table, path)


@fuzz(25)
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_read_table_random_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_bytes(data)
        _own_error_or(_is_table, read_table, path)


IDS = st.one_of(
    st.sampled_from(["F1", "F2", "F3", "F4", "007", "7", "OUT-1"]),
    st.sampled_from([" F1", "f1", "", "Total", "F 1", "7.0"]),
    TEXT,
)


@st.composite
def surveys(draw):
    """(firms grid, transactions grid): usual column names, some dropped or renamed."""
    firm_cols = ["firm_id", "sector", "sentra", "output"]
    tx_cols = ["supplier", "buyer", "value"]
    if draw(st.integers(0, 3)) == 0:
        firm_cols = draw(st.permutations(firm_cols + ["workers", "nama"]))[:4]
        tx_cols = draw(st.permutations(tx_cols + ["channel", "nilai"]))[:3]
    firms = [firm_cols] + [
        [
            f"F{i}"
            if c == "firm_id" and draw(st.integers(0, 3))
            else draw(IDS)
            if c == "firm_id"
            else draw(PLAIN)
            if c in ("output", "workers")
            else draw(CELL)
            for c in firm_cols
        ]
        for i in range(1, draw(st.integers(0, 5)) + 1)
    ]
    tx = [tx_cols] + [
        [draw(IDS) if c in ("supplier", "buyer") else draw(PLAIN) for c in tx_cols]
        for _ in range(draw(st.integers(0, 6)))
    ]
    return firms, tx


@fuzz()
@given(survey=surveys(), skip=st.booleans(), fmt=CSV_FORMAT, xlsx=st.integers(0, 3))
def test_read_network(survey, skip, fmt, xlsx):
    firms, tx = survey
    with tempfile.TemporaryDirectory() as folder:
        if xlsx:  # CSV one time in four, else xlsx (numbers typed or as text)
            f = _xlsx(Path(folder), "firms.xlsx", firms, as_numbers=xlsx == 1)
            t = _xlsx(Path(folder), "tx.xlsx", tx, as_numbers=xlsx != 3)
        else:
            f = _write(Path(folder), "firms.csv", firms, fmt)
            t = _write(Path(folder), "tx.csv", tx, fmt)
        on_invalid = "skip" if skip else "error"

        def check(net):
            assert isinstance(net, SupplyNetwork)
            net.summary()

        _own_error_or(check, read_network, f, t, on_invalid=on_invalid)


TABLE_SECTORS = pd.Index(["agriculture", "manufacturing", "01 Pertanian"])


def _label_grid(draw, header_words, n_values):
    header = [draw(st.sampled_from(header_words)), *draw(st.lists(CELL, max_size=n_values))]
    rows = [
        [draw(st.one_of(st.sampled_from(list(TABLE_SECTORS)), CELL))]
        + draw(st.lists(PLAIN, min_size=len(header) - 1, max_size=len(header) - 1))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return [header, *rows]


@fuzz()
@given(data=st.data(), fmt=CSV_FORMAT, known=st.booleans())
def test_read_shock(data, fmt, known):
    grid = _label_grid(data.draw, ["sector", "sektor", "category", "x", ""], 3)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "shock.csv", grid, fmt)
        sectors = TABLE_SECTORS if known else None
        _own_error_or(lambda f: isinstance(f, pd.DataFrame), read_shock, path, sectors)
        _own_error_or(
            lambda f: isinstance(f, pd.DataFrame), read_shock, path, None, categories=True
        )


@fuzz()
@given(data=st.data(), fmt=CSV_FORMAT)
def test_read_bridge(data, fmt):
    header = data.draw(st.permutations(["category", "sector", "share"]))
    rows = [
        [
            data.draw(st.sampled_from(["buildings", "machines", ""]))
            if c == "category"
            else data.draw(st.one_of(st.sampled_from(list(TABLE_SECTORS)), CELL))
            if c == "sector"
            else data.draw(st.one_of(st.sampled_from(["0.5", "1", "50", "0.25"]), NUMBER))
            for c in header
        ]
        for _ in range(data.draw(st.integers(0, 5)))
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "bridge.csv", [list(header), *rows], fmt)

        def check(frame):
            assert isinstance(frame, pd.DataFrame)
            assert set(frame["sector"]) <= set(TABLE_SECTORS)

        _own_error_or(check, read_bridge, path, TABLE_SECTORS)


@fuzz()
@given(data=st.data(), fmt=CSV_FORMAT)
def test_read_satellites(data, fmt):
    columns = data.draw(st.lists(st.one_of(st.sampled_from(list(TABLE_SECTORS)), CELL), max_size=4))
    header = [data.draw(st.sampled_from(["account", "akun", "x"])), "unit", *columns]
    rows = [
        [data.draw(st.sampled_from(["energy", "CO2", ""])), data.draw(CELL)]
        + data.draw(st.lists(PLAIN, min_size=len(columns), max_size=len(columns)))
        for _ in range(data.draw(st.integers(0, 3)))
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "sat.csv", [header, *rows], fmt)

        def check(frame):
            assert list(frame.columns) == [s for s in frame.columns if s in set(TABLE_SECTORS)]

        _own_error_or(check, read_satellites, path, TABLE_SECTORS)


@fuzz()
@given(data=st.data(), fmt=CSV_FORMAT, xlsx=st.booleans())
def test_read_measure_and_mapping(data, fmt, xlsx):
    grid = _label_grid(data.draw, ["sector", "sektor", "uraian", "x", ""], 2)
    with tempfile.TemporaryDirectory() as folder:
        if xlsx:
            path = _xlsx(Path(folder), "m.xlsx", grid, data.draw(st.booleans()))
        else:
            path = _write(Path(folder), "m.csv", grid, fmt)

        def check_measure(series):
            assert isinstance(series, pd.Series)
            assert (series >= 0).all() and series.index.is_unique

        _own_error_or(check_measure, read_measure, path)
        _own_error_or(lambda f: f.shape[1] == 2, read_mapping, path)


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@fuzz(20)
@given(grid=tables(), fmt=CSV_FORMAT)
def test_cli_analyze_never_prints_a_traceback(runner, grid, fmt):
    """The command line: exit 0, or 1 with exactly one ``error:`` line of the package's own
    errors (an unexpected exception shows its type name, e.g. ``error: TypeError: ...``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "t.csv", grid, fmt)
        result = runner.invoke(main, ["analyze", str(path), "--out", str(Path(folder) / "o")])
    _check_cli(result)


def test_survey_whose_firm_ids_all_look_alike():
    """Found by test_read_network: firms 'F1' and 'f1' (one look-alike key, shared) and an
    outside buyer 'F2' made the look-alike check index an empty array (IndexError)."""
    firms = pd.DataFrame({"firm_id": ["F1", "f1"], "sector": ["a", "a"]})
    tx = pd.DataFrame({"supplier": ["F1"], "buyer": ["F2"], "value": [0.5]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = read_network(firms, tx)
    assert net.n_firms == 2 and net.summary()["outside_parties"] == 1


OK_TABLE = Path(__file__).resolve().parent / "corpus" / "table_ok.csv"


def _check_cli(result):
    """Exit 0, or 1 with exactly one ``error:`` line that is not an unexpected exception."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code:
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("error: "), result.stderr
        assert sum(line.startswith("error") for line in lines) == 1, result.stderr
        head = lines[-1][len("error: ") :].split(":")[0]
        assert not head.endswith(("Error", "Exception")) or " " in head, lines[-1]


@fuzz(15)
@given(data=st.data(), fmt=CSV_FORMAT)
def test_cli_impact_and_regionalize_on_fuzzed_files(runner, data, fmt):
    """``linkage impact --shock`` and ``linkage regionalize --regional`` on fuzzed files."""
    shock = _label_grid(data.draw, ["sector", "x"], 2)
    measure = _label_grid(data.draw, ["sector", "x"], 1)
    with tempfile.TemporaryDirectory() as folder:
        s = _write(Path(folder), "shock.csv", shock, fmt)
        m = _write(Path(folder), "measure.csv", measure, fmt)
        out = str(Path(folder) / "o")
        _check_cli(runner.invoke(main, ["impact", str(OK_TABLE), "--shock", str(s), "--out", out]))
        args = ["regionalize", str(OK_TABLE), "--regional", str(m), "--out", out + "r"]
        _check_cli(runner.invoke(main, args))
