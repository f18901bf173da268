"""Reading letter files: which bytes are accepted, how they round-trip, and every refusal."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lgo_audit import reader
from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError, SourceFile, decode, read_source
from tests.paths import SEEDS, STOCKPORT

LETTER = "Dear Ms Smith\nThis compares to an average of 67% in similar authorities.\n"


def write(tmp_path: Path, data: bytes, name: str = "letter.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        decode(data, "in.txt")
    return str(caught.value)


# --- accepted encodings --------------------------------------------------------------------


def test_utf8_is_read_as_utf8_without_notes() -> None:
    data = "Council\u2019s services \u00a320\n".encode()
    source = decode(data, "a.txt")
    assert source.text == "Council\u2019s services \u00a320\n"
    assert (source.encoding, source.bom, source.notes) == ("utf-8", b"", ())
    assert source.encode(source.text) == data


def test_utf8_bom_is_removed_from_the_text_and_restored_by_encode() -> None:
    data = b"\xef\xbb\xbf" + LETTER.encode()
    source = decode(data, "a.txt")
    assert source.text == LETTER
    assert (source.encoding, source.bom) == ("utf-8-sig", b"\xef\xbb\xbf")
    assert source.encode(source.text) == data


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom_is_accepted_and_round_trips(bom: bytes, codec: str) -> None:
    text = "Dear Ms Smith\r\n67%\u00a0\u2013 upheld\r\n"
    data = bom + text.encode(codec)
    source = decode(data, "a.txt")
    assert source.text == text
    assert (source.encoding, source.bom, source.notes) == (codec, bom, ())
    assert source.encode(source.text) == data


def test_cp1252_fallback_is_reported_in_a_note_and_round_trips() -> None:
    data = b"your Council\x92s services cost \x80100\r\n"
    source = decode(data, "a.txt")
    assert source.text == "your Council\u2019s services cost \u20ac100\r\n"
    assert source.encoding == "cp1252"
    assert source.notes == ("not valid UTF-8 (byte 0x92 at byte 12); decoded as Windows-1252",)
    assert source.encode(source.text) == data
    assert source.fallback_at == 12  # where the first byte that is not UTF-8 stands
    assert decode("Council\u2019s".encode(), "a.txt").fallback_at is None


def test_the_encoding_note_points_at_the_first_byte_that_is_not_utf8(tmp_path: Path) -> None:
    """LGO007 stands where an editor should look: the line and column of the first byte that
    is not UTF-8 (a saved web page's offsets are in its source, not its text: the file)."""
    from lgo_audit.application import CheckOptions, run_check

    letter = STOCKPORT.read_text(encoding="utf-8").encode("cp1252", "replace")
    letter = letter.replace(b"services", b"servic\xe9s", 1)  # an "e" acute saved as 1252
    (tmp_path / "a.txt").write_bytes(letter)
    html = b"".join(b"<p>" + line + b"</p>\n" for line in letter.split(b"\n"))
    (tmp_path / "a.html").write_bytes(html)
    run = run_check([tmp_path], CheckOptions(isolated=True, select=("LGO007",)))
    places = {
        Path(r.path).name: [(f.span.line, f.span.column) for f in r.findings] for r in run.results
    }
    text = (tmp_path / "a.txt").read_bytes().decode("cp1252")
    at = text.index("servic\u00e9s") + len("servic")
    line = text.count("\n", 0, at) + 1
    assert places["a.txt"] == [(line, at - text.rfind("\n", 0, at))]
    assert places["a.html"] == [(1, 1)]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_are_kept_exactly(newline: str) -> None:
    text = f"one{newline}two{newline}{newline}three"
    source = decode(text.encode(), "a.txt")
    assert source.text == text
    assert source.encode(source.text) == text.encode()


def test_mixed_line_endings_are_kept_exactly() -> None:
    data = b"one\r\ntwo\rthree\nfour\r\n"
    source = decode(data, "a.txt")
    assert source.text == "one\r\ntwo\rthree\nfour\r\n"
    assert source.encode(source.text) == data


def test_encode_writes_new_text_in_the_file_encoding() -> None:
    source = decode(b"\xff\xfe" + "67%".encode("utf-16-le"), "a.txt")
    assert source.encode("68%") == b"\xff\xfe" + "68%".encode("utf-16-le")


def test_hash_size_and_path_describe_the_raw_file(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + LETTER.encode()
    path = write(tmp_path, data)
    source = read_source(path)
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)
    assert source.path == str(path)


def test_read_source_keeps_the_path_as_given(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, LETTER.encode())
    monkeypatch.chdir(tmp_path)
    assert read_source("letter.txt").path == "letter.txt"


def test_a_few_control_characters_do_not_make_a_text_binary() -> None:
    text = "x" * 100 + "\x02\x03"
    assert decode(text.encode(), "a.txt").text == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_the_control_characters_of_a_text_are_counted_but_not_tabs_or_line_breaks(
    encoding: str,
) -> None:
    text = "Coun\x07cil \x7f\x1b[31m£10\t\n\r\n\x0b\x0c" + "x" * 100
    data = ("\ufeff" + text).encode(encoding) if encoding == "utf-16" else text.encode(encoding)
    assert decode(data, "a.txt").controls == 3  # BEL, DEL, ESC


def test_a_web_page_s_control_characters_are_counted_in_the_text_read_from_it() -> None:
    page = (
        b'<html><body><p class="a\x07">1&#7;0 upheld decisions</p><p>x&#x1b;[31m</p></body></html>'
    )
    source = decode(page, "page.html")
    assert "\x07" in source.text and "\x1b" in source.text
    assert source.controls == 2  # the two in its text, not the one in a tag


def test_a_text_without_control_characters_counts_none() -> None:
    assert decode(STOCKPORT.read_bytes(), STOCKPORT.name).controls == 0


def test_both_seed_letters_are_read_as_utf8() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        source = read_source(path)
        assert source.encoding == "utf-8"
        assert source.notes == ()
        assert source.encode(source.text) == path.read_bytes()


def test_source_file_is_immutable() -> None:
    source = decode(b"text", "a.txt")
    with pytest.raises(AttributeError):
        source.text = "other"  # type: ignore[misc]


# --- refusals: one line, "<path>: <reason>" -------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: no such file or directory"
    assert (caught.value.path, caught.value.reason) == (str(path), "no such file or directory")


def test_path_through_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"x") / "inside.txt"
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert (
        str(caught.value)
        == f"{path}: no such file or directory (a part of the path is not a directory)"
    )


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_source(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: is not a regular file (it is a named pipe)"


def test_unreadable_file_by_permissions(tmp_path: Path) -> None:
    path = write(tmp_path, LETTER.encode())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that ignore file permissions")
        with pytest.raises(InputError) as caught:
            read_source(path)
    finally:
        path.chmod(0o644)
    assert str(caught.value) == f"{path}: cannot be read (permission denied)"


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, LETTER.encode())

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(reader, "open", refuse, raising=False)
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: cannot be read (permission denied)"


