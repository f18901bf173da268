"""Apply fixes to a letter's text: only the fixed spans change, everything else byte for byte.

Edits are offsets into the decoded original text (:class:`~lgo_audit.findings.Edit`), so the
file's encoding, BOM and line endings survive untouched outside the edited spans. Overlapping
edits are not combined: the first (in file order) wins and the rest wait for the next run.

A replacement that holds a line break (``\r\n``, ``\r`` or ``\n``) is written with the line
ending of the line the edit is on: the first line break at or after the edit's start (the one
that ends that line), or, on a last line without one, the last line break before it; ``\n`` in
a text with no line break at all. In a file with one kind of ending that is the file's ending;
in a file with mixed endings it is the ending around the edit, so the edited line stays like its
neighbours.

The file is written by :func:`lgo_audit.safe_write.write_file` (symlinks followed, hard links,
mode, owner and group kept, read-only files refused, verified before replacing).

A Word (DOCX) letter's edits are offsets of the text read from it; each pass writes them into
the document's runs (:func:`lgo_audit.documents.docx_fix.apply_edits_to_docx`) and reads the
result back, which must give the fixed text. An edit that cannot be written there (over two
runs, say) refuses the whole file: nothing is written, and the reason is one line. A saved web
page or a PDF is never fixed.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lgo_audit.documents import DocumentError
from lgo_audit.engine import run_rules
from lgo_audit.findings import Applicability, Edit, Finding
from lgo_audit.parse import AuthorityLookup, parse_source
from lgo_audit.reader import (
    DEFAULT_MAX_BYTES,
    InputError,
    decode,
    display_path,
    file_limit,
    read_bytes,
)
from lgo_audit.rules import Rule
from lgo_audit.safe_write import WriteError, write_file

__all__ = [
    "FixOutcome",
    "apply_edits",
    "choose_edits",
    "fix_file",
    "fixable_edits",
    "line_ending_at",
    "write_atomic",
]


def fixable_edits(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Edit]:
    """The edits of the findings' fixes allowed at this level (safe, or also unsafe)."""
    edits: list[Edit] = []
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        if fix.applicability is Applicability.UNSAFE and not unsafe:
            continue
        edits.extend(fix.edits)
    return edits


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with non-overlapping ``edits`` applied, and how many were applied.

    Line breaks in a replacement take the line ending of the line the edit is on (see the
    module docstring).
    """
    chosen = choose_edits(edits)
    pieces: list[str] = []
    position = 0
    for edit in chosen:
        pieces.append(text[position : edit.start])
        pieces.append(_with_line_ending(edit.replacement, text, edit.start))
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), len(chosen)


def choose_edits(edits: Iterable[Edit]) -> list[Edit]:
    """The edits :func:`apply_edits` applies, in text order: the first (in file order) of
    edits that overlap wins, the others wait for the next pass."""
    chosen: list[Edit] = []
    last_end = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < last_end:
            continue  # overlaps an earlier edit: leave it for the next run
        chosen.append(edit)
        last_end = edit.end
    return chosen


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_ending_at(text: str, offset: int) -> str:
    """The line ending of the line holding ``offset`` in ``text`` (see the module docstring)."""
    if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
        return "\r\n"  # between the two characters of one ending
    after = _LINE_BREAK.search(text, offset)
    if after is not None:
        return after.group()
    last = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    if last < 0:
        return "\n"
    return "\r\n" if text[last - 1 : last + 1] == "\r\n" else text[last]


def _with_line_ending(replacement: str, text: str, offset: int) -> str:
    if "\n" not in replacement and "\r" not in replacement:
        return replacement
    return _LINE_BREAK.sub(line_ending_at(text, offset), replacement)


@dataclass
class FixOutcome:
    """What fixing one file did: the text before and after, or why it was not fixed."""

    path: str
    original: str
    fixed: str
    applied: int = 0
    error: str | None = None
    encoding: str = "utf-8"
    """The codec the file's diff is written in: the file's own when a line of text is its
    bytes in it (UTF-8, Windows-1252), so that ``patch`` finds the lines it changes; else
    UTF-8 (a UTF-16 file, a DOCX's text)."""

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """A unified diff of the fix, as ``patch`` and ``git apply`` read one: lines end at
        ``"\\n"`` only (a lone ``"\\r"``, a form feed or U+2028 is a character of its line, as
        those tools have it), and a last line without one is followed by ``\\ No newline at
        end of file``."""
        lines = []
        for line in difflib.unified_diff(
            _patch_lines(self.original),
            _patch_lines(self.fixed),
            fromfile=_diff_name("a/", self.path),
            tofile=_diff_name("b/", self.path),
        ):
            lines.append(line)
            if not line.endswith("\n"):
                lines.append("\n\\ No newline at end of file\n")
        return "".join(lines)


_QUOTED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_NEEDS_QUOTES = re.compile(r'[\x00-\x1f\x7f"\\]')


def _diff_name(prefix: str, path: str) -> str:
    """A file's name in a diff's header (``a/letter.txt``), in double quotes with C escapes
    when it holds a line break, another control character, a quote or a backslash, as git
    writes it and ``patch`` and ``git apply`` read it (unquoted, a line break would end the
    header line); a name with a space is followed by a tab, as git writes it (``patch``
    reads the name up to the tab, which would otherwise end it at the first space)."""
    name = prefix + path
    if _NEEDS_QUOTES.search(name) is None:
        return name + "\t" if " " in name else name
    escaped = "".join(
        _QUOTED.get(c, f"\\{ord(c):03o}" if c < " " or c == "\x7f" else c) for c in name
    )
    return f'"{escaped}"'


def _patch_lines(text: str) -> list[str]:
    """``text``'s lines, each with its ``"\\n"`` (the last without, if the text does not end
    with one)."""
    lines = [line + "\n" for line in text.split("\n")]
    last = lines.pop()[:-1]
    if last:
        lines.append(last)
    return lines


MAX_PASSES = 10


def fix_file(
    path: Path,
    rules: Sequence[Rule],
    *,
    authorities: AuthorityLookup | None,
    unsafe: bool = False,
    write: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profile: str | None = None,
) -> FixOutcome:
    """Apply the rules' fixes to ``path`` until none is left (at most MAX_PASSES passes).

    ``authorities``: the register that completes the letter's facts, as in a check (so that
    rules reading the council's type judge the same).

    Never writes a file that is not a letter, whose fixed text cannot be encoded as the file
    was (a text file) or written into its runs (a DOCX: see the module docstring), or that :func:`~lgo_audit.safe_write.write_file` refuses (read-only, changed on disk
    since it was read, ...); writes through symlinks, keeps hard links, mode, owner and group.

    Raises nothing for a file: every reason it was not fixed is ``outcome.error``, one line
    ``"<path>: <reason>"``; a file that was read but not written ends with ``"; not fixed"``.
    """
    try:
        data = read_bytes(path, max_bytes=file_limit(path, max_bytes))
        source = decode(data, display_path(path), max_chars=max_bytes)
    except InputError as error:
        return FixOutcome(str(path), "", "", error=str(error))
    outcome = FixOutcome(str(path), source.text, source.text)
    if source.rendered_from is None and source.encoding == "cp1252":
        outcome.encoding = "cp1252"
    if source.rendered_from == "pdf":
        outcome.error = f"{path}: a PDF is never modified; not fixed"
        return outcome
    if source.rendered_from not in (None, "docx"):
        outcome.error = (
            f"{path}: an {source.rendered_from.upper()} page is checked through its text; not fixed"
        )
        return outcome
    document = data if source.rendered_from == "docx" else None
    current = source
    for _ in range(MAX_PASSES):
        parsed = parse_source(current, profile, authorities=authorities)
        if not parsed.is_letter:
            if current is source:
                outcome.error = f"{path}: not an Annual Review letter; not fixed"
                return outcome
            break
        findings, _ = run_rules(parsed, rules)
        chosen = choose_edits(fixable_edits(findings, unsafe=unsafe))
        text, applied = apply_edits(current.text, chosen)
        if applied == 0 or text == current.text:
            break
        if document is not None:
            try:
                document = _fix_docx(document, chosen, text)
            except DocumentError as error:  # nothing is written: all the fixes or none
                outcome.error = f"{path}: {error}; not fixed"
                return outcome
        outcome.applied += applied
        current = dataclasses.replace(current, text=text)
    outcome.fixed = current.text
    if not write or not outcome.changed:
        return outcome
    verify = None
    if document is not None:
        new = document
        fixed = outcome.fixed

        def verify(copy: Path) -> None:
            _check_docx(copy.read_bytes(), fixed)

    else:
        try:
            new = source.encode(outcome.fixed)
        except UnicodeEncodeError:
            outcome.error = f"{path}: the fix cannot be written in the file's encoding ({source.encoding}); not fixed"
            return outcome
    try:
        write_file(path, new, expected_sha256=source.sha256, verify=verify)
    except WriteError as error:
        outcome.error = f"{error}; not fixed"
    return outcome


def _fix_docx(data: bytes, edits: Sequence[Edit], expected: str) -> bytes:
    """``data`` (a DOCX) with ``edits`` written into its runs, checked to read back as
    ``expected``. Raises :class:`~lgo_audit.documents.DocumentError` with the reason."""
    from lgo_audit.documents.docx_fix import apply_edits_to_docx

    fixed = apply_edits_to_docx(data, edits, max_chars=DEFAULT_MAX_BYTES)
    _check_docx(fixed, expected)
    return fixed


def _check_docx(data: bytes, expected: str) -> None:
    from lgo_audit.documents import docx

    if docx.read(data, max_chars=DEFAULT_MAX_BYTES).text != expected:
        raise DocumentError("the fixed Word document does not read back as the fixed text")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the content of ``path`` with ``data`` safely (kept for callers of old).

    The same as :func:`lgo_audit.safe_write.write_file` without a hash check; raises its
    :class:`~lgo_audit.safe_write.WriteError`.
    """
    write_file(path, data)
