"""Which process a call is: itself, or, in the warm worker's child, the front that handed the
call over (the process the user started, waits on and would signal)."""

from __future__ import annotations

import os

IN_WORKER = False  # set in the worker's children, which run calls and never hand them over
CALLER: int | None = None  # the front's pid, in a worker's child


def pid() -> int:
    """The pid to name to the user (in a lock's holder line, say) as this call's."""
    return CALLER if CALLER is not None else os.getpid()
