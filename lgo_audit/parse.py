"""The first half of the pipeline: file -> text -> statements -> the letter model.

``parse_file`` is what ``lgo-audit parse`` and ``lgo-audit check`` both start with. Bad input
(unreadable, binary, empty, too large) raises :class:`~lgo_audit.reader.InputError`; a text
that is not a letter comes back with ``is_letter`` false, and every other problem is an
:class:`~lgo_audit.structure.Issue`, never an exception.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lgo_audit.grammar import Profile, recogniser, select_profile
from lgo_audit.grammar.elements import FactToken
from lgo_audit.normalise import NormalisedText, normalise
from lgo_audit.reader import DEFAULT_MAX_BYTES, SourceFile, read_source
from lgo_audit.span import Span
from lgo_audit.structure import Issue, Structure, assemble

if TYPE_CHECKING:
    from lgo_audit.model import Letter

__all__ = ["ParsedLetter", "parse_file", "parse_source"]

LARGE_TEXT = 100_000  # characters: ~15 letters' worth


@dataclass(frozen=True)
class ParsedLetter:
    """A letter read and recognised: the model plus what is needed to point into the file."""

    source: SourceFile
    text: NormalisedText
    profile: Profile
    structure: Structure

    @cached_property
    def letter(self) -> Letter:
        """The typed letter model; built on demand (rules read the facts directly)."""
        return _build_letter(self.structure, self.text, self.profile)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def is_letter(self) -> bool:
        return self.structure.is_letter

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.structure.issues

    def span(self, start: int, end: int) -> Span:
        """The original-file span of normalised ``[start, end)``."""
        begin, finish = self.text.span(start, max(end, start))
        return Span(
            line=begin.line, column=begin.column, end_line=finish.line, end_column=finish.column
        )

    def section_span(self, name: str) -> Span | None:
        found = self.structure.section_span(name)
        return None if found is None else self.span(*found)


def parse_source(
    source: SourceFile, profile: str | None = None, *, batch: bool = False
) -> ParsedLetter:
    """Recognise ``source`` with ``profile`` (default: chosen from the letter's title);
    ``batch``: one of many letters, so the recogniser's one-off speed-up is worth making."""
    text = normalise(source.text)
    chosen = select_profile(text.text, profile)
    fused = batch or len(text.text) > LARGE_TEXT  # a long text pays for the speed-up alone
    chunks = recogniser(chosen.name, fused=fused).chunks(text.text)
    structure = assemble(chunks, chosen, text.text)
    return ParsedLetter(source, text, chosen, structure)


def parse_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profile: str | None = None,
    batch: bool = False,
) -> ParsedLetter:
    """Read and recognise one letter file; raises InputError for bad input."""
    return parse_source(read_source(path, max_bytes=max_bytes), profile, batch=batch)


def _fact_dict(token: FactToken, text: NormalisedText) -> dict[str, Any]:
    begin, finish = text.span(token.start, token.end)
    return {
        "value": token.value,
        "raw": token.raw,
        "span": {
            "line": begin.line,
            "column": begin.column,
            "end_line": finish.line,
            "end_column": finish.column,
        },
    }


def _empty_letter() -> dict[str, Any]:
    """Every fact of the vocabulary, absent: the grammar fills in what it finds."""
    from lgo_audit.model import FACT_TYPES

    data: dict[str, Any] = {}
    for name in FACT_TYPES:
        *parents, leaf = name.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = None
    return data


def _build_letter(structure: Structure, text: NormalisedText, profile: Profile) -> Letter:
    from lgo_audit.model import Letter, Link

    data = _empty_letter()
    for name, token in structure.facts.items():
        *parents, leaf = name.split(".")
        node = data
        for part in parents:
            node = node[part]
        if leaf in node:
            node[leaf] = _fact_dict(token, text)
    links = []
    for link in text.links:
        begin, finish = text.span(link.start, link.end)
        links.append(
            Link(
                text=link.text,
                target=link.target,
                span=Span(
                    line=begin.line,
                    column=begin.column,
                    end_line=finish.line,
                    end_column=finish.column,
                ),
            )
        )
    data["links"] = links
    data["profile"] = profile.name
    data["sections"] = structure.sections
    return Letter.model_validate(data)
