"""Build an Otter autograder zip equivalent to the autograder's tests for one assignment.

Otter runs the public tests (``assignments/<a>/tests``, already in Otter's format) itself; the
plugin ``bench_otter_plugin.PytestPlugin`` runs the hidden pytest tests (``solutions/<a>/tests``,
unchanged) in the student's kernel through ``otter_student_shim``, with the reference solution as
the ``reference`` fixture. Everything is packed with ``otter generate``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from autograder.config import AssignmentPaths, limits_for, load_config

SIDE = Path(__file__).with_name("otter_side")
HIDDEN_PACKAGE = "bench_hidden_tests"


def otter_env(extra_path: Path = SIDE) -> dict[str, str]:
    """Environment for ``otter`` commands: the plugin importable, one thread for BLAS, TF and torch
    (the sandbox sets the same variables)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    env.update({"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
                "KERAS_BACKEND": "tensorflow", "MPLBACKEND": "Agg"})
    return env


def build_zip(root: Path, name: str, work: Path, otter: Path) -> Path:
    """Stage the tests and support files in ``work`` and run ``otter generate``; returns the zip."""
    config, _ = load_config(root / "grading_config.yaml")
    limits = limits_for(config, name)
    paths = AssignmentPaths(name=name, root=root)
    if work.exists():
        shutil.rmtree(work)
    (work / "tests").mkdir(parents=True)
    for f in sorted(paths.public_tests.glob("*.py")):
        shutil.copy(f, work / "tests" / f.name)
    hidden = work / HIDDEN_PACKAGE
    hidden.mkdir()
    for f in sorted(paths.hidden_tests.glob("*.py")):
        shutil.copy(f, hidden / f.name)
    shutil.copy(paths.solution, work / "reference_solution.py")
    shutil.copy(root / "autograder" / "testing" / "pytest.ini", work / "bench_pytest.ini")
    shutil.copy(SIDE / "otter_student_shim.py", work / "otter_student_shim.py")
    plugin_config = {"tests": HIDDEN_PACKAGE, "reference": "reference_solution.py", "ini": "bench_pytest.ini",
                     "call_seconds": limits.call_seconds, "memory_mb": limits.memory_mb}
    (work / "otter_config.json").write_text(json.dumps({
        "show_stdout": False, "show_hidden": True,
        "plugins": [{"bench_otter_plugin.PytestPlugin": plugin_config}]}, indent=1))
    out = work / f"{name}-otter-autograder.zip"
    subprocess.run([os.path.abspath(otter), "generate", "-t", "tests", "-o", out.name, "--no-requirements",
                    HIDDEN_PACKAGE, "reference_solution.py", "bench_pytest.ini", "otter_student_shim.py"],
                   cwd=work, env=otter_env(), check=True, capture_output=True, text=True)
    return out
