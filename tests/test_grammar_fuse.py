"""Fusing a statement into one regular expression changes speed, never meaning."""

from __future__ import annotations

import random
import re
import warnings
from functools import cache
from pathlib import Path

import pyparsing as pp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgo_audit.grammar import PAGE_PROFILES, PROFILES, Recogniser, document_kind, recognise
from lgo_audit.grammar.fuse import fuse
from lgo_audit.grammar.profile_2020 import AUTHORITY_TYPES, authority_types
from lgo_audit.grammar.recognise import _Run
from lgo_audit.normalise import normalise
from lgo_audit.reader import decode
from tests.letters import random_letter_facts, random_style, render
from tests.paths import SEEDS, STATISTICS_PAGES

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
    year = pp.Regex(r"\d{4}")
    year.add_condition(lambda t: int(t[0]) >= 2020)
    grammar = pp.Regex("(?i)Annual Review letter") + year
    assert fuse(grammar) is grammar


def test_the_comparison_statement_is_fused():
    comparison = next(s for s in PROFILE.statements if s.name == "comparison")
    assert fuse(comparison.grammar) is not comparison.grammar


_SPELLINGS = {  # how a letter may write each type (and what is no type of the five)
    **{t: t for t in AUTHORITY_TYPES},
    "County  Councils": "County Councils",
    "Unitary\tCouncils": "Unitary Councils",
    "London\nBoroughs": "London Boroughs",
    "Parish Councils": None,
    "county councils": None,  # the types are written with capitals
}
_SEPARATORS = {
    ", ": True,
    ",": True,
    " , ": True,
    ", and ": True,
    " and ": True,
    ",\nand ": True,
    " or ": False,
    ", , ": False,
}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(_SPELLINGS)), min_size=1, max_size=8),
    st.lists(st.sampled_from(sorted(_SEPARATORS)), min_size=7, max_size=7),
    st.sampled_from([".", ". More.", ""]),
)
def test_the_authority_types_are_the_five_in_any_order(types, separators, end):
    """The list names each of the five types at least once, in any order (repeats allowed),
    with commas and "and" between them and a full stop after them."""
    text = "".join(t + s for t, s in zip(types[:-1], separators, strict=False)) + types[-1] + end
    used = separators[: len(types) - 1]
    named = {_SPELLINGS[t] for t in types}
    expected = (
        all(_SEPARATORS[s] for s in used)
        and None not in named
        and named == set(AUTHORITY_TYPES)
        and end.startswith(".")
    )
    try:
        found = authority_types.parse_string(text)[0]
    except pp.ParseException:
        found = None
    assert (found is not None) == expected, text
    if found is not None:
        assert found == text[: text.index(".") + 1]


@cache
def every_text() -> list[tuple[str, str]]:
    """The letters above, and the saved statistics pages, with years of every template."""
    found = texts()
    found += [
        (p.name, p.read_text(encoding="utf-8")) for p in sorted(STATISTICS_PAGES.glob("*.txt"))
    ]
    rng = random.Random(2025)
    for index in range(30):
        data = render(random_letter_facts(rng, (2021, 2022, 2023, 2024, 2025)), random_style(rng))
        found.append((f"later-{index}", decode(data, "g.txt").text))
    return found


EVERY_PROFILE = [*PROFILES.values(), *PAGE_PROFILES.values()]


@pytest.mark.parametrize("profile", EVERY_PROFILE, ids=lambda p: p.name)
def test_every_profile_reads_every_text_the_same_fused_or_not(profile):
    fused, plain = Recogniser(profile), Recogniser(profile, fused=False)
    for name, text in every_text():
        normalised = normalise(text).text
        assert summary(fused.chunks(normalised)) == summary(plain.chunks(normalised)), name


SIGN_OFF_PIECES = [
    "Yours sincerely",
    "Yours sincerely,",
    "Michael King",
    "Amerdeep Somal",
    "TBC",
    "[Name]",
    "Local Government and Social Care Ombudsman",
    "Local Government & Social Care Ombudsman",
    "Interim Local Government and Social Care Ombudsman",
    "Chair, Commission for Local Administration in England",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(SIGN_OFF_PIECES), min_size=1, max_size=6),
    breaks=st.lists(st.sampled_from(["\n", "\n\n", " ", "  \n"]), min_size=6, max_size=6),
)
def test_every_sign_off_reads_the_same_fused_or_not(pieces: list[str], breaks: list[str]):
    """The sign-off's alternatives (a signatory's name, or a line that is none over a title)
    fuse into one pattern that reads any arrangement of its lines as pyparsing does."""
    text = "".join(piece + gap for piece, gap in zip(pieces, breaks, strict=False))
    for profile in PROFILES.values():
        grammar = profile.statement("sign-off").grammar
        fused = fuse(grammar)
        assert fused is not grammar, profile.name

        def read(element, text=text):
            try:
                end, tokens = element._parse(text, 0)
            except pp.ParseBaseException:
                return None
            return end, [(t.name, t.value, t.start, t.end) for t in tokens if hasattr(t, "name")]

        assert read(fused) == read(grammar), (profile.name, text)


