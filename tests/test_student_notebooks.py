"""The student notebooks work with Otter in a real Jupyter kernel, and ship no solution.

Each notebook is executed with nbclient (kernel ``python3``) from a temporary copy of
``assignments/<name>/``, so ``grader = otter.Notebook(tests_dir="tests")`` finds the public tests
next to it, exactly as a student runs it. ``examples/<name>/full_marks.ipynb`` must pass every
``grader.check``; the untouched notebook must fail every one with its ``NotImplementedError`` visible;
and for these and ``partly_wrong.ipynb``, every public test case passes in the notebook exactly when
the autograder's copy of it passes. The nine notebooks run three at a time (most of the time goes into
importing Otter, TensorFlow and PyTorch in each kernel).
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import ASSIGNMENTS
from nbclient import NotebookClient

from autograder.config import load_config
from autograder.gradescope.build import build_student_zip

ROOT = Path(__file__).resolve().parents[1]
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
    """(name, "full_marks" | "partly_wrong" | "untouched") -> the notebook after running it; all run together."""
    notebooks = {}
    for name in ASSIGNMENTS:
        for kind, source in (("full_marks", ROOT / "examples" / name / "full_marks.ipynb"),
                             ("partly_wrong", ROOT / "examples" / name / "partly_wrong.ipynb"),
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
    check_all = next(output_text(c) for c in nb.cells
                     if c.cell_type == "code" and c.source.strip() == "grader.check_all()")
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
        assert f"NotImplementedError: {q}" in text, \
            f"grader.check({q!r}) does not show the NotImplementedError:\n{text}"


CASE_RESULT = re.compile(r"^\s*(\w+) - (\d+) result:\s*\n\s*(✅|❌)", re.M)


def case_functions(name: str, question: str) -> list[str]:
    """The public ``@test_case`` functions of a question in file order: Otter calls them "q - 1", "q - 2", ..."""
    tree = ast.parse((ROOT / "assignments" / name / "tests" / f"{question}.py").read_text())
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and getattr(d.func, "id", None) == "test_case" for d in n.decorator_list)]


def notebook_case_results(nb: nbformat.NotebookNode, name: str) -> dict[str, bool]:
    """The autograder's public test id -> whether the notebook's ``grader.check`` said that case passed."""
    out = {}
    for q, text in check_cells(nb).items():
        functions = case_functions(name, q)
        if f"{q} results: All test cases passed!" in text:
            marks = {i: True for i in range(1, len(functions) + 1)}
        else:
            marks = {int(n): mark == "✅" for qq, n, mark in CASE_RESULT.findall(text) if qq == q}
        assert sorted(marks) == list(range(1, len(functions) + 1)), f"grader.check({q!r}) printed:\n{text}"
        out.update({f"public/{q}.py::{functions[i - 1]}": passed for i, passed in marks.items()})
    return out


@pytest.mark.parametrize("name", ASSIGNMENTS)
@pytest.mark.parametrize("kind", ("full_marks", "partly_wrong", "untouched"))
def test_notebook_checks_agree_with_the_autograders_public_tests(executed, corpus, name, kind):
    in_notebook = notebook_case_results(executed[name, kind], name)
    graded = corpus(name)["untouched" if kind == "untouched" else f"example__{kind}"]
    by_autograder = {t.test_id: t.passed for t in graded.tests if t.public}
    assert in_notebook == by_autograder
    if kind == "untouched":
        assert not any(in_notebook.values())


# --- nothing from the solutions or the hidden tests is shipped ------------------------------------------

def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _as_text(name: str, data: bytes) -> str:
    raw = data.decode(errors="replace")
    return "\n".join(c.source for c in nbformat.reads(raw, as_version=4).cells) if name.endswith(".ipynb") else raw


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Everything students get, as text (a notebook as the sources of its cells): every file under
    assignments/ and every file in each student zip that ``autograder package`` builds."""
    texts = {}
    for path in sorted((ROOT / "assignments").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            texts[str(path.relative_to(ROOT))] = _as_text(path.name, path.read_bytes())
    out = tmp_path_factory.mktemp("student-zips")
    for name in ASSIGNMENTS:
        student_zip = build_student_zip(ROOT / "grading_config.yaml", name, out)
        with zipfile.ZipFile(student_zip) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            assert sorted(members) == sorted(f"{name}/{p.relative_to(ROOT / 'assignments' / name)}" for p in
                                             (ROOT / "assignments" / name).rglob("*") if p.is_file()
                                             and not {"__pycache__", ".ipynb_checkpoints"} & set(p.parts))
            texts.update({f"{student_zip.name}:{m}": _as_text(m, zf.read(m)) for m in members})
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


def test_no_solution_code_is_shipped(shipped):
    squashed = {path: _squash(text) for path, text in shipped.items()}
    assert squashed, "no files under assignments/"
    leaks = [f"{where} appears in {path}" for where, code in _solution_fragments() for path, text in squashed.items()
             if _squash(code) and _squash(code) in text]
    assert not leaks, "reference solution code is shipped to students:\n" + "\n".join(leaks)


def test_no_hidden_test_names_are_shipped(shipped):
    names, descriptions = _hidden_test_names()
    leaks = []
    for path, text in shipped.items():
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
