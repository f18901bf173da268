"""The HTML report and the evidence: structure (parsed with html.parser) and a real browser.

The browser tests run the page in headless Chromium (``/usr/bin/chromium``, or ``chromium`` /
``chromium-browser`` on PATH, or ``$LGO_AUDIT_CHROMIUM``): the page's script must run to the
end (``<body data-ready="true">``), log nothing to the console (no error, no exception, no
Content-Security-Policy violation), show the summary and a highlighted finding in a 1280x1600
screenshot, and its filters, finding list and popover must work. Without Chromium they are
skipped (CI installs it: ``apt-get install -y chromium``). Set ``LGO_AUDIT_ARTIFACTS`` to a
folder to keep the report and the screenshot.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lgo_audit.check import check_files
from lgo_audit.config import Settings
from lgo_audit.findings import FactValue, FileResult, Finding, Severity
from lgo_audit.report.evidence import evidence, render_json_with_evidence
from lgo_audit.report.html import render_html
from lgo_audit.report.machine import render_json
from lgo_audit.report.plot import PLOT_FACTS
from lgo_audit.report.text import clean, clean_line
from lgo_audit.rules import Rule, rules_for
from lgo_audit.span import Span

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HOSTILE_NAME = 'hostile <img src=x onerror="alert(1)">.txt'

EDITS = [
    ("22 July 2020", "31 February 2020"),  # LGO201 invalid date
    ("Dear Ms Smith", "Dear Mr Jones"),  # LGO301 salutation
    ("Attended by 178 delegates from 143", "Attended by 12 delegates from 143"),  # LGO404
    ("Michael King\n", ""),  # LGO303: a span over several lines
    ("59% of complaints", "65% of complaints"),  # LGO101
    ("In **0%** of upheld cases", "In **20%** of upheld cases"),  # LGO104
    ("[website](#)", "[website TBC](#)"),  # LGO402 inside LGO403: overlapping spans
    (  # hostile text, next to LGO301's line (so in the letter's excerpt)
        "Dear Mr Jones\n",
        "Dear Mr Jones\n<script>alert(1)</script> <b>bold</b> \x1b[31mred \u202eevil\n",
    ),
]


def edited_letter(folder: Path, name: str = "tameside-2020.txt") -> Path:
    """Stockport's letter with several errors, overlapping spans and hostile text."""
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check(paths: list[Path], settings: Settings | None = None) -> list[FileResult]:
    """As ``check --output-format html`` checks: keeping the facts the page's plot shows."""
    chosen = settings or Settings()
    return list(check_files([(p, chosen) for p in paths], shown_facts=PLOT_FACTS))


