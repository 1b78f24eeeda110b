"""A long build's progress on one terminal line: the stage and, when it has one, its count.

The line is redrawn in place (carriage return, erase to the end of the line), so it needs a
terminal; written to a file or a pipe it would fill a log with fragments, so there it says
nothing at all.
"""

from __future__ import annotations

import os
import time
from typing import TextIO

# Redrawing on every card of 50,000 would cost more than the work it reports.
_REDRAW_SECONDS = 0.1
_ERASE_LINE = "\r\x1b[K"


class Progress:
    """Reports stages and counts to a terminal; a Progress without one reports nothing."""

    def __init__(self, terminal: TextIO | None = None) -> None:
        self._terminal = terminal
        self._stage = ""
        self._total: int | None = None
        self._count = 0
        self._drawn_at = float("-inf")
        self._showing = False

    @classmethod
    def for_stream(cls, stream: TextIO) -> Progress:
        """A display on ``stream`` when it is a terminal that can redraw a line, else silence."""
        return cls(stream if _can_redraw(stream) else None)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins; ``total`` is how many items it will count, when known."""
        self._stage, self._total, self._count = name, total, 0
        self._draw(now=True)

    def advance(self, n: int = 1) -> None:
        self._count += n
        self._draw(now=self._count == self._total)

    def done(self) -> None:
        """Erase the line, so that what is printed next starts on a clean one."""
        if self._terminal is not None and self._showing:
            self._terminal.write(_ERASE_LINE)
            self._terminal.flush()
        self._showing = False

    def _draw(self, *, now: bool) -> None:
        if self._terminal is None:
            return
        clock = time.monotonic()
        if not now and clock - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = clock
        self._terminal.write(_ERASE_LINE + self.line()[: _columns(self._terminal) - 1])
        self._terminal.flush()
        self._showing = True

    def line(self) -> str:
        """What the display shows now, e.g. ``render 4,000/10,000``."""
        if self._total is not None:
            return f"{self._stage} {self._count:,}/{self._total:,}"
        return f"{self._stage} {self._count:,}" if self._count else f"{self._stage}…"


def _columns(terminal: TextIO) -> int:
    """The terminal's width. The line stays one column short of it: a full line would wrap,
    and a carriage return cannot redraw a wrapped line."""
    try:
        columns = os.get_terminal_size(terminal.fileno()).columns
    except (OSError, ValueError):
        columns = 0
    return columns if columns > 1 else 80  # a new pseudo-terminal reports 0 until resized


def _can_redraw(stream: TextIO) -> bool:
    return stream.isatty() and os.environ.get("TERM") != "dumb"
