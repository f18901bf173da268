"""The cache of compiled regular expressions (lgo_audit.regex_cache): a pattern read back from
it matches exactly as the pattern compiled by ``re``; a damaged entry only costs time; the
file is written only when a run compiled something new; and only the console script uses it.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgo_audit import regex_cache
from tests.compiled_caches import in_place, payload
from tests.paths import EXAMPLES

pytestmark = pytest.mark.skipif(
    regex_cache.file_name() is None, reason="this Python's regular-expression engine is not known"
)

PATTERNS = [
    (r"(?P<count>\d+) upheld decisions? of (?P<total>\d+)", 0),
    (r"Annual\s+Review\s+letter\s+(\d{4})\b", re.IGNORECASE),
    (r"^[ \t]*Dear\s+\S", re.MULTILINE),
    (r"(?<=[.!?])\s+(?=[A-Z])|\u2018[^\u2019]*\u2019", 0),
    (r"[\u00c0-\u024f\u0370-\u03ff]+(?:['\-][\u00c0-\u024f]+)*", re.IGNORECASE),
    (r"(a|b)?c(?(1)d|e)", 0),
    (r"(?x) \d{1,3} (?: \. \d{1,2} )? \s? %", 0),
]
TEXTS = [
    "10 upheld decisions of 17",
    "ANNUAL review LETTER 2024 ",
    "Intro\n  Dear Ms Smith",
    "It ended. Then \u2018this\u2019 began",
    "Zo\u00eb O'Br\u00edan-\u00c9lise",
    "acd ce bce",
    "59.5 % and 7%",
]


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """The cache in a folder of the test's own, put in place; ``re``'s own step back after."""
    with in_place(regex_cache, tmp_path / "cache", monkeypatch) as path:
        yield path


def fresh(pattern: str, flags: int) -> re.Pattern[str]:
    """``pattern`` compiled now (never the in-process cache of ``re``)."""
    re.purge()
    return re.compile(pattern, flags)


def same_behaviour(one: re.Pattern[str], other: re.Pattern[str], text: str) -> None:
    assert (one.pattern, one.flags, one.groups, one.groupindex) == (
        other.pattern,
        other.flags,
        other.groups,
        other.groupindex,
    )
    assert [m.span() for m in one.finditer(text)] == [m.span() for m in other.finditer(text)]
    assert [m.groups() for m in one.finditer(text)] == [m.groups() for m in other.finditer(text)]


def read_back() -> None:
    """What this run saved, read by a later run."""
    regex_cache.save()
    regex_cache.uninstall()
    regex_cache.install()


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_pattern_read_back_from_the_cache_matches_as_re_compiles_it(cached, pattern, flags):
    fresh(pattern, flags)  # a miss: compiled, kept
    read_back()
    from_cache = fresh(pattern, flags)  # a hit: the program read back
    assert regex_cache._used  # (it was read from the cache)
    regex_cache.uninstall()
    plain = fresh(pattern, flags)
    for text in TEXTS:
        same_behaviour(from_cache, plain, text)


@given(
    st.lists(
        st.sampled_from(
            ["a", "b", "[ab]", r"\d", "(a|bb)", "(?P<n>b)", "x*", "y+?", ".", "(?<=a)"]
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([0, re.IGNORECASE, re.DOTALL | re.MULTILINE]),
    st.text(alphabet="abABxy1\n", max_size=30),
)
def test_any_pattern_read_back_matches_as_re_compiles_it(tmp_path_factory, parts, flags, text):
    """(A pattern ``re`` refuses, a group named twice, is refused alike, and never kept.)"""
    pattern = "".join(parts)
    try:
        plain = fresh(pattern, flags)
    except re.error:
        plain = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        try:
            regex_cache.install()
            with pytest.raises(re.error) if plain is None else contextlib.nullcontext():
                fresh(pattern, flags)
            read_back()
            assert bool(regex_cache._known) is (plain is not None)
            from_cache = fresh(pattern, flags) if plain is not None else None
        finally:
            regex_cache.uninstall()
    if plain is not None and from_cache is not None:
        same_behaviour(from_cache, plain, text)


def test_a_run_of_patterns_seen_before_writes_nothing(cached):
    fresh(*PATTERNS[0])
    regex_cache.save()
    written = cached.stat().st_mtime_ns, cached.read_bytes()
    read_back()
    fresh(*PATTERNS[0])
    regex_cache.save()
    assert (cached.stat().st_mtime_ns, cached.read_bytes()) == written


def compiled_after_damage(
    cached: Path, pattern: str, flags: int, damage: Callable[[list[Any]], object]
) -> re.Pattern[str]:
    """``pattern`` compiled by a run whose cache file held it with ``damage`` done to its
    entry (as if written so, its digest matching)."""
    fresh(pattern, flags)
    regex_cache.save()
    held = payload(cached)
    for entry in held["patterns"].values():
        damage(entry)
    regex_cache._known.clear()
    regex_cache._known.update(held["patterns"])
    return fresh(pattern, flags)


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.__setitem__(1, b"abc"),
        lambda entry: entry.__setitem__(1, bytes(4)),  # a program of one word: not well formed
        lambda entry: entry.__setitem__(1, 17),
        lambda entry: entry.__setitem__(2, "two"),
        lambda entry: entry.pop(),
    ],
    ids=["not-whole-words", "not-a-program", "not-bytes", "groups-not-a-number", "short"],
)
def test_a_damaged_entry_is_compiled_again(cached, damage):
    pattern, flags = PATTERNS[0]
    compiled = compiled_after_damage(cached, pattern, flags, damage)
    regex_cache.uninstall()
    for text in TEXTS:
        same_behaviour(compiled, fresh(pattern, flags), text)


def test_bytes_patterns_are_compiled_as_usual(cached):
    assert fresh(rb"<meta\b", re.IGNORECASE).search(b"x <META name=y>")
    assert not regex_cache._used


def test_the_file_keeps_the_patterns_used_latest(cached, monkeypatch):
    monkeypatch.setattr(regex_cache, "KEPT", 3)
    for n in range(5):
        fresh(f"first{n}", 0)
    regex_cache.save()
    assert list(payload(cached)["patterns"]) == ["0:first2", "0:first3", "0:first4"]


def test_with_caching_off_nothing_is_put_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("LGO_AUDIT_NO_CACHE", "1")
    regex_cache.uninstall()
    regex_cache.install()
    assert not regex_cache.installed()


def test_importing_lgo_audit_leaves_re_as_it_is():
    code = (
        "import re, lgo_audit.cli, lgo_audit.application, lgo_audit.grammar\n"
        "from re import _compiler\n"
        "print(_compiler.compile.__module__)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "re._compiler"


def test_the_command_line_checks_alike_with_the_cache_cold_and_warm(tmp_path):
    """A run that fills the cache and a run that reads it give the same report; the second
    compiles nothing new, so it leaves the file as it was."""
    env = {"LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    letter = str(EXAMPLES / "stockport-2020.txt")
    command = [sys.executable, "-m", "lgo_audit", "check", letter, "--isolated"]
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    files = list((tmp_path / "cache" / "lgo-audit").glob("regex-*[0-9a-f].bin"))
    assert len(files) == 1
    before = files[0].read_bytes()
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert files[0].read_bytes() == before


def test_the_cache_file_is_named_by_the_engine(monkeypatch):
    name = regex_cache.file_name()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert regex_cache.file_name() != name
    assert Path(str(name)).suffix == ".bin"


@pytest.mark.parametrize("args", [["--version"], ["explain", "LGO101"]])
def test_the_answers_given_at_once_neither_read_nor_write_it(tmp_path, args):
    """(``--version`` and ``explain`` compile no grammar and make no dataclass: reading the
    files would only cost. The dataclass cache, lgo_audit.dataclass_cache, alike.)"""
    env = {"LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    shown = subprocess.run([sys.executable, "-m", "lgo_audit", *args], capture_output=True, env=env)
    assert shown.returncode == 0
    assert not list(tmp_path.glob("cache/lgo-audit/*"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.__setitem__(2, entry[2] + 1),
        lambda entry: entry.__setitem__(3, {**entry[3], "extra": 1}),
        lambda entry: entry.__setitem__(3, {}),
        lambda entry: entry.__setitem__(4, entry[4][:-1]),
        lambda entry: entry.__setitem__(4, [None] * len(entry[4])),
    ],
    ids=["a-group-more", "a-name-more", "no-names", "a-number-less", "names-lost"],
)
def test_an_entry_whose_groups_do_not_agree_is_compiled_again(cached, damage):
    """(Read as it was, the pattern would raise at its first match: an internal error in every
    run until the cache was deleted.)"""
    pattern, flags = PATTERNS[0]  # two named groups
    compiled = compiled_after_damage(cached, pattern, flags, damage)
    assert compiled.groupindex == {"count": 1, "total": 2}
    assert compiled.match("10 upheld decisions of 17").group("total") == "17"


def test_the_file_keeps_at_most_its_bytes_the_latest_used_first(cached, monkeypatch):
    """(A library's pattern that changes from run to run, built in the hash seed's order,
    cannot grow the file every run reads.)"""
    monkeypatch.setattr(regex_cache, "KEPT_BYTES", 200)
    for n in range(20):
        fresh(f"run{n:02}" + "x" * 40, 0)
    regex_cache.save()
    kept = list(payload(cached)["patterns"])
    assert kept and len(kept) < 20
    assert kept[-1].startswith("0:run19")
    assert kept == sorted(kept)  # the latest, in the order they were used


def test_an_entry_cut_short_in_the_file_does_not_stop_the_next_write(cached):
    """(Counting its size for :data:`KEPT_BYTES` once raised IndexError: a traceback at the end
    of every later run, and the file never written again.)"""
    regex_cache._known["0:never-used"] = [0]
    fresh("new-pattern", 0)
    regex_cache.save()
    assert "0:new-pattern" in payload(cached)["patterns"]


def test_the_file_of_the_format_before_is_removed_when_the_cache_is_written(cached):
    """(The programs were base64 in JSON, slower to read than the file: that file, of about a
    megabyte, would otherwise stay in the cache folder for good.)"""
    engine = regex_cache._engine()
    assert engine is not None
    before = cached.with_name(regex_cache._file_name(engine[1], 1))
    assert before.suffix == ".json" and before != cached
    before.parent.mkdir(parents=True, exist_ok=True)
    before.write_bytes(b"crc32:00000000\n{}")
    fresh("a-new-pattern", 0)
    regex_cache.save()
    assert cached.is_file() and not before.exists()


def rest(cached: Path) -> Path:
    return cached.with_name(str(regex_cache.rest_file_name()))


def test_the_first_file_holds_what_the_last_run_used_and_the_second_the_rest(cached):
    """(A batch's patterns, read whole, made every later one-letter check read four times
    what it needs: 7 ms of a cold check.)"""
    for pattern, flags in PATTERNS:  # a batch: every pattern
        fresh(pattern, flags)
    read_back()
    for pattern, flags in PATTERNS[:2]:  # a one-letter check: fewer than half of them
        fresh(pattern, flags)
    assert regex_cache._rest is None  # (all in the first file: the second never read)
    read_back()
    assert list(payload(cached)["patterns"]) == [f"{int(f)}:{p}" for p, f in PATTERNS[:2]]
    assert list(payload(rest(cached))["patterns"]) == [f"{int(f)}:{p}" for p, f in PATTERNS[2:]]


def test_a_pattern_of_the_second_file_is_read_from_it_not_compiled_again(cached, monkeypatch):
    for pattern, flags in PATTERNS:
        fresh(pattern, flags)
    read_back()
    fresh(*PATTERNS[0])
    read_back()  # (the first file: PATTERNS[0] alone)
    engine = regex_cache._engine()
    assert engine is not None

    def refused(*args: Any) -> Any:
        raise AssertionError("compiled again")

    pattern, flags = PATTERNS[3]
    with monkeypatch.context() as patched:
        patched.setattr(engine[0], "_code", refused)
        from_cache = fresh(pattern, flags)
    for text in TEXTS:
        same_behaviour(from_cache, fresh(pattern, flags), text)
    read_back()  # (used from the second file: moved to the first)
    assert f"{int(flags)}:{pattern}" in payload(cached)["patterns"]


def test_a_run_that_uses_half_the_first_file_or_more_writes_nothing(cached):
    for pattern, flags in PATTERNS[:4]:
        fresh(pattern, flags)
    read_back()
    written = cached.read_bytes()
    for pattern, flags in PATTERNS[:2]:
        fresh(pattern, flags)
    regex_cache.save()
    assert cached.read_bytes() == written
