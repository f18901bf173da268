"""Read a letter file: bytes in, text out, and bad input as a one-line :class:`InputError`.

Accepted encodings, tried in this order:

* UTF-8 with a byte-order mark (``encoding == "utf-8-sig"``);
* UTF-16 with a byte-order mark, little- or big-endian (``"utf-16-le"`` / ``"utf-16-be"``);
* UTF-8 without a byte-order mark (``"utf-8"``);
* anything else is decoded as Windows-1252 (``"cp1252"``) and a note says so: the fallback is
  reported, never silent.

The byte-order mark is removed from :attr:`SourceFile.text` and kept in :attr:`SourceFile.bom`;
line endings (``\\r\\n``, ``\\r``, ``\\n``) are kept exactly as in the file. Every accepted
file round-trips: ``source.encode(source.text)`` is the file's bytes, byte for byte, so a fix
can be written back without changing anything it did not mean to change.

A file that cannot be checked raises :class:`InputError`, whose ``str()`` is
``"<path>: <reason>"`` on one line: not found, a directory, not a regular file, unreadable,
empty (no bytes, or only a byte-order mark or whitespace), larger than the size limit (checked
with ``stat`` before anything is read), binary (a NUL byte without a UTF-16 byte-order mark, or
more than 5% C0 control characters other than tab, line feed, carriage return, form feed and
vertical tab), or undecodable (neither UTF-8 nor Windows-1252, which leaves bytes 0x81, 0x8D,
0x8F, 0x90 and 0x9D undefined). No ``OSError`` escapes :func:`read_source`.

A file ending in ``.html`` or ``.htm`` is a statistics page saved from the Ombudsman's site:
decoded as above, then turned into the page's text (:mod:`lgo_audit.webpage`), which is what
:attr:`SourceFile.text` holds; HTML that cannot be read is an :class:`InputError` too.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from io import FileIO
from typing import Final

from lgo_audit.digest import sha256
from lgo_audit.documents import DOCUMENT_SUFFIXES, Format, Rendition, document_format
from lgo_audit.webpage import html_to_text, is_html_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputError",
    "SourceFile",
    "decode",
    "display_path",
    "is_own_text_report",
    "read_bytes",
    "read_source",
]

DEFAULT_MAX_BYTES: Final = 5_000_000
"""Files larger than this many bytes are refused unless the limit is raised."""

_BINARY_CONTROL_SHARE: Final = 0.05
"""A text in which more than this share of characters are C0 controls is taken as binary."""

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_LE_BOM: Final = b"\xff\xfe"
_UTF16_BE_BOM: Final = b"\xfe\xff"
_UTF32_BOMS: Final = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")

# SourceFile.encoding -> the codec that encodes the text *without* a byte-order mark (the mark
# is kept separately in SourceFile.bom).
_CODECS: Final = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "cp1252": "cp1252",
}

# C0 controls that do not belong in text (tab, LF, VT, FF and CR do) and DEL, as UTF-8 bytes.
_STRAY_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_PIECE: Final = 1 << 20  # characters of a long text counted at a time (bounded copies)
# The C1 controls but NEL (U+0085, a line break), as UTF-8 and as text: never a byte of their
# own, so counted apart from the C0 ones (and only in a text that is not ASCII).
_C1_UTF8: Final = re.compile(b"\xc2[\x80-\x84\x86-\x9f]")
_C1: Final = re.compile("[\x80-\x84\x86-\x9f]")
# What a file may consist of and still count as empty.
_BLANK: Final = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")
_OWN_REPORT: Final = re.compile(
    r"\s*(?:"
    r"[^\n]{1,4096}?:\d+:\d+: LGO\d{3} \[(?:error|warning|info)\] "  # full, concise
    r"|::(?:error|warning|notice) file="  # github
    r"|\[?\s*\{\s*\"path\"\s*:"  # json, json-lines
    r"|\[\]\s*\Z"  # json, a clean run's
    r"|\{\s*\"tool\"\s*:\s*\{\s*\"name\"\s*:\s*\"lgo-audit\""  # json --evidence
    r"|\{\s*\"\$schema\"\s*:\s*\"[^\"\n]{0,200}sarif"  # sarif
    r"|<\?xml[^>\n]{0,200}\?>\s*<testsuites\s+name=\"lgo-audit\""  # junit
    r"|\d+\tLGO\d{3}\t"  # --statistics
    r"|--- a/[^\n]{0,4096}\n\+\+\+ b/"  # --diff
    r"|Found (?:no problems|\d+ (?:error|warning|note)s?\b[^\n]{0,200}) in \d+ (?:letter|page)"
    r"|No letter or page was checked"  # (the summary alone: a clean run's report)
    r")"
)
"""How a report lgo-audit writes starts, in any format but html (known by its ``generator``,
:mod:`lgo_audit.webpage`): a finding of ``full`` or ``concise``, a ``github`` annotation, a
``json`` or ``json-lines`` finding, a clean run's ``json`` (``[]``), ``json --evidence``'s
tool, ``sarif``'s schema, ``junit``'s test suites, ``--statistics``' counts, ``--diff``'s
first file, or the summary that is all a clean run's report holds. No letter starts so; a
report saved beside the letters it reports on is refused as an input, not read as a letter
that is not one (:func:`is_own_text_report`). (A clean run's ``github`` and ``json-lines``
reports are empty: refused as any empty file is, and written again by ``-o`` as any blank
file is.)"""
# Characters that would break a one-line message if a path contained them.
_PATH_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class InputError(Exception):
    """A file that cannot be checked. ``str(e) == f"{path}: {reason}"``: one line, no traceback.

    ``path`` is the display form of the path, ``reason`` a short lower-case phrase.
    """

    path: str
    reason: str

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class SourceFile:
    """A decoded letter file, with what is needed to write it back byte for byte."""

    path: str
    """The path as the user gave it (display form)."""
    text: str
    """Decoded text: byte-order mark removed, line endings exactly as in the file."""
    encoding: str
    """``"utf-8"``, ``"utf-8-sig"``, ``"utf-16-le"``, ``"utf-16-be"`` or ``"cp1252"``."""
    bom: bytes
    """The byte-order mark that preceded the text (``b""`` if none)."""
    notes: tuple[str, ...]
    """Things the reader did that a user should know about, e.g. the Windows-1252 fallback."""
    sha256: str
    """SHA-256 of the file's raw bytes, hex."""
    size: int
    """Size of the file in bytes."""
    rendered_from: str | None = None
    """``"html"`` for a saved web page, ``"pdf"`` or ``"docx"`` for a letter as produced:
    :attr:`text` is the text read from the file (:mod:`lgo_audit.webpage`,
    :mod:`lgo_audit.documents`), not the file's, so no text fix is written back to it as text
    (a DOCX's fixes are written into its runs: :mod:`lgo_audit.documents.docx_fix`)."""
    rendition: Rendition | None = field(default=None, compare=False, repr=False)
    """For a PDF or DOCX: the text with the origin of each of its lines."""
    fallback_at: int | None = None
    """Read as Windows-1252: where in :attr:`text` the first byte that is not UTF-8 stands
    (one byte is one character in Windows-1252); None otherwise."""
    controls: int = 0
    """How many control characters the file's text holds (U+0000 to U+001F but the tab and
    the line breaks, U+007F, and U+0080 to U+009F but U+0085, a line break): never shown
    when a letter is printed, they are deleted by
    normalising (:mod:`lgo_audit.normalise`), and rule LGO012 says where they stand. Of a
    saved web page, counted in the text read from it."""

    def encode(self, text: str) -> bytes:
        """``text`` as bytes the way this file was stored: its byte-order mark + its codec.

        ``self.encode(self.text)`` reproduces the original bytes exactly. Raises
        ``UnicodeEncodeError`` if ``text`` has a character the file's codec cannot hold
        (possible only for Windows-1252).
        """
        return self.bom + text.encode(_CODECS[self.encoding])


