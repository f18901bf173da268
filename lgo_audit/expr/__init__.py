"""The expression language of lgo-audit rule files.

Rules are data (TOML), so the language they are written in must be unable to run code: there is
no ``eval``/``exec``, no attribute access into Python objects, no imports, only a fixed registry
of declared functions (the generic ones of ``lgo_audit.expr._functions`` and the library of
``lgo_audit.expr.library``), and every input size and intermediate value is bounded so that a
hostile rule file cannot hang or exhaust the checker.

Syntax (lowest precedence first)
--------------------------------
``or``; ``and``; ``not``; comparisons ``== != < <= > >=`` and postfix ``is null`` /
``is not null`` (non-associative: ``a < b < c`` is an error); ``+ -``; ``* /``; unary ``-``;
primaries: integers ``17``, decimals ``58.8``, strings in ``"..."`` or ``'...'`` with the escapes
``\\"``, ``\\'`` and ``\\\\``, ``true``, ``false``, ``null``, dotted fact names
``upheld.period.start``, calls ``f(a, b)`` and parentheses. There is no power operator.

Semantics
---------
* Numbers are exact, never float: ``int``; ``Decimal`` for a number *stated* with decimals
  (``58.8`` keeps its one decimal place); ``Fraction`` for exact intermediates; ``Percent`` for
  the *computed* percentage ``percent(k, n)``. ``+ - * /`` compute exactly; a whole result is an
  int. Division by zero is null. ``+`` also joins two strings.
* Null: arithmetic, comparisons and function calls (except ``coalesce``, ``choose`` and
  ``raw``) with a null operand are null; ``and``/``or``/``not`` use three-valued (Kleene)
  logic; ``is null`` and ``is not null`` are never null.
* Comparisons: numbers compare exactly. ``==`` and ``!=`` between a ``Percent`` and a stated
  number (int or Decimal) are an error: ``rounds_half_up_to(percent(10, 17), 59)`` says how to
  round. Ordered against a stated number, a ``Percent`` is first rounded half up to that
  number's decimal places (``percent(10, 17) <= 59`` holds). Strings and dates compare with
  their own kind; booleans only with ``==``/``!=``; any other mix is an ExprEvalError.
* Types: ``check_types(node, names)`` infers the static type of an expression from the types of
  the names it reads and the declarations of the functions, and raises ExprTypeError (an
  ExprSyntaxError) for every mismatch the evaluator would raise on some letter; rule files are
  checked so when they are loaded (see ``lgo_audit.rule_types``).
* Bounds: MAX_SOURCE_LENGTH, MAX_DEPTH, MAX_NUMBER_DIGITS are checked when parsing
  (ExprSyntaxError); MAX_MAGNITUDE and MAX_STRING_LENGTH when evaluating (ExprEvalError).

Use ``parse`` (at load time, with ``names`` = the facts the grammar can extract), then
``check_types``, then ``compile_expr`` once, then call the compiled function for each letter.
To judge many letters, :mod:`lgo_audit.expr.direct` compiles a tree over a dict of a letter's
values admitted once (imported on demand: a one-letter check does not need it).
"""

from lgo_audit.expr._ast import (
    KEYWORDS,
    Binary,
    Call,
    IsNull,
    Literal,
    LiteralValue,
    Name,
    Node,
    Unary,
    names_used,
    unparse,
)
from lgo_audit.expr._check import check as check_types
from lgo_audit.expr._compile import Compiled, compile_expr, evaluate
from lgo_audit.expr._declare import Function, Param, Signature
from lgo_audit.expr._errors import ExprEvalError, ExprSyntaxError, ExprTypeError
from lgo_audit.expr._functions import CORE, FUNCTIONS
from lgo_audit.expr._lazy import parse
from lgo_audit.expr._template import Template, parse_template, render_template
from lgo_audit.expr._types import (
    ANY,
    BOOLEAN,
    DATE,
    DECIMAL,
    EXACT_NUMBER,
    INTEGER,
    NULL,
    NUMBER,
    PERCENTAGE,
    STATED_NUMBER,
    STATED_NUMBER_OR_RATE,
    STATED_PERCENTAGE,
    STATED_RATE,
    STRING,
    Type,
    TypeVar,
)
from lgo_audit.expr._values import (
    MAX_DEPTH,
    MAX_MAGNITUDE,
    MAX_NUMBER_DIGITS,
    MAX_SOURCE_LENGTH,
    MAX_STRING_LENGTH,
    Env,
    Percent,
    Value,
    check_value,
    format_value,
)

__all__ = [
    "ANY",
    "BOOLEAN",
    "CORE",
    "DATE",
    "DECIMAL",
    "EXACT_NUMBER",
    "FUNCTIONS",
    "INTEGER",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_MAGNITUDE",
    "MAX_NUMBER_DIGITS",
    "MAX_SOURCE_LENGTH",
    "MAX_STRING_LENGTH",
    "NULL",
    "NUMBER",
    "PERCENTAGE",
    "STATED_NUMBER",
    "STATED_NUMBER_OR_RATE",
    "STATED_PERCENTAGE",
    "STATED_RATE",
    "STRING",
    "Binary",
    "Call",
    "Compiled",
    "Env",
    "ExprEvalError",
    "ExprSyntaxError",
    "ExprTypeError",
    "Function",
    "IsNull",
    "Literal",
    "LiteralValue",
    "Name",
    "Node",
    "Param",
    "Percent",
    "Signature",
    "Template",
    "Type",
    "TypeVar",
    "Unary",
    "Value",
    "check_types",
    "check_value",
    "compile_expr",
    "evaluate",
    "format_value",
    "names_used",
    "parse",
    "parse_template",
    "render_template",
    "unparse",
]
