"""Progress reporting on stderr for long work (build, embedding, benchmarks)."""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")


class Progress:
    """Prints steps and counters to stderr; ``Progress(quiet=True)`` prints nothing."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._t0 = time.perf_counter()

    def step(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self._t0
            print(f"[{elapsed:6.1f}s] {message}", file=self.stream, flush=True)

    def bar(self, items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
        """Yield ``items``, reporting ``desc: i/total`` about every 10 % (and at the end)."""
        if total is None:
            try:
                total = len(items)  # type: ignore[arg-type]
            except TypeError:
                total = None
        every = max(1, (total or 100) // 10)
        i = 0
        for i, item in enumerate(items, 1):
            yield item
            if not self.quiet and (i % every == 0 or i == total):
                self.step(f"{desc}: {i}/{total if total is not None else '?'}")
        if not self.quiet and total is None:
            self.step(f"{desc}: {i} done")

