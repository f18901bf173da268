"""The fact vocabulary: the dotted names rules may use and the type of each, from the catalogue
of facts (:data:`lgo_audit.grammar.facts.FACTS`), without importing the letter model.

Every fact the catalogue declares is in the vocabulary, whichever template years state it: a
rule naming a fact its letter's year does not state sees ``null`` there, as for a fact the
letter lacks. The type of a fact is its kind's (:data:`lgo_audit.grammar.facts.KINDS`), as the
type check made when rules are loaded knows it (:mod:`lgo_audit.rule_types`): ``integer``,
``stated percentage`` (a percentage as the letter states it, with the decimal places it is
written with), ``stated rate`` (a rate per 100,000 residents, stated with its places too, but
no percentage), ``string`` and ``date``.

Which facts apply to a letter: those its template year's statements can give
(:attr:`Profile.facts <lgo_audit.grammar.profile.Profile.facts>`) and the authority register's
(:data:`REGISTER_NAMES`). A fact that applies but that the letter lacks is *missing*; a fact
that does not apply is *not applicable* (see :func:`applicable_facts`).

The catalogue lives in the grammar package, which loading rules imports anyway; this module
imports no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

from lgo_audit.grammar.facts import DERIVED_FACTS, DOCUMENT_FACTS, FACTS, KINDS, REGISTER_FACTS

__all__ = [
    "DOCUMENT_NAMES",
    "FACT_KINDS",
    "REGISTER_NAMES",
    "VOCABULARY",
    "FactKind",
    "applicable_facts",
    "not_applicable_facts",
]

FactKind: TypeAlias = Literal["integer", "stated percentage", "stated rate", "string", "date"]

FACT_KINDS: Final[Mapping[str, FactKind]] = MappingProxyType(
    {name: KINDS[fact.kind].rule_type for name, fact in FACTS.items()}
)
"""Fact name -> the type of its value, for the type check made when rules are loaded (in the
catalogue's order)."""

VOCABULARY: frozenset[str] = frozenset(FACT_KINDS)
"""Every fact name rules may use."""

REGISTER_NAMES: frozenset[str] = frozenset(fact.name for fact in REGISTER_FACTS)
"""The facts the authority register gives (``authority.type``, ``authority.code``): they apply
to every letter, whatever its template year."""

DOCUMENT_NAMES: frozenset[str] = frozenset(fact.name for fact in DOCUMENT_FACTS)
"""The facts of every document (``document.kind``, ``document.year``), letter or page."""


def applicable_facts(stated: Iterable[str]) -> frozenset[str]:
    """The facts that apply to a letter whose template states ``stated`` (a profile's
    :attr:`~lgo_audit.grammar.profile.Profile.facts`): those, the facts taken from one of them
    (:data:`~lgo_audit.grammar.facts.DERIVED_FACTS`), the register's (but those it gives only
    when it has something to say) and the document's own."""
    stated = frozenset(stated)
    derived = {
        fact.name
        for fact in DERIVED_FACTS
        if any(source in stated for source, _, _ in fact.derived_from)
    }
    return stated | derived | _ALWAYS_REGISTER | DOCUMENT_NAMES


_ALWAYS_REGISTER = frozenset(fact.name for fact in REGISTER_FACTS if not fact.conditional)


def not_applicable_facts(stated: Iterable[str]) -> tuple[str, ...]:
    """The facts of the vocabulary that do not apply to such a letter, in catalogue order."""
    applicable = applicable_facts(stated)
    return tuple(name for name in FACT_KINDS if name not in applicable)