def test_other_os_errors_become_input_errors(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, LETTER.encode())

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(reader, "open", fail, raising=False)
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: cannot be read (input/output error)"


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"")
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: is empty (0 bytes)"


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_only_a_byte_order_mark(bom: bytes) -> None:
    assert refusal(bom) == "in.txt: is empty (only a byte-order mark)"


@pytest.mark.parametrize(
    "data",
    [b" \r\n\t\n", "\u00a0\u200b\n".encode(), b"\xef\xbb\xbf \n", b"\xff\xfe \x00\n\x00"],
)
def test_only_whitespace(data: bytes) -> None:
    assert refusal(data) == "in.txt: is empty (only whitespace)"


def test_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(10_500_000)  # sparse: nothing is written

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(reader, "open", must_not_open, raising=False)
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}: is 10.5 MB, larger than the 5 MB limit (--max-file-size, or max-file-size in the configuration, raises it)"
    )
    assert DEFAULT_MAX_BYTES == 5_000_000


def test_too_large_for_a_smaller_limit(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 2_100)
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=1_000)
    assert str(caught.value) == (
        f"{path}: is 2.1 KB, larger than the 1 KB limit (--max-file-size, or max-file-size in the configuration, raises it)"
    )


def test_too_large_by_less_than_rounding_shows_exact_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 1_001)
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=1_000)
    assert str(caught.value) == (
        f"{path}: is 1,001 bytes, larger than the 1,000-byte limit (--max-file-size, or max-file-size in the configuration, raises it)"
    )


def test_file_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 1_000)
    assert read_source(path, max_bytes=1_000).size == 1_000


def stat_says_size(monkeypatch, size: int) -> None:  # type: ignore[no-untyped-def]
    """From now on, ``os.stat`` gives every file the size ``size`` (a file that grew since)."""
    real_stat = os.stat

    def stale_stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        fields = list(real_stat(target, *args, **kwargs))  # type: ignore[arg-type]
        fields[6] = size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", stale_stat)


