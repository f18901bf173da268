"""Annual Review letters laid out in layouts of their own, unlike tests/pdf_letters.py and
tests/docx_letters.py: the reader must not depend on how those two lay a letter out.

:func:`serif_letter_pdf` (fpdf2): US Letter, wide margins, a serif font (Liberation Serif
when installed, else the core Times), every word drawn at an absolute position with
``text()`` and the narrative justified (so the gaps between words vary), a letterhead of
several lines right-aligned, a header with the council's name and a footer "Page N of M" on
every page, link annotations over the linked words only, and the statistics panels as a
two-column infographic starting on the page after the narrative and running over onto the
next page: a percentage's big figure ABOVE its label, a count's BESIDE it (the other way
round from tests/pdf_letters.py).

:func:`table_letter_docx` (python-docx): every paragraph of the letter in a one-column table
(one row each), soft line breaks in the address, a paragraph style of its own, the narrative's
links as ``HYPERLINK`` fields, numbered paragraphs, and the panels in a two-column table whose
big figures have a cell of their own (beside the label) or a row of their own (above it),
each figure written in two bold runs split inside it ("5" + "9%").
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.actions import URIAction
from fpdf.annotations import AnnotationDict

__all__ = ["serif_letter_pdf", "table_letter_docx"]

_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_MARKUP = re.compile(r"\*\*|__|</?u>")
_FIGURE = re.compile(r"(\d[\d,.]*%?)(?:\s+(.+))?", re.S)
_SERIF = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
_SERIF_BOLD = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf")


def _blocks(text: str) -> list[str]:
    """The letter's paragraphs (blank-line separated), each as one string of its lines."""
    out = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            out.append("\n".join(lines))
    return out


def _split(blocks: list[str]) -> tuple[list[str], list[str]]:
    """The narrative (up to the signature's last line) and the panels after it."""
    signed = next((i for i, b in enumerate(blocks) if b.startswith("Yours sincerely")), None)
    if signed is None:
        return blocks, []
    end = signed + 1
    # the signature: names and titles, short lines without a figure
    while end < len(blocks) and len(blocks[end]) < 160 and not re.search(r"\d", blocks[end]):
        if blocks[end].startswith(("Complaints upheld", "Compliance with", "Satisfactory")):
            break
        end += 1
    return blocks[:end], blocks[end:]


def _words(text: str) -> list[tuple[str, str | None]]:
    """Words of ``text`` (markup removed), each with its link target or None."""
    out: list[tuple[str, str | None]] = []
    position = 0
    for match in _LINK.finditer(text):
        out += [(w, None) for w in _MARKUP.sub("", text[position : match.start()]).split()]
        out += [(w, match.group(2) or "#") for w in _MARKUP.sub("", match.group(1)).split()]
        position = match.end()
    out += [(w, None) for w in _MARKUP.sub("", text[position:]).split()]
    return out


class _SerifPDF(FPDF):
    council = ""
    columns: tuple[float, ...] = ()
    column_top = 0.0

    def setup_fonts(self) -> str:
        if _SERIF.exists() and _SERIF_BOLD.exists():
            self.add_font("LSerif", "", str(_SERIF))
            self.add_font("LSerif", "B", str(_SERIF_BOLD))
            return "LSerif"
        return "Times"

    def furniture(self) -> None:
        """The header (the council's name) and the footer ("Page N of M") of every page,
        drawn once all the pages are there."""
        count = len(self.pages)
        for number in range(1, count + 1):
            self.page = number
            self.set_font(self.family, "B", 8)  # select the font anew on each page
            self.set_font(self.family, "", 8)
            self.text(self.l_margin, 12, self.council or "Annual Review letter")
            label = f"Page {number} of {count}"
            x = self.w - self.r_margin - self.get_string_width(label) - 4
            self.text(x, self.h - 8, label)

    def link_uri(self, x: float, y: float, w: float, h: float, target: str) -> None:
        annotation = AnnotationDict(
            "Link",
            x=x * self.k,
            y=self.h_pt - y * self.k,
            width=w * self.k,
            height=h * self.k,
            action=URIAction(target),
        )
        self.pages[self.page].add_annotation(annotation)


