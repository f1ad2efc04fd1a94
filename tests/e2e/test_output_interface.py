"""Output is an interface, against moto: names that would drive a terminal are escaped in every
format (issue 19.5), stdout stays empty when a verb fails before its first answer (20.3), --query
follows the effective format and a tag list's table has its Key (20.5), and the text parity left
over from euca2ools 3.4.1 (20.7)."""

from __future__ import annotations

import json
import re
from datetime import timezone
from typing import Any

import pytest

from tests.conftest import Home, free_port, one_error_line
from tests.support.proxy import Fault, iam_error

FORMATS = ("text", "table", "json", "jsonl")
# What an IAM answer (XML 1.0) can carry that drives a terminal: the one-character CSI (IAM's
# policy grammar allows U+0080-U+00FF), DEL, NEL, a bidi override and isolate.
OVER_THE_WIRE = "\x9b2J\x7f\x85\u202e\u2066"
# What a snapshot file can carry besides: ESC and a whole sequence, BEL, CR, backspace.
IN_A_FILE = "\x1b[31m\x07\r\x08" + OVER_THE_WIRE
DRIVING = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
    "|\r(?!\n)"
)


def safe(text: str) -> str:
    assert not DRIVING.search(text), repr(text)
    return text


def rows(lines: list[str]) -> list[list[str]]:
    """A table's header and rows, split into cells (tabulate's rule under the header left out)."""
    assert set(lines[1]) <= {"-", " "}, lines
    return [line.split() for line in (lines[0], *lines[2:])]


def escaped(text: str) -> str:
    """``text`` as euare shows it: each character that would drive a terminal as ``\\uXXXX``."""
    return "".join(f"\\u{ord(c):04x}" if DRIVING.match(c) else c for c in text)


# --- 19.5: one escaping rule in every format ----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_list_verb_escapes_what_iam_sent_in_every_format(home: Home, iam: Any, fmt: str) -> None:
    key, value = f"k{OVER_THE_WIRE}", f"v{OVER_THE_WIRE}"
    iam.create_user(UserName="ann")
    iam.tag_user(UserName="ann", Tags=[{"Key": key, "Value": value}])
    done = home.run("userlisttags", "ann", "--format", fmt)
    assert done.returncode == 0, done
    shown = safe(done.stdout)
    if fmt == "text":
        assert done.lines == [f"{escaped(key)}\t{escaped(value)}"]
    elif fmt == "table":
        assert done.lines[0].split() == ["Key", "Value"]
        assert done.lines[2].split() == [escaped(key), escaped(value)]
    else:
        parsed = json.loads(shown) if fmt == "json" else [json.loads(x) for x in done.lines]
        assert parsed == [{"Key": key, "Value": value}]  # the same strings, escaped as JSON


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_query_escapes_what_iam_sent_in_every_format(home: Home, iam: Any, fmt: str) -> None:
    key = f"k{OVER_THE_WIRE}"
    iam.create_user(UserName="ann")
    iam.tag_user(UserName="ann", Tags=[{"Key": key, "Value": "v"}])
    done = home.run("userlisttags", "ann", "--query", "[].Key", "--format", fmt)
    assert done.returncode == 0, done
    shown = safe(done.stdout)
    if fmt == "text":
        assert done.lines == [escaped(key)]
    elif fmt == "table":
        assert [done.lines[0].split(), *(x.split() for x in done.lines[2:])] == [
            ["Value"],
            [escaped(key)],
        ]
    else:
        assert json.loads(shown if fmt == "json" else f"[{done.stdout}]") == [key]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_get_verb_s_document_is_escaped_and_still_the_same_json(
    home: Home, iam: Any, fmt: str
) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:username": f"a{OVER_THE_WIRE}"}},
            }
        ],
    }
    iam.create_user(UserName="ann")
    text = json.dumps(document, ensure_ascii=False)
    iam.put_user_policy(UserName="ann", PolicyName="p", PolicyDocument=text)
    done = home.run("usergetpolicy", "ann", "-p", "p", "--format", fmt)
    assert done.returncode == 0, done
    shown = safe(done.stdout)
    if fmt == "text":  # the document as stored, its \u009b now written as JSON's escape
        assert json.loads(shown) == document
    elif fmt == "table":
        assert done.lines[2].split() == ["ann", "p"]
    else:
        assert json.loads(shown)["PolicyDocument"] == document


