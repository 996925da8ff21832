"""Grading on a Dask cluster: the local grading pool, run on each Dask worker, fed by the client.

``DaskPool`` stands in for ``GradingPool`` in ``grade_batches``. It registers a ``CoursePlugin`` with
the cluster: every Dask worker (and every worker that joins or is restarted later) receives the
course files the grading needs, once (``course_bundle``: the config, each assignment's public tests,
its reference and hidden tests; no mutants, alternatives or examples), unpacks them into a private
directory and starts one ``GradingPool`` there, in a thread of its own (its processes die with that
thread, so it lives as long as the worker): one warm sandbox host per Dask worker, one grading slot
per worker thread. Each submission is one Dask task carrying the file's bytes and sending back
``SubmissionResult.to_dict()``; the client yields results as they complete, so ``grade_batches``
stores each as it arrives. A task whose worker dies is run again by the scheduler on another worker
(and a task whose worker's grading pool died raises, and is retried); a submission that fails on
every worker gets a zero row and a message, like a lost submission of a local run.

Dask worker processes started by a nanny are daemonic unless ``distributed.worker.daemon`` is false,
and a daemonic process cannot start the pool's processes: ``dask_client`` sets it for a
``LocalCluster``; an external cluster's nannies need ``DASK_DISTRIBUTED__WORKER__DAEMON=False``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import multiprocessing
import platform
import re
import shutil
import tarfile
import threading
import traceback
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future as Waiter
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.config import AssignmentPaths, Limits, find_config, load_config
from autograder.gradebook.fingerprint import autograder_version
from autograder.grading.pool import GradingPool, unrunnable
from autograder.scoring.results import SubmissionResult
from autograder.submission.discover import Job

RETRIES = 2  # a task that raises (its worker's grading pool died) runs up to 3 times
MIN_IN_FLIGHT = 32  # tasks handed to the scheduler at once (at least 4 per worker thread): the rest wait here
MAX_FAILED_STARTS = 3  # a worker whose grading pool dies this often without grading anything stops trying
CONNECT_SECONDS = 30
PROJECT_FILES = ("solutions", "tests", "examples", "grading_config.yaml")  # what sandbox_settings hides
NOT_SHIPPED = {"mutants", "alternatives", "__pycache__"}
# A LocalCluster's Dask config: workers that may start processes; no sampling profiler, and slower health
# and memory checks (Dask's default intervals cost 2 workers and the client 3.7 s of CPU per 30 s idle, these 0.5 s)
LOCAL_CONFIG = {"distributed.worker.daemon": False, "distributed.worker.profile.enabled": False,
                "distributed.admin.tick.interval": "1s", "distributed.admin.system-monitor.interval": "2s",
                "distributed.worker.memory.monitor-interval": "1s"}
DAEMON_HINT = ("this Dask worker is a daemonic process, which may not start the grading pool's processes: start "
               "its nanny with DASK_DISTRIBUTED__WORKER__DAEMON=False (or distributed.worker.daemon: false in "
               "its Dask config), or start the worker with --no-nanny")


class ClusterError(RuntimeError):
    """The cluster cannot grade (no worker can, or none is reachable): a message for the tutor."""


class GraderStopped(RuntimeError):
    """A worker's grading pool stopped while it held the submission: the task is retried elsewhere."""


def course_bundle(config_path: Path, names: Sequence[str]) -> bytes:
    """The files a worker needs to grade ``names``, as a tar.gz (the same bytes for the same files)."""
    root = config_path.resolve().parent
    files = {"grading_config.yaml": config_path}
    for rel in ("conftest.py", "solutions/__init__.py", "solutions/conftest.py", "assignments/conftest.py"):
        if (root / rel).is_file():
            files[rel] = root / rel
    for name in names:
        paths = AssignmentPaths(name=name, root=root)
        for base in (paths.solution_dir, paths.public_tests):
            for path in sorted(base.rglob("*")) if base.is_dir() else []:
                if path.is_file() and not NOT_SHIPPED & set(path.relative_to(base).parts):
                    files[path.relative_to(root).as_posix()] = path
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for rel in sorted(files):
            data = files[rel].read_bytes()
            info = tarfile.TarInfo(rel)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def environment() -> dict[str, str]:
    """What a worker must share with the client for identical results: Python, the autograder's code
    and the versions of its dependencies."""
    found = {"python": ".".join(platform.python_version_tuple()[:2]), "autograder": autograder_version()}
    for requirement in metadata.requires("autograder") or []:
        if "extra ==" not in requirement:
            dist = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
            try:
                found[dist] = metadata.version(dist)
            except metadata.PackageNotFoundError:
                found[dist] = "missing"
    code = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".ini", ".j2") and "__pycache__" not in path.parts:
            code.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    found["autograder code"] = code.hexdigest()[:16]
    return found


