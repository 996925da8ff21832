"""Grade a batch: find the submissions, fan them out to worker processes, write every result.

Each worker owns a sandbox host and one pytest session and takes submissions from a shared
queue. Results come back to this process (``autograder.batch`` stores and writes them). A worker
that dies loses only the submissions it held: they get a row with zeros and a message, and the
batch goes on. Workers die with this process, even when it is killed with SIGKILL.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import socket
import traceback
from pathlib import Path
from typing import Callable, Iterator, Sequence

from autograder.config import AssignmentPaths, Config, Limits, assignment, find_config, limits_for, load_config
from autograder.sandbox.hosts import ForkServer, HostProcess, open_sandbox
from autograder.sandbox.settings import SandboxSettings
from autograder.scoring.results import SubmissionResult, TestOutcome, score
from autograder.submission.discover import Job


def sandbox_settings(config: Config, root: Path, limits: Limits, extra_hidden: Sequence[Path] = (),
                     seed: int | None = None, extra_imports: Sequence[str] = ()) -> SandboxSettings:
    """Sandbox settings for a batch; ``extra_hidden`` adds paths (output directory, gradebook) to hide,
    ``seed`` seeds the host and its children (``autograder audit``), ``extra_imports`` are warmed too."""
    hidden = [root / "solutions", root / "tests", root / "examples", root / "grading_config.yaml", *extra_hidden]
    return SandboxSettings(
        isolate=config.isolate, fork_server=config.fork_server, warm_imports=tuple(dict.fromkeys([*config.warm_imports, *extra_imports])),
        hidden_paths=tuple(str(h) for h in hidden if h.exists()),
        memory_bytes=limits.memory_mb * 1024**2, cpu_seconds=limits.cpu_seconds,
        file_bytes=limits.file_mb * 1024**2, processes=limits.processes, tmp_bytes=limits.tmp_mb * 1024**2,
        seed=seed)


def _worker(slot: int, config_path: str, name: str, settings: SandboxSettings, limits: Limits,
            jobs: "mp.Queue[Job | None]", results: "mp.Queue[tuple]", control: socket.socket | None,
            host_log: str) -> None:
    from autograder.testing.otter_tests import import_test_case_only
    from autograder.testing.runner import AuthorError, run_batch

    if not _tied_to_parent():
        return
    try:
        import_test_case_only()
        config, root = load_config(Path(config_path))
        paths = AssignmentPaths(name=name, root=root)

        def take() -> Iterator[Job]:
            while True:
                job = jobs.get()
                if job is None:
                    return
                results.put(("started", slot, job.key))
                yield job

        host = open_sandbox(settings, slot=slot) if control is None else ForkServer(settings, slot, control, host_log)
        with host:
            run_batch(paths, assignment(config, name), limits, host, take(),
                      lambda r: results.put(("result", slot, r.to_dict())))
    except AuthorError as exc:
        results.put(("author_error", slot, str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which keeps the batch going
        results.put(("worker_error", slot, traceback.format_exc()))
    finally:
        results.put(("done", slot, None))
        results.close()
        results.join_thread()
        os._exit(0)  # everything is sent: skip the interpreter's slow teardown of pytest, numpy and the rest


def _tied_to_parent() -> bool:
    """Ask the kernel to kill this worker (and so its sandbox host) when the grader dies, even by SIGKILL."""
    from autograder.sandbox import isolate

    parent = mp.parent_process()
    try:
        isolate.die_with_parent()
    except Exception:  # noqa: BLE001 - not Linux: the worker still stops when its job queue closes
        return True
    return parent is None or os.getppid() == parent.pid


def unrunnable(job: Job, name: str, config: Config, reason: str) -> SubmissionResult:
    """A zero row for a submission the grader itself could not finish (one failed entry per question)."""
    spec = assignment(config, name)
    result = SubmissionResult(submission=job.key, path=str(job.path), assignment=name, error=reason)
    outcomes = [TestOutcome(f"{q}::not-graded", f"{q}: not graded", q, 1.0, "visible", True, False,
                            f"not run: {reason}") for q in spec.questions]
    result.tests, result.questions = score(outcomes, spec)
    return result


class GradingPool:
    """Worker processes grading submissions of one assignment; results arrive as they finish.

    The pool starts one warm sandbox host first, then its workers, which collect the hidden tests
    while the host imports the heavy libraries; each worker owns a control socket to that host and
    one pytest session for its whole life. A pool pays the start-up cost once however many
    submissions it grades (one batch, or one at a time). Without a fork server (``fork_server:
    false``) each worker starts a fresh host per child instead.
    """

    def __init__(self, config_path: Path | None, name: str, workers: int = 1, hidden: Sequence[Path] = (),
                 limits: Limits | None = None, seed: int | None = None) -> None:
        self.config_path = config_path or find_config()
        self.config, root = load_config(self.config_path)
        self.name = name
        self.spec = assignment(self.config, name)
        limits = limits or limits_for(self.config, name)
        settings = sandbox_settings(self.config, root, limits, hidden, seed, self.spec.warm_imports)
        slots = range(max(1, workers))
        self._host = HostProcess(settings, len(slots)) if settings.fork_server else None
        ctx = mp.get_context("spawn")
        self._jobs: mp.Queue = ctx.Queue()
        self._events: mp.Queue = ctx.Queue()
        self._procs = {slot: ctx.Process(target=_worker, daemon=True, args=(
            slot, str(self.config_path), name, settings, limits, self._jobs, self._events,
            self._host.controls[slot] if self._host else None, self._host.log_path if self._host else ""))
            for slot in slots}
        try:
            for p in self._procs.values():
                p.start()
        except BaseException:
            for p in self._procs.values():
                if p.pid is not None:
                    p.kill()
            if self._host:
                self._host.close()
            raise
        if self._host:
            for control in self._host.controls:  # each worker holds its own copy now
                control.close()
        self._running = set(self._procs)
        self._held: dict[int, Job] = {}
        self._pending: dict[str, Job] = {}
        self.author_error: str | None = None
        self.worker_errors: list[str] = []
        self.lost: set[str] = set()  # keys of jobs the grader itself failed on (zero rows, not the student's fault)

    def submit(self, jobs: list[Job]) -> None:
        for job in jobs:
            self._pending[job.key] = job
            self._jobs.put(job)

    def results(self) -> Iterator[SubmissionResult]:
        """Yield a result for every submitted job (a zero row for any a dead worker lost)."""
        while self._pending:
            if not self._running or self.author_error:
                for job in list(self._pending.values()):
                    yield self._lost(job, "the grader could not grade it")
                return
            try:
                kind, slot, payload = self._events.get(timeout=1.0)
            except queue.Empty:
                for slot in [s for s in self._running if not self._procs[s].is_alive()]:
                    self._running.discard(slot)
                    job = self._held.pop(slot, None)
                    if job is not None and job.key in self._pending:
                        yield self._lost(job, "the grader stopped while grading this submission")
                continue
            if kind == "started":
                self._held[slot] = self._pending.get(payload) or Job(Path(payload), payload)
            elif kind == "result":
                result = SubmissionResult.from_dict(payload)
                if self._pending.pop(result.submission, None) is not None:
                    yield result
            elif kind == "author_error":
                self.author_error = payload
            elif kind == "worker_error":
                self.worker_errors.append(payload)
                job = self._held.pop(slot, None)
                if job is not None and job.key in self._pending:
                    yield self._lost(job, "the grader failed on this submission")
            elif kind == "done":
                self._running.discard(slot)

    def grade_one(self, job: Job) -> SubmissionResult:
        self.submit([job])
        return next(self.results())

    def _lost(self, job: Job, reason: str) -> SubmissionResult:
        self._pending.pop(job.key, None)
        self.lost.add(job.key)
        return unrunnable(job, self.name, self.config, reason)

    def close(self) -> None:
        for _ in self._procs:
            self._jobs.put(None)
        for p in self._procs.values():
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
        if self._host:
            self._host.close()

    def __enter__(self) -> "GradingPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def grade(config_path: Path | None, name: str, submissions: list[Path], out_dir: Path, workers: int = 1,
          on_event: Callable[[str, object], None] | None = None, limits: Limits | None = None,
          gradebook: Path | None = None, regrade: bool = False) -> list[SubmissionResult]:
    """Grade every submission (files, directories, zips, LMS downloads); returns one result per student.

    Writes ``<out>/<key>/results.json`` as each result arrives, ``<out>/grades.csv`` at the end, and
    keeps every result in the gradebook (``<out>/gradebook.sqlite`` unless ``gradebook`` is given),
    from which unchanged submissions are reused. ``limits`` replaces the configured limits for this
    batch (tests use short timeouts). See ``autograder.batch.grade_batch`` for the full report.
    """
    from autograder.batch import grade_batch

    return grade_batch(config_path, name, submissions, out_dir, workers=workers, on_event=on_event, limits=limits,
                       gradebook=gradebook, regrade=regrade).results
