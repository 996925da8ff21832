"""A gradebook of many students written directly (no grading): style_transfer-shaped results with
public and hidden tests, a few recurring mistakes whose messages differ only in their numbers,
identities from every LMS (names with commas, non-ASCII names), some submissions late."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from autograder.config import Assignment, LatePolicy, Question
from autograder.gradebook.model import StudentIdentity
from autograder.gradebook.store import Gradebook, ResultKey, SubmissionRecord
from autograder.scoring.results import SubmissionResult, score_tests
from autograder.testing.outcome import TestOutcome

ASSIGNMENT = "style_transfer"
DUE = datetime(2024, 3, 2, 20, 0, tzinfo=UTC)
SPEC = Assignment(title="Neural style transfer",
                  questions={"gram_matrix": Question(points=4, title="Gram matrix"),
                             "style_loss": Question(points=3, title="Style loss"),
                             "content_loss": Question(points=2, title="Content loss")},
                  due=DUE, late_policy=LatePolicy(kind="percent_per_day", percent=10))
TESTS = {  # question -> (test id, visibility, message with {a} {b} {x} slots)
    "gram_matrix": [
        ("public/gram_matrix.py::test_by_hand", "visible",
         "gram_matrix of a ({a}, {b}, 3) map should be [[{x}, 1.5], [1.5, {x}]]; got [[0.{a}, 0.2], [0.2, 0.{b}]]"),
        ("hidden/test_gram_matrix.py::test_single", "after_published",
         "gram_matrix(an array of shape ({a}, {b}, 3)) returned a wrong result: {a} of {a} values are off, "
         "first at index [0, 0] where it returned {x}"),
        ("hidden/test_gram_matrix.py::test_batch", "after_due_date",
         "gram_matrix(an array of shape (2, {a}, {b}, 4)) returned shape ({a}, 4) instead of (2, 4, 4)"),
        ("hidden/test_gram_matrix.py::test_secret", "hidden", "gram_matrix returned {x} for the secret input"),
    ],
    "style_loss": [
        ("public/style_loss.py::test_by_hand", "visible", "style_loss(...) returned {x}; expected 0.{a}"),
        ("hidden/test_style_loss.py::test_layers", "after_published",
         "style_loss(an array of shape ({a}, {b}, 16), ...) returned {x}, which is not the right value"),
    ],
    "content_loss": [
        ("public/content_loss.py::test_sum", "visible",
         "content_loss(zeros((1, 2, 2)), ...) returned {x}; expected 15"),
        ("hidden/test_content_loss.py::test_squared", "after_published",
         "content_loss(an array of shape ({a}, {b}, 2), ...) returned {x}, which is not the right value"),
    ],
}
MISTAKES = [  # which tests a recurring mistake fails
    (),
    ("public/gram_matrix.py::test_by_hand", "hidden/test_gram_matrix.py::test_single"),
    ("hidden/test_gram_matrix.py::test_batch",),
    ("public/content_loss.py::test_sum", "hidden/test_content_loss.py::test_squared"),
    ("hidden/test_style_loss.py::test_layers", "hidden/test_gram_matrix.py::test_secret"),
]
NAMES = ["Doe, Jane", "Ana María Núñez", "Zoë Ødegård", "O'Brien, Seán", "李 小龙", "Bob \"Bobby\" Smith"]


def identity(i: int) -> StudentIdentity:
    name = f"{NAMES[i % len(NAMES)]} {i}"
    kind = i % 3
    if kind == 0:
        return StudentIdentity(key=f"canvas{i}", name=name, login=f"canvas{i}", lms_id=str(10000 + i),
                               source="canvas")
    if kind == 1:
        return StudentIdentity(key=f"moodle_{i}", name=name, lms_id=str(2000 + i), source="moodle")
    return StudentIdentity(key=f"s{i}@example.edu", name=name, email=f"s{i}@example.edu", login=f"s{i}@example.edu",
                           sis_id=str(900000 + i), source="gradescope")


PARAMS = 10  # each hidden test runs on this many cases (about 40 tests a submission, as style_transfer has)


def cases(test_id: str) -> list[str]:
    return [test_id] if test_id.startswith("public/") else [f"{test_id}[{n}]" for n in range(PARAMS)]


def result_for(key: str, rng: random.Random) -> SubmissionResult:
    failing = set(rng.choice(MISTAKES)) | set(rng.choice(MISTAKES[:3]))
    outcomes = []
    for question, tests in TESTS.items():
        for base, visibility, template in tests:
            for test_id in cases(base):
                passed = base not in failing
                a, b, x = rng.randint(2, 9), rng.randint(2, 9), round(rng.uniform(-50, 50), rng.randint(1, 5))
                outcomes.append(TestOutcome(test_id, f"{question}: {test_id.split('::')[1]}", question, 1.0,
                                            visibility, test_id.startswith("public/"), passed,
                                            "passed" if passed else template.format(a=a, b=b, x=x)))
    tests, questions = score_tests(outcomes, SPEC)
    return SubmissionResult(key, f"{key}.ipynb", ASSIGNMENT, tests, questions)


def build(path: Path, students: int = 300, seed: int = 0) -> Path:
    """Write a gradebook of ``students`` graded submissions of ``ASSIGNMENT`` at ``path``."""
    rng = random.Random(seed)
    key = ResultKey(ASSIGNMENT, "synthetic", "synthetic")
    with Gradebook(path) as book:
        run = book.start_run(key, SPEC, regrade=False, command="synthetic", submissions=students, superseded=0)
        for i in range(students):
            student = identity(i)
            when = DUE + timedelta(hours=rng.choice([-30, -2, 5, 30, 80]))
            sha = f"sha{i:05d}"
            sid = book.record_submission(run, ASSIGNMENT, SubmissionRecord(student, sha, ".ipynb", "hw.ipynb",
                                                                           f"/d/{i}", (when.timestamp(),), when))
            book.save_result(run, sid, key, sha, ".ipynb", result_for(student.key, rng))
        book.finish_run(run)
    return path
