"""The performance benchmark: every row of the performance targets, measured one way.

    python benchmarks/perf.py --floor ../shared/bench/floor.py          # the full run
    python benchmarks/perf.py --floor PATH --quick                      # a fast look
    python benchmarks/perf.py --floor PATH --corpus LETTERS/ --only check  # on your letters
    LGO_AUDIT_FLOOR=PATH python benchmarks/perf.py --only start

Each figure is the median of --runs runs (3), lgo-audit and its baseline run by turns, each
under GNU time (/usr/bin/time -f '%e %U %S %M'): wall seconds, CPU seconds (user + system, the
worker processes included) and peak memory (the largest single process's maximum resident set,
as GNU time's %M reports it). lgo-audit runs with its default -j (every core) and --isolated.

The corpus (unless --corpus names a folder of letters): consistent letters in UTF-8 written by
benchmarks/generate_letters.py --batches (seed 1): yearly batches of every template profile
year 2020 to the latest, one letter per council a year; past some 300 letters a year, years
without a profile of their own (earlier and later by turns), each letter of which has one info
note (LGO009, template-year-assumed).

The floor is a throwaway regular-expression script that reads every letter and checks its
upheld percentage (floor.py DIR). It is not part of this repository: pass its path with
--floor or the LGO_AUDIT_FLOOR variable (in the project's own checkout it is
../shared/bench/floor.py, found there when present). Without it, the rows against the floor
are skipped.

Rows (--only picks groups: check, html, start, big):
  check   N letters, default (full) / json / sarif: wall and CPU against the floor's, peak
          memory; the same at N/10 letters: memory growth (N-letter peak / N/10-letter peak)
  html    --output-format html over N letters: peak memory and the report's size
  start   one-letter check against python -c "import pyparsing, typer"; --version and
          explain LGO101 against python -c "import typer"
  big     one ASCII file of repeated letter text, 25 MB and 50 MB (--max-file-size
          100000000): the 50 MB run's time over the 25 MB run's, peak memory over input size;
          the same text on one line (line breaks lost), 2.4 and 4.8 MB: linear time
Never a timed assertion in the test suite: this is run by hand, and prints.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _args import positive  # (this folder's: the scripts run from it)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024
GROUPS = ("check", "html", "start", "big")


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, waited-for children included
    peak: int  # bytes: the largest single process's maximum resident set
    status: int


@dataclass(frozen=True)
class Figure:
    wall: float
    cpu: float
    peak: int
    status: int

    @classmethod
    def median(cls, samples: list[Sample]) -> Figure:
        return cls(
            statistics.median(s.wall for s in samples),
            statistics.median(s.cpu for s in samples),
            int(statistics.median(s.peak for s in samples)),
            samples[-1].status,
        )


def measure(command: list[str], stdout: Path | None = None) -> Sample:
    """One run under GNU time; the command's output to ``stdout`` (else discarded). CPU and
    peak memory are GNU time's; the wall time is this process's clock around the run (GNU
    time's ``%e`` counts hundredths of a second: a 120 ms start read as 0.12 s, and a ratio of
    two such starts moved by a tenth either way)."""
    with tempfile.NamedTemporaryFile(prefix="lgo-time-", suffix=".txt", delete=False) as note:
        timing = Path(note.name)
    try:
        target = stdout.open("wb") if stdout else subprocess.DEVNULL
        try:
            began = time.perf_counter()
            completed = subprocess.run(
                ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(timing), *command],
                stdout=target,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            elapsed = time.perf_counter() - began
        finally:
            if stdout:
                target.close()  # type: ignore[union-attr]
        _, user, system, peak = timing.read_text().split()[-4:]
    finally:
        timing.unlink(missing_ok=True)
    return Sample(elapsed, float(user) + float(system), int(peak) * 1024, completed.returncode)


def by_turns(commands: dict[str, list[str]], runs: int, outputs: dict[str, Path] | None = None):
    """Each command ``runs`` times, one after the other in turn; the median of each."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(measure(command, (outputs or {}).get(name)))
    return {name: Figure.median(found) for name, found in samples.items()}


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, what: str, now: str, ratio: str, target: str, met: bool | None) -> None:
        verdict = "" if met is None else ("yes" if met else "NO")
        self.rows.append((what, now, ratio, target, verdict))

    def print(self) -> None:
        header = ("what", "now", "ratio", "target", "met")
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(5)]
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def mib(value: int | float) -> str:
    return f"{value / MIB:.0f} MiB"


