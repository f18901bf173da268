"""Where the tests' own fixtures live (copies of real material; see ``fixtures/SOURCES.md``).

Every test that needs a real letter, the SARIF schema or the template evidence takes its path
from here, so the suite runs from a fresh clone with nothing beside the repository.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

EXAMPLES = ROOT / "examples"  # the bundled letters the docs' samples are run on
BASE_LETTER = ROOT / "rules" / "base" / "2020.txt"
RULES_DIR = ROOT / "rules"
DOCS_DIR = ROOT / "docs"

SEEDS = FIXTURES / "seeds"
STOCKPORT = SEEDS / "000_15e4eac1a32b7d92.txt"  # Markdown extraction: **67%**, [text](#)
STEVENAGE = SEEDS / "003_f89ee7140bcac910.txt"  # HTML-ish extraction: <u>website</u>

SARIF_SCHEMA = FIXTURES / "external" / "sarif-schema-2.1.0.json"

EVIDENCE = FIXTURES / "evidence"
TEMPLATE_HISTORY = EVIDENCE / "TEMPLATE-HISTORY.md"
STATISTICS_PAGES = EVIDENCE / "lgo-statistics-pages"
