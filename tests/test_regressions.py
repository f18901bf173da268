"""Bugs found by the property-based tests (tests/test_properties.py), each kept as the
minimised example that showed it."""

from __future__ import annotations

import pytest

from lgo_audit.engine import run_rules
from lgo_audit.examples import base_letter
from lgo_audit.parse import ParsedLetter, parse_source
from lgo_audit.reader import decode
from lgo_audit.register import load_register
from lgo_audit.rules import load_rules

RULES = load_rules()


def parse(text: str) -> ParsedLetter:
    return parse_source(decode(text.encode("utf-8"), "letter.txt"), authorities=load_register(None))


def fact(parsed: ParsedLetter, name: str) -> object:
    token = parsed.facts.get(name)
    return None if token is None else token.value


def codes(parsed: ParsedLetter) -> list[str]:
    """The codes ``lgo-audit check`` reports (the register's facts are part of the parse)."""
    return [f.code for f in run_rules(parsed, RULES)[0]]


def edited(old: str, new: str) -> str:
    letter = base_letter()
    assert letter.count(old) == 1
    return letter.replace(old, new)


def test_a_role_ending_in_of_words_does_not_run_on_into_the_council_on_the_next_line():
    # Property 1: "Director of Resources\nKent County Council" was read as the role
    # "Director of Resources\nKent County Council", the council as "Dear Mr Smith".
    parsed = parse(
        edited(
            "Ms Smith\nChief Executive\nStockport Metropolitan Borough Council",
            "Ms Smith\nDirector of Resources\nStockport Metropolitan Borough Council",
        )
    )
    assert fact(parsed, "addressee.role") == "Director of Resources"
    assert fact(parsed, "authority.name") == "Stockport Metropolitan Borough Council"
    assert fact(parsed, "salutation.name") == "Ms Smith"
    assert codes(parsed) == []


