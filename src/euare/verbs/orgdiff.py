"""``euare-accountdiff --org`` (docs/organizations.md): each account of two directories that
``euare-accountsnapshot --org -o`` wrote (with ``--live``, of one directory and of the
organization now) compared on its own.

An account on one side only joined the organization or left it, and is compared with nothing:
every entity of it added (removed), and its ``Account`` too, so that even an account holding
nothing shows. Which side lacks it is said by the directory's index (euare.state.orgdir.Held):
one whose index records it as failed, its snapshot never taken, is a failure, never taken as
gone. With ``--live``, an account of OLD that is no longer among the organization's ACTIVE
accounts has left it (it is not entered); with ``--accounts FILE``, FILE says which accounts
are compared, and an account of OLD missing from it is not one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from euare.call.context import Call
from euare.core.render import Result

if TYPE_CHECKING:
    from euare.call.accounts import Account
    from euare.cli.org import Org

Snapshot = dict[str, Any]
Compare = Callable[[Call, "Snapshot | None", "Snapshot | None"], Result]
Now = Callable[[Call, "Account"], Snapshot]  # the account's snapshot, taken now


def org_diff(call: Call, org: Org, old: str, new: str | None, compare: Compare, now: Now) -> None:
    """Compare the accounts of directories ``old`` and ``new`` (``new`` None: of ``old`` and
    the organization, each snapshot taken by ``now``); ends the command (euare.cli.fleet)."""
    from euare.cli.fleet import run
    from euare.core.errors import UsageError
    from euare.state.orgdir import SnapshotDir

    dirs = [SnapshotDir(Path(d)) for d in (old, new) if d is not None]
    for folder in dirs:
        if not folder.path.is_dir():
            raise UsageError(f"{folder.path} is not a directory (with --org, OLD and NEW are)")
    held = [folder.held() for folder in dirs]
    before = held[0]

    if new is None:
        members = org.accounts(call)
        there = {a.id for a in members}
        gone = [] if org.accounts_file is not None else org.pick(call, list(before.taken.values()))
        gone = [a for a in gone if a.id not in there]

        def live(here: Call, account: Account) -> Result:
            earlier = before.snapshot(account.id, here.stdin)
            return compare(here, earlier, now(here, account) if account.id in there else None)

        run(call, org, live, accounts=members + gone, outside={a.id for a in gone})
        return

    after = held[1]

    def one(here: Call, account: Account) -> Result:
        earlier = before.snapshot(account.id, here.stdin)
        return compare(here, earlier, after.snapshot(account.id, here.stdin))

    known = {**before.taken, **after.taken}
    run(call, org, one, accounts=org.pick(call, list(known.values())), enter=False)
