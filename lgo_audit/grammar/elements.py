"""Building blocks shared by every template profile: fixed wording, numbers, dates, facts.

A profile's grammar is written with these so that it reads like the letter it describes::

    phrase("This compares to an average of") + fact("*.average", percentage) + phrase("in similar authorities.")

Fixed wording is matched case-insensitively with any run of whitespace (line breaks included)
between words, so a statement hard-wrapped over two or three lines by a PDF extractor is still
recognised. Each :func:`fact` yields a :class:`FactToken` carrying its value, raw text and
offsets in the normalised text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import pyparsing as pp

from lgo_audit.dates import MONTHS

__all__ = [
    "MONTHS",
    "PERCENTAGE",
    "FactToken",
    "fact",
    "line_end",
    "long_date",
    "number",
    "ordinal_suffix",
    "parse_long_date",
    "parse_short_date",
    "percentage",
    "phrase",
    "rate",
    "short_date",
    "to_number",
    "to_percentage",
    "to_rate",
    "words",
]


class FactToken(NamedTuple):
    """A fact found by the grammar: offsets are into the normalised text, end exclusive.

    ``name`` is the dotted fact name, or ``*.rest`` for a statement shared by several
    sections (the section in force at that point completes the name).
    """

    name: str
    value: Any
    raw: str
    start: int
    end: int


_WORD_PUNCT = re.compile(r"^(.*?)([.,:;]*)$")
_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def _word_pattern(word: str) -> str:
    if _ALTERNATIVES.fullmatch(word):
        options = word[1:-1].split("|")
        return "(?:" + "|".join(re.escape(o) for o in options) + ")"
    core, punct = _WORD_PUNCT.match(word).groups()  # type: ignore[union-attr]
    pattern = re.escape(core)
    if punct:
        pattern += r"\s*" + re.escape(punct)
    return pattern


def words(text: str) -> str:
    """The regular expression for fixed wording: words joined by any whitespace.

    ``{a|b}`` offers alternatives for one word (``Local Government {&|and} Social Care``);
    trailing punctuation may be preceded by stray spaces ("sincerely ,").
    """
    pattern = r"\s+".join(_word_pattern(w) for w in text.split())
    if text[-1].isalnum() or text.endswith("}"):
        pattern += r"\b"
    return pattern


def phrase(text: str) -> pp.ParserElement:
    """Fixed wording of the template, matched case-insensitively across line breaks."""
    return pp.Regex(words(text), flags=re.IGNORECASE).set_name(repr(text))


line_end = pp.Regex(r"(?=[ ]*(?:\n|\Z))").leave_whitespace().set_name("end of line")
"""Succeeds only at the end of a line: headings and short lines stand alone."""


def fact(
    name: str, expr: pp.ParserElement, convert: Callable[[str], Any] | None = None
) -> pp.ParserElement:
    """Wrap ``expr`` so that its text becomes a :class:`FactToken` named ``name``.

    ``convert`` turns the raw text into the typed value (by default, the converter of the
    fact's kind declared in :mod:`lgo_audit.grammar.facts`); it returns ``None`` for text that
    has the right shape but no valid value ("31 April 2020").
    """
    if convert is None:
        from lgo_audit.grammar.facts import converter

        convert = converter(name)

    def to_token(_s: str, loc: int, toks: pp.ParseResults) -> FactToken:
        raw = str(toks[0])
        return FactToken(name, convert(raw), raw, loc, loc + len(raw))

    inner = expr if isinstance(expr, pp.Regex) else pp.original_text_for(expr)
    element = inner.copy().add_parse_action(to_token).set_name(name)
    FACTS[id(element)] = (name, convert)  # lets lgo_audit.grammar.fuse see what it carries
    return element


FACTS: dict[int, tuple[str, Callable[[str], Any]]] = {}

_REMEMBERED = 4096
"""Figures and dates read, remembered by their text (the letters of a batch state the same
averages, percentages and dates again and again); the values are immutable."""
"""Fact elements by identity: their fact name and converter (for :mod:`.fuse`)."""


number = pp.Regex(r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,9}(?![\d,]\d)").set_name("number")
"""A whole number as letters write it: ``17``, ``1,400``."""


def to_number(raw: str) -> int:
    """``"1,400"`` -> 1400."""
    return int(raw.replace(",", ""))


@functools.lru_cache(maxsize=_REMEMBERED)
def to_percentage(raw: str) -> Decimal:
    """``"58.8%"`` -> Decimal('58.8'): the stated precision is kept."""
    return Decimal(raw.rstrip("%").strip())


PERCENTAGE = r"\d{1,3}(?:\.\d{1,2})?\s?%"
percentage = pp.Regex(PERCENTAGE).set_name("percentage")
"""A percentage with 0, 1 or 2 decimal places: ``59%``, ``58.8%``."""


@functools.lru_cache(maxsize=_REMEMBERED)
def to_rate(raw: str) -> Decimal:
    """``"6.7"`` -> Decimal('6.7'); a stray ``%`` (``"3.9%"``, a real defect of a published
    page) is read past, so the figure is still there for the rule that flags the ``%``."""
    return Decimal(raw.rstrip("%").strip().replace(",", ""))


rate = pp.Regex(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?(?:\s?%)?").set_name("rate per 100,000")
"""A rate per 100,000 residents: ``6.7``, ``0``, ``12.45``; ``3.9%`` is read too (see
:func:`to_rate`)."""

_MONTH_NUMBER = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH_NUMBER.update({m[:3].lower(): i for i, m in enumerate(MONTHS, start=1)})
_MONTH_NUMBER["sept"] = 9
_MONTH_PATTERN = "|".join(
    f"{m[:3]}(?:{m[3:]})?" if m != "September" else "Sep(?:t(?:ember)?)?" for m in MONTHS
)
_LONG_DATE = re.compile(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_PATTERN})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_SHORT_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def ordinal_suffix(day: int) -> str:
    """The English ordinal suffix of a day of the month: ``st`` (1, 21, 31), ``nd`` (2, 22),
    ``rd`` (3, 23), else ``th`` (11, 12 and 13 among them)."""
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@functools.lru_cache(maxsize=_REMEMBERED)
def parse_long_date(raw: str) -> dt.date | None:
    """``"22 July 2020"`` or ``"22nd July 2020"`` -> date(2020, 7, 22); None for a day the
    month does not have (``"31 April 2020"``) or a day with the wrong ordinal suffix
    (``"11nd July 2020"``, ``"22th July 2020"``), which is no date as written either."""
    m = _LONG_DATE.fullmatch(raw)
    if m is None:
        return None
    day, month, year = m.groups()
    suffix = raw[m.end(1) : m.start(2)].strip().lower()
    if suffix and suffix != ordinal_suffix(int(day)):
        return None
    return _safe_date(int(year), _MONTH_NUMBER[month.lower()], int(day))


@functools.lru_cache(maxsize=_REMEMBERED)
def parse_short_date(raw: str) -> dt.date | None:
    """``"31/03/20"`` -> date(2020, 3, 31): the panels write dd/mm/yy, years after 2000."""
    m = _SHORT_DATE.fullmatch(raw)
    if m is None:
        return None
    day, month, year = m.groups()
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    return _safe_date(full_year, int(month), int(day))


long_date = pp.Regex(_LONG_DATE.pattern, flags=re.IGNORECASE).set_name("date such as 22 July 2020")
short_date = pp.Regex(_SHORT_DATE.pattern).set_name("date such as 31/03/20")
