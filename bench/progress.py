"""A tiny progress bar (no tqdm in the virtualenv): redraws in place on a terminal, prints
every tenth otherwise, so a log file stays short."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, *, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_tenth = -1

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.done = self.total
        self._draw(force=True)
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, *, force: bool = False) -> None:
        fraction = min(self.done / self.total, 1.0)
        now = time.monotonic()
        if self.tty:
            if not force and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r  {self._line(fraction, bar.ljust(30, '.'))}")
            self.stream.flush()
            return
        tenth = int(fraction * 10)
        if tenth != self._last_tenth or (force and fraction >= 1.0 and self._last_tenth < 10):
            self._last_tenth = tenth
            self.stream.write(f"  {self._line(fraction, None)}\n")
            self.stream.flush()

    def _line(self, fraction: float, bar: str | None) -> str:
        elapsed = time.monotonic() - self.started
        bar_part = f"[{bar}] " if bar is not None else ""
        return (
            f"{self.label:<28} {bar_part}{fraction * 100:5.1f}% "
            f"{self.done:>11,}/{self.total:,}  {elapsed:6.1f}s"
        )
