"""``python -m lgo_audit``: the ``lgo-audit`` command (:func:`lgo_audit.cli.entry`)."""

from lgo_audit.cli import entry

if __name__ == "__main__":
    entry()
