"""Grade submissions with one pytest session: collect the tests once, run them per submission.

``run_batch`` starts pytest with a plugin whose ``pytest_runtestloop`` takes submissions from an
iterator: for each, it runs the cells in a fresh sandboxed child, binds the ``student`` fixture to
it, runs every collected item through pytest's normal protocol, and hands a ``SubmissionResult``
to a callback. Module and session fixtures (reference data, models) are set up once per batch.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator

import pytest

from autograder.config import Assignment, AssignmentPaths, Limits
from autograder.sandbox.run import SubmissionRun
from autograder.sandbox.hosts import Sandbox
from autograder.sandbox.outcomes import ChildDied, NotebookRun
from autograder.scoring.results import SubmissionResult, TestOutcome, score
from autograder.submission.discover import Job
from autograder.submission.load import LoadError, load_submission
from autograder.testing import plugin as plugin_module
from autograder.testing.otter_tests import OtterFile, is_otter_test_file
from autograder.testing.proxy import Student
from autograder.testing.seeding import seed_run

PYTEST_INI = Path(__file__).with_name("pytest.ini")


class AuthorError(Exception):
    """The tests themselves are broken (collection error, missing markers); for course staff."""


class CheapReports:
    """Builds test reports without pytest's traceback formatting: students never see a traceback of
    the tests (their feedback comes from the exception itself), and formatting them was most of the
    time spent grading a wrong submission."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
        excinfo = call.excinfo
        if excinfo is None:
            outcome, longrepr = "passed", None
        elif isinstance(excinfo.value, pytest.skip.Exception):
            path, line = item.reportinfo()[:2]
            outcome, longrepr = "skipped", (str(path), (line or 0) + 1, str(excinfo.value))
        else:
            outcome, longrepr = "failed", f"{excinfo.typename}: {str(excinfo.value)[:500]}"
        return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1), outcome, longrepr,
                                 call.when, duration=call.duration, start=call.start, stop=call.stop)


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

    def __init__(self, paths: AssignmentPaths, assignment: Assignment, limits: Limits, host: Sandbox,
                 jobs: Iterable[Job], on_result: Callable[[SubmissionResult], None]) -> None:
        self.paths, self.assignment, self.limits, self.host = paths, assignment, limits, host
        self.jobs = jobs
        self.on_result = on_result
        self.errors: list[str] = []
        self.meta: dict[str, plugin_module.TestMeta] = {}
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
        if file_path.suffix == ".py" and file_path.parent == self.paths.public_tests and is_otter_test_file(file_path):
            return OtterFile.from_parent(parent, path=file_path)
        return None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            try:
                meta = plugin_module.describe(item, self.assignment.hidden_visibility,
                                              self.assignment.public_visibility)
            except ValueError as exc:
                self.errors.append(str(exc))
                continue
            if meta.question not in self.assignment.questions:
                self.errors.append(f"{item.nodeid}: question {meta.question!r} is not in grading_config.yaml")
            self.meta[item.nodeid] = meta
        covered = {m.question for m in self.meta.values()}
        for q in self.assignment.questions:
            if q not in covered:
                self.errors.append(f"question {q!r} has no tests")

    @pytest.fixture
    def reference(self) -> ModuleType:
        """The reference solution (``solutions/<assignment>/solution.py``)."""
        return load_reference(self.paths)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if self.errors:
            return True
        items = list(session.items)
        self.host.wait_ready()  # a shared host may still be importing: take no job before it can fork
        for job in self.jobs:
            self.on_result(self._grade(job, items))
        return True

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        outcome = yield
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
            self._outcomes.append(TestOutcome(meta.test_id, meta.name, meta.question, meta.weight, meta.visibility,
                                              meta.public, passed, text, call.duration))

    # --- grading one submission -----------------------------------------------------------------
    def _grade(self, job: Job, items: list[pytest.Item]) -> SubmissionResult:
        start = time.monotonic()
        result = SubmissionResult(submission=job.key, path=str(job.path), assignment=self.paths.name,
                                  isolation=self.host.isolation.level)
        self._outcomes = []
        seed_run(job.seed, items)
        try:
            submission = load_submission(job.path)
        except LoadError as exc:
            result.error = f"Your submission could not be run: {exc}."
            self._fail_all(items, result.error)
            return self._finish(result, start)
        result.messages.extend(f"Note: {w}." for w in submission.warnings)
        run = SubmissionRun(self.host, submission, notebook_seconds=self.limits.notebook_seconds,
                            cell_seconds=self.limits.cell_seconds, call_seconds=self.limits.call_seconds,
                            max_restarts=self.limits.restarts)
        try:
            try:
                notebook = run.start()
            except (ChildDied, RuntimeError) as exc:
                result.error = f"Your notebook could not be run: {exc}"
                self._fail_all(items, result.error)
                return self._finish(result, start)
            result.messages.extend(notebook_messages(notebook, self.limits))
            missing = [q for q in self.assignment.questions if notebook.names.get(q) != "function"]
            if missing:
                result.messages.append(f"Your notebook does not define {', '.join(missing)} (check the names "
                                       f"and that the cells defining them run without errors).")
            plugin_module.set_current_student(Student(run, self.limits.call_seconds, self.limits.memory_mb))
            test_start, student_before = time.monotonic(), run.student_seconds
            for i, item in enumerate(items):
                # The last item names the first as its successor, so module and session fixtures stay
                # set up for the next submission; pytest tears them down when the session finishes.
                nextitem = items[i + 1] if i + 1 < len(items) else items[0]
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            # The tests' own time: the student's calls inside them count as student time.
            result.test_seconds = time.monotonic() - test_start - (run.student_seconds - student_before)
        finally:
            plugin_module.set_current_student(None)
            result.student_seconds = run.student_seconds
            run.close()
        return self._finish(result, start)

    def _fail_all(self, items: list[pytest.Item], reason: str) -> None:
        for item in items:
            meta = self.meta[item.nodeid]
            self._outcomes.append(TestOutcome(meta.test_id, meta.name, meta.question, meta.weight, meta.visibility,
                                              meta.public, False, f"not run: {reason}"))

    def _finish(self, result: SubmissionResult, start: float) -> SubmissionResult:
        result.tests, result.questions = score(self._outcomes, self.assignment)
        result.wall_seconds = time.monotonic() - start
        return result


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


def run_batch(paths: AssignmentPaths, assignment: Assignment, limits: Limits, host: Sandbox,
              jobs: Iterable[Job], on_result: Callable[[SubmissionResult], None]) -> None:
    """Grade every job with one pytest session; raises AuthorError if the tests cannot be collected."""
    session = GradingSession(paths, assignment, limits, host, jobs, on_result)
    test_dirs = [str(d) for d in (paths.public_tests, paths.hidden_tests) if d.is_dir()]
    args = [*test_dirs, "-c", str(PYTEST_INI), "--rootdir", str(paths.root), "-p", "no:cacheprovider",
            "--assert=plain", "-s", "-p", "no:terminal", "-p", "no:logging", "-p", "no:warnings",
            "--confcutdir", str(paths.root)]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin_module, session, CheapReports()])
    if session.errors:
        raise AuthorError("the tests cannot be used:\n" + "\n".join(session.errors))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise AuthorError(f"pytest stopped with {code!r}:\n{sink.getvalue()[-3000:]}")
