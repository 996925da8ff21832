"""report.html as a browser shows it: headless Chromium renders its histograms.

The histogram bars are the page's only content in their colour (``plots.BAR_COLOUR``), so the
screenshot of the report must show that colour in one horizontal band per plot, and the same page
with its images removed must show none of it. Skips, saying so, when Chromium is not installed
(``apt-get install chromium``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import colors, image
from synthetic_gradebook import build as build_synthetic

from autograder.exports.plots import BAR_COLOUR
from autograder.exports.report import write_report
from autograder.exports.source import load_export

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
WIDTH, HEIGHT = 1200, 2400
TOLERANCE = 8  # per channel, 0-255
MIN_BAR_PIXELS = 2000  # per plot; a plot is 700 x 220 pixels


def screenshot(page: Path, tmp: Path) -> np.ndarray:
    """The page rendered by headless Chromium at WIDTH x HEIGHT, as an (H, W, 3) array of 0-255 integers."""
    shot = tmp / f"{page.stem}.png"
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp / ('profile-' + page.stem)}", f"--screenshot={shot}",
           f"--window-size={WIDTH},{HEIGHT}", page.as_uri()]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "HOME": str(tmp)})
    try:
        log, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("Chromium did not finish the screenshot within 120 s")
    assert proc.returncode == 0 and shot.is_file(), log
    pixels = image.imread(shot)[..., :3]
    return np.rint(pixels * 255).astype(int)


def bands(mask: np.ndarray, gap: int = 10) -> list[tuple[int, int, int]]:
    """Horizontal bands of rows holding ``mask`` pixels, split where ``gap`` rows hold none:
    ``(first row, last row, pixels)``."""
    rows = np.flatnonzero(mask.any(axis=1))
    out: list[tuple[int, int, int]] = []
    for r in rows:
        if out and r - out[-1][1] <= gap:
            out[-1] = (out[-1][0], r, 0)
        else:
            out.append((r, r, 0))
    return [(a, b, int(mask[a:b + 1].sum())) for a, b, _ in out]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"the browser is missing: {CHROMIUM} not found (apt-get install chromium) - "
                    "report.html was not rendered")
    tmp = tmp_path_factory.mktemp("browser")
    book = build_synthetic(tmp / "gradebook.sqlite", students=300)
    return write_report(load_export(book, "style_transfer", ROOT / "grading_config.yaml"), tmp / "report.html")


def test_chromium_renders_every_histogram(report, tmp_path):
    bar = np.array([round(c * 255) for c in colors.to_rgb(BAR_COLOUR)])
    plots = report.read_text(encoding="utf-8").count('<img alt="histogram')
    assert plots == 4, "the total and three questions"
    shown = np.abs(screenshot(report, tmp_path) - bar).max(axis=-1) <= TOLERANCE
    found = bands(shown)
    assert len(found) == plots, f"one band of bar colour per histogram, found {found}"
    assert all(pixels >= MIN_BAR_PIXELS for _, _, pixels in found), found

    bare = tmp_path / "no-images.html"
    bare.write_text(re.sub(r"<img [^>]*>", "", report.read_text(encoding="utf-8")), encoding="utf-8")
    without = np.abs(screenshot(bare, tmp_path) - bar).max(axis=-1) <= TOLERANCE
    assert without.sum() < 50, "the bar colour comes from the plots and nothing else"
