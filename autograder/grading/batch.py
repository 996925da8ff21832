"""One grading run: read the submissions, reuse what the gradebook has, grade the rest.

The steps: collect one submission per student (``autograder.lms``), stage and fingerprint each,
record them in the gradebook, report every submission whose content was already graded against
the same tests, grade the others in a ``GradingPool``, and commit each result as it arrives
before the listeners see it (results.json, the progress display); ``grades.csv``, the tutor report
and the feedback files come last. With ``regrade`` everything is graded again, and each student's
change from their previous result is reported before it is stored. A run stopped at any point is
completed by running the same command again.

Each submission is its own fault boundary: a result that cannot be stored is stored as a "could not
be graded" row instead (and graded again by the next run), a listener that fails is a warning, and
the batch goes on.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from autograder.config import AssignmentPaths, Limits, assignment, find_config, limits_for, load_config
from autograder.gradebook.deltas import compare
from autograder.gradebook.fingerprint import autograder_version, tests_fingerprint
from autograder.gradebook.store import Gradebook, ResultKey
from autograder.grading.events import BatchReport, Plan, Reported, RunListener
from autograder.grading.outputs import default_listeners
from autograder.grading.plan import STAGING_NAME, Planned, by_content, read_submissions, record
from autograder.grading.pool import GradingPool, unrunnable
from autograder.scoring.results import SubmissionResult
from autograder.scoring.sanitize import sanitized
from autograder.submission.discover import Job
from autograder.testing.runner import AuthorError

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


def grade_batch(config_path: Path | None, name: str, submissions: list[Path], out_dir: Path, *, workers: int = 1,
                listeners: Sequence[RunListener] | None = None, limits: Limits | None = None,
                gradebook: Path | None = None, regrade: bool = False, command: str = "") -> BatchReport:
    """Grade ``submissions`` for assignment ``name`` into ``out_dir``; see the module docstring.

    ``listeners`` default to ``default_listeners()`` (results.json, grades.csv, report, feedback);
    pass your own list plus those to add, e.g. a progress display.
    """
    config_path = config_path or find_config()
    config, root = load_config(config_path)
    spec = assignment(config, name)
    key = ResultKey(name, tests_fingerprint(AssignmentPaths(name=name, root=root), spec,
                                            limits or limits_for(config, name)), autograder_version())
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / STAGING_NAME
    collection = read_submissions(submissions)
    book_path = gradebook or out_dir / GRADEBOOK_NAME
    with Gradebook(book_path) as book:
        run_id = book.start_run(key, spec, regrade=regrade, command=command, submissions=len(collection.chosen),
                                superseded=len(collection.superseded))
        report = BatchReport(name, out_dir, book_path, run_id, list(spec.questions), config_path,
                             superseded=collection.superseded)
        emit = Listeners(default_listeners() if listeners is None else listeners, report)
        before = {c.key: book.previous_result(name, c.key) for c in collection.chosen} if regrade else {}
        planned = [record(book, run_id, name, c, staging) for c in collection.chosen]
        book.link(run_id, [(record(book, run_id, name, s.older, staging).submission_id, None, "superseded")
                            for s in collection.superseded])
        found = {} if regrade else {p.key: book.stored_result(key, p.staged.sha256, p.kind) for p in planned
                                    if not p.staged.error}
        stored = {k: v for k, v in found.items() if v is not None}
        reuse = [p for p in planned if p.key in stored]
        groups = by_content([p for p in planned if p.key not in stored])
        emit.planned(Plan(name, len(planned), len(groups), len(planned) - len(groups), collection.superseded,
                          collection.notes, book_path, regrade, out_dir))
        results: dict[str, SubmissionResult] = {}
        for p in reuse:
            results[p.key] = book.read_result(stored[p.key], p.key, p.candidate.entry.origin)
            emit.graded(Reported(results[p.key], reused=True, source=p.staged.path))
        book.link(run_id, [(p.submission_id, stored[p.key], "reused") for p in reuse])
        report.reused = len(reuse)
        if groups:
            _grade_fresh(config_path, name, workers, limits, book, run_id, key, groups, before, emit, results,
                         report)
        book.finish_run(run_id)
    report.results = [results[p.key] for p in planned]
    emit.finished(report)
    shutil.rmtree(staging, ignore_errors=True)
    return report


def _grade_fresh(config_path: Path, name: str, workers: int, limits: Limits | None, book: Gradebook, run_id: int,
                 key: ResultKey, groups: dict[str, list[Planned]], before: dict[str, SubmissionResult | None],
                 emit: Listeners, results: dict[str, SubmissionResult], report: BatchReport) -> None:
    """Grade each distinct content once; commit every result as it arrives, then tell the listeners."""
    config, _ = load_config(config_path)
    with GradingPool(config_path, name, min(workers, len(groups)), (report.out_dir, book.path), limits) as pool:
        pool.submit([Job(group[0].staged.path, k) for k, group in groups.items()])
        for graded in pool.results():
            group = groups[graded.submission]
            result_id = None
            for p in group:
                result = sanitized(graded, submission=p.key, path=p.candidate.entry.origin)
                keep = not result.lost and not group[0].staged.error
                if before:
                    report.deltas.append(compare(p.key, before.get(p.key), result))
                    emit.score_changed(report.deltas[-1])
                if result_id is None:
                    try:
                        result_id = book.save_result(run_id, p.submission_id, key, p.staged.sha256, p.kind, result,
                                                     complete=keep)
                    except Exception as exc:  # noqa: BLE001 - one result the gradebook refused: store its zero row
                        report.grader_problems.append(f"{p.key}: the result could not be stored ({exc})")
                        result = unrunnable(Job(p.staged.path, p.key), name, config,
                                            "Your submission could not be graded: its result could not be stored. "
                                            "It will be graded again.")
                        result.path = p.candidate.entry.origin
                        result_id = book.save_result(run_id, p.submission_id, key, p.staged.sha256, p.kind, result,
                                                     complete=False)
                    report.graded += 1
                else:
                    book.link(run_id, [(p.submission_id, result_id, "reused" if keep else "retry")])
                    report.reused += 1
                results[p.key] = result
                same_as = group[0].key if p is not group[0] else ""
                emit.graded(Reported(result, reused=bool(same_as), lost=result.lost, same_as=same_as,
                                     source=p.staged.path))
        for error in pool.worker_errors:
            report.grader_problems.append(error)
            emit.grader_problem(error)
        if pool.author_error:
            raise AuthorError(pool.author_error)
