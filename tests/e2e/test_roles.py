"""Roles: create (trust policy from -s, -f FILE or -f -), read back, list, change the trust
policy, inline policies, and delete (plain, -p, -c).

moto is more lenient than AWS in one way that matters here: CreateRole accepts any trust policy
(AWS refuses one without a Principal), so the tests that a bad policy is refused locally look at
the requests on the wire through the ``proxy`` fixture.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Home, one_error_line
from tests.support.documents import TRUST

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
EC2_TRUST = TRUST  # the shared trust document: EC2 may assume the role
DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)
NO_PRINCIPAL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
)


def trust_of(iam: Any, role: str) -> Any:
    return iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]


def sent(proxy: Any, action: str) -> list[dict[str, str]]:
    """The parameters of every ``action`` request that went through the proxy."""
    return [form for form in proxy.forms if form.get("Action") == action]


# --- rolecreate ----------------------------------------------------------------------------------


def test_rolecreate_from_service_lets_that_service_assume_the_role(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "web", "-s", "ec2.amazonaws.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    (statement,) = trust_of(iam, "web")["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    assert statement["Action"] == ["sts:AssumeRole"]


def test_rolecreate_sets_the_path(home: Home, iam: Any) -> None:
    assert home.run("rolecreate", "web", "-s", "ec2.amazonaws.com", "-p", "/svc/").returncode == 0
    assert iam.get_role(RoleName="web")["Role"]["Path"] == "/svc/"


def test_rolecreate_verbose_prints_arn_id_and_the_stored_trust_policy(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "web", "--service", "ec2.amazonaws.com", "--verbose")
    assert result.returncode == 0, result.stderr
    role = iam.get_role(RoleName="web")["Role"]
    assert len(result.lines) == 3
    assert result.lines[:2] == [role["Arn"], role["RoleId"]]
    assert json.loads(result.lines[2]) == role["AssumeRolePolicyDocument"]


def test_rolecreate_sends_a_trust_policy_file_unchanged(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    text = json.dumps(LAMBDA_TRUST, indent=2) + "\n"
    path = proxied_home.write("trust.json", text)
    result = proxied_home.run("rolecreate", "fn", "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert [f["AssumeRolePolicyDocument"] for f in sent(proxy, "CreateRole")] == [text]
    assert trust_of(iam, "fn") == LAMBDA_TRUST


def test_rolecreate_reads_the_trust_policy_from_stdin(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "fn", "--trust-policy", "-", input=json.dumps(LAMBDA_TRUST))
    assert result.returncode == 0, result.stderr
    assert trust_of(iam, "fn") == LAMBDA_TRUST


def test_rolecreate_accepts_the_hidden_service_underscore_alias(home: Home, iam: Any) -> None:
    result = home.run("rolecreate", "web", "--service_", "ec2.amazonaws.com")
    assert result.returncode == 0, result.stderr
    principal = trust_of(iam, "web")["Statement"][0]["Principal"]
    assert principal == {"Service": ["ec2.amazonaws.com"]}
    assert "--service_" not in home.run("rolecreate", "--help").stdout


def test_rolecreate_refuses_a_trust_policy_without_principal_before_sending(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """moto would accept this policy; AWS refuses it. Nothing may reach the server."""
    path = proxied_home.write("bad.json", NO_PRINCIPAL)
    result = proxied_home.run("rolecreate", "fn", "-f", str(path))
    assert "Statement[0] needs Principal or NotPrincipal" in one_error_line(
        result, "rolecreate", status=2
    )
    assert proxy.actions == []
    assert iam.list_roles()["Roles"] == []


def test_rolecreate_refuses_invalid_json_before_sending(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("rolecreate", "fn", "-f", "-", input='{"Statement": [')
    line = one_error_line(result, "rolecreate", status=2)
    assert "trust policy read from standard input is not valid JSON" in line
    assert proxy.actions == []


def test_rolecreate_reports_a_missing_trust_policy_file(home: Home, tmp_path: Any) -> None:
    missing = tmp_path / "nowhere.json"
    line = one_error_line(home.run("rolecreate", "fn", "-f", str(missing)), "rolecreate")
    assert str(missing) in line


def test_rolecreate_needs_a_trust_policy_source(proxied_home: Home, proxy: Any) -> None:
    result = proxied_home.run("rolecreate", "fn")
    assert result.returncode == 2
    assert "one of -f/--trust-policy, -s/--service is required" in result.stderr
    assert "--service_" not in result.stderr
    assert proxy.actions == []


@pytest.mark.parametrize(
    "sources",
    [
        ["-s", "ec2.amazonaws.com", "-f", "x.json"],
        ["-s", "ec2.amazonaws.com", "--service_", "ec2.amazonaws.com"],
    ],
)
def test_rolecreate_refuses_two_trust_policy_sources(
    home: Home, iam: Any, sources: list[str]
) -> None:
    result = home.run("rolecreate", "fn", *sources)
    assert result.returncode == 2 and "cannot be used together" in result.stderr
    assert iam.list_roles()["Roles"] == []


@pytest.mark.parametrize("dummy", [[], ["-r"], ["--role-name"]])
def test_rolecreate_takes_the_role_after_its_dummy_flag(
    home: Home, iam: Any, dummy: list[str]
) -> None:
    result = home.run("rolecreate", *dummy, "web", "-s", "ec2.amazonaws.com")
    assert result.returncode == 0, result.stderr
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["web"]


# --- rolegetattributes, rolelistbypath -----------------------------------------------------------


def test_rolegetattributes_prints_arn_id_and_trust_policy(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    role = iam.get_role(RoleName="a")["Role"]
    result = home.run("rolegetattributes", "-r", "a")
    assert result.returncode == 0, result.stderr
    assert len(result.lines) == 3
    assert result.lines[:2] == [role["Arn"], role["RoleId"]]
    assert json.loads(result.lines[2]) == role["AssumeRolePolicyDocument"]


def test_rolegetattributes_decodes_the_trust_policy_exactly_once(home: Home, iam: Any) -> None:
    """IAM percent-encodes the document; a literal %41 in it must come out as %41, not A."""
    trust = json.loads(EC2_TRUST)
    trust["Statement"][0]["Condition"] = {"StringEquals": {"sts:ExternalId": "a%41 b&c"}}
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=json.dumps(trust))
    shown = json.loads(home.run("rolegetattributes", "a").lines[2])
    assert shown["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == "a%41 b&c"


def test_rolegetattributes_of_a_missing_role_is_one_error_line(home: Home) -> None:
    line = one_error_line(home.run("rolegetattributes", "nobody"), "rolegetattributes")
    assert "(NoSuchEntity)" in line


def test_rolelistbypath_filters_by_path_prefix(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", Path="/x/", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_role(RoleName="b", AssumeRolePolicyDocument=EC2_TRUST)
    arn_a = iam.get_role(RoleName="a")["Role"]["Arn"]
    arn_b = iam.get_role(RoleName="b")["Role"]["Arn"]
    assert home.run("rolelistbypath", "-p", "/x/").lines == [arn_a]
    assert sorted(home.run("rolelistbypath").lines) == sorted([arn_a, arn_b])


def test_rolelistbypath_reads_every_page(proxied_home: Home, proxy: Any, iam: Any) -> None:
    """moto pages ListRoles by 100, as AWS does."""
    names = {f"role{i:03d}" for i in range(105)}
    for name in names:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=EC2_TRUST)
    result = proxied_home.run("rolelistbypath")
    assert result.returncode == 0, result.stderr
    assert {line.rsplit("/", 1)[1] for line in result.lines} == names
    assert proxy.actions.count("ListRoles") == 2


# --- roleupdateassumepolicy ----------------------------------------------------------------------


def test_roleupdateassumepolicy_from_service(home: Home, iam: Any) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    result = home.run("roleupdateassumepolicy", "a", "-s", "lambda.amazonaws.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    principal = trust_of(iam, "a")["Statement"][0]["Principal"]
    assert principal == {"Service": ["lambda.amazonaws.com"]}


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_roleupdateassumepolicy_from_a_file_or_stdin(home: Home, iam: Any, how: str) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    text = json.dumps(LAMBDA_TRUST)
    source = str(home.write("trust.json", text)) if how == "file" else "-"
    result = home.run(
        "roleupdateassumepolicy", "a", "-f", source, input=text if how == "stdin" else None
    )
    assert result.returncode == 0, result.stderr
    assert trust_of(iam, "a") == LAMBDA_TRUST


def test_roleupdateassumepolicy_o_prints_the_policy_sent(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    result = proxied_home.run("roleupdateassumepolicy", "a", "-s", "lambda.amazonaws.com", "-o")
    assert result.returncode == 0, result.stderr
    (form,) = sent(proxy, "UpdateAssumeRolePolicy")
    assert result.stdout == form["PolicyDocument"] + "\n"
    assert json.loads(result.stdout) == trust_of(iam, "a")


def test_roleupdateassumepolicy_never_sends_a_verbose_parameter(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    """euca2ools sent -o to the server as verbose=true (spec §8.4)."""
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    assert proxied_home.run("roleupdateassumepolicy", "a", "-s", "x.amazonaws.com", "-o").lines
    (form,) = sent(proxy, "UpdateAssumeRolePolicy")
    assert set(form) == {"Action", "Version", "RoleName", "PolicyDocument"}


def test_roleupdateassumepolicy_refuses_a_bad_policy_before_sending(
    proxied_home: Home, proxy: Any, iam: Any
) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    result = proxied_home.run("roleupdateassumepolicy", "a", "-f", "-", input=NO_PRINCIPAL)
    line = one_error_line(result, "roleupdateassumepolicy", status=2)
    assert "needs Principal or NotPrincipal" in line
    assert proxy.actions == []
    assert trust_of(iam, "a") == json.loads(EC2_TRUST)


def test_roleupdateassumepolicy_needs_one_source(home: Home) -> None:
    result = home.run("roleupdateassumepolicy", "a")
    assert result.returncode == 2
    assert "one of -f, -s/--service is required" in result.stderr


# --- inline policies -----------------------------------------------------------------------------


@pytest.fixture
def role_a(iam: Any) -> str:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    return "a"


def test_roleaddpolicy_takes_resources_with_c(home: Home, iam: Any, role_a: str) -> None:
    result = home.run(
        "roleaddpolicy",
        "-r",
        role_a,
        "-p",
        "p",
        "-e",
        "Allow",
        "-a",
        "s3:*",
        "-c",
        "arn:aws:s3:::b1",
        "--resource",
        "arn:aws:s3:::b2",
        "-o",
    )
    assert result.returncode == 0, result.stderr
    stored = iam.get_role_policy(RoleName=role_a, PolicyName="p")["PolicyDocument"]
    assert json.loads(result.stdout) == stored
    assert [s["Resource"] for s in stored["Statement"]] == ["arn:aws:s3:::b1", "arn:aws:s3:::b2"]


def test_roleuploadpolicy_from_a_file(home: Home, iam: Any, role_a: str) -> None:
    path = home.write("p.json", DOC)
    assert home.run("roleuploadpolicy", role_a, "-p", "p", "-f", str(path)).returncode == 0
    stored = iam.get_role_policy(RoleName=role_a, PolicyName="p")["PolicyDocument"]
    assert stored == json.loads(DOC)


def test_rolelistpolicies_ends_with_the_istruncated_line(home: Home, iam: Any, role_a: str) -> None:
    iam.put_role_policy(RoleName=role_a, PolicyName="p1", PolicyDocument=DOC)
    iam.put_role_policy(RoleName=role_a, PolicyName="p2", PolicyDocument=DOC)
    assert home.run("rolelistpolicies", role_a).lines == ["p1", "p2", "IsTruncated: false"]


def test_rolegetpolicy_prints_the_document(home: Home, iam: Any, role_a: str) -> None:
    iam.put_role_policy(RoleName=role_a, PolicyName="p", PolicyDocument=DOC)
    result = home.run("rolegetpolicy", role_a, "-p", "p")
    assert json.loads(result.stdout) == json.loads(DOC)


def test_roledelpolicy_deletes_the_policy(home: Home, iam: Any, role_a: str) -> None:
    iam.put_role_policy(RoleName=role_a, PolicyName="p", PolicyDocument=DOC)
    assert home.run("roledelpolicy", "--role-name", role_a, "-p", "p").returncode == 0
    assert iam.list_role_policies(RoleName=role_a)["PolicyNames"] == []


# --- roledel -------------------------------------------------------------------------------------


@pytest.fixture
def loaded_role(iam: Any) -> dict[str, str]:
    """A role 'app' in an instance profile, with an inline and a managed policy."""
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=DOC)
    managed = iam.create_policy(PolicyName="m", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app", PolicyArn=managed)
    profile = iam.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    return {"profile": profile["Arn"], "managed": managed}


@pytest.mark.parametrize("dummy", [[], ["-r"], ["--role-name"]])
def test_roledel_deletes_a_bare_role(home: Home, iam: Any, dummy: list[str]) -> None:
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=EC2_TRUST)
    result = home.run("roledel", *dummy, "a")
    assert result.returncode == 0, result.stderr
    assert iam.list_roles()["Roles"] == []


def test_roledel_p_lists_everything_attached(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    result = home.run("roledel", "app", "-p")
    assert result.returncode == 0, result.stderr
    assert result.lines == [
        "instance profiles",
        f"\t{loaded_role['profile']}",
        "policies",
        "\tinline",
        "attachedpolicies",
        f"\t{loaded_role['managed']}",
    ]


def test_roledel_p_changes_nothing(
    proxied_home: Home, proxy: Any, iam: Any, loaded_role: dict[str, str]
) -> None:
    assert proxied_home.run("roledel", "--pretend", "app").returncode == 0
    assert all(a.startswith(("List", "Get")) for a in proxy.actions), proxy.actions
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["inline"]
    assert len(iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]) == 1
    assert len(iam.list_instance_profiles_for_role(RoleName="app")["InstanceProfiles"]) == 1


def test_roledel_c_removes_everything_and_the_role(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    result = home.run("roledel", "-r", "app", "-c")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert iam.list_roles()["Roles"] == []
    profile = iam.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    assert profile["Roles"] == []
    assert iam.get_policy(PolicyArn=loaded_role["managed"])["Policy"]["AttachmentCount"] == 0


def test_roledel_c_removes_attachments_before_deleting_the_role(
    proxied_home: Home, proxy: Any, loaded_role: dict[str, str]
) -> None:
    assert proxied_home.run("roledel", "app", "--recursive").returncode == 0
    changes = [a for a in proxy.actions if not a.startswith(("List", "Get"))]
    # The removals run at the same time (--jobs), in any order; the role goes last.
    assert sorted(changes[:-1]) == [
        "DeleteRolePolicy",
        "DetachRolePolicy",
        "RemoveRoleFromInstanceProfile",
    ]
    assert changes[-1] == "DeleteRole"
    assert sent(proxy, "DeleteRolePolicy")[0]["PolicyName"] == "inline"
    assert sent(proxy, "RemoveRoleFromInstanceProfile")[0]["InstanceProfileName"] == "app-profile"


def test_roledel_without_c_is_refused_while_attached(
    home: Home, iam: Any, loaded_role: dict[str, str]
) -> None:
    assert "(DeleteConflict)" in one_error_line(home.run("roledel", "app"), "roledel")
    assert iam.get_role(RoleName="app")["Role"]["RoleName"] == "app"
