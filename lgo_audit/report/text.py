"""Findings for people: ``full`` (with source lines), ``concise``, ``--statistics``, summary.

Everything that comes from a letter passes through :func:`clean` before it reaches a
terminal, so a letter cannot smuggle escape sequences into the reviewer's screen; what must stay
on one line (a path, a message, which may quote another file's name) passes through
:func:`clean_line`, which shows line breaks and tabs escaped too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lgo_audit.escape import clean, clean_line
from lgo_audit.findings import FileResult, Finding, Severity, Totals
from lgo_audit.span import SPLIT_MAX

__all__ = [
    "Style",
    "clean",
    "clean_line",
    "concise_key",
    "concise_piece",
    "full_key",
    "full_piece",
    "made_piece",
    "render_concise",
    "render_full",
    "render_statistics",
    "statistics",
    "summary",
    "write_concise",
    "write_full",
]

Write = Callable[[str], object]
"""Where a writer puts its output, piece by piece (``sys.stdout.write``, ``list.append``)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends spans count (not form feeds)


@dataclass(frozen=True)
class Style:
    """ANSI colours, or none (not a terminal, NO_COLOR set, --no-color)."""

    colour: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def cyan(self, text: str) -> str:
        return self._wrap("36", text)

    def severity(self, severity: Severity, text: str) -> str:
        code = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;34"}[severity]
        return self._wrap(code, text)


def _header(finding: Finding, style: Style) -> str:
    location = f"{finding.path}:{finding.span.line}:{finding.span.column}:"
    if finding.origin:  # where it is in the PDF or DOCX itself
        place = ", ".join(f"{key} {value}" for key, value in finding.origin.items())
        location = f"{location[:-1]} ({place}):"
    return (
        f"{style.bold(clean_line(location))} {style.severity(finding.severity, finding.code)} "
        f"[{finding.severity.value}] {clean_line(finding.message)}"
    )


def made_piece(result: FileResult, key: tuple[object, ...]) -> str | None:
    """``result``'s part of the report made where it was checked, if made with ``key`` (the
    format and what else its part depends on): None when it has none to be used."""
    kept = result.report_piece
    return kept[1] if kept is not None and kept[0] == key else None


def concise_key(style: Style) -> tuple[object, ...]:
    return ("concise", style.colour)


def concise_piece(result: FileResult, style: Style = Style()) -> str:
    """``result``'s lines of the concise report ("" without findings)."""
    return "\n".join(_header(f, style) for f in result.findings)


def write_concise(results: Iterable[FileResult], write: Write, style: Style = Style()) -> None:
    """One line per finding: ``path:line:col: CODE [severity] message`` (lines joined by line
    breaks, none after the last)."""
    separator = ""
    key = concise_key(style)
    for result in results:
        if result.findings:
            piece = made_piece(result, key)
            write(separator + (concise_piece(result, style) if piece is None else piece))
            separator = "\n"


def render_concise(results: Iterable[FileResult], style: Style = Style()) -> str:
    """:func:`write_concise` as one string."""
    parts: list[str] = []
    write_concise(results, parts.append, style)
    return "".join(parts)


MAX_LINE = 100  # longer source lines are shown as a window around the span


