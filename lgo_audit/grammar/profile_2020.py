"""The 2020 Annual Review letter, statement by statement, in the order the letter reads.

Every fixed statement of the template is written here with the facts it carries. Wording that
carries no fact (the narrative paragraphs) is left to the sections that allow prose.
"""

from __future__ import annotations

import re

import pyparsing as pp

from lgo_audit.expr.library.people import NAME_PARTICLES, POST_NOMINALS, TITLES
from lgo_audit.grammar.elements import (
    fact,
    line_end,
    long_date,
    number,
    parse_long_date,
    parse_short_date,
    percentage,
    phrase,
    short_date,
    to_number,
    to_percentage,
    words,
)
from lgo_audit.grammar.profile import Profile, Section, Statement

__all__ = ["PROFILE"]

PANELS = frozenset({"upheld", "compliance", "remedy"})

# --- the people and the council ---------------------------------------------------------

HONORIFICS = [title.capitalize() for title in TITLES]
"""The titles before an addressee's name as written ("Mr", "Cllr", "Professor"): those of
:data:`lgo_audit.expr.library.people.TITLES`, capitalised."""
_HONORIFIC = "(?:" + "|".join(sorted(HONORIFICS, key=lambda h: (-len(h), h))) + r")\.?"
# A role is one line of the addressee block: its words are separated by spaces, never by a
# line break (else "Director of Resources" would run on into the council's name on the next line).
_ROLE = (
    r"(?:(?:Interim|Acting|Joint|Deputy|Temporary)[ ]+)?"
    r"(?:Chief[ ]+Executive(?:[ ]+Officer)?|Managing[ ]+Director|Head[ ]+of[ ]+Paid[ ]+Service"
    r"|Town[ ]+Clerk|Chief[ ]+Operating[ ]+Officer|Chief[ ]+Officer"
    r"|(?:(?:Corporate|Executive|Strategic)[ ]+)?Director(?:[ ]+(?:of|for)[ ]+[A-Z][A-Za-z]+"
    r"(?:[ ]+(?:and[ ]+|&[ ]+)?[A-Z][A-Za-z]+){0,3})?"
    r"|Leader(?:[ ]+of[ ]+the[ ]+Council)?)"
    r"(?:[ ]+(?:and|&)[ ]+Head[ ]+of[ ]+Paid[ ]+Service)?\b"
)
# A name's words start with a capital and are letters of any script (Zoë, Siân, Ní Bhriain,
# Łukasz, Ōtsuka), with apostrophes and hyphens: any letter but an ASCII lower-case one first,
# then letters (a letter: a word character that is no digit or underscore) and the combining
# accents of a name written decomposed ("Zoe" and U+0308). A word may start with a short
# lower-case prefix joined to it ("al-Sayed", "d'Souza"), and initials may be written
# together ("J.A.").
_UPPER = r"(?![a-z])[^\W\d_]"
_JOINS = r"['\-\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# (Bounded, so that a name is at most a few thousand characters: a line of letters or initials
# without end is no addressee, not a name too long to compare.)
_LETTERS = rf"[^\W\d_]{{0,60}}(?:{_JOINS}{{1,3}}[^\W\d_]{{0,60}}){{0,6}}"  # (a run first)
_NAME_WORD = rf"(?:[a-z]{{1,5}}['\-])?{_UPPER}{_LETTERS}(?:\.{_UPPER}{_LETTERS}){{0,6}}\.?"
# An honour after a name, its letters written together or apart ("OBE", "O.B.E.", "PhD").
_HONOUR = (
    "(?=[A-Z])(?i:"
    + "|".join(r"\.?".join(honour) for honour in sorted(POST_NOMINALS, key=lambda h: (-len(h), h)))
    + r")\.?(?![^\W\d_])"
)
# Between the words of a name: spaces, or a comma before honours ("Jane Smith, OBE").
_NAME_GAP = rf"(?:[ ]*,[ ]*(?={_HONOUR})|[ ]+)"
# the particles before a surname, written in lower case ("van", "de la", "ap")
_PARTICLES = "|".join(sorted(NAME_PARTICLES, key=lambda p: (-len(p), p)))
# The Ombudsman's signatories are written in Latin-1 letters (the table of signatories,
# data/signatories.toml): their line is sought with these narrower classes, faster.
_LATIN_UPPER = "A-ZÀ-ÖØ-Þ"
_LATIN_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
# (up to six words: given names, the surname and honours after it, "Jane Smith OBE PhD KC" or
# "Jane Smith, OBE"; a role on the same line is never one of them, after a particle either)
person = pp.Regex(
    rf"{_HONORIFIC}(?:{_NAME_GAP}(?!{_ROLE})(?:(?:{_PARTICLES})[ ]+(?!{_ROLE})){{0,3}}"
    rf"{_NAME_WORD}){{1,6}}"
)
role = pp.Regex(_ROLE)
# (Bounded, as every pattern that reads along a line: a letter whose line breaks were lost is
# one line, and an unbounded run would read to its end at every attempt, in quadratic time.)
LINE_MAX = 300
"""The most characters a name read to the end of its line may have (a council's name, a
salutation's, a placeholder for the signatory)."""
rest_of_line = pp.Regex(rf"[^\n]{{0,{LINE_MAX - 1}}}[^\n ,]")
comma_line_end = pp.Regex(r",?(?=[ ]*(?:\n|\Z))").leave_whitespace()

