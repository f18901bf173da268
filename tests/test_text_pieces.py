"""A long text is searched by text rules a piece at a time (lgo_audit.engine.pattern_matches):
the matches found are those a search of the whole text finds, each once, in order."""

from __future__ import annotations

import pytest
import re2
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lgo_audit import engine

PATTERN = re2.compile(r"ab+c|\d{2,6}")


@pytest.fixture(scope="module")
def monkeypatch_pieces():
    """Pieces of 64 characters overlapping by 16, so that short texts are cut into many."""
    saved = engine.PIECE, engine.PIECE_OVERLAP
    engine.PIECE, engine.PIECE_OVERLAP = 64, 16
    yield
    engine.PIECE, engine.PIECE_OVERLAP = saved


lines = st.lists(st.text(alphabet="abc123 x", max_size=40), max_size=60).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(text=lines, unbroken=st.booleans())
@example(text="x" * 62 + "123456" + "x" * 100, unbroken=True)  # a match across a cut
def test_every_match_is_found_once_and_where_the_whole_text_has_it(
    monkeypatch_pieces, text, unbroken
):
    if unbroken:
        text = text.replace("\n", " ")  # no line break to cut after: pieces cut anywhere
    whole = [(m.start(), m.end(), m.group()) for m in PATTERN.finditer(text)]
    assert list(engine.pattern_matches(PATTERN, text)) == whole


def test_pieces_cover_the_text_in_order_and_cut_after_line_breaks(monkeypatch_pieces):
    text = "\n".join(f"line {n} " + "x" * (n % 7) for n in range(200))
    pieces = list(engine.text_pieces(text))
    assert len(pieces) > 1
    assert "".join(piece[:own] for _, own, piece in pieces) == text
    assert all(text[offset - 1] == "\n" for offset, _, _ in pieces[1:])


def test_a_short_text_is_one_piece():
    assert list(engine.text_pieces("a letter")) == [(0, 8, "a letter")]
