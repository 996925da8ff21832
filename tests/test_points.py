"""Exact points: a question's points are shared over its tests so that the tests add up to the points as
written, every test's score is at most its maximum, and every total is the exact decimal sum."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.config import Assignment, Question
from autograder.exports.grades_csv import number
from autograder.scoring import points
from autograder.scoring.gradescope import gradescope_results
from autograder.scoring.results import score
from autograder.testing.outcome import GradedRun, TestOutcome

written_points = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2) | \
    st.integers(1, 50).map(Decimal) | st.decimals(min_value=Decimal("0.00001"), max_value=Decimal(10), places=5)
weights = st.lists(st.sampled_from([1, 2, 3, 0.5, 0.25, 7, 1.5, 10]), min_size=1, max_size=40)


@given(written_points, weights)
@example(Decimal(2), [1] * 12)
@example(Decimal(4), [1] * 24)
@example(Decimal(3), [1, 2, 2, 1, 1, 1, 3])
def test_the_shares_of_a_question_add_up_to_its_points_as_written(p, ws):
    shares = points.split(float(p), ws)
    assert len(shares) == len(ws) and all(s >= 0 for s in shares)
    assert sum(shares) == Decimal(str(float(p)))
    exact = [Decimal(str(float(p))) * Decimal(str(w)) / sum(Decimal(str(x)) for x in ws) for w in ws]
    unit = Decimal(1).scaleb(-points.places(float(p)))
    assert all(abs(s - e) < unit for s, e in zip(shares, exact)), "each share is within one unit of its quota"


@given(st.lists(st.tuples(written_points, weights, st.data()), min_size=1, max_size=5))
def test_scores_totals_results_json_and_grades_csv_agree_to_the_last_digit(questions):
    spec = Assignment(title="t", questions={f"q{i}": Question(points=float(p))
                                            for i, (p, _, _) in enumerate(questions)})
    outcomes = []
    for i, (_, ws, data) in enumerate(questions):
        for j, w in enumerate(ws):
            outcomes.append(TestOutcome(f"q{i}::t{j}", f"t{j}", f"q{i}", w, "visible", False,
                                        data.draw(st.booleans()), ""))
    result = score(GradedRun("s", "s.py", "a", outcomes), spec)
    for t in result.tests:
        assert 0 <= t.score <= t.max_score
    assert Decimal(str(result.max_total)) == sum(Decimal(str(float(p))) for p, _, _ in questions)
    data = gradescope_results(result)
    assert Decimal(str(data["score"])) == sum(Decimal(str(t["score"])) for t in data["tests"] if "score" in t)
    assert Decimal(str(data["extra_data"]["max_total"])) == sum(Decimal(str(t["max_score"])) for t in data["tests"]
                                                                if "max_score" in t)
    for q in result.questions:
        assert Decimal(str(q.score)) == sum(Decimal(str(t.score)) for t in result.tests if t.question == q.name)
    assert Decimal(number(result.total)) == Decimal(str(data["score"]))
    assert Decimal(number(result.max_total)) == Decimal(str(data["extra_data"]["max_total"]))


def test_full_marks_equal_the_maximum():
    spec = Assignment(title="t", questions={"q": Question(points=4)})
    outcomes = [TestOutcome(f"q::t{j}", "t", "q", 1.0, "visible", False, True, "") for j in range(24)]
    result = score(GradedRun("s", "s.py", "a", outcomes), spec)
    assert result.total == result.max_total == 4.0
    assert sum(Decimal(str(t.max_score)) for t in result.tests) == Decimal(4)
