"""Generate the reference documentation from the code: ``docs/rules.md`` and ``docs/facts.md``.

``docs/rules.md`` is the rule reference, made from the bundled rule set
(:func:`lgo_audit.rules.load_rules`): an index table, then one section per rule with its
explanation, invariant, fix and examples. ``docs/facts.md`` is the fact vocabulary, made from
the catalogue of facts (:data:`lgo_audit.grammar.facts.FACTS`: name, kind, meaning, the
statistics table's column) and the template profiles (which years state each fact), plus the
other names rules may use. The function
reference in ``docs/writing-rules.md`` (between its ``BEGIN functions`` and ``END functions``
markers; the rest of that file is written by hand) is made from the declarations of the
functions of the expression language (:data:`lgo_audit.expr.FUNCTIONS`).

Usage::

    python -m lgo_audit.docs            # write docs/rules.md, docs/facts.md and the function
                                        # reference of docs/writing-rules.md
    python -m lgo_audit.docs --check    # exit 1 (one line on stderr) if any is stale

The output depends only on the rule files and the code: no dates, versions or machine paths, so
regenerating unchanged inputs gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from lgo_audit import expr
from lgo_audit.checks import CHECKS, LINK_NAMES, MESSAGE_NAMES, SECTION_NAMES
from lgo_audit.grammar import PROFILES
from lgo_audit.grammar.facts import FACTS, KINDS
from lgo_audit.grammar.facts import Fact as CatalogueFact
from lgo_audit.rules import Rule, RuleLoadError, load_rules
from lgo_audit.vocabulary import DOCUMENT_NAMES, REGISTER_NAMES, applicable_facts

__all__ = [
    "DOCS_DIR",
    "generated",
    "main",
    "render_facts",
    "render_rules",
    "render_writing_rules",
]

DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"
"""The ``docs/`` folder of a checkout (the generated files are committed there). An installed
package has none: ``main`` then needs ``--docs-dir``."""

REGENERATE = "python -m lgo_audit.docs"

_CATEGORIES = {
    "structure": (
        "Structure",
        "0xx",
        "The grammar's structural checks: is the file a letter in the template's shape?",
    ),
    "arithmetic": ("Arithmetic", "1xx", "Figures that must agree with each other."),
    "dates": ("Dates", "2xx", "Dates that must exist and agree with the period reviewed."),
    "parties": ("Parties", "3xx", "The people and the council the letter names."),
    "language": ("Language", "4xx", "Wording left wrong by the template or the merge."),
    "batch": ("Batch", "5xx", "Checks across a batch of letters."),
    "other": ("Other", "", ""),
}

# --- Markdown helpers ------------------------------------------------------------------------


def _code(text: str) -> str:
    """``text`` as inline code: newlines shown as ``\\n``, backticks fenced safely."""
    text = text.replace("\n", "\\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1)[\s\S])+?\1")


def _prose(text: str) -> str:
    """Markdown prose with ``<`` outside code spans escaped, so that wording such as
    ``"for the period between <start> to <end>"`` is shown instead of taken for an HTML tag."""
    out: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(text[position : span.start()].replace("<", "&lt;"))
        out.append(span.group())
        position = span.end()
    out.append(text[position:].replace("<", "&lt;"))
    return "".join(out)


def _block(text: str, language: str = "") -> list[str]:
    """A fenced code block longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return [f"{fence}{language}", *text.rstrip("\n").split("\n"), fence]


def _demote(markdown: str, levels: int) -> str:
    """Push the headings of ``markdown`` down ``levels`` levels and escape ``<`` in its prose
    (fenced code left alone)."""
    out: list[str] = []
    prose: list[str] = []  # the current run of lines outside fenced code
    fence: str | None = None
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker is not None:
            if fence is None:
                fence = marker.group(1)
                if prose:
                    out.append(_prose("\n".join(prose)))
                prose = []
            elif stripped.startswith(fence):
                fence = None
            out.append(line)
        elif fence is None:
            prose.append("#" * levels + line if re.match(r"#{1,6} ", line) else line)
        else:
            out.append(line)
    if prose:
        out.append(_prose("\n".join(prose)))
    return "\n".join(out)


def _join(lines: Iterable[str]) -> str:
    """Lines to text: runs of blank lines collapsed to one, exactly one final newline."""
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


