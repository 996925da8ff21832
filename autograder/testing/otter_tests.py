"""Otter-format public tests (``assignments/<name>/tests/<question>.py``) as pytest items.

The same file serves the student's in-notebook ``grader.check(question)`` and the autograder, so
a public check says in the notebook exactly what the autograder's public tests report. Each
``@test_case`` function's parameters are looked up by name among the student's functions, as
Otter does; here they are proxies to the sandbox.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def is_otter_test_file(path: Path) -> bool:
    try:
        head = path.read_text(errors="replace")
    except OSError:
        return False
    return "OK_FORMAT = False" in head and "test_case" in head


def import_test_case_only() -> None:
    """Make ``from otter.test_files import test_case`` load Otter's test-file classes without
    ``otter/__init__.py``, which imports Otter's whole API (1.2 s of a grading worker's start-up,
    while the sandbox host imports TensorFlow on the other core). For a worker process only, before
    collection: afterwards its ``otter`` package holds ``test_files`` and what that imports, not the API."""
    if "otter" in sys.modules:
        return
    spec = importlib.util.find_spec("otter")
    if spec is None or not spec.submodule_search_locations:
        return
    package = importlib.util.module_from_spec(spec)  # the package, its __init__ not run
    sys.modules["otter"] = package
    importlib.import_module("otter.test_files")


def load_otter_module(path: Path) -> Any:
    name = f"_otter_public_{path.parent.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def otter_cases(module: Any) -> Iterator[tuple[str, Any]]:
    from otter.test_files import test_case

    for attr, value in vars(module).items():
        if isinstance(value, test_case):
            yield attr, value


class OtterFile(pytest.File):
    def collect(self) -> Iterator[OtterCase]:
        module = load_otter_module(self.path)
        question = getattr(module, "name", self.path.stem)
        for attr, case in otter_cases(module):
            yield OtterCase.from_parent(self, name=attr, case=case, question=question)


class OtterCase(pytest.Item):
    def __init__(self, *, case: Any, question: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.question = question
        self.add_marker(pytest.mark.question(question))
        self.add_marker(pytest.mark.points(case.points if case.points is not None else 1))
        self.add_marker(pytest.mark.public)
        doc = inspect.getdoc(case.test_func)
        self.description = (doc or attr_to_words(self.name)).splitlines()[0]

    def runtest(self) -> None:
        from autograder.testing.plugin import current_student

        student = current_student()
        params = inspect.signature(self.case.test_func).parameters
        kwargs = {p: (_Env(student) if p == "env" else getattr(student, p)) for p in params}
        self.case.test_func(**kwargs)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.question}: {self.name}"


class _Env:
    """Otter's ``env`` parameter: the student's globals, here resolved to function proxies."""

    def __init__(self, student: Any) -> None:
        self._student = student

    def __getitem__(self, name: str) -> Any:
        return getattr(self._student, name)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self._student, name) if self._student.defines(name) else default


def attr_to_words(name: str) -> str:
    return name.removeprefix("test_").replace("_", " ")
