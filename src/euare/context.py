"""The call context: everything a verb may use from the outside world (environment, streams,
settings, clients), how it calls the service (once-only creates included), and Plan, the steps
of a composite verb. A verb never reads os.environ, sys.stdin or sys.stdout itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click

from euare.errors import EuareError, PartialFailure, describe
from euare.once import Interrupted, Lookup, once_only, settle, settle_interrupt
from euare.settings import Flags, Settings

ClientFactory = Callable[[Settings, "int | None"], Any]


def _default_factory(settings: Settings, attempts: int | None) -> Any:
    from euare.client import make_client

    return make_client(settings, attempts=attempts)


@dataclass
class Call:
    """Everything a verb may use from the outside world, filled in by the entry point."""

    prog: str
    env: Mapping[str, str]
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    cwd: Path = field(default_factory=Path.cwd)
    argv: list[str] = field(default_factory=list)
    account: tuple[str, str] | None = None  # the caller's (partition, account id), once known
    options: dict[str, Any] = field(default_factory=dict)
    # builds the boto3 client for some settings; tests put a stubbed one here
    client_factory: ClientFactory = _default_factory
    _settings: dict[str, Settings] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set)

    @property
    def debug(self) -> bool:
        return bool(self.options.get("debug"))

    @property
    def fmt(self) -> str:
        return str(self.options.get("format") or "text")

    def flags(self) -> Flags:
        o = self.options
        return Flags(
            o.get("url"),
            o.get("region"),
            o.get("access_key_id"),
            o.get("secret_key"),
            o.get("security_token"),
            bool(o.get("no_verify_tls")),
        )

    def settings(self, service: str = "iam") -> Settings:
        """The loader's answer for ``service``, computed once per call."""
        if service not in self._settings:
            from euare.settings import load

            found = load(self.flags(), self.env, service=service)
            for warning in found.warnings:  # each once, though IAM and STS may share a file
                if warning not in self._warned:
                    self.stderr.write(f"{self.prog}: {warning}\n")
                    self._warned.add(warning)
            self._settings[service] = found
        return self._settings[service]

    def reload_settings(self) -> None:
        """Forget the loader's answers, so the next request reads the files again (a credential
        file another process has just rewritten, say)."""
        self._settings.clear()

    def client(self, service: str = "iam", attempts: int | None = None) -> Any:
        return self.client_factory(self.settings(service), attempts)

    def request(self, operation: str, service: str = "iam", **params: Any) -> dict[str, Any]:
        """Call one idempotent operation (botocore retries it). Creates go through send_once."""
        from euare.client import call

        if once_only(operation):
            raise AssertionError(f"{operation} must be sent with Call.send_once")
        return call(self.client(service), operation, **params)

    def pages(self, operation: str, key: str, service: str = "iam", **params: Any) -> Iterator[Any]:
        from euare.client import pages

        return pages(self.client(service), operation, key, **params)

    def send_once(
        self, operation: str, params: Mapping[str, Any], find: Lookup, service: str = "iam"
    ) -> dict[str, Any]:
        """Send a create (see :func:`euare.once.once_only`) exactly once, and settle a lost
        answer with ``find`` (see :mod:`euare.once`): found, the description found is the
        answer, with a warning; not found, the error says running the command again is safe.
        Ctrl-C while waiting for the answer ends in exit status 130, after looking too."""
        from euare.client import DEFAULT_MAX_ATTEMPTS, call_once
        from euare.errors import LostResponse

        attempts = self.settings(service).max_attempts or DEFAULT_MAX_ATTEMPTS
        try:
            return call_once(self.client(service, attempts=1), operation, attempts, **params)
        except LostResponse as lost:
            found = settle(find, lost.message, lost.code)
            self.stderr.write(f"{self.prog}: warning: {lost.message}, but {find.what} exists now\n")
            return found
        except KeyboardInterrupt:
            raise settle_interrupt(find, operation) from None

    def responses(self, operation: str, service: str = "iam", **params: Any) -> Iterator[Any]:
        from euare.client import responses

        return responses(self.client(service), operation, **params)

    def plan(self) -> Plan:
        return Plan(self)

    def read_secret(self, prompt: str, confirm: bool = True) -> str:
        """A password from the terminal (asked twice, no echo) or one line of standard input."""
        if self.stdin.isatty():
            value: str = click.prompt(
                prompt, hide_input=True, confirmation_prompt=confirm, err=True
            )
            return value
        from euare.settings import MAX_FILE_BYTES

        line = self.stdin.readline(MAX_FILE_BYTES).rstrip("\r\n")  # bounded: `cat /dev/zero |`
        if not line:
            raise EuareError("no password given: use -p, or write it on one line of standard input")
        return line


@dataclass
class Step:
    description: str
    run: Callable[[], dict[str, Any]]


class Plan:
    """A composite verb's API calls, run in order; a failure says what was and was not done."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.steps: list[Step] = []

    def add(
        self,
        description: str,
        operation: str,
        *,
        done_if_gone: bool = False,
        settle: Callable[[], bool] | None = None,
        **params: Any,
    ) -> Plan:
        """A step that is one idempotent API call.

        With ``done_if_gone``, a NoSuchEntity answer means done: a removal whose first sending
        took effect and whose answer was lost, so that botocore sent it again (the caller knows
        the thing existed when the plan was made). After any other failure, ``settle()`` looks
        at what exists now: True (the call took effect after all) means done too.
        """

        def run() -> dict[str, Any]:
            try:
                return self.call.request(operation, **params)
            except Exception as exc:
                if done_if_gone and describe(exc).code == "NoSuchEntity":
                    return {}
                if settle is not None and _settled(settle):
                    return {}
                raise

        return self.add_call(description, run)

    def add_call(self, description: str, run: Callable[[], dict[str, Any]]) -> Plan:
        """A step that is any function returning a response."""
        self.steps.append(Step(description, run))
        return self

    def execute(self) -> list[dict[str, Any]]:
        """Run the steps; on a failure or Ctrl-C, raise one error naming the steps done and
        not done (a failure of the first step alone is raised as it is)."""
        from euare.errors import EXIT_INTERRUPTED

        results: list[dict[str, Any]] = []
        done: list[str] = []
        for index, step in enumerate(self.steps):
            try:
                results.append(step.run())
                done.append(step.description)
            except (Exception, KeyboardInterrupt) as exc:
                cause = describe(exc)
                if isinstance(cause, Interrupted) and cause.took_effect:
                    done.append(step.description)
                    index += 1
                if not done and cause.exit_code != EXIT_INTERRUPTED:
                    raise cause from exc
                not_done = [s.description for s in self.steps[index:]]
                raise PartialFailure(cause, done, not_done) from exc
        return results


def _settled(settle: Callable[[], bool]) -> bool:
    """``settle()``, where a failure to look means "not known to be done"."""
    try:
        return settle()
    except Exception:
        return False
