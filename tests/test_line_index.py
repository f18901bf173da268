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


@settings(max_examples=300, deadline=None)
@given(text=texts, data=st.data())
@example(text="a\nb\r\nc\rd", data=None)
@example(text="ab\n\nb a\n", data=None)  # no "\r": counted, then listed
def test_every_position_is_the_naive_count_counted_or_listed(text, data):
    offsets = (
        data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=20))
        if data is not None
        else list(range(len(text) + 1))
    )
    counted, listed = LineIndex(text), LineIndex.listed(text)
    for offset in offsets:  # past the first few, the counted index lists its line starts too
        expected = naive(text, offset)
        if offset and text.startswith("\r\n", offset - 1):  # inside a "\r\n": on the line it ends
            line, column = naive(text, offset - 1)
            expected = line, column + 1
        assert counted.position(offset) == expected
        assert listed.position(offset) == expected


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
    index = LineIndex.listed(text)
    for offset in (0, 8, 10, len(text) - 2, len(text)):  # (none inside a "\r\n")
        assert index.position(offset) == naive(text, offset)
    assert index.position(SPLIT_MAX) == LineIndex.listed(text[: SPLIT_MAX + 5]).position(SPLIT_MAX)
