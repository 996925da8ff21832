"""Run one submission in the sandbox and call its functions, surviving crashes and timeouts.

The cells run once in a fresh child. A call that kills the child (timeout, memory, ``os._exit``)
fails on its own; the next call starts another child and replays the cells. A cell that killed
the child is skipped in every replay, so a fatal top-level cell costs only what it defines.
A function whose last ``FATAL_CALLS_PER_FUNCTION`` calls all ended in a timeout, a memory error or a
crash is not called again, so an endless loop in one function costs seconds, not minutes, and cannot
use up the restarts that the other questions need. After a timeout, the function's next calls run on
probation, with a shorter limit, until one of them returns: an endless loop then costs one full limit
and one short one.

Objects the student's code returns that are not plain data stay in the child; the grader gets a
``HandleRef`` (the object's id and the child's generation) and acts on it with ``remote``. A handle
from a child that has since died refers to nothing: using it fails as ``lost_handle``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from autograder.sandbox.connection import Connection
from autograder.sandbox.hosts import Sandbox
from autograder.sandbox.isolate import Limits
from autograder.sandbox.outcomes import (
    CELL_STATUSES,
    CallOutcome,
    CellStatus,
    ChildDied,
    ErrorInfo,
    NotebookRun,
    clean_names,
    clean_seconds,
    clean_text,
)
from autograder.sandbox.wire import HandleRef
from autograder.submission.load import Submission

GRACE_SECONDS = 2.0
SETUP_SECONDS = 120.0  # for the child to rebuild a call's arguments (a model, a tensor: maybe an import)
FATAL_CALLS_PER_FUNCTION = 2
FATAL_KINDS = {"timeout", "memory", "cpu", "crashed", "exit"}
PROBATION_SHARE = 0.25
PROBATION_MIN_SECONDS = 2.0
REMOTE_ACTIONS = ("call", "getattr", "inspect")


def probation_limit(seconds: float) -> float:
    """The limit for a call of a function whose previous call timed out."""
    return min(seconds, max(PROBATION_MIN_SECONDS, PROBATION_SHARE * seconds))


class SubmissionRun:
    """A submission's live child process (restarted when needed) and the outcome of its cells."""

    def __init__(self, host: Sandbox, submission: Submission, *, notebook_seconds: float,
                 cell_seconds: float, call_seconds: float, max_restarts: int,
                 child_limits: Limits | None = None) -> None:
        self.host = host
        self.child_limits = child_limits
        self.submission = submission
        self.notebook_seconds = notebook_seconds
        self.cell_seconds = cell_seconds
        self.call_seconds = call_seconds
        self.max_restarts = max_restarts
        self.child: Connection | None = None
        self.generation = 0  # increases with every child; handles belong to one
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
            self.child = self.host.spawn(self.child_limits)
            self.generation += 1
            try:
                self.child.send({"op": "setup", "filename": self.submission.filename,
                                 "source": self.submission.source})
                self._expect(self.child.receive(time.monotonic() + 60), "hello")
                self._run_cells(first)
                return
            except ChildDied as died:
                running = self._running_cell
                self._close_child()
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
            raise ChildDied(ErrorInfo("crashed", message=f"it sent {clean_text(message.get('op'), 40)!r} "
                                                         f"instead of {op!r}"))

    def _cell_index(self, message: dict) -> int:
        index = message.get("index")
        if type(index) is not int or not 0 <= index < len(self.submission.cells):
            raise ChildDied(ErrorInfo("crashed", message="it sent a malformed message about a cell"))
        return index

    def _run_cells(self, first: bool) -> None:
        assert self.child is not None
        start = time.monotonic()
        # Cells travel as byte buffers: a huge cell is no problem for the frame's JSON header.
        cells = [c.encode("utf-8", "replace") for c in self.submission.cells]
        self.child.send({"op": "run_cells", "cells": cells, "skip": sorted(self.skip),
                         "cell_timeout": self.cell_seconds, "total_timeout": self.notebook_seconds})
        notebook_deadline = start + self.notebook_seconds + GRACE_SECONDS
        deadline = notebook_deadline
        while True:
            message = self.child.receive(deadline)
            op = message.get("op")
            if op == "cell_started":
                self._running_cell = self._cell_index(message)
                deadline = min(notebook_deadline, time.monotonic() + self.cell_seconds + GRACE_SECONDS)
            elif op == "cell_done":
                index = self._cell_index(message)
                self._running_cell = None
                deadline = notebook_deadline
                status = message.get("status")
                status = status if isinstance(status, str) and status in CELL_STATUSES else "error"
                if first:
                    self._record(CellStatus(
                        index=index, status=status,
                        error=ErrorInfo.from_child(message["error"]) if "error" in message else None,
                        elapsed=clean_seconds(message.get("elapsed"), self.cell_seconds + GRACE_SECONDS),
                        stdout=clean_text(message.get("stdout"), 25_000)))
            elif op == "cells_done":
                if first:
                    self.notebook.names = clean_names(message.get("names"))
                return
            else:
                raise self.child.unreadable(f"an unexpected {clean_text(op, 40)!r}")

    def call(self, name: str, args: list, kwargs: dict, *, timeout: float | None = None,
             repeat: int | None = None, return_args: bool = False) -> CallOutcome:
        """Call ``name(*args, **kwargs)`` in the child (``repeat`` times on the same objects)."""
        message: dict[str, Any] = {"op": "call", "name": name}
        if repeat is not None:
            message["repeat"] = int(repeat)
        return self._request(name, message, args, kwargs, timeout, return_args)

    def remote(self, handle: HandleRef, action: str, name: str, args: list, kwargs: dict, *, breaker: str,
               timeout: float | None = None, return_args: bool = False) -> CallOutcome:
        """Act on an object kept in the child: ``call`` it, ``getattr`` an attribute, or ``inspect`` it with a
        trusted inspector. ``breaker`` names the function whose limits and probation the action shares."""
        if action not in REMOTE_ACTIONS:
            raise ValueError(f"unknown remote action {action!r}")
        if handle.generation != self.generation or self.child is None or not self.child.alive:
            return CallOutcome(False, error=ErrorInfo("lost_handle", message=handle.type_name))
        message = {"op": "remote", "target": handle, "action": action, "name": name}
        return self._request(breaker, message, args, kwargs, timeout, return_args)

    def _request(self, breaker: str, message: dict[str, Any], args: list, kwargs: dict, timeout: float | None,
                 return_args: bool) -> CallOutcome:
        if self.fatal_streak.get(breaker, 0) >= FATAL_CALLS_PER_FUNCTION:
            return CallOutcome(False, error=ErrorInfo("gave_up", message=self.fatal_calls[breaker].kind))
        if self.child is None or not self.child.alive:
            if not self._restart():
                return CallOutcome(False, error=ErrorInfo("gave_up", message="restart"))
        assert self.child is not None
        seconds = self.call_seconds if timeout is None else timeout
        if self.fatal_streak.get(breaker, 0) and self.fatal_calls[breaker].kind == "timeout":
            seconds = probation_limit(seconds)
        callbacks: list[Callable] = []

        def register(fn: Callable) -> int:
            callbacks.append(fn)
            return len(callbacks) - 1

        message.update(args=list(args), kwargs=dict(kwargs), timeout=seconds, return_args=return_args)
        generation = self.generation
        start = time.monotonic()
        try:
            self.child.send(message, register)
            # Rebuilding the arguments (a portable model, a tensor: an import in a cold child) is not the
            # student's time; the call's limit starts once the child has them.
            self._expect(self.child.receive(time.monotonic() + SETUP_SECONDS), "accepted")
            start = time.monotonic()
            deadline = start + seconds + GRACE_SECONDS
            while True:
                reply = self.child.receive(deadline, make_handle=lambda i, t, b: HandleRef(i, generation, t, b))
                if reply.get("op") == "callback":
                    self._answer_callback(reply, callbacks)
                    continue
                if reply.get("op") != "result":
                    raise self.child.unreadable(f"an unexpected {clean_text(reply.get('op'), 40)!r}")
                break
        except ChildDied as died:
            self.child.kill()  # whatever happened, this child is out of step: the next call starts another
            spent = time.monotonic() - start
            self.student_seconds += spent
            return self._note(breaker, CallOutcome(False, error=died.reason, elapsed=spent, limit=seconds))
        elapsed = min(clean_seconds(reply.get("elapsed"), seconds + GRACE_SECONDS), time.monotonic() - start)
        self.student_seconds += elapsed
        stdout = clean_text(reply.get("stdout"), 25_000)
        if not reply.get("ok"):
            return self._note(breaker, CallOutcome(False, error=ErrorInfo.from_child(reply.get("error")),
                                                   elapsed=elapsed, stdout=stdout, limit=seconds))
        self.fatal_streak[breaker] = 0
        args_after = reply.get("args_after")
        kwargs_after = reply.get("kwargs_after")
        return CallOutcome(True, value=reply.get("value"), elapsed=elapsed, stdout=stdout,
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
        args: list = request["args"] if isinstance(request.get("args"), list) else []
        kwargs: dict = request["kwargs"] if isinstance(request.get("kwargs"), dict) else {}
        if type(index) is not int or not 0 <= index < len(callbacks):
            self.child.send({"op": "callback_result", "ok": False, "error": "no such callback"})
            return
        try:
            value = callbacks[index](*args, **{str(k): v for k, v in kwargs.items()})
        except Exception as exc:  # noqa: BLE001 - the student called the test's function wrongly
            self.child.send({"op": "callback_result", "ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
            return
        self.child.send({"op": "callback_result", "ok": True, "value": value})

    def _restart(self) -> bool:
        self._close_child()
        if self.notebook.restarts >= self.max_restarts:
            return False
        self.notebook.restarts += 1
        try:
            self._boot(first=False)
        except (ChildDied, RuntimeError):
            self.child = None
            return False
        return True

    def _close_child(self) -> None:
        if self.child is not None:
            self.host.retire(self.child)
            self.child = None

    def close(self) -> None:
        self._close_child()
