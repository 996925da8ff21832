"""The late policy: how late a submission is and what that costs, for Gradescope and every LMS export.

Days late are counted in started days after the due date: one minute late is one day, 24 h 1 min
late is two. A grace period only decides whether a submission is late at all; once it is, days are
still counted from the due date. ``percent_per_day`` removes ``percent`` of the score for every
started day (at most all of it), ``zero`` removes all of it, ``none`` nothing. Times without a
zone are taken as UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from autograder.config import LatePolicy
from autograder.scoring.points import decimal, rounded

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Lateness:
    """``days_late`` exact (fractional), ``started_days`` counted, ``penalty`` the fraction removed (0..1)."""

    days_late: float
    started_days: int
    penalty: float


ON_TIME = Lateness(0.0, 0, 0.0)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is read as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def lateness(submitted_at: datetime | None, due: datetime | None, policy: LatePolicy) -> Lateness:
    """How late ``submitted_at`` is for ``due`` and what ``policy`` takes off (nothing if either time is unknown)."""
    if submitted_at is None or due is None:
        return ON_TIME
    seconds = (as_utc(submitted_at) - as_utc(due)).total_seconds()
    if seconds <= max(policy.grace_minutes * 60, 0):
        return ON_TIME
    days = seconds / DAY_SECONDS
    started = math.ceil(days)
    return Lateness(round(days, 6), started, penalty(policy, started))


def penalty(policy: LatePolicy, started_days: int) -> float:
    """The fraction of the score taken away (0 to 1) for a submission ``started_days`` late under ``policy``."""
    if started_days <= 0 or policy.kind == "none":
        return 0.0
    if policy.kind == "zero":
        return 1.0
    return min(1.0, float(decimal(policy.percent) * started_days / 100))


def after_penalty(score: float, fraction: float) -> float:
    """The score left after removing ``fraction`` of it, to 4 decimals (what every export prints)."""
    return rounded(float(decimal(score) - decimal(score) * decimal(fraction)))
