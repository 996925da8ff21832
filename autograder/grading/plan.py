"""Planning a run: one submission per student, staged and fingerprinted, recorded in the gradebook,
and split into what is reused and what is graded (identical files graded once)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from autograder.gradebook.store import Gradebook, SubmissionRecord
from autograder.lms.collect import collect
from autograder.lms.model import Candidate, Collection
from autograder.lms.stage import Staged, stage
from autograder.submission.discover import Job

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


def read_submissions(submissions: list[Path]) -> Collection:
    """Every argument read: files, zips, directories and LMS downloads, one candidate per student."""
    return collect(submissions)


def record(book: Gradebook, run_id: int, name: str, c: Candidate, staging: Path) -> Planned:
    """Stage ``c`` and record it in the gradebook."""
    staged = stage(c, staging)
    rec = SubmissionRecord(student=c.identity, sha256=staged.sha256, kind=staged.path.suffix.lower(),
                           filename=c.filename, origin=c.entry.origin, rank=c.rank, submitted_at=c.submitted_at,
                           lms_submission=c.group, late=c.late, readable=not staged.error)
    return Planned(c, staged, book.record_submission(run_id, name, rec))


def by_content(fresh: list[Planned]) -> dict[str, list[Planned]]:
    """Submissions with identical content, keyed by the first one's student (which gets graded)."""
    groups: dict[tuple[str, str], list[Planned]] = {}
    for p in fresh:
        groups.setdefault((p.staged.sha256, p.kind), []).append(p)
    return {group[0].key: group for group in groups.values()}


def longest_first(jobs: list[Job]) -> list[Job]:
    """The jobs whose cost is unknown first, in their order, then the others longest first: a regrade's
    endless loop starts at once instead of being the run's tail (longest processing time first)."""
    return sorted(jobs, key=lambda job: -math.inf if job.expected_seconds is None else -job.expected_seconds)
