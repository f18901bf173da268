"""One self-contained HTML page for a batch of letters: ``--output-format html -o report.html``.

The page has the run's totals and rule-set version, a summary table (one row per letter),
filters by severity and rule, and for each letter its text with every finding highlighted
where it stands (``<mark class="sev-error" data-code="LGO102" title="…">``), a list of its
findings that scrolls to and flashes the mark, and the letter's evidence (SHA-256, rule-set
version, each rule's outcome) in a ``<details>``.

Safety and reproducibility:

* Everything that comes from a letter (text, path, messages) passes through
  :func:`~lgo_audit.report.text.clean` (control characters and bidi overrides made visible)
  and :func:`html.escape`; the script never puts letter text into ``innerHTML``.
* No external reference of any kind: CSS and JavaScript are inline, every ``href`` is a
  fragment. A Content-Security-Policy allows only the page's own script and style (by hash)
  and no network, so even an escaping bug could neither run injected script nor fetch.
* The output is deterministic: the same results and rules give the same bytes (no clock,
  no randomness), so two reports can be compared with ``diff``.

Spans are mapped onto the original text the way findings count them: lines end at ``\\r\\n``,
``\\r`` or ``\\n``; columns are characters of the line, 1-based, end exclusive. A span over
several lines is split into one mark per line; where spans overlap, the overlap is one mark
carrying every finding's code (``data-code="LGO403 LGO402"``) and message, coloured by the
most severe. A span of no width is a caret mark. Lines and columns outside the text are
clamped to it, so every finding of a letter whose text is kept has at least one mark.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lgo_audit import __version__
from lgo_audit.findings import FileResult, Finding, Severity
from lgo_audit.report.evidence import OUTCOMES, evidence, letter_status
from lgo_audit.report.text import clean
from lgo_audit.rules import Rule

__all__ = ["render_html"]

_LINE_BREAK = re.compile(r"\r\n?|\n")
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_SEVERITY_NOUN = {"error": "error", "warning": "warning", "info": "note"}
_STATUS_LABEL = {
    "clean": "clean",
    "has-errors": "has errors",
    "has-warnings": "has warnings",
    "has-notes": "has notes",
    "unreadable": "could not be read",
}
_OUTCOME_LABEL = {
    "passed": "passed",
    "failed": "failed",
    "not-applicable": "not applicable",
    "error": "error",
}


def _e(text: str) -> str:
    """Text from anywhere, safe in HTML text and in double-quoted attribute values."""
    return html.escape(clean(text), quote=True)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- marking spans in the text ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mark:
    """What a mark needs to know about one finding."""

    fid: str
    severity: Severity
    code: str
    title: str


def _pieces(lines: Sequence[str], finding: Finding) -> list[tuple[int, int, int]]:
    """``(line index, start, end)`` per line the span covers, clamped to the text; at least one.

    Empty stretches (a blank line inside a span) are left out; a span that covers no
    character at all becomes one zero-width piece where it starts.
    """
    span = finding.span
    count = len(lines)
    if span.line > count:  # beyond the text: a caret at its end
        return [(count - 1, len(lines[-1]), len(lines[-1]))]
    first = max(span.line, 1)
    last = min(max(span.end_line, span.line, 1), count)
    pieces: list[tuple[int, int, int]] = []
    for number in range(first, last + 1):
        text = lines[number - 1]
        start = span.column - 1 if number == span.line else 0
        end = span.end_column - 1 if number == span.end_line else len(text)
        start = min(max(start, 0), len(text))
        end = min(max(end, start), len(text))
        if end > start:
            pieces.append((number - 1, start, end))
    if not pieces:
        text = lines[first - 1]
        at = min(max(span.column - 1, 0), len(text)) if span.line == first else len(text)
        pieces.append((first - 1, at, at))
    return pieces


def _mark(marks: Sequence[_Mark], body: str) -> str:
    top = max(marks, key=lambda m: m.severity.rank)
    classes = [f"sev-{top.severity.value}"]
    if not body:
        classes.append("caret")
    if len(marks) > 1:
        classes.append("multi")
    codes = " ".join(dict.fromkeys(m.code for m in marks))
    fids = " ".join(m.fid for m in marks)
    title = "\n".join(m.title for m in marks)
    return (
        f'<mark class="{" ".join(classes)}" data-f="{fids}" data-code="{_e(codes)}" '
        f'title="{_e(title)}" tabindex="0">{body}</mark>'
    )


def _render_line(text: str, pieces: Sequence[tuple[int, int, _Mark]]) -> str:
    """One line of the letter, escaped, with its pieces of findings as marks."""
    if not pieces:
        return _e(text)
    carets: dict[int, list[_Mark]] = {}
    spans = [(s, e, m) for s, e, m in pieces if e > s]
    for s, e, m in pieces:
        if e == s:
            carets.setdefault(s, []).append(m)
    bounds = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans), *carets})
    out: list[str] = []
    run: tuple[str, ...] = ()
    run_start = 0
    run_marks: list[_Mark] = []

    def flush(upto: int) -> None:
        if upto > run_start:
            body = _e(text[run_start:upto])
            out.append(_mark(run_marks, body) if run_marks else body)

    for i, here in enumerate(bounds):
        if here in carets:
            flush(here)
            run, run_start, run_marks = (), here, []
            out.append(_mark(carets[here], ""))
        if i + 1 == len(bounds):
            break
        after = bounds[i + 1]
        cover = [m for s, e, m in spans if s <= here and e >= after]
        key = tuple(m.fid for m in cover)
        if key != run:
            flush(here)
            run, run_start, run_marks = key, here, cover
    flush(len(text))
    return "".join(out)


def _letter_text(number: int, source: str, items: Sequence[tuple[str, Finding]]) -> str:
    lines = _LINE_BREAK.split(source)
    by_line: dict[int, list[tuple[int, int, _Mark]]] = {}
    hit: dict[int, int] = {}
    for fid, finding in items:
        noun = _SEVERITY_NOUN[finding.severity.value]
        mark = _Mark(
            fid, finding.severity, finding.code, f"{finding.code} [{noun}] {finding.message}"
        )
        for index, start, end in _pieces(lines, finding):
            by_line.setdefault(index, []).append((start, end, mark))
            hit[index] = max(hit.get(index, 0), finding.severity.rank)
    rank_name = {s.rank: s.value for s in Severity}
    out = []
    for index, line in enumerate(lines):
        classes = "ln" if index not in hit else f"ln hit hit-{rank_name[hit[index]]}"
        body = _render_line(line, by_line.get(index, ()))
        out.append(
            f'<div class="{classes}" id="l{number}-{index + 1}" data-n="{index + 1}">{body}</div>'
        )
    return "".join(out)


# --- pieces of the page -----------------------------------------------------------------------


def _badge(severity: Severity) -> str:
    noun = _SEVERITY_NOUN[severity.value]
    return f'<span class="badge sev-{severity.value}">{noun}</span>'


def _chip(severity: Severity, n: int) -> str:
    noun = _SEVERITY_NOUN[severity.value]
    return f'<span class="chip sev-{severity.value}">{_plural(n, noun)}</span>'


def _rule_explanation(text: str) -> str:
    """A rule's Markdown explanation, escaped: ``## `` headings and `code` kept, nothing else."""
    out: list[str] = []
    paragraph: list[str] = []

    def inline(line: str) -> str:
        parts = _e(line).split("`")
        return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))

    def end_paragraph() -> None:
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    for line in text.strip().splitlines():
        if line.startswith("## "):
            end_paragraph()
            out.append(f"<h4>{_e(line[3:])}</h4>")
        elif not line.strip():
            end_paragraph()
        else:
            paragraph.append(line.strip())
    end_paragraph()
    return "".join(out)


