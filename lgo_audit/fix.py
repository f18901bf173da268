"""Apply fixes to a letter's text: only the fixed spans change, everything else byte for byte.

Edits are offsets into the decoded original text (:class:`~lgo_audit.findings.Edit`), so the
file's encoding, BOM and line endings survive untouched outside the edited spans. Overlapping
edits are not combined: the first (in file order) wins and the rest wait for the next run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lgo_audit.engine import run_rules
from lgo_audit.findings import Applicability, Edit, Finding
from lgo_audit.parse import AuthorityLookup, parse_source
from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError, read_source
from lgo_audit.rules import Rule

__all__ = ["FixOutcome", "apply_edits", "fix_file", "fixable_edits", "write_atomic"]


def fixable_edits(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Edit]:
    """The edits of the findings' fixes allowed at this level (safe, or also unsafe)."""
    edits: list[Edit] = []
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        if fix.applicability is Applicability.UNSAFE and not unsafe:
            continue
        edits.extend(fix.edits)
    return edits


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with non-overlapping ``edits`` applied, and how many were applied."""
    chosen: list[Edit] = []
    last_end = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < last_end:
            continue  # overlaps an earlier edit: leave it for the next run
        chosen.append(edit)
        last_end = edit.end
    pieces: list[str] = []
    position = 0
    for edit in chosen:
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), len(chosen)


@dataclass
class FixOutcome:
    """What fixing one file did: the text before and after, or why it was not fixed."""

    path: str
    original: str
    fixed: str
    applied: int = 0
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.fixed.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


MAX_PASSES = 10


def fix_file(
    path: Path,
    rules: Sequence[Rule],
    *,
    authorities: AuthorityLookup | None,
    unsafe: bool = False,
    write: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profile: str | None = None,
) -> FixOutcome:
    """Apply the rules' fixes to ``path`` until none is left (at most MAX_PASSES passes).

    ``authorities``: the register that completes the letter's facts, as in a check (so that
    rules reading the council's type judge the same). Never writes a file that is not a letter, whose fixed text cannot be encoded as the file
    was, or that changed on disk since it was read; writes atomically, keeping permissions.
    """
    try:
        source = read_source(path, max_bytes=max_bytes)
    except InputError as error:
        return FixOutcome(str(path), "", "", error=str(error))
    outcome = FixOutcome(str(path), source.text, source.text)
    current = source
    for _ in range(MAX_PASSES):
        parsed = parse_source(current, profile, authorities=authorities)
        if not parsed.is_letter:
            if current is source:
                outcome.error = f"{path}: not an Annual Review letter; not fixed"
                return outcome
            break
        findings, _ = run_rules(parsed, rules)
        text, applied = apply_edits(current.text, fixable_edits(findings, unsafe=unsafe))
        if applied == 0 or text == current.text:
            break
        outcome.applied += applied
        current = dataclasses.replace(current, text=text)
    outcome.fixed = current.text
    if not write or not outcome.changed:
        return outcome
    try:
        data = source.encode(outcome.fixed)
    except UnicodeEncodeError:
        outcome.error = f"{path}: the fix cannot be written in the file's encoding ({source.encoding}); not fixed"
        return outcome
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() != source.sha256:
            outcome.error = f"{path}: changed on disk since it was read; not fixed"
            return outcome
        write_atomic(path, data)
    except OSError as error:
        outcome.error = f"{path}: cannot write: {error.strerror or error}"
    return outcome


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file and rename), keeping its mode."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".lgo-audit", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
