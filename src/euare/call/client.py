"""The thin layer between euare and boto3: building clients, calling them, walking pages.

boto3 is imported here and only when a client is first built, so ``--help`` and usage errors
never pay for it. Clients are cached by their settings, so a long-lived process reuses them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from euare import __version__
from euare.call.awsfiles import chain_credentials, profile_settings
from euare.core.errors import EuareError
from euare.core.redact import remember_params as remember_params  # the hook tests look for
from euare.core.settings import Settings

if TYPE_CHECKING:
    from euare.call.deadline import Budget

log = logging.getLogger("euare.call.client")

DEFAULT_MAX_ATTEMPTS = 5

_cache: dict[tuple[Any, ...], Any] = {}


def _key(settings: Settings, attempts: int | None, profile: Any) -> tuple[Any, ...]:
    return (
        profile,
        settings.service,
        settings.access_key_id,
        settings.secret_key,
        settings.token,
        settings.endpoint,
        settings.region,
        settings.max_attempts,
        settings.retry_mode,
        settings.verify,
        settings.connect_timeout,
        settings.read_timeout,
        settings.call_timeout,
        settings.profile,
        settings.aws_config,
        attempts,
    )


def make_client(settings: Settings, attempts: int | None = None, credentials: Any = None) -> Any:
    """Build (or reuse) the boto3 client for ``settings.service``.

    ``attempts`` overrides the retry budget, e.g. 1 for a probe whose failure is an answer.
    The client is made through the botocore session that boto3 wraps: boto3's own Session adds
    nothing for IAM or STS, and importing it costs s3transfer and more at every start.

    ``credentials`` (botocore credentials, refreshable ones: an account entered with --org,
    euare.call.accounts) sign instead of the settings' own; such a client is not kept here,
    since its account's Call keeps it for as long as the account is worked on.
    """
    profile = profile_settings(settings)
    if credentials is not None:
        return _build(settings, attempts, profile, _session_with(credentials), {})
    cache_key = _key(settings, attempts, profile)
    if cache_key in _cache:
        return _cache[cache_key]
    keys: dict[str, str | None] = {}
    if settings.has_credentials:
        session = botocore_session()  # one per process: models are loaded once
        keys = {
            "aws_access_key_id": settings.access_key_id,
            "aws_secret_access_key": settings.secret_key,
            "aws_session_token": settings.token,
        }
    else:  # boto3's own chain, on a session of its own (its credentials may refresh)
        session = new_session()
        if settings.profile:
            session.set_config_variable("profile", settings.profile)
        found = chain_credentials(session, settings.profile)
        if found is None:
            places = ", ".join(
                [*settings.looked_at, "boto3's default chain (profiles, instance role)"]
            )
            raise EuareError(f"no credentials found; looked at: {places}")
    client = _build(settings, attempts, profile, session, keys)
    _cache[cache_key] = client
    return client


def _session_with(credentials: Any) -> Any:
    """A botocore session whose one source of credentials is ``credentials`` (refreshed by
    botocore itself as they near expiry), sharing the process's loaded models."""
    from botocore.credentials import CredentialProvider, CredentialResolver

    class Given(CredentialProvider):  # type: ignore[misc]
        METHOD = "euare-assume-role"

        def load(self) -> Any:
            return credentials

    session = new_session(botocore_session().get_component("data_loader"))
    session.register_component("credential_provider", CredentialResolver([Given()]))
    return session


def _build(
    settings: Settings, attempts: int | None, profile: Any, session: Any, keys: dict[str, Any]
) -> Any:
    from botocore.config import Config

    if settings.verify is False:  # asked for with --no-verify-tls; urllib3 would warn per request
        import warnings

        from urllib3.exceptions import InsecureRequestWarning

        warnings.filterwarnings("ignore", category=InsecureRequestWarning)

    from euare.call.deadline import Budget

    tries = attempts or settings.max_attempts or profile.max_attempts or DEFAULT_MAX_ATTEMPTS
    connect = min(settings.connect_timeout, settings.call_timeout)
    budget = Budget(
        settings.call_timeout, connect, settings.read_timeout, tries, settings.retry_mode
    )
    config = Config(
        connect_timeout=connect,
        read_timeout=settings.read_timeout,
        retries={"mode": settings.retry_mode, "total_max_attempts": tries},
        user_agent_extra=f"euare/{__version__}",
    )
    log.debug(
        "%s client: endpoint %s (%s), region %s (%s), credentials from %s",
        settings.service,
        settings.endpoint or "default",
        settings.sources.get("endpoint"),
        settings.region,
        settings.sources.get("region"),
        settings.sources.get("credentials", "boto3's default chain"),
    )
    client = session.create_client(
        settings.service,
        region_name=settings.region,
        **keys,
        endpoint_url=settings.endpoint,
        config=config,
        verify=profile.ca_bundle
        if settings.verify is True and profile.ca_bundle
        else settings.verify,
    )
    register_hooks(client.meta.events, settings.service, budget)
    return client


