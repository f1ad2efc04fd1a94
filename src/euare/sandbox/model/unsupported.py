"""What the sandbox does not model: the IAM and STS operations neither moto nor the model serves.
Each is answered as IAM answers an action it does not have: ``InvalidAction`` (HTTP 400),
"Could not find operation NAME for version VERSION", which clients report in one line and do
not retry, and which euare takes for "this endpoint has no such API" (euare.core.outcome).

The lists are data: ``euare-sandbox --help`` names the families, docs/sandbox.md every
operation, and tests/unit/test_sandbox_model.py holds them against botocore's models, moto and
the model's rules (so a new moto or botocore that changes them fails there, not silently)."""

from __future__ import annotations

from euare.sandbox.model.context import Context, Rules
from euare.sandbox.model.wire import VERSIONS, Answer, Call, Refusal

IAM = (
    "AcceptDelegationRequest",
    "AcquireRole",
    "AssociateDelegationRequest",
    "CreateDelegationRequest",
    "CreateWorkloadIdentityProvider",
    "CreateWorkloadIdentityProviderOutboundSigner",
    "CreateWorkloadIdentityTemplate",
    "DeleteWorkloadIdentityProvider",
    "DeleteWorkloadIdentityProviderOutboundSigner",
    "DeleteWorkloadIdentityProviderResourcePolicy",
    "DeleteWorkloadIdentityTemplate",
    "DeleteWorkloadIdentityTemplateAttestationPolicy",
    "DisableOrganizationLevelResources",
    "DisableOrganizationsRootCredentialsManagement",
    "DisableOrganizationsRootSessions",
    "DisableOutboundWebIdentityFederation",
    "DisableWorkloadIdentityProviderOutboundSigner",
    "EnableOrganizationLevelResources",
    "EnableOrganizationsRootCredentialsManagement",
    "EnableOrganizationsRootSessions",
    "EnableOutboundWebIdentityFederation",
    "EnableWorkloadIdentityProviderOutboundSigner",
    "GenerateOrganizationsAccessReport",
    "GenerateServiceLastAccessedDetails",
    "GetAccountProperties",
    "GetDelegationRequest",
    "GetHumanReadableSummary",
    "GetMFADevice",
    "GetOrganizationsAccessReport",
    "GetOutboundWebIdentityFederationInfo",
    "GetRoleTemplateVersion",
    "GetServiceLastAccessedDetails",
    "GetServiceLastAccessedDetailsWithEntities",
    "GetWorkloadIdentityProvider",
    "GetWorkloadIdentityProviderDeletionStatus",
    "GetWorkloadIdentityProviderResourcePolicy",
    "GetWorkloadIdentityTemplate",
    "GetWorkloadIdentityTemplateAttestationPolicy",
    "ListDelegationRequests",
    "ListOrganizationsFeatures",
    "ListPoliciesGrantingServiceAccess",
    "ListWorkloadIdentityProviderOutboundSigners",
    "ListWorkloadIdentityProviderTags",
    "ListWorkloadIdentityProviders",
    "ListWorkloadIdentityTemplateTags",
    "ListWorkloadIdentityTemplates",
    "PutAccountProperties",
    "PutWorkloadIdentityProviderResourcePolicy",
    "PutWorkloadIdentityTemplateAttestationPolicy",
    "RejectDelegationRequest",
    "SendDelegationToken",
    "SetSecurityTokenServicePreferences",
    "TagWorkloadIdentityProvider",
    "TagWorkloadIdentityTemplate",
    "UntagWorkloadIdentityProvider",
    "UntagWorkloadIdentityTemplate",
    "UpdateDelegationRequest",
    "UpdateOpenIDConnectProvider",
    "UpdateServerCertificate",
    "UpdateWorkloadIdentityProviderOutboundSigner",
)
STS = (
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetCertificate",
    "GetDelegatedAccessToken",
    "GetScopedCredentials",
    "GetTrustBundles",
    "GetWebIdentityToken",
    "IssueWorkloadIdentityContext",
)
NOT_MODELLED = {"iam": IAM, "sts": STS}
# The families, for euare-sandbox --help (docs/sandbox.md lists every operation).
FAMILIES = (
    "UpdateServerCertificate",
    "GetMFADevice",
    "service and organizations access reports",
    "delegation requests",
    "workload identity providers and templates",
    "organizations root credentials, sessions and features",
    "outbound web identity federation",
    "account properties",
    "AssumeRoot and other newer STS calls",
)


def invalid_action(context: Context, call: Call) -> Answer:
    version = VERSIONS.get(call.service, "")
    raise Refusal("InvalidAction", f"Could not find operation {call.action} for version {version}")


def register(rules: Rules) -> None:
    """Each operation not modelled answered as IAM answers one it does not have (an STS one
    only for STS: IAM's and STS's operations do not share names)."""
    for service, operations in NOT_MODELLED.items():
        for operation in operations:
            rules.serve(operation)(_for(service))


def _for(service: str):  # type: ignore[no-untyped-def]
    def answering(context: Context, call: Call) -> Answer:
        if call.service != service:
            return context.moto(call)
        return invalid_action(context, call)

    return answering
