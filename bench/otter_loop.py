"""Grade notebooks with ``otter run`` in a loop, ``parallel`` at a time, each under a wall-clock limit.

Otter has no timeout of its own, so a submission whose function never returns would hang its
``otter run`` forever: after ``timeout`` seconds its whole process tree (the ``otter run``
process and the kernel it started) is killed by pid and the submission counts as timed out.
Each run gets its own TMPDIR, so what a killed run leaves behind is removed with the work dir.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.otter_zip import otter_env
from bench.procmem import TreeSampler, descendants


@dataclass(frozen=True)
class OtterGraded:
    key: str
    seconds: float
    timed_out: bool
    returncode: int | None
    score: float | None  # Otter's total, None when it produced no results.json
    hidden: dict[str, bool] | None  # hidden-test verdicts by test id (file::name[param]), None if not run
    phases: dict[str, float] | None = None  # seconds: start (CLI, kernel), cells, hidden tests, finish


PHASES = ("start", "cells", "hidden_tests", "finish")


@dataclass
class OtterRun:
    wall: float
    parallel: int
    timeout: float
    graded: list[OtterGraded] = field(default_factory=list)
    peak_pss_mib: float = 0.0
    peak_rss_mib: float = 0.0
    peak_processes: int = 0


class _Running:
    """The pids of the ``otter run`` processes alive now (for the memory sampler)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pids: set[int] = set()

    def add(self, pid: int) -> None:
        with self._lock:
            self.pids.add(pid)

    def discard(self, pid: int) -> None:
        with self._lock:
            self.pids.discard(pid)

    def snapshot(self) -> list[int]:
        with self._lock:
            return list(self.pids)


def _kill_tree(pid: int) -> None:
    """SIGKILL a run we started and everything it started (children first seen, then the root)."""
    for p in reversed(descendants([pid])):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _hidden_verdicts(rows_file: Path) -> dict[str, bool] | None:
    if not rows_file.exists():
        return None
    rows = json.loads(rows_file.read_text())["rows"]
    return {r["nodeid"].split("/", 1)[-1]: bool(r["passed"]) for r in rows}


def _phases(rows_file: Path, launched: float, ended: float) -> dict[str, float] | None:
    """From ``otter run``'s launch to the student's first cell (Otter's CLI, kernel start, Otter's own
    cells), the notebook's cells (with Otter's public checks), the hidden tests, and the rest."""
    if not rows_file.exists():
        return None
    t = json.loads(rows_file.read_text()).get("times") or {}
    if not t.get("cells"):
        return None
    marks = [launched, t["cells"], t["tests_start"], t["tests_end"], ended]
    return {name: marks[i + 1] - marks[i] for i, name in enumerate(PHASES)}


def _score(results: Path) -> float | None:
    if not results.exists():
        return None
    data = json.loads(results.read_text())
    return float(data.get("score", sum(t.get("score", 0) or 0 for t in data.get("tests", []))))


def run_one(otter: Path, zip_path: Path, notebook: Path, work: Path, timeout: float, running: _Running) -> OtterGraded:
    """One ``otter run`` with its own output and temp directories."""
    out = work / notebook.stem
    tmp = out / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env = otter_env()
    env.update(TMPDIR=str(tmp), BENCH_OTTER_ROWS=str(out / "hidden_rows.json"))
    start, launched = time.monotonic(), time.time()
    with open(out / "otter.log", "w") as log:
        proc = subprocess.Popen([str(otter), "run", "-a", str(zip_path), "-o", str(out), str(notebook)],
                                cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        running.add(proc.pid)
        try:
            rc: int | None = proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.wait()
            rc, timed_out = None, True
        finally:
            running.discard(proc.pid)
    seconds = time.monotonic() - start
    rows = out / "hidden_rows.json"
    return OtterGraded(notebook.stem, seconds, timed_out, rc, _score(out / "results.json"), _hidden_verdicts(rows),
                       _phases(rows, launched, time.time()))


def run_all(otter: Path, zip_path: Path, notebooks: list[Path], work: Path, parallel: int = 2,
            timeout: float = 120.0, progress: Callable[[OtterGraded], None] | None = None) -> OtterRun:
    """Every notebook through ``otter run``, ``parallel`` at a time; memory of all runs sampled together."""
    running = _Running()
    sampler = TreeSampler(running.snapshot).start()
    start = time.monotonic()

    def one(nb: Path) -> OtterGraded:
        graded = run_one(otter, zip_path, nb, work, timeout, running)
        if progress is not None:
            progress(graded)
        return graded

    with ThreadPoolExecutor(parallel) as pool:
        graded = list(pool.map(one, notebooks))
    wall = time.monotonic() - start
    sampler.stop()
    return OtterRun(wall, parallel, timeout, graded, sampler.peak_pss_mib, sampler.peak_rss_mib,
                    sampler.peak_processes)
