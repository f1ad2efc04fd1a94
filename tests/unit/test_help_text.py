"""Help reads as English: "an instance profile", not "a instance profile", in every verb's
summary and help (the generated ones too, tags and inline policies for every kind), in
``euare --help`` and in ``euare-sandbox --help``; families are headed by their proper names."""

from __future__ import annotations

import re

import click
import pytest

from euare.cli.helpdoc import a, takes_an
from euare.cli.table import FAMILIES, TITLES, VERBS, title
from euare.cli.verb import command

ARTICLE = re.compile(r"(?<![\w`-])([Aa]n?) ([\"'(`]?\w[\w.'-]*)")


@pytest.mark.parametrize(
    ("noun", "spelled"),
    [
        ("user", "a user"),
        ("instance profile", "an instance profile"),
        ("OpenID Connect provider", "an OpenID Connect provider"),
        ("MFA device", "an MFA device"),
        ("virtual MFA device", "a virtual MFA device"),
        ("SSH key", "an SSH key"),
        ("SAML provider", "a SAML provider"),
        ("OIDC provider", "an OIDC provider"),
        ("X.509 certificate", "an X.509 certificate"),
        ("URL", "a URL"),
        ("unique ID", "a unique ID"),
        ("unknown key", "an unknown key"),
        ("eucarc", "a eucarc"),
        ("one-line policy", "a one-line policy"),
        ("hour", "an hour"),
        ("ARN", "an ARN"),
        ("IAM user", "an IAM user"),
        ("FIFO", "a FIFO"),
        ("managed policy", "a managed policy"),
        ("server certificate", "a server certificate"),
    ],
)
def test_the_article_goes_by_the_sound_a_noun_begins_with(noun: str, spelled: str) -> None:
    assert a(noun) == spelled


def _help(cmd: click.Command, name: str) -> str:
    settings = {**cmd.context_settings, "terminal_width": 10_000}  # a sentence on one line
    with click.Context(cmd, info_name=name, **settings) as ctx:
        return cmd.get_help(ctx)


def _misused(text: str) -> list[str]:
    """Each "a"/"an" before a word that takes the other, with the words around it."""
    flat = " ".join(text.split())
    return [
        flat[max(0, m.start() - 30) : m.end() + 10]
        for m in ARTICLE.finditer(flat)
        if (m.group(1).lower() == "an") != takes_an(m.group(2))
    ]


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_a_verb_s_help_uses_a_and_an_by_sound(verb: str) -> None:
    from euare.cli.spec import SPECS

    cmd = command(verb)
    assert _misused(SPECS[verb].summary) == []
    assert _misused(_help(cmd, f"euare-{verb}")) == []


def test_euare_help_and_the_sandbox_s_use_a_and_an_by_sound() -> None:
    from euare.sandbox.command import sandbox
    from euare.worker.door import door

    assert _misused(_help(door, "euare")) == []
    assert _misused(_help(sandbox, "euare-sandbox")) == []


def test_the_scan_finds_a_misused_article() -> None:
    """The check above can fail: the issue's own examples are caught."""
    assert _misused("Tag a instance profile, or a OpenID Connect provider, not an user.") != []
    assert len(_misused("Tag a instance profile, or a OpenID Connect provider, an user.")) == 3


def test_every_family_has_a_title_and_titles_are_proper_names() -> None:
    assert set(TITLES) == set(FAMILIES)
    shown = [title(f) for f in FAMILIES]
    assert len(set(shown)) == len(shown)
    for wrong in ("Mfa", "Oidc", "Sts", "Saml", "Ssh", "Policylint"):
        assert not any(t.split()[0] == wrong for t in shown), shown
    assert {"MFA devices", "OIDC providers", "STS", "SAML providers", "Instance profiles"} <= set(
        shown
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("createuser", "usercreate"),  # euca2ools' order swapped: the first suggestion
        ("create-user", "usercreate"),  # the AWS CLI's name
        ("CreateUser", "usercreate"),  # the API's
        ("creategroup", "groupcreate"),
        ("delete-user", "userdel"),
        ("update-user", "usermod"),
        ("get-user", "usergetattributes"),
        ("list-users", "userlistbypath"),
        ("put-user-policy", "useruploadpolicy"),
        ("list-user-policies", "userlistpolicies"),
        ("list-attached-role-policies", "rolelistattachedpolicies"),
        ("delete-instance-profile", "instanceprofiledel"),
        ("tag-role", "roletag"),
        ("assume-role", "assumerole"),
        ("euare-usercreate", "usercreate"),
        ("usercreat", "usercreate"),  # a typo: difflib's nearest
        ("hlep", "help"),
    ],
)
def test_did_you_mean_puts_the_verb_the_words_make_first(typed: str, meant: str) -> None:
    from euare.worker.door import suggestions, unknown

    assert suggestions(typed)[0] == meant
    assert unknown(typed).startswith(f"no such verb: {typed} (did you mean {meant}")


def test_did_you_mean_says_nothing_for_a_name_near_no_verb() -> None:
    from euare.worker.door import suggestions, unknown

    assert suggestions("xyzzy") == []
    assert unknown("xyzzy") == "no such verb: xyzzy (euare --help lists them)"
