"""Generate a reproducible class of submissions (.ipynb) for one assignment.

Most are correct (the reference or an alternative), some are wrong (a mutant), a few never
return from one function (an endless loop). Every notebook imports numpy, TensorFlow and Keras
in its first code cell and carries harmless, seeded variations (comments, an extra markdown or
TensorFlow cell, different import styles), so no two files are identical: the gradebook grades
identical content only once, and a real class has no identical files either.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from autograder.audit.variants import alternatives, mutants, variant_source
from autograder.config import AssignmentPaths, assignment, load_config
from bench.cells import split_source, with_infinite_loop

IMPORT_CELLS = (
    "import numpy as np\nimport tensorflow as tf\nimport keras",
    "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras",
    "import tensorflow as tf\nimport keras\nimport numpy as np\n\nprint(tf.__version__, keras.__version__)",
    "import numpy as np\nimport tensorflow as tf\nimport keras\nfrom keras import ops",
)
TF_CELL = "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\nprint(tf.reduce_sum(x).numpy(), np.asarray(x).shape)"
NOTE_CELL = "Notes to self: I tested my functions on small inputs before submitting."
REFERENCE_WEIGHT = 3  # among NumPy answers, the reference's way is the most common
# Alternatives written with TensorFlow, Keras or PyTorch operations. The notebooks' stubs are NumPy, so
# most of a class answers in NumPy; ``framework_share`` of the correct submissions use these instead
# (their eager ops make the student's own code 7 to 10 times slower: see the report's per-variant table).
FRAMEWORK_ALTERNATIVES = ("tensorflow", "keras_ops", "pytorch")


@dataclass(frozen=True)
class Planned:
    """One generated submission: its file, what it is, and the source it was built from."""

    key: str
    assignment: str
    kind: str  # correct, wrong, timeout
    variant: str  # reference, alternative__<name>, mutant__<name>, loop__<question>
    path: str


def plan_kinds(n: int, wrong_share: float, timeout_share: float, rng: random.Random) -> list[str]:
    """``n`` kinds in a shuffled order: mostly correct, ``wrong_share`` wrong, ``timeout_share`` timeouts."""
    timeouts = max(1, round(n * timeout_share)) if timeout_share > 0 and n >= 10 else 0
    wrong = round(n * wrong_share)
    kinds = ["timeout"] * timeouts + ["wrong"] * wrong + ["correct"] * (n - timeouts - wrong)
    rng.shuffle(kinds)
    return kinds


def _source_for(kind: str, paths: AssignmentPaths, questions: list[str], rng: random.Random,
                framework_share: float) -> tuple[str, str, str | None]:
    """(variant name, solution-like source, question to loop forever or None)."""
    if kind == "wrong":
        v = rng.choice(mutants(paths))
        return v.key, variant_source(paths, v), None
    if kind == "timeout":
        q = rng.choice(questions)
        return f"loop__{q}", paths.solution.read_text(), q
    framework = [a for a in alternatives(paths) if a.name in FRAMEWORK_ALTERNATIVES]
    numpy = [a for a in alternatives(paths) if a.name not in FRAMEWORK_ALTERNATIVES]
    if framework and rng.random() < framework_share:
        v = rng.choice(framework)
    else:
        v = rng.choice([None] * REFERENCE_WEIGHT + numpy)
    if v is None:
        return "reference", paths.solution.read_text(), None
    return v.key, variant_source(paths, v), None


def _answer_index(nb: nbformat.NotebookNode, question: str) -> int:
    for i, cell in enumerate(nb.cells):
        stub = f"def {question}(" in cell.source or f"class {question}(" in cell.source
        if cell.cell_type == "code" and stub and "NotImplementedError" in cell.source:
            return i
    raise ValueError(f"the template has no answer cell for {question}")


def build_notebook(template: nbformat.NotebookNode, questions: list[str], source: str, loop: str | None,
                   student: str, rng: random.Random, import_cells: Sequence[str] = IMPORT_CELLS,
                   tf_cell: bool = True) -> nbformat.NotebookNode:
    """The template with its answer cells filled in and the student's variations added."""
    nb = copy.deepcopy(template)
    preamble, defs = split_source(source, questions)
    if loop is not None:
        defs[loop] = with_infinite_loop(defs[loop])
    for q in questions:
        text = defs[q]
        if q == questions[0] and preamble:
            text = f"{preamble}\n\n\n{text}"
        if rng.random() < 0.5:
            text = f"# {student}: my answer for {q}\n{text}"
        nb.cells[_answer_index(nb, q)].source = text
    imports = rng.choice(list(import_cells))
    if rng.random() < 0.3:
        imports += f"\n\nnp.random.seed({rng.randrange(1000)})"
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    extra = [nbformat.v4.new_code_cell(f"# {student}\n{imports}")]
    if rng.random() < 0.4 and tf_cell:
        extra.append(nbformat.v4.new_code_cell(TF_CELL))
    if rng.random() < 0.3:
        extra.append(nbformat.v4.new_markdown_cell(NOTE_CELL))
    nb.cells[first_code:first_code] = extra
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def generate(root: Path, name: str, n: int, seed: int, dest: Path, wrong_share: float = 0.25,
             timeout_share: float = 0.03, framework_share: float = 0.1, import_cells: Sequence[str] = IMPORT_CELLS,
             tf_cell: bool = True) -> list[Planned]:
    """Write ``n`` notebooks to ``dest`` (and ``dest/manifest.json``); the same seed gives the same files.
    ``import_cells`` are the first code cells to choose from, ``tf_cell`` allows the extra TensorFlow cell."""
    config, _ = load_config(root / "grading_config.yaml")
    questions = list(assignment(config, name).questions)
    paths = AssignmentPaths(name=name, root=root)
    template = nbformat.read(paths.notebook, as_version=4)
    rng = random.Random(f"{seed}:{name}")
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i, kind in enumerate(plan_kinds(n, wrong_share, timeout_share, rng)):
        key = f"s{i + 1:03d}-{kind}"
        variant, source, loop = _source_for(kind, paths, questions, rng, framework_share)
        nb = build_notebook(template, questions, source, loop, f"student {name}/{i + 1:03d}", rng, import_cells,
                            tf_cell)
        path = dest / f"{key}.ipynb"
        nbformat.write(nb, str(path))
        out.append(Planned(key, name, kind, variant, str(path)))
    (dest / "manifest.json").write_text(json.dumps([asdict(p) for p in out], indent=1))
    return out
