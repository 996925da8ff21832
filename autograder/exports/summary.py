"""One line per student saying how the score was made: total, per-question scores, late penalty."""

from __future__ import annotations

from autograder.exports.table import points
from autograder.gradebook.model import GradedSubmission


def days_phrase(days: float) -> str:
    return f"{days:.1f} day{'' if round(days, 1) == 1 else 's'}"


def summary_line(g: GradedSubmission) -> str:
    """E.g. ``Total 4.56/9 (gram_matrix 0.33/4, style_loss 3/3, content_loss 1.22/2); 1.5 days late:
    -20%, final 3.64/9``."""
    r = g.result
    parts = ", ".join(f"{q.name} {points(q.score)}/{points(q.max_score)}" for q in r.questions)
    line = f"Total {points(r.total)}/{points(r.max_total)} ({parts})"
    if r.error:
        line += "; the notebook could not be run"
    if g.penalty > 0:
        line += f"; {days_phrase(g.days_late)} late: -{points(g.penalty * 100, 1)}%, final " \
                f"{points(g.final_score)}/{points(r.max_total)}"
    elif g.late:
        line += "; submitted late (no penalty)"
    return line


def scaled(score: float, max_total: float, out_of: float | None) -> float:
    """``score`` out of ``max_total`` expressed out of ``out_of`` (unchanged when None)."""
    if out_of is None or not max_total:
        return score
    return score * out_of / max_total
