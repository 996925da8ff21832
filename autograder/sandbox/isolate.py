"""Linux isolation primitives for the sandbox, through libc (no bubblewrap needed).

``enter_jail`` runs once in the sandbox host before it imports anything heavy (it must be
single-threaded): a new mount, network, IPC and UTS namespace, and a new root built from
read-only bind mounts of what Python needs, so the project (solutions, hidden tests, gradebook,
submissions) does not exist inside. ``enter_submission`` runs in each forked child: a fresh
PID namespace (entered by forking once more), its own ``/proc`` and ``/tmp``, a new session,
an unprivileged uid, a fresh session keyring, no new privileges, and resource limits; then
``deny_system_calls`` installs a seccomp filter that refuses what no notebook needs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
from dataclasses import dataclass
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

DEVICES = ("null", "zero", "full", "random", "urandom")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")

_libc: Any = (ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
              if sys.platform == "linux" else None)


class IsolationError(OSError):
    """A namespace or mount step failed."""


@dataclass(frozen=True)
class Isolation:
    """What the sandbox host achieved; reported in results and the README's threat model."""

    namespaces: bool
    user_namespace: bool
    filesystem: bool
    network: bool
    detail: str
    syscall_filter: bool = False  # the seccomp filter is loaded in every child

    @property
    def level(self) -> str:
        if self.namespaces and self.filesystem and self.network:
            return "full"
        return "processes-and-limits"


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise IsolationError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only)."""
    if _libc is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _bind(src: str, root: str, readonly: bool = True) -> None:
    target = root + src
    if os.path.islink(src):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(src), target)
        return
    if not os.path.exists(src):
        return
    if os.path.isdir(src):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    mount(src, target, None, MS_BIND | MS_REC)
    if readonly:
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_REC)


def python_paths() -> list[str]:
    """Directories a Python child needs: the interpreter's prefixes and every import path."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            paths.add(os.path.realpath(entry))
            paths.add(os.path.abspath(entry))
    return sorted(paths)


def _outermost(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in sorted(set(paths)):
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


STASH = "/.ag-stash"  # read-only views of the bound paths that live under /tmp (a project cloned there)
_UNDER_TMP: list[tuple[str, str | None]] = []  # (path, symlink target or None), set by enter_jail


def _private_tmp(options: str) -> None:
    """A fresh tmpfs on ``/tmp``, with the bound paths that live under ``/tmp`` put back into it
    (read-only, hidden paths still masked), so a project cloned under ``/tmp`` keeps working."""
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, options)
    for i, (path, link) in enumerate(_UNDER_TMP):
        if link is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(link, path)
            continue
        os.makedirs(path, exist_ok=True)
        mount(f"{STASH}/{i}", path, None, MS_BIND | MS_REC)
        mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def enter_jail(root: str, extra_paths: list[str], hidden: list[str]) -> Isolation:
    """Isolate this (single-threaded) process; falls back to what the platform allows.

    ``root`` is an empty directory that becomes the new ``/``; ``extra_paths`` are bound read-only
    into it (the Python installation, the grader package); ``hidden`` lists directories that must
    not appear even if an extra path contains them (the solutions, the output directory).
    """
    if _libc is None:
        return Isolation(False, False, False, False, f"{sys.platform}: no namespaces")
    user_ns = False
    try:
        if os.geteuid() != 0:
            uid, gid = os.getuid(), os.getgid()
            unshare(CLONE_NEWUSER)
            user_ns = True
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
        unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
    except (IsolationError, OSError) as exc:
        return Isolation(False, False, False, False,
                         f"namespaces unavailable ({exc}); limits and process isolation only")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    for d in SYSTEM_DIRS:
        _bind(d, root)
    bound = _outermost(python_paths() + extra_paths)
    for p in bound:
        _bind(p, root)
    for h in hidden:
        target = root + os.path.realpath(h)
        if os.path.isdir(target):
            mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=000")
        elif os.path.exists(target):
            mount("/dev/null", target, None, MS_BIND)
    _UNDER_TMP[:] = [(p, os.readlink(p) if os.path.islink(p) else None) for p in bound
                     if p.startswith("/tmp/") and os.path.lexists(p)]
    for i, (p, link) in enumerate(_UNDER_TMP):
        if link is None:  # the masked view: a recursive bind keeps the hidden paths' masks
            os.makedirs(f"{root}{STASH}/{i}", exist_ok=True)
            mount(root + p, f"{root}{STASH}/{i}", None, MS_BIND | MS_REC)
    os.makedirs(root + "/dev", exist_ok=True)
    for dev in DEVICES:
        _bind(f"/dev/{dev}", root, readonly=False)
    for d in ("/proc", "/tmp", "/dev/shm", "/sys"):
        os.makedirs(root + d, exist_ok=True)
    _bind("/sys/devices/system/cpu", root)
    mount(None, root, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chroot(root)
    os.chdir("/")
    _private_tmp("size=64m,mode=1777")
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    return Isolation(True, user_ns, True, True, "mount, network, IPC, UTS and PID namespaces; read-only root "
                     "without the project" + ("; user namespace" if user_ns else ""))


@dataclass(frozen=True)
class Limits:
    """Per-submission resource limits (bytes and seconds)."""

    memory_bytes: int
    cpu_seconds: int
    file_bytes: int
    processes: int
    tmp_bytes: int
    open_files: int = 256


def enter_submission(isolation: Isolation) -> bool:
    """In the forked child: new PID namespace (the caller must fork once more), or False if unavailable."""
    if not isolation.namespaces:
        return False
    try:
        unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)
    except IsolationError:
        return False
    return True


