"""The languages of the report and the pages: one message catalogue per language.

Every sentence, heading, legend, tooltip and glossary entry that :mod:`linkage.report` and
:mod:`linkage.viz` show is looked up here by key, in ``linkage/viz/assets/messages.en.json``
or ``messages.id.json`` (a test fails when a key is in one and not the other). Messages are
``str.format`` templates with named fields; values shown to people are formatted for the
language first (:func:`number`: ``1,234.5`` in English, ``1.234,5`` in Bahasa Indonesia).
Data files (CSV) never go through here.

The catalogues live in ``linkage.viz`` because the report builds on the pages (the layers
allow ``report -> viz`` only).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

__all__ = [
    "LANGS",
    "check_lang",
    "messages",
    "t",
    "number",
    "significant",
    "percent",
    "html_lang",
    "locale",
]

#: Languages with a catalogue: English (default) and Bahasa Indonesia.
LANGS = ("en", "id")

#: Locale the pages' script formats numbers with (``Intl.NumberFormat``).
_LOCALES = {"en": "en-US", "id": "id-ID"}


def check_lang(lang) -> str:
    """``lang`` when it has a catalogue, else a one-line ValueError listing them.

    Examples
    --------
    >>> check_lang("id")
    'id'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    ValueError: Unknown language 'fr': choose one of en, id.
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGS)}.")
    return lang


@cache
def _catalogue(lang: str) -> dict:
    name = f"messages.{lang}.json"
    text = resources.files("linkage.viz.assets").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def messages(lang: str = "en") -> dict:
    """Every message of one language, key -> template (a copy).

    Examples
    --------
    >>> messages("id")["report.title"]
    'Laporan keterkaitan'
    >>> set(messages("en")) == set(messages("id"))
    True
    """
    return dict(_catalogue(check_lang(lang)))


def t(key: str, lang: str = "en", **values) -> str:
    """The message ``key`` in ``lang``, its ``{fields}`` filled with ``values``.

    Examples
    --------
    >>> t("names.more", "en", names="a, b", n=3)
    'a, b and 3 more'
    >>> t("names.more", "id", names="a, b", n=3)
    'a, b dan 3 lainnya'
    """
    text = _catalogue(check_lang(lang))[key]
    return text.format(**values) if values else text


def number(value, lang: str = "en", decimals: int = 0) -> str:
    """A number for people: thousands grouped, ``decimals`` after the decimal mark.

    Examples
    --------
    >>> number(1234.5, "en", 1), number(1234.5, "id", 1)
    ('1,234.5', '1.234,5')
    >>> number(-1234567, "id")
    '-1.234.567'
    >>> number(float("nan"), "id")
    ''
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, int) and not decimals:
        text = f"{value:,d}"
    else:
        text = f"{float(value):,.{decimals}f}"
    if check_lang(lang) == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def significant(value, lang: str = "en", digits: int = 3) -> str:
    """A small number with ``digits`` significant digits (``0.00123`` / ``0,00123``).

    Examples
    --------
    >>> significant(0.001234, "en"), significant(0.001234, "id")
    ('0.00123', '0,00123')
    """
    text = f"{float(value):.{digits}g}"
    return text.replace(".", ",") if check_lang(lang) == "id" else text


def percent(share, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.425) as a percentage for people (``42.5%`` / ``42,5%``).

    Examples
    --------
    >>> percent(0.425, "en", 1), percent(0.425, "id", 1), percent(1, "id")
    ('42.5%', '42,5%', '100%')
    """
    return number(100 * float(share), lang, decimals) + "%"


def html_lang(lang: str) -> str:
    """The value of ``<html lang>`` (``"id"`` for Bahasa Indonesia).

    Examples
    --------
    >>> html_lang("id")
    'id'
    """
    return check_lang(lang)


def locale(lang: str) -> str:
    """The BCP 47 locale the pages' script formats numbers with.

    Examples
    --------
    >>> locale("id")
    'id-ID'
    """
    return _LOCALES[check_lang(lang)]
