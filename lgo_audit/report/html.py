"""One self-contained HTML page for a batch of letters: ``--output-format html -o report.html``.

The page has the run's totals and rule-set version, a summary table (one row per letter with
findings, or that could not be read; clean letters are a count and a collapsed list of names
and hashes), filters by severity and rule, and for each letter with findings an excerpt of its
text (the lines of its findings, :data:`CONTEXT` lines around them) with every finding
highlighted where it stands (``<mark class="sev-error" data-code="LGO102" title="…">``), a list
of its findings that scrolls to and flashes the mark, and the letter's evidence (SHA-256,
rule-set version, template, which rules had which outcome) in a ``<details>``. Under the
summary table, the *year at a glance* plots each document's rates against the averages it
states, one inline SVG per authority type (its coordinates are :mod:`lgo_audit.report.plot`'s).
The page is written as Jinja2 renders it (:func:`write_html`): a first pass over the results
gathers what comes before the letters, a second renders the letters one at a time.

Where things are: this module works out what the page shows (which letters, in what state,
each line of a letter cut into plain text and marks); the markup is in Jinja2 templates
(``templates/report.html.j2`` and the partials it includes), the style and the script are
``static/report.css`` and ``static/report.js``, and rule explanations (Markdown) are rendered
by markdown-it-py. Jinja2 and markdown-it-py are imported by this module only, and the
report stage imports this module only when an HTML report is asked for.

Safety and reproducibility:

* Templates are autoescaped, and every value a template prints passes through
  :func:`~lgo_audit.report.text.clean` (control characters and bidi overrides made visible)
  and :func:`html.escape` on its way out (the environment's ``finalize``), whoever wrote the
  template. The only markup not escaped there is the page's own style and script (files of
  this package) and rule explanations rendered by markdown-it-py, whose raw HTML, links and
  images are switched off so that rule text is escaped too. The script never puts letter
  text into ``innerHTML``.
* No external reference of any kind: CSS and JavaScript are inlined from the package's files
  when the page is written, every ``href`` is a fragment. A Content-Security-Policy allows
  only the page's own script and style (by their SHA-256, computed from the inlined text) and
  no network, so even an escaping bug could neither run injected script nor fetch.
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markdown_it import MarkdownIt
from markupsafe import Markup

from lgo_audit import __version__
from lgo_audit.findings import FileResult, Finding, Outcome, Severity
from lgo_audit.report.evidence import OUTCOMES, letter_evidence, letter_status, not_applicable
from lgo_audit.report.plot import GlanceDocument, glance_document, glance_of
from lgo_audit.report.text import clean, clean_line
from lgo_audit.rules import Rule
from lgo_audit.webpage import GENERATOR

__all__ = ["CONTEXT", "render_html", "write_html"]

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


@dataclass(frozen=True, slots=True)
class _MarkView:
    """One ``<mark>`` as the template prints it: a stretch of a line and the findings on it."""

    classes: str
    fids: str
    codes: str
    title: str
    body: str  # "" for a caret


@dataclass(frozen=True, slots=True)
class _LineView:
    """One line of a letter: its classes, its number, and its text or its text and marks."""

    classes: str
    number: int
    text: str
    segments: list[str | _MarkView] | None  # None on a line with no finding (most lines)


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


def _mark(marks: Sequence[_Mark], body: str) -> _MarkView:
    top = max(marks, key=lambda m: m.severity.rank)
    classes = [f"sev-{top.severity.value}"]
    if not body:
        classes.append("caret")
    if len(marks) > 1:
        classes.append("multi")
    return _MarkView(
        classes=" ".join(classes),
        fids=" ".join(m.fid for m in marks),
        codes=" ".join(dict.fromkeys(m.code for m in marks)),
        title="\n".join(m.title for m in marks),
        body=body,
    )


def _segments(text: str, pieces: Sequence[tuple[int, int, _Mark]]) -> list[str | _MarkView]:
    """One line of the letter cut into plain text and marks (the pieces of its findings)."""
    carets: dict[int, list[_Mark]] = {}
    spans = [(s, e, m) for s, e, m in pieces if e > s]
    for s, e, m in pieces:
        if e == s:
            carets.setdefault(s, []).append(m)
    bounds = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans), *carets})
    out: list[str | _MarkView] = []
    run: tuple[str, ...] = ()
    run_start = 0
    run_marks: list[_Mark] = []

    def flush(upto: int) -> None:
        if upto > run_start:
            body = text[run_start:upto]
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
    return out


CONTEXT = 2
"""Lines shown before and after the lines a finding is on (the rest of the letter is a gap)."""


@dataclass(frozen=True, slots=True)
class _GapView:
    """Lines of a letter left out of its excerpt: ``first`` to ``last`` (numbers)."""

    first: int
    last: int


def _letter_lines(
    source: str, items: Sequence[tuple[str, Finding]], wanted: Iterable[int] = ()
) -> list[_LineView | _GapView]:
    """The excerpt of a letter: the lines its findings are on, :data:`CONTEXT` lines around
    them and the lines numbered in ``wanted`` (places other findings point at), each cut
    into plain text and marks; a gap for each stretch left out."""
    lines = _LINE_BREAK.split(source)
    by_line: dict[int, list[tuple[int, int, _Mark]]] = {}
    hit: dict[int, int] = {}
    shown: set[int] = {n - 1 for n in wanted if 1 <= n <= len(lines)}
    for fid, finding in items:
        noun = _SEVERITY_NOUN[finding.severity.value]
        mark = _Mark(
            fid,
            finding.severity,
            finding.code,
            f"{finding.code} [{noun}] {clean_line(finding.message)}",
        )
        pieces = _pieces(lines, finding)
        for index, start, end in pieces:
            by_line.setdefault(index, []).append((start, end, mark))
            hit[index] = max(hit.get(index, 0), finding.severity.rank)
        first, last = pieces[0][0], pieces[-1][0]
        shown.update(range(max(first - CONTEXT, 0), min(last + CONTEXT, len(lines) - 1) + 1))
    shown.update([i + 1 for i in shown if i + 2 in shown])  # a line, not a gap of one line
    if 1 in shown:
        shown.add(0)
    if len(lines) - 2 in shown:
        shown.add(len(lines) - 1)
    rank_name = {s.rank: s.value for s in Severity}
    out: list[_LineView | _GapView] = []
    after = 0  # the first line not yet shown or left out
    for index in sorted(shown):
        if index > after:
            out.append(_GapView(after + 1, index))
        out.append(
            _LineView(
                classes="ln" if index not in hit else f"ln hit hit-{rank_name[hit[index]]}",
                number=index + 1,
                text=lines[index],
                segments=_segments(lines[index], by_line[index]) if index in by_line else None,
            )
        )
        after = index + 1
    if after < len(lines):
        out.append(_GapView(after + 1, len(lines)))
    return out


# --- what the templates are given -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RelatedView:
    place: str  # "line:column", with the other letter's path in front when it is another
    message: str
    anchor: str | None  # the id of the line it points to, when that letter's text is shown


@dataclass(frozen=True, slots=True)
class _FindingView:
    fid: str
    finding: Finding
    name: str  # the active rule's name, or the finding's own
    summary: str | None  # the active rule's summary (None when the rule is not active)
    where: str
    related: list[_RelatedView]
    rel: str  # the ids of the lines its related places are on, for the script's flash


@dataclass(frozen=True, slots=True)
class _EvidenceView:
    tally: list[tuple[str, int]]  # (outcome, count) for the outcomes that occur, in order
    sha256: str
    rule_set: str
    outcomes: list[tuple[str, str]]  # (outcome, its rules' codes) for those that occur, in order
    suppressed: str  # failed rules whose findings per-file-ignores hid (codes), or ""
    profile: str | None  # the template profile; None when no letter was read
    missing: list[str]  # facts the template states but the letter lacks


@dataclass(frozen=True, slots=True)
class _LetterView:
    number: int
    result: FileResult
    status: str
    counts: dict[str, int]
    evidence: _EvidenceView | None  # None for a letter that could not be read
    findings: list[_FindingView]
    lines: list[_LineView | _GapView] | None  # None when the text was not kept


@dataclass(frozen=True, slots=True)
class _RuleBox:
    code: str
    count: int
    rule: Rule | None


@dataclass(frozen=True, slots=True)
class _RuleRow:
    rule: Rule
    count: int
    explanation: Markup  # HTML from markdown-it-py


def _where(finding: Finding) -> str:
    """``line:column`` (a range when the span is one), then for a PDF or DOCX its place in
    the document: ``61:1 (page 2, line 21, column 1)``."""
    span = finding.span
    if (span.end_line, span.end_column) == (span.line, span.column):
        where = f"{span.line}:{span.column}"
    elif span.end_line == span.line:
        where = f"{span.line}:{span.column}\u2013{span.end_column}"
    else:
        where = f"{span.line}:{span.column}\u2013{span.end_line}:{span.end_column}"
    if finding.origin:
        where += " (" + ", ".join(f"{k} {v}" for k, v in finding.origin.items()) + ")"
    return where


def _related(finding: Finding, letters_with_text: dict[str, int]) -> tuple[list[_RelatedView], str]:
    """The finding's related places, and the ids of the lines they are on where those show."""
    views: list[_RelatedView] = []
    for related in finding.related:
        place = f"{related.span.line}:{related.span.column}"
        if related.path != finding.path:
            place = f"{clean_line(related.path)}:{place}"
        other = letters_with_text.get(related.path)
        anchor = None if other is None else f"l{other}-{related.span.line}"
        views.append(_RelatedView(place, related.message, anchor))
    rel = " ".join(dict.fromkeys(v.anchor for v in views if v.anchor is not None))
    return views, rel


