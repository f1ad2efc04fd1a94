"""The round trip of euare-accountapply, over generated pairs of accounts (issue 23): load A,
apply B (a snapshot of B as loaded), snapshot: accountdiff B says equal; plan B again: nothing
to do.

The pairs share small pools of names, so that most entities are on both sides and differ in
what accountapply changes: users, groups, roles, managed policies with new documents (new
versions), inline policies, attachments, memberships, tags, role boundaries, trust policies,
descriptions, session lengths, instance profiles and their roles, OpenID Connect and SAML
providers, the alias and the password policy. What IAM cannot change in place (a role's or a
policy's path, a policy's description) is fixed per name, as are what plain moto cannot change
yet (a group's path, a user's path, OIDC client IDs; users' boundaries and SAML tags, which it
drops): test_apply_model_gaps.py holds those.

The budget follows the hypothesis profile (tests/conftest.py): 8 examples in make test's.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Home, MotoServer, budget
from tests.support.applied import METADATA, arn, document, load, spec, taken

POLICIES = {"p1": "/", "p2": "/team/", "p3": "/"}
ROLES = {"r1": "/", "r2": "/svc/"}
PROFILES = {"ip1": "/", "ip2": "/x/"}
USERS = {"u1": "/", "u2": "/people/", "u3": "/"}
GROUPS = ("g1", "g2")
DOCUMENTS = [document("s3:GetObject"), document("ec2:Describe*"), document("iam:List*")]
TRUSTS = [
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": f"{s}.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    for s in ("ec2", "lambda")
]
tags = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "2", ""]), max_size=2
).map(lambda found: [{"Key": k, "Value": v} for k, v in sorted(found.items())])
inline = st.dictionaries(st.sampled_from(["i1", "i2"]), st.sampled_from(DOCUMENTS), max_size=2).map(
    lambda found: [{"PolicyName": k, "PolicyDocument": v} for k, v in sorted(found.items())]
)


def subset(names: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(names), unique=True).map(sorted) if names else st.just([])


def attached(policies: list[str]) -> st.SearchStrategy[list[dict[str, str]]]:
    return subset(policies).map(
        lambda names: [{"PolicyName": n, "PolicyArn": arn("policy", n, POLICIES[n])} for n in names]
    )


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, Any]:
    policies = draw(subset(list(POLICIES)))
    groups = draw(subset(list(GROUPS)))
    roles = draw(subset(list(ROLES)))
    boundary = st.none() | st.sampled_from(policies) if policies else st.none()
    role_records = []
    for name in roles:
        record = {
            "RoleName": name,
            "Path": ROLES[name],
            "AssumeRolePolicyDocument": draw(st.sampled_from(TRUSTS)),
            "MaxSessionDuration": draw(st.sampled_from([3600, 7200])),
            "Tags": draw(tags),
            "RolePolicyList": draw(inline),
            "AttachedManagedPolicies": draw(attached(policies)),
        }
        description = draw(st.sampled_from([None, "first", "second"]))
        if description:
            record["Description"] = description
        bound = draw(boundary)
        if bound:
            record["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": arn("policy", bound, POLICIES[bound]),
            }
        role_records.append(record)
    profiles = [
        {
            "InstanceProfileName": name,
            "Path": PROFILES[name],
            "Roles": draw(st.lists(st.sampled_from(roles), max_size=1) if roles else st.just([])),
            "Tags": draw(tags),
        }
        for name in draw(subset(list(PROFILES)))
    ]
    return spec(
        Policies=[
            {
                "PolicyName": n,
                "Path": POLICIES[n],
                "Document": draw(st.sampled_from(DOCUMENTS)),
                "Tags": draw(tags),
            }
            for n in policies
        ],
        Groups=[
            {
                "GroupName": g,
                "GroupPolicyList": draw(inline),
                "AttachedManagedPolicies": draw(attached(policies)),
            }
            for g in groups
        ],
        Users=[
            {
                "UserName": u,
                "Path": USERS[u],
                "Tags": draw(tags),
                "GroupList": draw(subset(groups)),
                "UserPolicyList": draw(inline),
                "AttachedManagedPolicies": draw(attached(policies)),
            }
            for u in draw(subset(list(USERS)))
        ],
        Roles=role_records,
        InstanceProfiles=profiles,
        OpenIDConnectProviders=[
            {
                "Url": "token.example.com",
                "ClientIDList": ["sts.amazonaws.com"],
                "ThumbprintList": draw(
                    st.lists(st.sampled_from(["a" * 40, "b" * 40]), min_size=1, unique=True)
                ),
                "Tags": draw(tags),
            }
        ][: draw(st.integers(0, 1))],
        SAMLProviders=[
            {
                "Name": "sso",
                "SAMLMetadataDocument": draw(
                    st.sampled_from([METADATA, METADATA.replace("example", "sample")])
                ),
            }
        ][: draw(st.integers(0, 1))],
        AccountAliases=draw(st.sampled_from([[], ["alias-a"], ["alias-b"]])),
        PasswordPolicy=draw(
            st.none()
            | st.fixed_dictionaries(
                {"MinimumPasswordLength": st.sampled_from([8, 12]), "RequireSymbols": st.booleans()}
            )
        ),
    )


@settings(
    max_examples=budget(0.3),  # each example loads, applies and snapshots an account
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(accounts(), accounts())
def test_apply_b_to_a_gives_b_and_then_nothing_to_do(
    home: Home, moto_server: MotoServer, a: dict[str, Any], b: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        load(moto_server, b)
        desired = tmp / "b.json"
        taken(home, desired)
        load(moto_server, a)
        done = home.run("accountapply", str(desired), "--yes", "--prune", timeout=180)
        assert done.returncode == 0, done.stderr
        taken(home, tmp / "after.json")
        same = home.run("accountdiff", str(desired), str(tmp / "after.json"))
        assert (same.returncode, same.stdout) == (0, ""), (
            same.stdout,
            json.dumps(a),
            json.dumps(b),
        )
        again = home.run("accountapply", str(desired), "--dry-run", "--prune", timeout=180)
        assert (again.returncode, again.stdout) == (0, ""), again.stdout
