"""The model euare judges typed values against (euare.core.shapes over
euare.core.models.service_model) is botocore's: every input shape of every operation of IAM, STS
and Organizations answers as botocore's Shape does, from a cold cache and a warm one; and the
environment settles the data path only where botocore's session would read no file for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest

from euare.call.awsfiles import data_path_settled
from euare.core.models import SERVICES, service_model
from euare.core.shapes import Shape, input_shape


def same(mine: Shape, theirs: Any, within: tuple[str, ...] = ()) -> int:
    """Assert ``mine`` answers as botocore's ``theirs`` does, all the way down; how many shapes
    were compared."""
    where = (*within, theirs.name)
    assert (mine.name, mine.type_name, mine.metadata) == (
        theirs.name,
        theirs.type_name,
        theirs.metadata,
    ), where
    if theirs.name in within:  # a shape within itself: compared once
        return 1
    if theirs.type_name == "structure":
        assert list(mine.members) == list(theirs.members), where
        pairs = zip(mine.members.values(), theirs.members.values(), strict=True)
        return 1 + sum(same(a, b, where) for a, b in pairs)
    if theirs.type_name == "list":
        return 1 + same(mine.member, theirs.member, where)
    return 1


@pytest.mark.parametrize("service", SERVICES)
def test_every_input_shape_answers_as_botocores(tmp_path: Path, service: str) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    stock = botocore.session.Session().get_service_model(service)
    for _ in range(2):  # cold, then from the cache
        model = service_model(service, None, env)
        compared = 0
        for name in stock.operation_names:
            theirs, mine = stock.operation_model(name).input_shape, input_shape(model, name)
            assert (mine is None) == (theirs is None), name
            if mine is not None:
                compared += same(mine, theirs)
        assert compared > 2 * len(stock.operation_names)


def test_traits_given_with_a_reference_are_laid_over_the_shapes_own() -> None:
    """As botocore resolves a member given as {"shape": NAME, "max": 3, ...} (a model in
    AWS_DATA_PATH may do what botocore's own do not)."""
    from botocore.model import ServiceModel

    model: dict[str, Any] = {
        "metadata": {"protocol": "query", "apiVersion": "2010-05-08"},
        "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
        "shapes": {
            "In": {
                "type": "structure",
                "members": {
                    "Short": {"shape": "name", "max": 3, "sensitive": True},
                    "Plain": {"shape": "name"},
                    "Items": {"shape": "names", "locationName": "item"},
                },
            },
            "name": {"type": "string", "min": 1, "max": 64, "pattern": "[a-z]+"},
            "names": {"type": "list", "member": {"shape": "name", "min": 2}},
        },
    }
    mine = input_shape(model, "Op")
    assert mine is not None
    assert same(mine, ServiceModel(model).operation_model("Op").input_shape) == 5
    assert mine.members["Short"].metadata["max"] == 3


@pytest.mark.parametrize(
    ("given", "settled"),
    [
        ({}, True),
        ({"AWS_PROFILE": "x"}, False),  # it must exist: botocore's session finds out
        ({"AWS_DEFAULT_PROFILE": ""}, False),
        ({"AWS_PROFILE": "x", "AWS_DATA_PATH": "/d"}, True),  # the profile is not consulted
        ({"AWS_CONFIG_FILE": "{home}/config"}, False),
        ({"AWS_SHARED_CREDENTIALS_FILE": "{home}"}, False),  # a directory: refused, not skipped
        ({"AWS_CONFIG_FILE": "$SOMEWHERE/config"}, False),  # botocore expands variables
        ({"AWS_CONFIG_FILE": "{home}/config/x"}, False),  # not a directory on the way
        ({"AWS_CONFIG_FILE": "{home}/none", "AWS_DATA_PATH": "/d"}, True),
    ],
)
def test_the_environment_settles_the_data_path_only_when_no_file_could(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: dict[str, str], settled: bool
) -> None:
    (tmp_path / "config").write_text("[default]\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SOMEWHERE", str(tmp_path))
    env = {"HOME": str(tmp_path), **{k: v.format(home=tmp_path) for k, v in given.items()}}
    assert data_path_settled(env) is settled
