"""One ``autograder grade`` run: read the submissions, reuse what the gradebook has, grade the rest.

The steps: collect one submission per student (``autograder.lms``), stage and fingerprint each,
record them in the gradebook, report every submission whose content was already graded against
the same tests, grade the others in a ``GradingPool``, and commit each result as it arrives
before writing its ``results.json``; ``grades.csv`` comes last. With ``regrade`` everything is
graded again, and each student's change from their previous result is reported before it is
stored. A run stopped at any point is completed by running the same command again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.config import AssignmentPaths, Limits, assignment, find_config, limits_for, load_config
from autograder.exports.grades_csv import write_grades_csv
from autograder.gradebook.deltas import ScoreDelta, compare
from autograder.gradebook.fingerprint import autograder_version, tests_fingerprint
from autograder.gradebook.status import failed_to_run, timed_out
from autograder.gradebook.store import Gradebook, ResultKey, SubmissionRecord
from autograder.grading import GradingPool
from autograder.lms.collect import collect
from autograder.lms.model import Candidate, Superseded
from autograder.lms.stage import Staged, stage
from autograder.scoring.gradescope import gradescope_results, write_json_atomic
from autograder.scoring.results import SubmissionResult
from autograder.submission.discover import Job

EventHandler = Callable[[str, object], None]
GRADEBOOK_NAME = "gradebook.sqlite"
STAGING_NAME = ".staging"


@dataclass(frozen=True)
class Planned:
    """A submission of this run: what was read, where it is staged, its gradebook id."""

    candidate: Candidate
    staged: Staged
    submission_id: int

    @property
    def key(self) -> str:
        return self.candidate.key

    @property
    def kind(self) -> str:
        return self.staged.path.suffix.lower()


@dataclass(frozen=True)
class Plan:
    """What the run will do (the ``plan`` event): sent once, before any result."""

    assignment: str
    submissions: int
    to_grade: int
    reused: int
    superseded: list[Superseded]
    notes: list[str]
    gradebook: Path
    regrade: bool


@dataclass(frozen=True)
class Reported:
    """A submission's result (the ``result`` event): graded now, or reused from the gradebook."""

    result: SubmissionResult
    reused: bool = False
    lost: bool = False  # the grader failed on it (not the student's file); graded again next run
    same_as: str = ""  # reused from this run's result for another student's identical file


@dataclass
class BatchReport:
    """Everything a run produced, in the order the submissions were read."""

    assignment: str
    out_dir: Path
    gradebook: Path
    run_id: int
    results: list[SubmissionResult] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    superseded: list[Superseded] = field(default_factory=list)
    deltas: list[ScoreDelta] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(failed_to_run(r) for r in self.results)

    @property
    def timed_out(self) -> int:
        return sum(timed_out(r) for r in self.results)


