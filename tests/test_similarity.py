"""``autograder similarity``: copies are flagged, independent solutions of the same stubs are not, the
tutor report shows the flagged pairs' code side by side (checked in headless Chromium), and no score moves.

The class is a synthetic gradebook (no grading) whose students' notebooks are the starter notebook with
their code in the first stub's cell: ``tests/fixtures/similarity/original.py`` and four copies of it
(variables renamed; functions reordered; comments added; all three), the reference solution, the correct
alternatives in ``solutions/style_transfer/alternatives/`` and the two working examples.
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_gradebook import build as build_synthetic
from test_report_browser import CHROMIUM, screenshot

from autograder.cli import main
from autograder.exports.similarity import report_section, segments
from autograder.exports.source import load_export
from autograder.gradebook.marks import store_text
from autograder.gradebook.store import Gradebook
from autograder.submission.answers import SubmissionText, notebook_cells

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures") / "similarity"
CONFIG = str(ROOT / "grading_config.yaml")
COPIES = ["original", "copy_renamed", "copy_reordered", "copy_commented", "copy_renamed_reordered_commented"]
ALTERNATIVES = ROOT / "solutions" / "style_transfer" / "alternatives"
# returns_python_lists.py copies float32_numpy.py's gram_matrix line for line (one author wrote both): a real
# copy, flagged, and kept out of the independent solutions.
INDEPENDENT = ["reference", "float32_numpy", "keras_ops", "pytorch", "tensorflow", "full_marks", "partly_wrong"]
MARK = np.array([0xFF, 0xB7, 0x4D])  # the report's <mark> background, #ffb74d


def code_of(name: str) -> str:
    if name in COPIES:
        return (FIXTURES / f"{name}.py").read_text()
    if name == "reference":
        return (ROOT / "solutions" / "style_transfer" / "solution.py").read_text()
    if name in ("full_marks", "partly_wrong"):
        nb = json.loads((ROOT / "examples" / "style_transfer" / f"{name}.ipynb").read_text())
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return (ALTERNATIVES / f"{name}.py").read_text()


def notebook_with(code: str) -> bytes:
    """The starter notebook with ``code`` in the first stub's cell and the other stubs emptied."""
    nb = json.loads((ROOT / "assignments" / "style_transfer" / "style_transfer.ipynb").read_text())
    stubs = [c for c in nb["cells"] if c["cell_type"] == "code" and "NotImplementedError" in "".join(c["source"])]
    for i, cell in enumerate(stubs):
        cell["source"] = code if i == 0 else ""
    return json.dumps(nb).encode()


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The class's gradebook after ``autograder similarity``: (out dir, students by name, pairs in the CSV)."""
    out = tmp_path_factory.mktemp("similarity")
    names = COPIES + INDEPENDENT + ["returns_python_lists"]
    book_path = build_synthetic(out / "gradebook.sqlite", students=len(names))
    with Gradebook(book_path) as book:
        keys = [r["student_key"] for r in book.db.execute("SELECT student_key FROM submissions ORDER BY sha256")]
        for i, name in enumerate(names):
            store_text(book, "style_transfer", f"sha{i:05d}",
                       SubmissionText(notebook_cells(notebook_with(code_of(name)))))
    student = dict(zip(names, keys))
    before = export_canvas(out)
    assert main(["--config", CONFIG, "similarity", "--assignment", "style_transfer", "--out-dir", str(out)]) == 0
    with (out / "similarity.csv").open(newline="") as f:
        pairs = {frozenset((r["student_a"], r["student_b"])): r for r in csv.DictReader(f)}
    return out, student, pairs, before


def export_canvas(out: Path) -> str:
    target = out / "canvas.csv"
    assert main(["--config", CONFIG, "export", "canvas", "--assignment", "style_transfer", "--out-dir", str(out),
                 "-o", str(target)]) == 0
    return target.read_text()


def test_copies_are_flagged(checked):
    _, student, pairs, _ = checked
    for a, b in itertools.combinations(COPIES, 2):
        row = pairs.get(frozenset((student[a], student[b])))
        assert row is not None, f"{a} and {b} are copies but were not flagged"
        assert min(float(row["share_a"]), float(row["share_b"])) >= 0.9, row


def test_independent_solutions_are_not_flagged(checked):
    _, student, pairs, _ = checked
    flagged = [(a, b) for a, b in itertools.combinations(INDEPENDENT + ["original"], 2)
               if frozenset((student[a], student[b])) in pairs]
    assert flagged == [], "independent solutions of the same stubs flagged"
    assert frozenset((student["returns_python_lists"], student["float32_numpy"])) in pairs, \
        "a function copied line for line is flagged"
    assert len(pairs) == len(list(itertools.combinations(COPIES, 2))) + 1, sorted(map(sorted, pairs))


def test_similarity_never_changes_a_score(checked):
    out, _, _, before = checked
    assert export_canvas(out) == before


def test_report_shows_the_pairs_side_by_side(checked):
    out, student, _, _ = checked
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="similarity"' in html and "no score is changed by it" in html
    assert html.count('<div class="group pair">') == 11
    assert "<mark>" in html and "<script" not in html
    copy = (FIXTURES / "copy_commented.py").read_text()
    assert (out / "similarity" / "students" / f"{student['copy_commented']}.py").read_text().count(copy.strip()) == 1


def test_segments_mark_exactly_the_slices():
    assert segments("abcdef", [(1, 3), (4, 6)]) == [("a", False), ("bc", True), ("d", False), ("ef", True)]
    assert segments("abc", [(0, 2), (1, 3)]) == [("ab", True), ("c", True)]
    assert "".join(t for t, _ in segments("x = 1\ny = 2\n", [(2, 9)])) == "x = 1\ny = 2\n"


def test_chromium_shows_matching_code_in_both_columns(checked, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"the browser is missing: {CHROMIUM} not found (apt-get install chromium) - "
                    "the similarity section was not rendered")
    out, _, _, _ = checked
    page = tmp_path / "similar.html"  # the report without the sections before "Similar code"
    text = (out / "report.html").read_text(encoding="utf-8")
    page.write_text(text[:text.index('<h2 id="histograms">')] + text[text.index('<h2 id="similarity">'):],
                    encoding="utf-8")
    pixels = screenshot(page, tmp_path)
    marked = np.abs(pixels - MARK).max(axis=-1) <= 8
    half = marked.shape[1] // 2
    left, right = marked[:, :half].sum(), marked[:, half:].sum()
    assert left > 2000 and right > 2000, f"highlighted pixels: left {left}, right {right}"
    rows = np.flatnonzero(marked[:, :half].any(axis=1) & marked[:, half:].any(axis=1))
    assert rows.size > 50, "the two sides' highlights are side by side, on the same rows"


def test_the_report_shows_the_most_similar_pairs_first_and_counts_the_rest(checked):
    out, _, pairs, _ = checked
    data = load_export(out / "gradebook.sqlite", "style_transfer", ROOT / "grading_config.yaml")
    section = report_section(data, shown_pairs=3)
    assert section is not None and len(section.pairs) == 3 and section.more == len(pairs) - 3
    every = sorted((max(float(r["share_a"]), float(r["share_b"])) for r in pairs.values()), reverse=True)
    assert [round(p.pair.share, 2) for p in section.pairs] == every[:3]
