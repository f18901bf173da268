"""Structure: sections missing, out of order, repeated, malformed or unexpected, as findings.

Each finding names its code, the line it points at, and in its message what was expected
where. Letters are the Stockport seed with one edit, so every other line stays as it was.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from lgo_audit.engine import run_rules
from lgo_audit.findings import Finding
from lgo_audit.model import iter_facts
from lgo_audit.parse import ParsedLetter, parse_source
from lgo_audit.reader import SourceFile, decode
from lgo_audit.rules import Rule, load_rules
from tests import paths

STOCKPORT = paths.STOCKPORT.read_text(encoding="utf-8")
STEVENAGE = paths.STEVENAGE.read_text(encoding="utf-8")

UPHELD_AVERAGE = "This compares to an average of **67%** in similar authorities.\n"
UPHELD_RATE = "59% of complaints we investigated were upheld."
UPHELD_BASIS = (
    "Statistics are based on a total of 17 detailed investigations for the period between "
    "1 April 2019 to 31 March 2020\n\nCompliance"
)
COMPLIANCE_BASIS = (
    "Statistics are based on a total of 9 compliance outcomes for the period between "
    "1 April 2019 to 31 March 2020"
)


@cache
def rules() -> tuple[Rule, ...]:
    return tuple(load_rules())


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def parse(text: str) -> ParsedLetter:
    return parse_source(decode(text.encode("utf-8"), "letter.txt"), authorities=None)


def findings(text: str, prefix: str = "LGO0") -> list[Finding]:
    """The findings of the rules whose code starts with ``prefix`` (default: structure)."""
    found, _ = run_rules(parse(text), [r for r in rules() if r.code.startswith(prefix)])
    return found


def summary(text: str) -> list[tuple[str, int, str]]:
    return [(f.code, f.span.line, f.message) for f in findings(text)]


def facts(text: str) -> dict[str, Any]:
    return {n: None if f is None else f.value for n, f in iter_facts(parse(text).letter)}


# --- the seed itself -------------------------------------------------------------------------


def test_the_unedited_seed_has_no_structural_finding():
    assert summary(STOCKPORT) == []


# --- the sign-off ----------------------------------------------------------------------------

BASE_LETTERS = sorted(
    p for p in (paths.ROOT / "rules" / "base").glob("*.txt") if "page" not in p.name
)


@pytest.mark.parametrize("base", BASE_LETTERS, ids=lambda p: p.stem)
@pytest.mark.parametrize("placeholder", ["TBC", "[Name]", "signatory to follow"])
def test_a_placeholder_in_the_signatorys_place_is_no_name_and_nothing_else(base, placeholder):
    """A line standing where the signatory's name goes, over the signatory's title, belongs to
    the sign-off: the letter has no signatory (LGO303) and a placeholder left where it is one
    (LGO402), and the title under it is not taken for a second letterhead (no LGO004, LGO006)."""
    text = base.read_text(encoding="utf-8")
    name = parse(text).letter.signatory.name
    assert name is not None, f"{base.name} names its signatory"
    name = name.raw
    before = {f.code for f in findings(text, "LGO")}
    after = {f.code for f in findings(edit(text, f"\n{name}\n", f"\n{placeholder}\n"), "LGO")}
    assert after - before - {"LGO402"} == {"LGO303"}


# --- missing sections (LGO002) ---------------------------------------------------------------


def test_missing_section_is_reported_at_the_section_it_should_precede():
    letter = edit(STOCKPORT, "Dear Ms Smith\n", "")
    assert summary(letter) == [
        (
            "LGO002",
            14,
            "missing salutation: expected before the title ('Annual Review letter 2020')",
        )
    ]


def test_missing_last_section_is_reported_at_the_section_it_should_follow():
    letter = STOCKPORT[: STOCKPORT.index("Satisfactory remedies provided by the authority\n\n\n")]
    assert summary(letter) == [
        (
            "LGO002",
            68,
            "missing satisfactory remedies panel: expected after the compliance with "
            "recommendations panel",
        )
    ]


def test_optional_panel_header_is_not_reported_missing():
    # Stockport's extraction has no "<authority> For the period ending: dd/mm/yy" line
    assert "panel-header" not in parse(STOCKPORT).structure.sections
    assert [f for f in findings(STOCKPORT) if f.code == "LGO002"] == []


# --- sections out of order (LGO003) ----------------------------------------------------------


def test_section_out_of_order_says_where_it_should_stand():
    letter = edit(
        edit(STOCKPORT, "Dear Ms Smith\n\n", ""),
        "Complaint statistics\n",
        "Dear Ms Smith\n\nComplaint statistics\n",
    )
    assert summary(letter) == [
        ("LGO003", 17, "salutation is out of order: expected after the addressee block")
    ]


def test_section_out_of_order_points_to_the_section_it_should_follow():
    letter = edit(
        edit(STOCKPORT, "Dear Ms Smith\n\n", ""),
        "Complaint statistics\n",
        "Dear Ms Smith\n\nComplaint statistics\n",
    )
    (finding,) = findings(letter)
    assert [r.span.line for r in finding.related] == [9]  # the addressee block


# --- duplicated sections (LGO004) ------------------------------------------------------------


def test_duplicated_section_is_reported_at_its_second_occurrence():
    letter = edit(STOCKPORT, "Dear Ms Smith\n", "Dear Ms Smith\n\nDear Ms Smith\n")
    assert summary(letter) == [("LGO004", 15, "salutation appears more than once")]


def test_duplicated_section_points_to_its_first_occurrence():
    letter = edit(STOCKPORT, "Dear Ms Smith\n", "Dear Ms Smith\n\nDear Ms Smith\n")
    (finding,) = findings(letter)
    assert [r.span.line for r in finding.related] == [13]


def test_a_repeated_statement_inside_a_panel_is_a_duplicate():
    letter = edit(STOCKPORT, UPHELD_AVERAGE, UPHELD_AVERAGE + "\n" + UPHELD_AVERAGE)
    assert summary(letter) == [
        (
            "LGO004",
            63,
            '"This compares to an average of <n>% in similar authorities." appears more than '
            "once in the complaints upheld panel",
        )
    ]


def test_a_statement_stated_three_times_is_still_that_statement_repeated_once():
    letter = edit(STOCKPORT, UPHELD_AVERAGE, (UPHELD_AVERAGE + "\n") * 2 + UPHELD_AVERAGE)
    assert [(code, message) for code, _, message in summary(letter)] == [
        (
            "LGO004",
            '"This compares to an average of <n>% in similar authorities." appears more than '
            "once in the complaints upheld panel",
        )
    ]


def test_statements_repeated_one_after_another_are_the_panel_appearing_again_once():
    body = "59% of complaints we investigated were upheld.\n\n" + UPHELD_AVERAGE
    letter = edit(STOCKPORT, UPHELD_AVERAGE, UPHELD_AVERAGE + "\n" + body)
    assert [(code, message) for code, _, message in summary(letter)] == [
        ("LGO004", "complaints upheld panel appears more than once")
    ]


def test_a_panel_that_starts_over_is_the_panel_appearing_again():
    heading_and_rate = "Complaints upheld\n\n59% of complaints we investigated were upheld.\n"
    letter = edit(STOCKPORT, UPHELD_AVERAGE, UPHELD_AVERAGE + "\n" + heading_and_rate)
    assert ("LGO004", "complaints upheld panel appears more than once") in [
        (code, message) for code, _, message in summary(letter)
    ]


def test_a_repeated_statement_does_not_lose_the_facts_of_the_statements_after_it():
    letter = edit(STOCKPORT, UPHELD_AVERAGE, UPHELD_AVERAGE + "\n" + UPHELD_AVERAGE)
    got = facts(letter)
    assert (got["upheld.count"], got["upheld.investigations"]) == (10, 17)


def test_a_letter_stated_twice_is_its_sections_repeated_read_with_its_own_template_only(
    monkeypatch,
):
    """Every year's template reads a repeated section as repeated, so the repeats tell no
    year from another: the letter is not read again with the other years' templates (a long
    file of one letter over and over was read seven times, once with each)."""
    read_with = _read_with(monkeypatch)
    codes = {code for code, _, _ in summary(STOCKPORT + "\n" + STOCKPORT)}
    assert codes == {"LGO004"}
    assert read_with == ["2020"]


def _read_with(monkeypatch) -> list[str]:
    """The names of the templates the letters parsed from now on are read with, in turn."""
    import lgo_audit.parse

    read_with: list[str] = []
    real = lgo_audit.parse.recogniser

    def recording(name: str, **options: Any) -> Any:
        read_with.append(name)
        return real(name, **options)

    monkeypatch.setattr(lgo_audit.parse, "recogniser", recording)
    return read_with


def test_a_long_file_of_one_letter_cut_short_is_judged_by_its_start(monkeypatch):
    """A file of many letters' worth whose end is cut in mid-statement: that statement is
    malformed, but the file's start, read with each template, shows no other year's
    wording, so it is not read whole with every other template."""
    from lgo_audit.parse import LARGE_TEXT

    copies = LARGE_TEXT // len(STOCKPORT) + 2
    text = (STOCKPORT + "\n") * copies + STOCKPORT[: STOCKPORT.index(UPHELD_RATE) + 20]
    read_with = _read_with(monkeypatch)
    codes = {code for code, _, _ in summary(text)}
    assert codes == {"LGO004", "LGO006"}  # (the cut statement: unexpected text)
    assert set(read_with) == {"2020"}


def test_a_long_file_of_another_years_letter_is_still_said_to_fit_that_year(monkeypatch):
    from lgo_audit.parse import LARGE_TEXT

    paragraph = STOCKPORT[STOCKPORT.index(PUBLICATION) :].split("\n", 1)[0]
    letter = edit(STOCKPORT, paragraph, "")  # (as in 2021's template: see above)
    text = (letter + "\n") * (LARGE_TEXT // len(letter) + 2)
    read_with = _read_with(monkeypatch)
    assert ("LGO010", 15) in [(code, line) for code, line, _ in summary(text)]
    assert set(read_with) == {"2020", "2021", "2022", "2023", "2024", "2025"}


# --- malformed statements (LGO005) -----------------------------------------------------------


def test_statement_with_a_count_in_words_is_malformed():
    letter = edit(STOCKPORT, UPHELD_BASIS, UPHELD_BASIS.replace("of 17", "of seventeen"))
    [(code, line, message)] = summary(letter)
    assert (code, line) == ("LGO005", 66)
    assert message.startswith(
        'statement does not match the template: expected "Statistics are based on a total of '
        '<n> detailed investigations for the period between <date> to <date>", found '
        '"Statistics are based on a total of seventeen'
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        pytest.param(
            UPHELD_RATE,
            "59 of complaints we investigated were upheld.",
            59,
            "<n>% of complaints we investigated were upheld.",
            id="percent-sign-missing",
        ),
        pytest.param(
            "In **100%** of cases we were satisfied",
            "In XX% of cases we were satisfied",
            73,
            "In <n>% of cases we were satisfied",
            id="placeholder-percentage",
        ),
        pytest.param(
            "Attended by 178 delegates",
            "Attended by many delegates",
            41,
            "Attended by <n> delegates from <n> local authorities",
            id="count-in-words-mid-paragraph",
        ),
    ],
)
def test_line_that_starts_like_a_statement_but_does_not_match_is_malformed(
    old, new, line, expected
):
    [(code, at, message)] = summary(edit(STOCKPORT, old, new))
    assert (code, at) == ("LGO005", line)
    assert f'expected "{expected}' in message


PUBLICATION = "This data will be uploaded to our interactive map"


@pytest.mark.parametrize(
    "misspelt",
    [
        "Thsi data will be uploaded to our interactive map",  # its first word (its key)
        "This data will be uplaoded to our interactive map",  # within the words it starts by
        "This data will be uploaded to the interactive map",  # a word changed
        "This data wil be uploaded to our interactive map",  # a letter lost
    ],
)
def test_a_section_whose_one_statement_is_misspelt_is_that_statement_malformed(misspelt):
    """Not the section missing (LGO002), nor the letter fitting another year better
    (LGO010): the template's own wording, misspelt (a trial's: a typo in the publication
    paragraph's first words gave LGO002 and LGO010)."""
    [(code, line, message)] = summary(edit(STOCKPORT, PUBLICATION, misspelt))
    assert (code, line) == ("LGO005", 33)
    assert 'expected "This data will be uploaded to our interactive map, <name>' in message
    assert f'found "{misspelt}' in message


