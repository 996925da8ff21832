"""The student notebooks work with Otter in a real Jupyter kernel, and ship no solution.

Each notebook is executed with nbclient (kernel ``python3``) from a temporary copy of
``assignments/<name>/``, so ``grader = otter.Notebook(tests_dir="tests")`` finds the public tests
next to it, exactly as a student runs it. ``examples/<name>/full_marks.ipynb`` must pass every
``grader.check``; the untouched notebook must fail every one with its ``NotImplementedError`` visible.
The six notebooks run three at a time (most of the time goes into importing Otter, TensorFlow and\nPyTorch in each kernel).
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.config import load_config

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("text_generation", "style_transfer", "autoencoders")
KERNEL_ENV = {**os.environ, "OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
CHECK = re.compile(r"""^grader\.check\(\s*["'](\w+)["']\s*\)\s*$""")


def questions(name: str) -> list[str]:
    return list(load_config(ROOT / "grading_config.yaml")[0].assignments[name].questions)


def prepare(name: str, notebook: Path, tmp: Path) -> tuple[nbformat.NotebookNode, Path]:
    """``notebook`` as ``<tmp>/<name>/<name>.ipynb``, next to a copy of the public tests."""
    work = tmp / name
    shutil.copytree(ROOT / "assignments" / name, work)
    target = work / f"{name}.ipynb"
    shutil.copyfile(notebook, target)
    return nbformat.read(target, as_version=4), work


async def execute_all(jobs: list[tuple[nbformat.NotebookNode, Path]], at_once: int = 3) -> None:
    """Run the notebooks in place, ``at_once`` kernels at a time (most of the time is spent importing)."""
    gate = asyncio.Semaphore(at_once)

    async def run(nb: nbformat.NotebookNode, work: Path) -> None:
        async with gate:
            client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                    resources={"metadata": {"path": str(work)}})
            await client.async_execute(env=KERNEL_ENV)

    await asyncio.gather(*(run(nb, work) for nb, work in jobs))


def output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
        else:
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def check_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Question -> the text output of its ``grader.check("question")`` cell."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = CHECK.match(cell.source.strip())
            if m:
                found[m.group(1)] = output_text(cell)
    return found


def errors(nb: nbformat.NotebookNode) -> list[str]:
    return [f"cell {i}: {out.ename}: {out.evalue}" for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], nbformat.NotebookNode]:
    """(name, "full_marks" | "untouched") -> the notebook after running it; all six run together."""
    notebooks = {}
    for name in ASSIGNMENTS:
        for kind, source in (("full_marks", ROOT / "examples" / name / "full_marks.ipynb"),
                             ("untouched", ROOT / "assignments" / name / f"{name}.ipynb")):
            notebooks[name, kind] = prepare(name, source, tmp_path_factory.mktemp(f"{name}-{kind}"))
    asyncio.run(execute_all(list(notebooks.values())))
    return {key: nb for key, (nb, _) in notebooks.items()}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_full_marks_passes_every_check_in_the_notebook(executed, name):
    nb = executed[name, "full_marks"]
    assert not errors(nb), f"cells raised errors: {errors(nb)}"
    checks = check_cells(nb)
    assert sorted(checks) == sorted(questions(name)), f"check cells {sorted(checks)} != questions {questions(name)}"
    for q, text in checks.items():
        assert f"{q} results: All test cases passed!" in text, f"grader.check({q!r}) reported:\n{text}"
    check_all = next(output_text(c) for c in nb.cells if c.cell_type == "code" and c.source.strip() == "grader.check_all()")
    for q in questions(name):
        assert f"{q} results: All test cases passed!" in check_all, f"grader.check_all() reported:\n{check_all}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_notebook_fails_every_check_with_not_implemented(executed, name):
    nb = executed[name, "untouched"]
    assert not errors(nb), f"the untouched notebook should run without errors (checks report failures): {errors(nb)}"
    checks = check_cells(nb)
    assert sorted(checks) == sorted(questions(name))
    for q, text in checks.items():
        assert f"{q} results:" in text, f"grader.check({q!r}) printed no results:\n{text}"
        assert "All test cases passed" not in text, f"grader.check({q!r}) passed on a stub:\n{text}"
        assert "Test case passed" not in text, f"a public test of {q} passes on the stub:\n{text}"
        assert f"NotImplementedError: {q}" in text, f"grader.check({q!r}) does not show the NotImplementedError:\n{text}"


