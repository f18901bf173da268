"""Wording: the grammatical number of a noun after a count, and numbers written as the
letters write them.

``inflect`` takes the noun from the letter itself (a fact such as ``upheld.investigations_label``)
so that a rule about number agreement names no year's wording: "1 investigations" and
"1 detailed investigations" are judged the same way.
"""

from __future__ import annotations

import re

from lgo_audit.expr._declare import Function, function, number_arg, string_arg
from lgo_audit.expr._types import NUMBER, STRING
from lgo_audit.expr._values import Value, format_value, ratio

GROUP = "wording"


def _plural(n: Value, singular: Value, plural: Value) -> Value:
    one = ratio(number_arg("plural", "n", n)) == (1, 1)
    s = string_arg("plural", "singular", singular)
    p = string_arg("plural", "plural", plural)
    return s if one else p


def _inflect(n: Value, noun: Value) -> Value:
    one = ratio(number_arg("inflect", "n", n)) == (1, 1)
    phrase = string_arg("inflect", "noun", noun)
    head, space, last = phrase.rstrip().rpartition(" ")
    if not last:
        return phrase
    singular = last[:-1] if last[-1:] in ("s", "S") and last[-2:-1] not in ("s", "S") else last
    word = singular if one else singular + ("S" if singular.isupper() else "s")
    return head + space + word


_WHOLE_PART = re.compile(r"(-?)(\d+)(.*)", re.DOTALL)


def _grouped(n: Value) -> Value:
    shown = format_value(number_arg("grouped", "n", n))
    m = _WHOLE_PART.fullmatch(shown)
    if m is None:
        return shown
    sign, whole, rest = m.groups()
    return f"{sign}{int(whole):,}{rest}"


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
    function(
        "inflect",
        ("n", NUMBER),
        ("noun", STRING),
        returns=STRING,
        doc="`noun` with its last word in the number n calls for (singular if n is 1, "
        "otherwise plural), for nouns whose plural adds -s, as the letters' labels do: "
        "`inflect(1, 'detailed investigations')` is 'detailed investigation', "
        "`inflect(17, 'upheld decision')` is 'upheld decisions'. A last word ending in "
        "-ss is taken as singular.",
        impl=_inflect,
        group=GROUP,
    ),
    function(
        "grouped",
        ("n", NUMBER),
        returns=STRING,
        doc="n as `text` shows it, with a comma between each group of three digits of its "
        "whole part, as the letters write counts: `grouped(1794872)` is '1,794,872', "
        "`grouped(1234.5)` '1,234.5', `grouped(17)` '17'.",
        impl=_grouped,
        group=GROUP,
    ),
)