_SIGNATORY_TITLES = (
    words("Local Government {&|and} Social Care Ombudsman")
    + "|"
    + words("Chair, Commission for Local Administration in England")
    + "|"
    + words("Vice-Chair, Commission for Local Administration in England")
)
signatory_title = pp.Regex(_SIGNATORY_TITLES, flags=re.IGNORECASE)
signatory = pp.Regex(
    rf"(?!(?:{_SIGNATORY_TITLES}))(?:{_HONORIFIC}[ ]+)?[{_LATIN_UPPER}][{_LATIN_LETTER}'\-]+"
    rf"(?:[ ]+[{_LATIN_UPPER}][{_LATIN_LETTER}'\-]+){{1,3}}"
    r"(?=[ ]*(?:\n|\Z))",
    flags=0,
)


def unnamed_signatory(titles: pp.Regex) -> pp.ParserElement:
    """A line in the signatory's place that is no name ("TBC", "[Name]") with one of
    ``titles`` under it: read as the sign-off's, so that the title is not taken for a second
    letterhead. It states no signatory (LGO303 says so; LGO402 names a placeholder)."""
    title = f"(?i:{titles.pattern})"
    return pp.Suppress(pp.Regex(rf"(?!{title})[^\n]{{0,{LINE_MAX - 1}}}[^\s](?=[ ]*\n\s*{title})"))


# --- the statistics panels ---------------------------------------------------------------

AUTHORITY_TYPES = (
    "County Councils",
    "District Councils",
    "Metropolitan Boroughs",
    "Unitary Councils",
    "London Boroughs",
)
_TYPE = "(?:" + "|".join(words(t) for t in AUTHORITY_TYPES) + ")"
_TYPE_SEPARATOR = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
# The list of types, naming each of the five at least once (in any order): each is sought by a
# lookahead that steps along the list a type at a time, so that the statement is one regular
# expression, which the recogniser fuses with the others.
_EACH_TYPE = "".join(f"(?=(?:{_TYPE}{_TYPE_SEPARATOR})*?{words(t)})" for t in AUTHORITY_TYPES)
authority_types = pp.Regex(rf"{_EACH_TYPE}{_TYPE}(?:{_TYPE_SEPARATOR}{_TYPE})*\s*\.").set_name(
    "the five authority types"
)

