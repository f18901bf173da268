"""Fixes never lose data: only the fixed span changes, byte for byte everything else stays."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.config import Settings
from lgo_audit.fix import FixOutcome, fix_file
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


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("\nupheld decision\n", "\n1 upheld decision\n"),  # LGO102: the count inserted
        ("\nupheld\u00a0decision\n", "\n1 upheld\u00a0decision\n"),
        ("\nupheld\tdecision\n", "\n1 upheld\tdecision\n"),
        ("\nupheld  decision\n", "\n1 upheld  decision\n"),
        ("\n**upheld** decision\n", "\n**1 upheld** decision\n"),  # markup kept
        ("\nupheld\ndecision\n", "\n1 upheld\ndecision\n"),  # a line break kept
        ("\n**upheld**\ndecision\n", "\n**1 upheld**\ndecision\n"),
        (  # LGO401: the plural's "s" dropped, and nothing else
            "a total of 1 detailed\tinvestigations for",
            "a total of 1 detailed\tinvestigation for",
        ),
        (
            "a total of 1 detailed\u00a0\u00a0investigations for",
            "a total of 1 detailed\u00a0\u00a0investigation for",
        ),
        (
            "a total of 1 detailed\ninvestigations\nfor",
            "a total of 1 detailed\ninvestigation\nfor",
        ),
    ],
    ids=[
        "plain",
        "nbsp",
        "tab",
        "two-spaces",
        "bold",
        "line-break",
        "bold-line-break",
        "plural-tab",
        "plural-nbsps",
        "plural-line-breaks",
    ],
)
def test_a_fix_changes_only_the_characters_that_differ(tmp_path, before, after):
    """A fix inserts or drops only what it must: the rest of the phrase it fixes keeps its tabs,
    NBSPs, runs of spaces and markup byte for byte."""
    text = stevenage_text()
    if "investigation" in before:  # (the letter's own line is singular: made plural here)
        text = text.replace("a total of 1 detailed investigation for", before, 1)
    else:
        text = text.replace("\nupheld decision\n", before)
    letter = tmp_path / "letter.txt"
    letter.write_text(text, encoding="utf-8")

    fix_file(letter, rules(), authorities=load_register(None))

    # (the letter's lost count, LGO102, is fixed too)
    expected = text.replace(before, after).replace("\nupheld decision\n", "\n1 upheld decision\n")
    assert letter.read_text(encoding="utf-8") == expected


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


@pytest.mark.parametrize("count", ["1O", "ten", "10.0"])
def test_a_fix_beside_text_the_letter_could_not_read_is_not_safe(tmp_path, count):
    """The count's line malformed ("1O" above "upheld decisions"): the count is missing
    (LGO102) and its fix would insert "10" and leave the "1O" standing, the letter then
    wrongly passing (a trial's). Beside unread text a safe fix is unsafe: --fix leaves the
    letter as it is; --unsafe-fixes applies it."""
    letter = tmp_path / "letter.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    assert text.count("\n10\nupheld decisions") == 1
    written = text.replace("\n10\nupheld decisions", f"\n{count}\nupheld decisions")
    letter.write_text(written, encoding="utf-8")

    checked = runner.invoke(app, ["check", "--isolated", "--output-format", "json", str(letter)])
    (fix,) = [f["fix"] for f in json.loads(checked.stdout) if f["code"] == "LGO102"]
    assert fix["applicability"] == "unsafe"
    assert fix_file(letter, rules(), authorities=load_register(None)).applied == 0
    assert letter.read_text(encoding="utf-8") == written


def test_a_fix_where_the_letter_reads_every_line_stays_safe():
    """Stevenage's count lost from its line, nothing unread beside it: the fix is safe."""
    from lgo_audit.check import check_one

    result = check_one(EXAMPLES / "stevenage-2020.txt", rules(), Settings())
    (finding,) = [f for f in result.findings if f.code == "LGO102"]
    assert finding.fix is not None and finding.fix.applicability.value == "safe"


def test_the_fixable_count_offers_unsafe_fixes_only_when_they_were_not_asked_for(tmp_path):
    letter = tmp_path / "letter.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    letter.write_text(text.replace("59% of complaints", "60% of complaints"), encoding="utf-8")

    plain = runner.invoke(app, ["check", "--isolated", str(letter)])
    asked = runner.invoke(app, ["check", "--isolated", "--unsafe-fixes", str(letter)])

    assert "[*] 0 fixable with --fix (1 more with --unsafe-fixes)." in plain.stdout
    assert "[*] 1 fixable with --fix." in asked.stdout


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


def test_diff_with_an_output_file_writes_the_diff_there(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    before = letter.read_bytes()
    shown = runner.invoke(app, ["check", str(letter), "--diff", "--isolated"])
    saved = tmp_path / "changes.diff"

    result = runner.invoke(app, ["check", str(letter), "--diff", "--isolated", "-o", str(saved)])

    assert (result.exit_code, result.stdout) == (1, "")
    assert saved.read_text(encoding="utf-8") == shown.stdout
    assert letter.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01 not text", "looks like a binary file"),
        ("empty.txt", b"", "is empty (0 bytes)"),
        ("utf32.txt", b"\xff\xfe\x00\x00" + "x".encode("utf-32-le"), "is UTF-32 encoded"),
        ("missing.txt", None, "no such file or directory"),
    ],
)
@pytest.mark.parametrize("fixable_too", [False, True], ids=["alone", "with-a-fixable-letter"])
def test_diff_names_a_file_it_cannot_read_and_exits_2(tmp_path, name, content, reason, fixable_too):
    """As a check does: one line on standard error, exit status 2 whatever the diffs."""
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    letters = [bad]
    if fixable_too:
        letters.append(tmp_path / "letter.txt")
        letters[-1].write_text(stevenage_text(), encoding="utf-8")
    result = runner.invoke(app, ["check", *map(str, letters), "--diff", "--isolated"])
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if name in line]
    assert line.startswith(f"{bad}: ") and reason in line
    assert ("+1 upheld decision" in result.stdout) == fixable_too


