"""Statistics pages as a kind of document: told from letters, read cut short, compared with
their letters, extracted, and refused as letters are when they cannot be read.

The pages here are the bundled base pages (``rules/base/<year>-page.txt``: the base letter's
figures in the chrome the real pages show) and the real pages of
``tests/fixtures/evidence/lgo-statistics-pages/``, edited or cut as each test says.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lgo_audit.application import CheckOptions, run_check, run_extract
from lgo_audit.extract import render_csv
from lgo_audit.parse import parse_source
from lgo_audit.reader import decode
from lgo_audit.register import load_register
from tests.paths import RULES_DIR, STATISTICS_PAGES

KENT_A = STATISTICS_PAGES / "kent-county-council_2024-25_a.txt"
HERTFORDSHIRE = STATISTICS_PAGES / "hertfordshire-county-council_2023-24_render2.txt"
CAMDEN = STATISTICS_PAGES / "london-borough-of-camden_2022-23.txt"


def base(year: int, page: bool = False) -> str:
    name = f"{year}-page" if page else str(year)
    return (RULES_DIR / "base" / f"{name}.txt").read_text(encoding="utf-8")


def parse(text: str, name: str = "page.txt"):
    return parse_source(decode(text.encode("utf-8"), name), authorities=load_register(None))


def check(tmp_path: Path, **documents: str):
    paths = []
    for name, text in documents.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    run = run_check(paths, CheckOptions(isolated=True))
    assert not run.input_errors, run.input_errors
    return {Path(r.path).stem: r for r in run.results}


def codes(result, severity: str | None = None) -> list[str]:
    return [f.code for f in result.findings if severity is None or f.severity.value == severity]


# --- a page or a letter ---------------------------------------------------------------------


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_a_letter_is_read_as_a_letter_and_its_page_as_a_page(year):
    letter, page = parse(base(year), "letter.txt"), parse(base(year, page=True))
    assert (letter.kind, letter.profile.name) == ("letter", str(year))
    assert (page.kind, page.profile.name) == ("page", f"{year}-page")
    assert page.facts["document.year"].value == year == letter.facts["document.year"].value


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_a_whole_base_page_is_clean(year, tmp_path):
    (result,) = check(tmp_path, stockport=base(year, page=True)).values()
    assert result.findings == []


@pytest.mark.parametrize(
    ("documents", "counted"),
    [
        (("letter",), "1 letter (1 clean)"),
        (("page",), "1 page (1 clean)"),
        (("letter", "page", "page2"), "1 letter and 2 pages (3 clean)"),
    ],
)
def test_the_summary_counts_letters_and_pages_apart(documents, counted, tmp_path):
    """A statistics page is counted as a page, not as a letter."""
    from lgo_audit.report.text import summary

    texts = {"letter": base(2024), "page": base(2024, page=True), "page2": base(2023, page=True)}
    results = check(tmp_path, **{name: texts[name] for name in documents}).values()
    assert summary(results) == f"Found no problems in {counted}."
    assert all(r.is_page == r.path.endswith(("page.txt", "page2.txt")) for r in results)


@pytest.mark.parametrize("page", [False, True], ids=["letter", "page"])
def test_a_long_line_above_the_title_or_heading_does_not_lose_the_year(page, tmp_path):
    """The title (a page's heading and period) is sought near the top first, then further
    down: 22 KB of text above it is one unexpected-text warning, not a letter read with
    another year's template."""
    text = "word " * 4500 + "\n" + base(2024, page=page)
    (result,) = check(tmp_path, long=text).values()
    assert codes(result) == ["LGO006"]
    assert result.profile == ("2024-page" if page else "2024")


def test_every_page_profile_is_named_as_a_page_and_no_letter_profile_is():
    """FileResult.is_page reads the profile's name: the page profiles' names are the page's."""
    from lgo_audit.findings import FileResult
    from lgo_audit.grammar import PAGE_PROFILES, PROFILES, profile_named

    names = [profile_named(f"{year}-page").name for year in PAGE_PROFILES]
    assert all(FileResult("p.txt", profile=name).is_page for name in names)
    assert not any(
        FileResult("l.txt", profile=profile.name).is_page for profile in PROFILES.values()
    )


def test_a_page_is_a_page_by_its_heading_and_chrome_not_by_its_file_name():
    # the 2025 letter has the overview's heading too, but a title, "Dear" and a sign-off
    assert parse(base(2025), "stockport-page.txt").kind == "letter"
    assert parse(CAMDEN.read_text(encoding="utf-8"), "letter.txt").kind == "page"


def test_a_pages_year_comes_from_its_period_and_profile_forces_one(tmp_path):
    text = HERTFORDSHIRE.read_text(encoding="utf-8")
    assert parse(text).profile.name == "2024-page"
    path = tmp_path / "herts.txt"
    path.write_text(text, encoding="utf-8")
    run = run_check([path], CheckOptions(isolated=True, profile="2023"))
    # read with the 2023 panels: "47 investigations" is not the 2023 "detailed investigations"
    assert "LGO005" in codes(run.results[0])


@pytest.mark.parametrize(("ends", "read_with"), [(2018, "2020-page"), (2031, "2025-page")])
def test_a_page_of_a_year_without_a_profile_is_read_with_the_nearest_and_says_so(
    ends, read_with, tmp_path
):
    """As a letter is: a year after the latest profile with the latest, a year before the
    first with the first (once read with the latest whatever the year)."""
    text = base(2023, page=True).replace("2022", str(ends - 1)).replace("2023", str(ends))
    assert parse(text).profile.name == read_with
    result = check(tmp_path, page=text)["page"]
    assumed = [f for f in result.findings if f.code == "LGO009"]
    assert [(f.severity.value, read_with in f.message) for f in assumed] == [("info", True)]


def test_letter_only_rules_are_not_applicable_to_a_page(tmp_path):
    (result,) = check(tmp_path, page=base(2024, page=True)).values()
    outcome = {r.code: r.outcome.value for r in result.results}
    for code in ("LGO205", "LGO206", "LGO208", "LGO301", "LGO303", "LGO305"):
        assert outcome[code] == "not-applicable", code
    assert outcome["LGO011"] == "passed"


# --- a page cut short -----------------------------------------------------------------------


def test_a_page_cut_inside_a_statement_reports_the_rest_as_information_only(tmp_path):
    text = base(2024, page=True)
    cut = text[: text.index("in similar authorities.\nStatistics are based on a total of 9")]
    (result,) = check(tmp_path, page=cut).values()
    assert codes(result) == ["LGO011"]
    (note,) = result.findings
    assert note.severity.value == "info"
    assert "satisfactory remedies panel" in note.message
    assert 'at "This compares to an average of 100%' in note.message


def test_a_statement_missing_before_the_cut_is_an_error(tmp_path):
    text = KENT_A.read_text(encoding="utf-8").replace(
        "This compares to an average of 89% in similar authorities.\n", ""
    )
    (result,) = check(tmp_path, page=text).values()
    assert codes(result, "error") == ["LGO008", "LGO405"]
    (missing,) = [f for f in result.findings if f.code == "LGO008"]
    assert "This compares to an average of <n>% in similar authorities." in missing.message
    assert codes(result, "info") == ["LGO011"]


def test_a_panel_missing_before_the_end_of_a_whole_page_is_an_error(tmp_path):
    text = base(2024, page=True)
    start = text.index("-\nCompliance with Ombudsman recommendations")
    end = text.index("-\nSatisfactory remedies")
    (result,) = check(tmp_path, page=text[:start] + text[end:]).values()
    assert codes(result) == ["LGO002"]


@pytest.mark.parametrize(
    ("source", "heading"),
    [
        (HERTFORDSHIRE, "Annual statistics ?Find out more about annual statistics\n"),
        (KENT_A, "Complaint overview\n"),
    ],
)
def test_a_page_cut_before_its_first_panel_is_still_a_page(source, heading, tmp_path):
    text = source.read_text(encoding="utf-8")
    cut = text[: text.index(heading) + len(heading)]
    parsed = parse(cut)
    assert parsed.is_letter and parsed.kind == "page"
    (result,) = check(tmp_path, page=cut).values()
    assert codes(result) == ["LGO011"]


# --- a page and its letter ------------------------------------------------------------------


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_a_letter_and_its_page_agree_and_are_not_two_letters_to_one_council(year, tmp_path):
    results = check(tmp_path, letter=base(year), page=base(year, page=True))
    assert codes(results["letter"]) == []
    assert codes(results["page"]) == []
    outcome = {r.code: r.outcome.value for r in results["page"].results}
    assert outcome["LGO505"] == "passed"
    assert outcome["LGO502"] == "not-applicable"  # alone of its kind and year


def test_a_page_whose_figure_differs_from_its_letter_is_an_error_on_the_page(tmp_path):
    page = base(2024, page=True).replace(
        "This compares to an average of 67%", "This compares to an average of 69%"
    )
    results = check(tmp_path, letter=base(2024), page=page)
    assert codes(results["letter"]) == []
    (finding,) = results["page"].findings
    assert (finding.code, finding.severity.value) == ("LGO505", "error")
    assert (
        finding.message == "the upheld average is 69 on the page but 67 in the letter (letter.txt)"
    )
    assert [Path(r.path).name for r in finding.related] == ["letter.txt"]


def test_two_pages_of_one_council_and_year_are_duplicates(tmp_path):
    results = check(tmp_path, a=base(2024, page=True), b=base(2024, page=True))
    assert codes(results["b"]) == ["LGO502"]


# --- extract and --data ---------------------------------------------------------------------


def test_a_page_extracts_into_the_tables_columns_with_its_kind(tmp_path):
    letter, page = tmp_path / "letter.txt", tmp_path / "page.txt"
    letter.write_text(base(2024), encoding="utf-8")
    page.write_text(base(2024, page=True), encoding="utf-8")
    rows, errors = run_extract([letter, page], CheckOptions(isolated=True))
    assert errors == []
    table = render_csv(rows)
    header, first, second = table.splitlines()[:3]
    columns = header.split(",")
    by_name = [dict(zip(columns, line.split(","), strict=False)) for line in (first, second)]
    assert [(r["kind"], r["year"], r["upheld"]) for r in by_name] == [
        ("letter", "2024", "10"),
        ("page", "2024", "10"),
    ]
    assert by_name[1]["authority"] == "Stockport Metropolitan Borough Council"
    # the extract, letters and pages, is a table --data accepts (each row its own document,
    # told apart by its kind), and the page reconciles with its row as the letter with its own
    data = tmp_path / "stats.csv"
    data.write_text(table, encoding="utf-8")
    run = run_check([letter, page], CheckOptions(isolated=True, data=data))
    assert not run.input_errors
    letter_result, page_result = run.results
    # both agree with their rows: from 2023 the remedy panel's total is compared with the
    # upheld decisions, not the investigations
    assert codes(letter_result) == codes(page_result) == []


def test_data_reconciles_a_page_with_its_councils_row(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(base(2024, page=True), encoding="utf-8")
    data = tmp_path / "stats.csv"
    data.write_text(
        "authority,year,upheld\nStockport Metropolitan Borough Council,2024,11\n",
        encoding="utf-8",
    )
    run = run_check([page], CheckOptions(isolated=True, data=data))
    # the upheld decisions, as the upheld panel's count line states them (the remedy panel's
    # total, the same figure from 2023, is LGO111's to hold to that line)
    (finding,) = run.results[0].findings
    assert finding.code == "LGO510"
    assert "upheld.decisions is 10 in the letter but 11" in finding.message
    assert page.read_text(encoding="utf-8").splitlines()[finding.span.line - 1].startswith("10 ")


# --- pages saved as HTML --------------------------------------------------------------------


def test_a_folder_is_walked_for_html_pages_too(tmp_path):
    (tmp_path / "stockport.html").write_text(
        "<html><body>"
        + "".join(f"<p>{line}</p>" for line in base(2024, page=True).splitlines())
        + "</body></html>",
        encoding="utf-8",
    )
    run = run_check([tmp_path], CheckOptions(isolated=True))
    assert [Path(r.path).name for r in run.results] == ["stockport.html"]
    assert run.results[0].findings == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty (0 bytes)"),
        (b"<html><head><script>var x;</script></head><body> </body></html>", "without text"),
        (b"\x00\x01\x02", "binary"),
        (b"<html><body>" + b"<div>" * 3000 + b"<p>text</p>" + b"</div>" * 3000, "too deeply"),
    ],
)
def test_an_html_file_that_cannot_be_read_is_one_line_and_exit_status_2(content, reason, tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    run = run_check([path], CheckOptions(isolated=True))
    (error,) = run.input_errors
    assert reason in error and "\n" not in error
    assert run.exit_status == 2


def test_a_page_whose_text_is_nested_300_elements_deep_is_read(tmp_path):
    # A trial: text nested 256 elements deep or more was dropped by the HTML parser, and the
    # page was "an HTML page without text".
    (tmp_path / "stockport.html").write_text(
        "<html><body>"
        + "<div>" * 300
        + "".join(f"<p>{line}</p>" for line in base(2024, page=True).splitlines())
        + "</div>" * 300
        + "</body></html>",
        encoding="utf-8",
    )
    run = run_check([tmp_path], CheckOptions(isolated=True))
    assert run.input_errors == []
    assert run.results[0].findings == []


def test_no_fix_is_written_to_an_html_page(tmp_path):
    path = tmp_path / "page.html"
    text = base(2024, page=True).replace("17 investigations", "1 investigations")
    markup = (
        "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</body></html>"
    )
    path.write_text(markup, encoding="utf-8")
    run = run_check([path], CheckOptions(isolated=True, fix=True))
    assert path.read_text(encoding="utf-8") == markup
    assert any("not fixed" in notice for notice in run.notices)
    assert json.dumps(run.notices)  # one line each


def test_a_pages_evidence_names_the_facts_its_page_template_cannot_state(tmp_path):
    """--evidence and the html report read a page's template by its name (2024-page)."""
    from lgo_audit.report.evidence import letter_evidence

    page = tmp_path / KENT_A.name
    page.write_bytes(KENT_A.read_bytes())
    run = run_check([page], CheckOptions(isolated=True))
    [record] = [letter_evidence(result) for result in run.results]
    assert record["profile"].endswith("-page")
    assert "signatory.name" in record["not_applicable"]
