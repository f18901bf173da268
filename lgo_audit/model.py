"""The typed model of an Annual Review letter: every fact with its value, raw text and span.

The model is the contract between the grammar (which fills it) and the rules (which read it
through the flat *fact vocabulary*, e.g. ``upheld.percent``). It is generated from the
catalogue of facts (:data:`lgo_audit.grammar.facts.FACTS`): one field per declared fact,
nested as the dotted names suggest (``upheld.period.start`` is ``letter.upheld.period.start``),
described by the catalogue (with the fact's kind and unit), its value typed by the fact's kind.
Percentages and rates are :class:`~decimal.Decimal` so that "59%" and "58.8%" stay different
statements (:data:`Percentage`).

A letter holds the facts that *apply* to it (those its template year states, and the
register's): a fact that applies but that the letter lacks is ``None`` (*missing*, ``null`` in
JSON), never a default, so a rule can tell "stated as 0" from "not stated". A fact that does
not apply is left *unset*: dumped with ``exclude_unset=True`` it is absent, and so is a group
with no fact that applies (``overview`` for a 2020 letter). Reading an unset fact gives
``None`` all the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model

from lgo_audit.grammar.facts import FACTS as CATALOGUE
from lgo_audit.grammar.facts import KINDS
from lgo_audit.span import Span
from lgo_audit.vocabulary import VOCABULARY

if TYPE_CHECKING:
    from lgo_audit.grammar.facts import Fact as Declared

__all__ = [
    "FACT_TYPES",
    "VOCABULARY",
    "Fact",
    "Letter",
    "LetterFields",
    "Link",
    "Percentage",
    "Span",
    "fact_fields",
    "iter_facts",
    "letter_model",
    "nest",
]


def _decimal_to_json(value: Decimal) -> int | float:
    """A stated percentage or rate as a JSON number: 59 stays 59, 58.8 stays 58.8."""
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
"""A percentage or rate as stated in the letter (precision kept: ``Decimal('58.8')``)."""

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


FACT_TYPES: dict[str, Any] = {name: KINDS[fact.kind].python for name, fact in CATALOGUE.items()}
"""The fact vocabulary: dotted name -> Python type of its value (``int``, ``Decimal``, ``str``,
``datetime.date``), in the catalogue's order. Rules may name only these."""

assert set(FACT_TYPES) == VOCABULARY, "lgo_audit/vocabulary.py and the catalogue disagree"


# --- the models, generated from the catalogue -------------------------------------------------


def _value_type(fact: Declared) -> Any:
    """The type of a fact's value: its kind's, a stated Decimal as :data:`Percentage`."""
    python = KINDS[fact.kind].python
    return Percentage if python is Decimal else python


def _description(fact: Declared) -> str:
    return f"{fact.description} ({fact.kind}: {KINDS[fact.kind].unit})"


def nest(names: Iterator[str] | list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Dotted names as a tree, in their order: ``{"upheld": {"period": {"start": "upheld.
    period.start"}}}`` (a leaf holds its dotted name)."""
    tree: dict[str, Any] = {}
    for name in names:
        *parents, leaf = name.split(".")
        node = tree
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ValueError(f"'{name}': '{part}' is a fact, not a group")
            node = child
        if leaf in node:
            raise ValueError(f"'{name}' is declared twice or is also a group")
        node[leaf] = name
    return tree


def _class_name(path: tuple[str, ...]) -> str:
    return "".join(part.title().replace("_", "") for part in path)


def _group_model(path: tuple[str, ...], node: Mapping[str, Any]) -> type[BaseModel]:
    """The model of one group of facts (``upheld``, ``upheld.period``), its fields in order."""
    return create_model(
        _class_name(path),
        __base__=_Frozen,
        __module__=__name__,
        __doc__=f"The facts `{'.'.join(path)}.*`.",
        **_fields(path, node),
    )


def _fields(path: tuple[str, ...], node: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, child in node.items():
        if isinstance(child, str):
            fact = CATALOGUE[child]
            fields[key] = (
                Fact[_value_type(fact)] | None,  # type: ignore[misc]
                Field(default=None, description=_description(fact)),
            )
        else:
            group = _group_model((*path, key), child)
            fields[key] = (group, Field(default_factory=group))
    return fields


_FACT_FIELDS: dict[str, Any] = _fields((), nest(list(CATALOGUE)))


def fact_fields() -> dict[str, Any]:
    """The top-level fields of a letter model for the catalogue's facts (``create_model``
    field definitions, in the catalogue's order: ``letter_date``, ``addressee``, ...). A fact
    field defaults to None, a group to its model with every fact None: a letter sets the
    facts that apply to it, and dumped with ``exclude_unset=True`` shows only those."""
    return dict(_FACT_FIELDS)


class LetterFields(_Frozen):
    """What a letter model has besides its facts, for the type checker: the models are made by
    :func:`letter_model`, which adds these fields and the facts' in the order JSON shows them.
    (Declared here only for type checking, so that they take their place among the facts.)"""

    if TYPE_CHECKING:
        profile: str
        sections: list[str]
        links: list[Link]


_LETTER_FIELDS: dict[str, Any] = {
    "profile": (
        str,
        Field(description="The grammar profile (template year) the letter was read with."),
    ),
    "sections": (list[str], Field(description="The sections recognised, in document order.")),
}
_LINKS_FIELD: Any = (
    list[Link],
    Field(description="Hyperlinks kept by the extractor, with their targets."),
)
_LINKS_AFTER = (
    "publication_date"  # where links stood in the hand-written model: 2020 JSON unchanged
)

LetterT = TypeVar("LetterT", bound=LetterFields)


def letter_model(
    name: str, base: type[LetterT], doc: str, extra: Mapping[str, Any] | None = None
) -> type[LetterT]:
    """A letter model: ``profile``, ``sections``, every fact of the catalogue (``links``
    among them), then the ``extra`` fields, on ``base`` (:class:`LetterFields` or a subclass
    declaring the extra fields' types)."""
    fields: dict[str, Any] = dict(_LETTER_FIELDS)
    for key, definition in _FACT_FIELDS.items():
        fields[key] = definition
        if key == _LINKS_AFTER:
            fields["links"] = _LINKS_FIELD
    fields.setdefault("links", _LINKS_FIELD)
    fields.update(extra or {})
    return create_model(name, __base__=base, __module__=__name__, __doc__=doc, **fields)


Letter = letter_model(
    "Letter",
    LetterFields,
    "Everything lgo-audit knows about one letter, nested as the dotted fact names suggest. A "
    "fact that applies to the letter's template year is a fact object, or null when the letter "
    "lacks it (missing); a fact the template year does not state is absent (not applicable).",
)
"""The letter model (see the module): a pydantic model class made from the catalogue."""


def iter_facts(letter: BaseModel, prefix: str = "") -> Iterator[tuple[str, Fact[Any] | None]]:
    """Yield (dotted name, fact or None) for every fact set on ``letter``, in the catalogue's
    order: the facts that apply to it, None for a missing one. A fact left unset (not
    applicable to the letter's template year) is not yielded."""
    for name in type(letter).model_fields:
        if name not in letter.model_fields_set:
            continue
        value = getattr(letter, name)
        dotted = f"{prefix}{name}"
        if dotted in VOCABULARY:
            yield dotted, value
        elif isinstance(value, BaseModel) and not isinstance(value, Link):
            yield from iter_facts(value, f"{dotted}.")
