"""The type check of a rule file's expressions, made when the rule is loaded.

:class:`RuleTypes` knows the type of every name one rule may use:

* a fact: its type in the vocabulary (:data:`lgo_audit.vocabulary.FACT_KINDS`): ``integer``,
  ``stated percentage``, ``stated rate``, ``string`` or ``date``;
* ``section.<name>``: ``boolean``; ``it.text``, ``it.target`` (``each = "links"``) and ``match``
  (text rules): ``string``; the names of a structure rule's message: ``string``;
* a name of ``each``: the type of the fact it is bound to, or of its expression, *entry by
  entry*: the rule's expressions are checked once per entry, so an entry binding ``it`` to a
  date and another binding it to a percentage are each checked as what they are;
* a name of ``let``: the type of its expression (for each entry);
* anything else (the names batch and data rules add to their messages, such as ``value`` or
  ``data_value``): unknown, accepted everywhere and checked when the rule is evaluated.

It is called with each expression as the rule is compiled (in the order :mod:`lgo_audit.rules`
compiles them: ``each``, then ``let``, then the rest), and raises
:class:`~lgo_audit.expr.ExprTypeError` for a mismatch; ``when`` and ``assert`` must moreover
give a boolean and ``fix.replacement`` a string. The check reads only the syntax tree, so a
tree from the parse cache is checked like a freshly parsed one: nothing is remembered between
runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from lgo_audit import expr
from lgo_audit.checks import LINK_NAMES, MESSAGE_NAMES
from lgo_audit.vocabulary import FACT_KINDS

__all__ = ["RuleTypes"]

_FACT_TYPES: Final[Mapping[str, expr.Type]] = {
    "integer": expr.INTEGER,
    "stated percentage": expr.STATED_PERCENTAGE,
    "stated rate": expr.STATED_RATE,
    "string": expr.STRING,
    "date": expr.DATE,
}
_STRING_NAMES: Final = frozenset(LINK_NAMES) | frozenset(MESSAGE_NAMES["text"])
_RESULTS: Final[Mapping[str, expr.Type]] = {
    "when": expr.BOOLEAN,
    "assert": expr.BOOLEAN,
    "fix.replacement": expr.STRING,
    "fix.safe_when": expr.BOOLEAN,
}


class _Scope(Mapping[str, expr.Type]):
    """The types of the names of one ``each`` entry (or of a rule without ``each``)."""

    __slots__ = ("kind", "local")

    def __init__(self, kind: str, local: dict[str, expr.Type]) -> None:
        self.kind = kind
        self.local = local

    def __getitem__(self, name: str) -> expr.Type:
        local = self.local.get(name)
        if local is not None:
            return local
        kind = FACT_KINDS.get(name)
        if kind is not None:
            return _FACT_TYPES[kind]
        if name.startswith("section."):
            return expr.BOOLEAN
        if name in _STRING_NAMES or self.kind == "structure":
            return expr.STRING
        return expr.ANY

    def __iter__(self) -> Iterator[str]:  # pragma: no cover - looked up by name only
        return iter(self.local)

    def __len__(self) -> int:  # pragma: no cover
        return len(self.local)


class RuleTypes:
    """The types of one rule's names, and the check of its expressions (see the module)."""

    def __init__(self, data: Mapping[str, Any], kind: str) -> None:
        each = data.get("each")
        entries = each if isinstance(each, list) and each else [{}]
        self.scopes: list[_Scope] = []
        for entry in entries:
            local = {
                alias: _FACT_TYPES[FACT_KINDS[source]]
                for alias, source in entry.items()
                if isinstance(source, str) and source in FACT_KINDS
            }
            self.scopes.append(_Scope(kind, local))

    def check(self, node: expr.Node, where: str) -> None:
        """Check the expression of field ``where`` (``assert``, ``let.implied``,
        ``each.0.what``...); raises ExprTypeError."""
        parts = where.split(".")
        if parts[0] == "each" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])  # an each entry's expression: that entry's name only
            scope = self.scopes[index]
            scope.local[parts[2]] = self._infer(node, scope, index)
            return
        wanted = _RESULTS.get(where)
        for index, scope in enumerate(self.scopes):
            result = self._infer(node, scope, index)
            if wanted is not None and not result.accepted_by(wanted):
                article = "an" if str(result)[0] in "aeiou" else "a"
                raise self._located(
                    expr.ExprTypeError(
                        f"must give {_expected(wanted)}, but {_shown(node)} gives "
                        f"{article} {result}"
                    ),
                    index,
                )
            if parts[0] == "let" and len(parts) == 2:
                scope.local[parts[1]] = result

    def check_template(self, template: expr.Template, where: str) -> None:
        """Check each placeholder of a message template (any type can be shown)."""
        for part in template.parts:
            if not isinstance(part, str):
                self.check(part, where)

    def _infer(self, node: expr.Node, scope: _Scope, index: int) -> expr.Type:
        try:
            return expr.check_types(node, scope)
        except expr.ExprTypeError as error:
            raise self._located(error, index) from None

    def _located(self, error: expr.ExprTypeError, index: int) -> expr.ExprTypeError:
        """The error, saying which ``each`` entry it is for when there are several."""
        if len(self.scopes) < 2:
            return error
        return expr.ExprTypeError(f"{error.message} (with the names of each.{index})")


def _expected(t: expr.Type) -> str:
    return "true, false or null" if t == expr.BOOLEAN else "a string"


def _shown(node: expr.Node) -> str:
    text = expr.unparse(node)
    return text if len(text) <= 80 else text[:77] + "..."