def test_a_section_deleted_is_still_missing_whatever_prose_is_left():
    """The sentences left around it are no statement of it misspelt. (And the 2021 template,
    which has no publication paragraph, fits the letter better then: LGO010.)"""
    paragraph = STOCKPORT[STOCKPORT.index(PUBLICATION) :].split("\n", 1)[0]
    found = summary(edit(STOCKPORT, paragraph, ""))
    assert [(code, line) for code, line, _ in found] == [("LGO010", 15), ("LGO002", 35)]
    assert found[1][2].startswith("missing publication paragraph")


def _swap_two_letters(text: str, start: int) -> str:
    """``text`` with two letters of the word at ``start`` or after it swapped: a typo."""
    while not (
        text[start].isalpha() and text[start + 1].isalpha() and text[start] != text[start + 1]
    ):
        start += 1
    return text[:start] + text[start + 1] + text[start] + text[start + 2 :]


def _sole_statements() -> list[tuple[str, str, str]]:
    """(year, section, statement) for each required section of each base letter stated by
    one statement with fixed opening words (at least 15 characters)."""
    from lgo_audit.structure import _opening

    found = []
    for base in BASE_LETTERS:
        parsed = parse(base.read_text(encoding="utf-8"))
        by_name = {s.name: s for s in parsed.profile.statements}
        required = {s.name for s in parsed.profile.sections if s.required}
        for occurrence in parsed.structure.occurrences:
            if occurrence.section in required and len(occurrence.statements) == 1:
                (name,) = occurrence.statements
                if _opening(by_name[name]):
                    found.append((base.stem, occurrence.section, name))
    return found


