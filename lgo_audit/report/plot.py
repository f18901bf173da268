"""The HTML report's *year at a glance*: each document's upheld, compliance and remedy rates
against the similar authorities' averages it states, one small-multiples plot per authority
type.

This module works out what the plot shows and where (SVG coordinates, as text); the markup is
``templates/_glance.html.j2`` and the style ``static/report.css``. It imports nothing of the
HTML report's libraries; what it plots (:data:`PLOT_FACTS`, the measures) is declared in
:mod:`lgo_audit.report.plotted`, which a check reads when it is set up.

How it reads: for each authority type (the register's ``authority.type``; ``Unknown type``
when the council is not in the register) one plot with three panels, upheld, compliance and
remedy. In a panel a document is one point, at the rate it states (x) and the average it
states (y), both 0-100%; the dashed diagonal is "rate = average", so a point right of it
states a rate above its average, left of it below. The documents of one type should state one
average, so their points line up: one off the line states another average. A document with
an arithmetic (LGO1xx) or batch and data (LGO5xx) finding is a triangle, the others circles;
a statistics page (``document.kind`` "page") is hollow, a letter filled. A figure the document
does not state (the rate, or the average) leaves it out of that panel, never plotted as 0,
and the panel's note names it. Each point is a link to the document's section of the page,
with a title "Council — measure rate% (stated average avg%)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any, TypeVar

from lgo_audit.findings import FactValue, FileResult
from lgo_audit.report.plotted import MEASURES, PLOT_FACTS, Measure
from lgo_audit.report.plotted import NAME_FACTS as _NAME_FACTS

__all__ = [
    "MEASURES",
    "PLOT_FACTS",
    "TYPES",
    "UNKNOWN_TYPE",
    "Glance",
    "GlanceDocument",
    "Group",
    "glance_document",
    "glance_of",
    "year_at_a_glance",
]


TYPES = ("County", "District", "Metropolitan Borough", "Unitary", "London Borough")
"""The register's authority types, in the order the plots come (others after, by name)."""

UNKNOWN_TYPE = "Unknown type"

T = TypeVar("T")
_FLAGGED = re.compile(r"LGO[15]\d\d")
_KIND_LABEL = {"letter": "letter", "page": "statistics page"}

# Geometry (SVG user units): three panels side by side, each a square plot with its margins.
_SIZE = 150  # the plot square: 0-100% on both axes
_LEFT = 50  # room for the y axis' labels and title
_RIGHT = 14
_TOP = 26  # the panel's title
_BOTTOM = 38  # the x axis' labels and title
_PANEL = _LEFT + _SIZE + _RIGHT
WIDTH = _PANEL * len(MEASURES)
HEIGHT = _TOP + _SIZE + _BOTTOM
_TICKS = (0, 25, 50, 75, 100)


def _n(value: float) -> str:
    """A coordinate as the SVG says it: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True, slots=True)
class Point:
    href: str  # the document's section: "#letter-N"
    letter: int
    title: str  # "Council — measure rate% (stated average avg%)"
    flagged: bool  # an LGO1xx or LGO5xx finding: a triangle
    kind: str  # "letter" (filled) or "page" (hollow)
    cx: str
    cy: str
    triangle: str  # the triangle's path ("" for a circle)


@dataclass(frozen=True, slots=True)
class Tick:
    label: str
    x: str  # on the x axis
    y: str  # on the y axis


@dataclass(frozen=True, slots=True)
class Panel:
    measure: Measure
    x0: str  # the plot square's left edge
    x1: str  # its right edge
    title_x: str  # the middle of the square
    tick_x: str  # where the y axis' labels end
    axis_x: str  # the y axis' title (turned a quarter about its point)
    axis_y: str
    ticks: list[Tick]
    points: list[Point]
    left_out: list[tuple[str, str]]  # (href, council) of documents without the figures


@dataclass(frozen=True, slots=True)
class Group:
    """One authority type: its plot (three panels) and what it leaves out."""

    type: str
    slug: str  # for its id
    documents: int
    panels: list[Panel]
    label: str  # the svg's aria-label

    @property
    def plotted(self) -> int:
        return sum(len(p.points) for p in self.panels)


# Plot space: y grows downwards; the square's top is 100%.
_Y0 = _TOP + _SIZE  # 0% on the y axis
_TICK_LABELS = {t: f"{t}%" if t in (0, 100) else str(t) for t in _TICKS}


def _x(panel: int, percent: Decimal) -> float:
    return panel * _PANEL + _LEFT + float(min(max(percent, Decimal(0)), Decimal(100))) * _SIZE / 100


def _y(percent: Decimal) -> float:
    return _Y0 - float(min(max(percent, Decimal(0)), Decimal(100))) * _SIZE / 100


def _percent(fact: FactValue | None) -> Decimal | None:
    if fact is None:
        return None
    value = fact.value
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None


def _shown(value: Decimal) -> str:
    return f"{value:f}%"


def _council(result: FileResult) -> str:
    for name in _NAME_FACTS:
        fact = result.facts.get(name)
        if fact is not None and isinstance(fact.value, str) and fact.value.strip():
            return fact.value
    return PurePath(result.path).name


def _kind(result: FileResult) -> str:
    fact = result.facts.get("document.kind")
    value = fact.value if fact is not None else None
    return value if isinstance(value, str) and value else "letter"


def _type(result: FileResult) -> str:
    fact = result.facts.get("authority.type")
    value = fact.value if fact is not None else None
    return value if isinstance(value, str) and value else UNKNOWN_TYPE


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "type"


def _triangle(cx: float, cy: float) -> str:
    return f"M{_n(cx)} {_n(cy - 6)}L{_n(cx + 5.5)} {_n(cy + 4)}L{_n(cx - 5.5)} {_n(cy + 4)}Z"


@dataclass(frozen=True, slots=True)
class GlanceDocument:
    """What the plot needs of one document (:func:`glance_document`): its number on the page,
    council, kind, authority type, LGO1xx and LGO5xx codes, and each measure's rate and
    average (None where it states none)."""

    number: int
    council: str
    kind: str
    type: str
    codes: tuple[str, ...]
    figures: tuple[tuple[Decimal | None, Decimal | None], ...]  # per measure: rate, average


def glance_document(
    number: int, result: FileResult, same: dict[object, Any] | None = None
) -> GlanceDocument | None:
    """The plot's view of ``result``, numbered ``number`` on the page (None for a result that
    was not read, or the statistics table's own findings). Equal values are kept once in
    ``same`` (when given): a batch's documents share most of them."""
    if result.error is not None or result.kind == "table" or not result.facts:
        return None
    kept: dict[object, Any] = {} if same is None else same

    def shared(value: T) -> T:  # 59 and 59.0 are equal, but each is shown as written
        return kept.setdefault((type(value), str(value)), value)  # type: ignore[no-any-return]

    figures = tuple(
        (
            shared(_percent(result.facts.get(m.rate))),
            shared(_percent(result.facts.get(m.average))),
        )
        for m in MEASURES
    )
    codes = tuple(sorted({f.code for f in result.findings if _FLAGGED.fullmatch(f.code)}))
    return GlanceDocument(
        number,
        shared(_council(result)),
        shared(_kind(result)),
        shared(_type(result)),
        shared(codes),
        figures,
    )


