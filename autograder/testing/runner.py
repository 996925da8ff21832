"""Grade submissions with one pytest session: collect the tests once, run them per submission.

``run_batch`` starts pytest with a plugin whose ``pytest_runtestloop`` takes submissions from an
iterator: for each, it runs the cells in a fresh sandboxed child, binds the ``student`` fixture to
it, runs the collected items of the submission's assignment (or of the questions its job names)
through pytest's normal protocol, and hands a ``GradedRun`` (the outcomes, before points) to a
callback. One session collects the tests of every assignment it may be given. Module and session
fixtures (reference data, models) are set up once per batch. Whatever goes wrong with one submission
(its file, its child, a test's code, the grader itself) ends as that submission's outcome: the
session goes on with the next one.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import io
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, cast

import pytest

from autograder.config import AssignmentPaths, Limits
from autograder.sandbox import isolate
from autograder.sandbox.hosts import Sandbox
from autograder.sandbox.outcomes import ChildDied, NotebookRun
from autograder.sandbox.run import SubmissionRun
from autograder.submission.discover import Job
from autograder.submission.load import LoadError, load_submission
from autograder.testing import plugin as plugin_module
from autograder.testing.otter_tests import OtterFile, is_otter_test_file
from autograder.testing.outcome import GradedRun, TestOutcome
from autograder.testing.proxy import Student
from autograder.testing.seeding import seed_run
from autograder.testing.setup import AuthorError, Setup

PYTEST_INI = Path(__file__).with_name("pytest.ini")


class CheapReports:
    """Builds test reports without pytest's traceback formatting: students never see a traceback of
    the tests (their feedback comes from the exception itself), and formatting them was most of the
    time spent grading a wrong submission."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
        excinfo = call.excinfo
        outcome: Literal["passed", "failed", "skipped"] = "passed"
        longrepr: Any = None
        if excinfo is not None and isinstance(excinfo.value, pytest.skip.Exception):
            path, line = item.reportinfo()[:2]
            outcome, longrepr = "skipped", (str(path), (line or 0) + 1, str(excinfo.value))
        elif excinfo is not None:
            outcome, longrepr = "failed", f"{excinfo.typename}: {str(excinfo.value)[:500]}"
        when = cast(Literal["setup", "call", "teardown"], call.when)
        return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1), outcome, longrepr,
                                 when, duration=call.duration, start=call.start, stop=call.stop)


