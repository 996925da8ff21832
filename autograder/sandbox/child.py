"""The code that runs inside the sandbox, next to the student's code.

It executes the submission's cells in one namespace, then answers calls to the student's functions
over the channel: arguments and results cross as plain data (``wire``). A result that is not plain
data (a Keras model, a layer, a torch module) stays here in a table of handles; the grader gets its
id and may call it, read its attributes, pass it back into a call or run a trusted inspector on it
(``remote`` requests). Nothing here judges anything; whatever the student's code does to this
module can only change what it answers.
"""

from __future__ import annotations

import builtins
import functools
import io
import linecache
import os
import signal
import socket
import sys
import time
import traceback
import types
from typing import Any

import numpy as np

from autograder import models
from autograder.models.inspectors import INSPECTORS
from autograder.sandbox import wire

OUTPUT_CAP = 20_000
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class CallTimeout(BaseException):
    """Raised inside student code when its time is up (a BaseException so ``except Exception`` misses it)."""


class CappedText(io.TextIOBase):
    """A stdout/stderr replacement that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap: int = OUTPUT_CAP) -> None:
        self.cap, self.size, self.dropped = cap, 0, 0
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, s: Any) -> int:
        s = str(s)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output not shown]"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


def _fake_otter() -> types.ModuleType:
    """Stands in for ``otter`` while grading: the notebook's checks and export cells do nothing."""

    class Notebook:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

    module = types.ModuleType("otter")
    module.Notebook = Notebook  # type: ignore[attr-defined]
    return module


class Handles:
    """Objects kept for the grader, by id; they live as long as this process."""

    def __init__(self) -> None:
        self.objects: list[Any] = []

    def add(self, obj: Any) -> int:
        self.objects.append(obj)
        return len(self.objects) - 1

    def get(self, handle_id: int, type_name: str = "", bases: tuple[str, ...] = ()) -> Any:
        if not 0 <= handle_id < len(self.objects):
            raise wire.WireError(f"no object with handle {handle_id}")
        return self.objects[handle_id]


class Channel:
    """Frames over a connected socket; SIGALRM is held back while a frame is in flight."""

    def __init__(self, sock: socket.socket, callbacks: Callbacks, handles: Handles) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.callbacks = callbacks
        self.handles = handles

    def send(self, message: dict) -> None:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            self.sock.sendall(wire.pack(message, register_handle=self.handles.add))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def receive(self) -> dict:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            tree, buffers = wire.read_frame(self.reader)
            return wire.unpack(tree, buffers, make_callback=self.callbacks.stub, make_rng=make_rng,
                               make_portable=models.rebuild, make_handle=self.handles.get)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Callbacks:
    """Functions passed by a test (``next_log_probs``): calling one asks the grader to run it."""

    def __init__(self) -> None:
        self.channel: Channel | None = None

    def stub(self, callback_id: int) -> Any:
        def call_grader(*args: Any, **kwargs: Any) -> Any:
            assert self.channel is not None
            self.channel.send({"op": "callback", "id": callback_id, "args": list(args), "kwargs": kwargs})
            reply = self.channel.receive()
            if reply.get("ok"):
                return reply.get("value")
            raise RuntimeError(str(reply.get("error", "the grader's callback failed")))

        call_grader.__name__ = call_grader.__qualname__ = f"callback_{callback_id}"
        return call_grader


def make_rng(state: wire.RngState) -> np.random.Generator:
    if state.bit_generator not in BIT_GENERATORS:
        raise wire.WireError(f"unknown bit generator {state.bit_generator}")
    bit_generator = getattr(np.random, state.bit_generator)()
    bit_generator.state = state.state
    return np.random.Generator(bit_generator)


def _on_alarm(signum: int, frame: Any) -> None:
    raise CallTimeout()


