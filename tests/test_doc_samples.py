"""The docs say what the tool does: every ```console sample of README.md and docs/*.md is run.

How a sample is tied to what it runs in
---------------------------------------
Each ```console block is preceded (blank lines allowed in between) by an HTML comment, invisible
once the page is rendered, that names the *setup* it runs in, one of ``SETUPS`` below::

    <!-- sample: letters -->

The block is then run in a fresh temporary folder that the setup prepares from the bundled
letters (``examples/``), the base letter (``rules/base/2020.txt``), the rules' own examples and
the files the page itself shows (a configuration, a rule file), the way the page describes
them. A block that cannot be run here says why instead::

    <!-- sample: not-runnable: shows pre-commit's own output -->

A page whose blocks carry no comment (``docs/pre-commit.md``, all of whose samples are
sessions of pre-commit and git) lists them in ``NOT_RUNNABLE`` by the block's first line. Any
other ```console block fails ``test_every_console_block_is_run_or_excused``, so a new sample
is checked from the day it is written.

How a block is run
------------------
* ``$ lgo-audit ...``: the installed ``lgo-audit`` (the one beside the running Python, else
  the one on ``PATH``), its arguments split as a POSIX shell splits them, in the prepared
  folder, with ``NO_COLOR=1``, ``COLUMNS=100``, output in UTF-8 and unbuffered, so standard
  output and standard error interleave as they are written, as on a terminal.
* ``$ echo $?``: prints the exit status of the command before it (the only way a sample
  states one; a status not shown is not checked).
* ``$ pip ... && lgo-audit ...``: the ``pip`` part is not run.
* ``$ cat``, ``head``, ``cut`` and ``grep``, alone or in a ``|`` pipeline: run as they are,
  to show a file a command wrote. Any other command in a runnable block is an error.
* Some setups change the folder between two commands of their block, as the text around the
  sample says ("the second run is after changing ..."): ``Setup.before``.

How output is compared
----------------------
The lines after a ``$`` line, up to the next ``$`` line, are that command's output: standard
output and standard error together, as the sample shows them.

* Trailing whitespace on a line, and blank lines at the end of a command's output, are ignored.
* **Shortened output.** A line that is only ``...``, or ``[...]``, or ``[...`` some words
  ``...]`` (``[... pip's log ...]``), stands for any number of lines, none included. It is the
  only way a sample may show less than the command prints: anywhere else the output must be
  exactly the sample.
* **Normalised on both sides** before comparing:
  - the temporary folder (in the output), and the folder the page shows in its place (the
    setup's ``shown_as``, such as ``/tmp/letters-repo``), are removed, so absolute paths read
    as relative ones (``/tmp/letters-repo/pyproject.toml`` -> ``pyproject.toml``,
    ``file:///path/to/lgo-audit/`` -> ``file://``);
  - lgo-audit's version (``"version"`` after ``"name": "lgo-audit"``, ``"semanticVersion"``,
    ``lgo-audit X.Y.Z``) -> ``<version>``;
  - the rule set's digest (``"rule_set": "..."``) -> ``<rule-set>``;
  - SHA-256 digests (64 hexadecimal digits) -> ``<sha256>``;
  - ISO timestamps (``2024-05-01T12:00:00Z``) -> ``<timestamp>``. (Dates alone are facts of the
    letters and are compared as they are.)

Speed: a block is run once per distinct (setup, commands); the whole module takes seconds.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lgo_audit.examples import build_example
from tests.paths import BASE_LETTER, DOCS_DIR, EXAMPLES, ROOT, RULES_DIR

PAGES = [ROOT / "README.md", *sorted(DOCS_DIR.glob("*.md"))]

# Blocks of pages that carry no marker comment: (page, first line of the block) -> why it is not
# run. Every block of that page starting with that line is excused; nothing else is.
NOT_RUNNABLE: dict[tuple[str, str], str] = {
    ("docs/pre-commit.md", "$ pip install pre-commit"): "installs pre-commit and its git hook",
    ("docs/pre-commit.md", '$ git commit -m "2020 letters"'): "shows pre-commit's own output",
    ("docs/pre-commit.md", "$ pre-commit try-repo ../lgo-audit lgo-audit --all-files"): (
        "runs pre-commit on a clone of lgo-audit; no output shown"
    ),
}

UTILITIES = frozenset({"cat", "head", "cut", "grep"})
TIMEOUT = 120


# --- the setups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """A named starting folder for the samples that say they use it."""

    prepare: Callable[[Path], None]
    # The folder the page shows as the one the sample was run in, when its output names it.
    shown_as: str | None = None
    # Changes made before the n-th command of the block (0-based, counting every "$" line).
    before: Mapping[int, Callable[[Path], None]] = field(default_factory=dict)


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def edited(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` (which must occur ``count`` times) replaced by ``new``."""
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times, not {count}"
    return text.replace(old, new)


