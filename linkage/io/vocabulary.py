"""Known names of final-demand columns and primary-input rows (Indonesian, English, Finnish).

A wide table's column that matches no row is final demand, a row that matches no column a
primary input; :func:`is_final_demand_name` and :func:`is_primary_input_name` say whether
its label is a known name of one (stems, so ``"Konsumsi Rumah Tangga"``, ``"Households
final consumption expenditure"`` and ``"Kotitalouksien kulutusmenot"`` all match). The
labels of the tables in ``/work/shared/data`` (BPS, ABS, Statistics Finland) and of
:mod:`linkage.io.examples` are covered; a label that is neither a sector nor known is an
error in :mod:`linkage.io.vocabulary_check`, settled by ``--final-demand`` /
``--primary-inputs``.
"""

from __future__ import annotations

import re

from .labels import norm_label, strip_code

__all__ = [
    "FINAL_DEMAND_STEMS",
    "PRIMARY_INPUT_STEMS",
    "FINAL_DEMAND_ABBREVIATIONS",
    "PRIMARY_INPUT_ABBREVIATIONS",
    "is_final_demand_name",
    "is_primary_input_name",
]

#: Stems of final-demand names; a label containing one (after a leading code) is known.
FINAL_DEMAND_STEMS = (
    # Indonesian (BPS)
    "konsumsi",
    "rumah tangga",
    "pemerintah",
    "lnprt",
    "lembaga non",
    "pembentukan modal",
    "modal tetap",
    "perubahan inventori",
    "perubahan stok",
    "inventori",
    "ekspor",
    "permintaan akhir",
    "permintaan",
    "impor",
    "margin",
    "belanja",
    "keluarga",
    # English
    "household",
    "consumption",
    "consumer",
    "government",
    "govt",
    "gov",
    "npish",
    "non-profit",
    "nonprofit",
    "investment",
    "capital formation",
    "fixed capital",
    "gfcf",
    "inventor",
    "stock",
    "export",
    "import",
    "final demand",
    "final use",
    "final",
    "demand",
    "expenditure",
    "valuables",
    "sales",
    "outside buyer",
    "re-export",
    "discrepanc",
    "residual",
    "statistical",
    # Finnish (Statistics Finland, SNA codes)
    "kulutus",
    "kotitalou",
    "julkisyhteis",
    "pääoman",
    "bruttomuodostus",
    "varasto",
    "vienti",
    "tuonti",
    "loppukäyttö",
)

#: Stems of primary-input names (value added and its parts, imports, taxes, totals).
PRIMARY_INPUT_STEMS = (
    # Indonesian (BPS)
    "upah",
    "gaji",
    "surplus",
    "usaha",
    "pajak",
    "subsidi",
    "penyusutan",
    "impor",
    "nilai tambah",
    "input antara",
    "input primer",
    "balas jasa",
    "kompensasi",
    "tenaga kerja",
    "pendapatan",
    "pekerja",
    "margin",
    # English
    "wage",
    "salar",
    "compensation",
    "employee",
    "labour",
    "labor",
    "operating surplus",
    "mixed income",
    "profit",
    "rent",
    "tax",
    "subsid",
    "import",
    "value added",
    "gva",
    "depreciation",
    "fixed capital",
    "intermediate",
    "primary input",
    "payments",
    "purchases",
    "outside supplier",
    "capital",
    "other",
    "residual",
    "discrepanc",
    "txs",
    "imp_",
    "_imp",
    # Finnish
    "palkansaaja",
    "korvaukset",
    "pääomakorvaus",
    "tuotevero",
    "tuotantovero",
    "vero",
    "tuonti",
    "tuontituot",
    "jalostusarvo",
    "arvonlisä",
)


def _pattern(stems) -> re.Pattern:
    return re.compile("|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)))


_FD = _pattern(FINAL_DEMAND_STEMS)
_PI = _pattern(PRIMARY_INPUT_STEMS)


#: Abbreviations known as whole labels (``hh``, ``HFCE``, ``PMTB``, ``va`` ...).
FINAL_DEMAND_ABBREVIATIONS = frozenset(
    "hh hfce gfce ggfce npish gfcf gcf pmtb pmtdb lnprt ckrt ckp fd x exp exports inv "
    "cg ch ci c g i e expo impo gov govt".split()
)
PRIMARY_INPUT_ABBREVIATIONS = frozenset(
    "va valu gva nva nta ntb w s v k l t cos coe gos gos/mi os ptl tls m imp impo".split()
)
#: BPS codes: 301-309 and 3000-3099 are final demand, 200-219 and 2000-2199 primary inputs.
_FD_CODE = re.compile(r"^(30\d|30\d\d)\b")
_PI_CODE = re.compile(r"^(2[01]\d|2[01]\d\d)\b")
#: SNA codes: P (products: final uses) and D / B (distributive transactions, balances).
_FD_SNA = re.compile(r"^p\d")
_PI_SNA = re.compile(r"^(d|b)\d")


def _key(label) -> str:
    # without a leading code, nor the " (2)" of a renamed repeated label
    return re.sub(r" \(\d+\)$", "", strip_code(norm_label(label)))


def is_final_demand_name(label) -> bool:
    """True when ``label`` is a known name of a final-demand category (or an SNA ``P`` code).

    Examples
    --------
    >>> is_final_demand_name("3030 Pembentukan Modal Tetap Bruto")
    True
    >>> is_final_demand_name("Changes in Inventories"), is_final_demand_name("mining")
    (True, False)
    """
    return _is_known(label, FINAL_DEMAND_ABBREVIATIONS, _FD_CODE, _FD, _FD_SNA)


def is_primary_input_name(label) -> bool:
    """True when ``label`` is a known name of a primary input (or an SNA ``D``/``B`` code).

    Examples
    --------
    >>> is_primary_input_name("Upah dan gaji"), is_primary_input_name("Surplus usaha")
    (True, True)
    >>> is_primary_input_name("Palkansaajakorvaukset"), is_primary_input_name("mining")
    (True, False)
    """
    return _is_known(label, PRIMARY_INPUT_ABBREVIATIONS, _PI_CODE, _PI, _PI_SNA)


def _is_known(label, abbreviations, bps_code, stems, sna_code) -> bool:
    """A whole-label abbreviation, a leading BPS code, a stem, or a leading SNA code."""
    key = _key(label)
    if key in abbreviations or bps_code.match(norm_label(label)):
        return True
    return bool(stems.search(key) or sna_code.match(key))
