"""Apply fixes to a letter's text: only the fixed spans change, everything else byte for byte.

Edits are offsets into the decoded original text (:class:`~lgo_audit.findings.Edit`), so the
file's encoding, BOM and line endings survive untouched outside the edited spans. Overlapping
edits are not combined: the first (in file order) wins and the rest wait for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable

from lgo_audit.findings import Applicability, Edit, Finding

__all__ = ["apply_edits", "fixable_edits"]


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
