"""Fusing a statement into one regular expression changes speed, never meaning."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lgo_audit.grammar import PROFILES, Recogniser
from lgo_audit.grammar.fuse import fuse
from lgo_audit.normalise import normalise
from lgo_audit.reader import decode
from tests.letters import random_letter_facts, random_style, render
from tests.paths import SEEDS

ROOT = Path(__file__).resolve().parents[1]
PROFILE = PROFILES["2020"]
FUSED = Recogniser(PROFILE)
PLAIN = Recogniser(PROFILE, fused=False)


def texts() -> list[tuple[str, str]]:
    found = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    found.append(("base", (ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8")))
    rng = random.Random(2020)
    for index in range(60):
        data = render(random_letter_facts(rng), random_style(rng))
        found.append((f"generated-{index}", decode(data, "g.txt").text))
    return found


def summary(chunks):
    return [
        (
            type(c).__name__,
            c.start,
            c.end,
            getattr(getattr(c, "statement", None), "name", None),
            [(f.name, f.value, f.raw, f.start, f.end) for f in getattr(c, "facts", ())],
        )
        for c in chunks
    ]


@pytest.mark.parametrize(("name", "text"), texts(), ids=lambda v: v if len(v) < 40 else "")
def test_fused_and_plain_grammars_read_a_letter_the_same(name, text):
    normalised = normalise(text).text
    assert summary(FUSED.chunks(normalised)) == summary(PLAIN.chunks(normalised))


def test_most_statements_are_fused():
    fused = [s.name for s in PROFILE.statements if fuse(s.grammar) is not s.grammar]
    assert len(fused) >= len(PROFILE.statements) - 2


def test_a_statement_with_a_condition_is_left_to_pyparsing():
    comparison = next(s for s in PROFILE.statements if s.name == "comparison")
    assert fuse(comparison.grammar) is comparison.grammar
