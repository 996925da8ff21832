"""Score histograms as PNG ``data:`` URIs, drawn without pyplot (no GUI backend, no global state).

A histogram is its bins' counts: the PNG drawn for the same counts, range and title is kept in a
small cache (``plot_cache_dir()``), so a report whose scores did not move does not draw again (the
matplotlib import and the drawing are most of the time a report takes). The key holds this module's
own source and matplotlib's and Pillow's versions, so a change to the drawing draws again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import io
import json
import os
from pathlib import Path

import numpy as np

from autograder.atomic import write_atomic

BAR_COLOUR = "#1f77b4"  # the only colour in report.html's plots and nowhere else on the page
SIZE = (7.0, 2.2)  # inches, at DPI: 700 x 220 pixels
DPI = 100
BINS = 10
CACHE_ENTRIES = 2000  # beyond this, the least recently used half is removed
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def histogram_png(scores: list[float], max_score: float, title: str) -> str:
    """A histogram of ``scores`` from 0 to ``max_score`` as a ``data:image/png;base64,...`` URI."""
    top = max_score if max_score > 0 else 1.0
    edges = np.linspace(0.0, top, BINS + 1)
    counts, _ = np.histogram(np.clip(scores, 0.0, top), bins=edges)
    key = _key(counts.tolist(), top, title)
    png = _cached(key)
    if png is None:
        png = _draw(edges, counts, top, title)
        _keep(key, png)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def plot_cache_dir() -> Path | None:
    """Where drawn histograms are kept: ``AUTOGRADER_CACHE_DIR``, else the user's cache directory
    (``$XDG_CACHE_HOME`` or ``~/.cache``), ``/autograder/plots``; None when ``AUTOGRADER_CACHE_DIR`` is empty."""
    root = os.environ.get("AUTOGRADER_CACHE_DIR")
    if root == "":
        return None
    if root is None:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "autograder")
    return Path(root) / "plots"


def _draw(edges: np.ndarray, counts: np.ndarray, top: float, title: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # 0.6 s: imported by the commands that draw
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=BAR_COLOUR, edgecolor="white",
           linewidth=0.5, antialiased=False)
    ax.set_xlim(0.0, top)
    ax.set_ylim(0, max(1, int(counts.max(initial=0))) * 1.1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("score", fontsize=9)
    ax.set_ylabel("students", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.22)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


@functools.cache
def _drawing_version() -> str:
    """What else the picture depends on: this module's source and the versions of the libraries that draw it."""
    versions = []
    for dist in ("matplotlib", "pillow"):
        try:
            versions.append(importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:
            versions.append("")
    return hashlib.sha256(Path(__file__).read_bytes() + json.dumps(versions).encode()).hexdigest()


def _key(counts: list[int], top: float, title: str) -> str:
    return hashlib.sha256(json.dumps([_drawing_version(), counts, top, title]).encode()).hexdigest()


def _cached(key: str) -> bytes | None:
    """The PNG kept for ``key`` (marked as used), or None when there is none or it is not a PNG."""
    folder = plot_cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.png"
    try:
        png = path.read_bytes()
        os.utime(path)
    except OSError:
        return None
    return png if png.startswith(PNG_SIGNATURE) else None


def _keep(key: str, png: bytes) -> None:
    """Keep ``png`` for ``key``; a cache that cannot be written is no cache."""
    folder = plot_cache_dir()
    if folder is None:
        return
    try:
        write_atomic(folder / f"{key}.png", png)
        entries = list(os.scandir(folder))
        if len(entries) > CACHE_ENTRIES:
            entries.sort(key=lambda e: e.stat().st_mtime)
            for entry in entries[: len(entries) - CACHE_ENTRIES // 2]:
                os.unlink(entry.path)
    except OSError:
        return