def test_chunks_one_at_a_time_are_the_chunks():
    page = STATISTICS_PAGES / "kent-county-council_2024-25_a.txt"
    text = normalise(page.read_text(encoding="utf-8")).text
    assert document_kind(text) == "page"
    recogniser = Recogniser(PAGE_PROFILES["2025"])
    chunks = recogniser.chunks(text)
    assert len(chunks) > 10
    assert list(recogniser.iter_chunks(text)) == chunks


@pytest.mark.parametrize(
    "line",
    [
        "For the period ending 31 March 2024, the figures were",
        "Information about the period. For the period ending 31 March 2024 we",
        "Information for the council, performed before the year.",
        "We explain the formula for\nthe period ending 31 March 2024",
        "Some text " * 19 + "for the period ending 31 March 2024",
        "Some text " * 21 + "for the period ending 31 March 2024",
        "Tr\u00e8s bien: for the period ending 31 March 2024",
        "_For the period ending",
    ],
)
def test_a_line_is_told_malformed_alike_with_or_without_the_scanning_shortcut(line: str) -> None:
    """A lead that seeks its word along the line (``For the period ending``) is tried only on
    lines that hold the word; the chunks are those of trying it on every line."""
    text = f"Dear Sir\n{line}\n"
    for name in PROFILES:
        quick = Recogniser(PROFILES[name])
        slow = Recogniser(PROFILES[name])
        slow._lead_words = ()
        slow._leads_unscanned = slow._leads
        assert quick.chunks(text) == slow.chunks(text)


def _word_starts_the_line_window(text: str, pos: int, window: int, word: str) -> bool:
    """The scanning shortcut's question asked the plain way: on the line at ``pos``, cut to
    ``window`` characters and the word's and one, does ``word`` start a word (after no
    letter, digit or ``_``) in any case, followed by a space or by the cut, or is there a
    character that is not ASCII?"""
    size = len(word)
    line = text[pos : pos + window + size + 1].split("\n", 1)[0]
    if not line.isascii():
        return True
    folded = line.lower()
    for at in range(len(folded) - size + 1):
        if folded[at : at + size] != word:
            continue
        before = folded[at - 1] if at else " "
        after = folded[at + size] if at + size < len(folded) else " "
        if not (before.isalnum() or before == "_") and after.isspace():
            return True
    return False


@cache
def _scanning(window: int) -> Recogniser:
    """A recogniser whose scanning lead looks for "for" within ``window`` characters."""
    recogniser = Recogniser(PROFILE)
    recogniser._word_checks = ((window + 4, recogniser._word_checks[0][1]),)
    return recogniser


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet="For fOR_rx1 \n\t.\u00e9\u212a", max_size=60),
    data=st.data(),
)
def test_the_scanning_shortcut_asks_of_each_line_what_the_plain_search_would(text, data):
    pos = data.draw(st.integers(0, len(text)))
    window = data.draw(st.sampled_from([0, 3, 10, 200]))
    shortcut = _scanning(window)._may_scan(text, pos)
    assert shortcut == _word_starts_the_line_window(text, pos, window, "for")


@pytest.mark.parametrize(
    ("text", "window", "found"),
    [
        ("the end for", 200, True),  # the word ends the text
        ("xx for the", 3, True),  # the word starts at the window's last place
        ("xx for the", 2, True),  # past it, but ends where the line is cut: tried
        ("xx for the", 1, False),  # the word is cut
        ("before the", 200, False),  # not a word's start
        ("x_for the", 200, False),
        ("FOR\nthe", 200, True),  # the line's end is a space's
        ("x\nfor the", 200, False),  # on the next line
    ],
)
def test_the_scanning_shortcut_at_the_ends_of_line_window_and_text(text, window, found):
    assert _word_starts_the_line_window(text, 0, window, "for") is found
    assert _scanning(window)._may_scan(text, 0) is found


_PROBE_PIECES = [
    "For the period ending 31 March 2024",
    "FOR THE PERIOD\nENDING",
    "for the period ending",
    "xyear ending",
    "the year ending 31 March 2023",
    "Year Ending",
    "upheld",
    "Dear Sir,",
    "\n",
    " ",
    ".",
    "10",
    "\u00e9",
    "In 100% of cases we were satisfied",
]


