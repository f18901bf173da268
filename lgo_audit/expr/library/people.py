"""People: whether two ways of writing a name denote the same person."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, TypeAlias

from lgo_audit.expr._declare import Function, function, string_arg
from lgo_audit.expr._types import BOOLEAN, STRING
from lgo_audit.expr._values import Value

GROUP = "people"

TITLES: Final = {
    "mr": "mr",
    "mrs": "mrs",
    "ms": "ms",
    "miss": "miss",
    "mx": "mx",
    "dr": "dr",
    "doctor": "dr",
    "prof": "prof",
    "professor": "prof",
    "sir": "sir",
    "dame": "dame",
    "lord": "lord",
    "lady": "lady",
    "baron": "lord",  # (a baron is greeted "Dear Lord Smith", a baroness "Dear Lady Smith")
    "baroness": "lady",
    "cllr": "cllr",
    "councillor": "cllr",
    "rev": "rev",
    "revd": "rev",
    "reverend": "rev",
}
"""The titles a name may start with, in lower case, each with the title it stands for
("Professor" is "Prof"): the addressee block reads a name as starting with one of them
(:mod:`lgo_audit.grammar.profile_2020`), and :func:`same_person` compares them."""
NAME_PARTICLES: Final = frozenset(
    {"ab", "ap", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du"}
    | {"la", "le", "ten", "ter", "van", "von", "zu"}
)
"""The words that join a surname and stand before it, in lower case ("Ludwig van Beethoven",
"Jane de la Cruz", "Rhys ap Gruffydd"): the addressee block reads them as part of the name
(:mod:`lgo_audit.grammar.profile_2020`), and :func:`same_person` leaves them out, however
written ("Mr Van Beethoven" is "Mr Ludwig van Beethoven")."""
POST_NOMINALS: Final = frozenset(
    {"obe", "mbe", "cbe", "dbe", "kbe", "gbe", "bem", "cb", "kcb", "cmg", "cvo", "lvo", "mvo"}
    | {"kc", "qc", "jp", "dl", "mp"}
    | {"phd", "dphil", "ma", "ba", "msc", "bsc", "llb", "llm", "mba", "mpa", "pgce"}
    | {"frsa", "cpfa", "fca", "fcca", "acca", "frics", "mrtpi", "fcipd", "cmgr", "fcmi"}
)
"""Honours and letters written after a name ("Dr Jane Smith OBE", "Ms Jane Smith, MA"), in
lower case. Some are surnames too ("Mr Ram KC", "Mr Adewale Obe", "Ms Yo-Yo Ma"):
:func:`same_person` reads a name ending in them both with and without them, unless a comma
stands before them ("Ms Jane Smith, OBE": honours only) or they are written as a name is
("Mr Adewale Obe": a surname)."""
_TOKENS: Final = re.compile(r"[^\s,]+")
_FORMS_OF_ADDRESS: Final = frozenset({"mr", "mrs", "ms", "miss", "mx"})
"""Titles of which a person has one: a name with two of them ("Dear Ms Mr Smith") is no one."""
_TITLES_ONLY: Final = _FORMS_OF_ADDRESS | {"dr", "prof", "cllr", "rev", "revd"}
"""Titles that are no one's given name: a name with one after its first given name ("Dear Bob
Smith Mr Partridge", "Dear RED Mr Partridge") is two names run together, and no one's."""
_KNIGHTED: Final = frozenset({"sir", "dame"})
"""Titles before a given name: "Dear Sir John" greets Sir John Smith."""
_COMMA_BELOW: Final = str.maketrans("şţ", "șț")
"""Romanian s and t with a cedilla, as older fonts write them, read as the same letters with
a comma below (the letters of the language): "Ştefan" is "Ștefan"."""
_GREEK: Final = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
"""A Greek letter: a name with one is compared without its accents, which Greek drops in
capitals ("Dear Ms ΠΑΠΑΔΟΠΟΥΛΟΥ" greets Ms Παπαδοπούλου)."""
_NAME_SPLIT: Final = re.compile(r"[\s.]+")
_NOT_ALPHANUMERIC: Final = re.compile(r"[\W_]+")  # exactly the characters not str.isalnum()

_Reading: TypeAlias = tuple[frozenset[str], tuple[str, ...], str | None]


def _words(text: str) -> list[str]:
    """The words of a written name in a form that ignores case and punctuation (NFKC,
    case-folded, s and t with a cedilla as with a comma below, letters and digits only; in a
    name with Greek letters, no accents)."""
    words = []
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_COMMA_BELOW)
    if _GREEK.search(folded):
        bare = unicodedata.normalize("NFD", folded)
        folded = unicodedata.normalize(
            "NFC", "".join(c for c in bare if not unicodedata.combining(c))
        )
    for part in _NAME_SPLIT.split(folded):
        word = part if part.isalnum() else _NOT_ALPHANUMERIC.sub("", part)
        if word:
            words.append(word)
    return words


