"""The grader fuzzed from the child's side and from the submitted files (issue 12), through one batch per
example: hostile submissions next to two honest neighbours (the reference and a partly wrong notebook).

From the child: arbitrary bytes, malformed and forged frames (``exited``, ``spawned``, ``cell_done`` with
bad indices, ``cells_done`` with odd names, ``result`` with non-finite or mistyped fields, sizes declared
beyond the cap, frames trickled slowly) sent on its data channel at every point of the protocol: during a
top-level cell, inside a called function, inside a ``repeat``, in the middle of a callback exchange and
after a function returned. From the files: arbitrary bytes, zips (encrypted, nested, declared huge,
bombs) and pathological scripts and notebooks. In every case: each submission has a row in grades.csv
and a results.json, the neighbours' results equal their results alone test by test, the gradebook reads
back, every export works and no process is left.
"""

from __future__ import annotations

import csv
import json
import math
import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_hostile import (
    BEAM,
    CHANNEL,
    SAMPLE,
    SOFTMAX,
    _stray_processes,
    declared_size,
    encrypted,
    notebook,
    zip_bomb,
    zip_of,
)

from autograder.cli import main as cli_main
from autograder.config import Limits
from autograder.gradebook.queries import latest, ungraded
from autograder.gradebook.store import Gradebook
from autograder.grading.batch import grade_batch
from autograder.sandbox import wire

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"
ASSIGNMENT = "text_generation"
LIMITS = Limits(notebook_seconds=20, cell_seconds=5, call_seconds=3, memory_mb=2048, cpu_seconds=60, file_mb=8,
                tmp_mb=32, processes=64, restarts=1)
NEIGHBOURS = {"neighbour_reference.py": (ROOT / "solutions" / ASSIGNMENT / "solution.py").read_bytes(),
              "neighbour_partly_wrong.ipynb": (ROOT / "examples" / ASSIGNMENT / "partly_wrong.ipynb").read_bytes()}
EXPORTS = ("canvas", "moodle", "csv", "feedback", "report")
PREFIX = struct.Struct("<2sxxII")

# --- values and frames a child may send -------------------------------------------------------------
odd_text = st.text(st.characters(exclude_categories=()), max_size=12) | st.sampled_from(
    ["\ud800", "x\udfff", "\x00", "é" * 300])
odd_numbers = st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 1e308, 10**30, -(2**70), 0]) | st.floats()
scalars = st.none() | st.booleans() | st.integers() | odd_numbers | odd_text | st.binary(max_size=16)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(odd_text | st.integers(), inner, max_size=4), max_leaves=12)
indices = st.sampled_from([-1, 10**9, 2**70, "0", None, 1.5, True, [0]]) | st.integers(-3, 40)
odd_names = st.sampled_from([{}, {"x" * 5000: "function"}, {7: "function", "softmax_temperature": ["a"]},
                             {f"name_{i}": "function" for i in range(20_000)}, [1, 2], "names"])
control_messages = st.one_of(
    st.fixed_dictionaries({"op": st.just("exited"), "status": values}),
    st.fixed_dictionaries({"op": st.just("spawned"), "pid": st.integers(-1, 2**22), "pid_namespace": values}),
    st.fixed_dictionaries({"op": st.sampled_from(["cell_done", "cell_started"]), "index": indices},
                          optional={"status": st.sampled_from(["ok", "error", "timeout", "crashed", "skipped"])
                                    | values, "elapsed": odd_numbers | values, "stdout": values,
                                    "error": values}),
    st.fixed_dictionaries({"op": st.just("cells_done"), "names": odd_names | values}),
    st.fixed_dictionaries({"op": st.just("result"), "ok": values},
                          optional={"value": values, "elapsed": odd_numbers | values, "stdout": values,
                                    "error": values, "args_after": values, "kwargs_after": values,
                                    "completed": values}),
    st.fixed_dictionaries({"op": st.just("callback"), "id": indices, "args": values, "kwargs": values}),
    st.fixed_dictionaries({"op": st.sampled_from(["hello", "ready", "kill", "error", "exit", "unusable"])
                           | values}, optional={"message": values}),
).map(wire.pack)
tagged_nodes = st.recursive(
    st.sampled_from([{"$a": 0, "dt": "<f8", "sh": [10**9]}, {"$a": 0, "dt": "|O", "sh": [1]}, {"$h": 5},
                     {"$h": "x", "t": 1}, {"$cb": 3}, {"$pf": "ToyLM", "p": [1]}, {"$rng": "MT19937", "state": 1},
                     {"$f": "1e999"}, {"$f": ["nan"]}, {"$c": [1]}, {"$c": ["a", 2]}, {"$d": [[[1], 2]]},
                     {"$d": [1]}, {"$t": "x"}, {"$b": 5}, {"$s": 0, "dt": "<i8", "sh": []}, {"$o": [1], "r": {}},
                     {}, {"unknown": 1}]) | st.none() | st.integers() | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["op", "value", "$t", "x"]),
                                                                 inner, max_size=3), max_leaves=10)


