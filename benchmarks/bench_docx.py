"""Word letters: a year's letters (350) as DOCX files, checked as a folder (run on demand,
never as a test; needs python-docx, a dependency, and the tests' DOCX maker).

    python benchmarks/bench_docx.py              # 350 DOCX files
    python benchmarks/bench_docx.py -n 100 --keep /tmp/docx

Writes N DOCX files (the base letters of every template year, each for another council,
laid out by tests/docx_letters.py: letterhead header, footer, runs, a table or text box for
the panels) and measures `lgo-audit check --isolated DIR` as a whole process (seconds,
letters per second, peak memory of the largest process) and extraction alone
(lgo_audit.documents.docx.read over the N files, one core) with its share of the check's CPU
time. The same measurements as benchmarks/bench_pdf.py, whose helpers it uses.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _args import positive  # (this folder's: the scripts run from it)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_pdf import letter_texts, whole_check  # noqa: E402

from tests.docx_letters import letter_docx  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=positive, default=350, help="how many DOCX files")
    parser.add_argument("--keep", type=Path, help="write the files here (kept)")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lgo-docx-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = []
    for stem, text in letter_texts(args.count):
        path = folder / f"{stem}.docx"
        path.write_bytes(letter_docx(text))
        paths.append(path)
    size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
    print(
        f"wrote {len(paths)} DOCX files ({size:.1f} KB each) in "
        f"{time.perf_counter() - started:.1f} s to {folder}; {os.cpu_count()} cores"
    )
    elapsed, cpu, peak = whole_check(folder)
    print(
        f"lgo-audit check --isolated DIR: {elapsed:.2f} s, {len(paths) / elapsed:.0f} letters/s, "
        f"{cpu:.2f} s CPU, peak memory {peak:.0f} MB (largest process)"
    )
    from lgo_audit.documents.docx import read

    datas = [p.read_bytes() for p in paths]
    read(datas[0], max_chars=5_000_000)  # the library loaded
    start = time.perf_counter()
    for data in datas:
        read(data, max_chars=5_000_000)
    seconds = time.perf_counter() - start
    print(
        f"extraction alone (lgo_audit.documents.docx.read, one core): {seconds:.2f} s, "
        f"{1000 * seconds / len(datas):.1f} ms a letter, {100 * seconds / cpu:.0f}% of the "
        "check's CPU time"
    )
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
