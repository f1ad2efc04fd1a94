"""What ``--org`` writes (docs/output.md, "Many accounts: --org"), for each of the six verbs
that take it and in every format: each text line starts with its account's ID (with ``-v``,
its ID and name), JSON is one list whose every record has ``Account`` and ``AccountName`` first,
JSONL a record a line, a table an ``Account`` column first, and ``--query`` looks at every
account's records together. Also the progress line (on a terminal only, and on stderr only),
``--org-jobs`` bounding how many accounts are worked in at once, and an account whose reads are
denied once it is entered (an SCP) named in one line while the others finish.

An organization of the management account and three members in the sandbox
(tests/support/org.py), made once for the module on a server of its own, with IAM and STS
through a proxy (tests/support/proxy.py). Every member holds a user with a key; two of them
(``changed``) also hold a policy that policylint flags, and held a group, ``drifted``, when
``old`` was taken and no longer when ``new`` was: so accountdiff, accountapply --dry-run and
policylint report those two, accountauditkeys and accountcredentialreport the three members.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from euare.cli.verb import command
from tests.conftest import (
    ADMIN_KEY,
    ADMIN_SECRET,
    BIN,
    OUTPUTS,
    Home,
    MotoServer,
    Result,
    start_moto,
)
from tests.support import passes
from tests.support.org import make_organization, member_client, org_home
from tests.support.proxy import Fault, Proxy, iam_error

MEMBERS = 3
TYPO = json.dumps(  # policylint: warning UNKNOWN_ACTION, at the default --fail-on
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}],
    }
)
SCP = "with an explicit deny in a service control policy"


@dataclass
class Organization:
    server: MotoServer
    proxy: Proxy
    names: dict[str, str]  # ID: name, of every account (the management account's included)
    members: list[str]
    changed: list[str]  # the members whose snapshots differ, and whose policy lint flags
    old: Path
    new: Path

    def which(self, who: str) -> set[str]:
        found = {"all": self.names, "members": self.members, "changed": self.changed}
        return set(found[who])


@dataclass(frozen=True)
class Case:
    """A verb's natural --org run: its arguments, the exit status, which accounts print lines
    (text, table) and which give records (JSON), and its arguments when it must enter every
    account (accountdiff --live, policylint of snapshots taken now)."""

    args: Callable[[Organization], list[str]]
    status: int
    lines: str  # "all", "members" or "changed"
    records: str
    entering: Callable[[Organization], list[str]] | None = None

    def entered(self, org: Organization) -> list[str]:
        return (self.entering or self.args)(org)


CASES = {
    "accountsnapshot": Case(lambda o: ["--org"], 0, "all", "all"),
    "accountdiff": Case(
        lambda o: ["--org", str(o.old), str(o.new)],
        1,
        "changed",
        "all",  # an account that did not change is a record too ("Equal": true)
        lambda o: ["--org", "--live", str(o.old)],
    ),
    "accountapply": Case(lambda o: ["--org", "--dry-run", str(o.old)], 1, "changed", "changed"),
    "accountauditkeys": Case(lambda o: ["--org"], 1, "members", "members"),  # every key listed
    "accountcredentialreport": Case(lambda o: ["--org"], 0, "members", "members"),
    "policylint": Case(
        lambda o: ["--org", str(o.new)], 1, "changed", "changed", lambda o: ["--org"]
    ),
}
VERBOSE = sorted(v for v in CASES if any(p.name == "verbose" for p in command(v).params))


@pytest.fixture(scope="module")
def organization(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Organization]:
    server = start_moto()
    proxy = Proxy(server.url)
    try:
        listed = make_organization(server.url, MEMBERS, ADMIN_KEY, ADMIN_SECRET)
        names = {a["Id"]: a["Name"] for a in listed}
        members = sorted(a for a, name in names.items() if name.startswith("acct-"))
        changed = members[:2]
        clients = {a: member_client(server.url, a, ADMIN_KEY, ADMIN_SECRET) for a in members}
        for number, account in enumerate(members):
            iam = clients[account]
            iam.create_user(UserName=f"user-{number}")
            iam.create_access_key(UserName=f"user-{number}")
            if account in changed:
                iam.create_group(GroupName="drifted")
                iam.create_policy(PolicyName="typo", PolicyDocument=TYPO)
        base = tmp_path_factory.mktemp("org-output")
        made = Organization(server, proxy, names, members, changed, base / "old", base / "new")
        home = make_home(base, made)
        snapshot(home, made.old)
        for account in changed:
            clients[account].delete_group(GroupName="drifted")
        snapshot(home, made.new)
        yield made
    finally:
        proxy.stop()
        server.stop()


def make_home(base: Path, org: Organization) -> Home:
    return org_home(base, org.proxy.url, org.server.url)  # IAM and STS through the proxy


def snapshot(home: Home, directory: Path) -> None:
    done = home.run("accountsnapshot", "--org", "-o", str(directory))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done


@pytest.fixture
def org(organization: Organization) -> Iterator[Organization]:
    organization.proxy.settle()
    yield organization
    organization.proxy.settle()


@pytest.fixture
def home(tmp_path: Path, org: Organization) -> Home:
    return make_home(tmp_path, org)


def run(home: Home, org: Organization, verb: str, *args: str) -> Result:
    return home.run(verb, *CASES[verb].args(org), *args)


def succeeded(done: Result, verb: str) -> None:
    """The verb's documented exit status, and nothing on stderr (stdout holds the results)."""
    assert (done.returncode, done.stderr) == (CASES[verb].status, ""), done


