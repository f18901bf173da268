"""Write N generated Annual Review letters to a folder, for throughput measurements.

    python benchmarks/generate_letters.py OUT_DIR -n 10000 --seed 1

Letters are consistent (no error or warning expected) and written in mixed styles: each
extractor's markup, CRLF, BOMs, Windows-1252 and UTF-16, NBSPs, tabs, form feeds, hard wraps.
The same seed gives the same files, byte for byte. Uses tests/letters.py (no hypothesis needed).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.letters import random_letter_facts, random_style, render


def write_batches(out_dir: Path, count: int, seed: int) -> int:
    """``count`` letters as consecutive years' consistent batches (one letter per council)."""
    from tests.batches import consistent_batch

    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = 0
    year = 2020
    while written < count:
        size = min(120, count - written)  # up to 24 councils of each of the five types
        batch = consistent_batch(size, seed=seed + year, year=year)
        for index, (facts, style) in enumerate(zip(batch.letters, batch.styles, strict=True)):
            (out_dir / f"letter-{year}-{index:03d}.txt").write_bytes(render(facts, style))
        written += size
        year -= 1
    print(
        f"wrote {count} letters in {2020 - year} yearly batches to {out_dir} "
        f"in {time.perf_counter() - started:.1f} s (seed {seed})",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the letters to (created)")
    parser.add_argument("-n", "--count", type=int, default=1000, help="how many letters")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument(
        "--batches",
        action="store_true",
        help="consistent yearly batches (each council once a year, one set of averages per "
        "type, one letter date): the letters a real pre-publication check sees",
    )
    args = parser.parse_args(argv)
    if args.batches:
        return write_batches(args.out_dir, args.count, args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    width = len(str(max(args.count, 1)))
    started = time.perf_counter()
    total = 0
    for index in range(1, args.count + 1):
        data = render(random_letter_facts(rng), random_style(rng))
        (args.out_dir / f"letter-{index:0{width}d}.txt").write_bytes(data)
        total += len(data)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {args.count} letters ({total / 1e6:.1f} MB) to {args.out_dir} "
        f"in {elapsed:.1f} s (seed {args.seed})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
