"""Helpers for hidden tests: run a call against the student and the reference, compare safely.

Every failure message describes the call and what the student's function returned, never the
expected value, so a hidden test can fail loudly without giving its answer away::

    c = Call("softmax_temperature", np.array([1000.0, 1001.0, 1002.0]), 1.0)
    check_close(c(student), c(reference), c, rtol=1e-6)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.sandbox.wire import HandleRef, Opaque, RngState

MAX_SHOWN = 6


def show(value: Any) -> str:
    """A short description of a value for a message: small arrays in full, large ones by shape."""
    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, RngState):
        return "rng"
    if isinstance(value, HandleRef):
        return repr(value)
    if hasattr(value, "wire_name") and hasattr(value, "wire_params"):
        return repr(value)
    if callable(value) and not isinstance(value, (np.ndarray, np.generic)):
        return getattr(value, "__name__", "a function")
    if isinstance(value, (list, tuple)) and len(value) <= MAX_SHOWN and all(
            isinstance(v, (int, float, np.integer, np.floating)) for v in value):
        return repr(type(value)(float(v) if isinstance(v, (float, np.floating)) else int(v) for v in value))
    if isinstance(value, (np.ndarray, list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return f"a {type(value).__name__} of length {len(value)}"
        if arr.dtype.kind in "biuf" and arr.size <= MAX_SHOWN:
            return np.array2string(arr, separator=", ", precision=4)
        return f"an array of shape {arr.shape}"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)[:80]


class Call:
    """A call of a named function with fixed arguments, runnable on the student or the reference."""

    def __init__(self, function: str, *args: Any, **kwargs: Any) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs

    def __call__(self, target: Any) -> Any:
        return getattr(target, self.function)(*self.args, **self.kwargs)

    def __str__(self) -> str:
        parts = [show(a) for a in self.args] + [f"{k}={show(v)}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


def result_array(value: Any, call: Call | str, *, kinds: str = "biuf") -> np.ndarray:
    """The student's result as an ndarray of numbers; a clear failure if it is anything else."""
    if value is None:
        raise AssertionError(f"{call} returned None; did you forget a return statement?")
    if isinstance(value, (Opaque, HandleRef)):
        raise AssertionError(f"{call} returned {value.type_name or 'an object'}, which is not an array or a number")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        raise AssertionError(f"{call} returned a ragged or mixed {type(value).__name__}, not an array") from None
    if arr.dtype.kind not in kinds:
        raise AssertionError(f"{call} returned values of type {arr.dtype}, not numbers")
    return arr


def result_float(value: Any, call: Call | str) -> float:
    """A scalar result (a Python or NumPy number, or a 0-d array or tensor)."""
    arr = result_array(value, call, kinds="iuf")
    if arr.ndim != 0:
        raise AssertionError(f"{call} returned an array of shape {arr.shape}; it should return a single number "
                             f"(use float(...) or .item())")
    return float(arr)


def check_shape(actual: np.ndarray, shape: tuple[int, ...], call: Call | str) -> None:
    if actual.shape != tuple(shape):
        raise AssertionError(f"{call} returned shape {actual.shape}; expected shape {tuple(shape)}")


def check_close(actual: Any, expected: Any, call: Call | str, *, rtol: float = 1e-6, atol: float = 1e-9,
                scale: float | None = None) -> np.ndarray:
    """Same shape and values within ``atol + rtol*|expected|`` (``scale`` replaces |expected|)."""
    arr = result_array(actual, call)
    exp = np.asarray(expected, dtype=np.float64)
    check_shape(arr, exp.shape, call)
    a = arr.astype(np.float64)
    infinite = np.isinf(exp)
    tol = atol + rtol * (np.abs(np.where(infinite, 0.0, exp)) if scale is None else scale)
    with np.errstate(invalid="ignore"):
        ok = np.where(infinite, a == exp, np.abs(a - exp) <= tol)  # an infinite expectation is met exactly
    ok &= ~(np.isnan(a) & ~np.isnan(exp))
    ok |= np.isnan(a) & np.isnan(exp)
    if not ok.all():
        bad = np.argwhere(~ok)
        first = tuple(int(i) for i in bad[0]) if a.ndim else ()
        got = a[first] if a.ndim else float(a)
        where = f" at index {list(first)}" if a.ndim else ""
        nans = " (it contains NaN)" if np.isnan(a).any() and not np.isnan(exp).any() else ""
        raise AssertionError(f"{call} returned a wrong result{nans}: {len(bad)} of {a.size} values are off, "
                             f"first{where} where it returned {got:.6g}")
    return arr


