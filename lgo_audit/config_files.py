"""Which files are configuration files, and whether one lies at or above a folder.

Apart from :mod:`lgo_audit.config` (which reads, validates and resolves what a file says) so
that ``explain`` can ask whether any configuration applies where it runs before importing
anything a check needs: when none does, the bundled rules answer at once.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CONFIG_FILES", "holds_configuration", "may_be_configured"]

CONFIG_FILES = ("lgo-audit.toml", ".lgo-audit.toml", "pyproject.toml")
"""The names of a configuration file, in the order they are sought in one folder."""


def may_be_configured(start: Path) -> bool:
    """Whether a configuration file may apply to the folder ``start``: a ``lgo-audit.toml``
    or ``.lgo-audit.toml`` at or above it, or a ``pyproject.toml`` with a ``[tool.lgo-audit]``
    table or that cannot be read as TOML (for :mod:`lgo_audit.config` to report). False only
    when none can; a folder that cannot be searched counts as configured."""
    try:
        directory = Path(os.path.realpath(start))
        if any(map(holds_configuration, (directory, *directory.parents))):
            return True
    except (OSError, ValueError):
        return True
    return False


def holds_configuration(folder: Path) -> bool:
    """Whether ``folder`` itself holds a configuration file: a ``lgo-audit.toml`` or
    ``.lgo-audit.toml``, or a ``pyproject.toml`` with a ``[tool.lgo-audit]`` table (or that
    cannot be read as TOML)."""
    return any(
        (folder / name).is_file() and (name != "pyproject.toml" or _has_table(folder / name))
        for name in CONFIG_FILES
    )


def _has_table(pyproject: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # (UnicodeDecodeError, TOMLDecodeError)
        return True
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "lgo-audit" in tool
