"""Normalise extracted letter text into one text the grammar can read, keeping an exact map back.

Text extracted from a PDF is noisy, and the noise is the normal input, not an exception. Every
change below is recorded, so each character of the normalised text points at the original
character(s) it came from (:meth:`NormalisedText.original_offset`, :meth:`~NormalisedText.span`)
and a finding or a fix can be placed at the right line and column of the file.

What :func:`normalise` does, in one pass:

1. **Line breaks.** ``\\r\\n``, ``\\r``, ``\\n``, form feed (a page break), vertical tab,
   U+0085, U+2028 and U+2029 become ``\\n``. (In *original* positions only ``\\r\\n``, ``\\r``
   and ``\\n`` end a line: a form feed is a character on its line, as in an editor.)
2. **Markup left by extraction tools.** Markdown emphasis markers ``**`` and ``__`` are removed
   (in a run of an odd number, the last marker character is kept). Inline HTML tags ``<u>``,
   ``<b>``, ``<i>``, ``<em>``, ``<strong>``, ``<span ...>`` and their closing tags are removed
   (any case); ``<br>``, ``<br/>``, ``<br />`` become ``\\n``. The entities ``&amp; &nbsp;
   &quot; &#39; &apos; &lt; &gt;`` and numeric ``&#NNN;`` / ``&#xHHHH;`` are decoded (and the
   result normalised like any other character). A Markdown link ``[text](target)`` becomes
   ``text`` (itself normalised) and is recorded as a :class:`Link` with its target verbatim
   (which may be empty or ``#``; spaces around it, angle brackets, ``[text]( # )``,
   ``[text](<#>)``, and a title after it, ``[text](# "title")``, are not part of it, as in
   CommonMark); link text and target are bounded (500 and 2,000 characters). A link may be
   hard-wrapped: its text, and its target, may run over several lines, but not over a blank
   line (a paragraph break ends a Markdown link). A reference link, ``[text][label]``,
   ``[text][]`` or ``[text]``, is read the same way when the text defines its label on a line
   of its own (``[label]: target``, a title after it allowed, case and runs of spaces in the
   label ignored, the first definition of a label kept, as in CommonMark); the definition
   line is removed (it is not letter text), and a reference to a label the text does not
   define stays as written. Unlike CommonMark, a definition is read on one line only (a
   target or a title on the line after it is not), and a label holds no bracket, escaped
   or not. A line break in the link text,
   with the spaces around it, becomes one space (the text is one phrase); one in the target is
   removed with the spaces after it (a URL holds no space), the rest of the target kept
   verbatim. A Markdown image ``![alt](target)`` is removed entirely (alt text is not letter
   text). Heading markers ``#`` to ``######`` followed by a space at the start of a line are
   removed. A backslash escape of ASCII punctuation (``\\*``, ``\\_``, ``\\[``, ``\\#``, ...)
   becomes the character, which is then taken literally.
3. **Bullets.** ``-``, ``*``, bullet U+2022, middle dot U+00B7 or en dash U+2013, followed by
   a space, at the start of a line (after optional spaces), is removed.
4. **Characters.** Every Unicode space separator (NBSP, U+1680, U+2000-U+200A, U+202F, U+205F,
   U+3000) and tab becomes a space. Zero-width and invisible characters (U+200B, U+200C,
   U+200D, U+2060, U+FEFF, soft hyphen U+00AD) are removed. Curly, low and prime single
   quotes (U+2018, U+2019, U+201A, U+201B, U+2032) become ``'``; their double counterparts
   (U+201C, U+201D, U+201E, U+201F, U+2033) become ``"``; the dashes U+2010-U+2015 and minus
   U+2212 become ``-``; the ellipsis U+2026 becomes ``...``; the ligatures U+FB00-U+FB06 (ff,
   fi, fl, ffi, ffl, st, st) are spelled out. All other C0 and C1 control characters (and
   DEL) are removed.
5. **Spaces.** Runs of spaces collapse to one; spaces at the start and end of every line are
   removed, so a space-only line becomes an empty line. Newlines are kept, blank lines
   included. Paragraphs hard-wrapped over several lines are *not* joined here: the grammar
   treats any run of whitespace, newlines included, as a word separator, so a statement split
   over two or three lines (even with a blank line in the middle, as extraction sometimes
   leaves) is still recognised.

The result never contains ``\\r``, a tab, a double space, an NBSP, or a space at either end of
a line.

Normalisation is idempotent (``normalise(n.text).text == n.text``) except where removing or
decoding something re-forms markup: ``&lt;u&gt;`` decodes to ``<u>``, ``\\*\\*`` to ``**``, a
zero-width space between two ``*`` leaves ``**``, and a bullet or heading marker that was not
at the start of a line until something before it was removed (``<u>- x``) stays.

How it is done, and why it is fast (no Python loop over characters): one compiled regular
expression, whose alternatives all begin with a literal character, finds the places that need
a change, and the regex engine skips everything else at C speed; the plain stretches between
them are copied as slices. (A shorter expression is used when the text has none of the rarer
characters, "\\r\\n" is turned into "\\n" by ``str.split``/``str.join`` beforehand,
with its positions kept, and a tab or NBSP into a space by ``str.replace``, so none of them
costs anything per line.) Every quantifier is bounded or cannot
overlap with what follows it, so the time is linear in the length of the text. The offset map
is piecewise linear: one segment per stretch copied or token replaced (normalised start,
original start, original length of a replaced token), kept in arrays and searched with
:mod:`bisect`, so its size grows with the number of edits, not the number of characters.
"""

