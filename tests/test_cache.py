"""The cache (lgo_audit.cache): what cannot be read or written there only costs time.

Found by trying the cache as a user would (a fresh clone, another version sharing the cache,
damaged or odd files in it, no home folder). The TOML tables' own behaviour (one file each,
fifty kept) is specified in test_config.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lgo_audit import cache
from lgo_audit.cache import (
    cache_path,
    check_line,
    read_json,
    read_marshal,
    toml_table,
    write_json,
    write_marshal,
)
from tests.paths import EXAMPLES, RULES_DIR


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The cache's lgo-audit folder, in a folder of the test's own."""
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "lgo-audit"


def entry(folder: Path, content: bytes) -> Path:
    return folder / "toml" / f"{hashlib.sha256(content).hexdigest()}.json"


def read_file(path: Path) -> Any:
    """A cache file's JSON (after the line with its digest)."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def write_file(path: Path, data: Any) -> None:
    """A cache file as lgo-audit writes one, with its digest: as another version would."""
    payload = json.dumps(data).encode()
    path.write_bytes(check_line(payload) + b"\n" + payload)


# --- an entry in another shape is no entry ---------------------------------------------------


@pytest.mark.parametrize(
    "stored",
    [{"select": 5}, {}, {"signatory": []}, [], "text", None],
    ids=["wrong-value", "empty", "other-table", "list", "string", "null"],
)
def test_a_toml_entry_in_another_shape_is_parsed_again_and_written_over(folder, stored):
    """(Another version sharing the cache, or a damaged file, must not change results: a bare
    table of the wrong content used to be taken as the file's.)"""
    content = b'select = ["LGO1"]\n'
    toml_table(content)
    path = entry(folder, content)
    write_file(path, stored)
    assert toml_table(content) == {"select": ["LGO1"]}
    assert read_file(path)["table"] == {"select": ["LGO1"]}


def test_a_toml_entry_under_another_files_name_is_not_taken(folder):
    one, other = b'select = ["LGO1"]\n', b'select = ["LGO4"]\n'
    toml_table(other)
    entry(folder, one).write_bytes(entry(folder, other).read_bytes())
    assert toml_table(one) == {"select": ["LGO1"]}


# --- files that are not cache files ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_the_cache_is_not_opened(folder):
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.json")
    got: list[object] = []
    reading = threading.Thread(target=lambda: got.append(read_json("pipe.json")), daemon=True)
    reading.start()
    reading.join(timeout=10)
    assert not reading.is_alive(), "reading a named pipe blocked"
    assert got == [None]


def test_a_cache_file_larger_than_the_bound_is_not_read(folder, monkeypatch):
    write_json("large.json", {"a": "b" * 100})
    assert read_json("large.json") == {"a": "b" * 100}
    monkeypatch.setattr(cache, "MAX_BYTES", 50)
    assert read_json("large.json") is None


def test_a_folder_where_a_cache_file_should_be_is_not_read(folder):
    (folder / "x.json").mkdir(parents=True)
    assert read_json("x.json") is None


def test_marshal_data_is_read_back_as_written(folder):
    data = {"patterns": {"0:a": [0, b"\x01\x00\x00\x00", 0, {}, [None]]}}
    write_marshal("x.bin", data)
    assert read_marshal("x.bin") == data


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\x00 not marshal", b"{" * 10, b"[\x05\x00\x00\x00"],
    ids=["empty", "not-marshal", "cut-short", "a-list-cut-short"],
)
def test_a_file_that_is_not_marshal_data_is_read_as_none(folder, body):
    """(Its check matches: as another version of lgo-audit could have written it.)"""
    folder.mkdir(parents=True)
    (folder / "x.bin").write_bytes(check_line(body) + b"\n" + body)
    assert read_marshal("x.bin") is None


def test_marshal_data_that_does_not_match_its_check_is_read_as_none(folder):
    write_marshal("x.bin", {"a": b"b"})
    path = folder / "x.bin"
    path.write_bytes(path.read_bytes().replace(b"b", b"c"))
    assert read_marshal("x.bin") is None


# --- writes that fail leave nothing ---------------------------------------------------------


def test_a_write_that_fails_leaves_no_temporary_file(folder):
    (folder / "x.json").mkdir(parents=True)  # the rename onto it fails
    write_json("x.json", {"a": 1})
    assert sorted(p.name for p in folder.iterdir()) == ["x.json"]


def test_data_json_cannot_hold_is_not_written(folder):
    write_json("x.json", {"a": float("nan")})
    write_json("y.json", {"a": object()})
    assert not folder.exists() or not list(folder.iterdir())


def test_temporary_files_of_runs_killed_while_writing_are_removed_in_time(folder):
    toml = folder / "toml"
    toml.mkdir(parents=True)
    old, new = toml / "a.json.1.tmp", toml / "b.json.2.tmp"
    old.write_text("{", encoding="utf-8")
    new.write_text("{", encoding="utf-8")
    os.utime(old, (1, 1))  # long ago: its run was killed
    toml_table(b"n = 1\n")
    assert not old.exists()
    assert new.exists()  # perhaps another run writing now


# --- where the cache is ----------------------------------------------------------------------


@pytest.fixture
def no_cache_folder_set(monkeypatch):
    for name in ("LGO_AUDIT_CACHE_DIR", "XDG_CACHE_HOME", "LGO_AUDIT_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_home_folder_there_is_no_cache(no_cache_folder_set, monkeypatch):
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_path("x.json") is None
    assert read_json("x.json") is None
    write_json("x.json", {"a": 1})  # nothing written, nothing raised
    assert toml_table(b"n = 1\n") == {"n": 1}


def test_a_relative_xdg_cache_home_is_ignored(no_cache_folder_set, tmp_path, monkeypatch):
    """(It made a folder `relx/lgo-audit` wherever lgo-audit ran.)"""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relx")
    assert cache_path("x.json") == tmp_path / ".cache" / "lgo-audit" / "x.json"


def test_an_empty_home_is_no_home(no_cache_folder_set, monkeypatch):
    monkeypatch.setenv("HOME", "")
    assert cache_path("x.json") is None


def test_the_cache_is_in_the_home_folders_cache_by_default(no_cache_folder_set, tmp_path,
                                                            monkeypatch):  # fmt: skip
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_path("x.json") == tmp_path / ".cache" / "lgo-audit" / "x.json"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_path("x.json") == tmp_path / "xdg" / "lgo-audit" / "x.json"
    monkeypatch.setenv("LGO_AUDIT_NO_CACHE", "1")
    assert cache_path("x.json") is None


# --- damaged entries of the rule and register caches (a whole run) ----------------------------


def run_check(cache_dir: Path | None) -> subprocess.CompletedProcess[str]:
    """``lgo-audit check --isolated`` on a bundled letter in a process of its own (the rules
    and registers are read once a process), with the cache in ``cache_dir`` (None: none)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGO_AUDIT_")}
    if cache_dir is None:
        env["LGO_AUDIT_NO_CACHE"] = "1"
    else:
        env["LGO_AUDIT_CACHE_DIR"] = str(cache_dir)
    return subprocess.run(
        [sys.executable, "-c", "from lgo_audit.cli import main; main()", "check", "--isolated",
         str(EXAMPLES / "stevenage-2020.txt")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def damage(path: Path, change: Callable[[Any], Any]) -> None:
    """Change a cache file as another version could have written it (its digest matches)."""
    write_file(path, change(read_file(path)))


def edit(path: Path, change: Callable[[Any], Any]) -> None:
    """Change a cache file's JSON and leave its digest as it was (an edit, or damage)."""
    digest = path.read_bytes().partition(b"\n")[0]
    path.write_bytes(digest + b"\n" + json.dumps(change(read_file(path))).encode())


def later_runs_are_as_without_a_cache(
    cache_dir: Path, name: str, alter: Callable[[Path], None]
) -> tuple[Path, bytes]:
    """Fill the cache, ``alter`` its file ``name`` (of a folder, its one file), then check twice (the file read, then made
    again): each run as one without a cache. Returns the file and what it held once altered."""
    expected = run_check(None)
    run_check(cache_dir)  # fills the cache
    path = cache_dir / "lgo-audit" / name
    if path.is_dir():  # a file of each version of the code: this version's, the only one
        (path,) = path.glob("*.json")
    alter(path)
    altered = path.read_bytes()
    for _ in range(2):
        got = run_check(cache_dir)
        assert (got.returncode, got.stdout, got.stderr) == (
            expected.returncode,
            expected.stdout,
            expected.stderr,
        )
    return path, altered


def each_table(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    """A change of each rule file's table (``data``) in the rule-files cache."""
    return lambda entries: {k: {**v, "data": change(v["data"])} for k, v in entries.items()}


def each_tree(change: Callable[[list[Any]], list[Any]]) -> Callable[[Any], Any]:
    """A change of what each field of each rule file was parsed into (``trees``)."""
    return lambda entries: {
        k: {**v, "trees": {where: change(e) for where, e in v["trees"].items()}}
        for k, v in entries.items()
    }


def without_message(entries: dict[str, Any]) -> dict[str, Any]:
    return each_table(lambda data: {k: v for k, v in data.items() if k != "message"})(entries)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("rule-files", without_message),
        ("rule-files", lambda entries: {key: {} for key in entries}),
        ("rule-files", each_table(lambda data: {**data, "severity": 5})),
        ("rule-files", each_table(lambda data: {**data, "code": 5})),
        ("rule-files", each_table(lambda data: {**data, "name": ["x"]})),
        ("rule-files", lambda entries: {k: {**v, "trees": {}} for k, v in entries.items()}),
        ("rule-files", each_tree(lambda entry: [entry[0], ["name"], *entry[2:]])),
        ("rule-files", each_tree(lambda entry: [entry[0], "x", *entry[2:]])),
        ("rule-files", each_tree(lambda entry: [*entry[:2], [5]] if len(entry) == 3 else entry)),
        ("rule-files", each_tree(lambda entry: ["another source", *entry[1:]])),
        ("registers.json", lambda entries: {key: [] for key in entries}),
    ],
    ids=[
        "rule-without-message",
        "empty-rules",
        "bad-severity",
        "code-not-text",
        "name-not-text",
        "no-trees",
        "trees-cut-short",
        "trees-not-lists",
        "names-not-text",
        "tree-of-another-source",
        "empty-register",
    ],
)
def test_a_damaged_rule_or_register_entry_is_read_again_from_its_file(tmp_path, name, change):
    """(A rule entry that could not be compiled was an internal error on every later run; a
    register entry without councils made every council unknown.)"""
    later_runs_are_as_without_a_cache(tmp_path, name, lambda path: damage(path, change))


def first_rows_only(entries: dict[str, Any]) -> dict[str, Any]:
    return {key: rows[:1] for key, rows in entries.items()}


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("rule-files", each_table(lambda data: {k: v for k, v in data.items() if k != "check"})),
        ("rule-files", each_table(lambda data: {**data, "severity": "info"})),
        ("rule-files", each_tree(lambda entry: [entry[0], []] if len(entry) == 2 else entry)),
        ("registers.json", first_rows_only),
    ],
    ids=["rule-without-check", "rule-severity", "empty-templates", "register-cut-short"],
)
def test_a_cache_file_that_does_not_match_its_digest_is_made_again(tmp_path, name, change):
    """(Each of these edits once changed every later run's findings, or ended it in an
    internal error: what a cache file holds is only checked by its digest.)"""
    path, edited = later_runs_are_as_without_a_cache(
        tmp_path, name, lambda path: edit(path, change)
    )
    assert path.read_bytes() != edited  # made again


