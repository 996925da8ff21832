"""Objects the student's code returned that stay in the sandbox, as the tests see them: ``Handle``.

``student.build_dense_autoencoder(80, 80, 400)`` returns a ``Handle`` to the Keras model in the
child. Calling the handle, reading an attribute (``model.output_shape``), calling a method
(``model.predict(x, verbose=0)``, ``model.count_params()``) and passing the handle into another call
all run in the child and give plain data or further handles; the grader never holds the object.
``inspect(handle, "keras_layers")`` runs a trusted inspector (``autograder.models.inspectors``) on it
there. Every action has the time limit, probation and circuit breaker of the function that produced
the object. A handle outlives nothing: after the child crashes or restarts, using it fails with a
``StudentError`` that says so.

What an object (or an inspector, which runs in the student's process) says about itself can be a
lie; a test should check behaviour it recomputes itself where it can (``describe`` vs ``forward``).
"""

from __future__ import annotations

from typing import Any, Protocol

from autograder.sandbox.wire import HandleRef


class Owner(Protocol):
    """What a handle acts through: the student function that returned it (its limits apply)."""

    def remote(self, handle: Handle, action: str, name: str, args: tuple, kwargs: dict, label: str) -> Any: ...


class Handle(HandleRef):
    """A live object in the student's process, by reference."""

    __slots__ = ("_owner", "_label")

    def __init__(self, ref: HandleRef, owner: Owner, label: str) -> None:
        super().__init__(ref.handle_id, ref.generation, ref.type_name, ref.bases)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_label", label)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._owner.remote(self, "call", "", args, kwargs, f"{self._label}(...)")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in Handle.__slots__:
            raise AttributeError(name)
        return self._owner.remote(self, "getattr", name, (), {}, f"{self._label}.{name}")

    def __repr__(self) -> str:
        return f"<{self.type_name or 'object'} returned by {self._label}>"

    @property
    def label(self) -> str:
        """How the object came about, for messages: ``build_dense_autoencoder(...)``, ``...predict(...)``."""
        return self._label


def inspect(handle: Handle, inspector: str, *args: Any) -> Any:
    """Run the trusted inspector ``inspector`` on the object in the child; plain data back."""
    if not isinstance(handle, Handle):
        raise TypeError(f"inspect() needs a Handle, not {type(handle).__name__}")
    return handle._owner.remote(handle, "inspect", inspector, args, {}, f"{handle.label} ({inspector})")


def is_handle(value: Any) -> bool:
    return isinstance(value, HandleRef)
