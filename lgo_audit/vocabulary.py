"""The fact vocabulary: the dotted names rules may use and the type of each, without importing
the letter model.

The pydantic model in :mod:`lgo_audit.model` is the source of truth (types, descriptions);
this list lets the check path load rules without importing pydantic. The model asserts at
import that the two agree (names and types), so a drift fails every test that touches the model.

The types are those of the type check made when rules are loaded (:mod:`lgo_audit.rule_types`):
``integer``, ``stated percentage`` (a percentage as the letter states it, with the decimal
places it is written with), ``string`` and ``date``. A rate per 100,000 residents is typed
``stated percentage`` until the type check knows ``stated rate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

__all__ = ["FACT_KINDS", "VOCABULARY", "FactKind"]

FactKind: TypeAlias = Literal["integer", "stated percentage", "string", "date"]

FACT_KINDS: Final[Mapping[str, FactKind]] = MappingProxyType(
    {
        "letter_date": "date",
        "addressee.name": "string",
        "addressee.role": "string",
        "authority.name": "string",
        "authority.type": "string",
        "authority.code": "string",
        "salutation.name": "string",
        "title.year": "integer",
        "year_ending": "date",
        "publication_date": "date",
        "seminars.delegates": "integer",
        "seminars.authorities": "integer",
        "training.courses": "integer",
        "training.people": "integer",
        "training.more_than_last_year": "integer",
        "signatory.name": "string",
        "signatory.title": "string",
        "panel_header.authority": "string",
        "panel_header.period_end": "date",
        "overview.period.start": "date",
        "overview.period.end": "date",
        "overview.dealt_with": "integer",
        "overview.not_for_us": "integer",
        "overview.assessed_and_closed": "integer",
        "overview.investigated": "integer",
        "upheld.summary.investigated": "integer",
        "upheld.summary.upheld": "integer",
        "upheld.percent": "stated percentage",
        "upheld.average": "stated percentage",
        "upheld.count": "integer",
        "upheld.count_label": "string",
        "upheld.per_100k_authority": "string",
        "upheld.per_100k": "stated percentage",
        "upheld.per_100k_average": "stated percentage",
        "upheld.investigations": "integer",
        "upheld.investigations_label": "string",
        "upheld.period.start": "date",
        "upheld.period.end": "date",
        "compliance.percent": "stated percentage",
        "compliance.average": "stated percentage",
        "compliance.outcomes": "integer",
        "compliance.outcomes_label": "string",
        "compliance.period.start": "date",
        "compliance.period.end": "date",
        "compliance.none_due": "string",
        "remedy.percent": "stated percentage",
        "remedy.average": "stated percentage",
        "remedy.count": "integer",
        "remedy.count_label": "string",
        "remedy.investigations": "integer",
        "remedy.investigations_label": "string",
        "remedy.period.start": "date",
        "remedy.period.end": "date",
        "remedy.none_upheld": "string",
    }
)
"""Fact name -> the type of its value, for the type check made when rules are loaded."""

VOCABULARY: frozenset[str] = frozenset(FACT_KINDS)
