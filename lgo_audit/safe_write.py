"""Write new bytes over an existing file without ever hurting it.

:func:`write_file` is the one way lgo-audit writes a user's file (``check --fix`` today, Word
files later). Its contract:

* **Symlinks are followed.** The path is resolved (through a chain of links if need be) and the
  real file is written; every link stays a link, pointing where it pointed.
* **A file without a write permission bit is refused**, even for root (who could write it
  anyway): mode ``0444`` means "do not change me". A file the caller may not write
  (``os.access``) is refused too. Refused means not touched.
* **Mode, owner and group are kept.** The new content takes the file's permission bits
  (setuid/setgid/sticky included) and its owner and group.
* **Hard links are kept.** A file with more than one name is rewritten in place, so every name
  sees the new content. So is a file whose owner or group the caller cannot give to a new file
  (not root, file owned by someone else): rewriting in place keeps them.
* **Verified before the file is touched.** The new content is first written to a temporary file
  beside the real one (``.NAME.XXXXXXXX.lgo-audit``), flushed to disk, read back and compared
  with ``data``, and, if a ``verify`` callback is given, checked by it (a Word writer can open
  the copy as a ZIP, for example).
* **Never a partial file.** An ordinary file (one name) is replaced by renaming the verified
  copy over it: a crash leaves the old file or the new one. A file rewritten in place is
  restored to its old bytes if the rewrite fails; only a crash (power loss, ``SIGKILL``) in the
  middle of that rewrite can leave it partial, and then the verified new content is the
  ``.NAME.*.lgo-audit`` file beside it. The temporary file is removed in every other case.
* **A file that changed since it was read is refused.** Given ``expected_sha256`` (the hash of
  the bytes the caller read), the file is hashed again just before it is replaced (and, when
  rewritten in place, through the very handle that writes it); a different hash, or a different
  file now at the path, refuses the write.

Every refusal or failure raises :class:`WriteError` (or a subclass), whose ``str()`` is
``"<path>: <reason>"`` on one line, naming the path as the caller gave it (and the link's target,
``"<path> (a link to <target>): <reason>"``, when it is a symlink). No ``OSError`` escapes
:func:`write_file`.

Not kept: extended attributes and ACLs of a file replaced by rename (an ordinary file), and its
inode number; a file rewritten in place keeps both. POSIX only (it uses ``fchown``/``fchmod``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO, cast

from lgo_audit.reader import display_path

__all__ = [
    "ChangedOnDiskError",
    "NotWritableError",
    "ReportFile",
    "VerificationError",
    "WriteError",
    "report_target_problem",
    "write_file",
]

TEMPORARY_SUFFIX: Final = ".lgo-audit"
"""The suffix of the temporary file written beside the real one."""

_WRITE_BITS: Final = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class WriteError(Exception):
    """A file that was not written. ``str(e)`` is one line: ``f"{path}: {reason}"``, or
    ``f"{path} (a link to {target}): {reason}"`` when the path is a symlink.

    ``path`` is the display form of the path as given, ``target`` that of the real file behind
    a symlink (None for a path that is not a link), ``reason`` a short lower-case phrase. The
    file is untouched unless the reason says otherwise (only when a failed in-place rewrite
    could not be undone).
    """

    path: str
    reason: str
    target: str | None

    def __init__(self, path: str, reason: str, target: str | None = None) -> None:
        super().__init__(path, reason, target)
        self.path = path
        self.reason = reason
        self.target = target

    def __str__(self) -> str:
        if self.target is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path} (a link to {self.target}): {self.reason}"


class NotWritableError(WriteError):
    """The file has no write permission bit, or the caller may not write it."""


class ChangedOnDiskError(WriteError):
    """The file's bytes (or the file at the path) differ from what the caller read."""


class VerificationError(WriteError):
    """The new content did not read back as written, or the ``verify`` callback rejected it."""


