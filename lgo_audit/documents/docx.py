"""DOCX letters read as text (to be written: see the issue on DOCX and DOCX)."""

from __future__ import annotations

from lgo_audit.documents import DocumentError, Rendition


def read(data: bytes, *, max_chars: int) -> Rendition:
    """The rendition of a DOCX's bytes. Raises :class:`DocumentError`."""
    raise DocumentError("DOCX letters cannot be read yet")
