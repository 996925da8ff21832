"""What happened in a child, as the grader records it: errors, calls, cells, the notebook."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 4000
MAX_NAMES = 5000

# What a child may report about a failed call; anything else it says is read as a plain exception.
CHILD_KINDS = frozenset({"exception", "timeout", "memory", "exit", "missing", "not_callable", "unencodable",
                         "sandbox"})
# Decided by the grader: a limit it enforced, a death it saw, a function it stopped calling, a handle it refused.
GRADER_KINDS = frozenset({"timeout", "cpu", "crashed", "exit", "gave_up", "lost_handle"})


def clean_text(value: Any, limit: int = MAX_TEXT) -> str:
    """A string from the child, made storable: valid UTF-8, no NUL, at most ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    text = value[:limit].encode("utf-8", "replace").decode("utf-8").replace("\x00", "\N{REPLACEMENT CHARACTER}")
    return text


def clean_seconds(value: Any, ceiling: float) -> float:
    """A duration from the child: a finite number in ``[0, ceiling]`` (0 for anything else)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    number = float(value)
    return min(max(number, 0.0), ceiling) if math.isfinite(number) else 0.0


@dataclass
class ErrorInfo:
    """What went wrong in the child, in words the grader turns into feedback."""

    kind: str  # see CHILD_KINDS and GRADER_KINDS
    type: str = ""
    types: tuple[str, ...] = ()
    message: str = ""
    traceback: str = ""

    @classmethod
    def from_child(cls, data: Any) -> ErrorInfo:
        """The error a child reported, with every field checked and capped."""
        data = data if isinstance(data, dict) else {}
        kind = data.get("kind")
        types = data.get("types")
        return cls(kind=kind if isinstance(kind, str) and kind in CHILD_KINDS else "exception",
                   type=clean_text(data.get("type"), 200),
                   types=tuple(clean_text(t, 200) for t in types[:64]) if isinstance(types, list) else (),
                   message=clean_text(data.get("message"), 2000), traceback=clean_text(data.get("traceback")))


@dataclass
class CallOutcome:
    ok: bool
    value: Any = None
    error: ErrorInfo | None = None
    elapsed: float = 0.0
    stdout: str = ""
    args_after: list | None = None
    kwargs_after: dict | None = None
    limit: float | None = None  # the time limit the call ran under


@dataclass
class CellStatus:
    index: int
    status: str  # ok, error, timeout, crashed, skipped, not_run
    error: ErrorInfo | None = None
    elapsed: float = 0.0
    stdout: str = ""


CELL_STATUSES = frozenset({"ok", "error", "timeout", "skipped", "not_run"})


@dataclass
class NotebookRun:
    cells: list[CellStatus] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    restarts: int = 0

    @property
    def elapsed(self) -> float:
        return sum(c.elapsed for c in self.cells)


def clean_names(value: Any) -> dict[str, str]:
    """The notebook's top-level names and kinds as the child listed them, capped."""
    if not isinstance(value, dict):
        return {}
    return {clean_text(k, 200): clean_text(v, 200) for k, v in list(value.items())[:MAX_NAMES] if isinstance(k, str)}


class ChildDied(Exception):
    def __init__(self, reason: ErrorInfo) -> None:
        super().__init__(reason.message)
        self.reason = reason
