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

from dataclasses import replace

import pyparsing as pp

from lgo_audit.grammar.elements import fact, phrase
from lgo_audit.grammar.profile import Statement
from lgo_audit.grammar.profile_2020 import panel_basis
from lgo_audit.grammar.profile_2023 import PROFILE as PROFILE_2023

__all__ = ["PROFILE"]

PANEL_BASIS = panel_basis(
    ("detailed investigation", "investigation", "compliance outcome", "upheld decision")
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
        replace(PROFILE_2023.section("upheld"), wording={"total": "investigations"}),
        replace(PROFILE_2023.section("compliance"), instead="compliance-none"),
        replace(
            PROFILE_2023.section("remedy"),
            wording={"total": "upheld decisions"},
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
