"""The ``lgo-audit`` console script and ``python -m lgo_audit``: :func:`lgo_audit.cli.entry`,
imported under a guard.

Importing the command line takes Python its first tenth of a second or so; Ctrl-C then ends
the run as an interrupted run ends (one line, status :data:`INTERRUPTED`), not with a
traceback. This module imports nothing else, so that the guard is in place at once.
"""

from __future__ import annotations

import sys
from typing import NoReturn

__all__ = ["INTERRUPTED", "entry"]

INTERRUPTED = 130
"""The exit status of a run stopped by Ctrl-C (SIGINT), as shells give it: 128 + 2."""


def entry() -> NoReturn:
    """Run the command line (:func:`lgo_audit.cli.entry`); exits with its status."""
    try:
        from lgo_audit.cli import entry as run
    except KeyboardInterrupt:
        sys.stderr.write("lgo-audit: interrupted\n")
        sys.stderr.flush()
        raise SystemExit(INTERRUPTED) from None
    run()
