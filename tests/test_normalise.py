"""Normalising extracted letter text, and mapping every normalised fact back to the file."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgo_audit import normalise as normalise_module
from lgo_audit.normalise import Link, NormalisedText, Position, normalise
from lgo_audit.reader import decode, read_source
from tests.paths import STEVENAGE, STOCKPORT

Where = tuple[tuple[int, int], tuple[int, int]]


def where(norm: NormalisedText, fact: str, occurrence: int = 0) -> Where:
    """Original (line, column) start and exclusive end of ``fact`` in the normalised text."""
    starts = [m.start() for m in re.finditer(re.escape(fact), norm.text)]
    start = starts[occurrence]
    first, last = norm.span(start, start + len(fact))
    return (first.line, first.column), (last.line, last.column)


def text_of(original: str) -> str:
    return normalise(original).text


# --- 1. line breaks ------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n", "\f", "\v", "\x85", "\u2028", "\u2029"])
def test_each_line_break_becomes_a_newline(newline: str) -> None:
    assert text_of(f"one{newline}two") == "one\ntwo"


def test_crlf_counts_as_one_line_in_positions() -> None:
    norm = normalise("x\r\n**67%** in")
    assert norm.text == "x\n67% in"
    assert where(norm, "67%") == ((2, 3), (2, 6))


def test_lone_cr_and_lf_each_end_a_line_in_positions() -> None:
    norm = normalise("a\rb\nc\r\n\rd")
    assert norm.text == "a\nb\nc\n\nd"
    assert where(norm, "b") == ((2, 1), (2, 2))
    assert where(norm, "c") == ((3, 1), (3, 2))
    assert where(norm, "d") == ((5, 1), (5, 2))


def test_cr_before_crlf_is_two_line_breaks() -> None:
    norm = normalise("a\r\r\nb")
    assert norm.text == "a\n\nb"
    assert where(norm, "b") == ((3, 1), (3, 2))


def test_form_feed_is_a_page_break_but_not_a_line_in_positions() -> None:
    norm = normalise("page one\fpage two")
    assert norm.text == "page one\npage two"
    assert where(norm, "two") == ((1, 15), (1, 18))


def test_unicode_line_separator_is_not_a_line_in_positions() -> None:
    norm = normalise("a\u2028b")
    assert norm.text == "a\nb"
    assert where(norm, "b") == ((1, 3), (1, 4))


def test_the_newline_maps_to_the_whole_crlf() -> None:
    norm = normalise("a\r\nb")
    assert (norm.original_offset(1), norm.original_end(2)) == (1, 3)


# --- 2. markup -----------------------------------------------------------------------------


def test_bold_markers_are_removed() -> None:
    norm = normalise("an average of **67%** in similar")
    assert norm.text == "an average of 67% in similar"
    assert where(norm, "67%") == ((1, 17), (1, 20))
    assert where(norm, "in") == ((1, 23), (1, 25))


def test_underscore_markers_are_removed() -> None:
    norm = normalise("__upheld__ decisions")
    assert norm.text == "upheld decisions"
    assert where(norm, "upheld") == ((1, 3), (1, 9))


def test_an_odd_run_of_markers_keeps_its_last_character() -> None:
    assert text_of("***x*** a*b") == "*x* a*b"


@pytest.mark.parametrize(
    "tag", ["u", "b", "i", "em", "strong", "U", "Strong", "span", 'span class="c1"']
)
def test_inline_html_tags_are_removed_in_any_case(tag: str) -> None:
    closing = tag.split()[0]
    norm = normalise(f"visit our <{tag}>website</{closing}>.")
    assert norm.text == "visit our website."
    assert where(norm, "website") == ((1, 13 + len(tag)), (1, 20 + len(tag)))


def test_a_word_after_a_removed_tag_maps_past_the_tag() -> None:
    norm = normalise("our <u>website</u> today")
    assert norm.text == "our website today"
    assert where(norm, "today") == ((1, 20), (1, 25))


def test_other_tags_are_left_alone() -> None:
    assert text_of("a <img src=x> b <p>") == "a <img src=x> b <p>"


@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
def test_br_becomes_a_newline(br: str) -> None:
    norm = normalise(f"Yours sincerely, {br} Michael King")
    assert norm.text == "Yours sincerely,\nMichael King"
    assert where(norm, "Michael") == ((1, 19 + len(br)), (1, 26 + len(br)))


@pytest.mark.parametrize(
    ("entity", "char"),
    [
        ("&amp;", "&"),
        ("&quot;", '"'),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#163;", "\u00a3"),
        ("&#xA3;", "\u00a3"),
    ],
)
def test_entities_are_decoded(entity: str, char: str) -> None:
    norm = normalise(f"Social Care {entity} Health")
    assert norm.text == f"Social Care {char} Health"
    assert where(norm, char) == ((1, 13), (1, 13 + len(entity)))
    assert where(norm, "Health") == ((1, 14 + len(entity)), (1, 20 + len(entity)))


def test_nbsp_entity_is_a_space() -> None:
    assert text_of("67%&nbsp;&nbsp;in") == "67% in"


def test_decoded_characters_are_normalised_too() -> None:
    assert text_of("Council&#8217;s &#8230; &#8203;x &#10;y") == "Council's ... x\ny"


def test_numeric_entity_that_is_not_a_character_is_kept() -> None:
    assert text_of("&#xD800; &#1114112;") == "&#xD800; &#1114112;"


def test_unknown_entities_are_kept() -> None:
    assert text_of("&copy; &ampx;") == "&copy; &ampx;"


def test_markdown_link_keeps_its_text_and_records_the_link() -> None:
    norm = normalise("map, [Your council's performance](#), along")
    assert norm.text == "map, Your council's performance, along"
    assert norm.links == (Link("Your council's performance", "#", 5, 31),)
    assert where(norm, "Your council's performance") == ((1, 7), (1, 33))
    assert where(norm, "along") == ((1, 39), (1, 44))


def test_link_target_is_kept_verbatim_and_may_be_empty() -> None:
    norm = normalise("[a](https://www.lgo.org.uk/your-councils-performance?x=1) [b]()")
    assert [(link.text, link.target) for link in norm.links] == [
        ("a", "https://www.lgo.org.uk/your-councils-performance?x=1"),
        ("b", ""),
    ]


def test_link_text_is_normalised_and_trimmed() -> None:
    norm = normalise("see [ **our**\u00a0 website ](#).")
    assert norm.text == "see our website ."
    (link,) = norm.links
    assert (link.text, link.start, link.end) == ("our website", 4, 15)
    assert norm.text[link.start : link.end] == link.text


def test_brackets_that_are_not_a_link_are_left_alone() -> None:
    norm = normalise("[sic] and [a] (b) and [c](d e)")
    assert norm.text == "[sic] and [a] (b) and [c](d e)"
    assert norm.links == ()


# Reference links: "[text][label]", "[text][]" and "[text]" with "[label]: target" on a line
# of its own, as pandoc's --reference-links and html2text write them.


def test_a_reference_link_is_read_as_the_inline_link_it_stands_for() -> None:
    norm = normalise("See [Your council's performance][1] and [website][].\n\n[1]: #\n")
    assert norm.text == "See Your council's performance and [website][].\n\n\n"
    assert [(link.text, link.target) for link in norm.links] == [
        ("Your council's performance", "#"),
    ]  # ("website" defines no label: no link)
    assert where(norm, "Your council's performance") == ((1, 6), (1, 32))


def test_each_form_of_reference_finds_its_definition_whatever_its_case_and_spacing() -> None:
    norm = normalise(
        "[full][Map  Page], [collapsed][] and [shortcut].\n"
        '[map page]: <#> "The map"\n[COLLAPSED]: https://x.org\n[Shortcut]: #\n'
    )
    assert norm.text == "full, collapsed and shortcut.\n\n\n\n"  # (definitions: blank lines)
    assert [(link.text, link.target) for link in norm.links] == [
        ("full", "#"),
        ("collapsed", "https://x.org"),
        ("shortcut", "#"),
    ]


def test_the_first_definition_of_a_label_is_the_one_kept() -> None:
    norm = normalise("[a]: #\n[A]: https://second.org\nSee [**bold** text][a].")
    assert norm.text == "\n\nSee bold text."
    assert [(link.text, link.target) for link in norm.links] == [("bold text", "#")]


def test_references_to_labels_not_defined_and_definitions_within_a_line_stay_as_written() -> None:
    norm = normalise("An [undefined][nope] ref, [plain] text and [x]: y.\n\n[def]: #\n")
    assert norm.text == "An [undefined][nope] ref, [plain] text and [x]: y.\n\n\n"
    assert norm.links == ()


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028"])
def test_a_definition_stands_on_a_line_whatever_ends_it(line_break) -> None:
    original = f"[x]: #{line_break}See [website][x].{line_break}{line_break}[y]: <#>{line_break}[y]"
    norm = normalise(original)
    assert [(link.text, link.target) for link in norm.links] == [("website", "#"), ("y", "#")]
    assert "]:" not in norm.text


def test_a_text_without_definitions_reads_reference_forms_as_text() -> None:
    norm = normalise("[sic][1] and [a]\n")
    assert (norm.text, norm.links) == ("[sic][1] and [a]\n", ())


def test_a_reference_link_points_at_its_text_across_crlf_lines() -> None:
    original = "[1]: #\r\nSee [Your **council's** performance][1]\r\nand [website][].\r\n"
    norm = normalise(original + "\r\n[website]: <https://x.org>\r\n")
    for link in norm.links:
        start, end = norm.original_offset(link.start), norm.original_end(link.end)
        assert normalise(original[start:end]).text == link.text
    assert where(norm, "website") == ((3, 6), (3, 13))


def test_markdown_image_is_removed() -> None:
    norm = normalise("![Ombudsman logo](media/image1.png)\nDear Ms Smith")
    assert norm.text == "\nDear Ms Smith"
    assert norm.links == ()


@pytest.mark.parametrize("marker", ["#", "##", "###", "######"])
def test_heading_markers_are_removed(marker: str) -> None:
    norm = normalise(f"x\n{marker} Complaint statistics")
    assert norm.text == "x\nComplaint statistics"
    assert where(norm, "Complaint") == ((2, len(marker) + 2), (2, len(marker) + 11))


def test_hashes_that_are_not_headings_are_kept() -> None:
    assert text_of("####### seven\n#tag\nitem #1") == "####### seven\n#tag\nitem #1"


@pytest.mark.parametrize("char", ["*", "_", "[", "]", "#", "\\", "<", "&"])
def test_backslash_escapes_become_the_character(char: str) -> None:
    norm = normalise(f"a \\{char}b")
    assert norm.text == f"a {char}b"
    assert where(norm, char) == ((1, 4), (1, 5))


def test_escaped_markup_is_taken_literally() -> None:
    assert text_of("\\*\\*67%\\*\\* \\[x\\](#)\n\\# not a heading") == (
        "**67%** [x](#)\n# not a heading"
    )


def test_a_backslash_before_a_letter_stays() -> None:
    assert text_of("C:\\Users\\x") == "C:\\Users\\x"


# --- 3. bullets ----------------------------------------------------------------------------


@pytest.mark.parametrize("bullet", ["-", "*", "\u2022", "\u00b7", "\u2013"])
def test_leading_bullets_are_removed(bullet: str) -> None:
    norm = normalise(f"Rates\n  {bullet} Failure to comply is rare.")
    assert norm.text == "Rates\nFailure to comply is rare."
    assert where(norm, "Failure") == ((2, 5), (2, 12))


def test_a_bullet_on_the_first_line_is_removed() -> None:
    norm = normalise("- Failure")
    assert norm.text == "Failure"
    assert where(norm, "Failure") == ((1, 3), (1, 10))


def test_dashes_that_are_not_bullets_are_kept() -> None:
    assert text_of("-5%\nupheld - we uphold\n\u2014 quoted") == "-5%\nupheld - we uphold\n- quoted"


# --- 4. characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "space", ["\u00a0", "\t", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u3000"]
)
def test_unicode_spaces_and_tabs_become_spaces(space: str) -> None:
    norm = normalise(f"a{space}word")
    assert norm.text == "a word"
    assert where(norm, "word") == ((1, 3), (1, 7))


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_are_removed(char: str) -> None:
    norm = normalise(f"in{char}vestigations upheld")
    assert norm.text == "investigations upheld"
    assert where(norm, "investigations") == ((1, 1), (1, 16))
    assert where(norm, "upheld") == ((1, 17), (1, 23))


@pytest.mark.parametrize(
    ("char", "ascii"),
    [
        *((c, "'") for c in "\u2018\u2019\u201a\u201b\u2032"),
        *((c, '"') for c in "\u201c\u201d\u201e\u201f\u2033"),
        *((c, "-") for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
    ],
)
def test_quotes_and_dashes_become_ascii(char: str, ascii: str) -> None:
    norm = normalise(f"Council{char}s 2019{char}20")
    assert norm.text == f"Council{ascii}s 2019{ascii}20"
    assert where(norm, "20", 1) == ((1, 16), (1, 18))


def test_ellipsis_becomes_three_dots_mapped_to_the_one_character() -> None:
    norm = normalise("and\u2026 more")
    assert norm.text == "and... more"
    assert where(norm, "...") == ((1, 4), (1, 5))
    assert where(norm, "more") == ((1, 6), (1, 10))


@pytest.mark.parametrize(
    ("ligature", "letters"),
    [("\ufb00", "ff"), ("\ufb01", "fi"), ("\ufb02", "fl"), ("\ufb03", "ffi"), ("\ufb04", "ffl")],
)
def test_ligatures_are_spelled_out(ligature: str, letters: str) -> None:
    norm = normalise(f"o{ligature}ce staff")
    assert norm.text == f"o{letters}ce staff"
    assert where(norm, "staff") == ((1, 6), (1, 11))


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0e", "\x1b", "\x1f", "\x7f", "\x9f"])
def test_control_characters_are_removed(char: str) -> None:
    norm = normalise(f"up{char}held x")
    assert norm.text == "upheld x"
    assert where(norm, "x") == ((1, 9), (1, 10))


def test_a_word_after_a_bom_stripped_by_the_reader() -> None:
    source = decode(b"\xef\xbb\xbfDear Ms Smith\r\n", "a.txt")
    norm = normalise(source.text)
    assert norm.text == "Dear Ms Smith\n"
    assert where(norm, "Smith") == ((1, 9), (1, 14))


def test_a_bom_left_in_the_text_is_removed() -> None:
    norm = normalise("\ufeff- Dear Ms Smith")
    assert norm.text == "Dear Ms Smith"
    assert where(norm, "Dear") == ((1, 4), (1, 8))


# --- 5. spaces -----------------------------------------------------------------------------


def test_runs_of_spaces_collapse_to_one() -> None:
    norm = normalise("67%   in \u00a0 \t similar")
    assert norm.text == "67% in similar"
    assert where(norm, "similar") == ((1, 14), (1, 21))


def test_spaces_at_line_ends_are_removed_and_space_only_lines_become_empty() -> None:
    assert text_of("  Dear Ms Smith  \n \n\u00a0\t\nYours  ") == "Dear Ms Smith\n\n\nYours"


def test_spaces_left_next_to_removed_markup_collapse() -> None:
    assert text_of("a <u> </u> b\n** x **\n<u> </u>\n[ ](#) y") == "a b\nx\n\ny"


def test_blank_lines_are_kept_and_wrapped_lines_are_not_joined() -> None:
    original = "open approach to\n\nresolving complaints.\nNext line"
    assert text_of(original) == original


def test_empty_and_blank_texts() -> None:
    assert text_of("") == ""
    assert text_of(" \t\u00a0") == ""
    assert text_of("**") == ""


# --- the map -------------------------------------------------------------------------------


def test_offsets_at_the_ends_of_the_text() -> None:
    norm = normalise("**a**")
    assert (norm.original_offset(0), norm.original_offset(1)) == (2, 5)
    assert (norm.original_end(0), norm.original_end(1)) == (2, 3)
    empty = normalise(" ")
    assert empty.original_offset(0) == 1
    assert empty.span(0, 0) == (Position(1, 2), Position(1, 2))


def test_an_empty_span_is_one_position() -> None:
    norm = normalise("a\nb")
    assert norm.span(2, 2) == (Position(2, 1), Position(2, 1))


def test_a_span_over_several_lines() -> None:
    norm = normalise("one  two\r\n\r\n   three")
    assert norm.text == "one two\n\nthree"
    assert norm.span(4, len(norm.text)) == (Position(1, 6), Position(3, 9))


markup = st.lists(
    st.text(alphabet="ab *_<u>[]()&amp;\r\n\t\u00a0\u2019\u2026", max_size=20), max_size=6
).map("\r\n".join)  # (most files with a "\r" end their lines with "\r\n")


@settings(max_examples=300, deadline=None)
@given(original=markup, data=st.data(), listed=st.booleans())
def test_original_bounds_are_the_offset_of_the_start_and_the_end_of_the_end(original, data, listed):
    """Read from the map's segments as lists (a letter's) or as arrays (a text of more than
    _LISTED_MAX segments: here every text, with the limit at none)."""
    norm = normalise(original)
    if not listed:
        norm._listed = None
        limit, normalise_module._LISTED_MAX = normalise_module._LISTED_MAX, 0
    try:
        start = data.draw(st.integers(0, len(norm.text)))
        end = data.draw(st.integers(start, len(norm.text)))
        bounds = norm.original_bounds(start, end)
    finally:
        if not listed:
            normalise_module._LISTED_MAX = limit
    assert bounds == (norm.original_offset(start), norm.original_end(end))
    assert (norm._listed is None) is (not listed or not norm._ns or not start < end)


def test_offsets_outside_the_text_are_refused() -> None:
    norm = normalise("abc")
    with pytest.raises(IndexError):
        norm.original_offset(4)
    with pytest.raises(IndexError):
        norm.original_end(-1)
    with pytest.raises(IndexError):
        norm.span(2, 1)
    with pytest.raises(IndexError):
        norm.position(4)


def test_position_counts_characters_not_bytes_and_a_tab_is_one() -> None:
    norm = normalise("\u00e9\t\u2019x")
    assert norm.text == "\u00e9 'x"
    assert where(norm, "x") == ((1, 4), (1, 5))


# --- the seed letters ----------------------------------------------------------------------


def test_stockport_seed_normalises_its_markdown() -> None:
    source = read_source(STOCKPORT)
    norm = normalise(source.text)
    assert "This compares to an average of 67% in similar authorities." in norm.text
    assert "our interactive map, Your council's performance, along with" in norm.text
    assert "\nFailure to comply with our recommendations is rare." in norm.text
    assert "approach to\n\nresolving complaints" in norm.text
    assert "*" not in norm.text


def test_stockport_seed_has_three_links_to_hash() -> None:
    norm = normalise(read_source(STOCKPORT).text)
    assert [(link.text, link.target) for link in norm.links] == [
        ("Your council's performance", "#"),
        ("website", "#"),
        ("Your council's performance", "#"),
    ]
    for link in norm.links:
        assert norm.text[link.start : link.end] == link.text


def test_stockport_seed_facts_map_back_to_the_file() -> None:
    source = read_source(STOCKPORT)
    norm = normalise(source.text)
    lines = source.text.split("\n")
    line = next(i for i, text in enumerate(lines) if "average of **67%**" in text)
    column = lines[line].index("**67%**") + 3
    assert where(norm, "67%") == ((line + 1, column), (line + 1, column + 3))
    start = norm.text.index("website")
    first, last = norm.span(start, start + len("website"))
    assert lines[first.line - 1][first.column - 1 : last.column - 1] == "website"


def test_stevenage_seed_normalises_its_html() -> None:
    norm = normalise(read_source(STEVENAGE).text)
    assert "This compares to an average of 45% in similar authorities." in norm.text
    assert "our interactive map, Your council's performance, along with" in norm.text
    assert "please visit our website." in norm.text
    assert "<u>" not in norm.text
    assert norm.links == ()


@pytest.mark.parametrize("seed", [STOCKPORT, STEVENAGE], ids=["stockport", "stevenage"])
def test_seed_output_is_clean(seed: Path) -> None:
    norm = normalise(read_source(seed).text)
    assert_clean(norm.text)
    assert normalise(norm.text).text == norm.text


@pytest.mark.parametrize("seed", [STOCKPORT, STEVENAGE], ids=["stockport", "stevenage"])
def test_seed_with_crlf_and_nbsp_normalises_the_same(seed: Path) -> None:
    text = read_source(seed).text
    noisy = text.replace("\n", "\r\n").replace(" of ", " of\u00a0").replace("'", "\u2019")
    assert normalise(noisy).text == normalise(text).text


@pytest.mark.parametrize("seed", [STOCKPORT, STEVENAGE], ids=["stockport", "stevenage"])
def test_seed_with_a_rare_character_normalises_the_same(seed: Path) -> None:
    text = read_source(seed).text
    assert normalise(text + "\u200b").text == normalise(text).text


# --- a long text: its output joined a piece at a time ----------------------------------------


@pytest.mark.parametrize("seed", [STOCKPORT, STEVENAGE], ids=["stockport", "stevenage"])
@pytest.mark.parametrize(("newline", "space"), [("\n", " "), ("\r\n", " "), ("\n", "\t\u00a0")])
def test_a_long_text_normalises_as_each_of_its_copies_does(
    seed: Path, newline: str, space: str
) -> None:
    """A file of one letter many times over normalises to that letter's normal form as many
    times, every word of it mapped back to its own copy: the normaliser joins a long text's
    output in pieces (every few thousand), and reads a long text's tabs and NBSPs as tokens
    (a letter's become spaces first), and neither changes anything."""
    letter = read_source(seed).text.rstrip("\n").replace("\n", newline) + newline
    letter = letter.replace(" of ", f" of{space}")
    # (each seed's output is a few hundred pieces: many joins; and past the length whose
    # tabs and NBSPs are read as tokens)
    copies = max(120, normalise_module._LONG // len(letter) + 1)
    one = normalise(letter)
    many = normalise(letter * copies)
    assert many.text == one.text * copies
    assert len(many.links) == len(one.links) * copies
    lines = (letter * copies).split(newline)
    for number, word in ((1, "Ombudsman"), (copies // 2, "complaints"), (copies, "website")):
        at = one.text.index(word) + len(one.text) * (number - 1)
        first, last = many.span(at, at + len(word))
        assert first.line == last.line
        assert lines[first.line - 1][first.column - 1 : last.column - 1] == word
        assert first.line > (number - 1) * letter.count(newline)


def test_a_trailing_space_is_taken_back_wherever_the_output_is_joined() -> None:
    """Each line's trailing space is taken back by the line break after it, in the first
    line and the ten-thousandth alike (the output is joined in pieces, never after a space
    a line break may still take back)."""
    text = "**a** \n" * 10_000 + "**b** "
    norm = normalise(text)
    assert norm.text == "a\n" * 10_000 + "b"
    end, b = len(norm.text), text.rindex("b")
    assert norm.original_bounds(end - 1, end) == (b, b + 1)
    assert norm.original_bounds(end - 3, end - 2) == (b - 7, b - 6)  # the last "a"
    # lines of a million characters each, each joined as it ends, with a space and a tab
    # after it that the line break takes back (a long text's tabs are tokens)
    line = "x" * normalise_module._LONG
    text = (line + " \t\n") * 3
    norm = normalise(text)
    assert norm.text == (line + "\n") * 3
    assert norm.original_bounds(len(norm.text) - 2, len(norm.text)) == (len(text) - 4, len(text))


def test_normalised_text_survives_pickling() -> None:
    norm = normalise("a\r\n**b** [c](#)")
    copy = pickle.loads(pickle.dumps(norm))
    assert (copy.text, copy.original, copy.links) == (norm.text, norm.original, norm.links)
    assert copy.span(0, len(copy.text)) == norm.span(0, len(norm.text))


# --- properties ----------------------------------------------------------------------------


def assert_clean(text: str) -> None:
    for bad in ("\r", "\t", "\u00a0", "  "):
        assert bad not in text
    for line in text.split("\n"):
        assert line == line.strip(" ")


WORDS = st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)
NOISE = st.sampled_from(
    [
        " ",
        "  ",
        "\u00a0",
        " \u00a0 ",
        "\t",
        "**",
        "<u>",
        "</u>",
        "<br>",
        "&nbsp;",
        "\r\n",
        "\n",
        "\r",
        "\f",
        "\n   \n",
        " \r\n",
        "\u200b",
        "\u00ad",
        "\u2019",
        "\u201c",
        "\u201d",
    ]
)
LINKS = st.builds(
    lambda words, target: f"[{' '.join(words)}]({target})",
    st.lists(WORDS, max_size=3),
    st.sampled_from(["#", "", "https://www.lgo.org.uk/x"]),
)
NOISY_TEXT = st.lists(st.one_of(WORDS, NOISE, LINKS), max_size=40).map("".join)
# What markup the generator uses, stripped independently of normalise().
MARKUP = re.compile(r"\*\*|</?u>|[\u200b\u00ad]|\[|\]\([^()]*\)")


@given(NOISY_TEXT)
def test_output_never_has_cr_tab_nbsp_or_double_spaces(original: str) -> None:
    assert_clean(normalise(original).text)


@given(NOISY_TEXT)
def test_every_word_maps_back_to_exactly_that_word(original: str) -> None:
    norm = normalise(original)
    for word in re.finditer(r"[A-Za-z]+", norm.text):
        start = norm.original_offset(word.start())
        end = norm.original_end(word.end())
        assert MARKUP.sub("", original[start:end]) == word.group()
        first, last = norm.span(word.start(), word.end())
        assert (first, last) == (naive_position(original, start), naive_position(original, end))


@pytest.mark.parametrize(
    ("text", "rare"),
    [
        ("Dear Sir", False),
        ("of\u00a0complaints, \u00a3 \u00e9", False),  # Latin-1: checked as bytes
        ("council\u2019s", False),  # past U+00FF: checked by the class
        ("a\x85b", True),  # a next-line (NEL): a rare line break below U+0100
        ("soft\u00adhyphen", True),
        ("\x07bell", True),
        ("zero\u200bwidth", True),
        ("\u2019zero\u200bwidth", True),
    ],
)
def test_a_text_says_if_it_holds_a_rare_character(text: str, rare: bool) -> None:
    assert normalise_module._has_rare(text) is rare


@given(st.text(max_size=60))
def test_a_rare_character_is_found_as_the_class_finds_it(text: str) -> None:
    assert normalise_module._has_rare(text) is (normalise_module._HAS_RARE.search(text) is not None)


@given(st.text(st.characters(max_codepoint=0xFF), max_size=60) | NOISY_TEXT)
def test_a_latin_1_text_is_read_by_the_shorter_pattern_as_by_the_whole(text: str) -> None:
    """The tokens of a text all of whose characters are Latin-1 (up to U+00FF), as the
    pattern without the alternatives past U+00FF finds them and as the whole one does."""
    if max(text, default="\0") > "\u00ff":
        text = text.encode("latin-1", "replace").decode("latin-1")

    def tokens(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
        return [(m.span(), m.groups()) for m in pattern.finditer(text)]

    assert tokens(normalise_module._TOKEN_LATIN_1) == tokens(normalise_module._TOKEN_COMMON)
    rare, latin_1 = normalise_module._characters(text)
    assert latin_1 is not rare  # (a text with a rare character is read by the full pattern)


@pytest.mark.parametrize(
    ("text", "latin_1"),
    [("Dear Sir", True), ("of\u00a0complaints, \u00a3", True), ("council\u2019s", False)],
)
def test_a_text_says_if_its_characters_are_all_latin_1(text: str, latin_1: bool) -> None:
    assert normalise_module._characters(text) == (False, latin_1)


def segments(norm: NormalisedText) -> list[list[int]]:
    """The normal form's map: where each segment starts, where it is from, and how long."""
    return [list(norm._ns), list(norm._os), list(norm._ol)]


SPACED = st.lists(
    st.one_of(
        WORDS,
        NOISE,
        LINKS,
        st.sampled_from(["\t", "\u00a0", "\t \u00a0", "**", "[a]: #\n", "[t](<a\tb>)"]),
    ),
    max_size=40,
).map("".join)


@given(SPACED)
def test_tabs_and_nbsps_read_as_tokens_normalise_as_when_replaced(original: str) -> None:
    """A long text's tabs and NBSPs are space tokens of the scan (so that it is not copied
    once more); any other text's are spaces before it: the output, the map and the links
    are the same either way (here, on short texts)."""
    text = original.replace("\r", "")  # (no "\r\n": normalise reads those before the scan)
    replaced = normalise(text)
    as_tokens = normalise_module._Normaliser(text, spaces=True).run(text, None)
    assert as_tokens.text == replaced.text
    assert as_tokens.links == replaced.links
    assert segments(as_tokens) == segments(replaced)


@given(NOISY_TEXT)
def test_normalise_is_idempotent(original: str) -> None:
    once = normalise(original).text
    assert normalise(once).text == once


@given(NOISY_TEXT)
def test_links_point_at_their_text(original: str) -> None:
    norm = normalise(original)
    assert len(norm.links) == original.count("](")
    for link in norm.links:
        assert norm.text[link.start : link.end] == link.text


HOSTILE = st.lists(
    st.sampled_from(
        [
            *"ab *_#-[]()<>&;!\\/\r\n\t\f\x00\x85\u00a0\u00ad\u200b\u2013\u2026\ufb01\u2028",
            *("<u>", "</span>", "<br>", "&amp;", "&#65;", "**", "](#)", "\r\n", "\n- ", "\n# "),
        ]
    ),
    max_size=60,
).map("".join)


@given(HOSTILE)
@settings(max_examples=300)
def test_the_map_is_monotonic_and_letters_map_to_themselves(original: str) -> None:
    norm = normalise(original)
    assert_clean(norm.text)
    previous = 0
    for i, char in enumerate(norm.text):
        start, end = norm.original_offset(i), norm.original_end(i + 1)
        assert previous <= start < end <= len(original)
        previous = start
        if char in "ab":
            assert original[start:end] == char
        elif char == "A":
            assert original[start:end] == "&#65;"


def naive_position(text: str, offset: int) -> Position:
    """Line/column by counting the line breaks that end at or before ``offset``."""
    ends = [m.end() for m in re.finditer(r"\r\n|\r|\n", text) if m.end() <= offset]
    return Position(len(ends) + 1, offset - (ends[-1] if ends else 0) + 1)


@given(st.text(st.sampled_from("ab\r\n\f"), max_size=30), st.data())
def test_position_agrees_with_splitting_on_line_breaks(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert normalise(text).position(offset) == naive_position(text, offset)


# --- speed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    ["*", "[", "<u>", "\u00a0 ", "[a](", "<span a a a", "x\u00ad", "\r\n", "**a"],
)
def test_an_adversarial_megabyte_is_normalised_and_mapped(unit: str) -> None:
    # Speed is measured by benchmarks/bench.py; here only that it completes and maps back.
    text = unit * (1_000_000 // len(unit))
    norm = normalise(text)
    start, end = norm.span(0, len(norm.text))
    assert start.line >= 1 and end.line >= start.line


@pytest.mark.parametrize(
    "text",
    [
        "a\tb",
        "a\u00a0b c",
        "\u00a0a\tb\u00a0",
        "a\u00a0\nb",
        "a \u00a0b",
        "a\u00a0 b",
        "a\t\tb",
        "**\u00a0b",
        "[x\u00a0y](t)\tz",
        "a\u00a0\n\tb",
    ],
)
def test_a_tab_or_nbsp_maps_like_the_space_it_becomes(text: str) -> None:
    """Each character of the result points at the same original characters whether a lone tab
    or NBSP is read as the space it becomes or as a token of its own."""
    result = normalise(text)
    token = normalise(text.replace("\t", "\u2002").replace("\u00a0", "\u2002"))  # always one
    assert result.text == token.text
    for i in range(len(result.text)):
        assert result.span(i, i + 1) == token.span(i, i + 1)


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(["a", "b", " ", "\t", "\u00a0", "\n", "\r\n", "- ", "**", "[x](y)", "."]),
        max_size=30,
    ).map("".join)
)
def test_every_tab_and_nbsp_maps_as_a_space_token_would(text: str) -> None:
    """Tabs and NBSPs are made spaces before the scan, alone or in runs: the text and every
    offset of the map are those of reading each as a space token (U+2002 always is one)."""
    result = normalise(text)
    token = normalise(text.replace("\t", "\u2002").replace("\u00a0", "\u2002"))
    assert result.text == token.text
    for i in range(len(result.text) + 1):
        assert result.original_offset(i) == token.original_offset(i)
        assert result.original_end(i) == token.original_end(i)


@pytest.mark.parametrize(
    ("markdown", "target"),
    [
        ("[website]( # )", "#"),
        ("[website](\t#)", "#"),
        ("[website](\u00a0#\u00a0)", "#"),
        ("[website](<#>)", "#"),
        ("[website]( )", ""),
        ("[website](<>)", ""),
        ("[website]( <https://example.org/a b> )", "https://example.org/a b"),
        ('[website](# "title")', "#"),
        ("[website](<#> 'title')", "#"),
        ("[website](https://example.org (title))", "https://example.org"),
    ],
)
def test_spaces_and_angle_brackets_around_a_link_target_are_not_part_of_it(markdown, target):
    """As CommonMark reads a link: "[text]( # )", "[text](<#>)" and '[text](# "title")' point
    to "#"."""
    result = normalise(f"See our {markdown} today.")
    assert result.text == "See our website today."
    assert [(link.text, link.target) for link in result.links] == [("website", target)]
