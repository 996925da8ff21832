"""The late policy of ``grading_config.yaml`` applied to a Gradescope submission.

Submission time: ``created_at`` of ``submission_metadata.json``. Due date: a student's own
(``users[].assignment.due_date``, where Gradescope records extensions; the latest of a group), else
the assignment's ``due_date`` on Gradescope, else ``due`` in ``grading_config.yaml``. After
Gradescope's ``late_due_date`` (when set) a late submission scores 0 unless the policy is ``none``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from autograder.config import Assignment
from autograder.scoring.late import after_penalty, as_utc, lateness
from autograder.scoring.points import decimal


@dataclass(frozen=True)
class Deadlines:
    submitted: datetime | None
    due: datetime | None
    late_due: datetime | None
    source: str  # where ``due`` came from


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (Gradescope's ``2018-07-01T14:22:32.365935-07:00``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def deadlines(metadata: dict[str, Any], spec: Assignment) -> Deadlines:
    """When the submission came in and when it was due, from Gradescope's metadata and the config."""
    course: dict = metadata["assignment"] if isinstance(metadata.get("assignment"), dict) else {}
    users: list = metadata["users"] if isinstance(metadata.get("users"), list) else []
    own = [u["assignment"] for u in users if isinstance(u, dict) and isinstance(u.get("assignment"), dict)]

    def latest(key: str, records: list[dict]) -> datetime | None:
        times = [t for t in (parse_time(r.get(key)) for r in records) if t is not None]
        return max(times) if times else None

    due, source = latest("due_date", own), "the student's own due date on Gradescope"
    if due is None:
        due, source = parse_time(course.get("due_date")), "the due date on Gradescope"
    if due is None and spec.due is not None:
        due, source = as_utc(spec.due), "the due date in grading_config.yaml"
    late_due = latest("late_due_date", own) or parse_time(course.get("late_due_date"))
    return Deadlines(parse_time(metadata.get("created_at")), due, late_due, source if due else "none")


def apply_late_policy(results: dict[str, Any], spec: Assignment, when: Deadlines) -> dict[str, Any]:
    """Lower ``results["score"]`` by the late penalty and add a visible "Late submission" entry."""
    if when.submitted is None or when.due is None:
        return results
    late = lateness(when.submitted, when.due, spec.late_policy)
    days = late.started_days
    if days == 0:
        return results
    fraction = late.penalty
    after_cutoff = when.late_due is not None and when.submitted > when.late_due and spec.late_policy.kind != "none"
    if after_cutoff:
        fraction = 1.0
    earned = float(results.get("score", 0.0))
    results["score"] = after_penalty(earned, fraction)
    deduction = float(decimal(earned) - decimal(results["score"]))
    results["tests"] = [*results.get("tests", []), {
        "name": "Late submission", "score": -deduction if deduction else 0.0, "max_score": 0.0,
        "status": "failed" if deduction else "passed", "visibility": "visible",
        "output": _explain(when, days, fraction, after_cutoff, earned, results["score"], spec)}]
    results.setdefault("extra_data", {})["late"] = {
        "days_late": days, "penalty": fraction, "deduction": deduction, "due": when.due.isoformat(),
        "submitted": when.submitted.isoformat(), "due_source": when.source}
    return results


def _explain(when: Deadlines, days: int, fraction: float, after_cutoff: bool, earned: float, final: float,
             spec: Assignment) -> str:
    policy = spec.late_policy
    lines = [f"Submitted {when.submitted:%Y-%m-%d %H:%M} UTC, due {when.due:%Y-%m-%d %H:%M} UTC "
             f"({when.source}): {days} day{'s' if days != 1 else ''} late (started days)."]
    if after_cutoff:
        lines.append(f"This is after the last date for late submissions ({when.late_due:%Y-%m-%d %H:%M} UTC): "
                     f"the submission scores 0.")
    elif policy.kind == "none":
        lines.append("This assignment has no late penalty.")
    elif policy.kind == "zero":
        lines.append("Late submissions score 0 for this assignment.")
    else:
        lines.append(f"Late penalty: {policy.percent:g}% per started day, at most 100%: -{fraction * 100:g}%.")
    if policy.grace_minutes and policy.kind != "none":
        lines.append(f"(A submission within {policy.grace_minutes:g} minutes of the due date is not late.)")
    lines.append(f"Score before the penalty: {earned:g}; after: {final:g}.")
    return "\n".join(lines)
