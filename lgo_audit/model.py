"""The typed model of an Annual Review letter: every fact with its value, raw text and span.

The model is the contract between the grammar (which fills it) and the rules (which read it
through the flat *fact vocabulary*, e.g. ``upheld.percent``).  Absent facts are ``None`` —
never a default — so a rule can tell "stated as 0" from "not stated".  Percentages are
:class:`~decimal.Decimal` so that "59%" and "58.8%" stay different statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from lgo_audit.span import Span
from lgo_audit.vocabulary import FACT_KINDS as _CHECK_PATH_KINDS
from lgo_audit.vocabulary import VOCABULARY as _CHECK_PATH_VOCABULARY

__all__ = [
    "FACT_TYPES",
    "VOCABULARY",
    "Addressee",
    "Authority",
    "CompliancePanel",
    "Fact",
    "Letter",
    "Link",
    "Overview",
    "PanelHeader",
    "Percentage",
    "Period",
    "RemedyPanel",
    "Salutation",
    "Seminars",
    "SignOff",
    "Span",
    "Title",
    "Training",
    "UpheldPanel",
    "UpheldSummary",
    "iter_facts",
]


def _decimal_to_json(value: Decimal) -> int | float:
    """A stated percentage as a JSON number: 59 stays 59, 58.8 stays 58.8."""
    return (
        int(value)
        if value == value.to_integral_value() and value.as_tuple().exponent == 0
        else float(value)
    )


Percentage = Annotated[
    Decimal,
    PlainSerializer(_decimal_to_json, when_used="json"),
    WithJsonSchema({"type": "number"}),
]
"""A percentage as stated in the letter (precision kept: ``Decimal('58.8')``)."""

V = TypeVar("V")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(_Frozen, Generic[V]):
    """One fact of the letter: its typed value, the text it was read from, and where.

    ``value`` is ``None`` when the text was found but does not denote a valid value (for
    example "31 April 2020"): rules can then tell a missing fact (the whole fact is ``None``)
    from an invalid one (``raw`` present, ``value`` ``None``).
    """

    value: V | None
    raw: str
    span: Span


class Link(_Frozen):
    """A hyperlink the extractor kept as Markdown ``[text](target)``."""

    text: str
    target: str
    span: Span


class Addressee(_Frozen):
    name: Fact[str] | None = Field(description="The addressee as written, e.g. 'Ms Smith'.")
    role: Fact[str] | None = Field(description="The addressee's role, e.g. 'Chief Executive'.")


class Authority(_Frozen):
    name: Fact[str] | None = Field(description="The council named in the addressee block.")
    type: Fact[str] | None = Field(
        description="The council's type from the authority register (County, District, "
        "Metropolitan Borough, Unitary, London Borough); null when the name is not in it.",
    )
    code: Fact[str] | None = Field(
        description="The council's ONS code from the authority register."
    )


class Salutation(_Frozen):
    name: Fact[str] | None = Field(description="The name after 'Dear', e.g. 'Ms Smith'.")


class Title(_Frozen):
    year: Fact[int] | None = Field(description="The year of 'Annual Review letter 2020'.")


class Seminars(_Frozen):
    delegates: Fact[int] | None = Field(
        description="Delegates who attended the link officer seminars."
    )
    authorities: Fact[int] | None = Field(description="Local authorities the delegates came from.")


class Training(_Frozen):
    courses: Fact[int] | None = Field(description="Training courses delivered during the year.")
    people: Fact[int] | None = Field(description="People trained ('more than 1,400 people').")
    more_than_last_year: Fact[int] | None = Field(
        description="How many more courses than last year ('47 more courses')."
    )


class SignOff(_Frozen):
    name: Fact[str] | None = Field(description="The signatory, e.g. 'Michael King'.")
    title: Fact[str] | None = Field(
        description="The signatory's title, e.g. 'Local Government and Social Care Ombudsman'."
    )


class PanelHeader(_Frozen):
    authority: Fact[str] | None = Field(
        description="'<authority> For the period ending: dd/mm/yy'."
    )
    period_end: Fact[dt.date] | None = Field(description="The period end of the panel header.")


class Period(_Frozen):
    start: Fact[dt.date] | None = Field(description="'for the period between <start> to ...'.")
    end: Fact[dt.date] | None = Field(description="'... to <end>'.")


class Overview(_Frozen):
    period: Period = Field(
        description="'Between <start> to <end>, we dealt with N complaints.' (from 2025)."
    )
    dealt_with: Fact[int] | None = Field(description="Complaints dealt with in the period.")
    not_for_us: Fact[int] | None = Field(
        description="Complaints not for the Ombudsman or not ready to investigate."
    )
    assessed_and_closed: Fact[int] | None = Field(description="Complaints assessed and closed.")
    investigated: Fact[int] | None = Field(
        description="Complaints investigated (the overview's count)."
    )


class UpheldSummary(_Frozen):
    investigated: Fact[int] | None = Field(
        description="'We investigated N complaints and upheld M.': N."
    )
    upheld: Fact[int] | None = Field(description="'We investigated N complaints and upheld M.': M.")


class UpheldPanel(_Frozen):
    summary: UpheldSummary
    percent: Fact[Percentage] | None = Field(
        description="'59% of complaints we investigated were upheld.'"
    )
    average: Fact[Percentage] | None = Field(
        description="The similar authorities' average upheld rate."
    )
    count: Fact[int] | None = Field(
        description="The number of upheld decisions ('10 upheld decisions')."
    )
    count_label: Fact[str] | None = Field(
        description="The words after the count: 'upheld decisions'."
    )
    per_100k_authority: Fact[str] | None = Field(
        description="The council named in 'Adjusted for <council>'s population, ...'."
    )
    per_100k: Fact[Percentage] | None = Field(description="Upheld decisions per 100,000 residents.")
    per_100k_average: Fact[Percentage] | None = Field(
        description="The average for authorities of this type, per 100,000 residents."
    )
    investigations: Fact[int] | None = Field(
        description="Detailed investigations the rate is based on."
    )
    investigations_label: Fact[str] | None = Field(description="'detailed investigations'.")
    period: Period


class CompliancePanel(_Frozen):
    percent: Fact[Percentage] | None = Field(description="'In 100% of cases we were satisfied ...'")
    average: Fact[Percentage] | None = Field(
        description="The similar authorities' average compliance rate."
    )
    outcomes: Fact[int] | None = Field(description="Compliance outcomes the rate is based on.")
    outcomes_label: Fact[str] | None = Field(description="'compliance outcomes'.")
    period: Period
    none_due: Fact[str] | None = Field(
        description="'No recommendations were due for compliance in this period'."
    )


class RemedyPanel(_Frozen):
    percent: Fact[Percentage] | None = Field(
        description="'In 0% of upheld cases we found ... a satisfactory remedy'."
    )
    average: Fact[Percentage] | None = Field(
        description="The similar authorities' average remedy rate."
    )
    count: Fact[int] | None = Field(
        description="Satisfactory remedy decisions ('0 satisfactory remedy decisions')."
    )
    count_label: Fact[str] | None = Field(description="'satisfactory remedy decisions'.")
    investigations: Fact[int] | None = Field(
        description="Detailed investigations stated under the remedy panel."
    )
    investigations_label: Fact[str] | None = Field(description="'detailed investigations'.")
    period: Period
    none_upheld: Fact[str] | None = Field(
        description="'The Ombudsman did not uphold any complaints in this period'."
    )


class Letter(_Frozen):
    """Everything lgo-audit knows about one letter, nested as the dotted fact names suggest."""

    profile: str = Field(
        description="The grammar profile (template year) the letter was read with."
    )
    sections: list[str] = Field(description="The sections recognised, in document order.")
    letter_date: Fact[dt.date] | None = Field(description="The date at the head of the letter.")
    addressee: Addressee
    authority: Authority
    salutation: Salutation
    title: Title
    year_ending: Fact[dt.date] | None = Field(description="'for the year ending 31 March 2020'.")
    publication_date: Fact[dt.date] | None = Field(
        description="The date the data and letter are published."
    )
    links: list[Link] = Field(description="Hyperlinks kept by the extractor, with their targets.")
    seminars: Seminars
    training: Training
    signatory: SignOff
    panel_header: PanelHeader
    overview: Overview
    upheld: UpheldPanel
    compliance: CompliancePanel
    remedy: RemedyPanel


def _fact_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (dotted name, value type) for every Fact field of ``model``, recursively."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
        target = args[0]
        dotted = f"{prefix}{name}"
        if isinstance(target, type) and issubclass(target, Fact):
            meta = target.__pydantic_generic_metadata__
            value_type = meta["args"][0] if meta["args"] else Any
            if get_origin(value_type) is Annotated:
                value_type = get_args(value_type)[0]
            yield dotted, value_type
        elif isinstance(target, type) and issubclass(target, BaseModel):
            yield from _fact_fields(target, f"{dotted}.")


FACT_TYPES: dict[str, Any] = dict(_fact_fields(Letter))
"""The fact vocabulary: dotted name -> Python type of its value. Rules may name only these."""

VOCABULARY: frozenset[str] = frozenset(FACT_TYPES)
assert VOCABULARY == _CHECK_PATH_VOCABULARY, "lgo_audit/vocabulary.py and the model disagree"
_KINDS = {int: "integer", Decimal: "stated percentage", str: "string", dt.date: "date"}
assert {name: _KINDS.get(t) for name, t in FACT_TYPES.items()} == dict(_CHECK_PATH_KINDS), (
    "the fact types of lgo_audit/vocabulary.py and the model disagree"
)


def iter_facts(letter: BaseModel, prefix: str = "") -> Iterator[tuple[str, Fact[Any] | None]]:
    """Yield (dotted name, fact or None) for every fact of ``letter``, in model order."""
    for name in type(letter).model_fields:
        value = getattr(letter, name)
        dotted = f"{prefix}{name}"
        if isinstance(value, Fact):
            yield dotted, value
        elif isinstance(value, BaseModel):
            yield from iter_facts(value, f"{dotted}.")
        elif value is None and dotted in VOCABULARY:
            yield dotted, None
