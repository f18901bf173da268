"""A statistics page saved from the Ombudsman's site as HTML, read as the text of the page.

The HTML is turned into text by inscriptis (on lxml's HTML parser), the way a browser lays
it out: block elements (headings, paragraphs, list items, table rows) become lines of their
own, inline elements (links, bold figures) stay in their line, scripts and styles are
dropped. Nothing here knows the site: no class names, ids or selectors. Two generic rules of
HTML are followed: a page with one ``<main>`` element is its content (the site's header,
menus and footer stand outside it), and ``<nav>`` elements (menus) are left out. The text is
then read like a text page (:mod:`lgo_audit.grammar.page`); findings point at the lines of
this text, which ``check`` shows under them.

A file that is not usable HTML is an :class:`~lgo_audit.reader.InputError` (one line, exit
status 2), as any unreadable input, and so is an HTML report lgo-audit wrote (its
``generator`` meta element), which a run may find beside the letters it reported on.
"""

from __future__ import annotations

import re
from pathlib import PurePath

__all__ = ["GENERATOR", "HTML_SUFFIXES", "html_to_text", "is_html_path", "is_own_report"]

HTML_SUFFIXES = (".html", ".htm")
"""What a saved web page's file name ends with."""

_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


GENERATOR = "lgo-audit"
"""The ``generator`` meta element's content in the HTML reports lgo-audit writes, before its
version (``lgo_audit/report/templates/report.html.j2``): how such a report is known when read."""
_REPORT_MARK = re.compile(
    rb"<(?i:meta)\b"
    rb"""(?=[^>]*\s(?i:name)\s*=\s*(["']?)\s*(?i:generator)\s*\1[\s/>])"""
    rb"""(?=[^>]*\s(?i:content)\s*=\s*["']?\s*(?i:""" + re.escape(GENERATOR.encode()) + rb"))"
)
"""The report's ``generator`` meta element, its attributes in any order, its name and the
generator's in any case, spaces around them (as the page's own reading finds it:
:func:`html_to_text`)."""
_UPPER_TO_LOWER = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'"
"""XPath 1.0's lower-casing (``translate``): a meta element's name is read ignoring case."""
_REPORT_HEAD = 4096  # bytes of a file in which its report's mark stands


def is_own_report(path: str | PurePath) -> bool:
    """Whether ``path`` is an HTML report lgo-audit wrote (its mark within the first
    :data:`_REPORT_HEAD` bytes); False for a file that cannot be read."""
    if not is_html_path(str(path)):
        return False
    try:
        with open(path, "rb") as report:
            return _REPORT_MARK.search(report.read(_REPORT_HEAD)) is not None
    except OSError:
        return False


def is_html_path(path: str) -> bool:
    """Whether ``path`` names an HTML file (by its ending, whatever its case)."""
    if ".htm" not in path.lower():
        return False  # (a name's suffix is part of the path: no need to parse the path)
    return PurePath(path).suffix.lower() in HTML_SUFFIXES


def html_to_text(markup: str, path: str) -> str:
    """The text of the HTML page ``markup`` (block elements one a line); raises
    :class:`~lgo_audit.reader.InputError` naming ``path`` when it is no HTML with text."""
    from inscriptis import Inscriptis
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig
    from lxml import etree, html

    from lgo_audit.reader import InputError

    try:
        # (huge_tree: libxml2 would otherwise drop what is nested 256 elements deep, and the
        # page's text with it; the file's size is limited already)
        parser = html.HTMLParser(huge_tree=True)
        document = html.document_fromstring(_DECLARATION.sub("", markup, count=1), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        reason = str(error).strip() or type(error).__name__
        raise InputError(path, f"is not an HTML page that can be read ({reason})") from None
    if document.xpath(
        f"//head/meta[translate(normalize-space(@name), {_UPPER_TO_LOWER})='generator']"
        f"[starts-with(translate(normalize-space(@content), {_UPPER_TO_LOWER}), '{GENERATOR}')]"
    ):
        # (its findings quote letters' lines: read as a page, it would be a page of faults)
        raise InputError(
            path, "is an HTML report lgo-audit wrote, not a letter or page (see exclude)"
        )
    for menu in document.xpath("//nav"):
        menu.drop_tree()
    mains = document.xpath("//main")
    root = mains[0] if len(mains) == 1 else document
    config = ParserConfig(css=CSS_PROFILES["strict"])
    try:
        text = Inscriptis(root, config).get_text()
    except RecursionError:  # (the elements are read one within another)
        raise InputError(path, "is an HTML page nested too deeply to read") from None
    text = _BLANK_RUNS.sub("\n\n", text).strip("\n")
    if not text.strip():
        raise InputError(path, "is an HTML page without text")
    return text + "\n"
