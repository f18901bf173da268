"""The 2024 Annual Review letter: "investigations", the remedy total labelled "upheld
decisions", the zero-case sentences, the new Ombudsman.

Evidence: the statistics pages of 2023-24 (Hertfordshire and Cheltenham, in
``tests/fixtures/evidence/lgo-statistics-pages/``, and five other councils' pages):

* the upheld panel's basis reads "Statistics are based on a total of 47 investigations"
  ("detailed" dropped), the remedy panel's "Statistics are based on a total of 42 upheld
  decisions";
* a council with no upheld complaint shows "No recommendations were due for compliance in this
  period" instead of the compliance panel's figures and "The Ombudsman did not uphold any
  complaints in this period" instead of the remedy panel's;
* Amerdeep Somal is the Ombudsman from January 2024 (the signatory table, not the grammar,
  says who may sign when).
"""

from __future__ import annotations

import re

import pyparsing as pp

from lgo_audit.grammar.elements import fact, phrase
from lgo_audit.grammar.profile import Section, Statement
from lgo_audit.grammar.profile_2020 import PANELS, count, date, label
from lgo_audit.grammar.profile_2023 import PROFILE as PROFILE_2023

__all__ = ["PROFILE"]

_TOTAL = (
    r"(?:detailed\s+investigations?|investigations?|compliance\s+outcomes?|upheld\s+decisions?)\b"
)

PANEL_BASIS = Statement(
    "panel-basis",
    None,
    phrase("Statistics are based on a total of")
    + count("*.total")
    + label("*.total_label", _TOTAL)
    + phrase("for the period between")
    + date("*.period.start")
    + pp.Regex(r"to|and", flags=re.IGNORECASE)
    + date("*.period.end"),
    "Statistics are based on a total of <n> {total} for the period between <date> to <date>",
    keys=("statistics",),
    lead=r"Statistics\s+are\s+based\s+on",
    scope=PANELS,
    phrases=("statistics are based on", "compliance outcomes"),
)


def _zero_case(name: str, section: str, fact_name: str, sentence: str) -> Statement:
    return Statement(
        name,
        section,
        fact(fact_name, phrase(sentence)) + pp.Opt("."),
        sentence,
        keys=(sentence.split()[0].lower(),),
    )


PROFILE = PROFILE_2023.derive(
    2024,
    sections=(
        Section(
            "upheld",
            "complaints upheld panel",
            aliases={"total": "investigations", "total_label": "investigations_label"},
            wording={"total": "investigations"},
            needs=PROFILE_2023.section("upheld").needs,
        ),
        Section(
            "compliance",
            "compliance with recommendations panel",
            aliases={"total": "outcomes", "total_label": "outcomes_label"},
            wording={"total": "compliance outcomes"},
            needs=PROFILE_2023.section("compliance").needs,
            instead="compliance-none",
        ),
        Section(
            "remedy",
            "satisfactory remedies panel",
            aliases={"total": "investigations", "total_label": "investigations_label"},
            wording={"total": "upheld decisions"},
            needs=PROFILE_2023.section("remedy").needs,
            instead="remedy-none",
        ),
    ),
    statements=(
        PANEL_BASIS,
        _zero_case(
            "compliance-none",
            "compliance",
            "compliance.none_due",
            "No recommendations were due for compliance in this period",
        ),
        _zero_case(
            "remedy-none",
            "remedy",
            "remedy.none_upheld",
            "The Ombudsman did not uphold any complaints in this period",
        ),
    ),
)
