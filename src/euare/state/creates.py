"""How each kind of entity is made (euare.state.steps): the IAM create, with the entity's
path, tags, boundary and documents, and the euare command that sends the same."""

from __future__ import annotations

from typing import Any

from euare.state.diff import Entity
from euare.state.plan import ENTITIES, POLICIES, tag_words, text_of, words

Made = tuple[int, str, dict[str, Any], list[str], "str | None"]


def create(entity: Entity) -> Made | None:
    """(phase, operation, parameters, command line, standard input) of ``entity``'s create;
    None for a kind euare never makes (certificates, MFA devices: credentials)."""
    record, name = entity.record, entity.name
    path = str(record.get("Path") or "/")
    stdin: str | None = None
    phase = ENTITIES
    params: dict[str, Any]
    key = entity.kind.key
    if key == "Users":
        operation, params = "CreateUser", {"UserName": name, "Path": path}
        argv = ["usercreate", name, "-p", path]
    elif key == "Groups":
        operation, params = "CreateGroup", {"GroupName": name, "Path": path}
        argv = ["groupcreate", name, "-p", path]
    elif key == "Roles":
        document = text_of(record.get("AssumeRolePolicyDocument"))
        operation = "CreateRole"
        params = {"RoleName": name, "Path": path, "AssumeRolePolicyDocument": document}
        argv, stdin = ["rolecreate", name, "-p", path, "-f", "-"], document + "\n"
    elif key == "InstanceProfiles":
        operation, params = "CreateInstanceProfile", {"InstanceProfileName": name, "Path": path}
        argv = ["instanceprofilecreate", name, "-p", path]
    elif key == "Policies":
        document = text_of(record.get("Document"))
        operation, phase = "CreatePolicy", POLICIES
        params = {"PolicyName": name, "Path": path, "PolicyDocument": document}
        argv = ["policycreate", name, "-p", path, "-o", document]
        if record.get("Description"):
            params["Description"] = record["Description"]
            argv += ["--description", str(record["Description"])]
    elif key == "OpenIDConnectProviders":
        url = name if "://" in name else f"https://{name}"
        clients = [str(c) for c in record.get("ClientIDList") or []]
        prints = [str(t) for t in record.get("ThumbprintList") or []]
        operation = "CreateOpenIDConnectProvider"
        params = {"Url": url, "ClientIDList": clients, "ThumbprintList": prints}
        argv = ["oidcprovidercreate", url, *words("-c", clients), *words("-t", prints)]
    elif key == "SAMLProviders":
        metadata = str(record.get("SAMLMetadataDocument") or "")
        operation, params = "CreateSAMLProvider", {"Name": name, "SAMLMetadataDocument": metadata}
        argv, stdin = ["samlprovidercreate", name, "-f", "-"], metadata
    else:
        return None
    tags = [{"Key": t["Key"], "Value": t.get("Value", "")} for t in record.get("Tags") or []]
    if tags and key != "Groups":
        params["Tags"] = tags
        argv += tag_words(tags, "--tag")
    boundary = (record.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary and key in ("Users", "Roles"):
        params["PermissionsBoundary"] = boundary
        argv += ["--boundary", str(boundary)]
    return phase, operation, params, argv, stdin
