"""The 2025 Annual Review letter: issued in May, with the complaint overview.

Evidence: the statistics pages of 2024-25 (Kent and Leeds, in
``tests/fixtures/evidence/lgo-statistics-pages/``) add a complaint overview ("Between
1 April 2024 to 31 March 2025, we dealt with 291 complaints. Of these, 87 were not for us or
not ready for us to investigate. We assessed and closed 128 complaints. We investigated 76
complaints.") and open the upheld panel with "We investigated 76 complaints and upheld 63.";
they no longer show the separate "N upheld decisions" line nor the upheld panel's "Statistics
are based on ..." line. Whether the letters print all of this is not established: the
overview and the new sentence are read when present, the lines the pages dropped are no
longer required. The compliance and remedy panels are not shown on those pages: they are
read as in 2024. Letters and data were issued on 21 May 2025 (the issue month is May).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pyparsing as pp

from lgo_audit.grammar.elements import line_end, phrase, words
from lgo_audit.grammar.profile import Section, Statement
from lgo_audit.grammar.profile_2020 import count, date, label
from lgo_audit.grammar.profile_2024 import PROFILE as PROFILE_2024

__all__ = ["PROFILE"]

OVERVIEW = (
    Statement(
        "overview-heading",
        "overview",
        phrase("Complaint overview") + line_end,
        "Complaint overview",
        keys=("complaint",),
    ),
    Statement(
        "overview-dealt-with",
        "overview",
        phrase("Between")
        + date("overview.period.start")
        + pp.Regex(r"to|and", flags=re.IGNORECASE)
        + date("overview.period.end")
        + phrase(", we dealt with")
        + count("overview.dealt_with")
        + label("overview.dealt_with_label", r"complaints?\b")
        + phrase("."),
        "Between <date> to <date>, we dealt with <n> complaints.",
        keys=("between",),
        lead=words("Between"),
        phrases=("we dealt with",),
    ),
    Statement(
        "overview-not-for-us",
        "overview",
        phrase("Of these,")
        + count("overview.not_for_us")
        + phrase("{were|was} not for us or not ready for us to investigate."),
        "Of these, <n> were not for us or not ready for us to investigate.",
        keys=("of",),
        lead=words("Of these,"),
        phrases=("not for us",),
    ),
    Statement(
        "overview-assessed",
        "overview",
        phrase("We assessed and closed")
        + count("overview.assessed_and_closed")
        + label("overview.assessed_and_closed_label", r"complaints?\b")
        + phrase("."),
        "We assessed and closed <n> complaints.",
        keys=("we",),
        lead=words("We assessed and closed"),
        phrases=("assessed and closed",),
    ),
    # "We investigated N complaints and upheld M." (upheld panel) before the overview's
    # "We investigated N complaints.": the longer statement is tried first.
    Statement(
        "upheld-summary",
        "upheld",
        phrase("We investigated")
        + count("upheld.summary.investigated")
        + label("upheld.summary.investigated_label", r"complaints?\b")
        + phrase("and upheld")
        + count("upheld.summary.upheld")
        + phrase("."),
        "We investigated <n> complaints and upheld <n>.",
        keys=("we",),
        lead=r"We\s+investigated\s+\S+\s+complaints?\s+and\s+upheld\b",
        phrases=("and upheld",),
    ),
    Statement(
        "overview-investigated",
        "overview",
        phrase("We investigated")
        + count("overview.investigated")
        + label("overview.investigated_label", r"complaints?\b")
        + phrase("."),
        "We investigated <n> complaints.",
        keys=("we",),
        lead=r"We\s+investigated\s+\S+\s+complaints?\s*\.",
    ),
)

PROFILE = PROFILE_2024.derive(
    2025,
    insert_sections=(("upheld", Section("overview", "complaint overview", required=False)),),
    sections=(
        replace(
            PROFILE_2024.section("upheld"),
            needs=("upheld-rate", "panel-average", "upheld-per-100k", "upheld-per-100k-average"),
        ),
    ),
    statements=OVERVIEW,
    issue_month=5,
    anchors=PROFILE_2024.anchors | {"overview"},
)