@lru_cache(maxsize=4096)  # a batch names the same few people again and again
def _readings(text: str) -> tuple[_Reading, ...]:
    """The ways a written name may be read, each (titles, given names or initials, surname;
    None when it states none): as written, the last word the surname; without the honours
    after it (:func:`_honour_tokens`; what follows a comma when it is honours only, "Jane
    Smith, OBE", is never the surname); and "Sir John" as a knight's given name. Particles
    before a surname are left out. Empty when there is no name, when it has two forms of
    address ("Ms Mr Smith"), or when a title that is no one's given name stands among its
    given names ("Bob Smith Mr Partridge": :data:`_TITLES_ONLY`) (immutable: the answer for a
    name is remembered)."""
    name, _, after = text.partition(",")
    following = _TOKENS.findall(after)
    honours_only = bool(following) and _honour_tokens(following)[0] == len(following)
    written = name if honours_only else text
    words = _words(written)
    titles = set()
    while len(words) > 1 and words[0] in TITLES:
        titles.add(TITLES[words.pop(0)])
    if not words or len(titles & _FORMS_OF_ADDRESS) > 1:
        return ()
    kept = frozenset(titles)
    cut = max(1, len(words) - _honour_tokens(_TOKENS.findall(written))[1])
    readings: list[_Reading] = []
    for end in dict.fromkeys((len(words), cut)):
        if not _TITLES_ONLY.isdisjoint(words[: end - 1]):
            continue
        given = tuple(word for word in words[: end - 1] if word not in NAME_PARTICLES)
        readings.append((kept, given, words[end - 1]))
    if kept & _KNIGHTED and cut == 1:
        readings.append((kept, (words[0],), None))
    return tuple(readings)


def _honour_tokens(tokens: list[str]) -> tuple[int, int]:
    """The honours that end ``tokens`` (the parts of a written name between spaces and
    commas): how many tokens they are, and how many words :func:`_words` reads in them. A
    token is an honour when it reads, without its dots, as one of :data:`POST_NOMINALS`
    ("OBE", "O.B.E.", "Ph.D.", "MBA") and is not written as a name is ("Obe", "Ma": a
    surname); single letters written apart are one when together they make one ("O. B. E.")."""
    end = len(tokens)
    words = 0
    while end > 0:
        token = tokens[end - 1]
        read = _words(token)
        if "".join(read) in POST_NOMINALS and not _written_as_name(token):
            end -= 1
            words += len(read)
            continue
        start, joined = end, ""
        while start > 0 and end - start < 5:
            letter = "".join(_words(tokens[start - 1]))
            if len(letter) != 1:
                break
            start, joined = start - 1, letter + joined
            if end - start > 1 and joined in POST_NOMINALS:
                break
        if end - start < 2 or joined not in POST_NOMINALS:
            break
        words += end - start
        end = start
    return len(tokens) - end, words


def _written_as_name(token: str) -> bool:
    """Whether ``token`` is written as a name is: a capital, then small letters only."""
    return len(token) > 1 and token[0].isupper() and token[1:].isalpha() and token[1:].islower()


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
    """Whether two written names denote the same person (see the declaration below): some
    reading of one agrees with some reading of the other."""
    return any(_agree(first, second) for first in _readings(a) for second in _readings(b))


def _agree(first: _Reading, second: _Reading) -> bool:
    titles_a, given_a, surname_a = first
    titles_b, given_b, surname_b = second
    if titles_a and titles_b and not (titles_a <= titles_b or titles_b <= titles_a):
        return False
    if surname_a is not None and surname_b is not None and surname_a != surname_b:
        return False
    return _given_compatible(given_a, given_b)


FUNCTIONS: tuple[Function, ...] = (
    function(
        "same_person",
        ("a", STRING),
        ("b", STRING),
        returns=BOOLEAN,
        doc="Whether two written names denote the same person: case and punctuation are "
        "ignored (an s or t with a cedilla is the letter with a comma below; a Greek name's "
        "accents, dropped in capitals, are ignored too), and so are the "
        "particles before a surname ('van', 'de', 'ap', ...); a name "
        "ending in honours ('OBE', 'O.B.E.', 'PhD', ...) is read with and without them (after a "
        "comma, without them only); 'Sir John' and "
        "'Dame Jane' may greet by the given name; titles ('Revd' is 'Rev', 'Councillor' "
        "'Cllr') must agree when both are given; surnames must be equal; given names "
        'or initials must be compatible when both are given ("Ms Jane Smith", '
        '"Ms J. Smith" and "Ms Smith" are one person); a name with a title such as "Mr" or '
        '"Dr" after a given name ("Bob Smith Mr Partridge") is two names run together, and '
        "no one's.",
        impl=_same_person,
        group=GROUP,
    ),
)
