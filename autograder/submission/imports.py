"""Which heavy libraries a batch's submissions import, read from their code without running it.

The sandbox host imports these once (children inherit them); a library a notebook imports that the
host did not is imported in that notebook's own child, which works, only slower. Keras 3 runs on
TensorFlow here, and ``transformers`` models on PyTorch, so each brings its framework along.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from autograder.submission.load import LoadError, load_submission

HEAVY = ("tensorflow", "keras", "torch", "transformers", "jax")
NEEDS = {"keras": ("tensorflow",), "transformers": ("torch",), "tf_keras": ("tensorflow",)}
_IMPORT_LINE = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][\w]*)", re.MULTILINE)


def modules_imported(code: str) -> set[str]:
    """The top-level names of every module ``code`` imports (anywhere, not only at the top)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(_IMPORT_LINE.findall(code))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def heavy_imports(paths: Iterable[Path]) -> list[str]:
    """The heavy libraries (and the frameworks they run on) that any of these submissions imports, in
    ``HEAVY`` order; unreadable files count for nothing."""
    found: set[str] = set()
    for path in paths:
        try:
            submission = load_submission(path)
        except (LoadError, OSError):
            continue
        for cell in submission.cells:
            names = modules_imported(cell)
            found |= names & set(HEAVY) | {need for m in names for need in NEEDS.get(m, ())}
    return [name for name in HEAVY if name in found]
