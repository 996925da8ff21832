"""The registry of portable models: what the sandbox child may rebuild from a name and parameters."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Protocol, runtime_checkable


@runtime_checkable
class Portable(Protocol):
    """A model that crosses the sandbox as ``wire_name`` and ``wire_params()`` and is rebuilt by ``build()``."""

    wire_name: ClassVar[str]

    def wire_params(self) -> dict[str, Any]: ...

    def build(self) -> Any: ...


PORTABLE: dict[str, type] = {}
_BUILT: dict[str, tuple[Any, Any]] = {}  # the child's cache: key -> (spec, live object)


def register(cls: type) -> type:
    """Class decorator: make ``cls`` rebuildable in the child under its ``wire_name``."""
    PORTABLE[cls.wire_name] = cls  # type: ignore[attr-defined]
    return cls


def rebuild(name: str, params: Any) -> Any:
    """The child's live copy of a portable model sent by the grader, in its pristine state.

    Built once per name and parameters, then restored (``spec.restore(obj)``, e.g. the initial
    weights) every time it is handed over again, so one call cannot leave changes for the next.
    """
    if name not in PORTABLE or not isinstance(params, dict):
        raise ValueError(f"unknown portable model {name!r}")
    key = name + json.dumps(params, sort_keys=True, default=str)
    if key in _BUILT:
        spec, obj = _BUILT[key]
        restore = getattr(spec, "restore", None)
        if restore is not None:
            restore(obj)
        return obj
    spec = PORTABLE[name](**params)
    obj = spec.build()
    _BUILT[key] = (spec, obj)
    return obj
