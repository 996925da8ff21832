"""How the sandbox isolates and limits children: built from ``grading_config.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from autograder.sandbox.isolate import Limits


@dataclass(frozen=True)
class SandboxSettings:
    """Isolation, warm imports, hidden paths and per-child limits."""

    isolate: bool = True
    fork_server: bool = True  # False: a fresh, cold host process per submission (no fork after heavy imports)
    warm_imports: tuple[str, ...] = ("numpy",)
    hidden_paths: tuple[str, ...] = ()
    extra_paths: tuple[str, ...] = ()
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 64 * 1024**2
    processes: int = 256
    tmp_bytes: int = 128 * 1024**2
    max_message_bytes: int = 32 * 1024**2  # the largest message a child may send; a larger one ends the call
    seed: int | None = None  # autograder audit: the host's hash seed, and its children seed their global RNGs

    def limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                              file_bytes=self.file_bytes, processes=self.processes, tmp_bytes=self.tmp_bytes)
