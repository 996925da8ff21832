"""Grade a batch: find the submissions, fan them out to worker processes, write every result.

Each worker owns a sandbox host and one pytest session and takes submissions from a shared
queue. Results come back to this process, which writes ``<out>/<key>/results.json`` as each one
arrives and ``<out>/grades.csv`` at the end. A worker that dies loses only the submissions it
held: they get a row with zeros and a message, and the batch goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import traceback
from pathlib import Path
from typing import Callable, Iterator

from autograder.config import AssignmentPaths, Config, Limits, assignment, find_config, limits_for, load_config
from autograder.exports.grades_csv import write_grades_csv
from autograder.sandbox.session import SandboxHost, SandboxSettings
from autograder.scoring.gradescope import gradescope_results, write_json_atomic
from autograder.scoring.results import SubmissionResult, TestOutcome, score
from autograder.submission.discover import Job, find_submissions, make_jobs

def sandbox_settings(config: Config, root: Path, limits: Limits, out_dir: Path | None) -> SandboxSettings:
    hidden = [root / "solutions", root / "tests", root / "examples", root / "grading_config.yaml"]
    if out_dir is not None:
        hidden.append(out_dir)
    return SandboxSettings(
        isolate=config.isolate, warm_imports=tuple(config.warm_imports),
        hidden_paths=tuple(str(h) for h in hidden if h.exists()),
        memory_bytes=limits.memory_mb * 1024**2, cpu_seconds=limits.cpu_seconds,
        file_bytes=limits.file_mb * 1024**2, processes=limits.processes, tmp_bytes=limits.tmp_mb * 1024**2)


def _worker(slot: int, config_path: str, name: str, limits: Limits | None, out_dir: str | None,
            jobs: "mp.Queue[Job | None]", results: "mp.Queue[tuple]") -> None:
    from autograder.testing.runner import AuthorError, run_batch

    try:
        config, root = load_config(Path(config_path))
        paths = AssignmentPaths(name=name, root=root)
        limits = limits or limits_for(config, name)
        settings = sandbox_settings(config, root, limits, Path(out_dir) if out_dir else None)

        def take() -> Iterator[Job]:
            while True:
                job = jobs.get()
                if job is None:
                    return
                results.put(("started", slot, job.key))
                yield job

        with SandboxHost(settings, slot=slot) as host:
            run_batch(paths, assignment(config, name), limits, host, take(),
                      lambda r: results.put(("result", slot, r.to_dict())))
    except AuthorError as exc:
        results.put(("author_error", slot, str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which keeps the batch going
        results.put(("worker_error", slot, traceback.format_exc()))
    finally:
        results.put(("done", slot, None))


def unrunnable(job: Job, name: str, config: Config, reason: str) -> SubmissionResult:
    """A zero row for a submission the grader itself could not finish (one failed entry per question)."""
    spec = assignment(config, name)
    result = SubmissionResult(submission=job.key, path=str(job.path), assignment=name, error=reason)
    outcomes = [TestOutcome(f"{q}::not-graded", f"{q}: not graded", q, 1.0, "visible", True, False,
                            f"not run: {reason}") for q in spec.questions]
    result.tests, result.questions = score(outcomes, spec)
    return result


def grade(config_path: Path | None, name: str, submissions: list[Path], out_dir: Path, workers: int = 1,
          on_event: Callable[[str, object], None] | None = None, limits: Limits | None = None
          ) -> list[SubmissionResult]:
    """Grade every submission; writes results.json per submission as it finishes. Returns all results.

    ``limits`` replaces the configured limits for this batch (tests use short timeouts).
    """
    from autograder.testing.runner import AuthorError

    config_path = config_path or find_config()
    config, _ = load_config(config_path)
    spec = assignment(config, name)
    jobs = make_jobs(find_submissions(submissions))
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("spawn")
    job_queue: mp.Queue = ctx.Queue()
    events: mp.Queue = ctx.Queue()
    workers = max(1, min(workers, len(jobs) or 1))
    for job in [*jobs, *[None] * workers]:
        job_queue.put(job)
    procs = {slot: ctx.Process(target=_worker, daemon=True,
                               args=(slot, str(config_path), name, limits, str(out_dir), job_queue, events))
             for slot in range(workers)}
    for p in procs.values():
        p.start()
    by_key = {job.key: job for job in jobs}
    held: dict[int, str] = {}
    results: dict[str, SubmissionResult] = {}
    author_error: str | None = None

    def lose(slot: int, reason: str) -> None:
        key = held.pop(slot, None)
        if key is not None and key not in results:
            results[key] = _record(out_dir, unrunnable(by_key[key], name, config, reason), on_event)

    running = set(procs)
    while running:
        try:
            kind, slot, payload = events.get(timeout=1.0)
        except queue.Empty:
            for slot in [s for s in running if not procs[s].is_alive()]:
                running.discard(slot)
                lose(slot, "the grader stopped while grading this submission")
            continue
        if kind == "started":
            held[slot] = payload
        elif kind == "result":
            result = SubmissionResult.from_dict(payload)
            if held.get(slot) == result.submission:
                del held[slot]
            results[result.submission] = _record(out_dir, result, on_event)
        elif kind == "author_error":
            author_error = payload
        elif kind == "worker_error":
            if on_event:
                on_event("worker_error", payload)
            lose(slot, "the grader failed on this submission")
        elif kind == "done":
            running.discard(slot)
    for p in procs.values():
        p.join(timeout=10)
    if author_error:
        raise AuthorError(author_error)
    for job in jobs:
        if job.key not in results:
            results[job.key] = _record(out_dir, unrunnable(job, name, config, "the grader could not grade it"),
                                       on_event)
    ordered = [results[j.key] for j in jobs]
    write_grades_csv(out_dir / "grades.csv", list(spec.questions), ordered)
    return ordered


def _record(out_dir: Path, result: SubmissionResult, on_event: Callable | None) -> SubmissionResult:
    write_json_atomic(out_dir / result.submission / "results.json", gradescope_results(result))
    if on_event:
        on_event("result", result)
    return result
