"""Word (DOCX) letters: read as text with each line's paragraph or table cell, checked like the
text they hold, bad files refused in one line, and fixes written into their runs."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.config import Settings
from lgo_audit.documents import DocumentError
from lgo_audit.documents import docx as docx_reader
from lgo_audit.engine import run_rules
from lgo_audit.parse import parse_source
from lgo_audit.reader import read_source
from lgo_audit.rules import rules_for
from tests.docx_letters import FOOTER_TEXT, HEADER_TEXT, letter_docx
from tests.paths import EXAMPLES, ROOT

runner = CliRunner()

BASE_LETTERS = sorted((ROOT / "rules" / "base").glob("20[0-9][0-9].txt"))
LETTERS = [*BASE_LETTERS, EXAMPLES / "stevenage-2020.txt", EXAMPLES / "stockport-2020.txt"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _as_docx(tmp_path: Path, text: str, name: str = "letter.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(letter_docx(text))
    return path


def _facts(path: Path) -> dict[str, object]:
    parsed = parse_source(read_source(path), authorities=None)
    assert parsed.is_letter
    return {name: token.value for name, token in parsed.facts.items()}


def _codes(path: Path) -> list[str]:
    parsed = parse_source(read_source(path), authorities=None)
    findings, _ = run_rules(parsed, Settings().selection.active(rules_for(())))
    return sorted(f.code for f in findings)


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("letter", LETTERS, ids=[f"{p.parent.name}/{p.name}" for p in LETTERS])
def test_a_docx_gives_the_facts_and_findings_of_its_text(tmp_path, letter):
    document = _as_docx(tmp_path, letter.read_text(encoding="utf-8"))

    assert _facts(document) == _facts(letter)
    assert _codes(document) == _codes(letter)


def test_headers_and_footers_are_skipped_and_text_boxes_read_once(tmp_path):
    text = (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")
    rendition = docx_reader.read(letter_docx(text), max_chars=10_000_000)

    assert HEADER_TEXT not in rendition.text and FOOTER_TEXT not in rendition.text
    # the first text box is in mc:AlternateContent with a mc:Fallback copy: read once
    assert rendition.text.count("100% of complaints we investigated were upheld.") == 1
    assert len(rendition.origins) == rendition.text.count("\n") + 1


def test_links_are_markdown_links_and_a_link_to_nothing_is_flagged(tmp_path):
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    document = _as_docx(tmp_path, text)
    rendition = read_source(document).rendition
    assert rendition is not None

    assert "[Your council's performance](#)" in rendition.text
    assert "LGO403" in _codes(document)


def test_a_real_link_keeps_its_target(tmp_path):
    rendition = docx_reader.read(
        letter_docx((ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8")),
        max_chars=10_000_000,
    )
    assert "[website](https://www.lgo.org.uk/information-centre/" in rendition.text


def test_findings_point_at_paragraphs_and_table_cells(tmp_path):
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    document = _as_docx(tmp_path, text)
    result = runner.invoke(app, ["check", "--isolated", "--output-format", "json", str(document)])
    findings = json.loads(result.stdout)
    if isinstance(findings, dict):
        findings = findings["findings"]
    origins = [f["origin"] for f in findings]
    assert origins and all(set(o) in ({"paragraph"}, {"table", "row", "cell"}) for o in origins)
    assert any("paragraph" in o for o in origins)


def test_a_table_cell_is_its_own_origin(tmp_path):
    text = (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")
    rendition = docx_reader.read(letter_docx(text), max_chars=10_000_000)
    lines = rendition.text.split("\n")
    line = lines.index("Stevenage Borough Council For the period ending: 31/03/20")

    origin = rendition.origins[line]
    assert (origin.table, origin.row, origin.cell, origin.paragraph) == (1, 1, 1, None)


def test_too_much_text_is_refused(tmp_path):
    text = (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")
    with pytest.raises(DocumentError, match="more than 1,000 characters of text"):
        docx_reader.read(letter_docx(text), max_chars=1000)


def test_checking_a_text_letter_does_not_import_python_docx():
    code = (
        "import sys\nfrom lgo_audit.cli import main\n"
        "sys.argv = ['lgo-audit', 'check', '--isolated', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('imported:', 'docx' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "stevenage-2020.txt")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "imported: False" in done.stdout, done.stderr


def test_a_folder_s_docx_letters_are_checked(tmp_path):
    _as_docx(tmp_path, (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["check", "--isolated", str(tmp_path)])
    assert "letter.docx" in result.stdout and "LGO102" in result.stdout


# --- bad input ---------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _good() -> bytes:
    return letter_docx((EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8"))


def _bomb() -> bytes:
    return _zip({"word/document.xml": b"<w:document/>", "word/media/big.bin": b"\0" * 120_000_000})


def _ole(encrypted: bool) -> bytes:
    stream = "EncryptedPackage" if encrypted else "WordDocument"
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream.encode("utf-16-le")


def _corrupt() -> bytes:
    good = bytearray(_good())
    with zipfile.ZipFile(io.BytesIO(bytes(good))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 60):
        good[i] ^= 0xFF  # damage the compressed document: a CRC or inflate error
    return bytes(good)


BAD = [
    pytest.param(lambda: b"Just some words, not a zip.", "not a zip archive", id="not-a-zip"),
    pytest.param(lambda: _good()[:5000], "truncated or corrupt zip archive", id="truncated"),
    pytest.param(_corrupt, "is a damaged Word document", id="corrupt"),
    pytest.param(
        lambda: _zip({"hello.txt": b"hi"}), "without word/document.xml", id="no-document-xml"
    ),
    pytest.param(_bomb, "a zip bomb", id="zip-bomb"),
    pytest.param(lambda: _ole(True), "is encrypted (password-protected)", id="encrypted"),
    pytest.param(lambda: _ole(False), "old Word (.doc)", id="ole-doc"),
    pytest.param(
        lambda: _zip({"word/document.xml": b"<not xml"}),
        "is a damaged Word document",
        id="bad-xml",
    ),
    pytest.param(
        lambda: _zip({"word/document.xml": b"<w:document/>"}),
        "its part [Content_Types].xml is missing",
        id="no-content-types",
    ),
]


@pytest.mark.parametrize(("make", "reason"), BAD)
@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_a_bad_docx_is_an_input_error_in_one_line(tmp_path, make, reason, fix):
    path = tmp_path / "letter.docx"
    data = make()
    path.write_bytes(data)
    before = sorted(p.name for p in tmp_path.iterdir())

    result = runner.invoke(app, ["check", "--isolated", *(["--fix"] if fix else []), str(path)])

    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if "letter.docx" in line]
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and reason in lines[0]
    assert "Traceback" not in result.output
    assert not re.search(r"[A-Z][a-z]+(Error|Exception)\b", lines[0])  # words, not Python's
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- fixes -------------------------------------------------------------------------------------


def _runs(data: bytes) -> list[bytes]:
    document = docx.Document(io.BytesIO(data))
    runs = document.element.body.iter(f"{W}r")  # runs of text (not those holding text boxes)
    return [etree.tostring(r) for r in runs if next(r.iter(f"{W}txbxContent"), None) is None]


def test_fix_writes_the_missing_count_into_the_docx_and_keeps_every_other_run(tmp_path):
    document = _as_docx(tmp_path, (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8"))
    before = document.read_bytes()
    assert "LGO102" in _codes(document)

    result = runner.invoke(app, ["check", "--isolated", "--fix", str(document)])

    assert "not fixed" not in result.output, result.output
    after = document.read_bytes()
    assert "LGO102" not in _codes(document)
    rendition = docx_reader.read(after, max_chars=10_000_000)
    assert "\n1 upheld decision\n" in rendition.text
    old, new = _runs(before), _runs(after)
    assert len(old) == len(new)
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    # the run in the text box, and its copy in the box's mc:Fallback
    assert len(changed) == 2
    for a, b in changed:
        assert b == a.replace(b">upheld decision<", b">1 upheld decision<")
    with zipfile.ZipFile(io.BytesIO(before)) as a, zipfile.ZipFile(io.BytesIO(after)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), name


def test_diff_shows_the_text_change_of_a_docx_and_writes_nothing(tmp_path):
    document = _as_docx(tmp_path, (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8"))
    before = document.read_bytes()

    result = runner.invoke(app, ["check", "--isolated", "--diff", str(document)])

    assert result.exit_code == 1
    assert "-upheld decision\n+1 upheld decision\n" in result.stdout
    assert document.read_bytes() == before


def test_a_fix_across_runs_is_refused_in_one_line_and_the_file_is_untouched(tmp_path):
    line = "40% of complaints we investigated were upheld."
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    text = text.replace("59% of complaints we investigated were upheld.", line)
    # "4" and "0%" in two runs: LGO101's (unsafe) fix replaces "40" with "59", over both
    path = tmp_path / "letter.docx"
    path.write_bytes(_split_run(letter_docx(text), "40%", 1))
    before = path.read_bytes()

    result = runner.invoke(
        app, ["check", "--isolated", "--fix", "--unsafe-fixes", "--select", "LGO101", str(path)]
    )

    assert result.exit_code == 1  # the findings' status, not an input error
    refused = [line for line in result.stderr.splitlines() if "not fixed" in line]
    assert len(refused) == 1
    assert refused[0].startswith(f"{path}: the fix at table 1, row ") or refused[0].startswith(
        f"{path}: the fix at paragraph "
    )
    assert "spans 2 formatting runs" in refused[0]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.docx"]


def test_an_insertion_at_a_run_boundary_takes_the_run_it_joins():
    from lgo_audit.documents.docx_fix import apply_edits_to_docx
    from lgo_audit.findings import Edit
    from lgo_audit.span import Span

    data = _split_run(
        letter_docx((EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")),
        "upheld decision",
        6,
    )
    text = docx_reader.read(data, max_chars=10_000_000).text
    at = text.index("upheld decision\n") + 6
    edit = Edit(at, at, " (one)", Span(1, 1, 1, 1))

    fixed = apply_edits_to_docx(data, [edit], max_chars=10_000_000)

    assert docx_reader.read(fixed, max_chars=10_000_000).text == text[:at] + " (one)" + text[at:]
    changed = [(a, b) for a, b in zip(_runs(data), _runs(fixed), strict=True) if a != b]
    assert [b.count(b"> (one) decision<") for _, b in changed] == [1]


def _split_run(data: bytes, text: str, at: int) -> bytes:
    """``data`` with the run holding exactly ``text`` split in two at ``at`` (same format)."""
    import copy

    from lgo_audit.documents.docx_fix import _replace_part

    document = docx.Document(io.BytesIO(data))
    for t in document.element.body.iter(f"{W}t"):
        if t.text == text:
            run = t.getparent()
            second = copy.deepcopy(run)
            run.addnext(second)
            t.text = text[:at]
            second.find(f"{W}t").text = text[at:]
            second.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            break
    else:
        raise AssertionError(text)
    xml = etree.tostring(document.element, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_part(data, "word/document.xml", xml)


def test_anchors_empty_links_line_breaks_tabs_and_deletions_are_read_as_in_word():
    from docx.oxml import parse_xml

    document = docx.Document()
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = parse_xml(
        f"<w:p {namespace}>"
        '<w:hyperlink w:anchor="panel"><w:r><w:t>see</w:t></w:r></w:hyperlink>'
        '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        "<w:hyperlink><w:r><w:t>nothing</w:t></w:r></w:hyperlink>"
        "<w:r><w:br/><w:t>next</w:t><w:tab/><w:t>line</w:t></w:r>"
        "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>, added</w:t></w:r></w:ins>"
        "</w:p>"
    )
    document.element.body.insert(0, paragraph)
    out = io.BytesIO()
    document.save(out)

    rendition = docx_reader.read(out.getvalue(), max_chars=10_000)

    assert rendition.text == "[see](#panel) and [nothing]()\nnext\tline, added"
    assert [o.paragraph for o in rendition.origins] == [1, 1]


def test_a_hyperlink_field_is_a_link():
    from docx.oxml import parse_xml

    document = docx.Document()
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = parse_xml(
        f'<w:p {namespace}><w:r><w:t xml:space="preserve">visit our </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://www.lgo.org.uk/" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>website</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>.</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "</w:p>"
    )
    document.element.body.insert(0, paragraph)
    out = io.BytesIO()
    document.save(out)

    rendition = docx_reader.read(out.getvalue(), max_chars=10_000)

    assert rendition.text == "visit our [website](https://www.lgo.org.uk/)."