def raw_frame(tree: object, sizes: list, buffers: bytes = b"", count: int | None = None) -> bytes:
    meta = json.dumps(sizes).encode()
    header = json.dumps(tree).encode()
    body = meta + b"\n" + header
    return PREFIX.pack(b"AG", len(body), len(sizes) if count is None else count) + body + buffers


raw_frames = st.one_of(
    st.binary(min_size=1, max_size=300),
    st.builds(lambda n, b: PREFIX.pack(b"AG", n, 0) + b, st.integers(0, 64), st.binary(max_size=64)),
    st.builds(lambda tree, sizes: raw_frame({"op": "result", "ok": True, "value": tree}, sizes, bytes(8)),
              tagged_nodes, st.sampled_from([[], [8], [0, 8], [-1], [1.5], ["8"]])),
    st.builds(lambda text: PREFIX.pack(b"AG", len(text), 0) + text,
              st.sampled_from([b"[]\n{", b"[]\n[]", b"{}\n{}", b"[]\n" + b"[" * 100_000, b"\n", b"[0]\n{}"])),
)
beyond_the_cap = st.one_of(
    st.builds(lambda n: PREFIX.pack(b"AG", n, 0), st.integers(8 * 2**20 + 1, 2**32 - 1)),
    st.builds(lambda n: raw_frame({"op": "result"}, [n]), st.integers(32 * 2**20, 2**62)),
    st.builds(lambda n: PREFIX.pack(b"AG", 10, n) + b"[]\n{}", st.integers(100_001, 2**32 - 1)),
)
payloads = st.lists(control_messages | raw_frames | beyond_the_cap, min_size=1, max_size=3).map(b"".join)

# --- where the child sends them ---------------------------------------------------------------------
POINTS = {
    "cell": "send(PAYLOAD)\n",
    "first_cell": None,  # the attack comes before everything else
    "function": '''
_softmax = softmax_temperature
def softmax_temperature(logits, temperature=1.0):
    send(PAYLOAD)
    return _softmax(logits, temperature)
''',
    "repeat": '''
_sample, _calls = sample_next_token, [0]
def sample_next_token(logits, temperature, rng):
    _calls[0] += 1
    if _calls[0] == AT:
        send(PAYLOAD)
    return _sample(logits, temperature, rng)
''',
    "callback": '''
_beam = beam_search
def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    calls = [0]
    def spy(seq):
        log_probs = next_log_probs(seq)
        calls[0] += 1
        if calls[0] == AT:
            send(PAYLOAD)
        return log_probs
    return _beam(spy, prompt, beam_width, max_new_tokens, eos_id)
''',
    "after_return": '''
_softmax = softmax_temperature
def softmax_temperature(logits, temperature=1.0):
    threading.Timer(0.05, send, args=(PAYLOAD,)).start()
    return _softmax(logits, temperature)
''',
}


# The function each point needs, honestly written (one function keeps a batch short: the others are missing).
HONEST = {"cell": SOFTMAX, "first_cell": SOFTMAX, "function": SOFTMAX, "after_return": SOFTMAX, "repeat": SAMPLE,
          "callback": BEAM}


