"""Word (DOCX) letters made from a letter's text, with python-docx, as Word lays them out.

:func:`letter_docx` turns a text letter (a base letter, an example, a Markdown or HTML-ish
extraction) into a DOCX: a letterhead in the header and a page footer (both must be skipped),
one paragraph per line of the narrative with figures in runs of their own in bold, ``**x**``
bold and ``<u>x</u>`` underlined, ``[text](target)`` a real hyperlink (``#`` kept as the
target), and the statistics panels (from the first panel line after the signature) each in
turn in a table (one line per row), in a text box written as raw XML (``mc:AlternateContent``
whose ``mc:Fallback`` repeats the box, as Word writes it) and in a VML text box (``w:pict``).
"""

from __future__ import annotations

import io
import re

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

HEADER_TEXT = "LGSCO letterhead: PO Box 4771, Coventry CV4 0EH"
FOOTER_TEXT = "Page 1 of 3"

_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_MARKUP = re.compile(r"\*\*(.+?)\*\*|<u>(.+?)</u>|(\d[\d,.]*%?)")
_PANEL = re.compile(
    r"^(Complaints upheld$|Compliance with Ombudsman recommendations$|Satisfactory remedies"
    r"|.*For the period ending|\d+% of complaints we investigated)"
)
_NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def letter_docx(text: str) -> bytes:
    """A DOCX of the letter ``text`` (see the module docstring)."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER_TEXT
    section.footer.paragraphs[0].text = FOOTER_TEXT
    body = document.element.body
    body.remove(body[0]) if len(body) and body[0].tag == qn("w:p") else None
    lines = text.split("\n")
    panels = _panels(lines)
    start = panels[0][0] if panels else len(lines)
    for line in lines[:start]:
        _paragraph(document, document.add_paragraph(), line)
    for number, (first, last) in enumerate(panels):
        chunk = lines[first:last]
        kind = number % 3
        if kind == 0:
            _table(document, chunk)
        else:
            _text_box(document, chunk, alternate=kind == 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _panels(lines: list[str]) -> list[tuple[int, int]]:
    signed = next((i for i, line in enumerate(lines) if line.startswith("Yours sincerely")), None)
    if signed is None:
        return []
    starts = [i for i in range(signed + 1, len(lines)) if _PANEL.match(lines[i].strip())]
    ends = [*starts[1:], len(lines)]
    return list(zip(starts, ends, strict=True))


def _paragraph(document, paragraph, line: str) -> None:
    """``line`` into ``paragraph`` as runs: hyperlinks for links, bold figures."""
    position = 0
    for link in _LINK.finditer(line):
        _runs(paragraph, line[position : link.start()])
        _hyperlink(document, paragraph, link.group(1), link.group(2))
        position = link.end()
    _runs(paragraph, line[position:])


def _runs(paragraph, text: str) -> None:
    position = 0
    for found in _MARKUP.finditer(text):
        if found.start() > position:
            paragraph.add_run(text[position : found.start()])
        bold, underlined, figure = found.groups()
        run = paragraph.add_run(bold or underlined or figure)
        run.bold = underlined is None
        run.underline = underlined is not None
        if figure is not None:
            run.font.size = Pt(12)
        position = found.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def _hyperlink(document, paragraph, text: str, target: str) -> None:
    if target:
        rid = document.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = parse_xml(f'<w:hyperlink {_NAMESPACES} xmlns:r="{_R}" r:id="{rid}"/>')
    else:
        link = parse_xml(f"<w:hyperlink {_NAMESPACES}/>")
    run = parse_xml(
        f'<w:r {_NAMESPACES}><w:rPr><w:rStyle w:val="Hyperlink"/><w:u w:val="single"/></w:rPr>'
        f'<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'
    )
    link.append(run)
    paragraph._p.append(link)


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(document, chunk: list[str]) -> None:
    table = document.add_table(rows=len(chunk), cols=1)
    for row, line in zip(table.rows, chunk, strict=True):
        _paragraph(document, row.cells[0].paragraphs[0], line)


def _box_paragraphs(chunk: list[str]) -> str:
    paragraphs = []
    for line in chunk:
        runs = "".join(_run_xml(piece, bold) for piece, bold in _pieces(line))
        paragraphs.append(f"<w:p>{runs}</w:p>")
    return "".join(paragraphs)


def _pieces(line: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    position = 0
    for found in _MARKUP.finditer(line):
        if found.start() > position:
            out.append((line[position : found.start()], False))
        bold, underlined, figure = found.groups()
        out.append((bold or underlined or figure, underlined is None))
        position = found.end()
    if position < len(line):
        out.append((line[position:], False))
    return out


def _run_xml(text: str, bold: bool) -> str:
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{properties}<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'


def _text_box(document, chunk: list[str], *, alternate: bool) -> None:
    content = f"<w:txbxContent>{_box_paragraphs(chunk)}</w:txbxContent>"
    vml = (
        '<w:pict><v:shape style="width:400pt;height:200pt" type="#_x0000_t202">'
        f"<v:textbox>{content}</v:textbox></v:shape></w:pict>"
    )
    if alternate:
        drawing = (
            '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/><wp:extent cx="5000000" cy="2500000"/>'
            '<wp:docPr id="1" name="Panel"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing>"
        )
        inner = (
            f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent>"
        )
    else:
        inner = vml
    paragraph = parse_xml(f"<w:p {_NAMESPACES}><w:r>{inner}</w:r></w:p>")
    document.element.body.insert(len(document.element.body) - 1, paragraph)  # before sectPr
