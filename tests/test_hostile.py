"""Hostile and broken submissions graded in one batch with honest ones (issues: the sandbox, and 12).

Each case of ``CASES`` is the honest implementation of some functions (right or wrong) plus an attack
or a fatal bug, and must score exactly what its honest part alone scores: an attack gains nothing, a
crash costs only the question it touches, honest neighbours keep their score, the grader survives,
and no process is left behind. Attacks that may cost their author more than the attacked question
(a forged protocol message the grader accepts, a broken file) are in ``TWINS``: each scores no more
than its twin. ``BUG_CASES`` hold inputs that once showed an engine bug (fixed; kept as regressions).

Besides scores: the run stays within its limits however slowly or hugely a child answers, the
grading worker's memory stays bounded, no process of a submission outlives it (checked as each
result arrives), a forged ``spawned`` frame naming a decoy process leaves the decoy alive, the
keyrings are closed, the tutor report is quick despite a crafted message, and the same command run
again reads the stored results back.
"""

from __future__ import annotations

import functools
import io
import json
import os
import struct
import subprocess
import textwrap
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.cli import main as cli_main
from autograder.config import AssignmentPaths, Limits, assignment, load_config
from autograder.gradebook import fingerprint
from autograder.grading.batch import grade_batch
from autograder.grading.events import Reported, RunListener
from autograder.grading.outputs import default_listeners
from autograder.grading.pool import GradingPool
from autograder.sandbox.run import FATAL_CALLS_PER_FUNCTION, GRACE_SECONDS
from autograder.submission.discover import Job

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"
MARKER = "hostile-marker-7c1f"
CALL_SECONDS, CELL_SECONDS = 3, 8  # a trivial call or cell fits easily, even on a loaded machine
LIMITS = Limits(notebook_seconds=60, cell_seconds=CELL_SECONDS, call_seconds=CALL_SECONDS, memory_mb=2048,
                cpu_seconds=120, file_mb=8, tmp_mb=32, processes=128, restarts=8)
POINTS = {"softmax_temperature": 4, "sample_next_token": 3, "beam_search": 5}
HUGE_RESULT_BYTES = 300_000_000
STREAMED_BYTES = 800_000_000
WALL_MARGIN_SECONDS = 20.0  # start-up, restarts and a loaded machine; a slow reply without a deadline takes hours
REPORT_SECONDS = 3.0

SOFTMAX = '''
import numpy as np

def softmax_temperature(logits, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    scaled = np.asarray(logits, dtype=float) / temperature
    e = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''
SAMPLE = '''
import numpy as np

def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("negative temperature")
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
'''
BEAM = '''
import numpy as np

def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width < 1")
    start = tuple(int(x) for x in prompt)
    live, done = [(start, 0.0)], []
    if max_new_tokens == 0:
        return [(start, 0.0)]
    for step in range(max_new_tokens):
        cands = []
        for seq, s in live:
            lp = np.asarray(next_log_probs(seq), dtype=float)
            cands += [(seq + (int(t),), s + float(lp[t])) for t in range(len(lp)) if np.isfinite(lp[t])]
        cands.sort(key=lambda c: -c[1])
        for c in cands[:beam_width]:
            if step == max_new_tokens - 1 or (eos_id is not None and c[0][-1] == eos_id):
                done.append(c)
        live = [c for c in cands if eos_id is None or c[0][-1] != eos_id][:beam_width]
        if not live:
            break
    return sorted(done, key=lambda c: -c[1])[:beam_width]
'''
ALL = SOFTMAX + SAMPLE + BEAM
SAMPLE_NONE = """
def sample_next_token(logits, temperature, rng):
    return None
"""
NONE = """
def softmax_temperature(logits, temperature=1.0):
    return None

def sample_next_token(logits, temperature, rng):
    return None

def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    return None
"""
WRONG = '''
import numpy as np

def softmax_temperature(logits, temperature=1.0):
    return np.zeros_like(np.asarray(logits, dtype=float))

def sample_next_token(logits, temperature, rng):
    return 0

def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    return []
'''
# Student code reaches its own end of the data channel (the grader must trust nothing sent on it).
CHANNEL = '''
import gc, json, struct, threading, time
import numpy as np
from autograder.sandbox import wire
from autograder.sandbox.child import Channel

def channel():
    return next(o for o in gc.get_objects() if isinstance(o, Channel))

def send(*frames):
    for frame in frames:
        channel().sock.sendall(frame if isinstance(frame, bytes) else wire.pack(frame))

def trickle(frame, seconds_per_byte=0.05):
    for byte in frame:
        channel().sock.sendall(bytes([byte]))
        time.sleep(seconds_per_byte)
'''
KEYRING = '''
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY, REQUEST_KEY, KEYCTL = 248, 249, 250  # x86_64
USER, SESSION = ctypes.c_long(-4), ctypes.c_long(-3)

def outcome(*args):
    ctypes.set_errno(0)
    r = libc.syscall(*args)
    return f"ok:{r}" if r >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
