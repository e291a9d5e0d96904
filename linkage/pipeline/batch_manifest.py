"""The task list of ``linkage batch``: a manifest CSV, or one expanded from a shortcut.

A manifest has the columns ``name`` and ``command``: the task's folder name and the
arguments of one single command of ``linkage`` without ``--out``. Several commands may be
chained with ``&&``; they all write into the task's folder, and ``{out}`` in a later one
stands for that folder (``regionalize prov.xlsx --grdp PDRB.xlsx --district 7371 &&
analyze {out}/regional_table.csv``). :func:`read_manifest` checks every row and raises a
one-line error naming the row and column of the first bad cell; :func:`table_tasks` and
:func:`district_tasks` build the tasks of the two shortcuts (every table in a folder,
every district of a province in a GRDP workbook) and :func:`write_manifest` writes them.
"""

from __future__ import annotations

import csv
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from ..io import read_grdp_workbook, table_province_mismatch
from ..io.bps17 import normalize_name
from ..io.icraf_files import is_icraf_folder

__all__ = [
    "OUT_PLACEHOLDER",
    "Task",
    "district_tasks",
    "parse_command",
    "read_manifest",
    "table_tasks",
    "task_name_problem",
    "write_manifest",
]

#: Stands for the task's output folder in a chained command.
OUT_PLACEHOLDER = "{out}"
#: Separates the commands of a chain (a word of its own).
CHAIN = "&&"
#: Files ``--tables`` takes as tables (folders: ICRAF province folders); not ``.txt``, as a
#: folder of tables often holds a README.txt or PROVENANCE.txt.
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
_NAME = re.compile(r"[\w][\w .,()+&'=-]*")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
_RESERVED |= {f"lpt{i}" for i in range(1, 10)}


@dataclass(frozen=True)
class Task:
    """One task of a batch: its folder name, its command as written, the parsed steps."""

    name: str
    command: str
    steps: tuple[tuple[str, ...], ...]


def task_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a task's folder name, or None when it can.

    Letters, digits, ``_``, spaces and ``.,()+&'=-`` are allowed; not a leading dot or
    space, not a trailing dot or space, not a reserved device name (``CON``, ``NUL``, ...).

    Examples
    --------
    >>> task_name_problem("7371-kota-makassar") is None, task_name_problem("Jawa Timur") is None
    (True, True)
    >>> task_name_problem("../x")
    "only letters, digits, spaces and _.,()+&'=- may be used, starting with a letter or digit"
    >>> task_name_problem("nul")
    "'nul' is a reserved device name"
    """
    if len(name) > 120:
        return f"longer than 120 characters ({len(name)})"
    if not _NAME.fullmatch(name):
        return (
            "only letters, digits, spaces and _.,()+&'=- may be used, "
            "starting with a letter or digit"
        )
    if name.endswith((".", " ")):
        return "must not end with a dot or a space"
    if name.split(".")[0].strip().lower() in _RESERVED:
        return f"{name!r} is a reserved device name"
    return None


def parse_command(text: str, commands: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The steps of a manifest's command: each the arguments of one single command.

    Raises
    ------
    ValueError
        Empty, unbalanced quotes, an unknown command, ``--out`` given, an empty step.

    Examples
    --------
    >>> parse_command("analyze 'my table.xlsx' --extraction", ["analyze"])
    (('analyze', 'my table.xlsx', '--extraction'),)
    >>> len(parse_command("regionalize p.xlsx && analyze {out}/regional_table.csv",
    ...                   ["analyze", "regionalize"]))
    2
    >>> parse_command("analyze t.csv --out x", ["analyze"])
    Traceback (most recent call last):
    ...
    ValueError: --out is set by the batch (DIR/NAME); remove it from the command
    """
    commands = sorted(commands)
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot split the command into arguments: {exc}") from None
    if not words:
        raise ValueError("empty command")
    steps, step = [], []
    for word in [*words, CHAIN]:
        if word != CHAIN:
            step.append(word)
            continue
        if not step:
            raise ValueError(f"an empty command before or after {CHAIN!r}")
        if step[0] not in commands:
            raise ValueError(
                f"{step[0]!r} is not a command of linkage; use one of {', '.join(commands)}"
            )
        if any(w == "--out" or w.startswith("--out=") for w in step):
            raise ValueError("--out is set by the batch (DIR/NAME); remove it from the command")
        steps.append(tuple(step))
        step = []
    return tuple(steps)


