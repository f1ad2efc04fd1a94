"""Output is an interface, against moto: names that would drive a terminal are escaped in every
format (issue 19.5), stdout stays empty when a verb fails before its first answer (20.3), --query
follows the effective format and a tag list's table has its Key (20.5), and the text parity left
over from euca2ools 3.4.1 (20.7)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Home, free_port, one_error_line


def rows(lines: list[str]) -> list[list[str]]:
    """A table's header and rows, split into cells (tabulate's rule under the header left out)."""
    assert set(lines[1]) <= {"-", " "}, lines
    return [line.split() for line in (lines[0], *lines[2:])]


def test_grouplistbypath_prints_its_heading_only_after_the_first_answer(
    home: Home, iam: Any
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/"
    failed = home.run("grouplistbypath", "-U", dead)
    assert "could not connect" in one_error_line(failed, "grouplistbypath")
    assert failed.stdout == ""
    refused = home.run("grouplistbypath", "-p", "staff")
    assert "PathPrefix" in one_error_line(refused, "grouplistbypath", status=2)
    assert refused.stdout == ""
    assert home.run("grouplistbypath").lines == ["groups"]  # euca2ools' heading, still
    iam.create_group(GroupName="ops")
    arn = iam.get_group(GroupName="ops")["Group"]["Arn"]
    assert home.run("grouplistbypath").lines == ["groups", f"   {arn}"]


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
