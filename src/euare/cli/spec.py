"""Verbs as data: each verb is a VerbSpec in one registry, which the click commands, the console
scripts, the docs and the tests (its operation against botocore's model) are all read from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Exclusive = tuple[tuple[str, ...], bool]  # option names of which at most (exactly) one is given


@dataclass(frozen=True)
class VerbSpec:
    """One ``euare-NAME`` verb.

    A single-call verb names its ``operation`` (on ``service``) and, if it prints anything,
    ``result_key``: the member of the answer that is its one record (``"*"``: the whole answer).
    A list verb (``many``) names the operation whose pages it walks; ``result_key`` is the
    member holding the items, by default the one botocore's paginator model names. A composite
    verb names the function that ``runs`` it, and ``operation`` is None. ``text`` turns the
    records into euca2ools' lines, ``verbose_text`` when ``-v/--verbose`` is given (JSON always
    carries the records whole); ``text_options`` names the options they take as keyword
    arguments (a renderer never reads click's context). ``find`` settles a create's lost
    answer. ``examples`` are command lines (the arguments after ``euare-NAME``) shown at the
    end of ``--help``. ``failure`` is the exit status of a failure other than a usage error
    or an interrupt: 1, except for a verb whose 1 means something else (accountdiff: "they
    differ", as diff's).
    ``exits`` says what the verb's own exit statuses mean, where they differ from every verb's
    (its manual page's EXIT STATUS gives them in place of the usual lines). ``sends`` names the
    operation a composite verb's parameters are sent in (each is judged against its member's
    model while the command line is read: see euare.cli.apiparams), where one names none itself.
    """

    name: str
    summary: str
    service: str | None = "iam"
    operation: str | None = None
    result_key: str | None = None
    many: bool = False
    text: Callable[[list[Any]], Iterable[str]] | None = None
    verbose_text: Callable[[list[Any]], Iterable[str]] | None = None
    text_options: tuple[str, ...] = ()
    exclusive: tuple[Exclusive, ...] = ()
    find: Callable[..., Any] | None = None
    examples: tuple[str, ...] = ()
    failure: int = 1
    exits: tuple[tuple[int, str], ...] = ()
    sends: str | None = None
    runs: Callable[..., Any] | None = field(default=None, compare=False)

    def items_key(self) -> str | None:
        """The member holding a list verb's items: ``result_key``, else the paginator's."""
        if self.result_key or not self.many or self.operation is None:
            return self.result_key
        return paginator_result_key(self.service or "iam", self.operation)


def paginator_result_key(service: str, operation: str) -> str | None:
    """The result key botocore's paginator model gives ``operation`` (None: not paginated)."""
    from euare.call.client import botocore_session

    model = botocore_session().get_paginator_model(service)
    try:
        key = model.get_paginator(operation)["result_key"]
    except ValueError:
        return None
    return str(key if isinstance(key, str) else key[0])


SPECS: dict[str, VerbSpec] = {}


def register(spec: VerbSpec) -> VerbSpec:
    """Add ``spec`` to the registry: a name must be in the verb table, and declared once."""
    from euare.cli.table import VERBS

    if spec.name not in VERBS:
        raise TypeError(
            f"euare-{spec.name} is declared but not in the verb table (euare.cli.table)"
        )
    if spec.name in SPECS:
        raise TypeError(f"euare-{spec.name} is declared twice")
    SPECS[spec.name] = spec
    return spec