# The dash of a key-area paragraph ("Complaints upheld - We uphold ..."): a paragraph
# hard-wrapped just before it leaves "- We uphold ..." at a line start, which the normaliser
# reads as a bullet and removes.
_key_area_dash = pp.Opt(pp.Literal("-"))

cities = pp.Regex(r"[A-Z][^.]{0,300}\.")  # hard-wrapped over lines or not


def count(name: str) -> pp.ParserElement:
    return fact(name, number, to_number)


def percent(name: str) -> pp.ParserElement:
    return fact(name, percentage, to_percentage)


def date(name: str) -> pp.ParserElement:
    return fact(name, long_date, parse_long_date)


def label(name: str, pattern: str) -> pp.ParserElement:
    return fact(name, pp.Regex(pattern, flags=re.IGNORECASE), lambda raw: " ".join(raw.split()))


# --- statements whose wording later templates change (one constructor, each year's words) ---


def compliance_rate(opening: str = "In", council: str = "the authority") -> Statement:
    """ "In 100% of cases we were satisfied the authority had successfully implemented our
    recommendations." (2023: no "In", "the Council")."""
    start = (
        phrase(opening) + percent("compliance.percent")
        if opening
        else percent("compliance.percent")
    )
    lead_in = f"{opening} " if opening else ""
    return Statement(
        "compliance-rate",
        "compliance",
        start
        + phrase(
            f"of cases we were satisfied {council} had successfully implemented our "
            "recommendations."
        ),
        f"{lead_in}<n>% of cases we were satisfied {council} had successfully implemented our "
        "recommendations.",
        keys=(opening.lower(),) if opening else ("#",),
        lead=(rf"{opening}\s+" if opening else "") + r"\S+\s+of\s+cases\s+we\s+were\s+satisfied\b",
        phrases=("implemented our recommendations",),
    )


def remedy_heading(council: str = "the authority") -> Statement:
    """ "Satisfactory remedies provided by the authority" (2023: "by the Council")."""
    return Statement(
        "remedy-heading",
        "remedy",
        phrase(f"Satisfactory remedies provided by {council}") + line_end,
        f"Satisfactory remedies provided by {council}",
        keys=("satisfactory",),
    )


def remedy_rate(council: str = "the authority") -> Statement:
    """ "In 0% of upheld cases we found the authority had provided a satisfactory remedy
    before the complaint reached the Ombudsman." (2023: "the Council")."""
    return Statement(
        "remedy-rate",
        "remedy",
        phrase("In")
        + percent("remedy.percent")
        + phrase(
            f"of upheld cases we found {council} had provided a satisfactory remedy before "
            "the complaint reached the Ombudsman."
        ),
        f"In <n>% of upheld cases we found {council} had provided a satisfactory remedy "
        "before the complaint reached the Ombudsman.",
        keys=("in",),
        lead=r"In\s+\S+\s+of\s+upheld\s+cases\b",
        phrases=("provided a satisfactory remedy",),
    )


def panel_basis(totals: tuple[str, ...]) -> Statement:
    """ "Statistics are based on a total of 17 detailed investigations for the period between
    <date> to <date>", shared by the panels; ``totals`` are the labels the total may have
    (2024 adds "investigations" and "upheld decisions")."""
    labels = "|".join(words(t).replace(r"\b", "") + "s?" for t in totals)
    return Statement(
        "panel-basis",
        None,
        phrase("Statistics are based on a total of")
        + count("*.total")
        + label("*.total_label", rf"(?:{labels})\b")
        + phrase("for the period between")
        + date("*.period.start")
        + pp.Regex(r"to|and", flags=re.IGNORECASE)
        + date("*.period.end"),
        "Statistics are based on a total of <n> {total} for the period between <date> to <date>",
        keys=("statistics",),
        lead=words("Statistics are based on"),
        scope=PANELS,
        phrases=("statistics are based on", "compliance outcomes", "detailed investigations"),
    )


# --- the sections, in the order the letter reads -----------------------------------------

