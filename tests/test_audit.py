"""``autograder audit``: the real audit of every assignment passes, and a broken project fails it.

The audits grade with the real engine (one pool each); the reference runs under 20 seeds for every
assignment, as ``make audit`` does (see README, "For course authors").

A second, temporary project (a copy of ``autoencoders``) has one assertion removed from a hidden
test, a test that fails on purpose for some hypothesis examples, and two badly named mutant files:
its audit must fail and name each problem, and a failing seed must reproduce.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ASSIGNMENTS, AUDIT_RUNS

from autograder.audit.clauses import CLAUSE_CHECKS, clause_findings, clause_table
from autograder.audit.html import render_html
from autograder.audit.matrix import Matrix, MutantVerdict
from autograder.audit.matrix import TestInfo as RowInfo
from autograder.audit.text import CHECKS, render_text
from autograder.audit.variants import Variant
from autograder.cli import main
from autograder.grading.pool import GradingPool
from autograder.scoring.results import QuestionResult, SubmissionResult
from autograder.submission.discover import Job

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"

WORKERS = 2
CLAUSE_CHECK = next(label for label, names in CHECKS if names == CLAUSE_CHECKS)


@pytest.mark.parametrize("name", list(ASSIGNMENTS))
def test_audit_passes(audited, name):
    report = audited(name)
    assert report.passed, render_text(report)
    assert sorted(report.seeded) == list(range(AUDIT_RUNS))
    assert all(r.total == r.max_total for r in report.seeded.values())
    assert report.untouched is not None and report.untouched.total == 0
    assert report.matrix.mutants and all(m.caught and not m.off_target for m in report.matrix.mutants)
    assert {f.check for f in report.warnings} <= {"idle-test"}


@pytest.mark.parametrize("name", list(ASSIGNMENTS))
def test_report_shows_every_test_and_mutant(audited, name):
    report = audited(name)
    text, html = render_text(report), render_html(report)
    for m in report.matrix.mutants:
        assert m.name in text and m.name in html
    for t in report.matrix.tests:
        assert t.test_id in html
    assert "<script" not in html and "http" not in html.replace("http-equiv", ""), "audit.html must be self-contained"


@pytest.mark.parametrize("name", list(ASSIGNMENTS))
def test_every_clause_is_proven(audited, name):
    """clauses.yaml: every question has clauses, every clause's mutants are caught by a test of its question and
    its alternatives score the maximum, and every mutant file is listed by some clause"""
    report = audited(name)
    table = report.clauses
    assert table is not None and table.rows and not table.problems, table and table.problems
    assert {r.clause.question for r in table.rows} == set(report.questions)
    for row in table.rows:
        assert row.mutants or row.alternatives, row.clause.id
        assert all(m.caught and m.failing for m in row.mutants), row
        assert all(a.full for a in row.alternatives), row
    assert not table.unlisted
    assert not [f for f in report.findings if f.check in CLAUSE_CHECKS or f.check == "clause-unlisted"]
    text, html = render_text(report), render_html(report)
    for row in table.rows:
        assert f"  {row.clause.id}\n" in text and row.clause.id in html


# ---- the clause checks on a synthetic grading ---------------------------------------------------------------

CAUGHT, ESCAPES = "kl_divergence__positive_half", "kl_divergence__keepdims"
KL_TESTS = [RowInfo(f"hidden/test_kl_divergence.py::{t}", t, "kl_divergence", False)
            for t in ("test_sign", "test_shape")]
CLAUSES = """clauses:
  - id: kl_divergence.formula
    question: kl_divergence
    text: "the formula"
    mutants: [kl_divergence__positive_half]
    alternatives: [float32_numpy]