def _where(finding: Finding) -> str:
    span = finding.span
    if (span.end_line, span.end_column) == (span.line, span.column):
        return f"{span.line}:{span.column}"
    if span.end_line == span.line:
        return f"{span.line}:{span.column}\u2013{span.end_column}"
    return f"{span.line}:{span.column}\u2013{span.end_line}:{span.end_column}"


def _finding_item(
    fid: str,
    finding: Finding,
    number: int,
    rules: dict[str, Rule],
    letters_with_text: dict[str, int],
) -> str:
    rule = rules.get(finding.code)
    name = rule.name if rule is not None else finding.name
    detail = [f'<p class="msg">{_e(finding.message)}</p>']
    summary = f" — {_e(rule.summary)}" if rule is not None else ""
    detail.append(
        f'<p class="rule"><a href="#rule-{_e(finding.code)}">{_e(finding.code)} {_e(name)}</a>'
        f"{summary}</p>"
    )
    if finding.fix is not None:
        detail.append(
            '<p class="fix"><span class="fix-kind">'
            f"fix ({_e(finding.fix.applicability.value)})</span> "
            f"{_e(finding.fix.description)}</p>"
        )
    related_lines: list[str] = []
    if finding.related:
        entries = []
        for related in finding.related:
            place = f"{related.span.line}:{related.span.column}"
            other = letters_with_text.get(related.path)
            if related.path != finding.path:
                place = f"{related.path}:{place}"
            label = f" {_e(related.message)}" if related.message else ""
            if other is not None:
                anchor = f"l{other}-{related.span.line}"
                related_lines.append(anchor)
                entries.append(f'<li><a href="#{anchor}">{_e(place)}</a>{label}</li>')
            else:
                entries.append(f"<li>{_e(place)}{label}</li>")
        detail.append(f'<div class="related">related: <ul>{"".join(entries)}</ul></div>')
    rel = f' data-rel="{" ".join(dict.fromkeys(related_lines))}"' if related_lines else ""
    sev = finding.severity.value
    return (
        f'<li class="finding" data-f="{fid}" data-code="{_e(finding.code)}" data-sev="{sev}"{rel}>'
        f'<a class="head" href="#l{number}-{finding.span.line}">{_badge(finding.severity)}'
        f'<code class="code">{_e(finding.code)}</code>'
        f'<span class="where">{_where(finding)}</span></a>'
        f'<div class="detail">{"".join(detail)}</div></li>'
    )


