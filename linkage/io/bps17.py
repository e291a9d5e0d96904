"""BPS's 17 *lapangan usaha* (industries of regional accounts): codes, names, mapping.

The codes are KBLI 2009 letters with M+N and R+S+T+U combined (:data:`BPS17`). Names are
compared after :func:`normalize_name` (case, accents, punctuation and ``dan`` dropped),
with the spellings that differ between BPS publications; :func:`bps17_mapping` maps the
sectors of a provincial 17-industry IO table to the codes of the GRDP workbook.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ..errors import InvalidTableError

__all__ = ["BPS17", "normalize_name", "bps17_code", "bps17_mapping"]

#: The 17 *lapangan usaha* of BPS regional accounts and IO tables: code -> name.
BPS17 = {
    "A": "Pertanian, Kehutanan, dan Perikanan",
    "B": "Pertambangan dan Penggalian",
    "C": "Industri Pengolahan",
    "D": "Pengadaan Listrik dan Gas",
    "E": "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "F": "Konstruksi",
    "G": "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
    "H": "Transportasi dan Pergudangan",
    "I": "Penyediaan Akomodasi dan Makan Minum",
    "J": "Informasi dan Komunikasi",
    "K": "Jasa Keuangan dan Asuransi",
    "L": "Real Estat",
    "MN": "Jasa Perusahaan",
    "O": "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
    "P": "Jasa Pendidikan",
    "Q": "Jasa Kesehatan dan Kegiatan Sosial",
    "RSTU": "Jasa Lainnya",
}


# Spellings that differ between BPS publications, after normalize_name.
_ALIASES = {
    "real estate": "L",
    "pertanian kehutanan perikanan": "A",
    "administrasi pemerintahan pertahanan jaminan sosial wajib": "O",
    "jasa lainnya": "RSTU",
    "jasa jasa lainnya": "RSTU",
}
_STOP = {"dan", "and"}


def normalize_name(label) -> str:
    """Lower case, accents and punctuation removed, ``dan`` dropped, spaces collapsed.

    Examples
    --------
    >>> normalize_name("Administrasi Pemerintahan, Pertahanan, dan Jaminan Sosial Wajib")
    'administrasi pemerintahan pertahanan jaminan sosial wajib'
    """
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^0-9a-z]+", " ", text.lower()).split()
    return " ".join(w for w in words if w not in _STOP)


_NAME_TO_CODE = {normalize_name(v): k for k, v in BPS17.items()} | _ALIASES


def bps17_code(label) -> str | None:
    """The BPS 17-industry code of a label: a code (``"MN"``), a name, or ``"A Pertanian ..."``.

    Examples
    --------
    >>> bps17_code("Real Estate"), bps17_code("mn"), bps17_code("C Industri Pengolahan")
    ('L', 'MN', 'C')
    >>> bps17_code("Jasa Pertambangan") is None
    True
    """
    raw = str(label).strip()
    if raw.upper() in BPS17:
        return raw.upper()
    key = normalize_name(raw)
    if key in _NAME_TO_CODE:
        return _NAME_TO_CODE[key]
    head, _, rest = raw.partition(" ")
    if head.upper().strip(".:-") in BPS17 and normalize_name(rest) in _NAME_TO_CODE:
        code = head.upper().strip(".:-")
        if _NAME_TO_CODE[normalize_name(rest)] == code:
            return code
    # e.g. "Pertanian, Kehutanan, dan Perikanan (A)"
    m = re.search(r"\(([A-Za-z]{1,4})\)\s*$", raw)
    if m and m.group(1).upper() in BPS17:
        return m.group(1).upper()
    return None


def bps17_mapping(sectors) -> pd.Series:
    """Mapping table sector -> BPS 17-industry code, for a table labelled by code or name.

    Raises
    ------
    InvalidTableError
        When a label is not one of the 17 industries (a 52-sector table needs an explicit
        mapping file) or two labels map to the same code.

    Examples
    --------
    >>> bps17_mapping(["Pertanian, Kehutanan, dan Perikanan", "Industri Pengolahan"]).tolist()
    ['A', 'C']
    """
    labels = [str(s) for s in sectors]
    codes = [bps17_code(s) for s in labels]
    unknown = [s for s, c in zip(labels, codes, strict=True) if c is None]
    if unknown:
        raise InvalidTableError(
            f"{len(unknown)} table sector(s) are not BPS 17 lapangan usaha: {unknown[:5]}; "
            "give a mapping file (table sector -> GRDP code A..RSTU)"
        )
    seen: dict[str, str] = {}
    for s, c in zip(labels, codes, strict=True):
        if c in seen:
            raise InvalidTableError(
                f"table sectors {seen[c]!r} and {s!r} both map to lapangan usaha {c!r}; "
                "give a mapping file"
            )
        seen[c] = s
    return pd.Series(codes, index=pd.Index(labels, name="sector"), name="regional_sector")
