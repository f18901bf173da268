"""The per-letter rule stage alone: run_rules over letters parsed beforehand (never a test).

    python benchmarks/bench_rules.py /tmp/letters                # CPU time of run_rules
    python benchmarks/bench_rules.py /tmp/letters --dump out.txt # and write every outcome

The letters of DIR (``*.txt`` at any depth, sorted) are parsed once, as ``check`` parses them
(the bundled rules, the default settings, the authority register) and set aside from the
garbage collector; then the active rules run over each of them ``--passes`` times and the
best pass's CPU time is reported, per letter (CPU time: the machine may be shared). ``--dump``
writes one line per letter with its findings and its rules' outcomes (their reprs), so that
two versions of the engine can be compared with ``cmp``: run the other version with
``PYTHONPATH=<its checkout>`` from outside this one.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from _args import positive  # (this folder's: the scripts run from it)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--passes", type=positive, default=5)
    parser.add_argument("--limit", type=int, default=0, help="at most this many letters")
    parser.add_argument("--dump", type=Path, help="write every letter's findings and outcomes")
    args = parser.parse_args()

    from lgo_audit.config import Settings
    from lgo_audit.engine import run_rules
    from lgo_audit.parse import parse_file
    from lgo_audit.register import load_register
    from lgo_audit.rules import rules_for

    settings = Settings()
    rules = settings.selection.active(rules_for(settings.rule_dirs))
    authorities = load_register(settings.authority_register)
    files = sorted(args.folder.rglob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    start = time.process_time()
    letters = [parse_file(p, authorities=authorities, batch=True) for p in files]
    parsing = time.process_time() - start
    print(f"{len(letters)} letters parsed in {parsing:.1f} s; {len(rules)} rules")
    gc.freeze()  # the parsed letters are not the rule stage's garbage to collect

    best = float("inf")
    for _ in range(args.passes):
        start = time.process_time()
        for parsed in letters:
            run_rules(parsed, rules)
        best = min(best, time.process_time() - start)
    print(f"run_rules: {best:.3f} s per pass, {best / len(letters) * 1e3:.3f} ms per letter")

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for path, parsed in zip(files, letters, strict=True):
                findings, results = run_rules(parsed, rules)
                out.write(f"{path.name}\t{findings!r}\t{results!r}\n")
        print(f"outcomes written to {args.dump}")


if __name__ == "__main__":
    main()