def default_rules() -> list[Rule]:
    return Settings().selection.active(rules_for(()))


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """An edited letter, two examples, a clean letter and a path that cannot be read."""
    folder = tmp_path_factory.mktemp("letters")
    clean = folder / "wigan-2020.txt"
    clean.write_text((ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8"))
    unreadable = folder / "unreadable.txt"
    unreadable.mkdir()
    return [
        edited_letter(folder),
        EXAMPLES / "stockport-2020.txt",
        EXAMPLES / "stevenage-2020.txt",
        clean,
        unreadable,
    ]


@pytest.fixture(scope="module")
def results(letters: list[Path]) -> list[FileResult]:
    return check(letters)


@pytest.fixture(scope="module")
def page(results: list[FileResult]) -> str:
    return render_html(results, default_rules(), title="Annual Review letters 2020")


# --- a small DOM for the structural tests -----------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    line: str | None = None  # the id of the letter line (div.ln) it is in
    letter: str | None = None  # data-letter of the article it is in


@dataclass
class Page(HTMLParser):
    """Every element with its attributes and text, and what each line of a letter reads."""

    elements: list[Element] = field(default_factory=list)
    lines: dict[str, str] = field(default_factory=dict)
    _open: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        line = values.get("id") if "ln" in values.get("class", "").split() else None
        parent = self._open[-1] if self._open else None
        element = Element(
            tag,
            values,
            line=line or (parent.line if parent else None),
            letter=values.get("data-letter")
            if tag == "article"
            else (parent.letter if parent else None),
        )
        self.elements.append(element)
        if element.line is not None:
            self.lines.setdefault(element.line, "")
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if self._open and self._open[-1].line is not None:
            self.lines[self._open[-1].line] += data

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.attrs.get("class", "").split())
            and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def parse(html_text: str) -> Page:
    parsed = Page()
    parsed.feed(html_text)
    parsed.close()
    return parsed


def expected_pieces(source: str, span: Span) -> dict[int, str]:
    """Line number -> the text the span covers on it (an independent reading of a span)."""
    lines = re.split(r"\r\n|\r|\n", source)
    pieces = {}
    for number in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[number - 1]
        start = span.column - 1 if number == span.line else 0
        end = span.end_column - 1 if number == span.end_line else len(text)
        if text[start:end]:
            pieces[number] = text[start:end]
    return pieces


def marks_of(parsed: Page, fid: str) -> list[Element]:
    return [m for m in parsed.find("mark") if fid in m.attrs["data-f"].split()]


def finding_ids(parsed: Page, letter: int) -> Iterator[tuple[str, Element]]:
    for item in parsed.find("li", "finding"):
        if item.attrs["data-f"].startswith(f"f{letter}-"):
            yield item.attrs["data-f"], item


def sorted_findings(result: FileResult) -> list[Finding]:
    return sorted(result.findings, key=lambda f: (f.span.line, f.span.column, f.code))


# --- structure --------------------------------------------------------------------------------


def test_the_batch_has_what_the_tests_need(results):
    edited, stockport, stevenage, clean, unreadable = results
    codes = {f.code for f in edited.findings}
    assert {"LGO201", "LGO301", "LGO303", "LGO402", "LGO403", "LGO404"} <= codes
    assert any(f.span.end_line > f.span.line for f in edited.findings)  # a multi-line span
    assert stockport.findings and stevenage.findings
    assert clean.is_clean and clean.error is None
    assert unreadable.error is not None


def test_every_finding_has_a_list_item_and_marks_covering_exactly_its_span(results, page):
    parsed = parse(page)
    for number, result in enumerate(results, start=1):
        items = dict(finding_ids(parsed, number))
        assert len(items) == len(result.findings), result.path
        for k, finding in enumerate(sorted_findings(result), start=1):
            fid = f"f{number}-{k}"
            assert items[fid].attrs["data-code"] == finding.code
            assert items[fid].attrs["data-sev"] == finding.severity.value
            marks = marks_of(parsed, fid)
            assert marks, f"no mark for {finding.code} in {result.path}"
            assert all(finding.code in m.attrs["data-code"].split() for m in marks)
            assert all(clean_line(finding.message) in m.attrs["title"] for m in marks)
            # the marks, line by line, read exactly what the span covers
            assert result.source_text is not None
            got: dict[int, str] = {}
            for m in marks:
                assert m.line is not None and m.letter == str(number)
                got[int(m.line.split("-")[1])] = got.get(int(m.line.split("-")[1]), "") + m.text
            expected = expected_pieces(result.source_text, finding.span)
            assert got == {n: clean(text) for n, text in expected.items()}  # as shown


def test_a_span_over_several_lines_is_one_mark_per_line(results, page):
    parsed = parse(page)
    edited = results[0]
    k, finding = next(
        (k, f) for k, f in enumerate(sorted_findings(edited), 1) if f.span.end_line > f.span.line
    )
    marks = marks_of(parsed, f"f1-{k}")
    lines = [m.line for m in marks]
    assert len(lines) >= 2 and len(set(lines)) == len(lines)  # split at line boundaries
    assert lines[0] == f"l1-{finding.span.line}" and lines[-1] == f"l1-{finding.span.end_line}"


def test_overlapping_spans_share_a_mark_with_both_codes_and_messages(results, page):
    parsed = parse(page)
    # (the letter's escape character is a finding of its own, LGO012, inside unexpected text)
    (overlap,) = [
        m
        for m in parsed.find("mark", "multi")
        if m.letter == "1" and "LGO402" in m.attrs["data-code"].split()
    ]
    assert overlap.attrs["data-code"].split() == ["LGO403", "LGO402"]
    assert overlap.text == "TBC"
    assert "sev-error" in overlap.attrs["class"].split()  # the more severe of the two
    assert 'link "website TBC"' in overlap.attrs["title"]
    assert 'placeholder "TBC"' in overlap.attrs["title"]


def test_letter_text_and_paths_are_escaped_and_cleaned(tmp_path):
    hostile = edited_letter(tmp_path, HOSTILE_NAME)
    results = check([hostile])
    page = render_html(results, default_rules(), title="<i>title</i>")
    parsed = parse(page)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert [e.tag for e in parsed.elements if e.tag in ("script", "img", "b", "i")] == ["script"]
    assert not any(k.startswith("on") for e in parsed.elements for k in e.attrs)
    line = next(t for t in parsed.lines.values() if "alert" in t)
    assert line == r"<script>alert(1)</script> <b>bold</b> \x1b[31mred \u202eevil"
    assert "\x1b" not in page and "\u202e" not in page
    assert parsed.find("h1")[0].text == "<i>title</i>"
    assert any(e.attrs.get("data-path") == str(hostile) for e in parsed.find("article"))
    assert any(a.text == str(hostile) for a in parsed.find("a"))


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "background"}


def test_the_page_refers_to_nothing_outside_itself(page):
    parsed = parse(page)
    refs = [(k, v) for e in parsed.elements for k, v in e.attrs.items() if k in URL_ATTRIBUTES]
    assert refs and all(v.startswith("#") for _, v in refs), [r for r in refs if r[1][:1] != "#"]
    tags = {e.tag for e in parsed.elements}
    assert not tags & {"link", "img", "iframe", "object", "embed", "base", "video", "audio"}
    assert all("src" not in e.attrs for e in parsed.find("script"))
    style = parsed.find("style")[0].text
    assert "@import" not in style and "url(" not in style
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:|//)""", page, re.I)
    script = parsed.find("script")[0].text
    assert not re.search(r"\bfetch\(|XMLHttpRequest|WebSocket|import\(|\.src\b|\.href\b", script)


def test_the_content_security_policy_allows_only_the_page_s_own_script_and_style(page):
    parsed = parse(page)
    (meta,) = parsed.find("meta", http_equiv="Content-Security-Policy")
    policy = dict(d.strip().split(" ", 1) for d in meta.attrs["content"].split(";"))
    assert policy["default-src"] == "'none'"

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert policy["script-src"] == digest(parsed.find("script")[0].text)
    assert policy["style-src"] == digest(parsed.find("style")[0].text)


def test_style_and_script_are_the_package_s_static_files(page):
    parsed = parse(page)
    static = resources.files("lgo_audit.report") / "static"
    assert parsed.find("style")[0].text == (static / "report.css").read_text(encoding="utf-8")
    assert parsed.find("script")[0].text == (static / "report.js").read_text(encoding="utf-8")


HOSTILE_EXPLANATION = """## What it checks
<script>alert(1)</script> <img src=x onerror="alert(1)"> <b>bold</b>

<div onclick="alert(1)">a block of HTML</div>

[a link](https://example.org/) <https://example.org/auto> ![an image](https://example.org/x.png)
[ref]: https://example.org/ref

`<code>` and *emphasis*, a control \x1b[31m character

### A smaller heading
"""


