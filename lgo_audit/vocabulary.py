"""The fact vocabulary: the dotted names rules may use, without importing the letter model.

The pydantic model in :mod:`lgo_audit.model` is the source of truth (types, descriptions);
this list lets the check path load rules without importing pydantic. The model asserts at
import that the two agree, so a drift fails every test that touches the model.
"""

from __future__ import annotations

__all__ = ["VOCABULARY"]

VOCABULARY: frozenset[str] = frozenset(
    (
        "letter_date",
        "addressee.name",
        "addressee.role",
        "authority.name",
        "authority.type",
        "authority.code",
        "salutation.name",
        "title.year",
        "year_ending",
        "publication_date",
        "seminars.delegates",
        "seminars.authorities",
        "training.courses",
        "training.people",
        "training.more_than_last_year",
        "signatory.name",
        "panel_header.authority",
        "panel_header.period_end",
        "upheld.percent",
        "upheld.average",
        "upheld.count",
        "upheld.count_label",
        "upheld.investigations",
        "upheld.investigations_label",
        "upheld.period.start",
        "upheld.period.end",
        "compliance.percent",
        "compliance.average",
        "compliance.outcomes",
        "compliance.outcomes_label",
        "compliance.period.start",
        "compliance.period.end",
        "remedy.percent",
        "remedy.average",
        "remedy.count",
        "remedy.count_label",
        "remedy.investigations",
        "remedy.investigations_label",
        "remedy.period.start",
        "remedy.period.end",
    )
)
