"""The Ombudsman's statistics pages: the same panels as a year's letter, in a web page's frame.

The Ombudsman publishes each council's figures on a statistics page
(``https://www.lgo.org.uk/your-councils-performance/<council>/statistics``) whose panels are the
letter's: a page of the 2022-23 data is read with the panels of the 2023 letter, and so on. A
page profile is *derived* from the letter profile of its year (:func:`page_profile`): the
letter's panel sections and statements are taken as they are (one declaration of each
statement, in the letter profiles), the letter's frame (date, addressee, salutation, title,
narrative, sign-off) is left out, and the page's own parts are added, in the words the saved
pages in ``tests/fixtures/evidence/lgo-statistics-pages/`` show and no others:

* the council's name on a line of its own, above "Annual statistics ?Find out more about
  annual statistics" (2022-23, 2023-24) or "Complaint overview" (2024-25): the page's heading,
  which gives ``authority.name``;
* the "Advice on comparing statistics across years" block above it, read as prose;
* "More about this data" and the definitions under the overview, read as prose, and the
  overview chart's labels ("Complaints dealt with", "Not for us", "Assessed and closed",
  "Investigated");
* the "-" line before a panel, "View upheld decisions" (glued to the next sentence in one
  rendering) and "View all satisfactory remedy decisions";
* "Annual letters": the part of the page after the panels, read to the end as prose.

Whether a text is a page or a letter is decided by :func:`document_kind`; a page's year by its
period (:func:`page_year`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pyparsing as pp

from lgo_audit.grammar.elements import fact, line_end, phrase, words
from lgo_audit.grammar.profile import Profile, Section, Statement

__all__ = [
    "END_SECTION",
    "PAGE_SECTIONS",
    "document_kind",
    "page_profile",
    "page_year",
]

PANELS = ("upheld", "compliance", "remedy")
END_SECTION = "annual-letters"
"""The part of a page after its panels: a page that reaches it is not cut short."""

# The council's name: one line of its own, straight above the page's first heading.
_FIRST_HEADING = r"(?:Annual\s+statistics\b|Complaint\s+overview[ ]*(?:\n|\Z))"
_COUNCIL_LINE = rf"[A-Z][^\n.?!:;]{{1,150}}?(?=[ ]*\n\s*{_FIRST_HEADING})"

_HEADING_STATEMENTS = (
    Statement(
        "advice-heading",
        "advice",
        phrase("Advice on comparing statistics across years") + line_end,
        "Advice on comparing statistics across years",
        keys=("advice",),
    ),
    Statement(
        "page-council",
        "page-heading",
        fact("authority.name", pp.Regex(_COUNCIL_LINE), lambda raw: " ".join(raw.split())),
        "<council> (a line of its own, above the page's first heading)",
        probe=re.compile(r"\n\s*" + _FIRST_HEADING, re.IGNORECASE),
    ),
    Statement(
        "page-statistics-heading",
        "page-heading",
        phrase("Annual statistics")
        + pp.Opt(pp.Regex(r"\?\s*" + words("Find out more about annual statistics")))
        + line_end,
        "Annual statistics ?Find out more about annual statistics",
        keys=("annual",),
    ),
)

_LABEL = (
    "(?:"
    + "|".join(
        words(label)
        for label in ("Complaints dealt with", "Not for us", "Assessed and closed", "Investigated")
    )
    + ")"
)
"""One of the overview chart's labels; the labels stand one a line, read as one run."""

_OVERVIEW_CHROME = (
    Statement(
        "data-notes-heading",
        "data-notes",
        phrase("More about this data") + line_end,
        "More about this data",
        keys=("more",),
    ),
    Statement(
        "overview-chart-label",
        None,
        pp.Regex(rf"{_LABEL}(?:[ ]*\n\s*{_LABEL})*(?=[ ]*(?:\n|\Z))", flags=re.IGNORECASE),
        "Complaints dealt with / Not for us / Assessed and closed / Investigated",
        keys=("complaints", "not", "assessed", "investigated"),
        scope=frozenset({"overview", "data-notes"}),
    ),
)