def page_block(page: str, info: str, starts_with: str) -> str:
    """The one ```info block of ``page`` whose first line starts with ``starts_with``."""
    found = [
        "\n".join(block.lines) + "\n"
        for block in fenced_blocks(ROOT / page)
        if block.info == info and block.lines and block.lines[0].startswith(starts_with)
    ]
    assert len(found) == 1, f"{page}: {len(found)} ```{info} blocks start with {starts_with!r}"
    return found[0]


def copy_examples(folder: Path, to: str = "examples") -> None:
    shutil.copytree(EXAMPLES, folder / to)


def watford(folder: Path) -> None:
    """usage.md: "a copy of the Stevenage letter addressed to Watford Borough Council (another
    district) with an upheld average of 44% instead of 45%"."""
    text = read(EXAMPLES / "stevenage-2020.txt")
    text = edited(text, "Stevenage Borough Council", "Watford Borough Council", count=2)
    write(folder / "watford-2020.txt", edited(text, "**45%**", "**44%**"))


def letters(folder: Path) -> None:
    """``examples/``, and ``letters/``: the two examples and the Watford copy."""
    copy_examples(folder)
    copy_examples(folder, "letters")
    watford(folder / "letters")


STATS_CSV = """\
authority,year,type,investigations,upheld,remedies,compliance_outcomes,compliance_percent,upheld_average,compliance_average,remedy_average
Stevenage Borough Council,2020,District,1,,0,1,100,45,99,20
Stockport Metropolitan Borough Council,2020,Metropolitan Borough,17,11,0,9,100,67,100,11
Hertsmere Borough Council,2020,District,5,2,0,2,100,45,99,20
"""


def statistics_table(folder: Path) -> None:
    """usage.md: ``letters/`` and a table in which Stockport's upheld decisions are 11, Watford
    has no row and Hertsmere no letter (``extract``'s columns, one figure changed)."""
    letters(folder)
    write(folder / "stats.csv", STATS_CSV)


def upheld_60(folder: Path) -> None:
    """usage.md: "a copy of the base letter whose upheld rate was changed to 60%"."""
    write(
        folder / "letter.txt", edited(read(BASE_LETTER), "59% of complaints", "60% of complaints")
    )


def bad_configurations(folder: Path) -> None:
    """configuration.md: a misspelt key, and a value out of its range."""
    letters(folder)
    write(folder / "bad.toml", 'selec = ["LGO1"]\n')
    write(folder / "bad2.toml", 'fail-on = "info"\n')


def letters_repo(folder: Path) -> None:
    """configuration.md: a repository whose pyproject.toml holds the page's first example."""
    write(
        folder / "pyproject.toml", page_block("docs/configuration.md", "toml", "[tool.lgo-audit]")
    )
    write(folder / "letters/2020/stockport-2020.txt", read(EXAMPLES / "stockport-2020.txt"))
    write(folder / "letters/drafts/stevenage-2020.txt", read(EXAMPLES / "stevenage-2020.txt"))


