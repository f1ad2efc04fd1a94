"""A read-only view of a service model's shapes (the service-2 document, a plain dict), that
answers what botocore's ``Shape`` does for judging a value (its type, members, list member and
metadata: min, max, pattern, enum, sensitive...) without importing botocore: a command refused
before any request need not pay for it (see euare.core.models.service_model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# botocore's Shape.METADATA_ATTRS: the traits a shape's metadata holds, when the model gives them
METADATA = (
    "required",
    "min",
    "max",
    "pattern",
    "sensitive",
    "enum",
    "idempotencyToken",
    "error",
    "exception",
    "endpointdiscoveryid",
    "retryable",
    "document",
    "union",
    "contextParam",
    "clientContextParams",
    "requiresLength",
)


class Shape:
    """One shape of ``model``, reached through a reference (``{"shape": NAME, ...}``) whose
    other traits are laid over the shape's own, as botocore resolves them."""

    def __init__(self, model: Mapping[str, Any], ref: Mapping[str, Any]) -> None:
        self.name: str = ref["shape"]
        self._model = model
        own = model["shapes"][self.name]
        laid = {k: v for k, v in ref.items() if k != "shape"}
        self._traits = {**own, **laid} if laid else own
        self.type_name: str = self._traits["type"]

    @property
    def metadata(self) -> dict[str, Any]:
        """The traits botocore's Shape.metadata holds (min, max, pattern, enum, sensitive...)."""
        return {k: self._traits[k] for k in METADATA if k in self._traits}

    @property
    def members(self) -> dict[str, Shape]:
        """A structure's members, by name, in the model's order."""
        found = self._traits.get("members", {})
        return {name: Shape(self._model, ref) for name, ref in found.items()}

    @property
    def member(self) -> Shape:
        """A list's item."""
        return Shape(self._model, self._traits["member"])


def input_shape(model: Mapping[str, Any], operation: str) -> Shape | None:
    """The shape of ``operation``'s input (None: it takes none; KeyError: no such operation)."""
    ref = model["operations"][operation].get("input")
    return None if ref is None else Shape(model, ref)
