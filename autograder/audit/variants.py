"""Mutants and legitimate alternatives: the reference solution with some functions replaced.

A file in ``solutions/<assignment>/mutants/`` models one mistake and is named
``<question>__<mistake>.py``; it defines the wrong version of that question's function (and
anything it needs). A file in ``solutions/<assignment>/alternatives/`` is a correct variant
(float32, TensorFlow, Keras, PyTorch ...) of one or more functions. Either becomes a gradable
submission: the reference source followed by the file's source, whose definitions win.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.config import AssignmentPaths


@dataclass(frozen=True)
class Variant:
    path: Path
    question: str | None  # the question a mutant targets; None for an alternative
    name: str

    @property
    def key(self) -> str:
        return f"{'mutant' if self.question else 'alternative'}__{self.path.stem}"


def mutants(paths: AssignmentPaths) -> list[Variant]:
    out = []
    for path in sorted(paths.mutants.glob("*.py")):
        question, sep, mistake = path.stem.partition("__")
        if not sep or not mistake:
            raise ValueError(f"{path}: a mutant file is named <question>__<mistake>.py")
        out.append(Variant(path, question, mistake))
    return out


def alternatives(paths: AssignmentPaths) -> list[Variant]:
    return [Variant(p, None, p.stem) for p in sorted(paths.alternatives.glob("*.py"))]


def variant_source(paths: AssignmentPaths, variant: Variant) -> str:
    """The reference solution with the variant's definitions applied on top."""
    reference = paths.solution.read_text()
    return f"{reference}\n\n# ---- {variant.path.name} ----\n{variant.path.read_text()}"


def write_variants(paths: AssignmentPaths, variants: list[Variant], dest: Path) -> dict[str, Variant]:
    """Write each variant as ``dest/<key>.py``; returns key -> variant."""
    dest.mkdir(parents=True, exist_ok=True)
    out = {}
    for v in variants:
        (dest / f"{v.key}.py").write_text(variant_source(paths, v))
        out[v.key] = v
    return out