def generate(folder: Path, count: int) -> None:
    subprocess.run(
        [sys.executable, str(HERE / "generate_letters.py"), str(folder), "-n", str(count),
         "--seed", "1", "--batches", "--encoding", "utf-8"],
        check=True,
    )  # fmt: skip


def copy_first_tenth(corpus: Path, small: Path) -> None:
    """The first tenth of the files of ``corpus`` (by name; at least one), copied into
    ``small``: the smaller batch of the memory growth row."""
    files = sorted(path for path in corpus.iterdir() if path.is_file())
    small.mkdir(parents=True, exist_ok=True)
    for path in files[: max(len(files) // 10, 1)]:
        shutil.copyfile(path, small / path.name)


def find_floor(given: str | None) -> Path | None:
    """The floor script: ``--floor``, else ``$LGO_AUDIT_FLOOR`` (either naming no file is an
    error), else the project checkout's own beside it if there, else None."""
    for named in (given, os.environ.get("LGO_AUDIT_FLOOR")):
        if named:
            if not Path(named).is_file():
                sys.exit(f"perf.py: no floor script at {named}")
            return Path(named).resolve()
    beside = ROOT.parent / "shared/bench/floor.py"
    return beside.resolve() if beside.is_file() else None


def warm_cache(lgo, tmp: Path) -> None:
    """Give every lgo-audit run of the benchmark a cache of its own (in ``tmp``), filled by
    one check that is not counted: whatever the user's cache holds (a test suite's leftovers
    once made each run read 3 MB more) cannot move the figures, nor is it written.

    That check runs with Python's bytecode writing on (``PYTHONDONTWRITEBYTECODE`` left out
    of its environment), so that lgo-audit's modules have their ``.pyc``, as an installed
    copy has from its installation: an editable install in a shell that sets the variable
    would otherwise compile every module on every counted run (some 100 ms)."""
    os.environ["LGO_AUDIT_CACHE_DIR"] = str(tmp / "cache")
    os.environ.pop("LGO_AUDIT_NO_CACHE", None)
    generate(tmp / "warm", 1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*lgo, "check", str(tmp / "warm"), "--isolated"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip


def check_rows(table, lgo, floor, folder, small, runs, tmp) -> None:
    formats = ("full", "json", "sarif")
    count = len(list(folder.iterdir()))
    few = len(list(small.iterdir()))
    peaks: dict[tuple[str, int], int] = {}
    for where, letters in ((folder, count), (small, few)):
        commands = {
            f: [*lgo, "check", str(where), "--isolated", "--output-format", f] for f in formats
        }
        if floor:
            commands = {"floor": [sys.executable, str(floor), str(where)], **commands}
        outputs = {f: tmp / f"report-{letters}.{f}" for f in formats}
        figures = by_turns(commands, runs, outputs)
        base = figures.get("floor")
        for name in formats:
            got = figures[name]
            peaks[(name, letters)] = got.peak
            label = f"check {letters:,} letters, {name}"
            if letters == count:
                if base:
                    table.add(f"{label}, wall", f"{got.wall:.2f} s (floor {base.wall:.2f} s)",
                              f"{got.wall / base.wall:.1f}x", "<= 4x", got.wall / base.wall <= 4)  # fmt: skip
                    table.add(f"{label}, CPU", f"{got.cpu:.2f} s (floor {base.cpu:.2f} s)",
                              f"{got.cpu / base.cpu:.1f}x", "<= 7x", got.cpu / base.cpu <= 7)  # fmt: skip
                else:
                    table.add(f"{label}, wall / CPU", f"{got.wall:.2f} / {got.cpu:.2f} s", "",
                              "(no floor given)", None)  # fmt: skip
            table.add(f"{label}, peak memory", mib(got.peak), "", "<= 150 MiB",
                      got.peak <= 150 * MIB)  # fmt: skip
            size = outputs[name].stat().st_size
            table.add(
                f"{label}, report size / exit", f"{size / 1e6:.1f} MB / {got.status}", "", "", None
            )
    for name in formats:
        growth = peaks[(name, count)] / peaks[(name, few)]
        table.add(f"memory growth, {name}, {few:,} -> {count:,} letters",
                  f"{mib(peaks[(name, few)])} -> {mib(peaks[(name, count)])}",
                  f"{growth:.2f}x", "<= 1.2x", growth <= 1.2)  # fmt: skip


def html_rows(table, lgo, folder, runs, tmp) -> None:
    count = len(list(folder.iterdir()))
    report = tmp / "report.html"
    command = [
        *lgo,
        "check",
        str(folder),
        "--isolated",
        "--output-format",
        "html",
        "-o",
        str(report),
    ]
    got = by_turns({"html": command}, runs)["html"]
    size = report.stat().st_size if report.exists() else 0
    table.add(f"html report, {count:,} letters, peak memory", mib(got.peak), "", "<= 150 MiB",
              got.peak <= 150 * MIB)  # fmt: skip
    table.add(f"html report, {count:,} letters, size", f"{size / 1e6:.0f} MB ({got.wall:.1f} s)",
              "", "<= 50 MB, one file", size <= 50e6)  # fmt: skip


def start_rows(table, lgo, letter, runs) -> None:
    python = sys.executable
    commands = {
        "check": [*lgo, "check", str(letter), "--isolated"],
        "pyparsing, typer": [python, "-c", "import pyparsing, typer"],
        "version": [*lgo, "--version"],
        "explain": [*lgo, "explain", "LGO101"],
        "typer": [python, "-c", "import typer"],
    }
    by_turns(commands, 1)  # a first run of each, not counted: files in the disk cache, .pyc written
    got = by_turns(commands, runs)
    ms = {name: f"{figure.wall * 1000:.0f} ms" for name, figure in got.items()}
    ratio = got["check"].wall / got["pyparsing, typer"].wall
    table.add("one-letter check, cold", f"{ms['check']} (imports {ms['pyparsing, typer']})",
              f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)  # fmt: skip
    for name, label in (("version", "--version"), ("explain", "explain LGO101")):
        ratio = got[name].wall / got["typer"].wall
        table.add(label, f"{ms[name]} (import typer {ms['typer']})", f"{ratio:.2f}x", "<= 1.2x",
                  ratio <= 1.2)  # fmt: skip


def repeated_letter(size: int, path: Path, *, one_line: bool = False) -> Path:
    """An ASCII file of ``size`` bytes: one plain 2020 letter's text over and over (with its
    line breaks made spaces when ``one_line``: the text as an extraction that lost them gives
    it, one line of ``size`` bytes)."""
    import random

    from tests.letters import Style, random_letter_facts, render

    text = render(random_letter_facts(random.Random(1), (2020,)), Style()).decode("utf-8")
    if one_line:
        text = text.replace("\n", " ")
    unit = text.encode("ascii", "replace") + (b" " if one_line else b"\n")
    path.write_bytes((unit * (size // len(unit) + 1))[:size])
    return path


def big_rows(table, lgo, sizes, runs, tmp) -> None:
    small, large = sizes
    files = {size: repeated_letter(size, tmp / f"repeated-{size}.txt") for size in sizes}
    commands = {
        size: [*lgo, "check", str(path), "--isolated", "--max-file-size", "100000000"]
        for size, path in files.items()
    }  # fmt: skip
    got = by_turns(commands, runs)
    for size in sizes:
        figure = got[size]
        table.add(f"{size / 1e6:.0f} MB repeated letter text", f"{figure.wall:.1f} s, {mib(figure.peak)}",
                  f"{figure.peak / size:.1f}x input", "memory <= 3x input", figure.peak <= 3 * size)  # fmt: skip
    ratio = got[large].wall / got[small].wall
    table.add(f"{large / 1e6:.0f} MB run / {small / 1e6:.0f} MB run", "", f"{ratio:.2f}x", "<= 2.2x",
              ratio <= 2.2)  # fmt: skip
    # The same text on one line (its line breaks lost), within the default size limit: the
    # time must grow as the size does (not an issue's row: a line read to its end at every
    # attempt once made this quadratic).
    lines = {size: repeated_letter(size, tmp / f"one-line-{size}.txt", one_line=True)
             for size in ONE_LINE_SIZES}  # fmt: skip
    got = by_turns({size: [*lgo, "check", str(path), "--isolated"] for size, path in lines.items()},
                   runs)  # fmt: skip
    low, high = ONE_LINE_SIZES
    for size in ONE_LINE_SIZES:
        table.add(f"{size / 1e6:.1f} MB letter text on one line", f"{got[size].wall:.1f} s, "
                  f"{mib(got[size].peak)}", "", "", None)  # fmt: skip
    ratio = got[high].wall / got[low].wall
    table.add(f"one line: {high / 1e6:.1f} MB run / {low / 1e6:.1f} MB run", "", f"{ratio:.2f}x",
              "<= 2.2x (linear)", ratio <= 2.2)  # fmt: skip


ONE_LINE_SIZES = (2_400_000, 4_800_000)  # bytes: both within the default 5 MB size limit


def built(command: str) -> str:
    """ ", compiled" or ", uncompiled": whether the lgo-audit at ``command`` runs the checking
    path compiled with mypyc (installed from a wheel that compiled it: hatch_build.py) or as
    Python source (an editable install); "" when its interpreter cannot be asked."""
    try:
        with open(shutil.which(command) or command, "rb") as script:
            first = script.readline().decode("utf-8", "replace").strip()
        if not first.startswith("#!"):
            return ""
        asked = subprocess.run(
            [*first[2:].split(), "-I", "-c", "import lgo_audit.engine as e; print(e.__file__)"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    where = asked.stdout.strip()
    if asked.returncode != 0 or not where:
        return ""
    return ", compiled" if where.endswith((".so", ".pyd")) else ", uncompiled"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--floor",
        help="path of the floor script (floor.py DIR); else $LGO_AUDIT_FLOOR, else "
        "../shared/bench/floor.py beside this checkout if there (absent in a user's clone)",
    )
    parser.add_argument("-n", type=positive, default=10_000, help="letters (default 10,000)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a folder of letters to measure the check and html rows on instead of the "
        "generated corpus (-n is then its number of files; the memory growth row compares it "
        "with a copy of its first tenth, by name)",
    )
    parser.add_argument("--runs", type=positive, default=3, help="runs of each, median (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="1,000 letters, 5 and 10 MB files, one run each"
    )
    parser.add_argument("--only", help=f"comma-separated groups of rows: {', '.join(GROUPS)}")
    parser.add_argument(
        "--lgo-audit", help="the lgo-audit command (default: the one beside this Python)"
    )
    args = parser.parse_args(argv)
    if args.corpus is not None and not args.corpus.is_dir():
        parser.error(f"--corpus: no folder at {args.corpus}")
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    if unknown := groups - set(GROUPS):
        parser.error(f"unknown groups: {', '.join(sorted(unknown))}")
    if not Path("/usr/bin/time").exists():
        sys.exit("perf.py: needs GNU time at /usr/bin/time (Debian: apt-get install time)")
    count, runs, sizes = args.n, args.runs, (25_000_000, 50_000_000)
    if args.quick:
        count, runs, sizes = 1_000, 1, (5_000_000, 10_000_000)
    beside = Path(sys.executable).with_name("lgo-audit")
    lgo = [
        args.lgo_audit
        or (str(beside) if beside.exists() else shutil.which("lgo-audit") or "lgo-audit")
    ]
    floor = find_floor(args.floor)
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"lgo-audit {' '.join(lgo)} at {head or 'unknown commit'}{built(lgo[0])}; "
          f"{os.cpu_count()} cores; floor: {floor or 'none (rows against it skipped)'}; "
          f"medians of {runs}")  # fmt: skip
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: the uncounted first run writes lgo-audit's "
              ".pyc (an installed copy has them from installation; an editable one would "
              "otherwise compile every module on every run)")  # fmt: skip

    table = Table()
    with tempfile.TemporaryDirectory(prefix="lgo-perf-") as name:
        tmp = Path(name)
        folder, small = tmp / "letters", tmp / "letters-small"
        warm_cache(lgo, tmp)
        if args.corpus is not None:
            folder = args.corpus.resolve()
        elif groups & {"check", "html"}:
            generate(folder, count)
        if "check" in groups:
            if args.corpus is not None:
                copy_first_tenth(folder, small)
            else:
                generate(small, max(count // 10, 1))
            check_rows(table, lgo, floor, folder, small, runs, tmp)
        if "html" in groups:
            html_rows(table, lgo, folder, runs, tmp)
        if "start" in groups:
            letters = folder if folder.exists() else tmp / "warm"  # (start alone: no corpus)
            start_rows(table, lgo, sorted(letters.iterdir())[0], max(runs, 3))
        if "big" in groups:
            big_rows(table, lgo, sizes, runs, tmp)
    table.print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