def letters_repo_drafts(folder: Path) -> None:
    """configuration.md: the same, with ``letters/drafts/lgo-audit.toml`` added."""
    letters_repo(folder)
    write(folder / "letters/drafts/lgo-audit.toml", 'select = ["LGO1", "LGO2"]\n')


def first_invalid_example(code: str) -> dict[str, object]:
    (path,) = RULES_DIR.glob(f"{code}-*.toml")
    rule = tomllib.loads(read(path))
    return next(e for e in rule["examples"] if e["kind"] == "invalid")


def structure(folder: Path) -> None:
    """grammar.md: the base letter, and copies of it edited as the structure rules' examples
    are (the first invalid example of each), one of them saved as Windows-1252; the minutes
    are LGO001's example."""
    write(folder / "base.txt", read(BASE_LETTER))
    for name, code in (
        ("notes", "LGO001"),
        ("missing", "LGO002"),
        ("order", "LGO003"),
        ("duplicate", "LGO004"),
        ("malformed", "LGO005"),
        ("unexpected", "LGO006"),
        ("cp1252", "LGO007"),
    ):
        example = first_invalid_example(code)
        text, _ = build_example(example)
        write(folder / f"{name}.txt", text, str(example.get("encoding", "utf-8")))


def qa_rule_text() -> str:
    return page_block("docs/writing-rules.md", "toml", 'code = "LGO901"')


QA_RULE = "qa-rules/LGO901-too-many-trainees-per-course.toml"


def qa_rules(folder: Path) -> None:
    """writing-rules.md: "a copy of the Stockport letter changed to say 'we delivered 5
    courses'", and the page's LGO901 in ``qa-rules/``."""
    text = read(EXAMPLES / "stockport-2020.txt")
    write(folder / "letter.txt", edited(text, "we delivered 118 courses", "we delivered 5 courses"))
    write(folder / QA_RULE, qa_rule_text())


