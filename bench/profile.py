"""Per-phase timings of one grading worker: ``python -m bench.profile ASSIGNMENT NOTEBOOK...`` (JSON out).

Runs what a ``GradingPool`` worker runs (a warm sandbox host, one pytest session, ``run_batch``) in
this process, with timers wrapped around the sandbox's spawn, cell run and call methods. Nothing
is changed but the timers; the figures say where a submission's wall time goes.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

T0 = time.monotonic()
from autograder.config import limits_for, load_config  # noqa: E402
from autograder.grading.pool import grader_imports, sandbox_settings, setups_for  # noqa: E402
from autograder.sandbox import run as sandbox_run  # noqa: E402
from autograder.sandbox.hosts import ForkServer, open_sandbox  # noqa: E402
from autograder.submission.discover import Job  # noqa: E402
from autograder.submission.imports import heavy_imports  # noqa: E402
from autograder.testing.runner import run_batch  # noqa: E402

IMPORTS = time.monotonic() - T0


class Timers:
    """Accumulates the time of the wrapped methods for the submission being graded."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # n, wall, child-measured
        self.spawn = 0.0
        self.start = 0.0
        self.cells = 0.0

    def install(self) -> None:
        call, start, spawn = sandbox_run.SubmissionRun.call, sandbox_run.SubmissionRun.start, ForkServer.spawn
        timers = self

        def timed_call(run: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            t = time.monotonic()
            outcome = call(run, name, *args, **kwargs)
            c = timers.calls[name]
            c[0], c[1], c[2] = c[0] + 1, c[1] + time.monotonic() - t, c[2] + outcome.elapsed
            return outcome

        def timed_start(run: Any) -> Any:
            t = time.monotonic()
            notebook = start(run)
            timers.start += time.monotonic() - t
            timers.cells += notebook.elapsed
            return notebook

        def timed_spawn(host: Any, *args: Any, **kwargs: Any) -> Any:
            t = time.monotonic()
            child = spawn(host, *args, **kwargs)
            timers.spawn += time.monotonic() - t
            return child

        sandbox_run.SubmissionRun.call = timed_call  # type: ignore[method-assign]
        sandbox_run.SubmissionRun.start = timed_start  # type: ignore[method-assign]
        ForkServer.spawn = timed_spawn  # type: ignore[method-assign]

    def take(self) -> dict:
        out = {"spawn": self.spawn, "start_and_cells": self.start, "cells": self.cells,
               "calls": {k: {"n": v[0], "wall": v[1], "child": v[2]} for k, v in self.calls.items()}}
        self.__init__()  # type: ignore[misc]
        return out


def profile(root: Path, name: str, notebooks: list[Path]) -> dict:
    config, root = load_config(root / "grading_config.yaml")
    limits = limits_for(config, name)
    setups = setups_for(config, root, [name], None)
    grader_imports(setups[name].spec.test_imports)
    timers = Timers()
    timers.install()
    found: dict[str, Any] = {"imports": IMPORTS, "submissions": []}
    t = time.monotonic()
    warm = [*heavy_imports(notebooks), *setups[name].spec.warm_imports]  # as `autograder grade` warms
    settings = sandbox_settings(config, root, limits, extra_imports=warm)
    with open_sandbox(settings) as host:
        found["host_start"] = time.monotonic() - t
        found["warm_imports"] = host.warm_timings
        t_batch = time.monotonic()

        def jobs() -> Iterator[Job]:
            found["collect"] = time.monotonic() - t_batch
            for nb in notebooks:
                yield Job(nb.resolve(), nb.stem, assignment=name)

        def on_result(r: Any) -> None:
            found["submissions"].append({"key": r.submission, "wall": r.wall_seconds, "student": r.student_seconds,
                                         "tests": r.test_seconds, **timers.take()})

        run_batch(setups, host, jobs(), on_result)
    return found


def summary(found: dict, describe: Callable[[str], str] = str) -> list[str]:
    """Report lines for ``profile``'s result."""
    warm = ", ".join(f"{k} {v:.1f} s" for k, v in found.get("warm_imports", {}).items())
    out = [f"  one worker's start-up: grader imports {found['imports']:.1f} s, sandbox host "
           f"{found['host_start']:.1f} s (warm imports: {warm}), pytest collection "
           f"{found.get('collect', float('nan')):.1f} s"]
    for s in found["submissions"]:
        calls = s["calls"]
        n = sum(c["n"] for c in calls.values())
        wall = sum(c["wall"] for c in calls.values())
        child = sum(c["child"] for c in calls.values())
        over = s["wall"] - s["student"] - s["tests"]
        out.append(f"  {describe(s['key'])}: wall {s['wall']:.2f} s = student {s['student']:.2f} + tests "
                   f"{s['tests']:.2f} + overhead {over:.3f}; fork+spawn {s['spawn']:.3f} s, cells {s['cells']:.2f} s, "
                   f"{n} calls {wall:.2f} s of which in the student's code {child:.2f} s "
                   f"(round trips {wall - child:.3f} s, {1000 * (wall - child) / max(n, 1):.2f} ms per call)")
    return out


if __name__ == "__main__":
    print(json.dumps(profile(Path(__file__).resolve().parents[1], sys.argv[1], [Path(p) for p in sys.argv[2:]])))
