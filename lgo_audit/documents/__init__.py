"""Letters as they are produced: PDF and Word (DOCX) files read as text.

A PDF or DOCX letter is turned into a :class:`Rendition`: the text that is checked (lines
separated by ``"\\n"``, links written as Markdown, ``[text](target)``, so that the normaliser
reads them as it reads a Markdown extraction) and, for each of its lines, the :class:`Origin`
of that line in the document: a PDF's page and the line in that page's extracted text, a
DOCX's paragraph or table cell. Findings carry the origin of their line
(:attr:`lgo_audit.findings.Finding.origin`).

The readers (:mod:`lgo_audit.documents.pdf`, :mod:`lgo_audit.documents.docx`) import their
libraries only when a PDF or DOCX is read. A file that cannot be read is a
:class:`DocumentError` with a one-line reason; the reader module turns it into an
:class:`~lgo_audit.reader.InputError` naming the file (exit status 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAX_PAGES",
    "DocumentError",
    "Origin",
    "Rendition",
    "document_format",
    "read_document",
]

DOCUMENT_SUFFIXES = (".pdf", ".docx")
"""What the file name of a PDF or Word letter ends with."""

MAX_PAGES = 100
"""A PDF with more pages is refused before its text is extracted (a letter has 3 to 6)."""

Format = Literal["pdf", "docx"]


class DocumentError(Exception):
    """A PDF or DOCX that cannot be checked; ``str()`` is one line without the file's name
    ("is encrypted", "has no text layer: a scan?")."""


@dataclass(frozen=True)
class Origin:
    """Where a line of a rendition's text is in the document (numbers from 1).

    PDF: ``page`` and ``line`` (the line in that page's extracted text). DOCX: ``paragraph``
    (body paragraphs and text boxes in document order), or ``table``, ``row`` and ``cell``
    for a table cell's text."""

    page: int | None = None
    line: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    def to_dict(self, column: int | None = None) -> dict[str, int]:
        """The origin as JSON fields; ``column`` (a PDF line's column) added when given."""
        found = {k: v for k, v in self.__dict__.items() if v is not None}
        if column is not None and self.page is not None:
            found["column"] = column
        return found

    def describe(self, column: int | None = None) -> str:
        """``page 2, line 14, column 5``; ``paragraph 12``; ``table 1, row 2, cell 3``."""
        return ", ".join(f"{k} {v}" for k, v in self.to_dict(column).items())


@dataclass(frozen=True)
class Rendition:
    """A PDF or DOCX as text: ``text`` (lines, links as Markdown) and one :class:`Origin`
    per line of ``text`` (``len(origins) == text.count("\\n") + 1``)."""

    format: Format
    text: str
    origins: tuple[Origin, ...]
    notes: tuple[str, ...] = ()

    def origin_of(self, line: int) -> Origin | None:
        """The origin of 1-based ``line`` of :attr:`text`, or None beyond it."""
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


def document_format(data: bytes, path: str) -> Format | None:
    """The document format of a file, by its content ("%PDF-"; a zip holding
    ``word/document.xml``), else by a ``.pdf``/``.docx`` ending; None for anything else
    (a text file)."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
    lowered = path.lower()
    if ".pdf" not in lowered and ".docx" not in lowered:
        return None  # (a name's suffix is part of the path: no need to parse the path)
    suffix = PurePath(path).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    return None


def read_document(data: bytes, fmt: Format, *, max_chars: int) -> Rendition:
    """The rendition of a PDF's or DOCX's bytes. ``max_chars``: the most text it may give
    (the size limit of text letters). Raises :class:`DocumentError`."""
    reader: Any
    if fmt == "pdf":
        from lgo_audit.documents import pdf as reader
    else:
        from lgo_audit.documents import docx as reader
    return reader.read(data, max_chars=max_chars)  # type: ignore[no-any-return]
