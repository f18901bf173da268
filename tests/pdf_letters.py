"""Annual Review letters laid out as PDFs, as the Ombudsman produces them (for the tests and the
PDF benchmark; needs fpdf2, in the ``test`` extra).

:func:`letter_pdf` lays a letter's text out as the issue on PDF letters describes: A4, a
letterhead band on the first page, a header and a footer with "Page N of M" on every page (not
letter text), the narrative on pages 1 and 2, and the statistics panels as an infographic on
the last page: each big figure ("59%", "10") in its own text block beside or above its label,
the panels in two columns. The Markdown links of the text (``[text](target)``) become real
link annotations, a ``#`` or empty target kept as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.actions import URIAction
from fpdf.annotations import AnnotationDict

__all__ = ["letter_pdf"]

HEADER = "Local Government and Social Care Ombudsman | Annual Review letter"
FOOTER = "PO Box 4771, Coventry CV4 0EH | www.lgo.org.uk | 0300 061 0614"

BODY = 9.5  # points: the narrative and the panels' statements
HEADING = 12.5
FIGURE = 26  # the infographic's big figures
_MARGIN = 20  # mm

_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_MARKUP = re.compile(r"\*\*|__|</?u>")
_FIGURE = re.compile(r"(\d[\d,.]*%?)(?:\s+(.+))?", re.S)
_PANEL_HEADINGS = ("Complaint overview", "Complaints upheld", "Compliance with", "Satisfactory")


class _LetterPDF(FPDF):
    """fpdf2 reads a link target starting with "#" as a named destination; a letter's "#"
    target is a URI ("#"), as a word processor writes it."""

    def link(
        self, x: float, y: float, w: float, h: float, link: str | int, *a: Any, **kw: Any
    ) -> Any:
        if isinstance(link, str) and link.startswith("#"):
            annotation = AnnotationDict(
                "Link",
                x=x * self.k,
                y=self.h_pt - y * self.k,
                width=w * self.k,
                height=h * self.k,
                action=URIAction(link),
            )
            self.pages[self.page].add_annotation(annotation)
            return annotation
        return super().link(x, y, w, h, link, *a, **kw)

    def header(self) -> None:
        self.set_font("Helvetica", size=7.5)
        self.set_text_color(110)
        self.set_xy(self.l_margin, 8)
        self.cell(0, 4, HEADER)
        self.set_text_color(0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_font("Helvetica", size=7.5)
        self.set_text_color(110)
        self.set_xy(15, -12)
        self.cell(120, 4, FOOTER)
        self.set_xy(-45, -12)
        self.cell(30, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


@dataclass
class _Paragraph:
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _paragraphs(text: str) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            out.append(_Paragraph(lines))
    return out


def _write(pdf: FPDF, text: str, height: float) -> None:
    """Write ``text`` in the flow, its Markdown links as link annotations."""
    position = 0
    for match in _LINK.finditer(text):
        if match.start() > position:
            pdf.write(height, _MARKUP.sub("", text[position : match.start()]))
        target = match.group(2) or "#"
        pdf.write(height, _MARKUP.sub("", match.group(1)), link=target)
        position = match.end()
    if position < len(text):
        pdf.write(height, _MARKUP.sub("", text[position:]))


def _panel_start(paragraphs: list[_Paragraph]) -> int:
    """The first paragraph of the statistics panels: after the sign-off, the first heading,
    "For the period ending" line or figure statement."""
    signed = next(
        (i for i, p in enumerate(paragraphs) if p.text.startswith("Yours sincerely")), None
    )
    if signed is None:
        return len(paragraphs)
    for index in range(signed + 1, len(paragraphs)):
        text = _MARKUP.sub("", paragraphs[index].text)
        if (
            text.startswith(_PANEL_HEADINGS)
            or "For the period ending" in text
            or _FIGURE.fullmatch(text)
        ):
            return index
    return len(paragraphs)


def _narrative(pdf: FPDF, paragraphs: list[_Paragraph]) -> None:
    middle = len(paragraphs) // 2
    for index, paragraph in enumerate(paragraphs):
        if index == middle and pdf.page == 1:
            pdf.add_page()  # the narrative runs over pages 1 and 2
        if index == 0 and paragraph.text.startswith("Local Government & Social Care"):
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, paragraph.text, align="L")
            pdf.ln(4)
            continue
        pdf.set_font("Helvetica", size=BODY)
        for line in paragraph.lines:
            _write(pdf, line, 4.6)
            pdf.ln(4.6)
        pdf.ln(2.5)


def _panels(pdf: FPDF, paragraphs: list[_Paragraph]) -> None:
    pdf.add_page()
    top: list[_Paragraph] = []
    panels: list[list[_Paragraph]] = []
    for paragraph in paragraphs:
        text = _MARKUP.sub("", paragraph.text)
        if "For the period ending" in text and not panels:
            top.append(paragraph)
        elif text.startswith(_PANEL_HEADINGS) or not panels:
            panels.append([paragraph])
        else:
            panels[-1].append(paragraph)
    pdf.set_font("Helvetica", "B", HEADING)
    for paragraph in top:
        pdf.multi_cell(0, 6, _MARKUP.sub("", paragraph.text), align="L")
        pdf.ln(3)
    columns_top = pdf.get_y()
    width = (pdf.w - 2 * _MARGIN - 10) / 2
    half = (len(panels) + 1) // 2
    for number, panel in enumerate(panels):
        column = 0 if number < half else 1
        if number == half:
            pdf.set_y(columns_top)
        left = _MARGIN + column * (width + 10)
        _panel(pdf, panel, left, width)
    pdf.set_left_margin(_MARGIN)
    pdf.set_right_margin(_MARGIN)


def _panel(pdf: FPDF, panel: list[_Paragraph], left: float, width: float) -> None:
    page_right = pdf.w - left - width
    index = 0
    while index < len(panel):
        text = _MARKUP.sub("", panel[index].text)
        pdf.set_left_margin(left)
        pdf.set_right_margin(page_right)
        pdf.set_x(left)
        if index == 0 and text.startswith(_PANEL_HEADINGS):
            pdf.set_font("Helvetica", "B", HEADING)
            pdf.multi_cell(width, 6, text, align="L")
            pdf.ln(2)
            index += 1
            continue
        figure = _FIGURE.fullmatch(text)
        label = figure.group(2) if figure else None
        if figure and label is None and index + 1 < len(panel):  # "0" then its label
            index += 1
            label = _MARKUP.sub("", panel[index].text)
        if figure:
            _figure(pdf, figure.group(1), label or "", left, width)
        else:
            pdf.set_font("Helvetica", size=BODY)
            _write(pdf, panel[index].text.replace("\n", " "), 4.4)
            pdf.ln(4.4)
            pdf.ln(2.5)
        index += 1


def _figure(pdf: FPDF, figure: str, label: str, left: float, width: float) -> None:
    """A big figure in its own block: a percentage beside its label, a count above it."""
    y = pdf.get_y()
    pdf.set_font("Helvetica", "B", FIGURE)
    if figure.endswith("%"):
        figure_width = pdf.get_string_width(figure) + 3
        pdf.set_xy(left, y)
        pdf.cell(figure_width, 11, figure)
        pdf.set_font("Helvetica", size=BODY)
        pdf.set_xy(left + figure_width + 2, y + 1)
        pdf.multi_cell(width - figure_width - 2, 4.4, label, align="L")
        pdf.set_y(max(pdf.get_y(), y + 12) + 2)
    else:
        pdf.set_xy(left, y)
        pdf.cell(width, 11, figure)
        pdf.set_font("Helvetica", size=BODY)
        pdf.set_xy(left, y + 11.5)
        pdf.multi_cell(width, 4.4, label, align="L")
        pdf.ln(2.5)
    pdf.set_x(left)


def letter_pdf(text: str, *, title: str = "Annual Review letter") -> bytes:
    """The letter ``text`` (as in rules/base/<year>.txt or examples/) laid out as a PDF."""
    paragraphs = _paragraphs(text)
    start = _panel_start(paragraphs)
    pdf = _LetterPDF(format="A4")
    pdf.set_title(title)
    pdf.set_margins(_MARGIN, 22, _MARGIN)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    pdf.set_fill_color(0, 84, 135)  # the letterhead band: a drawing, no text
    pdf.rect(0, 14, 6, 30, style="F")
    pdf.set_y(22)
    _narrative(pdf, paragraphs[:start])
    if start < len(paragraphs):
        _panels(pdf, paragraphs[start:])
    return bytes(pdf.output())
