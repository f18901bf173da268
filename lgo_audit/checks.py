"""The checks rule files name, and the names their messages may use: one declaration each.

A structure rule (``kind = "structure"``) gives a code, a severity and a message to the issues
of one structural check of :mod:`lgo_audit.structure` (or the reader's ``encoding-fallback``);
a data rule (``kind = "data"``) does the same for one reconciliation check of
:mod:`lgo_audit.batch`, and a batch rule with a ``check`` for one cross-document check there
(a page against its letter). Each check is declared here once: the stages emit it by this
declaration, rule loading accepts it (the rule schema's ``check`` enum must list exactly these:
``tests/test_checks.py``), and the generated docs describe it from here.

The names a message may use besides the letter's facts are declared here too, with the meaning
the fact vocabulary (``docs/facts.md``) prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from lgo_audit.grammar.kind import PAGE_SECTIONS

__all__ = [
    "CHECKS",
    "CONTROL_CHARACTER",
    "DATA_ROW_WITHOUT_LETTER",
    "DUPLICATE_SECTION",
    "ENCODING_FALLBACK",
    "FIGURE_DIFFERS",
    "LETTER_NOT_IN_DATA",
    "LINK_NAMES",
    "MALFORMED_STATEMENT",
    "MESSAGE_NAMES",
    "MISSING_SECTION",
    "MISSING_STATEMENT",
    "NOT_A_LETTER",
    "PAGE_CUT_SHORT",
    "PAGE_DIFFERS_FROM_LETTER",
    "RATE_FROM_POPULATION",
    "RENDITIONS_DIFFER",
    "SECTION_NAMES",
    "SECTION_OUT_OF_ORDER",
    "TEMPLATE_MISMATCH",
    "TEMPLATE_YEAR_ASSUMED",
    "UNEXPECTED_TEXT",
    "Check",
]

CheckKind = Literal["structure", "batch", "data"]


@dataclass(frozen=True)
class Check:
    """One check a rule file can name in ``check``: its name, the rule kind that reports it,
    what it finds, and which of that kind's message names it fills."""

    name: str
    kind: CheckKind
    finds: str
    fills: tuple[str, ...]
    documents: tuple[str, ...] = ("letter", "page")  # the kinds it applies to (document.kind)


NOT_A_LETTER = Check(
    "not-a-letter",
    "structure",
    "a file with too few sections of the template to be a letter; no other rule then runs",
    ("found", "profile"),
)
MISSING_SECTION = Check(
    "missing-section", "structure", "a required section not found", ("section", "expected")
)
SECTION_OUT_OF_ORDER = Check(
    "section-out-of-order",
    "structure",
    "a section out of the template's order",
    ("section", "expected"),
)
DUPLICATE_SECTION = Check(
    "duplicate-section",
    "structure",
    "a section appearing again, or a statement repeated within a section",
    ("section", "statement"),
)
MALFORMED_STATEMENT = Check(
    "malformed-statement",
    "structure",
    "text that starts like a statement but does not match its wording",
    ("expected", "found"),
)
UNEXPECTED_TEXT = Check(
    "unexpected-text", "structure", "text that belongs to no section", ("found", "section")
)
ENCODING_FALLBACK = Check(
    "encoding-fallback",
    "structure",
    "a file that was not UTF-8 and was read as Windows-1252",
    ("found",),
)
CONTROL_CHARACTER = Check(
    "control-character",
    "structure",
    "a control character in the text (U+0000 to U+001F but the tab and the line breaks, "
    "U+007F, and U+0080 to U+009F but U+0085), which a printed letter never shows and "
    "reading it ignores",
    ("found",),
)
MISSING_STATEMENT = Check(
    "missing-statement",
    "structure",
    "a statement a present section must hold (a panel's rate, average, count or basis; in "
    "2020 every panel line) not found, at the place where it should stand",
    ("section", "expected"),
)
TEMPLATE_YEAR_ASSUMED = Check(
    "template-year-assumed",
    "structure",
    "a title year with no template profile: the nearest profile is used (the latest moved on "
    "a year, or 2020 for an earlier year)",
    ("year", "profile"),
)
TEMPLATE_MISMATCH = Check(
    "template-mismatch",
    "structure",
    "wording that fits another year's template strictly better than the title year's",
    ("year", "found", "profile"),
)
PAGE_CUT_SHORT = Check(
    "page-cut-short",
    "structure",
    "a statistics page that ends before its end ('Annual letters'): what would stand after its "
    "last recognised statement (a statement cut off, the rest of its last panel, the panels "
    "after it) is not shown, so not checked",
    ("found", "missing", "section"),
    documents=("page",),
)
FIGURE_DIFFERS = Check(
    "figure-differs",
    "data",
    "each letter's figures against its row of the table",
    ("fact", "letter_value", "data_value", "column", "data_file", "row"),
)
LETTER_NOT_IN_DATA = Check(
    "letter-not-in-data",
    "data",
    "that each letter's authority and year have a row in the table",
    ("authority", "year", "data_file"),
)
RATE_FROM_POPULATION = Check(
    "rate-from-population",
    "data",
    "each letter's upheld decisions per 100,000 residents against its count and the table's "
    "population, at the rate's stated places",
    ("fact", "letter_value", "data_value", "column", "data_file", "row", "count", "population"),
)
PAGE_DIFFERS_FROM_LETTER = Check(
    "page-differs-from-letter",
    "batch",
    "each statistics page's figures (its `each` bindings' `it`) against the letter of its group "
    "(the same year and council): a figure both state differently fires on the page",
    ("value", "letter_value", "letter"),
)
RENDITIONS_DIFFER = Check(
    "renditions-differ",
    "batch",
    "within each group, each rendition of one letter (the same folder and file name, another "
    "ending: Kent.docx, Kent.pdf, Kent.txt) against the first by path: a fact they state "
    "differently fires on the later one",
    ("value", "letter_value", "letter"),
)
DATA_ROW_WITHOUT_LETTER = Check(
    "data-row-without-letter",
    "data",
    "that each row of the table has a letter in the run",
    ("authority", "year", "data_file", "row"),
)

CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        check.name: check
        for check in (
            NOT_A_LETTER,
            MISSING_SECTION,
            SECTION_OUT_OF_ORDER,
            DUPLICATE_SECTION,
            MALFORMED_STATEMENT,
            UNEXPECTED_TEXT,
            ENCODING_FALLBACK,
            CONTROL_CHARACTER,
            MISSING_STATEMENT,
            TEMPLATE_YEAR_ASSUMED,
            TEMPLATE_MISMATCH,
            PAGE_CUT_SHORT,
            PAGE_DIFFERS_FROM_LETTER,
            RENDITIONS_DIFFER,
            FIGURE_DIFFERS,
            LETTER_NOT_IN_DATA,
            RATE_FROM_POPULATION,
            DATA_ROW_WITHOUT_LETTER,
        )
    }
)
"""Every check by name, in the order the docs list them."""


MESSAGE_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "structure": {
            "section": "the section concerned (for unexpected text: where the text stands)",
            "expected": (
                "what the template expects (a statement's wording, or where a section belongs)"
            ),
            "found": "what was found: an excerpt, the sections recognised, or the reader's note",
            "profile": "the template profile the letter was read with",
            "year": (
                "the year of the letter's title (template-year-assumed, template-mismatch: null "
                "for a letter without one)"
            ),
            "missing": "what a page cut short does not show (page-cut-short)",
            "statement": (
                "the statement stated again within its section, as the template words it "
                "(duplicate-section; null when the whole section appears again)"
            ),
        },
        "text": {"match": "the text a pattern matched"},
        "batch": {
            "value": "the letter's value of `agree`",
            "majority": "the value more letters of the group give than any other, even fewer than half of them (null when two values tie)",
            "majority_count": "how many letters give the majority value",
            "group_size": "how many letters of the group give a value",
            "group": "the group's values of `group`, e.g. `2020, District`",
            "disagreeing": "the file names of the letters that differ (at most eight, then a "
            "count), each with as many of its folders as tell it from the batch's other files "
            "of that name (`2025/bury.txt`)",
            "first": "for `unique` rules: the file name of the group's first letter (by path "
            "made absolute, however it was typed: `./x` and `/home/me/y` compare as "
            "`/home/me/x` and `/home/me/y`), named as in `disagreeing`",
            "copy": "for `unique` rules: which of the group's letters this one is, in the "
            "same order, with its article (`a second`, `a third`, `an eighth`, `an 11th`)",
            "letter_value": "for the page-differs-from-letter check: the letter's value; for "
            "renditions-differ, the first rendition's",
            "letter": "for the page-differs-from-letter check: the letter's file name (named "
            "as in `disagreeing`); for "
            "renditions-differ, the first rendition's",
        },
        "data": {
            "fact": "the fact compared",
            "letter_value": "its value in the letter",
            "data_value": "the table's value",
            "column": "the table's column",
            "data_file": "the table's file name",
            "row": "the row's line in the table",
            "authority": "the authority of the letter or row",
            "year": "the year of the letter or row",
            "count": "for the rate-from-population check: the letter's upheld decisions",
            "population": "for the rate-from-population check: the row's population",
        },
    }
)
"""Names a rule's message may use besides the facts, by rule kind, with their meaning. A
structure or data rule's message uses only these (a name its check does not fill reads null);
a batch rule's message adds them to the letter's facts."""

LINK_NAMES: Mapping[str, str] = MappingProxyType(
    {"it.text": "the text of the hyperlink", "it.target": "the target of the hyperlink"}
)
"""Names of a rule with ``each = "links"``: the hyperlink being judged."""

# Written out rather than read from the profiles: reading every year's sections would build
# every year's grammar (~5 ms), where a letter's check builds its own year's. The sections of
# the page profiles (PAGE_PROFILES) are the letter's and the page's own (PAGE_SECTIONS).
# tests/test_architecture.py keeps these the sections of every letter profile, in order.
_LETTER_SECTIONS = (
    "letterhead",
    "letter-date",
    "delivery",
    "addressee",
    "salutation",
    "title",
    "introduction",
    "statistics-explanation",
    "publication",
    "resources",
    "seminars",
    "training",
    "sign-off",
    "panel-header",
    "upheld",
    "compliance",
    "remedy",
    "overview",
)
SECTION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        f"section.{name.replace('-', '_')}": name
        for name in (*_LETTER_SECTIONS, *(s.name for s in PAGE_SECTIONS))
    }
)
"""``section.sign_off`` -> ``sign-off``: true when the letter has that section; in ``at``, its
place."""
