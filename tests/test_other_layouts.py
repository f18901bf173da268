"""Letters in layouts of their own (tests/other_layouts.py), unlike the ones the readers were
written against: a serif PDF with every word placed on its own and justified, a multi-line
letterhead to the right, a header and "Page N of M" footer, the panels in two columns running
over onto the next page with big figures above and beside their labels; and a DOCX of
tables, split bold figures, soft breaks, styles, numbering and HYPERLINK fields. Each reads
back to the facts of its text, and (where the page furniture can be told from the letter:
more than one page) gives the findings of its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgo_audit.application import CheckOptions, run_check
from lgo_audit.documents.pdf import read
from lgo_audit.parse import parse_source
from lgo_audit.reader import decode
from tests.other_layouts import serif_letter_pdf, table_letter_docx
from tests.paths import EXAMPLES, RULES_DIR

LETTERS = {f"base-{p.stem}": p for p in sorted((RULES_DIR / "base").glob("20[0-9][0-9].txt"))} | {
    p.stem: p for p in sorted(EXAMPLES.glob("*.txt"))
}
COUNCIL = "Stockport Metropolitan Borough Council"


def facts(data: bytes, name: str) -> dict[str, Any]:
    parsed = parse_source(decode(data, name), authorities=None)
    return {key: token.value for key, token in parsed.facts.items()}


def codes(path: Path) -> list[str]:
    (result,) = run_check([path], CheckOptions(isolated=True)).results
    assert result.error is None, result.error
    return sorted(f.code for f in result.findings)


def make(kind: str, text: str) -> bytes:
    return serif_letter_pdf(text, council=COUNCIL) if kind == "pdf" else table_letter_docx(text)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(LETTERS))
def test_a_letter_in_another_layout_reads_back_to_the_facts_of_its_text(name, kind):
    text = LETTERS[name].read_bytes()
    expected = facts(text, f"{name}.txt")
    assert expected
    assert facts(make(kind, text.decode("utf-8")), f"{name}.{kind}") == expected


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(LETTERS))
def test_a_letter_in_another_layout_gives_the_findings_of_its_text(tmp_path, name, kind):
    text = LETTERS[name].read_bytes()
    data = make(kind, text.decode("utf-8"))
    if kind == "pdf" and read(data, max_chars=10**6).origins[-1].page == 1:
        pytest.skip("a one-page PDF's header cannot be told from letter text")
    (tmp_path / f"{name}.txt").write_bytes(text)
    (tmp_path / f"{name}.{kind}").write_bytes(data)
    assert codes(tmp_path / f"{name}.{kind}") == codes(tmp_path / f"{name}.txt")


def test_the_serif_layout_puts_the_panels_in_two_columns_over_two_pages():
    data = serif_letter_pdf(LETTERS["stockport-2020"].read_text(encoding="utf-8"))
    rendition = read(data, max_chars=10**6)
    lines = rendition.text.split("\n")
    # the letterhead, right-aligned above the address, is read first
    assert lines[:3] == ["Local Government &", "Social Care", "OMBUDSMAN"]
    # big figures joined to their labels, above and beside
    assert "59% of complaints we investigated were upheld." in lines
    assert "10 upheld decisions" in lines
    assert rendition.origins[-1].page >= 2