def register_hooks(events: Any, service: str, budget: Budget | None = None) -> None:
    """The hooks every call goes through: secrets are registered before the parameters are
    sent and as soon as an answer is parsed (euare.core.redact.watch), so no verb registers
    any; the call's attempts together end within ``budget`` (EUARE_CALL_TIMEOUT:
    euare.call.deadline). Parameters are not judged here: what the user gave was judged while
    the command line was read (euare.cli.apiparams), and what the server answered is never
    judged again."""
    from euare.call.deadline import Budget
    from euare.core.errors import non_iam_answer, non_json_answer
    from euare.core.redact import watch

    (budget or Budget()).register(events, service)
    watch(events, service)
    # the XML services; Organizations answers JSON
    foreign = non_iam_answer if service in ("iam", "sts") else non_json_answer
    events.register(f"before-parse.{service}.*", foreign)
    if service == "iam":  # documents as stored, not parsed and serialised again
        from botocore.handlers import json_decode_policies

        from euare.policy.documents import keep_documents

        events.unregister("after-call.iam", json_decode_policies)
        events.register("after-call.iam", keep_documents)


class NotAnAnswer(EuareError):
    """A 200 answer that is not the IAM response asked for (a portal's page, XML of another
    shape): the request may or may not have reached IAM."""

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(f"the endpoint's answer to {operation} is not an IAM response ({detail})")
        self.foreign = True


