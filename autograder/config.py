"""``grading_config.yaml``: assignments, questions, points, visibility, limits and deadlines.

Paths follow one layout, relative to the directory holding the config file:
``assignments/<name>/<name>.ipynb`` (student notebook), ``assignments/<name>/tests/`` (public
tests), ``solutions/<name>/solution.py`` (reference), ``solutions/<name>/tests/`` (hidden tests),
``solutions/<name>/mutants/`` (wrong implementations the tests must catch).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
CONFIG_NAME = "grading_config.yaml"
WRITTEN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(Strict):
    """Per-submission limits; every one that trips is reported to the student in words."""

    notebook_seconds: float = Field(300, gt=0, description="wall-clock time for running all cells")
    cell_seconds: float = Field(60, gt=0, description="wall-clock time for one cell")
    call_seconds: float = Field(5, gt=0, description="wall-clock time for one call of a student function")
    memory_mb: int = Field(2048, gt=0, description="memory the student's code may allocate")
    cpu_seconds: int = Field(900, gt=0, description="CPU time for the whole submission")
    file_mb: int = Field(64, gt=0, description="largest file the student's code may write")
    tmp_mb: int = Field(128, gt=0, description="size of the child's private /tmp")
    processes: int = Field(256, gt=0, description="processes and threads the student's code may run")
    restarts: int = Field(8, ge=0, description="times a dead child is restarted for later tests")
    result_mb: int = Field(32, gt=0, le=512, description="largest message (a call's result) a child may send back")


class LimitChanges(Strict):
    """An assignment's own limits: only the ones it changes (the others are the top-level ``limits``)."""

    notebook_seconds: float | None = Field(None, gt=0)
    cell_seconds: float | None = Field(None, gt=0)
    call_seconds: float | None = Field(None, gt=0)
    memory_mb: int | None = Field(None, gt=0)
    cpu_seconds: int | None = Field(None, gt=0)
    file_mb: int | None = Field(None, gt=0)
    tmp_mb: int | None = Field(None, gt=0)
    processes: int | None = Field(None, gt=0)
    restarts: int | None = Field(None, ge=0)
    result_mb: int | None = Field(None, gt=0, le=512)


class LatePolicy(Strict):
    kind: Literal["none", "zero", "percent_per_day"] = "none"
    percent: float = Field(0, ge=0, le=100)
    grace_minutes: float = Field(0, ge=0)


class Question(Strict):
    points: float = Field(gt=0)
    title: str = ""


class WrittenQuestion(Strict):
    """A question a tutor marks by hand: an answer in words in the notebook, no tests (``autograder export
    answers``, ``autograder import marks``). The notebook marks the answer cell with the tag ``answer:<id>``,
    or it is the cell after a heading naming the question (its id or title)."""

    points: float = Field(gt=0)
    title: str = ""
    rubric: str = Field("", description="what a full answer says, for the tutors who mark it (Markdown)")


class Assignment(Strict):
    title: str
    questions: dict[str, Question]
    public_visibility: Visibility = "visible"
    hidden_visibility: Visibility = "after_published"
    due: datetime | None = None
    late_policy: LatePolicy = LatePolicy()
    limits: LimitChanges | None = None  # only what differs from the top-level limits
    warm_imports: tuple[str, ...] = Field((), description="libraries the tests' portable models need in the sandbox "
                                                          "(imported once by the sandbox host)")
    test_imports: tuple[str, ...] = Field((), description="libraries the tests use in the grader to build their "
                                                          "references (imported once by each worker)")
    written: dict[str, WrittenQuestion] = Field(default_factory=dict, description="questions marked by tutors")

    @field_validator("questions")
    @classmethod
    def _non_empty(cls, v: dict) -> dict:
        if not v:
            raise ValueError("an assignment needs at least one question")
        return v

    @field_validator("written")
    @classmethod
    def _written_ids(cls, v: dict) -> dict:
        bad = [q for q in v if not WRITTEN_ID.fullmatch(q)]
        if bad:
            raise ValueError(f"written question ids must be letters, digits and underscores: {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _distinct_ids(self) -> Assignment:
        both = sorted(set(self.questions) & set(self.written))
        if both:
            raise ValueError(f"{', '.join(both)}: both an automatic and a written question")
        return self


class Config(Strict):
    course: str = ""
    limits: Limits = Limits()
    warm_imports: tuple[str, ...] = ("numpy", "tensorflow", "keras", "torch")
    isolate: bool = True
    fork_server: bool = True  # false: a fresh host per submission (where forking after imports is unsafe)
    assignments: dict[str, Assignment]


class AssignmentPaths(BaseModel):
    """Where an assignment's files live (derived from its name, never configured)."""

    model_config = ConfigDict(frozen=True)
    name: str
    root: Path

    @property
    def student_dir(self) -> Path:
        return self.root / "assignments" / self.name

    @property
    def notebook(self) -> Path:
        return self.student_dir / f"{self.name}.ipynb"

    @property
    def public_tests(self) -> Path:
        return self.student_dir / "tests"

    @property
    def solution_dir(self) -> Path:
        return self.root / "solutions" / self.name

    @property
    def solution(self) -> Path:
        return self.solution_dir / "solution.py"

    @property
    def hidden_tests(self) -> Path:
        return self.solution_dir / "tests"

    @property
    def mutants(self) -> Path:
        return self.solution_dir / "mutants"

    @property
    def alternatives(self) -> Path:
        return self.solution_dir / "alternatives"


class ConfigError(Exception):
    """The grading configuration is missing or invalid (a message for course staff)."""


def find_config(start: Path | None = None) -> Path:
    """The nearest ``grading_config.yaml`` from ``start`` (default: the working directory) upwards."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_NAME).is_file():
            return d / CONFIG_NAME
    raise ConfigError(f"no {CONFIG_NAME} found in {here} or its parents: run autograder inside the course "
                      f"project, or give the file with --config PATH (before or after the command)")


def load_config(path: Path | None = None) -> tuple[Config, Path]:
    """Parse and validate the config; returns it with the project root (the config's directory)."""
    path = path or find_config()
    try:
        data = yaml.safe_load(path.read_text())
        return Config.model_validate(data), path.resolve().parent
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"{path} is invalid:\n{exc}") from exc


def assignment(config: Config, name: str) -> Assignment:
    try:
        return config.assignments[name]
    except KeyError:
        known = ", ".join(sorted(config.assignments))
        raise ConfigError(f"unknown assignment {name!r}; the config defines: {known}") from None


def limits_for(config: Config, name: str) -> Limits:
    """The assignment's limits: the top-level ones, with what its own section changes."""
    changes = assignment(config, name).limits
    return config.limits.model_copy(update=changes.model_dump(exclude_none=True)) if changes else config.limits
