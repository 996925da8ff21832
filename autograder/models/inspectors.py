"""Trusted functions a test runs, inside the sandbox child, on an object the student's code returned.

Each takes the live object (and plain-data arguments) and returns plain data. They run in the
student's process, so a determined student could make an object describe itself falsely (a patched
``count_params`` or ``get_weights``): tests use what an inspector says to find the parts, then check
behaviour the grader recomputes itself (e.g. the forward pass from the exported weights).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

INSPECTORS: dict[str, Callable[..., Any]] = {}


def inspector(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``fn`` under its own name."""
    INSPECTORS[fn.__name__] = fn
    return fn


def _qualname(cls: type) -> str:
    module = getattr(cls, "__module__", "") or ""
    return f"{module}.{cls.__qualname__}" if module not in ("builtins", "") else cls.__qualname__


@inspector
def type_names(obj: Any) -> list[str]:
    """The qualified names of the object's class and every base class (method resolution order)."""
    return [_qualname(c) for c in type(obj).__mro__]


def _shape(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return [_shape(v) for v in value]
    try:
        return [None if d is None else int(d) for d in value]
    except (TypeError, ValueError):
        return str(value)


def _activation(layer: Any) -> str | None:
    fn = getattr(layer, "activation", None)
    if fn is None:
        return None
    return str(getattr(fn, "__name__", fn))


def _layer_record(layer: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"class": type(layer).__name__, "name": str(getattr(layer, "name", "")),
                              "bases": type_names(layer), "params": int(layer.count_params()) if layer.built else 0,
                              "activation": _activation(layer)}
    try:
        record["output_shape"] = _shape(layer.output.shape)
    except (AttributeError, ValueError, RuntimeError):
        record["output_shape"] = None
    for attr in ("units", "use_bias", "target_shape", "scale", "offset", "filters", "kernel_size", "seed"):
        if hasattr(layer, attr):
            value = getattr(layer, attr)
            record[attr] = value if isinstance(value, (int, float, bool, str, type(None))) else _shape(value) \
                if isinstance(value, (list, tuple)) else str(value)
    return record


def _flat_layers(model: Any) -> list[Any]:
    out = []
    for layer in getattr(model, "layers", []):
        if getattr(layer, "layers", None) and not type(layer).__name__ == "InputLayer":
            out.extend(_flat_layers(layer))
        else:
            out.append(layer)
    return out


@inspector
def keras_layers(model: Any) -> list[dict[str, Any]]:
    """Per layer (nested models flattened, in order): class, name, bases, params, activation, output shape,
    and units / use_bias / target_shape / scale / offset / filters / kernel_size / seed where the layer has them."""
    return [_layer_record(layer) for layer in _flat_layers(model)]


@inspector
def keras_weights(obj: Any) -> list[np.ndarray]:
    """The weights of a Keras model or layer, as float arrays, in ``obj.weights`` order."""
    return [np.array(w.numpy() if hasattr(w, "numpy") else w) for w in obj.weights]


@inspector
def keras_weight_shapes(obj: Any) -> list[list[int]]:
    """The shapes of the weights of a Keras model or layer, in ``obj.weights`` order (no values cross)."""
    return [[int(d) for d in w.shape] for w in obj.weights]


@inspector
def keras_weight_names(obj: Any) -> list[str]:
    """The paths (names) of the weights of a Keras model or layer, in ``obj.weights`` order."""
    return [str(getattr(w, "path", getattr(w, "name", ""))) for w in obj.weights]


@inspector
def torch_modules(module: Any) -> list[dict[str, Any]]:
    """Per submodule of a torch ``nn.Module``: name, class, bases and parameter count."""
    return [{"name": name, "class": type(m).__name__, "bases": type_names(m),
             "params": int(sum(p.numel() for p in m.parameters(recurse=False)))}
            for name, m in module.named_modules()]


@inspector
def torch_weights(module: Any) -> dict[str, np.ndarray]:
    """The state dict of a torch ``nn.Module`` as float arrays."""
    return {str(k): v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}