'''


CELL_LIMIT = [f"did not finish within {CELL_SECONDS} s"]
BEAM_LIMIT = [f"beam_search did not return within {CALL_SECONDS} s"]


def attack(code: str) -> str:
    return textwrap.dedent(code).replace("MARKER", MARKER)


# name -> (honest part, attack, words its feedback must contain). The honest part alone is graded in
# the same batch as a baseline: every case must score exactly what its baseline scores. DECOY_PID and
# DAEMON_TAG (MARKER-<case name>, carried by the case's daemons) are filled in by the fixture.
CASES: dict[str, tuple[str, str, list[str]]] = {
    "honest_reference": (ALL, "", []),
    "honest_partial": (SOFTMAX, "", []),
    "loop_in_top_level_cell": (ALL, "\nwhile True:\n    pass\n", CELL_LIMIT),
    "loop_in_beam_search": (SOFTMAX + SAMPLE, attack('''
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            while True:
                pass
        '''), BEAM_LIMIT),
    "catch_all_loop_ignores_alarm": (SOFTMAX + SAMPLE, attack('''
        import signal
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                try:
                    while True:
                        pass
                except BaseException:
                    pass
        '''), BEAM_LIMIT),
    "memory_bomb_cell": (ALL, "\nhog = bytearray(6 * 1024 ** 3)\n", ["memory"]),
    "memory_bomb_in_softmax": (SAMPLE + BEAM, attack('''
        import numpy as np
        def softmax_temperature(logits, temperature=1.0):
            blocks = []
            while True:
                blocks.append(np.empty(2 ** 27))
        '''), ["softmax_temperature used more than 2 GiB of memory"]),
    "fork_bomb_in_sample": (SOFTMAX + BEAM, attack('''
        import os
        def sample_next_token(logits, temperature, rng):
            while True:
                try:
                    if os.fork() == 0:
                        import time
                        time.sleep(600)
                except OSError:
                    pass
        '''), ["sample_next_token"]),
    "huge_output": (ALL, attack('''
        import os, sys
        print("x" * 50_000_000)
        for _ in range(2000):
            os.write(1, b"y" * 100_000)
            sys.stderr.write("z" * 100_000)
        '''), []),
    "kill_parent": (ALL, "\nimport os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", []),
    "kill_process_group": (ALL, "\nimport os, signal\nos.killpg(0, signal.SIGKILL)\n", []),
    "os_exit": (ALL, "\nimport os\nos._exit(0)\n", ["Cell"]),
    "sys_exit": (ALL, "\nimport sys\nsys.exit('bye')\n", ["exit"]),
    "deep_recursion": (ALL, attack('''
        import sys
        sys.setrecursionlimit(10 ** 8)
        def down(n):
            return down(n + 1) + 1
        down(0)
        '''), ["Cell"]),
    "ctypes_segfault_in_softmax": (SAMPLE + BEAM, attack('''
        import ctypes
        def softmax_temperature(logits, temperature=1.0):
            ctypes.memset(8, 0, 64)
        '''), ["crashed"]),
    "detached_background_writer": (WRONG, attack('''
        import os, json, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                fake = json.dumps({"score": 999, "tests": []})
                for _ in range(200):
                    for d in ["/autograder/results", "../results", ".", "/tmp", os.environ.get("HOME", "/")]:
                        try:
                            with open(os.path.join(d, "results.json"), "w") as f:
                                f.write(fake)
                        except OSError:
                            pass
                    time.sleep(0.1)
                os._exit(0)
            os._exit(0)
        import subprocess
        subprocess.Popen(["sleep", "600", "MARKER"], start_new_session=True)
        '''), []),
    "read_hidden_tests_and_reference": ("", attack('''
        import os
        found = []
        for start in ["/proc/1/cwd", "/proc/self/cwd/..", "/", "/work", "/root", "/home", os.getcwd() + "/.."]:
            for dirpath, dirnames, filenames in os.walk(start):
                if dirpath.startswith(("/proc", "/sys", "/usr", "/dev")) or dirpath.count("/") > 8:
                    dirnames[:] = []
                    continue
                for f in filenames:
                    if f == "solution.py" or f.startswith("test_beam") or f == "grading_config.yaml":
                        found.append(os.path.join(dirpath, f))
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                for link in ("cwd", "root"):
                    try:
                        base = os.readlink(f"/proc/{pid}/{link}")
                        path = os.path.join(base, "solutions/text_generation/solution.py")
                        if os.path.exists(path):
                            found.append(path)
                    except OSError:
                        pass
        for path in found:
            if path.endswith("solution.py"):
                try:
                    exec(open(path).read())
                except OSError:
                    pass
        '''), []),
    "monkeypatch_numpy_and_builtins": (WRONG, attack('''
        import builtins, numpy, numpy.testing
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.testing.assert_array_equal = lambda *a, **k: None
        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        numpy.isclose = lambda *a, **k: True
        builtins.isinstance = lambda *a: True
        builtins.abs = lambda x: 0
        import math
        math.isclose = lambda *a, **k: True
        '''), []),
    "eq_always_true": (NONE, attack('''
        class Anything:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __array__(self, *a, **k): raise TypeError("no")
            def __float__(self): return 1.0
            def __int__(self): return 0
            def __len__(self): return 0
            def __iter__(self): return iter(())
            __hash__ = object.__hash__
        def softmax_temperature(logits, temperature=1.0):
            return Anything()
        def sample_next_token(logits, temperature, rng):
            return Anything()
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            return Anything()
        '''), []),
    "fake_results_files": (WRONG, attack('''
        import json, os
        fake = {"score": 999, "tests": [{"name": "all", "score": 999, "max_score": 12}]}
        for d in [".", "..", "/autograder/results", "/tmp", "/out", "/work/main/out"]:
            try:
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "results.json"), "w") as f:
                    json.dump(fake, f)
            except OSError:
                pass
        '''), []),
    "network_exfiltration": (WRONG, attack('''
        import socket
        for host in [("8.8.8.8", 53), ("127.0.0.1", 22), ("pypi.org", 443)]:
            try:
                socket.create_connection(host, timeout=1).close()
                raise SystemExit("network reachable")
            except OSError:
                pass
        '''), []),
    "forged_protocol_frames": (WRONG, attack('''
        import json, os, struct
        def frame(obj):
            body = b"[]\\n" + json.dumps(obj).encode()
            return struct.pack("<2sxxII", b"AG", len(body), 0) + body
        msg = {"op": "result", "ok": True, "value": 1.0}
        for fd in range(3, 64):
            try:
                os.write(fd, frame(msg) + b"garbage" * 100)
            except OSError:
                pass
        '''), []),
    "signals_and_privileges": (WRONG, attack('''
        import os, signal
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
            for pid in (1, 2, os.getppid(), -1):
                try:
                    os.kill(pid, sig)
                except (OSError, ProcessLookupError):
                    pass
        for fn in (lambda: os.setuid(0), lambda: os.chroot("/"), lambda: os.nice(-10)):
            try:
                fn()
            except OSError:
                pass
        '''), []),
    "patch_fake_otter": (WRONG, attack('''
        import otter
        otter.Notebook = None
        import sys
        sys.modules["pytest"] = None
        '''), []),
    "spinning_thread": (ALL, attack('''
        import threading
        def spin():
            while True:
                pass
        threading.Thread(target=spin, daemon=True).start()
        '''), []),
    # Issue 12 (a): what once stopped the whole batch. Each forged frame is a top-level statement of its
    # own: the grader refuses it, the statement is a crashed cell, skipped when the functions are tested.
    "forged_control_frames": (ALL, CHANNEL + attack('''
        send({"op": "exited", "status": 0})
        send({"op": "spawned", "pid": DECOY_PID, "pid_namespace": False}, {"op": "kill", "pid": DECOY_PID})
        send({"op": "cell_done", "index": 10 ** 9, "status": "ok"})
        send({"op": "cell_done", "index": -1, "status": "ok", "elapsed": float("nan")})
        send({"op": "cell_started", "index": "0"})
        send({"op": "result", "ok": True, "value": 1.0, "elapsed": float("inf"), "stdout": 5})
        send({"op": "hello"})
        '''), ["Cell"]),
    "frames_beyond_the_size_cap": (ALL, CHANNEL + attack('''
        send(struct.pack("<2sxxII", b"AG", 0xFFFFFFFF, 0))
        send(struct.pack("<2sxxII", b"AG", 14, 1) + b"[1000000000]\\n{}")
        send(b"AG" + bytes(range(256)) * 4)
        '''), ["Cell"]),
    "lone_surrogates_in_messages": (SAMPLE + BEAM, attack('''
        globals()["name_\\ud800"] = 1
        def softmax_temperature(logits, temperature=1.0):
            print("printed \\ud800 and \\udfff")
            raise RuntimeError("bad \\udcff value \\x00 end")
        raise RuntimeError("top level \\ud801")
        '''), ["softmax_temperature raised RuntimeError: bad", "Cell"]),
    "lone_surrogates_in_returned_values": (SOFTMAX + BEAM + SAMPLE_NONE, attack('''
        def sample_next_token(logits, temperature, rng):
            print("\\udc80")
            return {"\\ud800": "\\udfff", "list": ["\\udbff"]}
        '''), []),
    "nan_clock_in_the_child": (ALL, attack('''
        import autograder.sandbox.child as child
        child.time.monotonic = lambda: float("nan")
        '''), []),
    # (b) hold a worker: a reply trickled byte by byte, results of hundreds of MB.
    "reply_trickled_in_a_call": (SOFTMAX + SAMPLE, CHANNEL + attack('''
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            trickle(wire.pack({"op": "result", "ok": True, "value": [((1, 2), 0.0)] * 2000}))
        '''), BEAM_LIMIT),
    "frame_trickled_in_a_cell": (ALL, CHANNEL + attack('''
        trickle(wire.pack({"op": "cell_done", "index": 0, "status": "ok", "stdout": "x" * 10_000}))
        '''), CELL_LIMIT),
    "result_of_300_mb": (SAMPLE + BEAM, attack(f'''
        BIG = b"\\0" * {HUGE_RESULT_BYTES}
        def softmax_temperature(logits, temperature=1.0):
            return BIG
        '''), []),
    "stream_declaring_800_mb": (SAMPLE + BEAM, CHANNEL + attack(f'''
        def softmax_temperature(logits, temperature=1.0):
            meta = json.dumps([{STREAMED_BYTES}]).encode()
            body = meta + b"\\n" + b'{{"op":"result","ok":true,"value":{{"$b":0}}}}'
            send(struct.pack("<2sxxII", b"AG", len(body), 1) + body)
            chunk = bytes(1 << 20)
            for _ in range({STREAMED_BYTES} >> 20):
                send(chunk)
            time.sleep(60)
        '''), []),
    # (d) reach outside: keyrings, lasting processes, other submissions' processes.
    "keyring_writer": (SOFTMAX + SAMPLE, KEYRING + attack('''
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            found = {"add_key(user)": outcome(ADD_KEY, b"user", b"ag-secret-MARKER", b"stolen", 6, USER),
                     "add_key(session)": outcome(ADD_KEY, b"user", b"ag-secret-MARKER", b"stolen", 6, SESSION),
                     "keyctl(join)": outcome(KEYCTL, 1, b"ag-shared-MARKER")}
            raise RuntimeError("keyring: " + ", ".join(f"{k}={v}" for k, v in found.items()))
        '''), ["add_key(user)=EPERM", "add_key(session)=EPERM", "keyctl(join)=EPERM"]),
    "keyring_reader": (SOFTMAX + SAMPLE, KEYRING + attack('''
        import time
        time.sleep(2)  # the writer's cells run first
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            found = []
            for name, result in [("request_key", outcome(REQUEST_KEY, b"user", b"ag-secret-MARKER", None, 0)),
                                 ("search(user)", outcome(KEYCTL, 10, USER, b"user", b"ag-secret-MARKER", 0)),
                                 ("join(shared)", outcome(KEYCTL, 1, b"ag-shared-MARKER"))]:
                if result.startswith("ok"):
                    found.append(name)
            try:
                found += [line for line in open("/proc/keys") if "ag-" in line]
            except OSError:
                pass
            raise RuntimeError(f"keyring found={found}")
        '''), ["keyring found=[]"]),
    "daemons_outliving_the_submission": (WRONG, attack('''
        import os, signal, subprocess, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                    signal.signal(s, signal.SIG_IGN)
                os.execv("/bin/sleep", ["sleep", "600", "DAEMON_TAG"])
            os._exit(0)
        subprocess.Popen(["sleep", "600", "DAEMON_TAG"], start_new_session=True)
        subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: time.sleep(1)", "DAEMON_TAG"],
                         preexec_fn=os.setpgrp)
        '''), []),
    "processes_of_other_submissions": (SOFTMAX + SAMPLE, attack('''
        import os
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            me, others = os.getuid(), []
            for pid in os.listdir("/proc"):
                try:
                    uid = os.stat(f"/proc/{pid}").st_uid if pid.isdigit() else me
                except OSError:
                    continue
                if uid != me:
                    others.append((pid, uid))
            raise RuntimeError(f"others={others}")
        '''), ["others=[]"]),
    # (e) a failure message that made the report's grouping regex backtrack for seconds.
    "crafted_failure_message": (SOFTMAX + SAMPLE, attack('''
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            raise RuntimeError("[" + "1," * 5000)
        '''), ["[1,1,1,1"]),
}

SAMPLER_TENTH_DRAW = SOFTMAX + SAMPLE + '''
_honest_sample, _calls = sample_next_token, [0]

