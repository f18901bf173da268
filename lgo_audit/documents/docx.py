"""Word (DOCX) letters read as text, through python-docx (imported only when a DOCX is read).

What is read, in document order: the body's paragraphs, its tables (row by row, cell by
cell; a cell's paragraphs are lines with the cell's :class:`~lgo_audit.documents.Origin`)
and its text boxes (``w:txbxContent``, inside ``w:drawing``, ``w:pict`` or
``mc:AlternateContent``, whose ``mc:Fallback`` copy of a box is not read twice), a text box's
paragraphs coming after the paragraph that anchors it. Headers and footers are not read. Each
paragraph is one line (a line break inside one, ``w:br``, starts a new line with the same
origin); a tab is ``"\\t"``. Tracked insertions are read, tracked deletions and field
instructions are not. A hyperlink (``w:hyperlink``, its ``r:id`` relationship's target and/or
its ``w:anchor``; or a ``HYPERLINK`` field's result) is written ``[text](target)``, so a link to ``#`` or to nothing reads as
``[text](#)`` or ``[text]()``, as in a Markdown extraction.

Refused, as a :class:`~lgo_audit.documents.DocumentError` with a one-line reason: an OLE
compound file (an encrypted, password-protected DOCX, or an old ``.doc``), a file that is not
a zip archive, a damaged or truncated archive, one without ``word/document.xml``, one that would
unpack to more than :data:`MAX_UNPACKED_BYTES` (checked on the archive's directory before
anything is decompressed: a zip bomb), and a document with more text than ``max_chars`` (the
walk stops there). Any error of the libraries is caught here and becomes a one-line reason.

The walk (:func:`walk`) also records where each ``w:t`` element's text is in the rendition,
which is how :mod:`lgo_audit.documents.docx_fix` writes a fix back into the document.
"""

from __future__ import annotations

import io
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from lgo_audit.documents import DocumentError, Origin, Rendition

__all__ = ["MAX_UNPACKED_BYTES", "Walk", "open_document", "read", "walk"]

MAX_UNPACKED_BYTES: Final = 100_000_000
"""A DOCX whose parts would unpack to more bytes than this is refused (a letter, logo and
fonts included, unpacks to a few megabytes)."""

MAX_PARTS: Final = 10_000
"""A DOCX with more parts (zip entries) than this is refused."""

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE: Final = "EncryptedPackage".encode("utf-16-le")

_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_R, _T, _HYPERLINK, _TXBX = _W + "r", _W + "t", _W + "hyperlink", _W + "txbxContent"
_SDT, _SDT_CONTENT = _W + "sdt", _W + "sdtContent"
_ALTERNATE, _CHOICE, _FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
_ANCHOR = _W + "anchor"
# Wrappers whose content is read as if it stood in their place.
_BLOCK_WRAPPERS: Final = frozenset({_W + "customXml", _W + "ins", _W + "moveTo"})
_INLINE_WRAPPERS: Final = frozenset(
    {_W + n for n in ("ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo")}
)
_FLD_CHAR, _INSTR = _W + "fldChar", _W + "instrText"
_FLD_CHAR_TYPE: Final = _W + "fldCharType"
_HYPERLINK_FIELD: Final = re.compile(r"\s*HYPERLINK\b(.*)", re.IGNORECASE | re.DOTALL)
_FIELD_SWITCH: Final = re.compile(r'\\[a-zA-Z]\s+"[^"]*"|\\[a-zA-Z]')
_TABS: Final = frozenset({_W + "tab", _W + "ptab"})
_BREAKS: Final = frozenset({_W + "br", _W + "cr"})
# Where a run keeps its text boxes.
_BOX_HOLDERS: Final = frozenset({_W + "drawing", _W + "pict", _W + "object", _ALTERNATE})


def read(data: bytes, *, max_chars: int) -> Rendition:
    """The rendition of a DOCX's bytes. Raises :class:`DocumentError`."""
    return walk(open_document(data), max_chars=max_chars).rendition()


def open_document(data: bytes) -> Any:
    """The python-docx ``Document`` of ``data``, after the checks of the module docstring."""
    _check_package(data)
    try:
        import docx

        return docx.Document(io.BytesIO(data))
    except Exception as error:  # the boundary: any library error is a damaged document
        raise DocumentError(f"is a damaged Word document ({_brief(error)})") from None


