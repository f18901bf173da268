"""The function library of lgo-audit's rules: the functions about Annual Review letters.

The language core (:mod:`lgo_audit.expr`) knows nothing of percentages, dates or people; it
calls the functions declared here, each with its parameter types, result type, null behaviour,
documentation and implementation (see :mod:`lgo_audit.expr._declare`). One module per subject:

* :mod:`.percentages`: ``percent``, ``rounds_half_up_to``, ``round_half_up``, ``places``,
  ``possible_percent``, ``implied_count``;
* :mod:`.dates`: ``date``, ``year``, ``month``, ``day``, ``days_between``, ``financial_year``;
* :mod:`.people`: ``same_person``;
* :mod:`.wording`: ``plural``, ``inflect``, ``grouped``;
* :mod:`.rates`: ``population_possible``, ``implied_population`` (rates per 100,000
  residents);
* :mod:`.ombudsman`: ``signatory_valid_on``, ``signatory_on``, ``issue_month`` (from the
  table of signatories and the template profiles).

To add a function, declare it in the module of its subject (or a new module listed below) and
regenerate the documentation with ``python -m lgo_audit.docs``.
"""

from __future__ import annotations

from lgo_audit.expr._declare import Function
from lgo_audit.expr.library import dates, ombudsman, people, percentages, rates, wording

__all__ = ["GROUPS", "LIBRARY"]

#: The subjects of the library, in the order the documentation lists them.
GROUPS: tuple[str, ...] = (
    percentages.GROUP,
    rates.GROUP,
    dates.GROUP,
    people.GROUP,
    wording.GROUP,
    ombudsman.GROUP,
)

#: Every function of the library.
LIBRARY: tuple[Function, ...] = (
    *percentages.FUNCTIONS,
    *rates.FUNCTIONS,
    *dates.FUNCTIONS,
    *people.FUNCTIONS,
    *wording.FUNCTIONS,
    *ombudsman.FUNCTIONS,
)