def _evidence_details(record: dict[str, Any], rules: dict[str, Rule]) -> str:
    outcomes: dict[str, str] = record["rules"]
    suppressed: list[str] = record["suppressed"]
    tally = Counter(outcomes.values())
    parts = [
        f'<span class="o-{o}">{tally[o]} {_OUTCOME_LABEL[o]}</span>' for o in OUTCOMES if tally[o]
    ]
    rows = []
    for code, outcome in outcomes.items():
        rule = rules.get(code)
        name = _e(rule.name) if rule is not None else ""
        label = _OUTCOME_LABEL[outcome]
        if code in suppressed:
            label += " (findings ignored by per-file-ignores)"
        rows.append(
            f'<tr data-rule="{_e(code)}" data-outcome="{outcome}">'
            f'<td><a href="#rule-{_e(code)}"><code>{_e(code)}</code></a></td>'
            f'<td>{name}</td><td><span class="outcome o-{outcome}">{label}</span></td></tr>'
        )
    sha = _e(str(record["sha256"]))
    rule_set = _e(str(record["rule_set"]))
    return (
        '<details class="evidence"><summary><span class="ev-title">Evidence</span> '
        f'<span class="ev-tally">{" · ".join(parts)}</span></summary>'
        '<dl class="ev-meta">'
        f"<dt>SHA-256</dt><dd><code>{sha}</code></dd>"
        f"<dt>Rule set</dt><dd><code>{rule_set}</code></dd></dl>"
        '<table class="ev"><thead><tr><th scope="col">Rule</th><th scope="col">Name</th>'
        f'<th scope="col">Outcome</th></tr></thead><tbody>{"".join(rows)}</tbody></table></details>'
    )


def _counts(result: FileResult) -> dict[str, int]:
    counts = Counter(f.severity.value for f in result.findings)
    return {s.value: counts.get(s.value, 0) for s in _SEVERITIES}


def _letter_section(
    number: int,
    result: FileResult,
    record: dict[str, Any],
    rules: dict[str, Rule],
    letters_with_text: dict[str, int],
) -> str:
    status = letter_status(result)
    counts = _counts(result)
    chips = "".join(_chip(s, counts[s.value]) for s in _SEVERITIES if counts[s.value])
    head = (
        '<header class="letter-head"><h3>'
        f'<a class="path" href="#letter-{number}">{_e(result.path)}</a></h3>'
        f'<span class="status st-{status}">{_STATUS_LABEL[status]}</span>{chips}</header>'
    )
    attrs = (
        f'class="letter card st-{status}" id="letter-{number}" data-letter="{number}" '
        f'data-status="{status}" data-findings="{len(result.findings)}" '
        f'data-path="{_e(result.path)}"'
    )
    if result.error is not None:
        body = f'<p class="input-error">Could not be checked: {_e(result.error)}</p>'
        return f"<article {attrs}>{head}{body}</article>"
    if not result.findings:
        body = '<p class="clean-note">Clean: every rule passed or did not apply.</p>'
        return f"<article {attrs}>{head}{body}{_evidence_details(record, rules)}</article>"
    ordered = sorted(result.findings, key=lambda f: (f.span.line, f.span.column, f.code))
    items = [(f"f{number}-{k}", f) for k, f in enumerate(ordered, start=1)]
    listing = "".join(_finding_item(fid, f, number, rules, letters_with_text) for fid, f in items)
    if result.source_text is not None:
        text = (
            f'<div class="text" role="region" aria-label="Text of {_e(result.path)}" tabindex="0">'
            f"{_letter_text(number, result.source_text, items)}</div>"
        )
    else:
        text = '<p class="no-text">The letter\'s text was not kept for this report.</p>'
    body = (
        f'<div class="letter-body">{text}<aside class="findings-panel" aria-label="Findings">'
        '<h4>Findings <span class="n-shown"></span></h4>'
        f'<ol class="findings">{listing}</ol></aside></div>'
    )
    return f"<article {attrs}>{head}{body}{_evidence_details(record, rules)}</article>"


