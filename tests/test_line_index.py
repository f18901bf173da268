"""Offsets become 1-based lines and columns one way (lgo_audit.span.LineIndex), whether the
first few positions are counted in the text or the line starts are listed: "\\r\\n", "\\r"
and "\\n" each end a line, and nothing else does."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lgo_audit.span import LineIndex


def naive(text: str, offset: int) -> tuple[int, int]:
    """Line and column by splitting the text before ``offset`` at every line break."""
    lines = re.split(r"\r\n?|\n", text[:offset])
    return len(lines), len(lines[-1]) + 1


texts = st.text(alphabet="ab \n\r\f\u2028", max_size=80)


class SmallBlocks(LineIndex):
    """An index that counts any text by blocks of three characters (where its lines all end
    in "\\n" or all in "\\r\\n"), from its first position: a long text's way, on short ones."""

    _BLOCK, _LONG, _COUNTED = 3, 0, 0


@settings(max_examples=300, deadline=None)
@given(text=texts, data=st.data())
@example(text="a\nb\r\nc\rd", data=None)
@example(text="ab\n\nb a\n", data=None)  # no "\r": counted, then listed
@example(text="a\r\nb\r\n\r\nab a\r\n", data=None)  # only "\r\n": counted by blocks
def test_every_position_is_the_naive_count_counted_listed_or_by_blocks(text, data):
    offsets = (
        data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=20))
        if data is not None
        else list(range(len(text) + 1))
    )
    counted, listed, blocked = LineIndex(text), LineIndex.listed(text), SmallBlocks(text)
    for offset in offsets:  # past the first few, the counted index lists its line starts too
        expected = naive(text, offset)
        if offset and text.startswith("\r\n", offset - 1):  # inside a "\r\n": on the line it ends
            line, column = naive(text, offset - 1)
            expected = line, column + 1
        assert counted.position(offset) == expected
        assert listed.position(offset) == expected
        assert blocked.position(offset) == expected


def test_a_crlf_between_two_offsets_is_one_break_and_a_form_feed_none():
    index = LineIndex("one\r\ntwo\fthree")
    assert index.position(5) == (2, 1)  # "t" of two
    assert index.position(9) == (2, 5)  # "t" of three: the form feed is a character


def test_a_listed_index_does_not_hold_its_text():
    assert LineIndex.listed("a\nb")._text == ""


def test_a_text_past_the_split_limit_gives_the_same_positions_one_line_at_a_time():
    """A letter's line starts come from splitting it; a longer text's (a 50 MB file's) from
    its line breaks one at a time, so that it is not held twice: the positions are the same."""
    from lgo_audit.span import SPLIT_MAX

    line = "Dear Sir\r\n"
    text = line * (SPLIT_MAX // len(line) + 2)
    assert len(text) > SPLIT_MAX
    index, counted = LineIndex.listed(text), LineIndex(text)
    for offset in (0, 8, 10, len(text) - 2, len(text)) * 2:  # (none inside a "\r\n")
        assert index.position(offset) == naive(text, offset)
        assert counted.position(offset) == naive(text, offset)
    assert counted._blocks is not None  # (past its first few positions)
    assert index.position(SPLIT_MAX) == LineIndex.listed(text[: SPLIT_MAX + 5]).position(SPLIT_MAX)


def test_a_long_text_of_one_kind_of_line_break_is_counted_by_blocks_not_listed():
    """A 50 MB file's positions are counted from the start of their block of the text, not
    looked up among its listed line starts (800,000 of them, 6 MB); a text with a lone "\\r"
    among its "\\r\\n" is listed, as a short one is."""
    for line, blocked in (("Dear Sir\n", True), ("Dear Sir\r\n", True), ("Sir\r\rDear\r\n", False)):
        text = line * (SmallBlocks._BLOCK * 5)
        index = SmallBlocks(text)
        for offset in range(len(text) + 1):
            if not text.startswith("\r\n", offset - 1) or not offset:
                assert index.position(offset) == naive(text, offset)
        assert (index._blocks is not None, index._starts is None) == (blocked, blocked)