def test_file_that_grows_after_stat_is_still_limited(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, b"x" * 2_000)
    stat_says_size(monkeypatch, 10)  # as it was a moment ago
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=1_000)
    assert str(caught.value) == (
        f"{path}: is larger than the 1 KB limit (--max-file-size, or max-file-size in the configuration, raises it)"
    )


def test_nul_byte_without_utf16_bom_is_binary() -> None:
    assert refusal(b"\x89PNG\r\n\x1a\n\x00\x00") == (
        "in.txt: looks like a binary file, not text "
        "(a NUL byte at byte 8 and no UTF-16 byte-order mark)"
    )


def spy_on_reads(monkeypatch, piece: int | None = None) -> list[int]:  # type: ignore[no-untyped-def]
    """The sizes the reader asks its file for, from now on; with ``piece``, each read gives
    at most that many bytes (as a read may give fewer than asked)."""
    asked: list[int] = []
    real_open = open

    class Handle:
        def __init__(self, handle):  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            return self.handle.read(size if piece is None else min(size, piece))

        def seek(self, offset: int) -> int:
            return self.handle.seek(offset)

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        return Handle(real_open(*args, **kwargs))

    monkeypatch.setattr(reader, "open", spy, raising=False)
    return asked


def test_a_binary_file_is_refused_from_its_first_bytes_without_being_read_whole(
    tmp_path: Path, monkeypatch
) -> None:
    path = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00" + b"x" * 1_000_000)
    asked = spy_on_reads(monkeypatch)
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=10_000_000)
    assert str(caught.value) == (
        f"{path}: looks like a binary file, not text "
        "(a NUL byte at byte 8 and no UTF-16 byte-order mark)"
    )
    assert asked == [65_536]  # the first 64 KiB, and nothing more


def test_a_letter_is_read_by_one_read_of_its_size_and_one_byte_more(
    tmp_path: Path, monkeypatch
) -> None:
    path = write(tmp_path, LETTER.encode())
    asked = spy_on_reads(monkeypatch)
    assert read_source(path).text == LETTER
    assert asked == [len(LETTER.encode()) + 1]  # (it gave the whole: no read for the end)


@pytest.mark.parametrize("piece", [1, 7, 100])
def test_a_file_that_gives_its_bytes_a_few_at_a_time_is_read_whole(
    tmp_path: Path, monkeypatch, piece: int
) -> None:
    """A read may give fewer bytes than asked (a pipe-like file system): the reader asks
    again until it has them all, or the file ends."""
    path = write(tmp_path, LETTER.encode())
    asked = spy_on_reads(monkeypatch, piece)
    assert read_source(path).text == LETTER
    assert len(asked) > len(LETTER.encode()) // piece
    with pytest.raises(InputError, match="larger than"):
        read_source(write(tmp_path, b"x" * 2_000, "big.txt"), max_bytes=1_000)


def test_a_nul_byte_after_the_first_bytes_is_found_when_the_file_is_decoded(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, b"x" * 100_000 + b"\x00")
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert "a NUL byte at byte 100000 and no UTF-16 byte-order mark" in str(caught.value)


def test_a_file_that_starts_like_utf16_is_not_refused_for_its_nul_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xff\xfe" + LETTER.encode("utf-16-le"))
    assert read_source(path).text == LETTER


def test_no_more_than_the_file_holds_is_asked_for(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, LETTER.encode())
    asked = spy_on_reads(monkeypatch)
    assert read_source(path, max_bytes=100_000_000).text == LETTER
    assert max(asked) <= len(LETTER) + 1  # not a buffer the size of the limit


def test_utf16_without_bom_is_binary() -> None:
    assert refusal("Dear Ms Smith".encode("utf-16-le")).startswith(
        "in.txt: looks like a binary file, not text (a NUL byte at byte 1 "
    )


def test_many_control_characters_are_binary() -> None:
    assert refusal(b"\x01\x02\x03\x04abcdefghijklmnop") == (
        "in.txt: looks like a binary file, not text (4 of its 20 characters are control characters)"
    )


def test_control_characters_in_utf16_count_too() -> None:
    data = b"\xff\xfe" + "ab\x00\x01".encode("utf-16-le")
    assert refusal(data) == (
        "in.txt: looks like a binary file, not text (2 of its 4 characters are control characters)"
    )