# --- docs/rules.md -------------------------------------------------------------------------


def _fix_text(rule: Rule) -> str:
    return "—" if rule.fix is None else rule.fix.applicability.value


def _index(rules: Sequence[Rule]) -> Iterator[str]:
    yield "| Code | Name | Severity | Fix | Summary |"
    yield "|------|------|----------|-----|---------|"
    for rule in rules:
        yield (
            f"| [{rule.code}](#{rule.code.lower()}) | `{rule.name}` | {rule.severity.value} "
            f"| {_fix_text(rule)} | {_prose(_cell(rule.summary))} |"
        )


def _invariant(rule: Rule) -> Iterator[str]:
    yield "#### Invariant"
    yield ""
    if rule.kind == "structure":
        yield (
            f"A structural check of the grammar: `{rule.check}` (see "
            "[grammar.md](grammar.md#structural-findings)). Each issue the check finds is a "
            "finding."
        )
    elif rule.kind == "text":
        yield (
            "Text patterns (regular expressions) searched in the normalised text of the letter; "
            "each match is a finding (`match` in the message is the matched text):"
        )
        yield ""
        yield from _block("\n".join(pattern.pattern for pattern in rule.patterns), "regex")
    elif rule.kind == "fact":
        yield from _fact_invariant(rule)
    elif rule.kind == "batch":
        yield from _batch_invariant(rule)
    elif rule.kind == "data":
        yield from _data_invariant(rule)
    else:
        yield from _other_invariant(rule)
    yield ""
    yield f"Message: {_code(rule.message_source)}"


