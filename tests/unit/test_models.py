"""euare's botocore data loader (models.py): restricted to IAM and STS, the same models and
endpoints as botocore's own loader, and a cache under ~/.cache/euare that is used only when it
is the user's own, whole and current."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.loaders import JSONFileLoader

from euare.call import client as euare_client
from euare.core.models import SERVICES, ModelCache, make_loader


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}


def cache_file(env: dict[str, str]) -> Path:
    [found] = Path(env["XDG_CACHE_HOME"], "euare").glob("models-*.marshal")
    return found


def warm(env: dict[str, str]) -> None:
    """Build a client once, so that everything a client needs is in the cache."""
    loader = make_loader(None, env)
    session = botocore.session.Session()
    session.register_component("data_loader", loader)
    session.create_client(
        "iam", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    ).get_paginator("list_users")


def no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading any of botocore's data files fails the test."""

    def refuse(self: Any, path: str) -> Any:
        raise AssertionError(f"read {path} instead of the cache")

    monkeypatch.setattr(JSONFileLoader, "load_file", refuse)


def test_only_iam_and_sts_are_known(env: dict[str, str]) -> None:
    assert make_loader(None, env).list_available_services("service-2") == list(SERVICES)


def test_a_warm_cache_serves_every_model_without_reading_botocores_files(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(env)
    path = cache_file(env)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    no_files(monkeypatch)
    warm(env)  # would fail in refuse() if anything were read from botocore's data


@pytest.mark.parametrize("service", SERVICES)
def test_the_models_are_botocores_less_their_documentation(
    env: dict[str, str], service: str
) -> None:
    stock = botocore.session.Session().get_service_model(service)
    for _ in range(2):  # cold, then from the cache
        session = botocore.session.Session()
        session.register_component("data_loader", make_loader(None, env))
        ours = session.get_service_model(service)
        assert ours.operation_names == stock.operation_names
        for name in stock.operation_names:
            mine, theirs = ours.operation_model(name), stock.operation_model(name)
            for shape in ("input_shape", "output_shape"):
                a, b = getattr(mine, shape), getattr(theirs, shape)
                assert (a and sorted(a.members)) == (b and sorted(b.members)), (name, shape)
            assert mine.metadata == theirs.metadata
        assert ours.metadata == stock.metadata


REGIONS = ["us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1", "us-iso-east-1"]


@pytest.mark.parametrize("service", SERVICES)
def test_endpoints_are_botocores(env: dict[str, str], service: str) -> None:
    """In a region of each partition: one session for all of them (loading botocore's data
    cost a second a session)."""

    def urls(session: Any) -> dict[str, str]:
        return {
            region: str(
                session.create_client(
                    service, region_name=region, aws_access_key_id="a", aws_secret_access_key="b"
                ).meta.endpoint_url
            )
            for region in REGIONS
        }

    expected = urls(botocore.session.Session())
    for _ in range(2):  # cold, then from the cache
        ours = botocore.session.Session()
        ours.register_component("data_loader", make_loader(None, env))
        assert urls(ours) == expected


def handlers(session: Any, event: str) -> list[Any]:
    """The handlers an event reaches (botocore's emitter internals: test code only)."""
    emitter = session.get_component("event_emitter")
    return list(emitter._emitter._handlers.prefix_search(emitter._alias_event_name(event)))


def test_the_restricted_handlers_are_botocores_for_every_iam_and_sts_event() -> None:
    stock = botocore.session.Session()
    ours = euare_client.new_session()
    kinds = [
        "provide-client-params",
        "before-parameter-build",
        "before-endpoint-resolution",
        "before-call",
        "request-created",
        "choose-signer",
        "before-sign",
        "before-send",
        "needs-retry",
        "before-parse",
        "after-call",
        "after-call-error",
        "docs.request-params",
        "getattr",
    ]
    checked = 0
    for service in SERVICES:
        for operation in stock.get_service_model(service).operation_names:
            for kind in kinds:
                event = f"{kind}.{service}.{operation}"
                theirs = handlers(stock, event)
                mine = [h for h in handlers(ours, event) if h in theirs or "euare" not in repr(h)]
                assert mine == theirs, event
                checked += 1
    for event in (
        "creating-client-class.iam",
        "choose-service-name",
        "service-data-loaded.iam",
        "before-endpoint-resolution.iam",
        "after-call.iam",
    ):
        assert handlers(ours, event) == handlers(stock, event), event
    assert checked > 1000
    s3 = "before-parameter-build.s3.PutObject"
    assert len(handlers(ours, s3)) < len(handlers(stock, s3)), "S3's handlers registered"


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # cut short
        lambda blob: blob[:-10] + b"0123456789",  # changed inside: the digest no longer matches
        lambda blob: b"not a cache at all",
        lambda blob: b"",
    ],
)
def test_a_damaged_cache_is_ignored_and_written_again(
    env: dict[str, str], damage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(env)
    path = cache_file(env)
    good = make_loader(None, env).models.entries
    assert good
    path.write_bytes(damage(path.read_bytes()))
    assert make_loader(None, env).models.entries == {}
    warm(env)
    assert make_loader(None, env).models.entries == good
    no_files(monkeypatch)
    warm(env)


def test_a_cache_whose_digest_does_not_match_is_ignored(env: dict[str, str]) -> None:
    """Well-formed marshal data under the digest of other data: refused, not half-trusted."""
    import marshal

    from euare.core.models import MAGIC

    warm(env)
    path = cache_file(env)
    blob = path.read_bytes()
    digest, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
    content = marshal.loads(payload)
    content["entries"]["partitions"][0] = {"partitions": []}
    path.write_bytes(MAGIC + digest + marshal.dumps(content))
    assert make_loader(None, env).models.entries == {}


def test_a_foreign_owned_cache_is_neither_read_nor_replaced(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.fail("this test needs root to give a file to another user; CI runs as root")
    warm(env)
    path = cache_file(env)
    os.chown(path, 12345, 12345)
    loader = make_loader(None, env)
    assert loader.models.entries == {}
    assert loader.models.usable is False
    reads: list[str] = []
    original = JSONFileLoader.load_file
    monkeypatch.setattr(
        JSONFileLoader, "load_file", lambda self, p: reads.append(p) or original(self, p)
    )
    warm(env)
    assert reads, "a foreign cache was used"
    assert path.stat().st_uid == 12345


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o720])
def test_a_cache_directory_others_can_write_is_not_trusted(env: dict[str, str], mode: int) -> None:
    warm(env)
    directory = cache_file(env).parent
    directory.chmod(mode)
    loader = make_loader(None, env)
    assert loader.models.entries == {} and loader.models.usable is False