def read_source(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read and decode the file at ``path``; raises :class:`InputError` if it cannot be checked.

    The size is checked with ``stat`` before reading, and at most ``max_bytes + 1`` bytes are
    ever read, so a huge file (or one growing while it is read) costs nothing.
    """
    display = display_path(path)
    try:
        info: os.stat_result | None = os.stat(path)  # (once: read_bytes is given it)
    except (OSError, ValueError):
        info = None  # (read_bytes says why)
    name = os.fspath(path)
    if (
        info is not None
        and stat.S_ISREG(info.st_mode)
        and _LARGE <= info.st_size <= max_bytes
        and not is_html_path(name)
        and not name.lower().endswith(DOCUMENT_SUFFIXES)
    ):
        large = _read_large_text(path, display, max_bytes)
        if large is not None:
            return large
    data = read_bytes(
        path,
        max_bytes=file_limit(path, max_bytes),
        head=lambda head: _sniff(head, display),
        info=info,
        display=display,
    )
    return decode(data, display, max_chars=max_bytes)


_LARGE: Final = 4 << 20
"""Bytes from which a plain-text file is read and decoded a piece at a time."""
_PIECE: Final = 1 << 20
"""Bytes read and decoded at a time from a large plain-text file."""


def _read_large_text(
    path: str | os.PathLike[str], display: str, max_bytes: int
) -> SourceFile | None:
    """A plain-text file of :data:`_LARGE` bytes or more (as ``stat`` said, within the limit),
    UTF-8 with or without a byte-order
    mark, read and decoded :data:`_PIECE` bytes at a time, its text grown in place: its bytes
    and its text are never both held whole (a 25 MB letter peaks at about its size once, not
    twice). None for any other file, or anything to report (a NUL byte, bytes that are not
    UTF-8, an error from the system), which :func:`read_bytes` and :func:`decode` then read
    whole and report exactly as for a small file. Raises :class:`InputError` only as
    :func:`read_bytes` would: a first 64 KiB that is binary, or a file grown past the limit.
    """
    digest = sha256(expected=_LARGE)  # (the file has at least as many bytes)
    decoder = codecs.getincrementaldecoder("utf-8")()
    text = ""
    try:
        with open(path, "rb") as handle:
            piece = handle.read(max(_PIECE, _HEAD))  # what the whole-file reader sniffs
            if piece.startswith(b"PK\x03\x04") or document_format(piece[:1024], display):
                return None
            _sniff(piece[:_HEAD], display)
            bom, encoding = _sniff_bom(piece, display)
            if encoding.startswith("utf-16"):
                return None
            piece = piece[len(bom) :]
            size = len(bom)
            digest.update(bom)
            # ``text += ...``, with no other reference to ``text``, grows it in place (CPython
            # resizes a string nothing else holds), here in a plain ``while True`` loop: in
            # CPython 3.11 the same statement in a ``while piece := ...`` loop did not (measured
            # for 25 MB alone: a peak of 58 MiB against 35 MiB)
            while True:
                if not piece:
                    break
                if piece.find(b"\x00") >= 0:
                    return None
                digest.update(piece)
                size += len(piece)
                if size > max_bytes:  # it grew after stat
                    raise InputError(display, _too_large(None, max_bytes))
                text += decoder.decode(piece)
                piece = handle.read(_PIECE)
            text += decoder.decode(b"", final=True)
    except (OSError, ValueError):  # UnicodeDecodeError among them
        return None
    if not text:
        return None
    return _text_source(text, display, encoding, bom, (), digest.hexdigest(), size, None)


_HEAD: Final = 65_536
"""Bytes read first, to refuse a binary file before reading it whole."""


def _sniff(head: bytes, path: str) -> None:
    """Refuse, from its first bytes, a file :func:`decode` would refuse as binary (a NUL byte
    and no UTF-16 byte-order mark) or as UTF-32, with the same message; a PDF or DOCX (by
    its content or its name) is read whole."""
    if not head or head.startswith(b"PK\x03\x04") or document_format(head[:1024], path):
        return
    bom, encoding = _sniff_bom(head, path)
    nul = head.find(b"\x00", len(bom))
    if nul >= 0 and not encoding.startswith("utf-16"):
        raise InputError(
            path,
            f"looks like a binary file, not text (a NUL byte at byte {nul} and no UTF-16 "
            "byte-order mark)",
        )


DOCUMENT_MAX_BYTES = 50_000_000
"""The most bytes a file named ``.pdf`` or ``.docx`` may have (images, fonts); its text is
held to the size limit of text letters all the same."""


def file_limit(path: str | os.PathLike[str], max_bytes: int) -> int:
    """The byte limit of the file at ``path``: ``max_bytes`` (the size limit, for the text),
    or at least :data:`DOCUMENT_MAX_BYTES` for a PDF or DOCX, whose images and fonts are not
    text."""
    if os.fspath(path).lower().endswith(DOCUMENT_SUFFIXES):
        return max(max_bytes, DOCUMENT_MAX_BYTES)
    return max_bytes


def read_bytes(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    head: Callable[[bytes], None] | None = None,
    info: os.stat_result | None = None,
    raised: bool = True,
    display: str | None = None,
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Every file a user names goes through here (letters, statistics tables, registers,
    configuration and rule files): a device (``/dev/zero``), pipe, socket or folder is refused
    before anything is read, the size is checked with ``stat`` first and at most
    ``max_bytes + 1`` bytes are ever read (no more than the file's size and one, unless it
    grows). ``head``: called with the first 64 KiB before the rest is read; it refuses the
    file by raising :class:`InputError`. ``info``: the file's ``os.stat`` if the caller has
    it already. ``raised``: whether ``max-file-size`` raises ``max_bytes`` (a letter's, a
    table's), which the message for a file too large then says (not for a rule file, a
    register or a configuration file, which are read within the letters' default limit).
    ``display``: the path as it can be shown (:func:`display_path`), if the caller has it.
    Raises :class:`InputError` (one line, naming the file as it can be shown)."""
    if display is None:
        display = display_path(path)
    try:
        if info is None:
            info = os.stat(path)
    except (OSError, ValueError) as error:
        if isinstance(error, FileNotFoundError) and os.path.islink(path):
            raise InputError(display, "is a broken symbolic link") from None
        raise InputError(display, _os_reason(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(display, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(display, f"is not a regular file (it is {_kind(info.st_mode)})")
    if info.st_size > max_bytes:
        raise InputError(display, _too_large(info.st_size, max_bytes, raised=raised))
    try:
        # Unbuffered: each read is one system call, straight into the bytes returned (a
        # buffered file would add three calls a file: a terminal's check, a seek, a last
        # read for the end).
        with open(path, "rb", buffering=0) as handle:
            data = b""
            if head is not None:
                wanted = min(_HEAD, info.st_size + 1, max_bytes + 1)
                data = _read_up_to(handle, wanted, min(info.st_size, wanted))
                head(data)
                if len(data) == wanted:  # not the whole file: read it from the start
                    data = b""
                    handle.seek(0)
            if not data:
                # what stat said, and one more byte to see whether it grew since
                size = min(info.st_size, max_bytes)
                data = _read_up_to(handle, size + 1, size)
                if info.st_size < len(data) <= max_bytes:
                    data += _read_up_to(handle, max_bytes + 1 - len(data))
    except (OSError, ValueError) as error:
        raise InputError(display, _os_reason(error)) from None
    if len(data) > max_bytes:  # it grew after stat
        raise InputError(display, _too_large(None, max_bytes, raised=raised))
    return data


def _read_up_to(handle: FileIO, most: int, enough: int | None = None) -> bytes:
    """At most ``most`` bytes from the unbuffered ``handle``, as a buffered file's
    ``read(most)`` gives them (read until there are ``most`` or the file ends); but a first
    read that gives ``enough`` (a file's size as stat gave it) is taken as the whole: one
    system call for a regular file, which gives what it holds."""
    data = handle.read(most) or b""
    if enough is not None and len(data) >= enough:
        return data
    while len(data) < most:
        more = handle.read(most - len(data))
        if not more:
            break
        data += more
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def decode(data: bytes, path: str, *, max_chars: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Decode a file's bytes (the half of :func:`read_source` that needs no file).

    ``path`` is used only for the :class:`SourceFile` and in messages; ``max_chars``: the
    most text a PDF or DOCX may give (the size limit of the file, as for a text letter).
    """
    if not data:
        raise InputError(path, "is empty (0 bytes)")
    fmt = document_format(data, path)
    if fmt is not None:
        return _decode_document(data, path, fmt, max_chars)
    bom, encoding = _sniff_bom(data, path)
    body = data[len(bom) :]
    if bom and not body:
        raise InputError(path, "is empty (only a byte-order mark)")
    notes: tuple[str, ...] = ()
    fallback_at = None
    if encoding.startswith("utf-16"):
        text = _decode_utf16(body, encoding, len(bom), path)
    else:
        nul = body.find(b"\x00")
        if nul >= 0:
            raise InputError(
                path,
                "looks like a binary file, not text (a NUL byte at byte "
                f"{nul + len(bom)} and no UTF-16 byte-order mark)",
            )
        if bom:
            text = _decode_utf8_after_bom(body, path)
        else:
            text, encoding, notes, fallback_at = _decode_without_bom(body, path)
    return _text_source(
        text,
        path,
        encoding,
        bom,
        notes,
        sha256(data).hexdigest(),
        len(data),
        fallback_at,
        utf8=body if encoding.startswith("utf-8") else None,
    )


def _text_source(
    text: str,
    path: str,
    encoding: str,
    bom: bytes,
    notes: tuple[str, ...],
    sha256: str,
    size: int,
    fallback_at: int | None,
    *,
    utf8: bytes | None = None,
) -> SourceFile:
    """The :class:`SourceFile` of a decoded text file, once it is known not to be empty or
    binary (:class:`InputError` otherwise); a statistics page's HTML turned into its text.
    ``utf8``: the text's UTF-8 bytes, when the file holds them (read as UTF-8)."""
    if _BLANK.fullmatch(text):
        raise InputError(path, "is empty (only whitespace)")
    controls = _check_controls(text, path, utf8)
    rendered_from = None
    if is_html_path(path):
        text, rendered_from = html_to_text(text, path), "html"
        fallback_at = None  # (an offset in the page's source, not in its text)
        controls = _controls(text)  # (its text's: "&#7;" is one, a tag's is none)
    elif _OWN_REPORT.match(text):
        # (its findings quote letters' lines: read as a letter, it would be one of faults)
        raise InputError(path, "is a report lgo-audit wrote, not a letter or page (see exclude)")
    return SourceFile(
        path=path,
        text=text,
        encoding=encoding,
        bom=bom,
        notes=notes,
        sha256=sha256,
        size=size,
        rendered_from=rendered_from,
        fallback_at=fallback_at,
        controls=controls,
    )


def _decode_document(data: bytes, path: str, fmt: Format, max_chars: int) -> SourceFile:
    """A PDF or DOCX (found by its content, or by its ending when its content is neither):
    its rendition's text, or :class:`InputError` with the reader's one-line reason."""
    from lgo_audit.documents import DocumentError, read_document

    try:
        rendition = read_document(data, fmt, max_chars=max_chars)
    except DocumentError as error:
        raise InputError(path, str(error)) from None
    except RecursionError:
        raise InputError(path, f"is a damaged {fmt.upper()} (nested too deeply)") from None
    if _BLANK.fullmatch(rendition.text):
        raise InputError(path, f"is a {fmt.upper()} with no text")
    return SourceFile(
        path=path,
        text=rendition.text,
        encoding="utf-8",
        bom=b"",
        notes=rendition.notes,
        sha256=sha256(data).hexdigest(),
        size=len(data),
        rendered_from=fmt,
        rendition=rendition,
        controls=_controls(rendition.text),
    )


def is_own_text_report(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` starts as a report lgo-audit writes in a text format
    (:data:`_OWN_REPORT`, read in its first 8 KiB), or holds nothing but whitespace (as a
    clean run's ``github`` or ``json-lines`` report: nothing to lose by writing over it);
    False for a file that cannot be read."""
    try:
        with open(path, "rb") as report:
            head = report.read(8192)
    except (OSError, ValueError):
        return False
    text = head.removeprefix(_UTF8_BOM).decode("utf-8", "replace")
    if len(head) < 8192 and _BLANK.fullmatch(text):
        return True
    return _OWN_REPORT.match(text) is not None


# --- decoding ------------------------------------------------------------------------------


def _sniff_bom(data: bytes, path: str) -> tuple[bytes, str]:
    if data.startswith(_UTF8_BOM):
        return _UTF8_BOM, "utf-8-sig"
    if data.startswith(_UTF32_BOMS):
        raise InputError(
            path,
            "is UTF-32 encoded (it starts with a UTF-32 byte-order mark); "
            "save it as UTF-8 to check it",
        )
    if data.startswith(_UTF16_LE_BOM):
        return _UTF16_LE_BOM, "utf-16-le"
    if data.startswith(_UTF16_BE_BOM):
        return _UTF16_BE_BOM, "utf-16-be"
    return b"", "utf-8"


def _decode_utf16(body: bytes, encoding: str, offset: int, path: str) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        label = "UTF-16 LE" if encoding == "utf-16-le" else "UTF-16 BE"
        raise InputError(
            path,
            f"cannot be decoded: it starts with a {label} byte-order mark but is not valid "
            f"UTF-16 ({error.reason} at byte {error.start + offset})",
        ) from None


def _decode_utf8_after_bom(body: bytes, path: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            path,
            "cannot be decoded: it starts with a UTF-8 byte-order mark but is not valid UTF-8 "
            f"(byte 0x{body[error.start]:02X} at byte {error.start + len(_UTF8_BOM)})",
        ) from None


def _decode_without_bom(body: bytes, path: str) -> tuple[str, str, tuple[str, ...], int | None]:
    """The text, its encoding, the reader's notes and, read as Windows-1252, the offset of the
    first byte that is not UTF-8. Raises :class:`InputError`."""
    try:
        return body.decode("utf-8"), "utf-8", (), None
    except UnicodeDecodeError as error:
        at = error.start
        not_utf8 = f"byte 0x{body[at]:02X} at byte {at}"
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputError(
            path,
            f"cannot be decoded: it is neither UTF-8 ({not_utf8} is invalid) nor "
            f"Windows-1252 (byte 0x{body[error.start]:02X} at byte {error.start} is undefined)",
        ) from None
    return text, "cp1252", (f"not valid UTF-8 ({not_utf8}); decoded as Windows-1252",), at


def _check_controls(text: str, path: str, utf8: bytes | None = None) -> int:
    """How many control characters ``text`` holds (:attr:`SourceFile.controls`); raises
    :class:`InputError` when they are so many that the file is binary (judged by the C0
    ones and DEL)."""
    count = _control_count(text, utf8)
    if count > _BINARY_CONTROL_SHARE * len(text):
        raise InputError(
            path,
            f"looks like a binary file, not text ({count} of its {len(text)} characters "
            "are control characters)",
        )
    return count + _c1_count(text, utf8)


def _controls(text: str) -> int:
    """The control characters of :attr:`SourceFile.controls` in ``text``: C0, DEL and C1."""
    return _control_count(text) + _c1_count(text)


def _c1_count(text: str, utf8: bytes | None = None) -> int:
    """The C1 control characters in ``text`` (U+0080 to U+009F but NEL, U+0085, a line
    break), searched in ``utf8`` (its UTF-8 bytes) when given: none in an ASCII text, and
    none in bytes without the lead byte 0xC2 they all share (found at C speed)."""
    if text.isascii():
        return 0
    if utf8 is not None:
        return 0 if b"\xc2" not in utf8 else sum(1 for _ in _C1_UTF8.finditer(utf8))
    return sum(1 for _ in _C1.finditer(text))


def _control_count(text: str, utf8: bytes | None = None) -> int:
    """The control characters of :attr:`SourceFile.controls` in ``text``, counted in its UTF-8
    bytes (``utf8`` when the file holds them, else encoded a piece at a time), at C speed (a
    regex search costs ~10 ns a character): each is one byte there, and every other
    character's bytes are not control bytes."""
    count = 0
    if utf8 is not None:
        for start in range(0, len(utf8), _CONTROL_PIECE):
            data = utf8[start : start + _CONTROL_PIECE]
            count += len(data) - len(data.translate(None, _STRAY_CONTROL_BYTES))
    else:
        for start in range(0, len(text), _CONTROL_PIECE):
            data = text[start : start + _CONTROL_PIECE].encode("utf-8", "surrogatepass")
            count += len(data) - len(data.translate(None, _STRAY_CONTROL_BYTES))
    return count


# --- messages ------------------------------------------------------------------------------


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as given, made safe to print on one line."""
    raw = os.fspath(path)
    name = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    if name.isascii() and name.isprintable():  # (most paths: nothing to make safe)
        return name
    try:
        encoded = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        encoded = name.encode("utf-8", "backslashreplace")
    shown = encoded.decode("utf-8", "backslashreplace")
    return _PATH_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), shown)


def _os_reason(error: OSError | ValueError) -> str:
    if isinstance(error, ValueError):  # e.g. "embedded null byte"
        return "is not a valid path"
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"  # (as check says of a path it cannot find)
    if isinstance(error, NotADirectoryError):
        return "no such file or directory (a part of the path is not a directory)"
    if isinstance(error, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied)"
    detail = (error.strerror or type(error).__name__).lower()  # (as the reasons above)
    return f"cannot be read ({detail})"


def _human(size: int) -> str:
    if size < 1000:
        return "1 byte" if size == 1 else f"{size} bytes"
    value, unit = (size / 1000, "KB") if size < 1_000_000 else (size / 1_000_000, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def _too_large(size: int | None, limit: int, *, raised: bool = True) -> str:
    """Why a file of ``size`` bytes (None: grown past the limit while read) is refused, and,
    when ``raised``, that ``max-file-size`` raises the limit."""
    advice = (
        " (--max-file-size, or max-file-size in the configuration, raises it)" if raised else ""
    )
    shown_limit = _human(limit) if limit >= 1000 else f"{limit:,}-byte"  # "the 5-byte limit"
    if size is None:
        return f"is larger than the {shown_limit} limit{advice}"
    shown_size = _human(size)
    if shown_size == shown_limit:  # rounding hides the difference: be exact
        shown_size, shown_limit = f"{size:,} bytes", f"{limit:,}-byte"
    return f"is {shown_size}, larger than the {shown_limit} limit{advice}"