def _error(exc: BaseException, kind: str = "exception") -> dict:
    tb = exc.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell"):
        tb = tb.tb_next
    lines = traceback.format_exception(type(exc), exc, tb) if tb is not None else \
        traceback.format_exception_only(type(exc), exc)
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ is the student's
        message = "<message could not be shown>"
    builtin_types = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
    return {"kind": kind, "type": type(exc).__name__, "types": builtin_types,
            "message": message[:2000], "traceback": "".join(lines)[-4000:]}


class IPythonStub:
    """``get_ipython()`` for notebook cells: magics and shell commands do nothing, except that the
    body of ``%%time`` / ``%%capture`` / ``%%timeit`` cells runs once."""

    def __init__(self, namespace: dict) -> None:
        self._namespace = namespace

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        if name in ("time", "capture", "timeit"):
            exec(compile(cell, "<cell magic>", "exec"), self._namespace)

    def getoutput(self, *args: Any, **kwargs: Any) -> list:
        return []

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


class Runner:
    """Executes cells and calls in the student's namespace."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        ipython = IPythonStub(self.namespace)
        self.namespace["get_ipython"] = lambda: ipython
        self.namespace["display"] = lambda *args, **kwargs: None
        self.stdout = CappedText()

    def _timed(self, seconds: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def run_cells(self, message: dict) -> dict:
        """Run every cell in order; each cell's outcome is streamed so a crash loses nothing before it."""
        deadline = time.monotonic() + float(message["total_timeout"])
        skip = set(message.get("skip", []))
        for index, raw in enumerate(message["cells"]):
            source = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            start = time.monotonic()
            status: dict[str, Any] = {"op": "cell_done", "index": index, "status": "ok"}
            if index in skip:
                status["status"] = "skipped"
            elif start >= deadline:
                status["status"] = "not_run"
            else:
                self.channel.send({"op": "cell_started", "index": index})
                status.update(self._run_cell(index, source, min(float(message["cell_timeout"]), deadline - start)))
            status["elapsed"] = time.monotonic() - start
            status["stdout"] = self.stdout.take()
            self.channel.send(status)
        names = {k: ("function" if callable(v) else type(v).__name__)
                 for k, v in list(self.namespace.items()) if isinstance(k, str) and not k.startswith("_")}
        return {"op": "cells_done", "names": names}

    def _run_cell(self, index: int, source: str, seconds: float) -> dict:
        try:
            filename = f"<cell {index + 1}>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            code = compile(source, filename, "exec")
            self._timed(seconds, exec, code, self.namespace)
        except CallTimeout:
            return {"status": "timeout"}
        except SystemExit as exc:
            return {"status": "error", "error": _error(exc, "exit")}
        except MemoryError as exc:
            return {"status": "error", "error": _error(exc, "memory")}
        except BaseException as exc:  # noqa: BLE001 - any failure of a cell is reported, not fatal
            return {"status": "error", "error": _error(exc)}
        return {}

    def call(self, message: dict) -> dict:
        """Call one of the notebook's functions (or classes) by name."""
        name = message["name"]
        fn = self.namespace.get(name)
        if fn is None:
            return _failure("missing", f"{name} is not defined")
        if not callable(fn):
            return _failure("not_callable", f"{name} is a {type(fn).__name__}, not a function", type(fn).__name__)
        return self._invoke(fn, message)

    def remote(self, message: dict) -> dict:
        """Act on a kept object: call it, read an attribute, or run a trusted inspector on it."""
        target, action, name = message["target"], message.get("action"), str(message.get("name", ""))
        if action == "getattr":
            return self._invoke(lambda: getattr(target, name), {**message, "args": [], "kwargs": {}})
        if action == "inspect":
            if name not in INSPECTORS:
                return _failure("missing", f"no inspector {name!r}")
            return self._invoke(functools.partial(INSPECTORS[name], target), message)
        if not callable(target):
            return _failure("not_callable", f"a {type(target).__name__} object is not callable", type(target).__name__)
        return self._invoke(target, message)

    def _invoke(self, fn: Any, message: dict) -> dict:
        args, kwargs = message.get("args", []), message.get("kwargs", {})
        repeat = int(message.get("repeat", 1))
        results = []
        start = time.monotonic()
        try:
            signal.setitimer(signal.ITIMER_REAL, max(float(message["timeout"]), 0.001))
            try:
                for _ in range(repeat):
                    results.append(fn(*args, **kwargs))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CallTimeout:
            return {"op": "result", "ok": False, "elapsed": time.monotonic() - start, "stdout": self.stdout.take(),
                    "error": {"kind": "timeout", "type": "", "types": [], "message": "", "traceback": ""},
                    "completed": len(results)}
        except MemoryError as exc:
            return {"op": "result", "ok": False, "elapsed": time.monotonic() - start, "stdout": self.stdout.take(),
                    "error": _error(exc, "memory")}
        except BaseException as exc:  # noqa: BLE001 - reported to the grader as the student's exception
            return {"op": "result", "ok": False, "elapsed": time.monotonic() - start, "stdout": self.stdout.take(),
                    "error": _error(exc, "exit" if isinstance(exc, SystemExit) else "exception")}
        reply = {"op": "result", "ok": True, "elapsed": time.monotonic() - start, "stdout": self.stdout.take(),
                 "value": results if message.get("repeat") is not None else results[0]}
        if message.get("return_args"):
            reply["args_after"] = list(args)
            reply["kwargs_after"] = kwargs
        return reply