def _finding_view(
    fid: str, finding: Finding, rules: dict[str, Rule], letters_with_text: dict[str, int]
) -> _FindingView:
    rule = rules.get(finding.code)
    related, rel = _related(finding, letters_with_text)
    return _FindingView(
        fid=fid,
        finding=finding,
        name=rule.name if rule is not None else finding.name,
        summary=rule.summary if rule is not None else None,
        where=_where(finding),
        related=related,
        rel=rel,
    )


def _evidence_view(record: dict[str, Any]) -> _EvidenceView:
    outcomes: dict[str, str] = record["rules"]
    by_outcome: dict[str, list[str]] = {}
    for code, outcome in outcomes.items():
        by_outcome.setdefault(outcome, []).append(code)
    return _EvidenceView(
        tally=[(o, len(by_outcome[o])) for o in OUTCOMES if o in by_outcome],
        sha256=str(record["sha256"]),
        rule_set=str(record["rule_set"]),
        outcomes=[(o, " ".join(by_outcome[o])) for o in OUTCOMES if o in by_outcome],
        suppressed=" ".join(record["suppressed"]),
        profile=record["profile"],
        missing=list(record["missing"]),
    )


def _counts(result: FileResult) -> dict[str, int]:
    counts = Counter(f.severity.value for f in result.findings)
    return {s.value: counts.get(s.value, 0) for s in _SEVERITIES}


