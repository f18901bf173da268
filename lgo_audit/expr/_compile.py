"""Compile a syntax tree into nested closures.

Rules run about thirty times per letter over ten thousand letters, so the tree is walked once,
here, and evaluation is a chain of small Python functions with fast paths for whole numbers.
Sub-expressions that read no fact are evaluated once at compile time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from lgo_audit.expr._ast import (
    ARITHMETIC_OPS,
    Binary,
    Call,
    IsNull,
    Literal,
    Name,
    Node,
    Unary,
    children,
    depth,
)
from lgo_audit.expr._errors import ExprEvalError, ExprSyntaxError
from lgo_audit.expr._functions import FUNCTIONS
from lgo_audit.expr._values import (
    ARITHMETIC,
    COMPARISONS,
    MAX_DEPTH,
    Env,
    Value,
    check_value,
    describe,
    negate,
)

Compiled = Callable[[Env], Value]


class _NoFacts:
    """The environment constant sub-expressions are folded in; it is never read."""

    def value(self, name: str) -> Value:  # pragma: no cover - constants read no facts
        raise AssertionError(name)

    def raw(self, name: str) -> str | None:  # pragma: no cover
        raise AssertionError(name)


_NO_FACTS: Final = _NoFacts()


def _logic_error(op: str, v: Value) -> ExprEvalError:
    return ExprEvalError(f"'{op}' needs true, false or null, got {describe(v)}")


def _constant(value: Value) -> Compiled:
    def constant(env: Env) -> Value:
        return value

    return constant


def _name(name: str) -> Compiled:
    where = f"fact {name!r}"

    def lookup(env: Env) -> Value:
        return check_value(env.value(name), where)

    return lookup


def _raw(name: str) -> Compiled:
    where = f"raw text of fact {name!r}"

    def lookup_raw(env: Env) -> Value:
        text = env.raw(name)
        if text is None or type(text) is str:
            return check_value(text, where)
        raise ExprEvalError(f"{where} is not a string")

    return lookup_raw


def _choose(condition: Compiled, if_true: Compiled, if_false: Compiled) -> Compiled:
    def choose(env: Env) -> Value:  # lazy: the branch not taken is never evaluated
        c = condition(env)
        if c is True:
            return if_true(env)
        if c is False:
            return if_false(env)
        if c is None:
            return None
        raise ExprEvalError(f"choose(): condition must be true, false or null, got {describe(c)}")

    return choose


def _and(left: Compiled, right: Compiled) -> Compiled:
    def conjunction(env: Env) -> Value:  # Kleene: false wins, then null
        a = left(env)
        if a is False:
            return False
        if a is not None and a is not True:
            raise _logic_error("and", a)
        b = right(env)
        if b is False:
            return False
        if b is not None and b is not True:
            raise _logic_error("and", b)
        return None if a is None or b is None else True

    return conjunction


def _or(left: Compiled, right: Compiled) -> Compiled:
    def disjunction(env: Env) -> Value:  # Kleene: true wins, then null
        a = left(env)
        if a is True:
            return True
        if a is not None and a is not False:
            raise _logic_error("or", a)
        b = right(env)
        if b is True:
            return True
        if b is not None and b is not False:
            raise _logic_error("or", b)
        return None if a is None or b is None else False

    return disjunction


def _not(operand: Compiled) -> Compiled:
    def negation(env: Env) -> Value:
        v = operand(env)
        if v is None:
            return None
        if v is True or v is False:
            return not v
        raise _logic_error("not", v)

    return negation


def _minus(operand: Compiled) -> Compiled:
    def minus(env: Env) -> Value:
        return negate(operand(env))

    return minus


def _is_null(operand: Compiled, negated: bool) -> Compiled:
    if negated:

        def is_not_null(env: Env) -> Value:
            return operand(env) is not None

        return is_not_null

    def is_null(env: Env) -> Value:
        return operand(env) is None

    return is_null


def _binary(function: Callable[[Value, Value], Value], left: Compiled, right: Compiled) -> Compiled:
    def binary(env: Env) -> Value:
        return function(left(env), right(env))

    return binary


def _call(name: str, args: tuple[Compiled, ...]) -> Compiled:
    spec = FUNCTIONS[name]
    impl = spec.impl
    assert impl is not None
    if not spec.propagates_null:

        def call_with_nulls(env: Env) -> Value:
            return impl(*[arg(env) for arg in args])

        return call_with_nulls
    if len(args) == 1:
        (only,) = args

        def call1(env: Env) -> Value:
            a = only(env)
            return None if a is None else impl(a)

        return call1
    if len(args) == 2:
        first, second = args

        def call2(env: Env) -> Value:
            a = first(env)
            b = second(env)
            return None if a is None or b is None else impl(a, b)

        return call2

    def call(env: Env) -> Value:
        values = [arg(env) for arg in args]
        if any(v is None for v in values):
            return None
        return impl(*values)

    return call


def _compile(node: Node) -> tuple[Compiled, bool]:
    """The closure for ``node`` and whether it is constant (reads no fact)."""
    if isinstance(node, Literal):
        return _constant(node.value), True
    if isinstance(node, Name):
        return _name(node.name), False
    if isinstance(node, Call) and node.function == "raw":
        arg = node.args[0]
        assert isinstance(arg, Name)
        return _raw(arg.name), False

    compiled = [_compile(child) for child in children(node)]
    parts = tuple(fn for fn, _ in compiled)
    constant = all(is_constant for _, is_constant in compiled)
    fn: Compiled
    if isinstance(node, Unary):
        fn = _minus(parts[0]) if node.op == "-" else _not(parts[0])
    elif isinstance(node, IsNull):
        fn = _is_null(parts[0], node.negated)
    elif isinstance(node, Binary):
        if node.op == "and":
            fn = _and(*parts)
        elif node.op == "or":
            fn = _or(*parts)
        elif node.op in ARITHMETIC_OPS:
            fn = _binary(ARITHMETIC[node.op], *parts)
        else:
            fn = _binary(COMPARISONS[node.op], *parts)
    elif node.function == "choose":
        fn = _choose(*parts)
    else:
        fn = _call(node.function, parts)
    if constant:
        try:
            return _constant(fn(_NO_FACTS)), True
        except Exception:  # leave the error to be reported for each letter, as a rule error
            return fn, False
    return fn, False


def compile_expr(node: Node) -> Compiled:
    """Turn a tree into a function of an Env. The function raises only ExprEvalError: anything
    unexpected (including an exception from the Env) is wrapped in one, so one bad rule or fact
    cannot stop the checking of a letter."""
    if depth(node) > MAX_DEPTH:
        raise ExprSyntaxError(f"expression nested more than {MAX_DEPTH} deep")
    fn, _ = _compile(node)

    def evaluate_compiled(env: Env) -> Value:
        try:
            return fn(env)
        except ExprEvalError:
            raise
        except Exception as exc:
            raise ExprEvalError(
                f"unexpected {type(exc).__name__} during evaluation: {exc}"
            ) from exc

    return evaluate_compiled


def evaluate(node: Node, env: Env) -> Value:
    """Evaluate a tree once (compiles it each time: use compile_expr for repeated use)."""
    return compile_expr(node)(env)
