"""PDF letters read as text, through pypdfium2 (PDFium, the PDF engine of Chromium).

How a page becomes lines of letter text (generic: nothing here knows a letter's wording):

1. **Runs.** PDFium gives the page's text as rectangles, one per run of text on a line in
   one text object; each run keeps its box, its font size and, when a link annotation covers
   it, the link's target. Runs on one baseline with a small gap between them are one line; a
   wide gap (two columns side by side) keeps them apart.
2. **Headers and footers.** A line among the first or last two of *every* page (digits
   ignored, so "Page 1 of 3" and "Page 2 of 3" compare equal) is page furniture, not letter
   text, and is dropped, as is "Page N of M" ("Page N", "N of M") at the top or bottom of any
   page.
3. **Infographic figures.** A big figure (a line in a font at least 1.6 times the page's body
   size, of one or two words) is joined to its label: the line beside it (to its right,
   overlapping it vertically) or else the line just under it, so "59%" beside "of complaints
   we investigated were upheld." reads "59% of complaints we investigated were upheld." as a
   text letter has it.
4. **Reading order.** When a page's narrow lines that stand level with another line across a
   gap leave a vertical gutter with text on both sides (two columns), the lines between two
   lines across the gutter are read column by column, each from top to bottom, starting at
   the first lines level with one another (what is above is read top to bottom), a column
   itself perhaps in columns; otherwise from top to bottom.
5. **Links.** Annotated text is written ``[text](target)``: the URI, or ``#`` for a link
   whose target is empty or ``#`` (so LGO403 finds it as in a text letter). A link wrapped
   over two lines is one Markdown link over the line break.

Pages follow one another with a line break; each output line's :class:`Origin` is its page and
its line in that page's extracted text. What is refused (:class:`DocumentError`): a file with
no ``%PDF-`` header, an encrypted PDF that needs a password, a damaged one, one of more than
:data:`MAX_PAGES` pages (counted before any text is extracted), a page of more than
:data:`MAX_PAGE_OBJECTS` objects or whose runs times characters pass :data:`MAX_PAGE_WORK`
(reading the runs would take minutes), one whose text passes
``max_chars`` (extraction stops there), and one with no text at all (a scan).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lgo_audit.documents import MAX_PAGES, DocumentError, Origin, Rendition

__all__ = ["read"]

FIGURE_SCALE = 1.6
"""A line in a font this many times the body size, of one or two words, is a big figure."""

MAX_PAGE_OBJECTS = 50_000
"""A page with more objects (text, paths, images) than this is refused before its text is
extracted (a letter's page has a few thousand at most, one per word where words are placed
one by one)."""

MAX_PAGE_WORK = 200_000_000
"""A page whose pieces of text (runs) times characters pass this is refused before the runs
are read: each run's text is looked up over the page's characters (a letter's page: a few
hundred runs of a few thousand characters, under 10 million)."""

_PAGE_NUMBER = re.compile(r"(?i)(?:page\s+\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s+of\s+\d+)")
_DIGITS = re.compile(r"\d+")
_GUTTER = 12  # points: the narrowest gap between two columns
_LEVEL_REACH = 64  # how many lines below a line are looked at for one level with it
_ROW_LOOKBACK = 8  # how many rows back a run may join (rows beside it interleave)
_EDGE_LINES = 2  # how many lines at the top and at the bottom of a page may be furniture


@dataclass
class _Run:
    """Text on one line in one font, with its box (points, y growing downwards)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    link: str | None = None
    glue: str = " "  # what goes between the run before it on its line and this one


