"""The hidden tests separate right from wrong: graded with the real engine (the session's audit).

- the reference solution scores the maximum;
- every mutant (``solutions/<name>/mutants/<question>__<mistake>.py``, one realistic mistake in one
  function) loses points on its own question and keeps full points on every other question;
- every legitimate alternative (float32, TensorFlow, Keras, PyTorch, other sampling primitives and
  beam-search data structures, ``solutions/<name>/alternatives/``) scores the maximum;
- every question has at least ``MIN_MUTANTS`` mutants, and the files follow the corpus conventions.

Each assignment is audited once per session (``audited`` fixture); the per-mutant and
per-alternative tests only read its results.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ASSIGNMENTS

from autograder.audit.variants import Variant, alternatives, mutants
from autograder.config import AssignmentPaths, load_config
from autograder.scoring.results import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
MIN_MUTANTS = 8
# The implementations each assignment's tests must accept (its issue or the spec names them).
REQUIRED_ALTERNATIVES = {
    "text_generation": {"float32_numpy", "tensorflow", "keras_ops", "pytorch", "sample_inverse_cdf",
                        "sample_multinomial", "sample_gumbel_max"},
    "style_transfer": {"float32_numpy", "tensorflow", "keras_ops", "pytorch"},
    "autoencoders": {"float32_numpy", "tensorflow", "keras_ops", "pytorch"},
    "keras_autoencoders": {"functional", "subclassed", "sequential_add", "keras_ops", "tensorflow", "float32_numpy",
                           "pytorch"},
    "adversarial": {"keras_losses", "tf_nn", "tf_function", "keras_ops_numpy"},
    "transformers": {"numpy_loops", "pytorch", "tensorflow"},
}


def paths(name: str) -> AssignmentPaths:
    return AssignmentPaths(name=name, root=ROOT)


def questions(name: str) -> list[str]:
    return list(load_config(ROOT / "grading_config.yaml")[0].assignments[name].questions)


def variant_params(kind) -> list:
    return [pytest.param(name, v, id=f"{name}-{v.path.stem}") for name in ASSIGNMENTS for v in kind(paths(name))]


def scores(result: SubmissionResult) -> str:
    return ", ".join(f"{q.name} {q.score:g}/{q.max_score:g}" for q in result.questions)


def failures(result: SubmissionResult, question: str | None = None) -> str:
    """The failed tests (of one question, or all) with the output a student would see."""
    lines = [f"  - {t.name}: {t.output.strip()}" for t in result.tests
             if not t.passed and (question is None or t.question == question)]
    return "\n".join(lines) or "  (no failed test)"


def graded(audited, name: str, variant: Variant) -> SubmissionResult:
    report = audited(name)
    result = (report.alternatives.get(variant.name) if variant.question is None else
              next((m.result for m in report.matrix.mutants if m.variant.path == variant.path), None))
    assert result is not None, f"{variant.key} was not graded by the audit"
    assert result.error is None, f"{variant.key} could not be graded: {result.error}\n{failures(result)}"
    return result


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_scores_the_maximum(audited, name):
    result = audited(name).reference
    assert result is not None and result.error is None, f"{name}: the reference could not be graded"
    config = load_config(ROOT / "grading_config.yaml")[0].assignments[name]
    assert result.max_total == sum(q.points for q in config.questions.values())
    assert result.total == result.max_total, (
        f"{name}: the reference scored {result.total}/{result.max_total} ({scores(result)}):\n{failures(result)}")
    assert all(t.passed for t in result.tests)


@pytest.mark.parametrize(("name", "variant"), variant_params(mutants))
def test_mutant_loses_points_only_on_its_question(audited, name, variant):
    result = graded(audited, name, variant)
    own = result.question(variant.question)
    assert own.score < own.max_score, (
        f"mutant {variant.path.name} ({name}) escaped: it scored {own.score:g}/{own.max_score:g} on "
        f"{variant.question}; no hidden test catches this mistake: {mistake(variant)}")
    for q in result.questions:
        if q.name != variant.question:
            assert q.score == q.max_score, (
                f"mutant {variant.path.name} ({name}) changes only {variant.question}, yet it lost points on "
                f"{q.name} ({q.score:g}/{q.max_score:g}):\n{failures(result, q.name)}")


@pytest.mark.parametrize(("name", "variant"), variant_params(alternatives))
def test_alternative_scores_the_maximum(audited, name, variant):
    result = graded(audited, name, variant)
    assert result.total == result.max_total, (
        f"alternative {variant.path.name} ({name}) is correct but scored {result.total:g}/{result.max_total:g} "
        f"({scores(result)}); failed tests:\n{failures(result)}")


def mistake(variant: Variant) -> str:
    first = variant.path.read_text().splitlines()[0]
    return first.lstrip("# ").strip()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_question_has_enough_mutants(name):
    qs = questions(name)
    found = mutants(paths(name))
    unknown = sorted({v.path.name for v in found if v.question not in qs})
    assert not unknown, f"{name}: mutants named after no question of {qs}: {unknown}"
    counts = {q: sum(v.question == q for v in found) for q in qs}
    short = {q: n for q, n in counts.items() if n < MIN_MUTANTS}
    assert not short, f"{name}: questions with fewer than {MIN_MUTANTS} mutants: {short} (all counts: {counts})"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_required_alternatives_exist(name):
    present = {v.name for v in alternatives(paths(name))}
    missing = REQUIRED_ALTERNATIVES[name] - present
    assert not missing, f"{name}: missing alternatives {sorted(missing)} in {paths(name).alternatives}"


def top_level(path: Path) -> tuple[list[str], list[str]]:
    """(names of top-level functions and classes, descriptions of any other top-level statement that is not an
    import)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    functions, other = [], []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):  # a class question (Sampler) is defined as a class
            functions.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.Tuple)):
            continue  # module constants such as Chollet's image size
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            other.append(ast.unparse(node))  # e.g. torch.set_num_threads(1): allowed in alternatives only
        else:
            other.append(type(node).__name__)
    return functions, other


@pytest.mark.parametrize(("name", "variant"), variant_params(mutants))
def test_mutant_file_defines_only_its_function(name, variant):
    text = variant.path.read_text()
    assert text.startswith("# ") and len(text.splitlines()[0]) > 10, (
        f"{variant.path}: the first line must be a comment describing the mistake")
    functions, other = top_level(variant.path)
    assert functions == [variant.question], (
        f"{variant.path}: a mutant defines only {variant.question}, not {functions}")
    assert not other, f"{variant.path}: unexpected top-level statements {other}"


@pytest.mark.parametrize(("name", "variant"), variant_params(alternatives))
def test_alternative_file_defines_only_api_functions(name, variant):
    functions, _ = top_level(variant.path)
    qs = questions(name)
    assert functions, f"{variant.path}: an alternative replaces at least one function"
    assert set(functions) <= set(qs), f"{variant.path}: defines {functions}; only {qs} are graded"