def _check_package(data: bytes) -> None:
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise DocumentError("is encrypted (password-protected); save it without a password")
        raise DocumentError("is an old Word (.doc) or other OLE file, not a DOCX")
    if not data.startswith(b"PK"):
        raise DocumentError("is not a Word document (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:
        raise DocumentError(
            "is a damaged Word document (a truncated or corrupt zip archive)"
        ) from None
    if len(infos) > MAX_PARTS:
        raise DocumentError(f"is not a Word letter (a zip archive of {len(infos):,} files)")
    if not any(info.filename == "word/document.xml" for info in infos):
        raise DocumentError("is not a Word document (a zip archive without word/document.xml)")
    if any(info.flag_bits & 0x1 for info in infos):
        raise DocumentError("is encrypted (password-protected); save it without a password")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocumentError(
            f"would unpack to {unpacked:,} bytes, more than the {MAX_UNPACKED_BYTES:,} a Word "
            "letter may (a zip bomb?)"
        )


_MISSING_PART: Final = re.compile(r"no item named '([^']{1,100})'")


def _brief(error: Exception) -> str:
    """Why python-docx could not read a document, in a reviewer's words (no Python error
    names: a missing part is named, malformed XML said to be so, anything else is parts
    that are not a Word document's)."""
    missing = _MISSING_PART.search(str(error)) if isinstance(error, KeyError) else None
    if missing is not None:
        return f"its part {missing.group(1)} is missing"
    if type(error).__name__ == "XMLSyntaxError":  # lxml's, imported with python-docx only
        return "a part's XML is malformed"
    return "its parts are not those of a Word document"


@dataclass
class Walk:
    """A DOCX walked in document order: the rendition's pieces, and where each ``w:t``
    element's text starts in it."""

    max_chars: int
    target_of: Callable[[str], str]
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    origins: list[Origin] = field(default_factory=list)
    texts: list[tuple[int, Any]] = field(default_factory=list)
    """``(offset in the rendition's text, w:t element)``, in text order."""
    mirrors: dict[Any, list[Any]] = field(default_factory=dict)
    """A text box's ``w:t`` -> its copies in the other branches of an
    ``mc:AlternateContent`` (its ``mc:Fallback``)."""
    paragraphs: int = 0
    tables: int = 0
    fields: list[list[str | None]] = field(default_factory=list)
    """Open complex fields (``w:fldChar``): ``[instruction, target once it is a link]``."""
    _origin: Origin = field(default_factory=Origin)

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def rendition(self) -> Rendition:
        origins = tuple(self.origins) or (Origin(paragraph=1),)
        return Rendition(format="docx", text=self.text, origins=origins)

    def origin_at(self, offset: int) -> Origin:
        """The origin of the line holding ``offset`` of :attr:`text`."""
        line = self.text.count("\n", 0, offset)
        return self.origins[min(line, len(self.origins) - 1)] if self.origins else Origin()

    def text_element_at(self, offset: int) -> int:
        """The index in :attr:`texts` of the last ``w:t`` starting at or before ``offset``."""
        return bisect_right([start for start, _ in self.texts], offset) - 1

    # --- writing the rendition ------------------------------------------------------------

    def _add(self, piece: str) -> None:
        if not piece:
            return
        self.length += len(piece)
        if self.length > self.max_chars:
            raise DocumentError(
                f"has more than {self.max_chars:,} characters of text, more than a letter may"
            )
        self.pieces.append(piece)

    def _line(self, origin: Origin) -> None:
        if self.origins:
            self._add("\n")
        self.origins.append(origin)
        self._origin = origin

    # --- the walk ---------------------------------------------------------------------------

    def blocks(self, parent: Any, cell: Origin | None) -> None:
        for child in parent:
            tag = child.tag
            if tag == _P:
                self.paragraph(child, cell)
            elif tag == _TBL:
                self.table(child, cell)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.blocks(content, cell)
            elif tag in _BLOCK_WRAPPERS:
                self.blocks(child, cell)

    def paragraph(self, paragraph: Any, cell: Origin | None) -> None:
        if cell is None:
            self.paragraphs += 1
            origin = Origin(paragraph=self.paragraphs)
        else:
            origin = cell
        self._line(origin)
        boxes: list[Any] = []
        self.inline(paragraph, boxes)
        for open_field in self.fields:  # a link field ends with its paragraph here
            if open_field[1] is not None:
                self._add(f"]({open_field[1]})")
                open_field[1] = None
        for box in boxes:
            self.blocks(box, cell)

    def table(self, table: Any, cell: Origin | None) -> None:
        self.tables += 1
        number = self.tables
        rows = [r for r in table.iter(_TR) if _nearest(r, _TBL) is table]
        for row_number, row in enumerate(rows, start=1):
            cells = [c for c in row.iter(_TC) if _nearest(c, _TR) is row]
            for cell_number, cell_element in enumerate(cells, start=1):
                here = cell or Origin(table=number, row=row_number, cell=cell_number)
                self.blocks(cell_element, here)

    def inline(self, parent: Any, boxes: list[Any]) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self.run(child, boxes)
            elif tag == _HYPERLINK:
                self._add("[")
                self.inline(child, boxes)
                self._add(f"]({self._target(child)})")
            elif tag in _INLINE_WRAPPERS:
                self.inline(child, boxes)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.inline(content, boxes)
            elif tag == _ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self.inline(branch, boxes)

    def run(self, run: Any, boxes: list[Any]) -> None:
        for child in run:
            tag = child.tag
            if tag == _T:
                self.texts.append((self.length, child))
                self._add(child.text or "")
            elif tag in _TABS:
                self._add("\t")
            elif tag in _BREAKS:
                self._line(self._origin)
            elif tag == _FLD_CHAR:
                self._field(child.get(_FLD_CHAR_TYPE))
            elif tag == _INSTR and self.fields:
                self.fields[-1][0] = (self.fields[-1][0] or "") + (child.text or "")
            elif tag == _W + "noBreakHyphen":
                self._add("-")
            elif tag in _BOX_HOLDERS:
                boxes.extend(_text_boxes(child, self.mirrors))

    def _field(self, kind: str | None) -> None:
        """A complex field's begin, separate or end: a HYPERLINK field's result is a link."""
        if kind == "begin":
            self.fields.append(["", None])
        elif kind == "separate" and self.fields:
            target = _hyperlink_field(self.fields[-1][0] or "")
            if target is not None:
                self.fields[-1][1] = target
                self._add("[")
        elif kind == "end" and self.fields:
            target = self.fields.pop()[1]
            if target is not None:
                self._add(f"]({target})")

    def _target(self, link: Any) -> str:
        relationship = link.get(_R_ID)
        target = self.target_of(relationship) if relationship else ""
        return _link_target(target, link.get(_ANCHOR))


def walk(document: Any, *, max_chars: int) -> Walk:
    """Walk a python-docx ``Document``'s body (see the module docstring)."""
    rels = document.part.rels

    def target_of(relationship: str) -> str:
        found = rels.get(relationship)
        return "" if found is None else str(found.target_ref)

    try:
        done = Walk(max_chars, target_of)
        done.blocks(document.element.body, None)
    except DocumentError:
        raise
    except Exception as error:  # the boundary: any library error is a damaged document
        raise DocumentError(f"is a damaged Word document ({_brief(error)})") from None
    return done


def _link_target(target: str, anchor: str | None) -> str:
    if anchor:
        target = f"{target}#{anchor}"
    return target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _hyperlink_field(instruction: str) -> str | None:
    """The target of a ``HYPERLINK "url" \\l "anchor"`` field instruction; None for another
    field."""
    found = _HYPERLINK_FIELD.match(instruction)
    if found is None:
        return None
    rest = found.group(1)
    anchor = re.search(r'\\l\s+"([^"]*)"', rest)
    rest = _FIELD_SWITCH.sub(" ", rest)
    url = re.search(r'"([^"]*)"|(\S+)', rest)
    target = "" if url is None else (url.group(1) if url.group(1) is not None else url.group(2))
    return _link_target(target, None if anchor is None else anchor.group(1))


def _nearest(element: Any, tag: str) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _branch(alternate: Any) -> Any:
    """The branch of an ``mc:AlternateContent`` that is read: its first ``mc:Choice`` (what
    Word shows), else its ``mc:Fallback``."""
    choice = alternate.find(_CHOICE)
    return choice if choice is not None else alternate.find(_FALLBACK)


def _text_boxes(element: Any, mirrors: dict[Any, list[Any]]) -> list[Any]:
    """The text boxes in ``element``, each once: of an ``mc:AlternateContent``, the first
    branch that has any (the Fallback repeats the Choice's boxes for older readers). The
    ``w:t`` elements of a box repeated in another branch, with the same texts, are recorded
    in ``mirrors`` (a fix is written into both copies)."""
    if element.tag == _TXBX:
        return [element]
    if element.tag == _ALTERNATE:
        branches = [b for b in element if b.tag in (_CHOICE, _FALLBACK)]
        found = [_text_boxes_in(branch, mirrors) for branch in branches]
        chosen = next((boxes for boxes in found if boxes), [])
        for boxes in found:
            if boxes is chosen or len(boxes) != len(chosen):
                continue
            for box, copy in zip(chosen, boxes, strict=True):
                texts, copies = list(box.iter(_T)), list(copy.iter(_T))
                if [t.text for t in texts] == [t.text for t in copies]:
                    for t, twin in zip(texts, copies, strict=True):
                        mirrors.setdefault(t, []).append(twin)
        return chosen
    return _text_boxes_in(element, mirrors)


def _text_boxes_in(element: Any, mirrors: dict[Any, list[Any]]) -> list[Any]:
    found: list[Any] = []
    for child in element:
        found.extend(_text_boxes(child, mirrors))
    return found