def channel_attack(point: str, payload: bytes, at: int, slow: float | None = None) -> bytes:
    """An honest function with ``payload`` sent (or trickled, ``slow`` seconds a byte) at ``point``."""
    code = POINTS[point] or POINTS["cell"]
    code = code.replace("PAYLOAD", f"bytes.fromhex({payload.hex()!r})").replace("AT", str(at))
    if slow is not None:
        code = code.replace("send(bytes.fromhex", f"trickle(seconds_per_byte={slow}, frame=bytes.fromhex")
    if POINTS[point] is None:
        return (CHANNEL + code + HONEST[point]).encode()
    return (HONEST[point] + CHANNEL + code).encode()


channel_attacks = st.builds(channel_attack, st.sampled_from(sorted(POINTS)), payloads, st.integers(1, 30))
trickled = st.builds(channel_attack, st.sampled_from(["cell", "function", "callback"]),
                     control_messages, st.integers(1, 3), st.floats(0.02, 0.1))

# --- files --------------------------------------------------------------------------------------------
SOFTMAX_ZIP = zip_of({"notebook.ipynb": notebook(SOFTMAX)})
zips = st.one_of(
    st.just(SOFTMAX_ZIP).map(encrypted),
    st.just(zip_of({"inner.zip": SOFTMAX_ZIP})),
    st.integers(40 * 2**20 + 1, 2**32 - 1).map(lambda n: declared_size(SOFTMAX_ZIP, n)),
    st.booleans().map(lambda lying: zip_bomb(64, lying)),
    st.binary(max_size=200).map(lambda b: zip_of({"a.ipynb": b})),
    st.just(zip_of({"a.ipynb": notebook(SOFTMAX), "b.ipynb": notebook(SOFTMAX)})),
    st.just(zip_of({"../../../escape.ipynb": notebook(SOFTMAX)})),
    st.integers(40, 200).map(lambda i: SOFTMAX_ZIP[:i] + bytes([SOFTMAX_ZIP[i] ^ 0xFF]) + SOFTMAX_ZIP[i + 1:]),
)
scripts = st.one_of(
    st.integers(200, 100_000).map(lambda n: ("x = " + "(" * n + ")" * n + "\n" + SOFTMAX).encode()),
    st.integers(20, 200).map(lambda n: "".join(" " * i + "if True:\n" for i in range(n)).encode() + SOFTMAX.encode()),
    st.integers(1000, 100_000).map(lambda n: ("y = " + "1 + " * n + "1\n" + SOFTMAX).encode()),
    st.sampled_from([1_000_000, 6_000_000]).map(lambda n: b"z = '" + b"a" * n + b"'\n" + SOFTMAX.encode()),
    st.binary(max_size=64).map(lambda junk: SOFTMAX.encode() + b"\n" + junk + b"\x00\xff\xfe\n"),
    st.lists(st.sampled_from(["import numpy as np", "x = 1 / 0", "def broken(:", "%matplotlib inline",
                              "!pip install nothing", "del __builtins__", "raise SystemExit(3)",
                              "import sys; sys.modules.clear()", "yield 5", "\ufeffprint(1)", "\r\n\r\n"])
             | st.text(max_size=40), max_size=6).map(lambda lines: "\n".join(lines).encode()),
)
notebooks = st.one_of(
    values.map(lambda v: json.dumps(v, default=repr).encode(errors="surrogatepass")),
    st.integers(1, 3000).map(lambda n: notebook(SOFTMAX + "\n" + "\n".join(f"v{i} = {i}" for i in range(n)))),
    st.just(b"[" * 100_000 + b"]" * 100_000),
    st.just(json.dumps({"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": SOFTMAX}]}]}).encode()),
)
batches = st.fixed_dictionaries({
    "attack_in_a_cell.py": st.builds(channel_attack, st.just("cell"), payloads, st.just(1)),
    "attack_before_any_cell.py": st.builds(channel_attack, st.just("first_cell"), payloads, st.just(1)),
    "attack_in_a_function.py": st.builds(channel_attack, st.just("function"), payloads, st.just(1)),
    "attack_in_a_repeat.py": st.builds(channel_attack, st.just("repeat"), payloads, st.integers(1, 30)),
    "attack_in_a_callback.py": st.builds(channel_attack, st.just("callback"), payloads, st.integers(1, 3)),
    "attack_after_returning.py": st.builds(channel_attack, st.just("after_return"), payloads, st.just(1)),
    "attack_anywhere.py": channel_attacks,
    "frame_trickled.py": trickled,
    "size_beyond_the_cap.py": st.builds(channel_attack, st.sampled_from(["cell", "function"]), beyond_the_cap,
                                        st.just(1)),
    "arbitrary_bytes": st.tuples(st.binary(min_size=1, max_size=400), st.sampled_from([".py", ".ipynb", ".zip"])),
    "hostile_zip.zip": zips,
    "pathological_script.py": scripts,
    "odd_notebook.ipynb": notebooks,
})


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """The neighbours graded alone, by student key."""
    subs = tmp_path_factory.mktemp("fuzz-alone")
    for name, content in NEIGHBOURS.items():
        (subs / name).write_bytes(content)
    report = grade_batch(CONFIG, ASSIGNMENT, [subs], tmp_path_factory.mktemp("fuzz-alone-out"), workers=2,
                         limits=LIMITS)
    assert not report.lost
    return {r.submission: r for r in report.results}


