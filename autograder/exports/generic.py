"""A plain scores CSV: one row per student, one column per question, the total, then lateness and the
late-adjusted total."""

from __future__ import annotations

from autograder.exports.source import ExportData
from autograder.exports.table import Table, points

IDENTITY = ["student", "name", "email", "lms_id", "sis_id", "source"]
TAIL = ["total", "max_total", "submitted_at", "late", "days_late", "penalty", "final_total", "error"]


def scores_table(data: ExportData) -> Table:
    table = Table(IDENTITY + data.questions + TAIL)
    for g in data.graded:
        s, r = g.student, g.result
        scores = {q.name: q.score for q in r.questions}
        table.rows.append([
            s.key, s.name, s.email, s.lms_id, s.sis_id, s.source,
            *(points(scores.get(q, 0.0), 4) for q in data.questions),
            points(r.total, 4), points(r.max_total, 4),
            g.submitted_at.isoformat() if g.submitted_at else "", "yes" if g.late else "no",
            points(g.days_late, 2), points(g.penalty, 4), points(g.final_score, 4), r.error or ""])
    return table
