"""Choosing rules: ``--select``, ``--extend-select``, ``--ignore``, ``severity`` and
``per-file-ignores`` all name rules the same way, through one :class:`Selector` type.

A selector is a code (``LGO101``), a code prefix (``LGO1``, ``LGO``) or a rule name
(``upheld-rate-mismatch``), matched without regard to case, as ruff does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lgo_audit.findings import Finding, Severity

if TYPE_CHECKING:
    from lgo_audit.rules import Rule

__all__ = ["Selection", "Selector", "selectors", "unmatched"]


@dataclass(frozen=True, slots=True)
class Selector:
    """One selector as written in an option or a configuration file."""

    text: str

    def matches(self, code: str, name: str) -> bool:
        """Does this selector choose the rule (or finding) with ``code`` and ``name``?"""
        return code.startswith(self.text.upper()) or name == self.text.lower()

    def __str__(self) -> str:
        return self.text


def selectors(texts: Iterable[str]) -> tuple[Selector, ...]:
    """Selectors from option or configuration values (comma-separated lists split, blanks
    dropped)."""
    return tuple(
        Selector(part.strip()) for text in texts for part in text.split(",") if part.strip()
    )


def any_matches(chosen: Iterable[Selector], code: str, name: str) -> bool:
    return any(s.matches(code, name) for s in chosen)


@dataclass(frozen=True)
class Selection:
    """Which rules run and at what severity: ``select`` (all when empty), plus
    ``extend_select``, minus ``ignore``; ``severity`` overrides, the first match winning."""

    select: tuple[Selector, ...] = ()
    extend_select: tuple[Selector, ...] = ()
    ignore: tuple[Selector, ...] = ()
    severity: tuple[tuple[Selector, Severity], ...] = ()

    def chooses(self, rule: Rule) -> bool:
        wanted = not self.select or any_matches(self.select, rule.code, rule.name)
        wanted = wanted or any_matches(self.extend_select, rule.code, rule.name)
        return wanted and not any_matches(self.ignore, rule.code, rule.name)

    def active(self, rules: Iterable[Rule]) -> list[Rule]:
        """The rules chosen, each with its severity override applied."""
        chosen = []
        for rule in rules:
            if not self.chooses(rule):
                continue
            override = next(
                (sev for sel, sev in self.severity if sel.matches(rule.code, rule.name)), None
            )
            chosen.append(dataclasses.replace(rule, severity=override) if override else rule)
        return chosen

    def unknown(self, rules: Sequence[Rule]) -> list[Selector]:
        """Selectors that match no rule of ``rules`` (a typo: a usage error)."""
        every = (*self.select, *self.extend_select, *self.ignore, *(s for s, _ in self.severity))
        return unmatched(every, rules)


def unmatched(chosen: Iterable[Selector], rules: Sequence[Rule]) -> list[Selector]:
    """The selectors of ``chosen`` that match no rule of ``rules``."""
    return [s for s in chosen if not any(s.matches(r.code, r.name) for r in rules)]


def drop_ignored(findings: Iterable[Finding], ignored: Sequence[Selector]) -> list[Finding]:
    """``findings`` less those an ignore list (``per-file-ignores``) switches off."""
    if not ignored:
        return list(findings)
    return [f for f in findings if not any_matches(ignored, f.code, f.name)]
