"""Write text fixes into a Word (DOCX) letter, keeping its formatting.

A fix is an edit of the rendition's text (:mod:`lgo_audit.documents.docx`). It is written into
the document when the characters it replaces all lie in one run (``w:r``; possibly over
several of its ``w:t`` elements), or, for an insertion, at a run boundary: the inserted text
goes into the run it is followed by (``"1 "`` before ``"upheld decision"`` takes that run's
formatting), else into the run it follows. Nothing else changes: other runs, their formatting
(``w:rPr``), paragraphs and every other part of the package are kept; only
``word/document.xml`` is written again.

Refused, with a one-line :class:`UnwritableFix` reason: a span over two or more runs (their
formatting would have to be chosen), over something that is not run text (a tab, a line break,
the ``[``, ``](target)`` written around a hyperlink's text, a paragraph's end), and a
replacement holding a line break. A fix in a text box that an ``mc:AlternateContent`` repeats
in its ``mc:Fallback`` (for older readers) is written into both copies.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any, Final

from lgo_audit.documents import DocumentError
from lgo_audit.documents.docx import Walk, open_document, walk
from lgo_audit.findings import Edit

__all__ = ["UnwritableFix", "apply_edits_to_docx"]

_XML_SPACE: Final = "{http://www.w3.org/XML/1998/namespace}space"


class UnwritableFix(DocumentError):
    """An edit that cannot be written into the document; ``str()`` is one line."""


def apply_edits_to_docx(data: bytes, edits: Sequence[Edit], *, max_chars: int) -> bytes:
    """The DOCX ``data`` with ``edits`` (offsets of its rendition's text, not overlapping)
    written into its runs. Raises :class:`UnwritableFix` when one cannot be (nothing is
    written then), :class:`DocumentError` when the document cannot be read."""
    document = open_document(data)
    walked = walk(document, max_chars=max_chars)
    plans = [_plan(walked, edit) for edit in sorted(edits, key=lambda e: (e.start, e.end))]
    for plan in reversed(plans):  # from the end, so that earlier offsets stay valid
        for element, start, end, replacement in plan:
            old = element.text or ""
            new = old[:start] + replacement + old[end:]
            for written in (element, *walked.mirrors.get(element, ())):
                written.text = new
                if new != new.strip(" \t") or "  " in new:
                    written.set(_XML_SPACE, "preserve")
    from lxml import etree

    xml = etree.tostring(document.element, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_part(data, document.part.partname.lstrip("/"), xml)


def _plan(walked: Walk, edit: Edit) -> list[tuple[Any, int, int, str]]:
    """What to change for ``edit``: ``(w:t element, start, end, replacement)`` pieces."""
    where = walked.origin_at(edit.start).describe()
    if "\n" in edit.replacement or "\r" in edit.replacement:
        raise UnwritableFix(f"the fix at {where} adds a line break, which a DOCX fix cannot")
    texts = walked.texts
    if edit.start == edit.end:
        return [_insertion(walked, edit, where)]
    covering: list[tuple[int, Any]] = []
    index = max(walked.text_element_at(edit.start), 0)
    while index < len(texts) and texts[index][0] < edit.end:
        start, element = texts[index]
        if start + len(element.text or "") > edit.start and element.text:
            covering.append(texts[index])
        index += 1
    reached = edit.start
    for start, element in covering:
        if start > reached:
            break
        reached = start + len(element.text)
    if reached < edit.end:
        raise UnwritableFix(
            f"the fix at {where} changes text that is not all run text (a tab, a line break "
            "or a link's markup); not written into the Word document"
        )
    parents = [element.getparent() for _, element in covering]  # kept alive: ids stay unique
    runs = {id(parent) for parent in parents}
    if len(runs) > 1:
        raise UnwritableFix(
            f"the fix at {where} spans {len(runs)} formatting runs of the Word document "
            "(a fix is written only within one run)"
        )
    plan = []
    for number, (start, element) in enumerate(covering):
        low = max(edit.start - start, 0)
        high = min(edit.end - start, len(element.text))
        plan.append((element, low, high, edit.replacement if number == 0 else ""))
    return plan


def _insertion(walked: Walk, edit: Edit, where: str) -> tuple[Any, int, int, str]:
    offset = edit.start
    before = None
    for start, element in walked.texts[max(walked.text_element_at(offset) - 1, 0) :]:
        size = len(element.text or "")
        if start > offset:
            break
        if size and start == offset:
            return (element, 0, 0, edit.replacement)  # the run it is followed by
        if size and start < offset < start + size:
            return (element, offset - start, offset - start, edit.replacement)
        if size and start + size == offset:
            before = (element, size, size, edit.replacement)
    if before is not None:
        return before  # the run it follows
    raise UnwritableFix(f"the fix at {where} inserts text where the Word document has no run")


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The zip archive ``data`` with its entry ``name`` replaced by ``content``; every other
    entry, and the entries' order, names, dates and compression, kept."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        target.comment = source.comment
        for info in source.infolist():
            body = content if info.filename == name else source.read(info)
            target.writestr(info, body)
    return out.getvalue()
