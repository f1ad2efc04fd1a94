"""euare.core.inputs, the one reader of every file and of standard input given as ``-``: limits by
kind, refusals in one line, and standard input refused at its first NUL byte rather than read
to the limit."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from euare.core.inputs import (
    MAX_FILE_BYTES,
    MAX_LARGE_BYTES,
    MAX_SNAPSHOT_BYTES,
    LoaderError,
    check_file,
    read_named,
    read_stream,
    read_text,
)


class Endless(io.StringIO):
    """Standard input that never ends (``cat /dev/zero |``), counting what was asked of it."""

    def __init__(self, char: str) -> None:
        super().__init__()
        self.char, self.given = char, 0

    def read(self, size: int | None = -1) -> str:
        assert size is not None and size > 0, "read without a limit"
        self.given += size
        return self.char * size


def test_the_limits_grow_with_what_a_file_holds() -> None:
    assert MAX_FILE_BYTES == 1024 * 1024
    assert MAX_FILE_BYTES < MAX_LARGE_BYTES < MAX_SNAPSHOT_BYTES
    assert MAX_LARGE_BYTES >= 10_000_000  # IAM takes 10,000,000 characters of SAML metadata


def test_a_file_is_read_up_to_its_limit_and_no_further(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("x" * 100)
    assert read_text(path, "thing", limit=100) == "x" * 100
    with pytest.raises(LoaderError) as caught:
        read_text(path, "thing", limit=99)
    assert caught.value.message == f"thing {path} is larger than 99 bytes"


def test_a_file_that_grows_while_read_is_still_cut_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose size says one thing and whose reads another (/proc files say 0) is
    bounded by what is read."""
    path = tmp_path / "f"
    path.write_text("y" * (MAX_FILE_BYTES + 10))
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        return os.stat_result((*found[:6], 0, *found[7:]))

    monkeypatch.setattr(os, "fstat", small)
    with pytest.raises(LoaderError, match="is larger than 1 MiB"):
        read_text(path, "thing")


@pytest.mark.parametrize("char", ["\x00", "x"])
def test_endless_standard_input_is_refused_reading_at_most_one_chunk_more_than_the_limit(
    char: str,
) -> None:
    stream = Endless(char)
    with pytest.raises(LoaderError) as caught:
        read_stream(stream, "snapshot", MAX_SNAPSHOT_BYTES if char == "\x00" else 3000)
    if char == "\x00":  # refused at the first chunk, not after 256 MiB
        assert "not text (it contains NUL bytes)" in caught.value.message
        assert stream.given <= 1024 * 1024
    else:
        assert caught.value.message == (
            "the snapshot read from standard input is longer than 3000 characters"
        )
        assert stream.given == 3001


def test_standard_input_that_is_not_utf8_is_one_loader_error() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"\xff\xfe{}"), encoding="utf-8", errors="strict")
    with pytest.raises(LoaderError, match="standard input is not UTF-8 text"):
        read_stream(stream, "policy document")


def test_read_named_says_where_the_text_came_from(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{}")
    assert read_named(str(path), "policy document", None) == ("{}", f"policy document {path}")
    stdin = io.StringIO("[]")
    assert read_named("-", "snapshot", stdin) == ("[]", "the snapshot read from standard input")


def test_read_named_without_standard_input_reads_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("pem")
    assert read_named("-", "certificate file", None) == ("pem", "certificate file -")


def test_check_file_refuses_as_read_text_does(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big"
    with open(big, "wb") as handle:
        handle.truncate(11)
    check_file(tmp_path / "missing", "AWS config file", 10)  # left to the library
    check_file(tmp_path, "CA bundle", 10, directory_ok=True)
    for path, says in (
        (fifo, "is a pipe (FIFO), not a regular file"),
        (Path("/dev/zero"), "is a device, not a regular file"),
        (tmp_path, "is a directory, not a regular file"),
        (big, "is larger than 10 bytes"),
    ):
        with pytest.raises(LoaderError) as caught:
            check_file(path, "AWS config file", 10)
        assert caught.value.message == f"AWS config file {path} {says}"
    with pytest.raises(LoaderError, match=r"cannot read CA bundle .*No such file"):
        check_file(tmp_path / "missing", "CA bundle", 10, missing_ok=False)
