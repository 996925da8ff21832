"""Score histograms as PNG ``data:`` URIs, drawn without pyplot (no GUI backend, no global state)."""

from __future__ import annotations

import base64
import io

import numpy as np

BAR_COLOUR = "#1f77b4"  # the only colour in report.html's plots and nowhere else on the page
SIZE = (7.0, 2.2)  # inches, at DPI: 700 x 220 pixels
DPI = 100
BINS = 10


def histogram_png(scores: list[float], max_score: float, title: str) -> str:
    """A histogram of ``scores`` from 0 to ``max_score`` as a ``data:image/png;base64,...`` URI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # 0.6 s: imported by the commands that draw
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    top = max_score if max_score > 0 else 1.0
    edges = np.linspace(0.0, top, BINS + 1)
    counts, _ = np.histogram(np.clip(scores, 0.0, top), bins=edges)
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
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
