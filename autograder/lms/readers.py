"""The LMS download readers, in the order they are tried: the one registry of download layouts.

A reader recognises a download from its file list and turns it into candidate submissions (and
notes for the run's summary). Add a layout by writing a module with ``detect`` and ``read`` and
registering it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autograder.lms import canvas, gradescope, moodle
from autograder.lms.model import Candidate
from autograder.lms.tree import Entry


@dataclass(frozen=True)
class LmsReader:
    """A download layout: how to recognise it and how to read its submissions."""

    name: str
    detect: Callable[[list[Entry]], bool]
    read: Callable[[list[Entry]], tuple[list[Candidate], list[str]]]


LMS_READERS: tuple[LmsReader, ...] = (
    LmsReader("gradescope", lambda entries: gradescope.metadata_entry(entries) is not None, gradescope.candidates),
    LmsReader("moodle", moodle.is_moodle, lambda entries: (moodle.candidates(entries), [])),
    LmsReader("canvas", canvas.is_canvas, lambda entries: (canvas.candidates(entries), [])),
)


def reader_for(entries: list[Entry]) -> LmsReader | None:
    """The first reader that recognises ``entries`` as its download, if any."""
    return next((r for r in LMS_READERS if r.detect(entries)), None)