def check_scalar_close(actual: Any, expected: float, call: Call | str, *, rtol: float = 1e-6,
                       atol: float = 1e-9) -> float:
    value = result_float(actual, call)
    if not (math.isclose(value, expected, rel_tol=rtol, abs_tol=atol) or value == expected):
        raise AssertionError(f"{call} returned {value:.6g}, which is not the right value")
    return value


def check_raises(target: Any, exception: str, call: Call) -> None:
    """The student's function must raise the named built-in exception (or a subclass)."""
    from autograder.testing.proxy import StudentError

    try:
        value = call(target)
    except StudentError as exc:
        if exc.is_instance_of(exception):
            return
        if exc.info.kind != "exception" or "NotImplementedError" in exc.info.types:
            raise
        raise AssertionError(f"{call} raised {exc.info.type}; it should raise {exception}") from None
    raise AssertionError(f"{call} returned {show(value)}; it should raise {exception}")


def check_correct_and_inputs_unchanged(student: Any, reference: Any, call: Call,
                                       check: Callable[[Any, Any, Call], Any]) -> None:
    """The student's result passes ``check(actual, expected, call)`` and every argument is left as passed.

    Requiring a right result means a function that ignores its inputs earns nothing here.
    """
    value, after, kwargs_after = getattr(student, call.function).call_and_inputs(*call.args, **call.kwargs)
    check(value, call(reference), call)
    check_inputs_unchanged(list(call.args), after, call)
    check_inputs_unchanged(list(call.kwargs.values()), [kwargs_after.get(k) for k in call.kwargs], call)


def check_inputs_unchanged(before: list, after: list, call: Call) -> None:
    """Arguments as the student's function left them must equal what was passed (rng, callbacks, models and
    handles aside: a model's weights are checked with ``check_model_unchanged``)."""
    if len(after) != len(before):
        raise AssertionError(f"{call}: the arguments could not be read back after the call")
    for i, (b, a) in enumerate(zip(before, after)):
        if isinstance(b, (np.random.Generator, HandleRef)) or (callable(b) and not isinstance(b, np.ndarray)) \
                or hasattr(b, "wire_params"):
            continue
        same = isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and \
            np.array_equal(a, b, equal_nan=True)
        if not isinstance(b, np.ndarray):
            same = _plain_equal(a, b)
        if not same:
            raise AssertionError(f"{call} modified its argument {i + 1}; a function must not change its inputs")


def _plain_equal(a: Any, b: Any) -> bool:
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_plain_equal(x, y) for x, y in zip(a, b))
    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    return type(a) is type(b) and a == b


def check_model_unchanged(model_after: Any, expected: list[np.ndarray], call: Call | str,
                          inspector: str = "keras_weights") -> None:
    """The model a student's function was given (``call_and_inputs`` returns it as a handle) still has the
    ``expected`` weights after the call. The weights are read by an inspector in the student's process;
    the child restores the model before every call anyway, so a changed model gains nothing elsewhere."""
    from autograder.testing.remote import Handle, inspect

    if not isinstance(model_after, Handle):
        raise AssertionError(f"{call}: the model could not be read back after the call")
    after = inspect(model_after, inspector)
    after = list(after.values()) if isinstance(after, dict) else after
    if len(after) != len(expected) or any(np.shape(a) != np.shape(b) or not np.array_equal(a, b)
                                          for a, b in zip(after, expected)):
        raise AssertionError(f"{call} changed the model's weights; never train the model or assign to its weights")
