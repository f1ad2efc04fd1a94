"""Where euare's credentials, endpoint and region come from.

This module owns the loader: command-line flags, then the environment, then the credential file
(``AWS_CREDENTIAL_FILE`` or ``~/.iamrc``), then ``~/.eucarc``. It reads files (through
:mod:`euare.core.inputs` and :mod:`euare.core.eucarc`) but never executes them, never touches the
network
and never imports boto3, so ``--help`` stays cheap and every rule here can be tested with plain
dictionaries. boto3's own chain (profiles, instance roles) is the
last resort and lives in :mod:`euare.call.client`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from euare.core.endpoint import (
    AWS_DOMAINS as AWS_DOMAINS,
)
from euare.core.endpoint import (
    RETRY_MODES as RETRY_MODES,
)
from euare.core.endpoint import (
    ca_bundle,
    check_url,
    max_attempts,
    plain_http_to_aws,
    retry_mode,
    seconds,
    split_region,
    split_url,
    url_password,
)
from euare.core.endpoint import nonempty as _nonempty
from euare.core.errors import EuareError
from euare.core.eucarc import expand as expand
from euare.core.eucarc import parse_eucarc as parse_eucarc
from euare.core.inputs import MAX_FILE_BYTES as MAX_FILE_BYTES
from euare.core.inputs import LoaderError as LoaderError
from euare.core.inputs import read_stream as read_stream
from euare.core.inputs import read_text as read_text

DEFAULT_REGION = "us-east-1"
ACCESS_KEY_VARS = ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "EC2_ACCESS_KEY")
SECRET_KEY_VARS = ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "EC2_SECRET_KEY")
TOKEN_VARS = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
ENDPOINT_VARS = {
    "iam": ("EUARE_URL", "AWS_IAM_URL"),
    "sts": ("TOKEN_URL", "AWS_STS_URL"),
    # --org's accounts: botocore's own variables (its profile's ``services`` section, read by
    # botocore itself when none of these is set, gives the rest of what any AWS tool follows)
    "organizations": ("AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL"),
}
# -U is IAM's URL (and STS's, as euca2ools had it); another service never goes there
URL_FLAG_SERVICES = ("iam", "sts")
REGION_VARS = ("EUCA_DEFAULT_REGION", "AWS_DEFAULT_REGION")
# Shell completion's fetch of names (euare.cli.names): how long a TAB waits for them, at most.
COMPLETION_TIMEOUT_VAR = "EUARE_COMPLETION_TIMEOUT"
COMPLETION_TIMEOUT = 2.0


def completion_timeout(env: Mapping[str, str]) -> float:
    """Seconds a TAB may wait for the account's names: ``EUARE_COMPLETION_TIMEOUT`` (above 0, up
    to 3600), else :data:`COMPLETION_TIMEOUT`. A value that is no such number counts as not
    given, since a TAB prints no error."""
    try:
        return seconds(env, COMPLETION_TIMEOUT_VAR, COMPLETION_TIMEOUT)
    except EuareError:
        return COMPLETION_TIMEOUT


@dataclass(frozen=True)
class Flags:
    """What the global command-line options said (None where an option was not given)."""

    url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_key: str | None = None
    security_token: str | None = None
    no_verify_tls: bool = False
    profile: str | None = None


@dataclass
class Settings:
    """The loader's answer. ``sources`` says where each value came from, for --debug and errors."""

    access_key_id: str | None
    secret_key: str | None
    token: str | None
    endpoint: str | None
    region: str
    sources: dict[str, str] = field(default_factory=dict)
    looked_at: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    max_attempts: int | None = None
    retry_mode: str = "standard"
    service: str = "iam"
    credential_file: Path | None = None  # the file euare reads (or would read) credentials from
    verify: bool | str = True  # TLS: verify (True), not (False), or against this CA bundle
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    call_timeout: float = 60.0  # one call, all its attempts together (euare.call.deadline)
    profile: str | None = None  # the AWS profile: --profile, else AWS_PROFILE (euare.call.client)
    aws_config: Path | None = None  # AWS_CONFIG_FILE, else ~/.aws/config: the profiles' settings

    def __post_init__(self) -> None:
        """Whoever makes a Settings (the loader, a reload, dataclasses.replace with a new key),
        its secrets are registered (euare.core.sensitive: "credentials")."""
        from euare.core.redact import register_secret

        register_secret("credentials", self.secret_key, self.token, url_password(self.endpoint))

    @property
    def has_credentials(self) -> bool:
        return bool(self.access_key_id and self.secret_key)