_DESCRIPTIVE_KEYS = frozenset(
    {"code", "name", "severity", "summary", "explanation", "kind", "message", "fix", "examples"}
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def _other_invariant(rule: Rule) -> Iterator[str]:
    """A kind without its own description here: the keys that define it, as in the file."""
    keys = [key for key in rule.raw if key not in _DESCRIPTIVE_KEYS]
    yield f"A `{rule.kind}` rule, defined by:"
    yield ""
    yield from _block("\n".join(f"{key} = {_toml_value(rule.raw[key])}" for key in keys), "toml")


def _bindings(each: list[dict[str, str]]) -> Iterator[str]:
    names = list(each[0])
    yield f"Run once for each of these bindings ({len(each)}):"
    yield ""
    yield "| " + " | ".join(f"`{name}`" for name in names) + " |"
    yield "|" + "|".join("---" for _ in names) + "|"
    for entry in each:
        yield "| " + " | ".join(_cell(_code(str(entry[name]))) for name in names) + " |"
    yield ""


def _batch_invariant(rule: Rule) -> Iterator[str]:
    raw = rule.raw
    group = ", ".join(_code(name) for name in raw.get("group", ()))
    yield (
        f"A cross-letter rule: the letters of one run are grouped by {group} (a letter without "
        "one of them is left out), and each group of two or more letters is judged together."
    )
    yield ""
    if isinstance(raw.get("each"), list):
        yield from _bindings(raw["each"])
    check = raw.get("check")
    if check:
        what = CHECKS[check].finds if check in CHECKS else "the letters of a group together"
        yield f"A cross-document check, `{check}`: {what}."
    elif raw.get("unique"):
        yield "At most one letter per group: the second and later letters (by path) fire."
    else:
        yield "Every letter of a group must give the same value of"
        yield ""
        yield from _block(f"agree: {raw.get('agree')}")
        yield ""
        yield (
            "The letters whose value differs from the majority's fire: the value more letters "
            "give than any other, even fewer than half of them (all of them fire when two "
            "values are given by as many letters)."
        )
    yield ""
    yield "Points to: " + ", ".join(_code(name) for name in rule.at) + "."


def _data_invariant(rule: Rule) -> Iterator[str]:
    check = str(rule.raw.get("check"))
    what = CHECKS[check].finds if check in CHECKS else "the letters against the statistics table"
    yield f"A reconciliation with the statistics table given by `--data`: `{check}` checks {what}."
    compare = rule.raw.get("compare")
    if compare:
        yield ""
        yield "| Fact | Column |"
        yield "|------|--------|"
        for pair in compare:
            yield f"| `{pair['fact']}` | `{pair['column']}` |"
    if rule.at:
        yield ""
        yield "Points to: " + ", ".join(_code(name) for name in rule.at) + "."


def _fact_invariant(rule: Rule) -> Iterator[str]:
    raw = rule.raw
    each = raw.get("each")
    if each == "links":
        yield (
            "Run once for each hyperlink of the letter, with `it.text` and `it.target` bound to "
            "its text and target; `it` in `at` is the link."
        )
        yield ""
    elif isinstance(each, list):
        yield from _bindings(each)
    lets = raw.get("let", {})
    if lets:
        yield "With these names (`let`):"
        yield ""
        yield from _block("\n".join(f"{name} = {source}" for name, source in lets.items()))
        yield ""
    body = []
    if rule.when_source:
        body.append(f"when:   {rule.when_source}")
    body.append(f"assert: {rule.assert_source}")
    yield from _block("\n".join(body))
    yield ""
    yield "Points to: " + ", ".join(_code(name) for name in rule.at) + "."


def _fix(rule: Rule) -> Iterator[str]:
    yield "#### Fix"
    yield ""
    if rule.fix is None:
        yield "None: the finding has to be corrected by hand."
        return
    level = (
        "with `--fix`" if rule.fix.applicability.value == "safe" else "with `--fix --unsafe-fixes`"
    )
    yield (
        f"**{rule.fix.applicability.value}** (applied {level}): rewrites {_code(rule.fix.at)} "
        "with the text of"
    )
    yield ""
    yield from _block(rule.fix.source)
    yield ""
    yield f"Described as: {_code(rule.raw['fix']['description'])}"


def _edits(edits: Iterable[dict[str, Any]], indent: str) -> Iterator[str]:
    for edit in edits:
        new = str(edit["new"])
        shown = _code(new) if new else "nothing"
        yield f"{indent}- replace {_code(str(edit['old']))} with {shown}"


def _example(example: dict[str, Any]) -> Iterator[str]:
    yield f"- **{example['kind']}**: {_prose(' '.join(str(example['description']).split()))}"
    if "base" in example:
        yield f"  - base letter: {_code(str(example['base']))}"
    if "text" in example:
        yield "  - the whole letter is:"
        yield ""
        yield from ("    " + line if line else "" for line in _block(str(example["text"])))
        yield ""
    if not any(key in example for key in ("text", "replace", "letters")):
        yield "  - the base letter, unchanged"
    yield from _edits(example.get("replace", ()), "  ")
    for index, letter in enumerate(example.get("letters", ())):
        name = _code(f"{letter.get('name', index)}.txt")
        changed = "" if letter.get("replace") else ": the base letter, unchanged"
        yield f"  - letter {index}, {name}{changed}"
        yield from _edits(letter.get("replace", ()), "    ")
    if "letter" in example:
        yield f"  - the finding is on letter {example['letter']}"
    if "data" in example:
        yield "  - the statistics table is:"
        yield ""
        yield from ("    " + line if line else "" for line in _block(str(example["data"]), "csv"))
        yield ""
    if "encoding" in example:
        yield f"  - saved as {_code(str(example['encoding']))}"
    if "line" in example:
        yield f"  - the finding is on line {example['line']}"
    if "message" in example:
        yield f"  - the message contains {_code(str(example['message']))}"
    if "fixed" in example:
        yield f"  - the fixed letter contains {_code(str(example['fixed']))}"


def _rule_section(rule: Rule) -> Iterator[str]:
    yield f'<a id="{rule.code.lower()}"></a>'
    yield ""
    yield f"### {rule.code} `{rule.name}`"
    yield ""
    yield f"> {_prose(_cell(rule.summary))}"
    yield ""
    fix = "none" if rule.fix is None else rule.fix.applicability.value
    yield (
        f"Severity **{rule.severity.value}** · kind **{rule.kind}** · fix **{fix}** · "
        f"source [`rules/{rule.path.name}`](../rules/{rule.path.name})"
    )
    yield ""
    yield _demote(rule.explanation, 2)
    yield ""
    yield from _invariant(rule)
    yield ""
    yield from _fix(rule)
    yield ""
    yield "#### Examples"
    yield ""
    yield (
        "Each edits the base letter `rules/base/2020.txt` (unless it gives the whole text); "
        "`tests/test_rule_examples.py` checks that the rule fires on every invalid case and on "
        "no valid one."
    )
    yield ""
    for example in rule.examples:
        yield from _example(example)
    yield ""


def render_rules(rules: Iterable[Rule]) -> str:
    """The text of ``docs/rules.md`` for ``rules`` (sorted by code)."""
    ordered = sorted(rules, key=lambda r: r.code)
    lines = [
        "# Rule reference",
        "",
        f"<!-- Generated by `{REGENERATE}` from rules/*.toml. Do not edit by hand. -->",
        "",
        f"lgo-audit has {len(ordered)} rules. Each is a TOML file in `rules/`; "
        "[writing-rules.md](writing-rules.md) describes the format. A rule's code never "
        "changes and is never reused. Show one rule in the terminal with "
        "`lgo-audit explain LGO101`, list them with `lgo-audit rules`.",
        "",
        "Fix: `safe` fixes are applied by `lgo-audit check --fix`, `unsafe` ones (they change a "
        "figure) only with `--fix --unsafe-fixes`; see [usage.md](usage.md#fixes).",
        "",
        *_index(ordered),
        "",
    ]
    category = None
    for rule in ordered:
        if rule.category != category:
            category = rule.category
            title, codes, what = _CATEGORIES.get(category, (category.title(), "", ""))
            heading = f"{title} ({'LGO' + codes})" if codes else title
            lines += [f"## {heading}", ""]
            if what:
                lines += [what, ""]
        lines += list(_rule_section(rule))
    return _join(lines)


# --- docs/facts.md -------------------------------------------------------------------------


_JSON_VALUES: dict[type, str] = {
    int: "a JSON integer",
    Decimal: "a JSON number",
    str: "a string",
    dt.date: "an ISO date string (`2020-03-31`)",
}


def _years(years: Sequence[int]) -> str:
    """``2020``, ``2020-2022, 2024`` (with an en dash): runs of consecutive years shortened."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}\u2013{run[-1]}" for run in runs)


def stated_in(name: str) -> str:
    """The template years whose profiles state fact ``name`` (every year for the register's
    and the document's own facts; for a fact taken from others, the years a profile states
    one of them; "none yet" for a fact no profile states)."""
    if name in REGISTER_NAMES:
        return "every year (register)"
    if name in DOCUMENT_NAMES:
        return "every year (every document)"
    if FACTS[name].derived_from:
        years = [p.year for p in PROFILES.values() if name in applicable_facts(p.facts)]
        return f"{_years(years)} (taken from other facts)" if years else "none yet"
    years = [p.year for p in PROFILES.values() if name in p.facts]
    return _years(years) if years else "none yet"


def _type_cell(fact: CatalogueFact) -> str:
    """The type rules see the fact as, and its kind (linked to the table of kinds)."""
    rule_type = KINDS[fact.kind].rule_type
    if rule_type == fact.kind:
        return f"[{rule_type}](#kinds)"
    return f"{rule_type} ([{fact.kind}](#kinds))"


def _groups() -> list[tuple[str, str, list[CatalogueFact]]]:
    """(heading, note, facts) per part of the letter, in the catalogue's order: the facts of
    the letter as a whole, then one group per first part of the dotted names."""
    top: list[CatalogueFact] = []
    grouped: dict[str, list[CatalogueFact]] = {}
    for name, fact in FACTS.items():
        head, dot, _ = name.partition(".")
        if dot:
            grouped.setdefault(head, []).append(fact)
        else:
            top.append(fact)
    sections = {s.name.replace("-", "_"): s for p in PROFILES.values() for s in p.sections}
    groups = [("The letter as a whole", "Facts of the letter's head and paragraphs.", top)]
    for head, facts in grouped.items():
        section = sections.get(head)
        note = f"Template section `{section.name}` ({section.title})." if section else ""
        groups.append((f"`{head}.*`", note, facts))
    return groups


def _kinds() -> Iterator[str]:
    yield "| Kind | Type in rules | In JSON | Unit |"
    yield "|------|---------------|---------|------|"
    for kind, info in KINDS.items():
        yield (
            f"| {kind} | {info.rule_type} | {_JSON_VALUES.get(info.python, info.python.__name__)}"
            f" | {_prose(_cell(info.unit))} |"
        )


FUNCTIONS_BEGIN = (
    f"<!-- BEGIN functions: generated by `{REGENERATE}` from the declarations in "
    "lgo_audit/expr/_functions.py and lgo_audit/expr/library/. Do not edit by hand. -->"
)
FUNCTIONS_END = "<!-- END functions -->"

_GROUP_TITLES = {
    "core": (
        "Core",
        "Generic functions of the language: `lgo_audit/expr/_functions.py`.",
    ),
    "percentages": (
        "Percentages",
        "Computed percentages, rounding, and counts implied by a stated rate: "
        "`lgo_audit/expr/library/percentages.py`.",
    ),
    "dates": ("Dates", "`lgo_audit/expr/library/dates.py`."),
    "people": ("People", "`lgo_audit/expr/library/people.py`."),
    "wording": ("Wording", "`lgo_audit/expr/library/wording.py`."),
}


def _function_reference() -> Iterator[str]:
    """The function reference of docs/writing-rules.md, from the declarations."""
    groups: dict[str, list[expr.Function]] = {}
    for function in expr.FUNCTIONS.values():
        groups.setdefault(function.group, []).append(function)
    for group, functions in groups.items():
        title, note = _GROUP_TITLES.get(group, (group.capitalize(), ""))
        yield f"#### {title}"
        yield ""
        if note:
            yield note
            yield ""
        yield "| Function | Signature | Null argument | Meaning |"
        yield "|----------|-----------|---------------|---------|"
        for function in functions:
            signatures = "<br>".join(
                _code(signature.text(function.name)) for signature in function.signatures
            )
            nulls = "result is null" if function.propagates_null else "allowed"
            yield (
                f"| `{function.name}` | {signatures} | {nulls} | {_prose(_cell(function.doc))} |"
            )
        yield ""


def render_writing_rules(source: str) -> str:
    """``docs/writing-rules.md`` with its function reference regenerated; ValueError when the
    markers are missing."""
    start = source.find(FUNCTIONS_BEGIN)
    end = source.find(FUNCTIONS_END)
    if start < 0 or end < start:
        raise ValueError(
            f"docs/writing-rules.md has no '{FUNCTIONS_BEGIN[:20]}...' and "
            f"'{FUNCTIONS_END}' markers around its function reference"
        )
    table = _join([FUNCTIONS_BEGIN, "", *_function_reference(), FUNCTIONS_END])
    return source[:start] + table.rstrip("\n") + source[end + len(FUNCTIONS_END) :]


def render_facts() -> str:
    """The text of ``docs/facts.md``: the fact vocabulary and the expression functions."""
    years = ", ".join(str(y) for y in sorted({p.year for p in PROFILES.values()}))
    lines = [
        "# Fact vocabulary and functions",
        "",
        f"<!-- Generated by `{REGENERATE}` from lgo_audit/grammar/facts.py, the template "
        "profiles of lgo_audit/grammar, lgo_audit/checks.py and lgo_audit/expr. Do not edit by "
        "hand. -->",
        "",
        f"lgo-audit knows {len(FACTS)} facts, declared once in `lgo_audit/grammar/facts.py`. "
        "Rules name them by their dotted names (`upheld.percent`); a name that is not listed "
        "here is an error when the rules are loaded. Each template year states some of them "
        f"(the template years with a profile: {years}); the column *Template years* says "
        "which. The authority register's facts apply to every letter.",
        "",
        "A fact that applies to a letter (its template year states it) but that the letter "
        'does not state is *missing*: `null`, never a default, so a rule can tell "stated as '
        '0" from "not stated". A fact its template year does not state is *not applicable*: '
        "rules see `null` too, and `lgo-audit parse` leaves it out of its JSON (where a missing "
        "fact is `null`) and of its text (where a missing fact is `-`). A fact whose text was "
        'found but is not a valid value ("31 April 2020") is `null` too, while `raw(name)` '
        "still gives its text. Percentages and rates keep the precision they were stated with: "
        "`59%` is 59 and `58.8%` is 58.8. See the facts of a letter with "
        "`lgo-audit parse LETTER --format text`.",
        "",
        "*Column* is the statistics table's column for the fact (`extract` writes it, `--data` "
        "reads it; see [usage.md](usage.md#compare-with-the-statistics-table---data)).",
        "",
        '<a id="kinds"></a>',
        "",
        "## Kinds",
        "",
        *_kinds(),
        "",
    ]
    for heading, note, facts in _groups():
        lines += [f"## {heading}", ""]
        if note:
            lines += [note, ""]
        lines += [
            "| Fact | Type | Description | Column | Template years |",
            "|------|------|-------------|--------|----------------|",
        ]
        for fact in facts:
            shown = _prose(_cell(fact.description)) or "\u2014"
            column = f"`{fact.column}`" if fact.column else "\u2014"
            lines.append(
                f"| `{fact.name}` | {_type_cell(fact)} | {shown} | {column} | "
                f"{stated_in(fact.name)} |"
            )
        lines.append("")
    lines += [
        "## Other names rules can use",
        "",
        "| Name | In | Value |",
        "|------|----|-------|",
    ]
    for name in SECTION_NAMES:
        lines.append(
            f"| `{name}` | fact rules | true when the letter has the `{SECTION_NAMES[name]}` "
            "section, false otherwise; in `at`, where that section stands |"
        )
    for name in sorted(LINK_NAMES):
        lines.append(f'| `{name}` | rules with `each = "links"` | {LINK_NAMES[name]} |')
    lines.append('| `it` | `at` of rules with `each = "links"` | the hyperlink itself |')
    for kind in ("structure", "text", "batch", "data"):
        for name in sorted(MESSAGE_NAMES[kind]):
            meaning = MESSAGE_NAMES[kind][name]
            lines.append(f"| `{name}` | messages of {kind} rules | {meaning} |")
    lines += [
        "",
        "A structural check fills only some of its names (a name it does not fill reads `null`); "
        "[grammar.md](grammar.md#structural-findings) says which. Names bound by a rule's `each` "
        "and `let` tables are added to these; see [writing-rules.md](writing-rules.md).",
        "",
        '<a id="checks"></a>',
        "",
        "## Checks",
        "",
        "A structure or data rule names one of these in `check` and gives its findings a code, "
        "a severity and a message (declared in `lgo_audit/checks.py`).",
        "",
        "| Check | Rule kind | Finds | Fills |",
        "|-------|-----------|-------|-------|",
        *(
            f"| `{c.name}` | {c.kind} | {c.finds} | "
            + ", ".join(f"`{name}`" for name in c.fills)
            + " |"
            for c in CHECKS.values()
        ),
        "",
        '<a id="functions"></a>',
        "",
        "## Functions",
        "",
        "The functions rules can call, with the types of their arguments and results, are "
        "listed in [writing-rules.md](writing-rules.md#functions). The types of the facts "
        "above are those the type check uses when the rules are loaded "
        "([writing-rules.md](writing-rules.md#types)).",
    ]
    return _join(lines)


# --- command line --------------------------------------------------------------------------


def generated(docs_dir: Path = DOCS_DIR) -> dict[str, str]:
    """File name (in ``docs/``) -> its freshly generated text. ``writing-rules.md`` is written
    by hand but for its function reference, so it is included only when ``docs_dir`` has it."""
    files = {"rules.md": render_rules(load_rules()), "facts.md": render_facts()}
    source = _current(docs_dir / "writing-rules.md")
    if source is not None:
        files["writing-rules.md"] = render_writing_rules(source)
    return files


def _current(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lgo_audit.docs",
        description="Write docs/rules.md, docs/facts.md and the function reference of "
        "docs/writing-rules.md from the rules and the code.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if either file is missing or stale",
    )
    parser.add_argument(
        "--docs-dir", type=Path, default=DOCS_DIR, help="the docs folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    docs_dir: Path = args.docs_dir
    if args.docs_dir == DOCS_DIR and not (DOCS_DIR.parent / "pyproject.toml").is_file():
        print(
            "lgo-audit docs: lgo_audit is not running from a checkout; pass --docs-dir",
            file=sys.stderr,
        )
        return 2
    try:
        files = generated(docs_dir)
    except (RuleLoadError, ValueError) as error:
        print(f"lgo-audit docs: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            f"docs/{name}" for name, text in files.items() if _current(docs_dir / name) != text
        ]
        if stale:
            print(
                f"lgo-audit docs: {' and '.join(stale)} "
                f"{'is' if len(stale) == 1 else 'are'} stale; run '{REGENERATE}'",
                file=sys.stderr,
            )
            return 1
        return 0
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = docs_dir / name
        if _current(path) == text:
            print(f"docs/{name} is up to date")
            continue
        path.write_bytes(text.encode("utf-8"))
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