def test_rule_explanations_are_markdown_that_cannot_add_markup_or_references():
    rule = dataclasses.replace(default_rules()[0], explanation=HOSTILE_EXPLANATION)
    page = render_html([], [rule])
    parsed = parse(page)
    (explanation,) = parsed.find("div", "explanation")
    inside = parsed.elements[parsed.elements.index(explanation) + 1 :]
    inside = inside[: next(i for i, e in enumerate(inside) if e.tag == "footer")]
    assert [e.tag for e in inside] == ["h4", "p", "p", "p", "p", "code", "em", "h5"]
    assert all(not e.attrs for e in inside)
    text = explanation.text
    for raw in (
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<b>bold</b>",
        '<div onclick="alert(1)">a block of HTML</div>',
        "[a link](https://example.org/)",
        "<https://example.org/auto>",
        "![an image](https://example.org/x.png)",
        "[ref]: https://example.org/ref",
    ):
        assert raw in text  # shown as text, not obeyed
    assert "\x1b" not in page and r"\x1b[31m" in text
    assert [e.text for e in inside if e.tag in ("code", "em")] == ["<code>", "emphasis"]
    assert "https:" not in "".join(v for e in parsed.elements for v in e.attrs.values())


def test_summary_table_has_a_row_per_letter_with_findings_or_unread(results, page):
    parsed = parse(page)
    rows = [e for e in parsed.find("tr") if "data-letter" in e.attrs]
    listed = [r for r in results if not r.is_clean]
    assert [r.attrs["data-path"] for r in rows] == [r.path for r in listed]
    statuses = [r.attrs["data-status"] for r in rows]
    assert statuses == ["has-errors", "has-warnings", "has-errors", "unreadable"]
    for row, result in zip(rows, listed, strict=True):
        for severity in Severity:
            expected = sum(f.severity is severity for f in result.findings)
            assert row.attrs[f"data-{severity.value}"] == str(expected)
        if result.sha256:
            assert result.sha256[:12] in row.text
    labels = {s.text for s in parsed.find("span", "status")}
    assert {"clean", "has errors", "has warnings", "could not be read"} <= labels


def test_header_has_totals_and_the_rule_set_version(results, page):
    parsed = parse(page)
    header = parsed.find("header", "top")[0].text
    version = results[0].rule_set
    assert version and version in header
    assert "5 letters" in header
    errors = sum(f.severity is Severity.ERROR for r in results for f in r.findings)
    assert f"{errors} errors" in header


def test_filters_have_a_checkbox_per_severity_and_per_rule_with_findings(results, page):
    parsed = parse(page)
    severities = [i.attrs["value"] for i in parsed.find("input", name="sev")]
    assert severities == ["error", "warning", "info"]
    codes = [i.attrs["value"] for i in parsed.find("input", name="rule")]
    assert codes == sorted({f.code for r in results for f in r.findings})
    assert parsed.find("input", id="q")


def test_each_letter_with_findings_has_its_evidence_in_a_details(results, page):
    parsed = parse(page)
    for number, result in enumerate(results, start=1):
        details = [d for d in parsed.find("details", "evidence") if d.letter == str(number)]
        if result.error is not None or result.is_clean:
            assert not details
            continue
        (detail,) = details
        assert result.sha256 and result.sha256 in detail.text
        assert result.rule_set and result.rule_set in detail.text
        lists = [d for d in parsed.find("dd", "ev-rules") if d.letter == str(number)]
        outcomes = {code: d.attrs["data-outcome"] for d in lists for code in d.text.split()}
        assert outcomes == {r.code: r.outcome.value for r in result.results}
    assert "open" not in parsed.find("details", "evidence")[0].attrs  # collapsed


def test_clean_letters_are_a_count_and_a_collapsed_list_of_names_and_hashes(results, page):
    parsed = parse(page)
    assert not [a for a in parsed.find("article") if a.attrs["data-status"] == "clean"]
    (clean,) = [r for r in results if r.is_clean]
    number = str(results.index(clean) + 1)
    (listed,) = parsed.find("details", "clean-letters")
    assert "open" not in listed.attrs
    assert "1 clean letter" in parsed.find("summary")[0].text or "1 clean letter" in listed.text
    (item,) = parsed.find("li", id=f"letter-{number}")
    assert clean.path in item.text and clean.sha256 and clean.sha256[:12] in item.text
    assert not [e for e in parsed.elements if e.line and e.line.startswith(f"l{number}-")]


def test_a_letter_s_excerpt_is_the_lines_of_its_findings_with_context(results, page):
    from lgo_audit.report.html import CONTEXT

    parsed = parse(page)
    edited = results[0]
    assert edited.source_text is not None
    total = len(re.split(r"\r\n|\r|\n", edited.source_text))
    shown = {int(line.split("-")[1]) for line in parsed.lines if line.startswith("l1-")}
    near = {
        n
        for f in edited.findings
        for n in range(f.span.line - CONTEXT, min(f.span.end_line, total) + CONTEXT + 1)
        if 1 <= n <= total
    }
    assert near <= shown and len(shown) < total  # the rest is left out
    gaps = [e.text for e in parsed.find("div", "gap") if e.letter == "1"]
    assert gaps and all(g.endswith("not shown") for g in gaps)
    hidden = total - len(shown)
    counted = 0
    for gap in gaps:
        first, _, last = gap.split()[1].partition("\u2013")
        counted += int(last or first) - int(first) + 1
    assert counted == hidden


def test_the_page_marks_itself_ready_at_the_end_of_its_script(page):
    script = parse(page).find("script")[0].text
    assert script.rstrip().endswith('body.dataset.ready = "true";\n})();')


def test_output_is_deterministic(letters, results, page):
    assert render_html(check(letters), default_rules(), title="Annual Review letters 2020") == page


def test_an_empty_run_is_still_a_page():
    parsed = parse(render_html([], default_rules()))
    assert "No letters were checked" in "".join(e.text for e in parsed.find("p"))