SECTIONS = (
    Section("letterhead", "letterhead", required=False),
    Section("letter-date", "letter date"),
    Section("delivery", "delivery line ('By email')"),
    Section("addressee", "addressee block"),
    Section("salutation", "salutation"),
    Section("title", "title ('Annual Review letter 2020')"),
    Section("introduction", "introduction", prose=True),
    Section("statistics-explanation", "complaint statistics explanation", prose=True),
    Section("publication", "publication paragraph", prose=True),
    Section("resources", "resources", prose=True),
    Section("seminars", "link officer seminars", prose=True),
    Section("training", "training", prose=True),
    Section("sign-off", "sign-off"),
    Section("panel-header", "statistics panel header", required=False),
    # A panel's heading may be lost in extraction (the panels are an infographic): its
    # statements are what a present panel must hold.
    Section(
        "upheld",
        "complaints upheld panel",
        aliases={"total": "investigations", "total_label": "investigations_label"},
        wording={"total": "detailed investigations"},
        needs=("upheld-rate", "panel-average", "upheld-count", "panel-basis"),
    ),
    Section(
        "compliance",
        "compliance with recommendations panel",
        aliases={"total": "outcomes", "total_label": "outcomes_label"},
        wording={"total": "compliance outcomes"},
        needs=("compliance-rate", "panel-average", "panel-basis", "compliance-note"),
    ),
    Section(
        "remedy",
        "satisfactory remedies panel",
        aliases={"total": "investigations", "total_label": "investigations_label"},
        wording={"total": "detailed investigations"},
        needs=("remedy-rate", "panel-average", "remedy-count", "panel-basis"),
    ),
)

# --- the statements -----------------------------------------------------------------------