def _letter_view(
    number: int,
    result: FileResult,
    rules: dict[str, Rule],
    letters_with_text: dict[str, int],
    wanted: Iterable[int] = (),
) -> _LetterView:
    ordered = sorted(result.findings, key=lambda f: (f.span.line, f.span.column, f.code))
    items = [(f"f{number}-{k}", f) for k, f in enumerate(ordered, start=1)]
    return _LetterView(
        number=number,
        result=result,
        status=letter_status(result),
        counts=_counts(result),
        evidence=None if result.error is not None else _evidence_view(letter_evidence(result)),
        findings=[_finding_view(fid, f, rules, letters_with_text) for fid, f in items],
        lines=_letter_lines(result.source_text, items, wanted)
        if result.findings and result.source_text is not None
        else None,
    )


@dataclass(frozen=True, slots=True)
class _Row:
    """A letter as the summary table (or the list of clean letters) shows it."""

    number: int
    path: str
    status: str
    counts: dict[str, int]
    sha256: str
    suppressed: str = ""  # a clean letter's failed rules (codes): per-file-ignores hid them


@dataclass(frozen=True, slots=True)
class _Template:
    """A template year of the letters read, and the facts it does not state."""

    profile: str
    not_applicable: tuple[str, ...]


def _tiles(statuses: Counter[str], letters: int) -> list[tuple[str, int, str]]:
    """``(label, count, class)`` for each tile of the page's header."""
    tiles = [
        ("Letters", letters, ""),
        ("With errors", statuses["has-errors"], "sev-error"),
        ("With warnings only", statuses["has-warnings"], "sev-warning"),
        ("Clean", statuses["clean"], "st-clean"),
    ]
    if statuses["has-notes"]:
        tiles.append(("With notes only", statuses["has-notes"], "sev-info"))
    if statuses["unreadable"]:
        tiles.append(("Could not be read", statuses["unreadable"], "st-unreadable"))
    return tiles


