"""Every reader is bounded: each option or argument that names a file, and each file named by
the environment or looked for at home, refuses a FIFO with no writer, /dev/zero, /dev/urandom,
a file larger than its limit and a directory, in one line, at once (never waited on, never read
until memory runs out), before anything is sent; standard input given as ``-`` is refused at
the first NUL byte of ``cat /dev/zero |``.

The table of readers is checked against the verb table: every parameter whose type reads a file
(infile.file_reader) must be in it, so a new reader cannot be left out.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest

from euare.cli.infile import file_reader
from euare.cli.table import VERBS
from euare.cli.verb import command
from euare.core.inputs import MAX_SNAPSHOT_BYTES
from euare.sandbox.command import sandbox
from tests.conftest import BIN, OUTPUTS, Home, Result, one_error_line

BAD, GOOD, DIR, ORG = "{bad}", "{good}", "{dir}", "{org}"

# (program, parameter, arguments): one use of each reader, BAD where the file goes.
READERS: list[tuple[str, str, list[str]]] = [
    ("useruploadpolicy", "policy_document", ["u", "-p", "p", "-f", BAD]),
    ("groupuploadpolicy", "policy_document", ["g", "-p", "p", "-f", BAD]),
    ("roleuploadpolicy", "policy_document", ["r", "-p", "p", "-f", BAD]),
    ("policycreate", "policy_document", ["p", "-f", BAD]),
    ("policycreateversion", "policy_document", ["p", "-f", BAD]),
    ("policysimulate", "documents", ["-f", BAD, "-a", "s3:GetObject"]),
    ("rolecreate", "trust_policy", ["r", "-f", BAD]),
    ("roleupdateassumepolicy", "trust_policy", ["r", "-f", BAD]),
    ("assumerole", "policy_document", ["r", "--policy-document", BAD]),
    ("useraddcert", "certificate_file", ["u", "-f", BAD]),
    ("useraddsshkey", "public_key_file", ["u", "-f", BAD]),
    ("samlprovidercreate", "metadata_file", ["s", "-f", BAD]),
    ("samlprovidermod", "metadata_file", ["s", "-f", BAD]),
    (
        "servercertupload",
        "certificate_file",
        ["s", "--certificate-file", BAD, "--private-key", "k"],
    ),
    ("servercertupload", "private_key_file", ["s", "-c", "c", "--private-key-file", BAD]),
    (
        "servercertupload",
        "certificate_chain_file",
        ["s", "-c", "c", "--private-key", "k", "--certificate-chain-file", BAD],
    ),
    ("userrotatekey", "credential_file", ["--credential-file", BAD]),
    ("policylint", "files", [GOOD.replace("good", "lintable"), BAD]),
    ("accountdiff", "old", [BAD, GOOD]),
    ("accountdiff", "new", [GOOD, BAD]),
    ("accountapply", "desired", [BAD, "--dry-run"]),
    ("accountsnapshot", "source", ["--from", BAD]),
    ("sandbox", "load", ["--load", BAD, DIR, "--", "true"]),
    ("accountsnapshot", "accounts_file", ["--org", "--accounts", BAD]),
    ("accountauditkeys", "accounts_file", ["--org", "--accounts", BAD]),
    ("accountcredentialreport", "accounts_file", ["--org", "--accounts", BAD]),
    ("accountdiff", "accounts_file", ["--org", "--accounts", BAD, "--live", ORG]),
    ("accountapply", "accounts_file", ["--org", "--accounts", BAD, ORG, "--dry-run"]),
    ("policylint", "accounts_file", ["--org", "--accounts", BAD, ORG]),
]
# Options that name a file euare writes, not reads (files.py's concern); some may not exist in
# this tree (--iamrc-out).
WRITERS = {
    ("accountsnapshot", "output"),
    ("mfacreate", "seed_out"),
    ("mfacreate", "qr_out"),
    ("usercreatecert", "out"),
    ("usercreatecert", "keyout"),
    ("useraddkey", "iamrc_out"),
    ("usercreate", "iamrc_out"),
    ("sandbox", "directory"),  # where the sandbox writes its iamrc and eucarc
}
# Where 1 means "they differ" or "findings", a file that cannot be read is 2 (as any usage
# error); elsewhere it is 1, a file that cannot be used (README, "Exit status").
STATUS = {
    "accountdiff": 2,
    "policylint": 2,
    "sandbox": 2,
    "accountapply": 2,  # refused before anything is sent (its 1: a step failed)
    "accountsnapshot": 2,  # --from: a snapshot that cannot be read, as accountdiff's
    # --org's --accounts FILE: the accounts to work in, a usage error when it cannot be read
    ("accountauditkeys", "accounts_file"): 2,
    ("accountcredentialreport", "accounts_file"): 2,
}


def status_of(program: str, param: str) -> int:
    return STATUS.get((program, param), STATUS.get(program, 1))


def programs() -> dict[str, click.Command]:
    return {**{verb: command(verb) for verb in VERBS}, "sandbox": sandbox}


def test_the_table_holds_every_reader_and_every_file_option_is_one() -> None:
    readers = {
        (name, p.name)
        for name, cmd in programs().items()
        for p in cmd.params
        if file_reader(p.type)
    }
    assert readers == {(name, param) for name, param, _ in READERS}
    named_files = {
        (name, p.name)
        for name, cmd in programs().items()
        for p in cmd.params
        if isinstance(p.type, (click.Path, click.File))
        or re.search(r"\b(FILE|SNAPSHOT)\b", str(p.metavar or ""))
    }
    assert named_files - readers <= WRITERS  # a reader left out of the table would be here


def bad_file(kind: str, tmp: Path) -> str:
    """A FIFO with no writer, a device, a file larger than any reader takes (sparse: it costs
    no disk), or a directory."""
    if kind == "fifo":
        os.mkfifo(tmp / "fifo")
        return str(tmp / "fifo")
    if kind == "oversized":
        with open(tmp / "big", "wb") as big:
            big.truncate(MAX_SNAPSHOT_BYTES + 1)
        return str(tmp / "big")
    if kind == "directory":
        (tmp / "dir").mkdir()
        return str(tmp / "dir")
    return f"/dev/{kind}"


KINDS = ["fifo", "zero", "urandom", "oversized", "directory"]
SAYS = {
    "fifo": "is a pipe (FIFO), not a regular file",
    "zero": "is a device, not a regular file",
    "urandom": "is a device, not a regular file",
    "oversized": "is larger than",
    "directory": "is a directory, not a regular file",
}


def fill(args: list[str], tmp: Path, bad: str) -> list[str]:
    good = tmp / "good.json"
    good.write_text('{"Format": "euare-snapshot/1"}\n')
    (tmp / "lintable.json").write_text('{"Statement": []}\n')
    (tmp / "org").mkdir(exist_ok=True)  # a directory of --org snapshots (of no account yet)
    lintable, sandbox, org = tmp / "lintable.json", tmp / "sb", tmp / "org"
    return [a.format(bad=bad, good=good, lintable=lintable, dir=sandbox, org=org) for a in args]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("program", "param", "args"), READERS, ids=[f"{r[0]}-{r[1]}" for r in READERS]
)
def test_every_reader_refuses_what_is_no_file_at_once(
    proxied_home: Home,
    proxy: Any,
    tmp_path: Path,
    program: str,
    param: str,
    args: list[str],
    kind: str,
) -> None:
    bad = bad_file(kind, tmp_path)
    result = proxied_home.run(program, *fill(args, tmp_path, bad), timeout=30)
    line = one_error_line(result, program, status_of(program, param))
    assert f" {bad} {SAYS[kind]}" in line, line
    assert result.stdout == ""
    assert proxy.actions == []
    assert not (tmp_path / "sb").exists()  # the sandbox started nothing


def stdin_readers() -> list[tuple[str, str, list[str]]]:
    """The readers for which ``-`` is standard input."""
    found = []
    for program, param, args in READERS:
        (declared,) = [p for p in programs()[program].params if p.name == param]
        if getattr(declared.type, "stdin", False):
            found.append((program, param, [("-" if a == BAD else a) for a in args]))
    return found


@pytest.mark.parametrize("device", ["zero", "urandom"])
@pytest.mark.parametrize(
    ("program", "param", "args"), stdin_readers(), ids=[f"{r[0]}-{r[1]}" for r in stdin_readers()]
)
def test_standard_input_as_a_device_is_refused_at_once(
    proxied_home: Home,
    proxy: Any,
    tmp_path: Path,
    program: str,
    param: str,
    args: list[str],
    device: str,
) -> None:
    """``cat /dev/zero | euare-... -``: refused at the first NUL (or byte that is not UTF-8),
    not read until the limit, nor until memory runs out."""
    argv = [str(BIN / f"euare-{program}"), *fill(args, tmp_path, "-")]
    with open(f"/dev/{device}", "rb") as source:
        done = subprocess.run(
            argv, stdin=source, capture_output=True, text=True, env=proxied_home.env, timeout=30
        )
    OUTPUTS.append((argv, done.stdout, done.stderr))
    line = one_error_line(
        Result(done.returncode, done.stdout, done.stderr), program, status_of(program, param)
    )
    assert re.search(r"read from standard input is not (UTF-8 )?text", line), line
    assert proxy.actions == []


# --- files the environment names, or that are looked for at home ----------------------------------

ROLE = "arn:aws:iam::123456789012:role/r"
# Where the bad file goes: a name in the environment, a file at home (a symbolic link to it),
# or a setting in a file; "bare" homes have no credentials of euare's own, so that boto3's
# chain is asked. A CA bundle may be a directory of certificates.
ENVIRONMENT = {
    "~/.iamrc": {"link": ".iamrc"},
    "AWS_CREDENTIAL_FILE": {"env": "AWS_CREDENTIAL_FILE"},
    "~/.eucarc": {"link": ".eucarc"},
    "AWS_CREDENTIAL_FILE in ~/.eucarc": {"eucarc": "AWS_CREDENTIAL_FILE"},
    "AWS_CA_BUNDLE": {"env": "AWS_CA_BUNDLE", "directory_ok": True},
    "AWS_CONFIG_FILE": {"env": "AWS_CONFIG_FILE"},
    "ca_bundle in AWS_CONFIG_FILE": {"config": "ca_bundle", "directory_ok": True},
    "AWS_SHARED_CREDENTIALS_FILE": {"env": "AWS_SHARED_CREDENTIALS_FILE", "bare": True},
    "AWS_WEB_IDENTITY_TOKEN_FILE": {
        "env": "AWS_WEB_IDENTITY_TOKEN_FILE",
        "bare": True,
        "more": {"AWS_ROLE_ARN": ROLE},
    },
    "BOTO_CONFIG": {"env": "BOTO_CONFIG", "bare": True},
}


def place(home: Home, where: dict[str, Any], bad: str) -> dict[str, str]:
    """Put ``bad`` where ``where`` says; the environment for the run."""
    env: dict[str, str] = dict(where.get("more", {}))
    url = home.url
    if where.get("bare") or "eucarc" in where:
        (home.path / ".iamrc").unlink()
    if "env" in where:
        env[where["env"]] = bad
    elif "link" in where:
        (home.path / where["link"]).unlink()
        (home.path / where["link"]).symlink_to(bad)
    elif "eucarc" in where:
        home.write(".eucarc", f"export {where['eucarc']}={bad}\nexport EUARE_URL={url}\n")
    elif "config" in where:
        config = home.write("aws-config", f"[default]\n{where['config']} = {bad}\n")
        env["AWS_CONFIG_FILE"] = str(config)
    return env


# (a CA bundle that is a directory of certificates is used: test_tls.py)
PLACES = [
    (where, kind)
    for where in sorted(ENVIRONMENT)
    for kind in KINDS
    if not (kind == "directory" and ENVIRONMENT[where].get("directory_ok"))
]


@pytest.mark.parametrize(("where", "kind"), PLACES)
def test_every_file_the_environment_names_refuses_what_is_no_file_at_once(
    proxied_home: Home, proxy: Any, tmp_path: Path, where: str, kind: str
) -> None:
    bad = bad_file(kind, tmp_path)
    env = place(proxied_home, ENVIRONMENT[where], bad)
    result = proxied_home.run("userlistbypath", env=env, timeout=30)
    line = one_error_line(result, "userlistbypath")
    given = proxied_home.path / ENVIRONMENT[where]["link"] if "link" in ENVIRONMENT[where] else bad
    assert f" {given}" in line and SAYS[kind] in line, line
    assert proxy.actions == []
