"""What every document format shares: findings placed in the original document (origins),
one letter in several renditions, the files a folder is searched for.

The PDF and DOCX readers have tests of their own; here a stand-in reader gives a rendition,
so that what the rest of the pipeline does with one is specified whatever the format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from lgo_audit import documents
from lgo_audit.application import CheckOptions, run_check
from lgo_audit.cli import app
from lgo_audit.documents import Origin, Rendition
from tests.paths import EXAMPLES, SARIF_SCHEMA

runner = CliRunner()


def page_origins(text: str, lines_per_page: int = 40) -> tuple[Origin, ...]:
    count = text.count("\n") + 1
    return tuple(
        Origin(page=index // lines_per_page + 1, line=index % lines_per_page + 1)
        for index in range(count)
    )


@pytest.fixture
def stand_in_pdf(monkeypatch, tmp_path):
    """A file 'stevenage.pdf' whose rendition is the bundled Stevenage letter, 40 lines a page."""
    text = (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")

    def read_document(data: bytes, fmt: str, *, max_chars: int) -> Rendition:
        assert fmt == "pdf"
        return Rendition("pdf", text, page_origins(text))

    monkeypatch.setattr(documents, "read_document", read_document)
    path = tmp_path / "stevenage.pdf"
    path.write_bytes(b"%PDF-1.7 stand-in")
    return path


def check(*args: str):
    return runner.invoke(app, ["check", "--isolated", "-j", "1", *args])


def test_a_finding_in_a_document_says_its_page_line_and_column(stand_in_pdf):
    result = check(str(stand_in_pdf), "--output-format", "json")
    (finding,) = json.loads(result.output)
    assert finding["code"] == "LGO102"
    assert finding["line"] == 61  # in the text that was checked
    assert finding["origin"] == {"page": 2, "line": 21, "column": 1}  # in the PDF


def test_text_formats_show_the_origin_after_the_location(stand_in_pdf):
    result = check(str(stand_in_pdf), "--output-format", "concise")
    assert f"{stand_in_pdf}:61:1 (page 2, line 21, column 1): LGO102 [error]" in result.output


def test_sarif_carries_the_origin_in_the_region_s_properties_and_stays_valid(stand_in_pdf):
    result = check(str(stand_in_pdf), "--output-format", "sarif")
    document = json.loads(result.output)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    (finding,) = document["runs"][0]["results"]
    region = finding["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 61
    assert region["properties"] == {"origin": {"page": 2, "line": 21, "column": 1}}


def test_a_text_letter_s_findings_have_no_origin():
    result = check(str(EXAMPLES / "stevenage-2020.txt"), "--output-format", "json")
    (finding,) = json.loads(result.output)
    assert "origin" not in finding


def test_parse_text_prints_the_text_that_is_checked(stand_in_pdf):
    result = runner.invoke(app, ["parse", "--isolated", "--text", str(stand_in_pdf)])
    assert result.exit_code == 0
    text = (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")
    assert result.output.rstrip("\n") == text.rstrip("\n")


def test_a_docx_cell_origin_is_described_by_table_row_and_cell():
    origin = Origin(table=1, row=2, cell=3)
    assert origin.to_dict(column=7) == {"table": 1, "row": 2, "cell": 3}
    assert origin.describe() == "table 1, row 2, cell 3"
    assert Origin(paragraph=12).describe() == "paragraph 12"


# --- one letter, several renditions ---------------------------------------------------------


def renditions(folder: Path, **texts: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = folder / name.replace("_", ".")
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


STOCKPORT = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")


def codes(run) -> dict[str, list[str]]:
    return {Path(r.path).name: sorted({f.code for f in r.findings}) for r in run.results}


def test_renditions_of_one_letter_are_one_letter_not_duplicates(tmp_path):
    renditions(tmp_path / "letters", kent_txt=STOCKPORT, kent_md=STOCKPORT)
    run = run_check([tmp_path / "letters"], CheckOptions(isolated=True, select=("LGO5",)))
    assert codes(run) == {"kent.md": [], "kent.txt": []}


def test_a_fact_that_differs_between_renditions_is_a_finding_on_the_later(tmp_path):
    renditions(
        tmp_path / "letters",
        kent_txt=STOCKPORT,
        kent_md=STOCKPORT.replace("22 July 2020", "23 July 2020"),
    )
    run = run_check([tmp_path / "letters"], CheckOptions(isolated=True, select=("LGO506",)))
    assert codes(run) == {"kent.md": [], "kent.txt": ["LGO506"]}
    (finding,) = run.results[1].findings
    assert "the letter date is 22 July 2020 here but 23 July 2020 in kent.md" in finding.message
    assert finding.related[0].path.endswith("kent.md")


def test_letters_of_two_names_in_one_folder_are_still_duplicates(tmp_path):
    renditions(tmp_path / "letters", kent_txt=STOCKPORT, surrey_txt=STOCKPORT)
    run = run_check([tmp_path / "letters"], CheckOptions(isolated=True, select=("LGO502",)))
    assert codes(run) == {"kent.txt": [], "surrey.txt": ["LGO502"]}


def test_the_same_name_in_two_folders_is_two_letters(tmp_path):
    renditions(tmp_path / "a", kent_txt=STOCKPORT)
    renditions(tmp_path / "b", kent_txt=STOCKPORT)
    run = run_check([tmp_path], CheckOptions(isolated=True, select=("LGO502", "LGO506")))
    assert [f.code for r in run.results for f in r.findings] == ["LGO502"]


# --- the files a folder is searched for -------------------------------------------------------


def test_a_folder_is_searched_for_letters_pages_pdfs_and_word_files_by_default(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in ("a.txt", "b.MD", "c.html", "d.pdf", "e.docx", "f.csv", ".hidden.txt"):
        (folder / name).write_bytes(b"x")
    run = run_check([folder], CheckOptions(isolated=True))
    assert sorted(Path(r.path).name for r in run.results) == [
        "a.txt",
        "b.MD",
        "c.html",
        "d.pdf",
        "e.docx",
    ]


def test_the_configuration_s_letter_files_choose_what_a_folder_is_searched_for(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(EXAMPLES / "stevenage-2020.txt", folder / "stevenage.letter")
    shutil.copy(EXAMPLES / "stockport-2020.txt", folder / "stockport.txt")
    (tmp_path / "lgo-audit.toml").write_text('letter-files = ["*.letter"]\n', encoding="utf-8")
    run = run_check([folder], CheckOptions())
    assert [Path(r.path).name for r in run.results] == ["stevenage.letter"]
    # a file named on the command line is read whatever its name
    run = run_check([folder / "stockport.txt"], CheckOptions())
    assert [Path(r.path).name for r in run.results] == ["stockport.txt"]


def test_the_html_report_shows_the_origin_beside_the_line(stand_in_pdf, tmp_path):
    report = tmp_path / "report.html"
    check(str(stand_in_pdf), "--output-format", "html", "-o", str(report))
    assert "61:1\u201316 (page 2, line 21, column 1)" in report.read_text(encoding="utf-8")


def test_a_document_may_be_larger_than_the_text_size_limit_but_not_its_text(stand_in_pdf, tmp_path):
    """A PDF or DOCX may be up to 50 MB (images, fonts); the size limit holds its text."""
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7 " + b" " * 200_000)  # images and fonts: bytes, not text
    result = check(str(big), "--max-file-size", "100000", "--output-format", "concise")
    assert result.exit_code == 1  # read (by the stand-in) and checked: LGO102
    assert "LGO102" in result.output