from __future__ import annotations

import functools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from operator import sub
from typing import Any, Final

from lgo_audit.span import LineIndex, Span

__all__ = ["Link", "NormalisedText", "Position", "normalise"]


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the original text: 1-based line and column.

    The column counts characters of the decoded line (a tab is 1). ``\\r\\n``, ``\\r`` and
    ``\\n`` end a line; a form feed does not.
    """

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link ``[text](target)`` found in the original text.

    ``text`` is the normalised link text, ``text == normalised[start:end]``; ``target`` is
    verbatim from the original (it may be empty or ``#``).
    """

    text: str
    target: str
    start: int
    end: int

    def __reduce__(self) -> tuple[type[Link], tuple[str, str, int, int]]:
        # (made again by its fields: compiled, a frozen class's fields cannot be set again)
        return Link, (self.text, self.target, self.start, self.end)


class NormalisedText:
    """The normalised text, the original it came from, and the map between the two."""

    __slots__ = ("_crlf", "_lines", "_listed", "_ns", "_ol", "_os", "links", "original", "text")

    text: str
    original: str
    links: tuple[Link, ...]

    def __init__(
        self,
        text: str,
        original: str,
        links: tuple[Link, ...],
        segments: tuple[array[int], array[int], array[int]],
        crlf: array[int] | None,
    ) -> None:
        self.text = text
        self.original = original
        self.links = links
        # Segment k covers normalised [ns[k], ns[k+1]) (the last one up to len(text)). If
        # ol[k] < 0 it is a copied stretch starting at offset os[k]; otherwise it replaces the
        # ol[k] characters starting at os[k]. Those offsets are into the original with each
        # "\r\n" counted as one character; crlf (sorted) holds where those "\r\n" were.
        self._ns, self._os, self._ol = segments
        self._crlf = crlf
        self._lines: LineIndex | None = None
        # the segments as lists, made the first time original_bounds is asked (a letter's
        # kept facts ask some twenty times): read without making an int object at each
        # look, as an array is (not for a text of more than _LISTED_MAX segments)
        self._listed: tuple[list[int], list[int], list[int], list[int]] | None = None

    def __repr__(self) -> str:
        return f"NormalisedText({self.text!r}, links={len(self.links)})"

    def __reduce__(self) -> tuple[type[NormalisedText], tuple[Any, ...]]:
        # (made again from what it was made with: the compiled class has no instance dict
        # for pickle to fill)
        segments = (self._ns, self._os, self._ol)
        return NormalisedText, (self.text, self.original, self.links, segments, self._crlf)

    def original_offset(self, offset: int) -> int:
        """The offset in :attr:`original` of the character normalised ``offset`` came from.

        ``offset == len(text)`` gives ``len(original)``.
        """
        if not 0 <= offset <= len(self.text):
            raise IndexError(f"offset {offset} is outside the normalised text")
        if offset == len(self.text):
            return len(self.original)
        k = bisect_right(self._ns, offset) - 1
        start = self._os[k]
        return self._widen(start + (offset - self._ns[k]) if self._ol[k] < 0 else start)

    def original_end(self, end: int) -> int:
        """Exclusive end: just past the original material that produced normalised ``end - 1``.

        ``end == 0`` gives ``original_offset(0)``.
        """
        if not 0 <= end <= len(self.text):
            raise IndexError(f"offset {end} is outside the normalised text")
        if end == 0:
            return self.original_offset(0)
        last = end - 1
        k = bisect_right(self._ns, last) - 1
        start, length = self._os[k], self._ol[k]
        return self._widen(start + (last - self._ns[k]) + 1 if length < 0 else start + length)

    def original_bounds(self, start: int, end: int) -> tuple[int, int]:
        """``(original_offset(start), original_end(end))`` in one call (the offsets a letter's
        kept facts carry), for ``0 <= start < end <= len(text)``; else as those two say."""
        if not 0 <= start < end <= len(self.text) or not self._ns:
            return self.original_offset(start), self.original_end(end)
        listed = self._listed
        breaks = self._crlf
        if (
            listed is None
            and len(self._ns) <= _LISTED_MAX
            and (breaks is None or len(breaks) <= _LISTED_MAX)
        ):
            listed = self._listed = (
                self._ns.tolist(),
                self._os.tolist(),
                self._ol.tolist(),
                [] if breaks is None else breaks.tolist(),
            )
        ns: Sequence[int]
        offsets: Sequence[int]
        lengths: Sequence[int]
        crlf: Sequence[int] | None
        if listed is not None:
            ns, offsets, lengths, crlf = listed
            if breaks is None:
                crlf = None
        else:
            ns, offsets, lengths, crlf = self._ns, self._os, self._ol, breaks
        k = bisect_right(ns, start) - 1
        first = offsets[k] + (start - ns[k]) if lengths[k] < 0 else offsets[k]
        last = end - 1
        # the segment of the last character: most often the first's
        j = bisect_right(ns, last, k + 1) - 1 if k + 1 < len(ns) and ns[k + 1] <= last else k
        length = lengths[j]
        after = offsets[j] + (last - ns[j]) + 1 if length < 0 else offsets[j] + length
        if crlf is None:
            return first, after
        return first + bisect_left(crlf, first), after + bisect_left(crlf, after)

    def position(self, original_offset: int) -> Position:
        """Line and column (1-based) of ``original_offset`` in :attr:`original`."""
        if not 0 <= original_offset <= len(self.original):
            raise IndexError(f"offset {original_offset} is outside the original text")
        lines = self._lines
        if lines is None:
            lines = self._lines = LineIndex(self.original)
        return Position(*lines.position(original_offset))

    def span(self, start: int, end: int) -> tuple[Position, Position]:
        """Original start position and exclusive end position of normalised ``[start, end)``."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span [{start}, {end}) is not within the normalised text")
        first = self.position(self.original_offset(start))
        if end == start:
            return first, first
        return first, self.position(self.original_end(end))

    def span_of(self, start: int, end: int) -> Span:
        """:meth:`span` of normalised ``[start, end)`` as a :class:`~lgo_audit.span.Span`."""
        first, last = self.span(start, max(end, start))
        return Span(first.line, first.column, last.line, last.column)

    def _widen(self, offset: int) -> int:
        """An offset that counts "\\r\\n" as one character -> an offset into the original."""
        crlf = self._crlf
        return offset if crlf is None else offset + bisect_left(crlf, offset)


_CRLF: Final = re.compile("\r\n")
_match_start: Final = re.Match.start

_LONG: Final = 1 << 20
"""The longest text (characters) whose tabs and NBSPs become spaces before it is scanned
(at C speed: a letter's many NBSPs as tokens took a fifth of the scan's time); a longer
text's are space tokens of the scan, so that it is not copied once more (see normalise)."""