def finish_submission(isolation: Isolation, pid_namespace: bool, uid: int, limits: Limits) -> None:
    """In the process that will run student code: mounts, session, limits, then drop privileges."""
    os.setsid()
    if pid_namespace:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        _private_tmp(f"size={limits.tmp_bytes},mode=1777")
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.tmp_bytes},mode=1777")
    _set_limits(limits)
    if os.geteuid() == 0 and not isolation.user_namespace:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if _libc is not None:
        _new_session_keyring()
        prctl(PR_SET_NO_NEW_PRIVS, 1)


KEYCTL_JOIN_SESSION_KEYRING = 1
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}


def _new_session_keyring() -> None:
    """Join a new anonymous session keyring, so nothing an earlier process of this uid stored in one is
    reachable (the seccomp filter then refuses every keyring call)."""
    number = SYS_KEYCTL.get(os.uname().machine)
    if number is not None:
        _libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


# System calls no notebook needs: keyrings, tracing and other processes' memory, BPF and perf, kernel
# modules and kexec, mounts and namespaces, raw I/O ports, clocks, swap, reboot, accounting, quotas.
DENIED_SYSCALLS = (
    "add_key", "request_key", "keyctl", "ptrace", "process_vm_readv", "process_vm_writev", "bpf",
    "perf_event_open", "userfaultfd", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsmount", "fsconfig", "fspick", "setns", "unshare", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "iopl", "ioperm", "swapon", "swapoff", "reboot",
    "acct", "quotactl", "lookup_dcookie", "open_by_handle_at", "name_to_handle_at", "settimeofday",
    "clock_settime", "clock_adjtime", "adjtimex", "syslog", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "fanotify_init", "vhangup", "personality",
)
NAMESPACE_FLAGS = (CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
                   0x02000000, 0x00000080)  # CLONE_NEWCGROUP, CLONE_NEWTIME
_FILTER = None  # built once in the sandbox host, loaded by every child


def prepare_system_call_filter() -> bool:
    """Build the seccomp filter (in the host, before it forks children); whether libseccomp made one."""
    global _FILTER
    try:
        import errno

        import pyseccomp as seccomp

        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in DENIED_SYSCALLS:
            try:
                f.add_rule(seccomp.ERRNO(errno.EPERM), name)
            except Exception:  # noqa: BLE001 - a call this architecture does not have
                continue
        for flag in NAMESPACE_FLAGS:  # clone() may make threads and processes, never namespaces
            f.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags are out of a filter's reach; libc falls back
        _FILTER = f
    except Exception as exc:  # noqa: BLE001 - reported in the isolation record
        print(f"seccomp filter unavailable: {exc!r}", file=sys.stderr, flush=True)
        _FILTER = None
    return _FILTER is not None


def deny_system_calls() -> bool:
    """Load the filter in this process (the last step before student code runs); whether it is in force."""
    if _FILTER is None:
        return False
    _FILTER.load()
    return True


def _current_vm_bytes() -> int:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _set_limits(limits: Limits) -> None:
    def lim(which: int, value: int) -> None:
        try:
            _, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    lim(resource.RLIMIT_AS, _current_vm_bytes() + limits.memory_bytes)
    lim(resource.RLIMIT_CPU, limits.cpu_seconds)
    lim(resource.RLIMIT_FSIZE, limits.file_bytes)
    lim(resource.RLIMIT_NPROC, limits.processes)
    lim(resource.RLIMIT_NOFILE, limits.open_files)
    lim(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

