"""Labels as the readers compare them: normalized keys, codes, totals and employment names.

Row and column labels of an IO table are compared without case and extra spaces
(:func:`norm_label`); a leading code, leading zeros, punctuation or a prefix common to one
side's labels may be ignored when that makes more labels meet (:func:`match_keys`).
:func:`is_total_name` and :func:`is_employment_name` tell lines named like totals or
employment apart; :func:`label_key` says which cells can be sector labels at all.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = [
    "norm_label",
    "display_label",
    "strip_code",
    "loose_key",
    "match_keys",
    "is_total_name",
    "is_employment_name",
    "label_key",
]

_STRONG_TOTAL = re.compile(
    r"^(grand |sub)?(total|jumlah|sum)( (output|outputs|input|inputs|supply|use|uses|demand"
    r"|permintaan|penyediaan|penggunaan|input antara|permintaan antara|permintaan akhir"
    r"|intermediate( use| uses| input| inputs| demand| consumption)?|final demand|final use"
    r"|final uses|industry uses|konsumsi akhir|nilai tambah( bruto)?|value added))?$"
    r"|^(output|input) total$|^total output \(x\)$|^permintaan akhir$|^input primer$"
)
_WEAK_TOTAL = re.compile(
    r"\b(total|jumlah|sum|subtotal|value added|nilai tambah|gva|pdrb|final uses"
    r"|production|produksi|output|outputs)\b"
)
_EMPLOYMENT = re.compile(
    r"\b(employment|employed persons|jobs|tenaga kerja|labou?r|workers|pekerja|fte"
    r"|penyerapan tenaga kerja)\b"
)
_NOT_EMPLOYMENT = re.compile(
    r"\b(kompensasi|compensation|upah|gaji|wages?|salar|income|pendapatan|balas jasa|cost)"
)

_CODE_PREFIX = re.compile(r"^[0-9][0-9a-z.]*\s+")


def norm_label(c) -> str:
    """Label as compared: text without case, repeated spaces or ``.0`` on integer codes.

    Examples
    --------
    >>> norm_label("  Industri   Pengolahan "), norm_label(3011.0)
    ('industri pengolahan', '3011')
    """
    if c is None:
        return ""
    if isinstance(c, float):
        if np.isnan(c):
            return ""
        if c.is_integer():
            c = int(c)
    return " ".join(str(c).split()).casefold()


def display_label(c) -> str:
    if isinstance(c, float) and not np.isnan(c) and c.is_integer():
        c = int(c)
    return " ".join(str(c).split()) if c is not None else ""


def strip_code(key: str) -> str:
    """Key without a leading numeric code (``"7310 cleaning"`` -> ``"cleaning"``)."""
    return _CODE_PREFIX.sub("", key)


def loose_key(key: str) -> str:
    """Key without code prefix, spaces or punctuation (``"parts; other"`` = ``"partsother"``)."""
    return re.sub(r"[\W_]+", "", strip_code(key))


_CODE_TOKEN = re.compile(r"^([a-z]{1,4}|[0-9][0-9a-z.]*)$")


def first_token(key: str) -> str:
    """Code written before a name (``"a pertanian"`` -> ``"a"``); other keys unchanged.

    Examples
    --------
    >>> first_token("rstu jasa lainnya"), first_token("total input"), first_token("c")
    ('rstu', 'total input', 'c')
    """
    head, _, rest = key.partition(" ")
    return head if rest and _CODE_TOKEN.match(head) else key


_LEADING_ZEROS = re.compile(r"^0+(?=[0-9])")


def unpad(key: str) -> str:
    """Key without leading zeros on a leading number (``"001"`` -> ``"1"``).

    Excel keeps row codes typed as numbers (``1``) but header codes typed as text
    (``"001"``); this makes them meet.

    Examples
    --------
    >>> unpad("001"), unpad("01 pertanian"), unpad("0"), unpad("a01")
    ('1', '1 pertanian', '0', 'a01')
    """
    return _LEADING_ZEROS.sub("", key)


def _unpad_first_token(key: str) -> str:
    return first_token(unpad(key))


#: Ways of comparing row and column keys, strictest first (see :func:`match_keys`).
_KEY_VARIANTS = (unpad, strip_code, loose_key, first_token, _unpad_first_token)
_DISTINCT_ONLY = (first_token, _unpad_first_token)


_PREFIX = re.compile(r"^([a-z]{1,6}[_:.\-])(?=[a-z0-9])")


def common_prefix(keys) -> str:
    """The most common short letter prefix ending in ``_ : . -`` on two or more keys.

    Examples
    --------
    >>> common_prefix(["ttl_d01t02", "ttl_d05t06", "valu", "txs_int_fnl"])
    'ttl_'
    >>> common_prefix(["pertanian", "industri"])
    ''
    """
    found = [m.group(1) for k in keys if k and (m := _PREFIX.match(k))]
    if not found:
        return ""
    best = max(sorted(set(found)), key=found.count)
    return best if found.count(best) >= 2 else ""


def strip_prefix(keys, prefix: str) -> list:
    """Keys without ``prefix`` where they have it (``"ttl_d01t02"`` -> ``"d01t02"``)."""
    if not prefix:
        return list(keys)
    return [k[len(prefix) :] if k.startswith(prefix) else k for k in keys]


def match_keys(rk: list, ck: list) -> tuple[list, list]:
    """Row and column keys compared exactly, without leading zeros or code prefixes,
    loosely, or by code.

    The variant that makes the most row labels match column labels wins (ties: the
    stricter one). The variants comparing first words only (``"A Pertanian"`` row
    against an ``"A"`` column) are used only when they keep every label distinct. Last,
    a prefix common to the labels of one side only is dropped there (OECD tables: rows
    ``TTL_D01T02``, columns ``D01T02``). Empty keys stay empty.

    Examples
    --------
    >>> match_keys(["7310 cleaning", "wages"], ["cleaning", "households"])
    (['cleaning', 'wages'], ['cleaning', 'households'])
    >>> match_keys(["a pertanian", "b tambang", "upah dan gaji"], ["a", "b", "ekspor"])[0]
    ['a', 'b', 'upah']
    >>> match_keys(["1", "2", "upah"], ["001", "002", "3011"])
    (['1', '2', 'upah'], ['1', '2', '3011'])
    >>> match_keys(["ttl_d01t02", "ttl_d05t06", "valu"], ["d01t02", "d05t06", "hfce"])[0]
    ['d01t02', 'd05t06', 'valu']
    """
    best, best_n = (rk, ck), len(set(rk) & set(ck) - {""})
    for f in _KEY_VARIANTS:
        r2, c2 = [f(k) if k else "" for k in rk], [f(k) if k else "" for k in ck]
        if f in _DISTINCT_ONLY:
            rn, cn = [k for k in r2 if k], [k for k in c2 if k]
            if len(set(rn)) < len(rn) or len(set(cn)) < len(cn):
                continue
        n = len(set(r2) & set(c2) - {""})
        if n > best_n:
            best, best_n = (r2, c2), n
    for r2, c2 in (
        (strip_prefix(rk, common_prefix(rk)), ck),
        (rk, strip_prefix(ck, common_prefix(ck))),
    ):
        n = len(set(r2) & set(c2) - {""})
        distinct = all(len(set(v) - {""}) == sum(1 for k in v if k) for v in (r2, c2))
        if n > best_n and distinct:
            best, best_n = (r2, c2), n
    return list(best[0]), list(best[1])


def is_total_name(label) -> str:
    """``"strong"``, ``"weak"`` or ``""``: how much a label sounds like a total.

    Examples
    --------
    >>> is_total_name("Total Output"), is_total_name("Jumlah"), is_total_name("Nilai Tambah Bruto")
    ('strong', 'strong', 'weak')
    >>> is_total_name("Konsumsi Rumah Tangga")
    ''
    """
    key = norm_label(label)
    if _STRONG_TOTAL.match(key):
        return "strong"
    if _WEAK_TOTAL.search(key):
        return "weak"
    return ""


def is_employment_name(label) -> bool:
    """True for an employment row name, not for compensation of employees or wages.

    Examples
    --------
    >>> is_employment_name("Tenaga Kerja"), is_employment_name("Kompensasi Tenaga Kerja")
    (True, False)
    """
    key = norm_label(label)
    return bool(_EMPLOYMENT.search(key)) and not _NOT_EMPLOYMENT.search(key)


def label_key(c) -> str:
    """Key of a cell that can be a sector label, else ``""``.

    Numbers count only as whole positive codes (``1``, ``"001"``, ``3011``): a zero or a
    fraction (``0.5``, ``"2,25"``) is a value, and equal values in a data row and a data
    column must not pass for sector labels.

    Examples
    --------
    >>> label_key(" Pertanian "), label_key(3011.0), label_key("001"), label_key(0.25)
    ('pertanian', '3011', '001', '')
    >>> label_key("0"), label_key("1.234,5"), label_key(True)
    ('', '', '')
    """
    if isinstance(c, bool):
        return ""
    if isinstance(c, (int, float, np.number)):
        ok = np.isfinite(c) and float(c).is_integer() and c > 0
        return norm_label(c) if ok else ""
    key = norm_label(c)
    if key.isdigit():
        return key if key.strip("0") else ""
    if _NUMBER_LIKE.match(key):
        return ""
    return key


_NUMBER_LIKE = re.compile(r"^[+-]?[(]?[0-9][0-9.,\s]*(e[+-]?[0-9]+)?[)]?$|^[+-]?[.,][0-9]+$")


def variant_sets(keys: list) -> list:
    """Non-empty keys under exact comparison and each of ``_KEY_VARIANTS``."""
    exact = [k for k in keys if k]
    return [set(exact)] + [{f(k) for k in exact} - {""} for f in _KEY_VARIANTS]
