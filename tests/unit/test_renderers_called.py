"""Text renderers called directly, outside click: each takes the options that change its text
as arguments (test_renderers_standalone holds that none reads click's context).

Every single-call and list verb's renderer is called with a record made from botocore's model
of its answer, with its options unset and set; the composite verbs' renderers are called one
by one with records as their verbs build them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

import click
import pytest

from euare.core.render import Record

DOCUMENT = '{"Version": "2012-10-17", "Statement": []}'
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def all_specs() -> dict[str, Any]:
    from euare.cli.spec import SPECS
    from euare.cli.table import VERBS

    for family in sorted(set(VERBS.values())):
        importlib.import_module(f"euare.verbs.{family}")
    return SPECS


def sample(shape: Any, name: str = "", depth: int = 0) -> Any:
    """A value of botocore ``shape``: every member of a structure, one item of a list."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 4:
            return {}
        return {m: sample(s, m, depth + 1) for m, s in shape.members.items()}
    if kind == "list":
        return [sample(shape.member, name, depth + 1)]
    if kind == "map":
        return {"key": sample(shape.value, name, depth + 1)}
    if kind in ("integer", "long"):
        return 1
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return b"blob"
    return DOCUMENT if name.endswith("Document") else f"{name or 'value'}-1"


def record_of(spec: Any) -> Any:
    """A record as the verb's machinery gives its renderer one: the answer's member, or one
    item of the list."""
    from euare.call.client import botocore_session

    model = botocore_session().get_service_model(spec.service or "iam")
    output = model.operation_model(spec.operation).output_shape
    if spec.many:
        return sample(output.members[spec.items_key()].member, spec.items_key())
    if spec.result_key == "*":
        return sample(output)
    return sample(output.members[spec.result_key], spec.result_key)


def declared() -> list[Any]:
    """(verb, which text) of every single-call and list verb's renderer."""
    found = []
    for name, spec in sorted(all_specs().items()):
        if spec.operation is None:
            continue  # a composite verb: its renderers are called one by one below
        for which in ("text", "verbose_text"):
            if getattr(spec, which) is not None:
                found.append(pytest.param(name, which, id=f"{name}-{which}"))
    return found


@pytest.mark.parametrize(("verb", "which"), declared())
def test_every_declared_renderer_runs_outside_click_with_its_options(verb: str, which: str) -> None:
    from euare.cli.spec import SPECS

    spec = SPECS[verb]
    text: Callable[..., Iterable[str]] = getattr(spec, which)
    assert click.get_current_context(silent=True) is None
    records = [record_of(spec)]
    for given in ({}, dict.fromkeys(spec.text_options, True)):
        lines = list(text(records, **given))
        assert all(isinstance(line, str) for line in lines), (verb, given, lines)


def test_the_verbs_whose_text_takes_options_are_known() -> None:
    taking = {name for name, spec in all_specs().items() if spec.text_options}
    getpolicies = {f"{kind}getpolicy" for kind in ("user", "group", "role")}
    assert taking == {"userlistcerts", *getpolicies}


# --- one by one ----------------------------------------------------------------------------------


def test_userlistcerts_shows_each_body_only_with_verbose() -> None:
    from euare.verbs.certs import listed_lines

    cert = {"CertificateId": "C1", "CertificateBody": "PEM", "Status": "Active", "UserName": "a"}
    assert list(listed_lines([cert])) == ["C1", "Active", "a"]
    assert list(listed_lines([cert], verbose=True)) == ["C1", "PEM", "Active", "a"]


def test_samlprovidergetattributes_shows_the_metadata_only_with_verbose() -> None:
    from euare.verbs.saml import attribute_lines

    provider = {"SAMLProviderArn": "arn:p", "CreateDate": WHEN, "SAMLMetadataDocument": "<x/>"}
    assert list(attribute_lines([provider])) == ["arn:p", "2024-05-01T12:00:00Z", ""]
    *_, metadata = attribute_lines([provider], verbose=True)
    assert metadata == "<x/>"


def test_accountauditkeys_shows_the_last_use_only_with_verbose() -> None:
    from euare.verbs.keys import audit_lines

    key: Record = {
        "UserName": "alice",
        "AccessKeyId": "AKIA1",
        "Status": "Active",
        "CreateDate": WHEN,
        "AccessKeyLastUsed": {"LastUsedDate": WHEN, "ServiceName": "s3"},
    }
    assert list(audit_lines([key])) == ["alice\tAKIA1\tActive\t2024-05-01T12:00:00Z"]
    assert list(audit_lines([key], verbose=True)) == [
        "alice\tAKIA1\tActive\t2024-05-01T12:00:00Z\t2024-05-01T12:00:00Z\ts3"
    ]