# --- rule explanations: Markdown --------------------------------------------------------------


@cache
def _markdown() -> MarkdownIt:
    """CommonMark without raw HTML, links or images: rule text is shown, never obeyed.

    Raw HTML in an explanation is escaped like any text; links, autolinks, images and link
    reference definitions stay as their literal text, so that rule text (a user's own rule
    files too) cannot put a reference to anything outside the page into it.
    """
    md = MarkdownIt("commonmark", {"html": False})
    md.disable(["html_block", "html_inline", "link", "image", "autolink", "reference"])
    return md


def _explanation(text: str) -> Markup:
    """A rule's Markdown explanation as HTML, its headings two levels down (``##`` is h4).

    The page's own headings are h1 to h3, and explanations use ``## What it checks`` etc.
    """
    md = _markdown()
    tokens = md.parse(clean(text.strip()))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + 2, 6)}"
    return Markup(md.renderer.render(tokens, md.options, {}))


# --- the page ---------------------------------------------------------------------------------


def _escape(value: object) -> object:
    """What a template prints: text cleaned and escaped, numbers as they are, markup kept.

    The environment's ``finalize``: it sees every ``{{ … }}`` before autoescaping does, so
    text from a letter is cleaned however a template prints it, and is escaped as
    :func:`html.escape` does (``&quot;``, ``&#x27;``), as this report always has been.
    """
    if type(value) is str:  # the common case first: this runs for every value printed
        return Markup(html.escape(clean(value), quote=True))
    if type(value) is int or type(value) is Markup:  # numbers; markup made by this module
        return value
    raise TypeError(f"a template printed {type(value).__name__} {value!r}: give it text")


class _Compact(Extension):
    """Template line breaks between tags are for people only: they are not in the page.

    A line break (with the spaces around it) next to a tag or a ``{% … %}`` / ``{# … #}``
    is removed; one between two words or expressions of running text becomes one space.
    So templates can be laid out readably and the page keeps its compact, exact markup (a
    letter's lines are ``white-space: pre-wrap``: a stray newline would show).
    """

    _BREAK = re.compile(r"[ \t]*\n[ \t]*")

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        def join(match: re.Match[str]) -> str:
            before = source[max(match.start() - 2, 0) : match.start()]
            after = source[match.end() : match.end() + 2]
            if match.start() == 0 or match.end() == len(source):
                return ""
            if before.endswith(">") or before in ("%}", "#}"):
                return ""
            if after.startswith("<") or after in ("{%", "{#"):
                return ""
            return " "

        return self._BREAK.sub(join, source)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lgo_audit.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_escape,
        extensions=[_Compact],
    )
    env.filters["plural"] = _plural
    env.filters["line"] = clean_line  # a path or message: on one line whatever a file is called
    env.globals.update(
        noun=_SEVERITY_NOUN,
        status_label=_STATUS_LABEL,
        outcome_label=_OUTCOME_LABEL,
        severities=_SEVERITIES,
    )
    return env


@dataclass(frozen=True, slots=True)
class _Asset:
    text: str  # inlined as it is
    sha256: str  # base64, for the Content-Security-Policy


@cache
def _asset(name: str) -> _Asset:
    """A file of ``static/``, checked to be safe to inline in its element."""
    text = (resources.files("lgo_audit.report") / "static" / name).read_text(encoding="utf-8")
    element = "style" if name.endswith(".css") else "script"
    if f"</{element}" in text.lower():
        raise ValueError(f"static/{name} contains '</{element}': it cannot be inlined")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return _Asset(text, digest)


