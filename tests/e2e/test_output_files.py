"""Every output option of every verb against what a path can be: a device, a FIFO with no reader
and one with a reader, a symbolic link to a regular file and one to a device, ``-``, a directory
and /dev/stdout. Nothing that is not a regular file is ever replaced by one (docs/output.md,
Files euare writes; SECURITY.md promise 2).

The options are those whose type is euare.cli.outputs.OutputFile, collected from the verb table,
so that a new output option without a recipe here fails the first test."""

from __future__ import annotations

import os
import re
import select
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from euare.cli.outputs import OutputFile
from euare.cli.table import VERBS
from euare.cli.verb import command
from tests.conftest import BIN, OUTPUTS, Home, MotoServer, Result, one_error_line
from tests.support.rotation import Rotating

Setup = Callable[[Home, Any, MotoServer], list[str]]


def bob(home: Home, iam: Any, server: MotoServer) -> list[str]:
    iam.create_user(UserName="bob")
    return ["bob"]


def rotating(home: Home, iam: Any, server: MotoServer) -> list[str]:
    Rotating(home, iam, server)  # the user rot, its key in HOME/.iamrc, auth enforced
    return ["-u", "rot"]


@dataclass
class Recipe:
    """How to run an option: its verb's other arguments (after setting up what it needs), what
    the file must hold, and its mode as a regular file (None: the file's own, kept)."""

    setup: Setup
    holds: Callable[[bytes], bool]
    mode: int | None
    force: bool  # whether replacing a regular file takes --force
    rewrite: bool = False  # the file is read first, then rewritten: only a regular file will do


RECIPES: dict[tuple[str, str], Recipe] = {
    ("accountsnapshot", "--output"): Recipe(
        lambda h, i, s: [], lambda b: b'"Users"' in b, 0o600, force=False
    ),
    ("mfacreate", "--seed-out"): Recipe(
        lambda h, i, s: ["phone"],
        lambda b: re.search(rb"^[A-Z2-7]{16,}$", b, re.M) is not None,
        0o600,
        force=True,
    ),
    ("mfacreate", "--qr-out"): Recipe(lambda h, i, s: ["phone"], bool, 0o600, force=True),
    ("usercreatecert", "--out"): Recipe(
        bob, lambda b: b"BEGIN CERTIFICATE" in b, 0o644, force=True
    ),
    ("usercreatecert", "--keyout"): Recipe(
        bob, lambda b: b"BEGIN PRIVATE KEY" in b, 0o600, force=True
    ),
    ("usercreate", "--iamrc-out"): Recipe(
        lambda h, i, s: ["newbie"], lambda b: b"AWSSecretKey=" in b, 0o600, force=True
    ),
    ("useraddkey", "--iamrc-out"): Recipe(bob, lambda b: b"AWSSecretKey=" in b, 0o600, force=True),
    ("userrotatekey", "--credential-file"): Recipe(
        rotating, lambda b: b"AWSSecretKey=" in b, None, force=False, rewrite=True
    ),
}

CASES = [
    "device",
    "fifo-no-reader",
    "fifo-reader",
    pytest.param("link-to-file", marks=pytest.mark.both),  # a link the caller made
    "link-to-device",
    "dash",
    "directory",
    pytest.param("dev-stdout", marks=pytest.mark.both),  # the caller's own stdout
]


def output_options() -> set[tuple[str, str]]:
    """(verb, longest flag) of every option of type OutputFile, across the verb table."""
    return {
        (verb, max(p.opts, key=len))
        for verb in VERBS
        for p in command(verb).params
        if isinstance(p.type, OutputFile)
    }


def test_the_table_covers_every_output_option() -> None:
    assert output_options() == set(RECIPES)
    assert len(RECIPES) >= 6  # the collection itself works


class Reader:
    """A reader on a FIFO from now on (opened without waiting), collecting what arrives."""

    def __init__(self, fifo: Path) -> None:
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.data = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            select.select([self.fd], [], [], 0.05)
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                chunk = b""
            self.data += chunk
            if not chunk:
                if self.stop.is_set():
                    return
                time.sleep(0.02)

    def finish(self) -> bytes:
        self.stop.set()
        self.thread.join(10)
        os.close(self.fd)
        return bytes(self.data)