@pytest.mark.parametrize(
    ("addressee", "salutation"),
    [
        ("Mr Łukasz Nowak", "Dear Mr Nowak"),
        ("Ms Agnieszka Żak", "Dear Ms Żak"),
        ("Mr Ştefan Popescu", "Dear Mr Popescu"),
        ("Ms Ōtsuka", "Dear Ms Ōtsuka"),
        ("Mr Ludwig van Beethoven", "Dear Mr van Beethoven"),
        ("Mr Ludwig van Beethoven", "Dear Mr Van Beethoven"),
        ("Ms Jane de la Cruz", "Dear Ms de la Cruz"),
        ("Mr Rhys ap Gruffydd", "Dear Mr Gruffydd"),
        ("Dr Jane Smith OBE", "Dear Dr Smith"),
        # from a second trial: a surname that is also an honour, accents written decomposed,
        # three honours, a knight and a dame greeted by their given names
        ("Mr Ram KC", "Dear Mr KC"),
        ("Mr Adewale Obe", "Dear Mr Obe"),
        ("Ms Zoe\u0308 Smith", "Dear Ms Smith"),
        ("Ms Jane Smith OBE PhD KC", "Dear Ms Smith"),
        ("Dr Jane Mary Smith CBE DL", "Dear Dr Smith"),
        ("Sir John Smith", "Dear Sir John"),
        ("Dame Jane Smith DBE", "Dear Dame Jane"),
        # from the same trial, not read before: initials written together, a comma before
        # the honours, a lower-case prefix joined to the surname, three more titles, and a
        # cedilla where the salutation has a comma below
        ("Ms J.A. Smith", "Dear Ms Smith"),
        ("Ms Jane Smith, OBE", "Dear Ms Smith"),
        ("Ms Jane Smith, OBE, PhD", "Dear Ms Smith"),
        ("Mr Omar al-Sayed", "Dear Mr Al-Sayed"),
        ("Ms Anne d'Souza", "Dear Ms D'Souza"),
        ("Revd Jane Smith", "Dear Revd Smith"),
        ("Reverend John Smith", "Dear Rev Smith"),
        ("Baroness Jane Smith", "Dear Baroness Smith"),
        ("Mr \u015etefan Popescu", "Dear Mr \u0218tefan Popescu"),
        ("Ms Ελένη Παπαδοπούλου", "Dear Ms ΠΑΠΑΔΟΠΟΥΛΟΥ"),  # Greek capitals drop the accent
        # from a third trial: honours written with dots, other honours, a comma without a
        # space, a longer prefix, a baroness greeted as "Lady"
        ("Ms Jane Smith O.B.E.", "Dear Ms Smith"),
        ("Ms Jane Smith, O.B.E.", "Dear Ms Smith"),
        ("Ms Jane Smith, MA", "Dear Ms Smith"),
        ("Ms Jane Smith,OBE", "Dear Ms Smith"),
        ("Mr Omar abdul-Rahman", "Dear Mr Abdul-Rahman"),
        ("Baroness Jane Smith", "Dear Lady Smith"),
        # a fourth: honours with dots in parts, a surname that is an honour held too
        ("Ms Jane Smith, Ph.D.", "Dear Ms Smith"),
        ("Mr John Smith, M.B.A.", "Dear Mr Smith"),
        ("Mr Adewale Obe, OBE", "Dear Mr Obe"),
        ("Dr Jane Smith", "Dear Doctor Smith"),
    ],
)
def test_an_addressee_named_in_any_script_or_with_a_particle_is_read_and_greeted(
    addressee, salutation
):
    # Found by a trial: a name with a letter beyond Latin-1, or a lower-case "van", "de la" or
    # "ap", was no addressee: the block was unexpected text and the letter lacked an addressee
    # (LGO006, LGO002); "Dear Mr Van Beethoven" to "Mr Ludwig van Beethoven" was LGO301, and
    # so was "Dear Dr Smith" to "Dr Jane Smith OBE".
    letter = edited("Ms Smith\nChief Executive", f"{addressee}\nChief Executive")
    parsed = parse(letter.replace("Dear Ms Smith", salutation))
    assert fact(parsed, "addressee.name") == addressee
    assert fact(parsed, "addressee.role") == "Chief Executive"
    assert codes(parsed) == []


@pytest.mark.parametrize(
    ("addressee", "salutation"),
    [
        ("Mr Łukasz Nowak", "Dear Mr Kowalski"),
        ("Ms J.A. Smith", "Dear Ms Jones"),
        ("Ms J.A. Smith", "Dear Mr Smith"),
        ("Mr Omar al-Sayed", "Dear Mr Sayed"),
        ("Revd Jane Smith", "Dear Revd Jones"),
        ("Ms Jane Smith, OBE", "Dear Ms Obe"),  # after a comma, an honour is no surname
        ("Mr John Smith, JP, DL", "Dear Mr Dl"),
        ("Ms Jane Smith", "Dear Ms Mr Smith"),
        ("Mr Adewale Obe", "Dear Mr Adewale"),  # "Obe", written as a name is, is his surname
    ],
)
def test_an_addressee_greeted_as_another_person_is_still_a_mismatch(addressee, salutation):
    letter = edited("Ms Smith\nChief Executive", f"{addressee}\nChief Executive")
    assert codes(parse(letter.replace("Dear Ms Smith", salutation))) == ["LGO301"]


def test_a_name_without_end_is_no_addressee_rather_than_a_name_too_long_to_compare():
    # A third trial: 10,000 initials made a name LGO301 could not evaluate (over 10,000
    # characters); a name's words are bounded, so such a line is no addressee.
    letter = edited("Ms Smith\nChief Executive", "Ms " + "A." * 10000 + " Smith\nChief Executive")
    parsed = parse(letter)
    assert fact(parsed, "addressee.name") is None
    assert "LGO301" not in codes(parsed)


def test_a_comma_after_a_name_is_read_as_the_name_only_before_honours():
    # "Ms Jane Smith, OBE" is one name; after "Ms Jane Smith," a council's name is not part
    # of it (the role is still required before the council).
    letter = edited("Ms Smith\nChief Executive", "Ms Jane Smith, Brent\nChief Executive")
    assert fact(parse(letter), "addressee.name") is None


