"""Console-script targets. ``euare.entry:usercreate`` is built on first use (PEP 562), so that a
call imports click and its own family module only, and boto3 only once a request is made."""

from __future__ import annotations

import sys
from collections.abc import Callable


def __getattr__(name: str) -> Callable[[], int]:
    from euare.verbs import VERBS

    if name not in VERBS:
        raise AttributeError(name)

    def main() -> int:
        from euare.cli import run

        return run(name)

    return main


def euare() -> int:
    """The front door: ``euare VERB ARGS...`` is ``euare-VERB ARGS...``; ``euare`` lists verbs."""
    from euare.cli import run
    from euare.verbs import VERBS

    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write("usage: euare VERB [ARGS...]   (the same as euare-VERB [ARGS...])\n\n")
        sys.stdout.write("verbs:\n" + "".join(f"  {verb}\n" for verb in sorted(VERBS)))
        return 0
    if args[0] not in VERBS:
        sys.stderr.write(f"euare: error: no such verb: {args[0]} (run 'euare' for the list)\n")
        return 2
    return run(args[0], args[1:])
