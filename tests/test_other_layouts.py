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


# --- hostile files: one line naming the file, exit status 2, nothing leaked or written ------


def _content_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page's content stream (Flate-compressed) is ``content``."""
    import zlib

    stream = zlib.compress(content, 9)
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
        b"/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b"/Filter/FlateDecode>>stream\n"
        b"" + stream + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _docx_with(document_xml: bytes) -> bytes:
    import io
    import zipfile

    good = table_letter_docx("Dear Ms Smith\n")
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(
                info.filename, document_xml if info.filename == "word/document.xml" else data
            )
    return out.getvalue()


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LAUGHS = b"".join(
    b'<!ENTITY l%d "%s">' % (n, (b"&l%d;" % (n - 1)) * 10 if n else b"lol") for n in range(10)
)

HOSTILE: dict[str, tuple[Any, str]] = {
    # thousands of text pieces piled on one spot: each run's text is looked up over the page
    "piled-up.pdf": (
        lambda: _content_pdf(b"BT /F1 1 Tf " + (b"(" + b"A" * 50 + b") Tj\n") * 5_000 + b"ET"),
        "pieces of text",
    ),
    "many-objects.pdf": (
        lambda: _content_pdf(b"BT /F1 1 Tf " + b"(A) Tj\n" * 60_000 + b"ET"),
        "objects, more than a letter's page may have",
    ),
    # half a megabyte that unpacks to 162 MB of page content: refused before it is unpacked
    "content-bomb.pdf": (
        lambda: _content_pdf(b"BT /F1 1 Tf " + (b"(" + b"A" * 50 + b") Tj\n") * 3_000_000 + b"ET"),
        "unpacks to more than",
    ),
    "laughs.docx": (
        lambda: _docx_with(
            b'<?xml version="1.0"?><!DOCTYPE w:document ['
            + _LAUGHS
            + b"]><w:document "
            + _W
            + b"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
        ),
        "is a damaged Word document",
    ),
    "deep.docx": (
        lambda: _docx_with(
            b"<w:document "
            + _W
            + b"><w:body>"
            + b"<w:sdt><w:sdtContent>" * 3000
            + b"<w:p/>"
            + b"</w:sdtContent></w:sdt>" * 3000
            + b"</w:body></w:document>"
        ),
        "is a damaged Word document",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("fix", [False, True])
def test_a_hostile_file_is_refused_in_one_line(tmp_path, name, fix):
    from typer.testing import CliRunner

    from lgo_audit.cli import app

    make, reason = HOSTILE[name]
    path = tmp_path / name
    data = make()
    path.write_bytes(data)
    options = ["--fix"] if fix else []
    result = CliRunner().invoke(app, ["check", "--isolated", *options, str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and reason in lines[0], lines
    assert "Traceback" not in result.output
    assert path.read_bytes() == data and sorted(tmp_path.iterdir()) == [path]


def test_an_external_entity_in_a_docx_is_never_read(tmp_path):
    from typer.testing import CliRunner

    from lgo_audit.cli import app

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    path = tmp_path / "xxe.docx"
    path.write_bytes(
        _docx_with(
            b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "'
            + secret.as_uri().encode()
            + b'">]><w:document '
            + _W
            + b"><w:body><w:p><w:r><w:t>Dear &x; Smith</w:t></w:r></w:p></w:body></w:document>"
        )
    )
    for command in (["check", "--isolated"], ["parse", "--text"]):
        result = CliRunner().invoke(app, [*command, str(path)])
        assert "TOP-SECRET" not in result.output and "Traceback" not in result.output