def qa_rule_edited(old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        write(folder / QA_RULE, edited(qa_rule_text(), old, new))

    return change


SETUPS: dict[str, Setup] = {
    # The bundled letters in examples/, as at the top of a clone of this repository.
    "examples": Setup(copy_examples, shown_as="/path/to/lgo-audit"),
    "letters": Setup(letters),
    "statistics-table": Setup(statistics_table),
    "upheld-60": Setup(upheld_60),
    # usage.md's --fix: "on a copy of examples/".
    "examples-copy": Setup(lambda folder: copy_examples(folder, "ex2")),
    "bad-configurations": Setup(bad_configurations),
    "letters-repo": Setup(letters_repo, shown_as="/tmp/letters-repo"),
    "letters-repo-drafts": Setup(letters_repo_drafts, shown_as="/tmp/letters-repo"),
    "structure": Setup(structure),
    "qa-rules": Setup(qa_rules, shown_as="/tmp/qa-demo"),
    # writing-rules.md's two broken rules: a misspelt fact, then a comparison of wrong types.
    "qa-rules-broken": Setup(
        qa_rules,
        shown_as="/tmp/qa-demo",
        before={
            0: qa_rule_edited('assert = "training.people /', 'assert = "training.peple /'),
            1: qa_rule_edited(
                'when = "training.courses > 0"', "when = \"training.courses != 'none'\""
            ),
        },
    ),
    # writing-rules.md: "the second run is after changing the invalid case's message".
    "qa-rules-stale-example": Setup(
        qa_rules,
        shown_as="/tmp/qa-demo",
        before={1: qa_rule_edited('message = "is 280 a course"', 'message = "is 281 a course"')},
    ),
}


# --- reading the pages -----------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
MARKER = re.compile(r"^\s*<!--\s*sample:\s*(?P<body>.*?)\s*-->\s*$")
ELISION = re.compile(r"^(?:\.\.\.|\[\.\.\.\]|\[\.\.\..*\.\.\.\])$")


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository, with "/"
    line: int  # of the opening fence, 1-based
    info: str
    lines: tuple[str, ...]  # the content, the fence's indentation removed
    marker: str | None  # the body of the sample comment just before it

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def not_runnable(self) -> str | None:
        """Why the block is not run, or None when it is."""
        if self.marker is not None and self.marker.startswith("not-runnable"):
            return self.marker.removeprefix("not-runnable").lstrip(":").strip()
        if self.marker is None and self.lines:
            return NOT_RUNNABLE.get((self.page, self.lines[0]))
        return None


def fenced_blocks(path: Path) -> list[Block]:
    lines = read(path).splitlines()
    page = path.relative_to(ROOT).as_posix()
    blocks: list[Block] = []
    previous: str | None = None  # the last non-blank line outside a block
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if opening is None:
            if lines[number].strip():
                previous = lines[number]
            number += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = number + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        content = tuple(
            line[indent:] if not line[:indent].strip() else line.lstrip()
            for line in lines[number + 1 : end]
        )
        marker = MARKER.match(previous) if previous is not None else None
        blocks.append(
            Block(page, number + 1, opening["info"], content, marker["body"] if marker else None)
        )
        previous = None
        number = end + 1
    return blocks


def console_blocks() -> list[Block]:
    return [block for page in PAGES for block in fenced_blocks(page) if block.info == "console"]


def runnable_blocks() -> list[Block]:
    return [b for b in console_blocks() if b.marker in SETUPS and b.not_runnable is None]


@dataclass(frozen=True)
class Command:
    text: str  # after "$ "
    expected: tuple[str, ...]


def commands(block: Block) -> list[Command]:
    found: list[tuple[str, list[str]]] = []
    for line in block.lines:
        if line.startswith("$ "):
            found.append((line[2:].strip(), []))
        elif found:
            found[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"{block.id}: output before the first '$' line: {line!r}")
    return [Command(text, tuple(output)) for text, output in found]


# --- running ---------------------------------------------------------------------------------


def installed_command() -> str:
    beside = Path(sys.executable).parent / "lgo-audit"
    found = str(beside) if beside.exists() else shutil.which("lgo-audit")
    assert found is not None, "lgo-audit is not installed (pip install -e '.[test]')"
    return found


def environment(cache: Path) -> dict[str, str]:
    dropped = ("FORCE_COLOR", "CLICOLOR_FORCE", "LGO_AUDIT_NO_CACHE", "PYTHONIOENCODING")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("LC_")}
    env.update(
        NO_COLOR="1",
        COLUMNS="100",
        LINES="40",
        TERM="dumb",
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
        LGO_AUDIT_CACHE_DIR=str(cache),
    )
    return env