@pytest.mark.parametrize(("year", "section", "statement"), _sole_statements())
def test_every_years_sole_statements_misspelt_are_malformed_not_missing(year, section, statement):
    """In every year's template: a typo in the opening words of a required section's only
    statement, which the statement then does not match, is that statement malformed
    (LGO005), not its section missing (LGO002) nor the letter of another year (LGO010).
    (A section another statement of which reads those words as free prose is still there:
    nothing to say. The title is not tried: a title misspelt loses the letter's year, by which its template
    is chosen.)"""
    if section == "title":
        pytest.skip("the title gives the year the template is chosen by")
    text = (paths.ROOT / "rules" / "base" / f"{year}.txt").read_text(encoding="utf-8")
    parsed = parse(text)
    start = parsed.structure.section_span(section)[0]
    letter = _swap_two_letters(text, parsed.text.original_offset(start) + 3)
    if section in parse(letter).structure.sections:
        return  # (another statement of it reads those words as free prose: nothing to say)
    codes = [code for code, _, _ in summary(letter)]
    assert "LGO005" in codes and not {"LGO002", "LGO010"} & set(codes), (section, codes)


def _statements_with_openings() -> list[tuple[str, str, str]]:
    """(year, section, statement) for each statement of each base letter with fixed opening
    words (at least 15 characters), in a section of more than one statement and not of free
    prose (whose statements misspelt are read as its prose: not yet told apart)."""
    from lgo_audit.structure import _opening

    found = []
    for base in BASE_LETTERS:
        parsed = parse(base.read_text(encoding="utf-8"))
        by_name = {s.name: s for s in parsed.profile.statements}
        for occurrence in parsed.structure.occurrences:
            prose = parsed.profile.section(occurrence.section).prose
            if len(occurrence.statements) > 1 and not prose:
                found.extend(
                    (base.stem, occurrence.section, name)
                    for name in occurrence.statements
                    if _opening(by_name[name])
                )
    return found


