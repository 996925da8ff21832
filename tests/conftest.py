"""Shared fixtures for the framework's own tests.

Grading is the expensive part (a worker process, a sandbox host with TensorFlow and PyTorch
imported), so each assignment is graded at most twice per test session and tests read the results:
the ``corpus`` (reference, untouched notebook, examples, as ``autograder grade`` sees them) and the
``audited`` report (``autograder audit``: the reference under several seeds, every mutant and every
alternative).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from autograder.audit.report import AuditReport
from autograder.audit.run import audit
from autograder.config import AssignmentPaths, load_config
from autograder.grading.batch import grade_batch
from autograder.scoring.results import SubmissionResult

# The suite's own property tests draw the same examples on every run (CI never fails on a new draw);
# an example once found to fail stays in its test as an @example.
settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = tuple(load_config(ROOT / "grading_config.yaml")[0].assignments)
# Reference runs under distinct seeds in the audit (20 seeds, none may fail).
AUDIT_RUNS = dict.fromkeys(ASSIGNMENTS, 20)


def paths_for(name: str) -> AssignmentPaths:
    return AssignmentPaths(name=name, root=ROOT)


def grade_dir(name: str, submissions: Path, out: Path, workers: int = 2) -> dict[str, SubmissionResult]:
    """Grade every file in ``submissions`` with the real engine; results by key."""
    results = grade_batch(ROOT / "grading_config.yaml", name, [submissions], out, workers=workers).results
    return {r.submission: r for r in results}


class Corpus:
    """An assignment's standard submissions, graded once; look results up by key."""

    def __init__(self, name: str, tmp: Path) -> None:
        self.name = name
        self.paths = paths_for(name)
        self.config = load_config(ROOT / "grading_config.yaml")[0].assignments[name]
        subs = tmp / "submissions"
        subs.mkdir(parents=True)
        shutil.copy(self.paths.solution, subs / "reference.py")
        if self.paths.notebook.exists():
            shutil.copy(self.paths.notebook, subs / "untouched.ipynb")
        for example in sorted((ROOT / "examples" / name).glob("*")):
            shutil.copy(example, subs / f"example__{example.name}")
        self.out = tmp / "out"
        self.results = grade_dir(name, subs, self.out)

    def __getitem__(self, key: str) -> SubmissionResult:
        return self.results[key]

    @property
    def questions(self) -> list[str]:
        return list(self.config.questions)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """``corpus(name)``: the graded standard corpus of an assignment (graded on first use)."""
    cache: dict[str, Corpus] = {}

    def get(name: str) -> Corpus:
        if name not in cache:
            cache[name] = Corpus(name, tmp_path_factory.mktemp(f"corpus-{name}"))
        return cache[name]

    return get


@pytest.fixture(scope="session")
def audited():
    """``audited(name)``: the audit report of an assignment (run once per session)."""
    cache: dict[str, AuditReport] = {}

    def get(name: str) -> AuditReport:
        if name not in cache:
            cache[name] = audit(ROOT / "grading_config.yaml", name, runs=AUDIT_RUNS[name], workers=2)
        return cache[name]

    return get
