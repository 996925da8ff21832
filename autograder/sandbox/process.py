"""Processes the grader may signal, held by handles it got from trusted parties, and uid bookkeeping.

A ``ProcessHandle`` wraps a pidfd (Linux 5.3+) that the sandbox host opened on a process it forked
and passed over its control socket: once the process is gone, signalling it reaches nobody. The
grader never signals a pid it read from anything a child can write. Without root and namespaces the
same uid runs everything; with root, each child runs under a uid of its own, never handed to a new
child while a process of it lives.
"""

from __future__ import annotations

import os
import select
import signal
import time


class ProcessHandle:
    """A process to signal later through its pidfd; closing the handle closes the descriptor."""

    def __init__(self, pidfd: int | None) -> None:
        self.fd = pidfd

    def alive(self) -> bool:
        if self.fd is None:
            return False
        return not select.select([self.fd], [], [], 0)[0]  # a pidfd turns readable when the process exits

    def kill(self) -> None:
        if self.fd is None or not self.alive():
            return
        try:
            signal.pidfd_send_signal(self.fd, signal.SIGKILL)
        except OSError:
            pass

    def wait(self, timeout: float) -> bool:
        """Whether the process has exited within ``timeout`` seconds."""
        if self.fd is None:
            return True
        return bool(select.select([self.fd], [], [], max(timeout, 0))[0])

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def uids_in_use(candidates: set[int]) -> set[int]:
    """Which of ``candidates`` some process runs as (real or effective uid), from ``/proc``."""
    found: set[int] = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"Uid:"):
                        found.update(int(u) for u in line.split()[1:3] if int(u) in candidates)
                        break
        except (OSError, ValueError):
            continue
    return found


def kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` (detached daemons too): a forked helper takes the uid and kills
    everything it may signal. Needs root; a no-op otherwise."""
    if os.geteuid() != 0 or uid == 0:
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


def clear_uid(uid: int, timeout: float = 2.0) -> bool:
    """Kill whatever still runs as ``uid`` until nothing does; whether it is clear within ``timeout``."""
    deadline = time.monotonic() + timeout
    while uids_in_use({uid}):
        if time.monotonic() > deadline:
            return False
        kill_uid(uid)
        time.sleep(0.01)
    return True
