"""files.write_output: a new private file, never written over an existing one unasked."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from euare.core.files import Exists, write_output


def test_creates_0600_with_the_bytes_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "seed"
    write_output(target, b"\x89PNG\x00data", replace=False)
    assert target.read_bytes() == b"\x89PNG\x00data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["seed"]


def test_never_overwrites_a_file_or_a_dangling_link_unless_asked(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    for path in (kept, link):
        with pytest.raises(Exists):
            write_output(path, b"new", replace=False)
    assert kept.read_bytes() == b"old" and not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "link"]
    write_output(kept, b"new", replace=True)
    assert kept.read_bytes() == b"new" and stat.S_IMODE(kept.stat().st_mode) == 0o600
