"""Student keys that are safe as a directory name and a CSV cell."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w.@+-]+")
MAX_KEY = 100


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f/\\]|[\ud800-\udfff]")


def file_key(stem: str, fallback: str = "submission") -> str:
    """A plain file's key: its stem as written, except characters no file name or CSV cell should carry
    (control characters, slashes, undecodable bytes), which become ``_``."""
    key = _UNPRINTABLE.sub("_", stem).strip()[:MAX_KEY]
    return key if key.strip("._") else fallback


def safe_key(text: str, fallback: str = "student") -> str:
    """``text`` with runs of characters outside letters, digits and ``._@+-`` replaced by ``_``."""
    key = _UNSAFE.sub("_", text.strip()).lstrip("._")[:MAX_KEY].rstrip("_")
    return key or fallback
