"""Put each chosen submission where a worker can read it, and fingerprint its bytes.

A plain file or a file of an unpacked download is graded where it is. A zip member is copied to
``<staging>/<sha256 prefix>/<its name>`` (at most the loader's size limit plus one byte, so an
oversized member is still refused with the loader's message and a zip bomb is never inflated).
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from autograder.atomic import write_atomic
from autograder.lms.keys import safe_key
from autograder.lms.model import Candidate
from autograder.submission.load import MAX_SUBMISSION_BYTES

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Staged:
    """A submission's readable path and the sha256 of its bytes (``error`` when it could not be read)."""

    path: Path
    sha256: str
    error: str = ""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def stage(c: Candidate, staging: Path) -> Staged:
    """The path to grade and the content hash of ``c``."""
    entry = c.entry
    try:
        if entry.file_path is not None:
            return Staged(entry.file_path, file_sha256(entry.file_path))
        data = entry.read(MAX_SUBMISSION_BYTES + 1)
    except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        token = hashlib.sha256(f"unreadable\0{entry.origin}\0{reason}".encode()).hexdigest()
        return Staged(staging / "unreadable" / token[:16] / _file_name(c.filename), token, reason)
    sha = hashlib.sha256(data).hexdigest()
    path = staging / sha[:16] / _file_name(c.filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_atomic(path, data)
    return Staged(path, sha)


def _file_name(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{safe_key(stem, 'submission')}.{safe_key(suffix, 'bin')}" if dot else safe_key(name, "submission")