def test_a_link_planted_where_the_temporary_file_goes_is_not_written_through(folder):
    folder.mkdir(parents=True)
    victim = folder.parent / "victim.txt"
    victim.write_text("kept\n")
    planted = folder / f"planted.json.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    write_json("planted.json", {"a": 1})
    assert victim.read_text() == "kept\n"
    assert not (folder / "planted.json").is_symlink()
    assert read_json("planted.json") is None  # (the write was given up: it only costs time)


# --- the version of the code: what keys the rule files' entries -------------------------------


@pytest.fixture
def package_copy(tmp_path, monkeypatch) -> Path:
    """A copy of lgo-audit's modules whose version :func:`code_version` reads (its cache
    cleared before and after)."""
    import shutil

    import lgo_audit

    copy = tmp_path / "lgo_audit"
    shutil.copytree(Path(lgo_audit.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    monkeypatch.setattr(lgo_audit, "__file__", str(copy / "__init__.py"))
    cache.code_version.cache_clear()
    yield copy
    cache.code_version.cache_clear()


def version_after(change: Callable[[], object]) -> str:
    change()
    cache.code_version.cache_clear()
    return cache.code_version()


@pytest.mark.parametrize(
    "change",
    [
        lambda copy: (copy / "rules.py").write_text((copy / "rules.py").read_text() + "\n"),
        lambda copy: os.utime(copy / "expr" / "_check.py", ns=(1, 1)),
        lambda copy: (copy / "grammar" / "profile_2099.py").write_text("PROFILE = None\n"),
        lambda copy: (copy / "vocabulary.py").unlink(),
    ],
    ids=["a-module-edited", "a-module-touched", "a-module-added", "a-module-removed"],
)
def test_the_code_version_changes_with_any_module(package_copy, change):
    before = cache.code_version()
    assert version_after(lambda: None) == before  # nothing changed: the same
    assert version_after(lambda: change(package_copy)) != before


def test_each_version_of_the_code_keeps_rule_files_of_its_own(folder, monkeypatch):
    """Versions sharing a cache (a pre-commit hook's and another) never read or write over
    each other's entries; the files of the three versions written latest are kept, and the
    single file of earlier lgo-audit is removed."""
    from lgo_audit import rules

    folder.mkdir(parents=True)
    (folder / "rule-files.json").write_bytes(b"old\n{}")
    written = []
    for version in ("a" * 64, "b" * 64, "c" * 64, "d" * 64):
        monkeypatch.setattr(rules, "code_version", lambda v=version: v)
        rules.load_rules()
        file = folder / "rule-files" / f"{version[:16]}.json"
        assert set(read_file(file)) == {
            rules._content_key(p.read_bytes()) for p in RULES_DIR.glob("*.toml")
        }
        os.utime(file, ns=(len(written) * 10**9, len(written) * 10**9))  # written in this order
        written.append(file.name)
    assert sorted(p.name for p in (folder / "rule-files").glob("*.json")) == written[-3:]
    assert not (folder / "rule-files.json").exists()
