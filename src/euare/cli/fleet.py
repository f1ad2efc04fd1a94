"""Running a verb in many accounts at once (``--org``: euare.cli.org; docs/organizations.md).

:func:`run` takes the accounts (the organization's, a file's, or a directory's), enters each
(euare.call.accounts.enter: a Call of its own, signing with the role assumed in it, so that its
clients, and with them its ``--jobs`` pool and its Throttling gate, are its own), and runs the
verb's ``work`` in it, ``--org-jobs`` accounts at a time on daemon threads. Each account's
result is written as soon as it is finished (euare.cli.fleetout), so nothing of an account is
held once it is written: memory does not grow with the number of accounts. Everything that
leaves the run (lines, records, a verb's own files through ``deliver``) is written by the main
thread alone, so that what a stopped run says was done is exactly what was written.

Failure is an account's own: one that cannot be entered (AssumeRole refused, an account
suspended) or that fails midway is named on stderr in one line, ``PROG: error (Code): account
ID (NAME): message``, and the others go on. The exit status is 0 when every account succeeded
with nothing to report, 1 when any account's result has findings (its verdict says so: a diff
that differs, keys past their age...) or any account failed, 2 when none could be worked in.
When any failed, a last line says which. Ctrl-C (SIGTERM, SIGHUP) stops the run: no account is
started after it, the accounts already finished are written, and the error line names the
accounts done, those stopped midway (an apply may have made some of its changes there) and
those not started.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any, cast

import click

from euare.cli.fleetout import AccountErr, Merged, Progress
from euare.core import interrupts
from euare.core.errors import EuareError, PartialFailure, describe, error_line, stderr_line
from euare.core.render import Result

if TYPE_CHECKING:
    from euare.call.accounts import Account
    from euare.call.context import Call
    from euare.cli.org import Org

Work = Callable[["Call", "Account"], Any]  # a Result to print, None, or what ``deliver`` takes
Deliver = Callable[["Account", Any], None]  # writes an account's work's answer (main thread)
Done = Callable[["Account", "str | None"], None]  # an account finished: None, or its error


@dataclass
class Tally:
    """What became of the accounts so far."""

    total: int
    done: list[str] = field(default_factory=list)  # the accounts finished, ok or not
    failed: list[str] = field(default_factory=list)
    findings: bool = False


def run(
    call: Call,
    org: Org,
    work: Work,
    *,
    accounts: list[Account] | None = None,
    enter: bool = True,
    outside: Collection[str] = (),
    deliver: Deliver | None = None,
    finished: Done | None = None,
) -> None:
    """Run ``work(account_call, account)`` in each account (``accounts``, else ``org``'s), its
    Result written as it comes, or its answer given to ``deliver`` (in this thread: an
    account's snapshot file written, say); ``finished`` is told of each account in turn (from
    this thread too). Without ``enter``, ``work`` is given this call (it asks nothing of the
    account: two directories compared), as it is for the accounts ``outside`` (no longer in
    the organization: none can be entered). Ends the command with the exit status of the
    module."""
    from euare.call.arns import caller_account

    if accounts is None:
        accounts = org.accounts(call)
    if not accounts:
        raise EuareError("no account to work in (check --only and --skip)", exit_code=2)
    own = ""
    if enter:
        call.settings("iam"), call.settings("sts")  # loaded once, before any thread starts
        own = _own(call, caller_account)
    tally = Tally(len(accounts))
    progress = Progress(call.stderr, len(accounts))
    merged = Merged(call.fmt, call.stdout, call.options.get("query"), org.verbose)
    pool = _Pool(call, org, work, accounts, own if enter else None, progress, outside)

    def take(item: Item) -> None:
        """One account's result written and recorded; a stop waits for both (never a file
        written and its account not named done)."""
        account, result, exc = item
        with interrupts.held():
            if exc is None and deliver is not None:
                try:
                    deliver(account, result)
                except Exception as failed:
                    exc = failed
                result = None
            with progress.lock:
                progress.clear()
                error = _finish(call, account, result, exc, merged, tally)
            if finished is not None:
                finished(account, error)
        progress.show(len(tally.done), len(tally.failed))

    try:
        for item in pool.results():
            take(item)
    except KeyboardInterrupt as exc:
        started = pool.stop()
        for item in pool.drained():  # finished before the stop: written, and said so
            take(item)
        progress.clear()
        merged.end()
        raise _stopped(exc, accounts, tally, started) from None
    progress.clear()
    merged.end()
    _summary(call, tally)


def _stopped(
    exc: KeyboardInterrupt, accounts: list[Account], tally: Tally, started: set[str]
) -> PartialFailure:
    """What a stopped run says: the accounts finished, then those begun and not finished (their
    work cut off midway: nothing of theirs written, though an apply may have made changes),
    then those never begun."""
    done = set(tally.done)
    midway = [a.says() for a in accounts if a.id in started and a.says() not in done]
    waiting = [a.says() for a in accounts if a.id not in started]
    return PartialFailure(
        describe(exc),
        [f"account {a}" for a in tally.done],
        [f"account {a} (stopped midway)" for a in midway] + [f"account {a}" for a in waiting],
    )


def _own(call: Call, caller_account: Callable[[Call, str], tuple[str, str]]) -> str:
    try:
        return caller_account(call, "check TOKEN_URL and the credentials")[1]
    except Exception as exc:
        err = describe(exc)
        raise EuareError(f"cannot enter any account: {err.message}", err.code, 2) from exc


def _finish(
    call: Call,
    account: Account,
    result: Result | None,
    exc: BaseException | None,
    merged: Merged,
    tally: Tally,
) -> str | None:
    """Write one account's result (or its error line); its error, or None."""
    tally.done.append(account.says())
    if exc is None and result is not None:
        try:
            merged.add(account, result)
            if result.verdict is not None:
                result.verdict()
        except click.exceptions.Exit as verdict:
            tally.findings = tally.findings or verdict.exit_code != 0
        except EuareError:  # a verdict's own failure line (lint: "3 findings at or above")
            tally.findings = True
    if exc is None:
        return None
    if isinstance(exc, click.exceptions.Exit):  # the account's own line is written already
        if exc.exit_code == 0:
            return None
        tally.failed.append(account.says())
        return f"exit status {exc.exit_code}"
    err = describe(exc)
    if err.exit_code not in (1, 2):  # not an account's failure: the run's (Ctrl-C)
        raise exc
    tally.failed.append(account.says())
    named = EuareError(f"account {account.says()}: {err.message}", code=err.code)
    call.stderr.write(error_line(call.prog, named) + "\n")
    call.stderr.flush()
    return err.message