@cache
def _unfolded(profile: str) -> Recogniser:
    """A recogniser that searches for probes in the text as it is, ignoring case."""
    recogniser = Recogniser(PROFILES[profile])
    recogniser._any_probe_folded = None
    return recogniser


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PROBE_PIECES), max_size=30),
    profile=st.sampled_from(sorted(PROFILES)),
)
def test_probes_sought_in_lower_case_give_the_chunks_of_the_text_as_it_is(pieces, profile):
    text = " ".join(pieces)
    assert Recogniser(PROFILES[profile]).chunks(text) == _unfolded(profile).chunks(text)


def test_a_long_text_is_sought_for_probes_as_it_is_not_copied_in_lower_case():
    recogniser = Recogniser(PROFILE)
    short, long = "For the period ending", "x" * 1_000_001
    assert recogniser._probe_search(short)[1] == short.lower()
    assert recogniser._probe_search(long)[1] is long  # (a copy would double a 50 MB file)
    assert recogniser._probe_search("Caf\u00e9 for the period ending")[1].startswith("Caf\u00e9")


_LINE_PIECES = [
    "For the period ending 31 March 2024",
    "for",
    "For",
    "FOR",
    "xfor",
    "_for",
    "1for",
    "before",
    "form",
    "information",
    "Council",
    "Dear Sir,",
    "\n",
    "\n\n",
    ".",
    "x" * 150,
    "\u00e9",
    "In 100% of cases we were satisfied",
]


@cache
def _unfiltered(profile: str) -> Recogniser:
    """A recogniser that asks every line whether a scanning lead's word is on it."""
    recogniser = Recogniser(PROFILES[profile])
    recogniser._word_starts = None
    return recogniser


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_LINE_PIECES), max_size=40),
    joins=st.lists(st.sampled_from([" ", "", "\n"]), min_size=40, max_size=40),
    profile=st.sampled_from(sorted(PROFILES)),
)
def test_lines_passed_over_for_lack_of_a_scanned_word_give_the_chunks_of_asking_each_line(
    pieces, joins, profile
):
    text = "".join(piece + join for piece, join in zip(pieces, joins, strict=False))
    assert Recogniser(PROFILES[profile]).chunks(text) == _unfiltered(profile).chunks(text)


def test_the_lines_of_letters_are_passed_over_alike():
    for _, text in texts():
        text = normalise(text).text
        assert FUSED.chunks(text) == _unfiltered("2020").chunks(text)


