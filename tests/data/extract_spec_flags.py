"""Extract the flag table tests/unit/test_spec_flags.py checks from the compatibility spec.

The spec (``shared/reference/euare-verbs.md``, §6) records euca2ools 3.4's interface; it lives
beside the repository, not in it, so the tests read this extract instead:

    python tests/data/extract_spec_flags.py ../shared/reference/euare-verbs.md \\
        > tests/data/euare-verbs-flags.json

For each verb the spec describes: every flag named in backticks in its block (``flags``), the
ones the spec calls dummy (``dummy``), and whether the verb is Eucalyptus-only (``[E]``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w]*(?:-[\w]+)*)")


def spec_blocks(text: str) -> dict[str, str]:
    section = text[text.index("## 6. Per-command reference") : text.index("## 7.")]
    parts = re.split(r"\*\*euare-(\w+)\*\*", section)
    return {parts[i]: parts[i + 1].split("\n### ")[0] for i in range(1, len(parts) - 1, 2)}


def block_flags(block: str) -> tuple[set[str], set[str]]:
    """(flags named plainly, flags named as dummies) in backticks in a verb's block."""
    real: set[str] = set()
    dummy: set[str] = set()
    for match in re.finditer(r"(dummy\s+)?(?:\*\*)?`([^`]+)`", block):
        flags = {f for f in FLAG.findall(match.group(2)) if f != "-"}
        (dummy if match.group(1) else real).update(flags)
    return real, dummy


def extract(text: str) -> dict[str, object]:
    verbs: dict[str, object] = {}
    for verb, block in sorted(spec_blocks(text).items()):
        real, dummy = block_flags(block)
        verbs[verb] = {
            "eucalyptus_only": "[E]" in block[:200],
            "flags": sorted(real),
            "dummy": sorted(dummy),
        }
    return {"source": "shared/reference/euare-verbs.md, section 6", "verbs": verbs}


if __name__ == "__main__":
    data = extract(Path(sys.argv[1]).read_text())
    sys.stdout.write(json.dumps(data, indent=1, sort_keys=True) + "\n")
