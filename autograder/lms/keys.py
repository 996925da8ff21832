"""Student keys that are safe as a directory name and a CSV cell."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w.@+-]+")
MAX_KEY = 100


def safe_key(text: str, fallback: str = "student") -> str:
    """``text`` with runs of characters outside letters, digits and ``._@+-`` replaced by ``_``."""
    key = _UNSAFE.sub("_", text.strip()).lstrip("._")[:MAX_KEY].rstrip("_")
    return key or fallback
