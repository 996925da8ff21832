"""The grading pool: worker processes that grade submissions in the sandbox and send back results.

Each worker holds a control socket of the pool's one sandbox host and one pytest session, and takes
submissions from a shared queue; it scores each run and sends the result back to this process
(``autograder.grading.batch`` stores and writes them). A worker that dies loses only the submission
it held: it gets a row with zeros and a message, and the batch goes on. Workers die with this
process, even when it is killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing as mp
import os
import queue
import socket
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from autograder.config import (
    Assignment,
    AssignmentPaths,
    Config,
    Limits,
    assignment,
    find_config,
    limits_for,
    load_config,
)
from autograder.sandbox.hosts import ForkServer, HostProcess, open_sandbox
from autograder.sandbox.settings import SandboxSettings
from autograder.scoring.results import SubmissionResult, score, score_tests
from autograder.submission.discover import Job
from autograder.testing.outcome import GradedRun, TestOutcome
from autograder.testing.setup import AuthorError, Setup


def sandbox_settings(config: Config, root: Path, limits: Limits, extra_hidden: Sequence[Path] = (),
                     seed: int | None = None, extra_imports: Sequence[str] = ()) -> SandboxSettings:
    """Sandbox settings for a batch; ``extra_hidden`` adds paths (output directory, gradebook) to hide,
    ``seed`` seeds the host and its children (``autograder audit``), ``extra_imports`` are warmed too."""
    hidden = [root / "solutions", root / "tests", root / "examples", root / "grading_config.yaml", *extra_hidden]
    return SandboxSettings(
        isolate=config.isolate, fork_server=config.fork_server,
        warm_imports=tuple(dict.fromkeys(["numpy", *extra_imports])),
        hidden_paths=tuple(str(h) for h in hidden if h.exists()),
        memory_bytes=limits.memory_mb * 1024**2, cpu_seconds=limits.cpu_seconds,
        file_bytes=limits.file_mb * 1024**2, processes=limits.processes, tmp_bytes=limits.tmp_mb * 1024**2,
        max_message_bytes=limits.result_mb * 1024**2,
        seed=seed)


def start_host(config: Config, root: Path, hidden: Sequence[Path], workers: int) -> HostProcess | None:
    """The sandbox host of a ``GradingPool`` of up to ``workers`` workers, started before the run knows what
    its submissions import (the pool sends the list): it starts while the run plans. None without a fork
    server. ``hidden`` as the pool's: paths that exist now."""
    settings = sandbox_settings(config, root, config.limits, hidden)
    return HostProcess(settings, max(1, workers), warm_later=True) if settings.fork_server else None


def setups_for(config: Config, root: Path, names: Sequence[str], limits: Limits | None) -> dict[str, Setup]:
    """What a worker grades: each assignment's paths, config section and limits (``limits`` overrides all)."""
    return {name: Setup(AssignmentPaths(name=name, root=root), assignment(config, name),
                        limits or limits_for(config, name)) for name in names}


def partial_spec(spec: Assignment, questions: frozenset[str] | None) -> Assignment:
    """The config section reduced to the questions a job grades (all of them when ``questions`` is None)."""
    if questions is None:
        return spec
    return spec.model_copy(update={"questions": {q: p for q, p in spec.questions.items() if q in questions}})


