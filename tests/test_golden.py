"""Golden files: what grading the standard corpus of every assignment writes (results.json, grades.csv,
feedback, every export, the report), with timings masked, must stay as checked in.

``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py`` rewrites them; the diff of such a
commit shows exactly what changed in the outputs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ASSIGNMENTS, ROOT

from autograder.cli import main

GOLDEN = Path(__file__).with_name("golden")
EXPORTS = ("canvas", "moodle", "csv", "feedback", "report")
MASKS = (
    (re.compile(r'data:image/png;base64,[A-Za-z0-9+/=]+'), "data:image/png;base64,<png>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?: ?[+-]\d{4}| UTC)?"), "<time>"),
)


def masked_json(path: Path) -> str:
    data = json.loads(path.read_text())
    data["execution_time"] = 0
    data.get("extra_data", {}).pop("seconds", None)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def masked_text(path: Path, out: Path) -> str:
    text = path.read_text().replace(str(out), "<out>")
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def outputs(name: str, out: Path) -> dict[str, str]:
    """Every file the corpus run and the exports wrote, masked, by path relative to ``out``."""
    found = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name.startswith(("gradebook.sqlite", ".")) or ".staging" in path.parts:
            continue
        rel = path.relative_to(out).as_posix()
        found[rel] = masked_json(path) if path.name == "results.json" else masked_text(path, out)
    return found


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_outputs_match_the_golden_files(name, corpus, tmp_path):
    graded = corpus(name)
    out = tmp_path / "out"
    shutil.copytree(graded.out, out, ignore=shutil.ignore_patterns(".staging"))
    config = str(ROOT / "grading_config.yaml")
    for fmt in EXPORTS:
        extra = ["--show", "all"] if fmt == "feedback" else []
        assert main(["--config", config, "export", fmt, "--assignment", name, "--out-dir", str(out), *extra]) == 0
    found = outputs(name, out)
    assert found, "the corpus run and the exports wrote nothing"
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, text in found.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_text(text)
    expected = {p.relative_to(golden).as_posix(): p.read_text() for p in sorted(golden.rglob("*")) if p.is_file()}
    assert sorted(found) == sorted(expected), "the set of output files changed"
    for rel, text in expected.items():
        assert found[rel] == text, f"{name}/{rel} differs from tests/golden/{name}/{rel}"
