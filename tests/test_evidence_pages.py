"""The real statistics pages, completed into letters, read as the page says.

Each page of ``tests/fixtures/evidence/lgo-statistics-pages/`` is made into a letter of its
data year's template: its panel text (from the first panel heading to the end) is

1. **cut** at its last complete statement: the pages were saved cut at about 2,000
   characters, and the cut falls in their last line, so that line is kept only up to its
   last full stop (a "." that ends a sentence, not the one in "3.9"), or dropped;
2. **stripped** of web chrome, with the explicit patterns of :data:`CHROME` (whole lines,
   a block, the rest of the page, a prefix glued to a statement, a list bullet);
3. **completed** from the year's base letter (``rules/base/<year>.txt``): the frame (date,
   addressee with the page's council, "Dear ...", title, the year ending, the sign-off)
   before the page's panels, and after them the panel statements the page lacks (cut away),
   with figures consistent with the page's (the remedy total is the page's upheld count).

The letter must then give exactly the facts read off the page (written out below, with the
completion's own figures apart), and a full check must find nothing but the page's own
defects: Kent's "3.9% upheld decisions per 100,000 residents" (LGO405) and Cheltenham's
"1 investigations" (LGO401).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from lgo_audit.application import CheckOptions, run_check
from lgo_audit.parse import parse_source
from lgo_audit.reader import decode
from lgo_audit.register import load_register
from tests.paths import RULES_DIR, STATISTICS_PAGES

# --- web chrome: what the pages show that is no part of a letter ------------------------------


@dataclass(frozen=True)
class Chrome:
    """The web chrome of the statistics pages, by kind (each pattern matches a whole line,
    stripped of surrounding whitespace, unless said otherwise)."""

    lines: tuple[str, ...]
    """Lines dropped: separators, links, the chart's labels."""
    block: tuple[str, str]
    """A block dropped from its first line to its last, both included: the definitions."""
    rest: tuple[str, ...]
    """A line from which the rest of the page is dropped: what follows the panels."""
    glued: tuple[str, ...]
    """A prefix split off a line, where the rendering glued a link to the next statement."""
    bullet: str
    """A list bullet before a panel heading (one rendering shows the panels as a list)."""


CHROME = Chrome(
    lines=(
        r"-",  # the separator before each panel
        r"Annual statistics \?Find out more about annual statistics",
        r"View upheld decisions",
        r"View all satisfactory remedy decisions",
        # the overview chart's labels (2024-25), under the definitions
        r"Complaints dealt with",
        r"Not for us",
        r"Assessed and closed",
        r"Investigated",
    ),
    block=(r"More about this data", r"For more information on understanding our statistics.*"),
    rest=(r"Annual letters",),
    glued=(r"View upheld decisions(?=\S)",),
    bullet=r"\u2022\s*",
)

_SENTENCE_END = re.compile(r"\.(?=\s|[A-Z]|$)")


def cut_at_last_statement(text: str) -> str:
    """The page up to its last complete statement: its last line (where the cut fell) kept
    up to its last full stop, or dropped."""
    lines = text.rstrip("\n").split("\n")
    last = lines.pop()
    ends = list(_SENTENCE_END.finditer(last))
    if ends:
        lines.append(last[: ends[-1].end()])
    return "\n".join(lines) + "\n"


def strip_chrome(text: str, chrome: Chrome = CHROME) -> str:
    """The panels' lines alone, one statement rendering as the page has it."""
    whole = [re.compile(p) for p in chrome.lines]
    first, last = (re.compile(p) for p in chrome.block)
    rest = [re.compile(p) for p in chrome.rest]
    glued = [re.compile(p) for p in chrome.glued]
    bullet = re.compile(chrome.bullet)
    kept: list[str] = []
    in_block = False
    for raw in text.split("\n"):
        line = bullet.sub("", raw.strip(), count=1) if bullet.match(raw.strip()) else raw.strip()
        if in_block:
            in_block = not last.fullmatch(line)
            continue
        if first.fullmatch(line):
            in_block = True
            continue
        if any(p.fullmatch(line) for p in rest):
            break
        if not line or any(p.fullmatch(line) for p in whole):
            continue
        for pattern in glued:
            line = pattern.sub("", line, count=1) if pattern.match(line) else line
        kept.append(line)
    return "\n".join(kept) + "\n"