def prefixes(stdout: str) -> set[str]:
    return {line.split(" ", 1)[0] for line in stdout.splitlines()}


def tagged(records: list[Any], org: Organization) -> set[str]:
    """The accounts of ``records``, each checked to begin with its Account and AccountName."""
    for record in records:
        assert isinstance(record, dict) and list(record)[:2] == ["Account", "AccountName"]
        assert record["AccountName"] == org.names[record["Account"]], record
    return {r["Account"] for r in records}


@pytest.mark.parametrize("verb", sorted(CASES))
def test_text_lines_each_start_with_the_account_id(
    home: Home, org: Organization, verb: str
) -> None:
    done = run(home, org, verb)
    succeeded(done, verb)
    assert done.lines
    for line in done.lines:
        account, _, rest = line.partition(" ")
        assert account in org.names and not rest.startswith(f"{org.names[account]} "), line
    assert prefixes(done.stdout) == org.which(CASES[verb].lines)


@pytest.mark.parametrize("verb", VERBOSE)
def test_text_with_v_says_the_account_id_and_name(home: Home, org: Organization, verb: str) -> None:
    done = run(home, org, verb, "-v")
    succeeded(done, verb)
    assert done.lines
    for line in done.lines:
        account = line.split(" ", 1)[0]
        assert line.startswith(f"{account} {org.names.get(account)} "), line
    assert prefixes(done.stdout) == org.which(CASES[verb].lines)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_json_is_one_list_each_record_with_its_account_first(
    home: Home, org: Organization, verb: str
) -> None:
    done = run(home, org, verb, "--format", "json")
    succeeded(done, verb)
    records = json.loads(done.stdout)  # one document: nothing else on stdout
    assert isinstance(records, list)
    assert tagged(records, org) == org.which(CASES[verb].records)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_jsonl_is_one_record_a_line_with_its_account(
    home: Home, org: Organization, verb: str
) -> None:
    done = run(home, org, verb, "--format", "jsonl")
    succeeded(done, verb)
    records = [json.loads(line) for line in done.lines]
    assert tagged(records, org) == org.which(CASES[verb].records)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_table_has_an_account_column_first(home: Home, org: Organization, verb: str) -> None:
    done = run(home, org, verb, "--format", "table")
    succeeded(done, verb)
    header, rule, *rows = done.lines
    assert header.split()[0] == "Account" and "AccountName" not in header.split(), header
    assert set(rule) == {"-", " "}
    assert {row.split()[0] for row in rows} == org.which(CASES[verb].lines)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_query_looks_at_every_accounts_records_together(
    home: Home, org: Organization, verb: str
) -> None:
    done = run(home, org, verb, "--format", "json", "--query", "[].[Account, AccountName]")
    succeeded(done, verb)
    found = json.loads(done.stdout)  # one answer, not one an account
    wanted = org.which(CASES[verb].records)
    assert {tuple(pair) for pair in found} == {(a, org.names[a]) for a in wanted}


def on_a_terminal(home: Home, verb: str, args: list[str], which: str) -> tuple[int, str, str]:
    """``euare-VERB ARGS`` with ``which`` (stdout or stderr) on a pseudo-terminal and the other
    piped: the exit status, stdout and stderr (the terminal's as it received it, its newlines
    \\r\\n)."""
    passes.note(verb, args, home.env)
    terminal, side = os.openpty()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, which: side}
    running = subprocess.Popen(
        [str(BIN / f"euare-{verb}"), *args], stdin=subprocess.DEVNULL, env=home.env, **streams
    )
    os.close(side)
    piped = running.stderr if which == "stdout" else running.stdout
    assert piped is not None
    pipe = piped.fileno()
    got = {terminal: b"", pipe: b""}
    waiting = set(got)
    while waiting:
        ready, _, _ = select.select(sorted(waiting), [], [], 60)
        assert ready, f"euare-{verb} wrote nothing in 60 s"
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal's other side is closed (EIO)
                chunk = b""
            got[fd] += chunk
            if not chunk:
                waiting.discard(fd)
    status = running.wait(timeout=60)
    piped.close()
    os.close(terminal)
    shown, other = got[terminal].decode(), got[pipe].decode()
    out, err = (shown, other) if which == "stdout" else (other, shown)
    OUTPUTS.append(([verb, *args], out, err))
    return status, out, err