@pytest.mark.parametrize("fmt", ["text", "table"])
def test_accountsnapshot_escapes_what_iam_sent(home: Home, iam: Any, fmt: str) -> None:
    """A snapshot's summary table shows only names, which euare checks before asking about
    them again; its table of what --query selects shows the rest."""
    iam.create_user(UserName="ann", Path=f"/p{OVER_THE_WIRE}/")
    iam.create_user(UserName="bo", Tags=[{"Key": "k", "Value": f"v{OVER_THE_WIRE}"}])
    summary = home.run("accountsnapshot", "--format", fmt)
    assert summary.returncode == 0, summary
    shown = safe(summary.stdout)
    if fmt == "text":
        users = {u["UserName"]: u for u in json.loads(shown)["Users"]}
        assert users["ann"]["Path"] == f"/p{OVER_THE_WIRE}/"
        assert users["bo"]["Tags"] == [{"Key": "k", "Value": f"v{OVER_THE_WIRE}"}]
    query = "Users[].{name: UserName, path: Path, tags: Tags[].Value}"
    picked = home.run("accountsnapshot", "--query", query, "--format", fmt)
    assert picked.returncode == 0, picked
    safe(picked.stdout)
    if fmt == "text":
        assert [json.loads(line) for line in picked.lines] == [
            {"name": "ann", "path": f"/p{OVER_THE_WIRE}/", "tags": []},
            {"name": "bo", "path": "/", "tags": [f"v{OVER_THE_WIRE}"]},
        ]
    else:
        assert rows(picked.lines) == [
            ["name", "path", "tags"],
            ["ann", f"/p{escaped(OVER_THE_WIRE)}/"],
            ["bo", "/", f"v{escaped(OVER_THE_WIRE)}"],
        ]


@pytest.mark.parametrize("fmt", ["text", "table"])
def test_accountdiff_escapes_the_names_in_a_snapshot(home: Home, iam: Any, fmt: str) -> None:
    iam.create_user(UserName="ann")
    old = home.path / "old.json"
    assert home.run("accountsnapshot", "-o", str(old)).returncode == 0
    snapshot = json.loads(old.read_text())
    evil = f"eve{IN_A_FILE}"
    user = dict(snapshot["Users"][0], UserName=evil, Path=f"/{IN_A_FILE}/")
    snapshot["Users"].append(user)
    snapshot["Users"][0]["Path"] = f"/x{IN_A_FILE}/"
    new = home.write("new.json", json.dumps(snapshot))
    done = home.run("accountdiff", str(old), str(new), "--format", fmt)
    assert done.returncode == 1, done
    safe(done.stdout)
    if fmt == "text":
        assert f"+ user {escaped(evil)}" in done.lines
        assert f"    ~ Path: / -> /x{escaped(IN_A_FILE)}/" in done.lines
    else:
        assert len(done.lines) == 4  # the header, its rule, a row per change: none broken
        assert ["added", "user", escaped(evil)] in [line.split() for line in done.lines]


@pytest.mark.parametrize("args", [["--raw"], ["--format", "text"], ["--format", "table"]])
def test_the_credential_report_escapes_what_iam_sent(home: Home, iam: Any, args: list[str]) -> None:
    evil = f"eve{OVER_THE_WIRE}"  # IAM would refuse the name; moto keeps it, as a proxy could
    iam.create_user(UserName=evil)
    done = home.run("accountcredentialreport", *args)
    assert done.returncode == 0, done
    assert escaped(evil) in safe(done.stdout)


@pytest.mark.both
def test_an_error_line_escapes_what_the_endpoint_said(proxied_home: Home, proxy: Any) -> None:
    message = "User: x\x9b2J\x7f\u202e\u2066 is not authorized"  # (NEL: a space, in one line)
    proxy.faults["GetUser"] = Fault("status", status=403, body=iam_error("AccessDenied", message))
    done = proxied_home.run("usergetattributes", "ann")
    line = one_error_line(done, "usergetattributes")
    assert safe(line).endswith(f"error (AccessDenied): {escaped(message)}")
    assert done.stdout == ""


# --- 20.3: nothing on stdout before the first answer ---------------------------------------------