def panels(text: str, heading: str) -> str:
    """The page from its first panel heading (a line of its own, bullet aside) to the end."""
    match = re.search(rf"^[ \t]*(?:\u2022[ \t]*)?{re.escape(heading)}[ \t]*$", text, re.M)
    assert match, heading
    return text[match.start() :]


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
    completion: str = ""
    """The panel statements the page lacks (from the base letter, figures made consistent)."""
    completed: dict[str, Any] = field(default_factory=dict)
    """The facts those statements give."""
    findings: tuple[tuple[str, str], ...] = ()
    """The findings expected: code and the text of the line it points at."""
    cut: tuple[str, ...] = ()
    """What the page alone lacks, cut away: the missing sections' and statements' wording."""

    @property
    def heading(self) -> str:
        return "Complaint overview" if self.year >= 2025 else "Complaints upheld"

    def __str__(self) -> str:
        return self.file.removesuffix(".txt")


def _remedy_2025(upheld: int) -> tuple[str, dict[str, Any]]:
    """Kent's and Leeds's pages are cut inside the upheld panel: the rest of it and the
    compliance and remedy panels, from the 2025 base letter, the remedy total being the
    page's upheld count (none with a satisfactory remedy: 0%)."""
    text = (
        "The average for authorities of this type is 4.3 upheld decisions per 100,000 residents.\n"
        "\n"
        "Compliance with Ombudsman recommendations\n"
        "\n"
        "100% of cases we were satisfied the Council had successfully implemented our"
        " recommendations.\n"
        "\n"
        "This compares to an average of 100% in similar authorities.\n"
        "\n"
        "Statistics are based on a total of 9 compliance outcomes for the period between"
        " 1 April 2024 to 31 March 2025\n"
        "\n"
        "Satisfactory remedies provided by the Council\n"
        "\n"
        "In 0% of upheld cases we found the Council had provided a satisfactory remedy before"
        " the complaint reached the Ombudsman.\n"
        "\n"
        "This compares to an average of 11% in similar authorities.\n"
        "\n"
        "0 satisfactory remedy decisions\n"
        "\n"
        f"Statistics are based on a total of {upheld} upheld decisions for the period between"
        " 1 April 2024 to 31 March 2025\n"
    )
    facts = {
        "upheld.per_100k_average": _d("4.3"),
        **_in(
            "compliance",
            {
                "percent": _d("100"),
                "average": _d("100"),
                "outcomes": 9,
                "outcomes_label": "compliance outcomes",
                **_period(2024),
            },
        ),
        **_in(
            "remedy",
            {
                "percent": _d("0"),
                "average": _d("11"),
                "count": 0,
                "count_label": "satisfactory remedy decisions",
                "investigations": upheld,
                "investigations_label": "upheld decisions",
                **_period(2024),
            },
        ),
    }
    return text, facts


def _overview_2025(dealt: int, not_for_us: int, closed: int, investigated: int) -> dict[str, Any]:
    return _in(
        "overview",
        {
            **_period(2024),
            "dealt_with": dealt,
            "not_for_us": not_for_us,
            "assessed_and_closed": closed,
            "investigated": investigated,
        },
    )


_KENT_REST, _KENT_COMPLETED = _remedy_2025(63)
_PER_100K = (
    "Adjusted for <council>'s population, this is <n> upheld decisions per 100,000 residents."
)
_PER_100K_AVERAGE = (
    "The average for authorities of this type is <n> upheld decisions per 100,000 residents."
)
_CUT_2025 = (
    "compliance with recommendations panel",
    "satisfactory remedies panel",
    _PER_100K_AVERAGE,
)
_LEEDS_REST, _LEEDS_COMPLETED = _remedy_2025(62)
_KENT = "Kent County Council"
_KENT_PER_100K = (
    f"Adjusted for {_KENT}'s population, this is 3.9 upheld decisions per 100,000 residents.\n"
)
_KENT_FACTS = {
    **_overview_2025(291, 87, 128, 76),
    **_in(
        "upheld",
        {
            "summary.investigated": 76,
            "summary.upheld": 63,
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
        completion=_KENT_REST,
        completed=_KENT_COMPLETED,
        cut=_CUT_2025,
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
        # the per 100,000 sentence is cut ("... per 100,000 resident"): its figure is the
        # page's, its wording the base letter's
        facts={k: v for k, v in _KENT_FACTS.items() if not k.startswith("upheld.per_100k")},
        completion=_KENT_PER_100K + "\n" + _KENT_REST,
        completed={
            "upheld.per_100k_authority": _KENT,
            "upheld.per_100k": _d("3.9"),
            **_KENT_COMPLETED,
        },
        cut=(*_CUT_2025, _PER_100K),
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
                    "summary.upheld": 62,
                    "percent": _d("91"),
                    "average": _d("81"),
                    "per_100k_authority": "Leeds City Council",
                    "per_100k": _d("7.5"),
                },
            ),
        },
        completion=_LEEDS_REST,
        completed=_LEEDS_COMPLETED,
        cut=_CUT_2025,
    ),
)