@pytest.mark.parametrize("before", range(195, 204))
def test_a_scanned_word_at_the_far_end_of_its_window_is_still_asked_for(before: int) -> None:
    """The panel header's lead looks up to 200 characters along the line for "For the
    period ending": a line whose word starts just within (or just past) that reach is read
    as asking every line would read it."""
    text = "Dear Sir\n" + "x" * before + " for the period ending 31 March 2024\n"
    for name in PROFILES:
        assert Recogniser(PROFILES[name]).chunks(text) == _unfiltered(name).chunks(text)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_prepared_recogniser_builds_nothing_more_for_a_letter_and_reads_it_alike(profile):
    # A batch's parent prepares each recogniser before its workers start (they share what it
    # built): every key's candidates and every probed statement are steps already.
    text = normalise((ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8")).text
    prepared = Recogniser(PROFILES[profile])
    prepared.prepare()
    built = dict(prepared._steps)
    assert set(built) >= set(prepared._by_key)
    assert summary(prepared.chunks(text)) == summary(Recogniser(PROFILES[profile]).chunks(text))
    # (a word that starts no statement is remembered as having no steps: nothing to build)
    assert {key: steps for key, steps in prepared._steps.items() if steps} == {
        key: steps for key, steps in built.items() if steps
    }
    assert all(prepared._steps[key] is steps for key, steps in built.items())


# --- an ASCII text read by the patterns' ASCII twins ------------------------------------------


def _every_character_past_ascii() -> str:
    return "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)


def test_the_characters_past_ascii_that_match_an_ascii_one_case_ignored_are_the_four():
    """What an ASCII character of a pattern matches past ASCII, case ignored, and what
    matches an ASCII character of a text, tried for every character (a block at a time)."""
    past = _every_character_past_ascii()
    ascii_text = "".join(map(chr, range(0x80)))
    matched = {m.group() for a in range(0x80) for m in re.finditer(re.escape(chr(a)), past, re.I)}
    matching = set()
    for start in range(0, len(past), 4096):
        block = past[start : start + 4096]
        if re.search(f"[{re.escape(block)}]", ascii_text, re.I):
            matching |= {c for c in block if re.search(re.escape(c), ascii_text, re.I)}
    assert matched == matching == set(recognise._FOLDS_TO_ASCII)


@pytest.mark.parametrize(
    ("source", "alike"),
    [
        (r"[A-Za-z]+\s+of\b", True),
        ("(?i:dear)[\u00c0-\u00d6\u00d8-\u00de]", True),  # Latin-1 letters: none folds to ASCII
        (r"['\-\u0300-\u036f]", True),  # an escaped "-" is no range
        ("\u0131", False),  # dotless i matches i
        (r"\u212a", False),  # the Kelvin sign matches k
        (r"[!-\u0200]", False),  # a range over U+0130, U+0131 and U+017F
        ("[\u0100-\u0200]", False),
        (r"\x41\U0001f600", True),
        (r"\N{LATIN SMALL LETTER DOTLESS I}", False),  # named: not read
        (r"(a)\1", False),  # a group referred to: not read
        ("\\", True),
    ],
)
def test_a_pattern_reads_ascii_alike_unless_it_names_a_character_that_folds_to_it(source, alike):
    assert recognise._reads_ascii_alike(source) is alike


@pytest.mark.parametrize(
    ("text", "plain"),
    [("Dear Sir,\n10 upheld", True), ("", True), ("caf\u00e9", False), ("a\x1cb", False)],
)
def test_a_text_is_plain_ascii_when_ascii_without_the_four_separators(text, plain):
    assert recognise.plain_ascii(text) is plain


@pytest.mark.parametrize("profile", EVERY_PROFILE, ids=lambda p: p.name)
def test_every_pattern_of_a_recogniser_has_an_ascii_twin(profile):
    prepared = Recogniser(profile)
    prepared.prepare()
    runs = [s for steps in prepared._steps.values() for s in steps if isinstance(s, _Run)]
    assert runs
    assert all(run.match_ascii.__self__ is not run.match.__self__ for run in runs)
    assert prepared._leads_ascii is not prepared._leads
    assert prepared._next_start_ascii is not prepared._next_start


@pytest.mark.parametrize("profile", EVERY_PROFILE, ids=lambda p: p.name)
def test_every_profile_reads_an_ascii_text_by_the_twins_as_by_the_patterns(profile, monkeypatch):
    recogniser = Recogniser(profile)
    read = {}
    for name, text in every_text():
        normalised = normalise(text).text
        if recognise.plain_ascii(normalised):
            read[name] = summary(recogniser.chunks(normalised))
    assert len(read) > 10
    monkeypatch.setattr(recognise, "plain_ascii", lambda text: False)
    for name, text in every_text():
        if name in read:
            assert summary(recogniser.chunks(normalise(text).text)) == read[name], name


_FOLDING_PIECES = [
    *_PROBE_PIECES[:8],
    *SIGN_OFF_PIECES,
    "Dear Ms Smith-Jones,",
    "10 upheld decisions",
    "Statistics are based on a total of 8 detailed investigations",
    "KING",
    "kings",
    "SS",
    "\x1c",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_FOLDING_PIECES), max_size=25),
    joins=st.lists(st.sampled_from([" ", "", "\n", "\n\n"]), min_size=25, max_size=25),
    profile=st.sampled_from(sorted(PROFILES)),
)
def test_any_ascii_text_is_read_by_the_twins_as_by_the_patterns(pieces, joins, profile):
    text = "".join(piece + join for piece, join in zip(pieces, joins, strict=False))
    recogniser = Recogniser(PROFILES[profile])
    twins = recogniser.chunks(text)
    original = recognise.plain_ascii
    try:
        recognise.plain_ascii = lambda text: False  # (hypothesis: no monkeypatch fixture)
        assert recogniser.chunks(text) == twins
    finally:
        recognise.plain_ascii = original


_CLASS_PIECES = [
    "a", "k", "s", "i", "Z", "!", "~", "-", r"\-", r"\\", r"\x41", r"\x80", r"\xff",
    "\u00c0", "\u00ff", "\u0100", "\u0130", "\u0131", "\u017f", "\u0200", "\u212a",
    r"\u0100", r"\u0131", r"\u0200", r"\u2000", r"\U0001f600", r"\s", r"\w",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CLASS_PIECES), min_size=1, max_size=6), st.booleans())
def test_a_class_read_ascii_alike_matches_each_ascii_character_alike(pieces, negated):
    """A character class the reading says reads ASCII alike matches, case ignored, the
    same ASCII characters read as Unicode and as ASCII (the reading may refuse more), but
    for the four separators that a plain_ascii text does not hold."""
    source = "[" + ("^" if negated else "") + "".join(pieces) + "]"
    try:
        with warnings.catch_warnings():  # ("--" or "~~" in a class: a future set operation)
            warnings.simplefilter("ignore", FutureWarning)
            unicode, ascii = re.compile(source, re.I), re.compile(source, re.I | re.A)
    except re.error:  # (a range backwards)
        return
    if recognise._reads_ascii_alike(source):
        for char in set(map(chr, range(0x80))) - set(recognise._SEPARATORS):
            assert bool(unicode.match(char)) == bool(ascii.match(char)), (source, char)
