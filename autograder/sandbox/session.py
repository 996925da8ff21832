"""The grader's side of the sandbox: start a host, spawn children, run a submission, call functions.

``SandboxHost`` owns one warm host process. ``SubmissionRun`` runs one submission's cells in a
fresh child and answers ``call`` requests; when the child dies (a crash, a timeout, a memory
limit), the next call starts a new child and replays the cells, skipping any cell that killed it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from autograder.sandbox import isolate, wire

GRACE_SECONDS = 2.0
HOST_START_TIMEOUT = 180.0
UID_BASE = 61000
UIDS_PER_SLOT = 64  # children take turns through these, so one still dying never counts against the next


@dataclass(frozen=True)
class SandboxSettings:
    """How children are isolated and limited; built from ``grading_config.yaml``."""

    isolate: bool = True
    fork_server: bool = True  # False: a fresh, cold host process per submission (no fork after heavy imports)
    warm_imports: tuple[str, ...] = ("numpy",)
    hidden_paths: tuple[str, ...] = ()
    extra_paths: tuple[str, ...] = ()
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 64 * 1024**2
    processes: int = 256
    tmp_bytes: int = 128 * 1024**2
    max_message_bytes: int = 256 * 1024**2
    seed: int | None = None  # autograder audit: the host's hash seed, and its children seed their global RNGs

    def limits(self) -> isolate.Limits:
        return isolate.Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                              file_bytes=self.file_bytes, processes=self.processes, tmp_bytes=self.tmp_bytes)


@dataclass
class ErrorInfo:
    """What went wrong in the child, in words the grader turns into feedback."""

    kind: str  # exception, timeout, memory, exit, missing, not_callable, crashed, unencodable, gave_up
    type: str = ""
    types: tuple[str, ...] = ()
    message: str = ""
    traceback: str = ""


@dataclass
class CallOutcome:
    ok: bool
    value: Any = None
    error: ErrorInfo | None = None
    elapsed: float = 0.0
    stdout: str = ""
    args_after: list | None = None
    kwargs_after: dict | None = None
    limit: float | None = None  # the time limit the call ran under


@dataclass
class CellStatus:
    index: int
    status: str  # ok, error, timeout, crashed, skipped, not_run
    error: ErrorInfo | None = None
    elapsed: float = 0.0
    stdout: str = ""


@dataclass
class NotebookRun:
    cells: list[CellStatus] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    restarts: int = 0

    @property
    def elapsed(self) -> float:
        return sum(c.elapsed for c in self.cells)


class ChildDied(Exception):
    def __init__(self, reason: ErrorInfo) -> None:
        super().__init__(reason.message)
        self.reason = reason


class HostProcess:
    """The warm host process, with one control socket per client (a grading worker, or one
    ``SandboxHost``). Starting it does not wait: each client waits for the host's ``ready``."""

    def __init__(self, settings: SandboxSettings, clients: int = 1) -> None:
        self._root = tempfile.mkdtemp(prefix="ag-root-")
        self._log = tempfile.NamedTemporaryFile(prefix="ag-host-", suffix=".log", delete=False)
        self.log_path = self._log.name
        pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(max(1, clients))]
        package_dir = str(Path(__file__).resolve().parents[1])
        config = {
            "isolate": settings.isolate, "root": self._root, "control_fds": [theirs.fileno() for _, theirs in pairs],
            "extra_paths": [package_dir, *settings.extra_paths],
            "hidden": [str(Path(p).resolve()) for p in settings.hidden_paths],
            "warm_imports": list(settings.warm_imports),
        }
        env = _host_env()
        if settings.seed is not None:  # autograder audit (autograder/testing/seeding.py)
            env.update(PYTHONHASHSEED=str(settings.seed), AUTOGRADER_SEED=str(settings.seed))
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "autograder.sandbox.host", json.dumps(config)],
            pass_fds=[theirs.fileno() for _, theirs in pairs], stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=self._log, preexec_fn=isolate.die_with_parent, cwd="/", env=env)
        for _, theirs in pairs:
            theirs.close()
        self.controls = [ours for ours, _ in pairs]

    def close(self) -> None:
        for control in self.controls:
            control.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self._root, ignore_errors=True)
        self._log.close()
        try:
            os.unlink(self.log_path)
        except OSError:
            pass


