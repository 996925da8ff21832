"""The grader's side of one sandboxed child: its data channel and its supervisor's status channel.

Two sockets per child. On the data channel the child answers requests; everything it sends is
read within the request's deadline (the deadline bounds the whole message, however slowly it
arrives) and up to a size cap. The status channel belongs to the child's supervisor (the middle
process the sandbox host forked, which the student's code cannot reach): it reports the child's
exit status and kills the child on request. The grader holds the supervisor's pidfd and signals
nothing else.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from autograder.sandbox import wire
from autograder.sandbox.outcomes import ChildDied, ErrorInfo
from autograder.sandbox.process import ProcessHandle, clear_uid

KILL_WAIT_SECONDS = 1.0
READ_CHUNK = 1 << 20


class DeadlineReader:
    """A socket reader whose every read gives up at one absolute deadline (``socket.timeout``)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = 0.0
        self.buffer = bytearray()

    def read(self, n: int) -> bytes:
        if not self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline")
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(max(n, READ_CHUNK) if n < READ_CHUNK else n)
            if not chunk:
                return b""
            self.buffer += chunk
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out


class Connection:
    """One child: requests go out on the data channel; replies, deaths and timeouts come back."""

    def __init__(self, data: socket.socket, status: socket.socket, supervisor: ProcessHandle, max_bytes: int,
                 workdir: str, uid: int, owns_uid: bool) -> None:
        self.data = data
        self.status = status
        self.reader = DeadlineReader(data)
        self.supervisor = supervisor
        self.max_bytes = max_bytes
        self.workdir = workdir
        self.uid = uid
        self.owns_uid = owns_uid  # root without a user namespace: the uid is this child's alone
        self.exit_status: int | None = None
        self.killed_at: float | None = None
        self.pid_namespace = False  # the supervisor said the child is process 1 of a PID namespace of its own
        self.alive = True
        self.killed_by_us = False
        self.leftover = False  # a process of the child's uid survived its end
        self.on_close: Callable[[], None] | None = None
        self.on_end: Callable[[Connection], None] | None = None  # told how the child ended (its host's uid book)

    def send(self, message: dict, register_callback: Callable[[Any], int] | None = None) -> None:
        try:
            frame = wire.pack(message, register_callback)
            self.data.settimeout(30.0)
            self.data.sendall(frame)
        except OSError as exc:
            self._died()
            raise ChildDied(self.death_reason()) from exc

    def receive(self, deadline: float, make_callback: Any = None, make_handle: Any = None) -> dict:
        """The child's next message; raises ChildDied on its death, a bad message or the deadline."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise ChildDied(ErrorInfo("timeout"))
            if not self.reader.buffer:
                ready = select.select([self.data, self.status], [], [], remaining)[0]
                if self.status in ready and self._read_status():
                    self._died()
                    raise ChildDied(self.death_reason())
                if self.data not in ready:
                    continue
            self.reader.deadline = deadline
            try:
                tree, buffers = wire.read_frame(self.reader, self.max_bytes)
                message = wire.unpack(tree, buffers, make_callback, make_handle=make_handle)
            except TimeoutError:
                self.kill()
                raise ChildDied(ErrorInfo("timeout")) from None
            except (EOFError, OSError) as exc:  # the channel closed: the child is dying; learn how
                self._died()
                raise ChildDied(self.death_reason()) from exc
            except Exception as exc:  # noqa: BLE001 - a frame or value that breaks the protocol (or is too big)
                raise self.unreadable(str(exc) or type(exc).__name__) from None
            if not isinstance(message.get("op"), str):
                raise self.unreadable("it names no operation")
            return message

    def unreadable(self, why: str) -> ChildDied:
        """End a child that sent something that cannot be read: the channel is out of step from here on."""
        self.kill()
        return ChildDied(ErrorInfo("crashed", message=f"it sent a message that could not be read ({why[:200]})"))

    def _read_status(self) -> bool:
        """Read the supervisor's message; True once the child has exited (or the supervisor is gone)."""
        try:
            data = self.status.recv(4096)
        except OSError:
            return True
        if not data:
            return True
        try:
            message = wire.unpack_bytes(data)
        except (wire.WireError, EOFError):
            return False
        if message.get("op") == "spawned":
            self.pid_namespace = message.get("pid_namespace") is True
        if message.get("op") == "exited" and isinstance(message.get("status"), int):
            self.exit_status = message["status"]
            return True
        return False

    def _died(self) -> None:
        """The child is gone (or talks nonsense): learn its exit status if it comes soon, then make sure."""
        if self.alive:
            deadline = time.monotonic() + 2.0
            while self.exit_status is None and time.monotonic() < deadline:
                if not select.select([self.status], [], [], max(deadline - time.monotonic(), 0))[0]:
                    break
                if self._read_status():
                    break
        self.kill()

    def death_reason(self) -> ErrorInfo:
        status = self.exit_status
        if status is None:
            return ErrorInfo("crashed", message="")
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU:
                return ErrorInfo("cpu", message="it used up its CPU time")
            if sig == signal.SIGKILL and self.killed_by_us:
                return ErrorInfo("timeout")
            if sig == signal.SIGKILL:
                return ErrorInfo("crashed", message="it was killed (SIGKILL), often because it ran out of memory")
            return ErrorInfo("crashed", message=f"it crashed with signal {signal.Signals(sig).name}")
        code = os.WEXITSTATUS(status)
        return ErrorInfo("exit", message=f"it exited the process (exit code {code})")

    def request_kill(self) -> None:
        """Ask the supervisor to kill the child (process 1 of its PID namespace, or its process group); do not wait."""
        if self.alive:
            self.killed_by_us = True
        self.alive = False
        if self.killed_at is None:
            self.killed_at = time.monotonic()
            if self.exit_status is None and self.supervisor.alive():
                try:
                    self.status.send(wire.pack({"op": "kill"}))
                except OSError:
                    pass

    def kill(self) -> None:
        """End the child and everything it started: its supervisor kills it, and if the supervisor does not
        report within a second, the supervisor itself is killed, which takes the child with it."""
        self.request_kill()
        self._await_exit()
        self.supervisor.kill()

    @property
    def ended_cleanly(self) -> bool:
        """The supervisor reported the exit of the child, process 1 of its own PID namespace: the kernel
        ends every other process of a PID namespace before its process 1 can be reaped, so nothing is left."""
        return self.pid_namespace and self.exit_status is not None

    def wait_gone(self) -> None:
        """For a child asked to end: wait until nothing of it runs. That is when its supervisor reports the
        end of process 1 of its PID namespace (``ended_cleanly``: the kernel has ended the rest); otherwise
        close it now, which kills whatever still runs as its uid. The supervisor's own end and the
        workdir's removal may come later (``finished``)."""
        self._await_exit()
        if not self.ended_cleanly:
            self.close()

    def _await_exit(self) -> None:
        """Read the supervisor's reports until it says the child exited, or until ``KILL_WAIT_SECONDS`` after
        the kill was asked for."""
        deadline = (self.killed_at or time.monotonic()) + KILL_WAIT_SECONDS
        while self.exit_status is None and self.supervisor.alive() and time.monotonic() < deadline:
            if not select.select([self.status], [], [], max(deadline - time.monotonic(), 0))[0]:
                break
            if self._read_status():
                break

    def finished(self) -> bool:
        """For a child asked to end (``request_kill``): whether it is over, without waiting; once it is,
        its descriptors are closed as by ``close``. A supervisor that has not reported within a second is
        killed."""
        if self.supervisor.fd is None:  # closed already, e.g. by ``wait_gone`` when it did not end cleanly
            return True
        while self.exit_status is None and select.select([self.status], [], [], 0)[0]:
            if self._read_status():
                break
        if self.exit_status is None and self.supervisor.alive():
            if time.monotonic() - (self.killed_at or 0.0) < KILL_WAIT_SECONDS:
                return False
        self.close()
        return True

    def close(self) -> None:
        """Kill the child, wait for its supervisor, and make sure nothing of it is left: either the kernel
        guarantees it (``ended_cleanly``) or whatever still runs as the child's uid is killed."""
        if self.supervisor.fd is None:
            return
        self.kill()
        self.supervisor.wait(KILL_WAIT_SECONDS)
        self.supervisor.close()
        for sock in (self.data, self.status):
            try:
                sock.close()
            except OSError:
                pass
        if self.owns_uid and not self.ended_cleanly:
            self.leftover = not clear_uid(self.uid)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self.on_end is not None:
            self.on_end(self)
        if self.on_close is not None:
            self.on_close()