_FLUSH_PARTS: Final = 4096
_FLUSH_CHARS: Final = 1 << 20
"""The pieces of output the normaliser joins at a time (:meth:`_Normaliser._flush`): 4,096,
or those of 1 MiB characters if fewer (a long text's few tabs: 4,096 stretches of letter
text between them were 20 MB held twice). A letter has a few hundred, so it joins once; a
long text's output is never held twice."""

_LISTED_MAX: Final = 4096
"""The most segments of a text's map read as lists (:meth:`NormalisedText.original_bounds`):
a letter has some sixty; a file of a letter repeated a thousand times keeps its arrays."""


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` (a :attr:`SourceFile.text <lgo_audit.reader.SourceFile.text>`)."""
    crlf = None
    source = text
    if "\r\n" in text:
        # Most line breaks are "\r\n" in a file that has any: turn them into "\n" at C speed
        # and remember where they were (crlf[k]: the offset of the k-th one, counting each
        # earlier one as one character), so they cost nothing per line in the scan below.
        # (Not by splitting the text into its lines: a long text's lines took twice its
        # memory again.)
        source = text.replace("\r\n", "\n")
        crlf = array("q", map(sub, map(_match_start, _CRLF.finditer(text)), count()))
    # A tab or NBSP becomes a space at C speed (the same length, so every offset stays): the
    # space maps to it as a token of its own would, and a run of spaces it stands in is
    # collapsed to its first character as any run is (in _copy): the same output and the same
    # map as a token that took the run. (Letters extracted from PDFs
    # hold dozens of NBSPs beside spaces: a token each cost a fifth of the normaliser's time.)
    # A long text's tabs and NBSPs are tokens all the same: its copy would be a third (with
    # the text and its normal form) at the peak of a 50 MB file's check.
    spaces = len(source) > _LONG and ("\t" in source or "\u00a0" in source)
    if not spaces:
        source = _as_spaces(source)
    return _Normaliser(source, spaces=spaces).run(text, crlf)


def _as_spaces(text: str) -> str:
    """``text`` with each tab and NBSP a space (the same length: every offset stays)."""
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    return text


# --- the pattern ---------------------------------------------------------------------------


def _u(chars: str) -> str:
    """Characters as regex escapes, safe inside and outside a character class."""
    return "".join(f"\\u{ord(c):04x}" for c in chars)


def _ranges(chars: str) -> str:
    """The inside of a character class of ``chars``, with each run of consecutive characters
    written as one range: the same class, parsed faster (the patterns below are compiled at
    every start, and their big classes are most of the cost)."""
    codes = sorted(set(map(ord, chars)))
    parts: list[str] = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:
            first, last = codes[start], codes[i - 1]
            parts.append(f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else ""))
            start = i
    return "".join(parts)


_HSPACE: Final = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_BREAKS: Final = "\n\r\f\v\x85\u2028\u2029"
_INVISIBLE: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROLS: Final = "".join(
    map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)])
)
_DELETE: Final = _INVISIBLE + _CONTROLS
_ONE_TO_ONE: Final = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
_TRANSLATE: Final = str.maketrans(_ONE_TO_ONE)
_EXPAND: Final = {
    "\u2026": "...",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_ENTITIES: Final = {
    "amp": "&",
    "nbsp": "\u00a0",
    "quot": '"',
    "apos": "'",
    "lt": "<",
    "gt": ">",
}

_HS: Final = f"[{_ranges(_HSPACE)}]"
# A bullet or heading marker followed by a space, at the start of a line.
_MARKER: Final = rf"(?:#{{1,6}}|[\-*\u2022\u00b7\u2013])(?={_HS})"
# What follows a line break and goes with it: a marker, or the line's leading spaces.
_AFTER_BREAK: Final = rf"(?:{_HS}*{_MARKER}|{_HS}+)"
_TAG: Final = r"(?i:/?(?:u|b|i|em|strong)|/span|span(?:\s[^<>]{0,500})?)\s*>"
# One line break that is not the start of a blank line (spaces-only lines count as blank).
_LINE_WRAP: Final = rf"[{_ranges(_BREAKS)}](?!{_HS}{{0,100}}[{_ranges(_BREAKS)}])"
# Each repetition takes one character (or one line break, with the spaces that indent the next
# line in a target): the alternatives begin with disjoint characters, so nothing backtracks.
_LINK_TEXT: Final = rf"(?:[^\[\]{_ranges(_BREAKS)}]|{_LINE_WRAP}){{0,500}}"
_LINK_TARGET: Final = rf"(?:[^()\s]|{_LINE_WRAP}{_HS}{{0,100}}){{0,2000}}"
# A link's title after its target ('[text](# "title")'): in double or single quotes or in
# parentheses, on the target's line.
_LINK_TITLE: Final = (
    rf"""(?:{_HS}{{1,100}}(?:"[^"\n]{{0,500}}"|'[^'\n]{{0,500}}'|\([^()\n]{{0,500}}\)))?"""
)
# What a link's parentheses hold: its target, with spaces around it (not part of it), or in
# angle brackets (neither are they), and a title, as CommonMark reads "[text]( # )",
# "[text](<#>)" and '[text](# "title")'.
_LINK_DESTINATION: Final = (
    rf"\({_HS}{{0,100}}(?:<([^<>\n]{{0,2000}})>|({_LINK_TARGET}))"
    rf"{_LINK_TITLE}{_HS}{{0,100}}\)"
)
_IMAGE_DESTINATION: Final = (
    rf"\({_HS}{{0,100}}(?:<[^<>\n]{{0,2000}}>|{_LINK_TARGET}){_LINK_TITLE}{_HS}{{0,100}}\)"
)
_MAPPED_RUN: Final = f"[{_ranges(''.join(_ONE_TO_ONE))}]*"
_DELETE_RUN: Final = f"[{_ranges(_DELETE)}]*"

# Every alternative starts with a literal character, which lets the regex engine skip to the
# next candidate character at C speed instead of trying each alternative at every position.
# But each alternative still costs a little at every candidate, so the characters most
# letters contain come first, and a text without any of the rare ones (checked first,
# cheaply) is scanned with the short pattern.
_COMMON_MAPPED: Final = "\u2018\u2019\u201c\u201d\u2013\u2014"
# (A tab or NBSP is a space before the scan: neither is ever a token of its own.)
_COMMON_SPACES: Final = "\t\u00a0"
# A form feed (a page break) is in many texts read from PDFs; the other line breaks but "\n"
# are in few texts (a lone "\r" or a vertical tab), and each alternative that takes one with
# what follows it costs about a millisecond to compile at every start.
_COMMON_BREAKS: Final = "\f"
_RARE_BREAKS: Final = "".join(c for c in _BREAKS if c not in _COMMON_BREAKS + "\n")
_COMMON: Final = [
    # "\n" only when something goes with it: a marker, leading spaces, or a space before it.
    rf"\n(?:{_AFTER_BREAK}|(?<= \n))",
    *(rf"{_u(c)}{_AFTER_BREAK}?" for c in _COMMON_BREAKS),
    r"\\[!-/:-@\[-`{-~]",
    rf"\[({_LINK_TEXT})\]{_LINK_DESTINATION}",
    rf"!\[{_LINK_TEXT}\]{_IMAGE_DESTINATION}",
    r"\*\*+",
    r"__+",
    r"<(?i:br)\s*/?>",
    rf"<{_TAG}(?:<{_TAG}){{0,255}}",
    r"&(?:amp|nbsp|quot|apos|lt|gt|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});",
    _u("\u2026"),
    *(f"{_u(c)}{_MAPPED_RUN}" for c in _COMMON_MAPPED),
]
_RARE_EXPAND: Final = "".join(c for c in _EXPAND if c != "\u2026")
_RARE_MAPPED: Final = "".join(c for c in _ONE_TO_ONE if c not in _COMMON_MAPPED)
_RARE_SPACES: Final = "".join(c for c in _HSPACE if c not in _COMMON_SPACES + " ")
_RARE: Final = [
    *(rf"{_u(c)}{_AFTER_BREAK}?" for c in _RARE_BREAKS),
    *(_u(c) for c in _RARE_EXPAND),
    *(f"{_u(c)}{_MAPPED_RUN}" for c in _RARE_MAPPED),
    *(f"{_u(c)}{_HS}*" for c in _RARE_SPACES),
    f"[{_ranges(_DELETE)}]+",  # one class, not one alternative per character: cheaper to compile
]
# A tab or NBSP, with the spaces after it: a space token (a long text's: see normalise);
# (a token, as a rare space is, gives the same output and map as the space it is replaced
# by in any other text)
_SPACE_TOKENS: Final = [f"{_u(c)}{_HS}*" for c in _COMMON_SPACES]
_RARE_CHARS: Final = _RARE_BREAKS + _RARE_EXPAND + _RARE_MAPPED + _RARE_SPACES + _DELETE
_TOKEN_COMMON: Final = re.compile("|".join(_COMMON))
# The same, for a text whose characters are all Latin-1 (up to U+00FF: most letters, read from
# ASCII or with a no-break space or a pound sign), without the alternatives whose first
# character is past it and so cannot match there (they come after every numbered group): the
# regex engine then skips to a candidate by a table of 256 bits, a third less time over a letter.
_TOKEN_LATIN_1: Final = re.compile(
    "|".join(a for a in _COMMON if not (a.startswith("\\u") and int(a[2:6], 16) > 0xFF))
)


