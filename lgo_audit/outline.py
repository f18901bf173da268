"""A rule's checks as ``lgo-audit explain`` prints them: plain text made from the rule file's
own table, as TOML reads it (no expression is compiled, so that ``explain`` stays quick).

:mod:`lgo_audit.docs` writes the same parts of every rule, with more words, as Markdown for
``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["outline"]

_INDENT = "    "


def outline(data: Mapping[str, Any]) -> Iterator[str]:
    """The lines after a rule's explanation: ``## Invariant`` (what the rule asserts, or what
    it compares across letters, or the check or patterns it runs), ``## For each`` (the
    bindings of ``each``, one line each), ``## Names`` (``let``), ``## Points to`` (``at``)
    and ``## Fix`` (with when an unsafe fix counts as safe, and its description); a part the
    rule has not is left out. An expression written on several lines is shown so, indented.
    ``data`` is a rule file's table."""
    kind = data.get("kind", "fact")
    invariant = list(_invariant(data, kind))
    if data.get("years"):
        invariant.insert(0, f"{_INDENT}years:  {_years(data['years'])}")
    if invariant:
        yield "\n## Invariant\n"
        yield from invariant
    each = data.get("each")
    if each == "links":
        yield "\n## For each hyperlink of the letter\n"
        yield f"{_INDENT}it.text, it.target (and 'it' in 'at': the link)"
    elif isinstance(each, list) and each:
        yield f"\n## For each of these bindings ({len(each)})\n"
        width = len(str(len(each)))
        for number, entry in enumerate(each, start=1):
            bound = "; ".join(
                f"{name} = {' '.join(str(source).split())}" for name, source in entry.items()
            )
            yield f"{_INDENT}{number:>{width}}. {bound}"
    lets = data.get("let", {})
    if lets:
        yield "\n## Names\n"
        for name, source in lets.items():
            yield _lines(f"{name} = ", source)
    at = data.get("at")
    if at:
        yield "\n## Points to\n"
        yield _INDENT + ", ".join(at)
    fix = data.get("fix")
    if fix is not None:
        yield f"\n## Fix ({fix['applicability']})\n"
        yield _lines(f"{fix['at']} := ", fix["replacement"])
        if fix.get("safe_when"):
            yield _lines("safe when: ", fix["safe_when"])
        if fix.get("description"):
            yield _lines("described as: ", fix["description"])


def _invariant(data: Mapping[str, Any], kind: str) -> Iterator[str]:
    if kind == "fact":
        if data.get("when"):
            yield _lines("when:   ", data["when"])
        if data.get("assert"):
            yield _lines("assert: ", data["assert"])
    elif kind == "batch":
        yield f"{_INDENT}group:  {', '.join(data.get('group', ()))}"
        for key in ("agree", "unique", "check"):
            if key in data:
                value = data[key]
                shown = ("true" if value else "false") if isinstance(value, bool) else value
                yield f"{_INDENT}{key + ':':<7} {shown}"
    elif kind == "text":
        for pattern in data.get("patterns", ()):
            yield f"{_INDENT}pattern: {pattern}"
    else:  # structure, data
        if "check" in data:
            yield f"{_INDENT}check:  {data['check']}"
        for pair in data.get("compare", ()):  # a data rule: a fact against a table's column
            years = f" ({_years(pair['years'])})" if pair.get("years") else ""
            yield f"{_INDENT}compare: {pair.get('fact')} with column {pair.get('column')}{years}"


def _years(years: Mapping[str, int]) -> str:
    """``years = { from = 2023 }`` as "from 2023", ``{ from = 2020, to = 2022 }`` as
    "from 2020 to 2022"."""
    return " ".join(f"{bound} {years[bound]}" for bound in ("from", "to") if bound in years)


def _lines(label: str, text: str) -> str:
    """``label`` and ``text`` indented, each further line of ``text`` (an expression written
    on several lines) under the first."""
    first, *rest = str(text).strip().splitlines() or [""]
    pad = "\n" + _INDENT + " " * len(label)
    return _INDENT + label + first + "".join(pad + line.strip() for line in rest)
