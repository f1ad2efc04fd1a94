"""files.write_output, the one writer: what each kind of path becomes (never a regular file in
place of something that is not one), and the clean-up of temporaries a killed run left."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from euare.core import files
from euare.core.files import Dash, Exists, Refused, remove_stale, write_output
from euare.core.tempfiles import STALE_AFTER


def kind(path: Path) -> str:
    mode = os.lstat(path).st_mode
    for test, name in ((stat.S_ISLNK, "link"), (stat.S_ISCHR, "chr"), (stat.S_ISFIFO, "fifo")):
        if test(mode):
            return name
    return "file" if stat.S_ISREG(mode) else "other"


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_device_is_written_through_and_stays_a_device() -> None:
    for replace in (False, True):
        assert write_output(Path("/dev/null"), b"secret", replace=replace) == Path("/dev/null")
    assert kind(Path("/dev/null")) == "chr"


def test_a_link_is_followed_to_its_target_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_text("old")
    real.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to("real")
    to_null = tmp_path / "null"
    to_null.symlink_to("/dev/null")
    write_output(link, "new", replace=True)
    write_output(to_null, "new", replace=True)
    assert (kind(link), kind(to_null), kind(Path("/dev/null"))) == ("link", "link", "chr")
    assert (real.read_text(), stat.S_IMODE(real.stat().st_mode)) == ("new", 0o600)
    assert names(tmp_path) == ["link", "null", "real"]
    with pytest.raises(Exists):  # a file there, through the link: not without replace
        write_output(link, "newer", replace=False)


def test_a_fifo_without_a_reader_is_refused_at_once_and_one_with_a_reader_is_written(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(Refused, match="no one is reading"):
        write_output(fifo, "x", replace=True)
    assert time.monotonic() - started < 5
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    deadline = time.monotonic() + 10
    while True:  # until the reader has opened its end
        try:
            write_output(fifo, "through the pipe", replace=False)
            break
        except Refused:
            assert time.monotonic() < deadline, "the reader never opened the FIFO"
            time.sleep(0.02)
    reader.join(10)
    assert got == [b"through the pipe"] and kind(fifo) == "fifo"


def test_standard_output_as_dev_stdout_is_written_to_descriptor_1(
    capfd: pytest.CaptureFixture[str],
) -> None:
    write_output(Path("/dev/stdout"), "on stdout\n", replace=False)
    assert capfd.readouterr().out == "on stdout\n"


def test_dev_fd_names_the_descriptor_itself(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        write_output(Path(f"/dev/fd/{write_end}"), "via /dev/fd", replace=False)
        assert os.read(read_end, 100) == b"via /dev/fd"
        with pytest.raises(Refused, match="reading only"):
            write_output(Path(f"/dev/fd/{read_end}"), "x", replace=True)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_what_cannot_be_written_is_refused_in_words(tmp_path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    try:
        for path, why in (
            (Path("-"), "standard output"),
            (tmp_path, "is a directory"),
            (tmp_path / "sock", "is a socket"),
            (tmp_path / "no" / "file", "no directory"),
        ):
            with pytest.raises(Refused, match=why) as refused:
                write_output(path, "x", replace=True)
            assert "\n" not in str(refused.value)
        assert isinstance(refused.value, OSError)  # what callers already catch
    finally:
        sock.close()
    with pytest.raises(Dash):
        files.target(Path("-"), replace=True)
    assert names(tmp_path) == ["sock"]


def test_rewrite_writes_only_a_regular_file(tmp_path: Path) -> None:
    link = tmp_path / "iamrc"
    link.symlink_to("/dev/null")
    with pytest.raises(Refused, match="not a regular file"):
        files.rewrite(link, "AWSAccessKeyId=x\n")
    assert kind(link) == "link" and kind(Path("/dev/null")) == "chr"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a link of another user's needs root")
def test_another_users_link_in_a_sticky_shared_directory_is_not_followed(tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    os.chown(shared, 0, 0)
    planted = shared / "out"
    planted.symlink_to(tmp_path / "victim")
    os.lchown(planted, 4242, 4242)
    with pytest.raises(Refused, match="another user's symbolic link"):
        write_output(planted, "secret", replace=True)
    assert not (tmp_path / "victim").exists()


# --- temporaries left by a killed run ------------------------------------------------------------

STAGE_AND_WAIT = (
    "import sys, time; from pathlib import Path; from euare.core.files import stage\n"
    "stage(Path(sys.argv[1]), 'a private key')\n"
    "print('staged', flush=True); time.sleep(60)\n"
)


def staging_run(target: Path) -> subprocess.Popen[str]:
    """A process that has staged ``target``'s new content and waits before renaming it."""
    run = subprocess.Popen(
        [sys.executable, "-c", STAGE_AND_WAIT, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None and run.stdout.readline() == "staged\n"
    return run


def temporaries(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def age(path: Path, seconds: float = STALE_AFTER + 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_temporary_name_says_it_is_euares(tmp_path: Path) -> None:
    run = staging_run(tmp_path / "key.pem")
    try:
        [temporary] = temporaries(tmp_path)
        assert temporary.name.startswith(".key.pem.euare-") and temporary.name.endswith(".tmp")
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o600
    finally:
        run.kill()
        run.wait()


def test_a_killed_runs_temporary_is_removed_by_the_next_write(tmp_path: Path) -> None:
    run = staging_run(tmp_path / "key.pem")
    run.send_signal(signal.SIGKILL)
    run.wait()
    [left] = temporaries(tmp_path)
    assert left.read_text() == "a private key"
    write_output(tmp_path / "other", "x", replace=False)
    assert left.exists(), "a young temporary is kept: its writer may be about to rename it"
    age(left)
    write_output(tmp_path / "other", "y", replace=True)
    assert names(tmp_path) == ["other"]


def test_a_live_runs_temporary_is_never_removed_however_old(tmp_path: Path) -> None:
    run = staging_run(tmp_path / "key.pem")
    try:
        [held] = temporaries(tmp_path)
        age(held)
        assert remove_stale(tmp_path) == []
        assert held.exists()
    finally:
        run.kill()
        run.wait()
    assert remove_stale(tmp_path) == [held.name]


def test_only_euares_own_temporaries_are_removed(tmp_path: Path) -> None:
    others = [".key.pem.abcdefgh.tmp", "key.pem.euare-abcdefgh.tmp", ".x.euare-abc.tmp"]
    for name in others:
        (tmp_path / name).write_text("not euare's")
        age(tmp_path / name)
    ours = tmp_path / ".key.pem.euare-abcd_123.tmp"
    ours.write_text("euare's")
    age(ours)
    if os.geteuid() == 0:
        theirs = tmp_path / ".key.pem.euare-zzzzzzzz.tmp"
        theirs.write_text("another user's")
        os.chown(theirs, 4242, 4242)
        age(theirs)
        others.append(theirs.name)
    assert remove_stale(tmp_path) == [ours.name]
    assert names(tmp_path) == sorted(others)


def test_a_directory_that_takes_no_new_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(os.access is made to say no: root may write anywhere.)"""
    kept = tmp_path / "kept"
    kept.write_text("old")
    monkeypatch.setattr(files.os, "access", lambda *args, **kwargs: False)
    for path in (kept, tmp_path / "new"):
        with pytest.raises(Refused, match=f"cannot create files in {tmp_path}$"):
            write_output(path, "x", replace=True)
    assert names(tmp_path) == ["kept"] and kept.read_text() == "old"
