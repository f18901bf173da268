"""The 2023 Annual Review letter: upheld decisions per 100,000 residents, "the Council".

Evidence: the statistics pages of 2022-23 (Camden, in
``tests/fixtures/evidence/lgo-statistics-pages/``) print the panels the letters carry:

* after the count, "Adjusted for <Council>'s population, this is 6.7 upheld decisions per
  100,000 residents." and "The average for authorities of this type is 8.3 upheld decisions
  per 100,000 residents.";
* "100% of cases we were satisfied the Council had successfully implemented our
  recommendations." (no leading "In"; "the Council", not "the authority"); the compliance
  note is not shown, so it is read when present and not required;
* "In 0% of upheld cases we found the Council had provided a satisfactory remedy ...", whose
  total is now the upheld decisions, still labelled "detailed investigations";
* a second rendering adds a label line above a panel's rate ("89% Complaints upheld by
  <Council>"), read when present.

The letters were signed by the interim Ombudsman, "Interim Local Government and Social Care
Ombudsman". The "borderline issues" paragraph quoted by councils is free prose.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pyparsing as pp

from lgo_audit.grammar.elements import PERCENTAGE, fact, phrase, rate, words
from lgo_audit.grammar.profile import Statement
from lgo_audit.grammar.profile_2020 import (
    LINE_MAX,
    compliance_rate,
    remedy_heading,
    remedy_rate,
)
from lgo_audit.grammar.profile_2021 import PROFILE as PROFILE_2021
from lgo_audit.grammar.profile_2021 import sign_off

__all__ = ["PROFILE", "council_titles"]

_TITLES = (
    words("{Interim|Acting} Local Government {&|and} Social Care Ombudsman")
    + "|"
    + words("Local Government {&|and} Social Care Ombudsman")
    + "|"
    + words("Chair, Commission for Local Administration in England")
    + "|"
    + words("Vice-Chair, Commission for Local Administration in England")
)
council_titles = pp.Regex(_TITLES, flags=re.IGNORECASE)
"""The signatory's titles, the interim Ombudsman's among them."""

# The council's name may be hard-wrapped like any wording (a PDF extractor breaks the line
# inside "London Borough\nof Hackney's population"); its value has the whitespace folded.
_COUNCIL_NAME = r"[^\n](?:[^\n]|\n){0,149}?"
_POSSESSIVE = r"(?=['\u2019]s\s+population\b)"


def _label_line(name: str, section: str, words_after: str) -> Statement:
    """A panel's label line of the second page rendering ("89% Complaints upheld by Kent
    County Council"): read when present, it carries no fact of its own."""
    return Statement(
        name,
        section,
        pp.Regex(
            rf"{PERCENTAGE}\s+{words(words_after)}\s+[^\n]{{1,{LINE_MAX}}}", flags=re.IGNORECASE
        ),
        f"<n>% {words_after} <council>",
        keys=("#",),
    )


PANEL_STATEMENTS = (
    compliance_rate(opening="", council="the Council"),
    remedy_heading("the Council"),
    remedy_rate("the Council"),
    Statement(
        "upheld-per-100k",
        "upheld",
        phrase("Adjusted for")
        + fact(
            "upheld.per_100k_authority",
            pp.Regex(rf"{_COUNCIL_NAME}{_POSSESSIVE}"),
            lambda raw: " ".join(raw.split()),
        )
        + pp.Regex(r"['\u2019]s\s+population\s*,\s*this\s+is\b", flags=re.IGNORECASE)
        + fact("upheld.per_100k", rate)
        + phrase("upheld decisions per 100,000 residents."),
        "Adjusted for <council>'s population, this is <n> upheld decisions per 100,000 residents.",
        keys=("adjusted",),
        lead=words("Adjusted for"),
        phrases=("per 100,000", "population, this is"),
    ),
    Statement(
        "upheld-per-100k-average",
        "upheld",
        phrase("The average for authorities of this type is")
        + fact("upheld.per_100k_average", rate)
        + phrase("upheld decisions per 100,000 residents."),
        "The average for authorities of this type is <n> upheld decisions per 100,000 residents.",
        keys=("the",),
        lead=words("The average for authorities of this type"),
        phrases=("authorities of this type",),
    ),
    _label_line("upheld-label", "upheld", "Complaints upheld by"),
    _label_line("compliance-label", "compliance", "of cases were successfully implemented by"),
    _label_line("remedy-label", "remedy", "Complaints with satisfactory remedy provided by"),
)

PROFILE = PROFILE_2021.derive(
    2023,
    sections=(
        replace(
            PROFILE_2021.section("upheld"),
            needs=(
                "upheld-rate",
                "panel-average",
                "upheld-count",
                "upheld-per-100k",
                "upheld-per-100k-average",
                "panel-basis",
            ),
        ),
        replace(
            PROFILE_2021.section("compliance"),
            needs=("compliance-rate", "panel-average", "panel-basis"),
        ),
    ),
    statements=(*PANEL_STATEMENTS, sign_off(council_titles)),
)
