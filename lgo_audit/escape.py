"""What reaches a terminal from outside the tool: a letter's text, a file's name, a message
quoting either. Control characters (escape sequences, bidi overrides), the bytes of a
file's name that are not UTF-8 (lone surrogates, which no UTF-8 output can hold) and the two
noncharacters U+FFFE and U+FFFF (which no XML document may hold) are shown as visible
escapes, so nothing a letter holds or a file is called can restyle the reviewer's screen,
start a line that looks like the tool's or make a JUnit report malformed.

Apart from the reports (:mod:`lgo_audit.report.text` re-exports these) so that a one-line
error on standard error escapes the same way without importing them.
"""

from __future__ import annotations

import re

__all__ = ["clean", "clean_diff", "clean_line"]

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_CONTROL_IN_LINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _hex(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file's name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Replace control characters (escape sequences, bidi overrides) with visible escapes.

    Line feeds are kept (for text of several lines, a diff); a tab becomes a space (one
    column, so carets stay under a source line)."""
    return _CONTROL.sub(lambda m: _hex(m.group()), text.replace("\t", " "))


_CONTROL_IN_DIFF = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def clean_diff(text: str) -> str:
    """:func:`clean` for a unified diff: tabs and carriage returns are the letter's own bytes
    (a CRLF letter's diff must keep its CRLF to apply), so only the other control characters
    are shown escaped."""
    return _CONTROL_IN_DIFF.sub(lambda m: _hex(m.group()), text)


def clean_line(text: str) -> str:
    """:func:`clean` for what must stay on one line, a path or a message (which may quote
    another file's name): line breaks and tabs are shown escaped too (``\\n``, ``\\t``), so
    nothing a file is called can start a line of its own or be mistaken for the tool's."""
    return _CONTROL_IN_LINE.sub(lambda m: _SHORT_ESCAPES.get(m.group()) or _hex(m.group()), text)