STATEMENTS = (
    # Letterhead, date, delivery, addressee, salutation, title.
    Statement(
        "letterhead",
        "letterhead",
        phrase("Local Government {&|and} Social Care Ombudsman") + line_end,
        "Local Government & Social Care Ombudsman",
        keys=("local",),
    ),
    Statement(
        "letter-date",
        "letter-date",
        date("letter_date") + line_end,
        "<day> <month> <year>",
        keys=("#",),
    ),
    Statement(
        "delivery",
        "delivery",
        phrase("By") + pp.Regex(r"e-?mail|post|hand", flags=re.IGNORECASE) + line_end,
        "By email",
        keys=("by",),
    ),
    Statement(
        "addressee",
        "addressee",
        fact("addressee.name", person)
        + pp.Opt(",")
        + fact("addressee.role", role)
        + pp.Opt(",")
        + fact("authority.name", rest_of_line),
        "<name> <role> <authority> (on one line or three)",
        keys=tuple(h.lower() for h in HONORIFICS),
    ),
    Statement(
        "salutation",
        "salutation",
        phrase("Dear") + fact("salutation.name", rest_of_line) + comma_line_end,
        "Dear <name>",
        keys=("dear",),
        lead=words("Dear"),
    ),
    Statement(
        "title",
        "title",
        phrase("Annual Review letter") + fact("title.year", pp.Regex(r"\d{4}\b"), int) + line_end,
        "Annual Review letter <year>",
        keys=("annual",),
        lead=words("Annual Review letter"),
    ),
    # Introduction.
    Statement(
        "introduction",
        "introduction",
        phrase(
            "I write to you with our annual summary of statistics on the decisions made by the "
            "Local Government {&|and} Social Care Ombudsman about your authority for the year ending"
        )
        + date("year_ending")
        + phrase("."),
        "I write to you with our annual summary of statistics ... for the year ending <date>.",
        keys=("i",),
        lead=words("I write to you with our annual summary"),
    ),
    # Complaint statistics: heading, the three key areas, the comparison paragraph.
    Statement(
        "statistics-heading",
        "statistics-explanation",
        phrase("Complaint statistics") + line_end,
        "Complaint statistics",
        keys=("complaint",),
    ),
    Statement(
        "statistics-focus",
        "statistics-explanation",
        phrase("This year, we continue to place our focus on the outcomes of complaints"),
        "This year, we continue to place our focus on the outcomes of complaints ...",
        keys=("this",),
    ),
    Statement(
        "key-area-upheld",
        "statistics-explanation",
        phrase("Complaints upheld") + _key_area_dash + phrase("We uphold complaints"),
        "Complaints upheld - We uphold complaints ...",
        keys=("complaints",),
    ),
    Statement(
        "key-area-compliance",
        "statistics-explanation",
        phrase("Compliance with recommendations") + _key_area_dash + phrase("We recommend"),
        "Compliance with recommendations - We recommend ...",
        keys=("compliance",),
    ),
    Statement(
        "key-area-remedies",
        "statistics-explanation",
        phrase("Satisfactory remedies provided by the authority")
        + _key_area_dash
        + phrase("We want to encourage"),
        "Satisfactory remedies provided by the authority - We want to encourage ...",
        keys=("satisfactory",),
    ),
    Statement(
        "comparison",
        "statistics-explanation",
        phrase(
            "Finally, we compare the three key annual statistics for your authority with similar "
            "types of authorities to work out an average level of performance. We do this for"
        )
        + authority_types,
        "Finally, we compare ... We do this for County Councils, District Councils, "
        "Metropolitan Boroughs, Unitary Councils, and London Boroughs.",
        keys=("finally",),
        lead=words("Finally, we compare the three key annual statistics"),
    ),
    # Publication.
    Statement(
        "publication",
        "publication",
        phrase("This data will be uploaded to our interactive map,")
        + pp.Regex(r"[^,]{1,120}")  # the map's name, hard-wrapped or not
        + phrase(", along with a copy of this letter")
        + pp.Opt(phrase("on") + date("publication_date")),
        "This data will be uploaded to our interactive map, <name>, along with a copy of this "
        "letter on <date>, ...",
        keys=("this",),
        lead=words("This data will be uploaded"),
    ),
    # Resources.
    Statement(
        "resources-heading",
        "resources",
        phrase("Resources to help you get it right") + line_end,
        "Resources to help you get it right",
        keys=("resources",),
    ),
    Statement(
        "resources",
        "resources",
        phrase("There are a range of resources available"),
        "There are a range of resources available ...",
        keys=("there",),
    ),
    # Link officer seminars.
    Statement(
        "seminars",
        "seminars",
        phrase("Earlier this year, we held our link officer seminars in") + cities,
        "Earlier this year, we held our link officer seminars in <cities>.",
        keys=("earlier",),
        lead=words("Earlier this year, we held our link officer seminars"),
    ),
    Statement(
        "seminar-attendance",
        "seminars",
        phrase("Attended by")
        + count("seminars.delegates")
        + pp.Regex(r"delegates?\s+from\b", flags=re.IGNORECASE)
        + count("seminars.authorities")
        + pp.Regex(r"local\s+authorit(?:y|ies)\b", flags=re.IGNORECASE),
        "Attended by <n> delegates from <n> local authorities, ...",
        keys=("attended",),
        lead=words("Attended by"),
    ),
    # Training.
    Statement(
        "training",
        "training",
        phrase("We have a well-established and successful training programme"),
        "We have a well-established and successful training programme ...",
        keys=("we",),
    ),
    Statement(
        "training-courses",
        "training",
        phrase("During the year, we delivered")
        + count("training.courses")
        + pp.Regex(r"courses?\s*,\s*training\s+more\s+than\b", flags=re.IGNORECASE)
        + count("training.people")
        + pp.Regex(r"(?:people|person)\b", flags=re.IGNORECASE),
        "During the year, we delivered <n> courses, training more than <n> people.",
        keys=("during",),
        lead=words("During the year, we delivered"),
    ),
    Statement(
        "training-comparison",
        "training",
        phrase("This is")
        + count("training.more_than_last_year")
        + phrase("more {course|courses} than we delivered last year"),
        "This is <n> more courses than we delivered last year ...",
        keys=("this",),
        lead=r"This\s+is\s+\S+\s+more\s+courses?\b",
    ),
    # Sign-off.
    Statement(
        "sign-off",
        "sign-off",
        phrase("Yours sincerely")
        + pp.Opt(",")
        + pp.Opt(fact("signatory.name", signatory) | unnamed_signatory(signatory_title))
        + pp.ZeroOrMore(signatory_title),
        "Yours sincerely, <signatory>, <titles>",
        keys=("yours",),
    ),
    # Statistics panels.
    Statement(
        "panel-header",
        "panel-header",
        pp.Opt(
            fact(
                "panel_header.authority",
                pp.Regex(
                    r"[^\n]{0,200}?[^\s](?=\s+For\s+the\s+period\s+ending)", flags=re.IGNORECASE
                ),
            )
        )
        + phrase("For the period ending")
        + pp.Opt(":")
        + fact("panel_header.period_end", short_date, parse_short_date),
        "<authority> For the period ending: <dd/mm/yy>",
        probe=re.compile(words("For the period ending"), re.IGNORECASE),
        lead=r"[^\n]{0,200}?\bFor\s+the\s+period\s+ending\b",
    ),
    Statement(
        "upheld-heading",
        "upheld",
        phrase("Complaints upheld") + line_end,
        "Complaints upheld",
        keys=("complaints",),
    ),
    Statement(
        "upheld-rate",
        "upheld",
        percent("upheld.percent") + phrase("of complaints we investigated were upheld."),
        "<n>% of complaints we investigated were upheld.",
        keys=("#",),
        lead=r"\S+\s+of\s+complaints\s+we\s+investigated\b",
        phrases=("complaints we investigated",),
    ),
    Statement(
        "upheld-count",
        "upheld",
        pp.Opt(count("upheld.count")) + label("upheld.count_label", r"upheld\s+decisions?\b"),
        "<n> upheld decisions",
        keys=("#", "upheld"),
        lead=r"\S+\s+upheld\s+decisions?\b",
        phrases=("upheld decision",),
    ),
    Statement(
        "compliance-heading",
        "compliance",
        phrase("Compliance with Ombudsman recommendations") + line_end,
        "Compliance with Ombudsman recommendations",
        keys=("compliance",),
    ),
    compliance_rate(),
    Statement(
        "compliance-note",
        None,
        phrase(
            "Failure to comply with our recommendations is rare. An authority with a compliance "
            "rate below 100% should scrutinise those complaints where it failed to comply and "
            "identify any learning."
        ),
        "Failure to comply with our recommendations is rare. ...",
        keys=("failure",),
        scope=frozenset({"compliance"}),
    ),
    remedy_heading(),
    remedy_rate(),
    Statement(
        "remedy-count",
        "remedy",
        pp.Opt(count("remedy.count"))
        + label("remedy.count_label", r"satisfactory\s+remedy\s+decisions?\b"),
        "<n> satisfactory remedy decisions",
        keys=("#", "satisfactory"),
        lead=r"\S+\s+satisfactory\s+remedy\s+decisions?\b",
        phrases=("satisfactory remedy decision",),
    ),
    Statement(
        "panel-average",
        None,
        phrase("This compares to an average of")
        + percent("*.average")
        + phrase("in similar authorities."),
        "This compares to an average of <n>% in similar authorities.",
        keys=("this",),
        lead=words("This compares to an average"),
        scope=PANELS,
        phrases=("similar authorities",),
    ),
    panel_basis(("detailed investigation", "compliance outcome")),
)

PROFILE = Profile(
    name="2020",
    year=2020,
    sections=SECTIONS,
    statements=STATEMENTS,
    minimum_sections=4,
    anchors=frozenset({"title", "introduction", "upheld", "compliance", "remedy"}),
)