# --- nothing from the solutions or the hidden tests is shipped ------------------------------------------

def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _shipped_texts() -> dict[str, str]:
    """Every file under assignments/ as text (a notebook as the sources of its cells)."""
    texts = {}
    for path in sorted((ROOT / "assignments").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        raw = path.read_text(errors="replace")
        if path.suffix == ".ipynb":
            raw = "\n".join(c.source for c in nbformat.reads(raw, as_version=4).cells)
        texts[str(path.relative_to(ROOT))] = raw
    return texts


def _solution_fragments() -> list[tuple[str, str]]:
    """(where, code) for every function body of the reference solutions and every simple statement in them."""
    out = []
    for sol in sorted((ROOT / "solutions").glob("*/solution.py")):
        source = sol.read_text()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]  # the docstring
            where = f"{sol.relative_to(ROOT)}:{node.name}"
            if body:
                out.append((where, "\n".join(ast.get_source_segment(source, s) or "" for s in body)))
            for stmt in ast.walk(node):
                compound = (ast.FunctionDef, ast.If, ast.For, ast.While, ast.With, ast.Try)
                docstring = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                if isinstance(stmt, ast.stmt) and not isinstance(stmt, compound) and not docstring:
                    segment = ast.get_source_segment(source, stmt) or ""
                    if len(_squash(segment)) >= 25:
                        out.append((f"{where} line {stmt.lineno}", segment))
    return out


def _hidden_test_names() -> tuple[set[str], set[str]]:
    """Hidden test function names and the first lines of their docstrings (their names for students)."""
    names, descriptions = set(), set()
    for path in sorted((ROOT / "solutions").glob("*/tests/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                names.add(node.name)
                doc = ast.get_docstring(node)
                if doc and len(doc.splitlines()[0]) >= 20:
                    descriptions.add(doc.splitlines()[0])
    return names, descriptions


def test_solutions_are_found():
    fragments = _solution_fragments()
    names, _ = _hidden_test_names()
    assert len(fragments) > 20 and len(names) > 30, "the leak check found (almost) nothing to look for"


def test_no_solution_code_under_assignments():
    shipped = {path: _squash(text) for path, text in _shipped_texts().items()}
    assert shipped, "no files under assignments/"
    leaks = [f"{where} appears in {path}" for where, code in _solution_fragments() for path, text in shipped.items()
             if _squash(code) and _squash(code) in text]
    assert not leaks, "reference solution code is shipped to students:\n" + "\n".join(leaks)


def test_no_hidden_test_names_under_assignments():
    names, descriptions = _hidden_test_names()
    leaks = []
    for path, text in _shipped_texts().items():
        leaks += [f"hidden test {n} named in {path}" for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
        if path.endswith(".py"):  # public and hidden tests appear side by side in the results: distinct names
            leaks += [f"hidden test description {d!r} in {path}" for d in descriptions if d in text]
    assert not leaks, "hidden tests are named in files shipped to students:\n" + "\n".join(leaks)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_public_tests_are_exception_format_and_public(name):
    tests_dir = ROOT / "assignments" / name / "tests"
    assert sorted(p.stem for p in tests_dir.glob("*.py")) == sorted(questions(name))
    for path in tests_dir.glob("*.py"):
        text = path.read_text()
        assert text.startswith("OK_FORMAT = False"), path
        assert "hidden=True" not in text, path
        imports = {n.names[0].name.split(".")[0] for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Import)}
        imports |= {n.module.split(".")[0] for n in ast.walk(ast.parse(text)) if isinstance(n, ast.ImportFrom)}
        assert imports <= {"numpy", "otter"}, f"{path} imports {imports}"
    nb = json.loads((ROOT / "assignments" / name / f"{name}.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), "outputs are not cleared"
