"""The ``lgo-audit`` console script and ``python -m lgo_audit``: :func:`lgo_audit.cli.entry`,
imported under a guard, with the cyclic garbage collector set for a command-line run.

Importing the command line takes Python its first tenth of a second or so; Ctrl-C then ends
the run as an interrupted run ends (one line, status :data:`INTERRUPTED`), not with a
traceback. This module imports nothing else, so that the guard is in place at once.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

__all__ = ["INTERRUPTED", "entry"]

INTERRUPTED = 130
"""The exit status of a run stopped by Ctrl-C (SIGINT), as shells give it: 128 + 2."""

GC_THRESHOLDS = (200_000, 30, 30)
"""The cyclic garbage collector's thresholds for a run of the command line (Python's own:
700, 10, 10), as mypy's command line sets them. A run makes and keeps hundreds of thousands
of objects that are never garbage (the modules, the grammar, the rules); with Python's
thresholds the collector walks them again and again as they are made (about 5% of the
instructions of a one-letter check, counted by callgrind). Reference counting still frees
everything at once that is not in a cycle, and a collection still runs after every 200,000
objects more made than freed. Set only by the console script: importing lgo-audit as a
library leaves the collector as it is."""


def entry() -> NoReturn:
    """Run the command line (:func:`lgo_audit.cli.entry`), with the garbage collector's
    thresholds :data:`GC_THRESHOLDS`; exits with its status."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        from lgo_audit.cli import entry as run
    except KeyboardInterrupt:
        sys.stderr.write("lgo-audit: interrupted\n")
        sys.stderr.flush()
        raise SystemExit(INTERRUPTED) from None
    run()
