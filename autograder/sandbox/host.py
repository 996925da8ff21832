"""The sandbox host: an isolated, warm process that forks one fresh child per submission.

Started by the grader (``python -m autograder.sandbox.host CONFIG_JSON``) with one control socket
per client (each grading worker of a pool), whose descriptors the config names. It isolates itself
first (while it is still single-threaded), then imports the heavy libraries once (never running a
TensorFlow operation: forked children would hang), then serves ``spawn`` requests: each carries the
new child's data channel and a status channel as file descriptors, and the reply carries a pidfd of
the forked supervisor. The supervisor (the "middle" process) forks the child into a new PID
namespace, where it is process 1 (when it ends, every process it started ends), and then only
watches: it reports the child's exit status on the status channel and kills the child when asked.
The student's code never holds the status channel, so it cannot forge what the grader learns there.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
from dataclasses import asdict, replace

from autograder.sandbox import isolate, wire


def _child_env() -> None:
    os.environ.update({
        "HOME": "/tmp", "TMPDIR": "/tmp", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/.matplotlib",
        "KERAS_HOME": "/tmp/.keras", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "KERAS_BACKEND": "tensorflow",
    })
    for key in list(os.environ):
        if key.startswith(("AWS_", "GITHUB_", "CI_", "GRADESCOPE")) or "TOKEN" in key or "SECRET" in key:
            del os.environ[key]
    os.environ.pop("GLIBC_TUNABLES", None)  # read at the host's start (hosts.HUGE_PAGES), not the child's business


def _warm(modules: list[str]) -> dict[str, float]:
    timings = {}
    for name in modules:
        start = time.monotonic()
        try:
            module = importlib.import_module(name)
            if name == "torch":
                module.set_num_threads(1)
        except Exception as exc:  # noqa: BLE001 - a missing optional library just stays cold
            print(f"warm import of {name} failed: {exc!r}", file=sys.stderr, flush=True)
            continue
        timings[name] = round(time.monotonic() - start, 3)
    return timings


def _warm_list(control: socket.socket) -> list[str]:
    """The modules to import, sent by a grader that started this host before it knew them
    (``hosts.HostProcess.warm``); the host ends if the grader closes the socket instead."""
    try:
        msg = control.recv(1 << 20)
        request = wire.unpack_bytes(msg) if msg else {}
    except (OSError, wire.WireError, EOFError):
        request = {}
    if request.get("op") != "warm":
        os._exit(0)
    return [m for m in request.get("imports", []) if isinstance(m, str)]


_SEED: str | None = None  # AUTOGRADER_SEED, under ``autograder audit`` only (see autograder/testing/seeding.py)


def _seed_globals(seed: str | None) -> None:
    """Seed a child's global RNGs (after its fork: ``random`` reseeds itself from the OS at every fork);
    its hash seed is the host's, from ``PYTHONHASHSEED``, set with ``AUTOGRADER_SEED``."""
    if seed is None:
        return
    import random

    random.seed(int(seed))
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(int(seed) % 2**32)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(int(seed))


def _spawn(request: dict, channel_fd: int, status_fd: int, jail: isolate.Isolation) -> int:
    limits = isolate.Limits(**request["limits"])
    pid = os.fork()
    if pid:
        os.close(channel_fd)
        os.close(status_fd)
        return pid
    try:  # the supervisor: owns a PID namespace whose process 1 runs the submission
        isolate.die_with_parent()
        _close_inherited_fds(keep=(channel_fd, status_fd))
        in_pid_ns = isolate.enter_submission(jail)
        me = os.getpid()
        grandchild = os.fork()
        if grandchild == 0:
            os.close(status_fd)
            _run_submission(request, channel_fd, jail, in_pid_ns, limits, me)
            os._exit(0)
        os.close(channel_fd)
        _supervise(socket.socket(fileno=status_fd), grandchild, in_pid_ns)
    except BaseException:  # noqa: BLE001 - the supervisor must never return into the host loop
        pass
    os._exit(0)


def _supervise(status: socket.socket, child: int, in_pid_ns: bool) -> None:
    """Wait for the child's exit (or a ``kill`` request, or the grader's end) and report the status."""
    status.sendall(wire.pack({"op": "spawned", "pid_namespace": in_pid_ns}))
    watch: list[socket.socket | int] = [status]
    try:
        watch.append(os.pidfd_open(child))
    except (AttributeError, OSError):
        pass
    while True:
        done, exit_status = os.waitpid(child, os.WNOHANG)
        if done:
            break
        ready = select.select(watch, [], [], 1.0)[0]
        if status in ready:
            try:
                request = status.recv(4096)
            except OSError:
                request = b""
            _kill(child, in_pid_ns)  # the only request is "kill"; an empty read means the grader is gone
            if not request:
                watch.remove(status)
    if not in_pid_ns:
        _kill(child, in_pid_ns)
    try:
        status.sendall(wire.pack({"op": "exited", "status": exit_status}))
    except OSError:
        pass


