"""The wheel's build hook: the checking path compiled with mypyc, where it can be.

``pip install .`` builds a wheel; this hook then compiles the modules of :data:`COMPILED` (the
per-letter work of a batch: reading, normalising, recognising, assembling, the rules) into C
extensions with mypyc, which ships with mypy, and puts them in the wheel beside their
sources (Python imports the extension first). They run the same code, typed as mypy checks
it, without the interpreter's dispatch: about 14% fewer instructions a letter
(``benchmarks/instructions.py``). See docs/performance.md.

Nothing depends on it: an editable install (``pip install -e .``, development and the test
suite) is never compiled, so that an edited module is the module that runs; and a build that
cannot compile (no C compiler, a type error) or is told not to (``LGO_AUDIT_PURE`` set to
``1``, ``true``, ``yes`` or ``on``, in any case) says so in one line and gives the pure-Python
wheel, which behaves the same. Compiling leaves nothing in the source tree: mypy's cache and
the C sources are in a temporary folder, removed when the wheel is built.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED = (
    "lgo_audit/normalise.py",
    "lgo_audit/grammar/recognise.py",
    "lgo_audit/structure.py",
    "lgo_audit/parse.py",
    "lgo_audit/engine.py",
    "lgo_audit/expr/direct.py",
    "lgo_audit/expr/library/people.py",
    "lgo_audit/expr/library/percentages.py",
    "lgo_audit/expr/library/wording.py",
    "lgo_audit/expr/_template.py",
    "lgo_audit/grammar/elements.py",
    "lgo_audit/grammar/facts.py",
    "lgo_audit/rules.py",
    "lgo_audit/expr/_ast.py",
    "lgo_audit/expr/_serial.py",
)
"""The modules compiled, by path from the project's root: the per-letter work of a worker
(with the facts' conversions and the rules' functions and messages), and the loading of the
rules from their cached trees, which every run does once (some 2 ms less of a cold
one-letter check of 125 to 140 ms). Not the reader, the register nor the per-file stage
(lgo_audit.check), whose objects a worker started by spawning (not forking) is sent, and
whose functions the tests replace to count their calls or to make them fail; not a module
with a class mypyc cannot compile as it is (a subclass of Fraction, a dataclass that
pydantic reads, a slotted dataclass with a base class: lgo_audit.findings) or whose cached
properties it would compute again at every use (lgo_audit.grammar.profile)."""

# mypy's settings for the compilation: the project's own (pyproject.toml) but for its plugin,
# pydantic's, which the build does not install (no compiled module defines a model), and
# with every third-party import read as untyped (the build installs none of them).
_MYPY_SETTINGS = """\
[mypy]
python_version = 3.11
ignore_missing_imports = True
"""


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class CompileHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._folder: str | None = None
        if self.target_name != "wheel" or version == "editable":
            return
        pure = os.environ.get("LGO_AUDIT_PURE", "").strip().lower()
        if pure in _TRUE:
            self.app.display_info(f"lgo-audit: LGO_AUDIT_PURE={pure}: not compiled")
            return
        if pure not in _FALSE:
            self.app.display_warning(
                f"lgo-audit: LGO_AUDIT_PURE={pure!r} is neither true (1, true, yes, on) nor "
                "false (0, false, no, off, empty): read as false, compiled"
            )
        folder = self._folder = tempfile.mkdtemp(prefix="lgo-audit-mypyc-")
        try:
            built = _compile(Path(self.root), Path(folder))
        except BaseException as error:  # (mypyc reports a type error by SystemExit)
            if isinstance(error, KeyboardInterrupt):
                raise
            reason = str(error).strip().splitlines()[-1:] or [type(error).__name__]
            self.app.display_warning(
                f"lgo-audit: not compiled ({type(error).__name__}: {reason[0][:200]}); "
                "the pure-Python wheel is built, the same but slower"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path, target in built:
            build_data["force_include"][str(path)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _compile(root: Path, folder: Path) -> list[tuple[Path, str]]:
    """Compile :data:`COMPILED` into ``folder``: each built file and its place in the wheel."""
    from mypyc.build import mypycify
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext

    settings = folder / "mypy.ini"
    settings.write_text(_MYPY_SETTINGS, encoding="utf-8")
    here = os.getcwd()
    os.chdir(root)  # (mypyc names each module by its path from here)
    try:
        extensions = mypycify(
            ["--config-file", str(settings), "--cache-dir", str(folder / "mypy"), *COMPILED],
            opt_level="3",
            target_dir=str(folder / "c"),
        )
        command = build_ext(Distribution({"ext_modules": extensions}))
        command.build_lib = str(folder / "lib")
        command.build_temp = str(folder / "temp")
        command.parallel = os.cpu_count() or 1
        command.ensure_finalized()
        command.run()
    finally:
        os.chdir(here)
    lib = folder / "lib"
    built = [
        (path, path.relative_to(lib).as_posix())
        for path in sorted(lib.rglob("*"))
        if path.is_file() and path.suffix in (".so", ".pyd")
    ]
    if len(built) <= len(COMPILED) - 1:  # (each module's, and the shared library)
        raise RuntimeError(f"{len(built)} extensions built for {len(COMPILED)} modules")
    print(f"lgo-audit: compiled {len(COMPILED)} modules with mypyc", file=sys.stderr)
    return built