def write_file(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    expected_sha256: str | None = None,
    verify: Callable[[Path], object] | None = None,
) -> Path:
    """Replace the content of the existing file at ``path`` with ``data``; see the module docs.

    ``expected_sha256`` is the hex SHA-256 of the bytes the caller read: if the file no longer
    has it, nothing is written. ``verify`` is called with the path of the verified temporary
    copy before the real file is touched; any exception it raises refuses the write.

    Returns the real path written (``path`` with symlinks resolved).

    Raises :class:`NotWritableError` (no write permission bit, even as root, or permission
    denied), :class:`ChangedOnDiskError` (the file changed since it was read, or another file
    now stands at the path), :class:`VerificationError` (the temporary copy did not read back
    as ``data``, or ``verify`` raised), and :class:`WriteError` for anything else (no such
    file, a broken or looping link, not a regular file, no room for the temporary copy, an
    I/O error). No ``OSError`` escapes.
    """
    display = display_path(path)
    target = _resolve(path, display)
    link_target = display_path(target) if os.path.islink(path) else None

    def error(kind: type[WriteError], reason: str) -> WriteError:
        return kind(display, reason, link_target)

    info = _check_writable(target, error)
    if expected_sha256 is not None and _sha256_of(target, error) != expected_sha256:
        raise error(ChangedOnDiskError, "changed on disk since it was read")
    try:
        fd, temporary_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX, dir=target.parent
        )
    except OSError as failure:
        reason = f"cannot write a temporary copy in its folder ({_strerror(failure)})"
        raise error(WriteError, reason) from None
    temporary = Path(temporary_name)
    keep_temporary = False
    try:
        owner_kept = _write_copy(fd, data, info, error)
        if verify is not None:
            try:
                verify(temporary)
            except Exception as rejected:
                reason = f"the new content failed verification ({_one_line(rejected)})"
                raise error(VerificationError, reason) from None
        _fsync_folder(target.parent)  # the verified copy survives a crash from here on
        now = _stat_or_none(target)
        if now is None or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise error(ChangedOnDiskError, _REPLACED)
        if now.st_nlink > 1 or not owner_kept:
            _rewrite_in_place(target, data, info, expected_sha256, error, temporary)
        else:
            if expected_sha256 is not None and _sha256_of(target, error) != expected_sha256:
                raise error(ChangedOnDiskError, "changed on disk since it was read")
            os.replace(temporary, target)
            keep_temporary = True  # it is the file now
            _fsync_folder(target.parent)
    except _Unrestored:
        keep_temporary = True
        raise
    except WriteError:
        raise
    except OSError as failure:
        raise error(WriteError, f"cannot write ({_strerror(failure)})") from None
    finally:
        if not keep_temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target


_REPLACED: Final = "changed on disk since it was read (another file now stands at its path)"


class _Unrestored(WriteError):
    """An in-place rewrite failed and so did putting the old bytes back (the copy is kept)."""


# --- the steps -----------------------------------------------------------------------------

_ErrorFactory = Callable[[type[WriteError], str], WriteError]


def _resolve(path: str | os.PathLike[str], display: str) -> Path:
    """The real path behind ``path`` (every link in a chain followed)."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except ValueError:
        raise WriteError(display, "is not a valid path") from None
    except OSError as failure:
        if os.path.islink(path):
            if failure.errno == errno.ELOOP:
                raise WriteError(display, "is a link that loops") from None
            if isinstance(failure, FileNotFoundError):
                raise WriteError(display, "is a broken link (its target does not exist)") from None
        raise WriteError(display, _os_reason(failure)) from None


def _check_writable(target: Path, error: _ErrorFactory) -> os.stat_result:
    """The file's status, if it is a regular file with a write bit that the caller may write."""
    try:
        info = os.stat(target)
    except OSError as failure:
        raise error(WriteError, _os_reason(failure)) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(WriteError, "is not a regular file")
    mode = stat.S_IMODE(info.st_mode)
    if not mode & _WRITE_BITS:
        raise error(NotWritableError, _read_only(mode))
    effective = os.access in os.supports_effective_ids
    if not os.access(target, os.W_OK, effective_ids=effective):
        raise error(NotWritableError, "cannot be written (permission denied)")
    return info


def _read_only(mode: int) -> str:
    """What a file with no write permission bit is said to be, by its permission bits."""
    return f"is read-only (mode {mode:04o}: no write permission bit)"


