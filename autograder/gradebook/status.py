"""How a graded submission went, in the terms of the progress display and the runs table."""

from __future__ import annotations

from autograder.scoring.results import SubmissionResult

TIMEOUT_PHRASE = "did not return within"


def timed_out(result: SubmissionResult) -> bool:
    """Some test reports that a student function ran out of time."""
    return any(not t.passed and TIMEOUT_PHRASE in t.output for t in result.tests)


def failed_to_run(result: SubmissionResult) -> bool:
    """The submission could not be run at all (load error, notebook crash, grader failure)."""
    return result.error is not None