def test_spans_follow_the_line_endings_of_findings_and_are_clamped_to_the_text():
    source = "alpha\r\nbeta\rgamma\ndelta\f epsilon"
    lines = ["alpha", "beta", "gamma", "delta\f epsilon"]

    def finding(code: str, span: tuple[int, int, int, int], severity: Severity) -> Finding:
        return Finding("x.txt", code, code.lower(), severity, f"message {code}", Span(*span))

    findings = [
        finding("LGO901", (1, 3, 3, 3), Severity.WARNING),  # over \r\n and \r
        finding("LGO902", (3, 2, 4, 3), Severity.ERROR),  # crosses the end of LGO901
        finding("LGO903", (2, 5, 2, 5), Severity.INFO),  # no width: a caret at the line's end
        finding("LGO904", (9, 1, 9, 4), Severity.ERROR),  # beyond the text: clamped
        finding("LGO905", (4, 5, 4, 9), Severity.WARNING),  # over a form feed (not a line end)
    ]
    result = FileResult("x.txt", findings, source_text=source, sha256="0" * 64, rule_set="v")
    parsed = parse(render_html([result], []))

    assert [parsed.lines[f"l1-{n}"] for n in range(1, 5)] == [
        "alpha",
        "beta",
        "gamma",
        r"delta\x0c epsilon",
    ]
    by_line = [(m.line, m.text, m.attrs["data-code"]) for m in parsed.find("mark")]
    assert by_line == [
        ("l1-1", "pha", "LGO901"),
        ("l1-2", "beta", "LGO901"),
        ("l1-2", "", "LGO903"),
        ("l1-3", "g", "LGO901"),
        ("l1-3", "a", "LGO901 LGO902"),
        ("l1-3", "mma", "LGO902"),
        ("l1-4", "de", "LGO902"),
        ("l1-4", "a\\x0c e", "LGO905"),  # the form feed, made visible, is inside the span
        ("l1-4", "", "LGO904"),
    ]
    caret = parsed.find("mark", "caret")
    assert [c.attrs["data-code"] for c in caret] == ["LGO903", "LGO904"]
    assert len(lines) == len(parsed.lines)


# --- the year at a glance ---------------------------------------------------------------------

MEASURES = {"upheld": "upheld", "compliance": "compliance", "remedy": "remedy"}
FLAGGED = re.compile(r"LGO[15]\d\d")


def plot_points(parsed: Page) -> list[tuple[Element, Element]]:
    """Every point of the plot: its link (``a.pt``) and its marker (circle or path)."""
    points = []
    for a in parsed.find("a", "pt"):
        after = parsed.elements[parsed.elements.index(a) + 1 :]
        (marker,) = [e for e in after[:2] if e.tag in ("circle", "path")]
        points.append((a, marker))
    return points


def point_title(parsed: Page, a: Element) -> str:
    title = parsed.elements[parsed.elements.index(a) + 1]
    assert title.tag == "title"
    return title.text


def stated(value: Any) -> str:
    return f"{value:f}%"


def test_the_plot_has_one_point_per_document_and_measure_with_figures(results, page):
    parsed = parse(page)
    expected = set()
    for number, result in enumerate(results, start=1):
        for key in MEASURES:
            if f"{key}.percent" in result.facts and f"{key}.average" in result.facts:
                expected.add((str(number), key))
    points = plot_points(parsed)
    got = [(a.attrs["data-letter"], a.attrs["data-measure"]) for a, _ in points]
    assert len(got) == len(set(got))  # one point each
    assert set(got) == expected
    assert len(expected) == 4 * 3  # four letters read, each with its three figures


def test_points_of_documents_with_figure_or_batch_findings_have_another_shape(results, page):
    parsed = parse(page)
    shapes = {}
    for a, marker in plot_points(parsed):
        result = results[int(a.attrs["data-letter"]) - 1]
        flagged = any(FLAGGED.fullmatch(f.code) for f in result.findings)
        assert marker.tag == ("path" if flagged else "circle"), result.path
        assert ("flagged" in a.attrs["class"].split()) is flagged
        shapes[flagged] = marker.tag
    assert shapes == {True: "path", False: "circle"}  # the batch has both
    legend = parse(page).find("ul", "glance-legend")[0].text
    assert "LGO1xx" in legend and "LGO5xx" in legend


def test_every_point_links_to_its_document_s_section_on_the_page(results, page):
    parsed = parse(page)
    ids = {e.attrs["id"] for e in parsed.elements if "id" in e.attrs}
    points = plot_points(parsed)
    assert points
    for a, _ in points:
        href = a.attrs["href"]
        assert href.startswith("#") and href[1:] in ids
        assert href == f"#letter-{a.attrs['data-letter']}"
        result = results[int(a.attrs["data-letter"]) - 1]
        if result.is_clean:  # its place in the list of clean letters
            (item,) = parsed.find("li", id=href[1:])
            assert result.path in item.text
            continue
        (article,) = parsed.find("article", id=href[1:])
        assert article.attrs["data-path"] == result.path


def test_each_point_s_title_holds_council_rate_and_stated_average(results, page):
    parsed = parse(page)
    for a, _ in plot_points(parsed):
        result = results[int(a.attrs["data-letter"]) - 1]
        key = a.attrs["data-measure"]
        council = result.facts["authority.name"].value
        rate = stated(result.facts[f"{key}.percent"].value)
        average = stated(result.facts[f"{key}.average"].value)
        title = point_title(parsed, a)
        assert title.startswith(f"{council} \u2014 {key} {rate} (stated average {average})")


def test_plots_are_grouped_by_authority_type(results, page):
    parsed = parse(page)
    figures = parsed.find("figure", "glance-plot")
    assert [f.attrs["data-type"] for f in figures] == ["District", "Metropolitan Borough"]
    for figure in figures:
        start = parsed.elements.index(figure)
        inside = parsed.elements[start + 1 : start + 1 + len(parsed.elements)]
        end = next((i for i, e in enumerate(inside) if e.tag == "figure"), len(inside))
        letters = {e.attrs["data-letter"] for e in inside[:end] if "pt" in e.attrs.get("class", "")}
        types = {results[int(n) - 1].facts["authority.type"].value for n in letters}
        assert types == {figure.attrs["data-type"]}
    svgs = parsed.find("svg", "glance-svg")
    assert [s.attrs["role"] for s in svgs] == ["img", "img"]
    assert svgs[0].attrs["aria-label"].startswith("District: rate stated against the average")