def load_reference(paths: AssignmentPaths) -> ModuleType:
    """The reference solution as a module (trusted code, imported in the grader)."""
    name = f"_reference_{paths.name}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, paths.solution)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class GradingSession:
    """The pytest plugin object that drives a batch."""

    def __init__(self, setups: dict[str, Setup], host: Sandbox, jobs: Iterable[Job],
                 on_result: Callable[[GradedRun], None]) -> None:
        self.setups, self.host = setups, host
        self.jobs = jobs
        self.on_result = on_result
        self.errors: list[str] = []
        self.meta: dict[str, plugin_module.TestMeta] = {}
        self.items: dict[str, list[pytest.Item]] = {name: [] for name in setups}
        self.current: Setup = next(iter(setups.values()))
        self._outcomes: list[TestOutcome] = []

    # --- pytest hooks -------------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        for line in plugin_module.MARKERS:
            config.addinivalue_line("markers", line)
        from hypothesis import HealthCheck, Phase, settings

        # No shrinking: it multiplies the calls into a failing submission, and the student's message
        # (the failing call and what it returned) is clear without a minimal example.
        settings.register_profile("autograder", derandomize=True, database=None, deadline=None,
                                  phases=(Phase.explicit, Phase.reuse, Phase.generate),
                                  suppress_health_check=list(HealthCheck), print_blob=False)
        settings.load_profile("autograder")

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> Any:
        public = {s.paths.public_tests for s in self.setups.values()}
        if file_path.suffix == ".py" and file_path.parent in public and is_otter_test_file(file_path):
            return OtterFile.from_parent(parent, path=file_path)
        return None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            name = next((n for n, s in self.setups.items() if s.owns(item.path)), None)
            if name is None:
                self.errors.append(f"{item.nodeid}: not a test of {', '.join(self.setups)}")
                continue
            spec = self.setups[name].spec
            try:
                meta = plugin_module.describe(item, spec.hidden_visibility, spec.public_visibility)
            except ValueError as exc:
                self.errors.append(str(exc))
                continue
            if meta.question not in spec.questions:
                self.errors.append(f"{item.nodeid}: question {meta.question!r} is not in grading_config.yaml")
            self.meta[item.nodeid] = meta
            self.items[name].append(item)
        for name, setup in self.setups.items():
            covered = {self.meta[i.nodeid].question for i in self.items[name]}
            for q in setup.spec.questions:
                if q not in covered:
                    self.errors.append(f"{name}: question {q!r} has no tests")

    @pytest.fixture
    def reference(self) -> ModuleType:
        """The reference solution (``solutions/<assignment>/solution.py``) of the submission's assignment."""
        return load_reference(self.current.paths)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if self.errors:
            return True
        self.host.wait_ready()  # a shared host may still be importing: take no job before it can fork
        gc.freeze()  # what the imports and the collection made lives as long as the worker: never scan it again
        gc.enable()  # (a grading worker imports and collects with the collector off: ``autograder.grading.pool``)
        for job in self.jobs:
            name = job.assignment or next(iter(self.setups))
            self.current = self.setups[name]
            items = [i for i in self.items[name]
                     if job.questions is None or self.meta[i.nodeid].question in job.questions]
            if items:  # fixtures of what ran before that these items do not use are torn down now
                session._setupstate.teardown_exact(items[0])
            self.on_result(self._grade(job, items))
        return True

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        outcome: Any = yield
        report = outcome.get_result()
        meta = self.meta.get(item.nodeid)
        if meta is None:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            passed = report.when == "call" and report.passed
            description = meta.name.split(": ", 1)[-1]
            if passed:
                text = "passed"
            elif report.when == "setup" and report.failed:
                text = "not run: the grader could not set up this test (" + \
                       plugin_module.failure_text(call.excinfo, description) + ")"
            else:
                text = plugin_module.failure_text(call.excinfo, description)
            kind = "" if passed else ("not_run" if report.when == "setup" else plugin_module.failure_kind(call.excinfo))
            self._outcomes.append(TestOutcome(meta.test_id, meta.name, meta.question, meta.weight, meta.visibility,
                                              meta.public, passed, text, call.duration, kind))

    # --- grading one submission -----------------------------------------------------------------
    def _grade(self, job: Job, items: list[pytest.Item]) -> GradedRun:
        """Grade one submission; anything unexpected becomes its row ("could not be graded"), never the batch's end."""
        start = time.monotonic()
        result = GradedRun(submission=job.key, path=str(job.path), assignment=self.current.paths.name,
                           questions=job.questions)
        self._outcomes = []
        try:
            result.isolation = self.host.isolation.level
            self._grade_into(result, job, items)
        except Exception as exc:  # noqa: BLE001 - the fault boundary of one submission
            result.error = f"Your submission could not be graded: the grader failed on it ({type(exc).__name__}: " \
                           f"{str(exc)[:300]}). Course staff have been told; it will be graded again."
            result.lost = True
            self._outcomes = []
            self._fail_all(items, result.error, "grader")
        try:
            self.host.settle()  # nothing of the submission may outlive it: not even until the next one starts
        except Exception as exc:  # noqa: BLE001 - the fault boundary of one submission
            result.error = f"Your submission could not be graded: the grader could not end its processes " \
                           f"({type(exc).__name__}: {str(exc)[:300]}). It will be graded again."
            result.lost = True
        result.outcomes = self._outcomes
        if any(o.failure == "grader" for o in self._outcomes):  # e.g. a portable model that did not build
            result.lost = True
        result.wall_seconds = time.monotonic() - start
        return result

    def _grade_into(self, result: GradedRun, job: Job, items: list[pytest.Item]) -> None:
        seed_run(job.seed, items)
        try:
            submission = load_submission(job.path)
        except LoadError as exc:
            result.error = f"Your submission could not be run: {exc}."
            self._fail_all(items, result.error, "not_run")
            return
        result.messages.extend(f"Note: {w}." for w in submission.warnings)
        limits, spec = self.current.limits, self.current.spec
        run = SubmissionRun(self.host, submission, notebook_seconds=limits.notebook_seconds,
                            cell_seconds=limits.cell_seconds, call_seconds=limits.call_seconds,
                            max_restarts=limits.restarts, child_limits=child_limits(limits))
        try:
            try:
                notebook = run.start()
            except (ChildDied, RuntimeError) as exc:
                why = str(exc) or (f"it did not finish within {limits.notebook_seconds:g} s"
                                   if isinstance(exc, ChildDied) and exc.reason.kind == "timeout"
                                   else "its process stopped")
                result.error = f"Your notebook could not be run: {why}"
                self._fail_all(items, result.error, "crash")
                return
            result.messages.extend(notebook_messages(notebook, limits))
            missing = [q for q in spec.questions if notebook.names.get(q) != "function"]
            if missing:
                result.messages.append(f"Your notebook does not define {', '.join(missing)} (check the names "
                                       f"and that the cells defining them run without errors).")
            plugin_module.set_current_student(Student(run, limits.call_seconds, limits.memory_mb))
            test_start, student_before = time.monotonic(), run.student_seconds
            for i, item in enumerate(items):
                # The last item names the first as its successor, so module and session fixtures stay
                # set up for the next submission; pytest tears them down when the session finishes.
                nextitem = items[i + 1] if i + 1 < len(items) else items[0]
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            # The tests' own time: the student's calls inside them count as student time.
            result.test_seconds = max(0.0, time.monotonic() - test_start - (run.student_seconds - student_before))
        finally:
            plugin_module.set_current_student(None)
            result.student_seconds = run.student_seconds
            run.close()

    def _fail_all(self, items: list[pytest.Item], reason: str, kind: str) -> None:
        for item in items:
            meta = self.meta[item.nodeid]
            self._outcomes.append(TestOutcome(meta.test_id, meta.name, meta.question, meta.weight, meta.visibility,
                                              meta.public, False, f"not run: {reason}", 0.0, kind))  # type: ignore[arg-type]


