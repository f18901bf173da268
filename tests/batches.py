"""Generated batches: a year's consistent letters to real councils and the table they come from.

A batch is what the Ombudsman's team checks before publication: one letter per council, one
year, one letter date, one publication date, one signatory, and one set of "similar
authorities" averages per authority type, all made from one statistics table. Tests inject a
single disagreement into such a batch and prove the batch rules see it (and only it).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lgo_audit.register import Register
from tests.letters import (
    ISSUE_MONTH,
    LATEST,
    LetterFacts,
    Style,
    random_letter_facts,
    random_style,
    render,
    signatory_for,
    stated_percent,
)

TYPES = ("County", "District", "Metropolitan Borough", "Unitary", "London Borough")


@dataclass(frozen=True)
class Batch:
    letters: tuple[LetterFacts, ...]
    styles: tuple[Style, ...]
    types: tuple[str, ...]

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for index, (facts, style) in enumerate(zip(self.letters, self.styles, strict=True)):
            path = folder / f"letter-{index:03d}.txt"
            path.write_bytes(render(facts, style))
            paths.append(path)
        return paths

    def table(self) -> str:
        """The statistics table the batch is made from (CSV)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["authority", "year", "type", "investigations", "upheld", "remedies",
             "compliance_outcomes", "compliance_percent", "upheld_average",
             "compliance_average", "remedy_average"]
        )  # fmt: skip
        for facts, kind in zip(self.letters, self.types, strict=True):
            writer.writerow(
                [facts.authority, facts.title_year, kind, facts.investigations,
                 facts.upheld_count, facts.remedy_count, facts.compliance_outcomes,
                 facts.compliance_percent, facts.upheld_average, facts.compliance_average,
                 facts.remedy_average]
            )  # fmt: skip
        return out.getvalue()

    def replace(self, index: int, facts: LetterFacts) -> Batch:
        letters = list(self.letters)
        letters[index] = facts
        return dataclasses.replace(self, letters=tuple(letters))


def consistent_batch(
    size: int, seed: int, year: int = 2020, plain: bool = False, encoding: str | None = None
) -> Batch:
    """``size`` letters to distinct real councils of every type, consistent as a batch.

    Any title year: 2020 to 2022 in the 2020 wording, 2023 on in their own templates (a year
    after the latest read with the latest, an earlier one with 2020's: ``template-year-assumed``,
    info, is then the one note expected). Each year's letters are dated in its issue month and
    signed by the Ombudsman then in post. ``encoding`` writes every letter in one encoding.
    """
    rng = random.Random(seed)
    register = Register.load()
    month = ISSUE_MONTH.get(year, 5) if year >= 2020 else 7
    letter_date = dt.date(year, month, 22)
    by_type: dict[str, list[str]] = {t: [] for t in TYPES}
    for authority in sorted(register, key=lambda a: a.code):
        own = authority.own_name(letter_date)  # the name the council styles itself by then
        if authority.existed_during(letter_date, letter_date) and "," not in own:
            by_type[authority.type].append(own)
    averages = {t: tuple(Decimal(rng.randint(0, 100)) for _ in range(3)) for t in TYPES}
    later = year >= 2023  # a later template: the per 100,000 average is one per type too
    per_100k_averages = {t: Decimal(rng.randint(1, 300)).scaleb(-1) for t in TYPES} if later else {}
    signatory, signatory_title = signatory_for(year) if year >= 2019 else signatory_for(2019)
    publication = letter_date + dt.timedelta(days=7)
    letters, styles, types = [], [], []
    chosen = set()
    for index in range(size):
        # each type in turn; past the fewest councils of a type, the types that have more
        kinds = [TYPES[(index + k) % len(TYPES)] for k in range(len(TYPES))]
        kind = next(k for k in kinds if any(n not in chosen for n in by_type[k]))
        name = rng.choice([n for n in by_type[kind] if n not in chosen])
        chosen.add(name)
        authority = name
        base = random_letter_facts(rng, (min(year, LATEST),)) if later else random_letter_facts(rng)
        end = dt.date(year, 3, 31)
        period = (dt.date(year - 1, 4, 1), end)
        upheld_average, compliance_average, remedy_average = averages[kind]
        facts = base.replace(
            authority=authority,
            header_authority=authority,
            title_year=year,
            year_ending=end,
            header_period_end=end,
            upheld_period=period,
            compliance_period=period,
            remedy_period=period,
            letter_date=letter_date,
            publication_date=publication,
            signatory=signatory,
            signatory_title=signatory_title,
            upheld_average=upheld_average,
            compliance_average=compliance_average,
            remedy_average=remedy_average,
            per_100k_average=per_100k_averages.get(kind, base.per_100k_average),
        )
        letters.append(facts)
        style = Style() if plain else random_style(rng)
        if encoding is not None:
            style = dataclasses.replace(style, encoding=encoding)
        styles.append(style)
        types.append(kind)
    return Batch(tuple(letters), tuple(styles), tuple(types))


def with_upheld_count(facts: LetterFacts, count: int) -> LetterFacts:
    """The letter with another upheld count and the rate that goes with it (still consistent)."""
    places = 0 if facts.upheld_percent == facts.upheld_percent.to_integral_value() else 1
    return facts.replace(
        upheld_count=count,
        upheld_percent=stated_percent(count, facts.investigations, places),
        remedy_count=0,
        remedy_percent=Decimal(0),
    )