def read_manifest(path, commands: Iterable[str]) -> list[Task]:
    """The tasks of a manifest CSV (columns ``name`` and ``command``; others ignored).

    Rows are counted as in a spreadsheet: the header is row 1.

    Raises
    ------
    InputFileError
        Missing file or column, no task, or a bad cell: an empty, unsafe or repeated
        name, or a command :func:`parse_command` refuses (naming row and column).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("name,command\\naceh,analyze aceh.csv\\nACEH,analyze b.csv\\n")
    >>> read_manifest(p, ["analyze"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    linkage.errors.InputFileError: ...m.csv, row 3, column 'name': task name 'ACEH' repeats ...
    """
    path = Path(path)
    commands = list(commands)
    if not path.is_file():
        raise InputFileError("no such manifest file", path=path)
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [str(c).strip() for c in reader.fieldnames or []]
        for column in ("name", "command"):
            if column not in header:
                raise InputFileError(
                    f"no {column!r} column (a manifest has the columns name,command; "
                    f"found {', '.join(header) or 'nothing'})",
                    path=path,
                    row=1,
                )
        reader.fieldnames = header
        tasks, seen = [], {}
        for record in reader:
            row = reader.line_num
            tasks.append(_task(record, row, path, commands, seen))
    if not tasks:
        raise InputFileError("the manifest lists no task", path=path)
    return tasks


def _task(record: dict, row: int, path: Path, commands: list, seen: dict) -> Task:
    """One manifest row as a Task, or the one-line error naming its bad cell."""
    name = (record.get("name") or "").strip()
    command = (record.get("command") or "").strip()
    if not name:
        raise InputFileError("empty task name", path=path, row=row, column="name")
    problem = task_name_problem(name)
    if problem:
        raise InputFileError(
            f"task name {name!r} cannot be a folder name: {problem}",
            path=path,
            row=row,
            column="name",
        )
    if name.lower() in seen:
        raise InputFileError(
            f"task name {name!r} repeats row {seen[name.lower()]} (names are folders; "
            "case is not told apart)",
            path=path,
            row=row,
            column="name",
        )
    seen[name.lower()] = row
    try:
        steps = parse_command(command, commands)
    except ValueError as exc:
        raise InputFileError(str(exc), path=path, row=row, column="command") from None
    return Task(name, command, steps)


def write_manifest(tasks: Iterable[Task], path) -> Path:
    """Write the tasks as a manifest CSV (``name,command``); return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "manifest.csv"
    >>> t = Task("a", "analyze 'a b.csv'", (("analyze", "a b.csv"),))
    >>> [x.command for x in read_manifest(write_manifest([t], p), ["analyze"])]
    ["analyze 'a b.csv'"]
    """
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "command"])
        for task in tasks:
            writer.writerow([task.name, task.command])
    return path


def _task_of(name: str, steps: list[list[str]]) -> Task:
    """A task from its steps, its command the steps quoted and joined by ``&&``."""
    command = f" {CHAIN} ".join(shlex.join(step) for step in steps)
    return Task(name, command, tuple(tuple(step) for step in steps))


def slug(text: str) -> str:
    """A folder-safe lower-case name: runs of other characters become ``-``.

    Examples
    --------
    >>> slug("Kota Tanjung Pinang"), slug("Jawa Timur (2015)")
    ('kota-tanjung-pinang', 'jawa-timur-2015')
    """
    return re.sub(r"[^\w]+", "-", str(text).lower()).strip("-_") or "task"