PROGRESS = re.compile(r"(\d+)/(\d+) accounts, (\d+) failed")


def screen(text: str) -> list[str]:
    """What a terminal shows of ``text``: its lines, each carriage return going back to the
    start of the line, to write over what is there."""
    shown = []
    for line in text.replace("\r\n", "\n").split("\n"):
        row = ""
        for part in line.split("\r"):
            row = part + row[len(part) :]
        shown.append(row.rstrip())
    return shown


@pytest.mark.parametrize("verb", sorted(CASES))
def test_progress_is_drawn_on_stderr_when_it_is_a_terminal(
    home: Home, org: Organization, verb: str
) -> None:
    total = len(org.names)
    status, out, err = on_a_terminal(home, verb, CASES[verb].args(org), "stderr")
    assert status == CASES[verb].status, err
    drawn = [tuple(map(int, m)) for m in PROGRESS.findall(err)]
    assert drawn == [(n, total, 0) for n in range(1, total + 1)], err
    assert screen(err) == [""], err  # nothing else, and the line erased at the end
    assert not PROGRESS.search(out)
    assert prefixes(out) == org.which(CASES[verb].lines)


@pytest.mark.both  # the worker hands the call the caller's own streams
def test_no_progress_when_only_stdout_is_a_terminal(home: Home, org: Organization) -> None:
    status, out, err = on_a_terminal(home, "accountauditkeys", ["--org"], "stdout")
    assert (status, err) == (1, "")
    assert not PROGRESS.search(out) and prefixes(out) == set(org.members), out


def test_org_jobs_bounds_the_accounts_worked_in_at_once(home: Home, org: Organization) -> None:
    """--org-jobs 2, each account one request at a time (--jobs 1): at most two requests are
    in flight (with 4 accounts and no bound, as many as 4 would be), and two at some point."""
    org.proxy.latency = 0.03
    done = run(home, org, "accountauditkeys", "--org-jobs", "2", "--jobs", "1")
    succeeded(done, "accountauditkeys")
    assert org.proxy.max_in_flight == 2
    assert prefixes(done.stdout) == set(org.members)


def deny_reads_in(org: Organization, account: str) -> set[str]:
    """An SCP denying IAM in ``account``: every request signed with a key of the role assumed
    there answered AccessDenied (entering it, AssumeRole, is the caller's and goes through).
    The keys of the role's sessions, as STS gives them out."""
    keys: set[str] = set()

    def remember(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        if f":{account}:" in form.get("RoleArn", ""):
            keys.update(k.decode() for k in re.findall(rb"<AccessKeyId>([^<]+)<", body))
        return status, body

    org.proxy.rewrites["AssumeRole"] = remember
    denied = iam_error("AccessDenied", SCP)
    org.proxy.faults["*"] = Fault(
        "status", count=None, status=403, body=denied, signed_by=keys.__contains__
    )
    return keys


@pytest.mark.parametrize("verb", sorted(CASES))
def test_an_account_denied_after_it_is_entered_is_named_and_the_others_finish(
    home: Home, org: Organization, verb: str
) -> None:
    denied = org.changed[1]
    keys = deny_reads_in(org, denied)
    done = home.run(verb, *CASES[verb].entered(org))
    assert keys and org.proxy.faults["*"].hits, "never entered, or never denied"
    named = f"{denied} ({org.names[denied]})"
    total = len(org.names)
    assert done.stderr.splitlines() == [
        f"euare-{verb}: error (AccessDenied): account {named}: {SCP}",
        f"euare-{verb}: {total} accounts: {total - 1} succeeded, 1 failed ({named})",
    ]
    assert done.returncode == 1
    assert prefixes(done.stdout) == org.which(CASES[verb].lines) - {denied}


@pytest.mark.both
def test_a_failed_account_on_a_terminal_is_a_whole_line_and_counted(
    home: Home, org: Organization
) -> None:
    denied = org.changed[1]
    deny_reads_in(org, denied)
    status, out, err = on_a_terminal(home, "accountauditkeys", ["--org"], "stderr")
    assert status == 1
    named = f"{denied} ({org.names[denied]})"
    assert screen(err) == [
        f"euare-accountauditkeys: error (AccessDenied): account {named}: {SCP}",
        f"euare-accountauditkeys: 4 accounts: 3 succeeded, 1 failed ({named})",
        "",
    ], err
    assert PROGRESS.findall(err)[-1] == ("4", "4", "1"), err
    assert prefixes(out) == set(org.members) - {denied}