def _summary_table(results: Sequence[FileResult]) -> str:
    rows = []
    for number, result in enumerate(results, start=1):
        status = letter_status(result)
        counts = _counts(result)
        sha = result.sha256 or ""
        cells = "".join(
            f'<td class="num{" zero" if not counts[s.value] else ""}">{counts[s.value]}</td>'
            for s in _SEVERITIES
        )
        rows.append(
            f'<tr data-letter="{number}" data-order="{number}" data-error="{counts["error"]}" '
            f'data-warning="{counts["warning"]}" data-info="{counts["info"]}" '
            f'data-status="{status}" '
            f'data-path="{_e(result.path)}">'
            f'<td class="path"><a href="#letter-{number}">{_e(result.path)}</a></td>{cells}'
            f'<td><span class="status st-{status}">{_STATUS_LABEL[status]}</span></td>'
            f'<td class="sha"><code title="{_e(sha)}">{_e(sha[:12])}</code></td></tr>'
        )
    head = "".join(
        f'<th scope="col" class="{cls}">'
        f'<button type="button" data-sort="{key}">{label}</button></th>'
        for key, label, cls in (
            ("path", "Letter", ""),
            ("error", "Errors", "num"),
            ("warning", "Warnings", "num"),
            ("info", "Notes", "num"),
            ("status", "Status", ""),
        )
    )
    return (
        f'<table class="summary" id="summary-table"><thead><tr>{head}'
        '<th scope="col">SHA-256</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _filters(results: Sequence[FileResult], rules: dict[str, Rule]) -> str:
    by_severity = Counter(f.severity.value for r in results for f in r.findings)
    by_code = Counter(f.code for r in results for f in r.findings)
    severity_boxes = "".join(
        f'<label class="check sev-{s.value}">'
        f'<input type="checkbox" name="sev" value="{s.value}" checked><span class="dot"></span>'
        f"{_SEVERITY_NOUN[s.value].capitalize()}s "
        f'<span class="count">{by_severity.get(s.value, 0)}</span></label>'
        for s in _SEVERITIES
    )
    rule_boxes = []
    for code in sorted(by_code):
        rule = rules.get(code)
        title = f' title="{_e(f"{rule.name}: {rule.summary}")}"' if rule is not None else ""
        rule_boxes.append(
            f'<label class="check"{title}>'
            f'<input type="checkbox" name="rule" value="{_e(code)}" checked>'
            f'<code>{_e(code)}</code> <span class="count">{by_code[code]}</span></label>'
        )
    rules_group = (
        '<fieldset class="rules"><legend>Rules</legend>'
        + "".join(rule_boxes)
        + '<span class="all-none"><button type="button" data-rules="all">all</button>'
        '<button type="button" data-rules="none">none</button></span></fieldset>'
        if rule_boxes
        else ""
    )
    return (
        '<form class="filters" id="filters" aria-label="Filters" role="search">'
        f'<fieldset class="sev"><legend>Severity</legend>{severity_boxes}</fieldset>'
        f"{rules_group}"
        '<fieldset class="letters"><legend>Letters</legend>'
        '<label class="check"><input type="checkbox" id="show-clean" checked>Clean letters</label>'
        '<input type="search" id="q" placeholder="file name contains…" '
        'aria-label="Show letters whose file name contains">'
        "</fieldset>"
        '<p class="shown" id="shown" aria-live="polite"></p></form>'
    )


def _rules_section(rules: Sequence[Rule], results: Sequence[FileResult]) -> str:
    by_code = Counter(f.code for r in results for f in r.findings)
    rows = []
    for rule in sorted(rules, key=lambda r: r.code):
        n = by_code.get(rule.code, 0)
        rows.append(
            f'<tr id="rule-{_e(rule.code)}"><td><code>{_e(rule.code)}</code></td>'
            f"<td>{_e(rule.name)}</td>"
            f"<td>{_badge(rule.severity)}</td>"
            f'<td class="num{" zero" if not n else ""}">{n}</td>'
            f"<td><details><summary>{_e(rule.summary)}</summary>"
            f'<div class="explanation">{_rule_explanation(rule.explanation)}</div>'
            "</details></td></tr>"
        )
    return (
        '<section class="card" id="rules" aria-labelledby="rules-h"><h2 id="rules-h">Rules</h2>'
        '<table class="rules-table"><thead><tr><th scope="col">Code</th><th scope="col">Name</th>'
        '<th scope="col">Severity</th><th scope="col" class="num">Findings</th>'
        '<th scope="col">What it checks</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _tiles(results: Sequence[FileResult]) -> str:
    statuses = Counter(letter_status(r) for r in results)
    findings = Counter(f.severity.value for r in results for f in r.findings)
    tiles = [
        ("Letters", len(results), ""),
        ("With errors", statuses["has-errors"], "sev-error"),
        ("With warnings only", statuses["has-warnings"], "sev-warning"),
        ("Clean", statuses["clean"], "st-clean"),
    ]
    if statuses["has-notes"]:
        tiles.append(("With notes only", statuses["has-notes"], "sev-info"))
    if statuses["unreadable"]:
        tiles.append(("Could not be read", statuses["unreadable"], "st-unreadable"))
    cells = "".join(
        f'<div class="tile {cls}"><span class="tile-n">{n}</span>'
        f'<span class="tile-l">{label}</span></div>'
        for label, n, cls in tiles
    )
    total = "".join(_chip(s, findings.get(s.value, 0)) for s in _SEVERITIES)
    return f'<div class="tiles">{cells}</div><p class="totals">Findings: {total}</p>'


def _rule_sets(results: Iterable[FileResult]) -> list[str]:
    return list(dict.fromkeys(r.rule_set for r in results if r.rule_set))


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(
    results: Sequence[FileResult], rules: Sequence[Rule], *, title: str = "lgo-audit report"
) -> str:
    """The report for ``results`` as one self-contained HTML5 page (see the module's docstring).

    ``rules`` are the active rules (names, summaries and explanations for the findings and
    the evidence); a finding whose rule is not among them is shown with its own name.
    """
    by_code = {rule.code: rule for rule in rules}
    records = evidence(results)
    letters_with_text = {
        r.path: n
        for n, r in enumerate(results, start=1)
        if r.source_text is not None and r.findings
    }
    rule_sets = _rule_sets(results)
    rule_set_text = (
        "rule set " + ", ".join(f"<code>{_e(v)}</code>" for v in rule_sets)
        if rule_sets
        else "no rule set (no letter could be checked)"
    )
    sections = "".join(
        _letter_section(n, r, record, by_code, letters_with_text)
        for n, (r, record) in enumerate(zip(results, records, strict=True), start=1)
    )
    if not results:
        sections = '<p class="card">No letters were checked.</p>'
    body = (
        '<header class="top"><div class="wrap">'
        f"<h1>{_e(title)}</h1>"
        f'<p class="meta">lgo-audit {_e(__version__)} · {rule_set_text} · '
        f"{_plural(len(rules), 'rule')} active · {_plural(len(results), 'letter')}</p>"
        f"{_tiles(results)}</div></header>"
        '<div class="bar" id="bar"><div class="wrap">'
        f"{_filters(results, by_code)}</div></div>"
        '<main class="wrap">'
        '<section class="card" id="summary" aria-labelledby="summary-h">'
        '<h2 id="summary-h">Summary</h2>'
        f"{_summary_table(results)}</section>"
        f'<section id="letters" aria-label="Letters">{sections}</section>'
        f"{_rules_section(rules, results)}"
        '<footer class="foot">Evidence per letter: the SHA-256 of the file, the rule-set version '
        "and each rule's outcome (passed, failed, not applicable, error). "
        f"Generated by lgo-audit {_e(__version__)}.</footer>"
        "</main>"
        '<div id="pop" class="pop" role="dialog" aria-label="Finding" hidden></div>'
    )
    csp = (
        f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_SCRIPT)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="lgo-audit">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}<script>{_SCRIPT}</script></body></html>\n"
    )