def table_tasks(folder, options: str = "") -> list[Task]:
    """One ``analyze`` task per table in ``folder`` (files and ICRAF province folders).

    Tables are the files ending in :data:`TABLE_SUFFIXES` (not hidden files, Excel lock
    files or the ``*.sectors.csv`` sidecars of long tables) and the subfolders holding
    ICRAF files, in name order; a task is named after the file without its suffix (with
    it when two files share a stem). ``options`` are added to every command.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for f in ("b.csv", "a.xlsx", "a.csv", "notes.md", ".hidden.csv"):
    ...     _ = (d / f).write_text("")
    >>> [(t.name, t.steps[0][2:]) for t in table_tasks(d, "--extraction")]
    [('a.csv', ('--extraction',)), ('a.xlsx', ('--extraction',)), ('b', ('--extraction',))]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError("no such folder (--tables takes a folder of tables)", path=folder)
    paths = [p for p in sorted(folder.iterdir()) if _is_table(p)]
    if not paths:
        raise InputFileError(
            f"no table in the folder (files ending in {', '.join(TABLE_SUFFIXES)} or ICRAF "
            "province folders)",
            path=folder,
        )
    stems = [p.name if p.is_dir() else p.stem for p in paths]
    extra = shlex.split(options)
    tasks = []
    for path, stem in zip(paths, stems, strict=True):
        name = stem if stems.count(stem) == 1 else path.name
        if task_name_problem(name):
            name = slug(name)
        tasks.append(_task_of(name, [["analyze", str(path.resolve()), *extra]]))
    return tasks


def _is_table(path: Path) -> bool:
    """A file or folder :func:`table_tasks` takes as a table."""
    if path.name.startswith((".", "~$")):
        return False
    if path.is_dir():
        return is_icraf_folder(path)
    return path.suffix.lower() in TABLE_SUFFIXES and not path.name.endswith(".sectors.csv")


def district_tasks(grdp_path, table_path, province=None, options: str = "") -> list[Task]:
    """A regionalize-then-analyze task for every district of a province in a GRDP workbook.

    Each task runs ``regionalize TABLE --grdp GRDP --district CODE`` and then ``analyze
    {out}/regional_table.csv`` (with ``options``); it is named ``<code>-<name>``
    (``7371-kota-makassar``).

    Parameters
    ----------
    grdp_path : path
        The BPS district GRDP workbook (:func:`linkage.io.read_grdp_workbook`).
    table_path : path
        The provincial table every district is regionalized from.
    province : str, optional
        The province, by code (``73`` or ``7300``) or name; default: the one the table's
        file name names ("Tabel Input-Output Provinsi Sulawesi Selatan ...").
    options : str
        Options added to every ``analyze`` command (e.g. ``--extraction``).
    """
    grdp = read_grdp_workbook(grdp_path)
    code = _province_code(grdp, province, Path(table_path), Path(grdp_path))
    members = grdp[(grdp["level"] == "district") & (grdp["province_code"] == code)]
    table, grdp_file = str(Path(table_path).resolve()), str(Path(grdp_path).resolve())
    extra = shlex.split(options)
    tasks = []
    for district, row in members.iterrows():
        steps = [
            ["regionalize", table, "--grdp", grdp_file, "--district", str(district)],
            ["analyze", f"{OUT_PLACEHOLDER}/regional_table.csv", *extra],
        ]
        tasks.append(_task_of(f"{district}-{slug(row['name'])}", steps))
    return tasks


def _province_code(grdp, province, table_path: Path, grdp_path: Path) -> str:
    """The GRDP code of the province asked for, or of the one the table's name names."""
    provinces = grdp[grdp["level"] == "province"]
    if province is not None:
        key = str(province).strip()
        if key.isdigit():
            code = key.ljust(4, "0") if len(key) <= 2 else key
            if code in provinces.index:
                return code
        want = _core_name(key)
        hits = [c for c, name in provinces["name"].items() if _core_name(name) == want]
        if len(hits) == 1:
            return hits[0]
        raise InputFileError(
            f"no province {key!r} in the GRDP workbook (give its code, e.g. "
            f"{provinces.index[0]}, or its name, e.g. {provinces['name'].iloc[0]!r})",
            path=grdp_path,
        )
    stem = table_path.name if table_path.is_dir() else table_path.stem
    hits = []
    if "provinsi" in normalize_name(stem).split():
        hits = [
            (len(_core_name(name).split()), c)
            for c, name in provinces["name"].items()
            if table_province_mismatch(stem, name) is None
        ]
    best = [c for n, c in hits if n == max(hits)[0]] if hits else []
    if len(best) != 1:
        raise InputFileError(
            "cannot tell the province from the table's file name; give --province "
            "(its code or name in the GRDP workbook)",
            path=table_path,
        )
    return best[0]


def _core_name(name) -> str:
    """A province's name without the word "Provinsi", normalized."""
    return re.sub(r"^provinsi ", "", normalize_name(name))
