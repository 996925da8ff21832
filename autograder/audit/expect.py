"""What each audited submission must score, and the note on a second grading of one that did not."""

from __future__ import annotations

from autograder.scoring.results import SubmissionResult


def lost_questions(result: SubmissionResult) -> set[str]:
    return {q.name for q in result.questions if q.score < q.max_score}


def as_expected(kind: str, result: SubmissionResult, question: str | None = None) -> bool:
    """Full marks (reference, seeded runs, alternatives), zero (untouched notebook), or points lost on
    the mutant's own question and nowhere else."""
    if result.error:
        return False
    if kind == "untouched":
        return result.total == 0
    if kind == "mutant":
        return lost_questions(result) == {question}
    return result.total == result.max_total


def recheck_note(kind: str, again: SubmissionResult | None, question: str | None = None) -> str:
    """Whether grading the same submission (same seed) a second time gave the same verdict."""
    if again is None:
        return ""
    if as_expected(kind, again, question):
        return (" [graded again with the same seed, it was as expected: the outcome depends on more than "
                "the seed (timing, load, the sandbox)]")
    return " [graded again with the same seed: the same verdict]"
