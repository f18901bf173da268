"""The same letter saved or extracted differently gives the same facts.

Each seed is rewritten in the test (nothing is committed) the way other tools and systems would
have written it: other line endings, byte-order marks and encodings, other kinds of space,
page breaks, no markup at all, hard-wrapped lines, and all of these together. The flat facts
(``name -> value`` from :func:`lgo_audit.model.iter_facts`) must be those of the seed as it is,
and every fact's span must still point at its own text in the rewritten file.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from functools import cache
from itertools import cycle
from typing import Any

import pytest

from lgo_audit.model import iter_facts
from lgo_audit.parse import ParsedLetter, parse_source
from lgo_audit.reader import decode
from tests.paths import SEEDS

SEED_FILES = {
    "stockport": SEEDS / "000_15e4eac1a32b7d92.txt",
    "stevenage": SEEDS / "003_f89ee7140bcac910.txt",
}

# --- rewriting a letter's text ---------------------------------------------------------------


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def nbsp(text: str) -> str:
    return text.replace(" ", "\u00a0")


def tabs(text: str) -> str:
    return text.replace(" ", "\t")


def mixed_spaces(text: str) -> str:
    """Spaces become NBSPs and tabs, alternately."""
    kinds = cycle(["\u00a0", "\t"])
    return re.sub(" ", lambda _: next(kinds), text)


def form_feeds(text: str) -> str:
    """A page break (form feed) at the start of every paragraph, where the blank line was."""
    return text.replace("\n\n", "\n\f")


def no_markup(text: str) -> str:
    """Markdown emphasis, Markdown links, HTML tags and bullets removed: plain text only."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "")
    text = re.sub(r"</?[a-z]+>", "", text)
    return re.sub(r"(?m)^- ", "", text)


def hard_wrapped(text: str, width: int = 78) -> str:
    """Every paragraph (in these extractions, one paragraph per line) wrapped at ``width``."""
    return "\n".join(
        "\n".join(textwrap.wrap(line, width)) if line.strip() else line for line in text.split("\n")
    )


def curly_apostrophes(text: str) -> str:
    return text.replace("'", "\u2019")


def everything(text: str) -> str:
    return crlf(mixed_spaces(form_feeds(hard_wrapped(no_markup(curly_apostrophes(text))))))


# name -> (text -> bytes of the file)
VARIANTS: dict[str, Callable[[str], bytes]] = {
    "crlf": lambda t: crlf(t).encode("utf-8"),
    "cr": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "utf8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "windows-1252": lambda t: curly_apostrophes(t).encode("cp1252"),
    "nbsp": lambda t: nbsp(t).encode("utf-8"),
    "tabs": lambda t: tabs(t).encode("utf-8"),
    "form-feeds": lambda t: form_feeds(t).encode("utf-8"),
    "no-markup": lambda t: no_markup(t).encode("utf-8"),
    "hard-wrapped-78": lambda t: hard_wrapped(t).encode("utf-8"),
    "all-utf16": lambda t: b"\xff\xfe" + everything(t).encode("utf-16-le"),
    "all-windows-1252": lambda t: everything(t).encode("cp1252"),
}

CASES = [
    pytest.param(seed, variant, id=f"{seed}-{variant}")
    for seed in SEED_FILES
    for variant in VARIANTS
]


@cache
def original_text(seed: str) -> str:
    return SEED_FILES[seed].read_text(encoding="utf-8")


@cache
def parse_bytes(data: bytes, name: str) -> ParsedLetter:
    return parse_source(decode(data, name), authorities=None)


def seed_letter(seed: str) -> ParsedLetter:
    return parse_bytes(original_text(seed).encode("utf-8"), f"{seed}.txt")


def variant_letter(seed: str, variant: str) -> ParsedLetter:
    return parse_bytes(VARIANTS[variant](original_text(seed)), f"{seed}-{variant}.txt")


def flat_facts(letter: ParsedLetter) -> dict[str, Any]:
    return {name: None if fact is None else fact.value for name, fact in iter_facts(letter.letter)}


def text_at(text: str, line: int, column: int, end_line: int, end_column: int) -> str:
    """The original text between two (line, column) positions; lines end at CRLF, CR or LF."""
    starts = [0, *(m.end() for m in re.finditer(r"\r\n?|\n", text))]
    return text[starts[line - 1] + column - 1 : starts[end_line - 1] + end_column - 1]


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_variant_gives_the_same_facts_as_the_seed(seed, variant):
    expected = flat_facts(seed_letter(seed))
    got = flat_facts(variant_letter(seed, variant))
    differences = {
        name: (expected[name], got[name]) for name in expected if expected[name] != got[name]
    }
    assert differences == {}


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_variant_has_no_structural_issue_the_seed_does_not_have(seed, variant):
    letter = variant_letter(seed, variant)
    issues = [(i.check, letter.span(i.start, i.end).line, i.params) for i in letter.issues]
    assert issues == []


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_every_fact_span_points_at_the_fact_text_in_the_variant_file(seed, variant):
    letter = variant_letter(seed, variant)
    original = letter.source.text
    wrong = []
    for name, fact in iter_facts(letter.letter):
        if fact is None:
            continue
        s = fact.span
        found = text_at(original, s.line, s.column, s.end_line, s.end_column)
        if found.split() != fact.raw.split():  # any kind of space or line break between words
            wrong.append((name, fact.raw, found))
    assert wrong == []


@pytest.mark.parametrize("seed", SEED_FILES)
def test_windows_1252_fallback_is_reported_in_a_note(seed):
    letter = variant_letter(seed, "windows-1252")
    assert letter.source.encoding == "cp1252"
    assert len(letter.source.notes) == 1
    assert "Windows-1252" in letter.source.notes[0]


@pytest.mark.parametrize(
    ("variant", "encoding"),
    [("utf8-bom", "utf-8-sig"), ("utf16-le-bom", "utf-16-le"), ("utf16-be-bom", "utf-16-be")],
)
def test_a_byte_order_mark_decides_the_encoding_and_leaves_no_note(variant, encoding):
    letter = variant_letter("stockport", variant)
    assert (letter.source.encoding, letter.source.notes) == (encoding, ())


def test_the_rewritten_files_really_differ_from_the_seed():
    """Guard: a variant that changed nothing would make the tests above vacuous."""
    seed = original_text("stockport").encode("utf-8")
    unchanged = [
        name for name, rewrite in VARIANTS.items() if rewrite(original_text("stockport")) == seed
    ]
    assert unchanged == []


def test_hard_wrapping_really_splits_paragraphs_over_lines():
    original = original_text("stockport")
    wrapped = hard_wrapped(original)
    assert max(len(line) for line in wrapped.splitlines()) <= 78
    assert len(wrapped.splitlines()) > len(original.splitlines()) + 20