_PANEL_CHROME = (
    Statement(
        "panel-separator",
        None,
        pp.Regex(r"-(?=[ ]*(?:\n|\Z))"),
        "-",
        keys=("",),  # a line that starts with no word or figure
        scope=frozenset({"page-heading", "overview", "data-notes", *PANELS}),
    ),
    # Glued to the next sentence in one rendering ("View upheld decisionsAdjusted for ..."):
    # no word boundary after it.
    Statement(
        "view-upheld",
        "upheld",
        pp.Regex(r"View\s+upheld\s+decisions", flags=re.IGNORECASE),
        "View upheld decisions",
        keys=("view",),
    ),
    Statement(
        "view-remedies",
        "remedy",
        phrase("View all satisfactory remedy decisions") + line_end,
        "View all satisfactory remedy decisions",
        keys=("view",),
    ),
    Statement(
        "annual-letters",
        END_SECTION,
        phrase("Annual letters") + line_end + pp.Regex(r"[\s\S]*"),
        "Annual letters",
        keys=("annual",),
    ),
)

PAGE_SECTIONS = (
    Section("advice", "advice on comparing statistics across years", required=False, prose=True),
    Section("page-heading", "page heading (the council's name)", required=False),
    Section("data-notes", "notes on the data ('More about this data')", False, prose=True),
    Section(END_SECTION, "annual letters and the rest of the page", required=False, prose=True),
)
"""The page's own sections (its panels are the letter's)."""


def page_profile(letter: Profile) -> Profile:
    """The statistics page of ``letter``'s year: the letter's panel sections and statements
    (the overview's too, where the year has one), in the page's frame."""
    own = {s.name: s for s in PAGE_SECTIONS}
    panels = [s for s in letter.sections if s.name in (*PANELS, "overview")]
    sections: list[Section] = [own["advice"], own["page-heading"]]
    for section in panels:
        if section.name == "upheld":
            sections.append(own["data-notes"])
        sections.append(section)
    sections.append(own[END_SECTION])
    names = {s.name for s in sections}
    kept = tuple(
        st
        for st in letter.statements
        if (st.section in names) or (st.section is None and st.scope and st.scope <= names)
    )
    # The page's chrome first: "Annual statistics" before the letter's "Annual Review letter".
    statements = (*_HEADING_STATEMENTS, *_OVERVIEW_CHROME, *_PANEL_CHROME, *kept)
    return replace(
        letter,
        name=f"{letter.name}-page",
        kind="page",
        sections=tuple(sections),
        statements=statements,
        minimum_sections=1,
        anchors=frozenset({"advice", "page-heading", "overview", "data-notes", *PANELS}) & names,
    )


# --- a page or a letter, and a page's year ------------------------------------------------------

_LETTER_MARKS = re.compile(
    r"Annual\s+Review\s+letter\s+\d{4}\b|^[ \t]*Dear\s+\S|^[ \t]*Yours\s+sincerely\b",
    re.IGNORECASE | re.MULTILINE,
)
_PAGE_MARKS = re.compile(
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


def document_kind(text: str) -> str:
    """``"page"`` for the text of a statistics page (one of its headings or its chrome, and
    nothing of a letter's frame: no "Annual Review letter <year>", "Dear ..." or "Yours
    sincerely"), else ``"letter"``."""
    head = text[:_SCAN]
    if _LETTER_MARKS.search(head):
        return "letter"
    return "page" if _PAGE_MARKS.search(head) else "letter"


_PERIOD = re.compile(
    r"\bbetween\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}\s+(?:to|and)\s+"
    r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)


def page_year(text: str) -> int | None:
    """The year of a page: the year its period ends ("for the period between 1 April 2022 to
    31 March 2023", or the overview's "Between 1 April 2024 to 31 March 2025"): the letter
    year whose panels it shows. None when the page shows no period (cut before it)."""
    m = _PERIOD.search(text, 0, _SCAN)
    return int(m.group(1)) if m is not None else None