@pytest.mark.parametrize(("year", "section", "statement"), _statements_with_openings())
def test_every_years_statements_misspelt_in_their_section_are_malformed(year, section, statement):
    """A typo in the opening words of any statement of a section the letter still states
    (a panel's heading, its count line, the sign-off): that statement malformed (LGO005),
    an error, not text that belongs to no section (LGO006, a warning: a misspelt heading
    passed with exit status 0), the statement missing (LGO008), nor the letter of another
    year (LGO010) (trials). (A statement another one reads those words into is nothing to
    say.)"""
    text = (paths.ROOT / "rules" / "base" / f"{year}.txt").read_text(encoding="utf-8")
    parsed = parse(text)
    [occurrence] = [o for o in parsed.structure.occurrences if o.section == section]
    start = occurrence.statements[statement][0]
    letter = _swap_two_letters(text, parsed.text.original_offset(start) + 3)
    after = parse(letter).structure
    if statement in next(o for o in after.occurrences if o.section == section).statements:
        return  # (read all the same: free prose, or a word the grammar does not fix)
    codes = [code for code, _, _ in summary(letter)]
    assert "LGO005" in codes, (section, statement, codes)
    assert not {"LGO002", "LGO006", "LGO008", "LGO010"} & set(codes), (section, statement, codes)


