"""Regrading by question, and several assignments in one run.

A stored result is reused question by question: after one hidden test file of one question changes,
only that question's tests run again (the notebook runs again too) and the other questions keep their
stored results. Several assignments graded in one run share one sandbox host and one set of workers,
and each writes what its own run would write, under OUT/<assignment>/.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from autograder.config import AssignmentPaths, limits_for, load_config
from autograder.gradebook.fingerprint import question_fingerprints, questions_named
from autograder.grading.batch import Request, RequestError, grade_batches, requests_for
from autograder.grading.events import Reported, RunListener
from autograder.grading.plan import longest_first
from autograder.grading.pool import GradingPool
from autograder.submission.discover import Job

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


class Recorder(RunListener):
    def __init__(self) -> None:
        self.items: list[Reported] = []

    def graded(self, item: Reported) -> None:
        self.items.append(item)


def project_copy(tmp: Path) -> Path:
    """A copy of the course project whose text_generation hidden tests can be edited."""
    root = tmp / "course"
    root.mkdir()
    shutil.copy(ROOT / "grading_config.yaml", root)
    (root / "assignments").symlink_to(ROOT / "assignments")
    (root / "examples").symlink_to(ROOT / "examples")
    (root / "solutions").mkdir()
    for a in load_config(ROOT / "grading_config.yaml")[0].assignments:
        target = root / "solutions" / a
        if a == "text_generation":
            shutil.copytree(ROOT / "solutions" / a, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.symlink_to(ROOT / "solutions" / a)
    return root


def test_a_question_fingerprint_follows_its_own_test_files_only(tmp_path):
    root = project_copy(tmp_path)
    config, _ = load_config(root / "grading_config.yaml")
    paths = AssignmentPaths(name="text_generation", root=root)
    spec, limits = config.assignments["text_generation"], limits_for(config, "text_generation")
    before = question_fingerprints(paths, spec, limits)
    assert questions_named(paths.hidden_tests / "test_beam_search.py") == {"beam_search"}
    with (paths.hidden_tests / "test_beam_search.py").open("a") as f:
        f.write("\n# edited\n")
    after = question_fingerprints(paths, spec, limits)
    assert [q for q in before if before[q] != after[q]] == ["beam_search"]
    with (paths.hidden_tests / "support.py").open("a") as f:
        f.write("\n# shared\n")
    assert all(a != b for a, b in zip(question_fingerprints(paths, spec, limits).values(), after.values()))


def test_editing_one_hidden_test_regrades_only_its_question(tmp_path):
    root = project_copy(tmp_path)
    config = root / "grading_config.yaml"
    out = tmp_path / "out"
    subs = [ROOT / "examples" / "text_generation"]
    first = Recorder()
    [report] = grade_batches(config, [Request("text_generation", subs, out, listeners=[first])], workers=2)
    assert report.graded == 3 and not any(i.regraded for i in first.items)
    stored = {r.submission: r for r in report.results}

    with (root / "solutions" / "text_generation" / "tests" / "test_beam_search.py").open("a") as f:
        f.write("\n# a comment: the file changed, so beam_search's fingerprint did\n")
    second = Recorder()
    submitted: list[Job] = []

    class Spy(GradingPool):
        def submit(self, jobs: list[Job]) -> None:
            submitted.extend(jobs)
            super().submit(jobs)

    [again] = grade_batches(config, [Request("text_generation", subs, out, listeners=[second])], workers=2,
                            pool=Spy)
    graded_before = {k: r for k, r in stored.items() if r.error is None}
    assert {j.key for j in submitted} == set(stored)
    for job in submitted:  # what beam_search's tests took last time, where there is a result to reuse from
        if job.key in graded_before:
            assert job.questions == {"beam_search"}
            assert job.expected_seconds == pytest.approx(
                sum(t.duration for t in graded_before[job.key].tests if t.question == "beam_search"))
    known = [j.expected_seconds for j in submitted if j.expected_seconds is not None]
    assert known and known == sorted(known, reverse=True), "longest first"
    assert sorted(i.result.submission for i in second.items) == sorted(stored)
    for item in second.items:
        r, old = item.result, stored[item.result.submission]
        if r.error is None:
            assert item.regraded == ("beam_search",), (r.submission, item.regraded)
        for q in ("softmax_temperature", "sample_next_token"):
            kept = [(t.test_id, t.passed, t.output) for t in r.tests if t.question == q]
            assert kept == [(t.test_id, t.passed, t.output) for t in old.tests if t.question == q]
        assert r.total == old.total and r.max_total == old.max_total
    third = Recorder()
    [unchanged] = grade_batches(config, [Request("text_generation", subs, out, listeners=[third])], workers=2)
    assert unchanged.reused == 3 and unchanged.graded == 0, "nothing changed: every result is reused whole"


def test_jobs_whose_cost_is_known_go_longest_first_after_the_unknown_ones():
    jobs = [Job(Path(k), k, expected_seconds=e)
            for k, e in [("a", 0.1), ("b", None), ("c", 7.0), ("d", None), ("e", 0.1), ("f", 2.0)]]
    assert [j.key for j in longest_first(jobs)] == ["b", "d", "c", "f", "a", "e"]


def test_several_assignments_in_one_run_write_what_their_own_runs_write(tmp_path):
    subs = tmp_path / "class"
    subs.mkdir()
    for a in ("text_generation", "style_transfer"):
        shutil.copytree(ROOT / "examples" / a, subs / a)
    requests, notes = requests_for(["text_generation", "style_transfer", "autoencoders"], [subs], tmp_path / "out",
                                   skip_missing=True)
    assert [r.assignment for r in requests] == ["text_generation", "style_transfer"] and len(notes) == 1
    reports = grade_batches(ROOT / "grading_config.yaml", requests, workers=2)
    for report in reports:
        alone = grade_batches(ROOT / "grading_config.yaml", [Request(report.assignment, [subs / report.assignment],
                                                                     tmp_path / "alone" / report.assignment)],
                              workers=2)[0]
        assert {r.submission: r.total for r in report.results} == {r.submission: r.total for r in alone.results}
        rows = list(csv.DictReader((tmp_path / "out" / report.assignment / "grades.csv").open()))
        assert sorted(r["submission"] for r in rows) == sorted(r.submission for r in alone.results)
        for r in alone.results:
            mine = json.loads((tmp_path / "out" / report.assignment / r.submission / "results.json").read_text())
            theirs = json.loads((tmp_path / "alone" / report.assignment / r.submission / "results.json").read_text())
            assert [(t["name"], t.get("score")) for t in mine["tests"]] == \
                [(t["name"], t.get("score")) for t in theirs["tests"]]
        assert (tmp_path / "out" / report.assignment / "report.html").is_file()


def test_several_assignments_need_a_folder_each():
    with pytest.raises(RequestError, match="no submissions for style_transfer"):
        requests_for(["text_generation", "style_transfer"], [ROOT / "examples" / "text_generation"], Path("/tmp/x"))
