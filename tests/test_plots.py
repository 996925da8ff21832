"""The report's histograms: drawn once per bin counts, range and title, then taken from the cache."""

from __future__ import annotations

import base64
import os

import pytest

from autograder.exports import plots

BIN_5 = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]  # the counts of [1.0] from 0 to 2


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", str(folder))
    return folder / "plots"


def png_of(uri: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix):])


def test_the_same_counts_are_not_drawn_again(cache, monkeypatch):
    first = plots.histogram_png([1.0, 2.0, 4.0], 4.0, "q: a question")
    assert png_of(first).startswith(plots.PNG_SIGNATURE)
    assert len(list(cache.glob("*.png"))) == 1

    def no_drawing(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(plots, "_draw", no_drawing)
    assert plots.histogram_png([1.0, 2.0, 4.0], 4.0, "q: a question") == first
    assert plots.histogram_png([1.1, 2.1, 4.0], 4.0, "q: a question") == first, "the same bins, the same picture"


def test_what_the_picture_shows_is_in_the_key(cache):
    base = plots.histogram_png([1.0, 2.0, 4.0], 4.0, "q")
    others = [plots.histogram_png([1.0, 1.0, 4.0], 4.0, "q"),  # other counts
              plots.histogram_png([1.0, 2.0, 4.0], 8.0, "q"),  # other range
              plots.histogram_png([1.0, 2.0, 4.0], 4.0, "r")]  # other title
    assert len({base, *others}) == 4
    assert len(list(cache.glob("*.png"))) == 4


def test_a_cached_file_that_is_no_png_is_drawn_again(cache):
    first = plots.histogram_png([3.0], 4.0, "q")
    (entry,) = cache.glob("*.png")
    entry.write_bytes(b"<svg>not what was drawn</svg>")
    assert plots.histogram_png([3.0], 4.0, "q") == first
    assert entry.read_bytes() == png_of(first)


def test_an_empty_cache_setting_draws_every_time(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert plots.plot_cache_dir() is None
    drawn = []
    real = plots._draw
    monkeypatch.setattr(plots, "_draw", lambda *a: drawn.append(1) or real(*a))
    assert plots.histogram_png([1.0], 2.0, "q") == plots.histogram_png([1.0], 2.0, "q")
    assert drawn == [1, 1]
    assert not any(tmp_path.iterdir())


def test_an_unwritable_cache_is_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", str(blocker))
    assert png_of(plots.histogram_png([1.0], 2.0, "q")).startswith(plots.PNG_SIGNATURE)


def test_the_cache_keeps_the_recently_used_half_when_full(cache, monkeypatch):
    monkeypatch.setattr(plots, "CACHE_ENTRIES", 4)
    for age, title in enumerate("abcd"):
        plots.histogram_png([1.0], 2.0, title)
        (entry,) = [p for p in cache.glob("*.png") if p.name == plots._key(BIN_5, 2.0, title) + ".png"]
        os.utime(entry, (1000.0 * (age + 1), 1000.0 * (age + 1)))  # a before b before c before d
    plots.histogram_png([1.0], 2.0, "d")  # used again: now the most recent of the four
    plots.histogram_png([1.0], 2.0, "e")
    left = {p.name for p in cache.glob("*.png")}
    assert left == {plots._key(BIN_5, 2.0, t) + ".png" for t in "de"}, "the least recently used removed"