def fact(value: Any) -> FactValue:
    return FactValue(value, str(value))


def document(path: str, council: str, kind: str | None = None, **figures: Any) -> FileResult:
    """A checked document with only the facts the plot reads (``type=None``: not registered)."""
    facts = {"authority.name": fact(council)}
    kind_of = figures.pop("type", "District")
    if kind_of is not None:
        facts["authority.type"] = fact(kind_of)
    if kind is not None:
        facts["document.kind"] = fact(kind)
    for name, value in figures.items():
        facts[name.replace("_", ".", 1)] = fact(Decimal(value))
    return FileResult(path, sha256="0" * 64, rule_set="v", facts=facts, profile="2020")


ALL = {
    "upheld_percent": "59",
    "upheld_average": "67",
    "compliance_percent": "100",
    "compliance_average": "99.5",
    "remedy_percent": "0",
    "remedy_average": "11",
}


@pytest.fixture(scope="module")
def made() -> tuple[list[FileResult], Page]:
    no_compliance = {k: v for k, v in ALL.items() if k != "compliance_percent"}
    no_remedy_average = {k: v for k, v in ALL.items() if k != "remedy_average"}
    unknown = {**ALL, "type": None}
    documents = [
        document("a.txt", "Alpha District Council", **ALL),
        document("b.txt", "Beta District Council", **no_compliance),
        document("c.txt", "Gamma Council", **unknown),
        document("d.txt", "Delta District Council", "page", **no_remedy_average),
        document("e.txt", "Epsilon County Council", **{**ALL, "type": "County"}),
        FileResult("f.txt", error="cannot be read"),
    ]
    return documents, parse(render_html(documents, []))


def test_a_council_not_in_the_register_is_plotted_under_unknown_type(made):
    _, parsed = made
    types = [f.attrs["data-type"] for f in parsed.find("figure", "glance-plot")]
    assert types == ["County", "District", "Unknown type"]  # the register's order, unknown last
    unknown = [a for a, _ in plot_points(parsed) if a.attrs["data-letter"] == "3"]
    assert len(unknown) == 3
    caption = [f.text for f in parsed.find("figure") if f.attrs["data-type"] == "Unknown type"]
    assert "Unknown type: 1 document" in caption[0]


def test_missing_figures_are_left_out_and_named_never_plotted_as_zero(made):
    _, parsed = made
    points = {(a.attrs["data-letter"], a.attrs["data-measure"]) for a, _ in plot_points(parsed)}
    assert ("2", "compliance") not in points and ("2", "upheld") in points
    assert ("4", "remedy") not in points and ("4", "compliance") in points
    assert len(points) == 5 * 3 - 2
    notes = [e.text for e in parsed.find("span", "left-out")]
    assert notes == [
        "Not in compliance (no rate or no average stated): Beta District Council.",
        "Not in remedy (no rate or no average stated): Delta District Council.",
    ]
    titles = [e.text for e in parsed.find("text", "panel-title")]
    assert titles[3:6] == ["Upheld (3 of 3)", "Compliance (2 of 3)", "Remedy (2 of 3)"]
    links = [a for a in parsed.find("a") if a.text == "Beta District Council"]
    assert [a.attrs["href"] for a in links] == ["#letter-2"]


def test_points_stand_at_the_rate_across_and_the_average_up(made):
    documents, parsed = made
    points = plot_points(parsed)
    checked = 0
    for panel in parsed.find("g", "panel"):
        after = parsed.elements[parsed.elements.index(panel) :]
        diagonal = next(e for e in after if "diagonal" in e.attrs.get("class", ""))
        x0, y0 = float(diagonal.attrs["x1"]), float(diagonal.attrs["y1"])  # 0%, 0%
        x1, y1 = float(diagonal.attrs["x2"]), float(diagonal.attrs["y2"])  # 100%, 100%
        key = panel.attrs["data-measure"]  # every plot's panel of a measure stands alike
        for a, marker in points:
            if a.attrs["data-measure"] != key or marker.tag != "circle":
                continue
            checked += 1
            facts = documents[int(a.attrs["data-letter"]) - 1].facts
            rate = float(facts[f"{key}.percent"].value)
            average = float(facts[f"{key}.average"].value)
            cx, cy = float(marker.attrs["cx"]), float(marker.attrs["cy"])
            assert cx == pytest.approx(x0 + (x1 - x0) * rate / 100, abs=0.06)
            assert cy == pytest.approx(y0 + (y1 - y0) * average / 100, abs=0.06)
    assert checked == len(points) * 3  # each point, in each plot's panel of its measure


def test_statistics_pages_are_hollow_and_say_so(made):
    _, parsed = made
    page_points = [(a, m) for a, m in plot_points(parsed) if a.attrs["data-letter"] == "4"]
    assert page_points and all(a.attrs["data-kind"] == "page" for a, _ in page_points)
    assert all("kind-page" in m.attrs["class"].split() for _, m in page_points)
    assert "(statistics page)" in point_title(parsed, page_points[0][0])
    assert "statistics page" in parsed.find("ul", "glance-legend")[0].text
    letters = [a for a, _ in plot_points(parsed) if a.attrs["data-letter"] == "1"]
    assert all(a.attrs["data-kind"] == "letter" for a in letters)  # no document.kind: a letter


def test_without_figures_to_plot_there_is_no_plot(results):
    bare = [dataclasses.replace(r, facts={}) for r in results]
    parsed = parse(render_html(bare, default_rules()))
    assert not parsed.find("section", id="glance")
    assert not parsed.find("svg")


