"""What a rule's expressions see: the environments that answer ``value(name)`` and ``raw(name)``.

One letter's facts (:class:`FactEnv`), an ``each`` entry's local names over them
(:class:`BoundEnv`), a hyperlink of an ``each = "links"`` rule (:class:`LinkEnv`), and the
words a check adds to a message (:class:`ParamEnv`: a structural issue's ``section``, a batch
rule's ``majority``, a data rule's ``data_value``). The per-letter engine and the cross-letter
stage both build their expressions' environments from these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from lgo_audit import expr
from lgo_audit.checks import SECTION_NAMES
from lgo_audit.normalise import Link
from lgo_audit.rules import Binding

__all__ = ["BoundEnv", "FactEnv", "HasValue", "LinkEnv", "ParamEnv"]


class HasValue(Protocol):
    """A fact as an environment reads it: a grammar token or a kept fact of a finished check."""

    @property
    def value(self) -> Any: ...

    @property
    def raw(self) -> str: ...


class FactEnv:
    """A letter's facts by dotted name; ``section.<name>`` is true when that section is present
    (``sections`` None: section names read null, as for a fact a check did not keep)."""

    __slots__ = ("facts", "sections")

    def __init__(self, facts: Mapping[str, HasValue], sections: set[str] | None = None) -> None:
        self.facts = facts
        self.sections = sections

    def value(self, name: str) -> expr.Value:
        token = self.facts.get(name)
        if token is None:
            section = SECTION_NAMES.get(name)
            if section is None or self.sections is None:
                return None
            return section in self.sections
        return token.value  # type: ignore[no-any-return]

    def raw(self, name: str) -> str | None:
        token = self.facts.get(name)
        return None if token is None else token.raw


class BoundEnv:
    """An ``each`` entry's local names on top of the letter's facts."""

    __slots__ = ("base", "binding", "cache")

    def __init__(self, base: expr.Env, binding: Binding) -> None:
        self.base = base
        self.binding = binding
        self.cache: dict[str, expr.Value] = {}

    def value(self, name: str) -> expr.Value:
        target = self.binding.names.get(name)
        if target is not None:
            return self.base.value(target)
        compute = self.binding.values.get(name)
        if compute is None:
            return self.base.value(name)
        if name not in self.cache:
            self.cache[name] = compute(self)
        return self.cache[name]

    def raw(self, name: str) -> str | None:
        return self.base.raw(self.binding.names.get(name, name))


class LinkEnv:
    """``it.text`` and ``it.target`` of one hyperlink, on top of the letter's facts."""

    __slots__ = ("base", "link")

    def __init__(self, base: expr.Env, link: Link) -> None:
        self.base = base
        self.link = link

    def value(self, name: str) -> expr.Value:
        if name == "it.text":
            return self.link.text
        if name == "it.target":
            return self.link.target
        return self.base.value(name)

    def raw(self, name: str) -> str | None:
        if name in ("it.text", "it.target"):
            return str(self.value(name))
        return self.base.raw(name)


class ParamEnv:
    """The words a check adds to its message (see :mod:`lgo_audit.checks`), over ``base``."""

    __slots__ = ("base", "params")

    def __init__(self, params: Mapping[str, Any], base: expr.Env | None = None) -> None:
        self.params = params
        self.base = base

    def value(self, name: str) -> expr.Value:
        if name in self.params:
            return self.params[name]  # type: ignore[no-any-return]
        return None if self.base is None else self.base.value(name)

    def raw(self, name: str) -> str | None:
        if name in self.params:
            return None if self.params[name] is None else str(self.params[name])
        return None if self.base is None else self.base.raw(name)