def test_neither_utf8_nor_cp1252_is_undecodable() -> None:
    assert refusal(b"Council\x92s \x81") == (
        "in.txt: cannot be decoded: it is neither UTF-8 (byte 0x92 at byte 7 is invalid) nor "
        "Windows-1252 (byte 0x81 at byte 10 is undefined)"
    )


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_each_byte_cp1252_leaves_undefined_is_undecodable(byte: int) -> None:
    assert "is undefined" in refusal(b"abc " + bytes([byte]))


def test_truncated_utf16_is_undecodable() -> None:
    assert refusal(b"\xff\xfea\x00b") == (
        "in.txt: cannot be decoded: it starts with a UTF-16 LE byte-order mark but is not "
        "valid UTF-16 (truncated data at byte 4)"
    )


def test_lone_surrogate_in_utf16_is_undecodable() -> None:
    assert refusal(b"\xfe\xff\xd8\x00\x00a").endswith("(illegal UTF-16 surrogate at byte 2)")


def test_invalid_utf8_after_a_utf8_bom_is_undecodable() -> None:
    assert refusal(b"\xef\xbb\xbfCouncil\x92s") == (
        "in.txt: cannot be decoded: it starts with a UTF-8 byte-order mark but is not valid "
        "UTF-8 (byte 0x92 at byte 10)"
    )


def test_utf32_is_refused_by_name() -> None:
    assert refusal(b"\xff\xfe\x00\x00" + "Dear".encode("utf-32-le")) == (
        "in.txt: is UTF-32 encoded (it starts with a UTF-32 byte-order mark); "
        "save it as UTF-8 to check it"
    )


def test_message_stays_on_one_line_whatever_the_path(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    with pytest.raises(InputError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("two\\nlines.txt: no such file or directory")


def test_input_error_survives_pickling() -> None:
    error = InputError("a.txt", "is empty (0 bytes)")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.path, copy.reason) == (str(error), "a.txt", "is empty (0 bytes)")


# --- properties ----------------------------------------------------------------------------


@given(st.binary(max_size=200))
def test_every_accepted_byte_string_round_trips(data: bytes) -> None:
    try:
        source = decode(data, "a.txt")
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert (
        source.bom
        + source.text.encode({"utf-8-sig": "utf-8"}.get(source.encoding, source.encoding))
        == data
    )
    assert source.encode(source.text) == data
    assert source.size == len(data)


TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\r\n\t"), max_size=80
).filter(lambda text: any(c.isalnum() for c in text))


@given(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"]))
def test_text_in_any_accepted_encoding_decodes_to_itself(text: str, encoding: str) -> None:
    assume(encoding != "utf-8" or not text.startswith("\ufeff"))  # that would be a BOM
    bom = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
    data = bom.get(encoding, b"") + text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    source = decode(data, "a.txt")
    assert isinstance(source, SourceFile)
    assert (source.text, source.encoding) == (text, encoding)
    assert source.encode(source.text) == data


# --- a large text file, read a piece at a time ----------------------------------------------
# A plain-text file of reader._LARGE bytes or more is read and decoded reader._PIECE bytes at
# a time, so that its bytes and its text are never both held whole (the 25 MB row of the
# performance benchmark). Whatever the pieces, the result is the whole-file reader's.


def read_in_pieces(data: bytes, piece: int, monkeypatch, name: str = "letter.txt"):  # type: ignore[no-untyped-def]
    """(what the piecewise reader gives, what the whole-file reader gives) for ``data``: a
    SourceFile, the message of an InputError, or None where the piecewise reader declines."""
    monkeypatch.setattr(reader, "_LARGE", 1)
    monkeypatch.setattr(reader, "_PIECE", piece)
    monkeypatch.setattr(reader, "_HEAD", 1024)  # read first, whole: what names a document
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        outcomes = []
        for read in (
            lambda: reader._read_large_text(path, path, DEFAULT_MAX_BYTES),
            lambda: decode(reader.read_bytes(path), path),
        ):
            try:
                outcomes.append(read())
            except InputError as error:
                outcomes.append(str(error))
        return outcomes[0], outcomes[1]


WIDE_TEXT = st.text(
    st.sampled_from("ab \n\r\t\u00e9\u2019\U0001f600")
    | st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=60,
)


# Read after the first 1,024 bytes (see read_in_pieces), or within them.
PADDING = st.sampled_from([b"", b"Dear Ms Smith\n" * 74])


@given(WIDE_TEXT, st.sampled_from([b"", b"\xef\xbb\xbf"]), PADDING, st.integers(1, 9))
def test_a_utf8_text_read_in_pieces_is_the_text_read_whole(
    text: str, bom: bytes, padding: bytes, piece: int
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        in_pieces, whole = read_in_pieces(bom + padding + text.encode(), piece, monkeypatch)
    if isinstance(whole, str):  # refused (empty, binary): refused alike, or left to it
        assert in_pieces in (None, whole)
    else:  # every multi-byte character split across pieces, the mark, the hash, the size
        assert in_pieces == whole


@given(PADDING, st.binary(min_size=1, max_size=120), st.integers(1, 9))
def test_any_bytes_read_in_pieces_are_read_as_whole_or_left_to_the_whole_file_reader(
    padding: bytes, data: bytes, piece: int
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        in_pieces, whole = read_in_pieces(padding + data, piece, monkeypatch)
    assert in_pieces is None or in_pieces == whole


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"x" * 2000 + b"abc \xe9 def", "not UTF-8: decoded as Windows-1252, with its note"),
        (b"x" * 2000 + b"\x00ij", "a NUL byte past the first piece"),
        (b"\xff\xfe" + "letter".encode("utf-16-le"), "UTF-16"),
        (b"%PDF-1.7\n...", "a PDF by its content"),
        (b"PK\x03\x04....", "a DOCX by its content"),
    ],
)
def test_what_the_piecewise_reader_declines_the_whole_file_reader_reads(
    data: bytes, why: str, tmp_path: Path, monkeypatch
) -> None:
    in_pieces, _ = read_in_pieces(data, 4, monkeypatch)
    assert in_pieces is None, why
    path = write(tmp_path, data)
    monkeypatch.setattr(reader, "_LARGE", 1)
    assert_same_outcome(lambda: read_source(path), lambda: decode(path.read_bytes(), str(path)))