def test_check_with_an_html_report_keeps_the_facts_the_plot_shows(tmp_path):
    from typer.testing import CliRunner

    from lgo_audit.cli import app

    out = tmp_path / "report.html"
    args = ["check", "--isolated", "--select", "LGO102", str(EXAMPLES), "-o", str(out)]
    CliRunner().invoke(app, [*args, "--output-format", "html"])
    parsed = parse(out.read_text(encoding="utf-8"))
    titles = [point_title(parsed, a) for a, _ in plot_points(parsed)]
    assert len(titles) == 2 * 3  # no cross-letter rule selected: the plot's facts kept anyway
    assert "Stevenage Borough Council \u2014 upheld 100% (stated average 45%)" in titles[0]


# --- what the HTML report costs the rest of the tool -------------------------------------------

# A one-letter check in a fresh interpreter, through the console script's entry point; then
# which of the HTML report's libraries that process had imported.
IMPORTS = (
    "import sys\n"
    "from lgo_audit.cli import main\n"
    "sys.argv = ['lgo-audit', 'check', '--isolated', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as stop:\n"
    "    status = stop.code\n"
    "names = ('jinja2', 'markdown_it', 'markupsafe')\n"
    "print('imported:', status, *(name in sys.modules for name in names))\n"
)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), ["1", "False", "False", "False"]),  # the default output: none of them
        (("--output-format", "html", "-o", "{tmp}/report.html"), ["1", "True", "True", "True"]),
    ],
    ids=["default-output", "html-control"],
)
def test_jinja2_and_markdown_it_are_imported_only_for_an_html_report(tmp_path, options, expected):
    letter = str(EXAMPLES / "stevenage-2020.txt")  # one finding: exit status 1
    args = [option.format(tmp=tmp_path) for option in options]
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, letter, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("imported:")]
    assert line.split()[1:] == expected, done.stderr
    assert (tmp_path / "report.html").exists() == bool(options)


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_records_file_rule_set_counts_and_every_rule_s_outcome(results):
    records = evidence(results)
    assert [r["path"] for r in records] == [r.path for r in results]
    for record, result in zip(records, results, strict=True):
        assert record["sha256"] == result.sha256
        assert record["rule_set"] == result.rule_set
        assert record["rules"] == {r.code: r.outcome.value for r in result.results}
        assert list(record["rules"]) == sorted(record["rules"])
        counts = record["counts"]
        assert sum(counts["rules"].values()) == len(result.results)
        assert sum(counts["findings"].values()) == len(result.findings)
        assert counts["rules"]["failed"] == len({f.code for f in result.findings})
    edited, _, _, clean, unreadable = records
    assert edited["status"] == "has-errors" and edited["rules"]["LGO201"] == "failed"
    assert clean["status"] == "clean" and clean["counts"]["rules"]["failed"] == 0
    per_letter = {r.code for r in default_rules() if r.kind not in ("batch", "data")}
    assert set(clean["rules"]) == per_letter  # cross-letter rules add theirs in the batch pass
    assert unreadable["status"] == "unreadable" and unreadable["sha256"] is None
    assert unreadable["rules"] == {} and unreadable["error"]


def test_json_with_evidence_is_the_findings_and_the_evidence(results):
    document = json.loads(render_json_with_evidence(results))
    assert set(document) == {"tool", "findings", "evidence"}
    assert document["findings"] == json.loads(render_json(results))
    assert document["evidence"] == json.loads(json.dumps(evidence(results)))
    assert document["tool"]["name"] == "lgo-audit"


def test_evidence_says_which_facts_are_missing_and_which_do_not_apply(results):
    from lgo_audit.grammar import PROFILES
    from lgo_audit.vocabulary import not_applicable_facts

    records = evidence(results)
    _, stockport, stevenage, clean, unreadable = records
    not_2020 = list(not_applicable_facts(PROFILES["2020"].facts))
    assert "overview.dealt_with" in not_2020 and "upheld.per_100k" in not_2020
    for record in (stockport, stevenage, clean):
        assert record["profile"] == "2020"
        assert record["not_applicable"] == not_2020
    # the letter's gap (LGO102), and so the upheld decisions taken from it
    assert stevenage["missing"] == ["upheld.count", "upheld.decisions"]
    assert clean["missing"] == []
    assert "panel_header.authority" in stockport["missing"]  # no panel header in that text
    assert (unreadable["profile"], unreadable["missing"], unreadable["not_applicable"]) == (
        None,
        [],
        [],
    )


def test_the_page_shows_each_letter_s_missing_facts_and_each_template_s_not_applicable(page):
    parsed = parse(page)
    missing = [e.text for e in parsed.find("dd", "ev-missing")]
    assert "upheld.count, upheld.decisions" in missing  # Stevenage
    assert any("panel_header.authority" in m for m in missing)  # Stockport
    (shown,) = parsed.find("dd", "ev-not-applicable")  # one template year, 2020
    assert "overview.dealt_with" in shown.text
    assert parsed.find("dt", id="template-2020")
    links = {a.attrs["href"] for a in parsed.find("a") if a.letter is not None}
    assert "#template-2020" in links


def test_evidence_shows_rules_whose_findings_per_file_ignores_hid():
    settings = Settings(per_file_ignores=(("stevenage-*.txt", ("LGO102",)),))
    (result,) = check([EXAMPLES / "stevenage-2020.txt"], settings)
    (record,) = evidence([result])
    assert not result.findings
    assert record["rules"]["LGO102"] == "failed" and record["suppressed"] == ["LGO102"]
    parsed = parse(render_html([result], default_rules()))  # a clean letter, in the list
    (item,) = parsed.find("li", id="letter-1")
    assert "ignored by per-file-ignores" in item.text and "LGO102" in item.text


# --- a real browser ---------------------------------------------------------------------------


def find_chromium() -> str | None:
    if os.environ.get("LGO_AUDIT_CHROMIUM"):
        return os.environ["LGO_AUDIT_CHROMIUM"]
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = find_chromium()
# In CI the browser test must run (.ci/run installs Chromium): a missing browser is a failure there.
if CHROMIUM is None and os.environ.get("CI") == "true":
    raise RuntimeError("CI=true but no Chromium found: .ci/run should have installed it")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium (/usr/bin/chromium, chromium or chromium-browser); "
    "CI installs it with 'apt-get install -y chromium'",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,1600",
]
# Chromium logs console messages as `CONSOLE(12)] "..."` (older) or `INFO:CONSOLE:12] "..."`
# (newer), uncaught exceptions as `Uncaught ...` and CSP violations as console messages too.
CONSOLE = re.compile(r"CONSOLE[(:]|Uncaught")


