"""The 2022 Annual Review letter: as 2021 (evidence: the panels still read "based on a total
of 13 investigations for the period 1 April 2021 to 31 March 2022", paraphrased in a
council's report; nothing else is known to have changed)."""

from __future__ import annotations

from lgo_audit.grammar.profile_2021 import PROFILE as PROFILE_2021

__all__ = ["PROFILE"]

PROFILE = PROFILE_2021.derive(2022)
