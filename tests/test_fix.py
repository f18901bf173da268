"""Fixes never lose data: only the fixed span changes, byte for byte everything else stays."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.config import Settings
from lgo_audit.fix import fix_file
from lgo_audit.register import load_register
from lgo_audit.rules import rules_for

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


def stevenage_text() -> str:
    return (EXAMPLES / "stevenage-2020.txt").read_text(encoding="utf-8")


def rules():
    return Settings().selection.active(rules_for(()))


ENCODINGS = [
    pytest.param("utf-8", b"", "\n", id="utf-8-lf"),
    pytest.param("utf-8", b"\xef\xbb\xbf", "\r\n", id="utf-8-bom-crlf"),
    pytest.param("cp1252", b"", "\r\n", id="windows-1252-crlf"),
    pytest.param("utf-16-le", b"\xff\xfe", "\r\n", id="utf-16-bom-crlf"),
]


@pytest.mark.parametrize(("encoding", "bom", "newline"), ENCODINGS)
def test_a_fix_changes_only_its_span_and_keeps_encoding_bom_and_line_endings(
    tmp_path, encoding, bom, newline
):
    text = stevenage_text().replace("\n", newline).replace("Council's", "Council\u2019s")
    original = bom + text.encode(encoding)
    letter = tmp_path / "letter.txt"
    letter.write_bytes(original)

    outcome = fix_file(letter, rules(), authorities=load_register(None))

    assert outcome.error is None and outcome.applied == 1
    expected = bom + text.replace(
        f"{newline}upheld decision{newline}", f"{newline}1 upheld decision{newline}"
    ).encode(encoding)
    assert letter.read_bytes() == expected


def test_running_fix_twice_changes_nothing_the_second_time(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    fix_file(letter, rules(), authorities=load_register(None))
    once = letter.read_bytes()

    second = fix_file(letter, rules(), authorities=load_register(None))

    assert second.applied == 0 and not second.changed
    assert letter.read_bytes() == once


def test_the_file_keeps_its_permissions(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    os.chmod(letter, 0o640)

    fix_file(letter, rules(), authorities=load_register(None))

    assert stat.S_IMODE(letter.stat().st_mode) == 0o640


def test_the_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    inode_before = letter.stat().st_ino

    fix_file(letter, rules(), authorities=load_register(None))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]
    assert letter.stat().st_ino != inode_before  # replaced by rename, not rewritten in place


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    import lgo_audit.fix as fix_module

    real_apply = fix_module.apply_edits

    def apply_then_someone_edits(text, edits):
        letter.write_text(stevenage_text() + "\nedited by someone else\n", encoding="utf-8")
        return real_apply(text, edits)

    monkeypatch.setattr(fix_module, "apply_edits", apply_then_someone_edits)
    outcome = fix_file(letter, rules(), authorities=load_register(None))

    assert outcome.error is not None and "changed on disk" in outcome.error
    assert letter.read_text(encoding="utf-8").endswith("edited by someone else\n")


def test_a_file_that_is_not_a_letter_is_never_written(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("upheld decision\n", encoding="utf-8")

    outcome = fix_file(note, rules(), authorities=load_register(None))

    assert outcome.error is not None and "not an Annual Review letter" in outcome.error
    assert note.read_text(encoding="utf-8") == "upheld decision\n"


def test_unsafe_fixes_are_applied_only_when_asked(tmp_path):
    letter = tmp_path / "letter.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    letter.write_text(text.replace("59% of complaints", "60% of complaints"), encoding="utf-8")

    safe = fix_file(letter, rules(), authorities=load_register(None))
    assert safe.applied == 0
    unsafe = fix_file(letter, rules(), authorities=load_register(None), unsafe=True)

    assert unsafe.applied == 1
    assert "59% of complaints" in letter.read_text(encoding="utf-8")


def test_check_fix_reports_the_remaining_findings(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")

    result = runner.invoke(app, ["check", str(letter), "--fix", "--isolated"])

    assert result.exit_code == 0
    assert "Fixed 1 finding" in result.output
    assert "1 upheld decision" in letter.read_text(encoding="utf-8")


def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    before = letter.read_bytes()

    result = runner.invoke(app, ["check", str(letter), "--diff", "--isolated"])

    assert "-upheld decision" in result.output and "+1 upheld decision" in result.output
    assert result.exit_code == 1
    assert letter.read_bytes() == before