"""


def scored(score: float, max_score: float = 3.0) -> SubmissionResult:
    return SubmissionResult("s", "s.py", "autoencoders",
                            questions=[QuestionResult("kl_divergence", score, max_score, 0, 2)])


def synthetic_table(tmp_path: Path, clauses: str | None, alternative_score: float = 3.0):
    """The clause table of a grading where ``CAUGHT`` fails one test of its question and ``ESCAPES`` none."""
    (tmp_path / "mutants").mkdir(exist_ok=True)
    (tmp_path / "alternatives").mkdir(exist_ok=True)
    for stem in (CAUGHT, ESCAPES):
        (tmp_path / "mutants" / f"{stem}.py").write_text("# a mistake\n")
    (tmp_path / "alternatives" / "float32_numpy.py").write_text("# float32\n")
    if clauses is not None:
        (tmp_path / "clauses.yaml").write_text(clauses)
    caught = MutantVerdict(Variant(tmp_path / "mutants" / f"{CAUGHT}.py", "kl_divergence", "positive_half"), "",
                           failed={KL_TESTS[0].test_id: "wrong sign"}, lost={"kl_divergence": (1.5, 3.0)})
    escapes = MutantVerdict(Variant(tmp_path / "mutants" / f"{ESCAPES}.py", "kl_divergence", "keepdims"), "")
    return clause_table(tmp_path / "clauses.yaml", ["kl_divergence"], Matrix(KL_TESTS, [caught, escapes]),
                        {"float32_numpy": scored(alternative_score)}, tmp_path / "mutants", tmp_path / "alternatives")


def errors(table) -> list[tuple[str, str, str]]:
    return [(f.check, f.subject, f.message) for f in clause_findings(table) if f.level == "error"]


def test_clauses_pass_when_every_mutant_is_caught_and_every_alternative_scores(tmp_path):
    table = synthetic_table(tmp_path, CLAUSES)
    assert errors(table) == []
    (row,) = table.rows
    assert row.mutants[0].caught and row.mutants[0].failing == (KL_TESTS[0].test_id,)
    assert row.alternatives[0].full and row.alternatives[0].score == "3/3"
    assert [(f.level, f.check, f.subject) for f in clause_findings(table)] == [
        ("warning", "clause-unlisted", f"mutants/{ESCAPES}.py")]


def test_missing_clause_file_fails(tmp_path):
    assert [(c, s) for c, s, _ in errors(synthetic_table(tmp_path, None))] == [("clauses", "clauses.yaml")]


def test_clause_without_mutant_or_alternative_fails(tmp_path):
    clauses = CLAUSES + '  - id: kl_divergence.shape\n    question: kl_divergence\n    text: "shape (B,)"\n'
    assert [(c, s) for c, s, _ in errors(synthetic_table(tmp_path, clauses))] == [
        ("clause-empty", "kl_divergence.shape")]


def test_listed_mutant_or_alternative_that_does_not_exist_fails(tmp_path):
    clauses = CLAUSES.replace("[kl_divergence__positive_half]", "[kl_divergence__positive_half, kl_divergence__gone]")
    clauses = clauses.replace("[float32_numpy]", "[float32_numpy, tensorflow]")
    found = errors(synthetic_table(tmp_path, clauses))
    assert [(c, s) for c, s, _ in found] == [("clause-unknown-file", "kl_divergence.formula")] * 2
    assert "mutants/kl_divergence__gone.py" in found[0][2] and "alternatives/tensorflow.py" in found[1][2]


def test_listed_mutant_no_test_catches_fails(tmp_path):
    clauses = CLAUSES.replace("[kl_divergence__positive_half]", f"[kl_divergence__positive_half, {ESCAPES}]")
    (found,) = errors(synthetic_table(tmp_path, clauses))
    assert found[:2] == ("clause-escapes", "kl_divergence.formula")
    assert ESCAPES in found[2] and "the formula" in found[2]


def test_listed_alternative_below_full_marks_fails(tmp_path):
    (found,) = errors(synthetic_table(tmp_path, CLAUSES, alternative_score=2.0))
    assert found[:2] == ("clause-alternative", "kl_divergence.formula") and "2/3" in found[2]


@pytest.mark.parametrize(("entry", "problem"), [
    ('  - id: x.y\n    question: kl_divergence\n    mutants: [a]\n', "entry 2 (x.y): text: field required"),
    ('  - id: kl_divergence.formula\n    question: kl_divergence\n    text: t\n    mutants: [a]\n',
     "entry 2 (kl_divergence.formula): the id 'kl_divergence.formula' repeats"),
    ('  - id: x.y\n    question: kl_divergnce\n    text: t\n    mutants: [a]\n',
     "entry 2 (x.y): question 'kl_divergnce' is not one of kl_divergence"),
    ('  - id: x.y\n    question: kl_divergence\n    text: t\n    mutant: [a]\n',
     "entry 2 (x.y): mutant: extra inputs are not permitted"),
    ('  - just a string\n', "entry 2: is not a mapping"),
], ids=["no-text", "repeated-id", "unknown-question", "unknown-key", "not-a-mapping"])
def test_malformed_entries_fail_naming_the_entry(tmp_path, entry, problem):
    table = synthetic_table(tmp_path, CLAUSES + entry)
    assert [m for c, _, m in errors(table) if c == "clauses"] == [problem]
    assert [r.clause.id for r in table.rows] == ["kl_divergence.formula"], "the valid entries are still checked"


def test_unreadable_clause_file_fails(tmp_path):
    (found,) = errors(synthetic_table(tmp_path, "clauses: [unclosed\n"))
    assert found[0] == "clauses" and "cannot be read" in found[2]


# ---- a broken project ---------------------------------------------------------------------------

WEAKENED_TEST = "solutions/autoencoders/tests/test_vae_sample.py"
REMOVED_ASSERTION = "returned the same sample twice"  # test_without_rng's second check
ESCAPING_MUTANT = "vae_sample__seeded_default_rng.py"  # caught by that check alone
KEPT_MUTANTS = {ESCAPING_MUTANT, "denoising_mask__not_inverted.py", "kl_divergence__positive_half.py"}
FLAKY_TEST = '''import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pytestmark = pytest.mark.question("kl_divergence")
UNLUCKY = 1  # drawn by none of the derandomized examples, by some examples of other seeds


@settings(max_examples=10)
@given(x=st.integers(0, 99))
def test_flaky_on_purpose(student, x):
    """fails for one value in ten: graded derandomized it passes, under other seeds it fails"""
    student.kl_divergence(np.zeros(2), np.zeros(2))
    assert x % 10 != UNLUCKY, f"drew {x}"
'''
BAD_NAMES = {"kl_divergence_wrong_sign.py": "no '__' between question and mistake",
             "kl_divergnce__wrong_sign.py": "(did you mean 'kl_divergence'?)"}
FLAKY_RUNS = 10


def copy_project(root: Path, *leave_out: str) -> Path:
    """A project at ``root`` with the config and the autoencoders assignment (without ``leave_out`` folders)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFIG, root / "grading_config.yaml")
    shutil.copytree(ROOT / "assignments" / "autoencoders", root / "assignments" / "autoencoders")
    shutil.copytree(ROOT / "solutions" / "autoencoders", root / "solutions" / "autoencoders",
                    ignore=shutil.ignore_patterns("__pycache__", *leave_out))
    shutil.copy(ROOT / "solutions" / "__init__.py", root / "solutions" / "__init__.py")
    return root