def run(home: Home, verb: str, args: list[str], cwd: Path) -> tuple[Result, bytes]:
    """``euare-VERB ARGS`` run in ``cwd``; its result, and its stdout as bytes (a QR code
    written to /dev/stdout is no text)."""
    done = subprocess.run(
        [str(BIN / f"euare-{verb}"), *args],
        capture_output=True,
        env=home.env,
        cwd=cwd,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    out, err = (done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    OUTPUTS.append(([verb, *args], out, err))  # for the check that no secret leaked
    return Result(done.returncode, out, err), done.stdout


def kind(path: Path) -> str:
    mode = os.lstat(path).st_mode
    for test, name in ((stat.S_ISLNK, "link"), (stat.S_ISCHR, "device"), (stat.S_ISFIFO, "fifo")):
        if test(mode):
            return name
    return "file" if stat.S_ISREG(mode) else "other"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("option", sorted(RECIPES), ids="{0[0]}{0[1]}".format)
def test_an_output_option_never_replaces_what_is_not_a_regular_file(
    home: Home,
    iam: Any,
    moto_server: MotoServer,
    tmp_path: Path,
    option: tuple[str, str],
    case: str,
) -> None:
    verb, flag = option
    recipe = RECIPES[option]
    args = recipe.setup(home, iam, moto_server)
    where = tmp_path / "out"
    where.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    extra: list[str] = []
    reader: Reader | None = None
    real = where / "real"
    if case == "device":
        given = "/dev/null"
    elif case.startswith("fifo"):
        given = str(where / "fifo")
        os.mkfifo(given)
        reader = Reader(Path(given)) if case == "fifo-reader" else None
    elif case == "link-to-file":
        if recipe.rewrite:
            (home.path / ".iamrc").rename(real)
            (home.path / ".iamrc").symlink_to(real)  # the key the command signs with, too
        else:
            real.write_text("old content\n")
            real.chmod(0o644)
            extra = ["--force"] if recipe.force else []
        given = str(where / "link")
        os.symlink(real, given)
    elif case == "link-to-device":
        given = str(where / "link")
        os.symlink("/dev/null", given)
    elif case == "dash":
        given = "-"
    elif case == "directory":
        given = str(where)
    else:
        given = "/dev/stdout"

    done, stdout = run(home, verb, [*args, flag, given, *extra], cwd)
    received = reader.finish() if reader is not None else b""

    assert kind(Path("/dev/null")) == "device"
    assert list(cwd.iterdir()) == [], "nothing is written where the command runs"
    if case.startswith("fifo"):
        assert kind(Path(given)) == "fifo"
    if case.startswith("link"):
        assert kind(Path(given)) == "link" and os.readlink(given) in (str(real), "/dev/null")
    leftovers = [p.name for p in where.iterdir() if p.name.endswith((".tmp", ".lock"))]
    assert leftovers == []

    if case == "dash":
        assert f"{flag} -: standard output is not a file" in one_error_line(done, verb, 2)
        return
    if recipe.rewrite and case != "link-to-file":
        # read before it is written: only a regular file is rotated, refused as any reader does
        line = one_error_line(done, verb, 1)
        assert "not a regular file" in line and "credential file" in line
        return
    if case == "fifo-no-reader":
        assert "no one is reading" in one_error_line(done, verb, 2)
        return
    if case == "directory":
        assert f"{flag} {given} is a directory" in one_error_line(done, verb, 2)
        return
    assert done.returncode == 0, done.stderr
    if case == "fifo-reader":
        assert recipe.holds(received), received[:200]
    elif case == "dev-stdout":
        assert recipe.holds(stdout), stdout[:200]
    elif case == "link-to-file":
        assert recipe.holds(real.read_bytes())
        if recipe.mode is not None:
            assert stat.S_IMODE(real.stat().st_mode) == recipe.mode
        assert sorted(p.name for p in where.iterdir()) == sorted(
            ["link", "real", *(["real.previous"] if recipe.rewrite else [])]
        )


@pytest.mark.both
def test_a_file_really_named_dash_is_dot_slash_dash(home: Home, tmp_path: Path) -> None:
    done = home.run("accountsnapshot", "-o", "./-", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert b'"Users"' in (tmp_path / "-").read_bytes()


@pytest.mark.both
def test_a_key_staged_by_a_run_killed_with_9_is_removed_by_the_next_run(
    proxied_home: Home, proxy: Any, iam: Any, tmp_path: Path
) -> None:
    """usercreatecert stages the private key before the upload and renames it after: killed
    with -9 in between, it leaves the temporary (named as euare's), which the next write in
    that directory removes once it is stale. The killed run is kept out of the warm worker,
    whose child a SIGKILL of the front would not stop."""
    iam.create_user(UserName="bob")
    where = tmp_path / "keys"
    where.mkdir()
    arrived, release = threading.Event(), threading.Event()

    def hold_the_upload(form: Any, status: int, body: bytes) -> tuple[int, bytes]:
        arrived.set()
        release.wait(30)
        return status, body

    proxy.rewrites["UploadSigningCertificate"] = hold_the_upload
    run = proxied_home.spawn(
        "usercreatecert", "bob", "--keyout", str(where / "key.pem"), env={"EUARE_WORKER": "0"}
    )
    try:
        assert arrived.wait(30), "the upload never came"
        [left] = list(where.iterdir())
        assert re.fullmatch(r"\.key\.pem\.euare-[a-z0-9_]{8}\.tmp", left.name)
        run.kill()
        run.communicate(timeout=30)
    finally:
        release.set()
    assert b"PRIVATE KEY" in left.read_bytes() and stat.S_IMODE(left.stat().st_mode) == 0o600
    del proxy.rewrites["UploadSigningCertificate"]
    fresh = proxied_home.run("usercreatecert", "bob", "--keyout", str(where / "again.pem"))
    assert fresh.returncode == 0, fresh.stderr
    assert left.exists(), "a temporary younger than 5 minutes may be a live run's: kept"
    then = time.time() - 600
    os.utime(left, (then, then))
    done = proxied_home.run("accountsnapshot", "-o", str(where / "snap.json"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in where.iterdir()) == ["again.pem", "snap.json"]