class SandboxHost:
    """A client of a warm host process: forks a child per submission.

    Without ``control`` it starts a host of its own and waits until the host is ready. A
    ``GradingPool`` instead starts one host for all its workers and hands each worker its control
    socket (and the host's log, for error messages); such a client waits for the host only when
    first used, so a worker collects its tests while the host imports.
    """

    def __init__(self, settings: SandboxSettings, slot: int = 0, control: socket.socket | None = None,
                 log_path: str = "") -> None:
        self.settings = settings
        self.slot = slot
        self._spawned = 0
        self._own = HostProcess(settings) if control is None else None
        self.control = self._own.controls[0] if self._own else control
        self._log_path = self._own.log_path if self._own else log_path
        self._ready: dict | None = None
        self._isolation: isolate.Isolation | None = None
        if self._own:
            self.wait_ready()

    def wait_ready(self) -> dict:
        """The host's ``ready`` message (waited for once)."""
        if self._ready is None:
            ready = self._receive(HOST_START_TIMEOUT)
            if ready.get("op") != "ready":
                raise RuntimeError(f"sandbox host did not start: {self.log_tail()}")
            self._ready, self._isolation = ready, isolate.Isolation(**ready["isolation"])
        return self._ready

    @property
    def isolation(self) -> isolate.Isolation:
        self.wait_ready()
        assert self._isolation is not None
        return self._isolation

    @property
    def warm_timings(self) -> dict[str, float]:
        return self.wait_ready().get("warm", {})

    def _receive(self, timeout: float) -> dict:
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(1 << 20)
        except (socket.timeout, OSError) as exc:
            raise RuntimeError(f"sandbox host is not answering ({exc}): {self.log_tail()}") from exc
        if not data:
            raise RuntimeError(f"sandbox host exited: {self.log_tail()}")
        tree, buffers = wire.read_frame(_Bytes(data))
        return wire.unpack(tree, buffers)

    def log_tail(self) -> str:
        try:
            return Path(self._log_path).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def spawn(self) -> "Child":
        isolation = self.isolation
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._spawned += 1
        uid = UID_BASE + self.slot * UIDS_PER_SLOT + self._spawned % UIDS_PER_SLOT
        workdir = "" if isolation.namespaces else tempfile.mkdtemp(prefix="ag-work-")
        if workdir and os.geteuid() == 0:
            os.chown(workdir, uid, uid)
        request = {"op": "spawn", "uid": uid, "workdir": workdir,
                   "limits": self.settings.limits().__dict__}
        try:
            socket.send_fds(self.control, [wire.pack(request)], [theirs.fileno()])
        finally:
            theirs.close()
        reply = self._receive(30.0)
        if reply.get("op") != "spawned":
            ours.close()
            raise RuntimeError(f"sandbox host could not start a child: {reply.get('message')}")
        return Child(ours, ProcessHandle(int(reply["pid"])), self.settings.max_message_bytes, workdir, uid)

    def close(self) -> None:
        try:
            self.control.close()
        except OSError:
            pass
        if self._own:
            self._own.close()

    def __enter__(self) -> "SandboxHost":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FreshHosts:
    """The fallback where a warm fork server is unwanted (macOS: forking after importing TensorFlow is
    unsafe there): every child gets a new host that has imported nothing heavy, closed with the child.
    Same isolation and limits; the student's own imports are paid per submission."""

    def __init__(self, settings: SandboxSettings, slot: int = 0) -> None:
        self.settings = dataclasses.replace(settings, warm_imports=())
        self.slot = slot
        with SandboxHost(self.settings, slot) as probe:
            self.isolation = probe.isolation
        self.warm_timings: dict[str, float] = {}

    def spawn(self) -> "Child":
        host = SandboxHost(self.settings, self.slot)
        try:
            child = host.spawn()
        except BaseException:
            host.close()
            raise
        child.on_close = host.close
        return child

    def wait_ready(self) -> dict:
        """Nothing to wait for: each child's host is started and waited for in ``spawn``."""
        return {}

    def close(self) -> None:
        """Nothing to do: each host closes with its child."""

    def __enter__(self) -> "FreshHosts":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sandbox(settings: SandboxSettings, slot: int = 0) -> "SandboxHost | FreshHosts":
    """A warm fork server, or fresh hosts per submission when ``settings.fork_server`` is off."""
    return SandboxHost(settings, slot) if settings.fork_server else FreshHosts(settings, slot)


