"""The Card IR: what the parser produces and every emitter consumes.

Answers and questions keep the exact source text of their lines; rendering happens in the
emitters. That keeps fidelity testable: the IR can be compared with the notes line by line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source lines."""

    path: str
    """The note file, as a POSIX path relative to the working directory when possible."""
    start: int
    """First line, 1-based."""
    end: int
    """Last line, 1-based, inclusive."""


@dataclass(frozen=True, slots=True)
class Card:
    """One question and its whole answer."""

    id: str
    """Stable identity: the Anki GUID and the site anchor. Survives edits (see ledger.py)."""
    deck: str
    """Root deck name; the card lives in the subdeck ``deck::chapter``."""
    chapter: str
    number: str | None
    """The number written in the notes ("12", "3.1.1"), or None."""
    title: str
    """The question as a reader sees it: number, glyphs and source reference removed."""
    question: str
    """Verbatim source of the question line."""
    answer: str
    """Verbatim source of the answer lines (blank lines at either end trimmed)."""
    answer_start: int
    """Line of the first answer line (the line after the question when the answer is empty)."""
    tags: tuple[str, ...]
    """Source references such as ``深度学习-P35``."""
    source: Span
    """Question line through the last answer line."""

    @property
    def key(self) -> tuple[str, str]:
        """The natural key a card is recognised by when nothing else is known."""
        return (self.chapter, self.title)


@dataclass(frozen=True, slots=True)
class Chapter:
    """A ``#`` heading: a subdeck and a site page."""

    title: str
    path: str
    """The note file the chapter comes from."""
    line: int
    """Line of the heading (0 for a chapter implied by a file without ``#`` headings)."""
    meta: str
    """Verbatim lines between the heading and the first question (date stamps and the like)."""
    meta_span: Span | None
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Deck:
    """Everything parsed from a notes folder."""

    name: str
    chapters: tuple[Chapter, ...]

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for chapter in self.chapters for card in chapter.cards)
