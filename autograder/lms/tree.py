"""A download as a flat list of files, whether it is a zip or a directory it was unpacked into.

Nothing is extracted here: an ``Entry`` knows where its bytes are and reads them on request, with
a size limit. Junk (``__MACOSX``, ``.DS_Store``, hidden files, checkpoints) and zip members whose
names climb out of the archive are left out.
"""

from __future__ import annotations

import os
import struct
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from autograder.submission.discover import SKIP_DIRS
from autograder.submission.load import SUFFIXES

EXTENDED_TIMESTAMP = 0x5455


@dataclass(frozen=True)
class Entry:
    """One file of a download: its path inside the download, size, time, and where its bytes are."""

    relpath: PurePosixPath
    size: int
    mtime: datetime | None
    file_path: Path | None = None
    zip_path: Path | None = None
    member: str = ""

    @property
    def name(self) -> str:
        return self.relpath.name

    @property
    def gradable(self) -> bool:
        return self.name.lower().endswith(SUFFIXES)

    @property
    def origin(self) -> str:
        """Where a person finds this file: a path, or ``archive.zip!member``."""
        return f"{self.zip_path}!{self.member}" if self.zip_path else str(self.file_path)

    def read(self, limit: int) -> bytes:
        """At most ``limit`` bytes of the file."""
        if self.zip_path is None:
            assert self.file_path is not None
            with self.file_path.open("rb") as f:
                return f.read(limit)
        with zipfile.ZipFile(self.zip_path) as zf, zf.open(self.member) as f:
            return f.read(limit)


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(p in SKIP_DIRS or p.startswith(".") or p == ".." for p in parts) or not parts


def dir_entries(root: Path) -> list[Entry]:
    """Every file under ``root`` (recursively), sorted by path."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = PurePosixPath(path.relative_to(root).as_posix())
            if _skipped(rel.parts):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            out.append(Entry(rel, st.st_size, datetime.fromtimestamp(st.st_mtime).astimezone(), file_path=path))
    return out


def zip_entries(path: Path) -> list[Entry]:
    """Every file member of the zip at ``path``; raises ``zipfile.BadZipFile`` if it is not a zip."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            rel = PurePosixPath(_member_name(info).lstrip("/"))
            if _skipped(rel.parts):
                continue
            out.append(Entry(rel, info.file_size, _zip_time(info), zip_path=path, member=info.filename))
    return sorted(out, key=lambda e: e.relpath)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, repairing UTF-8 names stored without the UTF-8 flag (read as cp437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    """The member's modification time: the UTC extended timestamp if present, else its DOS (local) time."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        body = extra[4:4 + size]
        if tag == EXTENDED_TIMESTAMP and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack("<i", body[1:5])[0], UTC)
        extra = extra[4 + size:]
    try:
        return datetime(*info.date_time).astimezone()
    except ValueError:
        return None
