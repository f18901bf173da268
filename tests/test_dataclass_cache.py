"""The cache of compiled dataclass methods (lgo_audit.dataclass_cache): a dataclass made with
methods read back from it behaves exactly as one Python makes without it; a damaged entry only
costs time; the file is written only when a run compiled something new; and only the console
script uses it.
"""

from __future__ import annotations

import dataclasses
import inspect
import marshal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgo_audit import dataclass_cache
from tests.compiled_caches import in_place, payload
from tests.paths import EXAMPLES

pytestmark = pytest.mark.skipif(
    dataclass_cache.file_name() is None, reason="not CPython: its code objects are not known"
)


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """The cache in a folder of the test's own, put in place; ``dataclasses`` as it was after."""
    with in_place(dataclass_cache, tmp_path / "cache", monkeypatch) as path:
        yield path


def read_back() -> None:
    """What this run saved, read by a later run."""
    dataclass_cache.save()
    dataclass_cache.uninstall()
    dataclass_cache.install()


def entries(path: Path) -> dict[str, bytes]:
    return payload(path)["methods"]


FieldSpec = tuple[str, str, Any]  # name, "plain" | "default" | "factory", default


def make(fields: list[FieldSpec], *, frozen: bool, order: bool, slots: bool, kw_only: bool) -> type:
    """A dataclass ``Made`` of ``fields`` (made now, with whatever ``exec`` is in place)."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for name, kind, default in fields:
        namespace["__annotations__"][name] = "int"
        if kind == "default":
            namespace[name] = default
        elif kind == "factory":
            namespace[name] = dataclasses.field(default_factory=lambda d=default: [d])
    made = type("Made", (), namespace)
    return dataclasses.dataclass(frozen=frozen, order=order, slots=slots, kw_only=kw_only)(made)


def behaviour(cls: type, fields: list[FieldSpec]) -> dict[str, Any]:
    """What a user can see of ``cls``: its signature, and two instances' repr, equality,
    order and hash, and whether an instance can be changed."""
    values = {name: index for index, (name, _, _) in enumerate(fields)}
    one, other = cls(**values), cls(**{n: v + 1 for n, v in values.items()})
    seen: dict[str, Any] = {
        "signature": str(inspect.signature(cls)),
        "repr": (repr(one), repr(cls(**values))),
        "equal": (one == cls(**values), one == other, one != other),
        "match_args": getattr(cls, "__match_args__", None),
    }
    try:
        seen["hash"] = hash(one) == hash(cls(**values))
    except TypeError as error:
        seen["hash"] = str(error)
    try:
        seen["order"] = (one < other, one <= other, one > other)
    except TypeError as error:
        seen["order"] = str(error)
    if fields:
        try:
            setattr(one, fields[0][0], 99)
            seen["changed"] = getattr(one, fields[0][0])
        except dataclasses.FrozenInstanceError as error:
            seen["changed"] = str(error)
    return seen


names = st.lists(st.sampled_from(["a", "b", "count", "percent", "x_1"]), unique=True, max_size=4)


@settings(max_examples=40, deadline=None)
@given(
    names.flatmap(
        lambda chosen: st.tuples(
            *[
                st.tuples(
                    st.just(n), st.sampled_from(["plain", "default", "factory"]), st.integers()
                )
                for n in chosen
            ]
        )
    ),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_a_dataclass_made_with_methods_read_back_behaves_as_python_makes_it(
    tmp_path_factory, fields, frozen, order, slots, kw_only
):
    fields = list(fields)
    if not kw_only:  # (a field without a default after one with: refused by Python either way)
        fields.sort(key=lambda f: f[1] != "plain")
    options = {"frozen": frozen, "order": order, "slots": slots, "kw_only": kw_only}
    expected = behaviour(make(fields, **options), fields)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        patch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
        try:
            dataclass_cache.install()
            assert behaviour(make(fields, **options), fields) == expected  # compiled, kept
            read_back()
            read = behaviour(make(fields, **options), fields)  # read back
            assert dataclass_cache._used
            assert not dataclass_cache._added  # (nothing compiled anew)
        finally:
            dataclass_cache.uninstall()
    assert read == expected


def test_the_methods_read_back_keep_their_annotations_evaluated(cached):
    """(``exec`` in ``dataclasses`` compiles with no ``__future__`` flags, whatever the module
    that made the class: this module's postponed annotations must not leak into them.)"""

    @dataclasses.dataclass(frozen=True)
    class Letter:
        year: int
        council: str = "Stockport"

    read_back()

    @dataclasses.dataclass(frozen=True)
    class Again:
        year: int
        council: str = "Stockport"

    assert dataclass_cache._used
    assert Again.__init__.__annotations__ == Letter.__init__.__annotations__
    assert Again.__init__.__annotations__["return"] is None


def test_a_run_of_dataclasses_seen_before_writes_nothing(cached):
    make([("a", "plain", 0)], frozen=True, order=False, slots=False, kw_only=False)
    dataclass_cache.save()
    written = cached.stat().st_mtime_ns, cached.read_bytes()
    read_back()
    make([("a", "plain", 0)], frozen=True, order=False, slots=False, kw_only=False)
    dataclass_cache.save()
    assert (cached.stat().st_mtime_ns, cached.read_bytes()) == written


def other_code() -> bytes:
    """A code object compiled from another file name: not a dataclass method."""
    code = compile("def __create_fn__():\n def f(self): pass\n return f", "evil.py", "exec")
    return marshal.dumps(code)


@pytest.mark.parametrize(
    "damage",
    [
        lambda _: "a string",
        lambda _: b"\xff\x00 not marshal",
        lambda _: marshal.dumps(42),
        lambda _: other_code(),
        lambda entry: entry[: len(entry) // 2],
        lambda _: 17,
    ],
    ids=["not-bytes", "not-marshal", "not-code", "another-file", "cut-short", "a-number"],
)
def test_a_damaged_entry_is_compiled_again(cached, damage: Callable[[Any], Any]):
    fields: list[FieldSpec] = [("a", "plain", 0), ("b", "default", 5)]
    options = {"frozen": True, "order": True, "slots": False, "kw_only": False}
    expected = behaviour(make(fields, **options), fields)
    dataclass_cache.save()
    damaged = {key: damage(entry) for key, entry in entries(cached).items()}
    dataclass_cache._known.clear()
    dataclass_cache._known.update(damaged)
    dataclass_cache._used.clear()
    assert behaviour(make(fields, **options), fields) == expected
    assert dataclass_cache._added  # compiled anew, and written with the next save


def test_the_file_keeps_the_methods_used_latest(cached, monkeypatch):
    monkeypatch.setattr(dataclass_cache, "KEPT", 4)
    for n in range(4):
        make([(f"field{n}", "plain", 0)], frozen=False, order=False, slots=False, kw_only=False)
    dataclass_cache.save()
    kept = entries(cached)
    assert len(kept) == 4
    assert set(kept) <= set(dataclass_cache._used)
    assert list(kept) == list(dataclass_cache._used)[-4:]


def test_with_caching_off_nothing_is_put_in_place(monkeypatch):
    monkeypatch.setenv("LGO_AUDIT_NO_CACHE", "1")
    dataclass_cache.uninstall()
    dataclass_cache.install()
    assert not dataclass_cache.installed()
    assert "exec" not in vars(dataclasses)


def test_uninstall_gives_dataclasses_the_built_in_exec_back(cached):
    assert vars(dataclasses)["exec"] is dataclass_cache._exec
    dataclass_cache.uninstall()
    assert "exec" not in vars(dataclasses)


def test_importing_lgo_audit_leaves_dataclasses_as_it_is():
    code = (
        "import dataclasses, lgo_audit.cli, lgo_audit.application, lgo_audit.grammar\n"
        "print('exec' in vars(dataclasses))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_the_command_line_checks_alike_with_the_cache_cold_and_warm(tmp_path):
    """A run that fills the cache and a run that reads it give the same report; the second
    compiles nothing new, so it leaves the file as it was; and without the cache, the same."""
    env = {"LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    letter = str(EXAMPLES / "stockport-2020.txt")
    command = [sys.executable, "-m", "lgo_audit", "check", letter, "--isolated", "--statistics"]
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    files = list((tmp_path / "cache" / "lgo-audit").glob("dataclass-*.bin"))
    assert len(files) == 1
    before = files[0].read_bytes()
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    off = subprocess.run(
        command, capture_output=True, text=True, env={**env, "LGO_AUDIT_NO_CACHE": "1"}
    )
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert (off.returncode, off.stdout) == (first.returncode, first.stdout)
    assert files[0].read_bytes() == before


@pytest.mark.parametrize(
    "change",
    [
        lambda patch: patch.setattr(sys, "version", sys.version + " (another build)"),
        lambda patch: patch.setattr(sys, "flags", type("Flags", (), {"optimize": 2})()),
    ],
    ids=["another-interpreter", "another-optimisation-level"],
)
def test_the_cache_file_is_named_by_the_interpreter(monkeypatch, change):
    name = dataclass_cache.file_name()
    change(monkeypatch)
    assert dataclass_cache.file_name() != name
    assert Path(str(name)).suffix == ".bin"


def test_an_entry_marshal_runs_out_of_memory_over_is_compiled_again(cached, monkeypatch):
    fields: list[FieldSpec] = [("a", "plain", 0)]
    options = {"frozen": False, "order": False, "slots": False, "kw_only": False}
    expected = behaviour(make(fields, **options), fields)
    read_back()

    def out_of_memory(_: bytes) -> Any:
        raise MemoryError

    monkeypatch.setattr(marshal, "loads", out_of_memory)
    assert behaviour(make(fields, **options), fields) == expected
    assert dataclass_cache._added


def test_the_file_of_the_format_before_is_removed_when_the_cache_is_written(cached):
    """(The code objects were base64 in JSON, slower to read than the file.)"""
    before = cached.with_name(dataclass_cache._file_name(1))
    assert before.suffix == ".json" and before != cached
    before.parent.mkdir(parents=True, exist_ok=True)
    before.write_bytes(b"crc32:00000000\n{}")
    make([("fresh", "plain", 0)], frozen=False, order=False, slots=False, kw_only=False)
    dataclass_cache.save()
    assert cached.is_file() and not before.exists()
