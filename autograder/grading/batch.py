"""A grading run: read the submissions, reuse what the gradebook has, grade the rest.

The steps, per assignment: collect one submission per student (``autograder.lms``), stage and
fingerprint each, record them in the gradebook, and report every submission whose content was
already graded against the same tests. What is left is graded by one ``GradingPool`` for all the
run's assignments (one sandbox host, started before the planning and told afterwards what to import,
and one set of workers), longest first where the gradebook knows how long it took last time. A stored
result is reused question by question: when only some questions' fingerprints changed
(``autograder.gradebook.fingerprint``: a hidden test edited, a question's points), the submission's
notebook runs again but only those questions' tests do, and the other questions keep their stored
results. Each result is committed as
it arrives, before the listeners see it (results.json, the progress display); ``grades.csv``, the
tutor report and the feedback files come last. With ``regrade`` everything is graded again, and each
student's change from their previous result is reported before it is stored. A run stopped at any
point is completed by running the same command again.

Each submission is its own fault boundary: a result that cannot be stored is stored as a "could not
be graded" row instead (and graded again by the next run), a listener that fails is a warning, and
the batch goes on.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from autograder.config import AssignmentPaths, Config, Limits, assignment, find_config, limits_for, load_config
from autograder.gradebook.deltas import compare
from autograder.gradebook.fingerprint import autograder_version, combined, question_fingerprints
from autograder.gradebook.store import Gradebook, ResultKey
from autograder.grading.events import BatchReport, Plan, Reported, RunListener
from autograder.grading.outputs import default_listeners
from autograder.grading.plan import STAGING_NAME, Planned, by_content, longest_first, read_submissions, record
from autograder.grading.pool import GradingPool, start_host, unrunnable
from autograder.scoring.results import SubmissionResult
from autograder.scoring.sanitize import sanitized
from autograder.submission.discover import Job
from autograder.submission.imports import heavy_imports
from autograder.testing.setup import AuthorError

GRADEBOOK_NAME = "gradebook.sqlite"


class Listeners:
    """The run's listeners, each called in turn; one that raises becomes a warning, not the run's end."""

    def __init__(self, listeners: Sequence[RunListener], report: BatchReport) -> None:
        self.listeners, self.report = list(listeners), report

    def __getattr__(self, event: str) -> Callable[..., None]:
        def call(*args: object) -> None:
            for listener in self.listeners:
                try:
                    getattr(listener, event)(*args)
                except Exception as exc:  # noqa: BLE001 - outputs must not stop the grading
                    self.report.warnings.append(f"{type(listener).__name__}.{event} failed: "
                                                f"{type(exc).__name__}: {exc}")
        return call


@dataclass(frozen=True)
class Request:
    """One assignment of a run: its submissions, where its outputs and gradebook go, who listens."""

    assignment: str
    submissions: list[Path]
    out_dir: Path
    gradebook: Path | None = None
    listeners: Sequence[RunListener] | None = None  # default: default_listeners()

    @property
    def gradebook_path(self) -> Path:
        return self.gradebook or self.out_dir / GRADEBOOK_NAME


@dataclass
class Pending:
    """A distinct content to grade: the submissions that share it and what of it can be reused."""

    group: list[Planned]
    reuse_from: int | None = None  # a stored result whose unchanged questions are kept
    keep: set[str] = field(default_factory=set)  # those questions


class BatchRun:
    """One assignment's part of a run, from planning to the last listener."""

    def __init__(self, config_path: Path, config: Config, root: Path, request: Request, book: Gradebook, *,
                 limits: Limits | None, regrade: bool, command: str) -> None:
        self.config_path, self.config, self.request, self.book = config_path, config, request, book
        self.name = request.assignment
        self.spec = assignment(config, self.name)
        self.fingerprints = question_fingerprints(AssignmentPaths(name=self.name, root=root), self.spec,
                                                  limits or limits_for(config, self.name))
        self.key = ResultKey(self.name, combined(self.fingerprints), autograder_version())
        self.regrade = regrade
        self.out_dir = request.out_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.staging = self.out_dir / STAGING_NAME
        collection = read_submissions(request.submissions)
        self.run_id = book.start_run(self.key, self.spec, regrade=regrade, command=command,
                                     submissions=len(collection.chosen), superseded=len(collection.superseded))
        self.report = BatchReport(self.name, self.out_dir, book.path, self.run_id, list(self.spec.questions),
                                  config_path, superseded=collection.superseded)
        self.emit = Listeners(default_listeners() if request.listeners is None else request.listeners, self.report)
        self.before = {c.key: book.previous_result(self.name, c.key) for c in collection.chosen} if regrade else {}
        self.planned = [record(book, self.run_id, self.name, c, self.staging) for c in collection.chosen]
        book.link(self.run_id, [(record(book, self.run_id, self.name, s.older, self.staging).submission_id, None,
                                 "superseded") for s in collection.superseded])
        self.results: dict[str, SubmissionResult] = {}
        self.reused: list[tuple[Planned, int]] = []  # whole results to reuse, reported by ``report_reused``
        self.pending = self._plan(collection.notes)

    def _plan(self, notes: list[str]) -> dict[str, Pending]:
        """Reuse whole results where nothing changed; the rest is pending, with what of it can be kept."""
        found = {} if self.regrade else {p.key: self.book.stored_result(self.key, p.staged.sha256, p.kind)
                                         for p in self.planned if not p.staged.error}
        stored = {k: v for k, v in found.items() if v is not None}
        reuse = [p for p in self.planned if p.key in stored]
        fresh = [p for p in self.planned if p.key not in stored]
        pending = {k: Pending(group) for k, group in by_content(fresh).items()}
        if not self.regrade:
            for item in pending.values():
                first = item.group[0]
                if not first.staged.error:
                    partial = self.book.reusable_questions(self.name, first.staged.sha256, first.kind,
                                                           self.fingerprints)
                    if partial is not None:
                        item.reuse_from, item.keep = partial
        self.emit.planned(Plan(self.name, len(self.planned), len(pending), len(self.planned) - len(pending),
                               self.report.superseded, notes, self.book.path, self.regrade, self.out_dir))
        self.reused = [(p, stored[p.key]) for p in reuse]
        return pending

    def report_reused(self) -> None:
        """Tell the listeners the whole results reused from the gradebook (after the pool started: they
        take a while for a class, and the pool's start-up is longer)."""
        reused, self.reused = self.reused, []
        for p, stored_id in reused:
            self.results[p.key] = self.book.read_result(stored_id, p.key, p.candidate.entry.origin)
            self.emit.graded(Reported(self.results[p.key], reused=True, source=p.staged.path,
                                      sha256=p.staged.sha256))
        self.book.link(self.run_id, [(p.submission_id, stored_id, "reused") for p, stored_id in reused])
        self.report.reused += len(reused)

    def jobs(self) -> list[Job]:
        """What the pool grades for this assignment: each pending content once, only the questions that changed,
        with what grading them took last time where the gradebook knows it."""
        out = []
        for key, item in self.pending.items():
            changed = frozenset(q for q in self.spec.questions if q not in item.keep)
            if not changed:  # every question reusable, e.g. only the title changed: nothing to run
                changed = frozenset(self.spec.questions)
            before = self.before.get(key)
            expected = (self.book.test_seconds(item.reuse_from, changed) if item.reuse_from is not None
                        else before.wall_seconds if before is not None else None)
            out.append(Job(item.group[0].staged.path, key, assignment=self.name,
                           questions=None if changed == set(self.spec.questions) else changed,
                           expected_seconds=expected))
        return out

    def accept(self, graded: SubmissionResult) -> None:
        """Store a result from the pool (merged with the kept questions) and tell the listeners."""
        item = self.pending.pop(graded.submission)
        regraded: tuple[str, ...] = ()
        if item.reuse_from is not None and graded.error is None and not graded.lost and \
                {q.name for q in graded.questions} != set(self.spec.questions):
            regraded = tuple(q.name for q in graded.questions)
            graded = self._merged(graded, item.reuse_from)
        result_id = None
        for p in item.group:
            result = sanitized(graded, submission=p.key, path=p.candidate.entry.origin)
            keep = not result.lost and not item.group[0].staged.error
            if self.before:
                self.report.deltas.append(compare(p.key, self.before.get(p.key), result))
                self.emit.score_changed(self.report.deltas[-1])
            if result_id is None:
                result, result_id = self._save(p, result, keep)
                self.report.graded += 1
            else:
                self.book.link(self.run_id, [(p.submission_id, result_id, "reused" if keep else "retry")])
                self.report.reused += 1
            self.results[p.key] = result
            same_as = item.group[0].key if p is not item.group[0] else ""
            self.emit.graded(Reported(result, reused=bool(same_as), lost=result.lost, same_as=same_as,
                                      source=p.staged.path, sha256=p.staged.sha256, regraded=regraded))

    def _merged(self, fresh: SubmissionResult, stored_id: int) -> SubmissionResult:
        """The fresh questions' results with the kept questions' stored ones, in the config's order."""
        stored = self.book.read_result(stored_id, fresh.submission, fresh.path)
        mine = {q.name for q in fresh.questions}
        questions = {q.name: q for q in stored.questions if q.name not in mine} | {q.name: q for q in fresh.questions}
        tests = [t for q in self.spec.questions for t in (fresh.tests if q in mine else stored.tests)
                 if t.question == q]
        return SubmissionResult(submission=fresh.submission, path=fresh.path, assignment=fresh.assignment,
                                tests=tests, questions=[questions[q] for q in self.spec.questions if q in questions],
                                messages=fresh.messages, error=fresh.error, lost=fresh.lost,
                                student_seconds=fresh.student_seconds, test_seconds=fresh.test_seconds,
                                wall_seconds=fresh.wall_seconds, isolation=fresh.isolation)

    def _save(self, p: Planned, result: SubmissionResult, keep: bool) -> tuple[SubmissionResult, int]:
        try:
            return result, self.book.save_result(self.run_id, p.submission_id, self.key, p.staged.sha256, p.kind,
                                                 result, complete=keep, fingerprints=self.fingerprints)
        except Exception as exc:  # noqa: BLE001 - one result the gradebook refused: store its zero row instead
            self.report.grader_problems.append(f"{p.key}: the result could not be stored ({exc})")
            zero = unrunnable(Job(p.staged.path, p.key), self.name, self.config,
                              "Your submission could not be graded: its result could not be stored. "
                              "It will be graded again.")
            zero.path = p.candidate.entry.origin
            return zero, self.book.save_result(self.run_id, p.submission_id, self.key, p.staged.sha256, p.kind, zero,
                                               complete=False)

    def grader_problem(self, message: str) -> None:
        self.report.grader_problems.append(message)
        self.emit.grader_problem(message)

    def finish(self) -> BatchReport:
        self.book.finish_run(self.run_id)
        self.report.results = [self.results[p.key] for p in self.planned if p.key in self.results]
        self.emit.finished(self.report)
        shutil.rmtree(self.staging, ignore_errors=True)
        return self.report


