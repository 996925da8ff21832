"""Gradescope "Export Submissions": a folder holding ``submission_metadata.yml`` and one
``submission_<id>/`` folder per submission with the student's files.

The metadata maps each folder to its ``:submitters:`` (``:name:``, ``:sid:``, ``:email:``) and its
``:created_at:`` time (Ruby YAML: symbol keys, times like ``2024-03-01 17:02:03.123456000 -08:00``).
A group submission gives each submitter the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

import yaml

from autograder.gradebook.model import StudentIdentity
from autograder.lms.keys import safe_key
from autograder.lms.model import Candidate, suffix_rank
from autograder.lms.tree import Entry

METADATA = "submission_metadata.yml"
MAX_METADATA_BYTES = 64 * 1024 * 1024


class GradescopeError(Exception):
    """The export's metadata cannot be read."""


@dataclass(frozen=True)
class Submitter:
    name: str
    sid: str
    email: str

    def identity(self, folder: str) -> StudentIdentity:
        key = safe_key(self.sid or self.email or self.name or folder)
        return StudentIdentity(key=key, name=self.name, email=self.email, login=self.email, sis_id=self.sid,
                               source="gradescope")


@dataclass(frozen=True)
class GradescopeSubmission:
    folder: str
    submitters: tuple[Submitter, ...]
    created_at: datetime | None


class _Loader(yaml.SafeLoader):
    """Safe YAML that reads Ruby-tagged nodes (``!ruby/object:...``) as plain data."""


def _untagged(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _untagged)


def metadata_entry(entries: list[Entry]) -> Entry | None:
    """The export's ``submission_metadata.yml``, at the top or one folder down."""
    found = [e for e in entries if e.name == METADATA and len(e.relpath.parts) <= 2]
    return min(found, key=lambda e: len(e.relpath.parts)) if found else None


def parse_metadata(text: str) -> dict[str, GradescopeSubmission]:
    """Folder name -> submission, from the metadata's text."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise GradescopeError(f"{METADATA} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise GradescopeError(f"{METADATA} does not map submission folders to submitters")
    out = {}
    for folder, record in data.items():
        if not isinstance(record, dict):
            continue
        people = record.get(":submitters") or []
        submitters = tuple(Submitter(_text(p.get(":name")), _text(p.get(":sid")), _text(p.get(":email")))
                           for p in people if isinstance(p, dict))
        out[str(folder)] = GradescopeSubmission(str(folder), submitters, _time(record.get(":created_at")))
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.astimezone()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).astimezone()
        except ValueError:
            return None
    return None


def candidates(entries: list[Entry]) -> tuple[list[Candidate], list[str]]:
    """Candidates of an export, and notes about folders the metadata does not describe."""
    meta = metadata_entry(entries)
    if meta is None:
        return [], []
    try:
        text = meta.read(MAX_METADATA_BYTES).decode("utf-8", errors="replace")
    except OSError as exc:
        raise GradescopeError(f"{meta.origin}: cannot be read ({exc})") from exc
    submissions = parse_metadata(text)
    root = meta.relpath.parent
    out: list[Candidate] = []
    notes: set[str] = set()
    for e in entries:
        inside = _inside(e.relpath, root)
        if inside is None or len(inside.parts) < 2 or not e.gradable:
            continue
        folder = inside.parts[0]
        sub = submissions.get(folder)
        if sub is None or not sub.submitters:
            notes.add(f"{folder}: not described in {METADATA}; graded under the key {safe_key(folder)}")
            sub = GradescopeSubmission(folder, (Submitter("", "", ""),), sub.created_at if sub else None)
        when = sub.created_at.timestamp() if sub.created_at else 0.0
        mtime = e.mtime.timestamp() if e.mtime else 0.0
        for person in sub.submitters:
            out.append(Candidate(person.identity(folder), e, sub.created_at, (when, suffix_rank(e.name), mtime),
                                 f"gradescope:{folder}", label=f"Gradescope {folder}"))
    return out, sorted(notes)


def _inside(path: PurePosixPath, root: PurePosixPath) -> PurePosixPath | None:
    try:
        return path.relative_to(root)
    except ValueError:
        return None
