"""The ``--org`` group's options given without ``--org``: each is refused before anything is
sent (exit 2, one line saying to give --org too), in every verb that takes them; also
``--org-role`` and ``--org-jobs``, which have defaults, when typed with their default value."""

from __future__ import annotations

from typing import Any

import pytest

from euare.cli.table import VERBS
from euare.cli.verb import command
from tests.conftest import Home, one_error_line

# Each verb with the --org options, and the arguments it needs to get as far as them.
ORG_VERBS = {
    "accountsnapshot": [],
    "accountdiff": ["{file}", "{file}"],
    "accountapply": ["--dry-run", "{file}"],
    "accountauditkeys": [],
    "accountcredentialreport": [],
    "policylint": ["{file}"],
}
GIVEN = [
    ["--org-role", "EuareReader"],
    ["--org-role", "OrganizationAccountAccessRole"],  # the default, typed
    ["--org-jobs", "8"],  # the default, typed
    ["--only", "prod-*"],
]


def test_every_verb_with_the_org_options_is_tested_here() -> None:
    having = {v for v in VERBS if any(p.name == "org_role" for p in command(v).params)}
    assert having == set(ORG_VERBS)


@pytest.mark.parametrize("verb", sorted(ORG_VERBS))
def test_an_org_option_without_org_is_refused_and_nothing_is_sent(
    proxied_home: Home, proxy: Any, verb: str
) -> None:
    snapshot = proxied_home.write("snapshot.json", '{"Format": "euare-snapshot/1"}\n')
    args = [a.format(file=snapshot) for a in ORG_VERBS[verb]]
    for given in GIVEN:
        done = proxied_home.run(verb, *given, *args)
        line = one_error_line(done, verb, 2)
        assert line == f"euare-{verb}: error: {given[0]} is for --org: give --org too", line
        assert done.stdout == ""
    assert proxy.actions == []