@dataclass
class _Survey:
    """What a first pass over the results gives the page before its letters: the totals, a
    row per letter, the plot's documents, the template years, and the lines of each letter
    that other findings point at (so its excerpt shows them)."""

    letters: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    rule_sets: dict[str, None] = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)  # letters with findings or unreadable
    clean: list[_Row] = field(default_factory=list)
    documents: list[GlanceDocument] = field(default_factory=list)
    profiles: dict[str, None] = field(default_factory=dict)
    letters_with_text: dict[str, int] = field(default_factory=dict)
    wanted: dict[str, set[int]] = field(default_factory=dict)  # path -> line numbers
    same: dict[object, Any] = field(default_factory=dict)  # values the documents share

    def add(self, number: int, result: FileResult) -> None:
        self.letters += 1
        status = letter_status(result)
        self.statuses[status] += 1
        counts = _counts(result)
        self.totals.update({k: n for k, n in counts.items() if n})
        self.by_code.update(f.code for f in result.findings)
        if result.rule_set:
            self.rule_sets.setdefault(result.rule_set)
        if result.profile is not None:
            self.profiles.setdefault(result.profile)
        suppressed = ""
        if status == "clean":
            failed = sorted(r.code for r in result.results if r.outcome is Outcome.FAILED)
            suppressed = " ".join(failed)
        row = _Row(number, result.path, status, counts, result.sha256 or "", suppressed)
        (self.clean if status == "clean" else self.rows).append(row)
        document = glance_document(number, result, self.same)
        if document is not None:
            self.documents.append(document)
        if result.findings and result.source_text is not None:
            self.letters_with_text[result.path] = number
        for finding in result.findings:
            for related in finding.related:
                self.wanted.setdefault(related.path, set()).add(related.span.line)


def write_html(
    results: Iterable[FileResult],
    rules: Sequence[Rule],
    write: Callable[[str], object],
    *,
    title: str = "lgo-audit report",
) -> None:
    """The report for ``results`` as one self-contained HTML5 page (see the module's
    docstring), written piece by piece: a first pass over ``results`` for the totals, the
    summary table and the plot, a second for the letters' sections (those with findings or
    that could not be read: clean letters are a count, and a list of names in a collapsed
    ``<details>``).

    ``rules`` are the active rules (names, summaries and explanations for the findings and
    the evidence); a finding whose rule is not among them is shown with its own name.
    """
    by_code = {rule.code: rule for rule in rules}
    survey = _Survey()
    for number, result in enumerate(results, start=1):
        survey.add(number, result)

    def letters() -> Iterator[_LetterView]:
        for number, result in enumerate(results, start=1):
            if letter_status(result) != "clean":
                wanted = survey.wanted.get(result.path, ())
                yield _letter_view(number, result, by_code, survey.letters_with_text, wanted)

    css, script = _asset("report.css"), _asset("report.js")
    template = _environment().get_template("report.html.j2")
    pieces = template.generate(
        title=title,
        version=__version__,
        generator=GENERATOR,
        rule_sets=list(survey.rule_sets),
        n_rules=len(rules),
        n_letters=survey.letters,
        tiles=_tiles(survey.statuses, survey.letters),
        glance=glance_of(survey.documents),
        totals=survey.totals,
        rule_boxes=[
            _RuleBox(code, survey.by_code[code], by_code.get(code))
            for code in sorted(survey.by_code)
        ],
        rows=survey.rows,
        clean=survey.clean,
        letters=letters(),
        templates=[_Template(p, not_applicable(p)) for p in sorted(survey.profiles)],
        rule_rows=[
            _RuleRow(rule, survey.by_code.get(rule.code, 0), _explanation(rule.explanation))
            for rule in sorted(rules, key=lambda r: r.code)
        ],
        css=Markup(css.text),
        css_sha256=css.sha256,
        script=Markup(script.text),
        script_sha256=script.sha256,
    )
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            write("".join(buffer))
            buffer, size = [], 0
    write("".join(buffer))


def render_html(
    results: Iterable[FileResult], rules: Sequence[Rule], *, title: str = "lgo-audit report"
) -> str:
    """:func:`write_html` as one string, ending with a line break (as a file does)."""
    parts: list[str] = []
    write_html(results, rules, parts.append, title=title)
    return "".join(parts) + "\n"
