"""Shared fixtures for the framework's own tests.

Grading is the expensive part (a worker process, a sandbox host with TensorFlow and PyTorch
imported), so each assignment's standard corpus (reference, untouched notebook, examples, mutants,
alternatives) is graded once per test session in one batch, and tests read its results.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.authoring.variants import alternatives, mutants, write_variants
from autograder.config import AssignmentPaths, load_config
from autograder.grading import grade
from autograder.scoring.results import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("text_generation", "style_transfer", "autoencoders")


def paths_for(name: str) -> AssignmentPaths:
    return AssignmentPaths(name=name, root=ROOT)


def grade_dir(name: str, submissions: Path, out: Path, workers: int = 2) -> dict[str, SubmissionResult]:
    """Grade every file in ``submissions`` with the real engine; results by key."""
    results = grade(ROOT / "grading_config.yaml", name, [submissions], out, workers=workers)
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
        self.mutants = write_variants(self.paths, mutants(self.paths), subs)
        self.alternatives = write_variants(self.paths, alternatives(self.paths), subs)
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
