"""A policy document refused before sending is a usage error: exit 2 and one line, for every
verb that takes one, however it is given (``-o JSON``, ``-f FILE``, ``-f -``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home

NOT_JSON = '{"Statement": [}'
NOT_A_POLICY = '{"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]}'
EMPTY = "  \n"

# Each verb, with the place its document goes: "@FILE" is -f FILE, "@-" is -f - (stdin),
# anything else is the document itself on the command line.
VERBS = {
    "useruploadpolicy": ["alice", "-p", "p", "{how}", "{doc}"],
    "groupuploadpolicy": ["ops", "-p", "p", "{how}", "{doc}"],
    "roleuploadpolicy": ["r", "-p", "p", "{how}", "{doc}"],
    "policycreate": ["p", "{how}", "{doc}"],
    "policycreateversion": ["p", "{how}", "{doc}"],
    "rolecreate": ["r", "{how}", "{doc}"],
    "roleupdateassumepolicy": ["r", "{how}", "{doc}"],
    "assumerole": ["r", "{how}", "{doc}"],
}
CONTENT_FLAG = {"assumerole": "--policy-content"}
FILE_FLAG = {"assumerole": "--policy-document"}
NO_CONTENT_FLAG = {"rolecreate", "roleupdateassumepolicy"}  # trust policies come in files


def cases() -> list[tuple[str, str, str]]:
    found = []
    for verb in VERBS:
        for given in ("content", "file", "stdin"):
            if given == "content" and verb in NO_CONTENT_FLAG:
                continue
            for name in ("not-json", "not-a-policy", "empty"):
                if name != "empty" or given == "stdin":
                    found.append((verb, given, name))
    return found


@pytest.mark.parametrize(("verb", "given", "document"), cases())
def test_a_refused_document_is_exit_2_and_one_line(
    proxied_home: Home, proxy: Any, tmp_path: Path, verb: str, given: str, document: str
) -> None:
    text = {"not-json": NOT_JSON, "not-a-policy": NOT_A_POLICY, "empty": EMPTY}[document]
    stdin = None
    if given == "content":
        how, doc = CONTENT_FLAG.get(verb, "-o"), text
    else:
        how = FILE_FLAG.get(verb, "-f")
        if given == "file":
            doc = str(tmp_path / "doc.json")
            (tmp_path / "doc.json").write_text(text)
        else:
            doc, stdin = "-", text
    args = [a.format(how=how, doc=doc) for a in VERBS[verb]]
    result = proxied_home.run(verb, *args, input=stdin)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result
    assert len(lines) == 1 and lines[0].startswith(f"euare-{verb}: error: "), result.stderr
    expected = {"not-json": "is not valid JSON", "not-a-policy": "Effect", "empty": "is empty"}
    assert expected[document] in lines[0]
    assert proxy.actions == []


def test_an_unreadable_document_file_is_exit_1(
    proxied_home: Home, proxy: Any, tmp_path: Path
) -> None:
    """A file that cannot be used at all is exit 1, like every file euare cannot read."""
    result = proxied_home.run("policycreate", "p", "-f", str(tmp_path / "missing.json"))
    assert result.returncode == 1 and "No such file" in result.stderr
    assert proxy.actions == []