def test_a_particle_does_not_carry_the_addressee_on_into_a_role_on_its_line():
    letter = edited(
        "Ms Smith\nChief Executive", "Ms Jane Smith van Chief Executive\nChief Executive"
    )
    assert fact(parse(letter), "addressee.name") != "Ms Jane Smith van Chief Executive"


def test_the_publication_paragraph_may_be_hard_wrapped_inside_the_maps_name():
    # Property 2 (hard-wrapped letter): a line break inside "Your council's performance"
    # made the publication paragraph malformed and the publication date missing.
    parsed = parse(
        edited(
            "our interactive map, [Your council's performance](https://www.lgo.org.uk/your-councils-performance),",
            "our interactive map, Your council's\nperformance,",
        )
    )
    assert str(fact(parsed, "publication_date")) == "2020-07-29"
    assert codes(parsed) == []


def test_the_seminar_cities_may_be_hard_wrapped():
    # Property 2 (hard-wrapped letter): a line break in the list of cities made the
    # seminars statement malformed (LGO005) and lost the delegates and authorities.
    parsed = parse(
        edited("seminars in London, Bristol, Leeds", "seminars in London,\nBristol, Leeds")
    )
    assert fact(parsed, "seminars.delegates") == 178
    assert codes(parsed) == []


def test_a_key_area_paragraph_hard_wrapped_just_before_its_dash_is_still_the_key_area():
    # Property 2 (wrapped at width 48): "Satisfactory remedies provided by the authority" ended a
    # line and "- We want to encourage ..." began the next, where the normaliser takes "- " as a
    # bullet. The key area was then read as the remedies panel heading: LGO003, LGO004, LGO006.
    parsed = parse(
        edited(
            "Satisfactory remedies provided by the authority - We want",
            "Satisfactory remedies provided by the authority\n- We want",
        )
    )
    assert codes(parsed) == []
    parsed = parse(edited("Complaints upheld - We uphold", "Complaints upheld\n\nWe uphold"))
    assert codes(parsed) == []


def test_st_albans_city_and_district_council_is_in_the_register():
    # Property 2 (authority of every type): the council's own name was not matched to the
    # register's "St Albans", so LGO304 called a real council unknown.
    from lgo_audit.register import authority_key

    assert authority_key("St Albans City and District Council") == authority_key("St Albans")


def test_remedy_count_missing_does_not_say_null_when_the_remedy_rate_is_missing_too():
    # Property 5 (a letter with sections removed): with no upheld decisions the missing remedy
    # count is known to be 0, but the message went on to quote the (absent) remedy rate and
    # read "... is missingnull".
    letter = (
        base_letter()
        .replace("10 upheld decisions", "0 upheld decisions")
        .replace("59% of complaints", "0% of complaints")
        .replace("0 satisfactory remedy decisions", "satisfactory remedy decisions")
        .replace(
            "In 0% of upheld cases we found the authority had provided a satisfactory remedy "
            "before the complaint reached the Ombudsman.\n",
            "",
        )
    )
    findings = [f for f in run_rules(parse(letter), RULES)[0] if f.code == "LGO105"]
    assert [f.message for f in findings] == [
        "the number of satisfactory remedy decisions is missing"
    ]
    assert findings[0].fix is not None  # 0 upheld cases: 0 remedies, whatever the rate


def test_accented_names_are_read_as_names():
    from lgo_audit.examples import base_letter, checked_letter

    text = (
        base_letter()
        .replace("Ms Smith\nChief Executive", "Ms Zoë Brontë\nChief Executive")
        .replace("Dear Ms Smith", "Dear Ms Brontë")
        .replace("Michael King\n", "Siân Lloyd-Jones\n")
    )
    parsed, _, _ = checked_letter(text, "accents.txt")
    facts = parsed.structure.facts
    assert facts["addressee.name"].value == "Ms Zoë Brontë"
    assert facts["salutation.name"].value == "Ms Brontë"
    assert facts["signatory.name"].value == "Siân Lloyd-Jones"