def _window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A window of a long line around columns [start, end): (text, new start, new end)."""
    if len(text) <= MAX_LINE:
        return text, start, end
    left = max(0, min(start - 1 - 30, len(text) - MAX_LINE))
    right = min(len(text), left + MAX_LINE)
    end = min(end, right + 1)  # a span running past the window is underlined up to its edge
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    shift = left - len(prefix)
    return prefix + text[left:right] + suffix, start - shift, end - shift


class _Lines:
    """The lines of a letter's text that ``findings`` show (numbered from 0): one pass over
    the text that stops after the last of them, keeping only those, so a letter is not split
    into a list of all its lines to show a few (a note on line 1 of a 50 MB letter reads one
    line). ``len()`` is the number of lines when the text ends before the last line shown,
    else a number past it (enough to say which shown lines exist)."""

    __slots__ = ("count", "kept")

    def __init__(self, text: str, findings: Iterable[Finding]) -> None:
        wanted = {
            number - 1
            for f in findings
            for number in range(f.span.line, min(f.span.end_line, f.span.line + 2) + 1)
        }
        last = max(wanted, default=-1)
        self.kept: dict[int, str] = {}
        crlf = "\r" in text
        if len(text) <= SPLIT_MAX and (not crlf or text.count("\r") == text.count("\r\n")):
            # (a letter, "\n" or "\r\n" throughout: split at C speed, as far as the last
            # line shown; a "\r" then ends a line only before its "\n")
            parts = text.split("\n", max(last + 1, 1))
            self.kept = {i: parts[i] for i in wanted if i < len(parts)}
            if crlf:
                self.kept = {i: line.removesuffix("\r") for i, line in self.kept.items()}
            self.count = len(parts)
            return
        index, start = 0, 0
        for match in _LINE_BREAK.finditer(text):
            if index in wanted:
                self.kept[index] = text[start : match.start()]
            index += 1
            start = match.end()
            if index > last:
                self.count = index + 1  # at least: the text goes on
                return
        if index in wanted:
            self.kept[index] = text[start:]
        self.count = index + 1

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str:
        return self.kept[index]


def _source_excerpt(lines: list[str] | _Lines, finding: Finding, style: Style) -> list[str]:
    span = finding.span
    first, last = span.line, min(span.end_line, span.line + 2)
    width = len(str(last))
    gutter = " " * width + " |"
    out = [style.cyan(gutter)]
    for number in range(first, last + 1):
        if number - 1 >= len(lines):
            break
        raw = lines[number - 1].rstrip("\r\n")
        start = span.column if number == first else 1
        end = span.end_column if number == span.end_line else len(raw) + 1
        if end <= start:
            end = start + 1
        text, start, end = _window(raw, start, end)
        # Columns count code points; the carets go by what the terminal shows: the width of
        # the cleaned text before the span and of the span (wide CJK and emoji take two cells,
        # combining accents none, an escape such as \x1b four). Past the line's end, one each.
        before, marked = text[: start - 1], text[start - 1 : end - 1]
        indent = _display_width(clean(before)) + max(0, start - 1 - len(text))
        carets = _display_width(clean(marked)) + max(0, end - start - len(marked))
        text = clean(text)
        out.append(style.cyan(f"{number:>{width}} |") + (" " + text if text else ""))
        out.append(
            style.cyan(gutter)
            + " "
            + " " * indent
            + style.severity(finding.severity, "^" * max(carets, 1))
        )
    if span.end_line > last and last < len(lines):  # the lines not shown are said
        out.append(style.cyan(gutter) + f" ... to line {span.end_line}")
    return out


_NARROW = re.compile("[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e]*")
"""Text whose every character takes one cell: printable ASCII, Latin-1 and the Latin
extensions before the combining marks (U+0300), and the general punctuation but its zero-width
characters, line and paragraph separators and direction marks (what wcwidth says of each:
``tests/test_output_formats.py``). Extracted letters are mostly this, NBSPs and curly quotes
included: their width needs no wcwidth."""


def _display_width(text: str) -> int:
    """Terminal cells ``text`` (cleaned: no control characters) takes."""
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    from wcwidth import wcswidth, wcwidth  # only needed here (~12 ms to import)

    cells = wcswidth(text)
    return cells if cells >= 0 else sum(max(wcwidth(char), 0) for char in text)


def full_key(style: Style) -> tuple[object, ...]:
    return ("full", style.colour)


def full_piece(result: FileResult, style: Style = Style()) -> str:
    """``result``'s blocks of the full report, a blank line between two ("" without
    findings): each finding with its source line(s), a caret under the span, related places
    and fix."""
    text = result.source_text or ""
    lines = _Lines(text, result.findings)
    blocks = []
    for finding in result.findings:
        block = [_header(finding, style)]
        if finding.span.line <= len(lines):
            block.extend(_source_excerpt(lines, finding, style))
        for related in finding.related:
            where = f"{related.path}:{related.span.line}:{related.span.column}"
            label = f" ({clean_line(related.message)})" if related.message else ""
            block.append(style.cyan("  = ") + f"related: {clean_line(where)}{label}")
        if finding.fix is not None:
            kind = finding.fix.applicability.value
            fix = clean_line(finding.fix.description)
            block.append(style.cyan("  = ") + f"fix ({kind}): {fix}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def write_full(results: Iterable[FileResult], write: Write, style: Style = Style()) -> None:
    """Each result's :func:`full_piece` (or the one made where it was checked), a blank line
    between two blocks (none after the last)."""
    separator = ""
    key = full_key(style)
    for result in results:
        if not result.findings:
            continue
        piece = made_piece(result, key)
        write(separator + (full_piece(result, style) if piece is None else piece))
        separator = "\n\n"


def render_full(results: Iterable[FileResult], style: Style = Style()) -> str:
    """:func:`write_full` as one string."""
    parts: list[str] = []
    write_full(results, parts.append, style)
    return "".join(parts)


def _totals(results: Iterable[FileResult] | Totals) -> Totals:
    """What ``results`` count (a pass over them), or the totals given."""
    if isinstance(results, Totals):
        return results
    known = getattr(results, "totals", None)  # a check's Results count once, on their pass
    return known if isinstance(known, Totals) else Totals.of(results)


def statistics(results: Iterable[FileResult] | Totals) -> list[tuple[str, str, str, int, int]]:
    """Per rule: code, name, severity, findings, fixable findings; most frequent first."""
    totals = _totals(results)
    rows = sorted(totals.by_rule.items(), key=lambda item: (-item[1], item[0][0]))
    return [(*key, n, totals.fixable_by_rule[key]) for key, n in rows]


def render_statistics(results: Iterable[FileResult] | Totals) -> str:
    """Counts per rule, most frequent first (``--statistics``): a tab-separated table."""
    rows = statistics(results)
    width = max((len(str(n)) for *_, n, _ in rows), default=1)
    return "\n".join(
        f"{n:>{width}}\t{code}\t{name}\t[{severity}]" + ("\t[*]" if fixable else "")
        for code, name, severity, n, fixable in rows
    )


def summary(
    results: Iterable[FileResult] | Totals, style: Style = Style(), *, unsafe_fixes: bool = False
) -> str:
    """``Found 1 error, 3 warnings in 2 letters (0 clean).`` and the fixable count: with
    ``unsafe_fixes`` (``--unsafe-fixes`` given), the unsafe fixes are counted as ``--fix``
    would then apply them, not offered as more."""
    totals = _totals(results)
    counts = totals.findings
    letters = totals.letters
    clean_letters = totals.clean_letters
    unreadable = totals.unreadable
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = counts.get(severity, 0)
        if n:
            noun = {"error": "error", "warning": "warning", "info": "note"}[severity.value]
            parts.append(f"{n} {noun}{'s' if n != 1 else ''}")
    what = ", ".join(parts) if parts else "no problems"
    pages = totals.pages
    letters -= pages
    read = [
        f"{n} {noun}{'s' if n != 1 else ''}"
        for n, noun in ((letters, "letter"), (pages, "page"))
        if n
    ]
    if read:
        text = f"Found {what} in {' and '.join(read)} ({clean_letters} clean)"
        if unreadable:
            text += f"; {unreadable} file{'s' if unreadable != 1 else ''} could not be checked"
    elif unreadable:
        text = (
            f"No letter or page was checked; {unreadable} file{'s' if unreadable != 1 else ''} "
            "could not be checked"
        )
    else:
        text = "No letter or page was checked"
    safe, unsafe = totals.safe, totals.unsafe
    if unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    text += "."
    if safe or unsafe:
        text += f"\n[*] {safe} fixable with --fix" + (
            f" ({unsafe} more with --unsafe-fixes)." if unsafe else "."
        )
    return style.bold(text) if counts.get(Severity.ERROR) else text
