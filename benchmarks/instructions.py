"""Instructions a letter's check executes, counted by valgrind's callgrind: a figure that does
not move with the machine's load, for comparing two commits of the checking code.

    python benchmarks/instructions.py LETTERS_FOLDER            # every 40th letter of it
    python benchmarks/instructions.py LETTERS_FOLDER --every 10
    PYTHONPATH=/path/to/other/checkout python benchmarks/instructions.py LETTERS_FOLDER

The checking loop of one worker (``lgo_audit.check._check_task`` on each letter, in one
process, with the job of a default ``check`` of a batch: results sent as a consistent
batch's are, each letter's part of the full report written, the batch stage's values taken;
figures in docs/performance.md up to 9197648 were taken without the part and the values) runs twice under callgrind: once over the chosen
letters after what a batch's parent builds before its workers start (every template year's
recogniser, prepared: figures up to da5a041 were taken without it, so that a year first met
in the loop built its recogniser there) and a warm-up of 20 letters spread over the list,
once with those alone; the difference, over the
number of letters, is the figure. ``PYTHONHASHSEED=0`` keeps dictionaries in one order.
``hashlib`` is loaded first, as in a batch's workers (docs/performance.md's figures up to
55c25b6 were taken without it: each letter's SHA-256 by Python's own code, some 0.18 M
instructions a letter more than a worker spends). Needs
valgrind (the Debian package ``valgrind``); callgrind runs Python some 50 times slower, so
250 letters (every 40th of the benchmark corpus: ``benchmarks/generate_letters.py --batches
--encoding utf-8 -n 10000 DIR``) take about a minute. Reads the folder's ``.txt`` files.
Run by hand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _args import positive  # (this folder's: the scripts run from it)

_LOOP = """
import hashlib  # (loaded as a batch's parent loads it before its workers start: the
import sys  # file's digest is then OpenSSL's, not Python's own, lgo_audit.digest)
from lgo_audit.application import _fact_names
from lgo_audit.check import _Job, _check_task, _prepare_workers, active_rules
from lgo_audit.config import Settings
from lgo_audit.report import Pieces
files = open(sys.argv[1], encoding="utf-8").read().splitlines()
settings = Settings()
rules = active_rules(settings)  # (the job of a default check of a batch: the full report's
pieces = Pieces("full").with_rules(tuple(sorted({r.code for r in rules})))  # pieces, the
names = _fact_names([rules], False)  # values the batch stage keeps: lgo_audit.application)
job = _Job((settings,), None, True, True, frozenset(), names, True, pieces)
_prepare_workers(job)  # (what a batch's parent builds before its workers start)
for path in files[:: max(1, len(files) // 20)]:  # (spread over the letters: every year's
    _check_task(job, path, 0, True)  # template, and what it builds once, is ready before
if sys.argv[2] == "loop":  # the loop; each letter sent as read, as a consistent batch's are)
    for path in files:
        _check_task(job, path, 0, True)
"""


def _environment() -> dict[str, str]:
    """This checkout's lgo_audit first, unless PYTHONPATH names another; dictionaries in one
    order."""
    here = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": os.environ.get("PYTHONPATH", here)}


def instructions(files: list[str], mode: str) -> int:
    """Instructions callgrind counts for the loop script in ``mode`` ("loop" or "warm-up")."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        listed = Path(folder) / "letters.txt"
        listed.write_text("\n".join(files), encoding="utf-8")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             "-c", _LOOP, str(listed), mode],
            capture_output=True, text=True, env=_environment(), cwd=folder, check=True,
        )  # fmt: skip
    found = re.search(r"refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from callgrind:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of letters (.txt)")
    parser.add_argument("--every", type=positive, default=40, help="check every Nth letter (40)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (the Debian package valgrind)")
    files = [str(p) for p in sorted(args.folder.glob("*.txt"))][:: args.every]
    if len(files) < 21:
        parser.error(
            f"{args.folder}: {len(files)} letters chosen, at least 21 needed; lower --every"
        )
    # (one run first, not counted: the first run of a newly installed lgo-audit writes its
    # caches of parsed rule files and expressions, some 1,400 M instructions that a second
    # run reads back instead)
    instructions(files[:21], "warm-up")
    loop, warm = instructions(files, "loop"), instructions(files, "warm-up")
    per_letter = (loop - warm) / len(files)
    print(f"{len(files)} letters: {per_letter / 1e6:.2f} M instructions a letter "
          f"(loop {loop / 1e6:.0f} M, warm-up alone {warm / 1e6:.0f} M)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