def _first(env: Mapping[str, str | None], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        value = _nonempty(env.get(name))
        if value is not None:
            return name, value
    return None


def _exists(path: Path) -> bool:
    """``Path.exists``, but True when the system cannot tell (say, a name too long to look up).

    Such a path then goes on to :func:`read_text`, which reports why as a LoaderError, instead of
    ``Path.exists`` raising a bare OSError out of the loader.
    """
    try:
        return path.exists()
    except OSError:
        return True


def _permission_warning(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"warning: {path} can be read by other users; run 'chmod 600 {path}' to fix that"
    return None


def parse_iamrc(text: str) -> dict[str, str]:
    """Parse ``AWSAccessKeyId=`` / ``AWSSecretKey=`` lines; the first occurrence of a key wins.
    The secret key is registered as a secret (euare.core.sensitive: "iamrc")."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"\s+#.*$", "", line)
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values.setdefault(key, value)
    if values.get("AWSSecretKey"):
        from euare.core.redact import register_secret

        register_secret("iamrc", values["AWSSecretKey"])
    return values


class _Finder:
    """Tries the credential sources in order, recording each place it looked."""

    def __init__(self, env: Mapping[str, str], home: Path) -> None:
        self.env = env
        self.home = home
        self.looked_at: list[str] = []
        self.warnings: list[str] = []
        self._eucarc: dict[str, str] | None = None

    def path(self, value: str) -> Path:
        return Path(expand(value, self.env, self.home))

    @property
    def eucarc(self) -> dict[str, str]:
        if self._eucarc is None:
            self._eucarc = {}
            path = self.home / ".eucarc"
            if _exists(path):
                self._eucarc = parse_eucarc(read_text(path, "eucarc"), path, self.env, self.home)
        return self._eucarc

    def warn(self, path: Path) -> None:
        message = _permission_warning(path)
        if message and message not in self.warnings:
            self.warnings.append(message)

    def from_file(self, path: Path, origin: str, required: bool) -> tuple[str, str, str] | None:
        self.looked_at.append(f"{path} ({origin})")
        if not _exists(path) and not path.is_symlink():
            if required:
                raise LoaderError(f"credential file {path} (named by {origin}) does not exist")
            return None
        values = parse_iamrc(read_text(path, "credential file"))
        key = _nonempty(values.get("AWSAccessKeyId"))
        secret = _nonempty(values.get("AWSSecretKey"))
        if key and secret:
            self.warn(path)
            return key, secret, f"{path} (named by {origin})"
        return None

    def from_vars(
        self, values: Mapping[str, str], where: str
    ) -> tuple[str, str, str | None, str] | None:
        key = _first(values, ACCESS_KEY_VARS)
        secret = _first(values, SECRET_KEY_VARS)
        token = _first(values, TOKEN_VARS)
        if key and secret:
            return key[1], secret[1], token[1] if token else None, f"{where} {key[0]}/{secret[0]}"
        return None


def load(
    flags: Flags,
    env: Mapping[str, str],
    home: Path | None = None,
    service: str = "iam",
) -> Settings:
    """Work out credentials, endpoint and region for ``service`` ("iam", "sts" or
    "organizations").

    Precedence for each value: flags, the environment, the credential file, ``~/.eucarc``. An
    incomplete source (a key without its secret) is passed over whole. When nothing yields
    credentials, ``access_key_id`` stays None and the client falls back to boto3's own chain.
    """
    home = home if home is not None else Path(env.get("HOME") or os.path.expanduser("~"))
    finder = _Finder(env, home)
    sources: dict[str, str] = {}

    key = secret = token = None
    credential_file: Path | None = None  # the file euare reads (or would read) credentials from
    profile = _nonempty(flags.profile) or _nonempty(env.get("AWS_PROFILE"))
    if flags.profile and (flags.access_key_id or flags.secret_key):
        raise EuareError("--profile and -I/-S cannot be used together")
    if flags.profile:  # chosen on the command line: before every other source, as -I/-S are
        sources["credentials"] = f"command line (--profile {flags.profile})"
        finder.looked_at.append(f"--profile {flags.profile}")
    elif flags.access_key_id or flags.secret_key:
        if not flags.secret_key:
            raise EuareError("missing secret key; please supply one with -S")
        if not flags.access_key_id:
            raise EuareError("missing access key ID; please supply one with -I")
        key, secret, token = flags.access_key_id, flags.secret_key, flags.security_token
        sources["credentials"] = "command line (-I/-S)"
    finder.looked_at.append("-I/-S options")

    if key is None and not flags.profile:
        finder.looked_at.append("environment (" + ", ".join(ACCESS_KEY_VARS) + ")")
        found = finder.from_vars(env, "environment")
        if found:
            key, secret, token, sources["credentials"] = found

    named = _nonempty(env.get("AWS_CREDENTIAL_FILE"))
    if named:
        credential_file = finder.path(named)
    elif _exists(home / ".iamrc"):
        credential_file = home / ".iamrc"
    if key is None and not flags.profile:
        if named:
            got = finder.from_file(finder.path(named), "AWS_CREDENTIAL_FILE", required=True)
        else:
            got = finder.from_file(home / ".iamrc", "default", required=False)
        if got:
            key, secret, sources["credentials"] = got

    eucarc_path = home / ".eucarc"
    if key is None and not flags.profile:
        finder.looked_at.append(f"{eucarc_path}")
        found = finder.from_vars(finder.eucarc, str(eucarc_path))
        if found:
            key, secret, token, sources["credentials"] = found
            finder.warn(eucarc_path)
        else:
            named = _nonempty(finder.eucarc.get("AWS_CREDENTIAL_FILE"))
            if named:
                got = finder.from_file(Path(named), f"{eucarc_path}", required=False)
                if got:
                    key, secret, sources["credentials"] = got
                    credential_file = Path(named)

    if key is not None and flags.security_token:  # the flag beats any token found with the key
        token = flags.security_token

    url, signing_region = split_url(flags.url if service in URL_FLAG_SERVICES else None)
    endpoint = _nonempty(url)
    if endpoint:
        sources["endpoint"] = "command line (-U)"
    else:
        for scope, where in ((env, "environment"), (finder.eucarc, str(eucarc_path))):
            found_url = _first(scope, ENDPOINT_VARS[service])
            if found_url:
                endpoint, signing_region = split_url(found_url[1])
                sources["endpoint"] = f"{where} {found_url[0]}"
                break
    if not endpoint:
        sources["endpoint"] = "AWS default"
    else:
        check_url(endpoint, sources["endpoint"])
        if plain_http_to_aws(endpoint):
            finder.warnings.append(
                f"warning: the endpoint {endpoint} reaches AWS over plain http://, "
                "unencrypted; use https://"
            )

    region = signing_region
    if region:
        sources["region"] = "URL prefix (NAME::URL)"
    else:
        region = split_region(flags.region)
        if region:
            sources["region"] = "command line (--region)"
    if not region:
        for scope, where in ((env, "environment"), (finder.eucarc, str(eucarc_path))):
            found_region = _first(scope, REGION_VARS)
            if found_region:
                region = found_region[1]
                sources["region"] = f"{where} {found_region[0]}"
                break
    if not region:
        region = DEFAULT_REGION
        sources["region"] = "default"

    return Settings(
        access_key_id=key,
        secret_key=secret,
        token=token,
        endpoint=endpoint,
        region=region,
        sources=sources,
        looked_at=finder.looked_at,
        warnings=finder.warnings,
        max_attempts=max_attempts(env),
        retry_mode=retry_mode(env),
        service=service,
        credential_file=credential_file,
        verify=False if flags.no_verify_tls else (ca_bundle(env) or True),
        connect_timeout=seconds(env, "EUARE_CONNECT_TIMEOUT", 10.0),
        read_timeout=seconds(env, "EUARE_READ_TIMEOUT", 30.0),
        call_timeout=seconds(env, "EUARE_CALL_TIMEOUT", 60.0),
        profile=profile,
        aws_config=Path(
            _nonempty(env.get("AWS_CONFIG_FILE")) or home / ".aws" / "config"
        ).expanduser(),
    )
