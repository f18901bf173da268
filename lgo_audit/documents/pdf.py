"""PDF letters read as text (to be written: see the issue on PDF and DOCX)."""

from __future__ import annotations

from lgo_audit.documents import DocumentError, Rendition


def read(data: bytes, *, max_chars: int) -> Rendition:
    """The rendition of a PDF's bytes. Raises :class:`DocumentError`."""
    raise DocumentError("PDF letters cannot be read yet")