class RequestError(ValueError):
    """The submissions cannot be matched to the assignments asked for (a message for the tutor)."""


def requests_for(names: Sequence[str], submissions: Sequence[Path], out_dir: Path, gradebook: Path | None = None, *,
                 skip_missing: bool = False) -> tuple[list[Request], list[str]]:
    """One request per assignment: with one assignment, every submission goes to it and its outputs to
    ``out_dir``; with several, each assignment takes the folder or zip named after it inside a
    SUBMISSION directory (or a SUBMISSION so named), and its outputs go to ``out_dir/<assignment>``.
    Returns the requests and notes (assignments skipped for want of submissions, with ``skip_missing``)."""
    if len(names) == 1:
        return [Request(names[0], list(submissions), out_dir, gradebook)], []
    requests, notes = [], []
    for name in names:
        found = [p for s in submissions for p in (s / name, s / f"{name}.zip") if s.is_dir() and p.exists()]
        found += [s for s in submissions if s.name in (name, f"{name}.zip")]
        if found:
            requests.append(Request(name, found, out_dir / name, gradebook))
        elif skip_missing:
            notes.append(f"{name}: no folder or zip named {name} among the submissions; skipped")
        else:
            raise RequestError(f"no submissions for {name}: with several assignments, give a folder holding "
                               f"one folder (or zip) per assignment, named after it")
    if not requests:
        raise RequestError("none of the assignments has a folder or zip of submissions named after it")
    return requests, notes