def test_diff_of_a_folder_names_each_file_it_cannot_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00")
    (tmp_path / "b.md").write_bytes(b"   \n")
    result = runner.invoke(app, ["check", str(tmp_path), "--diff", "--isolated"])
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.md"),
    ]


# --- the file itself is never hurt (symlinks, hard links, permissions, owner, line endings) ---

FIXED_LINE = "1 upheld decision"


def write_letter(path: Path, newline: str = "\n", encoding: str = "utf-8", bom: bytes = b"") -> str:
    text = stevenage_text().replace("\n", newline)
    path.write_bytes(bom + text.encode(encoding))
    return text


def fixed_bytes(newline: str = "\n", encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    text = stevenage_text().replace("\n", newline)
    fixed = text.replace(f"{newline}upheld decision{newline}", f"{newline}{FIXED_LINE}{newline}")
    return bom + fixed.encode(encoding)


def test_a_symlinked_letter_is_fixed_through_the_link_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    write_letter(real)
    link = tmp_path / "link.txt"
    link.symlink_to(real)

    outcome = fix_file(link, rules(), authorities=load_register(None))

    assert outcome.error is None and outcome.applied == 1
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == fixed_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_a_chain_of_symlinks_is_followed_to_the_real_letter(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    real = folder / "real.txt"
    write_letter(real)
    middle = tmp_path / "middle.txt"
    middle.symlink_to(Path("letters") / "real.txt")  # relative, in another folder
    first = tmp_path / "first.txt"
    first.symlink_to("middle.txt")

    outcome = fix_file(first, rules(), authorities=load_register(None))

    assert outcome.error is None and outcome.applied == 1
    assert first.is_symlink() and os.readlink(first) == "middle.txt"
    assert middle.is_symlink() and os.readlink(middle) == os.path.join("letters", "real.txt")
    assert real.read_bytes() == fixed_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["real.txt"]


def test_a_symlink_to_a_read_only_letter_is_refused_naming_link_and_target(tmp_path):
    real = tmp_path / "real.txt"
    write_letter(real)
    os.chmod(real, 0o444)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    before = real.read_bytes()

    outcome = fix_file(link, rules(), authorities=load_register(None))

    assert outcome.error == (
        f"{link} (a link to {real}): is read-only (mode 0444: no write permission bit); not fixed"
    )
    assert real.read_bytes() == before and link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o444


def test_a_hard_linked_letter_is_fixed_under_every_name(tmp_path):
    first = tmp_path / "first.txt"
    write_letter(first)
    second = tmp_path / "second.txt"
    os.link(first, second)
    inode = first.stat().st_ino

    outcome = fix_file(first, rules(), authorities=load_register(None))

    assert outcome.error is None and outcome.applied == 1
    assert first.read_bytes() == fixed_bytes() == second.read_bytes()
    assert first.stat().st_ino == second.stat().st_ino == inode  # rewritten in place
    assert first.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.txt", "second.txt"]


def test_a_hard_linked_letter_fixed_through_its_other_name_is_seen_by_both(tmp_path):
    first = tmp_path / "first.txt"
    write_letter(first, "\r\n")
    second = tmp_path / "second.txt"
    os.link(first, second)
    os.chmod(first, 0o604)

    fix_file(second, rules(), authorities=load_register(None))

    assert first.read_bytes() == fixed_bytes("\r\n") == second.read_bytes()
    assert stat.S_IMODE(first.stat().st_mode) == 0o604


def test_a_letter_with_no_write_bit_is_refused_even_as_root(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter)
    os.chmod(letter, 0o444)
    before = letter.read_bytes()
    inode = letter.stat().st_ino

    outcome = fix_file(letter, rules(), authorities=load_register(None))

    assert (
        outcome.error == f"{letter}: is read-only (mode 0444: no write permission bit); not fixed"
    )
    assert outcome.applied == 1 and outcome.changed  # the fix was found, just not written
    assert letter.read_bytes() == before and letter.stat().st_ino == inode
    assert stat.S_IMODE(letter.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]


def test_check_fix_prints_the_refusal_on_one_line_and_counts_nothing(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter)
    os.chmod(letter, 0o444)
    before = letter.read_bytes()

    result = runner.invoke(app, ["check", str(letter), "--fix", "--isolated"])

    refusals = [line for line in result.stderr.splitlines() if "not fixed" in line]
    assert refusals == [f"{letter}: is read-only (mode 0444: no write permission bit); not fixed"]
    assert "Fixed 0 findings" in result.output
    assert letter.read_bytes() == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_fixing_another_users_letter_keeps_its_owner_and_group(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter)
    os.chown(letter, 12345, 12345)
    os.chmod(letter, 0o664)

    outcome = fix_file(letter, rules(), authorities=load_register(None))

    assert outcome.error is None and letter.read_bytes() == fixed_bytes()
    info = letter.stat()
    assert (info.st_uid, info.st_gid) == (12345, 12345)
    assert stat.S_IMODE(info.st_mode) == 0o664


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_fixing_another_users_hard_linked_letter_keeps_its_owner_and_group(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter)
    os.link(letter, tmp_path / "other.txt")
    os.chown(letter, 12345, 23456)

    fix_file(letter, rules(), authorities=load_register(None))

    info = (tmp_path / "other.txt").stat()
    assert (info.st_uid, info.st_gid) == (12345, 23456)
    assert (tmp_path / "other.txt").read_bytes() == fixed_bytes()


def line_break_rules(replacement: str):
    """The rules, with LGO102's fix replaced by one whose text holds a line break."""
    return [
        dataclasses.replace(
            rule, fix=dataclasses.replace(rule.fix, replacement=lambda env: replacement)
        )
        if rule.code == "LGO102" and rule.fix is not None
        else rule
        for rule in rules()
    ]


@pytest.mark.parametrize(("encoding", "bom", "newline"), ENCODINGS)
def test_a_fix_holding_a_line_break_takes_the_files_line_ending(tmp_path, encoding, bom, newline):
    letter = tmp_path / "letter.txt"
    text = write_letter(letter, newline, encoding, bom)

    outcome = fix_file(
        letter,
        line_break_rules("1 upheld decision\n(count restored)"),
        authorities=load_register(None),
    )

    assert outcome.error is None and outcome.applied == 1
    expected = text.replace(
        f"{newline}upheld decision{newline}",
        f"{newline}1 upheld decision{newline}(count restored){newline}",
    )
    assert letter.read_bytes() == bom + expected.encode(encoding)


def test_a_crlf_letter_gets_no_bare_lf_from_a_fix(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter, "\r\n")

    fix_file(letter, line_break_rules("1 upheld\r\ndecision\n\n"), authorities=load_register(None))

    data = letter.read_bytes()
    assert b"\r\n1 upheld\r\ndecision\r\n\r\n\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_utf16_crlf_letter_gets_crlf_from_a_fix_holding_a_line_break(tmp_path):
    letter = tmp_path / "letter.txt"
    write_letter(letter, "\r\n", "utf-16-le", b"\xff\xfe")

    outcome = fix_file(
        letter,
        line_break_rules("1 upheld decision\n(count restored)"),
        authorities=load_register(None),
    )

    assert outcome.error is None
    text = letter.read_bytes()[2:].decode("utf-16-le")
    assert "\r\n1 upheld decision\r\n(count restored)\r\n" in text
    assert text.count("\n") == text.count("\r\n")


def test_in_a_letter_of_mixed_endings_a_fix_takes_the_ending_of_its_own_line(tmp_path):
    letter = tmp_path / "letter.txt"
    # the letter uses LF, but the panel's lines CRLF (pasted in from elsewhere)
    text = stevenage_text().replace("\nupheld decision\n\n", "\r\nupheld decision\r\n\r\n")
    letter.write_bytes(text.encode("utf-8"))

    fix_file(
        letter,
        line_break_rules("1 upheld decision\n(count restored)"),
        authorities=load_register(None),
    )

    assert b"\r\n1 upheld decision\r\n(count restored)\r\n\r\n" in letter.read_bytes()


def test_the_diff_of_a_crlf_letter_keeps_its_crlf_so_that_it_applies(tmp_path):
    """The diff shows the letter's own bytes: a carriage return is not escaped as ``\\x0d``
    (a patch made of it would not apply), other control characters still are."""
    letter = tmp_path / "letter.txt"
    letter.write_bytes(stevenage_text().replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(app, ["check", "--isolated", "--diff", str(letter)])
    assert result.exit_code == 1, result.output
    out = result.stdout_bytes  # (click's .stdout folds CRLF into LF)
    assert b"+1 upheld decision\r\n" in out
    assert b"\\x0d" not in out


def test_every_template_year_names_its_own_title_in_messages():
    from lgo_audit.grammar import PROFILES

    for name, profile in PROFILES.items():
        assert f"Annual Review letter {name}" in profile.section("title").title


def test_an_interrupted_fix_says_how_many_letters_it_had_fixed(tmp_path, monkeypatch, capsys):
    """(Ctrl-C during a --fix of 3,000 letters said only "interrupted", after 1,606 had been
    rewritten.)"""
    import lgo_audit.fix
    from lgo_audit import cli

    letters = []
    for name in ("a.txt", "b.txt", "c.txt"):
        letters.append(tmp_path / name)
        letters[-1].write_text(stevenage_text(), encoding="utf-8")
    real = lgo_audit.fix.fix_file
    calls = []

    def stopped_at_the_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(lgo_audit.fix, "fix_file", stopped_at_the_third)
    monkeypatch.setattr(
        "sys.argv", ["lgo-audit", "check", "--isolated", "--fix", *map(str, letters)]
    )
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "lgo-audit: interrupted after fixing 2 letters (each letter is fixed in full or as it "
        "was: run --fix again to fix the rest)"
    )
    assert [FIXED_LINE in p.read_text(encoding="utf-8") for p in letters] == [True, True, False]


def test_an_interrupted_fix_that_had_fixed_nothing_says_only_interrupted(
    tmp_path, monkeypatch, capsys
):
    import lgo_audit.fix
    from lgo_audit import cli

    letter = tmp_path / "a.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")

    def stopped(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(lgo_audit.fix, "fix_file", stopped)
    monkeypatch.setattr("sys.argv", ["lgo-audit", "check", "--isolated", "--fix", str(letter)])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 130
    assert capsys.readouterr().err.splitlines()[-1] == "lgo-audit: interrupted"


def interrupted_fix(tmp_path, monkeypatch, capsys, patch) -> tuple[str, list[Path]]:  # type: ignore[no-untyped-def]
    """The last line on standard error of a --fix of three fixable letters stopped by
    ``patch(monkeypatch)``, and the letters."""
    from lgo_audit import cli

    letters = []
    for name in ("a.txt", "b.txt", "c.txt"):
        letters.append(tmp_path / name)
        letters[-1].write_text(stevenage_text(), encoding="utf-8")
    patch(monkeypatch)
    monkeypatch.setattr(
        "sys.argv", ["lgo-audit", "check", "--isolated", "--fix", *map(str, letters)]
    )
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 130
    return capsys.readouterr().err.splitlines()[-1], letters


def test_a_letter_written_just_before_the_interruption_is_counted(tmp_path, monkeypatch, capsys):
    """(Ctrl-C as the fixed letter was put in place: said one letter fewer than fixed.)"""
    import lgo_audit.fix

    real = lgo_audit.fix.fix_file

    def patch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
        def written_then_stopped(*args, **kwargs):  # type: ignore[no-untyped-def]
            outcome = real(*args, **kwargs)
            if str(args[0]).endswith("b.txt"):
                raise KeyboardInterrupt  # after b.txt is written, before fix_file returns
            return outcome

        monkeypatch.setattr(lgo_audit.fix, "fix_file", written_then_stopped)

    said, letters = interrupted_fix(tmp_path, monkeypatch, capsys, patch)
    assert "interrupted after fixing 2 letters" in said
    assert [FIXED_LINE in p.read_text(encoding="utf-8") for p in letters] == [True, True, False]


@pytest.mark.parametrize("stage", ["check", "report"])
def test_a_fix_interrupted_after_every_letter_is_fixed_says_so(
    tmp_path, monkeypatch, capsys, stage
):
    """(Ctrl-C in the check that follows the fixes, or while its report is written, said
    only "interrupted".)"""
    import lgo_audit.check
    from lgo_audit import report

    def patch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
        def stopped(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt

        if stage == "check":
            monkeypatch.setattr(lgo_audit.check, "check_results", stopped)
        else:
            monkeypatch.setattr(report, "write", stopped)

    said, letters = interrupted_fix(tmp_path, monkeypatch, capsys, patch)
    assert "interrupted after fixing 3 letters" in said
    assert all(FIXED_LINE in p.read_text(encoding="utf-8") for p in letters)


def test_diff_of_a_file_that_is_not_a_letter_says_it_has_no_diff(tmp_path):
    readme = tmp_path / "readme.txt"
    readme.write_text("How we keep the letters in this folder.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(readme), "--diff", "--isolated"])
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.splitlines() == [f"{readme}: not an Annual Review letter; no diff"]


@pytest.mark.parametrize(
    ("name", "line_break"),
    [("a lone carriage return", "\r"), ("U+2028", "\u2028"), ("a form feed", "\f")],
)
def test_the_diff_of_a_letter_with_other_line_breaks_applies_with_patch(tmp_path, name, line_break):
    """``patch`` and ``git apply`` end a line at "\\n" only: the diff reads the letter so, and
    writes its characters as they are (escaped, U+2028 would be six other characters)."""
    patch = shutil.which("patch")
    if patch is None:
        pytest.skip("no patch command")
    letter = tmp_path / "letter.txt"
    text = stevenage_text()
    text = text.replace("\n", line_break, text.count("\n") // 2)  # its first half so
    letter.write_bytes(text.encode("utf-8"))
    diff = tmp_path / "fix.diff"
    result = CliRunner().invoke(
        app, ["check", "--isolated", "--diff", str(letter), "-o", str(diff)]
    )
    assert result.exit_code == 1, result.output
    fixed = tmp_path / "fixed.txt"
    fixed.write_bytes(letter.read_bytes())
    fix_file(fixed, rules(), authorities=load_register(None))
    assert fixed.read_bytes() != letter.read_bytes()

    subprocess.run([patch, "-s", str(letter), str(diff)], check=True)

    assert letter.read_bytes() == fixed.read_bytes()


def test_a_diff_says_when_a_last_line_has_no_line_break():
    outcome = FixOutcome("letter.txt", "a\nb\nold", "a\nb\nnew")

    assert outcome.diff().endswith(
        "-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n"
    )


def test_a_diff_quotes_a_file_name_holding_a_line_break_as_git_does():
    outcome = FixOutcome('new\nline "1".txt', "a\nold\n", "a\nnew\n")

    assert outcome.diff().splitlines()[:2] == [
        '--- "a/new\\nline \\"1\\".txt"',
        '+++ "b/new\\nline \\"1\\".txt"',
    ]
    assert FixOutcome("café.txt", "old\n", "new\n").diff().startswith("--- a/café.txt\n")


def test_the_diff_of_a_letter_whose_name_holds_a_line_break_applies_with_patch(tmp_path):
    patch = shutil.which("patch")
    if patch is None:
        pytest.skip("no patch command")
    letter = tmp_path / "new\nline.txt"
    letter.write_text(stevenage_text(), encoding="utf-8")
    fixed = tmp_path / "fixed.txt"
    fixed.write_bytes(letter.read_bytes())
    fix_file(fixed, rules(), authorities=load_register(None))
    run = subprocess.run(
        [sys.executable, "-m", "lgo_audit", "check", "--isolated", "--diff", letter.name],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    subprocess.run([patch, "-s", "-p1"], input=run.stdout, cwd=tmp_path, check=True)

    assert letter.read_bytes() == fixed.read_bytes()


def test_a_diff_ends_a_file_name_holding_a_space_with_a_tab_as_git_does():
    """(GNU patch ends an unquoted name at the first space, unless a tab follows it.)"""
    outcome = FixOutcome("my letter.txt", "a\nold\n", "a\nnew\n")

    assert outcome.diff().splitlines()[:2] == ["--- a/my letter.txt\t", "+++ b/my letter.txt\t"]


def test_a_windows_1252_diff_names_its_file_as_the_file_system_does():
    from lgo_audit.application import Diff

    outcome = FixOutcome("café £.txt", "café\nold\n", "café\nnew\n", encoding="cp1252")
    encoded = Diff(outcome.diff(), outcome.encoding).encoded()

    assert encoded.splitlines()[:2] == [
        b"--- a/caf\xc3\xa9 \xc2\xa3.txt\t",
        b"+++ b/caf\xc3\xa9 \xc2\xa3.txt\t",
    ]
    assert b" caf\xe9\n-old\n+new\n" in encoded  # (the letter's lines in Windows-1252)
