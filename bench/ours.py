"""Run ``autograder grade`` (the CLI) on a directory of notebooks and read the timings back."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.procmem import TreeSampler


@dataclass(frozen=True)
class Graded:
    """One submission's results.json: score and the grader's own time split."""

    key: str
    score: float
    wall: float
    student: float
    tests: float
    timed_out: bool
    hidden: dict[str, bool]  # hidden-test verdicts by test id (file::name[param])

    @property
    def overhead(self) -> float:
        return self.wall - self.student - self.tests


@dataclass
class GradeRun:
    """One ``autograder grade`` invocation."""

    assignment: str
    command: list[str]
    wall: float
    returncode: int
    workers: int
    graded: list[Graded] = field(default_factory=list)
    printed: list[tuple[float, str]] = field(default_factory=list)  # (seconds after start, key) per result line
    peak_pss_mib: float = 0.0
    peak_rss_mib: float = 0.0
    peak_processes: int = 0
    output_tail: str = ""
    partly_regraded: int = 0  # results printed with "graded again: <questions>; the rest reused"

    @property
    def startup(self) -> float:
        """Seconds before the first submission started grading: worker processes, sandbox host
        (warm imports of numpy, TensorFlow, Keras, torch), pytest collection."""
        walls = {g.key: g.wall for g in self.graded}
        starts = [t - walls[k] for t, k in self.printed if k in walls]
        return max(0.0, min(starts)) if starts else float("nan")

    @property
    def last_result(self) -> float:
        return max((t for t, _ in self.printed), default=float("nan"))


def _read_lines(stream: IO[str], t0: float, printed: list[tuple[float, str]], lines: list[str]) -> None:
    """Keep the output; time-stamp each result line (``  <key>: <score>/<max>``)."""
    for line in iter(stream.readline, ""):
        lines.append(line.rstrip("\n"))
        if line.startswith("  ") and ": " in line:
            printed.append((time.monotonic() - t0, line.strip().split(": ", 1)[0]))


def grade(cli: Path, name: str, submissions: Path, out: Path, workers: int, root: Path,
          extra: Sequence[str] = (), fresh: bool = True) -> GradeRun:
    """Grade into ``out`` and its gradebook (emptied first when ``fresh``; kept for a regrade); sample the
    process tree's memory meanwhile. ``extra``: more arguments (more ``--assignment``s, ``--config``,
    ``--cluster``)."""
    if fresh and out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(cli), "grade", str(submissions), "--assignment", name, "--out", str(out),
           "--gradebook", str(out / "gradebook.sqlite"), "--workers", str(workers), "--no-progress", *extra]
    lines: list[str] = []
    printed: list[tuple[float, str]] = []
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = TreeSampler(lambda: [proc.pid]).start()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, t0, printed, lines), daemon=True)
    reader.start()
    rc = proc.wait()
    wall = time.monotonic() - t0
    reader.join()
    sampler.stop()
    run = GradeRun(name, cmd, wall, rc, workers, printed=printed, peak_pss_mib=sampler.peak_pss_mib,
                   peak_rss_mib=sampler.peak_rss_mib, peak_processes=sampler.peak_processes,
                   output_tail="\n".join(lines[-5:]), partly_regraded=sum("graded again:" in x for x in lines))
    run.graded = read_results(out)
    return run


def read_results(out: Path) -> list[Graded]:
    graded = []
    for path in sorted(out.glob("*/results.json")):
        data = json.loads(path.read_text())
        sec = data["extra_data"]["seconds"]
        timed = any(t.get("status") == "failed" and (t.get("extra_data") or {}).get("failure") == "timeout"
                    for t in data.get("tests", []))
        hidden = {t["extra_data"]["test_id"].removeprefix("hidden/"): t.get("status") == "passed"
                  for t in data.get("tests", []) if t.get("extra_data", {}).get("test_id", "").startswith("hidden/")}
        graded.append(Graded(path.parent.name, float(data["score"]), sec["wall"], sec["student"], sec["tests"],
                             timed, hidden))
    return graded