def assert_same_outcome(one, other) -> None:  # type: ignore[no-untyped-def]
    outcomes = []
    for read in (one, other):
        try:
            outcomes.append(read())
        except InputError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_a_large_file_is_read_in_pieces_through_read_source(tmp_path: Path, monkeypatch) -> None:
    text = ("Dear Ms Smith \u2019\U0001f600\n" * 40).encode()
    path = write(tmp_path, b"\xef\xbb\xbf" + text)
    monkeypatch.setattr(reader, "_LARGE", 100)
    monkeypatch.setattr(reader, "_PIECE", 7)
    monkeypatch.setattr(reader, "_HEAD", 10)
    asked = spy_on_reads(monkeypatch)
    source = read_source(path)
    assert asked[:3] == [10, 7, 7]  # read a piece at a time, not whole
    assert source == decode(path.read_bytes(), str(path))
    assert (source.encoding, source.bom, source.size) == (
        "utf-8-sig",
        b"\xef\xbb\xbf",
        len(text) + 3,
    )


def test_a_large_file_that_grows_past_the_limit_while_read_in_pieces_is_refused(
    tmp_path: Path, monkeypatch
) -> None:
    path = write(tmp_path, b"x" * 2_000)
    monkeypatch.setattr(reader, "_LARGE", 100)
    monkeypatch.setattr(reader, "_PIECE", 64)
    stat_says_size(monkeypatch, 900)  # as it was a moment ago
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=1_000)
    assert str(caught.value) == (
        f"{path}: is larger than the 1 KB limit (--max-file-size, or max-file-size in the configuration, raises it)"
    )


def test_a_statistics_page_or_a_document_by_its_name_is_not_read_in_pieces(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(reader, "_LARGE", 1)
    calls: list[object] = []
    monkeypatch.setattr(reader, "_read_large_text", lambda *args: calls.append(args))
    for name in ("page.html", "page.HTM", "letter.pdf", "letter.docx"):
        path = write(tmp_path, b"<p>Dear Ms Smith</p>", name)
        with contextlib.suppress(InputError):
            read_source(path)
    assert calls == []


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        (1, "is 12 bytes, larger than the 1-byte limit"),
        (5, "is 12 bytes, larger than the 5-byte limit"),
    ],
)
def test_a_limit_of_a_few_bytes_is_said_as_a_limit_is(
    tmp_path: Path, limit: int, said: str
) -> None:
    path = write(tmp_path, b"Dear Ms Smi\n")
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=limit)
    assert (
        str(caught.value)
        == f"{path}: {said} (--max-file-size, or max-file-size in the configuration, raises it)"
    )
