"""The safe writer's contract (lgo_audit.safe_write.write_file), case by case.

Every test writes only in its own ``tmp_path``; failures are simulated by patching the writer's
steps, never by relying on EACCES (the suite may run as root).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest

import lgo_audit.safe_write as safe_write
from lgo_audit.fix import line_ending_at
from lgo_audit.safe_write import (
    ChangedOnDiskError,
    NotWritableError,
    VerificationError,
    WriteError,
    write_file,
)

OLD = b"old content\r\nsecond line\r\n"
NEW = b"new content, a little longer\r\nsecond line\r\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make(folder: Path, name: str = "letter.txt", data: bytes = OLD) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- the ordinary file ---------------------------------------------------------------------


def test_an_ordinary_file_is_replaced_by_rename_keeping_its_mode(tmp_path):
    path = make(tmp_path)
    os.chmod(path, 0o640)
    inode = path.stat().st_ino

    written = write_file(path, NEW, expected_sha256=sha(OLD))

    assert written == path.resolve()
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode
    assert names(tmp_path) == ["letter.txt"]


def test_setgid_and_sticky_bits_are_kept(tmp_path):
    path = make(tmp_path)
    os.chmod(path, 0o2664)

    write_file(path, NEW)

    assert stat.S_IMODE(path.stat().st_mode) == 0o2664


# --- symlinks ------------------------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = make(tmp_path, "real.txt")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")

    written = write_file(link, NEW, expected_sha256=sha(OLD))

    assert written == real.resolve()
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_bytes() == NEW


def test_a_chain_of_symlinks_into_another_folder_is_followed(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    real = make(other, "real.txt")
    (tmp_path / "b.txt").symlink_to(real)
    (tmp_path / "a.txt").symlink_to("b.txt")

    write_file(tmp_path / "a.txt", NEW)

    assert real.read_bytes() == NEW
    assert names(other) == ["real.txt"]  # the temporary copy was beside the real file
    assert (tmp_path / "a.txt").is_symlink() and (tmp_path / "b.txt").is_symlink()


def test_a_symlink_to_a_read_only_file_is_refused(tmp_path):
    real = make(tmp_path, "real.txt")
    os.chmod(real, 0o444)
    link = tmp_path / "link.txt"
    link.symlink_to(real)

    with pytest.raises(NotWritableError) as caught:
        write_file(link, NEW)

    assert str(caught.value) == (
        f"{link} (a link to {real}): is read-only (mode 0444: no write permission bit)"
    )
    assert caught.value.path == str(link) and caught.value.target == str(real)
    assert real.read_bytes() == OLD


def test_a_broken_symlink_is_refused(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("missing.txt")

    with pytest.raises(WriteError, match=r"link\.txt: is a broken link"):
        write_file(link, NEW)

    assert link.is_symlink() and names(tmp_path) == ["link.txt"]


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")

    with pytest.raises(WriteError, match=r"a\.txt: is a link that loops"):
        write_file(tmp_path / "a.txt", NEW)


# --- hard links ----------------------------------------------------------------------------


def test_a_hard_link_is_rewritten_in_place_and_seen_by_every_name(tmp_path):
    first = make(tmp_path, "first.txt")
    second = tmp_path / "second.txt"
    os.link(first, second)
    inode = first.stat().st_ino

    write_file(second, NEW, expected_sha256=sha(OLD))

    assert first.read_bytes() == NEW == second.read_bytes()
    assert first.stat().st_ino == inode and first.stat().st_nlink == 2
    assert names(tmp_path) == ["first.txt", "second.txt"]


def test_a_hard_link_rewritten_to_shorter_content_is_truncated(tmp_path):
    first = make(tmp_path, "first.txt", NEW)
    os.link(first, tmp_path / "second.txt")

    write_file(first, OLD)

    assert (tmp_path / "second.txt").read_bytes() == OLD


def test_a_failed_in_place_rewrite_restores_the_old_bytes(tmp_path, monkeypatch):
    first = make(tmp_path, "first.txt")
    os.link(first, tmp_path / "second.txt")
    real_overwrite = safe_write._overwrite
    calls = []

    def overwrite_then_fail_once(handle, data):
        calls.append(data)
        if len(calls) == 1:  # half the new content, then the disk is full
            handle.seek(0)
            handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real_overwrite(handle, data)

    monkeypatch.setattr(safe_write, "_overwrite", overwrite_then_fail_once)

    with pytest.raises(WriteError) as caught:
        write_file(first, NEW)

    assert str(caught.value) == (
        f"{first}: cannot write (no space left on device); its old content was restored"
    )
    assert calls == [NEW, OLD]
    assert first.read_bytes() == OLD == (tmp_path / "second.txt").read_bytes()
    assert names(tmp_path) == ["first.txt", "second.txt"]


def test_when_restoring_fails_too_the_verified_copy_is_kept_and_named(tmp_path, monkeypatch):
    first = make(tmp_path, "first.txt")
    os.link(first, tmp_path / "second.txt")

    def always_fail(handle, data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(safe_write, "_overwrite", always_fail)

    with pytest.raises(WriteError) as caught:
        write_file(first, NEW)

    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".lgo-audit")]
    assert len(kept) == 1 and kept[0].read_bytes() == NEW
    assert str(kept[0]) in str(caught.value) and "\n" not in str(caught.value)


# --- permissions and owner -----------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000, 0o555])
def test_a_file_without_a_write_bit_is_refused_even_as_root(tmp_path, mode):
    path = make(tmp_path)
    os.chmod(path, mode)

    with pytest.raises(NotWritableError) as caught:
        write_file(path, NEW)

    assert str(caught.value) == (f"{path}: is read-only (mode {mode:04o}: no write permission bit)")
    os.chmod(path, 0o644)
    assert path.read_bytes() == OLD and names(tmp_path) == ["letter.txt"]


def test_a_file_the_caller_may_not_write_is_refused(tmp_path, monkeypatch):
    path = make(tmp_path)
    monkeypatch.setattr(safe_write.os, "access", lambda *args, **kwargs: False)

    with pytest.raises(NotWritableError, match=r"cannot be written \(permission denied\)$"):
        write_file(path, NEW)

    assert path.read_bytes() == OLD


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_keeps_another_users_owner_and_group(tmp_path):
    path = make(tmp_path)
    os.chown(path, 12345, 12345)
    os.chmod(path, 0o4664)  # setuid too: chown would clear it, so mode is set after

    write_file(path, NEW)

    info = path.stat()
    assert (info.st_uid, info.st_gid) == (12345, 12345)
    assert stat.S_IMODE(info.st_mode) == 0o4664
    assert path.read_bytes() == NEW


def test_when_the_owner_cannot_be_given_the_file_is_rewritten_in_place(tmp_path, monkeypatch):
    """A user who may write someone else's file cannot chown a new one: keep the inode."""
    path = make(tmp_path)
    before = path.stat()

    def refuse(*args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(safe_write.os, "fchown", refuse)
    monkeypatch.setattr(
        safe_write.os,
        "fstat",
        lambda fd, real=os.fstat: _as_owner(real(fd), before.st_uid + 1),
    )

    write_file(path, NEW)

    assert path.read_bytes() == NEW and path.stat().st_ino == before.st_ino
    assert names(tmp_path) == ["letter.txt"]


def _as_owner(info: os.stat_result, uid: int) -> os.stat_result:
    fields = list(info)
    fields[stat.ST_UID] = uid
    return os.stat_result(fields)


# --- verification and changes on disk ------------------------------------------------------


def test_a_file_changed_since_it_was_read_is_refused(tmp_path):
    path = make(tmp_path)

    with pytest.raises(ChangedOnDiskError, match=r"changed on disk since it was read$"):
        write_file(path, NEW, expected_sha256=sha(b"what the caller read"))

    assert path.read_bytes() == OLD and names(tmp_path) == ["letter.txt"]


@pytest.mark.parametrize("hard_linked", [False, True], ids=["renamed", "in-place"])
def test_a_change_made_while_the_copy_is_verified_is_caught(tmp_path, hard_linked):
    path = make(tmp_path)
    if hard_linked:
        os.link(path, tmp_path / "other.txt")

    def someone_edits(copy: Path) -> None:
        path.write_bytes(b"edited by someone else\n")

    with pytest.raises(ChangedOnDiskError):
        write_file(path, NEW, expected_sha256=sha(OLD), verify=someone_edits)

    assert path.read_bytes() == b"edited by someone else\n"
    assert [n for n in names(tmp_path) if n.endswith(".lgo-audit")] == []


def test_a_file_replaced_by_another_while_the_copy_is_verified_is_refused(tmp_path):
    path = make(tmp_path)

    def someone_replaces(copy: Path) -> None:
        (tmp_path / "new.txt").write_bytes(OLD)
        os.replace(tmp_path / "new.txt", path)

    with pytest.raises(ChangedOnDiskError, match="another file now stands at its path"):
        write_file(path, NEW, expected_sha256=sha(OLD), verify=someone_replaces)

    assert path.read_bytes() == OLD


def test_the_verify_callback_sees_the_finished_copy_and_can_refuse(tmp_path):
    """How a Word writer will use it: open the copy as a ZIP before it replaces the file."""
    path = make(tmp_path, "report.docx")
    seen = []

    def open_as_zip(copy: Path) -> None:
        seen.append((copy.parent, copy.read_bytes()))
        zipfile.ZipFile(copy).close()

    with pytest.raises(VerificationError) as caught:
        write_file(path, b"not a zip\n", verify=open_as_zip)

    assert seen == [(tmp_path, b"not a zip\n")]
    assert str(caught.value) == (
        f"{path}: the new content failed verification (File is not a zip file)"
    )
    assert path.read_bytes() == OLD and names(tmp_path) == ["report.docx"]


def test_a_copy_that_does_not_read_back_is_refused(tmp_path, monkeypatch):
    path = make(tmp_path)
    real_fdopen = os.fdopen

    class Corrupting:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

        def read(self):
            return self.handle.read()[:-1]

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(safe_write.os, "fdopen", lambda *args: Corrupting(real_fdopen(*args)))

    with pytest.raises(VerificationError, match="did not read back as written"):
        write_file(path, NEW)

    assert path.read_bytes() == OLD and names(tmp_path) == ["letter.txt"]


# --- nothing half-done, no OSError ---------------------------------------------------------


def test_a_failed_rename_leaves_the_file_and_no_temporary_copy(tmp_path, monkeypatch):
    path = make(tmp_path)

    def fail(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(safe_write.os, "replace", fail)

    with pytest.raises(WriteError, match=r": cannot write \(invalid cross-device link\)$"):
        write_file(path, NEW)

    assert path.read_bytes() == OLD and names(tmp_path) == ["letter.txt"]


def test_an_interrupt_before_the_rename_leaves_no_temporary_copy(tmp_path, monkeypatch):
    path = make(tmp_path)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(safe_write.os, "replace", interrupt)

    with pytest.raises(KeyboardInterrupt):
        write_file(path, NEW)

    assert path.read_bytes() == OLD and names(tmp_path) == ["letter.txt"]


def test_a_folder_without_room_for_the_copy_is_refused(tmp_path, monkeypatch):
    path = make(tmp_path)

    def fail(**kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safe_write.tempfile, "mkstemp", fail)

    with pytest.raises(WriteError) as caught:
        write_file(path, NEW)

    assert str(caught.value) == (
        f"{path}: cannot write a temporary copy in its folder (permission denied)"
    )
    assert path.read_bytes() == OLD


@pytest.mark.parametrize(
    ("name", "reason"),
    [("missing.txt", "file not found"), ("folder", "is not a regular file")],
)
def test_what_is_not_an_existing_regular_file_is_refused(tmp_path, name, reason):
    (tmp_path / "folder").mkdir()

    with pytest.raises(WriteError) as caught:
        write_file(tmp_path / name, NEW)

    assert str(caught.value) == f"{tmp_path / name}: {reason}"


def test_a_path_with_a_line_break_is_named_on_one_line(tmp_path):
    path = make(tmp_path, "two\nlines.txt")
    os.chmod(path, 0o444)

    with pytest.raises(NotWritableError) as caught:
        write_file(path, NEW)

    assert "\n" not in str(caught.value) and "two\\nlines.txt" in str(caught.value)


# --- line endings of inserted text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "ending"),
    [
        ("a\r\nb\r\n", 3, "\r\n"),  # the ending of the line the offset is on
        ("a\nb\r\nc\n", 2, "\r\n"),  # mixed: this line's, not the file's dominant one
        ("a\r\nb", 3, "\r\n"),  # last line without an ending: the one before it
        ("a\rb\r", 2, "\r"),  # old Mac endings
        ("a\r\nb", 2, "\r\n"),  # between CR and LF of one ending
        ("abc", 1, "\n"),  # no line break at all
    ],
)
def test_the_line_ending_at_an_offset(text, offset, ending):
    assert line_ending_at(text, offset) == ending


# --- a report written as it is made (ReportFile): complete, or not there at all ---------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(safe_write.TEMPORARY_SUFFIX))


def test_a_report_takes_the_place_of_the_old_one_only_when_committed(tmp_path):
    path = make(tmp_path, "report.txt")
    os.chmod(path, 0o640)
    report = safe_write.ReportFile(path)
    handle = report.open()
    handle.write("new report\n")
    assert path.read_bytes() == OLD  # not yet
    report.commit()
    assert path.read_text(encoding="utf-8") == "new report\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_report_discarded_leaves_the_old_one_and_nothing_beside_it(tmp_path):
    path = make(tmp_path, "report.txt")
    report = safe_write.ReportFile(path)
    report.open().write("half a rep")
    report.discard()
    assert path.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_a_new_report_has_the_mode_a_new_file_has(tmp_path):
    path = tmp_path / "report.txt"
    mask = os.umask(0o027)
    try:
        report = safe_write.ReportFile(path)
        report.open().write("x\n")
        report.commit()
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_report_through_a_link_is_written_at_its_target_and_the_link_stays(tmp_path):
    target = make(tmp_path, "real.txt")
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    report = safe_write.ReportFile(link)
    report.open().write("new\n")
    report.commit()
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"


def test_a_report_with_two_names_is_written_in_place(tmp_path):
    path = make(tmp_path, "report.txt")
    other = tmp_path / "other.txt"
    os.link(path, other)
    report = safe_write.ReportFile(path)
    report.open().write("new\n")
    report.commit()
    assert other.read_text(encoding="utf-8") == "new\n" and path.stat().st_nlink == 2


def test_a_report_to_a_device_is_written_to_it(tmp_path):
    report = safe_write.ReportFile(os.devnull)
    report.open().write("nothing\n")
    report.commit()
    assert Path(os.devnull).is_char_device()


def test_a_report_over_a_file_without_a_write_bit_is_refused_even_for_root(tmp_path):
    path = make(tmp_path, "report.txt")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError):
        safe_write.ReportFile(path).open()
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_report_that_cannot_be_put_in_place_is_an_os_error_naming_it(tmp_path, monkeypatch):
    path = make(tmp_path, "report.txt")
    report = safe_write.ReportFile(path)
    report.open().write("new\n")

    def no_room(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "replace", no_room)
    with pytest.raises(OSError) as caught:
        report.commit()
    assert caught.value.filename == str(path)
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_report_with_two_names_stopped_on_the_way_leaves_both_as_they_were(tmp_path):
    path = make(tmp_path, "report.txt")
    os.link(path, tmp_path / "other.txt")
    report = safe_write.ReportFile(path)
    report.open().write("half a rep" * 10_000)
    assert path.read_bytes() == OLD  # written elsewhere until committed
    report.discard()
    assert path.read_bytes() == OLD and (tmp_path / "other.txt").read_bytes() == OLD
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("why", ["another user's file", "a folder that takes no new file"])
def test_a_report_that_cannot_be_renamed_into_place_is_copied_in_when_complete(
    tmp_path, monkeypatch, why
):
    path = make(tmp_path, "report.txt")
    inode = path.stat().st_ino
    if why == "another user's file":
        monkeypatch.setattr(safe_write, "_may_give", lambda info: False)
    else:

        def no_room(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(safe_write.tempfile, "mkstemp", no_room)
    stopped = safe_write.ReportFile(path)
    stopped.open().write("half a rep")
    stopped.discard()
    assert path.read_bytes() == OLD
    report = safe_write.ReportFile(path)
    report.open().write("the whole report\n")
    report.commit()
    assert path.read_text(encoding="utf-8") == "the whole report\n"
    assert path.stat().st_ino == inode  # the same file: its owner, group and names kept
    assert leftovers(tmp_path) == []


def test_a_report_over_a_file_the_system_will_not_let_the_caller_write_is_refused(
    tmp_path, monkeypatch
):
    """(Replaced by a rename, a file of another user's that the caller may not write would
    have been taken over: the folder's permission, not the file's, governs a rename.)"""
    path = make(tmp_path, "report.txt")
    monkeypatch.setattr(safe_write.os, "access", lambda *args, **kwargs: False)
    with pytest.raises(PermissionError):
        safe_write.ReportFile(path).open()
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []
