"""The generated letters' panel wording is the evidence's: each rendered panel sentence of a
year occurs, figures and the council's name aside (and whitespace), in that year's
statistics-page texts (``tests/fixtures/evidence/lgo-statistics-pages/``), or in the 2020
seed letter for the 2020 wording (2020 to 2022). A profile or a renderer that drifts from the
evidence fails here."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from tests.letters import LetterFacts, Style, paragraphs, random_letter_facts
from tests.paths import STATISTICS_PAGES, STOCKPORT

PAGES = {
    2023: ("london-borough-of-camden_2022-23.txt",),
    2024: (
        "hertfordshire-county-council_2023-24_render2.txt",
        "cheltenham-borough-council_2023-24_render2.txt",
    ),
    2025: ("kent-county-council_2024-25_b.txt", "leeds-city-council_2024-25_b.txt"),
}
# What a year's pages do not show (cut, or the second rendering only): checked against the
# pages of the year named. 2025's pages are cut inside the upheld panel.
NOT_SHOWN = {
    2023: {"upheld_label": 2024, "compliance_label": 2024, "remedy_label": 2024},
    2025: {
        key: 2024
        for key in (
            "upheld_label", "upheld_count", "per_100k_average", "upheld_basis",
            "heading:compliance-with-ombudsman-recommendations", "compliance_label",
            "compliance_percent", "compliance_average", "compliance_basis", "compliance_none",
            "heading:satisfactory-remedies-provided-by-the-council", "remedy_label",
            "remedy_percent", "remedy_average", "remedy_count", "remedy_basis", "remedy_none",
        )
    },
}  # fmt: skip
FRAME = {
    "heading:local-government-social-care-ombudsman", "letter_date", "by-email",
    "addressee_block", "salutation", "title_year", "year_ending", "yours-sincerely",
    "signatory",
}  # fmt: skip
COUNCILS = (
    "London Borough of Camden", "Hertfordshire County Council", "Cheltenham Borough Council",
    "Kent County Council", "Leeds City Council", "Stockport Metropolitan Borough Council",
)  # fmt: skip
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*%?")
_SINGULAR = re.compile(r"\b(investigation|decision|outcome|complaint)\b")


def shape(text: str, council: str | None = None) -> str:
    """The wording alone: figures as #, councils as C, no markup, no whitespace."""
    text = text.replace("**", "").replace("\u2019", "'")
    # a count of one takes the singular ("1 investigation", "1 was"): the pages show plurals
    text = _SINGULAR.sub(r"\1s", text).replace(" was not for us", " were not for us")
    for name in (council, *COUNCILS):
        if name:
            text = text.replace(name, "C")
    return re.sub(r"\s+", "", _FIGURE.sub("#", text))


def page_text(year: int) -> str:
    return "\n".join(
        shape((STATISTICS_PAGES / name).read_text(encoding="utf-8")) for name in PAGES[year]
    )


def _letters(year: int) -> list[tuple[LetterFacts, Style]]:
    """Letters of ``year`` in both renderings, with figures and with the zero cases."""
    rng = random.Random(year)
    found = []
    for index in range(12):
        facts = random_letter_facts(rng, (year,))
        if index % 3 == 0:  # no upheld complaint (2024 on: the zero-case sentences)
            facts = dataclasses.replace(
                facts, upheld_count=0, remedy_count=0, compliance_outcomes=0
            )
        style = Style(split_panel_lines=index % 2 == 1, panel_labels=index % 2 == 1)
        found.append((facts, style))
    return found


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_each_rendered_panel_sentence_is_on_the_years_statistics_pages(year):
    pages = {y: page_text(y) for y in PAGES}
    seen = set()
    for facts, style in _letters(year):
        for key, text in paragraphs(facts, style):
            if key in FRAME:
                continue
            source = NOT_SHOWN.get(year, {}).get(key, year)
            assert shape(text, facts.authority) in pages[source], (year, key, text, source)
            seen.add(key)
    assert {"upheld_percent", "per_100k", "per_100k_average", "upheld_basis"} & seen


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_each_rendered_panel_sentence_of_the_2020_wording_is_in_the_seed_letter(year):
    seed = shape(STOCKPORT.read_text(encoding="utf-8"))
    for facts, style in _letters(year):
        panels = False
        for key, text in paragraphs(facts, style):
            panels = panels or key == "heading:complaints-upheld"
            if panels and key not in FRAME:
                assert shape(text, facts.authority) in seed, (year, key, text)
