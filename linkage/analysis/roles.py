"""Which primary-input rows and final-demand columns play a role: the stated guesses.

Multipliers and impacts need the **value added** (one row, or the rows that sum to it),
the **wages** row and the **household-consumption** column. Tables name them in many
ways (Indonesian, English, Finnish, BPS codes), so they are guessed from the labels, and
every guess is a :class:`Choice` that says which labels were taken and by which rule.
The rules, strictest first (the first that finds anything decides):

1. **given**: the labels passed by the user (``--value-added-rows``, ``--wages``,
   ``--household``); each must be in the table.
2. **exact name or code**: the label, without a leading code, *is* one of the names
   (``"Nilai Tambah Bruto"``, ``"wages"``), or carries the BPS code (``2090``, ``201``,
   ``3011``). An exact label beats a substring match.
3. **name contains**: the label contains one of the names (``"Upah dan gaji pekerja"``).

Two or more candidates under the deciding rule is an :class:`~linkage.errors.InvalidTableError`
naming them and the option that settles it. Never chosen by a substring match: for value
added, a label that names a tax or a part (``"Value added tax"``, ``"other value added"``:
the trap of taking one component for the whole); for households, the non-profit
institutions serving households (NPISH, *LNPRT*, "lembaga non-profit yang melayani rumah
tangga"), unless the column names households as well ("Konsumsi Rumah Tangga dan LNPRT",
as published, said in the rule). Without any value-added row, value added is the sum of
the primary inputs that are neither imports, totals nor people (a stated rule too).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import InvalidTableError

__all__ = ["Choice", "ROLES", "choose", "value_added_choice", "norm"]


@dataclass(frozen=True)
class Role:
    """How one role is recognized: names (substrings), codes, exclusions, the option."""

    what: str
    where: str
    names: tuple
    codes: tuple
    option: str
    param: str
    #: labels matching this are never chosen by a substring match
    never: re.Pattern | None = None
    #: ... unless they also match this (households *and* NPISH in one column)
    unless: re.Pattern | None = None


@dataclass(frozen=True)
class Choice:
    """Labels chosen for a role, the rule that chose them, and what was passed over."""

    role: str
    labels: tuple
    rule: str
    passed_over: tuple = ()

    @property
    def label(self) -> str:
        return " + ".join(str(c) for c in self.labels)

    def note(self) -> str:
        """``value added: row '2090 Nilai Tambah Bruto' (rule: exact name or code)``."""
        other = f"; passed over {list(self.passed_over)}" if self.passed_over else ""
        return f"{self.role}: {self.label!r} (rule: {self.rule}){other}"


_NPISH = re.compile(
    r"npish|lnprt|nirlaba|non[- ]?profit|nonprofit|melayani rumah ?tangga|serving households"
    r"|\bs15\b|^30(2|20)\b"
)
_HOUSEHOLD_ALSO = re.compile(r"rumah ?tangga dan|households and|rumah ?tangga \+|rt dan|^p3/s14")
_VA_PART = re.compile(r"\b(tax|taxes|pajak|ppn|vat|other|lainnya|lain|less|minus|dikurangi)\b")

ROLES = {
    "wages": Role(
        "wages",
        "primary-input row",
        (
            "upah dan gaji",
            "upah & gaji",
            "upah/gaji",
            "upah gaji",
            "gaji dan upah",
            "upah",
            "gaji",
            "balas jasa pekerja",
            "kompensasi tenaga kerja",
            "kompensasi pegawai",
            "wages and salaries",
            "wages",
            "compensation of employees",
            "employee compensation",
            "labour income",
            "labor income",
            "palkansaajakorvaukset",
        ),
        ("201", "2010"),
        "--wages",
        "wages",
    ),
    "household": Role(
        "household consumption",
        "final-demand column",
        (
            "konsumsi rumah tangga",
            "konsumsi rumahtangga",
            "pengeluaran konsumsi rumah tangga",
            "konsumsi rt",
            "konsumsi r.t",
            "household consumption",
            "household final consumption",
            "households",
            "private consumption",
            "kotitalouksien kulutus",
            "p3/s14",
        ),
        ("3011", "301"),
        "--household",
        "household",
        never=_NPISH,
        unless=_HOUSEHOLD_ALSO,
    ),
    "value_added": Role(
        "value added",
        "primary-input row",
        (
            "nilai tambah bruto",
            "nilai tambah",
            "gross value added",
            "value added",
            "ntb",
            "pdrb",
            "gva",
        ),
        ("209", "2090"),
        "--value-added-rows",
        "value_added",
        never=_VA_PART,
    ),
}
IMPORT_NAMES = ("impor", "import", "tuonti")
IMPORT_CODES = ("200", "2000", "2001", "409")
TOTAL_NAMES = ("total", "jumlah")
#: Rows that count people, not money: never part of value added.
EMPLOYMENT_NAMES = ("employment", "jobs", "employed persons", "persons employed")

_CODE = re.compile(r"^[0-9][0-9a-z.]*\s+")


def norm(label) -> str:
    """Label as compared: lower case, single spaces; tuples joined.

    Examples
    --------
    >>> norm("  Upah   dan Gaji "), norm(("Jabar", "padi"))
    ('upah dan gaji', 'jabar padi')
    """
    if isinstance(label, tuple):
        label = " ".join(str(p) for p in label)
    return re.sub(r"\s+", " ", str(label).strip().lower())


def has_code(label: str, codes) -> bool:
    tokens = re.split(r"[\s\-_:;,.()\[\]/]+", label)
    return any(t in codes for t in tokens if t)


def has_name(label: str, names) -> bool:
    for name in names:
        if " " in name or len(name) > 4:
            if name in label:
                return True
        elif re.search(rf"\b{re.escape(name)}\b", label):
            return True
    return False


def _exact(label: str, role: Role) -> bool:
    bare = _CODE.sub("", label).strip(" .")
    first = label.split(" ", 1)[0]
    return bare in role.names or label in role.codes or first in role.codes


def _given(labels, spec, role: Role) -> Choice:
    """The labels the user named (one or several), each found exactly or without case."""
    wanted = [spec] if isinstance(spec, (str, int, tuple)) else list(spec)
    found = []
    for want in wanted:
        if want in labels:
            found.append(want)
            continue
        same = [c for c in labels if norm(c) == norm(want)]
        if not same:
            raise InvalidTableError(
                f"{role.what} {role.where} {want!r} not found; the table has: "
                f"{[str(c) for c in labels]}{_suggest(want, labels)}"
            )
        found.append(same[0])
    return Choice(role.what, tuple(found), f"given ({role.option})")


def _suggest(want, labels) -> str:
    """``; did you mean 'Upah dan gaji'?`` for the most similar label (difflib), or ``""``."""
    keys = {norm(c): str(c) for c in labels}
    hits = difflib.get_close_matches(norm(want), list(keys), n=1, cutoff=0.6)
    return f"; did you mean {keys[hits[0]]!r}?" if hits else ""


def choose(labels, key: str, spec=None) -> Choice | None:
    """The labels of ``labels`` that play role ``key`` (``"wages"``, ``"household"``,
    ``"value_added"``), by the rules of this module; None when none fits.

    Raises
    ------
    InvalidTableError
        A given label the table lacks, or two or more candidates under the deciding
        rule (the message lists them and the option that settles it).

    Examples
    --------
    >>> choose(["Value added", "Value added tax"], "value_added").note()
    "value added: 'Value added' (rule: exact name or code); passed over ['Value added tax']"
    >>> choose(["Konsumsi LNPRT", "Konsumsi RT"], "household").label
    'Konsumsi RT'
    >>> choose(["Upah pekerja", "Gaji pegawai"], "wages")
    Traceback (most recent call last):
    ...
    linkage.errors.InvalidTableError: wages: 2 primary-input rows fit ...
    """
    role = ROLES[key]
    labels = list(labels)
    if spec is not None:
        return _given(labels, spec, role)
    keyed = [(c, norm(c)) for c in labels]
    exact = [c for c, k in keyed if _exact(k, role)]
    contains = [c for c, k in keyed if c not in exact and (has_name(k, role.names))]
    excluded = [
        c
        for c in contains
        if role.never is not None
        and role.never.search(norm(c))
        and not (role.unless is not None and role.unless.search(norm(c)))
    ]
    if exact:
        return _one(exact, "exact name or code", role, tuple(contains))
    usable = [c for c in contains if c not in excluded]
    if usable:
        name = next(n for n in role.names if any(has_name(norm(c), (n,)) for c in usable))
        rule = f"name contains {name!r}"
        if role.unless is not None and any(role.unless.search(norm(c)) for c in usable):
            rule += ", households and NPISH as published in one column"
        return _one(usable, rule, role, tuple(excluded))
    if excluded and key == "value_added":
        raise InvalidTableError(
            f"value added: only {[str(c) for c in excluded]} mention value added, and they "
            "name a tax or a part of it, not the whole; name the value-added rows with "
            f"{role.option} (Python: {role.param}=[...])"
        )
    return None


def _one(found: list, rule: str, role: Role, passed_over: tuple) -> Choice:
    if len(found) > 1:
        raise InvalidTableError(
            f"{role.what}: {len(found)} {role.where}s fit ({rule}): "
            f"{[str(c) for c in found]}; choose one with {role.option} LABEL "
            f"(Python: {role.param}=...)"
        )
    return Choice(role.what, (found[0],), rule, tuple(str(c) for c in passed_over))


def value_added_choice(labels, spec=None) -> Choice | None:
    """The value-added row(s) of the primary inputs ``labels``: :func:`choose`, else the
    primary inputs that are neither imports, totals nor people (None if that is none).

    Examples
    --------
    >>> c = value_added_choice(["Upah dan gaji", "Surplus usaha", "Impor"])
    >>> c.labels, c.passed_over
    (('Upah dan gaji', 'Surplus usaha'), ('Impor',))
    """
    found = choose(labels, "value_added", spec)
    if found is not None:
        return found
    rows = [
        c
        for c in labels
        if not has_name(norm(c), IMPORT_NAMES + TOTAL_NAMES + EMPLOYMENT_NAMES)
        and not has_code(norm(c), IMPORT_CODES)
    ]
    if not rows:
        return None
    return Choice(
        "value added",
        tuple(rows),
        "no value-added row: the primary inputs except imports, totals and people",
        tuple(str(c) for c in labels if c not in rows),
    )