@functools.cache
def _token_all(spaces: bool = False) -> re.Pattern[str]:
    """The full pattern, compiled the first time a text has a rare character (most never do);
    with ``spaces``, a tab and an NBSP are space tokens too (in a long text: see
    :func:`normalise`)."""
    return re.compile("|".join(_COMMON + _RARE + (_SPACE_TOKENS if spaces else [])))


# Reference links, read only in a text that defines a label ("[label]: target" on a line of
# its own): the full and collapsed forms, the shortcut form, and the definition line itself
# (each starting with "[", tried after the inline link; named, after every numbered group).
_REFERENCES: Final = [
    rf"\[(?P<rtext>{_LINK_TEXT})\]\[(?P<rlabel>[^\[\]{_ranges(_BREAKS)}]{{0,500}})\]",
    rf"\[(?P<stext>[^\[\]{_ranges(_BREAKS)}]{{1,500}})\](?![(\[:])",
    rf"\[(?P<dlabel>[^\[\]{_ranges(_BREAKS)}]{{1,500}})\]:[^{_ranges(_BREAKS)}]*",
]
# (A line starts after any of the line breaks the scan knows, a lone "\r" included.)
_DEFINITION: Final = re.compile(
    rf"(?:(?<=[{_ranges(_BREAKS)}])|\A)[ ]{{0,3}}\[([^\[\]{_ranges(_BREAKS)}]{{1,500}})\]:[ ]*"
    rf"(?:<([^<>{_ranges(_BREAKS)}]{{0,2000}})>|([^\s<]\S{{0,1999}}))"
    rf"""(?:[ ]+(?:"[^"{_ranges(_BREAKS)}]{{0,500}}"|'[^'{_ranges(_BREAKS)}]{{0,500}}'"""
    rf"""|\([^(){_ranges(_BREAKS)}]{{0,500}}\)))?[ ]*(?=[{_ranges(_BREAKS)}]|\Z)"""
)


