"""Run one submission in the sandbox and call its functions, surviving crashes and timeouts.

The cells run once in a fresh child. A call that kills the child (timeout, memory, ``os._exit``)
fails on its own; the next call starts another child and replays the cells. A cell that killed
the child is skipped in every replay, so a fatal top-level cell costs only what it defines.
A function whose last ``FATAL_CALLS_PER_FUNCTION`` calls all ended in a timeout, a memory error or a
crash is not called again, so an endless loop in one function costs seconds, not minutes, and cannot
use up the restarts that the other questions need. After a timeout, the function's next calls run on
probation, with a shorter limit, until one of them returns: an endless loop then costs one full limit
and one short one.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from autograder.sandbox.session import (GRACE_SECONDS, CallOutcome, CellStatus, Child, ChildDied, ErrorInfo,
                                        NotebookRun, SandboxHost)
from autograder.submission.load import Submission


FATAL_CALLS_PER_FUNCTION = 2
FATAL_KINDS = {"timeout", "memory", "cpu", "crashed", "exit"}
PROBATION_SHARE = 0.25
PROBATION_MIN_SECONDS = 2.0


def probation_limit(seconds: float) -> float:
    """The limit for a call of a function whose previous call timed out."""
    return min(seconds, max(PROBATION_MIN_SECONDS, PROBATION_SHARE * seconds))


def _error(data: Any) -> ErrorInfo:
    data = data if isinstance(data, dict) else {}
    types = data.get("types")
    return ErrorInfo(kind=str(data.get("kind", "exception")), type=str(data.get("type", "")),
                     types=tuple(str(t) for t in types) if isinstance(types, list) else (),
                     message=str(data.get("message", "")), traceback=str(data.get("traceback", "")))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


class SubmissionRun:
    """A submission's live child process (restarted when needed) and the outcome of its cells."""

    def __init__(self, host: SandboxHost, submission: Submission, *, notebook_seconds: float,
                 cell_seconds: float, call_seconds: float, max_restarts: int) -> None:
        self.host = host
        self.submission = submission
        self.notebook_seconds = notebook_seconds
        self.cell_seconds = cell_seconds
        self.call_seconds = call_seconds
        self.max_restarts = max_restarts
        self.child: Child | None = None
        self.notebook = NotebookRun()
        self.skip: set[int] = set()
        self.student_seconds = 0.0
        self.fatal_calls: dict[str, ErrorInfo] = {}
        self.fatal_streak: dict[str, int] = {}
        self._running_cell: int | None = None

    def start(self) -> NotebookRun:
        """Run the cells; replay around any cell that kills the child."""
        self._boot(first=True)
        return self.notebook

    def _boot(self, first: bool) -> None:
        """Start a child and run the cells, skipping cells that killed an earlier child."""
        while True:
            self._running_cell = None
            self.child = self.host.spawn()
            try:
                self.child.send({"op": "setup", "filename": self.submission.filename,
                                 "source": self.submission.source})
                self._expect(self.child.receive(time.monotonic() + 60), "hello")
                self._run_cells(first)
                return
            except ChildDied as died:
                running = self._running_cell
                self.child.close()
                self.child = None
                if running is None:
                    raise
                if first:
                    self._record(CellStatus(running, "crashed", died.reason))
                self.skip.add(running)
                if len(self.skip) > self.max_restarts:
                    raise

    def _record(self, cell: CellStatus) -> None:
        """Keep the first outcome of each cell: a replay after a crash re-runs the cells before it."""
        if all(c.index != cell.index for c in self.notebook.cells):
            self.notebook.cells.append(cell)
            self.notebook.cells.sort(key=lambda c: c.index)
            self.student_seconds += cell.elapsed

    def _expect(self, message: dict, op: str) -> None:
        if message.get("op") != op:
            raise ChildDied(ErrorInfo("crashed", message=f"it sent {message.get('op')!r} instead of {op!r}"))

    def _run_cells(self, first: bool) -> None:
        assert self.child is not None
        start = time.monotonic()
        self.child.send({"op": "run_cells", "cells": self.submission.cells, "skip": sorted(self.skip),
                         "cell_seconds": self.cell_seconds, "cell_timeout": self.cell_seconds,
                         "total_timeout": self.notebook_seconds})
        notebook_deadline = start + self.notebook_seconds + GRACE_SECONDS
        deadline = notebook_deadline
        while True:
            message = self.child.receive(deadline)
            op = message.get("op")
            if op == "cell_started":
                self._running_cell = int(message["index"])
                deadline = min(notebook_deadline, time.monotonic() + self.cell_seconds + GRACE_SECONDS)
            elif op == "cell_done":
                self._running_cell = None
                deadline = notebook_deadline
                if first:
                    self._record(CellStatus(
                        index=int(message["index"]), status=str(message.get("status")),
                        error=_error(message["error"]) if "error" in message else None,
                        elapsed=_number(message.get("elapsed")), stdout=str(message.get("stdout", ""))))
            elif op == "cells_done":
                names = message.get("names")
                if first and isinstance(names, dict):
                    self.notebook.names = {str(k): str(v) for k, v in names.items()}
                return
            else:
                raise ChildDied(ErrorInfo("crashed", message=f"it sent an unexpected {op!r} message"))

    def call(self, name: str, args: list, kwargs: dict, *, timeout: float | None = None,
             repeat: int | None = None, return_args: bool = False) -> CallOutcome:
        """Call ``name(*args, **kwargs)`` in the child (``repeat`` times on the same objects)."""
        if self.fatal_streak.get(name, 0) >= FATAL_CALLS_PER_FUNCTION:
            return CallOutcome(False, error=ErrorInfo("gave_up", message=self.fatal_calls[name].kind))
        if self.child is None or not self.child.alive:
            if not self._restart():
                return CallOutcome(False, error=ErrorInfo("gave_up", message="restart"))
        assert self.child is not None
        seconds = self.call_seconds if timeout is None else timeout
        if self.fatal_streak.get(name, 0) and self.fatal_calls[name].kind == "timeout":
            seconds = probation_limit(seconds)
        callbacks: list[Callable] = []

        def register(fn: Callable) -> int:
            callbacks.append(fn)
            return len(callbacks) - 1

        message: dict[str, Any] = {"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs),
                                   "timeout": seconds, "return_args": return_args}
        if repeat is not None:
            message["repeat"] = int(repeat)
        start = time.monotonic()
        deadline = start + seconds + GRACE_SECONDS
        try:
            self.child.send(message, register)
            while True:
                reply = self.child.receive(deadline)
                if reply.get("op") == "callback":
                    self._answer_callback(reply, callbacks)
                    continue
                if reply.get("op") != "result":
                    raise ChildDied(ErrorInfo("crashed", message=f"it sent an unexpected {reply.get('op')!r}"))
                break
        except ChildDied as died:
            self.student_seconds += time.monotonic() - start
            return self._note(name, CallOutcome(False, error=died.reason, elapsed=time.monotonic() - start,
                                                limit=seconds))
        elapsed = _number(reply.get("elapsed"))
        self.student_seconds += elapsed
        if not reply.get("ok"):
            return self._note(name, CallOutcome(False, error=_error(reply.get("error")), elapsed=elapsed,
                                                stdout=str(reply.get("stdout", "")), limit=seconds))
        self.fatal_streak[name] = 0
        args_after = reply.get("args_after")
        kwargs_after = reply.get("kwargs_after")
        return CallOutcome(True, value=reply.get("value"), elapsed=elapsed, stdout=str(reply.get("stdout", "")),
                           args_after=args_after if isinstance(args_after, list) else None,
                           kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else None)

    def _note(self, name: str, outcome: CallOutcome) -> CallOutcome:
        """Track consecutive fatal outcomes of ``name`` for the circuit breaker."""
        assert outcome.error is not None
        if outcome.error.kind in FATAL_KINDS:
            self.fatal_calls[name] = outcome.error
            self.fatal_streak[name] = self.fatal_streak.get(name, 0) + 1
        else:
            self.fatal_streak[name] = 0
        return outcome

    def _answer_callback(self, request: dict, callbacks: list[Callable]) -> None:
        assert self.child is not None
        index = request.get("id")
        args = request.get("args") if isinstance(request.get("args"), list) else []
        kwargs = request.get("kwargs") if isinstance(request.get("kwargs"), dict) else {}
        if not isinstance(index, int) or not 0 <= index < len(callbacks):
            self.child.send({"op": "callback_result", "ok": False, "error": "no such callback"})
            return
        try:
            value = callbacks[index](*args, **{str(k): v for k, v in kwargs.items()})
        except Exception as exc:  # noqa: BLE001 - the student called the test's function wrongly
            self.child.send({"op": "callback_result", "ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
            return
        self.child.send({"op": "callback_result", "ok": True, "value": value})

    def _restart(self) -> bool:
        if self.child is not None:
            self.child.close()
            self.child = None
        if self.notebook.restarts >= self.max_restarts:
            return False
        self.notebook.restarts += 1
        try:
            self._boot(first=False)
        except (ChildDied, RuntimeError):
            self.child = None
            return False
        return True

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
            self.child = None
