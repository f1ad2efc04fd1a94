"""bench/ (``make bench``): its arithmetic, its verdicts, its option parsing, and one measured
run of a tiny command. No server is started here (the endpoint it measures against is the
sandbox's server: its paging is held by tests/unit/test_sandbox_model.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from bench import measure, report, run
from bench.seeds import ATTACHMENTS


def test_median_and_ratio() -> None:
    assert report.median([0.3, 0.1, 0.2]) == 0.2
    assert report.median([]) is None
    assert report.ratio(0.2, 0.25) == pytest.approx(0.8)
    assert report.ratio(None, 1.0) is None
    assert report.ratio(1.0, 0.0) is None


def test_runs_says_what_a_figure_is_taken_from() -> None:
    assert report.runs(1) == "1 run"
    assert report.runs(3, "alternating ") == "medians of 3 alternating runs"


def test_target_at_most_passes_on_the_limit_and_fails_above() -> None:
    assert report.Target("cold / floor", 0.8, 0.8).verdict == "PASS"
    assert report.Target("cold / floor", 0.81, 0.8).verdict == "FAIL"
    assert report.Target("worker / euca2ools", None, 0.5).verdict == "n/a"


def test_target_under_fails_on_the_limit() -> None:
    assert report.Target("--help", 0.06, 0.06, "ms", under=True).verdict == "FAIL"
    assert report.Target("--help", 0.059, 0.06, "ms", under=True).verdict == "PASS"


def test_target_at_least_is_for_speed_ups() -> None:
    assert report.Target("jobs", 2.5, 2.5, at_least=True).verdict == "PASS"
    assert report.Target("jobs", 2.4, 2.5, at_least=True).verdict == "FAIL"


def test_target_rows_show_milliseconds_ratios_and_why_missing() -> None:
    help_row = report.Target("--help", 0.0412, 0.06, "ms", under=True).row()
    assert help_row == ["--help", "41 ms", "< 60 ms", "PASS"]
    assert report.Target("r", 0.123, 0.15).row() == ["r", "0.12x", "<= 0.15x", "PASS"]
    row = report.Target("w", None, 0.5, missing="n/a (no worker)").row()
    assert row == ["w", "n/a (no worker)", "<= 0.5x", "n/a"]


def test_tables_are_markdown_with_their_notes() -> None:
    text = report.Table("T", ["a", "b"], [["1", "0.50 s"]], ["a note"]).render()
    assert text.startswith("### T\n\n| a ")
    assert "| 1   | 0.50 s |" in text
    assert text.rstrip().endswith("a note")


def test_options_quick_and_sections() -> None:
    options, only = run.parse(["--quick", "--only", "calls,deletes"])
    assert (options.rounds, options.repeats, options.latency_ms) == (5, 1, 50.0)
    assert only == ["calls", "deletes"]
    options, only = run.parse([])
    assert (options.rounds, options.repeats, options.users) == (15, 3, 10_000)
    assert only == ["calls", "listing", "audit", "deletes", "lint", "apply", "org"]
    with pytest.raises(SystemExit):
        run.parse(["--only", "nothing"])


def test_options_lint_resources() -> None:
    options, _ = run.parse(["--lint-resources", "5,10"])
    assert options.lint_resources == (5, 10)
    assert run.parse([])[0].lint_resources == (500, 4700)
    for wrong in ("x", "0", ","):
        with pytest.raises(SystemExit):
            run.parse(["--lint-resources", wrong])


def test_the_lint_section_times_policylint_on_each_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For real, on small documents: policylint needs no endpoint, so no Lab either."""
    import os
    from types import SimpleNamespace

    from bench import lintbench
    from bench.lab import Lab
    from bench.sections import Options, lint

    lab: Any = SimpleNamespace(
        scratch=tmp_path,
        env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        euare=Lab.euare,
    )
    small = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Gett*"}]}
    small["Statement"][0]["Resource"] = "*"
    monkeypatch.setattr(lintbench, "stress_policies", lambda: {"small": small})
    section = lint(lab, Options(1, 1, 0.0, 1, 1, None, lint_resources=(3, 6)))
    wildcard, limit = (table.rows for table in section.tables)
    assert [(row[0], row[4]) for row in wildcard] == [
        ("3 wildcard resources", "2"),  # no Resource is an EC2 or IAM one
        ("6 wildcard resources", "2"),
    ]
    assert [(row[0], row[4]) for row in limit] == [("small", "1")]  # s3:Gett* matches nothing
    names = [target.name for target in section.targets]
    assert names == [
        "policylint, 6 wildcard resources",
        "policylint, slowest at IAM's limit (small)",
    ]
    assert all(t.value is not None and t.limit == 2.0 for t in section.targets)


def test_the_deleted_user_holds_fifty_things() -> None:
    assert sum(ATTACHMENTS.values()) == 50


def test_measured_run_times_the_first_line_and_counts_lines() -> None:
    code = "import sys, time; print('a', flush=True); time.sleep(0.2); print('b'); sys.exit(3)"
    result = measure.run([sys.executable, "-c", code], {}, expect=3)
    assert result.lines == 2 and result.head == "a\nb\n"
    assert result.first_line is not None and result.first_line < result.seconds - 0.15
    assert result.peak_rss_kb > 1000
    with pytest.raises(measure.Failed):
        measure.run([sys.executable, "-c", code], {})


def test_an_apply_step_becomes_the_aws_cli_command_that_sends_the_same_call() -> None:
    """bench/applybench.py compares accountapply with the AWS CLI sending its plan's calls."""
    import shlex
    from types import SimpleNamespace

    from bench.applybench import aws_command

    step = {
        "Operation": "CreateUser",
        "Parameters": {"UserName": "u 1", "Path": "/", "Tags": [{"Key": "k", "Value": "v"}]},
    }
    lab = SimpleNamespace(url="http://127.0.0.1:1/")
    words = shlex.split(aws_command(lab, ["aws"], step))  # type: ignore[arg-type]
    assert words == [
        "aws", "iam", "create-user", "--user-name", "u 1", "--path", "/",
        "--tags", '[{"Key": "k", "Value": "v"}]',
        "--endpoint-url", "http://127.0.0.1:1/", "--output", "text",
    ]  # fmt: skip

