"""Which tests a student may see in full, by the ``--show`` level (the moment feedback is for)."""

from __future__ import annotations

from typing import Literal

Show = Literal["visible", "after_due_date", "after_published", "all"]
SHOWN: dict[str, frozenset[str]] = {
    "visible": frozenset({"visible"}),
    "after_due_date": frozenset({"visible", "after_due_date"}),
    "after_published": frozenset({"visible", "after_due_date", "after_published"}),
    "all": frozenset({"visible", "after_due_date", "after_published", "hidden"}),
}
WITHHELD_PHRASE = {
    "after_due_date": "shown after the due date",
    "after_published": "shown when grades are published",
    "hidden": "never shown",
}


def shown(visibility: str, show: Show) -> bool:
    """May a test of this visibility be shown (name, verdict, output) at level ``show``?"""
    return visibility in SHOWN[show]