def test_a_year_before_1000_is_quoted_back_with_its_four_digits():
    """("22 July 0020" was quoted back as "22 July 20".)"""
    parsed = parse(base_letter("2025").replace("21 May 2025", "21 May 0025"))

    (finding,) = [f for f in run_rules(parsed, RULES)[0] if f.code == "LGO205"]
    assert "dated 21 May 0025," in finding.message


def test_a_title_year_before_1000_is_said_with_its_four_digits():
    """("Annual Review letter 0000" was said back as "0", found by a fresh-clone trial.)"""
    parsed = parse(edited("Annual Review letter 2020", "Annual Review letter 0000"))
    messages = {f.code: f.message for f in run_rules(parsed, RULES)[0]}
    assert messages["LGO009"].startswith("no template profile for 0000:")
    assert messages["LGO204"].startswith("the title says 0000,")


def test_each_run_of_control_characters_is_one_finding_at_its_place_up_to_a_hundred():
    # (the salutation, line 11, followed by 150 runs: " " and a BEL, " " and an ESC and a DEL)
    runs = "".join(" \x07" if k % 2 else " \x1b\x7f" for k in range(150))
    parsed = parse(edited("Dear Ms Smith\n", f"Dear Ms Smith{runs}\n"))
    findings = [f for f in run_rules(parsed, RULES)[0] if f.code == "LGO012"]
    assert len(findings) == 100
    assert {f.span.line for f in findings} == {11}
    starts = [f.span.column for f in findings]
    assert starts == sorted(starts) and starts[:3] == [15, 18, 20]
    assert [f.span.end_column - f.span.column for f in findings[:2]] == [2, 1]
    assert "control characters U+001B, U+007F in" in findings[0].message
    assert "control character U+0007 in" in findings[1].message
    # the last says that more follow (it was the cap, reached in silence)
    assert "(and more after it: only the first 100 runs are reported)" in findings[-1].message
    assert not any("more after it" in f.message for f in findings[:-1])


def test_a_hundred_runs_of_control_characters_and_no_more_say_none_follow():
    runs = " \x07" * 100
    parsed = parse(edited("Dear Ms Smith\n", f"Dear Ms Smith{runs}\n"))
    findings = [f for f in run_rules(parsed, RULES)[0] if f.code == "LGO012"]
    assert len(findings) == 100
    assert not any("more after it" in f.message for f in findings)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_c1_control_character_is_reported_as_the_c0_ones_are(encoding):
    """U+0080 to U+009F (but NEL, U+0085, a line break) were deleted in reading with no
    finding: "1<U+0090>0 upheld decisions" read as 10 and the letter passed (trial)."""
    text = base_letter().replace("10 upheld decisions\n", "1\x900 upheld decisions\n")
    parsed = parse_source(decode(text.encode(encoding), "letter.txt"), authorities=None)
    assert parsed.source.controls == 1
    [finding] = [f for f in run_rules(parsed, RULES)[0] if f.code == "LGO012"]
    assert "control character U+0090 in" in finding.message
    assert fact(parsed, "upheld.count") == 10


def test_a_nel_is_a_line_break_not_a_control_character_reported():
    text = base_letter().replace("10 upheld decisions\n", "10 upheld decisions\x85")
    parsed = parse_source(decode(text.encode("utf-8"), "letter.txt"), authorities=None)
    assert parsed.source.controls == 0
    assert "LGO012" not in codes(parsed)


def test_a_letter_with_a_control_character_reads_as_the_letter_without_it():
    clean = parse(base_letter())
    bell = parse(edited("10 upheld decisions\n", "1\x070 upheld decisions\n"))
    assert fact(bell, "upheld.count") == fact(clean, "upheld.count") == 10
    assert codes(bell) == [*codes(clean), "LGO012"]