@functools.cache
def _token_with_references(rare: bool, spaces: bool = False) -> re.Pattern[str]:
    """The pattern with the reference-link alternatives (a text that defines a label)."""
    more = (_RARE if rare or spaces else []) + (_SPACE_TOKENS if spaces else [])
    return re.compile("|".join(_COMMON + more + _REFERENCES))


def _label(label: str) -> str:
    """A link label as CommonMark matches it: case and runs of whitespace ignored."""
    return " ".join(label.split()).casefold()


def _definitions(src: str) -> tuple[dict[str, str], frozenset[int]]:
    """The link labels ``src`` defines (label -> target, the first definition of each) and
    where each definition line's "[" stands."""
    targets: dict[str, str] = {}
    starts: set[int] = set()
    for m in _DEFINITION.finditer(src):
        targets.setdefault(_label(m.group(1)), m.group(3) if m.group(2) is None else m.group(2))
        starts.add(m.start(1) - 1)
    return targets, frozenset(starts)


_HAS_RARE: Final = re.compile(f"[{_ranges(_RARE_CHARS)}]")
_RARE_LATIN_1: Final = bytes(ord(c) for c in _RARE_CHARS if ord(c) < 0x100)

_LEADING_MARKER: Final = re.compile(rf"\ufeff?{_HS}*{_MARKER}")
# A line break inside a link, with the spaces around it.
_WRAP_IN_LINK: Final = re.compile(rf"{_HS}*[{_ranges(_BREAKS)}]{_HS}*")
_DOUBLE_SPACES: Final = re.compile("  +")
# What a token's first character says about it.
_BREAK, _ESCAPE, _LINK, _IMAGE, _EMPHASIS, _TAG_OR_BR, _ENTITY = range(7)
_EXPANSION, _MAPPED, _SPACE, _DELETED = range(7, 11)
_KIND: Final = {
    **dict.fromkeys(_BREAKS, _BREAK),
    "\\": _ESCAPE,
    "[": _LINK,
    "!": _IMAGE,
    "*": _EMPHASIS,
    "_": _EMPHASIS,
    "<": _TAG_OR_BR,
    "&": _ENTITY,
    **dict.fromkeys(_EXPAND, _EXPANSION),
    **dict.fromkeys(_ONE_TO_ONE, _MAPPED),
    **dict.fromkeys(_HSPACE, _SPACE),
    **dict.fromkeys(_DELETE, _DELETED),
}