@dataclass
class Run:
    stdout: str
    console: list[str]


def chromium(url: str, workdir: Path, *extra: str) -> Run:
    assert CHROMIUM is not None
    profile = workdir / f"profile-{len(list(workdir.glob('profile-*')))}"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=180)
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    assert done.returncode == 0, done.stderr[-3000:]
    return Run(done.stdout, console)


def body_attributes(dom: str) -> dict[str, str]:
    bodies = parse(dom).find("body")
    assert bodies, dom[:500]
    return bodies[0].attrs


@pytest.fixture(scope="module")
def browser_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("chromium")
    probe = workdir / "probe.html"
    probe.write_text(
        "<!DOCTYPE html><title>probe</title><script>console.error('lgo-audit-probe');"
        "null.x;</script>",
        encoding="utf-8",
    )
    run = chromium(probe.as_uri(), workdir, "--dump-dom")
    if not any("lgo-audit-probe" in line for line in run.console) or not any(
        "Uncaught" in line for line in run.console
    ):
        pytest.fail("Chromium does not log console messages to stderr: the console check is blind")
    return workdir


@pytest.fixture(scope="module")
def report_file(browser_dir: Path, page: str) -> Path:
    path = browser_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def keep(*paths: Path) -> None:
    folder = os.environ.get("LGO_AUDIT_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copy2(path, Path(folder) / path.name)


@needs_chromium
def test_the_page_runs_its_script_to_the_end_without_console_messages(browser_dir, report_file):
    run = chromium(report_file.as_uri(), browser_dir, "--dump-dom")
    assert run.console == []
    attributes = body_attributes(run.stdout)
    assert attributes.get("data-ready") == "true"
    assert "js" in attributes.get("class", "").split()


@needs_chromium
def test_screenshot_shows_the_report(browser_dir, report_file, record_property):
    png = browser_dir / "report.png"
    run = chromium(report_file.as_uri(), browser_dir, f"--screenshot={png}")
    assert run.console == []
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1280, 1600)
    assert len(data) > 50_000  # a rendered page, not a blank one
    record_property("screenshot", str(png))
    keep(report_file, png)
    print(f"\nscreenshot of the HTML report: {png}")


DRIVER = """
(() => {
  const out = {};
  const shown = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((e) => !e.closest("[hidden]"));
  const paths = () => shown("article.letter").map((a) => a.dataset.path);
  const rows = () => shown("#summary-table tbody tr").map((r) => r.dataset.path);
  const box = (e) => e.getBoundingClientRect();
  const table = document.getElementById("summary-table");
  const mark = document.querySelector("mark.sev-error");
  const text = box(mark.closest(".text"));
  out.viewport = window.innerHeight;
  out.summaryBottom = box(table).bottom;
  out.mark = { code: mark.dataset.code, top: box(mark).top, bottom: box(mark).bottom,
    inBox: box(mark).top >= text.top && box(mark).bottom <= text.bottom,
    background: getComputedStyle(mark).backgroundColor };
  const tick = (sel) => document.querySelector(sel).click();

  tick('input[name="sev"][value="error"]');
  out.noErrors = { letters: paths(), rows: rows(),
    items: shown('li.finding[data-sev="error"]').length,
    marks: shown("mark.sev-error:not(.off)").length,
    shown: document.getElementById("shown").textContent,
    gutter: document.getElementById("l1-5").className };
  tick('input[name="sev"][value="error"]');

  tick('button[data-rules="none"]');
  tick('input[name="rule"][value="LGO102"]');
  out.onlyLgo102 = { letters: paths(), items: shown("li.finding").map((li) => li.dataset.code) };
  tick('button[data-rules="all"]');

  const q = document.getElementById("q");
  q.value = "STOCK";
  q.dispatchEvent(new Event("input", { bubbles: true }));
  out.search = paths();
  q.value = "";
  q.dispatchEvent(new Event("input", { bubbles: true }));
  out.all = paths();

  const item = document.querySelector("li.finding");
  item.querySelector(".head").click();
  out.flash = { fid: item.dataset.f,
    marks: Array.from(document.querySelectorAll("mark.flash")).map((m) => m.dataset.f) };

  const far = document.querySelector('li.finding[data-code="LGO102"]');  // the third letter
  far.querySelector(".head").click();
  const target = document.querySelector('mark[data-f~="' + far.dataset.f + '"]');
  const at = box(target);
  const hit = document.elementFromPoint(at.left + at.width / 2, at.top + at.height / 2);
  out.jump = { inView: at.top >= 0 && at.bottom <= window.innerHeight, hit: target.contains(hit),
    scrolled: window.scrollY > 0 };

  document.querySelector('mark.multi[data-code~="LGO402"]').click();
  const pop = document.getElementById("pop");
  const codes = () => Array.from(pop.querySelectorAll(".code")).map((c) => c.textContent);
  out.pop = { hidden: pop.hidden, codes: codes() };
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
  out.popClosed = pop.hidden;

  const mark5 = document.querySelector("#l1-5 mark");
  mark5.focus();
  mark5.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
  out.keyboard = codes();
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));

  tick('#summary-table button[data-sort="error"]');
  out.byErrors = rows();
  tick('#summary-table button[data-sort="error"]');
  out.byErrorsAscending = rows();

  document.body.dataset.driver = JSON.stringify(out);
})();
"""


