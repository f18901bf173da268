"""Benchmarks, run on demand (never as timed assertions in the test suite).

    python benchmarks/bench.py                 # 10,000 letters, all measurements
    python benchmarks/bench.py -n 2000 --skip-html

Measures, on letters written by benchmarks/generate_letters.py with a fixed seed:
  * parse: read + normalise + grammar + letter model, per letter (one core, in process);
  * grammar only (recognise + assemble; the text already read and normalised), per letter;
  * check: `lgo-audit check DIR` over the folder (parse + all rules, every core), letters/s;
  * check with --data and the HTML report over the same folder;
  * cold start: `lgo-audit parse` and `lgo-audit check` of one letter, best and median of runs;
  * linearity: a hostile 10 MB file through the grammar.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _args import positive  # (this folder's: the scripts run from it)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LGO_AUDIT = [sys.executable, "-m", "lgo_audit"]  # (this interpreter's: no PATH needed)


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, completed.returncode


def cold_start(command: list[str], runs: int) -> tuple[float, float]:
    times = [timed(command)[0] for _ in range(runs)]
    return min(times), statistics.median(times)


def in_process_parse(files: list[Path]) -> tuple[float, float]:
    from lgo_audit.grammar import recogniser, select_profile
    from lgo_audit.normalise import normalise
    from lgo_audit.parse import parse_file
    from lgo_audit.reader import read_source
    from lgo_audit.register import load_register
    from lgo_audit.structure import assemble

    register = load_register(None)
    letters = [parse_file(files[0], authorities=register, batch=True).letter]  # warm up
    start = time.perf_counter()
    for path in files:
        letters.append(parse_file(path, authorities=register, batch=True).letter)
    full = (time.perf_counter() - start) / len(files)

    texts = [normalise(read_source(p).text) for p in files]
    start = time.perf_counter()
    for text in texts:
        profile = select_profile(text.text)
        assemble(recogniser(profile.name, fused=True).iter_chunks(text.text), profile, text.text)
    grammar = (time.perf_counter() - start) / len(files)
    return full, grammar


def hostile(size: int) -> list[tuple[str, float]]:
    from lgo_audit.parse import parse_source
    from lgo_audit.reader import decode

    cases = {
        "prose sentences": ("I write. This is. In 5% of. " * (size // 28 + 1))[:size],
        "one long line": ("word " * (size // 5 + 1))[:size],
        "short lines": ("Dear x\n" * (size // 7 + 1))[:size],
        "markup": ("**[a](#)<u>x</u>\u00a0" * (size // 16 + 1))[:size],
    }
    out = []
    for name, text in cases.items():
        start = time.perf_counter()
        parse_source(decode(text.encode(), name), authorities=None)
        out.append((name, time.perf_counter() - start))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=positive, default=10_000, help="letters to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=positive, default=15, help="cold-start runs")
    parser.add_argument("--skip-html", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lgo-bench-") as tmp:
        folder = Path(tmp) / "letters"
        stress = Path(tmp) / "random"
        generate = [sys.executable, str(HERE / "generate_letters.py"), "-n", str(args.n)]
        seed = ["--seed", str(args.seed)]
        subprocess.run([*generate, str(folder), *seed, "--batches"], check=True)
        subprocess.run([*generate, str(stress), *seed], check=True)
        files = sorted(folder.glob("*.txt"))
        print(f"{len(files)} generated letters (consistent yearly batches), seed {args.seed}")

        full, grammar = in_process_parse(files[: min(len(files), 2000)])
        print(f"parse per letter (read + normalise + grammar + model): {full * 1000:.3f} ms")
        print(f"grammar per letter (recognise + assemble):             {grammar * 1000:.3f} ms")

        seconds, status = timed(
            [*LGO_AUDIT, "check", str(folder), "--isolated", "--output-format", "concise"]
        )
        rate = len(files) / seconds
        print(f"check {len(files)} letters: {seconds:.2f} s ({rate:,.0f} letters/s), exit {status}")
        seconds, status = timed(
            [*LGO_AUDIT, "check", str(stress), "--isolated", "--output-format", "concise"]
        )
        print(
            f"check {len(files)} random letters (stress: councils, figures and years drawn at "
            f"random, so most disagree with one another): {seconds:.2f} s, exit {status}"
        )

        table = Path(tmp) / "stats.csv"
        with table.open("w", encoding="utf-8") as handle:
            subprocess.run(
                [*LGO_AUDIT, "extract", str(folder), "--isolated", "--format", "csv"],
                stdout=handle,
                check=False,
            )
        seconds, status = timed(
            [
                *LGO_AUDIT,
                "check",
                str(folder),
                "--isolated",
                "--data",
                str(table),
                "--output-format",
                "concise",
            ]
        )
        print(f"check {len(files)} letters with --data: {seconds:.2f} s, exit {status}")
        if not args.skip_html:
            report = Path(tmp) / "report.html"
            seconds, status = timed(
                [
                    *LGO_AUDIT,
                    "check",
                    str(folder),
                    "--isolated",
                    "--data",
                    str(table),
                    "--output-format",
                    "html",
                    "-o",
                    str(report),
                ]
            )
            print(
                f"check {len(files)} letters with --data and the HTML report: {seconds:.2f} s, exit {status}"
            )

        one = str(files[0])
        best, median = cold_start([*LGO_AUDIT, "parse", one], args.runs)
        print(
            f"cold start, lgo-audit parse one letter: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms"
        )
        best, median = cold_start([*LGO_AUDIT, "check", one, "--isolated"], args.runs)
        print(
            f"cold start, lgo-audit check one letter: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms"
        )

    for size in (1_000_000, 10_000_000):
        for name, seconds in hostile(size):
            print(f"hostile {size / 1e6:.0f} MB, {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
