"""The 2021 Annual Review letter: the 2020 panels, a frame required by its facts.

Evidence (``tests/fixtures/evidence/TEMPLATE-HISTORY.md``): the 2021 letter kept the three
panels word for word ("Statistics are based on a total of 13 detailed investigations for the
period between ..."), the compliance note, and Michael King's signature. No full text of a
2021 letter is known, so the 2020 narrative paragraphs (the Covid opening, the resources,
seminars, training and publication paragraphs) are read when present and required nowhere,
and the frame is required by its facts: a date line, the addressee, "Dear ...", the title,
the year ending, a sign-off with a name.
"""

from __future__ import annotations

import re

import pyparsing as pp

from lgo_audit.grammar.elements import fact, phrase
from lgo_audit.grammar.profile import Section, Statement
from lgo_audit.grammar.profile_2020 import PROFILE as PROFILE_2020
from lgo_audit.grammar.profile_2020 import date, signatory, signatory_title, unnamed_signatory

__all__ = ["PROFILE", "optional", "sign_off", "year_ending"]

NARRATIVE = ("statistics-explanation", "publication", "resources", "seminars", "training")


def optional(name: str) -> Section:
    """The 2020 section ``name``, read when present and no longer required."""
    section = PROFILE_2020.section(name)
    return Section(section.name, section.title, False, section.prose, section.aliases)


year_ending = Statement(
    "year-ending",
    "introduction",
    pp.Regex(r"[^.\n]{0,300}?\byear\s+ending\s+", flags=re.IGNORECASE)
    + date("year_ending")
    + pp.Opt("."),
    "... for the year ending <date>.",
    probe=re.compile(r"\byear\s+ending\b", re.IGNORECASE),
)
"""The year ending in whatever words introduce it (the 2020 opening is tried first)."""


def sign_off(titles: pp.Regex = signatory_title) -> Statement:
    """ "Yours sincerely", the signatory and the title(s) under the name."""
    return Statement(
        "sign-off",
        "sign-off",
        phrase("Yours sincerely")
        + pp.Opt(",")
        + pp.Opt(fact("signatory.name", signatory) | unnamed_signatory(titles))
        + pp.Opt(fact("signatory.title", titles))
        + pp.ZeroOrMore(titles),
        "Yours sincerely, <signatory>, <titles>",
        keys=("yours",),
    )


PROFILE = PROFILE_2020.derive(
    2021,
    sections=(
        Section("delivery", "delivery line ('By email')", required=False),
        *(optional(name) for name in NARRATIVE),
    ),
    statements=(sign_off(), year_ending),
)