def hidden_on_worker(scratch: Path, client_hidden: Sequence[str]) -> list[Path]:
    """What a worker's sandboxes must not see besides its copy of the course (which ``sandbox_settings``
    hides): the worker's private directory, the client's hidden paths (on the same machine they exist)
    and the project the worker's own autograder package was installed from."""
    project = Path(__file__).resolve().parents[2]
    return [scratch, *(Path(p) for p in client_hidden), *(project / f for f in PROJECT_FILES)]


class WorkerGrader:
    """A Dask worker's grading pool: started once in a thread of its own, fed by the worker's tasks.

    Tasks submit to the pool from the worker's threads (``GradingPool.submit`` only adds to a dict and a
    multiprocessing queue, which ``results()`` reads safely beside it); the pool thread reads the results
    and hands each to the tasks waiting for it. A pool that dies is replaced; the submissions it held
    raise ``GraderStopped`` (and are retried by the scheduler)."""

    def __init__(self, course: Path, scratch: Path, names: list[str], limits: Limits | None,
                 imports: list[str] | None, hidden: list[Path], slots: int) -> None:
        self.scratch = scratch
        self.problem = ""
        self._make = partial(GradingPool, course / "grading_config.yaml", names, max(1, slots), hidden, limits,
                             imports=imports)
        self._lock = threading.Lock()
        self._waiting: dict[tuple[str, str], list[Waiter]] = {}
        self._errors: list[str] = []
        self._pool: GradingPool | None = None
        self._ready, self._work, self._stop = threading.Event(), threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._serve, name="autograder-pool", daemon=True)
        self._thread.start()

    def grade(self, fields: dict[str, Any], data: bytes | None) -> dict[str, Any]:
        """Grade one submission (``fields`` of its ``Job``, the file's bytes) and return plain data."""
        folder = self.scratch / "submissions" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        path = folder / fields["file"]
        if data is not None:  # None: the client could not read it either, and the grading says so
            path.write_bytes(data)
        questions = fields["questions"]
        job = Job(path, fields["key"], fields["seed"], fields["assignment"],
                  None if questions is None else frozenset(questions))
        try:
            result = self._submit(job).result()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        with self._lock:
            errors, self._errors = self._errors, []
            author = self._pool.author_error if self._pool else None
        return {"result": result.to_dict(), "worker_errors": errors, "author_error": author}

    def _submit(self, job: Job) -> Waiter:
        waiter: Waiter = Waiter()
        while True:
            self._ready.wait()
            with self._lock:
                if self.problem:
                    raise GraderStopped(self.problem)
                if self._pool is not None:
                    key = (job.assignment, job.key)
                    if key not in self._waiting:  # the same job twice on one worker is graded once
                        self._pool.submit([job])
                    self._waiting.setdefault(key, []).append(waiter)
                    break
        self._work.set()
        return waiter

    def _serve(self) -> None:
        failed_starts = 0
        try:
            while not self._stop.is_set() and failed_starts < MAX_FAILED_STARTS:
                pool = self._make().start()  # in this thread: its processes die with it (PR_SET_PDEATHSIG)
                with self._lock:
                    self._pool = pool
                self._ready.set()
                graded = self._run(pool)
                with self._lock:
                    self._pool = None
                    self._ready.clear()
                    self._errors += pool.worker_errors
                    waiting, self._waiting = self._waiting, {}
                for waiters in waiting.values():
                    for waiter in waiters:
                        waiter.set_exception(GraderStopped("the worker's grading pool stopped"))
                pool.close()
                failed_starts = 0 if graded else failed_starts + 1
            if failed_starts:
                self.problem = f"the grading pool stopped {failed_starts} times without grading anything"
        except Exception:  # noqa: BLE001 - the pool cannot start here: every task on this worker says why
            self.problem = f"the grading pool could not start:\n{traceback.format_exc()}"
        finally:
            with self._lock:
                self.problem = self.problem or "the worker's grader was closed"
                waiting, self._waiting = self._waiting, {}
            self._ready.set()
            for waiters in waiting.values():
                for waiter in waiters:
                    waiter.set_exception(GraderStopped(self.problem))
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _run(self, pool: GradingPool) -> bool:
        """Hand results to their tasks until the pool dies or the grader closes; whether any was graded."""
        graded = False
        while not self._stop.is_set() and (pool.alive or pool.author_error):
            if not self._work.wait(timeout=1.0):
                continue
            self._work.clear()
            for result in pool.results():
                dead = not pool.alive and not pool.author_error
                with self._lock:
                    self._errors += pool.worker_errors
                    pool.worker_errors.clear()
                    waiters = self._waiting.pop((result.assignment, result.submission), [])
                for waiter in waiters:
                    if dead and result.lost:
                        waiter.set_exception(GraderStopped(f"the worker's grading pool stopped: {result.error}"))
                    else:
                        waiter.set_result(result)
                graded |= not result.lost
        return graded

    def close(self, wait: float = 10.0) -> None:
        """Stop grading: the pool thread finishes what the pool holds, closes it and removes the worker's
        copy of the course (waited for ``wait`` seconds at most)."""
        self._stop.set()
        self._work.set()
        self._thread.join(wait)