def _failure(kind: str, message: str, type_name: str = "") -> dict:
    return {"op": "result", "ok": False, "error": {"kind": kind, "type": type_name, "types": [], "message": message,
                                                   "traceback": ""}}


def serve(sock: socket.socket) -> None:
    """Answer the grader's requests until it says ``exit`` or the channel closes.

    The first message is ``setup``: the submission's file name and bytes, written to the working
    directory so that the notebook finds itself where a student would expect it.
    """
    callbacks = Callbacks()
    channel = Channel(sock, callbacks, Handles())
    callbacks.channel = channel
    runner = Runner(channel)
    try:
        setup = channel.receive()
    except Exception:  # noqa: BLE001 - no usable setup: nothing to do
        return
    _prepare_process(runner, str(setup.get("filename", "submission.ipynb")), setup.get("source", b""))
    channel.send({"op": "hello"})
    while True:
        try:
            message = channel.receive()
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - the request's values could not be rebuilt here
            message = {"op": "unusable", "error": f"{type(exc).__name__}: {exc}"[:500]}
        op = message.get("op")
        if op in ("call", "remote", "unusable"):  # arguments rebuilt (or not): from here on the call's limit counts
            channel.send({"op": "accepted"})
        if op == "run_cells":
            reply = runner.run_cells(message)
        elif op == "call":
            reply = runner.call(message)
        elif op == "remote":
            reply = runner.remote(message)
        elif op == "unusable":
            reply = _failure("sandbox", f"the test's arguments could not be set up here: {message['error']}")
        elif op == "exit":
            return
        else:
            reply = {"op": "error", "message": f"unknown op {op!r}"}
        try:
            channel.send(reply)
        except Exception as exc:  # noqa: BLE001 - whatever the student's object raised while being encoded
            channel.send(_failure("unencodable", f"the result could not be sent back: {type(exc).__name__}: "
                                                 f"{str(exc)[:300]}", type(exc).__name__))


def _prepare_process(runner: Runner, submission_name: str, source: bytes) -> None:
    signal.signal(signal.SIGALRM, _on_alarm)
    sys.modules["otter"] = _fake_otter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    if isinstance(source, bytes) and source:
        try:
            with open(os.path.basename(submission_name) or "submission", "wb") as f:
                f.write(source)
        except OSError:
            pass
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = io.StringIO("")
    sys.stdout = sys.stderr = runner.stdout
    sys.argv = [submission_name]
