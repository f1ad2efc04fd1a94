"""The call context: everything a verb may use from the outside world (environment, streams,
settings, clients), how it calls the service (once-only creates included), and Plan, the steps
of a composite verb. A verb never reads os.environ, sys.stdin or sys.stdout itself."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Protocol

import click

from euare.call.once import Interrupted, Lookup, once_only, settle, settle_interrupt
from euare.core.errors import EuareError, PartialFailure, describe, stderr_line
from euare.core.outcome import gone

if TYPE_CHECKING:  # settings (files, URLs, paths) load only when a call needs them
    from euare.core.settings import Flags, Settings

ClientFactory = Callable[["Settings", "int | None"], Any]


def _default_factory(settings: Settings, attempts: int | None) -> Any:
    from euare.call.client import make_client

    return make_client(settings, attempts=attempts)


@dataclass
class Call:
    """Everything a verb may use from the outside world, filled in by the entry point."""

    prog: str
    env: Mapping[str, str]
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    argv: list[str] = field(default_factory=list)
    account: tuple[str, str] | None = None  # the caller's (partition, account id), once known
    options: dict[str, Any] = field(default_factory=dict)
    # builds the boto3 client for some settings; tests put a stubbed one here
    client_factory: ClientFactory = _default_factory
    _settings: dict[str, Settings] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set)
    # settings and clients are made once, though a pool's threads may ask for them together
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def debug(self) -> bool:
        return bool(self.options.get("debug"))

    @property
    def fmt(self) -> str:
        return str(self.options.get("format") or "text")  # --format, EUARE_FORMAT (cli._format)

    def flags(self) -> Flags:
        from euare.core.settings import Flags

        o = self.options
        return Flags(
            o.get("url"),
            o.get("region"),
            o.get("access_key_id"),
            o.get("secret_key"),
            o.get("security_token"),
            bool(o.get("no_verify_tls")),
            o.get("profile"),
        )

    def settings(self, service: str = "iam") -> Settings:
        """The loader's answer for ``service``, computed once per call."""
        with self._lock:
            return self._load(service)

    def _load(self, service: str) -> Settings:
        if service not in self._settings:
            from euare.core.settings import load

            found = load(self.flags(), self.env, service=service)
            for warning in found.warnings:  # each once, though IAM and STS may share a file
                if warning not in self._warned:
                    self.stderr.write(stderr_line(self.prog, warning) + "\n")
                    self._warned.add(warning)
            self._settings[service] = found
        return self._settings[service]

    def reload_settings(self) -> None:
        """Forget the loader's answers, so the next request reads the files again (a credential
        file another process has just rewritten, say)."""
        self._settings.clear()

    def client(self, service: str = "iam", attempts: int | None = None) -> Any:
        from euare.call.deadline import speak_to

        speak_to(self.prog, self.stderr)  # a call that waits says so here, on a terminal
        with self._lock:
            return self.client_factory(self.settings(service), attempts)

    def request(self, operation: str, service: str = "iam", **params: Any) -> dict[str, Any]:
        """Call one idempotent operation (botocore retries it). Creates go through send_once."""
        from euare.call.client import call

        if once_only(operation):
            raise AssertionError(f"{operation} must be sent with Call.send_once")
        return call(self.client(service), operation, **params)

    def pages(self, operation: str, key: str, service: str = "iam", **params: Any) -> Iterator[Any]:
        from euare.call.client import pages

        return pages(self.client(service), operation, key, **params)

    def send_once(
        self, operation: str, params: Mapping[str, Any], find: Lookup, service: str = "iam"
    ) -> dict[str, Any]:
        """Send a create (see :func:`euare.call.once.once_only`) exactly once, and settle a lost
        answer with ``find`` (see :mod:`euare.call.once`): found, the description found is the
        answer, with a warning; not found, the error says running the command again is safe.
        Ctrl-C while waiting for the answer ends in exit status 130 (SIGTERM 143, SIGHUP 129),
        after looking too."""
        from euare.call.client import DEFAULT_MAX_ATTEMPTS, call_once
        from euare.core.errors import LostResponse

        settings = self.settings(service)
        attempts = settings.max_attempts or DEFAULT_MAX_ATTEMPTS
        client = self.client(service, attempts=1)
        try:
            return call_once(client, operation, attempts, settings.call_timeout, **params)
        except LostResponse as lost:
            found = settle(find, lost.message, lost.code)
            warning = f"warning: {lost.message}, but {find.what} exists now"
            self.stderr.write(stderr_line(self.prog, warning) + "\n")
            return found
        except KeyboardInterrupt:
            raise settle_interrupt(find, operation) from None

    def responses(self, operation: str, service: str = "iam", **params: Any) -> Iterator[Any]:
        from euare.call.client import responses

        return responses(self.client(service), operation, **params)

    def plan(self, jobs: int = 1) -> Plan:
        """A composite verb's steps; with ``jobs`` above 1, steps in different lanes (see
        Plan.add) run at the same time, at most ``jobs`` at once."""
        return Plan(self, jobs)

    def said(self, what: str) -> str:
        """``what`` named as :meth:`read_secret` had it: typed at the prompt, or read from
        standard input (for a message about it)."""
        return f"{what} typed at the prompt" if self.stdin.isatty() else (
            f"{what} read from standard input"
        )

    def read_secret(self, prompt: str, confirm: bool = True, missing: str | None = None) -> str:
        """A password from the terminal (asked twice, no echo) or one line of standard input;
        ``missing`` is the error when that line is empty or absent. It is registered as a
        secret as soon as it is read (euare.core.sensitive: "typed")."""
        from euare.core.redact import register_secret

        if self.stdin.isatty():
            value: str = click.prompt(
                prompt, hide_input=True, confirmation_prompt=confirm, err=True
            )
            register_secret("typed", value)
            return value
        from euare.core.settings import MAX_FILE_BYTES

        line = self.stdin.readline(MAX_FILE_BYTES).rstrip("\r\n")  # bounded: `cat /dev/zero |`
        register_secret("typed", line)
        if not line:
            raise EuareError(
                missing or "no password given: use -p, or write it on one line of standard input"
            )
        return line