def _panel(index: int, measure: Measure, documents: Sequence[GlanceDocument]) -> Panel:
    points: list[Point] = []
    left_out: list[tuple[str, str]] = []
    for doc in documents:
        href = f"#letter-{doc.number}"
        rate, average = doc.figures[index]
        if rate is None or average is None:
            left_out.append((href, doc.council))
            continue
        who = doc.council if doc.kind == "letter" else f"{doc.council} ({_label(doc.kind)})"
        title = f"{who} \u2014 {measure.key} {_shown(rate)} (stated average {_shown(average)})"
        if doc.codes:
            title += f" \u2014 findings {', '.join(doc.codes)}"
        cx, cy = _x(index, rate), _y(average)
        points.append(
            Point(
                href=href,
                letter=doc.number,
                title=title,
                flagged=bool(doc.codes),
                kind=doc.kind,
                cx=_n(cx),
                cy=_n(cy),
                triangle=_triangle(cx, cy) if doc.codes else "",
            )
        )
    points.sort(key=lambda p: p.flagged)  # drawn last, on top of points at the same place
    left = index * _PANEL + _LEFT
    return Panel(
        measure=measure,
        x0=_n(left),
        x1=_n(left + _SIZE),
        title_x=_n(left + _SIZE / 2),
        tick_x=_n(left - 5),
        axis_x=_n(left - 36),
        axis_y=_n(_TOP + _SIZE / 2),
        ticks=[
            Tick(_TICK_LABELS[t], _n(left + t * _SIZE / 100), _n(_Y0 - t * _SIZE / 100))
            for t in _TICKS
        ],
        points=points,
        left_out=left_out,
    )


def _label(kind: str) -> str:
    return _KIND_LABEL.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Glance:
    """The whole plot: its groups, and what the template needs to draw them."""

    groups: list[Group]
    pages: bool  # a statistics page among the documents: the legend explains hollow points
    width: int = WIDTH
    height: int = HEIGHT
    top: int = _TOP  # 100% on the y axis
    bottom: int = _Y0  # 0%
    key_triangle: str = "M7 1L13 12L1 12Z"  # the legend's triangle


def year_at_a_glance(results: Iterable[FileResult]) -> Glance | None:
    """The plot's groups, one per authority type with a document, in :data:`TYPES`' order
    (other types by name, then the unknown type); None when no document has a figure to plot.

    Documents are the results that were read (not the statistics table's own findings), each
    numbered as the page numbers its section (``#letter-N``, from 1 in ``results``' order)."""
    same: dict[object, Any] = {}
    documents = (glance_document(n, r, same) for n, r in enumerate(results, start=1))
    return glance_of([d for d in documents if d is not None])


def glance_of(documents: Sequence[GlanceDocument]) -> Glance | None:
    """:func:`year_at_a_glance` of the documents' views (:func:`glance_document`)."""
    by_type: dict[str, list[GlanceDocument]] = {}
    for document in documents:
        by_type.setdefault(document.type, []).append(document)
    order = [
        *(t for t in TYPES if t in by_type),
        *sorted(t for t in by_type if t not in TYPES and t != UNKNOWN_TYPE),
        *([UNKNOWN_TYPE] if UNKNOWN_TYPE in by_type else []),
    ]
    groups = []
    for name in order:
        documents = by_type[name]
        panels = [_panel(i, m, documents) for i, m in enumerate(MEASURES)]
        counts = ", ".join(f"{p.measure.key} {len(p.points)}" for p in panels)
        noun = "document" if len(documents) == 1 else "documents"
        label = (
            f"{name}: rate stated against the average stated, {len(documents)} {noun} "
            f"(plotted: {counts})"
        )
        groups.append(Group(name, _slug(name), len(documents), panels, label))
    if not any(g.plotted for g in groups):
        return None
    pages = any(d.kind != "letter" for documents in by_type.values() for d in documents)
    return Glance(groups, pages)
