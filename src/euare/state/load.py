"""Reading a snapshot in either form (docs/snapshot.md, "Reading a snapshot back"): a file
(or ``-``, standard input) as euare.state.snapshot reads one, or a tree that ``accountsnapshot
--split`` wrote (euare.state.tree). Every verb that reads a snapshot reads it here."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any


def read(path: str, stdin: IO[str]) -> dict[str, Any]:
    """The snapshot in ``path`` (a file, a tree, or ``-`` for ``stdin``), checked field by
    field; any failure is a usage error, exit 2."""
    from euare.state.snapshot import checked
    from euare.state.snapshot import read as read_file

    if path != "-" and Path(path).is_dir():
        from euare.state.tree import read as read_tree

        return checked(read_tree(Path(path)), path)
    return read_file(path, stdin)
