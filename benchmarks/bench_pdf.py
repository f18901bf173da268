"""PDF letters: a year's letters (350) laid out as PDFs, checked as a folder (run on demand,
never as a test; needs fpdf2 from the ``test`` extra).

    python benchmarks/bench_pdf.py              # 350 PDFs; pypdfium2 and pdfminer.six compared
    python benchmarks/bench_pdf.py -n 100 --keep /tmp/pdfs

Writes N PDFs (the base letters of every template year, rules/base/<year>.txt, each for
another council from data/authorities.csv, laid out by tests/pdf_letters.py) and measures:
  * `lgo-audit check --isolated DIR` as a whole process (every core): seconds, letters per
    second, peak memory of the largest process (/usr/bin/time -v when present, else
    getrusage of the children);
  * extraction alone, in this process (one core): lgo_audit.documents.pdf.read over the N
    PDFs, and its share of the check's CPU time;
  * for the choice of library, the same PDFs' text with positions and link annotations
    through pdfminer.six (layout analysis) and pypdf (text with positions), when installed.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _args import positive, require  # (this folder's: the scripts run from it)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = range(2020, 2026)
COUNCIL = "Stockport Metropolitan Borough Council"


def own_name(row: dict[str, str]) -> str:
    """A register row's latest own name, without its dates ("Name [from 2022-05-20]")."""
    latest = (row["own_name"] or row["name"]).split(";")[-1]
    return latest.split("[")[0].strip()


def letter_texts(count: int) -> list[tuple[str, str]]:
    """(file stem, text): the base letters of every year, each for another council."""
    with open(ROOT / "data" / "authorities.csv", encoding="utf-8") as handle:
        councils = [own_name(row) for row in csv.DictReader(handle)]
    bases = {year: (ROOT / "rules" / "base" / f"{year}.txt").read_text("utf-8") for year in YEARS}
    texts = []
    for index in range(count):
        year = YEARS[index % len(YEARS)]
        council = councils[index % len(councils)]
        text = bases[year].replace(COUNCIL, council).replace("Stockport", council)
        texts.append((f"letter-{year}-{index:04d}", text))
    return texts


def write_pdfs(out: Path, count: int) -> list[Path]:
    from tests.pdf_letters import letter_pdf  # (fpdf2: a test extra, asked for by main)

    with open(ROOT / "data" / "authorities.csv", encoding="utf-8") as handle:
        councils = [own_name(row) for row in csv.DictReader(handle)]
    bases = {year: (ROOT / "rules" / "base" / f"{year}.txt").read_text("utf-8") for year in YEARS}
    paths = []
    for index in range(count):
        year = YEARS[index % len(YEARS)]
        council = councils[index % len(councils)]
        text = bases[year].replace(COUNCIL, council).replace("Stockport", council)
        path = out / f"letter-{year}-{index:04d}.pdf"
        path.write_bytes(letter_pdf(text))
        paths.append(path)
    return paths


def whole_check(folder: Path) -> tuple[float, float, float | None]:
    """Seconds, CPU seconds (children) and peak MB of `lgo-audit check --isolated folder`."""
    command = [sys.executable, "-m", "lgo_audit", "check", "--isolated", str(folder)]
    if not (ROOT / "lgo_audit" / "__main__.py").exists():
        installed = Path(sys.executable).with_name("lgo-audit")  # this interpreter's command
        program = str(installed) if installed.exists() else shutil.which("lgo-audit")
        command = [program or "lgo-audit", "check", "--isolated", str(folder)]
    timer = Path("/usr/bin/time")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if timer.exists():
        done = subprocess.run(
            [str(timer), "-v", *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak = int(match.group(1)) / 1024 if match else None
    else:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = None
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if peak is None:
        peak = after.ru_maxrss / 1024
    return elapsed, cpu, peak


def time_pdfium(datas: list[bytes]) -> float:
    from lgo_audit.documents.pdf import read

    read(datas[0], max_chars=5_000_000)  # the library loaded
    start = time.perf_counter()
    for data in datas:
        read(data, max_chars=5_000_000)
    return time.perf_counter() - start


def time_pdfminer(datas: list[bytes]) -> float | None:
    """pdfminer.six's layout analysis (text boxes with positions and font sizes) and link
    annotations: what the reader would need from it."""
    try:
        import io

        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTChar, LTTextContainer
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdftypes import resolve1
    except ImportError:
        return None
    start = time.perf_counter()
    for data in datas:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            for element in page:
                if isinstance(element, LTTextContainer):
                    for line in element:
                        _ = line.get_text(), line.bbox
                        for char in line:
                            if isinstance(char, LTChar):
                                _ = char.size
                                break
        for page in PDFPage.get_pages(io.BytesIO(data)):
            for annot in resolve1(page.annots) or []:
                annot = resolve1(annot)
                _ = annot.get("Rect"), resolve1(annot.get("A"))
    return time.perf_counter() - start


def time_pypdf(datas: list[bytes]) -> float | None:
    """pypdf's text with the position and font size of each piece, and link annotations."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return None
    start = time.perf_counter()
    for data in datas:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            pieces: list[tuple[str, float, float, float]] = []
            add = pieces.append
            page.extract_text(
                visitor_text=lambda t, cm, tm, font, size, add=add: add((t, tm[4], tm[5], size))
            )
            for annot in page.get("/Annots") or []:
                _ = annot.get_object().get("/A")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=positive, default=350, help="how many PDFs")
    parser.add_argument(
        "--keep", type=Path, help="write the PDFs here (kept) instead of a temp dir"
    )
    args = parser.parse_args(argv)
    require("fpdf", "bench_pdf.py")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lgo-pdf-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = write_pdfs(folder, args.count)
    size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
    print(
        f"wrote {len(paths)} PDFs ({size:.1f} KB each, 3 pages) in "
        f"{time.perf_counter() - started:.1f} s to {folder}; {os.cpu_count()} cores"
    )
    elapsed, cpu, peak = whole_check(folder)
    print(
        f"lgo-audit check --isolated DIR: {elapsed:.2f} s, {len(paths) / elapsed:.0f} letters/s, "
        f"{cpu:.2f} s CPU, peak memory {peak:.0f} MB (largest process)"
    )
    datas = [p.read_bytes() for p in paths]
    pdfium = time_pdfium(datas)
    print(
        f"extraction alone, pypdfium2 (lgo_audit.documents.pdf.read, one core): {pdfium:.2f} s, "
        f"{1000 * pdfium / len(datas):.1f} ms a letter, {100 * pdfium / cpu:.0f}% of the "
        "check's CPU time"
    )
    for name, timer in (("pdfminer.six (layout analysis)", time_pdfminer), ("pypdf", time_pypdf)):
        seconds = timer(datas)
        if seconds is None:
            print(f"{name}: not installed")
        else:
            print(
                f"extraction alone, {name} (one core): {seconds:.2f} s, "
                f"{1000 * seconds / len(datas):.1f} ms a letter, {seconds / pdfium:.1f} x pypdfium2"
            )
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
