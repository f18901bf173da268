"""A page or a letter, a page's year, and a page's own sections: what reading a letter needs
of :mod:`lgo_audit.grammar.page` without building the page grammar (its statements are
pyparsing expressions, built only when a statistics page is read)."""

from __future__ import annotations

import re
from functools import cache

from lgo_audit.grammar.profile import Section

__all__ = ["END_SECTION", "PAGE_SECTIONS", "document_kind", "page_year", "search_top_first"]

END_SECTION = "annual-letters"
"""The part of a page after its panels: a page that reaches it is not cut short."""

PAGE_SECTIONS = (
    Section("advice", "advice on comparing statistics across years", required=False, prose=True),
    Section("page-heading", "page heading (the council's name)", required=False),
    Section("data-notes", "notes on the data ('More about this data')", False, prose=True),
    Section(END_SECTION, "annual letters and the rest of the page", required=False, prose=True),
)
"""The page's own sections (its panels are the letter's)."""


# --- a page or a letter, and a page's year ------------------------------------------------------

_LETTER_MARKS = re.compile(
    r"Annual\s+Review\s+letter\s+\d{4}\b|^[ \t]*Dear\s+\S|^[ \t]*Yours\s+sincerely\b",
    re.IGNORECASE | re.MULTILINE,
)


@cache
def _page_marks() -> re.Pattern[str]:
    """A page's headings and chrome: sought only in a text with no mark of a letter, so
    compiled the first time one is read."""
    return re.compile(
        r"^[ \t]*(?:[-*\u2022][ \t]*)?(?:"
        r"Annual[ \t]+statistics\b[^\n]*"
        r"|Advice[ \t]+on[ \t]+comparing[ \t]+statistics[ \t]+across[ \t]+years"
        r"|More[ \t]+about[ \t]+this[ \t]+data"
        r"|View[ \t]+upheld[ \t]+decisions"
        r"|View[ \t]+all[ \t]+satisfactory[ \t]+remedy[ \t]+decisions"
        r")[ \t]*$"
        r"|\A\s*[^\n]{1,150}\n\s*Complaint[ \t]+overview[ \t]*$",
        re.IGNORECASE | re.MULTILINE,
    )


_SCAN = 20_000  # characters: the marks stand near the top


def search_top_first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` in ``text``, sought in its first :data:`_SCAN`
    characters (where a letter's title and a page's heading stand) and only then in the rest:
    a long line above the title moves it down, it does not lose it."""
    found = pattern.search(text, 0, _SCAN)
    if found is None and len(text) > _SCAN:
        found = pattern.search(text)
    return found


def document_kind(text: str) -> str:
    """``"page"`` for the text of a statistics page (one of its headings or its chrome, and
    nothing of a letter's frame: no "Annual Review letter <year>", "Dear ..." or "Yours
    sincerely"), else ``"letter"``."""
    if search_top_first(_LETTER_MARKS, text):
        return "letter"
    return "page" if search_top_first(_page_marks(), text) else "letter"


@cache
def _period() -> re.Pattern[str]:
    """A page's period, compiled when a page is read (a letter's year is its title's)."""
    return re.compile(
        r"\bbetween\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}\s+(?:to|and)\s+"
        r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+(\d{4})(?!\d)",
        re.IGNORECASE,
    )


def page_year(text: str) -> int | None:
    """The year of a page: the year its period ends ("for the period between 1 April 2022 to
    31 March 2023", or the overview's "Between 1 April 2024 to 31 March 2025"): the letter
    year whose panels it shows. None when the page shows no period (cut before it)."""
    m = search_top_first(_period(), text)
    return int(m.group(1)) if m is not None else None
