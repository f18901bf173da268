"""Compile a syntax tree into closures that read a letter's values straight from a dict.

:func:`~lgo_audit.expr._compile.compile_expr` makes functions of an :class:`Env`: every name
is a method call that finds the fact and admits its value (``check_value``) on every read. A
rule runs over ten thousand letters, reading the same few dozen facts again and again, so the
per-letter engine (:mod:`lgo_audit.engine`) admits each fact it needs once per letter and puts
the values in one dict; the closures made here read that dict directly:

* a name is ``values[name]`` inside the closure of the operator that reads it (no closure of
  its own); the local names of an ``each`` entry that stand for a fact are replaced by that
  fact's name when the rule is compiled, so no environment object is made per entry;
* a local name that stands for an expression (``let``, or a computed ``each`` value) is that
  expression, compiled in its place, its value admitted as the environment would admit it
  and kept in the values dict the first time it is read: every case of every rule that reads
  an expression of the same meaning (local names replaced by what they stand for) reads the
  kept value for the rest of the letter (LGO203's ten entries work out the agreed period
  once, not twenty times);
* chains of ``and`` / ``or`` are one closure over their operands, and a leading run of
  ``x is not null`` in a chain of ``and`` is a loop over dict look-ups;
* constants are folded when compiled, as ``compile_expr`` folds them, and read from the dict
  like names (the engine copies them into it from :attr:`Direct.constants`).

This module is imported on demand (by the engine, once a second letter of a kind comes).
The closures compute exactly what the ``compile_expr`` closures compute, with the same errors,
from an environment whose values the dict holds (see :class:`Direct`); they raise
ExprEvalError, and anything unexpected unwrapped (the caller wraps it as ``compile_expr``
does, see :func:`unexpected`).
"""

from __future__ import annotations

import datetime
import itertools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeAlias

from lgo_audit.expr._ast import (
    ARITHMETIC_OPS,
    Binary,
    Call,
    IsNull,
    Literal,
    Name,
    Node,
    Unary,
    depth,
)
from lgo_audit.expr._compile import _logic_error
from lgo_audit.expr._errors import ExprEvalError, ExprSyntaxError
from lgo_audit.expr._functions import FUNCTIONS
from lgo_audit.expr._values import (
    _INT_OPERATORS,
    ARITHMETIC,
    COMPARISONS,
    MAX_DEPTH,
    Value,
    check_value,
    describe,
    negate,
    places_of,
    round_half_up_scaled,
)

__all__ = [
    "Condition",
    "Direct",
    "Values",
    "compile_condition",
    "compile_direct",
    "raw_key",
    "unexpected",
]

#: A letter's values by name: what the closures of :func:`compile_direct` read.
Values: TypeAlias = dict[str, Any]
DirectFn = Callable[[Values], Value]

_RAW_PREFIX: Final = "raw:"  # never part of a fact name (names are dotted identifiers)
_CONSTANT_PREFIX: Final = "const:"
_constant_keys = itertools.count()

# The kinds of value whose Python comparison is the language's: two values of one of these
# kinds (for == and !=, booleans too), or two stated numbers (an int and a Decimal compare
# exactly in Python, as the language compares them; a Percent or Fraction is left to it).
_PLAIN_ORDER: Final = frozenset({int, Decimal, str, datetime.date})
_PLAIN_EQUALITY: Final = _PLAIN_ORDER | {bool}
_STATED: Final = frozenset({int, Decimal})


def raw_key(name: str) -> str:
    """The key under which the values dict holds the raw text of fact ``name``."""
    return _RAW_PREFIX + name


def unexpected(exc: Exception) -> ExprEvalError:
    """The error an unexpected exception during evaluation becomes (as in ``compile_expr``)."""
    return ExprEvalError(f"unexpected {type(exc).__name__} during evaluation: {exc}")


@dataclass(frozen=True)
class Direct:
    """A compiled expression over a values dict.

    ``fn(values)`` needs in ``values``: for each name of ``reads``, the value the environment
    gives for it, admitted by ``check_value`` (None when the fact is absent); for each name of
    ``raws``, under ``raw_key(name)``, the raw text (a ``str`` within the string limit, or
    None); and every entry of ``constants``."""

    fn: DirectFn
    reads: frozenset[str]
    raws: frozenset[str]
    constants: Mapping[str, Value]


