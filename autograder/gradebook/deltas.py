"""What a regrade changed for a student: the score, and which tests flipped."""

from __future__ import annotations

from dataclasses import dataclass

from autograder.scoring.results import SubmissionResult

EPSILON = 1e-9
MAX_NAMES = 6


@dataclass(frozen=True)
class ScoreDelta:
    """A student's score before and after a regrade, and the tests whose outcome changed."""

    student: str
    before: float
    after: float
    now_failing: tuple[str, ...] = ()
    now_passing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    first: bool = False  # the student had no result before

    @property
    def change(self) -> float:
        return round(self.after - self.before, 4)

    @property
    def direction(self) -> str:
        return "up" if self.change > EPSILON else "down" if self.change < -EPSILON else "same"

    @property
    def changed(self) -> bool:
        flips = self.now_failing or self.now_passing or self.added or self.removed
        return self.first or self.direction != "same" or bool(flips)

    def describe(self) -> str:
        """One line: ``alice: 9 -> 4.56 (down 4.44); now failing: ...; now passing: ...``."""
        if self.first:
            return f"{self.student}: {self.after:g} (first result)"
        head = f"{self.student}: {self.before:g} -> {self.after:g}"
        head += f" ({self.direction} {abs(self.change):g})" if self.direction != "same" else " (same score)"
        parts = [head]
        for label, names in (("now failing", self.now_failing), ("now passing", self.now_passing),
                             ("new tests", self.added), ("tests gone", self.removed)):
            if names:
                more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
                parts.append(f"{label}: {', '.join(names[:MAX_NAMES])}{more}")
        return "; ".join(parts)


def compare(student: str, before: SubmissionResult | None, after: SubmissionResult) -> ScoreDelta:
    """The delta from ``before`` (None: never graded, counted as 0) to ``after``, tests matched by id."""
    if before is None:
        return ScoreDelta(student, 0.0, after.total, first=True)
    old = {t.test_id: t for t in before.tests}
    new = {t.test_id: t for t in after.tests}
    common = [i for i in new if i in old]
    return ScoreDelta(
        student, before.total, after.total,
        now_failing=tuple(new[i].name for i in common if old[i].passed and not new[i].passed),
        now_passing=tuple(new[i].name for i in common if not old[i].passed and new[i].passed),
        added=tuple(new[i].name for i in new if i not in old),
        removed=tuple(old[i].name for i in old if i not in new))