def _words_at(
    pdf: _SerifPDF,
    words: list[tuple[str, str | None]],
    left: float,
    width: float,
    size: float,
    *,
    justify: bool,
    style: str = "",
) -> float:
    """Lay ``words`` out in lines from pdf.y, each word with ``text()``, justified; the left
    edge they end at (another column's when they run over)."""
    pdf.set_font(pdf.family, style, size)
    space = pdf.get_string_width(" ")
    leading = size * 0.3528 * 1.35
    lines: list[list[tuple[str, str | None]]] = [[]]
    used = 0.0
    for word in words:
        w = pdf.get_string_width(word[0])
        if lines[-1] and used + space + w > width:
            lines.append([])
            used = 0.0
        used += (space if lines[-1] else 0) + w
        lines[-1].append(word)
    for number, line in enumerate(lines):
        if not line:
            continue
        if pdf.get_y() + leading > pdf.h - pdf.b_margin:
            left = _overflow(pdf, left)
        baseline = pdf.get_y() + size * 0.3528
        natural = sum(pdf.get_string_width(w) for w, _ in line)
        last = number == len(lines) - 1
        gap = space
        if justify and not last and len(line) > 1:
            gap = (width - natural) / (len(line) - 1)
        x = left
        for index, (word, target) in enumerate(line):
            w = pdf.get_string_width(word)
            pdf.text(x, baseline, word)
            if target is not None:
                nxt = line[index + 1][1] if index + 1 < len(line) else None
                extent = w + (gap if nxt == target else 0)
                pdf.link_uri(x, baseline - size * 0.3528, extent, size * 0.3528 * 1.2, target)
            x += w + gap
        pdf.set_y(pdf.get_y() + leading)
    return left


def serif_letter_pdf(text: str, *, council: str = "") -> bytes:
    """The letter ``text`` laid out in the serif layout (see the module docstring)."""
    pdf = _SerifPDF(format="Letter")
    pdf.family = pdf.setup_fonts()
    pdf.council = council
    pdf.set_margins(28, 26, 24)
    pdf.set_auto_page_break(False, margin=30)
    pdf.add_page()
    pdf.set_y(pdf.t_margin)
    narrative, panels = _split(_blocks(text))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for index, block in enumerate(narrative):
        if index == 0 and "OMBUDSMAN" in block.upper() and len(block) < 60:
            # the letterhead: several lines, right-aligned
            pdf.set_font(pdf.family, "B", 12)
            words = _MARKUP.sub("", block).split()
            for part in (" ".join(words[:3]), " ".join(words[3:5]), " ".join(words[5:])):
                if part:
                    w = pdf.get_string_width(part)
                    pdf.text(pdf.w - pdf.r_margin - w, pdf.get_y() + 4, part)
                    pdf.set_y(pdf.get_y() + 5.5)
            pdf.set_y(pdf.get_y() + 4)
            continue
        for line in block.split("\n"):
            _words_at(pdf, _words(line), pdf.l_margin, width, 11, justify=True)
        pdf.set_y(pdf.get_y() + 3)
    if panels:
        _infographic(pdf, panels)
    pdf.furniture()
    return bytes(pdf.output())


_HEADINGS = ("Complaints upheld", "Compliance with", "Satisfactory remedies")


def _infographic(pdf: _SerifPDF, blocks: list[str]) -> None:
    """The panels in two columns, the first half on the left, starting under the narrative;
    a column that reaches the bottom of a page goes on at the top of the next one."""
    groups: list[list[str]] = [[]]
    for block in blocks:
        plain = _MARKUP.sub("", block)
        if plain.startswith(_HEADINGS) and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    gutter = 14
    width = (pdf.w - pdf.l_margin - pdf.r_margin - gutter) / 2
    pdf.columns = (pdf.l_margin, pdf.l_margin + width + gutter)
    pdf.column_top = pdf.get_y() + 4
    pdf.set_y(pdf.column_top)
    left = pdf.l_margin
    for group in groups:
        for block in group:
            plain = " ".join(_MARKUP.sub("", block).split())
            figure = _FIGURE.fullmatch(plain)
            if plain.startswith(_HEADINGS):
                left = _words_at(pdf, _words(plain), left, width, 13, justify=False, style="B")
                pdf.set_y(pdf.get_y() + 2)
            elif figure:
                left = _big(pdf, figure.group(1), figure.group(2) or "", left, width)
            else:
                words = _words(block.replace("\n", " "))
                left = _words_at(pdf, words, left, width, 9, justify=False)
                pdf.set_y(pdf.get_y() + 2)
        pdf.set_y(pdf.get_y() + 4)
    pdf.columns = ()


def _overflow(pdf: _SerifPDF, left: float) -> float:
    """Where the text goes on when it reaches the bottom of the page: in the panels' left
    column, to the top of the right one; else to the top of the next page."""
    if pdf.columns and left == pdf.columns[0]:
        pdf.set_y(pdf.column_top)
        return pdf.columns[1]
    _next_page(pdf)
    pdf.column_top = pdf.get_y()
    return pdf.columns[0] if pdf.columns else left


