"""What the HTML report's *year at a glance* (:mod:`lgo_audit.report.plot`) plots: its three
measures and the facts it reads.

Apart from the plot's code so that the report registry can say which facts the HTML report
keeps (:data:`PLOT_FACTS`) without a check that writes another format importing that code
(its classes cost a few milliseconds at start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MEASURES", "NAME_FACTS", "PLOT_FACTS", "Measure"]


@dataclass(frozen=True, slots=True)
class Measure:
    """One of the three rates the year-at-a-glance plot shows, and the facts it reads."""

    key: str  # upheld, compliance, remedy
    label: str  # as the panel's title says it
    rate: str  # the fact of the rate the document states
    average: str  # the fact of the similar authorities' average it states


MEASURES = (
    Measure("upheld", "Upheld", "upheld.percent", "upheld.average"),
    Measure("compliance", "Compliance", "compliance.percent", "compliance.average"),
    Measure("remedy", "Remedy", "remedy.percent", "remedy.average"),
)

NAME_FACTS = ("authority.name", "panel_header.authority")
"""The facts that name a document's council, the first stated first."""
PLOT_FACTS = frozenset(
    {
        *NAME_FACTS,
        "authority.type",
        "document.kind",
        *(m.rate for m in MEASURES),
        *(m.average for m in MEASURES),
    }
)
"""The facts the plot reads: a check that writes an HTML report keeps them."""
