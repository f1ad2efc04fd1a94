"""Endpoint and transport settings: URLs (``REGION::URL``, userinfo, plain http to AWS), the CA
bundle, timeouts and retries, each read from the environment and checked before use."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from euare.core.errors import EuareError
from euare.core.inputs import MAX_LARGE_BYTES, check_file

RETRY_MODES = ("legacy", "standard", "adaptive")


def nonempty(value: str | None) -> str | None:
    """An empty (or all-blank) value counts as unset, as it does in a shell that sourced it."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def split_region(text: str | None) -> str | None:
    """``--region`` accepts euca2ools' ``USER@REGION`` form; only the region part is used."""
    if text is None:
        return None
    return nonempty(text.rpartition("@")[2])


def split_url(url: str | None) -> tuple[str | None, str | None]:
    """``NAME::URL`` names the signing region along with the URL."""
    if url and "::" in url and not url.startswith("::"):
        name, _, rest = url.partition("::")
        if "/" not in name:
            return rest, name
    return url, None


def check_url(url: str, origin: str) -> None:
    """An endpoint must be an http(s) URL naming a host; say so before boto3 trips over it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a bad port
    except ValueError as exc:
        raise EuareError(f"the endpoint URL {url!r} from {origin} is not valid: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EuareError(
            f"the endpoint URL {url!r} from {origin} is not an http:// or "
            "https:// URL naming a host"
        )


def url_password(url: str | None) -> str | None:
    """The password in ``url``'s ``user:password@`` part (percent-decoded), if it has one."""
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url or "").password
    except ValueError:
        return None
    return unquote(password) if password else None


AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def plain_http_to_aws(url: str) -> bool:
    """True for an ``http://`` URL naming an AWS host, where https:// was surely meant."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    return parts.scheme.lower() == "http" and any(
        host.endswith(domain) or host == domain[1:] for domain in AWS_DOMAINS
    )


def ca_bundle(env: Mapping[str, str]) -> str | None:
    """``AWS_CA_BUNDLE``, refused in one line unless it is a file (of at most 16 MiB) or a
    directory of certificates: the TLS library would wait for ever on a FIFO."""
    raw = nonempty(env.get("AWS_CA_BUNDLE"))
    if raw is None:
        return None
    what = "CA bundle (AWS_CA_BUNDLE)"
    check_file(Path(raw), what, MAX_LARGE_BYTES, missing_ok=False, directory_ok=True)
    return raw


def seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = nonempty(env.get(name))
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise EuareError(f"{name} must be a number of seconds between 0 and 3600, not {raw!r}")
    return value


def max_attempts(env: Mapping[str, str]) -> int | None:
    raw = nonempty(env.get("AWS_MAX_ATTEMPTS"))
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise EuareError(f"AWS_MAX_ATTEMPTS must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def retry_mode(env: Mapping[str, str]) -> str:
    raw = nonempty(env.get("AWS_RETRY_MODE")) or "standard"
    if raw not in RETRY_MODES:
        raise EuareError(f"AWS_RETRY_MODE must be one of {', '.join(RETRY_MODES)}, not {raw!r}")
    return raw