def test_grouplistbypath_prints_its_heading_only_after_the_first_answer(
    home: Home, iam: Any
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/"
    failed = home.run("grouplistbypath", "-U", dead)
    assert "could not connect" in one_error_line(failed, "grouplistbypath")
    assert failed.stdout == ""
    refused = home.run("grouplistbypath", "-p", "staff")
    assert "-p/--path-prefix" in one_error_line(refused, "grouplistbypath", status=2)
    assert refused.stdout == ""
    assert home.run("grouplistbypath").lines == ["groups"]  # euca2ools' heading, still
    iam.create_group(GroupName="ops")
    arn = iam.get_group(GroupName="ops")["Group"]["Arn"]
    assert home.run("grouplistbypath").lines == ["groups", f"   {arn}"]


# --- 20.5: --query in the effective format; a tag list's Key column ------------------------------


def test_query_follows_the_effective_format(home: Home, iam: Any) -> None:
    iam.create_user(UserName="ann", Path="/q/")
    iam.create_user(UserName="bo", Path="/q/")
    args = ("userlistbypath", "-p", "/q/", "--query", "[].UserName")
    assert home.run(*args).lines == ["ann", "bo"]  # text, the default: a value a line
    assert json.loads(home.run(*args, env={"EUARE_FORMAT": "json"}).stdout) == ["ann", "bo"]
    jsonl = home.run(*args, "--format", "jsonl", env={"EUARE_FORMAT": "json"})
    assert jsonl.lines == ['"ann"', '"bo"']  # the flag wins
    table = home.run(*args, "--format", "table")
    assert rows(table.lines) == [["Value"], ["ann"], ["bo"]]
    objects = home.run("userlistbypath", "-p", "/q/", "--query", "[].{name: UserName, path: Path}")
    assert objects.lines == ['{"name": "ann", "path": "/q/"}', '{"name": "bo", "path": "/q/"}']
    as_table = home.run(
        "usergetattributes",
        "ann",
        "--query",
        "{name: UserName, path: Path}",
        env={"EUARE_FORMAT": "table"},
    )
    assert rows(as_table.lines) == [["name", "path"], ["ann", "/q/"]]


def test_a_tag_list_s_table_has_its_key(home: Home, iam: Any) -> None:
    iam.create_user(
        UserName="ann", Tags=[{"Key": "team", "Value": "web"}, {"Key": "cc", "Value": "web"}]
    )
    done = home.run("userlisttags", "ann", "--format", "table")
    assert rows(done.lines) == [["Key", "Value"], ["team", "web"], ["cc", "web"]]


# --- 20.7: text parity with euca2ools 3.4.1 ------------------------------------------------------


def test_usergetloginprofile_verbose_says_must_change_only_when_it_must(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Bob-Passw0rd!")
    created = iam.get_login_profile(UserName="bob")["LoginProfile"]["CreateDate"]
    date = created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = proxied_home.run("usergetloginprofile", "bob", "--verbose").lines
    assert lines == ["Login Profile Exists for User bob", f"Creation date: {date}"]

    def must_change(form: dict[str, str], status: int, body: bytes) -> tuple[int, bytes]:
        flag = b"<PasswordResetRequired>false</PasswordResetRequired>"
        assert flag in body
        return status, body.replace(flag, flag.replace(b"false", b"true"))

    proxy.rewrites["GetLoginProfile"] = must_change  # moto never keeps the flag set
    lines = proxied_home.run("usergetloginprofile", "bob", "--verbose").lines
    assert lines[2:] == ["Must change password: true"]
    assert proxied_home.run("usergetloginprofile", "bob").lines == lines[:1]


def test_roleupdateassumepolicy_o_keeps_the_trailing_line_as_get_policy_does(
    home: Home, iam: Any
) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    text = json.dumps(trust, indent=2) + "\n"  # as an editor saves it
    path = home.write("trust.json", text)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
    done = home.run("roleupdateassumepolicy", "r", "-f", str(path), "-o")
    assert done.returncode == 0, done
    assert done.stdout == text + "\n"  # euca2ools printed what it sent, newline and all
    created = home.run("rolecreate", "r2", "-f", str(path), "-v")
    assert created.stdout.endswith(text + "\n")  # as rolecreate -v shows it
    identity = (
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            },
            indent=2,
        )
        + "\n"
    )
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=identity)
    assert home.run("rolegetpolicy", "r", "-p", "p").stdout == identity + "\n"  # as get*policy


@pytest.mark.parametrize(
    ("given", "sent"), [("allow", "Allow"), ("DENY", "Deny"), ("Allow", "Allow")]
)
def test_an_effect_in_any_case_is_sent_as_iam_spells_it(
    home: Home, iam: Any, given: str, sent: str
) -> None:
    iam.create_user(UserName="ann")
    done = home.run(
        "useraddpolicy", "ann", "-p", "p", "-e", given, "-a", "s3:GetObject", "-r", "*", "-o"
    )
    assert done.returncode == 0, done
    stored = iam.get_user_policy(UserName="ann", PolicyName="p")["PolicyDocument"]
    assert [s["Effect"] for s in stored["Statement"]] == [sent]
    assert json.loads(done.stdout) == stored


def test_an_effect_iam_does_not_know_is_a_usage_error(home: Home, iam: Any) -> None:
    iam.create_user(UserName="ann")
    done = home.run("useraddpolicy", "ann", "-p", "p", "-e", "permit", "-a", "s3:*", "-r", "*")
    assert done.returncode == 2, done
    assert done.stderr.splitlines()[-1].startswith("euare-useraddpolicy: error: Invalid value")
    assert done.stdout == "" and iam.list_user_policies(UserName="ann")["PolicyNames"] == []


@pytest.mark.both
@pytest.mark.parametrize(
    "args",
    [
        ["userlistbypath", "--bogus" + IN_A_FILE],  # click's usage error quotes what was typed
        ["euare", "userlistbypath", "--bogus" + IN_A_FILE],
        ["euare", "--bogus" + IN_A_FILE],  # the front door's own usage error
    ],
)
def test_a_usage_error_quoting_what_was_typed_is_escaped(home: Home, args: list[str]) -> None:
    done = home.run(*args)
    assert done.returncode == 2, done
    safe(done.stderr)


def test_lint_findings_quoting_a_document_are_escaped(home: Home, tmp_path: Any) -> None:
    """A finding quotes the document's own text (an unknown action, say): on stderr it shows
    what could drive a terminal escaped, as every other line does."""
    document = tmp_path / "p.json"
    action = "s3:Get" + IN_A_FILE.replace("\r", "") + "Object"
    statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    document.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    done = home.run("useruploadpolicy", "-u", "nobody", "-p", "p", "-f", str(document), "--lint")
    assert done.returncode == 1, done  # refused by --lint: nothing sent
    safe(done.stderr)
    assert "UNKNOWN_ACTION" in done.stderr