def _worker(slot: int, config_path: str, names: list[str], settings: SandboxSettings, limits: Limits | None,
            jobs: mp.Queue[Job | None], results: mp.Queue[tuple], control: socket.socket | None,
            host_log: str) -> None:
    from autograder.testing.otter_tests import import_test_case_only
    from autograder.testing.runner import run_batch

    if not _tied_to_parent():
        return
    gc.disable()  # until the tests are collected (``autograder.testing.runner`` turns it on again)
    try:
        import_test_case_only()
        config, root = load_config(Path(config_path))
        setups = setups_for(config, root, names, limits)
        grader_imports([lib for s in setups.values() for lib in s.spec.test_imports])

        def take() -> Iterator[Job]:
            while True:
                job = jobs.get()
                if job is None:
                    return
                results.put(("started", slot, (job.assignment, job.key)))
                yield job

        def send(run: GradedRun) -> None:
            try:
                spec = partial_spec(setups[run.assignment].spec, run.questions)
                results.put(("result", slot, score(run, spec).to_dict()))
            except Exception:  # noqa: BLE001 - a result that cannot be scored or sent is lost, not the worker
                results.put(("lost", slot, ((run.assignment, run.submission), traceback.format_exc())))

        host = open_sandbox(settings, slot=slot) if control is None else ForkServer(settings, slot, control, host_log)
        with host:
            run_batch(setups, host, take(), send)
    except AuthorError as exc:
        results.put(("author_error", slot, str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which keeps the batch going
        results.put(("worker_error", slot, traceback.format_exc()))
    finally:
        results.put(("done", slot, None))
        results.close()
        results.join_thread()
        os._exit(0)  # everything is sent: skip the interpreter's slow teardown of pytest, numpy and the rest


@contextlib.contextmanager
def _hash_seed(seed: int | None) -> Iterator[None]:
    """``PYTHONHASHSEED`` while the workers are spawned (they inherit it), when the pool has a seed."""
    if seed is None:
        yield
        return
    old = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        yield
    finally:
        if old is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = old


def grader_imports(libraries: Sequence[str]) -> None:
    """Import here, before the first job, what the assignments' tests build their reference models with
    (Keras, PyTorch, transformers): the cost belongs to start-up, not to the first submission's tests."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    for name in dict.fromkeys(libraries):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a test that needs it will say so
            continue


def _tied_to_parent() -> bool:
    """Ask the kernel to kill this worker (and so its sandbox host) when the grader dies, even by SIGKILL."""
    from autograder.sandbox import isolate

    parent = mp.parent_process()
    try:
        isolate.die_with_parent()
    except Exception:  # noqa: BLE001 - not Linux: the worker still stops when its job queue closes
        return True
    return parent is None or os.getppid() == parent.pid


def unrunnable(job: Job, name: str, config: Config, reason: str, lost: bool = True) -> SubmissionResult:
    """A zero row for a submission that could not be graded (one failed entry per question); ``lost``
    when it is the grader's failure rather than the submission's."""
    spec = partial_spec(assignment(config, name), job.questions)
    outcomes = [TestOutcome(f"{q}::not-graded", f"{q}: not graded", q, 1.0, "visible", True, False,
                            f"not run: {reason}", 0.0, "grader" if lost else "not_run") for q in spec.questions]
    tests, questions = score_tests(outcomes, spec)
    return SubmissionResult(submission=job.key, path=str(job.path), assignment=name, tests=tests,
                            questions=questions, error=reason, lost=lost)


class GradingPool:
    """Worker processes grading submissions of one or more assignments; results arrive as they finish.

    The pool starts one warm sandbox host first, and its workers at the first ``submit``; they collect
    the tests of every assignment while the host imports the heavy libraries; each worker owns a control
    socket to that host and one pytest session for its whole life. A pool pays the start-up cost once however many
    submissions and assignments it grades. ``imports``: the libraries the submissions import (the host
    warms those, numpy and what the assignments' tests need; anything else a notebook imports in its
    own child). ``host``: one from ``start_host``, already starting; the pool tells it what to import and
    closes it. Without a fork server (``fork_server: false``) each worker starts a fresh host per
    child instead.
    """

    def __init__(self, config_path: Path | None, names: str | Sequence[str], workers: int = 1,
                 hidden: Sequence[Path] = (), limits: Limits | None = None, seed: int | None = None,
                 imports: Sequence[str] | None = None, host: HostProcess | None = None) -> None:
        if host is not None and seed is not None:
            raise ValueError("a host from start_host is not seeded: a seeded pool starts its own")
        self.config_path = config_path or find_config()
        self.config, root = load_config(self.config_path)
        self.names = [names] if isinstance(names, str) else list(names)
        self.name = self.names[0]
        self.spec = assignment(self.config, self.name)
        specs = [assignment(self.config, n) for n in self.names]
        warm = [*(self.config.warm_imports if imports is None else imports),
                *(i for s in specs for i in s.warm_imports)]
        settings = sandbox_settings(self.config, root, limits or limits_for(self.config, self.name), hidden, seed,
                                    warm)
        slots = range(max(1, workers))
        if host is not None:
            host.warm(settings.warm_imports)
            self._host: HostProcess | None = host
        else:
            self._host = HostProcess(settings, len(slots)) if settings.fork_server else None
        ctx = mp.get_context("spawn")
        self._jobs: mp.Queue = ctx.Queue()
        self._events: mp.Queue = ctx.Queue()
        self.seed = seed
        self._procs = {slot: ctx.Process(target=_worker, daemon=True, args=(
            slot, str(self.config_path), self.names, settings, limits, self._jobs, self._events,
            self._host.controls[slot] if self._host else None, self._host.log_path if self._host else ""))
            for slot in slots}
        self._running: set[int] = set()
        self._held: dict[int, Job] = {}
        self._pending: dict[tuple[str, str], Job] = {}  # (assignment, key): several assignments share keys
        self.author_error: str | None = None
        self.worker_errors: list[str] = []

    def start(self) -> GradingPool:
        """Start the workers, unless they are started (``submit`` does it: what a caller does between
        making the pool and its first ``submit`` shares the machine with the host's imports only)."""
        if self._started:
            return self
        try:
            with _hash_seed(self.seed):
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
        return self

    @property
    def _started(self) -> bool:
        return any(p.pid is not None for p in self._procs.values())

    @property
    def alive(self) -> bool:
        """Whether a worker still runs (or the pool is not started yet)."""
        return bool(self._running) or not self._started

    def submit(self, jobs: list[Job]) -> None:
        self.start()
        for job in jobs:
            job = replace(job, assignment=job.assignment or self.name)
            self._pending[self._id(job)] = job
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
                    held = self._held.pop(slot, None)
                    if held is not None and self._id(held) in self._pending:
                        yield self._lost(held, "the grader stopped while grading this submission")
                continue
            if kind == "started":
                name, key = payload
                self._held[slot] = self._pending.get((name, key)) or Job(Path(key), key, assignment=name)
            elif kind == "result":
                result = SubmissionResult.from_dict(payload)
                if self._pending.pop((result.assignment, result.submission), None) is not None:
                    yield result
            elif kind == "lost":
                key, trace = payload
                self.worker_errors.append(trace)
                failed = self._pending.get(tuple(key))
                if failed is not None:
                    yield self._lost(failed, "the grader failed on this submission")
            elif kind == "author_error":
                self.author_error = payload
            elif kind == "worker_error":
                self.worker_errors.append(payload)
                held = self._held.pop(slot, None)
                if held is not None and self._id(held) in self._pending:
                    yield self._lost(held, "the grader failed on this submission")
            elif kind == "done":
                self._running.discard(slot)

    def grade_one(self, job: Job) -> SubmissionResult:
        self.submit([job])
        return next(self.results())

    @staticmethod
    def _id(job: Job) -> tuple[str, str]:
        return job.assignment, job.key

    def _lost(self, job: Job, reason: str) -> SubmissionResult:
        self._pending.pop(self._id(job), None)
        return unrunnable(job, job.assignment or self.name, self.config,
                          f"Your submission could not be graded: {reason}. It will be graded again.")

    def close(self) -> None:
        started = [p for p in self._procs.values() if p.pid is not None]
        for _ in started:
            self._jobs.put(None)
        for p in started:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
        if self._host:
            self._host.close()

    def __enter__(self) -> GradingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
