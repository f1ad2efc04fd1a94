"""The JSON shapes docs/output.md promises for the virtual MFA verbs (mfacreate, mfalist,
mfadel)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Home
from tests.support.shapes import assert_shape

pytestmark = pytest.mark.both  # the JSON of every verb family, both ways

JSON = ("--format", "json")


def test_virtual_mfa_verbs(home: Home, iam: Any) -> None:
    made = home.run("mfacreate", "phone", "--seed-out", str(home.path / "seed"), *JSON)
    created = assert_shape(made, "mfacreate")
    assert "Base32StringSeed" not in created and "QRCodePNG" not in created
    listed = assert_shape(home.run("mfalist", *JSON), "mfalist")
    assert [d["SerialNumber"] for d in listed] == [created["SerialNumber"]]
    assert_shape(home.run("mfadel", created["SerialNumber"], *JSON), "mfadel")
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