def comparable(result) -> tuple:
    """What a neighbour's result must keep: every test's outcome, points and message, and the notebook's."""
    return (result.error, result.messages, [(t.test_id, t.passed, t.score, t.max_score, t.failure, t.output)
                                            for t in result.tests])


def write_batch(subs: Path, files: dict) -> list[str]:
    """The batch's files; their student keys."""
    for name, content in NEIGHBOURS.items():
        (subs / name).write_bytes(content)
    for name, content in files.items():
        if isinstance(content, tuple):
            content, suffix = content
            name += suffix
        (subs / name).write_bytes(content)
    return sorted(p.stem for p in subs.iterdir())


@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
          suppress_health_check=list(HealthCheck))
@given(files=batches)
def test_hostile_children_and_files_touch_nobody_else(alone, tmp_path_factory, files):
    subs = tmp_path_factory.mktemp("fuzz")
    keys = write_batch(subs, files)
    out = tmp_path_factory.mktemp("fuzz-out")
    tag = str(tmp_path_factory.mktemp("fuzz-tmp"))
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", tag)
        report = grade_batch(CONFIG, ASSIGNMENT, [subs], out, workers=2, limits=LIMITS)
    slowest = sorted(report.results, key=lambda r: -r.wall_seconds)[:4]
    print(f"fuzz batch of {len(keys)}: {time.monotonic() - start:.1f} s; lost to the grader: {report.lost}; slowest: "
          + ", ".join(f"{r.submission} {r.wall_seconds:.1f} s" for r in slowest))
    results = {r.submission: r for r in report.results}

    assert sorted(results) == keys
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert sorted(row["submission"] for row in rows) == keys
    for key in keys:
        data = json.loads((out / key / "results.json").read_text())
        assert math.isfinite(data["score"]) and 0 <= data["score"] <= results[key].max_total
        assert all(math.isfinite(t.get("score", 0)) for t in data["tests"])

    for key, result in alone.items():
        assert comparable(results[key]) == comparable(result), f"{key} differs from its result alone"

    with Gradebook(out / "gradebook.sqlite") as book:
        graded = {g.student.key: g.result for g in latest(book, ASSIGNMENT)}
        missing = ungraded(book, ASSIGNMENT)
    assert sorted([*graded, *missing]) == keys and set(missing) == set(report.lost)
    for key, stored in graded.items():
        assert stored.total == results[key].total and len(stored.tests) == len(results[key].tests)

    for fmt in EXPORTS:
        code = cli_main(["--config", str(CONFIG), "export", fmt, "-a", ASSIGNMENT, "--out-dir", str(out)])
        assert code == 0, f"export {fmt} failed"
    assert (out / "report.html").stat().st_size > 0

    deadline = time.monotonic() + 10
    while _stray_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _stray_processes(tag) == []
