"""benchmarks/generate_letters.py: the corpus the performance benchmark measures on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate_letters


@pytest.mark.parametrize("batches", [False, True], ids=["letters that disagree", "batches"])
def test_every_letter_is_written_in_the_encoding_asked_for(tmp_path, batches):
    """``--encoding utf-8`` writes every letter in UTF-8 (no byte-order mark), whether
    the letters are yearly batches or each a council and year of its own."""
    args = [str(tmp_path), "-n", "40", "--seed", "7", "--encoding", "utf-8"]
    assert generate_letters.main([*args, "--batches"] if batches else args) == 0
    letters = sorted(tmp_path.iterdir())
    assert len(letters) == 40
    for letter in letters:
        data = letter.read_bytes()
        assert not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")), letter.name
        data.decode("utf-8")  # (raises if it is not)


def test_the_same_seed_writes_the_same_letters_in_another_encoding(tmp_path):
    mixed, utf8 = tmp_path / "mixed", tmp_path / "utf8"
    generate_letters.main([str(mixed), "-n", "20", "--seed", "3"])
    generate_letters.main([str(utf8), "-n", "20", "--seed", "3", "--encoding", "utf-8"])
    from lgo_audit.reader import read_source

    for letter in sorted(mixed.iterdir()):
        assert read_source(letter).text == read_source(utf8 / letter.name).text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "-5"], "give 0 or more"),
        (["-n", "abc"], "'abc': not a whole number of letters"),
        (["--encoding", "bogus"], "unknown encoding 'bogus'"),
    ],
)
def test_a_bad_argument_is_a_usage_error_not_a_traceback(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as stopped:
        generate_letters.main([str(tmp_path / "out"), *args, "--batches"])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("batches", [False, True], ids=["random", "batches"])
def test_a_folder_that_holds_something_is_refused_and_left_as_it_was(tmp_path, capsys, batches):
    # letters written beside others would make a corpus other than the one asked for
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as stopped:
        generate_letters.main([str(out), "-n", "3", *(["--batches"] if batches else [])])
    assert stopped.value.code == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_an_empty_folder_is_written_to(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert generate_letters.main([str(out), "-n", "3"]) == 0
    assert len(list(out.iterdir())) == 3


@pytest.mark.parametrize("batches", [False, True], ids=["random", "batches"])
@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "empty folder"])
def test_an_encoding_the_letters_characters_are_not_in_writes_nothing(
    tmp_path, capsys, batches, existing
):
    """ASCII has no non-breaking space: one usage line naming the character, and the folder as
    it was (a new one not left behind), not a traceback and a folder of some letters."""
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    with pytest.raises(SystemExit) as stopped:
        generate_letters.main(
            [str(out), "-n", "30", "--encoding", "ascii", *(["--batches"] if batches else [])]
        )
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "ascii cannot write the letters" in err and "U+" in err and "Traceback" not in err
    assert (list(out.iterdir()) == []) if existing else not out.exists()
