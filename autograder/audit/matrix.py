"""Which test catches which mutant: a test catches a mutant when it fails on it (and passes on the reference)."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.audit.variants import Variant
from autograder.scoring.results import SubmissionResult


@dataclass(frozen=True)
class TestInfo:
    test_id: str
    name: str
    question: str
    public: bool


@dataclass
class MutantVerdict:
    """How the tests treated one mutant."""

    variant: Variant
    description: str
    failed: dict[str, str] = field(default_factory=dict)  # test id -> what the student would read
    lost: dict[str, tuple[float, float]] = field(default_factory=dict)  # question -> (score, max) where < max
    error: str | None = None
    result: SubmissionResult | None = None

    @property
    def question(self) -> str:
        assert self.variant.question is not None
        return self.variant.question

    @property
    def name(self) -> str:
        return self.variant.path.stem

    @property
    def caught(self) -> bool:
        """It loses points on its own question."""
        return self.question in self.lost

    @property
    def off_target(self) -> list[str]:
        """The other questions it loses points on."""
        return [q for q in self.lost if q != self.question]


def tests_of(reference: SubmissionResult) -> list[TestInfo]:
    return [TestInfo(t.test_id, t.name, t.question, t.public) for t in reference.tests]


def verdict(variant: Variant, description: str, result: SubmissionResult) -> MutantVerdict:
    return MutantVerdict(
        variant, description,
        failed={t.test_id: t.output for t in result.tests if not t.passed},
        lost={q.name: (q.score, q.max_score) for q in result.questions if q.score < q.max_score},
        error=result.error, result=result)


@dataclass
class Matrix:
    """Tests (rows) against mutants (columns); a cell is the failure output, or absent."""

    tests: list[TestInfo]
    mutants: list[MutantVerdict]

    def catches(self, test: TestInfo) -> list[MutantVerdict]:
        """The mutants of the test's own question that the test fails on, apart from those every test of the
        question fails on (an untouched stub says nothing about one test)."""
        own = {t.test_id for t in self.tests_for(test.question)}
        return [m for m in self.mutants if m.question == test.question and test.test_id in m.failed
                and not own <= m.failed.keys()]

    def questions(self) -> list[str]:
        return list(dict.fromkeys(t.question for t in self.tests))

    def tests_for(self, question: str) -> list[TestInfo]:
        return [t for t in self.tests if t.question == question]

    def mutants_for(self, question: str) -> list[MutantVerdict]:
        return [m for m in self.mutants if m.question == question]
