"""One flag an audit raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One flag: ``error`` findings fail the audit (non-zero exit); ``warning`` findings do not."""

    level: Level
    check: str
    subject: str
    message: str
