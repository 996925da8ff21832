"""The sandbox host: an isolated, warm process that forks one fresh child per submission.

Started by the grader (``python -m autograder.sandbox.host CONFIG_JSON``) with one control socket
per client (each grading worker of a pool), whose descriptors the config names. It isolates itself
first (while it is still single-threaded), then imports the heavy libraries once (never running a
TensorFlow operation: forked children would hang), then serves ``spawn`` requests: each carries the
new child's channel as a file descriptor. The child forks again into a new PID namespace, where it
is process 1: when it ends, every process it started ends.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import socket
import sys
import time
from dataclasses import asdict

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


def _spawn(request: dict, channel_fd: int, jail: isolate.Isolation) -> int:
    limits = isolate.Limits(**request["limits"])
    pid = os.fork()
    if pid:
        os.close(channel_fd)
        return pid
    try:  # the middle process: owns a PID namespace whose process 1 runs the submission
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        isolate.die_with_parent()
        _close_inherited_fds(keep=channel_fd)
        in_pid_ns = isolate.enter_submission(jail, request["uid"], limits)
        grandchild = os.fork()
        if grandchild == 0:
            _run_submission(request, channel_fd, jail, in_pid_ns, limits)
            os._exit(0)
        sock = socket.socket(fileno=channel_fd)
        sock.sendall(wire.pack({"op": "spawned", "pid": grandchild, "pid_namespace": in_pid_ns}))
        _, status = os.waitpid(grandchild, 0)
        if not in_pid_ns:
            try:
                os.killpg(grandchild, signal.SIGKILL)
            except OSError:
                pass
        sock.sendall(wire.pack({"op": "exited", "status": status}))
    except BaseException:  # noqa: BLE001 - the middle process must never return into the host loop
        pass
    os._exit(0)


def _close_inherited_fds(keep: int) -> None:
    """Close every descriptor inherited from the host (its control socket above all) except the
    child's channel and the standard streams, so student code can reach nothing but its own channel."""
    os.closerange(3, keep)
    os.closerange(keep + 1, _max_fd())


def _max_fd() -> int:
    try:
        return max(int(fd) for fd in os.listdir("/proc/self/fd")) + 1
    except (OSError, ValueError):
        return 4096


def _run_submission(request: dict, channel_fd: int, jail: isolate.Isolation, in_pid_ns: bool,
                    limits: isolate.Limits) -> None:
    try:
        isolate.die_with_parent()
        isolate.finish_submission(jail, in_pid_ns, request["uid"], limits)
        workdir = "/tmp/submission" if in_pid_ns else request["workdir"]
        os.makedirs(workdir, exist_ok=True)
        os.chdir(workdir)
        from autograder.sandbox import child

        _seed_globals(_SEED)
        sock = socket.socket(fileno=channel_fd)
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
    timings = _warm(config.get("warm_imports", []))
    _SEED = os.environ.pop("AUTOGRADER_SEED", None)
    from autograder.sandbox import child  # noqa: F401 - imported once here so children start warm

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    ready = wire.pack({"op": "ready", "isolation": asdict(jail), "level": jail.level, "warm": timings,
                       "pid": os.getpid()})
    for control in list(controls):
        try:
            control.sendall(ready)
        except OSError:
            controls.remove(control)
    while controls:
        for control in select.select(controls, [], [])[0]:
            if not _serve_one(control, jail):
                controls.remove(control)
                control.close()


def _serve_one(control: socket.socket, jail: isolate.Isolation) -> bool:
    """Answer one request on a client's control socket; False once that client is gone or said ``exit``."""
    try:
        msg, fds, _, _ = socket.recv_fds(control, 1 << 20, 4)
    except OSError:
        return False
    if not msg:
        return False
    try:
        tree, buffers = wire.read_frame(_BytesReader(msg))
        request = wire.unpack(tree, buffers)
    except (wire.WireError, EOFError):
        for fd in fds:
            os.close(fd)
        return True
    if request.get("op") == "exit":
        return False
    try:
        if request.get("op") != "spawn" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            control.sendall(wire.pack({"op": "error", "message": "bad request"}))
            return True
        try:
            pid = _spawn(request, fds[0], jail)
            control.sendall(wire.pack({"op": "spawned", "pid": pid}))
        except OSError as exc:
            control.sendall(wire.pack({"op": "error", "message": str(exc)}))
    except OSError:
        return False
    return True


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


if __name__ == "__main__":
    main()