def test_a_new_key_shows_its_secret_as_lines_as_an_iamrc_or_not_at_all() -> None:
    from euare.ops.access_keys import new_key_lines

    key = {"AccessKeyId": "AKIA1", "SecretAccessKey": "s3cr3t"}
    assert new_key_lines([key]) == ["AKIA1", "s3cr3t"]
    assert new_key_lines([key], as_iamrc=True) == ["AWSAccessKeyId=AKIA1", "AWSSecretKey=s3cr3t"]
    assert new_key_lines([{"AccessKeyId": "AKIA1"}], to_file=True) == ["AKIA1"]


POLICY = {"UserName": "alice", "PolicyName": "p", "PolicyDocument": DOCUMENT}


def test_getpolicy_prints_the_document_as_stored_or_pretty() -> None:
    from euare.verbs.inline import document_lines

    assert document_lines([POLICY]) == [DOCUMENT]
    [pretty] = document_lines([POLICY], pretty_print=True)
    assert pretty != DOCUMENT and pretty.startswith("{\n")


def test_listpolicies_prints_names_documents_and_the_trailer_as_asked() -> None:
    from euare.verbs.inline import listing_lines

    assert listing_lines(["p", "q"]) == ["p", "q"]
    assert listing_lines(["p"], trailer=True) == ["p", "IsTruncated: false"]
    assert listing_lines([POLICY]) == ["p", DOCUMENT]
    assert listing_lines([POLICY], names=False) == [DOCUMENT]
    assert listing_lines([POLICY], names=False, pretty_print=True)[0].startswith("{\n")


def test_addpolicy_prints_the_document_sent() -> None:
    from euare.verbs.inline import added_lines

    assert added_lines([POLICY]) == [DOCUMENT]


def test_policylistentities_prints_the_kinds_asked_for() -> None:
    from euare.verbs.managed_policies import entity_lines

    record = {
        "PolicyUsers": [{"UserName": "alice"}],
        "PolicyGroups": [],
        "PolicyRoles": [{"RoleName": "ci"}],
    }
    assert list(entity_lines([record])) == ["users", "\talice", "groups", "roles", "\tci"]
    assert list(entity_lines([record], kinds=["Role"])) == ["roles", "\tci"]


def test_policygetversion_prints_the_document_as_stored_or_pretty() -> None:
    from euare.verbs.policy_versions import version_lines

    version = {"Document": DOCUMENT, "VersionId": "v1"}
    assert list(version_lines([version])) == [DOCUMENT]
    [pretty] = version_lines([version], policy="p", pretty_print=True)
    assert pretty.startswith("{\n")


def test_mfacreate_prints_the_serial_and_the_seed_only_when_the_record_has_it() -> None:
    from euare.verbs.mfa import created_lines

    assert created_lines([{"SerialNumber": "arn:mfa/a"}]) == ["arn:mfa/a"]
    shown = {"SerialNumber": "arn:mfa/a", "Base32StringSeed": "SEED"}
    assert created_lines([shown]) == ["arn:mfa/a", "SEED"]


ANSWER = {
    "Credentials": {
        "AccessKeyId": "ASIA1",
        "SecretAccessKey": "secret",
        "SessionToken": "token",
        "Expiration": WHEN,
    }
}


def test_assumerole_prints_sh_or_csh_code_and_echoes_the_command_line() -> None:
    from euare.verbs.sts import assumed_lines

    argv = ("euare-assumerole", "ops")
    sh = assumed_lines([ANSWER], account="123456789012", argv=argv)
    assert sh[0] == "AWS_ACCESS_KEY_ID=ASIA1; export AWS_ACCESS_KEY_ID;"
    assert "EC2_USER_ID=123456789012; export EC2_USER_ID;" in sh
    assert sh[-1] == "#     eval `euare-assumerole ops`"
    csh = assumed_lines([ANSWER], account="123456789012", csh=True, argv=argv)
    assert csh[0] == "setenv AWS_ACCESS_KEY_ID ASIA1;"


def test_releaserole_prints_sh_or_csh_code_and_echoes_the_command_line() -> None:
    from euare.verbs.sts import SOURCE_AGAIN, released_lines

    argv = ("euare-releaserole",)
    sh = released_lines(["AWS_ACCESS_KEY_ID"], argv=argv)
    assert sh[0] == "unset AWS_ACCESS_KEY_ID;"
    assert sh[-len(SOURCE_AGAIN) - 1] == "#     eval `euare-releaserole`"
    assert released_lines(["AWS_ACCESS_KEY_ID"], csh=True)[0] == "unsetenv AWS_ACCESS_KEY_ID;"


def test_accountsnapshot_prints_the_snapshot_as_written() -> None:
    from euare.state.snapshot import dumps
    from euare.verbs.account_state import snapshot_lines

    snapshot = {"Users": [], "Groups": []}
    assert snapshot_lines([snapshot]) == [dumps(snapshot).rstrip("\n")]
