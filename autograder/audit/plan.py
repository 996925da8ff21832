"""The submissions an audit grades, each an ``Entry``: what it is, and the grading job for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from autograder.audit.variants import Variant, write_variants
from autograder.config import AssignmentPaths
from autograder.submission.discover import Job

Kind = Literal["reference", "seeded", "untouched", "mutant", "alternative"]


@dataclass(frozen=True)
class Entry:
    """One submission of the audit. ``seeded`` entries are the reference under a run seed."""

    kind: Kind
    job: Job
    variant: Variant | None = None

    @property
    def key(self) -> str:
        return self.job.key


def seeds(first: int, runs: int) -> list[int]:
    return list(range(first, first + runs))


def plan(paths: AssignmentPaths, mutants: list[Variant], alternatives: list[Variant], run_seeds: list[int],
         workdir: Path) -> list[Entry]:
    """Every submission to grade; variants are written to ``workdir`` (reference + the variant's code).

    The reference, the untouched notebook, the mutants and the alternatives are graded as students
    are (no seed: derandomized hypothesis); the reference is graded again under every run seed.
    """
    entries = [Entry("reference", Job(paths.solution, "reference"))]
    for key, variant in write_variants(paths, mutants + alternatives, workdir).items():
        entries.append(Entry("mutant" if variant.question else "alternative", Job(workdir / f"{key}.py", key), variant))
    if paths.notebook.is_file():
        entries.append(Entry("untouched", Job(paths.notebook, "untouched")))
    entries += [Entry("seeded", Job(paths.solution, f"reference@seed={s}", s)) for s in run_seeds]
    return entries
