"""PDF letters: read back fact for fact, the same findings as their text, each finding's origin
in the PDF, and every kind of bad PDF refused in one line with exit status 2.

The PDFs are laid out here from the text letters (tests/pdf_letters.py, fpdf2): a letterhead,
header and footer with "Page N of M" on every page, the narrative over pages 1 and 2, and the
statistics panels as a two-column infographic on the last page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from typer.testing import CliRunner

from lgo_audit.application import CheckOptions, run_check
from lgo_audit.cli import app
from lgo_audit.documents import MAX_PAGES, DocumentError
from lgo_audit.documents.pdf import read
from lgo_audit.parse import parse_source
from lgo_audit.reader import decode
from tests.paths import EXAMPLES, RULES_DIR
from tests.pdf_letters import HEADER, letter_pdf

YEARS = sorted(p.stem for p in (RULES_DIR / "base").glob("20[0-9][0-9].txt"))
LETTERS = {f"base-{year}": RULES_DIR / "base" / f"{year}.txt" for year in YEARS} | {
    "stevenage": EXAMPLES / "stevenage-2020.txt",
    "stockport": EXAMPLES / "stockport-2020.txt",
}


def facts(data: bytes, name: str) -> dict[str, Any]:
    parsed = parse_source(decode(data, name), authorities=None)
    return {key: token.value for key, token in parsed.facts.items()}


def findings(path: Path) -> list[Any]:
    (result,) = run_check([path], CheckOptions(isolated=True)).results
    assert result.error is None, result.error
    return list(result.findings)


def test_there_is_a_base_letter_for_each_profile_year():
    assert [str(year) for year in range(2020, 2026)] == YEARS


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_a_pdf_letter_reads_back_to_the_facts_of_its_text(name):
    text = LETTERS[name].read_bytes()
    expected = facts(text, f"{name}.txt")
    assert expected  # the text letter is recognised
    assert facts(letter_pdf(text.decode("utf-8")), f"{name}.pdf") == expected


@pytest.mark.parametrize("name", sorted(LETTERS))
def test_a_pdf_letter_gives_the_findings_of_its_text(tmp_path, name):
    text = LETTERS[name].read_bytes()
    (tmp_path / f"{name}.txt").write_bytes(text)
    (tmp_path / f"{name}.pdf").write_bytes(letter_pdf(text.decode("utf-8")))
    from_text = sorted(f.code for f in findings(tmp_path / f"{name}.txt"))
    from_pdf = findings(tmp_path / f"{name}.pdf")
    assert sorted(f.code for f in from_pdf) == from_text
    assert all(f.origin and {"page", "line", "column"} <= f.origin.keys() for f in from_pdf)


def test_stevenage_missing_figure_is_found_on_the_last_page(tmp_path):
    path = tmp_path / "stevenage.pdf"
    data = letter_pdf(LETTERS["stevenage"].read_text(encoding="utf-8"))
    path.write_bytes(data)
    pages = read(data, max_chars=10**6).origins[-1].page
    (finding,) = [f for f in findings(path) if f.code == "LGO102"]
    assert finding.origin is not None and finding.origin["page"] == pages == 3


def test_stockport_placeholder_links_are_found_from_the_link_annotations(tmp_path):
    path = tmp_path / "stockport.pdf"
    data = letter_pdf(LETTERS["stockport"].read_text(encoding="utf-8"))
    path.write_bytes(data)
    rendition = read(data, max_chars=10**6)
    assert rendition.text.count("](#)") == 3  # as many links as the text letter has
    found = [f for f in findings(path) if f.code == "LGO403"]
    assert len(found) == 3
    lines = rendition.text.split("\n")
    for finding in found:
        assert finding.origin is not None
        line = lines[finding.span.line - 1]
        assert rendition.origin_of(finding.span.line) is not None
        assert "](#)" in line[finding.span.column - 1 :]


def test_a_uri_link_is_kept_as_its_target():
    data = letter_pdf(LETTERS["base-2020"].read_text(encoding="utf-8"))
    text = read(data, max_chars=10**6).text
    assert "[Your council's performance](https://www.lgo.org.uk/your-councils-performance)" in text


def test_headers_footers_and_page_numbers_are_not_letter_text():
    data = letter_pdf(LETTERS["base-2020"].read_text(encoding="utf-8"))
    rendition = read(data, max_chars=10**6)
    assert HEADER not in rendition.text
    assert "Page " not in rendition.text and "PO Box" not in rendition.text
    assert [o.page for o in rendition.origins][-1] == 3
    assert len(rendition.origins) == rendition.text.count("\n") + 1
    # each page's lines are numbered from 1, in order
    for page in (1, 2, 3):
        numbers = [o.line for o in rendition.origins if o.page == page]
        assert numbers == list(range(1, len(numbers) + 1))


def test_each_big_figure_reads_with_its_label():
    data = letter_pdf(LETTERS["base-2025"].read_text(encoding="utf-8"))
    lines = read(data, max_chars=10**6).text.split("\n")
    assert "59% of complaints we investigated were" in lines  # beside its label
    assert "0 satisfactory remedy decisions" in lines  # above its label
    # the left column is read before the right one
    assert lines.index("Complaints upheld") < lines.index("Compliance with Ombudsman")


# --- bad PDFs: one line naming the file and the reason, exit status 2 ------------------------


def _pdf(pages: int = 1, text: str = "Dear Ms Smith", **encryption: str) -> bytes:
    pdf = FPDF()
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.set_font("Helvetica", size=10)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.cell(0, 5, text)
        else:
            pdf.rect(10, 10, 50, 50, style="F")  # a drawing: no text
    return bytes(pdf.output())


def _bulky() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=4)
    for _ in range(3):
        pdf.add_page()
        pdf.multi_cell(0, 2, "x " * 12_000)
    return bytes(pdf.output())


BAD: dict[str, tuple[Any, str, tuple[str, ...]]] = {
    "encrypted": (lambda: _pdf(owner_password="o", user_password="u"), "encrypted", ()),
    "scanned": (lambda: _pdf(text=""), "has no text layer (a scanned image?)", ()),
    "truncated": (lambda: letter_pdf("Dear Ms Smith\n")[:900], "damaged or truncated PDF", ()),
    "corrupt": (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 200, "damaged or truncated PDF", ()),
    "too-many-pages": (lambda: _pdf(pages=MAX_PAGES + 1), f"at most {MAX_PAGES}", ()),
    # a small file whose compressed page streams hold more text than the size limit
    "too-much-text": (_bulky, "more text than a letter may have", ("--max-file-size", "40000")),
    "text-named-pdf": (lambda: b"Dear Ms Smith\n", "is not a PDF (no %PDF- header)", ()),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_pdf_is_refused_in_one_line_with_exit_2(tmp_path, case):
    make, reason, options = BAD[case]
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(make())
    result = CliRunner().invoke(app, ["check", "--isolated", *options, str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), result.stderr
    assert reason in lines[0]
    assert "Traceback" not in result.stderr and "1 file could not be checked" in result.stdout


def test_the_reader_raises_only_document_errors_on_damaged_bytes():
    data = letter_pdf(LETTERS["base-2021"].read_text(encoding="utf-8"))
    for cut in range(0, len(data), max(1, len(data) // 40)):
        for damaged in (data[:cut], data[:cut] + b"\x00" * 7 + data[cut + 7 :]):
            try:
                read(damaged, max_chars=10**6)
            except DocumentError as error:
                assert "\n" not in str(error)


def test_a_real_pdf_named_txt_is_read_by_its_content(tmp_path):
    path = tmp_path / "stockport.txt"
    path.write_bytes(letter_pdf(LETTERS["stockport"].read_text(encoding="utf-8")))
    assert [f.code for f in findings(path)].count("LGO403") == 3


def test_a_folder_check_picks_up_pdf_letters(tmp_path):
    (tmp_path / "stockport.pdf").write_bytes(
        letter_pdf(LETTERS["stockport"].read_text(encoding="utf-8"))
    )
    run = run_check([tmp_path], CheckOptions(isolated=True))
    assert [Path(r.path).name for r in run.results] == ["stockport.pdf"]


def test_fix_never_modifies_a_pdf(tmp_path):
    path = tmp_path / "stockport.pdf"
    data = letter_pdf(LETTERS["stockport"].read_text(encoding="utf-8"))
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["check", "--isolated", "--fix", str(path)])
    assert f"{path}: a PDF is never modified; not fixed" in result.stderr
    assert path.read_bytes() == data


def test_checking_a_text_letter_does_not_import_the_pdf_library():
    code = (
        "import sys\n"
        "from lgo_audit.cli import main\n"
        "sys.argv = ['lgo-audit', 'check', '--isolated', sys.argv[1]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pdf library imported:', 'pypdfium2' in sys.modules)\n"
    )
    letter = str(EXAMPLES / "stevenage-2020.txt")
    result = subprocess.run(
        [sys.executable, "-c", code, letter], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().endswith("pdf library imported: False"), result.stderr