def _summary(call: Call, tally: Tally) -> None:
    """The last line (when any account failed), and the exit status."""
    if tally.failed:
        ok = tally.total - len(tally.failed)
        line = (
            f"{tally.total} accounts: {ok} succeeded, {len(tally.failed)} failed "
            f"({', '.join(tally.failed)})"
        )
        call.stderr.write(stderr_line(call.prog, line) + "\n")
        call.stderr.flush()
    if tally.failed and len(tally.failed) == tally.total:
        raise click.exceptions.Exit(2)  # nothing could run at all
    if tally.failed or tally.findings:
        raise click.exceptions.Exit(1)


Item = tuple["Account", Any, "BaseException | None"]


class _Pool:
    """The accounts, ``org.jobs`` at a time on daemon threads, each worked in its own Call;
    :meth:`results` gives each account's outcome as it finishes. At most ``org.jobs`` finished
    results wait to be written, so a slow stdout holds the threads back rather than memory
    growing."""

    def __init__(
        self,
        call: Call,
        org: Org,
        work: Work,
        accounts: list[Account],
        own: str | None,
        progress: Progress,
        outside: Collection[str] = (),
    ) -> None:
        self.call, self.org, self.work, self.own, self.progress = call, org, work, own, progress
        self.outside = frozenset(outside)  # the accounts worked in without entering them
        self.todo = iter(accounts)
        self.total = len(accounts)
        self.out: queue.Queue[Item] = queue.Queue(maxsize=org.jobs)
        self.lock = threading.Lock()
        self.stopped = False
        self.started: set[str] = set()  # the accounts begun

    def results(self) -> Iterator[Item]:
        for _ in range(min(self.org.jobs, self.total)):
            threading.Thread(target=self._work, daemon=True).start()
        for _ in range(self.total):
            yield self.out.get()

    def stop(self) -> set[str]:
        """No account begun after this; the accounts begun before it."""
        with self.lock:
            self.stopped = True
            return set(self.started)

    def drained(self) -> Iterator[Item]:
        """The results finished and waiting (once stopped: none is waited for)."""
        while True:
            try:
                yield self.out.get_nowait()
            except queue.Empty:
                return

    def _next(self) -> Account | None:
        with self.lock:
            if self.stopped:
                return None
            account = next(self.todo, None)
            if account is not None:
                self.started.add(account.id)
            return account

    def _work(self) -> None:
        while (account := self._next()) is not None:
            self.out.put(self._one(account))

    def _one(self, account: Account) -> Item:
        from euare.call.accounts import enter

        err = AccountErr(self.call.stderr, self.call.prog, account, self.progress)
        try:
            here = replace(self.call, stderr=cast("IO[str]", err))
            if self.own is not None and account.id not in self.outside:
                try:
                    here = enter(here, account, self.org.role, self.own)
                except Exception as exc:
                    cause = describe(exc)
                    raise EuareError(
                        f"cannot enter it as {self.org.role}: {cause.message}", cause.code
                    ) from exc
            result = self.work(here, account)
            if isinstance(result, Result):
                result.records = list(result.records)  # read here, in the account's thread
            return account, result, None
        except BaseException as exc:  # whatever it is, the main thread reports it
            return account, None, exc
        finally:
            err.flush()