@dataclass
class Step:
    description: str
    run: Callable[[], dict[str, Any]]
    lane: Hashable | None = None


class Action(Protocol):
    """A named step of a composite verb: what it does, as a failure's "done: ... not done: ..."
    names it, and doing it (its answer). A small frozen dataclass per kind of step is the usual
    shape (:class:`Request`, :class:`SendOnce`, usercreate's NewUser...)."""

    @property
    def description(self) -> str: ...

    def __call__(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Request:
    """A step that is one idempotent API call (botocore retries it).

    With ``done_if_gone``, a NoSuchEntity answer means done: a removal whose first sending took
    effect and whose answer was lost, so that botocore sent it again (the caller knows the thing
    existed when the plan was made). After any other failure, ``settle()`` looks at what exists
    now: True (the call took effect after all) means done too.
    """

    call: Call
    description: str
    operation: str
    params: Mapping[str, Any]
    done_if_gone: bool = False
    settle: Callable[[], bool] | None = None

    def __call__(self) -> dict[str, Any]:
        try:
            return self.call.request(self.operation, **self.params)
        except Exception as exc:
            if self.done_if_gone and gone(exc):
                return {}
            if self.settle is not None and _settled(self.settle):
                return {}
            raise


@dataclass(frozen=True)
class SendOnce:
    """A step that is a create, sent once (see :meth:`Call.send_once`): a lost answer is settled
    with ``find``."""

    call: Call
    description: str
    operation: str
    params: Mapping[str, Any]
    find: Lookup

    def __call__(self) -> dict[str, Any]:
        return self.call.send_once(self.operation, self.params, self.find)


class Plan:
    """A composite verb's API calls, run in order (or, with ``jobs`` above 1, lanes at the
    same time: see euare.call.fanout); a failure says what was and was not done, in the plan's
    order.

    Steps given the same ``lane`` run in the order added, each once the one before it has
    succeeded; steps in different lanes are independent and may run at the same time. A step
    without a lane runs alone: after every step added before it, before any after it.
    """

    def __init__(self, call: Call, jobs: int = 1) -> None:
        self.call = call
        self.jobs = jobs
        self.steps: list[Step] = []

    def add(
        self,
        description: str,
        operation: str,
        *,
        lane: Hashable | None = None,
        done_if_gone: bool = False,
        settle: Callable[[], bool] | None = None,
        **params: Any,
    ) -> Plan:
        """A step that is one idempotent API call (a :class:`Request`)."""
        step = Request(self.call, description, operation, params, done_if_gone, settle)
        return self.add_step(step, lane=lane)

    def add_once(
        self,
        description: str,
        operation: str,
        params: Mapping[str, Any],
        find: Lookup,
        *,
        lane: Hashable | None = None,
    ) -> Plan:
        """A step that is a create sent once (a :class:`SendOnce`)."""
        return self.add_step(SendOnce(self.call, description, operation, params, find), lane=lane)

    def add_step(self, step: Action, *, lane: Hashable | None = None) -> Plan:
        """A named step (see :class:`Action`)."""
        return self.add_call(step.description, step, lane=lane)

    def add_call(
        self, description: str, run: Callable[[], dict[str, Any]], lane: Hashable | None = None
    ) -> Plan:
        """A step that is any function returning a response."""
        self.steps.append(Step(description, run, lane))
        return self

    def execute(self) -> list[dict[str, Any]]:
        """Run the steps and return their answers; on a failure or Ctrl-C (SIGTERM, SIGHUP),
        raise one error naming the steps done and not done, each list in the plan's order (a
        failure when nothing was done is raised as it is). The cause named is the signal's, or
        else the failure of the first failed step in the plan's order."""
        from euare.call.fanout import run_steps
        from euare.core.errors import interrupted

        client = self.call.client() if self.jobs > 1 else None  # built before any thread starts
        finished = run_steps([(s.lane, s.run) for s in self.steps], self.jobs, client)
        if not finished.stopped:
            return [finished.answers[index] for index in range(len(self.steps))]
        done = set(finished.answers)
        failures = sorted(finished.failures.items())
        for index, exc in failures:
            cause = describe(exc)
            if isinstance(cause, Interrupted) and cause.took_effect:
                done.add(index)
        if finished.interrupted:  # the step that saw Ctrl-C, or none did (it came to a pool)
            seen = [e for _, e in failures if interrupted(describe(e))]
            exc = seen[0] if seen else KeyboardInterrupt()
        else:
            exc = failures[0][1]
        cause = describe(exc)
        if not done and not interrupted(cause):
            raise cause from exc
        descriptions = [(index in done, step.description) for index, step in enumerate(self.steps)]
        raise PartialFailure(
            cause,
            [d for was_done, d in descriptions if was_done],
            [d for was_done, d in descriptions if not was_done],
        ) from exc


def _settled(settle: Callable[[], bool]) -> bool:
    """``settle()``, where a failure to look means "not known to be done"."""
    try:
        return settle()
    except Exception:
        return False
