"""The audit's checks. Every finding is an error (the audit fails, exit 1) except ``idle-test``.

errors:
  ``reference``          the reference does not score the maximum when graded as students are;
  ``flaky``              the reference fails a test under a run seed (a false failure; the seed reproduces it,
                         unless the note says a second grading with the same seed passed);
  ``untouched``          the untouched student notebook does not score 0 (or cannot be run, or is missing);
  ``mutant-name``        a file in the mutants folder breaks the naming convention (it was not graded);
  ``mutant-escapes``     a mutant keeps every point of its own question (only other questions' tests fail);
  ``mutant-off-target``  a mutant loses points on a question other than its own;
  ``mutant-ungraded``    the grader could not run a mutant;
  ``alternative``        a legitimate alternative does not score the maximum;
  ``mutant-uncaught``    flag: no test at all fails on a mutant;
  ``public-only``        flag: every test of a question is public (students can fit their answer to the tests);
  ``no-mutants``         flag: a question has no mutant, so nothing shows that its tests catch a mistake;
  ``grader``             a grading worker failed.
warning:
  ``idle-test``          flag: a test catches no mutant of its question (keep it if it guards a spec edge case
                         no mutant models, or add the mutant it is there for); a mutant that every test of the
                         question fails on (the untouched stub) does not count.
Every submission that did not score as it must is graded a second time with the same seed; the finding
says whether that gave the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from autograder.audit.expect import recheck_note
from autograder.audit.finding import Finding
from autograder.audit.matrix import Matrix
from autograder.audit.names import NamingProblem
from autograder.scoring.results import SubmissionResult

WARNING_CHECKS = frozenset({"idle-test"})
Rechecks = dict[str, SubmissionResult]


def finding(check: str, subject: str, message: str) -> Finding:
    return Finding("warning" if check in WARNING_CHECKS else "error", check, subject, message)


def failed_tests(result: SubmissionResult) -> str:
    return "; ".join(f"{t.test_id}: {t.output.strip()}" for t in result.tests if not t.passed) or "no failed test"


def score_text(result: SubmissionResult) -> str:
    return f"{result.total:g}/{result.max_total:g}"


def check_reference(reference: SubmissionResult | None, rechecks: Rechecks) -> list[Finding]:
    if reference is None:
        return [finding("reference", "reference", "the reference solution was not graded")]
    if reference.error or reference.total < reference.max_total:
        why = reference.error or failed_tests(reference)
        note = recheck_note("reference", rechecks.get(reference.submission))
        return [finding("reference", "reference", f"scored {score_text(reference)}: {why}{note}")]
    return []


def check_seeds(seeded: dict[int, SubmissionResult], rechecks: Rechecks,
                reproduce: Callable[[int], str]) -> list[Finding]:
    """One finding per test the reference fails under some run seed (a false failure students would suffer)."""
    out = []
    failures: dict[str, list[tuple[int, str]]] = {}
    for seed, result in seeded.items():
        if result.error:
            note = recheck_note("seeded", rechecks.get(result.submission))
            out.append(finding("flaky", f"seed {seed}", f"the reference could not be graded: {result.error}{note}; "
                                                        f"reproduce: {reproduce(seed)}"))
            continue
        for t in result.tests:
            if not t.passed:
                failures.setdefault(t.test_id, []).append((seed, t.output.strip()))
    for test_id, seen in failures.items():
        first_seed, output = seen[0]
        again = rechecks.get(seeded[first_seed].submission)
        note = "" if again is None else (
            " [graded again with the same seed: it failed again]" if any(
                t.test_id == test_id and not t.passed for t in again.tests) else
            " [graded again with the same seed, it passed: the failure depends on more than the seed "
            "(timing, load, the sandbox)]")
        out.append(finding("flaky", test_id, f"fails on the reference under {len(seen)} of {len(seeded)} seeds "
                                             f"({', '.join(str(s) for s, _ in seen)}); under seed {first_seed}: "
                                             f"{output}{note}; reproduce: {reproduce(first_seed)}"))
    return out


def check_untouched(untouched: SubmissionResult | None, notebook: str, rechecks: Rechecks) -> list[Finding]:
    if untouched is None:
        return [finding("untouched", notebook, "the student notebook is missing")]
    note = recheck_note("untouched", rechecks.get(untouched.submission))
    if untouched.error:
        return [finding("untouched", notebook, f"the untouched notebook could not be run: {untouched.error}{note}")]
    if untouched.total != 0:
        earned = "; ".join(t.test_id for t in untouched.tests if t.passed)
        return [finding("untouched", notebook, f"the untouched notebook scored {score_text(untouched)} "
                                               f"(passed: {earned}){note}")]
    return []


def check_mutants(matrix: Matrix, rechecks: Rechecks) -> list[Finding]:
    out = []
    for m in matrix.mutants:
        subject = m.variant.path.name
        note = recheck_note("mutant", rechecks.get(m.variant.key), m.question)
        if m.error:
            out.append(finding("mutant-ungraded", subject, f"could not be graded: {m.error}{note}"))
            continue
        if not m.failed:
            out.append(finding("mutant-uncaught", subject, f"no test fails on it; add a test of {m.question} "
                                                           f"that catches: {m.description or m.name}{note}"))
        elif not m.caught:
            out.append(finding("mutant-escapes", subject, f"keeps every point of {m.question}; only tests of "
                                                          f"other questions fail: {', '.join(m.failed)}{note}"))
        for q in m.off_target:
            score, max_score = m.lost[q]
            tests = ", ".join(t for t in m.failed if t in {x.test_id for x in matrix.tests_for(q)})
            out.append(finding("mutant-off-target", subject, f"changes only {m.question} but loses points on "
                                                             f"{q} ({score:g}/{max_score:g}): {tests}{note}"))
    return out


def check_alternatives(alternatives: dict[str, SubmissionResult], rechecks: Rechecks) -> list[Finding]:
    return [finding("alternative", name, f"scored {score_text(r)}: {r.error or failed_tests(r)}"
                                         f"{recheck_note('alternative', rechecks.get(r.submission))}")
            for name, r in alternatives.items() if r.error or r.total < r.max_total]


def flag_idle_tests(matrix: Matrix) -> list[Finding]:
    return [finding("idle-test", t.test_id, f"catches none of the {len(matrix.mutants_for(t.question))} "
                                            f"mutants of {t.question}")
            for t in matrix.tests if matrix.mutants_for(t.question) and not matrix.catches(t)]


def flag_public_only(matrix: Matrix) -> list[Finding]:
    return [finding("public-only", q, f"all {len(matrix.tests_for(q))} tests of {q} are public; add hidden tests")
            for q in matrix.questions() if all(t.public for t in matrix.tests_for(q))]


def flag_questions_without_mutants(matrix: Matrix, questions: list[str]) -> list[Finding]:
    return [finding("no-mutants", q, f"{q} has no mutant; add solutions/<assignment>/mutants/{q}__<mistake>.py")
            for q in questions if not matrix.mutants_for(q)]


def naming_findings(problems: list[NamingProblem], root: Path) -> list[Finding]:
    return [finding("mutant-name", str(p.path.relative_to(root) if p.path.is_relative_to(root) else p.path),
                    f"{p.message} (not graded)") for p in problems]


def grader_findings(worker_errors: list[str]) -> list[Finding]:
    return [finding("grader", "worker", e.strip().splitlines()[-1] if e.strip() else "failed") for e in worker_errors]