class CoursePlugin(WorkerPlugin):
    """Ships the course files to each Dask worker and starts its grading pool there, once."""

    def __init__(self, bundle: bytes, names: list[str], limits: Limits | None, imports: list[str] | None,
                 hidden: list[str], expected: dict[str, str]) -> None:
        self.name = f"autograder-{uuid.uuid4().hex[:12]}"
        self.bundle, self.names, self.limits, self.imports, self.hidden = bundle, names, limits, imports, hidden
        self.expected = expected
        self.grader: WorkerGrader | None = None
        self.problem = ""

    def setup(self, worker: Any) -> None:
        self.grader, self.problem = None, ""
        mine = environment()
        differ = [f"{k} {mine.get(k)} (client: {v})" for k, v in self.expected.items() if mine.get(k) != v]
        if differ:
            self.problem = "this worker's installation differs from the client's: " + ", ".join(differ)
        elif multiprocessing.current_process().daemon:
            self.problem = DAEMON_HINT
        if self.problem:
            return
        scratch = Path(worker.local_directory) / self.name
        course = scratch / "course"
        course.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(self.bundle), mode="r:gz") as tar:
            tar.extractall(course, filter="data")
        self.grader = WorkerGrader(course, scratch, self.names, self.limits, self.imports,
                                   hidden_on_worker(scratch, self.hidden), worker.state.nthreads)

    async def teardown(self, worker: Any) -> None:
        if self.grader is not None:  # off the event loop: the pool finishes what it holds, then closes
            await asyncio.to_thread(self.grader.close)


def grade_on_worker(plugin: str, fields: dict[str, Any], data: bytes | None) -> dict[str, Any]:
    """The Dask task: grade one submission with this worker's grading pool."""
    worker = get_worker()
    course = worker.plugins.get(plugin)
    grader = getattr(course, "grader", None)
    if grader is None:
        raise GraderStopped(f"worker {worker.address} cannot grade: {getattr(course, 'problem', 'no course files')}")
    return grader.grade(fields, data)


def _worker_problem(plugin: str, dask_worker: Any) -> str:
    course = dask_worker.plugins.get(plugin)
    return getattr(course, "problem", "") if course is not None else "the course files did not arrive"


