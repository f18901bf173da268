"""Write N generated Annual Review letters to a folder, for throughput measurements.

    python benchmarks/generate_letters.py OUT_DIR -n 10000 --seed 1

Letters are consistent (no error or warning expected) and written in mixed styles: each
extractor's markup, CRLF, BOMs, Windows-1252 and UTF-16, NBSPs, tabs, form feeds, hard wraps.
The same seed gives the same files, byte for byte. Uses tests/letters.py (no hypothesis needed).
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.letters import LATEST, random_letter_facts, random_style, render

PROFILE_YEARS = tuple(range(2020, LATEST + 1))
YEAR_SIZE = 300  # letters a year at most: one per council (some 316 councils a year from 2023)


def batch_years(count: int) -> list[tuple[int, int]]:
    """(year, letters) for ``count`` letters: every profile year first, evenly, at most
    :data:`YEAR_SIZE` each; the rest in years without a profile of their own, earlier and
    later by turns (read with the 2020 or the latest template: one info note each)."""
    share = min(YEAR_SIZE, -(-count // len(PROFILE_YEARS)))
    plan = []
    left = count
    for year in PROFILE_YEARS:
        size = min(share, left)
        if size:
            plan.append((year, size))
        left -= size
    earlier, later = PROFILE_YEARS[0] - 1, PROFILE_YEARS[-1] + 1
    while left > 0:
        size = min(YEAR_SIZE, left)
        if len(plan) % 2:
            plan.append((earlier, size))
            earlier -= 1
        else:
            plan.append((later, size))
            later += 1
        left -= size
    return plan


def write_batches(out_dir: Path, count: int, seed: int, encoding: str | None = None) -> int:
    """``count`` letters as yearly consistent batches (one letter per council a year), from
    every profile year (:func:`batch_years`)."""
    from tests.batches import consistent_batch

    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    plan = batch_years(count)
    for year, size in plan:
        batch = consistent_batch(size, seed=seed + year, year=year, encoding=encoding)
        for index, (facts, style) in enumerate(zip(batch.letters, batch.styles, strict=True)):
            (out_dir / f"letter-{year}-{index:03d}.txt").write_bytes(render(facts, style))
    print(
        f"wrote {count:,} letter{'s' * (count != 1)} in {len(plan)} yearly "
        f"batch{'es' * (len(plan) != 1)} "
        f"({', '.join(f'{y}: {n}' for y, n in plan[:8])}{', ...' if len(plan) > 8 else ''}) "
        f"to {out_dir} in {time.perf_counter() - started:.1f} s (seed {seed})",
        file=sys.stderr,
    )
    return 0


def _count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number of letters") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"{count} letters: give 0 or more")
    return count


def _encoding(name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r}") from None
    return name


def _not_writable(out_dir: Path) -> str | None:
    """Why the letters cannot be written to ``out_dir``, if they cannot: a folder that holds
    anything already (the letters would be mixed with what is there: a corpus measured
    would not be the one asked for), or something that is not a folder."""
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        return f"{out_dir} is not a folder"
    if any(out_dir.iterdir()):
        return f"{out_dir} is not empty: give a new or empty folder (the letters would be mixed with what is there)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        type=Path,
        help="folder to write the letters to (created; if it exists, it must be empty)",
    )
    parser.add_argument("-n", "--count", type=_count, default=1000, help="how many letters")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument(
        "--batches",
        action="store_true",
        help="consistent yearly batches (each council once a year, one set of averages per "
        "type, one letter date) of every template year 2020 to the latest, then of earlier "
        "and later years (one info note each): the letters a real pre-publication check sees",
    )
    parser.add_argument(
        "--encoding",
        type=_encoding,
        help="write every letter in this encoding (utf-8: the performance benchmarks' corpus); "
        "default: mixed encodings",
    )
    args = parser.parse_args(argv)
    problem = _not_writable(args.out_dir)
    if problem is not None:
        parser.error(problem)
    created = not args.out_dir.exists()
    try:
        if args.batches:
            return write_batches(args.out_dir, args.count, args.seed, args.encoding)
        return write_mixed(args.out_dir, args.count, args.seed, args.encoding)
    except UnicodeEncodeError as error:
        # (the folder was new or empty: every letter in it is this run's, taken back)
        for written in args.out_dir.glob("letter-*.txt"):
            written.unlink()
        if created:
            args.out_dir.rmdir()
        char = error.object[error.start : error.start + 1]
        parser.error(
            f"{args.encoding} cannot write the letters ({char!r}, U+{ord(char):04X}, is not in "
            "it): give an encoding of all Unicode (utf-8, utf-16) or a Windows code page "
            "(cp1252); nothing was written"
        )


def write_mixed(out_dir: Path, count: int, seed: int, encoding: str | None = None) -> int:
    """``count`` letters of random councils, figures and years, each in a random style (in
    ``encoding`` if given). Raises UnicodeEncodeError for an encoding a letter's characters
    are not in."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    width = len(str(max(count, 1)))
    started = time.perf_counter()
    total = 0
    for index in range(1, count + 1):
        facts, style = random_letter_facts(rng), random_style(rng)
        if encoding is not None:  # (the same letters, in that encoding)
            style = dataclasses.replace(style, encoding=encoding)
        data = render(facts, style)
        (out_dir / f"letter-{index:0{width}d}.txt").write_bytes(data)
        total += len(data)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {count:,} letter{'s' * (count != 1)} ({total / 1e6:.1f} MB) to {out_dir} "
        f"in {elapsed:.1f} s (seed {seed})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
