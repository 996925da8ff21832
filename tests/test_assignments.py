"""Each assignment end to end: the reference, the untouched student notebook and the examples."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from conftest import ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_scores_full_marks(corpus, name):
    c = corpus(name)
    r = c["reference"]
    failed = [f"{t.name}: {t.output}" for t in r.tests if not t.passed]
    assert r.total == r.max_total == sum(q.points for q in c.config.questions.values()), failed


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_notebook_scores_zero_and_names_the_stubs(corpus, name):
    c = corpus(name)
    r = c["untouched"]
    assert r.error is None and r.total == 0
    for q in c.questions:
        outputs = [t.output for t in r.tests if t.question == q]
        assert outputs and all(f"{q} is not implemented yet" in o for o in outputs), (q, outputs[:2])
    report = json.loads((c.out / "untouched" / "results.json").read_text())
    assert report["score"] == 0


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_examples_full_partial_and_broken(corpus, name):
    c = corpus(name)
    full, partial, broken = (c[f"example__{k}"] for k in ("full_marks", "partly_wrong", "broken"))
    assert full.total == full.max_total, [t.output for t in full.tests if not t.passed]
    assert 0 < partial.total < partial.max_total
    assert broken.total < broken.max_total / 2
    assert broken.error or broken.messages, "a broken submission must say what went wrong"


def exact_sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_results_json_follows_gradescope_schema_and_its_numbers_add_up_exactly(corpus, name):
    c = corpus(name)
    paths = sorted(c.out.glob("*/results.json"))
    assert sorted(p.parent.name for p in paths) == sorted(c.results), "one results.json per submission"
    for path in paths:
        data = json.loads(path.read_text())
        assert isinstance(data["score"], (int, float)) and isinstance(data["tests"], list)
        for t in data["tests"]:
            assert isinstance(t["name"], str) and isinstance(t["output"], str)
            assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
            if "score" in t:
                assert 0 <= t["score"] <= t["max_score"]
        assert exact_sum(t.get("score", 0) for t in data["tests"]) == Decimal(str(data["score"]))
        assert exact_sum(t.get("max_score", 0) for t in data["tests"]) == Decimal(str(data["extra_data"]["max_total"]))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_full_marks_are_exactly_the_sum_of_the_tests_everywhere(corpus, name):
    """A full-marks submission: score == sum(max_score) in results.json, total == max_total in grades.csv, and
    each question's tests add up to its points as written in grading_config.yaml."""
    c = corpus(name)
    data = json.loads((c.out / "reference" / "results.json").read_text())
    assert Decimal(str(data["score"])) == exact_sum(t["max_score"] for t in data["tests"] if "max_score" in t)
    for q, spec in c.config.questions.items():
        tests = [t for t in data["tests"] if t.get("extra_data", {}).get("question") == q]
        assert exact_sum(t["max_score"] for t in tests) == Decimal(str(spec.points)), q
    row = next(r for r in csv.DictReader((c.out / "grades.csv").open()) if r["submission"] == "reference")
    assert row["total"] == row["max_total"] and Decimal(row["total"]) == Decimal(str(data["score"]))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grades_csv_has_the_spec_columns(corpus, name):
    c = corpus(name)
    lines = (c.out / "grades.csv").read_text().splitlines()
    assert lines[0].split(",") == ["submission", *c.questions, "total", "max_total"]
    assert len(lines) == len(c.results) + 1
