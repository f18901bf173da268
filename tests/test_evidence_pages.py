"""The real statistics pages, checked as pages: the facts each gives, and only its findings.

Each text in ``tests/fixtures/evidence/lgo-statistics-pages/`` is the text of a council's
statistics page as saved from the Ombudsman's site (two renderings; most cut short at about
2,000 characters). ``lgo-audit check`` must recognise each as a page, not a letter, read its
panels (and for 2024-25 its overview) with its year's panel grammar, give exactly the facts the
page states (written out below), and find only the page's own defects: Kent's
"3.9% upheld decisions per 100,000 residents" (LGO405) and Cheltenham's "1 investigations"
(LGO401). What a page cut short does not show is one information finding (LGO011), never an
error; the same page saved as HTML gives the same facts and findings.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lgo_audit.application import CheckOptions, run_check
from lgo_audit.parse import parse_file
from lgo_audit.register import load_register
from tests.paths import STATISTICS_PAGES

# --- the pages and what each says ----------------------------------------------------------


def _d(text: str) -> Decimal:
    return Decimal(text)


def _period(start: int) -> dict[str, datetime.date]:
    return {
        "period.start": datetime.date(start, 4, 1),
        "period.end": datetime.date(start + 1, 3, 31),
    }


def _in(section: str, facts: dict[str, Any]) -> dict[str, Any]:
    return {f"{section}.{key}": value for key, value in facts.items()}


@dataclass(frozen=True)
class Page:
    file: str
    year: int  # the letter's year (the data year's end)
    council: str
    facts: dict[str, Any]
    """The facts the page states, read off it."""
    findings: tuple[tuple[str, str], ...] = ()
    """The errors and warnings expected: code and the text of the line it points at."""
    cut: tuple[str, ...] = ()
    """What a page saved cut short does not show: the statements and panels its one
    information finding (LGO011) names, in the order it names them."""
    cut_at: str = ""
    """The text of the line that finding points at: the cut-off statement, or the last one."""

    def __str__(self) -> str:
        return self.file.removesuffix(".txt")


def _overview_2025(dealt: int, not_for_us: int, closed: int, investigated: int) -> dict[str, Any]:
    return _in(
        "overview",
        {
            **_period(2024),
            "dealt_with": dealt,
            "dealt_with_label": "complaints",
            "not_for_us": not_for_us,
            "assessed_and_closed": closed,
            "assessed_and_closed_label": "complaints",
            "investigated": investigated,
            "investigated_label": "complaints",
        },
    )


_KENT = "Kent County Council"
_PER_100K_AVERAGE = (
    "The average for authorities of this type is <n> upheld decisions per 100,000 residents."
)
_CUT_2025 = (
    _PER_100K_AVERAGE,
    "compliance with recommendations panel",
    "satisfactory remedies panel",
)
_KENT_FACTS = {
    **_overview_2025(291, 87, 128, 76),
    **_in(
        "upheld",
        {
            "summary.investigated": 76,
            "summary.investigated_label": "complaints",
            "summary.upheld": 63,
            "decisions": 63,  # taken from the line above (upheld.decisions)
            "investigated": 76,  # taken from the basis line or the summary
            "percent": _d("83"),
            "average": _d("89"),
            "per_100k_authority": _KENT,
            "per_100k": _d("3.9"),
        },
    ),
}

PAGES = (
    Page(
        "london-borough-of-camden_2022-23.txt",
        2023,
        "London Borough of Camden",
        facts={
            **_in(
                "upheld",
                {
                    "percent": _d("70"),
                    "average": _d("77"),
                    "count": 14,
                    "decisions": 14,  # taken from the line above (upheld.decisions)
                    "investigated": 20,  # taken from the basis line or the summary
                    "count_label": "upheld decisions",
                    "per_100k_authority": "London Borough of Camden",
                    "per_100k": _d("6.7"),
                    "per_100k_average": _d("8.3"),
                    "investigations": 20,
                    "investigations_label": "detailed investigations",
                    **_period(2022),
                },
            ),
            **_in(
                "compliance",
                {
                    "percent": _d("100"),
                    "average": _d("99"),
                    "outcomes": 13,
                    "outcomes_label": "compliance outcomes",
                    **_period(2022),
                },
            ),
            **_in(
                "remedy",
                {
                    "percent": _d("0"),
                    "average": _d("15"),
                    "count": 0,
                    "count_label": "satisfactory remedy decisions",
                    "investigations": 14,
                    "investigations_label": "detailed investigations",
                    **_period(2022),
                },
            ),
        },
    ),
    Page(
        "hertfordshire-county-council_2023-24_render2.txt",
        2024,
        "Hertfordshire County Council",
        facts={
            **_in(
                "upheld",
                {
                    "percent": _d("89"),
                    "average": _d("85"),
                    "count": 42,
                    "decisions": 42,  # taken from the line above (upheld.decisions)
                    "investigated": 47,  # taken from the basis line or the summary
                    "count_label": "upheld decisions",
                    "per_100k_authority": "Hertfordshire County Council",
                    "per_100k": _d("3.5"),
                    "per_100k_average": _d("4.5"),
                    "investigations": 47,
                    "investigations_label": "investigations",
                    **_period(2023),
                },
            ),
            **_in(
                "compliance",
                {
                    "percent": _d("100"),
                    "average": _d("100"),
                    "outcomes": 41,
                    "outcomes_label": "compliance outcomes",
                    **_period(2023),
                },
            ),
            **_in(
                "remedy",
                {
                    "percent": _d("7"),
                    "average": _d("7"),
                    "count": 3,
                    "count_label": "satisfactory remedy decisions",
                    "investigations": 42,
                    "investigations_label": "upheld decisions",
                    **_period(2023),
                },
            ),
        },
    ),
    Page(
        "cheltenham-borough-council_2023-24_render2.txt",
        2024,
        "Cheltenham Borough Council",
        facts={
            # the compliance and remedy panels are the zero-case sentences: no figures
            **_in(
                "upheld",
                {
                    "percent": _d("0"),
                    "average": _d("63"),
                    "count": 0,
                    "decisions": 0,  # taken from the line above (upheld.decisions)
                    "investigated": 1,  # taken from the basis line or the summary
                    "count_label": "upheld decisions",
                    "per_100k_authority": "Cheltenham Borough Council",
                    "per_100k": _d("0"),
                    "per_100k_average": _d("1.2"),
                    "investigations": 1,
                    "investigations_label": "investigations",
                    **_period(2023),
                },
            ),
            "compliance.none_due": "No recommendations were due for compliance in this period",
            "remedy.none_upheld": "The Ombudsman did not uphold any complaints in this period",
        },
        findings=(
            (
                "LGO401",
                "1.2 upheld decisions per 100,000 residents.Statistics are based on a total of"
                " 1 investigations for the period between 1 April 2023 to 31 March 2024",
            ),
        ),
    ),
    Page(
        "kent-county-council_2024-25_a.txt",
        2025,
        _KENT,
        facts=_KENT_FACTS,
        cut=_CUT_2025,
        cut_at="The average for a",
        findings=(
            (
                "LGO405",
                f"Adjusted for {_KENT}'s population, this is 3.9% upheld decisions per"
                " 100,000 residents.",
            ),
        ),
    ),
    Page(
        "kent-county-council_2024-25_b.txt",
        2025,
        _KENT,
        # the per 100,000 sentence is cut off ("... per 100,000 resident"): not read
        facts={k: v for k, v in _KENT_FACTS.items() if not k.startswith("upheld.per_100k")},
        cut=_CUT_2025,
        cut_at="View upheld decisionsAdjusted for Kent County Council's population, this is 3.9"
        " upheld decisions per 100,000 resident",
    ),
    Page(
        "leeds-city-council_2024-25_b.txt",
        2025,
        "Leeds City Council",
        facts={
            **_overview_2025(227, 63, 96, 68),
            **_in(
                "upheld",
                {
                    "summary.investigated": 68,
                    "summary.investigated_label": "complaints",
                    "summary.upheld": 62,
                    "decisions": 62,  # taken from the line above (upheld.decisions)
                    "investigated": 68,  # taken from the basis line or the summary
                    "percent": _d("91"),
                    "average": _d("81"),
                    "per_100k_authority": "Leeds City Council",
                    "per_100k": _d("7.5"),
                },
            ),
        },
        cut=_CUT_2025,
        cut_at="View upheld decisionsAdjusted for Leeds City Council's population, this is 7.5"
        " upheld decisions per 100,000 residents.",
    ),
)


LETTER_ONLY = ("letter_date", "addressee.name", "salutation.name", "title.year", "signatory.name")


def _parse(path: Path):
    return parse_file(path, authorities=load_register(None))


def _check(*paths: Path, **options: Any):
    run = run_check(list(paths), CheckOptions(isolated=True, **options))
    assert not run.input_errors, run.input_errors
    return run


def _line(path: Path, line: int) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = _parse(path).source.text
    return text.split("\n")[line - 1].strip()


def _findings(result, path: Path, severities=("error", "warning")) -> list[tuple[str, str]]:
    return [
        (f.code, _line(path, f.span.line))
        for f in result.findings
        if f.severity.value in severities
    ]


# --- each page: a page, its facts, its findings ----------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_is_read_as_a_statistics_page_of_its_year(page):
    parsed = _parse(STATISTICS_PAGES / page.file)
    assert parsed.is_letter  # a document lgo-audit reads (not LGO001)
    assert parsed.kind == "page"
    assert parsed.profile.name == f"{page.year}-page"
    assert parsed.facts["document.kind"].value == "page"
    assert parsed.facts["document.year"].value == page.year
    assert parsed.facts["authority.name"].value == page.council


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_gives_the_facts_it_states(page):
    parsed = _parse(STATISTICS_PAGES / page.file)
    own = {
        k: t.value for k, t in parsed.facts.items() if not k.startswith(("authority.", "document."))
    }
    assert own == page.facts


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_letters_own_facts_are_not_applicable_to_a_page(page):
    parsed = _parse(STATISTICS_PAGES / page.file)
    for name in LETTER_ONLY:
        assert name not in parsed.applicable
    assert "document.kind" in parsed.applicable
    assert not set(parsed.missing) & set(LETTER_ONLY)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_has_only_its_own_defects_as_errors(page):
    path = STATISTICS_PAGES / page.file
    (result,) = _check(path).results
    assert _findings(result, path) == list(page.findings), [f.message for f in result.findings]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_what_a_page_cut_short_does_not_show_is_one_information_finding(page):
    path = STATISTICS_PAGES / page.file
    (result,) = _check(path).results
    notes = [f for f in result.findings if f.severity.value == "info"]
    if not page.cut:
        assert notes == []
        return
    (note,) = notes
    assert note.code == "LGO011"
    assert _line(path, note.span.line) == page.cut_at
    assert note.message.endswith("not shown, so not checked: " + "; ".join(page.cut))


# --- the same pages saved as HTML ------------------------------------------------------------


def as_html(text: str, council: str) -> str:
    """The page's text as a web page: each line a block element (the panel headings
    headings, the "-" lines list items), the figures bold, the "View ..." links inline (glued
    to the next sentence where the text has it so), inside ``<main>``, with a site menu, a
    script and a style outside the content."""
    blocks = []
    for raw in text.split("\n"):
        line = raw.strip().lstrip("\u2022").strip()
        if not line:
            continue
        escaped = html.escape(line, quote=False)
        for link in ("View upheld decisions", "View all satisfactory remedy decisions"):
            if line.startswith(link):
                escaped = f'<a href="/decisions">{link}</a>' + html.escape(line[len(link) :])
        if line[0].isdigit() and "%" in line.split(" ")[0]:
            figure, _, rest = escaped.partition(" ")
            escaped = f"<strong>{figure}</strong> {rest}"
        if line == council:
            blocks.append(f"<h1>{escaped}</h1>")
        elif line in ("Complaints upheld", "Complaint overview", "Annual letters"):
            blocks.append(f"<h2>{escaped}</h2>")
        elif line == "-":
            blocks.append("<ul><li>-</li></ul>")
        else:
            blocks.append(f"<div><p>{escaped}</p></div>")
    body = "\n".join(blocks)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(council)} statistics</title><style>p {{ margin: 0 }}</style>"
        "<script>var tracking = 1;</script></head>\n<body>"
        '<nav><a href="/">Home</a> <a href="/your-councils-performance">Councils</a></nav>'
        f"<main>\n{body}\n</main><footer>Contact us</footer></body></html>\n"
    )


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_page_saved_as_html_gives_the_same_facts_and_findings_as_its_text(page, tmp_path):
    text_path = STATISTICS_PAGES / page.file
    html_path = tmp_path / page.file.replace(".txt", ".html")
    html_path.write_text(as_html(text_path.read_text(encoding="utf-8"), page.council), "utf-8")
    from_text, from_html = _parse(text_path), _parse(html_path)
    assert from_html.kind == "page"
    assert {k: t.value for k, t in from_html.facts.items()} == {
        k: t.value for k, t in from_text.facts.items()
    }
    (text_result,) = _check(text_path).results
    (html_result,) = _check(html_path).results

    def seen(result, path):
        return [
            (f.code, f.severity.value, f.message, _line(path, f.span.line)) for f in result.findings
        ]

    assert seen(html_result, html_path) == seen(text_result, text_path)
    assert all(f.fix is None for f in html_result.findings)  # nothing can be written back