def split(command: str) -> list[list[str]]:
    """A command line as words, split at ``&&`` and ``|`` (``[["a", "b"], ["&&"], ...]``)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|&")
    lexer.whitespace_split = True
    parts: list[list[str]] = [[]]
    for word in lexer:
        if word in ("|", "&&"):
            parts += [[word], []]
        else:
            parts[-1].append(word)
    return parts


def run_pipeline(
    stages: list[list[str]], folder: Path, env: dict[str, str], block: Block
) -> tuple[bytes, int]:
    output, status, data = b"", 0, None
    for number, words in enumerate(stages):
        if words[0] == "lgo-audit":
            words = [installed_command(), *words[1:]]
        elif words[0] in UTILITIES:
            program = shutil.which(words[0])
            if program is None:
                pytest.skip(f"{words[0]} is not installed")
            words = [program, *words[1:]]
        else:
            raise AssertionError(f"{block.id}: cannot run {words[0]!r} in a sample")
        last = number == len(stages) - 1
        done = subprocess.run(
            words,
            cwd=folder,
            env=env,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if last else subprocess.PIPE,
            timeout=TIMEOUT,
            check=False,
        )
        if not last:
            output += done.stderr
        data, status = done.stdout, done.returncode
    return output + (data or b""), status


def run_command(command: str, folder: Path, env: dict[str, str], block: Block) -> tuple[str, int]:
    """What the command prints (both streams) and its exit status."""
    parts = split(command)
    output, status = b"", 0
    # "a && b": run b only when a succeeded; a pip step is not run.
    steps: list[list[list[str]]] = [[]]
    for part in parts:
        if part == ["&&"]:
            steps.append([])
        elif part != ["|"]:
            steps[-1].append(part)
    for stages in steps:
        if stages[0][:1] == ["pip"]:
            continue
        printed, status = run_pipeline(stages, folder, env, block)
        output += printed
        if status != 0:
            break
    return output.decode("utf-8", errors="replace"), status


@dataclass(frozen=True)
class Transcript:
    lines: tuple[str, ...]  # "$ command" and the output, normalised
    folder: Path


_RUNS: dict[tuple[str, tuple[str, ...]], Transcript] = {}


def run_block(block: Block, base: Path, cache: Path) -> Transcript:
    assert block.marker is not None
    setup = SETUPS[block.marker]
    steps = commands(block)
    key = (block.marker, tuple(command.text for command in steps))
    if key in _RUNS:
        return _RUNS[key]
    folder = (base / f"{len(_RUNS):02d}").resolve()
    folder.mkdir(parents=True)
    setup.prepare(folder)
    env = environment(cache)
    lines: list[str] = []
    status = 0
    for number, command in enumerate(steps):
        if number in setup.before:
            setup.before[number](folder)
        lines.append(f"$ {command.text}")
        if command.text == "echo $?":
            output = f"{status}\n"
        else:
            output, status = run_command(command.text, folder, env, block)
        lines += trimmed(normalise(output, folder=str(folder)).splitlines())
    _RUNS[key] = Transcript(tuple(lines), folder)
    return _RUNS[key]


# --- comparing -------------------------------------------------------------------------------

NORMALISATIONS = [
    (re.compile(r'("name": "lgo-audit",\s*"version": )"[^"]*"'), r'\1"<version>"'),
    (re.compile(r'("semanticVersion": )"[^"]*"'), r'\1"<version>"'),
    (re.compile(r"\blgo-audit \d+\.\d+\.\d+\S*"), "lgo-audit <version>"),
    (re.compile(r'("rule_set": )"[0-9a-f]+"'), r'\1"<rule-set>"'),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (
        re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"),
        "<timestamp>",
    ),
]


def normalise(text: str, folder: str | None) -> str:
    """``text`` with the temporary folder (or the folder a page shows) and the values that
    change from run to run replaced as the module's docstring says."""
    if folder:
        text = text.replace(folder.rstrip("/") + "/", "").replace(folder.rstrip("/"), ".")
    for pattern, replacement in NORMALISATIONS:
        text = pattern.sub(replacement, text)
    return text


def trimmed(lines: list[str]) -> list[str]:
    """Lines without trailing whitespace, and without blank lines at the end."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def sample_lines(block: Block) -> list[str]:
    assert block.marker is not None
    shown_as = SETUPS[block.marker].shown_as
    lines: list[str] = []
    for command in commands(block):
        lines.append(f"$ {command.text}")
        output = normalise("\n".join(command.expected), folder=shown_as)
        lines += trimmed(output.splitlines())
    return lines


def matches(sample: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``sample``, each elision line of it standing for any lines."""
    pieces: list[list[str]] = [[]]
    for line in sample:
        if ELISION.match(line.strip()):
            pieces.append([])
        else:
            pieces[-1].append(line)
    if len(pieces) == 1:
        return sample == actual
    first, *middle, last = pieces
    if actual[: len(first)] != first or len(actual) < len(first) + len(last):
        return False
    if last and actual[-len(last) :] != last:
        return False
    position, end = len(first), len(actual) - len(last)
    for piece in middle:
        while position + len(piece) <= end and actual[position : position + len(piece)] != piece:
            position += 1
        if position + len(piece) > end:
            return False
        position += len(piece)
    return True


