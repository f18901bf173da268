"""Wording: the grammatical number of a noun after a count."""

from __future__ import annotations

from lgo_audit.expr._declare import Function, function, number_arg, string_arg
from lgo_audit.expr._types import NUMBER, STRING
from lgo_audit.expr._values import Value, ratio

GROUP = "wording"


def _plural(n: Value, singular: Value, plural: Value) -> Value:
    one = ratio(number_arg("plural", "n", n)) == (1, 1)
    s = string_arg("plural", "singular", singular)
    p = string_arg("plural", "plural", plural)
    return s if one else p


FUNCTIONS: tuple[Function, ...] = (
    function(
        "plural",
        ("n", NUMBER),
        ("singular", STRING),
        ("plural", STRING),
        returns=STRING,
        doc="`singular` if n is 1, otherwise `plural`: "
        "`plural(upheld.count, 'decision', 'decisions')`.",
        impl=_plural,
        group=GROUP,
    ),
)