_CSS = """
:root{--ink:#1d2939;--muted:#667085;--line:#e4e7ec;--bg:#f4f6f9;--card:#fff;--navy:#17223b;
--err:#b42318;--err-bg:#fee4e2;--warn:#a15c07;--warn-bg:#fef0c7;--info:#175cd3;--info-bg:#d1e9ff;
--ok:#067647;--ok-bg:#dcfae6;--na:#475467;--na-bg:#eaecf0;--bar:0px}
*{box-sizing:border-box}
html{scroll-padding-top:calc(var(--bar) + 16px)}
body{margin:0;
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
code{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:.92em}
a{color:#1849a9}
.wrap{max-width:1280px;margin:0 auto;padding:0 24px}
header.top{background:var(--navy);color:#fff;padding:22px 0 18px}
header.top h1{margin:0 0 2px;font-size:22px;font-weight:650;letter-spacing:.01em}
header.top .meta{margin:0 0 14px;color:#c7d0e0}
header.top .meta code{color:#fff;background:rgba(255,255,255,.12);padding:1px 5px;border-radius:4px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.16);
border-left:4px solid #98a2b3;
border-radius:8px;padding:8px 16px 8px 12px;min-width:130px;display:flex;flex-direction:column}
.tile.sev-error{border-left-color:#f97066}.tile.sev-warning{border-left-color:#fdb022}
.tile.sev-info{border-left-color:#53b1fd}.tile.st-clean{border-left-color:#47cd89}
.tile.st-unreadable{border-left-color:#9e77ed}
.tile-n{font-size:24px;font-weight:700;line-height:1.15}.tile-l{color:#c7d0e0;font-size:12.5px}
.totals{margin:12px 0 0;color:#c7d0e0}
.totals .chip{margin-left:6px}
.chip{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;
background:var(--na-bg);color:var(--na)}
.chip.sev-error{background:var(--err-bg);color:var(--err)}
.chip.sev-warning{background:var(--warn-bg);color:var(--warn)}
.chip.sev-info{background:var(--info-bg);color:var(--info)}
.bar{position:sticky;top:0;z-index:20;background:#fff;border-bottom:1px solid var(--line);
box-shadow:0 1px 3px rgba(16,24,40,.08);display:none}
body.js .bar{display:block}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:6px 22px;padding:8px 0;margin:0}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;align-items:center;
gap:4px 6px}
.filters legend{float:left;font-size:11.5px;font-weight:700;text-transform:uppercase;
letter-spacing:.06em;
color:var(--muted);margin-right:6px}
.check{display:inline-flex;align-items:center;gap:5px;padding:2px 9px 2px 6px;
border:1px solid var(--line);
border-radius:999px;cursor:pointer;user-select:none;background:#fff;font-size:13px}
.check:has(input:not(:checked)){opacity:.5;background:#f9fafb}
.check input{margin:0;accent-color:#344054}
.check .count{color:var(--muted);font-size:12px}
.check .dot{width:9px;height:9px;border-radius:50%;background:#98a2b3}
.check.sev-error .dot{background:var(--err)}.check.sev-warning .dot{background:#dc6803}
.check.sev-info .dot{background:var(--info)}
.all-none button,.filters button{font:inherit;font-size:12px;border:1px solid var(--line);
background:#fff;
border-radius:6px;padding:1px 8px;margin-left:2px;cursor:pointer;color:#344054}
.filters input[type=search]{font:inherit;font-size:13px;padding:3px 8px;border:1px solid #d0d5dd;
border-radius:6px;width:190px}
.shown{margin:0 0 0 auto;color:var(--muted);font-size:12.5px}
main{padding-top:20px;padding-bottom:40px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;
margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{font-size:17px;margin:0 0 12px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:650;
background:#f9fafb}
th button{all:unset;cursor:pointer}th button:hover,th button:focus-visible{color:var(--ink);
text-decoration:underline}
th button[data-dir=asc]::after{content:" \\25B4"}th button[data-dir=desc]::after{content:" \\25BE"}
.num{text-align:right;font-variant-numeric:tabular-nums;width:88px}
td.num{font-weight:650}td.num.zero{color:#c0c5cf;font-weight:400}
table.summary tbody tr:hover{background:#f9fafb}
table.summary td.path a{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:13px;
text-decoration:none;word-break:break-all}
table.summary td.path a:hover{text-decoration:underline}
td.sha code{color:var(--muted)}
.status{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650;
white-space:nowrap}
.st-clean.status{background:var(--ok-bg);color:var(--ok)}
.st-has-errors.status{background:var(--err-bg);color:var(--err)}
.st-has-warnings.status{background:var(--warn-bg);color:var(--warn)}
.st-has-notes.status{background:var(--info-bg);color:var(--info)}
.st-unreadable.status{background:#ebe9fe;color:#5925dc}
.badge{display:inline-block;min-width:58px;text-align:center;padding:0 6px;border-radius:4px;
font-size:11px;
font-weight:700;text-transform:uppercase;letter-spacing:.04em}
.badge.sev-error{background:var(--err);color:#fff}.badge.sev-warning{background:#dc6803;color:#fff}
.badge.sev-info{background:var(--info);color:#fff}
/* a year's letters make a long page: lay out and paint only the letters near the screen */
.letter{border-left:4px solid #98a2b3;content-visibility:auto;contain-intrinsic-size:auto 760px}
.letter.st-has-errors{border-left-color:var(--err)}
.letter.st-has-warnings{border-left-color:#dc6803}
.letter.st-has-notes{border-left-color:var(--info)}.letter.st-clean{border-left-color:#17b26a}
.letter.st-unreadable{border-left-color:#7a5af8}
.letter-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;margin-bottom:12px}
.letter-head h3{margin:0;font-size:15px;font-weight:650}
.letter-head .path{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
color:var(--ink);
text-decoration:none;word-break:break-all}
.letter-head .path:hover{text-decoration:underline}
.letter-head .status{margin-left:4px}
.letter-body{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:18px;align-items:start}
@media (max-width:980px){.letter-body{grid-template-columns:minmax(0,1fr)}}
.text{max-height:34rem;overflow:auto;border:1px solid var(--line);border-radius:8px;
background:#fcfcfd;
padding:10px 14px 10px 0;font:14px/1.6 Georgia,"DejaVu Serif","Times New Roman",serif;color:#101828}
.ln{position:relative;padding-left:3.9em;white-space:pre-wrap;overflow-wrap:anywhere;
min-height:1.6em;
border-left:3px solid transparent}
.ln::before{content:attr(data-n);position:absolute;left:0;width:3em;text-align:right;color:#98a2b3;
font:11.5px/2.1 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;user-select:none}
.ln.hit-error{border-left-color:var(--err)}.ln.hit-warning{border-left-color:#f79009}
.ln.hit-info{border-left-color:#2e90fa}
.ln.hit::before{font-weight:700;color:#475467}
.ln.flash{animation:lnflash 2s ease-out}
@keyframes lnflash{0%,40%{background:#fff4c2}100%{background:transparent}}
mark{color:inherit;border-radius:3px;padding:1px 0;cursor:pointer;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.sev-error{background:#fecdca;box-shadow:inset 0 -2px 0 var(--err)}
mark.sev-warning{background:#fedf89;box-shadow:inset 0 -2px 0 #dc6803}
mark.sev-info{background:#b2ddff;box-shadow:inset 0 -2px 0 var(--info)}
mark.multi{background-image:
repeating-linear-gradient(135deg,rgba(16,24,40,.13) 0 2px,transparent 2px 5px)}
mark.caret{display:inline-block;width:0;height:1.25em;vertical-align:text-bottom;padding:0;
margin:0 1px;
position:relative;background:none;box-shadow:none;border-left:2px solid currentColor;
color:var(--err)}
mark.caret.sev-warning{color:#dc6803}mark.caret.sev-info{color:var(--info)}
mark.caret::after{content:"";position:absolute;left:-6px;bottom:-6px;border:5px solid transparent;
border-bottom:6px solid currentColor;border-top:0}
mark.off{background:none;box-shadow:none;cursor:auto}
mark.caret.off{border-left-color:transparent}mark.caret.off::after{display:none}
mark:focus-visible{outline:2px solid #344054;outline-offset:1px}
mark.flash{animation:flash 1.8s ease-out}
@keyframes flash{0%,30%{outline:3px solid #f04438;outline-offset:2px;background:#fda29b}
100%{outline:3px solid transparent;outline-offset:2px}}
.findings-panel{position:sticky;top:calc(var(--bar) + 12px);max-height:34rem;overflow:auto;
border:1px solid var(--line);border-radius:8px;background:#fff}
.findings-panel h4{margin:0;padding:8px 12px;font-size:12px;text-transform:uppercase;
letter-spacing:.05em;
color:var(--muted);border-bottom:1px solid var(--line);position:sticky;top:0;background:#f9fafb}
.findings-panel .n-shown{font-weight:400;text-transform:none;letter-spacing:0}
ol.findings{list-style:none;margin:0;padding:0}
li.finding{padding:9px 12px;border-bottom:1px solid var(--line);cursor:pointer;
border-left:3px solid transparent}
li.finding:last-child{border-bottom:0}
li.finding:hover{background:#f9fafb}
li.finding[data-sev=error]{border-left-color:var(--err)}
li.finding[data-sev=warning]{border-left-color:#f79009}
li.finding[data-sev=info]{border-left-color:#2e90fa}
li.finding.flash{background:#fffaeb}
.finding .head,.pop .head{display:flex;align-items:center;gap:8px;text-decoration:none;
color:var(--ink)}
.finding .code,.pop .code{font-weight:700}
.finding .where,.pop .where{margin-left:auto;color:var(--muted);
font:12px ui-monospace,"DejaVu Sans Mono",monospace}
.detail p{margin:4px 0 0}
.detail .msg{font-size:13.5px}
.detail .rule{font-size:12.5px;color:var(--muted)}
.detail .rule a{color:var(--muted)}
.detail .fix{font-size:12.5px;color:#344054}
.fix-kind{display:inline-block;font-size:11px;font-weight:700;color:var(--ok);
background:var(--ok-bg);
border-radius:4px;padding:0 5px;margin-right:3px}
.related{font-size:12.5px;color:var(--muted);margin-top:3px}
.related ul{display:inline;margin:0;padding:0;list-style:none}
.related li{display:inline}.related li+li::before{content:" · "}
.clean-note{margin:0 0 8px;color:var(--ok);font-weight:600}
.input-error{margin:0;color:#5925dc;font-weight:600}
.no-text{color:var(--muted);margin:0}
details.evidence{margin-top:12px;border-top:1px dashed var(--line);padding-top:8px}
details.evidence summary{cursor:pointer;color:#344054;font-size:13px}
.ev-title{font-weight:650}
.ev-tally{color:var(--muted);margin-left:6px}
.ev-tally .o-failed{color:var(--err);font-weight:650}
.ev-meta{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:10px 0;font-size:12.5px}
.ev-meta dt{color:var(--muted)}.ev-meta dd{margin:0;word-break:break-all}
table.ev{max-width:640px;font-size:12.5px}table.ev td,table.ev th{padding:3px 10px}
.outcome{display:inline-block;padding:0 8px;border-radius:999px;font-size:11.5px;font-weight:650}
.o-passed.outcome{background:var(--ok-bg);color:var(--ok)}
.o-failed.outcome{background:var(--err-bg);color:var(--err)}
.o-not-applicable.outcome{background:var(--na-bg);color:var(--na)}
.o-error.outcome{background:#ebe9fe;color:#5925dc}
.rules-table td{font-size:13px}.rules-table tr:target{background:#fffaeb}
.rules-table summary{cursor:pointer}
.explanation{max-width:760px;color:#344054}
.explanation h4{margin:10px 0 2px;font-size:12.5px}.explanation p{margin:0 0 4px}
.pop{position:absolute;z-index:40;width:min(420px,calc(100vw - 16px));background:#fff;
border:1px solid #d0d5dd;
border-radius:10px;box-shadow:0 12px 24px -4px rgba(16,24,40,.18);padding:10px 14px 12px}
.pop .pop-item+.pop-item{border-top:1px solid var(--line);margin-top:8px;padding-top:8px}
.pop .close{position:absolute;right:6px;top:4px;border:0;background:none;font-size:18px;
line-height:1;
cursor:pointer;color:var(--muted)}
.pop .head{padding-right:22px}
.foot{color:var(--muted);font-size:12.5px;padding:4px 2px}
[hidden]{display:none !important}
@media print{.bar,.pop{display:none !important}.letter{content-visibility:visible}
.text,.findings-panel{max-height:none;
overflow:visible}
body{background:#fff}.card{box-shadow:none}}
"""

