"""The section grammar: one profile per template year, one recogniser for all of them.

To support a later year's template, write ``profile_<year>.py`` beside ``profile_2020.py``
(reusing :mod:`lgo_audit.grammar.elements`) and add its year to :data:`PROFILES`; nothing
else in the pipeline changes.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from functools import cache

from lgo_audit.grammar.kind import document_kind, page_year, search_top_first
from lgo_audit.grammar.profile import Profile, Section, Statement
from lgo_audit.grammar.recognise import Chunk, Matched, Recogniser, Unrecognised

__all__ = [
    "DEFAULT_PROFILE",
    "PAGE_PROFILES",
    "PROFILES",
    "Chunk",
    "Matched",
    "Profile",
    "Recogniser",
    "Section",
    "Statement",
    "Unrecognised",
    "document_kind",
    "document_year",
    "nearest_profile",
    "page_year",
    "profile_named",
    "recogniser",
    "select_profile",
    "title_year",
]


class _LetterProfiles(Mapping[str, Profile]):
    """The profile of each template year, by its name (the year), oldest first: the
    ``PROFILE`` of module ``lgo_audit.grammar.profile_<year>``, built the first time it is
    asked for. A letter's check builds its own year's (with those it is written as changes
    to), not every year's: the grammar of a year costs about a millisecond to build."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._built: dict[str, Profile] = {}

    def __getitem__(self, name: str) -> Profile:
        built = self._built.get(name)
        if built is None:
            if name not in self._names:
                raise KeyError(name)
            module = importlib.import_module(f"{__name__}.profile_{name}")
            built = self._built[name] = module.PROFILE
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        return f"PROFILES({list(self)})"


PROFILES: Mapping[str, Profile] = _LetterProfiles(("2020", "2021", "2022", "2023", "2024", "2025"))
"""Every template year, oldest first; each later profile is written as what changed."""
DEFAULT_PROFILE = "2020"


class _PageProfiles(Mapping[str, Profile]):
    """The page profile of each year of :data:`PROFILES`, built the first time it is asked for:
    the page grammar (:mod:`lgo_audit.grammar.page`) is imported only when a page is read, never
    for a letter."""

    def __init__(self) -> None:
        self._built: dict[str, Profile] = {}

    def __getitem__(self, name: str) -> Profile:
        built = self._built.get(name)
        if built is None:
            from lgo_audit.grammar.page import page_profile

            built = self._built[name] = page_profile(PROFILES[name])
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(PROFILES)

    def __len__(self) -> int:
        return len(PROFILES)

    def __contains__(self, name: object) -> bool:
        return name in PROFILES

    def __repr__(self) -> str:
        return f"PAGE_PROFILES({list(self)})"


PAGE_PROFILES: Mapping[str, Profile] = _PageProfiles()
"""The statistics page of each template year, by the year's name (a page of the 2022-23 data
is read with ``PAGE_PROFILES["2023"]``, named ``2023-page``): the letter's panels in the
page's frame (:mod:`lgo_audit.grammar.page`)."""


def profile_named(name: str) -> Profile:
    """A letter profile (``2024``) or a page profile (``2024-page``) by its name."""
    if name in PROFILES:
        return PROFILES[name]
    return PAGE_PROFILES[name.removesuffix("-page")]


_TITLE_YEAR = re.compile(r"Annual\s+Review\s+letter\s+(\d{4})\b", re.IGNORECASE)


def title_year(text: str) -> int | None:
    """The year of "Annual Review letter <year>" (the title: near the top of ``text``, else
    the first further down), if any."""
    m = search_top_first(_TITLE_YEAR, text)
    return int(m.group(1)) if m is not None else None


def document_year(text: str, kind: str) -> int | None:
    """The year of a letter (its title's) or of a statistics page (its period's end)."""
    return page_year(text) if kind == "page" else title_year(text)


def select_profile(text: str, requested: str | None = None, kind: str = "letter") -> Profile:
    """The profile named by ``requested`` (a year: for a page, that year's page profile),
    else the one for the document's year (a letter's title, a page's period). A year with
    no profile of its own is read with the nearest: the latest profile not newer than it (a
    later year's letter with the latest template, moved on a year: its period, dates and
    issue month follow the title), or 2020 for an earlier year, a page's as a letter's (the
    parse reports it: ``template-year-assumed``). A page without a period is read with the
    latest page profile (the parse then tries the others: :mod:`lgo_audit.parse`)."""
    profiles = PAGE_PROFILES if kind == "page" else PROFILES
    if requested is not None:
        return profiles[requested]
    year = document_year(text, kind)
    if year is not None:
        return profiles[nearest_profile(year) or DEFAULT_PROFILE]
    if kind == "page":
        return profiles[max(PROFILES, key=int)]
    return PROFILES[DEFAULT_PROFILE]


def nearest_profile(year: int) -> str | None:
    """The name of the profile a document of ``year`` is read with: the latest profile not
    newer than it, if any (found by name: no profile is built)."""
    fitting = [name for name in PROFILES if int(name) <= year]
    return max(fitting, key=int) if fitting else None


@cache
def recogniser(profile_name: str, fused: bool = True) -> Recogniser:
    """The recogniser for a profile, built once per process. Fusing each statement into one
    regular expression costs ~20 ms once and saves ~0.3 ms a letter: worth it for a batch,
    not for one letter checked from the command line or a pre-commit hook."""
    return Recogniser(profile_named(profile_name), fused=fused)