def _write_copy(fd: int, data: bytes, info: os.stat_result, error: _ErrorFactory) -> bool:
    """Write and verify the temporary copy with the file's mode, owner and group.

    Returns False if the owner or group cannot be given to it (then the file must be rewritten
    in place to keep them).
    """
    with os.fdopen(fd, "w+b") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        owner_kept = _give_owner(handle.fileno(), info)
        os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))  # after chown: it clears setuid
        handle.seek(0)
        if handle.read() != data:
            raise error(VerificationError, "the new content did not read back as written")
    return owner_kept


def _give_owner(fd: int, info: os.stat_result) -> bool:
    """Give the open file the owner and group in ``info``; False if the caller cannot."""
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) == (info.st_uid, info.st_gid):
        return True
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        return False
    return True


def _rewrite_in_place(
    target: Path,
    data: bytes,
    info: os.stat_result,
    expected_sha256: str | None,
    error: _ErrorFactory,
    temporary: Path,
) -> None:
    """Overwrite the file's own inode (every hard link sees it); on failure put the old bytes back.

    The hash is checked through the handle that writes, so it is this very file that is
    compared and written.
    """
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(target, flags), "r+b") as handle:
        now = os.fstat(handle.fileno())
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise error(ChangedOnDiskError, _REPLACED)
        old = handle.read()
        if expected_sha256 is not None and hashlib.sha256(old).hexdigest() != expected_sha256:
            raise error(ChangedOnDiskError, "changed on disk since it was read")
        try:
            _overwrite(handle, data)
            handle.seek(0)
            if handle.read() != data:
                raise error(VerificationError, "the new content did not read back as written")
        except BaseException as failure:
            try:
                _overwrite(handle, old)
            except OSError:
                reason = (
                    "rewriting it in place failed and so did restoring it; "
                    f"the new content is in {display_path(temporary)}"
                )
                raise error(_Unrestored, reason) from None
            if isinstance(failure, OSError):
                reason = f"cannot write ({_strerror(failure)}); its old content was restored"
                raise error(WriteError, reason) from None
            raise


def _overwrite(handle: BinaryIO, data: bytes) -> None:
    handle.seek(0)
    handle.write(data)
    handle.truncate()
    handle.flush()
    os.fsync(handle.fileno())


# --- helpers -------------------------------------------------------------------------------


def _sha256_of(target: Path, error: _ErrorFactory) -> str:
    try:
        return hashlib.sha256(target.read_bytes()).hexdigest()
    except OSError as failure:
        raise error(WriteError, _os_reason(failure)) from None


def report_target_problem(path: str | os.PathLike[str]) -> str | None:
    """Why :class:`ReportFile` would refuse to write a report at ``path``, found before any
    work is done (a batch's check can take minutes), without touching the file: its folder
    does not exist (with what opening it would say, in lower case as an input's reasons
    are), no file can be added to that folder, it is a folder, it has no write permission
    bit (refused even for root, as :func:`write_file` refuses it) or the caller may not
    write it; None when writing can be tried (a file that may be written, a new one, a
    device or a named pipe). Raises nothing."""
    try:
        target = os.path.realpath(path)
        info = _stat_or_none(Path(target))
        if info is None:
            folder = os.path.dirname(target) or "."
            if not os.path.isdir(folder):
                return "its folder does not exist (no such file or directory)"
            effective = os.access in os.supports_effective_ids
            if not os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
                return "cannot be written (permission denied: no file can be added to its folder)"
            return None
        if stat.S_ISDIR(info.st_mode):
            return "is a folder, not a file"
        if not stat.S_ISREG(info.st_mode):
            return None
        mode = stat.S_IMODE(info.st_mode)
        if not mode & _WRITE_BITS:
            return _read_only(mode)
        if not os.access(target, os.W_OK):
            return "cannot be written (permission denied)"
    except (OSError, ValueError):
        return None  # (writing it says what is wrong)
    return None


def _stat_or_none(target: Path) -> os.stat_result | None:
    try:
        return os.stat(target, follow_symlinks=False)
    except OSError:
        return None