def remove_assertion(path: Path, fragment: str) -> None:
    """Delete the ``if ...: raise AssertionError(...)`` statement whose message contains ``fragment``."""
    source = path.read_text()
    found = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.If)
             and fragment in ast.get_source_segment(source, n)]
    assert len(found) == 1, f"{path}: expected one check mentioning {fragment!r}"
    lines = source.splitlines(keepends=True)
    del lines[found[0].lineno - 1:found[0].end_lineno]
    path.write_text("".join(lines))


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory) -> Path:
    """A copy of the autoencoders assignment (one mutant per question, no alternatives) with a weakened
    test, a flaky test and two misnamed mutants."""
    root = copy_project(tmp_path_factory.mktemp("broken-project"), "alternatives")
    remove_assertion(root / WEAKENED_TEST, REMOVED_ASSERTION)
    (root / "solutions" / "autoencoders" / "tests" / "test_flaky_on_purpose.py").write_text(FLAKY_TEST)
    mutants = root / "solutions" / "autoencoders" / "mutants"
    for path in mutants.iterdir():  # one mutant per question keeps this audit short
        if path.name not in KEPT_MUTANTS:
            path.unlink()
    for bad in BAD_NAMES:
        shutil.copy(mutants / "kl_divergence__positive_half.py", mutants / bad)
    keep_clauses_of(root / "solutions" / "autoencoders" / "clauses.yaml", {m.removesuffix(".py") for m in KEPT_MUTANTS})
    return root


def keep_clauses_of(path: Path, mutants: set[str]) -> None:
    """Keep only the clauses that list one of ``mutants`` (and only those mutants, no alternatives)."""
    clauses = yaml.safe_load(path.read_text())["clauses"]
    kept = [{**c, "mutants": [m for m in c["mutants"] if m in mutants]} for c in clauses
            if set(c.get("mutants", [])) & mutants]
    for c in kept:
        c.pop("alternatives", None)
    path.write_text(yaml.safe_dump({"clauses": kept}, sort_keys=False))