def _next_page(pdf: FPDF) -> None:
    """Go on at the top of the next page, adding it when it is not there yet."""
    if pdf.page < len(pdf.pages):
        pdf.page += 1
    else:
        pdf.add_page()
    pdf.set_y(pdf.t_margin)


def _big(pdf: _SerifPDF, figure: str, label: str, left: float, width: float) -> float:
    y = pdf.get_y()
    pdf.set_font(pdf.family, "B", 30)
    fw = pdf.get_string_width(figure)
    if y + 14 > pdf.h - pdf.b_margin:
        left = _overflow(pdf, left)
        y = pdf.get_y()
    if figure.endswith("%"):  # above its label
        pdf.text(left, y + 10, figure)
        pdf.set_y(y + 13)
        if label:
            left = _words_at(pdf, _words(label), left, width, 9, justify=False)
    else:  # beside its label, vertically centred on it
        pdf.text(left, y + 10, figure)
        pdf.set_y(y + 4)
        if label:
            _words_at(pdf, _words(label), left + fw + 4, width - fw - 4, 9, justify=False)
        pdf.set_y(max(pdf.get_y(), y + 13))
    pdf.set_y(pdf.get_y() + 2)
    return left


# --- DOCX -------------------------------------------------------------------------------------


def table_letter_docx(text: str) -> bytes:
    """The letter ``text`` as a Word document of tables (see the module docstring)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles.add_style("Letter Body", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = "Georgia"
    style.font.size = Pt(10.5)
    section = document.sections[0]
    section.header.paragraphs[0].text = "Annual Review letter | Page 1 of 4"
    narrative, panels = _split(_blocks(text))
    table = document.add_table(rows=0, cols=1)
    for index, block in enumerate(narrative):
        cell = table.add_row().cells[0]
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        lines = block.split("\n")
        for number, line in enumerate(lines):
            if number:
                paragraph.add_run().add_break()  # a soft line break (the address)
            _docx_runs(paragraph, line, parse_xml)
        if index == 3:  # a numbered paragraph (the number is not text)
            paragraph.style = document.styles["List Number"]
    if panels:
        grid = document.add_table(rows=0, cols=2)
        for block in panels:
            plain = " ".join(_MARKUP.sub("", block).split())
            figure = _FIGURE.fullmatch(plain)
            if figure and figure.group(1).endswith("%"):  # a row of its own, above
                row = grid.add_row().cells
                _split_figure(row[0].paragraphs[0], figure.group(1))
                if figure.group(2):
                    grid.add_row().cells[0].paragraphs[0].add_run(figure.group(2))
            elif figure:  # a cell of its own, beside
                row = grid.add_row().cells
                _split_figure(row[0].paragraphs[0], figure.group(1))
                row[1].paragraphs[0].add_run(figure.group(2) or "")
            else:
                row = grid.add_row().cells
                _docx_runs(row[0].paragraphs[0], block.replace("\n", " "), parse_xml)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _split_figure(paragraph: Any, figure: str) -> None:
    from docx.shared import Pt

    cut = max(1, len(figure) // 2)
    for piece in (figure[:cut], figure[cut:]):
        if piece:
            run = paragraph.add_run(piece)
            run.bold = True
            run.font.size = Pt(28)


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_runs(paragraph: Any, line: str, parse_xml: Any) -> None:
    """``line`` as runs: bold figures split mid-figure, links as HYPERLINK fields."""
    position = 0
    for match in _LINK.finditer(line):
        _plain_runs(paragraph, line[position : match.start()])
        target = match.group(2)
        label = _MARKUP.sub("", match.group(1)).replace("&", "&amp;").replace("<", "&lt;")
        for xml in (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "{target}" </w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            f'<w:r><w:t xml:space="preserve">{label}</w:t></w:r>',
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        ):
            paragraph._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {_W_NS}>", 1)))
        position = match.end()
    _plain_runs(paragraph, line[position:])


def _plain_runs(paragraph: Any, text: str) -> None:
    position = 0
    for match in re.finditer(r"\d[\d,.]*%?", text):
        if match.start() > position:
            paragraph.add_run(_MARKUP.sub("", text[position : match.start()]))
        figure = match.group()
        cut = max(1, len(figure) // 2)
        for piece in (figure[:cut], figure[cut:]):
            if piece:
                paragraph.add_run(piece).bold = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(_MARKUP.sub("", text[position:]))