def drive(browser_dir: Path, page: str, driver: str, name: str) -> dict[str, Any]:
    """Run ``driver`` after the page's script in Chromium; what it left in data-driver.

    The page's policy is kept, with the driver's hash added."""
    digest = base64.b64encode(hashlib.sha256(driver.encode()).digest()).decode()
    policy = re.compile(r"script-src ('sha256-[^']+')")
    driven = policy.sub(rf"script-src \1 'sha256-{digest}'", page, count=1)
    driven = driven.replace("</body>", f"<script>{driver}</script></body>")
    path = browser_dir / name
    path.write_text(driven, encoding="utf-8")

    run = chromium(path.as_uri(), browser_dir, "--dump-dom")
    assert run.console == []
    out: dict[str, Any] = json.loads(body_attributes(run.stdout)["data-driver"])
    return out


@needs_chromium
def test_filters_finding_list_and_popover_work_in_the_browser(browser_dir, page, results):
    out = drive(browser_dir, page, DRIVER, "driven.html")
    edited, stockport, stevenage, clean, unreadable = (r.path for r in results)

    # what the screenshot shows: the summary and a highlighted finding, within 1280x1600
    assert out["summaryBottom"] < out["viewport"]
    assert out["mark"]["code"] == "LGO201" and out["mark"]["inBox"]
    assert out["mark"]["top"] > 0 and out["mark"]["bottom"] < out["viewport"]
    assert out["mark"]["background"] not in ("rgba(0, 0, 0, 0)", "transparent")

    assert out["all"] == [edited, stockport, stevenage, unreadable]  # the clean one is listed
    assert clean not in out["all"]
    assert out["noErrors"]["letters"] == [edited, stockport]  # and not the unreadable one
    assert out["noErrors"]["rows"] == out["noErrors"]["letters"]
    assert out["noErrors"]["items"] == 0 and out["noErrors"]["marks"] == 0
    assert out["noErrors"]["gutter"] == "ln"  # line 5's only finding is an error: no bar
    assert out["noErrors"]["shown"].startswith("Showing 2 of 4 letters")
    assert out["onlyLgo102"] == {"letters": [stevenage], "items": ["LGO102"]}
    assert out["search"] == [stockport]
    assert out["flash"]["marks"] and set(out["flash"]["marks"]) == {out["flash"]["fid"]}
    assert out["jump"] == {"inView": True, "hit": True, "scrolled": True}
    assert out["pop"] == {"hidden": False, "codes": ["LGO403", "LGO402"]}
    assert out["popClosed"] is True
    assert out["keyboard"] == ["LGO201"]
    assert out["byErrors"] == [edited, stevenage, stockport, unreadable]  # ties: as given
    assert out["byErrorsAscending"] == [stockport, unreadable, stevenage, edited]


PLOT_DRIVER = """
(() => {
  const out = {};
  const box = (e) => e.getBoundingClientRect();
  out.plots = Array.from(document.querySelectorAll("#glance svg.glance-svg")).map((svg) => {
    const b = box(svg);
    return { type: svg.closest("figure").dataset.type, width: b.width, height: b.height };
  });
  const points = Array.from(document.querySelectorAll("#glance a.pt"));
  out.points = points.map((a) => {
    const marker = a.querySelector("circle, path");
    const b = box(marker);
    const style = getComputedStyle(marker);
    // what is drawn at the marker's centre is this point, or one drawn at the same place
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    const hitPoint = hit && hit.closest("a.pt");
    const centre = (m) => [box(m).left + box(m).width / 2, box(m).top + box(m).height / 2];
    const near = (m, n) => Math.hypot(centre(m)[0] - centre(n)[0], centre(m)[1] - centre(n)[1]) < 2;
    const target = document.getElementById(a.getAttribute("href").slice(1));
    return {
      letter: a.dataset.letter, measure: a.dataset.measure, shape: marker.tagName,
      width: b.width, height: b.height,
      visible: style.visibility === "visible" && style.display !== "none"
        && Number(style.fillOpacity) > 0,
      // the point itself, or one plotted at the same place drawn over it
      hit: !!hitPoint && (hitPoint === a || near(hitPoint.querySelector("circle, path"), marker)),
      target: target ? target.tagName.toLowerCase() + "#" + target.id : null,
      title: a.querySelector("title").textContent,
    };
  });
  // following a point's link scrolls its document's section into view
  const last = points[points.length - 1];
  last.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
  const target = document.getElementById(last.getAttribute("href").slice(1));
  const t = box(target);
  out.follow = { hash: location.hash, href: last.getAttribute("href"),
    top: t.top, inView: t.top < window.innerHeight && t.bottom > 0 };
  // a filter that hides a letter dims its points
  document.querySelector('input[name="sev"][value="error"]').click();
  out.dimmed = Array.from(document.querySelectorAll("#glance a.pt.off"))
    .map((a) => a.dataset.letter);
  document.body.dataset.driver = JSON.stringify(out);
})();
"""


@needs_chromium
def test_the_plot_renders_and_its_links_lead_to_the_documents(browser_dir, page, results):
    out = drive(browser_dir, page, PLOT_DRIVER, "plot.html")
    assert [p["type"] for p in out["plots"]] == ["District", "Metropolitan Borough"]
    assert all(p["width"] > 300 and p["height"] > 100 for p in out["plots"])
    points = out["points"]
    assert len(points) == 4 * 3  # as the structure test counts them
    for point in points:
        assert point["width"] > 4 and point["height"] > 4, point
        assert point["visible"] and point["hit"], point
        result = results[int(point["letter"]) - 1]
        where = "li" if result.is_clean else "article"  # a clean letter: its place in the list
        assert point["target"] == f"{where}#letter-{point['letter']}"
        assert point["title"].startswith(result.facts["authority.name"].value)
    shapes = {p["letter"]: p["shape"] for p in points}
    assert shapes == {"1": "path", "2": "circle", "3": "path", "4": "circle"}  # LGO101, LGO102
    follow = out["follow"]
    assert follow["hash"] == follow["href"] and follow["inView"], follow
    # without errors shown, Stevenage (its one finding an error) and the clean letter are hidden
    assert sorted(set(out["dimmed"])) == ["3", "4"]
