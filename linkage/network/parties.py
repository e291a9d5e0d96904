"""The parties file of a survey, validated: :func:`listed_parties`.

A parties file describes outside parties (``party_id``): their ``kind`` (intermediary,
supplier or buyer, in the words field teams use: ``pengepul``, ``pemasok``, ``pembeli``
...), ``name`` and ``region``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .reader import REQUIRED_COLUMNS, TableReader
from .transactions import CHANNELS
from .validation import fail, require, row_list, without_blank

__all__ = ["PARTY_KINDS", "PARTY_KIND_WORDS", "listed_parties"]

#: Recognised values of the ``kind`` column of a parties file.
PARTY_KINDS = ("intermediary", "supplier", "buyer")

#: Spellings of the ``kind`` column of a parties file (with the intermediary words of
#: :data:`~linkage.network.transactions.CHANNELS`).
PARTY_KIND_WORDS = {
    "middlemen": "intermediary",
    "pemasok": "supplier",
    "penjual": "supplier",
    "supplier": "supplier",
    "suppliers": "supplier",
    "pembeli": "buyer",
    "konsumen": "buyer",
    "customer": "buyer",
    "buyers": "buyer",
}


def listed_parties(
    frame: pd.DataFrame, source: str, diag: Diagnostics, reader: TableReader | None = None
) -> pd.DataFrame:
    """The validated parties file, indexed by ``party_id``.

    An empty or repeated id, or a kind that is not understood, is an error naming the row.

    Parameters
    ----------
    frame : DataFrame
    source : str
        Name of the file in messages.
    diag : Diagnostics
    reader : TableReader, optional
        How columns and cells are read (default: canonical frames as given).

    Returns
    -------
    DataFrame
        ``kind`` (one of :data:`PARTY_KINDS` or ""), ``name`` and, when given, ``region``.

    Examples
    --------
    >>> parties = pd.DataFrame({"party_id": ["PGP", "MINE"], "kind": ["Tengkulak", "pemasok"]})
    >>> listed_parties(parties, "parties", Diagnostics())
                      kind name
    party_id
    PGP       intermediary
    MINE          supplier
    """
    reader = TableReader() if reader is None else reader
    frame = reader.columns(frame, "parties", source, diag)
    require(frame, REQUIRED_COLUMNS["parties"], source)
    frame, rows = without_blank(frame, source, diag)
    ids = reader.ids(frame["party_id"], f"{source}, column 'party_id'", diag)
    missing = pd.isna(ids)
    if missing.any():
        fail(source, "party_id is empty", row=rows[missing][0], column="party_id")
    index = pd.Index(ids.astype(str), name="party_id")
    if index.duplicated().any():
        first = index[index.duplicated()][0]
        where = rows[index == first]
        fail(
            source,
            f"party_id {first!r} appears {len(where)} times (rows {row_list(where)})",
            row=where[1],
            column="party_id",
            value=first,
        )
    kind = _kinds(frame, rows, source)

    def text(col):
        if col not in frame.columns:
            return np.full(len(frame), "", dtype=object)
        return frame[col].astype(str).str.strip().where(frame[col].notna(), "").to_numpy(object)

    out = pd.DataFrame({"kind": kind.astype(str), "name": text("name").astype(str)}, index=index)
    if "region" in frame.columns:
        out["region"] = text("region").astype(str)
    return out


def _kinds(frame: pd.DataFrame, rows: np.ndarray, source: str) -> np.ndarray:
    """The ``kind`` of each party ("" when not given); an unknown word is an error."""
    if "kind" not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    kind = frame["kind"].astype(str).str.strip().str.lower().where(frame["kind"].notna(), "")
    kind = kind.str.replace(r"[\s_-]+", " ", regex=True)
    words = {k: v for k, v in CHANNELS.items() if v == "intermediary"}
    words.update(PARTY_KIND_WORDS)
    kind = kind.replace(words)
    bad = ~kind.isin(PARTY_KINDS + ("",))
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        fail(
            source,
            f"kind must be one of {list(PARTY_KINDS)}",
            row=rows[k],
            column="kind",
            value=frame["kind"].iloc[k],
        )
    return kind.to_numpy(dtype=object)
