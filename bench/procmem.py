"""Peak memory of process trees: PSS (and RSS) summed over every descendant, sampled every second.

Reading ``smaps_rollup`` walks a process's page tables in the kernel: a sample of a tree with warm
TensorFlow/PyTorch processes cost about 50 ms of CPU, so sampling every 0.2 s took a quarter of a core
from what it measured (more from a Dask cluster's larger tree); once a second it takes 5 %.

PSS (``/proc/<pid>/smaps_rollup``) charges each shared page to the processes sharing it in
equal parts, so the sum over a forking tree (a warm host and its copy-on-write children) is the
memory the tree really uses; the RSS sum counts shared pages once per process and overstates it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

INTERVAL = 1.0


def parents() -> dict[int, int]:
    """pid -> parent pid for every process visible now."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            out[int(entry)] = int(fields[1])
    return out


def descendants(roots: Iterable[int], include_roots: bool = True) -> list[int]:
    """The roots' whole process trees (``include_roots``: the roots too)."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents().items():
        children.setdefault(ppid, []).append(pid)
    stack = list(roots)
    found = set(stack) if include_roots else set()
    while stack:
        pid = stack.pop()
        for child in children.get(pid, []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return sorted(found)


def pss_rss_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB; (0, 0) if it is gone or unreadable."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError):
        return 0, 0
    return pss, rss


@dataclass
class MemorySample:
    t: float
    pss_kib: int
    rss_kib: int
    processes: int


@dataclass
class TreeSampler:
    """Samples the trees under ``roots()`` in a background thread until ``stop()``."""

    roots: Callable[[], list[int]]
    include_roots: bool = True
    samples: list[MemorySample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.monotonic()

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = descendants(self.roots(), self.include_roots)
            pss = rss = 0
            for pid in pids:
                p, r = pss_rss_kib(pid)
                pss, rss = pss + p, rss + r
            self.samples.append(MemorySample(time.monotonic() - self._t0, pss, rss, len(pids)))
            self._stop.wait(INTERVAL)

    def stop(self) -> TreeSampler:
        self._stop.set()
        self._thread.join()
        return self

    @property
    def peak_pss_mib(self) -> float:
        return max((s.pss_kib for s in self.samples), default=0) / 1024

    @property
    def peak_rss_mib(self) -> float:
        return max((s.rss_kib for s in self.samples), default=0) / 1024

    @property
    def peak_processes(self) -> int:
        return max((s.processes for s in self.samples), default=0)