def _kill(child: int, in_pid_ns: bool) -> None:
    """SIGKILL the child: process 1 of its PID namespace takes everything with it; without a PID
    namespace, its process group (it started a session of its own)."""
    for kill in ((lambda: os.kill(child, signal.SIGKILL)),) if in_pid_ns else \
            ((lambda: os.killpg(child, signal.SIGKILL)), (lambda: os.kill(child, signal.SIGKILL))):
        try:
            kill()
        except OSError:
            pass


def _close_inherited_fds(keep: tuple[int, ...]) -> None:
    """Close every descriptor inherited from the host (its control sockets above all) except the
    child's channels and the standard streams, so student code can reach nothing but its own channel."""
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, _max_fd())


def _max_fd() -> int:
    try:
        return max(int(fd) for fd in os.listdir("/proc/self/fd")) + 1
    except (OSError, ValueError):
        return 4096


def _run_submission(request: dict, channel_fd: int, jail: isolate.Isolation, in_pid_ns: bool,
                    limits: isolate.Limits, supervisor: int) -> None:
    try:
        isolate.finish_submission(jail, in_pid_ns, request["uid"], limits)
        isolate.die_with_parent()  # after the uid change, which clears the parent-death signal
        if os.getppid() != supervisor and not in_pid_ns:
            os._exit(0)
        workdir = "/tmp/submission" if in_pid_ns else request["workdir"]
        os.makedirs(workdir, exist_ok=True)
        os.chdir(workdir)
        from autograder.sandbox import child

        _seed_globals(_SEED)
        sock = socket.socket(fileno=channel_fd)
        isolate.deny_system_calls()
        child.serve(sock)
    except BaseException:  # noqa: BLE001 - nothing may escape into the forked copy of the host
        pass
    os._exit(0)


def main() -> None:
    global _SEED
    config = json.loads(sys.argv[1])
    controls = [socket.socket(fileno=int(fd)) for fd in config["control_fds"]]
    jail = isolate.Isolation(False, False, False, False, "isolation disabled")
    if config.get("isolate", True):
        jail = isolate.enter_jail(config["root"], config.get("extra_paths", []), config.get("hidden", []))
    _child_env()
    gc.disable()  # importing TensorFlow and torch allocates millions of objects: no collection passes meanwhile
    modules = config.get("warm_imports", [])
    timings = _warm(_warm_list(controls[0]) if modules is None else modules)
    _SEED = os.environ.pop("AUTOGRADER_SEED", None)
    from autograder.sandbox import child  # noqa: F401 - imported once here so children start warm

    gc.freeze()  # the warm modules' objects: never scanned, so never copied, by a child's collections
    gc.enable()

    if jail.namespaces or config.get("isolate", True):
        jail = replace(jail, syscall_filter=isolate.prepare_system_call_filter())
    ready = wire.pack({"op": "ready", "isolation": asdict(jail), "level": jail.level, "warm": timings,
                       "pid": os.getpid()})
    for control in list(controls):
        try:
            control.sendall(ready)
        except OSError:
            controls.remove(control)
    while controls:
        for control in select.select(controls, [], [], 1.0)[0]:
            if not _serve_one(control, jail):
                controls.remove(control)
                control.close()
        _reap()


def _reap() -> None:
    """Collect supervisors that have exited (they are not reaped automatically: a pidfd is opened on
    each right after its fork, before it could have been reaped and its pid reused)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _serve_one(control: socket.socket, jail: isolate.Isolation) -> bool:
    """Answer one request on a client's control socket; False once that client is gone or said ``exit``."""
    try:
        msg, fds, _, _ = socket.recv_fds(control, 1 << 20, 4)
    except OSError:
        return False
    if not msg:
        return False
    try:
        request = wire.unpack_bytes(msg)
    except (wire.WireError, EOFError):
        for fd in fds:
            os.close(fd)
        return True
    if request.get("op") == "exit":
        return False
    try:
        if request.get("op") != "spawn" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            control.sendall(wire.pack({"op": "error", "message": "bad request"}))
            return True
        try:
            pid = _spawn(request, fds[0], fds[1], jail)
        except OSError as exc:
            control.sendall(wire.pack({"op": "error", "message": str(exc)}))
            return True
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(control, [wire.pack({"op": "spawned"})], [pidfd])
        finally:
            os.close(pidfd)
    except OSError:
        return False
    return True


if __name__ == "__main__":
    main()