# the facts of the frame and of the register: the base letter's, not the page's
_NOT_PANELS = re.compile(
    r"(letter_date|addressee\..*|authority\..*|salutation\..*|title\..*|year_ending"
    r"|signatory\..*)"
)


# --- the letters -----------------------------------------------------------------------------


def page_panels(page: Page) -> str:
    """The page's panels: cut, then stripped of chrome."""
    text = (STATISTICS_PAGES / page.file).read_text(encoding="utf-8")
    return strip_chrome(cut_at_last_statement(panels(text, page.heading)))


def frame(year: int, council: str) -> str:
    """The base letter's frame, from its first line to the sign-off, for ``council``."""
    base = (RULES_DIR / "base" / f"{year}.txt").read_text(encoding="utf-8")
    first_panel = "Complaint overview" if year >= 2025 else "Complaints upheld"
    head = base[: base.index(f"\n{first_panel}\n") + 1]
    return head.replace("Stockport Metropolitan Borough Council", council)


def letter(page: Page) -> str:
    return frame(page.year, page.council) + "\n" + page_panels(page) + "\n" + page.completion


def _parse(text: str, path: str, profile: str | None = None):
    return parse_source(
        decode(text.encode("utf-8"), path), profile, authorities=load_register(None)
    )


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_completed_into_a_letter_gives_the_pages_facts(page):
    parsed = _parse(letter(page), page.file)
    assert parsed.is_letter
    assert parsed.profile.name == str(page.year)
    assert parsed.facts["authority.name"].value == page.council
    read = {k: t.value for k, t in parsed.facts.items() if not _NOT_PANELS.fullmatch(k)}
    assert read == {**page.facts, **page.completed}
    assert not set(page.facts) & set(page.completed)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_page_completed_into_a_letter_has_only_the_pages_own_defects(page, tmp_path):
    text = letter(page)
    path = tmp_path / page.file
    path.write_text(text, encoding="utf-8")
    run = run_check([path], CheckOptions(isolated=True))
    assert not run.input_errors
    (result,) = run.results
    lines = text.split("\n")
    found = [(f.code, lines[f.span.line - 1]) for f in result.findings]
    assert found == list(page.findings), [f.message for f in result.findings]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_pages_panels_read_with_its_years_profile_are_well_formed(page):
    """The stripped panels as the page renders them (one line or split over two, label
    lines or not), framed, read with the year's profile: no malformed statement, no stray
    text, and no statement or section missing but those the cut took away; completed, none
    missing at all."""
    alone = frame(page.year, page.council) + "\n" + page_panels(page)
    issues = _parse(alone, page.file, str(page.year)).issues
    assert not {"malformed-statement", "unexpected-text"} & {i.check for i in issues}
    missing = [
        i.params["section"] if i.check == "missing-section" else i.params["expected"]
        for i in issues
        if i.check in ("missing-section", "missing-statement")
    ]
    assert sorted(missing) == sorted(page.cut)
    assert {i.check for i in issues} <= {"missing-section", "missing-statement"}
    completed = _parse(letter(page), page.file, str(page.year)).issues
    assert not completed, [(i.check, i.params) for i in completed]


def test_the_cut_keeps_whole_statements_only():
    assert cut_at_last_statement("a.\nThe average for a\n") == "a.\n"
    assert (
        cut_at_last_statement("a.\nthis is 3.9 upheld decisions per 100,000 resident\n") == "a.\n"
    )
    assert cut_at_last_statement("a.\nX is 7.5 residents.\n") == "a.\nX is 7.5 residents.\n"
    assert cut_at_last_statement("a.\nOne.Two is cu\n") == "a.\nOne.\n"


def test_the_chrome_is_stripped_and_nothing_else():
    for page in PAGES:
        stripped = page_panels(page)
        for chrome in ("View upheld", "Annual letters", "More about this data", "?Find out"):
            assert chrome not in stripped, (page, chrome)
        assert "\n-\n" not in stripped and "\u2022" not in stripped
        assert stripped.startswith(page.heading + "\n")
