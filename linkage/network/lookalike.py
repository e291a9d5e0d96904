"""Ids that look alike: ``"PLR-01"`` and ``"plr 1"``, ``"002"`` and ``"2"``.

Ids are always compared exactly; these functions only find the near misses worth a warning
(an outside party that is probably a listed firm with its id mistyped).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["id_key", "lookalike", "lookalike_text"]


def id_key(ids: pd.Index) -> pd.Index:
    """Ids reduced for look-alike checks: lower case, no spaces, '-' or '_', no leading
    zeros in a run of digits, no ``.0`` after a whole number.

    Examples
    --------
    >>> id_key(pd.Index(["PLR-01", "plr 1", "2.0", "002"])).tolist()
    ['plr1', 'plr1', '2', '2']
    """
    key = ids.str.lower().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    key = key.str.replace(r"[\s_-]+", "", regex=True)
    return pd.Index(key.str.replace(r"(?<!\d)0+(?=\d)", "", regex=True))


def lookalike(firm_ids: pd.Index, others: pd.Index) -> np.ndarray:
    """Position of the listed firm each of ``others`` looks like (see :func:`id_key`), -1
    for none; firms whose key is shared by another firm are never matched.

    Examples
    --------
    >>> lookalike(pd.Index(["001", "PLR-01", "a", "A"]), pd.Index(["1", "plr 1", "a ", "x"]))
    array([ 0,  1, -1, -1])
    """
    key = id_key(firm_ids)
    unique = np.flatnonzero(~key.duplicated(keep=False))
    if not len(unique):  # every firm's key is shared ("F1" and "f1"): nothing to match
        return np.full(len(others), -1)
    hit = key[unique].get_indexer(id_key(others))
    return np.where(hit >= 0, unique[np.maximum(hit, 0)], -1)


def lookalike_text(known: pd.Index, others: pd.Index, limit: int = 5) -> str:
    """``"; 'pgp-1'~'PGP-1' differ only in case, ..."`` for the ids of ``others`` that look
    like one of ``known`` (see :func:`lookalike`), or ``""``.

    Examples
    --------
    >>> lookalike_text(pd.Index(["PGP-1", "A"]), pd.Index(["pgp-1", "zz"]))
    "; 'pgp-1'~'PGP-1' differ only in case, spaces, '-', '_' or leading zeros"
    """
    like = lookalike(known, others)
    hit = like >= 0
    if not hit.any():
        return ""
    pairs = ", ".join(
        f"{o!r}~{known[k]!r}" for o, k in zip(others[hit][:limit], like[hit][:limit], strict=True)
    )
    return f"; {pairs} differ only in case, spaces, '-', '_' or leading zeros"