class Pool(Protocol):
    """What a run grades with: a ``GradingPool`` of local processes, or one spread over a cluster."""

    worker_errors: list[str]
    author_error: str | None

    def submit(self, jobs: list[Job]) -> None: ...

    def results(self) -> Iterator[SubmissionResult]: ...

    def __enter__(self) -> Pool: ...

    def __exit__(self, *exc: object) -> None: ...


PoolFactory = Callable[..., Pool]  # (config_path, names, workers, hidden, limits, imports=...) -> Pool


def grade_batches(config_path: Path | None, requests: Sequence[Request], *, workers: int = 1,
                  limits: Limits | None = None, regrade: bool = False, command: str = "",
                  pool: PoolFactory | None = None) -> list[BatchReport]:
    """Grade several assignments in one run: one sandbox host and one set of workers for all of them;
    each assignment's outputs are what its own run would write (see the module docstring). ``pool``
    makes the pool (default: ``GradingPool``, local worker processes)."""
    config_path = config_path or find_config()
    config, root = load_config(config_path)
    with ExitStack() as stack:
        books: dict[Path, Gradebook] = {}
        for r in requests:
            if r.gradebook_path not in books:
                books[r.gradebook_path] = stack.enter_context(Gradebook(r.gradebook_path))
            r.out_dir.mkdir(parents=True, exist_ok=True)
        hidden = [*(r.out_dir for r in requests), *books]
        # The local pool's sandbox host starts now and imports once the plan says what: it is the run's
        # longest start-up step, and planning a class takes a fraction of a second.
        host = start_host(config, root, hidden, workers) if pool is None else None
        if host is not None:
            stack.callback(host.close)
        runs = [BatchRun(config_path, config, root, r, books[r.gradebook_path],
                         limits=limits, regrade=regrade, command=command) for r in requests]
        jobs = longest_first([job for run in runs for job in run.jobs()])
        reports: dict[int, BatchReport] = {}
        if jobs:
            # The pool serves only the assignments with something to grade: its workers collect only their
            # tests and import only what those tests need.
            with_jobs = {job.assignment for job in jobs}
            by_name = {run.name: run for run in runs if run.name in with_jobs}
            imports = heavy_imports(job.path for job in jobs)
            args = (config_path, list(by_name), min(workers, len(jobs)), hidden, limits)
            with (GradingPool(*args, imports=imports, host=host) if pool is None else
                  pool(*args, imports=imports)) as grading:
                for i, run in enumerate(runs):  # while the sandbox host imports, before the workers start
                    run.report_reused()
                    if run.name not in with_jobs:
                        reports[i] = run.finish()
                grading.submit(jobs)
                for graded in grading.results():
                    by_name[graded.assignment].accept(graded)
                for error in grading.worker_errors:
                    for run in by_name.values():
                        run.grader_problem(error)
                if grading.author_error:
                    raise AuthorError(grading.author_error)
        else:
            for run in runs:  # nothing to grade in any of them
                run.report_reused()
        return [reports[i] if i in reports else run.finish() for i, run in enumerate(runs)]


def grade_batch(config_path: Path | None, name: str, submissions: list[Path], out_dir: Path, *, workers: int = 1,
                listeners: Sequence[RunListener] | None = None, limits: Limits | None = None,
                gradebook: Path | None = None, regrade: bool = False, command: str = "",
                pool: PoolFactory | None = None) -> BatchReport:
    """Grade ``submissions`` for assignment ``name`` into ``out_dir``; see the module docstring.

    ``listeners`` default to ``default_listeners()`` (results.json, grades.csv, report, feedback);
    pass your own list plus those to add, e.g. a progress display.
    """
    return grade_batches(config_path, [Request(name, submissions, out_dir, gradebook, listeners)], workers=workers,
                         limits=limits, regrade=regrade, command=command, pool=pool)[0]
