"""Hostile and broken submissions graded in one batch with honest ones (issue: the sandbox).

Each case is the honest implementation of some functions (right or wrong) plus an attack or a fatal
bug. Every case must score exactly what its honest part alone scores: an attack gains nothing, a
crash costs only the question it touches, honest neighbours keep their score, the grader
survives, and no process is left behind.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from autograder.config import Limits
from autograder.grading.batch import grade_batch

ROOT = Path(__file__).resolve().parents[1]
MARKER = "hostile-marker-7c1f"
LIMITS = Limits(notebook_seconds=60, cell_seconds=5, call_seconds=2, memory_mb=1024, cpu_seconds=120,
                file_mb=8, tmp_mb=32, processes=128, restarts=8)
POINTS = {"softmax_temperature": 4, "sample_next_token": 3, "beam_search": 5}

SOFTMAX = '''
import numpy as np

def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=float) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
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
    live, done = [(tuple(prompt), 0.0)], []
    if max_new_tokens == 0:
        return [(tuple(prompt), 0.0)]
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


def attack(code: str) -> str:
    return textwrap.dedent(code).replace("MARKER", MARKER)


# name -> (honest part, attack, words its feedback must contain). The honest part alone is graded in
# the same batch as a baseline: every case must score exactly what its baseline scores.
CASES: dict[str, tuple[str, str, list[str]]] = {
    "honest_reference": (ALL, "", []),
    "honest_partial": (SOFTMAX, "", []),
    "loop_in_top_level_cell": (ALL, "\nwhile True:\n    pass\n", ["did not finish within 5 s"]),
    "loop_in_beam_search": (SOFTMAX + SAMPLE, attack('''
        def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
            while True:
                pass
        '''), ["beam_search did not return within 2 s"]),
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
        '''), ["beam_search did not return within 2 s"]),
    "memory_bomb_cell": (ALL, "\nhog = bytearray(6 * 1024 ** 3)\n", ["memory"]),
    "memory_bomb_in_softmax": (SAMPLE + BEAM, attack('''
        import numpy as np
        def softmax_temperature(logits, temperature=1.0):
            blocks = []
            while True:
                blocks.append(np.ones(2 ** 26))
        '''), ["softmax_temperature used more than 1 GiB of memory"]),
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
}


def _stray_processes(tag: str) -> list[str]:
    """Processes of this batch's sandboxes (their command line names its temporary directory ``tag``)
    or carrying the attack marker, still alive."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if tag in cmd or MARKER in cmd:
            out.append(f"{pid} uid={uid} {cmd[:80]}")
    return out


BASELINES = {"all": ALL, "wrong": WRONG, "none": NONE, "softmax": SOFTMAX, "softmax_sample": SOFTMAX + SAMPLE,
             "sample_beam": SAMPLE + BEAM, "softmax_beam": SOFTMAX + BEAM}


def baseline_of(honest: str) -> str | None:
    return next((k for k, v in BASELINES.items() if v == honest), None)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    for name, (honest, code, _) in CASES.items():
        (subs / f"{name}.py").write_text(honest + code)
    for name, source in BASELINES.items():
        (subs / f"baseline__{name}.py").write_text(source)
    out = tmp_path_factory.mktemp("hostile-out")
    tag = str(tmp_path_factory.mktemp("hostile-tmp"))
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", tag)
        results = grade_batch(ROOT / "grading_config.yaml", "text_generation", [subs], out, workers=2,
                              limits=LIMITS).results
    elapsed = time.monotonic() - start
    print(f"hostile batch: {len(results)} submissions in {elapsed:.1f} s")
    for r in sorted(results, key=lambda r: -r.wall_seconds)[:8]:
        print(f"  {r.submission}: {r.wall_seconds:.1f} s")
    (out / "summary.txt").write_text("\n".join(
        f"{r.submission} {r.total} {[(q.name, q.score) for q in r.questions]} {r.messages}" for r in results))
    return {r.submission: r for r in results}, out, tag


def test_baselines_are_what_they_claim(batch):
    results, _, _ = batch
    assert results["baseline__all"].total == sum(POINTS.values())
    for q, pts in POINTS.items():
        assert results["baseline__wrong"].question(q).score < pts / 2


def test_every_submission_scores_exactly_its_honest_part(batch):
    results, _, _ = batch
    assert set(CASES) | {f"baseline__{k}" for k in BASELINES} == set(results)
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


def test_limits_are_reported_in_plain_words(batch):
    results, _, _ = batch
    missing = []
    for name, (_, _, words) in CASES.items():
        text = "\n".join([*results[name].messages, *(t.output for t in results[name].tests)])
        missing += [f"{name}: feedback lacks {w!r}:\n{text[:800]}" for w in words if w not in text]
    assert not missing, "\n".join(missing)


def test_forged_results_files_are_overwritten_by_the_grader(batch):
    results, out, _ = batch
    honest = results["baseline__wrong"].total
    for name in ("fake_results_files", "detached_background_writer"):
        data = json.loads((out / name / "results.json").read_text())
        assert data["score"] == honest and all(t.get("score", 0) <= t.get("max_score", 0) for t in data["tests"])
    time.sleep(1.0)
    data = json.loads((out / "detached_background_writer" / "results.json").read_text())
    assert data["score"] == honest, "a background process rewrote results.json after grading"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == len(CASES) + len(BASELINES) + 1


def test_nothing_is_left_running(batch):
    _, _, tag = batch
    deadline = time.monotonic() + 10
    while _stray_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _stray_processes(tag) == []


def test_hidden_material_stays_out_of_the_feedback(batch):
    _, out, _ = batch
    hidden = [ROOT / "solutions" / "text_generation" / "solution.py",
              *(ROOT / "solutions" / "text_generation" / "tests").glob("*.py")]
    lines = {line.strip() for path in hidden for line in path.read_text().splitlines() if len(line.strip()) > 30
             and not line.strip().startswith(('"""', "#"))}
    for path in out.rglob("results.json"):
        text = path.read_text()
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path.parent.name} leaks hidden code: {leaked[:2]}"