_PIECE: Final = 1 << 20  # characters of a long text checked at a time (bounded copies)


def _has_rare(text: str) -> bool:
    """Whether ``text`` holds a character :data:`_RARE` reads (:func:`_characters`)."""
    return _characters(text)[0]


def _characters(text: str) -> tuple[bool, bool]:
    """Whether ``text`` holds a character :data:`_RARE` reads, and whether all its characters
    are Latin-1 (none past U+00FF). A Latin-1 text (most letters: ASCII, or with a no-break
    space) is checked as bytes, a piece at a time, by one C call each (half the time of the
    regular expression's class walked at every character)."""
    for start in range(0, len(text), _PIECE):
        try:
            data = text[start : start + _PIECE].encode("latin-1")
        except UnicodeEncodeError:  # a character past U+00FF: the class reads the text
            return _HAS_RARE.search(text) is not None, False
        if len(data.translate(None, _RARE_LATIN_1)) != len(data):
            return True, False  # (the full pattern then: whether Latin-1 does not matter)
    return False, True


# --- the normaliser ------------------------------------------------------------------------


class _Normaliser:
    """One run of :func:`normalise`: an output builder driven by token matches.

    Output goes through four methods that keep the space rules: :meth:`_copy` (a stretch of
    the source), :meth:`_add` (text with its origin), :meth:`_space` and :meth:`_break`. A
    space is not emitted at the start of a line or after another space, and a trailing space
    is taken back when a line break (or the end of the text) follows it.
    """

    __slots__ = (
        "cont",
        "definitions",
        "done",
        "finditer",
        "joined",
        "last",
        "links",
        "n",
        "ns",
        "ol",
        "os",
        "parts",
        "spaces",
        "src",
        "targets",
    )

    def __init__(self, src: str, *, spaces: bool = False) -> None:
        """``spaces``: ``src`` still holds its tabs and NBSPs, to be read as space tokens."""
        self.src = src
        rare, latin_1 = (True, False) if spaces else _characters(src)
        # label -> target, and where each definition line starts ("]:" first: most texts
        # define none, and pay nothing more)
        # (read with the text's tabs and NBSPs as spaces, as a letter's are before its scan)
        self.targets, self.definitions = (
            _definitions(_as_spaces(src) if spaces else src) if "]:" in src else ({}, frozenset())
        )
        self.spaces = spaces
        if self.targets:
            self.finditer = _token_with_references(rare, spaces).finditer
        elif spaces:
            self.finditer = _token_all(True).finditer
        else:
            self.finditer = (
                _token_all() if rare else _TOKEN_LATIN_1 if latin_1 else _TOKEN_COMMON
            ).finditer
        self.parts: list[str] = []  # the output since the last flush (see _flush)
        self.done = ""  # the output up to the last flush
        self.joined = 0  # its length
        self.n = 0  # length of the output so far
        self.last = ""  # last character of the output so far ("" at the start)
        self.ns: array[int] = array("q")
        self.os: array[int] = array("q")
        self.ol: array[int] = array("q")
        self.cont = -1  # the source offset that continues the last segment, if copied (else -1)
        self.links: list[tuple[int, int, str]] = []

    def run(self, original: str, crlf: array[int] | None) -> NormalisedText:
        src = self.src
        lead = _LEADING_MARKER.match(src)
        self._scan(lead.end() if lead else 0, len(src))
        if self.last == " ":
            self._retract()
        self._flush()
        text = self.done
        self.done = ""
        segments = (self.ns, self.os, self.ol)
        return NormalisedText(text, original, self._links(text), segments, crlf)

    def _scan(self, pos: int, stop: int) -> None:
        src = self.src
        for m in self.finditer(src, pos, stop):
            start, end = m.span()
            if start > pos:
                self._copy(pos, start)
            pos = end
            kind = _KIND[src[start]]
            if kind == _BREAK:
                self._break(start, 1)
            elif kind == _MAPPED:
                self._add(m.group().translate(_TRANSLATE), start, -1)
            elif kind == _SPACE:
                self._space(start, 1)
            elif kind == _EMPHASIS:
                if (end - start) % 2:  # an odd run: the last marker character stays
                    self._add(src[end - 1], end - 1, -1)
            elif kind == _ESCAPE:
                self._add(src[start + 1], start + 1, -1)
            elif kind == _LINK:
                if m.start(1) < 0:  # (no inline link: a reference, in a text with labels)
                    self._reference(m, start, end)
                    continue
                begin = self.n
                self._link_text(m.start(1), m.end(1))
                target = m.group(3) if m.group(2) is None else m.group(2)
                if _WRAP_IN_LINK.search(target):  # hard-wrapped: the URL is joined again
                    target = _WRAP_IN_LINK.sub("", target)
                if self.spaces:  # (as a letter's are: "<...>" may hold them)
                    target = _as_spaces(target)
                self.links.append((begin, self.n, target))
            elif kind == _TAG_OR_BR:
                if src[start + 1] in "bB" and src[start + 2] in "rR":
                    self._break(start, end - start)
            elif kind == _ENTITY:
                self._entity(m.group(), start)
            elif kind == _EXPANSION:
                self._add(_EXPAND[src[start]], start, 1)
            # _DELETED and _IMAGE: nothing is emitted
        if pos < stop:
            self._copy(pos, stop)

    def _reference(self, m: re.Match[str], start: int, end: int) -> None:
        """A reference link (``[text][label]``, ``[text][]``, ``[text]``) whose label the text
        defines: its text, recorded as a link to the definition's target; a definition line:
        nothing. Anything else that looks so is text as written (its "[" copied, the rest
        read as any text is)."""
        text = "stext" if m.group("stext") is not None else "rtext"
        if m.group(text) is not None:
            target = self.targets.get(_label(m.group("rlabel") or m.group(text)))
            if target is not None:
                begin = self.n
                self._link_text(m.start(text), m.end(text))
                self.links.append((begin, self.n, target))
                return
        elif start in self.definitions:
            return
        self._copy(start, start + 1)
        self._scan(start + 1, end)

    def _link_text(self, a: int, b: int) -> None:
        """A link's text ``[a, b)``: each line break in it, with the spaces around it, becomes a
        space, so a link hard-wrapped over lines is one phrase (mapped to the break)."""
        for wrap in _WRAP_IN_LINK.finditer(self.src, a, b):
            self._scan(a, wrap.start())
            self._space(wrap.start(), wrap.end() - wrap.start())
            a = wrap.end()
        self._scan(a, b)

    def _entity(self, entity: str, start: int) -> None:
        name = entity[1:-1]
        if not name.startswith("#"):
            char = _ENTITIES[name]
        else:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:  # not a character: leave it
                self._add(entity, start, -1)
                return
            char = chr(code)
        size = len(entity)
        kind = _KIND.get(char)
        if kind == _SPACE:
            self._space(start, size)
        elif kind == _BREAK:
            self._break(start, size)
        elif kind == _MAPPED:
            self._add(char.translate(_TRANSLATE), start, size)
        elif kind == _EXPANSION:
            self._add(_EXPAND[char], start, size)
        elif kind != _DELETED:  # anything else, markup characters included, is taken literally
            self._add(char, start, size)

    # --- output ----------------------------------------------------------------------

    def _add(self, text: str, orig: int, length: int) -> None:
        """Append ``text``, copied from source offset ``orig`` if ``length < 0``, else
        replacing the ``length`` source characters at ``orig``."""
        n = self.n
        if length >= 0 or orig != self.cont:
            self.ns.append(n)  # not a continuation of the previous copied stretch
            self.os.append(orig)
            self.ol.append(length)
        parts = self.parts
        parts.append(text)
        size = len(text)
        self.n = n + size
        self.cont = orig + size if length < 0 else -1
        self.last = last = text[-1]
        if len(parts) >= _FLUSH_PARTS and last != " ":
            self._flush()

    def _copy(self, a: int, b: int) -> None:
        """Append the source stretch ``[a, b)``. It holds no token, so its only spaces are
        single ones between words, and runs of two or more, which are collapsed here."""
        stretch = self.src[a:b]
        first = stretch[0]
        if first == " ":
            if self.last in ("", " ", "\n"):
                stripped = stretch.lstrip(" ")
                if not stripped:
                    return
                a += len(stretch) - len(stripped)
                stretch = stripped
        elif first == "\n" and self.last == " ":
            self._retract()
        if "  " in stretch:
            # each run of spaces kept as its first: what _add does with each piece up to it
            # (copied from ``a``), here, with the output's state in locals
            src, parts, n, cont = self.src, self.parts, self.n, self.cont
            for run in _DOUBLE_SPACES.finditer(src, a, b):
                end = run.start() + 1
                if a != cont:  # not a continuation of the previous copied stretch
                    self.ns.append(n)
                    self.os.append(a)
                    self.ol.append(-1)
                parts.append(src[a:end])
                n += end - a
                cont = end
                a = run.end()
            self.n, self.cont, self.last = n, cont, " "
            if a >= b:
                return
            stretch = src[a:b]
        # (what _add does with a copied stretch, here: most of the text comes this way)
        n = self.n
        if a != self.cont:
            self.ns.append(n)
            self.os.append(a)
            self.ol.append(-1)
        parts = self.parts
        parts.append(stretch)
        size = len(stretch)
        self.n = n + size
        self.cont = a + size
        self.last = last = stretch[-1]
        if (len(parts) >= _FLUSH_PARTS or self.n - self.joined >= _FLUSH_CHARS) and last != " ":
            self._flush()

    def _flush(self) -> None:
        """Join the pieces of output so far onto :attr:`done`, which grows in place (CPython
        resizes a string nothing else holds; the memory of a long text's output is then the
        output's, not twice it, and its pieces are freed as it goes). Only when the output
        does not end in a space: :meth:`_retract` takes back a space among the pieces."""
        done = self.done
        self.done = ""  # (``done`` alone holds it, so ``+=`` resizes it in place)
        done += "".join(self.parts)
        self.done = done
        self.parts.clear()
        self.joined = self.n

    def _space(self, orig: int, length: int) -> None:
        if self.last not in ("", " ", "\n"):
            self._add(" ", orig, -1 if length == 1 else length)

    def _break(self, orig: int, length: int) -> None:
        if self.last == " ":
            self._retract()
        self._add("\n", orig, -1 if length == 1 else length)

    def _retract(self) -> None:
        """Take back the trailing space of the output."""
        parts = self.parts
        tail = parts[-1]
        if len(tail) == 1:
            parts.pop()
        else:
            parts[-1] = tail[:-1]
        self.n = n = self.n - 1
        ns = self.ns
        if ns[-1] == n:  # that space was a segment of its own
            ns.pop()
            self.os.pop()
            self.ol.pop()
        self.cont = self.os[-1] + (n - ns[-1]) if ns and self.ol[-1] < 0 else -1
        self.last = parts[-1][-1] if parts else self.done[-1:]

    def _links(self, text: str) -> tuple[Link, ...]:
        links = []
        for begin, finish, target in self.links:
            end = min(finish, len(text))
            start = min(begin, end)
            inner = text[start:end]
            stripped = inner.lstrip(" \n")
            start += len(inner) - len(stripped)
            end = start + len(stripped.rstrip(" \n"))
            links.append(Link(text[start:end], target, start, end))
        return tuple(links)
