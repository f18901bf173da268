"""Lexer and parser: source text to syntax tree, with every bound checked before any work that
could grow with a hostile input.

The grammar, lowest precedence first (``[x]`` optional, ``{x}`` repeated)::

    expression  = conjunction {"or" conjunction}
    conjunction = negation {"and" negation}
    negation    = "not" negation | comparison
    comparison  = sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum | "is" ["not"] "null"]
    sum         = product {("+" | "-") product}
    product     = unary {("*" | "/") unary}
    unary       = "-" unary | primary
    primary     = NUMBER | STRING | "true" | "false" | "null"
                | FUNCTION "(" [expression {"," expression}] ")"
                | NAME | "(" expression ")"

Comparisons do not chain (``a < b < c`` is an error), and there is no power operator.

Why not pyparsing's ``infix_notation``: measured with pyparsing 3.3, it needs packrat parsing
(a process-wide switch) to be usable, and even with it 300 typical rules took over a second to
parse and eight nested parentheses overflowed Python's recursion limit. This hand-written
recursive-descent parser over a regular-expression lexer parses the same rules in a few
milliseconds, uses a bounded number of stack frames per nesting level, and gives precise
error positions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Final, NamedTuple, NoReturn

from lgo_audit.expr._ast import (
    COMPARISON_OPS,
    KEYWORDS,
    Binary,
    Call,
    IsNull,
    Literal,
    LiteralValue,
    Name,
    Node,
    Unary,
)
from lgo_audit.expr._errors import ExprSyntaxError
from lgo_audit.expr._functions import FUNCTIONS
from lgo_audit.expr._values import MAX_DEPTH, MAX_NUMBER_DIGITS, MAX_SOURCE_LENGTH

_TOKEN: Final = re.compile(
    r"""
      (?P<space>[ \t\r\n\f\v]+)
    | (?P<number>[0-9]+(?:\.[0-9]+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<op>==|!=|<=|>=|[<>+\-*/(),])
    """,
    re.VERBOSE | re.DOTALL,
)
_AFTER_NUMBER: Final = re.compile(r"[A-Za-z0-9_.]")
_ESCAPES: Final = {'"': '"', "'": "'", "\\": "\\"}
_ESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)


class Token(NamedTuple):
    """One lexical token. ``kind`` is number, string, name, keyword, op or end; ``value`` is the
    decoded literal for numbers and strings."""

    kind: str
    text: str
    pos: int
    value: LiteralValue = None


def _fail(message: str, position: int | None) -> NoReturn:
    raise ExprSyntaxError(message, position)


def _decode_string(text: str, pos: int) -> str:
    body = text[1:-1]

    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char not in _ESCAPES:
            _fail(
                f"invalid escape {match.group(0)!r} in string (only \\\" \\' \\\\ are allowed)",
                pos + 1 + match.start(),
            )
        return _ESCAPES[char]

    return _ESCAPE.sub(replace, body) if "\\" in body else body


def _number_token(text: str, pos: int) -> Token:
    digits = len(text) - text.count(".")
    if digits > MAX_NUMBER_DIGITS:
        _fail(f"number literal has more than {MAX_NUMBER_DIGITS} digits", pos)
    value: int | Decimal = Decimal(text) if "." in text else int(text)
    return Token("number", text, pos, value)


def tokenize(source: str) -> list[Token]:
    """Split source into tokens (linear time, no recursion), ending with an ``end`` token."""
    tokens = []
    pos, length = 0, len(source)
    match = _TOKEN.match
    while pos < length:
        m = match(source, pos)
        if m is None:
            char = source[pos]
            if char in "\"'":
                _fail("unterminated string", pos)
            if char == "=":
                _fail("unexpected '='; use '==' to compare", pos)
            _fail(f"unexpected character {char!r}", pos)
        kind = m.lastgroup
        text = m.group()
        if kind == "number":
            if _AFTER_NUMBER.match(source, m.end()):
                _fail(f"malformed number starting {text!r}", pos)
            tokens.append(_number_token(text, pos))
        elif kind == "string":
            tokens.append(Token("string", text, pos, _decode_string(text, pos)))
        elif kind == "word":
            if text in KEYWORDS:
                tokens.append(Token("keyword", text, pos))
            else:
                for part in text.split("."):
                    if part in KEYWORDS:
                        _fail(f"keyword {part!r} cannot be part of a name ({text!r})", pos)
                tokens.append(Token("name", text, pos))
        elif kind == "op":
            tokens.append(Token("op", text, pos))
        pos = m.end()
    tokens.append(Token("end", "", length))
    return tokens


def _check_parentheses(tokens: list[Token]) -> None:
    """Reject deep nesting with a flat scan before the recursive parser ever sees it."""
    level = 0
    for token in tokens:
        if token.kind == "op":
            if token.text == "(":
                level += 1
                if level > MAX_DEPTH:
                    _fail(f"parentheses nested more than {MAX_DEPTH} deep", token.pos)
            elif token.text == ")":
                level -= 1


def _describe_token(token: Token) -> str:
    if token.kind == "end":
        return "end of expression"
    if token.kind == "name":
        return f"name {token.text!r}"
    return repr(token.text)


def _suggestion(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


_Parsed = tuple[Node, int]  # a node and the depth of its tree


class _Parser:
    """Recursive descent over the token list. Every method returns (node, tree depth) so that
    both the nesting of the source and the depth of the tree stay within MAX_DEPTH."""

    def __init__(self, tokens: list[Token], names: Collection[str] | None) -> None:
        self.tokens = tokens
        self.index = 0
        self.names = names
        self.nesting = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.tokens[self.index]
        return token.kind == kind and token.text == text

    def enter(self, pos: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            _fail(f"expression nested more than {MAX_DEPTH} deep", pos)

    def made(self, node: Node, node_depth: int, pos: int) -> _Parsed:
        if node_depth > MAX_DEPTH:
            _fail(f"expression nested more than {MAX_DEPTH} deep", pos)
        return node, node_depth

    def parse(self) -> Node:
        node, _ = self.expression()
        token = self.peek()
        if token.kind != "end":
            if token.kind == "op" and token.text == ")":
                _fail("unmatched ')'", token.pos)
            _fail(f"unexpected {_describe_token(token)}", token.pos)
        return node

    def left_associative(
        self, kind: str, ops: Collection[str], operand: Callable[[], _Parsed]
    ) -> _Parsed:
        left, left_depth = operand()
        while True:
            token = self.tokens[self.index]
            if token.kind != kind or token.text not in ops:
                return left, left_depth
            self.index += 1
            right, right_depth = operand()
            left, left_depth = self.made(
                Binary(token.text, left, right), max(left_depth, right_depth) + 1, token.pos
            )

    def expression(self) -> _Parsed:
        return self.left_associative("keyword", ("or",), self.conjunction)

    def conjunction(self) -> _Parsed:
        return self.left_associative("keyword", ("and",), self.negation)

    def negation(self) -> _Parsed:
        token = self.peek()
        if token.kind == "keyword" and token.text == "not":
            self.index += 1
            self.enter(token.pos)
            operand, operand_depth = self.negation()
            self.nesting -= 1
            return self.made(Unary("not", operand), operand_depth + 1, token.pos)
        return self.comparison()

    def comparison(self) -> _Parsed:
        left, left_depth = self.sum()
        token = self.peek()
        result: _Parsed
        if token.kind == "op" and token.text in COMPARISON_OPS:
            self.index += 1
            right, right_depth = self.sum()
            node_depth = max(left_depth, right_depth) + 1
            result = self.made(Binary(token.text, left, right), node_depth, token.pos)
        elif token.kind == "keyword" and token.text == "is":
            self.index += 1
            negated = self.at("keyword", "not")
            if negated:
                self.index += 1
            if not self.at("keyword", "null"):
                wanted = "'is not' must be followed by 'null'" if negated else "expected 'null'"
                _fail(f"{wanted}, found {_describe_token(self.peek())}", self.peek().pos)
            self.index += 1
            result = self.made(IsNull(left, negated), left_depth + 1, token.pos)
        else:
            return left, left_depth
        after = self.peek()
        if (after.kind == "op" and after.text in COMPARISON_OPS) or (
            after.kind == "keyword" and after.text == "is"
        ):
            _fail(
                "comparisons cannot be chained; join them with 'and' or use parentheses", after.pos
            )
        return result

    def sum(self) -> _Parsed:
        return self.left_associative("op", ("+", "-"), self.product)

    def product(self) -> _Parsed:
        return self.left_associative("op", ("*", "/"), self.unary)

    def unary(self) -> _Parsed:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.index += 1
            self.enter(token.pos)
            operand, operand_depth = self.unary()
            self.nesting -= 1
            return self.made(Unary("-", operand), operand_depth + 1, token.pos)
        return self.primary()

    def primary(self) -> _Parsed:
        token = self.take()
        kind = token.kind
        if kind == "name":
            if self.at("op", "("):
                return self.call(token)
            if self.names is not None and token.text not in self.names:
                _fail(
                    f"unknown fact {token.text!r}{_suggestion(token.text, self.names)}", token.pos
                )
            return Name(token.text), 1
        if kind == "number" or kind == "string":
            return Literal(token.value), 1
        if kind == "keyword" and token.text in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[token.text]), 1
        if kind == "op" and token.text == "(":
            self.enter(token.pos)
            inner = self.expression()
            if not self.at("op", ")"):
                _fail(f"expected ')', found {_describe_token(self.peek())}", self.peek().pos)
            self.index += 1
            self.nesting -= 1
            return inner
        if kind == "end":
            _fail("unexpected end of expression", token.pos)
        _fail(f"expected a value, found {_describe_token(token)}", token.pos)

    def call(self, name: Token) -> _Parsed:
        function = FUNCTIONS.get(name.text)
        if function is None:
            _fail(f"unknown function {name.text!r}{_suggestion(name.text, FUNCTIONS)}", name.pos)
        self.index += 1  # the "("
        self.enter(name.pos)
        args: list[Node] = []
        positions: list[int] = []
        deepest = 0
        if not self.at("op", ")"):
            while True:
                positions.append(self.peek().pos)
                arg, arg_depth = self.expression()
                args.append(arg)
                deepest = max(deepest, arg_depth)
                if not self.at("op", ","):
                    break
                self.index += 1
        if not self.at("op", ")"):
            _fail(f"expected ',' or ')', found {_describe_token(self.peek())}", self.peek().pos)
        self.index += 1
        self.nesting -= 1
        if len(args) not in function.arities:
            _fail(
                f"{function.name}() takes {function.arity_text()}, got {len(args)}",
                name.pos,
            )
        if function.name == "raw" and not isinstance(args[0], Name):
            _fail("raw() takes a fact name, not an expression", positions[0])
        return self.made(Call(function.name, tuple(args)), deepest + 1, name.pos)


def parse(source: str, *, names: Collection[str] | None = None) -> Node:
    """Parse an expression into a syntax tree, raising ExprSyntaxError for anything malformed,
    too long, too deep, or (when ``names`` is given) reading a fact not in ``names``.

    Everything is checked here, at load time, so a broken rule file fails before any letter is
    checked; unknown functions and wrong argument counts are always errors.
    """
    if not isinstance(source, str):
        raise TypeError(f"expression source must be a str, got {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        _fail(f"expression is longer than {MAX_SOURCE_LENGTH} characters", MAX_SOURCE_LENGTH)
    tokens = tokenize(source)
    if len(tokens) == 1:
        _fail("empty expression", 0)
    _check_parentheses(tokens)
    try:
        return _Parser(tokens, names).parse()
    except RecursionError:  # cannot happen within the bounds above; kept as a last resort
        _fail("expression nested too deeply", None)