def notebook_messages(notebook: NotebookRun, limits: Limits) -> list[str]:
    """Plain-words notes about cells that failed, for the student's feedback."""
    out = []
    for cell in notebook.cells:
        n = cell.index + 1
        if cell.status == "error" and cell.error is not None:
            e = cell.error
            if e.kind == "memory":
                out.append(f"Cell {n} used more than {limits.memory_mb} MB of memory (MemoryError).")
            elif e.kind == "exit":
                out.append(f"Cell {n} called exit ({e.type}); the cells after it still ran. Do not exit the process.")
            else:
                where = _line_of(e.traceback)
                out.append(f"Cell {n} raised {e.type}: {e.message}{where}".rstrip())
        elif cell.status == "timeout":
            out.append(f"Cell {n} did not finish within {limits.cell_seconds:g} s and was stopped.")
        elif cell.status == "crashed":
            detail = cell.error.message if cell.error and cell.error.message else "the process died"
            if cell.error and cell.error.kind == "timeout":
                detail = f"it did not finish within {limits.cell_seconds:g} s"
            out.append(f"Cell {n} stopped your notebook ({detail}); it was skipped when your functions were tested.")
        elif cell.status == "not_run":
            out.append(f"Cell {n} was not run: your notebook used up its {limits.notebook_seconds:g} s.")
    return out


def _line_of(tb: str) -> str:
    lines = [line.strip() for line in tb.splitlines() if line.strip().startswith('File "<cell')]
    if not lines:
        return ""
    last = lines[-1]
    return f" ({last.split(', ', 1)[1].split(', in')[0]})" if ", line" in last else ""


def child_limits(limits: Limits) -> isolate.Limits:
    """The resource limits of a submission's child process."""
    return isolate.Limits(memory_bytes=limits.memory_mb * 1024**2, cpu_seconds=limits.cpu_seconds,
                          file_bytes=limits.file_mb * 1024**2, processes=limits.processes,
                          tmp_bytes=limits.tmp_mb * 1024**2)


def run_batch(setups: dict[str, Setup], host: Sandbox, jobs: Iterable[Job],
              on_result: Callable[[GradedRun], None]) -> None:
    """Grade every job with one pytest session over the tests of every assignment in ``setups``; raises
    AuthorError if the tests cannot be collected."""
    session = GradingSession(setups, host, jobs, on_result)
    root = next(iter(setups.values())).paths.root
    test_dirs = [str(d) for s in setups.values() for d in (s.paths.public_tests, s.paths.hidden_tests) if d.is_dir()]
    # importlib mode: test packages never go on sys.path, so an assignment named like a library
    # (``transformers``) cannot shadow it, and several assignments' tests live in one session.
    args = [*test_dirs, "-c", str(PYTEST_INI), "--rootdir", str(root), "-p", "no:cacheprovider",
            "--assert=plain", "-s", "-p", "no:terminal", "-p", "no:logging", "-p", "no:warnings",
            "--confcutdir", str(root), "--import-mode=importlib"]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin_module, session, CheapReports()])
    if session.errors:
        raise AuthorError("the tests cannot be used:\n" + "\n".join(session.errors))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise AuthorError(f"pytest stopped with {code!r}:\n{sink.getvalue()[-3000:]}")
