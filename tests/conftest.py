"""Shared fixtures for the framework's own tests.

Grading is the expensive part (a worker process, a sandbox host with TensorFlow and PyTorch
imported), so each assignment is graded at most twice per test session and tests read the results:
the ``corpus`` (reference, untouched notebook, examples, as ``autograder grade`` sees them) and the
``audited`` report (``autograder audit``: the reference under several seeds, every mutant and every
alternative).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from autograder.audit.report import AuditReport
from autograder.audit.run import audit_many
from autograder.config import AssignmentPaths, load_config
from autograder.grading.batch import Request, grade_batch, grade_batches
from autograder.scoring.results import SubmissionResult

# The suite's own property tests draw the same examples on every run (CI never fails on a new draw);
# an example once found to fail stays in its test as an @example.
settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")

# The report's plot cache (autograder/exports/plots.py): this session's own, not the user's.
if "AUTOGRADER_CACHE_DIR" not in os.environ:
    os.environ["AUTOGRADER_CACHE_DIR"] = tempfile.mkdtemp(prefix="ag-test-cache-")
    atexit.register(shutil.rmtree, os.environ["AUTOGRADER_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = tuple(load_config(ROOT / "grading_config.yaml")[0].assignments)
# Reference runs under distinct seeds in the audit (20 seeds, none may fail).
AUDIT_RUNS = 20


def paths_for(name: str) -> AssignmentPaths:
    return AssignmentPaths(name=name, root=ROOT)


def grade_dir(name: str, submissions: Path, out: Path, workers: int = 2) -> dict[str, SubmissionResult]:
    """Grade every file in ``submissions`` with the real engine; results by key."""
    results = grade_batch(ROOT / "grading_config.yaml", name, [submissions], out, workers=workers).results
    return {r.submission: r for r in results}


class Corpus:
    """An assignment's standard submissions, graded; look results up by key."""

    def __init__(self, name: str, tmp: Path) -> None:
        self.name = name
        self.paths = paths_for(name)
        self.config = load_config(ROOT / "grading_config.yaml")[0].assignments[name]
        self.submissions = tmp / "submissions"
        self.submissions.mkdir(parents=True)
        shutil.copy(self.paths.solution, self.submissions / "reference.py")
        if self.paths.notebook.exists():
            shutil.copy(self.paths.notebook, self.submissions / "untouched.ipynb")
        for example in sorted((ROOT / "examples" / name).glob("*")):
            shutil.copy(example, self.submissions / f"example__{example.name}")
        self.out = tmp / "out"
        self.results: dict[str, SubmissionResult] = {}

    def __getitem__(self, key: str) -> SubmissionResult:
        return self.results[key]

    @property
    def questions(self) -> list[str]:
        return list(self.config.questions)


def grade_corpora(names: tuple[str, ...], tmp: pytest.TempPathFactory) -> dict[str, Corpus]:
    """Every assignment's corpus, graded in one run (one pool: one start-up for all of them)."""
    corpora = {name: Corpus(name, tmp.mktemp(f"corpus-{name}")) for name in names}
    requests = [Request(name, [c.submissions], c.out) for name, c in corpora.items()]
    for report in grade_batches(ROOT / "grading_config.yaml", requests, workers=2):
        corpora[report.assignment].results = {r.submission: r for r in report.results}
    return corpora


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """``corpus(name)``: the graded standard corpus of an assignment (every assignment's is graded, in one
    run, on first use)."""
    cache: dict[str, Corpus] = {}

    def get(name: str) -> Corpus:
        if not cache:
            cache.update(grade_corpora(ASSIGNMENTS, tmp_path_factory))
        return cache[name]

    return get


@pytest.fixture(scope="session")
def audited():
    """``audited(name)``: the audit report of an assignment (every assignment is audited, with one pool,
    on first use)."""
    cache: dict[str, AuditReport] = {}

    def get(name: str) -> AuditReport:
        if not cache:
            cache.update(audit_many(ROOT / "grading_config.yaml", ASSIGNMENTS, runs=AUDIT_RUNS, workers=2))
        return cache[name]

    return get
