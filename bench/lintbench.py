"""``make bench``'s lint section (issue 19: any document IAM would accept lints in under
2 s): ``euare-policylint`` on the issue's document (s3:*, ec2:* and iam:* on N wildcard S3
ARNs; 4,700 of them are about 121 KB), and on documents as big as IAM takes, each aimed at a
part of the lint that could grow with the document times the catalogue
(tests/support/documents.py). A whole process each time: start-up, reading, the lint."""

from __future__ import annotations

import json
from typing import Any

from tests.support.documents import DOCUMENT_LIMIT, stress_policies, wildcard_policy

from bench import measure, report
from bench.lab import Lab
from bench.report import Table, Target, mib, secs
from bench.sections import Options, Section, say, seconds_of

LINT_LIMIT = 2.0
HEADERS = ["document", "characters", "time", "peak RSS", "findings"]


def _table(
    lab: Lab, opts: Options, title: str, documents: dict[str, Any], note: str, stem: str
) -> tuple[Table, dict[str, float | None]]:
    """Each document linted by a fresh ``euare-policylint --fail-on error FILE``: after an
    untimed run (the page cache, the catalogue's files), the median of ``opts.repeats``."""
    rows, medians = [], {}
    for number, (name, document) in enumerate(documents.items()):
        path = lab.scratch / f"{stem}-{number}.json"
        path.write_text(json.dumps(document))
        argv = [lab.euare("policylint"), "--fail-on", "error", str(path)]
        measure.run(argv, lab.env)
        these = [measure.run(argv, lab.env) for _ in range(opts.repeats)]
        medians[name] = seconds_of(these)
        rss = mib(report.median([float(r.peak_rss_kb) for r in these]))
        size = f"{path.stat().st_size:,}"
        rows.append([name, size, secs(medians[name]), rss, str(these[-1].lines)])
    runs = report.runs(opts.repeats)
    return Table(
        title,
        HEADERS,
        rows,
        [f"{note} `euare-policylint --fail-on error FILE`, {runs} after an untimed one."],
    ), medians


def lint_section(lab: Lab, opts: Options) -> Section:
    wildcard = {
        f"{count:,} wildcard resources": wildcard_policy(count) for count in opts.lint_resources
    }
    stress = stress_policies()
    say(f"policylint: {report.runs(opts.repeats)} of {len(wildcard) + len(stress)} documents")
    issue, issue_times = _table(
        lab,
        opts,
        "Linting a policy of many wildcard resources",
        wildcard,
        "Allow s3:*, ec2:* and iam:* on N resources `arn:aws:s3:::bk-NNNN/*` (the findings: no "
        "Resource is an EC2 or IAM one).",
        "wildcard",
    )
    limit, limit_times = _table(
        lab,
        opts,
        "Linting policies as big as IAM takes",
        stress,
        f"Each as near {DOCUMENT_LIMIT:,} characters (what IAM takes) as its shape allows "
        "(tests/support/documents.py, stress_policies).",
        "limit",
    )
    biggest = list(issue_times)[-1]
    slowest = max(limit_times, key=lambda name: limit_times[name] or 0.0)
    targets = [
        Target(f"policylint, {biggest}", issue_times[biggest], LINT_LIMIT, "ms", under=True),
        Target(
            f"policylint, slowest at IAM's limit ({slowest})",
            limit_times[slowest],
            LINT_LIMIT,
            "ms",
            under=True,
        ),
    ]
    return Section([issue, limit], targets)
