"""``python -m lgo_audit``: the ``lgo-audit`` command (:func:`lgo_audit.console.entry`)."""

from lgo_audit.console import entry

if __name__ == "__main__":
    entry()
