"""Grade everything an audit needs with one ``GradingPool`` and build the report."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.audit import checks
from autograder.audit.clauses import clause_findings, clause_table, clauses_path
from autograder.audit.expect import as_expected
from autograder.audit.finding import Finding
from autograder.audit.matrix import Matrix, tests_of, verdict
from autograder.audit.names import NamingProblem, describe, mutant_files
from autograder.audit.plan import Entry, plan, seeds
from autograder.audit.report import AuditReport
from autograder.audit.variants import alternatives
from autograder.config import AssignmentPaths, assignment, find_config, load_config
from autograder.grading.pool import GradingPool
from autograder.scoring.results import SubmissionResult
from autograder.testing.setup import AuthorError

Progress = Callable[[Entry, SubmissionResult, int, int], None]


@dataclass
class Graded:
    """The audit's submissions, graded: (entry, result) in plan order, and any worker failures."""

    results: list[tuple[Entry, SubmissionResult]] = field(default_factory=list)
    rechecks: dict[str, SubmissionResult] = field(default_factory=dict)  # key -> second grading
    worker_errors: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[tuple[Entry, SubmissionResult]]:
        return [(e, r) for e, r in self.results if e.kind == kind]

    def one(self, kind: str) -> SubmissionResult | None:
        return next((r for _, r in self.of(kind)), None)


def audit(config_path: Path | None, name: str, runs: int = 20, first_seed: int = 0, host_seed: int | None = None,
          workers: int = 1, on_result: Progress | None = None) -> AuditReport:
    """Grade the reference (as students are graded, then under ``runs`` seeds), the untouched notebook,
    every mutant and every alternative; raises ``AuthorError`` if the tests cannot be collected."""
    return audit_many(config_path, [name], runs, first_seed, host_seed, workers, on_result)[name]


def audit_many(config_path: Path | None, names: Sequence[str], runs: int = 20, first_seed: int = 0,
               host_seed: int | None = None, workers: int = 1,
               on_result: Progress | None = None) -> dict[str, AuditReport]:
    """``audit`` of several assignments with one grading pool (one start-up); each report as its own audit
    would give it, its ``seconds`` the whole run's."""
    start = time.monotonic()
    config_path = config_path or find_config()
    config, root = load_config(config_path)
    host_seed = first_seed if host_seed is None else host_seed
    run_seeds = seeds(first_seed, runs)
    paths_of = {name: AssignmentPaths(name=name, root=root) for name in names}
    questions_of = {name: list(assignment(config, name).questions) for name in names}
    naming: dict[str, list[NamingProblem]] = {}
    entries: list[Entry] = []
    with tempfile.TemporaryDirectory(prefix="ag-audit-") as tmp:
        for name, paths in paths_of.items():
            mutants, naming[name] = mutant_files(paths, questions_of[name])
            workdir = Path(tmp) / name
            workdir.mkdir()
            entries += [Entry(e.kind, replace(e.job, assignment=name), e.variant)
                        for e in plan(paths, mutants, alternatives(paths), run_seeds, workdir)]
        graded = grade_all(config_path, list(names), entries, host_seed, workers, on_result)
    reports = {}
    for name, paths in paths_of.items():
        questions = questions_of[name]
        mine = graded[name]
        reference = mine.one("reference")
        matrix = Matrix(tests_of(reference) if reference else [],
                        [verdict(e.variant, describe(e.variant.path), r) for e, r in mine.of("mutant") if e.variant])
        report = AuditReport(
            assignment=name, questions=questions, run_seeds=run_seeds, host_seed=host_seed,
            reference=reference, seeded={e.job.seed: r for e, r in mine.of("seeded") if e.job.seed is not None},
            untouched=mine.one("untouched"), matrix=matrix,
            alternatives={e.variant.name: r for e, r in mine.of("alternative") if e.variant},
            naming=naming[name], rechecks=mine.rechecks, workers=workers)
        report.clauses = clause_table(clauses_path(paths.solution_dir), questions, matrix, report.alternatives,
                                      paths.mutants, paths.alternatives)
        report.findings = findings(report, root, mine.worker_errors)
        report.seconds = time.monotonic() - start
        reports[name] = report
    return reports


def grade_all(config_path: Path, names: list[str], entries: list[Entry], host_seed: int, workers: int,
              on_result: Progress | None) -> dict[str, Graded]:
    """Grade every entry with one pool whose workers and sandbox host use ``host_seed`` as hash seed;
    then grade once more, with the same seed, every entry that did not score as it must. By assignment."""
    with GradingPool(config_path, names, workers=min(workers, len(entries)), seed=host_seed) as pool:
        results = grade_entries(pool, entries, on_result)
        if pool.author_error:
            raise AuthorError(pool.author_error)
        unexpected = [e for e in entries if _id(e) in results and not as_expected(
            e.kind, results[_id(e)], e.variant.question if e.variant else None)]
        again = [Entry(e.kind, replace(e.job, key=f"{e.key}#again"), e.variant) for e in unexpected]
        rechecks = grade_entries(pool, again, on_result)
        return {name: Graded([(e, results[_id(e)]) for e in entries if e.job.assignment == name and _id(e) in results],
                             {e.key: rechecks[_id(a)] for e, a in zip(unexpected, again)
                              if e.job.assignment == name and _id(a) in rechecks},
                             list(pool.worker_errors)) for name in names}


def _id(entry: Entry) -> tuple[str, str]:
    return entry.job.assignment, entry.key


def grade_entries(pool: GradingPool, entries: list[Entry],
                  on_result: Progress | None) -> dict[tuple[str, str], SubmissionResult]:
    by_id = {_id(e): e for e in entries}
    results: dict[tuple[str, str], SubmissionResult] = {}
    pool.submit([e.job for e in entries])
    for done, result in enumerate(pool.results(), 1):
        results[result.assignment, result.submission] = result
        if on_result:
            on_result(by_id[result.assignment, result.submission], result, done, len(entries))
    return results


def findings(report: AuditReport, root: Path, worker_errors: list[str]) -> list[Finding]:
    m, again = report.matrix, report.rechecks
    notebook = str(AssignmentPaths(name=report.assignment, root=root).notebook.relative_to(root))
    return [
        *checks.check_reference(report.reference, again),
        *checks.check_seeds(report.seeded, again, report.reproduce),
        *checks.check_untouched(report.untouched, notebook, again),
        *checks.naming_findings(report.naming, root),
        *checks.check_mutants(m, again),
        *checks.check_alternatives(report.alternatives, again),
        *checks.flag_public_only(m),
        *checks.flag_questions_without_mutants(m, report.questions),
        *checks.grader_findings(worker_errors),
        *(clause_findings(report.clauses) if report.clauses else []),
        *checks.flag_idle_tests(m),
    ]