def _from_parser(exc: BaseException) -> bool:
    """Whether ``exc`` was raised inside botocore's response parser (not by euare's own code)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    return tb.tb_frame.f_code.co_filename.replace("\\", "/").endswith("botocore/parsers.py")


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """Call one API operation by its IAM name (``CreateUser``), leaving out unset parameters.

    botocore's parser answers well-formed XML of the wrong shape with a bare KeyError; that is
    reported as NotAnAnswer, never as a traceback.
    """
    from botocore import xform_name

    method = getattr(client, xform_name(operation))
    try:
        result: dict[str, Any] = method(**{k: v for k, v in params.items() if v is not None})
    except KeyError as exc:
        if not _from_parser(exc):
            raise
        missing = exc.args[0] if exc.args else "its result"
        raise NotAnAnswer(operation, f"it holds no {missing}") from exc
    return result


def check_answer(client: Any, operation: str, answer: dict[str, Any]) -> None:
    """Refuse an answer that holds none of what ``operation`` returns (CreateUser's User, ...),
    or, for an operation that returns nothing, an answer without IAM's request ID."""
    shape = client.meta.service_model.operation_model(operation).output_shape
    members = list(shape.members) if shape is not None else []
    if members and not any(name in answer for name in members):
        raise NotAnAnswer(operation, f"it holds no {members[0]}")
    if not members and not (answer.get("ResponseMetadata") or {}).get("RequestId"):
        raise NotAnAnswer(operation, "it carries no request ID")


def call_once(
    client: Any, operation: str, attempts: int, budget: float | None = None, **params: Any
) -> dict[str, Any]:
    """Call a non-idempotent operation (CreateAccessKey, ...) without blind retries.

    ``client`` must make one attempt per call. A request that surely did not take effect
    (throttled, or no connection made) is tried again with backoff, up to ``attempts`` tries
    and, given a ``budget`` (the call's time, EUARE_CALL_TIMEOUT), none begun after it. A lost
    answer (a timeout or a dropped connection after sending, a 5xx error, or a 200 answer that
    is not the IAM response asked for) raises LostResponse, so the caller can look at what
    exists now instead of creating a second one.
    """
    from euare.core.errors import LostResponse, describe
    from euare.core.outcome import lost, not_sent
    from euare.core.retry import retry

    def once() -> dict[str, Any]:
        answer = call(client, operation, **params)
        check_answer(client, operation, answer)
        return answer

    try:
        return retry(once, retry_on=not_sent, attempts=attempts, budget=budget, most=20.0)
    except Exception as exc:
        if lost(exc):
            raise LostResponse(operation, describe(exc)) from exc
        raise


def responses(client: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Yield every page's whole response of a list call, from botocore's own paginator (an
    operation it cannot paginate answers in one page). A page that is not the answer asked for
    is reported as NotAnAnswer, never as a traceback."""
    from botocore import xform_name

    params = {k: v for k, v in params.items() if v is not None}
    method = xform_name(operation)
    if not client.can_paginate(method):
        yield call(client, operation, **params)
        return
    pages = iter(_paginator(client, method).paginate(**params))
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except KeyError as exc:
            if not _from_parser(exc):
                raise
            raise NotAnAnswer(
                operation, f"it holds no {exc.args[0] if exc.args else 'page'}"
            ) from exc
        yield page


def _paginator(client: Any, method: str) -> Any:
    """``client``'s paginator of ``method``, made once: botocore's get_paginator makes a new
    class at every call (about 14 µs, and a cycle left for the collector), and a snapshot
    lists every user's keys and MFA devices. A paginator holds no state of a listing, so the
    threads of a pool share it."""
    kept: dict[str, Any] = client.__dict__.setdefault("_euare_paginators", {})
    found = kept.get(method)
    if found is None:
        found = kept[method] = client.get_paginator(method)
    return found


def pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
    """Yield every item under ``key`` of every page, never just the first page's."""
    for response in responses(client, operation, **params):
        yield from response.get(key) or []


_botocore_session: Any = None


def botocore_session() -> Any:
    """The process's botocore session (the one boto3 would wrap), made once: it reads the AWS
    configuration (AWS_PROFILE, AWS_CONFIG_FILE, ...) like boto3, holds no credentials of
    euare's own (each client is given its own), and keeps the service models it has loaded."""
    global _botocore_session
    if _botocore_session is None:
        _botocore_session = new_session()
    return _botocore_session


def service_model(service: str) -> dict[str, Any]:
    """``service``'s model (service-2) as the process's botocore session loads it, without
    making the session (importing botocore) when the environment alone settles where it would
    look (:func:`euare.call.awsfiles.data_path_settled`): judging a value before any request
    (euare.cli.rules) reads the model, and a refusal then costs no botocore."""
    import os

    from euare.call.awsfiles import data_path_settled
    from euare.core import models

    if _botocore_session is None and data_path_settled(os.environ):
        return models.service_model(service, os.environ.get("AWS_DATA_PATH"))
    model: dict[str, Any] = (
        botocore_session().get_component("data_loader").load_service_model(service, "service-2")
    )
    return model


_ISO_UTC = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|\+00:?00)", re.ASCII
)


def parse_time(value: Any) -> Any:
    """A timestamp of an answer, as botocore's own parser reads it (an aware datetime), but
    IAM's one form of it (``2026-12-06T16:34:16Z``, with or without a fraction of a second)
    read directly: botocore's general parser (dateutil's) costs about 25 µs a timestamp, and
    a snapshot reads one for every user, role, group and policy, and tells its UTC as the
    machine's local zone when that is UTC (its datetimes then convert through the C library).
    Anything else goes to botocore's parser."""
    found = _ISO_UTC.fullmatch(value) if isinstance(value, str) else None
    if found is not None:
        year, month, day, hour, minute, second, fraction = found.groups()
        try:
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second),
                int((fraction or "").ljust(6, "0")[:6]),
                tzinfo=timezone.utc,
            )
        except ValueError:  # no such day or time: botocore's parser says what is wrong
            pass
    from botocore.utils import parse_timestamp

    return parse_timestamp(value)


def new_session(loader: Any = None) -> Any:
    """A botocore session restricted to euare's services (models.py): botocore's handlers for
    those only, and a data loader that knows no other service and keeps the parsed models under
    the user's cache directory between runs (``loader``: one already made, shared). The AWS
    config file it reads is checked first."""
    import botocore.session

    from euare.call.awsfiles import check_session_files
    from euare.core.models import make_loader, register_builtin_handlers

    session = botocore.session.Session(include_builtin_handlers=False)
    check_session_files(session)
    register_builtin_handlers(session)
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_time
    )
    if loader is None:
        loader = make_loader(session.get_config_variable("data_path"))
    session.register_component("data_loader", loader)
    return session