# --- the tests -------------------------------------------------------------------------------


def test_every_console_block_is_run_or_excused():
    problems = []
    for block in console_blocks():
        where = f"{block.id}: ```console block"
        if block.marker is None and block.not_runnable is None:
            problems.append(f"{where} has no '<!-- sample: SETUP -->' comment before it")
        elif block.not_runnable is not None:
            if not block.not_runnable:
                problems.append(f"{where} is marked not-runnable without a reason")
        elif block.marker not in SETUPS:
            problems.append(f"{where}: unknown setup {block.marker!r} (known: {sorted(SETUPS)})")
        elif not any(
            words[:1] == ["lgo-audit"] for c in commands(block) for words in split(c.text)
        ):
            problems.append(f"{where} runs no lgo-audit command")
    assert problems == []


def test_every_marker_stands_before_a_console_block():
    marked = {(b.page, b.line) for b in console_blocks() if b.marker is not None}
    problems = []
    for page in PAGES:
        relative = page.relative_to(ROOT).as_posix()
        lines = read(page).splitlines()
        for number, line in enumerate(lines, 1):
            if MARKER.match(line):
                following = next(
                    (n for n in range(number + 1, len(lines) + 1) if lines[n - 1].strip()), None
                )
                if (relative, following) not in marked:
                    problems.append(f"{relative}:{number}: a sample comment not before ```console")
    assert problems == []


def test_every_not_runnable_entry_names_a_block():
    firsts = {(b.page, b.lines[0]) for b in console_blocks() if b.lines and b.marker is None}
    assert sorted(set(NOT_RUNNABLE) - firsts) == []


def test_the_matcher_allows_shortening_only_where_the_sample_says():
    assert matches(["a", "b"], ["a", "b"])
    assert not matches(["a", "b"], ["a", "b", "c"])
    assert not matches(["a", "b", "c"], ["a", "b"])
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert matches(["[... pip's log ...]", "x"], ["x"])
    assert matches(["a", "[...]", "c", "...", "e"], ["a", "b", "c", "d", "e"])
    assert not matches(["a", "...", "c", "...", "e"], ["a", "b", "e"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])


def test_the_normalisation_of_paths_and_digests():
    text = (
        '"source": "/tmp/x/pyproject.toml", "uri": "file:///tmp/x/"\n'
        f'"sha256": "{"ab" * 32}", "rule_set": "8b25853f7eab"\n'
        '"tool": {"name": "lgo-audit", "version": "1.2.3"}, "version": "2.1.0"\n'
    )
    assert normalise(text, "/tmp/x") == (
        '"source": "pyproject.toml", "uri": "file://"\n'
        '"sha256": "<sha256>", "rule_set": "<rule-set>"\n'
        '"tool": {"name": "lgo-audit", "version": "<version>"}, "version": "2.1.0"\n'
    )


@pytest.fixture(scope="module")
def sample_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return tmp_path_factory.mktemp("samples"), tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("block", runnable_blocks(), ids=lambda block: block.id)
def test_sample_is_what_the_tool_prints(block: Block, sample_folders: tuple[Path, Path]):
    transcript = run_block(block, *sample_folders)
    sample = sample_lines(block)
    if not matches(sample, list(transcript.lines)):
        diff = "\n".join(
            difflib.unified_diff(
                sample, list(transcript.lines), "sample", "real output", lineterm="", n=2
            )
        )
        pytest.fail(
            f"{block.id} (setup {block.marker!r}): the sample is not what the tool prints "
            f"(both normalised; '...' lines stand for any lines):\n{diff}",
            pytrace=False,
        )
