"""euare-sandbox, and the README's demo: the walkthrough against a sandbox started on the spot."""

from __future__ import annotations

import http.client
import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, MotoServer

ROOT = Path(__file__).resolve().parents[2]


def sandbox(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    return subprocess.run(
        [str(BIN / "euare-sandbox"), str(tmp_path / "sb"), "--enforce-auth", "--", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    tmp_path = tmp_path_factory.mktemp("walkthrough")
    return sandbox(tmp_path, "bash", str(ROOT / "examples" / "getting-started.sh"))


def test_walkthrough_runs_against_the_sandbox(
    walkthrough: subprocess.CompletedProcess[str],
) -> None:
    done = walkthrough
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().endswith("All steps succeeded.")
    assert "(denied, as it should be)" in done.stdout
    # the account snapshot of step 0, compared with the account in step 10, then in step 13
    changed, untouched = done.stdout.split("### 10. ")[1], done.stdout.split("### 13. ")[1]
    assert "+ user alice\n+ user backup-script\n+ group administrators" in changed
    assert untouched.splitlines()[1:] == ["", "All steps succeeded."]
    # step 12 put it back with accountapply --prune, its plan printed first
    back = done.stdout.split("### 12. ")[1].split("### 13. ")[0]
    assert "\neuare-userdel -r alice\neuare-groupdel administrators\n" in back
    assert "euare-accountapply: done: delete user alice" in done.stderr
    assert "Traceback" not in done.stderr


def test_walkthrough_echoes_commands_that_paste_back_as_they_ran(
    walkthrough: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    """Each echoed `$ ...` line, pasted into bash in a directory with files in it (so that an
    unquoted * would glob), gives the words the line shows, which are the words that ran."""
    (tmp_path / "a-file").write_text("")
    lines = [line[2:] for line in walkthrough.stderr.splitlines() if line.startswith("$ euare-")]
    assert any("'*'" in line for line in lines), walkthrough.stderr
    for line in lines:
        pasted = subprocess.run(
            ["bash", "-c", f"set -- {line}; printf '%s\\0' \"$@\""],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        assert pasted.stdout.split("\0")[:-1] == shlex.split(line), line


def test_sandbox_writes_private_config_that_works(tmp_path: Path) -> None:
    done = sandbox(tmp_path, "sh", "-c", "euare-usergetattributes && env")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(":user/sandbox-admin")
    for name in ("iamrc", "eucarc"):
        assert stat.S_IMODE(os.stat(tmp_path / "sb" / name).st_mode) == 0o600
    iamrc = (tmp_path / "sb" / "iamrc").read_text()
    assert iamrc.startswith("AWSAccessKeyId=") and "\nAWSSecretKey=" in iamrc


def test_sandbox_enforces_auth(tmp_path: Path) -> None:
    done = sandbox(
        tmp_path,
        "sh",
        "-c",
        "AWS_CREDENTIAL_FILE=/dev/null AWS_ACCESS_KEY_ID=AKIAUNKNOWN0000000000 "
        "AWS_SECRET_ACCESS_KEY=nope euare-userlistbypath",
    )
    assert done.returncode == 1
    assert "(InvalidClientTokenId)" in done.stderr


def test_sandbox_answers_missing_apis_so_userdel_p_works(tmp_path: Path) -> None:
    done = sandbox(tmp_path, "sh", "-c", "AWS_MAX_ATTEMPTS=1 euare-userdel -p sandbox-admin")
    assert done.returncode == 0, done.stderr
    assert "servicecredentials" in done.stdout


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN / "euare-sandbox"), str(tmp_path / "sb"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert (
        done.stderr == f"euare-sandbox: error: cannot listen on 127.0.0.1:{port}: "
        "Address already in use\n"
    )


HOSTILE_DIR = "d $(touch X) it's"


def test_the_eucarc_of_a_hostile_directory_sources_safely(tmp_path: Path) -> None:
    """Issue 19.6: `euare-sandbox 'd $(touch X)' -- true`, then `source d*/eucarc` runs no
    command, and the variables hold the directory's exact path (a space and a quote too)."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [str(BIN / "euare-sandbox"), HOSTILE_DIR, "--", "true"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, ""), done
    for shell in ("bash", "sh"):
        sourced = subprocess.run(
            [shell, "-c", '. ./d*/eucarc && printf "%s\\n" "$AWS_CREDENTIAL_FILE" "$EUARE_URL"'],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert sourced.stderr == "" and sourced.returncode == 0, sourced
        path, url = sourced.stdout.splitlines()
        assert path == str((tmp_path / HOSTILE_DIR / "iamrc").resolve())
        assert url.startswith("http://127.0.0.1:")
    assert sorted(p.name for p in tmp_path.iterdir()) == [HOSTILE_DIR], "a command ran"


def test_the_printed_source_line_runs_only_the_source(tmp_path: Path) -> None:
    """The `source DIR/eucarc` line the running sandbox prints, pasted into a shell, sources
    that file and runs nothing else."""
    import signal

    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    running = subprocess.Popen(
        [str(BIN / "euare-sandbox"), HOSTILE_DIR],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert running.stdout is not None
        line = running.stdout.readline()
    finally:
        running.send_signal(signal.SIGTERM)
        running.communicate(timeout=60)
    assert line.startswith("source ") and line.count("\n") == 1
    elsewhere = tmp_path / "elsewhere"  # the line names the file by its absolute path
    elsewhere.mkdir()
    pasted = subprocess.run(
        ["bash", "-c", line + 'printf "%s\\n" "$AWS_CREDENTIAL_FILE"'],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert pasted.stderr == "" and pasted.returncode == 0, pasted
    assert pasted.stdout == f"{(tmp_path / HOSTILE_DIR / 'iamrc').resolve()}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [HOSTILE_DIR, "elsewhere"]
    assert list(elsewhere.iterdir()) == []


def test_the_endpoint_keeps_a_connection_open_between_requests(moto_server: MotoServer) -> None:
    """As IAM's endpoints do, so a client's pool sends request after request on one connection
    (werkzeug's server, used before, closed every one: a connect and a thread a request)."""
    connection = http.client.HTTPConnection("127.0.0.1", moto_server.port, timeout=30)
    body = "Action=ListUsers&Version=2010-05-08"
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    sockets = []
    try:
        for _ in range(3):
            connection.request("POST", "/", body, headers)
            answer = connection.getresponse()
            assert answer.status == 200 and b"<ListUsersResult>" in answer.read()
            assert answer.getheader("Connection") is None
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert sockets[0] is not None and sockets.count(sockets[0]) == 3
