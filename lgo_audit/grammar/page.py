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
period (:func:`page_year`): both in :mod:`lgo_audit.grammar.kind`, with the page's own
sections, so that reading a letter never builds this module's grammar.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pyparsing as pp

from lgo_audit.grammar.elements import fact, line_end, phrase, words
from lgo_audit.grammar.kind import END_SECTION, PAGE_SECTIONS, document_kind, page_year
from lgo_audit.grammar.profile import Profile, Section, Statement

__all__ = [
    "END_SECTION",
    "PAGE_SECTIONS",
    "document_kind",
    "page_profile",
    "page_year",
]

PANELS = ("upheld", "compliance", "remedy")

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
        # (the line break just before the heading: in normalised text no line starts with a
        # space, so blank lines before it are line breaks alone; "\n\s*" was searched from
        # every break of a long run of blank lines, time in the square of its length)
        probe=re.compile(r"\n" + _FIRST_HEADING, re.IGNORECASE),
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
