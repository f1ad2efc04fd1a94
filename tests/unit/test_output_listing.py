"""Output is an interface, in process: nothing printed before a verb's first answer (issue 20.3);
a key column in every list verb's table, --query in the effective format with a table of what it
selects (20.5)."""

from __future__ import annotations

import importlib
import io
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from euare.call.context import Call
from euare.cli.run import run
from euare.core.render import FORMATS, Result, render, render_query, table_columns
from tests.conftest import MODEL_CACHE, free_port


def rendered(result: Result, fmt: str, query: str | None = None) -> str:
    out = io.StringIO()
    if query is None:
        render(result, fmt, out)
    else:
        render_query(result, query, fmt, out)
    return out.getvalue()


# --- --query in the output format ----------------------------------------------------------------


USERS = [
    {"UserName": "ann", "Path": "/q/", "Tags": [{"Key": "team", "Value": "web"}]},
    {"UserName": "bo", "Path": "/q/"},
]


def table_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    assert set(lines[1]) <= {"-", " "}, text  # tabulate's rule under the header
    return [line.split() for line in (lines[0], *lines[2:])]


def test_query_as_a_table_list_of_objects_has_their_keys_as_columns() -> None:
    shown = rendered(Result(USERS), "table", "[].{name: UserName, tags: Tags[].Key}")
    assert table_rows(shown) == [["name", "tags"], ["ann", "team"], ["bo"]]


def test_query_as_a_table_list_of_values_is_one_column_and_a_value_one_cell() -> None:
    assert table_rows(rendered(Result(USERS), "table", "[].UserName")) == [
        ["Value"],
        ["ann"],
        ["bo"],
    ]
    assert table_rows(rendered(Result(USERS, one=True), "table", "UserName")) == [
        ["Value"],
        ["ann"],
    ]
    assert table_rows(rendered(Result(USERS, one=True), "table", "Tags[0]")) == [
        ["Key", "Value"],
        ["team", "web"],
    ]
    assert rendered(Result(USERS), "table", "[].Nothing") == ""
    assert rendered(Result(USERS, one=True), "table", "Nothing") == ""


def test_query_as_text_json_and_json_lines() -> None:
    assert rendered(Result(USERS), "text", "[].UserName") == "ann\nbo\n"
    assert rendered(Result(USERS), "jsonl", "[].UserName") == '"ann"\n"bo"\n'
    assert json.loads(rendered(Result(USERS), "json", "[].UserName")) == ["ann", "bo"]


def test_a_table_shows_text_that_looks_like_a_number_as_written() -> None:
    tags = [{"Key": "007", "Value": "1e5"}, {"Key": "n", "Value": "1_000"}]
    assert table_rows(rendered(Result(tags), "table")) == [
        ["Key", "Value"],
        ["007", "1e5"],
        ["n", "1_000"],
    ]
    counts = table_rows(rendered(Result([{"PolicyName": "p", "AttachmentCount": 12}]), "table"))
    assert counts == [["PolicyName", "AttachmentCount"], ["p", "12"]]


# --- tables: what names an item ------------------------------------------------------------------

# The column that tells a list verb's rows apart: every list verb is here (a new one fails the
# test until it is added), and its table must show that column.
NAMED_BY = {
    "accountaliaslist": "Value",
    "grouplistattachedpolicies": "PolicyName",
    "grouplistbypath": "GroupName",
    "instanceprofilelistbypath": "InstanceProfileName",
    "instanceprofilelistforrole": "InstanceProfileName",
    "instanceprofilelisttags": "Key",
    "mfalisttags": "Key",
    "oidcproviderlist": "Arn",
    "oidcproviderlisttags": "Key",
    "policylistbypath": "PolicyName",
    "policylisttags": "Key",
    "policylistversions": "VersionId",
    "rolelistattachedpolicies": "PolicyName",
    "rolelistbypath": "RoleName",
    "rolelisttags": "Key",
    "samlproviderlist": "Arn",
    "samlproviderlisttags": "Key",
    "servercertlistbypath": "ServerCertificateName",
    "servercertlisttags": "Key",
    "userlistattachedpolicies": "PolicyName",
    "userlistbypath": "UserName",
    "userlistcerts": "CertificateId",
    "userlistgroups": "GroupName",
    "userlistmfadevices": "SerialNumber",
    "userlistservicecreds": "ServiceSpecificCredentialId",
    "userlistsshkeys": "SSHPublicKeyId",
    "userlisttags": "Key",
}


def all_specs() -> dict[str, Any]:
    from euare.cli.spec import SPECS
    from euare.cli.table import VERBS

    for family in sorted(set(VERBS.values())):
        importlib.import_module(f"euare.verbs.{family}")
    return SPECS


def test_every_list_verb_s_table_shows_what_names_its_items() -> None:
    from euare.call.client import botocore_session

    specs = {name: spec for name, spec in all_specs().items() if spec.many}
    assert set(NAMED_BY) == set(specs)
    for name, spec in specs.items():
        model = botocore_session().get_service_model(spec.service or "iam")
        output = model.operation_model(spec.operation).output_shape
        item = output.members[spec.items_key()].member
        structure = item.type_name == "structure"
        record = {member: "x" for member in item.members} if structure else "x"
        columns = table_columns([record]) if isinstance(record, dict) else ["Value"]
        assert NAMED_BY[name] in columns, (name, columns)
        shown = rendered(Result([record]), "table")
        assert shown.split()[: len(columns)] == columns, (name, shown)


# --- nothing before the first answer -------------------------------------------------------------


def headings() -> set[str]:
    """The verbs whose text begins with a line of its own, found by asking each text function
    for its first line with records whose first page fails."""

    class NoPage(Exception):
        pass

    def failing() -> Any:
        raise NoPage
        yield  # a generator

    found = set()
    for name, spec in all_specs().items():
        for text in (spec.text, spec.verbose_text):
            if text is None:
                continue
            try:
                next(iter(text(failing())))
                found.add(name)
            except (NoPage, StopIteration, RuntimeError):  # RuntimeError: needs a click context
                pass
    return found


def test_the_verbs_that_print_a_heading_are_known() -> None:
    assert headings() == {"grouplistbypath"}


PRINTS_WITHOUT_A_REQUEST = {"releaserole"}  # prints the shell's unset lines; asks nothing


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_verb_prints_anything_when_its_request_fails(tmp_path: Path, fmt: str) -> None:
    """Every verb (with its first --help example) against an endpoint that refuses connections:
    stdout stays empty, headings (grouplistbypath's ``groups``) included."""
    dead = f"http://127.0.0.1:{free_port()}/"
    env = {
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": MODEL_CACHE,
        "AWS_MAX_ATTEMPTS": "1",
        "EUARE_URL": dead,
        "TOKEN_URL": dead,
        "AWS_ACCESS_KEY_ID": "AKIAEUARETESTDEAD001",
        "AWS_SECRET_ACCESS_KEY": "dead/secret/0123456789abcdefghijklmnopqr",
    }
    printed = {}
    for name, spec in sorted(all_specs().items()):
        args = shlex.split(spec.examples[0]) if spec.examples else []
        call = Call(f"euare-{name}", env, io.StringIO(), io.StringIO(), io.StringIO())
        code = run(name, [*args, "--format", fmt], call)
        out = call.stdout.getvalue()  # type: ignore[attr-defined]
        if out and name not in PRINTS_WITHOUT_A_REQUEST:
            printed[name] = (code, out)
    assert printed == {}
