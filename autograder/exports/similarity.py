"""Similarity signals: which students' code matches, for a tutor to look at. Never a score.

Each student's code (the code cells of their latest submission, as kept in the gradebook at grading
time) is written to ``OUT/similarity/students/<student>.py`` and the starter notebook's code to
``OUT/similarity/starter.py``; ``copydetect`` tokenises them with Pygments (names become ``V``/``F``,
strings ``S``, comments and spacing go), fingerprints every run of ``K`` tokens (window 1: every
k-gram, so the result does not depend on Python's hash seed) and leaves out the fingerprints of the
starter code. For a pair, ``share_a`` is the part of a's remaining code found in b's. A pair is
flagged when the larger share reaches ``threshold`` and at least ``min_match`` tokens match, so a
student who wrote little is not flagged for one common line. Renamed variables, reordered functions
and added comments do not change the tokens compared; independent solutions of the same short stub
share idioms but not most of their code.

The run is stored in the gradebook (``gradebook.similarity``); ``OUT/similarity.csv`` lists the flagged
pairs and the tutor report shows them with the matching code side by side.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.config import AssignmentPaths
from autograder.exports.source import ExportData
from autograder.exports.table import Table, write_table
from autograder.gradebook.marks import stored_texts
from autograder.gradebook.similarity import FlaggedPair, SimilarityRun, latest_run, save_run
from autograder.gradebook.store import Gradebook, now
from autograder.submission.answers import read_text

K = 30  # tokens in a fingerprint (copydetect's noise threshold, here also its guarantee threshold)
THRESHOLD = 0.6
MIN_MATCH = 80
SHOWN_PAIRS = 50  # in the tutor report; similarity.csv has them all
DIR = "similarity"
CSV_NAME = "similarity.csv"
NEVER_A_SCORE = "similarity never changes a score: a flagged pair is for a tutor to look at, not a finding"


@dataclass
class Comparison:
    """What a similarity check compared and flagged."""

    run: SimilarityRun
    skipped: list[str] = field(default_factory=list)  # students without code to compare, with why
    notes: list[str] = field(default_factory=list)


def starter_code(data: ExportData) -> str:
    """The code cells of the notebook as handed out ("" when the project's notebook is not found)."""
    if data.root is None:
        return ""
    notebook = AssignmentPaths(name=data.assignment, root=data.root).notebook
    return read_text(notebook).code if notebook.is_file() else ""


def compare(data: ExportData, out_dir: Path, threshold: float = THRESHOLD, min_match: int = MIN_MATCH) -> Comparison:
    """Compare every pair of students' code (see the module docstring); writes the code files."""
    from copydetect import CodeFingerprint, compare_files

    with Gradebook(data.gradebook) as book:
        texts = stored_texts(book, data.assignment)
    folder = out_dir / DIR
    (folder / "students").mkdir(parents=True, exist_ok=True)
    starter = starter_code(data)
    notes = [] if starter else ["the starter notebook was not found: its code is compared too"]
    (folder / "starter.py").write_text(starter, encoding="utf-8")
    boilerplate = sorted(CodeFingerprint(str(folder / "starter.py"), K, 1).hashes)
    prints, compared, skipped = {}, {}, []
    for g in data.graded:
        text = texts.get(g.sha256)
        if text is None or text.error:
            skipped.append(f"{g.student.key} ({'not read at grading time' if text is None else text.error})")
            continue
        path = folder / "students" / f"{file_name(g.student.key)}.py"
        path.write_text(text.code, encoding="utf-8")
        fp = CodeFingerprint(str(path), K, 1, boilerplate=boilerplate)
        compared[g.student.key] = g.sha256
        if fp.hashes:
            prints[g.student.key] = fp
    sharing: dict[int, list[str]] = {}
    for key, fp in prints.items():
        for h in fp.hashes:
            sharing.setdefault(h, []).append(key)
    candidates = {pair for keys in sharing.values() for pair in itertools.combinations(sorted(keys), 2)}
    pairs = []
    for a, b in sorted(candidates):
        matched, (share_a, share_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
        if max(share_a, share_b) >= threshold and matched >= min_match:
            pairs.append(FlaggedPair(a, b, float(share_a), float(share_b), int(matched), prints[a].raw_code,
                                     prints[b].raw_code, _ranges(slices_a), _ranges(slices_b)))
    pairs.sort(key=lambda p: (-p.share, p.student_a, p.student_b))
    settings = {"threshold": threshold, "min_match": min_match, "k": K}
    return Comparison(SimilarityRun(data.assignment, now(), settings, compared, pairs), skipped, notes)


def file_name(key: str) -> str:
    """A student key as a file name (keys are already safe; this only guards the folder)."""
    return "".join(ch if ch.isalnum() or ch in "@.-_" else "_" for ch in key).lstrip(".") or "_"


def _ranges(slices: Any) -> list[tuple[int, int]]:
    """copydetect's 2 x N array of slice starts and ends as ``[(start, end), ...]``."""
    return [(int(s), int(e)) for s, e in zip(slices[0], slices[1])] if len(slices) == 2 else []


def store(data: ExportData, comparison: Comparison) -> int:
    with Gradebook(data.gradebook) as book:
        return save_run(book, comparison.run)


def pairs_table(data: ExportData, run: SimilarityRun) -> Table:
    names = {g.student.key: g.student.name for g in data.graded}
    table = Table(["student_a", "student_b", "share_a", "share_b", "matched_tokens", "name_a", "name_b"])
    for p in run.pairs:
        table.rows.append([p.student_a, p.student_b, f"{p.share_a:.2f}", f"{p.share_b:.2f}", str(p.matched),
                           names.get(p.student_a, ""), names.get(p.student_b, "")])
    return table


def write_csv(data: ExportData, run: SimilarityRun, out_dir: Path) -> Path:
    path = out_dir / CSV_NAME
    write_table(pairs_table(data, run), path)
    return path


@dataclass(frozen=True)
class ShownPair:
    """A flagged pair as the report shows it: each side's code in segments, matching ones marked."""

    pair: FlaggedPair
    left: list[tuple[str, bool]]
    right: list[tuple[str, bool]]
    stale: list[str]  # of the two, students who submitted again since the run


@dataclass(frozen=True)
class SimilaritySection:
    ran_at: str
    settings: dict
    compared: int
    pairs: list[ShownPair]
    resubmitted: list[str]  # students whose latest submission is not the one compared
    new: list[str]  # students not compared (graded since)
    more: int = 0  # flagged pairs not shown (they are in similarity.csv)


def segments(code: str, slices: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``code`` cut into (text, matches) pieces at the ``slices``' boundaries."""
    out, at = [], 0
    for start, end in sorted(slices):
        start, end = max(start, at), min(end, len(code))
        if start > at:
            out.append((code[at:start], False))
        if end > start:
            out.append((code[start:end], True))
            at = end
    if at < len(code):
        out.append((code[at:], False))
    return out


def report_section(data: ExportData, shown_pairs: int = SHOWN_PAIRS) -> SimilaritySection | None:
    """The latest similarity run of the assignment as the tutor report shows it (None: never run): the
    ``shown_pairs`` most similar pairs side by side."""
    with Gradebook(data.gradebook) as book:
        run = latest_run(book, data.assignment)
    if run is None:
        return None
    current = {g.student.key: g.sha256 for g in data.graded}
    resubmitted = sorted(k for k, sha in run.compared.items() if k in current and current[k] != sha)
    shown = [ShownPair(p, segments(p.code_a, p.slices_a), segments(p.code_b, p.slices_b),
                       [k for k in (p.student_a, p.student_b) if k in resubmitted]) for p in run.pairs[:shown_pairs]]
    return SimilaritySection(run.ran_at, run.settings, len(run.compared), shown, resubmitted,
                             sorted(set(current) - set(run.compared)), max(0, len(run.pairs) - shown_pairs))