def sample_next_token(logits, temperature, rng):
    token = _honest_sample(logits, temperature, rng)
    _calls[0] += 1
    return TENTH if temperature != 0 and _calls[0] % 10 == 0 else token
'''
REPEATED_DRAWS = ALL + '''
from autograder.sandbox import child

_invoke = child.Runner._invoke

def _draws(self, fn, message):
    reply = _invoke(self, fn, message)
    if message.get("repeat") is not None and isinstance(reply.get("value"), list):
        reply["value"] = DRAWS
    return reply

child.Runner._invoke = _draws
'''
# (c) a sampler whose draws include NaN, or that returns fewer draws than asked, against its twin whose
# draws at the same places are wrong numbers.
SAMPLERS = {
    "sampler_nan_draws": SAMPLER_TENTH_DRAW.replace("TENTH", 'float("nan")'),
    "sampler_tenth_draw_wrong": SAMPLER_TENTH_DRAW.replace("TENTH", "0"),
    "sampler_fewer_draws": REPEATED_DRAWS.replace("DRAWS", 'reply["value"][: len(reply["value"]) // 2]'),
    "sampler_repeated_draws_wrong": REPEATED_DRAWS.replace("DRAWS", '[0] * len(reply["value"])'),
}


def notebook(source: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb).encode()


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _headers(data: bytearray, signature: bytes) -> list[int]:
    at, found = data.find(signature), []
    while at >= 0:
        found.append(at)
        at = data.find(signature, at + 4)
    return found


LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def encrypted(zip_bytes: bytes) -> bytes:
    """The same zip with the encryption bit set in its headers (zipfile then refuses to read it)."""
    out = bytearray(zip_bytes)
    for signature, flags in ((LOCAL, 6), (CENTRAL, 8)):
        for at in _headers(out, signature):
            out[at + flags] |= 1
    return bytes(out)


def declared_size(zip_bytes: bytes, size: int, local: bool = False) -> bytes:
    """The same zip whose central directory (and local headers) declare every member ``size`` bytes."""
    out = bytearray(zip_bytes)
    for signature, offset in ((CENTRAL, 24), *(((LOCAL, 22),) if local else ())):
        for at in _headers(out, signature):
            out[at + offset:at + offset + 4] = struct.pack("<I", size)
    return bytes(out)


def zip_bomb(megabytes: int = 200, lying: bool = False) -> bytes:
    """A notebook padded with ``megabytes`` of spaces, deflated to a few hundred kB; ``lying``: its headers
    declare 100 kB uncompressed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.ipynb", "w") as f:
        f.write(b'{"cells": [], "padding": "')
        chunk = b" " * (1 << 20)
        for _ in range(megabytes):
            f.write(chunk)
        f.write(b'"}')
    return declared_size(buf.getvalue(), 100_000, local=True) if lying else buf.getvalue()


PLAIN_ZIP = zip_of({"notebook.ipynb": notebook(ALL)})


@dataclass(frozen=True)
class Twin:
    """A submission judged against another of the batch: it may not score more on any question."""

    content: str | bytes | Callable[[], bytes]  # a callable for what is costly to build
    twin: str
    suffix: str = ".py"
    words: tuple[str, ...] = ()


# (c) skewed statistics, forged messages the grader accepts, broken files and pathological scripts.
TWINS: dict[str, Twin] = {
    "sampler_nan_draws": Twin(SAMPLERS["sampler_nan_draws"], "sampler_tenth_draw_wrong", words=("nan",)),
    "sampler_fewer_draws": Twin(SAMPLERS["sampler_fewer_draws"], "sampler_repeated_draws_wrong",
                                words=("results came back",)),
    "forged_cells_done_with_odd_names": Twin(ALL + CHANNEL + attack('''
        names = {f"name_{i}_" + "x" * 200: "function" for i in range(20_000)}
        send({"op": "cells_done", "names": {**names, 7: "function", "softmax_temperature": ["not", "a", "kind"]}})
        '''), "baseline__all"),
    "forged_result_inside_a_call": Twin(SAMPLE + BEAM + CHANNEL + attack('''
        def softmax_temperature(logits, temperature=1.0):
            send({"op": "result", "ok": True, "value": np.full(3, np.nan), "elapsed": float("nan"), "stdout": None,
                  "args_after": "x", "kwargs_after": [1]})
            return np.full(np.shape(logits), 0.5)
        '''), "baseline__all"),
    "encrypted_zip": Twin(encrypted(PLAIN_ZIP), "plain_zip", ".zip", ("encrypted",)),
    "nested_zip": Twin(zip_of({"inner.zip": PLAIN_ZIP}), "plain_zip", ".zip", ("exactly one notebook",)),
    "zip_member_declared_huge": Twin(declared_size(PLAIN_ZIP, 0x7FFFFFFF), "plain_zip", ".zip"),
    "zip_bomb": Twin(zip_bomb, "plain_zip", ".zip", ("too large",)),
    "zip_bomb_lying_about_its_size": Twin(functools.partial(zip_bomb, lying=True), "plain_zip", ".zip"),
    "nested_parentheses": Twin("x = " + "(" * 100_000 + ")" * 100_000 + "\n" + ALL, "baseline__all",
                               words=("nested parentheses",)),
    "line_of_30_mb": Twin(lambda: b"padding = '" + b"a" * 30_000_000 + b"'\n" + ALL.encode(), "baseline__all"),
}
# Inputs that once showed an engine bug (a forged value of the wrong type made the grader fail, not the
# child); the submission must be graded (not lost to a grader failure) and score exactly its honest part.
BUG_CASES: dict[str, str] = {
    "forged_cell_done_with_unhashable_status": ALL + CHANNEL + 'send({"op": "cell_done", "index": 0, "status": []})\n',
    "forged_frame_whose_op_is_an_array": ALL + CHANNEL + 'send({"op": np.array([1.0, 2.0])})\n',
}
# An honest student who imports the frameworks (the sandbox host warms what a batch's submissions import).
WITH_FRAMEWORKS = ALL + "\nimport tensorflow\nimport torch\n"
EXTRA = {"plain_zip": (PLAIN_ZIP, ".zip"), "imports_the_frameworks": (WITH_FRAMEWORKS, ".py"),
         **{name: (SAMPLERS[name], ".py") for name in ("sampler_tenth_draw_wrong", "sampler_repeated_draws_wrong")}}


def _cmdlines() -> dict[str, tuple[int, list[str]]]:
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        out[pid] = (uid, [a.decode(errors="replace") for a in args if a])
    return out


def _stray_processes(tag: str, marker: str = MARKER) -> list[str]:
    """Processes of this batch's sandboxes (their command line names its temporary directory ``tag``)
    or carrying ``marker``, still alive."""
    return [f"{pid} uid={uid} {' '.join(args)[:80]}" for pid, (uid, args) in _cmdlines().items()
            if any(tag in a or marker in a for a in args)]


def tagged_processes(token: str) -> list[str]:
    """Processes with ``token`` as one of their arguments."""
    return [f"{pid} uid={uid} {' '.join(args)[:80]}" for pid, (uid, args) in _cmdlines().items() if token in args]


class ProcessWatch(RunListener):
    """As each result arrives (its child is closed by then): when, and the processes still carrying its tag."""

    def __init__(self) -> None:
        self.left: dict[str, list[str]] = {}
        self.arrived: dict[str, float] = {}

    def graded(self, item: Reported) -> None:
        name = item.result.submission
        self.arrived[name] = time.monotonic()
        self.left[name] = tagged_processes(f"{MARKER}-{name}")


class WorkerMemory:
    """Samples the resident memory of this process's grading workers while it runs."""

    def __init__(self) -> None:
        self.rss: dict[int, list[tuple[float, int]]] = {}  # pid -> (time, bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for proc in me.children():
                try:
                    if any("spawn_main" in a for a in proc.cmdline()):
                        self.rss.setdefault(proc.pid, []).append((time.monotonic(), proc.memory_info().rss))
                except psutil.Error:
                    continue
            time.sleep(0.05)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


BASELINES = {"all": ALL, "wrong": WRONG, "none": NONE, "softmax": SOFTMAX, "softmax_sample": SOFTMAX + SAMPLE,
             "sample_beam": SAMPLE + BEAM, "softmax_beam": SOFTMAX + BEAM,
             "softmax_beam_sample_none": SOFTMAX + BEAM + SAMPLE_NONE}


def baseline_of(honest: str) -> str | None:
    return next((k for k, v in BASELINES.items() if v == honest), None)


@dataclass
class Batch:
    results: dict
    out: Path
    tag: str
    subs: Path
    decoy: subprocess.Popen
    tests_hash: str
    watch: ProcessWatch
    lost: list[str]


def content_of(content: str | bytes | Callable[[], bytes]) -> bytes:
    if callable(content):
        return content()
    return content if isinstance(content, bytes) else content.encode()


def _write_submissions(subs: Path, decoy_pid: int) -> None:
    def fill(name: str, code: str) -> str:
        return code.replace("DECOY_PID", str(decoy_pid)).replace("DAEMON_TAG", f"{MARKER}-{name}")

    for name, (honest, code, _) in CASES.items():
        (subs / f"{name}.py").write_text(fill(name, honest + code))
    for name, source in BASELINES.items():
        (subs / f"baseline__{name}.py").write_text(source)
    for name, twin in TWINS.items():
        (subs / f"{name}{twin.suffix}").write_bytes(content_of(twin.content))
    for name, (content, suffix) in EXTRA.items():
        (subs / f"{name}{suffix}").write_bytes(content_of(content))
    for name, code in BUG_CASES.items():
        (subs / f"{name}.py").write_text(code)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    decoy = subprocess.Popen(["sleep", "600"])
    _write_submissions(subs, decoy.pid)
    out = tmp_path_factory.mktemp("hostile-out")
    tag = str(tmp_path_factory.mktemp("hostile-tmp"))
    watch = ProcessWatch()
    tests_hash = current_tests_hash()
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", tag)
        report = grade_batch(CONFIG, "text_generation", [subs], out, workers=2, limits=LIMITS,
                             listeners=[*default_listeners(), watch])
    elapsed = time.monotonic() - start
    results = report.results
    print(f"hostile batch: {len(results)} submissions in {elapsed:.1f} s")
    for r in sorted(results, key=lambda r: -r.wall_seconds)[:8]:
        print(f"  {r.submission}: {r.wall_seconds:.1f} s")
    (out / "summary.txt").write_text("\n".join(
        f"{r.submission} {r.total} {[(q.name, q.score) for q in r.questions]} {r.messages}" for r in results))
    yield Batch({r.submission: r for r in results}, out, tag, subs, decoy, tests_hash, watch, report.lost)
    decoy.kill()
    decoy.wait()


def current_tests_hash() -> str:
    config, root = load_config(CONFIG)
    return fingerprint.tests_fingerprint(AssignmentPaths(name="text_generation", root=root),
                                         assignment(config, "text_generation"), LIMITS)


def all_names() -> set[str]:
    return set(CASES) | {f"baseline__{k}" for k in BASELINES} | set(TWINS) | set(EXTRA) | set(BUG_CASES)


def feedback(result) -> str:
    return "\n".join([result.error or "", *result.messages, *(t.output for t in result.tests)])


def test_baselines_are_what_they_claim(batch):
    results = batch.results
    assert results["baseline__all"].total == sum(POINTS.values())
    assert results["plain_zip"].total == results["imports_the_frameworks"].total == sum(POINTS.values())
    for q, pts in POINTS.items():
        assert results["baseline__wrong"].question(q).score < pts / 2


def test_every_submission_scores_exactly_its_honest_part(batch):
    results = batch.results
    assert all_names() == set(results)
    problems = []
    for name, (honest, _, _) in CASES.items():
        base = baseline_of(honest)
        r = results[name]
        for q in POINTS:
            want = results[f"baseline__{base}"].question(q).score if base else 0.0
            got = r.question(q).score
            if abs(got - want) > 1e-9:
                failing = [f"{t.name}: {t.output[:200]}" for t in r.tests if t.question == q and not t.passed][:3]
                problems.append(f"{name}: {q} scored {got}, its honest part scores {want}. {failing} {r.messages[:3]}")
    assert not problems, "\n".join(problems)


def test_no_attack_outscores_its_twin(batch):
    results = batch.results
    for twin in ("sampler_tenth_draw_wrong", "sampler_repeated_draws_wrong"):
        assert results[twin].question("sample_next_token").score < POINTS["sample_next_token"]
    problems = []
    for name, twin in TWINS.items():
        for q in POINTS:
            got, bound = results[name].question(q).score, results[twin.twin].question(q).score
            if got > bound + 1e-9:
                problems.append(f"{name}: {q} scored {got}, more than its twin {twin.twin} ({bound})")
    assert not problems, "\n".join(problems)


def test_the_grader_failed_on_no_submission(batch):
    assert batch.lost == [], f"the grader failed on {sorted(batch.lost)}"


@pytest.mark.parametrize("name", sorted(BUG_CASES))
def test_unexpected_value_types_in_a_frame_are_the_students_problem(batch, name):
    r = batch.results[name]
    assert not r.lost and r.error is None, r.error
    assert r.total == batch.results["baseline__all"].total


def test_limits_are_reported_in_plain_words(batch):
    missing = []
    words_of = {**{name: words for name, (_, _, words) in CASES.items()},
                **{name: list(twin.words) for name, twin in TWINS.items()}}
    for name, words in words_of.items():
        text = feedback(batch.results[name])
        missing += [f"{name}: feedback lacks {w!r}:\n{text[:800]}" for w in words if w not in text]
    assert not missing, "\n".join(missing)


def test_an_oversized_message_is_reported_as_such(batch):
    for name in ("result_of_300_mb", "stream_declaring_800_mb", "frames_beyond_the_size_cap"):
        text = feedback(batch.results[name])
        assert "did not return within" not in text and "did not finish within" not in text, f"{name}: {text[:600]}"


def test_a_script_too_large_for_the_child_is_run_or_explained(batch):
    r = batch.results["line_of_30_mb"]
    reason = (r.error or "").split("could not be run:", 1)[-1].strip()
    assert r.total == batch.results["baseline__all"].total or reason, r.error


def test_forged_results_files_are_overwritten_by_the_grader(batch):
    results, out = batch.results, batch.out
    honest = results["baseline__wrong"].total
    for name in ("fake_results_files", "detached_background_writer"):
        data = json.loads((out / name / "results.json").read_text())
        assert data["score"] == honest and all(t.get("score", 0) <= t.get("max_score", 0) for t in data["tests"])
    time.sleep(1.0)
    data = json.loads((out / "detached_background_writer" / "results.json").read_text())
    assert data["score"] == honest, "a background process rewrote results.json after grading"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == len(all_names()) + 1


def test_every_submission_has_its_files(batch):
    out = batch.out
    written = sorted(p.parent.name for p in out.glob("*/results.json"))
    assert written == sorted(all_names())
    for path in out.glob("*/results.json"):
        data = json.loads(path.read_text())
        assert isinstance(data["score"], (int, float)) and 0 <= data["score"] <= sum(POINTS.values())
    assert (out / "report.html").stat().st_size > 0


def test_nothing_is_left_running(batch):
    deadline = time.monotonic() + 10
    while _stray_processes(batch.tag) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _stray_processes(batch.tag) == []


def test_no_process_outlives_its_submission(batch):
    watched = batch.watch.left
    assert set(watched) == all_names(), "the listener did not see every result"
    assert {name: left for name, left in watched.items() if left} == {}


def test_a_forged_spawned_frame_leaves_the_decoy_alive(batch):
    assert "Cell" in feedback(batch.results["forged_control_frames"]), "the forged frames were not sent"
    assert batch.decoy.poll() is None, "the grader signalled a pid named by the child"


def test_slow_and_huge_replies_stay_within_the_limits(batch):
    results = batch.results
    per_call = LIMITS.call_seconds + GRACE_SECONDS
    per_cell = LIMITS.cell_seconds + GRACE_SECONDS
    for name in ("reply_trickled_in_a_call", "frame_trickled_in_a_cell", "result_of_300_mb",
                 "stream_declaring_800_mb"):
        base = results[f"baseline__{baseline_of(CASES[name][0])}"].wall_seconds
        budget = base + FATAL_CALLS_PER_FUNCTION * per_call + per_cell + WALL_MARGIN_SECONDS
        assert results[name].wall_seconds <= budget, f"{name}: {results[name].wall_seconds:.1f} s > {budget:.1f} s"


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    """One grading worker, its memory sampled: an honest submission first (the tests' own imports, e.g.
    TensorFlow and PyTorch, are made in a worker's first submissions), then the two huge ones, one at a time."""
    subs = tmp_path_factory.mktemp("one-worker")
    windows = {}
    with GradingPool(CONFIG, "text_generation", workers=1, limits=LIMITS) as pool, WorkerMemory() as memory:
        for name in ("warm_up", "result_of_300_mb", "stream_declaring_800_mb"):
            path = subs / f"{name}.py"
            path.write_text(ALL if name == "warm_up" else "".join(CASES[name][:2]))
            start = time.monotonic()
            result = pool.grade_one(Job(path, name))
            windows[name] = (start, time.monotonic(), result)
    return memory.rss, windows


def test_the_grading_workers_memory_stays_bounded(one_worker):
    """While a child sends hundreds of MB, the worker does not grow beyond its earlier peak by a fraction of it."""
    samples, windows = one_worker
    assert len(samples) == 1, "the worker was not sampled"
    [series] = samples.values()
    assert windows["warm_up"][2].total == sum(POINTS.values())
    for name in ("result_of_300_mb", "stream_declaring_800_mb"):
        start, end, result = windows[name]
        assert result.question("softmax_temperature").score == 0 and result.error is None, result.error
        before = [rss for t, rss in series if t <= start]
        during = [rss for t, rss in series if start < t <= end]
        assert before and len(during) > 10, f"the worker was not sampled around {name}"
        growth = max(during) - max(before)
        assert growth < HUGE_RESULT_BYTES / 4, f"the worker grew by {growth / 2**20:.0f} MiB during {name}"


def test_hidden_material_stays_out_of_the_feedback(batch):
    hidden = [ROOT / "solutions" / "text_generation" / "solution.py",
              *(ROOT / "solutions" / "text_generation" / "tests").glob("*.py")]
    lines = {line.strip() for path in hidden for line in path.read_text().splitlines() if len(line.strip()) > 30
             and not line.strip().startswith(('"""', "#"))}
    files = list(batch.out.rglob("results.json"))
    assert len(files) == len(all_names())
    for path in files:
        text = path.read_text()
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path.parent.name} leaks hidden code: {leaked[:2]}"


def test_a_crafted_failure_message_does_not_slow_the_report(batch):
    assert "[1,1,1,1" in feedback(batch.results["crafted_failure_message"])
    start = time.monotonic()
    code = cli_main(["--config", str(CONFIG), "export", "report", "-a", "text_generation", "--out-dir",
                     str(batch.out), "-o", str(batch.out / "report-again.html")])
    elapsed = time.monotonic() - start
    assert code == 0 and elapsed < REPORT_SECONDS, f"report took {elapsed:.1f} s"


def test_the_same_command_again_reads_everything_back(batch):
    """Nothing stored poisons the gradebook: the second run reuses every complete result, grades the lost
    ones again, and writes grades.csv and the report."""
    (batch.out / "grades.csv").unlink()
    (batch.out / "report.html").unlink()
    report = grade_batch(CONFIG, "text_generation", [batch.subs], batch.out, workers=2, limits=LIMITS)
    assert not report.warnings and not report.grader_problems
    assert {r.submission for r in report.results} == all_names()
    assert (batch.out / "grades.csv").read_text().count("\n") == len(all_names()) + 1
    assert (batch.out / "report.html").stat().st_size > 0
    if current_tests_hash() != batch.tests_hash:
        pytest.skip("the hidden tests or the config changed between the two runs (edited meanwhile): "
                    "everything was graded again, nothing to compare")
    assert report.reused == len(all_names()) - len(batch.lost)
    for r in report.results:
        if r.submission not in batch.lost:
            assert r.total == batch.results[r.submission].total, r.submission