def test_a_symlinked_cache_file_is_not_followed(env: dict[str, str], tmp_path: Path) -> None:
    warm(env)
    path = cache_file(env)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    loader = make_loader(None, env)
    assert loader.models.entries == {}


def test_the_cache_can_be_turned_off(env: dict[str, str]) -> None:
    warm({**env, "EUARE_MODEL_CACHE": "0"})
    assert not Path(env["XDG_CACHE_HOME"], "euare").exists()


def test_a_model_file_changed_in_place_is_read_again(env: dict[str, str], tmp_path: Path) -> None:
    """An AWS_DATA_PATH copy of IAM's model, edited after it was cached, is read afresh."""
    import botocore

    data = tmp_path / "models"
    source = Path(botocore.__file__).parent / "data" / "iam"
    shutil.copytree(source, data / "iam")
    [service] = (data / "iam").glob("*/service-2.json*")
    loader = make_loader(str(data), env)
    version = service.parent.name
    model = loader.load_service_model("iam", "service-2", version)
    assert "ListUsers" in model["operations"]
    import gzip
    import json

    opener: Any = gzip.open if service.suffix == ".gz" else open
    with opener(service, "rt") as handle:
        raw = json.load(handle)
    del raw["operations"]["ListUsers"]
    with opener(service, "wt") as handle:
        json.dump(raw, handle)
    again = make_loader(str(data), env).load_service_model("iam", "service-2", version)
    assert "ListUsers" not in again["operations"]


def test_the_cache_is_keyed_by_botocores_version(env: dict[str, str]) -> None:
    first = ModelCache(Path(env["XDG_CACHE_HOME"]), ("1.0", "x"))
    second = ModelCache(Path(env["XDG_CACHE_HOME"]), ("1.1", "x"))
    assert first.path != second.path
    first.put("endpoints", {"a": 1}, None)
    second.load()
    assert second.entries == {}
