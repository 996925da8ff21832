"""Runs inside the student's Otter kernel: the hidden pytest suite against the notebook's globals.

The ``student`` fixture is a thin in-process stand-in for ``autograder.testing.proxy.Student``
with the same API (``fn(...)``, ``.repeat(n, ...)``, ``.call_and_inputs(...)``, ``.with_timeout(s)``,
``defines``). Arguments and results go through the autograder's own wire encoding in memory (so
the tests see the same value types: tensors come back as arrays, a ``Generator`` argument is a
copy and comes back as ``RngState``), failures raise the same ``StudentError`` classes, and a call
is stopped after its time limit with SIGALRM. There is no process boundary: that is Otter's model.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from autograder import models as toy_models
from autograder.sandbox import wire
from autograder.sandbox.child import make_rng
from autograder.sandbox.outcomes import ErrorInfo
from autograder.testing.plugin import MARKERS
from autograder.testing.proxy import StudentError, describe_failure


class _ShimTimeout(BaseException):
    """Raised in the student's code when the call's time is up."""


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals only reach the main thread: no limit (never the case in an ipykernel cell)
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _ShimTimeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _roundtrip(message: dict, register: Any = None, make_callback: Any = None, rng: Any = None,
               portable: Any = None) -> dict:
    tree, buffers = wire.read_frame(io.BytesIO(wire.pack(message, register)))
    return wire.unpack(tree, buffers, make_callback=make_callback, make_rng=rng, make_portable=portable)


def _error_info(exc: BaseException, kind: str = "exception") -> ErrorInfo:
    builtin = tuple(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")
    try:
        message = str(exc)[:2000]
    except Exception:  # noqa: BLE001 - a broken __str__ is the student's
        message = "<message could not be shown>"
    return ErrorInfo(kind, type(exc).__name__, builtin, message, "".join(traceback.format_exception(exc))[-4000:])


class ShimFunction:
    """One of the notebook's functions, called in this process."""

    def __init__(self, ns: dict, name: str, timeout: float, memory_mb: int) -> None:
        self._ns, self.name, self.timeout, self._memory_mb = ns, name, timeout, memory_mb

    def with_timeout(self, seconds: float) -> ShimFunction:
        return ShimFunction(self._ns, self.name, seconds, self._memory_mb)

    def _fail(self, info: ErrorInfo) -> StudentError:
        return describe_failure(self.name, info, self.timeout, self._memory_mb)

    def _call(self, args: tuple, kwargs: dict, repeat: int | None, return_args: bool) -> dict:
        fn = self._ns.get(self.name)
        if fn is None:
            raise self._fail(ErrorInfo("missing", message=f"{self.name} is not defined"))
        if not callable(fn):
            raise self._fail(ErrorInfo("not_callable", type(fn).__name__))
        callbacks: list[Any] = []
        sent = _roundtrip({"args": list(args), "kwargs": dict(kwargs)},
                          register=lambda f: callbacks.append(f) or len(callbacks) - 1,
                          make_callback=lambda i: callbacks[i], rng=make_rng, portable=toy_models.rebuild)
        a, k = sent["args"], sent["kwargs"]
        results = []
        try:
            with _alarm(self.timeout):
                for _ in range(1 if repeat is None else repeat):
                    results.append(fn(*a, **k))
        except _ShimTimeout:
            raise self._fail(ErrorInfo("timeout")) from None
        except MemoryError as exc:
            raise self._fail(_error_info(exc, "memory")) from None
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - the student's exception, reported like the sandbox does
            raise self._fail(_error_info(exc, "exit" if isinstance(exc, SystemExit) else "exception")) from None
        reply: dict[str, Any] = {"value": results if repeat is not None else results[0]}
        if return_args:
            reply.update(args_after=list(a), kwargs_after=k)
        try:
            return _roundtrip(reply)
        except (TypeError, ValueError, RecursionError, wire.WireError) as exc:
            raise self._fail(ErrorInfo("unencodable", type(exc).__name__,
                                       message=f"the result could not be sent back: {exc}"[:500])) from None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(args, kwargs, None, False)["value"]

    def call_and_inputs(self, *args: Any, **kwargs: Any) -> tuple[Any, list, dict]:
        reply = self._call(args, kwargs, None, True)
        return reply["value"], reply.get("args_after") or [], reply.get("kwargs_after") or {}

    def repeat(self, times: int, *args: Any, **kwargs: Any) -> list:
        return self._call(args, kwargs, times, False)["value"]


class ShimStudent:
    """``student.<function>`` over the notebook's globals."""

    def __init__(self, ns: dict, call_seconds: float, memory_mb: int) -> None:
        self._ns, self._call_seconds, self._memory_mb = ns, call_seconds, memory_mb

    def __getattr__(self, name: str) -> ShimFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return ShimFunction(self._ns, name, self._call_seconds, self._memory_mb)

    def defines(self, name: str) -> bool:
        return callable(self._ns.get(name))


def load_reference(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class ShimPlugin:
    """pytest plugin: markers, the hypothesis profile, ``student`` and ``reference``, and the verdicts."""

    def __init__(self, student: ShimStudent, reference: Path) -> None:
        self._student, self._reference_path = student, reference
        self._reference: ModuleType | None = None
        self.rows: list[dict] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        for line in MARKERS:
            config.addinivalue_line("markers", line)
        from hypothesis import HealthCheck, settings

        settings.register_profile("autograder", derandomize=True, database=None, deadline=None,
                                  suppress_health_check=list(HealthCheck), print_blob=False)
        settings.load_profile("autograder")

    @pytest.fixture
    def student(self) -> ShimStudent:
        return self._student

    @pytest.fixture
    def reference(self) -> ModuleType:
        if self._reference is None:
            self._reference = load_reference(self._reference_path)
        return self._reference

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        outcome = yield
        rep = outcome.get_result()
        if rep.when == "call" or (rep.when == "setup" and not rep.passed):
            q, p = item.get_closest_marker("question"), item.get_closest_marker("points")
            self.rows.append({"nodeid": rep.nodeid, "passed": rep.when == "call" and rep.passed,
                              "question": q.args[0] if q and q.args else "", "hidden": True,
                              "points": float(p.args[0]) if p and p.args else 1.0,
                              "message": "" if rep.passed else rep.longreprtext[-1500:]})


def main(ns: dict, config: dict, out: str) -> None:
    """Run the hidden tests against ``ns`` (the notebook's globals) and write the verdicts to ``out``."""
    started = time.time()
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    student = ShimStudent(ns, float(config["call_seconds"]), int(config["memory_mb"]))
    plugin = ShimPlugin(student, Path(config["reference"]).resolve())
    # Otter puts __init__.py files in the grading directories, which would make the tests package a
    # subpackage of them: run a copy from a directory of its own.
    here = tempfile.mkdtemp(prefix="otr-tests-")
    tests = shutil.copytree(config["tests"], Path(here) / Path(config["tests"]).name)
    args = [str(tests), "-c", str(Path(config["ini"]).resolve()), "--rootdir", here, "--confcutdir", here,
            "-p", "no:cacheprovider", "--assert=plain", "-q", "--capture=sys", "--color=no",
            "-p", "no:warnings", "-p", "no:logging"]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    shutil.rmtree(here, ignore_errors=True)
    with open(out, "w") as f:
        json.dump({"rc": int(code), "rows": plugin.rows, "log": sink.getvalue()[-3000:],
                   "times": {"cells": ns.get("_otr_t_cells"), "tests_start": started, "tests_end": time.time()}}, f)