@dataclass
class _Line:
    runs: list[_Run] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)

    @property
    def top(self) -> float:
        return min(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return max(r.bottom for r in self.runs)

    @property
    def size(self) -> float:
        return max(r.size for r in self.runs)

    @property
    def plain(self) -> str:
        return "".join((r.glue if i else "") + r.text for i, r in enumerate(self.runs))


def read(data: bytes, *, max_chars: int) -> Rendition:
    """The rendition of a PDF's bytes. Raises :class:`DocumentError`."""
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise DocumentError("is not a PDF (no %PDF- header)")
    _refuse_content_bombs(data, max(4 * max_chars, MIN_CONTENT_LIMIT))
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dependency
        raise DocumentError("cannot be read: pypdfium2 is not installed") from None
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise DocumentError("is encrypted (it needs a password to open)") from None
        raise DocumentError("is a damaged or truncated PDF (it cannot be opened)") from None
    except Exception:  # the library's own failure, whatever it is
        raise DocumentError("is a damaged PDF (the PDF library cannot open it)") from None
    try:
        return _read(document, max_chars)
    except DocumentError:
        raise
    except Exception:  # the library's own failure, whatever it is
        raise DocumentError("is a damaged PDF (its pages cannot be read)") from None
    finally:
        document.close()


MIN_CONTENT_LIMIT = 16_000_000
"""Bytes: the least the compressed streams of a PDF (page content, object streams) may unpack
to; a letter's unpack to a few hundred thousand. The limit is four times the size limit of
text (``max_chars``) when that is more."""

_STREAM = re.compile(rb"stream\r?\n")
_NOT_CONTENT = re.compile(
    rb"/Subtype\s*/Image|/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)"
)
_CHUNK = 1 << 16


def _refuse_content_bombs(data: bytes, limit: int) -> None:
    """Refuse a PDF whose FlateDecode streams, images and embedded fonts apart, unpack to more
    than ``limit`` bytes, before the PDF library unpacks them (a small file can unpack to
    gigabytes). Each stream is unpacked in chunks, counting, never whole; a stream that does
    not unpack is left for the library to judge. Raises :class:`DocumentError`."""
    import zlib

    total = 0
    for found in _STREAM.finditer(data):
        start = found.end()
        head = data[max(0, found.start() - 2048) : found.start()]
        dictionary = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        if b"FlateDecode" not in dictionary or _NOT_CONTENT.search(dictionary):
            continue
        unpack = zlib.decompressobj()
        position = start
        try:
            while not unpack.eof and position < len(data):
                chunk = data[position : position + _CHUNK]
                position += len(chunk)
                total += len(unpack.decompress(chunk, limit - total + 1))
                while unpack.unconsumed_tail and total <= limit:
                    total += len(unpack.decompress(unpack.unconsumed_tail, limit - total + 1))
                if total > limit:
                    raise DocumentError(
                        f"has compressed content that unpacks to more than {limit:,} bytes "
                        "(a letter's unpacks to far less)"
                    )
        except zlib.error:
            continue


def _read(document: Any, max_chars: int) -> Rendition:
    import pypdfium2.raw as raw

    count = len(document)
    if count > MAX_PAGES:
        raise DocumentError(f"has {count} pages; a letter has at most {MAX_PAGES}")
    if count == 0:
        raise DocumentError("is a PDF with no pages")
    notes: tuple[str, ...] = ()
    if raw.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        notes = ("the PDF is encrypted (with no password to open it); read as usual",)
    pages: list[list[_Line]] = []
    total = 0
    for index in range(count):
        page = document[index]
        try:
            objects = raw.FPDFPage_CountObjects(page.raw)
            if objects > MAX_PAGE_OBJECTS:
                raise DocumentError(
                    f"has a page of {objects:,} objects, more than a letter's page may have "
                    f"({MAX_PAGE_OBJECTS:,})"
                )
            textpage = page.get_textpage()
            try:
                chars = textpage.count_chars()
                total += chars
                if total > max_chars:
                    raise DocumentError(
                        f"has more text than a letter may have (over {max_chars:,} characters)"
                    )
                pieces = textpage.count_rects()
                if pieces * chars > MAX_PAGE_WORK:
                    raise DocumentError(
                        f"has a page of {pieces:,} pieces of text and {chars:,} characters, "
                        "more than a letter's page may have"
                    )
                pages.append(_lines(_runs(document, page, textpage)))
            finally:
                textpage.close()
        finally:
            page.close()
    if total == 0 or not any(pages):
        raise DocumentError("has no text layer (a scanned image?)")
    _drop_furniture(pages)
    text_lines: list[str] = []
    origins: list[Origin] = []
    ordered = [_reading_order(_join_figures(lines)) for lines in pages]
    texts = _markdown([line for lines in ordered for line in lines])
    position = 0
    for number, lines in enumerate(ordered, start=1):
        for line_number in range(1, len(lines) + 1):
            text_lines.append(texts[position])
            origins.append(Origin(page=number, line=line_number))
            position += 1
    if not text_lines:
        raise DocumentError("has no text layer (a scanned image?)")
    return Rendition(format="pdf", text="\n".join(text_lines), origins=tuple(origins), notes=notes)


# --- runs and lines --------------------------------------------------------------------------


def _links(document: Any, page: Any) -> list[tuple[tuple[float, float, float, float], str]]:
    """The page's link annotations: (left, bottom, right, top) and the target ("#" when it is
    empty or "#"); links to a place in the PDF itself are left out (not web links)."""
    import pypdfium2.raw as raw

    found = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        rect = raw.FS_RECTF()
        if not raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            continue
        action = raw.FPDFLink_GetAction(link)
        target = ""
        if action:
            if raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
                continue
            size = raw.FPDFAction_GetURIPath(document.raw, action, None, 0)
            if size > 1:
                buffer = ctypes.create_string_buffer(size)
                raw.FPDFAction_GetURIPath(document.raw, action, buffer, size)
                target = buffer.value.decode("utf-8", "replace").strip()
        elif raw.FPDFLink_GetDest(document.raw, link):
            continue
        box = (
            min(rect.left, rect.right),
            min(rect.bottom, rect.top),
            max(rect.left, rect.right),
            max(rect.bottom, rect.top),
        )
        found.append((box, target if target and target != "#" else "#"))
    return found


def _runs(document: Any, page: Any, textpage: Any) -> list[_Run]:
    import pypdfium2.raw as raw

    height = page.get_height()
    links = _links(document, page)
    runs: list[_Run] = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = " ".join(text.split())
        if not text:
            continue
        middle = (bottom + top) / 2
        char = raw.FPDFText_GetCharIndexAtPos(
            textpage.raw, (left + right) / 2, middle, (right - left) / 2, (top - bottom) / 2
        )
        size = raw.FPDFText_GetFontSize(textpage.raw, char) if char >= 0 else 0.0
        run = _Run(left, height - top, right, height - bottom, text, size or (top - bottom))
        runs.extend(_linked(run, links, textpage, height))
    return runs


def _linked(
    run: _Run,
    links: list[tuple[tuple[float, float, float, float], str]],
    textpage: Any,
    height: float,
) -> list[_Run]:
    """``run``, split where a link annotation covers part of it, each part with its target."""
    for (left, bottom, right, top), target in links:
        a, b = max(left, run.x0), min(right, run.x1)
        overlap_y = min(height - bottom, run.bottom) - max(height - top, run.top)
        if b <= a or overlap_y <= 0.3 * (run.bottom - run.top):
            continue
        if b - a >= 0.85 * (run.x1 - run.x0):
            run.link = target
            return [run]
        inner = " ".join(
            textpage.get_text_bounded(a, height - run.bottom, b, height - run.top).split()
        )
        at = run.text.find(inner) if inner else -1
        if at < 0:
            continue
        width = (run.x1 - run.x0) / max(len(run.text), 1)
        parts = []
        before, after = run.text[:at].strip(), run.text[at + len(inner) :].strip()
        if before:
            parts.append(_Run(run.x0, run.top, run.x0 + width * at, run.bottom, before, run.size))
        parts.append(_Run(a, run.top, b, run.bottom, inner, run.size, target))
        if after:
            rest = _Run(b, run.top, run.x1, run.bottom, after, run.size)
            parts.extend(_linked(rest, links, textpage, height))
        return parts
    return [run]


def _same_row(a: _Run, b: _Run) -> bool:
    """Whether two runs sit on one baseline: they overlap by half the smaller one's height
    and their bottoms are within a third of the smaller font size."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.bottom - a.top, b.bottom - b.top) and abs(
        a.bottom - b.bottom
    ) <= 0.35 * min(a.size, b.size)


def _lines(runs: list[_Run]) -> list[_Line]:
    """Runs on one baseline (rows: see :func:`_same_row`), a
    small gap apart, joined into lines; a wide gap (another column) starts another line."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.top + r.bottom) / 2):
        # Not only the last row: text of another size beside it (a big figure in the other
        # column) may come between two runs of one line in this order.
        row = next(
            (row for row in reversed(rows[-_ROW_LOOKBACK:]) if any(_same_row(o, run) for o in row)),
            None,
        )
        if row is None:
            rows.append([run])
        else:
            row.append(run)
    lines: list[_Line] = []
    for row in rows:
        line: _Line | None = None
        for run in sorted(row, key=lambda r: r.x0):
            if line is not None:
                last = line.runs[-1]
                gap = run.x0 - last.x1
                size = min(last.size, run.size)
                if gap <= 1.5 * size:
                    run.glue = " " if gap > 0.15 * size else ""
                    line.runs.append(run)
                    continue
            line = _Line([run])
            lines.append(line)
    return lines


# --- page furniture, figures, reading order ---------------------------------------------------


def _drop_furniture(pages: list[list[_Line]]) -> None:
    """Drop the lines repeated at the top or bottom of every page, and page numbers."""

    def edges(lines: list[_Line]) -> list[_Line]:
        ordered = sorted(lines, key=lambda line: line.top)
        return ordered[:_EDGE_LINES] + ordered[-_EDGE_LINES:]

    repeated: set[str] = set()
    if len(pages) > 1:
        keys = [{_DIGITS.sub("#", line.plain) for line in edges(lines)} for lines in pages]
        repeated = set.intersection(*keys)
    for lines in pages:
        for line in edges(lines):
            furniture = _DIGITS.sub("#", line.plain) in repeated or _PAGE_NUMBER.fullmatch(
                line.plain
            )
            if furniture and line in lines:
                lines.remove(line)


def _body_size(lines: list[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        for run in line.runs:
            sizes[round(run.size, 1)] += len(run.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _join_figures(lines: list[_Line]) -> list[_Line]:
    """Each big figure joined to the line beside it, or else the line under it."""
    body = _body_size(lines)
    if body <= 0:
        return lines

    def is_figure(line: _Line) -> bool:
        text = line.plain
        return line.size >= FIGURE_SCALE * body and len(text) <= 12 and len(text.split()) <= 2

    figures = [line for line in lines if is_figure(line)]
    for figure in figures:
        labels = [line for line in lines if line is not figure and not is_figure(line)]
        beside = [
            line
            for line in labels
            if figure.x1 - 1 <= line.x0 <= figure.x1 + 1.5 * figure.size
            and line.top < figure.bottom
            and line.bottom > figure.top
        ]
        under = [
            line
            for line in labels
            if figure.bottom - 2 <= line.top <= figure.bottom + figure.size
            and line.x0 < figure.x1
            and line.x1 > figure.x0
        ]
        chosen = beside or under
        if not chosen:
            continue
        label = min(chosen, key=lambda line: line.top)
        label.runs[0].glue = " "
        label.runs[:0] = figure.runs
        lines.remove(figure)
    return lines


def _beside(line: _Line, other: _Line) -> bool:
    """Whether ``other`` is side by side with ``line``: level with it, wholly to its left or
    right, a gutter's width away."""
    level = other.top < line.bottom and other.bottom > line.top
    return level and (other.x0 - line.x1 >= _GUTTER or line.x0 - other.x1 >= _GUTTER)


def _gutter(lines: list[_Line]) -> tuple[float, float] | None:
    """The vertical gap between two columns of text, if the page has one: found among the
    lines that have another line beside them (a line alone on its level, however narrow, is
    not in a column)."""
    if len(lines) < 4:
        return None
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    span = right - left
    narrow = [line for line in lines if line.x1 - line.x0 < 0.6 * span]
    paired = sorted((line.x0, line.x1) for line, _ in _level_pairs(narrow, _beside))
    best: tuple[float, float] | None = None
    reach = left
    for x0, x1 in paired:
        inside = left + 0.2 * span <= reach and x0 <= right - 0.2 * span
        if inside and x0 - reach >= _GUTTER and (best is None or x0 - reach > best[1] - best[0]):
            best = (reach, x0)
        reach = max(reach, x1)
    if best is None:
        return None
    a, b = best
    sides = (sum(x1 <= a for _, x1 in paired), sum(x0 >= b for x0, _ in paired))
    if min(sides) < 2:
        return None
    # a column's longer lines, alone on their level, reach further into the gap
    for line in sorted(narrow, key=lambda line: line.x1 - line.x0):
        if line.x0 <= a and a < line.x1 <= b - _GUTTER:
            a = line.x1
        elif line.x1 >= b and a + _GUTTER <= line.x0 < b:
            b = line.x0
    return a, b


def _column_starts(lines: list[_Line], gutter: tuple[float, float]) -> list[float]:
    """Where lines on the two sides of the gutter are level with one another (the tops of the
    pairs): the columns start at the first such pair after a line across the gutter."""
    a, b = gutter
    sides = [line for line in lines if line.x1 <= a + 1 or line.x0 >= b - 1]

    def across(x: _Line, y: _Line) -> bool:
        return (x.x1 <= a + 1) != (y.x1 <= a + 1)

    return sorted(min(x.top, y.top) for x, y in _level_pairs(sides, across))


def _level_pairs(
    lines: list[_Line], related: Callable[[_Line, _Line], bool]
) -> list[tuple[_Line, _Line]]:
    """Each line with the first line level with it (overlapping it vertically) for which
    ``related`` holds, found by a sweep from the top (not by comparing every two lines)."""
    ordered = sorted(lines, key=lambda line: line.top)
    found: dict[int, tuple[_Line, _Line]] = {}
    for index, line in enumerate(ordered):
        for other in ordered[index + 1 : index + 1 + _LEVEL_REACH]:
            if other.top >= line.bottom:
                break
            if related(line, other):
                found.setdefault(id(line), (line, other))
                found.setdefault(id(other), (other, line))
    return list(found.values())


def _reading_order(lines: list[_Line], depth: int = 0) -> list[_Line]:
    """Top to bottom, except where the page is in columns: from the first lines level with one
    another on the two sides of the gutter down to the next line across it, each column is
    read in turn, from top to bottom (a column may itself be in columns). Lines above that
    (a letterhead to the right over an address to the left) are read top to bottom."""
    ordered = sorted(lines, key=lambda line: (line.top, line.x0))
    gutter = _gutter(lines) if depth < 3 else None
    if gutter is None:
        return ordered
    a, b = gutter
    starts = _column_starts(lines, gutter)
    out: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []
    after = float("-inf")  # the top of the last line across the gutter

    def flush() -> None:
        out.extend(_reading_order(left, depth + 1) + _reading_order(right, depth + 1))
        left.clear()
        right.clear()

    for line in ordered:
        side = left if line.x1 <= a + 1 else right if line.x0 >= b - 1 else None
        if side is None:  # across the gutter: what comes before it is read first
            flush()
            out.append(line)
            after = line.top
        elif any(after < start <= line.top + 0.5 for start in starts):
            side.append(line)
        else:
            out.append(line)
    flush()
    return out


# --- text ------------------------------------------------------------------------------------


def _markdown(lines: list[_Line]) -> list[str]:
    """Each line's text, linked runs as Markdown links (one over a line break when a link
    wraps from the end of one line to the start of the next)."""
    out: list[str] = []
    for number, line in enumerate(lines):
        parts: list[str] = []
        runs = line.runs
        for index, run in enumerate(runs):
            text = run.text
            previous = runs[index - 1].link if index else None
            following = runs[index + 1].link if index + 1 < len(runs) else None
            if run.link is not None:
                carried_in = (
                    index == 0
                    and number > 0
                    and lines[number - 1].runs[-1].link == run.link
                    and lines[number - 1].runs[-1] is not run
                )
                carried_on = (
                    index == len(runs) - 1
                    and number + 1 < len(lines)
                    and lines[number + 1].runs[0].link == run.link
                )
                if previous != run.link and not carried_in:
                    text = "[" + text
                if following != run.link and not carried_on:
                    text += f"]({run.link})"
            parts.append((run.glue if index else "") + text)
        out.append("".join(parts))
    return out
