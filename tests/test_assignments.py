"""Each assignment end to end: the reference, the untouched student notebook and the examples."""

from __future__ import annotations

import json

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


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_results_json_follows_gradescope_schema(corpus, name):
    c = corpus(name)
    for path in c.out.glob("*/results.json"):
        data = json.loads(path.read_text())
        assert isinstance(data["score"], (int, float)) and isinstance(data["tests"], list)
        for t in data["tests"]:
            assert isinstance(t["name"], str) and isinstance(t["output"], str)
            assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
            if "score" in t:
                assert 0 <= t["score"] <= t["max_score"] + 1e-9
        total = sum(t.get("score", 0) for t in data["tests"])
        assert abs(total - data["score"]) < 1e-3


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grades_csv_has_the_spec_columns(corpus, name):
    c = corpus(name)
    lines = (c.out / "grades.csv").read_text().splitlines()
    assert lines[0].split(",") == ["submission", *c.questions, "total", "max_total"]
    assert len(lines) == len(c.results) + 1