_SCRIPT = """
(() => {
  "use strict";
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const body = document.body;
  body.classList.add("js");
  const bar = document.getElementById("bar");
  const setBar = () => document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px");
  setBar();
  window.addEventListener("resize", setBar);

  const rank = { error: 2, warning: 1, info: 0 };
  const items = new Map($$("li.finding").map((li) => [li.dataset.f, li]));
  const marks = $$("mark[data-f]");
  const fidsOf = new Map(marks.map((m) => [m, m.dataset.f.split(" ")]));
  const marksOf = new Map();
  marks.forEach((m) => fidsOf.get(m).forEach((f) => {
    if (!marksOf.has(f)) marksOf.set(f, []);
    marksOf.get(f).push(m);
  }));
  const hitLines = $$(".ln.hit").map((line) => [line, $$("mark[data-f]", line)]);
  const letters = $$("article.letter");
  const rows = new Map($$("#summary-table tbody tr").map((r) => [r.dataset.letter, r]));
  const showClean = document.getElementById("show-clean");
  const query = document.getElementById("q");
  const shown = document.getElementById("shown");
  const form = document.getElementById("filters");
  const ticked = (name) => new Set(
    $$('input[name="' + name + '"]').filter((b) => b.checked).map((b) => b.value));

  function apply() {
    const sevs = ticked("sev");
    const codes = ticked("rule");
    const q = query.value.trim().toLowerCase();
    const rulesNarrowed = $$('input[name="rule"]').some((b) => !b.checked);
    const narrowed = rulesNarrowed || $$('input[name="sev"]').some((b) => !b.checked);
    items.forEach((li) => {
      li.hidden = !(sevs.has(li.dataset.sev) && codes.has(li.dataset.code));
    });
    marks.forEach((m) => {
      const on = fidsOf.get(m).map((f) => items.get(f)).filter((li) => li && !li.hidden);
      m.classList.toggle("off", on.length === 0);
      m.tabIndex = on.length ? 0 : -1;
      if (on.length) {
        const top = on.map((li) => li.dataset.sev).sort((a, b) => rank[b] - rank[a])[0];
        m.classList.remove("sev-error", "sev-warning", "sev-info");
        m.classList.add("sev-" + top);
      }
    });
    hitLines.forEach(([line, inLine]) => {
      const sevs = inLine.filter((m) => !m.classList.contains("off"))
        .map((m) => ["error", "warning", "info"].find((s) => m.classList.contains("sev-" + s)));
      const top = sevs.sort((a, b) => rank[b] - rank[a])[0];
      line.classList.remove("hit", "hit-error", "hit-warning", "hit-info");
      if (top) line.classList.add("hit", "hit-" + top);
    });
    let nLetters = 0;
    let nFindings = 0;
    letters.forEach((a) => {
      const total = Number(a.dataset.findings);
      const visible = $$("li.finding", a).filter((li) => !li.hidden).length;
      // Letters without findings show while no finding filter narrows the view; a letter
      // that could not be read counts as an error of no rule.
      let on = visible > 0;
      if (a.dataset.status === "unreadable") on = sevs.has("error") && !rulesNarrowed;
      else if (total === 0) on = showClean.checked && !narrowed;
      if (q && !a.dataset.path.toLowerCase().includes(q)) on = false;
      a.hidden = !on;
      const row = rows.get(a.dataset.letter);
      if (row) row.hidden = !on;
      const count = a.querySelector(".n-shown");
      if (count) {
        count.textContent = "(" + (visible === total ? total : visible + " of " + total) + ")";
      }
      if (on) { nLetters += 1; nFindings += visible; }
    });
    shown.textContent = "Showing " + nLetters + " of " + letters.length + " letters, "
      + nFindings + " of " + items.size + " findings";
  }

  let timer = 0;
  function flash(fid) {
    $$(".flash").forEach((el) => el.classList.remove("flash"));
    void body.offsetWidth;
    (marksOf.get(fid) || []).forEach((m) => m.classList.add("flash"));
    const li = items.get(fid);
    if (li) {
      li.classList.add("flash");
      (li.dataset.rel || "").split(" ").filter(Boolean).forEach((id) => {
        const line = document.getElementById(id);
        if (line) line.classList.add("flash");
      });
    }
    clearTimeout(timer);
    timer = setTimeout(() => $$(".flash").forEach((el) => el.classList.remove("flash")), 2200);
  }

  function goTo(fid) {
    const first = (marksOf.get(fid) || [])[0];
    if (first) {
      // An instant jump: a smooth scroll aims at a place computed from the estimated sizes
      // of letters not yet laid out, and those change on the way. Centred again once laid out.
      first.scrollIntoView({ block: "center" });
      requestAnimationFrame(() => first.scrollIntoView({ block: "center" }));
      first.focus({ preventScroll: true });
    }
    flash(fid);
  }

  const pop = document.getElementById("pop");
  let popFor = null;
  function closePop() {
    if (pop.hidden) return;
    pop.hidden = true;
    pop.replaceChildren();
    if (popFor) popFor.focus({ preventScroll: true });
    popFor = null;
  }
  function openPop(m) {
    const visible = fidsOf.get(m).map((f) => items.get(f)).filter((li) => li && !li.hidden);
    if (!visible.length) return;
    pop.replaceChildren();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "\\u00d7";
    pop.append(close);
    visible.forEach((li) => {
      const box = document.createElement("div");
      box.className = "pop-item";
      box.append(li.querySelector(".head").cloneNode(true));
      box.append(li.querySelector(".detail").cloneNode(true));
      pop.append(box);
      li.classList.add("flash");
    });
    pop.hidden = false;
    popFor = m;
    const r = m.getBoundingClientRect();
    const width = pop.offsetWidth;
    const right = window.scrollX + document.documentElement.clientWidth - width - 8;
    pop.style.left = Math.max(8, Math.min(r.left + window.scrollX, right)) + "px";
    pop.style.top = (r.bottom + window.scrollY + 6) + "px";
    close.focus({ preventScroll: true });
  }

  document.addEventListener("click", (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    if (t.closest("#pop")) {
      if (t.closest(".close")) closePop();
      return;
    }
    const m = t.closest("mark[data-f]");
    if (m && !m.classList.contains("off")) { ev.preventDefault(); openPop(m); return; }
    closePop();
    const li = t.closest("li.finding");
    if (li && !t.closest(".detail a")) { ev.preventDefault(); goTo(li.dataset.f); }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { closePop(); return; }
    const t = ev.target;
    const key = ev.key === "Enter" || ev.key === " ";
    if (key && t instanceof Element && t.matches("mark[data-f]")) {
      ev.preventDefault();
      openPop(t);
    }
  });

  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  $$("button[data-rules]").forEach((b) => b.addEventListener("click", () => {
    $$('input[name="rule"]').forEach((box) => { box.checked = b.dataset.rules === "all"; });
    apply();
  }));

  const tbody = document.querySelector("#summary-table tbody");
  const statusRank = {
    "has-errors": 0, unreadable: 1, "has-warnings": 2, "has-notes": 3, clean: 4,
  };
  $$("#summary-table th button[data-sort]").forEach((b) => b.addEventListener("click", () => {
    const key = b.dataset.sort;
    const first = key === "path" ? "asc" : "desc";
    const dir = b.dataset.dir ? (b.dataset.dir === "asc" ? "desc" : "asc") : first;
    $$("#summary-table th button").forEach((o) => { delete o.dataset.dir; });
    b.dataset.dir = dir;
    const value = (r) => key === "path" ? r.dataset.path.toLowerCase()
      : key === "status" ? -statusRank[r.dataset.status] : Number(r.dataset[key]);
    const sorted = Array.from(tbody.rows).sort((x, y) => {
      const a = value(x);
      const c = value(y);
      if (a === c) return Number(x.dataset.order) - Number(y.dataset.order);
      return (a < c ? -1 : 1) * (dir === "asc" ? 1 : -1);
    });
    tbody.append(...sorted);
  }));

  apply();
  body.dataset.ready = "true";
})();
"""