class ProcessHandle:
    """A process to signal later without hitting a stranger: through a pidfd (Linux 5.3+), so once the
    process is gone and its pid reused, the signal goes nowhere. Opened while the process is known
    to be alive. Elsewhere, a plain pid (the race this avoids is then possible, if unlikely)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                self.fd = os.pidfd_open(pid)
            except ProcessLookupError:
                self.pid = 0
            except OSError:
                self.fd = None

    def alive(self) -> bool:
        if self.fd is not None:
            return not select.select([self.fd], [], [], 0)[0]  # a pidfd turns readable when the process exits
        return self.pid > 0

    def kill(self, group: bool = False) -> None:
        if not self.pid or not self.alive():
            return
        try:
            if group:
                os.killpg(self.pid, signal.SIGKILL)
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, signal.SIGKILL)
            elif not group:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def kill_uid(uid: int) -> None:
    """Without a PID namespace: SIGKILL every process of the child's uid (it cannot change uid, and
    detached daemons escape its process group). Needs root; a no-op otherwise."""
    if os.geteuid() != 0 or not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _host_env() -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
    return {k: v for k, v in os.environ.items() if k in keep}


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


class Child:
    """A channel to one sandboxed child; every read has a deadline, and death is detected."""

    def __init__(self, sock: socket.socket, middle: ProcessHandle, max_bytes: int, workdir: str, uid: int) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.middle = middle
        self.process: ProcessHandle | None = None
        self.pid_namespace = False
        self.max_bytes = max_bytes
        self.workdir = workdir
        self.uid = uid
        self.exit_status: int | None = None
        self.alive = True
        self.killed_by_us = False
        self.on_close: Callable[[], None] | None = None

    def send(self, message: dict, register_callback: Callable[[Any], int] | None = None) -> None:
        try:
            self.sock.sendall(wire.pack(message, register_callback))
        except OSError as exc:
            self.alive = False
            raise ChildDied(self.death_reason()) from exc

    def receive(self, deadline: float, make_callback: Any = None) -> dict:
        """The next message that is not bookkeeping; raises ChildDied on death or at the deadline."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise ChildDied(ErrorInfo("timeout"))
            self.sock.settimeout(remaining)
            try:
                tree, buffers = wire.read_frame(self.reader, self.max_bytes)
                message = wire.unpack(tree, buffers, make_callback)
            except (socket.timeout, TimeoutError):
                self.kill()
                raise ChildDied(ErrorInfo("timeout")) from None
            except (EOFError, OSError, wire.WireError) as exc:
                self.alive = False
                self._collect_exit(time.monotonic() + 2)
                self.kill()
                reason = self.death_reason()
                if isinstance(exc, wire.WireError) and reason.kind == "crashed" and not reason.message:
                    reason.message = f"it sent a malformed message ({exc})"
                raise ChildDied(reason) from None
            op = message.get("op")
            if op == "spawned":  # the middle process waits for the child, so it is alive (or unreaped) now
                self.process = ProcessHandle(int(message["pid"]))
                self.pid_namespace = bool(message.get("pid_namespace"))
                continue
            if op == "exited":
                self.exit_status = int(message["status"])
                self.alive = False
                raise ChildDied(self.death_reason())
            return message

    def _collect_exit(self, deadline: float) -> None:
        """Wait (until ``deadline``) for the middle process to report the child's exit status."""
        try:
            while self.exit_status is None:
                self.sock.settimeout(max(deadline - time.monotonic(), 0.01))
                tree, buffers = wire.read_frame(self.reader, self.max_bytes)
                message = wire.unpack(tree, buffers)
                if message.get("op") == "exited":
                    self.exit_status = int(message["status"])
        except Exception:  # noqa: BLE001 - best effort: the status only improves the message
            pass

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

    def kill(self) -> None:
        """SIGKILL the child (and, through its PID namespace or process group, all it started)."""
        if self.alive:
            self.killed_by_us = True
        self.alive = False
        if self.process is not None:
            self.process.kill(group=not self.pid_namespace)
        if not self.pid_namespace:
            kill_uid(self.uid)

    def close(self) -> None:
        """Kill the child: process 1 of its PID namespace, so every process it started dies with it.
        The kernel finishes the teardown in the background (the middle process reaps the child, then
        exits); the next child runs under another uid."""
        self.kill()
        if self.process is None:  # never heard from the child: the middle process takes it down with itself
            self.middle.kill()
        else:
            self.process.close()
        self.middle.close()
        try:
            self.reader.close()
            self.sock.close()
        except OSError:
            pass
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self.on_close is not None:
            self.on_close()
