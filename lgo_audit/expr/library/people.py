"""People: whether two ways of writing a name denote the same person."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from lgo_audit.expr._declare import Function, function, string_arg
from lgo_audit.expr._types import BOOLEAN, STRING
from lgo_audit.expr._values import Value

GROUP = "people"

_TITLES: Final = {
    "mr": "mr",
    "mrs": "mrs",
    "ms": "ms",
    "miss": "miss",
    "mx": "mx",
    "dr": "dr",
    "prof": "prof",
    "professor": "prof",
    "sir": "sir",
    "dame": "dame",
    "lord": "lord",
    "lady": "lady",
    "cllr": "cllr",
    "councillor": "cllr",
    "rev": "rev",
}
NAME_PARTICLES: Final = frozenset(
    {"ab", "ap", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du"}
    | {"la", "le", "ten", "ter", "van", "von", "zu"}
)
"""The words that join a surname and stand before it, in lower case ("Ludwig van Beethoven",
"Jane de la Cruz", "Rhys ap Gruffydd"): the addressee block reads them as part of the name
(:mod:`lgo_audit.grammar.profile_2020`), and :func:`same_person` leaves them out, however
written ("Mr Van Beethoven" is "Mr Ludwig van Beethoven")."""
POST_NOMINALS: Final = frozenset(
    {"obe", "mbe", "cbe", "dbe", "kbe", "gbe", "bem", "kc", "qc", "jp", "dl", "mp"}
    | {"phd", "dphil", "msc", "bsc", "llb", "mba", "frsa", "cpfa", "fca", "fcca"}
)
"""Honours and letters written after a name ("Dr Jane Smith OBE"), in lower case:
:func:`same_person` leaves them out. (No word that is also a surname, such as "Ma".)"""
_NAME_SPLIT: Final = re.compile(r"[\s.]+")
_NOT_ALPHANUMERIC: Final = re.compile(r"[\W_]+")  # exactly the characters not str.isalnum()


@lru_cache(maxsize=4096)  # a batch names the same few people again and again
def _person(text: str) -> tuple[frozenset[str], tuple[str, ...], str] | None:
    """(titles, given names or initials, surname) of a written name, or None if there is none
    (immutable: the answer for a name is remembered)."""
    words = []
    for part in _NAME_SPLIT.split(unicodedata.normalize("NFKC", text).casefold()):
        word = part if part.isalnum() else _NOT_ALPHANUMERIC.sub("", part)
        if word:
            words.append(word)
    titles = set()
    while len(words) > 1 and words[0] in _TITLES:
        titles.add(_TITLES[words.pop(0)])
    while len(words) > 1 and words[-1] in POST_NOMINALS:
        words.pop()
    if not words:
        return None
    given = tuple(word for word in words[:-1] if word not in NAME_PARTICLES)
    return frozenset(titles), given, words[-1]


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    for x, y in zip(a, b, strict=False):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif x != y:
            return False
    return True


def _same_person(a: Value, b: Value) -> Value:
    return same_person(string_arg("same_person", "a", a), string_arg("same_person", "b", b))


def same_person(a: str, b: str) -> bool:
    """Whether two written names denote the same person (see the declaration below)."""
    first = _person(a)
    second = _person(b)
    if first is None or second is None:
        return False
    titles_a, given_a, surname_a = first
    titles_b, given_b, surname_b = second
    if titles_a and titles_b and not (titles_a <= titles_b or titles_b <= titles_a):
        return False
    return surname_a == surname_b and _given_compatible(given_a, given_b)


FUNCTIONS: tuple[Function, ...] = (
    function(
        "same_person",
        ("a", STRING),
        ("b", STRING),
        returns=BOOLEAN,
        doc="Whether two written names denote the same person: case and punctuation are "
        "ignored, and so are the particles before a surname ('van', 'de', 'ap', ...) and "
        "honours after a name ('OBE', 'PhD', ...); titles "
        "must agree when both are given; surnames must be equal; given names "
        'or initials must be compatible when both are given ("Ms Jane Smith", '
        '"Ms J. Smith" and "Ms Smith" are one person).',
        impl=_same_person,
        group=GROUP,
    ),
)