@pytest.fixture(scope="module")
def broken_audit(broken_project) -> tuple[int, str]:
    """The CLI's exit code and printed report for the broken project."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["--config", str(broken_project / "grading_config.yaml"), "audit", "autoencoders",
                     "--runs", str(FLAKY_RUNS), "--workers", str(WORKERS), "--out", str(broken_project / "out")])
    return code, printed.getvalue()


def section(text: str, label: str) -> str:
    """The lines of one check in the printed summary (its status line and its findings)."""
    lines = text.split("checks and flags", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if label in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("          ")), len(lines))
    return "\n".join(lines[start:end])


def test_weakened_test_fails_the_audit_and_names_the_escaping_mutant(broken_audit):
    code, out = broken_audit
    assert code == 1, out
    assert section(out, "flag: mutants no test catches").lstrip().startswith("FAIL")
    mutants = section(out, "every mutant loses points on its own question")
    assert mutants.lstrip().startswith("FAIL") and f"{ESCAPING_MUTANT}: no test fails on it" in mutants, mutants
    assert "FAIL: autoencoders" in out


def test_badly_named_mutants_are_reported(broken_audit):
    _, out = broken_audit
    names = section(out, "mutant files are named")
    for bad, reason in BAD_NAMES.items():
        assert bad in names and reason in names, names


def test_flaky_test_is_reported_with_a_seed_that_reproduces_it(broken_audit, broken_project):
    _, out = broken_audit
    flaky = section(out, "reference under every run seed")
    assert flaky.lstrip().startswith("FAIL") and "test_flaky_on_purpose.py::test_flaky_on_purpose" in flaky, flaky
    assert section(out, "reference scores the maximum").lstrip().startswith("ok"), "derandomized grading passes"
    seed = int(flaky.split("under seed ", 1)[1].split(":", 1)[0])
    assert f"--seed {seed} --host-seed 0" in flaky
    # the same seed fails again, alone, in a fresh pool; derandomized grading still passes
    solution = broken_project / "solutions" / "autoencoders" / "solution.py"
    with GradingPool(broken_project / "grading_config.yaml", "autoencoders", seed=0) as pool:
        pool.submit([Job(solution, "again", seed), Job(solution, "derandomized")])
        results = {r.submission: r for r in pool.results()}
    failed = [t.test_id for t in results["again"].tests if not t.passed]
    assert failed == ["hidden/test_flaky_on_purpose.py::test_flaky_on_purpose"], failed
    assert results["derandomized"].total == results["derandomized"].max_total


def test_only_the_planted_problems_fail_it(broken_audit):
    _, out = broken_audit
    failing = [label for label, _ in CHECKS if f"FAIL  {label}" in out]
    assert failing == ["reference under every run seed: no false failure",
                       "mutant files are named <question>__<mistake>.py",
                       "every mutant loses points on its own question, and only there",
                       "flag: mutants no test catches",
                       CLAUSE_CHECK], failing


def test_the_clause_of_the_escaping_mutant_fails(broken_audit):
    _, out = broken_audit
    clauses = section(out, CLAUSE_CHECK)
    assert clauses.lstrip().startswith("FAIL"), clauses
    assert f"vae_sample.default_rng_when_none: mutant {ESCAPING_MUTANT.removesuffix('.py')} keeps full marks" in clauses
    assert len(clauses.splitlines()) == 2, "only that clause fails"
    table = out.split("clause table", 1)[1].split("checks and flags", 1)[0]
    assert f"{ESCAPING_MUTANT.removesuffix('.py')} -> ESCAPES (no test fails)" in table


def test_html_report_is_written(broken_audit, broken_project):
    html = (broken_project / "out" / "audit.html").read_text()
    assert ESCAPING_MUTANT.removesuffix(".py") in html and "FAIL" in html


# ---- seeds reach the sandbox child ------------------------------------------------------------------

PROBE_TEST = '''import json, os
import pytest

pytestmark = pytest.mark.question("kl_divergence")


def test_probe(student):
    """records what the child saw (hash seed, global RNGs)"""
    if student.defines("probe"):
        with open(os.environ["AUDIT_PROBE_OUT"], "w") as f:
            json.dump(student.probe(), f)
'''
PROBE = '''

def probe():
    import random
    import numpy as np
    return [hash("generative networks"), random.random(), float(np.random.random())]
'''


def test_pool_seed_sets_the_childs_hash_seed_and_global_rngs(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project", "mutants", "alternatives")
    (root / "solutions" / "autoencoders" / "tests" / "test_probe.py").write_text(PROBE_TEST)
    submission = tmp_path / "probe.py"
    submission.write_text((ROOT / "solutions" / "autoencoders" / "solution.py").read_text() + PROBE)
    seed, out = 1234, tmp_path / "probe.json"
    monkeypatch.setenv("AUDIT_PROBE_OUT", str(out))
    with GradingPool(root / "grading_config.yaml", "autoencoders", seed=seed) as pool:
        result = pool.grade_one(Job(submission, "probe"))
    assert result.total == result.max_total, [t.output for t in result.tests if not t.passed]
    expected = subprocess.run(
        [sys.executable, "-c", f"import json, random, numpy as np; random.seed({seed}); np.random.seed({seed}); "
         "print(json.dumps([hash('generative networks'), random.random(), float(np.random.random())]))"],
        env={**os.environ, "PYTHONHASHSEED": str(seed)}, capture_output=True, text=True, check=True)
    assert json.loads(out.read_text()) == json.loads(expected.stdout)
