"""The arithmetic and the printing of the benchmark: medians, ratios, the issue's targets with
PASS/FAIL, and tables as GitHub markdown (so a run's output pastes into docs/performance.md)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from tabulate import tabulate

NA = "n/a"


def median(values: Sequence[float]) -> float | None:
    """The median, or None when there is nothing to take it of."""
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: ``value`` must be at most ``limit`` (with ``under``: below
    it; with ``at_least``: at least it). ``unit`` is "x" for a ratio, "ms" for a time given in
    seconds."""

    name: str
    value: float | None
    limit: float
    unit: str = "x"
    at_least: bool = False
    under: bool = False
    missing: str = NA  # what to show when there is no value (say, "n/a (no worker)")

    @property
    def verdict(self) -> str:
        if self.value is None:
            return NA
        if self.at_least:
            passed = self.value >= self.limit
        else:
            passed = self.value < self.limit if self.under else self.value <= self.limit
        return "PASS" if passed else "FAIL"

    def row(self) -> list[str]:
        sign = ">=" if self.at_least else "<" if self.under else "<="
        if self.unit == "ms":
            shown, goal = ms(self.value, self.missing), f"{sign} {self.limit * 1000:.0f} ms"
        else:
            shown, goal = times(self.value, self.missing), f"{sign} {self.limit:g}x"
        return [self.name, shown, goal, self.verdict]


def runs(count: int, kind: str = "") -> str:
    """What a figure is taken from: "1 run", or "medians of 3 runs" ("... 3 alternating runs")."""
    return f"1 {kind}run" if count == 1 else f"medians of {count} {kind}runs"


def ms(seconds: float | None, missing: str = NA) -> str:
    """Seconds as whole milliseconds ("274 ms"), or ``missing``."""
    return missing if seconds is None else f"{seconds * 1000:.0f} ms"


def secs(seconds: float | None, missing: str = NA) -> str:
    """Seconds with two decimals ("2.41 s"), or ``missing``."""
    return missing if seconds is None else f"{seconds:.2f} s"


def times(value: float | None, missing: str = NA) -> str:
    """A ratio ("0.72x"), or ``missing``."""
    return missing if value is None else f"{value:.2f}x"


def mib(kilobytes: float | None, missing: str = NA) -> str:
    """ru_maxrss (KiB on Linux) as MiB ("46.8 MiB"), or ``missing``."""
    return missing if kilobytes is None else f"{kilobytes / 1024:.1f} MiB"


@dataclass
class Table:
    """A titled table, with notes printed under it."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str]

    def render(self) -> str:
        body = tabulate(self.rows, self.headers, tablefmt="github", disable_numparse=True)
        notes = "".join(f"\n{note}" for note in self.notes)
        return (
            f"### {self.title}\n\n{body}\n{notes}\n" if notes else f"### {self.title}\n\n{body}\n"
        )


def targets_table(targets: Sequence[Target]) -> Table:
    return Table(
        "Targets (issues 10, 19, 23 and 24)",
        ["target", "measured", "goal", "verdict"],
        [target.row() for target in targets],
        [],
    )
