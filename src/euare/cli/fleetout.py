"""What ``--org`` writes: each account's result as it finishes, its lines and records saying
which account (:class:`Merged`), the progress line on a terminal (:class:`Progress`), and each
account's own warnings on stderr, named with it (:class:`AccountErr`).

- text: each line prefixed ``ACCOUNT_ID `` (``ACCOUNT_ID NAME `` with the verb's ``-v``);
- jsonl: each record a line, with ``"Account"`` and ``"AccountName"``;
- json: one array of those records, written as they come (never held);
- table: the records under an ``Account`` column first (a table needs every row first);
- ``--query``: over every account's records together (held until the end, as a query needs).
"""

from __future__ import annotations

import threading
from typing import IO, TYPE_CHECKING, Any

from euare.core.errors import LINE_KIND
from euare.core.render import (
    Record,
    Result,
    json_text,
    jsonable,
    render_query,
    table_columns,
    write_table,
)
from euare.core.terminal import visible

if TYPE_CHECKING:
    from euare.call.accounts import Account


def tagged(record: Any, account: Account) -> Record:
    """``record`` as JSON shows it, with the account it came from first."""
    shown = jsonable(record)
    rest = shown if isinstance(shown, dict) else {"Value": shown}
    return {"Account": account.id, "AccountName": account.name, **rest}


class Progress:
    """``37/120 accounts, 2 failed`` on one line of stderr, on a terminal only; :meth:`clear`
    before any other line is written there or on stdout."""

    def __init__(self, err: IO[str], total: int) -> None:
        self.err, self.total = err, total
        self.shown = ""
        self.on = _tty(err)
        self.lock = threading.RLock()

    def show(self, done: int, failed: int) -> None:
        if not self.on:
            return
        with self.lock:
            line = f"{done}/{self.total} accounts, {failed} failed"
            self.err.write("\r" + line.ljust(len(self.shown)))
            self.err.flush()
            self.shown = line

    def clear(self) -> None:
        with self.lock:
            if self.shown:
                self.err.write("\r" + " " * len(self.shown) + "\r")
                self.err.flush()
                self.shown = ""


def _tty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class AccountErr:
    """An account's stderr: each line it writes goes to the real stderr whole, saying the
    account. An error or a warning says it as fleet's own error lines do, after its head
    (``PROG: error (Code): account ID (NAME): ...``, ``PROG: warning: account ID (NAME):
    ...``); any other line of the verb's, before the rest (``PROG: account ID (NAME): ...``).
    Not a terminal, so no verb draws a progress line of its own for one account."""

    def __init__(self, err: IO[str], prog: str, account: Account, progress: Progress) -> None:
        self.err, self.prog, self.account, self.progress = err, prog, account, progress
        self.partial = ""

    def write(self, text: str) -> int:
        self.partial += text
        *lines, self.partial = self.partial.split("\n")
        for line in lines:
            self._line(line)
        return len(text)

    def _line(self, line: str) -> None:
        head = f"{self.prog}: "
        if line.startswith(head):
            rest = line[len(head) :]
            said = LINE_KIND.match(rest)
            kind = said.group(0) if said else ""
            line = f"{head}{kind}account {self.account.says()}: {rest[len(kind) :]}"
        with self.progress.lock:
            self.progress.clear()
            self.err.write(line + "\n")
            self.err.flush()

    def flush(self) -> None:
        if self.partial:
            self._line(self.partial)
            self.partial = ""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.err.fileno()


class Merged:
    """Every account's result on one stdout, in ``fmt`` (see the module)."""

    def __init__(self, fmt: str, out: IO[str], query: str | None, verbose: bool) -> None:
        self.fmt, self.out, self.query, self.verbose = fmt, out, query, verbose
        self.held: list[Record] = []  # a table's rows, or what a query looks at
        self.columns: tuple[str, ...] = ()
        self.first = True  # no record of a JSON array written yet

    def add(self, account: Account, result: Result) -> None:
        if self.query is not None or self.fmt == "table":
            self.held.extend(tagged(r, account) for r in result.records)
            self.columns = self.columns or result.columns
        elif self.fmt == "jsonl":
            for record in result.records:
                self.out.write(json_text(tagged(record, account)) + "\n")
        elif self.fmt == "json":
            for record in result.records:
                text = json_text(tagged(record, account), indent=2)
                self.out.write(("[\n" if self.first else ",\n") + _indented(text))
                self.first = False
        else:
            name = f"{account.name} " if self.verbose and account.name else ""
            prefix = f"{account.id} {name}"
            for line in result.lines():
                for part in str(line).split("\n"):
                    self.out.write(visible(prefix + part + "\n"))
        self.out.flush()

    def end(self) -> None:
        """Write what waited for every account (a table, a query's answer, a JSON array's
        end; an empty array when no account gave a record)."""
        if self.query is not None:
            render_query(Result(self.held), self.query, self.fmt, self.out)
            return
        if self.fmt == "table":
            if self.held:
                columns = self.columns or tuple(table_columns(self.held))
                columns = tuple(c for c in columns if c not in ("Account", "AccountName"))
                write_table(self.held, ("Account", *columns), self.out)
        elif self.fmt == "json":
            self.out.write("[]\n" if self.first else "\n]\n")
        self.out.flush()


def _indented(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))
