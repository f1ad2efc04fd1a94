"""What euare takes from the AWS CLI's own files, and the files boto3's credential chain reads.

The profile in use gives a CA bundle and a retry budget (``~/.aws/config``, ``AWS_CONFIG_FILE``);
when euare finds no credentials of its own, boto3's chain looks further (the shared credentials
file, a web identity token, a boto config). botocore reads those files itself, so each is
first checked as euare's own readers check what they read (:mod:`euare.core.inputs`): a regular
file of at most 16 MiB, never a FIFO or a device.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from euare.core.errors import EuareError
from euare.core.inputs import MAX_LARGE_BYTES, check_file
from euare.core.settings import Settings


class ProfileSettings(NamedTuple):
    ca_bundle: str | None = None
    max_attempts: int | None = None


def profile_settings(settings: Settings) -> ProfileSettings:
    """``ca_bundle`` and ``max_attempts`` of the AWS profile in use (``--profile``, else
    ``AWS_PROFILE``, else ``default``) from ``~/.aws/config`` (``AWS_CONFIG_FILE``), read
    afresh for every call; the environment (AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS) and the command
    line win over them. A missing file or profile gives neither; a value that is not a number
    is refused in one line."""
    if settings.aws_config is None:
        return ProfileSettings()
    from botocore.configloader import load_config
    from botocore.exceptions import ConfigNotFound, ConfigParseError

    check_file(settings.aws_config, "AWS config file", MAX_LARGE_BYTES)
    try:
        profiles = load_config(str(settings.aws_config)).get("profiles", {})
    except ConfigNotFound:
        return ProfileSettings()
    except ConfigParseError as exc:
        raise EuareError(f"cannot read {settings.aws_config}: {exc}") from None
    section = profiles.get(settings.profile or "default") or {}
    attempts = str(section.get("max_attempts") or "").strip()
    if attempts and not (attempts.isascii() and attempts.isdigit() and int(attempts) >= 1):
        raise EuareError(
            f"max_attempts in {settings.aws_config} must be a whole number of at least 1, "
            f"not {attempts!r}"
        )
    bundle = str(section.get("ca_bundle") or "").strip()
    if bundle:
        where = f"CA bundle (ca_bundle in {settings.aws_config})"
        check_file(Path(os.path.expanduser(bundle)), where, MAX_LARGE_BYTES, directory_ok=True)
    return ProfileSettings(
        os.path.expanduser(bundle) if bundle else None, int(attempts) if attempts else None
    )


def check_session_files(session: Any) -> None:
    """The files a new botocore session reads at its first question (its data path, say): the
    AWS config file and the shared credentials file (whose profiles it merges in), checked
    before it is asked any."""
    _check(
        ("AWS config file", session.get_config_variable("config_file")),
        ("AWS credentials file", session.get_config_variable("credentials_file")),
    )


def _check(*named: tuple[str, str | None]) -> None:
    for what, name in named:  # (botocore takes the names from the environment: no file read)
        if name:
            check_file(Path(os.path.expanduser(name)), what, MAX_LARGE_BYTES)


def data_path_settled(env: Mapping[str, str]) -> bool:
    """Whether a new botocore session would take its data path (where it looks for models) from
    ``env`` alone, reading no file and raising nothing: there is neither an AWS config file nor
    a shared credentials file (a profile in them may name a data path, and
    :func:`check_session_files` checks them first), and ``AWS_DATA_PATH`` is given or no
    profile is named (a profile named must then exist). The data path is then ``AWS_DATA_PATH``
    (or none)."""
    names = (
        env.get("AWS_CONFIG_FILE", "~/.aws/config"),
        env.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
    )
    if any(_may_exist(name) for name in names):
        return False
    return "AWS_DATA_PATH" in env or not {"AWS_DEFAULT_PROFILE", "AWS_PROFILE"} & env.keys()


def _may_exist(name: str) -> bool:
    """Whether there may be a file at ``name``, as euare checks it (``~`` expanded) or as
    botocore reads it (variables expanded too)."""
    for path in {os.path.expanduser(name), os.path.expanduser(os.path.expandvars(name))}:
        try:
            os.stat(path)
        except FileNotFoundError:
            continue
        except OSError:
            pass  # a path that cannot be looked at: the session and its checks say why
        return True
    return False


def chain_credentials(session: Any, profile: str | None) -> Any:
    """boto3's own chain's credentials (None: none found), its files checked first; their
    secret key and token are registered as secrets (euare.core.sensitive: "chain")."""
    from botocore.exceptions import ProfileNotFound

    _check(  # what only the chain reads
        ("web identity token file", os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")),
        ("boto config file (BOTO_CONFIG)", os.environ.get("BOTO_CONFIG")),
    )
    try:
        found = session.get_credentials()
    except ProfileNotFound:
        raise EuareError(
            f"no AWS profile named {profile} (in ~/.aws/config or ~/.aws/credentials)"
        ) from None
    if found is not None:
        from euare.core.redact import register_secret

        frozen = found.get_frozen_credentials()
        register_secret("chain", frozen.secret_key, frozen.token)
    return found