# A compiled operand: ("k", key) is read from the values dict; ("f", fn) is called with it.
_Operand: TypeAlias = tuple[str, Any]


class _Compiler:
    def __init__(self, local_names: Mapping[str, str], local_nodes: Mapping[str, Node]):
        self.local_names = local_names
        self.local_nodes = local_nodes
        self.reads: set[str] = set()
        self.raws: set[str] = set()
        self.constants: dict[str, Value] = {}
        self.expanding: set[str] = set()

    # --- operands ------------------------------------------------------------------------

    def constant(self, value: Value) -> _Operand:
        key = f"{_CONSTANT_PREFIX}{next(_constant_keys)}"
        self.constants[key] = value
        return ("k", key)

    @staticmethod
    def as_fn(operand: _Operand) -> DirectFn:
        return _as_fn(operand)

    def is_constant(self, operand: _Operand) -> bool:
        return operand[0] == "k" and operand[1] in self.constants

    def fold(self, fn: DirectFn, operands: tuple[_Operand, ...]) -> _Operand:
        """``fn`` as an operand; evaluated now when every operand is a constant."""
        if all(self.is_constant(o) for o in operands):
            try:
                return self.constant(fn(dict(self.constants)))
            except Exception:  # left to be reported for each letter, as a rule error
                pass
        return ("f", fn)

    # --- nodes ---------------------------------------------------------------------------

    def compile(self, node: Node) -> _Operand:
        if isinstance(node, Literal):
            return self.constant(node.value)
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, IsNull):
            return self.is_null(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            if node.op in ("and", "or"):
                return self.logic(node)
            if node.op in ARITHMETIC_OPS:
                return self.binary(ARITHMETIC[node.op], node)
            return self.comparison(node)
        return self.call(node)

    def name(self, name: str) -> _Operand:
        target = self.local_names.get(name)
        if target is not None:
            self.reads.add(target)
            return ("k", target)
        local = self.local_nodes.get(name)
        if local is None:
            self.reads.add(name)
            return ("k", name)
        if name in self.expanding:  # pragma: no cover - the loader refuses such rules
            raise ExprSyntaxError(f"local name {name!r} refers to itself")
        self.expanding.add(name)
        operand = self.compile(local)
        self.expanding.discard(name)
        where = f"fact {name!r}"
        if self.is_constant(operand):
            try:
                return self.constant(check_value(self.constants[operand[1]], where))
            except ExprEvalError:
                pass
        compute = self.as_fn(operand)
        key = _memo_key(self.meaning(local))
        unset = _UNSET

        def local_value(values: Values) -> Value:  # admitted as BoundEnv's value is
            # An expression's value is the same wherever it is read in one letter: worked out
            # once per letter, kept in the letter's values dict (an error is not kept: each
            # reading raises its own).
            value: Value = values.get(key, unset)
            if value is unset:
                value = values[key] = check_value(compute(values), where)
            return value

        return ("f", local_value)

    def meaning(self, node: Node) -> Any:
        """``node`` with every local name replaced by what it stands for, as a nested tuple:
        two local expressions with the same meaning have the same value for a letter."""
        if isinstance(node, Name):
            target = self.local_names.get(node.name)
            if target is not None:
                return ("name", target)
            local = self.local_nodes.get(node.name)
            return ("name", node.name) if local is None else self.meaning(local)
        if isinstance(node, Literal):
            return ("literal", node)
        if isinstance(node, IsNull):
            return ("is null", node.negated, self.meaning(node.operand))
        if isinstance(node, Unary):
            return ("unary", node.op, self.meaning(node.operand))
        if isinstance(node, Binary):
            return ("binary", node.op, self.meaning(node.left), self.meaning(node.right))
        return ("call", node.function, *(self.meaning(a) for a in node.args))

    def is_null(self, node: IsNull) -> _Operand:
        kind, payload = self.compile(node.operand)
        negated = node.negated
        if kind == "k":
            key: str = payload
            if negated:

                def key_is_not_null(values: Values) -> Value:
                    return values[key] is not None

                return self.fold(key_is_not_null, (("k", key),))

            def key_is_null(values: Values) -> Value:
                return values[key] is None

            return self.fold(key_is_null, (("k", key),))
        operand: DirectFn = payload
        if negated:

            def is_not_null(values: Values) -> Value:
                return operand(values) is not None

            return ("f", is_not_null)

        def is_null(values: Values) -> Value:
            return operand(values) is None

        return ("f", is_null)

    def unary(self, node: Unary) -> _Operand:
        compiled = self.compile(node.operand)
        operand = self.as_fn(compiled)
        if node.op == "-":

            def minus(values: Values) -> Value:
                return negate(operand(values))

            return self.fold(minus, (compiled,))

        def negation(values: Values) -> Value:
            v = operand(values)
            if v is None:
                return None
            if v is True or v is False:
                return not v
            raise _logic_error("not", v)

        return self.fold(negation, (compiled,))

    def logic(self, node: Binary) -> _Operand:
        op = node.op
        flat: list[Node] = []
        stack: list[Node] = [node]
        while stack:  # the operands of a chain of the same operator, left to right
            current = stack.pop()
            if isinstance(current, Binary) and current.op == op:
                stack.extend((current.right, current.left))
            else:
                flat.append(current)
        operands = tuple(self.compile(part) for part in flat)
        if op == "and":
            fn = self._conjunction(flat, operands)
        else:
            fn = self._disjunction(tuple(self.as_fn(o) for o in operands))
        return self.fold(fn, operands)

    def _conjunction(self, flat: list[Node], operands: tuple[_Operand, ...]) -> DirectFn:
        # x is not null never raises, so a leading run of them is a loop over look-ups: the
        # first null ends the chain as false, as the chain itself would.
        leading: list[str] = []
        for part in flat:
            if not (isinstance(part, IsNull) and part.negated):
                break
            target = self.compile(part.operand)
            if target[0] != "k":
                break
            leading.append(target[1])
        keys = tuple(leading)
        rest = tuple(self.as_fn(o) for o in operands[len(keys) :])

        def conjunction(values: Values) -> Value:  # Kleene: false wins, then null
            for key in keys:
                if values[key] is None:
                    return False
            null = False
            for part in rest:
                v = part(values)
                if v is False:
                    return False
                if v is None:
                    null = True
                elif v is not True:
                    raise _logic_error("and", v)
            return None if null else True

        return conjunction

    @staticmethod
    def _disjunction(parts: tuple[DirectFn, ...]) -> DirectFn:
        def disjunction(values: Values) -> Value:  # Kleene: true wins, then null
            null = False
            for part in parts:
                v = part(values)
                if v is True:
                    return True
                if v is None:
                    null = True
                elif v is not False:
                    raise _logic_error("or", v)
            return None if null else False

        return disjunction

    def binary(self, function: Callable[[Value, Value], Value], node: Binary) -> _Operand:
        left = self.compile(node.left)
        right = self.compile(node.right)
        return self.fold(_pair(function, left, right), (left, right))

    def comparison(self, node: Binary) -> _Operand:
        left = self.compile(node.left)
        right = self.compile(node.right)
        compare = COMPARISONS[node.op]
        fast: Callable[[Any, Any], bool] = _INT_OPERATORS[node.op]
        plain = _PLAIN_EQUALITY if node.op in ("==", "!=") else _PLAIN_ORDER
        stated = _STATED

        fn: DirectFn
        lkind, lpayload = left
        rkind, rpayload = right
        # Python's own comparison where it is the language's: two values of one plain kind,
        # or two stated numbers (an int and a Decimal compare exactly); else the language's.
        if lkind == "k" and rkind == "k":
            a_key: str = lpayload
            b_key: str = rpayload

            def compare_keys(values: Values) -> Value:
                a = values[a_key]
                b = values[b_key]
                ta = type(a)
                tb = type(b)
                if (ta is tb and ta in plain) or (ta in stated and tb in stated):
                    return fast(a, b)
                return compare(a, b)

            fn = compare_keys
        elif lkind == "k":
            key: str = lpayload
            second: DirectFn = rpayload

            def compare_key_fn(values: Values) -> Value:
                a = values[key]
                b = second(values)
                ta = type(a)
                tb = type(b)
                if (ta is tb and ta in plain) or (ta in stated and tb in stated):
                    return fast(a, b)
                return compare(a, b)

            fn = compare_key_fn
        elif rkind == "k":
            first: DirectFn = lpayload
            other: str = rpayload

            def compare_fn_key(values: Values) -> Value:
                a = first(values)
                b = values[other]
                ta = type(a)
                tb = type(b)
                if (ta is tb and ta in plain) or (ta in stated and tb in stated):
                    return fast(a, b)
                return compare(a, b)

            fn = compare_fn_key
        else:
            left_fn: DirectFn = lpayload
            right_fn: DirectFn = rpayload

            def compare_fns(values: Values) -> Value:
                a = left_fn(values)
                b = right_fn(values)
                ta = type(a)
                tb = type(b)
                if (ta is tb and ta in plain) or (ta in stated and tb in stated):
                    return fast(a, b)
                return compare(a, b)

            fn = compare_fns
        return self.fold(fn, (left, right))

    def rounds_percent(self, count: Node, total: Node, stated: Node) -> _Operand:
        operands = (self.compile(count), self.compile(total), self.compile(stated))
        fn = _rounds_percent(*(self.as_fn(o) for o in operands))
        return self.fold(fn, operands)

    def call(self, node: Call) -> _Operand:
        if node.function == "raw":
            arg = node.args[0]
            assert isinstance(arg, Name)
            name = self.local_names.get(arg.name, arg.name)
            self.raws.add(name)
            return ("k", raw_key(name))
        first = node.args[0]
        if (
            node.function == "rounds_half_up_to"
            and isinstance(first, Call)
            and first.function == "percent"
            and len(first.args) == 2
        ):
            return self.rounds_percent(first.args[0], first.args[1], node.args[1])
        operands = tuple(self.compile(a) for a in node.args)
        if node.function == "choose":
            condition, if_true, if_false = (self.as_fn(o) for o in operands)

            def choose(values: Values) -> Value:  # lazy: the branch not taken is not evaluated
                c = condition(values)
                if c is True:
                    return if_true(values)
                if c is False:
                    return if_false(values)
                if c is None:
                    return None
                raise ExprEvalError(
                    f"choose(): condition must be true, false or null, got {describe(c)}"
                )

            return self.fold(choose, operands)
        spec = FUNCTIONS[node.function]
        impl = spec.impl
        assert impl is not None
        fn: DirectFn
        if len(operands) == 1 and node.function in _DATE_PARTS and operands[0][0] == "k":
            fn = _date_part(impl, operands[0][1], _DATE_PARTS[node.function])
        elif len(operands) == 1:
            fn = _single(impl, operands[0], spec.propagates_null)
        elif len(operands) == 2:
            fn = (_pair if spec.propagates_null else _pair_with_nulls)(impl, *operands)
        else:
            parts = tuple(self.as_fn(o) for o in operands)
            if spec.propagates_null:

                def call(values: Values) -> Value:
                    args = [part(values) for part in parts]
                    if any(v is None for v in args):
                        return None
                    return impl(*args)

                fn = call
            else:

                def call_with_nulls(values: Values) -> Value:
                    return impl(*[part(values) for part in parts])

                fn = call_with_nulls
        return self.fold(fn, operands)


#: The functions that take a date apart (lgo_audit.expr.library.dates): of a date, each is
#: the date's attribute of that name, read here without calling the function; anything else
#: (null, another type) goes to the function, which answers as always.
_DATE_PARTS: Final = {"year": "year", "month": "month", "day": "day"}


def _date_part(impl: Callable[..., Value], key: str, attribute: str) -> DirectFn:
    part = operator.attrgetter(attribute)
    date = datetime.date

    def date_part(values: Values) -> Value:
        a = values[key]
        if type(a) is date:
            return part(a)  # type: ignore[no-any-return]
        return None if a is None else impl(a)

    return date_part


def _single(impl: Callable[..., Value], operand: _Operand, propagates: bool) -> DirectFn:
    kind, payload = operand
    if kind == "k":
        key: str = payload
        if propagates:

            def call_key(values: Values) -> Value:
                a = values[key]
                return None if a is None else impl(a)

            return call_key

        def call_key_with_null(values: Values) -> Value:
            return impl(values[key])

        return call_key_with_null
    part: DirectFn = payload
    if propagates:

        def call1(values: Values) -> Value:
            a = part(values)
            return None if a is None else impl(a)

        return call1

    def call1_with_null(values: Values) -> Value:
        return impl(part(values))

    return call1_with_null


def _pair(function: Callable[..., Value], left: _Operand, right: _Operand) -> DirectFn:
    """``function(left, right)`` with left evaluated first; null when either is null (every
    binary operator and two-argument function given here returns null for a null operand)."""
    lkind, lpayload = left
    rkind, rpayload = right
    if lkind == "k" and rkind == "k":
        a_key: str = lpayload
        b_key: str = rpayload

        def keys(values: Values) -> Value:
            a = values[a_key]
            b = values[b_key]
            return None if a is None or b is None else function(a, b)

        return keys
    if lkind == "k":
        key: str = lpayload
        second: DirectFn = rpayload

        def key_fn(values: Values) -> Value:
            a = values[key]
            b = second(values)
            return None if a is None or b is None else function(a, b)

        return key_fn
    first: DirectFn = lpayload
    if rkind == "k":
        other: str = rpayload

        def fn_key(values: Values) -> Value:
            a = first(values)
            b = values[other]
            return None if a is None or b is None else function(a, b)

        return fn_key
    last: DirectFn = rpayload

    def fns(values: Values) -> Value:
        a = first(values)
        b = last(values)
        return None if a is None or b is None else function(a, b)

    return fns


_WHOLE_PERCENT: Final = object()  # percent(k, n) of two small whole numbers, not yet made
_SMALL: Final = 10**30  # 100 * k / n of whole numbers below this is within every bound


def _rounds_percent(count: DirectFn, total: DirectFn, stated: DirectFn) -> DirectFn:
    """``rounds_half_up_to(percent(count, total), stated)``, the check of a stated percentage.

    For two whole numbers (the usual case) the exact percentage ``100 * count / total`` is
    rounded half up at the stated number's places without making the Percent first: rounding
    ``n / d`` half up gives the same for ``g * n / (g * d)``, so the fraction need not be
    reduced. Anything else goes through the two functions, in the order they would run."""
    percent = FUNCTIONS["percent"].impl
    rounds = FUNCTIONS["rounds_half_up_to"].impl
    assert percent is not None and rounds is not None

    def rounds_percent(values: Values) -> Value:
        k: Any = count(values)
        n: Any = total(values)
        share: Any
        if k is None or n is None:
            share = None
        elif type(k) is int and type(n) is int and -_SMALL < k < _SMALL and -_SMALL < n < _SMALL:
            share = _WHOLE_PERCENT if n != 0 else None  # percent(k, 0) is null
        else:
            share = percent(k, n)
        p: Any = stated(values)
        if share is None or p is None:
            return None
        if share is _WHOLE_PERCENT:
            kind = type(p)
            if kind is int:
                places, pn, pd = 0, p, 1
            elif kind is Decimal:
                places = places_of(p)
                pn, pd = p.as_integer_ratio()
            else:  # not a stated number: the function says so
                return rounds(percent(k, n), p)
            num, den = (100 * k, n) if n > 0 else (-100 * k, -n)
            rounded: int = round_half_up_scaled(num, den, places)
            return bool(rounded * pd == pn * 10**places)
        return rounds(share, p)

    return rounds_percent


def _pair_with_nulls(function: Callable[..., Value], left: _Operand, right: _Operand) -> DirectFn:
    """``function(left, right)`` with left evaluated first, nulls passed on (``coalesce``)."""
    first = _as_fn(left)
    second = _as_fn(right)
    if left[0] == "k" and right[0] == "k":
        a_key: str = left[1]
        b_key: str = right[1]

        def keys(values: Values) -> Value:
            return function(values[a_key], values[b_key])

        return keys

    def fns(values: Values) -> Value:
        a = first(values)
        return function(a, second(values))

    return fns


_UNSET: Final = object()  # no value kept yet for a local expression
_MEMO_PREFIX: Final = "local:"
_memo_keys: dict[Any, str] = {}


def _memo_key(meaning: Any) -> str:
    """The key of the values dict under which a local expression of that meaning is kept."""
    key = _memo_keys.get(meaning)
    if key is None:
        key = _memo_keys[meaning] = f"{_MEMO_PREFIX}{len(_memo_keys)}"
    return key


def _as_fn(operand: _Operand) -> DirectFn:
    kind, payload = operand
    if kind == "f":
        return payload  # type: ignore[no-any-return]
    key: str = payload

    def read(values: Values) -> Value:
        return values[key]  # type: ignore[no-any-return]

    return read


def compile_direct(
    node: Node,
    local_names: Mapping[str, str] | None = None,
    local_nodes: Mapping[str, Node] | None = None,
) -> Direct:
    """Compile ``node`` into a function of a values dict (see :class:`Direct`).

    ``local_names`` maps an ``each`` entry's local name to the fact it stands for;
    ``local_nodes`` a local name to the expression it stands for (``let``, computed ``each``
    values), read as :class:`lgo_audit.envs.BoundEnv` reads them. Raises ExprSyntaxError for a
    tree nested beyond MAX_DEPTH, as ``compile_expr`` does."""
    if depth(node) > MAX_DEPTH:
        raise ExprSyntaxError(f"expression nested more than {MAX_DEPTH} deep")
    compiler = _Compiler(local_names or {}, local_nodes or {})
    fn = compiler.as_fn(compiler.compile(node))
    return Direct(fn, frozenset(compiler.reads), frozenset(compiler.raws), dict(compiler.constants))


@dataclass(frozen=True)
class Condition:
    """A rule's ``when`` split into guards and the rest (see :func:`compile_condition`)."""

    guards: tuple[str, ...]
    """Keys of the values dict: the condition is true only if none of them is None."""
    reads: frozenset[str]  # the facts the guards read
    raws: frozenset[str]  # the facts whose raw text they read
    rest: Direct | None
    """The condition once the guards hold (None: true)."""


def compile_condition(
    node: Node,
    local_names: Mapping[str, str] | None = None,
    local_nodes: Mapping[str, Node] | None = None,
) -> Condition:
    """A rule's ``when``, split into its guards and the rest.

    The guards are the leading ``x is not null`` conjuncts whose ``x`` is a fact (or the raw
    text of one): the condition is true only if the value of each is not None, and then it is
    exactly the rest. A ``when`` is judged true or not, so a guard that fails ends the judging
    as the whole condition would (as false, having read no other value), and the rest is
    called only when every guard holds. Raises as :func:`compile_direct`."""
    conjuncts: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Binary) and current.op == "and":
            stack.extend((current.right, current.left))
        else:
            conjuncts.append(current)
    compiler = _Compiler(local_names or {}, local_nodes or {})
    keys: list[str] = []
    for conjunct in conjuncts:
        if not (isinstance(conjunct, IsNull) and conjunct.negated):
            break
        kind, key = compiler.compile(conjunct.operand)
        if kind != "k" or key in compiler.constants:
            break
        keys.append(key)
    guards = tuple(keys)
    rest = conjuncts[len(guards) :]
    remainder: Direct | None = None
    if rest:
        tree = rest[0]
        for conjunct in rest[1:]:
            tree = Binary("and", tree, conjunct)
        remainder = compile_direct(tree, local_names, local_nodes)
    reads = frozenset(k for k in guards if not k.startswith(_RAW_PREFIX))
    raws = frozenset(k[len(_RAW_PREFIX) :] for k in guards if k.startswith(_RAW_PREFIX))
    return Condition(guards, reads, raws, remainder)
