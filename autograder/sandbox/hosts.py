"""Sandbox hosts: where children come from. A ``Sandbox`` spawns one child per request.

``ForkServer`` is a client of one warm host process (started by ``HostProcess``) that has imported
the heavy libraries and forks a child per request. It keeps one child ready ahead of need (forked,
isolated and limited, waiting for its submission), so a submission never waits for its child's set-up,
and it lets a finished child end in the background (``retire``), checking on it before its uid is
used again. ``FreshHosts`` is the fallback where forking
after those imports is unsafe (macOS): every child gets a new, cold host. Both give the same
isolation and limits, and both hand out ``Connection``s.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from autograder.sandbox import isolate, wire
from autograder.sandbox.connection import Connection
from autograder.sandbox.process import ProcessHandle, uids_in_use
from autograder.sandbox.settings import SandboxSettings

HOST_START_TIMEOUT = 180.0
UID_BASE = 61000
UIDS_PER_SLOT = 64  # children take turns through these; a uid still in use is skipped


class Sandbox(Protocol):
    """What a grading worker needs from a sandbox."""

    @property
    def isolation(self) -> isolate.Isolation: ...

    def wait_ready(self) -> dict: ...

    def spawn(self, limits: isolate.Limits | None = None) -> Connection: ...

    def retire(self, child: Connection) -> None: ...

    def settle(self) -> None: ...

    def close(self) -> None: ...


class HostProcess:
    """The warm host process, with one control socket per client (a grading worker, or one
    ``ForkServer``). Starting it does not wait: each client waits for the host's ``ready``. With
    ``warm_later`` it starts before the grader knows what to import, and imports what ``warm`` names."""

    def __init__(self, settings: SandboxSettings, clients: int = 1, *, warm_later: bool = False) -> None:
        self._root = tempfile.mkdtemp(prefix="ag-root-")
        self._log = tempfile.NamedTemporaryFile(prefix="ag-host-", suffix=".log", delete=False)
        self.log_path = self._log.name
        pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(max(1, clients))]
        package_dir = str(Path(__file__).resolve().parents[1])
        config = {
            "isolate": settings.isolate, "root": self._root, "control_fds": [theirs.fileno() for _, theirs in pairs],
            "extra_paths": [package_dir, *settings.extra_paths],
            "hidden": [str(Path(p).resolve()) for p in settings.hidden_paths],
            "warm_imports": None if warm_later else list(settings.warm_imports),
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

    def warm(self, modules: Sequence[str]) -> None:
        """What a host started with ``warm_later`` imports before it is ready (sent once, before any client)."""
        self.controls[0].sendall(wire.pack({"op": "warm", "imports": list(modules)}))

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


@dataclass(frozen=True)
class _Requested:
    """A child asked of the host, its reply not read yet."""

    data: socket.socket
    status: socket.socket
    uid: int
    workdir: str
    limits: isolate.Limits


class ForkServer:
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
        self._unsure: set[int] = set()  # uids whose last child did not end cleanly: checked before reuse
        self._spare: _Requested | None = None  # a child asked for ahead of need
        self._retiring: list[Connection] = []  # children told to end, not yet confirmed gone
        self._own = HostProcess(settings) if control is None else None
        self.control: socket.socket = self._own.controls[0] if self._own else control  # type: ignore[assignment]
        self._log_path = self._own.log_path if self._own else log_path
        self._ready: dict | None = None
        self._isolation: isolate.Isolation | None = None
        if self._own:
            self.wait_ready()

    def wait_ready(self) -> dict:
        """The host's ``ready`` message (waited for once)."""
        if self._ready is None:
            ready, _ = self._receive(HOST_START_TIMEOUT)
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

    def _receive(self, timeout: float) -> tuple[dict, list[int]]:
        self.control.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.control, 1 << 20, 2)
        except (TimeoutError, OSError) as exc:
            raise RuntimeError(f"sandbox host is not answering ({exc}): {self.log_tail()}") from exc
        if not data:
            raise RuntimeError(f"sandbox host exited: {self.log_tail()}")
        return wire.unpack_bytes(data), fds

    def log_tail(self) -> str:
        try:
            return Path(self._log_path).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _next_uid(self) -> int:
        """The next uid of this slot's range that no process runs as."""
        base = UID_BASE + self.slot * UIDS_PER_SLOT
        order = [base + (self._spawned + i) % UIDS_PER_SLOT for i in range(UIDS_PER_SLOT)]
        self._reap(block=len(self._retiring) >= UIDS_PER_SLOT // 2)
        busy = uids_in_use(self._unsure & set(order)) if self._owns_uids() and self._unsure else set()
        self._unsure &= busy
        busy |= {c.uid for c in self._retiring}
        if self._spare is not None:
            busy.add(self._spare.uid)
        for i, uid in enumerate(order):
            if uid not in busy:
                self._spawned += i + 1
                return uid
        raise RuntimeError(f"every sandbox uid of slot {self.slot} still has a process running")

    def _owns_uids(self) -> bool:
        return os.geteuid() == 0 and not self.isolation.user_namespace

    def spawn(self, limits: isolate.Limits | None = None) -> Connection:
        """A child limited by ``limits`` (default: the settings' limits): the one made ready ahead of need if
        it has those limits; then the next one is asked for, to get ready while this one works."""
        limits = limits or self.settings.limits()
        self._reap(block=False)
        child = None
        if self._spare is not None:
            spare, self._spare = self._spare, None
            child = self._complete(spare)
            if spare.limits != limits:
                self.retire(child)
                child = None
        if child is None:
            child = self._complete(self._request(limits))
        self._spare = self._request(limits)
        return child

    def _request(self, limits: isolate.Limits) -> _Requested:
        """Ask the host for a child; its reply is read by ``_complete`` (replies come in order)."""
        isolation = self.isolation
        data, data_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        status, status_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        uid = self._next_uid()
        workdir = "" if isolation.namespaces else tempfile.mkdtemp(prefix="ag-work-")
        if workdir and os.geteuid() == 0:
            os.chown(workdir, uid, uid)
        request = {"op": "spawn", "uid": uid, "workdir": workdir, "limits": limits.__dict__}
        try:
            socket.send_fds(self.control, [wire.pack(request)], [data_theirs.fileno(), status_theirs.fileno()])
        except OSError:
            data.close()
            status.close()
            raise
        finally:
            data_theirs.close()
            status_theirs.close()
        return _Requested(data, status, uid, workdir, limits)

    def _complete(self, requested: _Requested) -> Connection:
        reply, fds = self._receive(30.0)
        if reply.get("op") != "spawned":
            for fd in fds:
                os.close(fd)
            requested.data.close()
            requested.status.close()
            raise RuntimeError(f"sandbox host could not start a child: {reply.get('message')}")
        supervisor = ProcessHandle(fds[0] if fds else None)
        child = Connection(requested.data, requested.status, supervisor, self.settings.max_message_bytes,
                           requested.workdir, requested.uid, self._owns_uids())
        child.on_end = self._ended
        return child

    def retire(self, child: Connection) -> None:
        """Let a finished child end in the background: asked to end now, confirmed gone before its uid is
        used again (or when this client closes)."""
        child.request_kill()
        self._retiring.append(child)

    def settle(self) -> None:
        """Wait until no process of a retired child runs: a submission's result is reported only once nothing
        of it runs (its children were asked to end when it finished, so this is short). Their supervisors
        are closed later, as usual."""
        for child in self._retiring:
            child.wait_gone()

    def _reap(self, block: bool) -> None:
        """Close the retired children that are gone (``block``: wait for all of them)."""
        for child in list(self._retiring):
            if block:
                child.close()
            elif not child.finished():
                continue
            self._retiring.remove(child)

    def _ended(self, child: Connection) -> None:
        if not child.ended_cleanly:
            self._unsure.add(child.uid)

    def close(self) -> None:
        if self._spare is not None:
            spare, self._spare = self._spare, None
            try:
                self._retiring.append(self._complete(spare))
            except (RuntimeError, OSError):
                pass
        self._reap(block=True)
        try:
            self.control.close()
        except OSError:
            pass
        if self._own:
            self._own.close()

    def __enter__(self) -> ForkServer:
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
        with ForkServer(self.settings, slot) as probe:
            self._isolation = probe.isolation
        self.warm_timings: dict[str, float] = {}

    @property
    def isolation(self) -> isolate.Isolation:
        return self._isolation

    def retire(self, child: Connection) -> None:
        """Close the child (and its own host) now."""
        child.close()

    def settle(self) -> None:
        """Nothing to wait for: ``retire`` closes at once."""

    def spawn(self, limits: isolate.Limits | None = None) -> Connection:
        """A new child in a new host of its own."""
        host = ForkServer(self.settings, self.slot)
        try:
            child = host.spawn(limits)
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

    def __enter__(self) -> FreshHosts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sandbox(settings: SandboxSettings, slot: int = 0) -> ForkServer | FreshHosts:
    """A warm fork server, or fresh hosts per submission when ``settings.fork_server`` is off."""
    return ForkServer(settings, slot) if settings.fork_server else FreshHosts(settings, slot)


# glibc's malloc asks for transparent huge pages (glibc >= 2.35; ignored elsewhere): what TensorFlow and
# PyTorch allocate while the host imports them (160 of their 370 MiB of heap) is then mapped by one page-table
# entry per 2 MiB instead of 512, which a fork copies and an exit frees. A fork and exit of a warm host took
# 17-20 ms instead of 27-32 ms on the development machine, and every submission pays two of them.
HUGE_PAGES = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}


def _host_env() -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
    return {**{k: v for k, v in os.environ.items() if k in keep}, **HUGE_PAGES}