def _fsync_folder(folder: Path) -> None:
    """Make a rename or a new name durable (best effort: some systems cannot open folders)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _strerror(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, PermissionError):
        return "cannot be written (permission denied)"
    return f"cannot be written ({_strerror(error)})"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


class ReportFile:
    """A text file written as it is made (a report, as results arrive) that takes the place of
    ``path`` only once it is complete: an interrupted or failed run leaves the file that was
    there (or none), never part of a report.

    How, by the file that is there:

    * **an ordinary file of the caller's** (or none yet): the text goes to a temporary file
      beside it (``.NAME.XXXXXXXX.lgo-audit``, as :func:`write_file` names it, a symlink
      followed to its target) with its permission bits (a new file's: ``0o666`` less the
      umask), and :meth:`commit` renames it over the file;
    * **a file with more than one name (hard links), another user's file, or one in a folder
      where no file can be added**: the text goes to a temporary file elsewhere (the system's
      temporary folder), and :meth:`commit` copies it into the file, which keeps its names,
      owner and mode (only a crash during that copy can cut the file short);
    * **what is not an ordinary file** (``/dev/null``, a named pipe): written directly.

    A file the caller may not write (no write permission bit, even for root, as
    :func:`write_file` has it, or denied by the system) is refused: ``PermissionError``.
    :meth:`discard` removes the temporary file and leaves the real one as it was.
    :meth:`open` and :meth:`commit` raise ``OSError`` (its ``filename`` the path as given)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._temporary: str | None = None  # beside the real file, renamed over it
        self._spool: Any = None  # elsewhere, copied into it
        self._target = ""
        self._handle: Any = None

    def open(self, *, encoding: str = "utf-8", errors: str = "strict") -> TextIO:
        """The file to write the text into."""
        self._target = os.path.realpath(self.path)
        info = _stat_or_none(Path(self._target))
        if info is not None and not stat.S_ISREG(info.st_mode):
            self._handle = open(self.path, "w", encoding=encoding, errors=errors)  # noqa: SIM115
            return cast(TextIO, self._handle)
        if info is not None and not info.st_mode & _WRITE_BITS:
            reason = _read_only(stat.S_IMODE(info.st_mode))
            raise PermissionError(errno.EACCES, reason, os.fspath(self.path))
        if info is not None and not os.access(self._target, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(self.path))
        if info is None or (info.st_nlink == 1 and _may_give(info)):
            folder, name = os.path.split(self._target)
            try:
                fd, self._temporary = tempfile.mkstemp(
                    prefix=f".{name}.", suffix=TEMPORARY_SUFFIX, dir=folder or "."
                )
            except OSError:
                if info is None:  # (a new file where none can be added: said as open says it)
                    raise
                self._temporary = None
            else:
                self._handle = os.fdopen(fd, "w", encoding=encoding, errors=errors)
                try:
                    _take_over(fd, info)
                except OSError:
                    self.discard()
                    raise
                return cast(TextIO, self._handle)
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115
        self._handle = io.TextIOWrapper(self._spool, encoding=encoding, errors=errors)
        return cast(TextIO, self._handle)

    def commit(self) -> None:
        """Close the file and put what it holds in the real one's place (or into it)."""
        handle, self._handle = self._handle, None
        try:
            if self._spool is not None and handle is not None:
                handle.flush()
                self._spool.seek(0)
                with open(self.path, "wb") as real:  # (in place: its names, owner, mode kept)
                    shutil.copyfileobj(self._spool, real)
                handle.close()
                self._spool = None
            elif handle is not None:
                handle.close()
            if self._temporary is not None:
                os.replace(self._temporary, self._target)
                self._temporary = None
        except OSError as error:
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            self.discard()
            error.filename = os.fspath(self.path)
            raise

    def discard(self) -> None:
        """Close the file and remove the temporary one; the real file is as it was."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()
        self._spool = None  # (a temporary file of the system's: gone when closed)
        temporary, self._temporary = self._temporary, None
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _may_give(info: os.stat_result) -> bool:
    """Whether a new file can be given the owner and group of the file ``info`` describes
    (they are the caller's, or the caller is root)."""
    return os.geteuid() == 0 or (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid())


def _take_over(fd: int, info: os.stat_result | None) -> None:
    """The real file's permission bits, owner and group for the new one (a new file's bits:
    ``0o666`` less the umask)."""
    if info is None:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        return
    os.fchmod(fd, stat.S_IMODE(info.st_mode))
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        os.fchown(fd, info.st_uid, info.st_gid)
