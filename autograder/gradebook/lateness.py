"""Days late and the late penalty, from ``due`` and ``late_policy`` in grading_config.yaml.

Times without a zone (a ``due`` written without one) are taken as UTC, as in
``autograder/scoring/late.py``. A submission within ``grace_minutes`` of the due date is on time;
past it, lateness counts from the due date itself. ``days_late`` is exact (fractional);
``percent_per_day`` removes ``percent`` of the score for every started day late (capped at the
whole score); ``zero`` removes all of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from autograder.config import LatePolicy

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Lateness:
    days_late: float
    penalty: float  # fraction of the score removed, 0..1


def aware(t: datetime) -> datetime:
    """``t`` with a zone (UTC when it has none)."""
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


def lateness(submitted_at: datetime | None, due: datetime | None, policy: LatePolicy) -> Lateness:
    """How late ``submitted_at`` is for ``due`` and what ``policy`` takes off (nothing if either time is unknown)."""
    if submitted_at is None or due is None:
        return Lateness(0.0, 0.0)
    seconds = (aware(submitted_at) - aware(due)).total_seconds()
    if seconds <= policy.grace_minutes * 60:
        return Lateness(0.0, 0.0)
    days = seconds / DAY_SECONDS
    if policy.kind == "zero":
        penalty = 1.0
    elif policy.kind == "percent_per_day":
        penalty = min(1.0, policy.percent / 100.0 * math.ceil(days))
    else:
        penalty = 0.0
    return Lateness(round(days, 6), round(penalty, 6))