def grade_batch(config_path: Path | None, name: str, submissions: list[Path], out_dir: Path, *, workers: int = 1,
                on_event: EventHandler | None = None, limits: Limits | None = None, gradebook: Path | None = None,
                regrade: bool = False, command: str = "") -> BatchReport:
    """Grade ``submissions`` for assignment ``name`` into ``out_dir``; see the module docstring."""
    config_path = config_path or find_config()
    config, root = load_config(config_path)
    spec = assignment(config, name)
    key = ResultKey(name, tests_fingerprint(AssignmentPaths(name=name, root=root), spec,
                                            limits or limits_for(config, name)), autograder_version())
    emit = on_event or (lambda kind, payload: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / STAGING_NAME
    collection = collect(submissions)
    book_path = gradebook or out_dir / GRADEBOOK_NAME
    with Gradebook(book_path) as book:
        run_id = book.start_run(key, spec, regrade=regrade, command=command, submissions=len(collection.chosen),
                                superseded=len(collection.superseded))
        report = BatchReport(name, out_dir, book_path, run_id, superseded=collection.superseded)
        before = {c.key: book.previous_result(name, c.key) for c in collection.chosen} if regrade else {}
        planned = [_record(book, run_id, name, c, stage(c, staging)) for c in collection.chosen]
        book.link(run_id, [(_record(book, run_id, name, s.older, stage(s.older, staging)).submission_id, None,
                            "superseded") for s in collection.superseded])
        stored = {} if regrade else {p.key: book.stored_result(key, p.staged.sha256, p.kind) for p in planned
                                     if not p.staged.error}
        reuse = [p for p in planned if stored.get(p.key)]
        groups = _by_content([p for p in planned if not stored.get(p.key)])
        emit("plan", Plan(name, len(planned), len(groups), len(planned) - len(groups), collection.superseded,
                          collection.notes, book_path, regrade))
        results: dict[str, SubmissionResult] = {}
        for p in reuse:
            results[p.key] = _write(out_dir, book.read_result(stored[p.key], p.key, p.candidate.entry.origin))
            emit("result", Reported(results[p.key], reused=True))
        book.link(run_id, [(p.submission_id, stored[p.key], "reused") for p in reuse])
        report.reused = len(reuse)
        if groups:
            _grade_fresh(config_path, name, out_dir, workers, limits, book, run_id, key, groups, before, emit,
                         results, report)
        book.finish_run(run_id)
    report.results = [results[p.key] for p in planned]
    write_grades_csv(out_dir / "grades.csv", list(spec.questions), report.results)
    shutil.rmtree(staging, ignore_errors=True)
    return report


def _record(book: Gradebook, run_id: int, name: str, c: Candidate, staged: Staged) -> Planned:
    rec = SubmissionRecord(student=c.identity, sha256=staged.sha256, kind=staged.path.suffix.lower(),
                           filename=c.filename, origin=c.entry.origin, rank=c.rank, submitted_at=c.submitted_at,
                           lms_submission=c.group, late=c.late, readable=not staged.error)
    return Planned(c, staged, book.record_submission(run_id, name, rec))


def _by_content(fresh: list[Planned]) -> dict[str, list[Planned]]:
    """Submissions with identical content, keyed by the first one's student (which gets graded)."""
    by_content: dict[tuple[str, str], list[Planned]] = {}
    for p in fresh:
        by_content.setdefault((p.staged.sha256, p.kind), []).append(p)
    return {group[0].key: group for group in by_content.values()}


def _grade_fresh(config_path: Path, name: str, out_dir: Path, workers: int, limits: Limits | None, book: Gradebook,
                 run_id: int, key: ResultKey, groups: dict[str, list[Planned]],
                 before: dict[str, SubmissionResult | None], emit: EventHandler, results: dict[str, SubmissionResult],
                 report: BatchReport) -> None:
    """Grade each distinct content once; commit every result as it arrives, then write its results.json."""
    from autograder.testing.runner import AuthorError

    with GradingPool(config_path, name, min(workers, len(groups)), (out_dir, book.path), limits) as pool:
        pool.submit([Job(group[0].staged.path, k) for k, group in groups.items()])
        for graded in pool.results():
            group = groups[graded.submission]
            lost = graded.submission in pool.lost
            keep = not lost and not group[0].staged.error
            result_id = None
            for p in group:
                result = SubmissionResult.from_dict({**graded.to_dict(), "submission": p.key,
                                                     "path": p.candidate.entry.origin})
                if before:
                    report.deltas.append(compare(p.key, before.get(p.key), result))
                    emit("delta", report.deltas[-1])
                if result_id is None:
                    result_id = book.save_result(run_id, p.submission_id, key, p.staged.sha256, p.kind, result,
                                                 complete=keep)
                    report.graded += 1
                else:
                    book.link(run_id, [(p.submission_id, result_id, "reused" if keep else "retry")])
                    report.reused += 1
                results[p.key] = _write(out_dir, result)
                same_as = group[0].key if p is not group[0] else ""
                emit("result", Reported(result, reused=bool(same_as), lost=lost, same_as=same_as))
        for error in pool.worker_errors:
            emit("worker_error", error)
        if pool.author_error:
            raise AuthorError(pool.author_error)


def _write(out_dir: Path, result: SubmissionResult) -> SubmissionResult:
    write_json_atomic(out_dir / result.submission / "results.json", gradescope_results(result))
    return result