def test_another_years_wording_is_not_a_misspelling():
    """ "Satisfactory remedies provided by the authority" (2021's heading) under a 2023 title:
    a word of another year's wording, not a typo of "... by the Council" (trial)."""
    text = (paths.ROOT / "rules" / "base" / "2021.txt").read_text(encoding="utf-8")
    letter = text.replace("Annual Review letter 2021", "Annual Review letter 2023")
    found = [(code, msg) for code, _, msg in summary(letter) if 'by the authority"' in msg]
    assert [code for code, _ in found] == ["LGO006"]


def test_a_statement_the_grammar_did_not_take_where_it_stands_is_not_misspelt():
    """A panel without its heading, its rate line misspelt: the average line after it, word
    for word the template's, is not said to be malformed (trial)."""
    text = (paths.ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[48] == "Complaints upheld"
    lines[50] = lines[50].replace("were upheld", "were uphld")
    del lines[48:50]
    found = summary("\n".join(lines))
    assert not [m for code, _, m in found if code == "LGO005" and 'found "This compares' in m]


def test_malformed_compliance_basis_is_told_the_compliance_wording():
    letter = edit(STOCKPORT, COMPLIANCE_BASIS, COMPLIANCE_BASIS.replace("of 9", "of nine"))
    [(code, _, message)] = summary(letter)
    assert code == "LGO005"
    assert "<n> compliance outcomes" in message


# --- unexpected text (LGO006) ----------------------------------------------------------------


def test_text_inside_a_panel_that_belongs_to_no_section_is_unexpected():
    letter = edit(
        STOCKPORT, "10\nupheld decisions\n", "10\nupheld decisions\n\nDRAFT - not for circulation\n"
    )
    [(code, line, message)] = summary(letter)
    assert (code, line) == ("LGO006", 66)
    assert '"DRAFT - not for circulation"' in message


def test_unexpected_text_message_names_the_section_by_its_title():
    letter = edit(
        STOCKPORT, "10\nupheld decisions\n", "10\nupheld decisions\n\nDRAFT - not for circulation\n"
    )
    [(_, _, message)] = summary(letter)
    assert "complaints upheld panel" in message


def test_text_before_the_first_section_is_unexpected():
    [(code, line, message)] = summary("DRAFT - not for circulation\n" + STOCKPORT)
    assert (code, line) == ("LGO006", 1)
    assert "before the first section" in message


def test_text_after_the_last_section_is_unexpected():
    [(code, line, message)] = summary(STOCKPORT + "\n\nPlease destroy after reading.\n")
    assert (code, line) == ("LGO006", 94)
    assert '"Please destroy after reading."' in message


def test_free_prose_in_a_narrative_section_is_not_unexpected():
    letter = edit(
        STOCKPORT,
        "Resources to help you get it right\n",
        "Resources to help you get it right\n\nWe also publish a guide for councillors.\n",
    )
    assert summary(letter) == []


# --- statements split over lines -------------------------------------------------------------


@pytest.mark.parametrize(
    "split",
    [
        "59% of complaints we investigated\nwere upheld.",
        "59% of complaints\nwe investigated\nwere upheld.",
        "59% of complaints we\n\ninvestigated were upheld.",
    ],
    ids=["two-lines", "three-lines", "blank-line-between"],
)
def test_statement_split_over_lines_is_still_recognised(split):
    letter = edit(STOCKPORT, UPHELD_RATE, split)
    assert summary(letter) == []
    assert facts(letter)["upheld.percent"] == 59


def test_statement_with_facts_on_three_lines_keeps_every_fact():
    letter = edit(
        STOCKPORT,
        UPHELD_BASIS,
        "Statistics are based on a total of 17\ndetailed investigations for the period between\n"
        "1 April 2019 to 31 March 2020\n\nCompliance",
    )
    got = facts(letter)
    assert summary(letter) == []
    assert (got["upheld.investigations"], str(got["upheld.period.start"])) == (17, "2019-04-01")


# --- the addressee block ---------------------------------------------------------------------

ADDRESSEE = ("addressee.name", "addressee.role", "authority.name")


def test_addressee_block_on_three_lines_is_recognised():
    got = facts(STOCKPORT)
    assert [got[n] for n in ADDRESSEE] == [
        "Ms Smith",
        "Chief Executive",
        "Stockport Metropolitan Borough Council",
    ]


def test_addressee_block_on_one_line_is_recognised():
    got = facts(STEVENAGE)
    assert [got[n] for n in ADDRESSEE] == [
        "Mr Partridge",
        "Chief Executive",
        "Stevenage Borough Council",
    ]


def test_three_line_addressee_block_rewritten_on_one_line_gives_the_same_facts():
    letter = edit(
        STOCKPORT,
        "Ms Smith\nChief Executive\nStockport Metropolitan Borough Council\n",
        "Ms Smith Chief Executive Stockport Metropolitan Borough Council\n",
    )
    got = facts(letter)
    assert [got[n] for n in ADDRESSEE] == [
        "Ms Smith",
        "Chief Executive",
        "Stockport Metropolitan Borough Council",
    ]
    assert summary(letter) == []


def test_one_line_addressee_block_rewritten_on_three_lines_gives_the_same_facts():
    letter = edit(
        STEVENAGE,
        "Mr Partridge Chief Executive Stevenage Borough Council\n",
        "Mr Partridge\nChief Executive\nStevenage Borough Council\n",
    )
    got = facts(letter)
    assert [got[n] for n in ADDRESSEE] == [
        "Mr Partridge",
        "Chief Executive",
        "Stevenage Borough Council",
    ]
    assert summary(letter) == []


# --- not a letter (LGO001) -------------------------------------------------------------------


def test_a_file_that_is_not_a_letter_is_one_lgo001_finding_and_nothing_else():
    note = (
        "Minutes of the meeting held on 3 June 2020\n\nPresent: the committee.\n\nNothing more.\n"
    )
    found = findings(note, prefix="LGO")
    assert [(f.code, f.span.line, f.span.column) for f in found] == [("LGO001", 1, 1)]
    assert "not an Annual Review letter" in found[0].message


def test_not_a_letter_message_lists_the_few_sections_that_were_found():
    note = "22 July 2020\n\nBy email\n\nSome note.\n"
    [(code, _, message)] = summary(note)
    assert code == "LGO001"
    assert "found: delivery, letter-date" in message


# --- junk never raises -----------------------------------------------------------------------

JUNK = {
    "empty": "",
    "only-whitespace": " \n\t\n\f\n\u00a0\n",
    "deep-brackets": "[" * 20_000 + "](" * 20_000,
    "markup-runs": "*" * 20_000 + "<u>" * 10_000 + "&#x10FFFF;&#xD800;&#99999999;" * 1_000,
    "control-and-lone-surrogates": "\x00\x1b[2J\x07\u202e\ud800\udc80" * 2_000,
    "statement-leads-only": "\n".join(
        [
            "Statistics are based on",
            "This compares to an average",
            "In 5 of cases we were satisfied",
        ]
        * 2_000
    ),
    "panel-header-probes": "For the period ending\n" * 5_000,
    "huge-numbers-and-dates": "9" * 50_000 + "% 31 February 2020 99/99/99 0 upheld decisions\n",
    "seed-reversed": "\n".join(reversed(STOCKPORT.split("\n"))),
    "seed-on-one-line": STOCKPORT.replace("\n", " "),
    "seed-twice": STOCKPORT + STOCKPORT,
    "title-of-another-year": edit(
        STOCKPORT, "Annual Review letter 2020", "Annual Review letter 9999"
    ),
}


@pytest.mark.parametrize("text", JUNK.values(), ids=JUNK.keys())
def test_junk_is_parsed_and_checked_without_an_exception(text):
    source = SourceFile(
        path="junk.txt", text=text, encoding="utf-8", bom=b"", notes=(), sha256="0", size=len(text)
    )
    parsed = parse_source(source, authorities=None)
    found, _ = run_rules(parsed, rules())
    _ = parsed.letter  # the model can be built too
    assert all(f.span.line >= 1 and f.span.column >= 1 for f in found)


# --- a letter's text repeated: bounded issues, bounded memory -----------------------------------


def test_a_letter_repeated_many_times_reports_at_most_max_issues_repeats():
    from lgo_audit.structure import MAX_ISSUES

    letter = STOCKPORT * 30  # every section appears again 29 times
    duplicates = [i for i in parse(letter).issues if i.check == "duplicate-section"]
    assert len(duplicates) == MAX_ISSUES
    assert duplicates == sorted(duplicates, key=lambda i: i.start)  # the first ones in the text
    assert duplicates[0].params == {"section": "letterhead"}  # the second letter's first line


def test_the_first_repeats_of_a_repeated_letter_are_those_of_the_letter_twice():
    twice = [i for i in parse(STOCKPORT * 2).issues if i.check == "duplicate-section"]
    many = [i for i in parse(STOCKPORT * 30).issues if i.check == "duplicate-section"]
    assert many[: len(twice)] == twice


def test_a_structure_keeps_the_first_occurrence_of_each_section_only():
    once, thrice = parse(STOCKPORT).structure, parse(STOCKPORT * 3).structure
    assert thrice.sections == once.sections
    assert [(o.section, o.start, o.end) for o in thrice.occurrences] == [
        (o.section, o.start, o.end) for o in once.occurrences
    ]


def test_malformed_statements_are_reported_at_most_max_issues_times():
    from lgo_audit.structure import MAX_ISSUES

    line = UPHELD_BASIS.replace("of 17", "of seventeen").split("\n")[0] + "\n"
    letter = edit(STOCKPORT, UPHELD_AVERAGE, UPHELD_AVERAGE + line * (MAX_ISSUES + 10))
    malformed = [i for i in parse(letter).issues if i.check == "malformed-statement"]
    assert len(malformed) == MAX_ISSUES


def test_an_excerpt_of_a_huge_run_of_text_is_sixty_characters_on_one_line():
    from lgo_audit.structure import _excerpt

    text = "word " * 1_000 + "x" * 1_000_000
    assert _excerpt(text, 0, len(text)) == " ".join(["word"] * 12) + "…"
    assert _excerpt(text, 5_000, len(text)) == "x" * 59 + "…"
    assert _excerpt("  a \n\n b\t", 0, 9) == "a b"