class DaskPool:
    """A ``Pool`` (``autograder.grading.batch``) over the workers of a Dask cluster; see the module docstring.

    Built as ``GradingPool`` is (``workers`` is the cluster's business and is ignored), plus the client."""

    def __init__(self, config_path: Path | None, names: str | Sequence[str], workers: int = 1,
                 hidden: Sequence[Path] = (), limits: Limits | None = None, imports: Sequence[str] | None = None,
                 *, client: Client, retries: int = RETRIES) -> None:
        self.config_path = config_path or find_config()
        self.config, root = load_config(self.config_path)
        self.names = [names] if isinstance(names, str) else list(names)
        self.client, self.retries = client, retries
        self.author_error: str | None = None
        self.worker_errors: list[str] = []
        sent_hidden = [str(p) for p in (*(root / f for f in PROJECT_FILES), *hidden)]
        self.plugin = CoursePlugin(course_bundle(self.config_path, self.names), self.names, limits,
                                   None if imports is None else list(imports), sent_hidden, environment())
        client.register_plugin(self.plugin, name=self.plugin.name)
        problems = {k: v for k, v in client.run(_worker_problem, self.plugin.name).items() if v}
        if problems and len(problems) == len(client.nthreads()):
            client.unregister_worker_plugin(self.plugin.name)
            raise ClusterError("no worker of the cluster can grade:\n" +
                               "\n".join(f"{w}: {p}" for w, p in problems.items()))
        self.worker_errors += [f"worker {w} cannot grade: {p}" for w, p in problems.items()]
        self._queue: deque[Job] = deque()
        self._flying: dict[Any, tuple[Future, Job]] = {}
        self._done = as_completed()
        self._count = 0

    def submit(self, jobs: list[Job]) -> None:
        self._queue.extend(replace(job, assignment=job.assignment or self.names[0]) for job in jobs)
        self._top_up()

    def results(self) -> Iterator[SubmissionResult]:
        """Yield a result for every submitted job as it completes (a zero row for any the cluster lost)."""
        for future in self._done:
            _, job = self._flying.pop(future.key)
            result = self._result(future, job)
            if self.author_error:
                self._cancel()
                yield result
                for left in [*(j for _, j in self._flying.values()), *self._queue]:
                    yield self._lost(left, "the grader could not grade it")
                self._flying.clear()
                self._queue.clear()
                return
            self._top_up()
            yield result

    def _top_up(self) -> None:
        window = max(MIN_IN_FLIGHT, 4 * sum(self.client.nthreads().values())) if self._queue else 0
        while self._queue and len(self._flying) < window:
            job = self._queue.popleft()
            try:
                data: bytes | None = job.path.read_bytes()
            except OSError:
                data = None
            fields = {"file": job.path.name, "key": job.key, "seed": job.seed, "assignment": job.assignment,
                      "questions": None if job.questions is None else sorted(job.questions)}
            self._count += 1
            future = self.client.submit(grade_on_worker, self.plugin.name, fields, data, retries=self.retries,
                                        key=("autograder-grade", self.plugin.name, self._count))
            self._flying[future.key] = (future, job)
            self._done.add(future)

    def _result(self, future: Future, job: Job) -> SubmissionResult:
        try:
            payload = future.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, the last retry's error, a cancelled task
            self.worker_errors.append(f"{job.assignment}/{job.key}: {type(exc).__name__}: {exc}")
            why = "every worker that tried it stopped" if isinstance(exc, KilledWorker) else \
                "the grader failed on this submission"
            return self._lost(job, why)
        self.worker_errors += payload["worker_errors"]
        self.author_error = self.author_error or payload["author_error"]
        result = SubmissionResult.from_dict(payload["result"])
        result.path = str(job.path)
        return result

    def _lost(self, job: Job, reason: str) -> SubmissionResult:
        return unrunnable(job, job.assignment, self.config,
                          f"Your submission could not be graded: {reason}. It will be graded again.")

    def _cancel(self) -> None:
        if self._flying:
            self.client.cancel([f for f, _ in self._flying.values()])

    def close(self) -> None:
        self._cancel()
        try:
            self.client.unregister_worker_plugin(self.plugin.name)
        except Exception as exc:  # noqa: BLE001 - a cluster already gone has nothing left to stop
            self.worker_errors.append(f"could not stop the workers' grading pools: {exc}")

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_local(spec: str) -> int:
    """The worker count of ``--cluster local:N``."""
    kind, _, count = spec.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--cluster {spec!r}: expected local:N, N the number of worker processes")
    return int(count)


@contextmanager
def dask_client(scheduler: str | None = None, local: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a ``LocalCluster`` of ``local`` worker processes
    (one thread each; ``LOCAL_CONFIG``)."""
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    dask.config.set(LOCAL_CONFIG)  # global: the nannies read it at every (re)start of a worker
    with LocalCluster(n_workers=local or 1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def dask_pool(client: Client, retries: int = RETRIES) -> partial[DaskPool]:
    """A pool factory for ``grade_batches(pool=...)`` grading on ``client``'s cluster."""
    return partial(DaskPool, client=client, retries=retries)
