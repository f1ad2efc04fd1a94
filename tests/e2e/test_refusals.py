"""Refusals a person can act on: a value IAM would refuse is refused before anything is sent
(exit 2, one line), naming the flag or argument it was typed as (or the prompt, file or flags
it came from), never the API member it is sent as, and saying IAM's rule in plain words,
whichever verb takes it (a single call, a list, or a composite verb) and whatever the pattern.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home, one_error_line

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
READS_FIRST = {"useraddloginprofile": ["GetLoginProfile"]}
LONG_DOC = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def _doc(action: str) -> str:
    return LONG_DOC.replace("s3:GetObject", action)


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        # the issue's own: a list verb's path prefix reads as plainly as a create's path
        (
            ["userlistbypath", "-p", "staff"],
            None,
            "-p/--path-prefix 'staff' is not valid: a path prefix begins with / and holds "
            "printable ASCII characters only",
        ),
        (
            ["usercreate", "ok", "-p", "staff"],
            None,
            "-p/--path 'staff' is not valid: a path begins and ends with /",
        ),
        (
            ["policylistbypath", "-p", "/a b/"],
            None,
            "-p/--path-prefix '/a b/' is not valid: a policy's path begins and ends with /",
        ),
        (
            ["assumerole", "ops", "--session-name", "my session"],
            None,
            "--session-name 'my session' is not valid: use only letters, digits and +=,.@_- "
            "(it holds ' ')",
        ),
        (
            ["assumerole", "ops", "--external-id", "a b"],
            None,
            "--external-id 'a b' is not valid: use only letters, digits and +=,.@:/_-",
        ),
        (
            ["userenablemfadevice", "alice", "-s", SERIAL, "-c1", "12ab56", "-c2", "123456"],
            None,
            "-c1 is not valid: use digits only",
        ),
        (
            ["userresyncmfadevice", "alice", "-s", SERIAL, "-c1", "123456", "-c2", "1234"],
            None,
            "-c2 must be exactly 6 characters long",
        ),
        (
            ["userdeactivatemfadevice", "alice", "-s", "my phone's serial"],
            None,
            "-s/--serial-number \"my phone's serial\" is not valid: use only letters, digits and "
            "+=/:,.@_- (it holds ' ')",
        ),
        (
            ["groupremoveuser", "ops", "-u", "a;b"],
            None,
            "-u/--user-name 'a;b' is not valid: use only letters, digits and +=,.@_- (it holds "
            "';')",
        ),
        (
            ["usercreate", "alice", "-g", "a b"],
            None,
            "-g/--group-name 'a b' is not valid",
        ),
        (
            ["policysetdefaultversion", "arn:aws:iam::123456789012:policy/p", "--version-id", "2"],
            None,
            "--version-id '2' is not valid: a version ID is v and a number, such as v2",
        ),
        (
            ["accountaliascreate", "Corp--Alias"],
            None,
            "ALIAS 'Corp--Alias' is not valid: an account alias holds lower-case letters",
        ),
        (
            ["usermodkey", "AKIA-OOPS-EXAMPLE", "-s", "Active"],
            None,
            "KEY_ID 'AKIA-OOPS-EXAMPLE' is not valid: use only letters, digits and _ "
            "(it holds '-')",
        ),
        (
            ["samlprovidercreate", "my idp", "-f", "-"],
            "<x/>",
            "NAME 'my idp' is not valid: use only letters, digits and ._-",
        ),
        (
            ["rolemod", "web", "--description", "café €5"],
            None,
            "--description 'café €5' is not valid: use only tabs, line breaks, printable ASCII "
            "and Latin-1 characters (such as é); not, say, € or curly quotes (it holds '€')",
        ),
        (
            ["policysimulate", "--user", "a b", "-a", "s3:GetObject"],
            None,
            "--user 'a b' is not valid",
        ),
        (
            ["policysimulate", "-f", "-", "-a", "s3"],
            LONG_DOC,
            "-a/--action must be at least 3 characters long, not 2",
        ),
        (
            ["instanceprofilecreate", "p" * 70, "--create-role"],
            None,
            "IPROFILE (with --create-role, the role's name too) must be at most 64 characters "
            "long, not 70",
        ),
        (
            ["policycreate", "/a b/s3-read", "-o", LONG_DOC],
            None,
            "POLICY's path '/a b/' is not valid: a policy's path begins and ends with /",
        ),
        (
            ["policycreate", "s3 read", "-o", LONG_DOC],
            None,
            "POLICY 's3 read' is not valid: use only letters, digits and +=,.@_-",
        ),
        (
            ["useraddpolicy", "alice", "-p", "p", "-e", "Allow", "-a", "s3:Get€", "-r", "*"],
            None,
            "the policy document built from -e/-a/-r is not valid: use only tabs, line breaks "
            "and characters up to U+00FF",
        ),
        (
            ["rolecreate", "web", "-s", "ec2.amazonaws.com€"],
            None,
            "the trust policy for -s ec2.amazonaws.com€ is not valid",
        ),
        (
            ["useruploadpolicy", "alice", "-p", "p", "-f", "-"],
            _doc("s3:Get€"),
            "the policy document read from standard input is not valid: use only tabs",
        ),
        (
            ["useruploadpolicy", "alice", "-p", "p", "-o", _doc("s3:Get€")],
            None,
            "-o/--policy-content is not valid: use only tabs, line breaks and characters",
        ),
        (
            ["useraddloginprofile", "alice"],
            "pass€word\n",
            "the password read from standard input is not valid: use only tabs, line breaks",
        ),
        (
            ["useraddloginprofile", "alice", "-p", "x" * 200],
            None,
            "-p/--password must be at most 128 characters long",
        ),
        (
            ["changepassword"],
            "old-one\n" + "n" * 200 + "\n",
            "the new password read from standard input must be at most 128 characters long",
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_a_refusal_names_what_the_user_typed_and_says_the_rule_plainly(
    proxied_home: Home, proxy: Any, args: list[str], stdin: str | None, expected: str
) -> None:
    line = one_error_line(proxied_home.run(*args, input=stdin), args[0], status=2)
    assert expected in line, line
    assert "IAM requires" not in line and "\\u" not in line, line
    # no API member's name: the user never typed one
    for member in ("UserName", "PathPrefix", "RoleSessionName", "AuthenticationCode", "Password"):
        assert member not in line, line
    # only a password read from standard input comes after a first look (a profile that
    # exists already is refused before the password is asked for)
    assert proxy.actions == ([] if stdin is None else READS_FIRST.get(args[0], []))


@pytest.mark.parametrize(
    "args",
    [
        ["userenablemfadevice", "alice", "-s", SERIAL, "-c1", "98ab76", "-c2", "123456"],
        ["useraddloginprofile", "alice", "-p", "wrong€pass"],
    ],
    ids=["mfa-code", "password"],
)
def test_a_refused_secret_is_never_shown(proxied_home: Home, proxy: Any, args: list[str]) -> None:
    line = one_error_line(proxied_home.run(*args), args[0], status=2)
    assert "98ab76" not in line and "wrong" not in line, line
    assert proxy.actions == []


def test_a_refused_file_is_named_by_its_path(
    proxied_home: Home, proxy: Any, tmp_path: Path
) -> None:
    """A document too long for IAM: named by its file, and its length told."""
    statements = ",".join(
        f'{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}'
        for i in range(2000)
    )
    path = tmp_path / "big.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [' + statements + "]}")
    line = one_error_line(
        proxied_home.run("useruploadpolicy", "alice", "-p", "p", "-f", str(path)),
        "useruploadpolicy",
        status=2,
    )
    assert f"policy document {path} must be at most 131072 characters long, not " in line
    assert proxy.actions == []


# --- choices: IAM's spelling shown, any case taken, IAM's spelling sent ------------------------


@pytest.mark.parametrize(
    ("verb", "shown"),
    [
        ("usermodkey", "[Active|Inactive]"),
        ("useraddpolicy", "[Allow|Deny]"),
        ("policylistbypath", "[All|AWS|Local]"),
        ("mfalist", "[Assigned|Unassigned|Any]"),
    ],
)
def test_help_shows_the_choices_as_iam_spells_them(home: Home, verb: str, shown: str) -> None:
    done = home.run(verb, "--help")
    assert done.returncode == 0 and shown in done.stdout, done.stdout


def test_a_choice_in_any_case_is_sent_as_iam_spells_it(home: Home, iam: Any) -> None:
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    assert home.run("usermodkey", key, "-u", "alice", "-s", "inactive").returncode == 0
    [listed] = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert listed["Status"] == "Inactive"
    done = home.run("useraddpolicy", "alice", "-p", "p", "-e", "DENY", "-a", "s3:*", "-r", "*")
    assert done.returncode == 0, done
    document = iam.get_user_policy(UserName="alice", PolicyName="p")["PolicyDocument"]
    assert [s["Effect"] for s in document["Statement"]] == ["Deny"]
    assert home.run("mfalist", "--assignment-status", "unassigned").returncode == 0


def test_a_choice_refused_lists_iams_spelling(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("usermodkey", "AKIAIOSFODNN7EXAMPLE", "-s", "on")
    assert result.returncode == 2
    assert "'on' is not one of Active, Inactive" in result.stderr.splitlines()[-1]
    assert proxy.actions == []
