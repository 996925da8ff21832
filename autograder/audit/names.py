"""Mutant files and their names: ``solutions/<a>/mutants/<question>__<mistake>.py``, defining ``<question>``.

A file that breaks the convention is not graded; the audit names it and says what is wrong.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from pathlib import Path

from autograder.audit.variants import Variant
from autograder.config import AssignmentPaths


@dataclass(frozen=True)
class NamingProblem:
    """A file in the mutants folder that cannot be graded as a mutant, and why."""

    path: Path
    message: str


def mutant_files(paths: AssignmentPaths, questions: list[str]) -> tuple[list[Variant], list[NamingProblem]]:
    """The well-formed mutants (sorted by file name) and a problem for every other file in the folder."""
    good: list[Variant] = []
    problems: list[NamingProblem] = []
    if not paths.mutants.is_dir():
        return good, problems
    for path in sorted(paths.mutants.iterdir()):
        if path.name.startswith((".", "__pycache__")):
            continue
        problem = naming_problem(path, questions)
        if problem:
            problems.append(NamingProblem(path, problem))
        else:
            question, _, mistake = path.stem.partition("__")
            good.append(Variant(path, question, mistake))
    return good, problems


def naming_problem(path: Path, questions: list[str]) -> str | None:
    """Why ``path`` is not a usable mutant file, or None."""
    expected = f"a mutant file is named <question>__<mistake>.py with <question> one of {', '.join(questions)}"
    if not path.is_file() or path.suffix != ".py":
        return f"not a .py file; {expected}"
    question, sep, mistake = path.stem.partition("__")
    if not sep:
        return f"no '__' between question and mistake; {expected}"
    if question not in questions:
        close = difflib.get_close_matches(question, questions, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{question!r} is not a question of this assignment{hint}; {expected}"
    if not mistake.strip("_"):
        return f"no mistake named after '__'; {expected}"
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
        return f"does not parse ({type(exc).__name__}: {exc})"
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    if question not in defined:
        return f"does not define {question}() (it defines {', '.join(defined) or 'no function'}); " \
               f"a mutant replaces the function of the question it is named after"
    return None


def describe(path: Path) -> str:
    """A mutant's description: its first line, a comment (``# Sums with keepdims=True ...``)."""
    try:
        first = path.read_text().splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""
    return first.lstrip("#").strip() if first.startswith("#") else ""
