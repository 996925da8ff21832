"""Late-submission arithmetic shared by every grade export (Gradescope, LMS files).

Days late are counted in started days after the due date: one minute late is one day, 24 h 1 min
late is two. A grace period only decides whether a submission is late at all; once it is, days are
still counted from the due date. Naive datetimes are taken as UTC.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from autograder.config import LatePolicy

DAY = timedelta(days=1)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is read as UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def days_late(submitted: datetime, due: datetime, grace: timedelta = timedelta(0)) -> int:
    """Started days between ``due`` and ``submitted``; 0 when on time or within ``grace``."""
    late = as_utc(submitted) - as_utc(due)
    if late <= max(grace, timedelta(0)):
        return 0
    return math.ceil(late / DAY)


def penalty(policy: LatePolicy, days: int) -> float:
    """The fraction of the score taken away (0 to 1) for a submission ``days`` late under ``policy``."""
    if days <= 0 or policy.kind == "none":
        return 0.0
    if policy.kind == "zero":
        return 1.0
    return min(1.0, policy.percent * days / 100.0)


def grace_of(policy: LatePolicy) -> timedelta:
    return timedelta(minutes=policy.grace_minutes)
